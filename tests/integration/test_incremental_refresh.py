"""Reruns do only what changed: unchanged inputs skip validation and rebuilds, a late file rebuilds its
own quarter, a changed earlier quarter rebuilds the later quarter's facts, and staging a quarter in
chunks of landing units gives exactly what staging it whole gives.

The landing is one district of Đồng Tháp (87) and its communes for 2024Q1-2024Q2 (dossiers and
surveys, plain CSV), plus one dossier id repeated in a second commune's file of 2024Q2. A late
correction is also checked on two communes' real export forms, against figures counted by hand.
"""

from __future__ import annotations

import csv
import shutil
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import psycopg
import pytest
from cchc_sample.province import generate_province
from cchc_sample.units import districts_of

from cchc.pipeline import RefreshContext, RefreshFailed, run_refresh
from cchc.quarters import Quarter
from cchc.warehouse.sql_files import fetch_all
from tests.conftest import FIXTURES
from tests.integration.helpers import refresh
from tests.support.databases import copy_template, drop_database

pytestmark = pytest.mark.integration

Q1, Q2 = "2024Q1", "2024Q2"
STAGED_STEPS = ("build_core", "build_marts", "reconcile")


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> Path:
    landing = tmp_path_factory.mktemp("incremental") / "landing"
    district = min(unit.code for unit in districts_of("87", Quarter.parse(Q1).first_day))
    generate_province(
        landing,
        "87",
        [Quarter.parse(Q1), Quarter.parse(Q2)],
        per_unit_quarter=4,
        districts=[district],
        formats="csv",
        datasets=("dossiers", "surveys"),
    )
    first, second = sorted(landing.glob(f"commune/*/{Q2}/dossiers.csv"))[:2]
    # The same dossier in two communes' exports: a warning on the later file, wherever it is staged.
    with first.open(encoding="utf-8", newline="") as handle:
        repeated = list(csv.reader(handle))[1]
    repeated[1] = second.parts[-3]
    _append(second, repeated)
    return landing


@pytest.fixture
def landing(generated, tmp_path) -> Path:
    copy = tmp_path / "landing"
    shutil.copytree(generated, copy)
    return copy


@pytest.fixture
def database(server_url, template_db) -> Iterator[str]:
    name, url = copy_template(server_url, template_db, "cchc_incr")
    yield url
    drop_database(server_url, name)


