"""Who has sent what for a quarter: the units that owe an export (`core.submission_expectation`), what
the landing zone holds for them now, how it loaded, and whether it came by the due date.

The due date is the end of the period the export covers (the calendar quarter; the Decree 09/2019
reporting period, through the 14th of the quarter's last month, for Biểu II.06a) plus
`CCHC_SUBMISSION_GRACE_DAYS` (default 5): the decree fixes when figures are cut off, and each
province's reporting rules how long units then have to send them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import psycopg

from cchc import settings
from cchc.config import LOCAL_TZ
from cchc.quarters import Quarter
from cchc.sources.landing import discover
from cchc.warehouse.copy_loader import copy_rows
from cchc.warehouse.partitions import lock_quarter
from cchc.warehouse.sql_files import execute_file, fetch_all

TABLE = "mart.submission_status"
COLUMNS = (
    "quarter", "province_code", "unit_code", "unit_name", "unit_level", "parent_code", "dataset", "expected",
    "period_end", "due_on", "path", "received_at", "versions", "file_status", "data_rows", "submission",
    "submission_vi", "as_of",
)  # fmt: skip
# What staff chase: nothing sent by the due date, or a file that was refused.
TO_CHASE = ("missing", "rejected")
STATUS_EN = {
    "on_time": "on time",
    "late": "late",
    "rejected": "refused, send again",
    "missing": "not sent, overdue",
    "not_due": "not sent, not due yet",
}


def grace_days() -> int:
    """Days after the end of an export's period that units have to send it (CCHC_SUBMISSION_GRACE_DAYS)."""
    return settings.whole_number("CCHC_SUBMISSION_GRACE_DAYS", "a whole number of days from 0 to 92", maximum=92)


def provinces_setting() -> list[str] | None:
    """The provinces this warehouse follows (CCHC_PROVINCES, comma-separated two-digit codes), or None
    to follow every province one of whose units has sent a file."""
    value = settings.text("CCHC_PROVINCES")
    if not value:
        return None
    codes = [code.strip() for code in value.split(",") if code.strip()]
    bad = [code for code in codes if not (code.isascii() and code.isdigit() and len(code) == 2)]
    if bad or not codes:
        raise ValueError(f"CCHC_PROVINCES must list two-digit province codes, e.g. 87,82; not {value!r}")
    return codes


@dataclass(frozen=True)
class Submission:
    """One row of mart.submission_status, by column name."""

    values: dict[str, Any]

    def __getitem__(self, column: str) -> Any:
        return self.values[column]

    @classmethod
    def of(cls, row: Sequence[Any]) -> Submission:
        """A row selected in COLUMNS order."""
        return cls(dict(zip(COLUMNS, row, strict=True)))

    @property
    def to_chase(self) -> bool:
        """Owed and past its due date as of the status: not sent, or sent and refused."""
        if not self.values["expected"] or self.values["submission"] not in TO_CHASE:
            return False
        return self.values["as_of"].astimezone(ZoneInfo(LOCAL_TZ)).date() > self.values["due_on"]


def snapshot(
    conn: psycopg.Connection, landing: Path, quarter: Quarter, checksums: Mapping[str, str] | None = None
) -> int:
    """The quarter's files in the landing zone now, with their checksum and modification time, into
    the session's pg_temp.landing_snapshot (dropped with the transaction). Returns how many.
    `checksums` (relative path -> SHA-256) are those a caller has just read: those files are not read
    again."""
    known = checksums or {}
    files, _problems = discover(landing, quarter)  # misplaced files are the refresh's to report
    execute_file(conn, "models/mart/submission_status/landing_snapshot_create.sql")
    rows = (
        (
            f.relative_path,
            f.unit_code,
            f.dataset,
            known.get(f.relative_path) or f.checksum(),
            datetime.fromtimestamp(f.path.stat().st_mtime, tz=UTC),
        )
        for f in files
    )
    return copy_rows(
        conn, "pg_temp.landing_snapshot", ("path", "unit_code", "dataset", "checksum", "modified_at"), rows
    )


