"""Exports in the forms real one-stop systems write (tests/fixtures/real_exports), loaded through the whole
pipeline into PostgreSQL, give the figures counted by hand.

Thành phố Cao Lãnh (district 866, Đồng Tháp 87), quarter 2024Q2 (01/04/2024 .. 30/06/2024). Every commune
file tells the same six dossiers (make_fixtures.STORY) in its own form:

    D1 received 02/04 08:30 online,  due 05/04 17:00, result 04/04 10:00 -> early
    D2 received 03/04 09:00 direct,  due 03/04 16:00, result 03/04 15:00 -> on time (same day)
    D3 received 10/05 14:00 postal,  due 17/05 17:00, result 20/05 09:00 -> late (returned by post, 1 supplement)
    D4 received 15/06 08:00 online,  due 25/07 17:00, no result          -> pending, due after 30/06: not overdue
    D5 received 20/05 10:00 direct,  due 27/05 17:00, no result          -> pending, due on or before 30/06: overdue
    D6 received 28/03 15:30 online,  due 04/04 17:00, result 04/04 16:00 -> carried over (before 01/04, not
                                                                            resolved before it), on time

Every expected figure below is a literal counted by hand from that table, never computed by the code
under test. One database serves the module: the committed landing zone is copied and 2024Q2 refreshed
once; the run fails (a rejected file, quarantined rows) and every test reads what it left.

A Hà Nội commune's export whose unit codes a spreadsheet stored as numbers has its own database and
figures, counted by hand beside it.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from cchc.pipeline import RefreshFailed
from cchc.quarters import Quarter
from cchc.sources.landing import discover
from cchc.warehouse.sql_files import fetch_all
from tests.conftest import FIXTURES
from tests.integration.helpers import mart_row, refresh
from tests.support.databases import copy_template, drop_database
from tests.support.landing_files import assert_same_fixture

pytestmark = pytest.mark.integration

QUARTER = "2024Q2"
RUN_ID = "real_exports__2024Q2"
REAL_EXPORTS = FIXTURES / "real_exports"
LANDING = REAL_EXPORTS / "landing"


def path_of(unit: str) -> str:
    """The landing path of a commune's 2024Q2 dossiers export (its extension is the one the form has)."""
    return f"commune/{unit}/{QUARTER}/{FILE_NAMES.get(unit, 'dossiers.csv')}"


FILE_NAMES = {"29869": "dossiers.xls", "29872": "dossiers.xls", "29884": "dossiers.xlsx"}

# The story's figures for one commune, counted by hand from the table in the module docstring.
STORY_FIGURES = {
    "reporting_units": 1,  # the commune itself
    "received": 5,  # D1, D2, D3, D4, D5 (received 01/04..30/06); D6 (28/03) is not
    "received_online": 2,  # D1, D4
    "received_direct": 2,  # D2, D5
    "received_postal": 1,  # D3
    "carried_over": 1,  # D6: received 28/03, result 04/04 (not before 01/04)
    "resolved": 4,  # D1 (04/04), D2 (03/04), D3 (20/05), D6 (04/04)
    "resolved_early": 1,  # D1: 04/04 < due 05/04
    "resolved_on_time": 2,  # D2: 03/04 = 03/04; D6: 04/04 = 04/04
    "resolved_late": 1,  # D3: 20/05 > 17/05
    "pending": 2,  # D4, D5: no result by 30/06
    "pending_overdue": 1,  # D5: due 27/05 <= 30/06 (D4 due 25/07 is not)
    "on_time_rate": Decimal("75.00"),  # 100 x (1 + 2) / 4
    "online_rate": Decimal("40.00"),  # 100 x 2 / 5
}

