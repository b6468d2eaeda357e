"""The real DAG, run by `airflow dags test` in its own process, against a real warehouse database."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from cchc_sample.province import generate_province
from psycopg.conninfo import conninfo_to_dict

from cchc.quarters import Quarter
from tests.conftest import REPO_ROOT
from tests.support.recount import recount_export

pytestmark = pytest.mark.e2e

AIRFLOW = str(Path(sys.executable).with_name("airflow"))


@pytest.fixture(scope="module")
def airflow_env(tmp_path_factory) -> dict[str, str]:
    home = tmp_path_factory.mktemp("airflow_home")
    env = {
        **os.environ,
        "AIRFLOW_HOME": str(home),
        "AIRFLOW__CORE__DAGS_FOLDER": str(REPO_ROOT / "dags"),
        "AIRFLOW__CORE__PLUGINS_FOLDER": str(REPO_ROOT / "plugins"),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "GX_ANALYTICS_ENABLED": "False",
    }
    migrate = subprocess.run(
        [AIRFLOW, "db", "migrate"], env=env, capture_output=True, text=True, timeout=600, check=False
    )
    assert migrate.returncode == 0, migrate.stderr[-3000:]
    return env


def dags_test(
    env: dict[str, str], run_date: str, dag_id: str = "cchc_quarterly_refresh"
) -> subprocess.CompletedProcess:
    return subprocess.run(
        [AIRFLOW, "dags", "test", dag_id, run_date],
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )


def test_dags_test_refreshes_the_quarter_of_its_interval(airflow_env, warehouse_db, tmp_path, conn):
    landing = tmp_path / "landing"
    generate_province(
        landing,
        "87",
        [Quarter(2024, 1), Quarter(2024, 2)],
        per_unit_quarter=10,
        districts=["868"],
        formats="csv",
        datasets=("dossiers",),
    )
    reports = tmp_path / "reports"
    env = {
        **airflow_env,
        "WAREHOUSE_URL": warehouse_db,
        "CCHC_LANDING": str(landing),
        "CCHC_REPORTS": str(reports),
    }

    result = dags_test(env, "2024-07-01")
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-4000:]
    assert "state=success" in output, output[-4000:]
    # The last task wrote the province's reports for the quarter.
    assert sorted(path.name for path in (reports / "2024Q2").iterdir()) == [
        "bieu-ii06a_87_2024Q2.xlsx",
        "chi-so_87_2024Q2.xlsx",
        "dashboard_87_2024Q2.html",
    ]

    # The interval 2024-04-01 -> 2024-07-01 is 2024Q2, and nothing else was built.
    assert conn.execute("select distinct quarter from mart.unit_quarter_indicators").fetchall() == [("2024Q2",)]
    town = conn.execute(
        "select unit_name, received, resolved, reporting_units from mart.unit_quarter_indicators "
        "where quarter = '2024Q2' and unit_code = '868'"
    ).fetchone()
    # Recounted from the exports with the csv module, not read back from the pipeline's own facts.
    exports = sorted(landing.glob("*/*/2024Q2/dossiers.csv"))
    recounts = [recount_export(export, date(2024, 4, 1), date(2024, 6, 30)) for export in exports]
    assert town[1] == sum(one["received"] for one in recounts) > 0
    assert town[2] == sum(one["resolved"] for one in recounts)
    assert town[3] == len(list(landing.glob("*/*/2024Q2/dossiers.csv")))
    run = conn.execute("select trigger, status from audit.pipeline_run").fetchall()
    assert run == [("airflow", "success")]
    tasks = conn.execute("select task_id, status from audit.task_run order by started_at").fetchall()
    assert [t for t, _ in tasks] == [
        "prepare_warehouse",
        "discover_files",  # recorded by load_raw_files, which the ingest DAGs run as separate tasks
        "load_raw_files",
        "validate_and_stage",
        "build_core",
        "build_marts",
        "reconcile",
        "build_quality_report",
        "check_run",
        "build_reports",
    ]
    assert {s for _, s in tasks} == {"success"}


def test_a_rejected_file_fails_the_run_after_loading_the_rest(airflow_env, warehouse_db, tmp_path, conn):
    landing = tmp_path / "landing"
    generate_province(landing, "87", [Quarter(2024, 2)], per_unit_quarter=5, districts=["868"], datasets=("dossiers",))
    broken = landing / "commune" / "30001" / "2024Q2" / "dossiers.csv"
    broken.parent.mkdir(parents=True)
    broken.write_bytes(b"")
    env = {**airflow_env, "WAREHOUSE_URL": warehouse_db, "CCHC_LANDING": str(landing)}

    result = dags_test(env, "2024-07-01")
    output = result.stdout + result.stderr
    assert "commune/30001/2024Q2/dossiers.csv" in output
    assert conn.execute("select status from audit.pipeline_run").fetchall() == [("failed",)]
    built = conn.execute("select count(*) from mart.unit_quarter_indicators where quarter = '2024Q2'").fetchone()[0]
    assert built > 0
    check = conn.execute("select status, error from audit.task_run where task_id = 'check_run'").fetchall()
    assert len(check) == 1, "a data problem must not be retried"
    assert check[0][0] == "failed" and "30001" in check[0][1]


def test_ingest_dag_loads_each_file_of_its_level_in_a_mapped_task(airflow_env, warehouse_db, tmp_path, conn):
    landing = tmp_path / "landing"
    generate_province(landing, "87", [Quarter(2024, 2)], per_unit_quarter=5, districts=["868"])
    # The warehouse as the Airflow connection cchc_warehouse, read by the Postgres provider's hook in the
    # task, libpq extras and all; WAREHOUSE_URL names a port nothing listens on, so only the connection works.
    warehouse = conninfo_to_dict(warehouse_db)
    connection = {
        "conn_type": "postgres",
        "host": warehouse.get("host", ""),
        "port": int(warehouse.get("port") or 5432),
        "login": warehouse.get("user", ""),
        "schema": warehouse["dbname"],
        "extra": {"connect_timeout": 10, "sslmode": "disable"},
    }
    env = {
        **airflow_env,
        "AIRFLOW_CONN_CCHC_WAREHOUSE": json.dumps(connection),
        "WAREHOUSE_URL": "postgresql://nobody@127.0.0.1:1/cchc",
        "CCHC_LANDING": str(landing),
    }

    result = dags_test(env, "2024-07-01", dag_id="cchc_ingest_commune")
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-4000:]
    assert "state=success" in output, output[-4000:]

    commune_files = sorted(p.relative_to(landing).as_posix() for p in landing.glob("commune/*/2024Q2/*"))
    loaded = conn.execute("select path from raw.landing_file where is_current order by path").fetchall()
    assert [row[0] for row in loaded] == commune_files  # the district desk's file is another DAG's job
    mapped = conn.execute("select count(*) from audit.task_run where task_id = 'discover_files'").fetchone()[0]
    assert mapped == 1
    run = conn.execute("select status, message::jsonb ->> 'files' from audit.pipeline_run").fetchone()
    assert run == ("success", str(len(commune_files)))


def test_the_ingest_dag_fetches_from_the_portal_named_by_the_cchc_portal_connection(
    airflow_env, warehouse_db, tmp_path, conn
):
    """The connection as an operator defines it (URL, token as its password, the units in its extras),
    read by the real DAG under `airflow dags test`, fetching from a portal served on loopback."""
    import json

    from tests.support.fake_portal import TOKEN, FakePortal, make_items

    landing = tmp_path / "landing"
    landing.mkdir()
    with FakePortal(make_items("20194", "2024Q2", 7)) as portal:
        host, port = portal.url.removeprefix("http://").split(":")
        connection = {
            "conn_type": "http",
            "host": host,
            "port": int(port),
            "schema": "http",
            "password": TOKEN,
            "extra": {"units": {"commune": ["20194"]}, "max_retries": 1},
        }
        env = {
            **airflow_env,
            "WAREHOUSE_URL": warehouse_db,
            "CCHC_LANDING": str(landing),
            "AIRFLOW_CONN_CCHC_PORTAL": json.dumps(connection),
        }
        result = dags_test(env, "2024-07-01", dag_id="cchc_ingest_commune")
        asked = [(seen.path, seen.quarter, seen.authorized) for seen in portal.requests]
    output = result.stdout + result.stderr
    assert result.returncode == 0 and "state=success" in output, output[-4000:]
    # Its dossiers and the portal's statistics of them, for the reconciliation, with the token.
    assert set(asked) == {
        ("/api/v1/units/20194/dossiers", "2024Q2", True),
        ("/api/v1/units/20194/statistics", "2024Q2", True),
    }
    assert TOKEN not in output  # the token is masked in the task logs
    fetched = landing / "commune" / "20194" / "2024Q2" / "dossiers.json"
    assert fetched.is_file()
    loaded = conn.execute(
        "select f.path, count(r.*) from raw.landing_file as f join raw.dossiers as r using (file_id) "
        "where f.is_current group by f.path"
    ).fetchall()
    assert loaded == [("commune/20194/2024Q2/dossiers.json", 7)]
