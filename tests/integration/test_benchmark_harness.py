"""The benchmark runs end to end at a small size and reports figures that add up (no timing asserted)."""

from __future__ import annotations

import json
import os
import re
import uuid

import psycopg
import pytest

from benchmarks import bench, gx_engines
from cchc.config import PROJECT_ROOT
from cchc.pipeline import STEPS
from cchc.quality.expectations import load_suite
from cchc.warehouse.connection import ensure_database, with_database
from tests.support.databases import drop_database

pytestmark = pytest.mark.integration


@pytest.fixture
def bench_database(server_url):
    """A database name of this test's own, dropped afterwards: the suite never touches `cchc_bench`."""
    name = f"cchc_bench_test_{uuid.uuid4().hex[:8]}"
    yield name
    drop_database(server_url, name)


def test_small_benchmark_reports_every_stage(server_url, bench_database, tmp_path, capsys, monkeypatch):
    # Chunks of 1,000 rows, so that the full run stages its quarter in several, as a large one does.
    monkeypatch.setenv("CCHC_VALIDATION_CHUNK_ROWS", "1000")
    command = ["--rows", "3000", "--warehouse-url", server_url, "--out", str(tmp_path), "--database", bench_database]
    assert bench.main(command) == 0
    result = json.loads((tmp_path / "dossiers-3000.json").read_text(encoding="utf-8"))
    # The reference copied exactly the rows the refresh loaded, from the same files.
    assert result["reference"]["rows"] == result["dossier_rows"] > 2000
    # The floor wrote all three layers of every row the reference copied, each layer timed.
    floor = result["floor"]
    assert floor["stage"] == bench.FLOOR_STAGE and floor["rows"] == result["reference"]["rows"]
    assert floor["seconds"] > 0 and set(result["floor_layers_seconds"]) == {"raw", "staging", "fact"}
    assert all(seconds > 0 for seconds in result["floor_layers_seconds"].values())
    assert floor["seconds"] == pytest.approx(sum(result["floor_layers_seconds"].values()), abs=0.01)
    assert result["ratio_ceiling_for_layering"] == pytest.approx(
        result["reference"]["seconds"] / floor["seconds"], rel=0.05
    )
    assert [stage["stage"] for stage in result["refresh"]] == [step.__name__ for step in STEPS]
    assert result["refresh_seconds"] == pytest.approx(sum(s["seconds"] for s in result["refresh"]), abs=0.05)
    assert result["peak_rss_bytes"] > 50 * 2**20
    assert result["machine"]["cores"] >= 1 and result["versions"]["postgresql"]
    # Every file loads once; a rerun skips them all; a late correction of one commune loads one file.
    assert result["files_loaded"] == {"full": result["files"], "rerun_unchanged": 0, "rerun_one_late_file": 1}
    # Each DAG file's parse time, as `airflow dags report` gives it.
    assert set(result["dag_parse_seconds"]) == {path.name for path in (PROJECT_ROOT / "dags").glob("cchc_*.py")}
    assert [stage["stage"] for stage in result["rerun_unchanged"]] == [step.__name__ for step in STEPS]
    report = (tmp_path / "dossiers-3000.md").read_text(encoding="utf-8")
    assert "psql \\copy (reference)" in report and "Refresh throughput / `\\copy` throughput" in report
    assert "DAG parse time (`airflow dags report`): cchc_ingest_commune.py" in report
    assert f"| {bench.FLOOR_STAGE} | {floor['seconds']:.2f} | " in report
    assert "- Three layers in SQL, no checks (the floor): " in report
    assert f"the floor runs at **{result['ratio_ceiling_for_layering']:.3f}** of `\\copy`" in report
    # The four figures of the performance target, last, each beside its target.
    assert result["ratio_to_floor"] == pytest.approx(
        result["refresh_rows_per_second"] / floor["rows_per_second"], rel=0.01
    )
    four = report.split("## The four figures", 1)[1]
    assert f"1. Refresh throughput / floor throughput: **{result['ratio_to_floor']:.3f}** (target ≥ 0.5)." in four
    assert f"**{100 * result['rerun_one_late_file_share']:.1f}%** of the full run (target ≤ 5%)" in four
    assert f"**{100 * result['rerun_unchanged_share']:.1f}%** of the full run (target < 5%)" in four
    # Memory counts the PostgreSQL server's processes too. The suite's own embedded server runs here, so
    # its postmaster.pid is readable and its memory is measured.
    server, total = result["peak_server_bytes"], result["peak_total_bytes"]
    if "WAREHOUSE_URL" not in os.environ:
        assert server is not None
    if server is not None:
        assert server > 10 * 2**20 and all(stage["peak_server_mib"] > 0 for stage in result["refresh"])
        assert max(result["peak_rss_bytes"], server) <= total <= result["peak_rss_bytes"] + server
        assert f"3. Peak memory, this process and the PostgreSQL server together: **{total / 2**20:.0f} MiB**" in four
    else:
        assert "not measured (the server is not on this machine)" in four
    # Where validate_and_stage's time went, by phase, as its summary reports it, for the full run and for
    # the late file (which restaged one commune). The phases lie inside the step, so together they take
    # no longer than it did, give or take their rounding to the hundredth. Garbage is collected between
    # chunks: the full run's several chunks, not the late file's one.
    full, late = result["staging_phases"]["full"], result["staging_phases"]["rerun_one_late_file"]
    assert {"read raw rows", "type", "validate", "write", "collect garbage", "record results"} <= set(full)
    assert set(late) == set(full) - {"collect garbage"}
    staged = next(s for s in result["refresh"] if s["stage"] == "validate_and_stage")["seconds"]
    assert sum(full.values()) <= staged + 0.005 * len(full)
    assert result["gx_import_seconds"] > 0
    where = report.split("## Where the time goes", 1)[1]
    assert f"read raw rows {full['read raw rows']:.2f}" in where and "The late-file rerun by step (s): " in where
    # The whole dossiers suite run once more by GX as SQL over the staged quarter, and the ceiling of
    # figure 1 it implies: the floor's seconds over the floor's plus the checks'.
    gx_sql = result["gx_sql"]
    assert gx_sql["expectations"] == len(load_suite("staging.dossiers")["expectations"])
    with psycopg.connect(with_database(server_url, bench_database)) as conn:
        # Validated before the late-file rerun staged its one added dossier.
        staged = conn.execute(
            "select count(*) from staging.stg_one_stop__dossiers where dossier_id not like 'LATE-%'"
        ).fetchone()[0]
    assert gx_sql["rows"] == staged > 2000
    assert gx_sql["validate_seconds"] > 0 and gx_sql["check_columns_seconds"] > 0 and gx_sql["queries"] > 0
    assert f" s in {gx_sql['queries']} queries, after " in where
    assert result["ratio_ceiling_with_gx_sql"] == pytest.approx(
        floor["seconds"] / (floor["seconds"] + gx_sql["validate_seconds"]), abs=0.001
    )
    assert f"at **{result['ratio_ceiling_with_gx_sql']:.3f}** of the floor's throughput" in where
    # The benchmark dropped the floor's tables and the reference's.
    with psycopg.connect(with_database(server_url, bench_database)) as conn:
        assert conn.execute("select count(*) from pg_tables where tablename like 'bench\\_%'").fetchone()[0] == 0
        work_tables = conn.execute("select count(*) from pg_tables where tablename = %s", (gx_engines.TABLE,))
        assert work_tables.fetchone()[0] == 0

    # The same staged rows validated by GX in pandas chunks and as SQL: the unexpected counts agree,
    # before and after two staged rows are given 9 supplement requests (a warning-level expectation).
    before = _compare_engines(server_url, bench_database, capsys)
    with psycopg.connect(with_database(server_url, bench_database)) as conn:
        conn.execute(
            "update staging.stg_one_stop__dossiers set supplement_requests = 9 where (file_id, line_number) in "
            "(select file_id, line_number from staging.stg_one_stop__dossiers "
            "where supplement_requests <= 5 order by 1, 2 limit 2)"
        )
    assert _compare_engines(server_url, bench_database, capsys) == before + 2