def _append(path: Path, row: list[str]) -> None:
    with path.open("a", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerow(row)


def _rows(url: str, query: str, params: tuple = ()) -> list[tuple]:
    with psycopg.connect(url) as conn:
        return conn.execute(query, params).fetchall()


def _marts(url: str, quarter: str) -> list[tuple]:
    return _rows(url, "select * from mart.unit_quarter_indicators where quarter = %s order by unit_code", (quarter,))


def _built_by(url: str, quarter: str) -> dict[tuple[str, str], str]:
    rows = _rows(url, "select step, scope, run_id from audit.step_input where quarter = %s", (quarter,))
    return {(step, scope): run_id for step, scope, run_id in rows}


def test_an_unchanged_rerun_validates_and_rebuilds_nothing(database, landing):
    refresh(database, landing, Q1, run_id="q1")
    refresh(database, landing, Q2, run_id="full")
    before = _marts(database, Q2)
    rerun = refresh(database, landing, Q2, run_id="rerun")

    assert rerun["load_raw_files"]["loaded"] == 0 and rerun["load_raw_files"]["unchanged"] > 0
    staged = rerun["validate_and_stage"]
    assert [staged[name]["unchanged_since_run"] for name in ("dossiers", "surveys")] == ["full", "full"]
    for step in STAGED_STEPS:
        assert rerun[step]["unchanged_since_run"] == "full", step
    assert rerun["build_quality_report"]["data_docs_unchanged"] is True
    assert _marts(database, Q2) == before
    assert _rows(database, "select count(*) from audit.validation_suite_result where run_id = 'rerun'") == [(0,)]
    # The per-file balance is still written, and checked, for the rerun.
    balance = _rows(
        database,
        "select count(*), count(*) filter (where rows_read = rows_loaded + rows_quarantined) "
        "from audit.file_load where run_id = 'rerun'",
    )
    assert balance[0][0] == balance[0][1] > 0
    assert _rows(database, "select status from audit.pipeline_run where run_id = 'rerun'") == [("success",)]


def test_a_late_file_rebuilds_only_its_own_quarter(database, landing):
    refresh(database, landing, Q1, run_id="q1")
    refresh(database, landing, Q2, run_id="full")
    q1_before = _built_by(database, Q1)
    late = sorted(landing.glob(f"commune/*/{Q2}/dossiers.csv"))[-1]
    unit = late.parts[-3]
    received = _rows(
        database, "select received from mart.unit_quarter_indicators where quarter = %s and unit_code = %s", (Q2, unit)
    )[0][0]
    _append(late, ["LATE-1", unit, "1.000894", "Hộ tịch", "2", "02/04/2024 08:00", "05/04/2024 17:00", "", "", "0"])

    rerun = refresh(database, landing, Q2, run_id="late")

    assert rerun["load_raw_files"]["loaded"] == 1
    dossiers = rerun["validate_and_stage"]["dossiers"]
    # Only the late file's commune is validated again; every other unit keeps its staged rows.
    lines = len(late.read_text(encoding="utf-8").splitlines()) - 1
    assert (dossiers["units_validated"], dossiers["rows"]) == (1, lines)
    assert dossiers["units_kept"] == len(list(landing.glob(f"*/*/{Q2}/dossiers.csv"))) - 1
    assert rerun["validate_and_stage"]["surveys"]["unchanged_since_run"] == "full"
    for step in STAGED_STEPS:
        assert "unchanged_since_run" not in rerun[step], step
    # The facts of that commune alone are built again: the late file's rows that were not quarantined.
    quarantined = _rows(
        database,
        "select count(*) from quarantine.rejected_row join raw.landing_file using (file_id) "
        "where path = %s and is_current",
        (late.relative_to(landing).as_posix(),),
    )[0][0]
    assert rerun["build_core"]["fct_dossier_units_rebuilt"] == [f"commune/{unit}"]
    assert rerun["build_core"]["fct_dossier_rows"] == lines - quarantined
    # The file holds that commune's dossiers only, so its desk alone is counted again, for both forms.
    assert rerun["build_core"]["int_unit_desk_counts_rows"] == rerun["build_core"]["int_unit_desk_ii06a_rows"] == 1
    after = _rows(
        database, "select received from mart.unit_quarter_indicators where quarter = %s and unit_code = %s", (Q2, unit)
    )
    assert after == [(received + 1,)]
    assert _built_by(database, Q1) == q1_before


def test_a_withdrawn_file_takes_its_facts_along_and_the_rest_stand(database, landing):
    refresh(database, landing, Q2, run_id="full")
    gone = sorted(landing.glob(f"commune/*/{Q2}/dossiers.csv"))[1]
    unit = gone.parts[-3]
    held = _rows(database, "select count(*) from core.fct_dossier where quarter = %s and unit_code = %s", (Q2, unit))
    assert held[0][0] > 0
    gone.unlink()

    # A withdrawn file is reported, so the run fails at its end, after every step built the quarter.
    with pytest.raises(RefreshFailed, match="withdrawn"):
        refresh(database, landing, Q2, run_id="withdrawn")

    core = _rows(database, "select summary from audit.task_run where run_id = 'withdrawn' and task_id = 'build_core'")
    assert (core[0][0]["fct_dossier_units_rebuilt"], core[0][0]["fct_dossier_rows"]) == ([f"commune/{unit}"], 0)
    facts = _rows(database, "select count(*) from core.fct_dossier where quarter = %s and unit_code = %s", (Q2, unit))
    assert facts == [(0,)]
    kept = _state(database)
    ctx = RefreshContext(Quarter.parse(Q2), "rebuilt", landing, warehouse_url=database, trigger="test", rebuild=True)
    run_refresh(ctx, echo=lambda _line: None)
    assert _state(database) == kept


def test_a_changed_earlier_quarter_rebuilds_the_later_quarters_facts(database, landing):
    refresh(database, landing, Q1, run_id="q1")
    refresh(database, landing, Q2, run_id="q2")
    early = sorted(landing.glob(f"commune/*/{Q1}/dossiers.csv"))[0]
    unit = early.parts[-3]
    _append(early, ["EARLY-1", unit, "1.000894", "Hộ tịch", "2", "03/01/2024 08:00", "20/05/2024 17:00", "", "", "0"])
    refresh(database, landing, Q1, run_id="q1-again")

    rerun = refresh(database, landing, Q2, run_id="q2-again")

    # Q2's own files did not change, but its facts and marts read Q1's (II.06a periods start in March,
    # plans and PAR scores carry over), so they are rebuilt from the new Q1 and recorded as such.
    assert rerun["validate_and_stage"]["dossiers"]["unchanged_since_run"] == "q2"
    for step in STAGED_STEPS:
        assert "unchanged_since_run" not in rerun[step], step
    built = _built_by(database, Q2)
    assert [built[(step, "quarter")] for step in STAGED_STEPS] == ["q2-again"] * 3
    # Every unit's facts, not only the changed ones: what they read of Q1 changed under all of them.
    assert "fct_dossier_units_rebuilt" not in rerun["build_core"]
    assert (
        rerun["build_core"]["fct_dossier_rows"]
        == _rows(database, "select count(*) from staging.stg_one_stop__dossiers where quarter = %s", (Q2,))[0][0]
    )
    assert built[("validate_and_stage", "dossiers")] == "q2"


def test_a_changed_tolerance_reruns_only_the_reconciliation(database, landing, monkeypatch):
    refresh(database, landing, Q2, run_id="first")
    monkeypatch.setenv("CCHC_RECONCILE_TOLERANCE_ABS", "5")
    rerun = refresh(database, landing, Q2, run_id="tolerant")
    assert rerun["build_core"]["unchanged_since_run"] == rerun["build_marts"]["unchanged_since_run"] == "first"
    assert "unchanged_since_run" not in rerun["reconcile"]
    built = _built_by(database, Q2)
    assert (built[("build_marts", "quarter")], built[("reconcile", "quarter")]) == ("first", "tolerant")
    assert _rows(database, "select count(*) > 0 from mart.reconciliation where quarter = %s", (Q2,)) == [(True,)]


def test_staging_in_chunks_gives_what_staging_the_quarter_whole_gives(server_url, template_db, landing, monkeypatch):
    results = {}
    # One unit per chunk, and every unit split in two or three parts by dossier id; then all at once.
    for chunk in ("3", "1000000"):
        name, url = copy_template(server_url, template_db, "cchc_chunk")
        try:
            monkeypatch.setenv("CCHC_VALIDATION_CHUNK_ROWS", chunk)
            summary = refresh(url, landing, Q2, run_id=f"chunk-{chunk}")
            results[chunk] = {
                "chunks": summary["validate_and_stage"]["dossiers"]["chunks"],
                "staged": _rows(
                    url,
                    "select f.path, s.line_number, s.unit_code, s.dossier_id, s.received_at, s.resolved_at "
                    "from staging.stg_one_stop__dossiers as s join raw.landing_file as f using (file_id) "
                    "order by 1, 2",
                ),
                "validation": _rows(
                    url,
                    "select dataset, position, check_name, success, element_count, unexpected_count, files::text "
                    "from audit.validation_result order by dataset, position",
                ),
                "documents": _rows(
                    url,
                    "select dataset, row_count, success, evaluated, unsuccessful from audit.validation_suite_result",
                ),
                "marts": _marts(url, Q2),
            }
        finally:
            drop_database(server_url, name)
    chunked, whole = results["3"], results["1000000"]
    assert whole["chunks"] == 1 and chunked["chunks"] >= 2 * len(list(landing.glob(f"*/*/{Q2}/dossiers.csv")))
    for key in ("staged", "validation", "documents", "marts"):
        assert chunked[key] == whole[key], key
    # The repeated dossier id is flagged on the later file, though the two files were staged apart.
    repeated = [row for row in chunked["validation"] if row[2].endswith("(file_id,_first_file_with_id)")]
    assert [(success, unexpected) for _d, _p, _c, success, _e, unexpected, _f in repeated] == [(False, 1)]


def test_rebuild_redoes_every_step_of_the_quarter(database, landing):
    refresh(database, landing, Q2, run_id="first")
    q = Quarter.parse(Q2)
    ctx = RefreshContext(q, "forced", landing, warehouse_url=database, trigger="test", rebuild=True)
    forced = run_refresh(ctx, echo=lambda _line: None)
    assert all("unchanged_since_run" not in forced[step] for step in STAGED_STEPS)
    assert all("unchanged_since_run" not in part for part in forced["validate_and_stage"].values())
    assert set(_built_by(database, Q2).values()) == {"forced"}
    validated = _rows(database, "select dataset from audit.validation_suite_result where run_id = 'forced' order by 1")
    assert validated == [("dossiers",), ("surveys",)]


def _state(url: str) -> dict[str, list[tuple]]:
    """What a reader and a data engineer see of the quarter: staged and quarantined rows and facts by
    file and line, the marts, the warnings in force and the last run's per-file balance."""
    with psycopg.connect(url) as conn:
        state = {
            "staged": conn.execute(
                "select f.path, s.line_number, s.dossier_id, s.channel, s.received_at, s.supplement_requests "
                "from staging.stg_one_stop__dossiers as s join raw.landing_file as f using (file_id) "
                "where s.quarter = %s order by 1, 2",
                (Q2,),
            ).fetchall(),
            "quarantined": conn.execute(
                "select f.path, q.line_number, q.checks, q.reasons from quarantine.rejected_row as q "
                "join raw.landing_file as f using (file_id) where q.quarter = %s order by 1, 2",
                (Q2,),
            ).fetchall(),
            "facts": conn.execute(
                "select f.path, d.line_number, d.unit_code, d.dossier_id, d.received_on, d.due_on, "
                "d.resolved_on, d.resolution_status from core.fct_dossier as d "
                "join raw.landing_file as f using (file_id) where d.quarter = %s order by 1, 2",
                (Q2,),
            ).fetchall(),
            "desks": conn.execute(
                "select * from core.int_unit_desk_counts as c full join core.int_unit_desk_ii06a as i "
                "using (quarter, unit_code) where quarter = %s order by unit_code",
                (Q2,),
            ).fetchall(),
            "marts": _marts(url, Q2),
            "ii06a": conn.execute(
                "select * from mart.unit_quarter_ii06a where quarter = %s order by unit_code, scope", (Q2,)
            ).fetchall(),
            "warnings": fetch_all(
                conn,
                "audit/quality_warnings.sql",
                {"run_id": None, "quarter": Q2, "province": None, "day": Quarter.parse(Q2).last_day},
            ),
        }
        conn.rollback()
    return state


def test_restaging_one_unit_gives_what_restaging_every_unit_gives(database, landing, monkeypatch):
    monkeypatch.setenv("CCHC_MAX_QUARANTINED_ROWS", "10")
    files = sorted(landing.glob(f"commune/*/{Q2}/dossiers.csv"))
    noisy = files[2].parts[-3]
    fields = ["1.000894", "Hộ tịch", "2", "02/04/2024 08:00", "05/04/2024 17:00", "", ""]
    _append(files[2], ["BAD-1", noisy, *fields[:2], "Fax", *fields[3:], "0"])  # quarantined: unknown channel
    _append(files[2], ["MANY-1", noisy, *fields, "9"])  # loaded with a warning: 9 supplement requests
    refresh(database, landing, Q2, run_id="first")
    late = files[-1]
    _append(late, ["LATE-1", late.parts[-3], *fields, "0"])
    # A dossier id the third commune's file holds too: the late file, registered after it, is warned.
    with files[2].open(encoding="utf-8", newline="") as handle:
        held_elsewhere = list(csv.reader(handle))[1][0]
    _append(late, [held_elsewhere, late.parts[-3], *fields, "0"])

    incremental = refresh(database, landing, Q2, run_id="late")
    assert incremental["validate_and_stage"]["dossiers"]["units_validated"] == 1
    kept = _state(database)
    assert len(kept["quarantined"]) == 1 and kept["quarantined"][0][0] == files[2].relative_to(landing).as_posix()
    warned = {row[1]: row[3] for row in kept["warnings"]}
    assert warned["expect_column_values_to_be_between(supplement_requests)"] == 1
    # The repeat the landing was made with, and the late file's.
    assert warned["expect_column_pair_values_to_be_equal(file_id,_first_file_with_id)"] == 2

    ctx = RefreshContext(Quarter.parse(Q2), "rebuilt", landing, warehouse_url=database, trigger="test", rebuild=True)
    rebuilt = run_refresh(ctx, echo=lambda _line: None)
    assert rebuilt["validate_and_stage"]["dossiers"]["units_kept"] == 0
    assert _state(database) == kept


# Two communes of Thành phố Cao Lãnh (district 866) in the forms of tests/fixtures/real_exports: an .xls
# (1904 date system, total row) and a ';' CSV with title rows, dd-MM-yyyy and "Chưa có kết quả".
REAL = FIXTURES / "real_exports" / "landing" / "commune"
FIGURES = ("received", "received_online", "carried_over", "resolved", "resolved_early", "resolved_on_time")
FIGURES += ("resolved_late", "pending", "pending_overdue", "on_time_rate", "online_rate")


def _indicator_figures(url: str, units: tuple[str, ...]) -> dict[str, tuple]:
    columns = ", ".join(FIGURES)
    rows = _rows(
        url,
        f"select unit_code, {columns} from mart.unit_quarter_indicators where quarter = %s and unit_code = any(%s)",
        (Q2, list(units)),
    )
    return {unit: tuple(values) for unit, *values in rows}


def test_a_corrected_real_export_rebuilds_its_commune_to_the_figures_counted_by_hand(database, tmp_path):
    landing = tmp_path / "real"
    for unit, name in (("29869", "dossiers.xls"), ("29881", "dossiers.csv")):
        (landing / "commune" / unit / Q2).mkdir(parents=True)
        shutil.copy2(REAL / unit / Q2 / name, landing / "commune" / unit / Q2 / name)
    refresh(database, landing, Q2, run_id="first")
    # The six dossiers of each file, counted by hand: D1-D5 received in the quarter (D1, D4 online), D6
    # carried over; D1 early, D2 and D6 on time, D3 late; D4 and D5 pending, D5 past its 27/05 due day.
    as_exported = (5, 2, 1, 4, 1, 2, 1, 2, 1, Decimal("75.00"), Decimal("40.00"))
    district = (10, 4, 2, 8, 2, 4, 2, 4, 2, Decimal("75.00"), Decimal("40.00"))
    assert _indicator_figures(database, ("29869", "29881", "866")) == {
        "29869": as_exported,
        "29881": as_exported,
        "866": district,
    }

    # Mỹ Ngãi exports again two weeks later: D5 was resolved on 28/05 (late), and a dossier received
    # online on 12/06, due 14/06, was resolved on 13/06 (early).
    corrected = landing / "commune" / "29881" / Q2 / "dossiers.csv"
    lines = corrected.read_bytes().decode("utf-8-sig").split("\r\n")  # as exported: a BOM and CRLF
    d5 = next(i for i, line in enumerate(lines) if line.startswith("5;"))
    lines[d5] = lines[d5].replace("Chưa có kết quả", "28-05-2024")
    d7 = "7;29881-240612-0007;29881;1.000108;Chứng thực;Trực tuyến;12-06-2024 09:00;14-06-2024;13-06-2024;Không;0"
    lines.insert(d5 + 2, d7)
    corrected.write_bytes(("\ufeff" + "\r\n".join(lines)).encode("utf-8"))

    late = refresh(database, landing, Q2, run_id="corrected")

    assert late["build_core"]["fct_dossier_units_rebuilt"] == ["commune/29881"]
    assert late["build_core"]["fct_dossier_rows"] == 7  # D1-D7 of the corrected file
    assert late["build_core"]["int_unit_desk_counts_rows"] == 1
    # Mỹ Ngãi now: received D1-D5, D7 (online D1, D4, D7); resolved D1, D2, D3, D5, D6, D7: early D1, D7,
    # on time D2, D6, late D3, D5; pending D4, not yet due. On time 100 x 4 / 6, online 100 x 3 / 6.
    my_ngai = (6, 3, 1, 6, 2, 2, 2, 1, 0, Decimal("66.67"), Decimal("50.00"))
    # The district: 5 + 6 received, 4 + 6 resolved, 1 + 2 late, 1 + 0 overdue; on time 100 x (3 + 4) / 10,
    # online 100 x (2 + 3) / 11.
    district = (11, 5, 2, 10, 3, 4, 3, 3, 1, Decimal("70.00"), Decimal("45.45"))
    expected = {"29869": as_exported, "29881": my_ngai, "866": district}
    assert _indicator_figures(database, ("29869", "29881", "866")) == expected
    kept = _state(database)
    ctx = RefreshContext(Quarter.parse(Q2), "rebuilt", landing, warehouse_url=database, trigger="test", rebuild=True)
    run_refresh(ctx, echo=lambda _line: None)
    assert _state(database) == kept