# The nine communes whose export loads whole, each in its own form.
STORY_UNITS = {
    "29869": "Excel 97-2003 .xls (BIFF), 1904 date system, due dates as plain serials, title and total rows",
    "29872": "HTML table saved as .xls, status words in the result column, a 'Ghi chú' column",
    "29875": "Excel Unicode Text: UTF-16 LE, tabs, result dates without a time",
    "29878": "national portal sync fields, yyyyMMddHHmmss, codes 1/2/3 and 0/1",
    "29881": "CSV UTF-8 BOM with ';', title rows, dd-MM-yyyy, 'Chưa có kết quả', 'Cộng: 7 hồ sơ'",
    "29884": ".xlsx with plain serial numbers in the date columns",
    "29887": "CSV of serial numbers with decimals",
    "29888": "ISO 8601 with +07:00, without offset, and one Z",
    "29890": "no result column: the return date read in its place",
}

# 29892: the story without D3 (its reception date '45422' is quarantined), counted by hand.
FIGURES_29892 = {
    "reporting_units": 1,
    "received": 4,  # D1, D2, D4, D5
    "received_online": 2,  # D1, D4
    "received_direct": 2,  # D2, D5
    "received_postal": 0,  # D3 was the only postal one
    "carried_over": 1,  # D6
    "resolved": 3,  # D1, D2, D6
    "resolved_early": 1,  # D1
    "resolved_on_time": 2,  # D2, D6
    "resolved_late": 0,  # D3 was the only late one
    "pending": 2,  # D4, D5
    "pending_overdue": 1,  # D5
    "on_time_rate": Decimal("100.00"),  # 100 x (1 + 2) / 3
    "online_rate": Decimal("50.00"),  # 100 x 2 / 4
}

# District 866: its reporting communes are the nine story communes and 29892 (29893 and 29896 do not
# report; its other communes and the district itself sent nothing): 9 + 1 = 10.
FIGURES_866 = {
    "reporting_units": 10,  # 9 story communes + 29892
    "received": 49,  # 9 x 5 + 4 = 45 + 4
    "received_online": 20,  # 9 x 2 + 2 = 18 + 2
    "received_direct": 20,  # 9 x 2 + 2 = 18 + 2
    "received_postal": 9,  # 9 x 1 + 0
    "carried_over": 10,  # 9 x 1 + 1
    "resolved": 39,  # 9 x 4 + 3 = 36 + 3
    "resolved_early": 10,  # 9 x 1 + 1
    "resolved_on_time": 20,  # 9 x 2 + 2
    "resolved_late": 9,  # 9 x 1 + 0
    "pending": 20,  # 9 x 2 + 2
    "pending_overdue": 10,  # 9 x 1 + 1
    "on_time_rate": Decimal("76.92"),  # 100 x (10 + 20) / 39 = 3000 / 39 = 76.923... -> 76.92
    "online_rate": Decimal("40.82"),  # 100 x 20 / 49 = 2000 / 49 = 40.816... -> 40.82
}

# raw.landing_file of every 2024Q2 file: (status, file_format, encoding, delimiter, rows_read, rows_skipped).
# rows_read counts the records below the header, summary rows included.
LANDING_FILES = {
    path_of("29869"): ("loaded", "xls", None, None, 7, 1),  # 6 dossiers + 'Tổng cộng | 6'
    path_of("29872"): ("loaded", "html", None, None, 7, 1),  # 6 dossiers + 'Tổng số hồ sơ: 6'
    path_of("29875"): ("loaded", "csv", "utf-16", "\t", 6, 0),
    path_of("29878"): ("loaded", "csv", "utf-8", ",", 6, 0),
    path_of("29881"): ("loaded", "csv", "utf-8-sig", ";", 7, 1),  # 6 dossiers + 'Cộng: 7 hồ sơ'
    path_of("29884"): ("loaded", "xlsx", None, None, 6, 0),
    path_of("29887"): ("loaded", "csv", "utf-8-sig", ",", 6, 0),
    path_of("29888"): ("loaded", "csv", "utf-8", ",", 6, 0),
    path_of("29890"): ("loaded", "csv", "utf-8-sig", ",", 6, 0),
    path_of("29892"): ("loaded", "csv", "utf-8", ",", 6, 0),
    path_of("29893"): ("loaded", "csv", "utf-8", ",", 3, 0),  # D1, D2, D3, all by 'Fax'
    path_of("29896"): ("rejected", "csv", None, None, None, 0),  # no result column
}

