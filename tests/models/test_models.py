"""The derived relations are models: the warehouse holds what their folders say, a changed definition
recreates the relation and forgets its builds, and a warehouse built by the release before models
upgrades without losing a raw, staging, quarantine or audit row."""

from __future__ import annotations

import gzip
import shutil
import subprocess
import sys
import uuid
from decimal import Decimal
from pathlib import Path

import psycopg
import pytest

from benchmarks.bench import psql_binary
from cchc.cli import main
from cchc.warehouse.bootstrap import bootstrap_warehouse
from cchc.warehouse.connection import connect, ensure_database, with_database
from cchc.warehouse.models import apply_models, load_models
from tests.conftest import FIXTURES
from tests.integration.helpers import mart_row, refresh
from tests.support.catalog import catalogue, columns_and_comments, differences
from tests.support.databases import copy_template, drop_database, mart_rows

pytestmark = pytest.mark.integration

MODELS = load_models()
AT_030 = Path(__file__).resolve().parents[1] / "fixtures" / "warehouse_at_030" / "dump.sql.gz"
# The arguments the fixture's landing zone was generated with (its README), and the quarters refreshed.
SAMPLE_ARGS = ("--province", "87", "--district", "866", "--per-unit", "6", "--from", "2024Q1", "--to", "2024Q2")
QUARTERS = ("2023Q4", "2024Q1", "2024Q2")
# Tables whose rows are the warehouse's lasting state, that no upgrade may lose.
KEPT_SCHEMAS = ("raw", "staging", "quarantine", "audit")
# Bookkeeping the upgrade itself writes or clears.
UPGRADE_BOOKKEEPING = {"audit.schema_migration", "audit.model_definition", "audit.step_input"}
INDICATORS = "mart.unit_quarter_indicators"


@pytest.mark.parametrize("relation", sorted(MODELS))
def test_the_warehouse_holds_each_model_as_its_folder_says(conn, relation):
    model = MODELS[relation]
    kind = conn.execute("select relkind from pg_class where oid = to_regclass(%s)", (relation,)).fetchone()
    assert kind is not None, f"{relation} was not created"
    assert kind[0] == ("v" if model.kind == "view" else "p" if model.built_by != "load_raw_files" else "r")
    # Same columns, in the same order, each with the COMMENT its model.yml gives it.
    assert columns_and_comments(conn, relation) == list(model.columns), f"{model.folder / 'model.yml'}"
    described = conn.execute("select obj_description(%s::regclass, 'pg_class')", (relation,)).fetchone()[0]
    assert described == model.description


def test_every_derived_relation_of_the_warehouse_has_a_model(conn):
    derived = conn.execute(
        "select n.nspname || '.' || c.relname from pg_class as c join pg_namespace as n on n.oid = c.relnamespace "
        "where c.relkind in ('r', 'p', 'v') and not c.relispartition "
        "and (n.nspname in ('mart', 'bao_cao') or n.nspname = 'core' and c.relname similar to '(fct|int)\\_%%')"
    ).fetchall()
    # mart.reader_province is access state (who reads which province), kept by a migration.
    assert {name for (name,) in derived} - {"mart.reader_province"} == {
        name for name in MODELS if not name.startswith("core.dim_")
    }


def test_an_unchanged_warehouse_is_left_as_it_is(conn):
    outcome = apply_models(conn)
    assert outcome == {"models_created": [], "quarters_to_refresh": {}, "functions_created": [], "comments_set": []}


@pytest.fixture
def refreshed_copy(server_url, template_db, tmp_path):
    """A warehouse with the fixture's landing zone refreshed for its three quarters, and that landing zone."""
    landing = _sample_landing(tmp_path)
    name, url = copy_template(server_url, template_db, "cchc_test_models")
    try:
        for quarter in QUARTERS:
            refresh(url, landing, quarter)
        yield url, landing
    finally:
        drop_database(server_url, name)


def _sample_landing(tmp_path: Path) -> Path:
    landing = tmp_path / "landing"
    command = [sys.executable, "-m", "cchc_sample.cli", *SAMPLE_ARGS, "--seed", "30", "--landing", str(landing)]
    subprocess.run(command, check=True, capture_output=True, timeout=300)
    return landing