def _compare_engines(server_url: str, bench_database: str, capsys) -> int:
    """Run benchmarks.gx_engines on the benchmark's database; the unexpected rows both engines found."""
    capsys.readouterr()
    assert gx_engines.main(["--warehouse-url", server_url, "--database", bench_database]) == 0
    printed = capsys.readouterr().out
    assert "| pandas chunks | " in printed and "| PostgreSQL (SQL) | " in printed
    assert "unexpected rows per expectation agree: True" in printed
    return int(re.search(r"unexpected rows in all \(pandas chunks\): (\d+)", printed).group(1))


def test_a_kept_landing_zone_is_reused_only_for_the_same_size(tmp_path):
    bench.size_marker(tmp_path).write_text(json.dumps({"rows_requested": 5000, "dossier_rows": 5123}))
    assert bench.generate(tmp_path, 5000) == (5123, None)
    with pytest.raises(SystemExit, match="5000 rows, not 6000"):
        bench.generate(tmp_path, 6000)


def test_the_benchmark_never_drops_a_database_it_did_not_create(server_url, bench_database):
    ensure_database(server_url, bench_database)
    with psycopg.connect(with_database(server_url, bench_database), autocommit=True) as conn:
        conn.execute("create table someones_work (id int)")
    with pytest.raises(bench.NotABenchDatabase, match="was not created by the benchmark"):
        bench.fresh_database(server_url, bench_database)
    with psycopg.connect(with_database(server_url, bench_database)) as conn:
        assert conn.execute("select count(*) from pg_tables where tablename = 'someones_work'").fetchone() == (1,)


def test_the_benchmark_recreates_its_own_database(server_url, bench_database):
    url = bench.fresh_database(server_url, bench_database)
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("create table leftover (id int)")
    assert bench.fresh_database(server_url, bench_database) == url
    with psycopg.connect(url) as conn:
        assert conn.execute("select count(*) from pg_tables where tablename = 'leftover'").fetchone() == (0,)