# audit.file_load of this run for every loaded file: (rows_read, rows_loaded, rows_quarantined, rows_skipped),
# read = loaded + quarantined + skipped.
FILE_LOADS = {
    path_of("29869"): (7, 6, 0, 1),  # 7 = 6 + 0 + 1
    path_of("29872"): (7, 6, 0, 1),  # 7 = 6 + 0 + 1
    path_of("29875"): (6, 6, 0, 0),
    path_of("29878"): (6, 6, 0, 0),
    path_of("29881"): (7, 6, 0, 1),  # 7 = 6 + 0 + 1
    path_of("29884"): (6, 6, 0, 0),
    path_of("29887"): (6, 6, 0, 0),
    path_of("29888"): (6, 6, 0, 0),
    path_of("29890"): (6, 6, 0, 0),
    path_of("29892"): (6, 5, 1, 0),  # 6 = 5 + 1 (D3) + 0
    path_of("29893"): (3, 0, 3, 0),  # 3 = 0 + 3 + 0
}

FIGURE_NAMES = tuple(STORY_FIGURES)


@dataclass(frozen=True)
class Run:
    url: str
    landing: Path
    message: str


@pytest.fixture(scope="module")
def real_run(server_url: str, template_db: str, tmp_path_factory) -> Iterator[Run]:
    name, url = copy_template(server_url, template_db, "cchc_test")
    try:
        landing = tmp_path_factory.mktemp("real_exports") / "landing"
        shutil.copytree(LANDING, landing)
        with pytest.raises(RefreshFailed) as failure:
            refresh(url, landing, QUARTER, run_id=RUN_ID)
        yield Run(url, landing, str(failure.value))
    finally:
        drop_database(server_url, name)


@pytest.fixture
def db(real_run: Run):
    from cchc.warehouse.connection import connect

    with connect(real_run.url) as connection:
        yield connection


def figures(db, unit: str) -> dict[str, object]:
    row = mart_row(db, QUARTER, unit)
    return {name: row[name] for name in FIGURE_NAMES}


def file_id(db, unit: str) -> int:
    return db.execute("select file_id from raw.landing_file where path = %s", (path_of(unit),)).fetchone()[0]


# --- the marts -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("unit", list(STORY_UNITS))
def test_each_form_gives_the_story_figures(unit: str, db) -> None:
    assert figures(db, unit) == STORY_FIGURES, STORY_UNITS[unit]


def test_a_quarantined_row_leaves_the_others_counted(db) -> None:
    assert figures(db, "29892") == FIGURES_29892


@pytest.mark.parametrize("unit", ["29893", "29896"])
def test_a_unit_whose_rows_were_all_rejected_does_not_report(unit: str, db) -> None:
    # 29893: its three rows are quarantined; 29896: its file is rejected. No data, not zero.
    row = mart_row(db, QUARTER, unit)
    assert row["reporting_units"] == 0
    assert {name: row[name] for name in FIGURE_NAMES if name != "reporting_units"} == dict.fromkeys(FIGURE_NAMES[1:])


def test_the_district_sums_its_reporting_communes(db) -> None:
    assert figures(db, "866") == FIGURES_866
    # Đồng Tháp (87): no other unit of the province sent a file, so it holds what 866 holds.
    assert figures(db, "87") == FIGURES_866


# --- raw.landing_file -----------------------------------------------------------------------------------------


def test_each_file_is_read_as_the_form_its_bytes_say(db) -> None:
    rows = db.execute(
        "select path, status, file_format, encoding, delimiter, rows_read, rows_skipped from raw.landing_file "
        "where quarter = %s",
        (QUARTER,),
    ).fetchall()
    assert {path: tuple(rest) for path, *rest in rows} == LANDING_FILES


def test_file_warnings(db) -> None:
    warnings = dict(db.execute("select path, warnings from raw.landing_file where quarter = %s", (QUARTER,)).fetchall())
    expected_empty = set(LANDING_FILES) - {path_of("29872"), path_of("29881"), path_of("29890")}
    assert sorted(path for path in expected_empty if warnings[path]) == []
    (ghi_chu,) = warnings[path_of("29872")]
    assert "'Ghi chú'" in ghi_chu and "not one we read" in ghi_chu
    (count,) = warnings[path_of("29881")]
    assert "line 11 ('Cộng: 7 hồ sơ') states 7 but the list has 6 rows" in count
    (fallback,) = warnings[path_of("29890")]
    assert "no Ngày có kết quả (resolved_at) column: 'Ngày trả kết quả' (returned_at) is read in its place" in fallback