def test_a_changed_definition_recreates_the_relation_its_views_and_forgets_its_builds(
    refreshed_copy, monkeypatch, capsys
):
    url, landing = refreshed_copy
    before = {quarter: mart_rows(url, quarter) for quarter in QUARTERS}
    with connect(url) as conn:
        # What a release whose table.sql differs finds: another digest recorded than the file's.
        conn.execute("update audit.model_definition set definition = 'earlier' where relation = %s", (INDICATORS,))
        conn.commit()
        assert conn.execute("select count(*) from audit.step_input where step = 'build_marts'").fetchone()[0] == 3
        monkeypatch.setenv("WAREHOUSE_URL", url)
        capsys.readouterr()
        assert main(["migrate"]) == 0
        printed = capsys.readouterr().out
        # The two views of bao_cao over it went with it and came back; nothing else was touched.
        assert f"derived relations created: {INDICATORS}, bao_cao.chi_so_don_vi, bao_cao.xep_hang_xa;" in printed
        assert "row security applied to: chi_so_don_vi, unit_quarter_indicators, xep_hang_xa" in printed
        assert f"refresh these quarters to rebuild them: {INDICATORS} (2023Q4, 2024Q1, 2024Q2)" in printed
        assert conn.execute(f"select count(*) from {INDICATORS}").fetchone() == (0,)
        assert conn.execute("select count(*) from audit.step_input where step = 'build_marts'").fetchone() == (0,)
        assert conn.execute("select count(*) from mart.scorecard_766").fetchone()[0] > 0
        # A reader's grant came back with the relation: row security covers every mart again.
        assert conn.execute(
            "select has_table_privilege('cchc_reader', %s, 'select'), relrowsecurity from pg_class "
            "where oid = %s::regclass",
            (INDICATORS, INDICATORS),
        ).fetchone() == (True, True)
        conn.rollback()
    for quarter in QUARTERS:
        refresh(url, landing, quarter)
    assert {quarter: mart_rows(url, quarter) for quarter in QUARTERS} == before


def test_a_new_table_of_a_step_forgets_that_steps_builds_and_names_their_quarters(refreshed_copy, monkeypatch, capsys):
    url, landing = refreshed_copy
    before = {quarter: mart_rows(url, quarter) for quarter in QUARTERS}
    desks = "core.int_unit_desk_counts"
    with connect(url) as conn:
        # What a release that adds a table to build_core finds: no such table, and quarters built without it.
        conn.execute(f"drop table {desks}")
        conn.execute("delete from audit.model_definition where relation = %s", (desks,))
        conn.commit()
        assert conn.execute("select count(*) from audit.step_input where step = 'build_core'").fetchone()[0] > 3
        monkeypatch.setenv("WAREHOUSE_URL", url)
        capsys.readouterr()
        assert main(["migrate"]) == 0
        printed = capsys.readouterr().out
        assert f"derived relations created: {desks};" in printed
        assert f"refresh these quarters to rebuild them: {desks} (2023Q4, 2024Q1, 2024Q2)" in printed
        assert conn.execute("select count(*) from audit.step_input where step = 'build_core'").fetchone() == (0,)
        conn.rollback()
    # The latest quarter alone: its facts are rebuilt, and the note names the quarter before it.
    latest = refresh(url, landing, QUARTERS[-1])
    assert any(QUARTERS[-2] in note for note in latest["build_core"]["attention"])
    for quarter in QUARTERS:
        refresh(url, landing, quarter)
    assert {quarter: mart_rows(url, quarter) for quarter in QUARTERS} == before
    with connect(url) as conn:
        counted = conn.execute(f"select quarter, count(*) from {desks} group by 1 order by 1").fetchall()
    assert [quarter for quarter, units in counted if units > 0] == list(QUARTERS)


