"""The bad-input corpus (tests/fixtures/landing_bad_corpus): every kind of bad input a quarter's landing
zone receives, each in its own file beside good rows, ends where it belongs.

The corpus is 2024Q2 of Đà Nẵng (48): quận Liên Chiểu (490), Thanh Khê (491), Hải Châu (492) and their
phường. A row that fails an error-level expectation is in quarantine with the reason; a warning leaves
the row loaded and is recorded in audit.validation_result; a file that cannot be read, or that breaks
the landing contract, is named with the reason when the run fails. Every good row is loaded and every
file balances: rows read = rows loaded + rows quarantined.

One database serves the module: five earlier quarters of dossiers (the history the volume check
compares with) are refreshed first, then the corpus.
"""

from __future__ import annotations

import datetime as dt
import math
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from cchc.pipeline import RefreshFailed
from cchc.quality.volume import plausible_volume_warnings
from cchc.quarters import Quarter
from cchc.warehouse.sql_files import fetch_all
from tests.conftest import FIXTURES
from tests.integration.helpers import refresh, write_dossiers
from tests.support.databases import copy_template, drop_database

pytestmark = pytest.mark.integration

QUARTER = "2024Q2"
RUN_ID = "corpus__2024Q2"
CORPUS = FIXTURES / "landing_bad_corpus"


def d(unit: str, name: str) -> str:
    return f"commune/{unit}/{QUARTER}/{name}" if len(unit) == 5 else f"district/{unit}/{QUARTER}/{name}"


@dataclass(frozen=True)
class Kind:
    """Where a kind of bad input lies and what must become of it.

    outcome: quarantined (rows at `lines`, error), warning (rows at `lines`, loaded), rejected (the file
    could not be read), read by content (loaded as the form `expect` names, whatever its name),
    misplaced (the file breaks the landing contract), no rows (read, nothing in it),
    volume (plausible_volume_warnings), form differs (mart.one_stop_report_ii06a differences).
    """

    path: str
    lines: tuple[int, ...]
    expect: str
    outcome: str


