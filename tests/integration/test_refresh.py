"""The refresh as a whole: idempotent, no row lost, bad input reported by path and line."""

from __future__ import annotations

import shutil
from datetime import date

import pytest
from cchc_sample.province import generate_province

from cchc.pipeline import RefreshFailed
from cchc.quarters import Quarter
from tests.conftest import FIXTURES
from tests.integration.helpers import mart_row, refresh
from tests.support.recount import recount_export

pytestmark = pytest.mark.integration

PLAIN_DOSSIERS = {"formats": "csv", "datasets": ("dossiers",)}  # tests below count dossiers.csv lines

MART_FINGERPRINT = """
    select count(*), md5(string_agg(m::text, '|' order by m.unit_code))
    from mart.unit_quarter_indicators as m where m.quarter = %s
"""


@pytest.fixture
def sample_landing(tmp_path):
    # Huyện Hồng Ngự (870), Đồng Tháp: its communes and its own desk, two quarters.
    generate_province(
        tmp_path, "87", [Quarter(2024, 1), Quarter(2024, 2)], per_unit_quarter=12, districts=["870"], **PLAIN_DOSSIERS
    )
    return tmp_path


def test_refresh_twice_gives_identical_marts(warehouse_db, sample_landing, conn):
    first = refresh(warehouse_db, sample_landing, "2024Q2", run_id="first")
    before = conn.execute(MART_FINGERPRINT, ("2024Q2",)).fetchone()
    conn.rollback()
    second = refresh(warehouse_db, sample_landing, "2024Q2", run_id="second")
    after = conn.execute(MART_FINGERPRINT, ("2024Q2",)).fetchone()
    assert before == after
    assert before[0] > 100  # province + 12 districts + 143 communes of Đồng Tháp
    assert first["load_raw_files"]["loaded"] == first["load_raw_files"]["files"] > 0
    assert second["load_raw_files"]["unchanged"] == second["load_raw_files"]["files"]
    assert second["load_raw_files"]["loaded"] == 0


def test_every_row_read_is_loaded_or_quarantined(warehouse_db, sample_landing, conn):
    refresh(warehouse_db, sample_landing, "2024Q2", run_id="count")
    per_file = conn.execute(
        "select path, rows_read, rows_loaded, rows_quarantined from audit.file_load where run_id = 'count'"
    ).fetchall()
    assert len(per_file) == len(list(sample_landing.glob("*/*/2024Q2/dossiers.csv")))
    for path, read, loaded, quarantined in per_file:
        assert read == loaded + quarantined, path
    lines_in_files = sum(
        sum(1 for _ in p.open(encoding="utf-8")) - 1 for p in sample_landing.glob("*/*/2024Q2/dossiers.csv")
    )
    assert sum(row[1] for row in per_file) == lines_in_files
    staged = conn.execute("select count(*) from staging.stg_one_stop__dossiers where quarter = '2024Q2'").fetchone()
    facts = conn.execute("select count(*) from core.fct_dossier where quarter = '2024Q2'").fetchone()
    assert staged == facts
    # Counted from the files themselves: each line is a fact unless the audit says it was quarantined.
    assert facts[0] == lines_in_files - sum(row[3] for row in per_file)


def test_district_figures_are_its_desk_plus_its_communes(warehouse_db, sample_landing, conn):
    """The desk's figures and the whole district's are recounted from the exports with the csv module
    (tests/support/recount.py), not read back from the pipeline's own facts."""
    refresh(warehouse_db, sample_landing, "2024Q2")
    first, last = date(2024, 4, 1), date(2024, 6, 30)
    district = mart_row(conn, "2024Q2", "870")
    communes = conn.execute(
        """select sum(received), sum(resolved), sum(pending), sum(resolved_late)
           from mart.unit_quarter_indicators where quarter = '2024Q2' and parent_code = '870'""",
    ).fetchone()
    desk = recount_export(sample_landing / "district" / "870" / "2024Q2" / "dossiers.csv", first, last)
    assert desk["received"] > 0
    assert district["received"] == communes[0] + desk["received"]
    assert district["resolved"] == communes[1] + desk["resolved"]
    # Every export of the quarter is huyện Hồng Ngự's (its desk and its communes): together they are it.
    exports = sorted(sample_landing.glob("*/*/2024Q2/dossiers.csv"))
    assert {export.parts[-4] for export in exports} == {"district", "commune"}
    whole = [recount_export(export, first, last) for export in exports]
    assert district["received"] == sum(one["received"] for one in whole)
    assert district["resolved"] == sum(one["resolved"] for one in whole)
    province = mart_row(conn, "2024Q2", "87")
    assert province["received"] == district["received"]  # only huyện Hồng Ngự reported


