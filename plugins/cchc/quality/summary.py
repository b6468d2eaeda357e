"""`cchc quality`: one quarter's data quality as a terminal report, read back from the warehouse.

The quarter's latest refresh (id, status, time), the files it read (loaded, unchanged, rejected, and
landing files it could not place, with reasons), rows read / loaded / quarantined per dataset, rejected
rows by reason and warnings by expectation (each with an example file:line), reconciliation gaps, and
where the Data Docs are. With a province, only files of its units count.

The same report is also written as one self-contained HTML file (styles inline, no scripts, nothing
fetched): GX Data Docs pull their CSS and JS from public CDNs, and provincial networks are often closed.
"""

from __future__ import annotations

import html
import re
from collections import Counter, defaultdict
from contextvars import ContextVar
from datetime import datetime
from pathlib import Path
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

import psycopg
from tabulate import tabulate

from cchc.config import LOCAL_TZ
from cchc.quarters import Quarter
from cchc.warehouse.sql_files import fetch_all

TOP = 10  # rows shown per list before "… and N more"
WIDEST = 100  # characters shown of a long reason or detail
READ_OUTCOMES = ("loaded", "unchanged", "rejected")
# While an HTML report is rendered, tables are collected here and stand in the text as placeholders.
_HTML_TABLES: ContextVar[list[str] | None] = ContextVar("html_tables", default=None)
_PLACEHOLDER = re.compile(r"\x00table(\d+)\x00")
STYLE = (
    "body{font-family:system-ui,sans-serif;margin:2em;color:#222}h1{font-size:1.4em}"
    "h2{font-size:1.1em;margin-top:1.6em;border-bottom:1px solid #ccc}"
    "table{border-collapse:collapse;font-size:.9em}td,th{border:1px solid #ccc;padding:.2em .5em;text-align:left}"
    "th{background:#f2f2f2}p{margin:.3em 0}"
)


def quality_report(conn: psycopg.Connection, quarter: Quarter, province: str | None = None) -> str | None:
    """The report as text, or None when the quarter was never refreshed. It reads the latest refresh that
    finished; a later one still going, or interrupted, is named above it. Under a reader login (which
    reads the marts of its provinces, not the audit), the parts of the report in the marts."""
    if not can_read_audit(conn):
        return _reader_report(conn, quarter, province)
    _sweep_interrupted(conn)
    runs = fetch_all(conn, "audit/quality_last_run.sql", {"quarter": str(quarter)})
    if not runs:
        return None
    run_id, status, trigger, started_at, finished_at, message = runs[0]
    later = [(other[0], other[1], other[3]) for other in runs[1:]]
    params = {"run_id": run_id, "quarter": str(quarter), "province": province, "day": quarter.last_day}
    files = [FileRow(*row) for row in fetch_all(conn, "audit/quality_files.sql", params)]
    problems = fetch_all(conn, "audit/quality_landing_problems.sql", params)
    rejects = fetch_all(conn, "audit/quality_rejects_by_reason.sql", params)
    warnings = fetch_all(conn, "audit/quality_warnings.sql", params)
    conn.rollback()
    title = f"CCHC data quality, {quarter}" + (f", province {province}" if province else "")
    sections = [
        f"{title}\n{'=' * len(title)}",
        _run_section(run_id, status, trigger, started_at, finished_at, message, later),
        _files_section(files, problems),
        _file_warnings_section(files),
        _rows_section(files),
        _rejects_section(rejects),
        _warnings_section(warnings),
        _volume_section(conn, quarter, province),
        _reconciliation_section(conn, quarter, province),
        _submissions_section(conn, quarter, province),
        _data_docs_section(),
    ]
    return "\n\n".join(sections)


def can_read_audit(conn: psycopg.Connection) -> bool:
    """Whether this login reads the audit schema (a data engineer's does; a reader login's does not)."""
    allowed = bool(fetch_all(conn, "audit/can_read_audit.sql")[0][0])
    conn.rollback()
    return allowed