KINDS: dict[str, Kind] = {
    # dossiers, row by row
    "duplicate id within a file": Kind(
        d("20194", "dossiers.csv"), (5, 6), "the same dossier id appears more than once in the file", "quarantined"
    ),
    "duplicate id across two files": Kind(
        d("20197", "dossiers.csv"), (4,), "already in an earlier file of the quarter", "warning"
    ),
    "resolved before received": Kind(d("20198", "dossiers.csv"), (3,), "resolved before received", "quarantined"),
    "due before received": Kind(d("20200", "dossiers.csv"), (3,), "due before received", "quarantined"),
    "unit code of another folder": Kind(
        d("20206", "dossiers.csv"), (3,), "differs from the unit named by the landing folder", "quarantined"
    ),
    "unknown channel": Kind(d("20207", "dossiers.csv"), (3,), "'Fax' không đọc được / cannot be read", "quarantined"),
    "impossible date 31/02": Kind(d("20209", "dossiers.csv"), (3,), "'31/02/2024 08:00' không đọc được", "quarantined"),
    "text in a number column": Kind(d("20215", "dossiers.csv"), (3,), "'hai' không đọc được", "quarantined"),
    "date no export of the quarter can hold": Kind(
        d("20218", "dossiers.csv"), (3,), "resolved after the end of the following quarter", "quarantined"
    ),
    # An export made in July shows a July result: loaded, and read as pending at the quarter's end.
    "result after the quarter, before the export": Kind(
        d("20258", "dossiers.csv"), (3,), "resolved after the end of the quarter: the state on the day", "warning"
    ),
    "required value missing": Kind(d("20224", "dossiers.csv"), (3,), "procedure code is missing", "quarantined"),
    "procedure in no catalogue": Kind(
        d("490", "dossiers.csv"), (3,), "in neither the national catalogue nor a catalogue published", "warning"
    ),
    # dossiers, whole files
    "UTF-8 BOM on Windows-1258 text": Kind(d("20227", "dossiers.csv"), (), "not valid UTF-8 text", "rejected"),
    "UTF-8 with bytes invalid in UTF-8": Kind(
        d("20230", "dossiers.csv"), (), "none of them reads as Vietnamese text", "rejected"
    ),
    "truncated, quote never closed": Kind(
        d("20233", "dossiers.csv"), (), "line 4: a quoted value is never closed (truncated file?)", "rejected"
    ),
    "empty file": Kind(d("20242", "dossiers.csv"), (), "empty file", "rejected"),
    "header only": Kind(d("20245", "dossiers.csv"), (), "", "no rows"),
    # What a file is, its bytes say: CSV text named .xlsx is read as CSV, a PDF named .xls is refused.
    "text renamed .xlsx": Kind(d("20254", "dossiers.xlsx"), (), "csv", "read by content"),
    "PDF renamed .xls": Kind(d("20260", "dossiers.xls"), (), "a PDF document, not a table", "rejected"),
    "required column missing": Kind(
        d("20257", "dossiers.csv"), (), "missing required columns: Ngày hẹn trả (due_at)", "rejected"
    ),
    "unknown dataset name": Kind(d("20200", "bao_cao_quy.csv"), (), "unknown dataset 'bao_cao_quy'", "misplaced"),
    "wrong folder": Kind("commune/20195/dossiers.csv", (), "expected <level>/<unit_code>/<YYYYQn>", "misplaced"),
    # 20333 (Đặc khu Hoàng Sa) exists only from the 2025 reform; no unit of the reference ended before 2024.
    "folder of a unit not valid in the quarter": Kind(
        d("20333", "dossiers.csv"), (), "20333 is not a commune valid in 2024Q2", "misplaced"
    ),
    "implausible volume": Kind(d("20236", "dossiers.csv"), (), "received count far from the unit's history", "volume"),
    # Biểu II.06a
    "form totals do not add up": Kind(
        f"province/48/{QUARTER}/one_stop_report.xlsx",
        (9,),
        "received total is not online + direct or postal + carried over",
        "warning",
    ),
    "district form disagrees with its communes": Kind(d("490", "one_stop_report.xlsx"), (8,), "", "form differs"),
    # oversight datasets
    "percentage over 100": Kind(d("490", "inspections.csv"), (4,), "percentage outside 0-100", "quarantined"),
    "corrective letter before the visit": Kind(
        d("491", "inspections.csv"), (3,), "corrective letter dated before the inspection", "quarantined"
    ),
    "unit valid only after the reform": Kind(
        d("492", "inspections.csv"), (3,), "unit code is not a unit valid in the quarter", "quarantined"
    ),
    "unknown unit code": Kind(
        d("490", "par_index.csv"), (4,), "unit code is not a unit valid in the quarter", "quarantined"
    ),
    "unit of another district": Kind(
        d("491", "par_index.csv"), (3,), "neither the unit of the landing folder nor a unit under it", "quarantined"
    ),
    "survey score outside the scale": Kind(
        d("20194", "surveys.csv"), (3,), "score_staff outside the 1-5 scale", "quarantined"
    ),
    "survey after the quarter": Kind(
        d("20195", "surveys.csv"), (3,), "surveyed after the end of the quarter", "quarantined"
    ),
    "plan year not a number": Kind(d("20197", "plans.csv"), (3,), "'2O24' không đọc được", "quarantined"),
    "plan issued after the following quarter": Kind(
        d("20198", "plans.csv"), (3,), "plan issued after the end of the following quarter", "quarantined"
    ),
    "procedure listed twice in a catalogue": Kind(
        f"province/48/{QUARTER}/procedures.csv",
        (4, 5),
        "the same procedure code appears more than once in the file",
        "quarantined",
    ),
}

# Every file the run reads: (rows read, rows loaded, rows quarantined). Files not listed are rejected.
BALANCE: dict[str, tuple[int, int, int]] = {
    d("20194", "dossiers.csv"): (5, 3, 2),
    d("20195", "dossiers.csv"): (3, 3, 0),
    d("20197", "dossiers.csv"): (3, 3, 0),
    d("20198", "dossiers.csv"): (3, 2, 1),
    d("20200", "dossiers.csv"): (2, 1, 1),
    d("20206", "dossiers.csv"): (2, 1, 1),
    d("20207", "dossiers.csv"): (2, 1, 1),
    d("20209", "dossiers.csv"): (2, 1, 1),
    d("20215", "dossiers.csv"): (2, 1, 1),
    d("20218", "dossiers.csv"): (2, 1, 1),
    d("20224", "dossiers.csv"): (2, 1, 1),
    d("20236", "dossiers.csv"): (2, 2, 0),
    d("20258", "dossiers.csv"): (2, 2, 0),
    d("20245", "dossiers.csv"): (0, 0, 0),
    d("20254", "dossiers.xlsx"): (1, 1, 0),
    d("490", "dossiers.csv"): (3, 3, 0),
    d("490", "one_stop_report.xlsx"): (3, 3, 0),
    f"province/48/{QUARTER}/one_stop_report.xlsx": (2, 2, 0),
    d("490", "inspections.csv"): (4, 3, 1),
    d("491", "inspections.csv"): (2, 1, 1),
    d("492", "inspections.csv"): (2, 1, 1),
    d("490", "par_index.csv"): (3, 2, 1),
    d("491", "par_index.csv"): (2, 1, 1),
    d("20194", "surveys.csv"): (2, 1, 1),
    d("20195", "surveys.csv"): (2, 1, 1),
    d("20197", "plans.csv"): (2, 1, 1),
    d("20198", "plans.csv"): (2, 1, 1),
    f"province/48/{QUARTER}/procedures.csv": (4, 2, 2),
}