@pytest.fixture
def restored_at_030(server_url):
    """A database holding the fixture's dump, restored by psql: a warehouse as the release before
    models left it."""
    name = f"cchc_test_at030_{uuid.uuid4().hex[:8]}"
    ensure_database(server_url, name)
    url = with_database(server_url, name)
    try:
        subprocess.run(
            [psql_binary(), "-q", "-v", "ON_ERROR_STOP=1", "-d", url, "-f", "-"],
            input=gzip.decompress(AT_030.read_bytes()),
            check=True,
            capture_output=True,
            timeout=300,
        )
        yield url
    finally:
        drop_database(server_url, name)


def _kept_rows(conn: psycopg.Connection) -> dict[str, int]:
    tables = conn.execute(
        "select n.nspname || '.' || c.relname from pg_class as c join pg_namespace as n on n.oid = c.relnamespace "
        "where n.nspname = any(%s) and c.relkind in ('r', 'p') and not c.relispartition order by 1",
        (list(KEPT_SCHEMAS),),
    ).fetchall()
    return {
        name: conn.execute(f"select count(*) from {name}").fetchone()[0]
        for (name,) in tables
        if name not in UPGRADE_BOOKKEEPING
    }


def test_a_warehouse_built_before_models_upgrades_without_losing_a_row(restored_at_030, warehouse_db, tmp_path):
    with connect(restored_at_030) as conn:
        kept = _kept_rows(conn)
        figures = {quarter: mart_rows(restored_at_030, quarter) for quarter in QUARTERS}
        # The generator's summary for these arguments: 207 dossier rows in 2024Q1-2024Q2 and 113 in the
        # 2023Q4 lead-in; one run per quarter refreshed.
        assert kept["raw.dossiers"] == 207 + 113 and kept["audit.pipeline_run"] == 3
        assert all(figures[quarter][INDICATORS] for quarter in QUARTERS)
        migrations = dict(conn.execute("select version, name from audit.schema_migration").fetchall())
        assert sorted(migrations) == list(range(1, 31))
        conn.commit()

        outcome = bootstrap_warehouse(conn)
        assert outcome["migrations_applied"] == ["031_model_definitions.sql"]
        # Every derived relation was recreated from its folder, and every function from its file.
        assert sorted(outcome["models_created"]) == sorted(MODELS)
        # The ten shared functions of that release, and raw.landing_unit_files, new since.
        assert len(outcome["functions_created"]) == 10 + 1
        held = outcome["quarters_to_refresh"]
        assert held[INDICATORS] == list(QUARTERS) and held["core.fct_dossier"] == list(QUARTERS)
        assert conn.execute("select count(*) from audit.step_input where step = 'build_core'").fetchone() == (0,)
        assert _kept_rows(conn) == kept
        conn.commit()  # as `cchc migrate` does: the reader grants of row security are the caller's to commit
    # The upgraded warehouse is, object for object, the one a fresh bootstrap makes.
    with connect(restored_at_030) as upgraded, connect(warehouse_db) as fresh:
        assert differences(catalogue(upgraded), catalogue(fresh)) == []

    # Refreshing the latest quarter alone says what it counts without; refreshing the quarters named,
    # oldest first, rebuilds the figures the earlier release had.
    landing = _sample_landing(tmp_path)
    attention = refresh(restored_at_030, landing, "2024Q2")["build_core"]["attention"]
    assert any(note.startswith("2024Q1 was staged but its facts are not built") for note in attention), attention
    for quarter in QUARTERS:
        summary = refresh(restored_at_030, landing, quarter)
        assert summary["load_raw_files"]["loaded"] == 0, "the files are those the earlier release loaded"
    after = {quarter: mart_rows(restored_at_030, quarter) for quarter in QUARTERS}
    for quarter in QUARTERS:
        for table, rows in figures[quarter].items():
            if table == "mart.unit_quarter_ii06a":
                continue  # left out of the fixture to keep it small (its README)
            assert after[quarter][table] == rows, f"{table} {quarter}"