def test_a_resent_file_replaces_exactly_its_rows(warehouse_db, sample_landing, conn):
    refresh(warehouse_db, sample_landing, "2024Q2", run_id="before")
    target = sorted(sample_landing.glob("commune/*/2024Q2/dossiers.csv"))[0]
    unit = target.parts[-3]
    other_units_before = conn.execute(
        "select count(*) from core.fct_dossier where quarter = '2024Q2' and unit_code <> %s", (unit,)
    ).fetchone()
    lines = target.read_text(encoding="utf-8").splitlines(keepends=True)
    target.write_text("".join(lines[:3]), encoding="utf-8")  # header + 2 dossiers
    conn.rollback()
    result = refresh(warehouse_db, sample_landing, "2024Q2", run_id="after")
    assert result["load_raw_files"]["loaded"] == 1
    assert conn.execute(
        "select count(*) from core.fct_dossier where quarter = '2024Q2' and unit_code = %s", (unit,)
    ).fetchone() == (2,)
    assert (
        conn.execute(
            "select count(*) from core.fct_dossier where quarter = '2024Q2' and unit_code <> %s", (unit,)
        ).fetchone()
        == other_units_before
    )
    versions = conn.execute(
        "select is_current from raw.landing_file where path = %s order by file_id",
        (f"commune/{unit}/2024Q2/dossiers.csv",),
    ).fetchall()
    assert versions == [(False,), (True,)]


@pytest.fixture
def bad_landing(tmp_path):
    landing = tmp_path / "landing"
    shutil.copytree(FIXTURES / "landing_bad", landing)
    return landing


def test_bad_input_is_reported_by_path_and_the_good_rows_still_load(warehouse_db, bad_landing, conn):
    with pytest.raises(RefreshFailed) as failure:
        refresh(warehouse_db, bad_landing, "2024Q2", run_id="bad")
    message = str(failure.value)
    for path, reason in [
        ("commune/20197/2024Q2/dossiers.csv", "line 3"),
        ("commune/20198/2024Q2/dossiers.csv", "empty"),
        ("commune/2019/2024Q2/dossiers.csv", "5 digits"),
        ("commune/99999/2024Q2/dossiers.csv", "not a commune valid in 2024Q2"),
        ("commune/20194/dossiers.csv", "expected <level>/<unit_code>/<YYYYQn>"),
        ("commune/20200/2024Q2/bao_cao.csv", "unknown dataset"),
    ]:
        line = next((m for m in message.splitlines() if path in m), None)
        assert line is not None, f"{path} not reported in:\n{message}"
        assert reason in line, line

    loaded = conn.execute(
        "select unit_code, dossier_id from core.fct_dossier where quarter = '2024Q2' order by 1, 2"
    ).fetchall()
    assert loaded == [
        ("20194", "HHB-001"),
        ("20194", "HHB-008"),
        ("20194", "HHB-011"),
        ("490", "LC-001"),
        ("490", "LC-002"),
    ]
    rejected = dict(
        conn.execute(
            "select line_number, array_to_string(reasons, ' | ') from quarantine.rejected_row "
            "where quarter = '2024Q2' order by line_number"
        ).fetchall()
    )
    expected_reasons = {
        3: "'31/02/2024 08:00'",
        4: "resolved before received",
        5: "'Fax'",
        6: "same dossier id appears more than once",
        7: "same dossier id appears more than once",
        8: "differs from the unit named by the landing folder",
        9: "'hai'",
        11: "procedure code is missing",
        12: "received after the end of the quarter",
    }
    assert set(rejected) == set(expected_reasons)
    for line, reason in expected_reasons.items():
        assert reason in rejected[line], (line, rejected[line])
    raw_values = conn.execute(
        "select raw_values from quarantine.rejected_row where line_number = 3 and quarter = '2024Q2'"
    ).fetchone()[0]
    assert raw_values["received_at"] == "31/02/2024 08:00"

    balance = conn.execute(
        "select path, rows_read, rows_loaded, rows_quarantined from audit.file_load "
        "where run_id = 'bad' and status = 'loaded' order by path"
    ).fetchall()
    assert balance == [
        ("commune/20194/2024Q2/dossiers.csv", 12, 3, 9),
        ("district/490/2024Q2/dossiers.csv", 2, 2, 0),
    ]
    run = conn.execute("select status, message from audit.pipeline_run where run_id = 'bad'").fetchone()
    assert run[0] == "failed" and "commune/20198/2024Q2/dossiers.csv" in run[1]