def last_run_failed(conn: psycopg.Connection, quarter: Quarter) -> bool:
    """Whether the quarter's last finished refresh failed (False where this login cannot read the audit)."""
    if not can_read_audit(conn):
        return False
    runs = fetch_all(conn, "audit/quality_last_run.sql", {"quarter": str(quarter)})
    conn.rollback()
    return bool(runs) and runs[0][1] == "failed"


def _reader_report(conn: psycopg.Connection, quarter: Quarter, province: str | None) -> str:
    title = f"CCHC data quality, {quarter}" + (f", province {province}" if province else "")
    note = (
        "This login reads the marts of its provinces only (cchc grant-reader). Runs, files and rejected rows\n"
        "are in the audit, raw and quarantine schemas, which a data engineer's login reads."
    )
    sections = [
        f"{title}\n{'=' * len(title)}",
        f"Access\n{note}",
        _reconciliation_section(conn, quarter, province),
        _submissions_section(conn, quarter, province),
    ]
    return "\n\n".join(sections)


def _submissions_section(conn: psycopg.Connection, quarter: Quarter, province: str | None) -> str:
    from cchc.reports.submissions import status_summary
    from cchc.submissions import STATUS_EN, Submission

    params = {"quarter": str(quarter), "province": province}
    recorded = fetch_all(conn, "models/mart/submission_status/rows_of_quarter.sql", params)
    rows = [Submission.of(row) for row in recorded]
    conn.rollback()
    if not rows:
        return f"Submissions: nothing recorded for {quarter} (cchc status --quarter {quarter} --record)"
    chase = [row for row in rows if row.to_chase]
    table = [
        [row["unit_code"], row["unit_name"], row["dataset"], f"{row['submission_vi']} / {STATUS_EN[row['submission']]}"]
        for row in chase[:TOP]
    ]
    head = f"Submissions (mart.submission_status, as of {_local(rows[0]['as_of'])})"
    lines = [head, status_summary(rows)]
    if chase:
        chased = _table(table, ("unit", "name", "dataset", "status"))
        lines.append(f"To chase (due date passed):\n{chased}{_more(len(chase))}")
    return "\n".join(lines)


def _local(moment: datetime | None) -> str:
    return moment.astimezone(ZoneInfo(LOCAL_TZ)).strftime("%Y-%m-%d %H:%M:%S") if moment else "-"


def _cell(value: Any) -> str:
    text = "-" if value is None else str(value)
    return text if len(text) <= WIDEST else text[: WIDEST - 1] + "…"


def _table(rows: list[list[Any]], headers: tuple[str, ...], numeric: tuple[int, ...] = ()) -> str:
    align = ["right" if i in numeric else "left" for i in range(len(headers))]
    shown = [[_cell(value) for value in row] for row in rows]
    tables = _HTML_TABLES.get()
    if tables is not None:
        tables.append(tabulate(shown, headers=headers, tablefmt="html", disable_numparse=True, colalign=align))
        return f"\x00table{len(tables) - 1}\x00"
    return tabulate(shown, headers=headers, tablefmt="simple", disable_numparse=True, colalign=align)


def quality_report_html(conn: psycopg.Connection, quarter: Quarter, province: str | None = None) -> str | None:
    """The report as one HTML page (escaped text, inline style), or None when the quarter was never refreshed."""
    tables: list[str] = []
    token = _HTML_TABLES.set(tables)
    try:
        text = quality_report(conn, quarter, province)
    finally:
        _HTML_TABLES.reset(token)
    if text is None:
        return None
    heading, *sections = text.split("\n\n")
    title = heading.split("\n")[0]  # the text's underline is not needed in HTML
    body = [f"<h1>{html.escape(title)}</h1>"]
    for section in sections:
        head, *lines = section.split("\n")
        body.append(f"<h2>{html.escape(head)}</h2>")
        for line in lines:
            placeholder = _PLACEHOLDER.fullmatch(line)
            body.append(tables[int(placeholder.group(1))] if placeholder else f"<p>{html.escape(line.strip())}</p>")
    return (
        '<!DOCTYPE html>\n<html lang="vi"><head><meta charset="utf-8">'
        f"<title>{html.escape(title)}</title><style>{STYLE}</style></head>\n<body>\n"
        + "\n".join(body)
        + "\n</body></html>\n"
    )