def test_title_and_summary_rows_are_recorded(db) -> None:
    meta = dict(db.execute("select path, source_meta from raw.landing_file where quarter = %s", (QUARTER,)).fetchall())
    assert meta[path_of("29869")]["title_rows"] == [
        {"line": 1, "text": "UBND PHƯỜNG 1"},
        {
            "line": 2,
            "text": "DANH SÁCH HỒ SƠ TIẾP NHẬN VÀ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH Từ ngày 01/04/2024 đến ngày 30/06/2024",
        },
    ]
    assert meta[path_of("29869")]["summary_rows"] == [{"line": 11, "text": "Tổng cộng | 6", "stated_count": 6}]
    assert meta[path_of("29872")]["title_rows"] == [
        {"line": 1, "text": "UBND PHƯỜNG 4"},
        {"line": 2, "text": "DANH SÁCH HỒ SƠ TIẾP NHẬN VÀ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH"},
        {"line": 3, "text": "Từ ngày 01/04/2024 đến ngày 30/06/2024"},
    ]
    assert meta[path_of("29872")]["summary_rows"] == [{"line": 11, "text": "Tổng số hồ sơ: 6", "stated_count": 6}]
    assert meta[path_of("29881")]["title_rows"] == [
        {"line": 1, "text": "UBND PHƯỜNG MỸ NGÃI"},
        {"line": 2, "text": "Từ ngày 01/04/2024 đến ngày 30/06/2024"},
    ]
    assert meta[path_of("29881")]["summary_rows"] == [{"line": 11, "text": "Cộng: 7 hồ sơ", "stated_count": 7}]


# --- audit.file_load ------------------------------------------------------------------------------------------


def test_every_loaded_file_balances(db) -> None:
    rows = db.execute(
        "select path, rows_read, rows_loaded, rows_quarantined, rows_skipped from audit.file_load "
        "where run_id = %s and status = 'loaded'",
        (RUN_ID,),
    ).fetchall()
    loads = {path: tuple(counts) for path, *counts in rows}
    assert loads == FILE_LOADS
    for path, (read, loaded, quarantined, skipped) in loads.items():
        assert read == loaded + quarantined + skipped, path
    assert fetch_all(db, "audit/unbalanced_files.sql", {"run_id": RUN_ID, "quarter": QUARTER}) == []
    rejected = db.execute(
        "select path, reason from audit.file_load where run_id = %s and status = 'rejected'", (RUN_ID,)
    ).fetchall()
    assert rejected == [(path_of("29896"), "missing required columns: Ngày có kết quả (resolved_at)")]


# --- staging -------------------------------------------------------------------------------------------------


def test_date_precision_is_kept(db) -> None:
    def has_time(unit: str) -> list[tuple[str, bool]]:
        return db.execute(
            "select dossier_id, resolved_at_has_time from staging.stg_one_stop__dossiers "
            "where quarter = %s and file_id = %s and resolved_at is not null order by dossier_id",
            (QUARTER, file_id(db, unit)),
        ).fetchall()

    # The four resolved dossiers D1, D2, D3, D6: a date without a time (29875 dd/MM/yyyy, 29881 dd-MM-yyyy)
    # is a calendar day; 29869's date cells carry the time.
    resolved = ["240328-0006", "240402-0001", "240403-0002", "240510-0003"]
    assert has_time("29875") == [(f"29875-{key}", False) for key in resolved]
    assert has_time("29881") == [(f"29881-{key}", False) for key in resolved]
    assert has_time("29869") == [(f"29869-{key}", True) for key in resolved]