# Dossiers received per quarter before the corpus: 20236 has four steady quarters (and an older, busier one
# outside the window of four), 20194 two quarters like its 3 of 2024Q2, 20195 a single quarter.
HISTORY: dict[str, dict[str, int]] = {
    "20236": {"2023Q1": 30, "2023Q2": 9, "2023Q3": 9, "2023Q4": 9, "2024Q1": 9},
    "20194": {"2023Q4": 3, "2024Q1": 4},
    "20195": {"2024Q1": 30},
}


@dataclass(frozen=True)
class CorpusRun:
    url: str
    message: str


def _write_history(landing: Path) -> list[str]:
    quarters = sorted({quarter for by_quarter in HISTORY.values() for quarter in by_quarter})
    for unit, by_quarter in HISTORY.items():
        for quarter, count in by_quarter.items():
            first = Quarter.parse(quarter).first_day
            rows = []
            for number in range(count):
                received = dt.datetime.combine(first + dt.timedelta(days=number % 60), dt.time(8, 0))
                rows.append(
                    (
                        f"H48.{unit}-{quarter}-{number:03d}",
                        unit,
                        "1.000101",
                        "Hộ tịch",
                        "Trực tiếp",
                        received.strftime("%d/%m/%Y %H:%M"),
                        (received + dt.timedelta(days=5)).strftime("%d/%m/%Y %H:%M"),
                        (received + dt.timedelta(days=2)).strftime("%d/%m/%Y %H:%M"),
                        "Không",
                        "0",
                    )
                )
            write_dossiers(landing, "commune", unit, quarter, rows)
    return quarters


@pytest.fixture(scope="module")
def corpus_run(server_url: str, template_db: str, tmp_path_factory) -> Iterator[CorpusRun]:

    name, url = copy_template(server_url, template_db, "cchc_test")
    try:
        history = tmp_path_factory.mktemp("corpus_history")
        for quarter in _write_history(history):
            refresh(url, history, quarter, run_id=f"history__{quarter}")
        landing = tmp_path_factory.mktemp("corpus") / "landing"
        shutil.copytree(CORPUS, landing)
        with pytest.raises(RefreshFailed) as failure:
            refresh(url, landing, QUARTER, run_id=RUN_ID)
        yield CorpusRun(url, str(failure.value))
    finally:
        drop_database(server_url, name)


@pytest.fixture
def db(corpus_run: CorpusRun):
    from cchc.warehouse.connection import connect

    with connect(corpus_run.url) as connection:
        yield connection


def _quarantined(db) -> dict[tuple[str, int], str]:
    rows = db.execute(
        """select f.path, q.line_number, array_to_string(q.reasons, ' | ')
           from quarantine.rejected_row as q join raw.landing_file as f on f.file_id = q.file_id
           where q.quarter = %s""",
        (QUARTER,),
    ).fetchall()
    return {(path, line): reasons for path, line, reasons in rows}


def _warnings(db) -> dict[tuple[str, int], list[str]]:
    """Rows the run's suites warned about, by file and line, with the reasons (audit.validation_result)."""
    rows = db.execute(
        """select f ->> 'path', line::integer, v.reason
           from audit.validation_result as v
           cross join jsonb_array_elements(v.files) as f
           cross join jsonb_array_elements_text(f -> 'lines') as line
           where v.run_id = %s and v.severity = 'warning'
           order by 1, 2, 3""",
        (RUN_ID,),
    ).fetchall()
    found: dict[tuple[str, int], list[str]] = {}
    for path, line, reason in rows:
        found.setdefault((path, line), []).append(reason)
    return found