def quality_report_path(quarter: Quarter, folder: Path) -> Path:
    return folder / f"quality-report-{quarter}.html"


def write_quality_report_html(conn: psycopg.Connection, quarter: Quarter, folder: Path) -> Path | None:
    """Write `quality-report-<quarter>.html` into `folder`; returns its path (None if never refreshed)."""
    page = quality_report_html(conn, quarter)
    if page is None:
        return None
    folder.mkdir(parents=True, exist_ok=True)
    path = quality_report_path(quarter, folder)
    path.write_text(page, encoding="utf-8")
    return path


def _more(total: int) -> str:
    return f"\n… and {total - TOP} more" if total > TOP else ""


def _sweep_interrupted(conn: psycopg.Connection) -> None:
    """Mark the runs whose process died, where this login may (a reader may not: then they show as they are)."""
    from cchc.runs import mark_interrupted

    try:
        mark_interrupted(conn)
    except psycopg.Error:
        conn.rollback()


def _run_section(
    run_id: str,
    status: str,
    trigger: str,
    started: datetime,
    finished: datetime | None,
    message: str | None,
    later: list[tuple[str, str, datetime]] | None = None,
) -> str:
    took = f" ({(finished - started).total_seconds():.1f} s)" if finished else ""
    lines = [
        f"Last run: {run_id} ({trigger}), {status}",
        f"  started {_local(started)}, finished {_local(finished)}{took} ({LOCAL_TZ})",
    ]
    lines += [
        f"  later: {other}, {other_status} (started {_local(other_started)}), did not finish: "
        f"the figures below are those of {run_id}, in force"
        for other, other_status, other_started in later or []
    ]
    if message:
        lines.append(f"  message: {message.splitlines()[0]}")
    return "\n".join(lines)


class FileRow(NamedTuple):
    """One row of audit/quality_files.sql."""

    path: str
    dataset: str
    read_outcome: str | None
    status: str
    reason: str | None
    rows_read: int | None
    rows_loaded: int | None
    rows_quarantined: int | None
    duration_ms: int | None
    rows_skipped: int
    warnings: list[str]


def _files_section(files: list[FileRow], problems: list[tuple]) -> str:
    outcomes = Counter(f.read_outcome or "kept" for f in files)
    counts = ", ".join(f"{outcomes[o]} {o}" for o in (*READ_OUTCOMES, "kept") if outcomes[o])
    head = f"Files: {len(files)} ({counts or 'none'}); {len(problems)} not placed in the landing zone"
    attention = [[f.path, f"rejected: {f.reason}"] for f in files if f.status == "rejected"]
    attention += [
        [f.path, f"{f.rows_quarantined} of {f.rows_read} rows quarantined"]
        for f in sorted(files, key=lambda f: -(f.rows_quarantined or 0))
        if f.status == "loaded" and f.rows_quarantined
    ]
    attention += [[path, reason] for path, reason in problems]
    if not attention:
        warned = sum(bool(f.warnings) for f in files)
        return f"{head}\nEvery file read cleanly" + (f" ({warned} with file warnings, below)." if warned else ".")
    return f"{head}\n{_table(attention[:TOP], ('file', 'problem'))}{_more(len(attention))}"


def _file_warnings_section(files: list[FileRow]) -> str:
    """What a reader noticed about a file it loaded: columns not read or read in place of another,
    title and summary rows skipped, a stated count that differs."""
    rows = [[f.path, warning] for f in files if f.status == "loaded" for warning in f.warnings]
    if not rows:
        return "File warnings: none"
    return (
        f"File warnings (loaded, with something to know)\n{_table(rows[:TOP], ('file', 'warning'))}{_more(len(rows))}"
    )