def test_a_date_only_result_on_the_day_of_reception_is_valid(db) -> None:
    # D2 of 29875: received 03/04/2024 09:00, result written '03/04/2024' (no time): staged, not quarantined.
    row = db.execute(
        "select received_at, resolved_at, resolved_at_has_time from staging.stg_one_stop__dossiers "
        "where quarter = %s and dossier_id = '29875-240403-0002'",
        (QUARTER,),
    ).fetchone()
    assert row == (
        datetime(2024, 4, 3, 2, 0, tzinfo=UTC),  # 09:00 in Việt Nam (UTC+7)
        datetime(2024, 4, 2, 17, 0, tzinfo=UTC),  # 03/04/2024 00:00 in Việt Nam: the calendar day
        False,
    )


def test_dates_are_read_in_their_own_form(db) -> None:
    def dates(dossier_id: str) -> tuple[datetime, datetime, datetime | None]:
        return db.execute(
            "select received_at, due_at, resolved_at from staging.stg_one_stop__dossiers "
            "where quarter = %s and dossier_id = %s",
            (QUARTER, dossier_id),
        ).fetchone()

    utc = UTC
    # 29869 (1904 system): D1's due date is the plain number 43925.708333... (days since
    # 01/01/1904: 45387 in the 1900 system - 1462) = 05/04/2024 17:00 local, 10:00Z.
    assert dates("29869-240402-0001") == (
        datetime(2024, 4, 2, 1, 30, tzinfo=utc),  # 08:30 local
        datetime(2024, 4, 5, 10, 0, tzinfo=utc),  # 17:00 local
        datetime(2024, 4, 4, 3, 0, tzinfo=utc),  # 10:00 local
    )
    # 29888: D3's reception '2024-05-10T07:00:00Z' is 14:00 local; its due date carries +07:00.
    assert dates("29888-240510-0003") == (
        datetime(2024, 5, 10, 7, 0, tzinfo=utc),
        datetime(2024, 5, 17, 10, 0, tzinfo=utc),  # 17:00 local
        datetime(2024, 5, 20, 2, 0, tzinfo=utc),  # 09:00 local
    )
    # 29888: D2 without an offset is local time: 09:00 local is 02:00Z.
    assert dates("29888-240403-0002")[0] == datetime(2024, 4, 3, 2, 0, tzinfo=utc)
    # 29887: '45384.354167' is 02/04/2024 08:30 local (45383 = 01/04/2024; 0.354167 x 24 h = 8.5 h).
    assert dates("29887-240402-0001")[0] == datetime(2024, 4, 2, 1, 30, tzinfo=utc)
    # 29878: '20240520100000' is 20/05/2024 10:00 local; D5 pending.
    assert dates("29878-240520-0005") == (
        datetime(2024, 5, 20, 3, 0, tzinfo=utc),
        datetime(2024, 5, 27, 10, 0, tzinfo=utc),
        None,
    )


def test_status_words_in_the_result_column_are_warned_about(db) -> None:
    # 29872: D4 'Đang xử lý' and D5 'Quá hạn' (lines 8, 9); 29881: D4 and D5 'Chưa có kết quả' (lines 8, 9):
    # 2 + 2 = 4 rows, loaded as pending.
    rows = db.execute(
        "select severity, unexpected_count, files from audit.validation_result "
        "where run_id = %s and dataset = 'dossiers' and check_name like %s",
        (RUN_ID, "%_status_word_in_date%"),
    ).fetchall()
    assert len(rows) == 1
    severity, unexpected, files = rows[0]
    assert (severity, unexpected) == ("warning", 4)
    assert {f["path"]: (f["unexpected_count"], f["lines"]) for f in files} == {
        path_of("29872"): (2, [8, 9]),
        path_of("29881"): (2, [8, 9]),
    }
    staged = db.execute(
        "select dossier_id, resolved_at, status, status_class from staging.stg_one_stop__dossiers "
        "where quarter = %s and file_id = %s order by dossier_id",
        (QUARTER, file_id(db, "29872")),
    ).fetchall()
    pending = [row for row in staged if row[1] is None]
    assert pending == [
        ("29872-240520-0005", None, "Quá hạn", "pending"),
        ("29872-240615-0004", None, "Đang xử lý", "pending"),
    ]


# --- quarantine ----------------------------------------------------------------------------------------------