def status(
    conn: psycopg.Connection,
    landing: Path,
    quarter: Quarter,
    as_of: datetime | None = None,
    provinces: Sequence[str] | None = None,
    checksums: Mapping[str, str] | None = None,
) -> list[Submission]:
    """The quarter's submissions as of `as_of` (now by default), read in the caller's transaction: of
    `provinces`, else of CCHC_PROVINCES, else of every province one of whose units has sent a file
    (see the SQL)."""
    provinces = list(provinces) if provinces else provinces_setting()
    snapshot(conn, landing, quarter, checksums)
    params = {
        "quarter": str(quarter),
        "as_of": as_of or datetime.now(UTC),
        "grace_days": grace_days(),
        "provinces": provinces,
    }
    return [Submission.of(row) for row in fetch_all(conn, "models/mart/submission_status/build.sql", params)]


def record(
    conn: psycopg.Connection, quarter: Quarter, rows: Sequence[Submission], provinces: Sequence[str] | None = None
) -> int:
    """Replace the quarter's rows of mart.submission_status (of `provinces`, or all) with `rows`, in the
    caller's transaction."""
    params = {"quarter": str(quarter), "provinces": list(provinces) if provinces else None}
    execute_file(conn, "models/mart/submission_status/clear_quarter.sql", params)
    return copy_rows(conn, TABLE, COLUMNS, (tuple(row[c] for c in COLUMNS) for row in rows))


def take(
    conn: psycopg.Connection,
    landing: Path,
    quarter: Quarter,
    as_of: datetime | None = None,
    provinces: Sequence[str] | None = None,
    checksums: Mapping[str, str] | None = None,
) -> list[Submission]:
    """Take the quarter's status and record it, in one transaction, taking turns with refreshes."""
    provinces = list(provinces) if provinces else provinces_setting()
    with conn.transaction():
        lock_quarter(conn, quarter)
        rows = status(conn, landing, quarter, as_of, provinces, checksums)
        record(conn, quarter, rows, provinces)
    return rows


def counts(rows: Sequence[Submission]) -> dict[str, int]:
    """How many expected exports are in each state, in STATUS_EN's order."""
    tally = {name: 0 for name in STATUS_EN}
    for row in rows:
        if row["expected"]:
            tally[row["submission"]] += 1
    return tally


def reminder_text(quarter: Quarter, rows: Sequence[Submission]) -> str | None:
    """The reminder for the units to chase, by dataset and due date, in Vietnamese then English; None
    when nobody is to be chased."""
    chase = [row for row in rows if row.to_chase]
    if not chase:
        return None
    lines = [
        f"CCHC: {len(chase)} báo cáo quý {quarter} chưa nhận được / {len(chase)} export(s) of {quarter} not received",
    ]
    by_dataset: dict[tuple[str, Any], list[Submission]] = {}
    for row in chase:
        by_dataset.setdefault((row["dataset"], row["due_on"]), []).append(row)
    for (dataset, due_on), group in sorted(by_dataset.items()):
        lines += ["", f"{dataset}, hạn gửi / due {due_on:%d/%m/%Y}:"]
        for row in group:
            state = f"{row['submission_vi']} / {STATUS_EN[row['submission']]}"
            lines.append(f"  {row['unit_code']} {row['unit_name']} ({row['unit_level']}): {state}")
    lines += ["", f"Chi tiết / details: cchc status --quarter {quarter}"]
    return "\n".join(lines)


def chase_key(quarter: Quarter, rows: Sequence[Submission]) -> str:
    """What one reminder is about: the quarter and the due dates passed with units to chase. A due date
    passing later (the dossiers' after the II.06a forms') makes a new reminder; another check does not."""
    due = sorted({f"{row['dataset']}@{row['due_on']:%Y-%m-%d}" for row in rows if row.to_chase})
    return f"{quarter}/" + ",".join(due)