# Two communes of Thành phố Cao Lãnh (district 866, Đồng Tháp) in the forms real one-stop systems write
# (tests/fixtures/real_exports): an Excel 97-2003 .xls with the 1904 date system, due dates as plain
# serials and a total row, and a CSV with ';', title rows, dd-MM-yyyy and a 'Cộng: 7 hồ sơ' row. Each
# tells the same six dossiers of 2024Q2:
#   D1 received 02/04 online, due 05/04, result 04/04 -> early
#   D2 received 03/04 direct, due 03/04, result 03/04 -> on time
#   D3 received 10/05 postal, due 17/05, result 20/05 -> late
#   D4 received 15/06 online, due 25/07, no result    -> pending, not overdue
#   D5 received 20/05 direct, due 27/05, no result    -> pending, overdue
#   D6 received 28/03 online, due 04/04, result 04/04 -> carried over, on time
REAL_COMMUNES = {"29869": "dossiers.xls", "29881": "dossiers.csv"}
COMMUNE_BY_HAND = {
    "received": 5,  # D1-D5 (D6 came before 01/04)
    "received_online": 2,  # D1, D4
    "carried_over": 1,  # D6
    "resolved": 4,  # D1, D2, D3, D6
    "resolved_early": 1,  # D1
    "resolved_on_time": 2,  # D2, D6
    "resolved_late": 1,  # D3
    "pending": 2,  # D4, D5
    "pending_overdue": 1,  # D5
    "on_time_rate": Decimal("75.00"),  # 100 x (1 + 2) / 4
    "online_rate": Decimal("40.00"),  # 100 x 2 / 5
}
DISTRICT_BY_HAND = {
    "reporting_units": 2,  # the two communes; the district's desk sent nothing
    "received": 10,  # 2 x 5
    "resolved": 8,  # 2 x 4
    "resolved_late": 2,  # 2 x 1
    "pending_overdue": 2,  # 2 x 1
    "on_time_rate": Decimal("75.00"),  # 100 x (2 + 4) / 8
    "online_rate": Decimal("40.00"),  # 100 x 4 / 10
}


def _figures(conn: psycopg.Connection) -> dict[str, dict]:
    rows = {unit: mart_row(conn, "2024Q2", unit) for unit in (*REAL_COMMUNES, "866")}
    conn.rollback()
    return {
        unit: {name: row[name] for name in (DISTRICT_BY_HAND if unit == "866" else COMMUNE_BY_HAND)}
        for unit, row in rows.items()
    }


def test_recreated_facts_and_mart_give_the_hand_counted_figures_of_real_exports_again(
    server_url, template_db, tmp_path, monkeypatch, capsys
):
    landing = tmp_path / "landing"
    for unit, name in REAL_COMMUNES.items():
        target = landing / "commune" / unit / "2024Q2" / name
        target.parent.mkdir(parents=True)
        shutil.copy2(FIXTURES / "real_exports" / "landing" / "commune" / unit / "2024Q2" / name, target)
    expected = {"29869": COMMUNE_BY_HAND, "29881": COMMUNE_BY_HAND, "866": DISTRICT_BY_HAND}
    name, url = copy_template(server_url, template_db, "cchc_test_models_real")
    try:
        refresh(url, landing, "2024Q2")
        with connect(url) as conn:
            assert _figures(conn) == expected
            # A release whose fact and mart definitions both changed.
            conn.execute(
                "update audit.model_definition set definition = 'earlier' where relation = any(%s)",
                (["core.fct_dossier", INDICATORS],),
            )
            conn.commit()
            monkeypatch.setenv("WAREHOUSE_URL", url)
            capsys.readouterr()
            assert main(["migrate"]) == 0
            printed = capsys.readouterr().out
            assert f"core.fct_dossier (2024Q2); {INDICATORS} (2024Q2)" in printed
            assert conn.execute("select count(*) from core.fct_dossier").fetchone() == (0,)
            assert conn.execute(f"select count(*) from {INDICATORS}").fetchone() == (0,)
            conn.rollback()
        summary = refresh(url, landing, "2024Q2")
        assert summary["load_raw_files"]["loaded"] == 0  # the same file versions, read from raw again
        assert summary["build_core"]["fct_dossier_rows"] == 12  # 2 x 6: D6 is a row of the quarter too
        with connect(url) as conn:
            assert _figures(conn) == expected
    finally:
        drop_database(server_url, name)