def test_exactly_the_unreadable_rows_are_quarantined(db) -> None:
    rows = db.execute(
        """select f.path, q.line_number, array_to_string(q.reasons, ' | ')
           from quarantine.rejected_row as q join raw.landing_file as f on f.file_id = q.file_id
           where q.quarter = %s""",
        (QUARTER,),
    ).fetchall()
    reasons = {(path, line): reason for path, line, reason in rows}
    # 29892 line 4 is D3 (header on line 1, D1 on 2, D2 on 3); 29893 lines 2-4 are its three rows.
    assert set(reasons) == {
        (path_of("29892"), 4),
        (path_of("29893"), 2),
        (path_of("29893"), 3),
        (path_of("29893"), 4),
    }
    serial = reasons[(path_of("29892"), 4)]
    assert "'45422'" in serial
    only_when = "a number in a date column is read as an Excel serial date only when every value of the column in the"
    assert only_when + " file is one" in serial
    for line in (2, 3, 4):
        assert "'Fax' không đọc được / cannot be read" in reasons[(path_of("29893"), line)]


# --- the run's outcome -----------------------------------------------------------------------------------------


def test_the_failure_names_the_rejected_file_and_the_quarantined_rows(real_run: Run, db) -> None:
    line = next((m for m in real_run.message.splitlines() if path_of("29896") in m), "")
    assert "rejected" in line and "missing required columns" in line, real_run.message
    assert "Ngày có kết quả (resolved_at)" in line, real_run.message
    # 1 row of 29892 + 3 rows of 29893 = 4 quarantined rows.
    assert "4 row(s) of 2024Q2 failed error-level expectations" in real_run.message
    status, message = db.execute(
        "select status, message from audit.pipeline_run where run_id = %s", (RUN_ID,)
    ).fetchone()
    assert status == "failed" and path_of("29896") in message


def test_another_quarters_broken_file_is_not_this_runs_business(real_run: Run, db) -> None:
    assert "2024Q1" not in real_run.message
    problems = db.execute("select path, reason from audit.landing_problem where run_id = %s", (RUN_ID,)).fetchall()
    assert problems == []
    assert db.execute("select count(*) from raw.landing_file where path like %s", ("%2024Q1%",)).fetchone() == (0,)
    message = db.execute("select message from audit.pipeline_run where run_id = %s", (RUN_ID,)).fetchone()[0]
    assert "2024Q1" not in message
    # It is a well-placed file of 2024Q1: that quarter's refresh would read it (and reject it).
    files, landing_problems = discover(real_run.landing, Quarter(2024, 1))
    assert [item.relative_path for item in files] == ["commune/29869/2024Q1/dossiers.xls"]
    assert landing_problems == []


# --- the fixtures ---------------------------------------------------------------------------------------------


def test_fixtures_are_rebuilt_identically(tmp_path: Path) -> None:
    subprocess.run([sys.executable, str(REAL_EXPORTS / "make_fixtures.py"), str(tmp_path)], check=True)
    committed = sorted(p.relative_to(LANDING).as_posix() for p in LANDING.rglob("*") if p.is_file())
    built = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*") if p.is_file())
    assert built == committed
    assert len(committed) == 13  # 12 files of 2024Q2 and the broken one of 2024Q1
    for name in committed:
        assert_same_fixture(tmp_path / name, LANDING / name)


# --- codes a spreadsheet stripped of their leading zeros ------------------------------------------------------