def test_the_corpus_holds_at_least_twenty_kinds_each_in_its_own_files():
    assert len(KINDS) >= 20
    for kind in KINDS.values():
        assert (CORPUS / kind.path).is_file(), kind.path
    # One kind a file, except a file's good rows, which every kind shares.
    paths = [kind.path for kind in KINDS.values()]
    assert len(paths) == len(set(paths))


@pytest.mark.parametrize("name", list(KINDS))
def test_each_kind_ends_where_it_belongs(name, corpus_run: CorpusRun, db):
    kind = KINDS[name]
    if kind.outcome == "quarantined":
        quarantined = _quarantined(db)
        for line in kind.lines:
            assert (kind.path, line) in quarantined, f"{name}: {kind.path}:{line} not in quarantine"
            assert kind.expect in quarantined[(kind.path, line)], quarantined[(kind.path, line)]
    elif kind.outcome == "warning":
        warnings = _warnings(db)
        for line in kind.lines:
            reasons = warnings.get((kind.path, line), [])
            assert any(kind.expect in reason for reason in reasons), f"{name}: {kind.path}:{line} {reasons}"
        assert kind.path in BALANCE and (kind.path, kind.lines[0]) not in _quarantined(db)  # loaded all the same
    elif kind.outcome == "rejected":
        # A rejected version never becomes current; it is the path's latest.
        status, reason = db.execute(
            "select status, reason from raw.landing_file where path = %s order by file_id desc limit 1", (kind.path,)
        ).fetchone()
        assert status == "rejected" and kind.expect in reason, reason
        line = next((m for m in corpus_run.message.splitlines() if kind.path in m), "")
        assert "rejected" in line and kind.expect in line, corpus_run.message
    elif kind.outcome == "read by content":
        status, file_format = db.execute(
            "select status, file_format from raw.landing_file where path = %s and is_current", (kind.path,)
        ).fetchone()
        assert (status, file_format) == ("loaded", kind.expect)
    elif kind.outcome == "misplaced":
        reason = db.execute(
            "select reason from audit.landing_problem where run_id = %s and path = %s", (RUN_ID, kind.path)
        ).fetchone()
        assert reason is not None and kind.expect in reason[0]
        line = next((m for m in corpus_run.message.splitlines() if kind.path in m), "")
        assert kind.expect in line, corpus_run.message
    elif kind.outcome == "no rows":
        summary = db.execute(
            "select summary from audit.task_run where run_id = %s and task_id = 'validate_and_stage'", (RUN_ID,)
        ).fetchone()[0]
        assert summary["dossiers"]["files_without_rows"] == [kind.path]
    elif kind.outcome == "volume":
        unit = kind.path.split("/")[1]
        warnings = {w["unit_code"]: w for w in plausible_volume_warnings(db, QUARTER)}
        assert kind.expect in warnings[unit]["reason"]
    elif kind.outcome == "form differs":
        row = db.execute(
            """select diff_received_online, diff_received_total, received_adds_up, received_equals_resolved_plus_pending
               from mart.one_stop_report_ii06a as m join raw.landing_file as f on f.file_id = m.file_id
               where m.quarter = %s and f.path = %s and m.line_number = %s""",
            (QUARTER, kind.path, kind.lines[0]),
        ).fetchone()
        # The form says 25 online at 20194; its export has one online dossier (HHB-2402) in the period.
        assert row == (24, 24, True, True)
    else:
        raise AssertionError(f"{name}: unknown outcome {kind.outcome}")


def test_exactly_the_bad_rows_are_quarantined(db):
    expected = {(k.path, line) for k in KINDS.values() if k.outcome == "quarantined" for line in k.lines}
    assert set(_quarantined(db)) == expected


def test_warnings_are_exactly_the_expected_ones(db):
    expected = {(k.path, line) for k in KINDS.values() if k.outcome == "warning" for line in k.lines}
    # A quarantined row may carry warnings too (20218's result is after the quarter as well): not counted.
    assert set(_warnings(db)) - set(_quarantined(db)) == expected
    # 491's row breaks two identities: (3) is neither (4)+(5)+(6) nor (7)+(11).
    assert len(_warnings(db)[(f"province/48/{QUARTER}/one_stop_report.xlsx", 9)]) == 2