def _rows_section(files: list[FileRow]) -> str:
    totals: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0, 0, 0])
    for f in files:
        if f.status != "loaded":
            continue
        values = (1, f.rows_read, f.rows_loaded, f.rows_quarantined, f.rows_skipped, f.duration_ms)
        for i, value in enumerate(values):
            totals[f.dataset][i] += value or 0
    rows = [[dataset, *values] for dataset, values in sorted(totals.items())]
    if rows:
        rows.append(["total", *(sum(row[i] for row in rows) for i in range(1, 7))])
    headers = ("dataset", "files", "read", "loaded", "quarantined", "skipped", "read ms")
    table = _table(rows, headers, numeric=(1, 2, 3, 4, 5, 6))
    return f"Rows per dataset (read = loaded + quarantined + skipped)\n{table if rows else 'no rows were read'}"


def _rejects_section(rejects: list[tuple]) -> str:
    if not rejects:
        return "Rejected rows by reason: none"
    rows = [[dataset, count, reason, example] for dataset, reason, count, example in rejects[:TOP]]
    table = _table(rows, ("dataset", "rows", "reason", "e.g. file:line"), numeric=(1,))
    return f"Rejected rows by reason (quarantine.rejected_row)\n{table}{_more(len(rejects))}"


def _warnings_section(warnings: list[tuple]) -> str:
    if not warnings:
        return "Warnings by expectation: none"
    rows = [[dataset, count, check, reason, example] for dataset, check, reason, count, example in warnings[:TOP]]
    table = _table(rows, ("dataset", "rows", "expectation", "reason", "e.g. file:line"), numeric=(1,))
    return f"Warnings by expectation (rows loaded, flagged)\n{table}{_more(len(warnings))}"


def _volume_section(conn: psycopg.Connection, quarter: Quarter, province: str | None) -> str:
    from cchc.quality.volume import plausible_volume_warnings

    warnings = plausible_volume_warnings(conn, str(quarter))
    conn.rollback()
    if province:
        units = {
            code
            for (code,) in fetch_all(
                conn, "audit/quality_units_of_province.sql", {"province": province, "day": quarter.last_day}
            )
        }
        conn.rollback()
        warnings = [w for w in warnings if w["unit_code"] in units]
    if not warnings:
        return "Implausible volumes: none"
    rows = [
        [w["unit_code"], w["unit_name"], w["received"], w["history_mean"], w["history_quarters"], w["direction"]]
        for w in warnings[:TOP]
    ]
    headers = ("unit", "name", "received", "mean before", "quarters", "direction")
    table = _table(rows, headers, numeric=(2, 3, 4))
    return f"Implausible volumes (warnings: received far from the unit's own history)\n{table}{_more(len(warnings))}"


def _reconciliation_section(conn: psycopg.Connection, quarter: Quarter, province: str | None) -> str:
    try:
        from cchc.quality.reconciliation import reconciliation_gaps
    except ImportError:
        return "Reconciliation: not available (cchc.quality.reconciliation is not installed)"
    try:
        gaps = reconciliation_gaps(conn, quarter)
    except psycopg.Error as error:
        conn.rollback()
        return f"Reconciliation: not available ({str(error).splitlines()[0]})"
    conn.rollback()
    gaps = [gap for gap in gaps if not province or gap.province_code == province]
    if not gaps:
        return "Reconciliation gaps: none outside tolerance"
    rows = [
        [gap.check_name, gap.unit_code, gap.measure, gap.value_a, gap.value_b, gap.difference, gap.detail]
        for gap in gaps[:TOP]
    ]
    headers = ("check", "unit", "measure", "a", "b", "a - b", "detail")
    return f"Reconciliation gaps (mart.reconciliation)\n{_table(rows, headers, numeric=(3, 4, 5))}{_more(len(gaps))}"


def _data_docs_section() -> str:
    from cchc.quality.data_docs import index_path

    index = index_path()
    if not index.exists():
        return f"Data Docs: not built yet (a refresh writes {index})"
    return f"Data Docs: {index}\n  serve them: cchc quality --serve (http://127.0.0.1:8081/index.html)"