# Phường Phúc Xá (00001, Quận Ba Đình 001, Hà Nội) as "CSV UTF-8" saved from Excel: a BOM, CRLF, dates as a
# Vietnamese-locale Excel shows them (dd/mm/yyyy), and the unit code column stored as a number, so 00001 is
# written 1, or 1.0 where the sheet had been through a float column. One row carries Phường Trúc Bạch's code
# (00004) written 4: a dossier of another commune in Phúc Xá's folder, which must not be read as Phúc Xá's.
PHUC_XA = (
    "STT,Mã hồ sơ,Mã đơn vị,Mã thủ tục,Lĩnh vực,Hình thức nộp,Ngày nhận,Ngày hẹn trả,Ngày kết thúc xử lý,"
    "Trả kết quả qua BCCI,Số lần yêu cầu bổ sung",
    "1,00001-240402-0001,1,1.000108,Chứng thực,Trực tuyến,02/04/2024 08:30,05/04/2024,04/04/2024,Không,0",
    "2,00001-240403-0002,1.0,1.000101,Hộ tịch,Trực tiếp,03/04/2024 09:00,03/04/2024,03/04/2024,Không,0",
    "3,00001-240510-0003,,1.000204,Xây dựng,Bưu chính,10/05/2024 14:00,17/05/2024,20/05/2024,Có,1",
    "4,00004-240515-0004,4,1.000108,Chứng thực,Trực tiếp,15/05/2024 08:00,20/05/2024,17/05/2024,Không,0",
    "5,00001-240520-0005,00001,1.000108,Chứng thực,Trực tiếp,20/05/2024 10:00,27/05/2024,,Không,0",
)


def test_codes_that_lost_their_leading_zeros_count_for_the_folders_commune_and_no_other(
    server_url: str, template_db: str, tmp_path: Path
) -> None:
    from cchc.warehouse.connection import connect

    path = "commune/00001/2024Q2/dossiers.csv"
    landing = tmp_path / "landing"
    (landing / path).parent.mkdir(parents=True)
    (landing / path).write_bytes(("\ufeff" + "\r\n".join(PHUC_XA) + "\r\n").encode("utf-8"))
    name, url = copy_template(server_url, template_db, "cchc_zeros")
    try:
        with pytest.raises(RefreshFailed) as failure:
            refresh(url, landing, QUARTER, run_id="zeros")
        # Line 5 (header on line 1) is the Trúc Bạch dossier: quarantined, the others staged.
        assert "1 row(s) of 2024Q2 failed error-level expectations" in str(failure.value)
        with connect(url) as db:
            staged = db.execute(
                "select line_number, unit_code from staging.stg_one_stop__dossiers where quarter = %s "
                "order by line_number",
                (QUARTER,),
            ).fetchall()
            assert staged == [(2, "00001"), (3, "00001"), (4, "00001"), (6, "00001")]
            (quarantined,) = db.execute(
                "select f.path, q.line_number, q.reasons, q.raw_values ->> 'unit_code' "
                "from quarantine.rejected_row as q join raw.landing_file as f on f.file_id = q.file_id "
                "where q.quarter = %s",
                (QUARTER,),
            ).fetchall()
            assert quarantined[:2] == (path, 5) and quarantined[3] == "4"
            assert (
                "Mã đơn vị khác đơn vị của thư mục / unit code differs from the unit named by the landing folder"
                in (quarantined[2])
            )
            load = db.execute(
                "select rows_read, rows_loaded, rows_quarantined, rows_skipped from audit.file_load "
                "where run_id = 'zeros' and path = %s",
                (path,),
            ).fetchone()
            assert load == (5, 4, 1, 0)
            # Counted by hand from the four staged rows: received D1, D2, D3, D5 (D1 online); resolved D1
            # early (04/04 before 05/04), D2 on time (same day), D3 late (20/05 after 17/05); D5 pending and
            # past its 27/05 due day. On time 100 x 2 / 3, online 100 x 1 / 4.
            row = mart_row(db, QUARTER, "00001")
            counted = ("received", "received_online", "resolved", "resolved_early", "resolved_on_time")
            counted += ("resolved_late", "pending", "pending_overdue", "on_time_rate", "online_rate")
            assert {key: row[key] for key in counted} == {
                "received": 4,
                "received_online": 1,
                "resolved": 3,
                "resolved_early": 1,
                "resolved_on_time": 1,
                "resolved_late": 1,
                "pending": 1,
                "pending_overdue": 1,
                "on_time_rate": Decimal("66.67"),
                "online_rate": Decimal("25.00"),
            }
            # Trúc Bạch sent nothing: its dossier in Phúc Xá's file is not counted for it either.
            assert mart_row(db, QUARTER, "00004")["reporting_units"] == 0
    finally:
        drop_database(server_url, name)