def test_every_good_row_is_loaded_and_every_file_balances(corpus_run: CorpusRun, db):
    loaded = db.execute(
        "select path, rows_read, rows_loaded, rows_quarantined from audit.file_load "
        "where run_id = %s and status = 'loaded'",
        (RUN_ID,),
    ).fetchall()
    assert {path: (read, staged, quarantined) for path, read, staged, quarantined in loaded} == BALANCE
    assert fetch_all(db, "audit/unbalanced_files.sql", {"run_id": RUN_ID, "quarter": QUARTER}) == []
    staged = dict(
        db.execute(
            """select f.path, count(*) from raw.landing_file as f
               join (select file_id from staging.stg_one_stop__dossiers where quarter = %(q)s
                     union all select file_id from staging.stg_one_stop__ii06a_rows where quarter = %(q)s
                     union all select file_id from staging.stg_sipas__survey_responses where quarter = %(q)s
                     union all select file_id from staging.stg_inspection__findings where quarter = %(q)s
                     union all select file_id from staging.stg_cchc__plans where quarter = %(q)s
                     union all select file_id from staging.stg_tthc__procedures where quarter = %(q)s
                     union all select file_id from staging.stg_par_index__scores where quarter = %(q)s) as s
                 on s.file_id = f.file_id
               group by f.path""",
            {"q": QUARTER},
        ).fetchall()
    )
    assert staged == {path: counts[1] for path, counts in BALANCE.items() if counts[1]}
    # Not errors: a plan issued after its deadline, a pending dossier due after the quarter, and a
    # procedure found only in the province's catalogue of the quarter.
    assert db.execute(
        "select plan_id from staging.stg_cchc__plans where quarter = %s and issued_on > deadline", (QUARTER,)
    ).fetchall() == [("05/KH-UBND",)]
    assert db.execute(
        "select dossier_id from staging.stg_one_stop__dossiers where quarter = %s and procedure_code = '2.009999'",
        (QUARTER,),
    ).fetchall() == [("LC-2403",)]


def test_the_failed_run_names_every_rejected_or_misplaced_file(corpus_run: CorpusRun, db):
    named = {k.path for k in KINDS.values() if k.outcome in ("rejected", "misplaced")}
    for path in named:
        assert path in corpus_run.message, path
    rejected = db.execute(
        "select path from audit.file_load where run_id = %s and status = 'rejected' order by path", (RUN_ID,)
    ).fetchall()
    assert {path for (path,) in rejected} == {k.path for k in KINDS.values() if k.outcome == "rejected"}
    run = db.execute("select status, message from audit.pipeline_run where run_id = %s", (RUN_ID,)).fetchone()
    assert run[0] == "failed" and all(path in run[1] for path in named)


def test_volume_warnings_compare_with_up_to_four_earlier_quarters(db):
    warnings = plausible_volume_warnings(db, QUARTER)
    # 20194 (3 against 3 and 4) is plausible; 20195 (3 against 30) has one quarter of history only.
    assert [w["unit_code"] for w in warnings] == ["20236"]
    (low,) = warnings
    assert low["received"] == 2 and low["direction"] == "low"
    # The window is the latest four quarters with dossiers: 2023Q1's 30 dossiers are left out.
    assert (low["history_quarters"], low["history_from"], low["history_to"]) == (4, "2023Q2", "2024Q1")
    assert low["history_mean"] == 9.0 and low["ratio"] == 0.22
    assert "2 in 2024Q2, less than 1/3 of the mean of 9 over 4 quarter(s) 2023Q2..2024Q1" in low["reason"]
    # A looser factor lets 20236 through (2 x 5 > 9); one quarter of history is enough when one is asked.
    assert plausible_volume_warnings(db, QUARTER, factor=5) == []
    assert [w["unit_code"] for w in plausible_volume_warnings(db, QUARTER, min_history=1)] == ["20195", "20236"]


def test_the_run_and_the_quality_report_name_the_implausible_volume(db):
    from cchc.quality.summary import quality_report
    from cchc.quarters import Quarter

    summary = db.execute(
        "select summary from audit.task_run where run_id = %s and task_id = 'build_core'", (RUN_ID,)
    ).fetchone()[0]
    assert [line.split(":", 1)[0] for line in summary["implausible_volumes"]] == ["20236"]
    report = quality_report(db, Quarter.parse(QUARTER))
    section = report.split("Implausible volumes (warnings: received far from the unit's own history)\n", 1)[1]
    assert section.split("\n\n", 1)[0].count("20236") == 1
    assert "Implausible volumes" in quality_report(db, Quarter.parse(QUARTER), province="48")


STAGING_TABLES = (
    "stg_one_stop__dossiers",
    "stg_one_stop__ii06a_rows",
    "stg_sipas__survey_responses",
    "stg_inspection__findings",
    "stg_cchc__plans",
    "stg_tthc__procedures",
    "stg_par_index__scores",
)


def _staged_outcome(url: str) -> dict[str, object]:
    """Everything staging decides about the corpus quarter, by file path and line, not by id."""
    import psycopg

    with psycopg.connect(url) as conn:

        def rows(query: str) -> list[tuple]:
            return conn.execute(query, (QUARTER,)).fetchall()

        outcome: dict[str, object] = {
            table: rows(
                f"select f.path, to_jsonb(s) - 'file_id' from staging.{table} as s "
                "join raw.landing_file as f using (file_id) where s.quarter = %s order by 1, 2"
            )
            for table in STAGING_TABLES
        }
        outcome["quarantine"] = rows(
            "select q.dataset, f.path, q.line_number, q.checks, q.reasons, q.raw_values::text "
            "from quarantine.rejected_row as q join raw.landing_file as f using (file_id) "
            "where q.quarter = %s order by 2, 3"
        )
        outcome["validation"] = rows(
            "select dataset, position, suite, check_name, severity, reason, success, element_count, "
            "unexpected_count, files::text from audit.validation_result where quarter = %s "
            "and run_id like 'corpus%%' order by dataset, position"
        )
        outcome["marts"] = rows("select * from mart.unit_quarter_indicators where quarter = %s order by unit_code")
        outcome["ii06a"] = rows(
            "select reporting_unit_code, line_number, to_jsonb(r) - 'file_id' from mart.one_stop_report_ii06a as r "
            "where quarter = %s order by 1, 2"
        )
    return outcome


def _corpus_staged_in_chunks_of(chunk_rows: str, server_url: str, template_db: str, folder: Path, monkeypatch):
    """The history and the corpus refreshed into a database of their own with CCHC_VALIDATION_CHUNK_ROWS
    set: (failure message, staged outcome, dossier chunks, dossier rows staged or quarantined)."""
    import psycopg

    name, url = copy_template(server_url, template_db, "cchc_test")
    run_id = f"{RUN_ID}__chunks_of_{chunk_rows}"
    try:
        for quarter in _write_history(folder / "history"):
            refresh(url, folder / "history", quarter, run_id=f"history__{quarter}")
        shutil.copytree(CORPUS, folder / "landing")
        monkeypatch.setenv("CCHC_VALIDATION_CHUNK_ROWS", chunk_rows)
        with pytest.raises(RefreshFailed) as failure:
            refresh(url, folder / "landing", QUARTER, run_id=run_id)
        with psycopg.connect(url) as conn:
            [(chunks,)] = conn.execute(
                "select (summary -> 'dossiers' ->> 'chunks')::int from audit.task_run "
                "where run_id = %s and task_id = 'validate_and_stage'",
                (run_id,),
            ).fetchall()
            [(rows,)] = conn.execute(
                "select (select count(*) from staging.stg_one_stop__dossiers where quarter = %(q)s) + "
                "(select count(*) from quarantine.rejected_row where quarter = %(q)s and dataset = 'dossiers')",
                {"q": QUARTER},
            ).fetchall()
        return str(failure.value), _staged_outcome(url), chunks, rows
    finally:
        drop_database(server_url, name)


def test_staging_in_chunks_of_two_rows_decides_what_staging_the_quarter_whole_decides(
    server_url: str, template_db: str, tmp_path, monkeypatch
):
    """The corpus staged two rows at a time (every unit split into parts by the hash of its ids) gives
    the whole-quarter run's staged rows, quarantine with its reasons, validation results and marts. Both
    runs in databases of their own, so no other test of the module can change either."""
    message, chunked, chunks, rows = _corpus_staged_in_chunks_of(
        "2", server_url, template_db, tmp_path / "two", monkeypatch
    )
    whole_message, whole, whole_chunks, whole_rows = _corpus_staged_in_chunks_of(
        "1000000", server_url, template_db, tmp_path / "whole", monkeypatch
    )
    assert message == whole_message and whole_chunks == 1 and rows == whole_rows
    # At most two rows a chunk: a unit of more rows was split into parts, small units were grouped.
    assert chunks >= math.ceil(rows / 2) > 10
    for key in whole:
        assert chunked[key] == whole[key], key
    assert whole["quarantine"] and whole["validation"] and whole["stg_one_stop__dossiers"]
