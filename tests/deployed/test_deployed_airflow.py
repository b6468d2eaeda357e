"""The deployed path, end to end: the Airflow services `make airflow` starts (api-server, scheduler,
dag-processor, triggerer and two Celery workers on the local Redis, metadata on PostgreSQL), driven
through the REST API v2 as a data engineer would, and stopped by PID at the end.

One quarter of one district (866, province 87) is landed as the generator writes it; the three ingest
DAGs are triggered for the quarter's logical date; their assets start the refresh by themselves.
Then a bad file fails a run, one alert goes out, and the corrected file with the task cleared makes the
run succeed. Waits are bounded polls.
"""

from __future__ import annotations

import csv
import io
import json
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import psycopg
import pytest
from cchc_sample.province import generate_province

from cchc.config import LOCAL_TZ
from cchc.deploy.settings import LocalDeployment
from cchc.quarters import Quarter
from tests.conftest import REPO_ROOT
from tests.integration.helpers import refresh
from tests.support.airflow_api import AirflowApi
from tests.support.airflow_stack import airflow_stack
from tests.support.alert_receivers import WebhookReceiver
from tests.support.databases import copy_template, drop_database, mart_rows

# The tests are steps of one story on one stack: a shuffled run keeps their order (tests/conftest.py).
pytestmark = [pytest.mark.deployed, pytest.mark.scenario]

QUARTER = "2024Q2"
# A manual run at the end of 2024Q2 (00:00 on 1 July, Việt Nam time) has the quarter as its data interval.
LOGICAL_DATE = "2024-07-01T00:00:00+07:00"
INGEST_DAGS = ["cchc_ingest_commune", "cchc_ingest_district", "cchc_ingest_province"]
REFRESH = "cchc_quarterly_refresh"
SUBMISSIONS = "mart.submission_status"
DAG_IDS = {path.stem for path in (REPO_ROOT / "dags").glob("*.py")}
REDIS_DB = 11  # a database of its own on the machine's Redis, emptied first
STEP_TIMEOUT = 600


@dataclass
class Stack:
    deployment: LocalDeployment
    api: AirflowApi
    warehouse: str
    landing: Path
    receiver: WebhookReceiver


@pytest.fixture(scope="module")
def landing(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("deployed") / "landing"
    generate_province(folder, "87", [Quarter(2024, 2)], per_unit_quarter=10, districts=["866"])
    return folder


@pytest.fixture(scope="module")
def stack(server_url: str, template_db: str, landing: Path, tmp_path_factory) -> Iterator[Stack]:
    import redis

    redis_url = f"redis://127.0.0.1:6379/{REDIS_DB}"
    redis.Redis.from_url(redis_url).flushdb()
    warehouse_name, warehouse = copy_template(server_url, template_db, "cchc_deployed")
    home = tmp_path_factory.mktemp("airflow_deployed")
    try:
        with WebhookReceiver(lifetime=3600) as receiver:
            alerts = {"conn_type": "http", "host": "127.0.0.1", "port": receiver.port, "schema": "hooks/cchc"}
            extra_env = {
                "WAREHOUSE_URL": warehouse,
                "CCHC_LANDING": str(landing),
                "CCHC_DATA_DOCS": str(home / "data_docs"),
                "AIRFLOW_CONN_CCHC_ALERTS": json.dumps(alerts),
                "GX_ANALYTICS_ENABLED": "False",
                # A queue of this stack's own: a worker left by another run on the same Redis takes none of its tasks.
                "AIRFLOW__OPERATORS__DEFAULT_QUEUE": f"cchc_test_{uuid.uuid4().hex[:8]}",
            }
            with airflow_stack(
                server_url, home, extra_env, executor="CeleryExecutor", workers=2, redis_url=redis_url
            ) as (deployment, api):
                yield Stack(deployment, api, warehouse, landing, receiver)
    finally:
        drop_database(server_url, warehouse_name)


@pytest.fixture(scope="module")
def expected_marts(server_url: str, template_db: str, landing: Path) -> dict[str, list[str]]:
    """The marts `cchc refresh` makes of the same landing zone, in a warehouse of their own."""
    name, url = copy_template(server_url, template_db, "cchc_deployed_cli")
    try:
        refresh(url, landing, QUARTER, run_id="cli_reference")
        return mart_rows(url, QUARTER)
    finally:
        drop_database(server_url, name)


def _settled(api: AirflowApi) -> bool:
    """Every run of every DAG has finished."""
    return all(run["state"] in {"success", "failed"} for dag in [*INGEST_DAGS, REFRESH] for run in api.runs(dag))


def test_ingest_assets_start_the_refresh_on_celery_workers(stack: Stack, expected_marts) -> None:
    api = stack.api
    api.wait_for("every DAG to be parsed", lambda: {dag["dag_id"] for dag in api.dags()} == DAG_IDS, STEP_TIMEOUT)
    # Unpausing runs each DAG for the last quarter that ended (catchup is off), and the ingest runs' assets
    # start the refresh of it again. The landing zone holds nothing of that quarter: every refresh of it
    # fails at once, saying so, without retries.
    last_ended = str(Quarter.containing(datetime.now(ZoneInfo(LOCAL_TZ))).previous)
    for dag_id in [*INGEST_DAGS, REFRESH]:
        api.unpause(dag_id)
    api.wait_for(
        "the scheduled and the asset-triggered refresh of the last quarter to finish",
        lambda: _settled(api) and {run["run_type"] for run in api.runs(REFRESH)} == {"scheduled", "asset_triggered"},
        STEP_TIMEOUT,
    )
    refresh_runs_before = {run["dag_run_id"] for run in api.runs(REFRESH)}
    with psycopg.connect(stack.warehouse) as conn:
        empty = conn.execute(
            "select quarter, status, message from audit.pipeline_run where run_id = any(%s)",
            (list(refresh_runs_before),),
        ).fetchall()
    assert len(empty) == 2
    for quarter, status, message in empty:
        assert (quarter, status) == (last_ended, "failed")
        assert message.startswith(f"{last_ended}: the landing zone {stack.landing} holds no loadable file")
    for run_id in refresh_runs_before:
        tries = {ti["task_id"]: ti["try_number"] for ti in api.task_instances(REFRESH, run_id)}
        assert tries.get("load_raw_files") == 1, tries  # input errors are not retried
        # The run's note in the UI names its quarter and what failed.
        note = api.run(REFRESH, run_id)["note"]
        assert note.startswith(f"**{last_ended}** · lỗi / failed at `load_raw_files`\n- {last_ended}: the landing zone")
    alerted = [post.body["run_id"] for post in stack.receiver.posts]
    assert sorted(alerted) == sorted(refresh_runs_before)

    ingest_runs = {dag_id: api.trigger(dag_id, LOGICAL_DATE) for dag_id in INGEST_DAGS}
    for dag_id, run_id in ingest_runs.items():
        assert api.wait_for_run(dag_id, run_id, STEP_TIMEOUT)["state"] == "success"
    started = api.wait_for(
        "the assets to start the refresh",
        lambda: [run for run in api.runs(REFRESH) if run["dag_run_id"] not in refresh_runs_before],
        STEP_TIMEOUT,
    )
    assert [run["run_type"] for run in started] == ["asset_triggered"]
    run = api.wait_for_run(REFRESH, started[0]["dag_run_id"], STEP_TIMEOUT)
    assert run["state"] == "success"

    with psycopg.connect(stack.warehouse) as conn:
        refreshed = conn.execute(
            "select quarter, status from audit.pipeline_run where run_id = %s", (run["dag_run_id"],)
        ).fetchone()
    assert refreshed == (QUARTER, "success")
    note = api.run(REFRESH, run["dag_run_id"])["note"]
    assert note.startswith(f"**{QUARTER}** · thành công / success\n- dossiers: "), note
    assert note.endswith(f"- `cchc quality --quarter {QUARTER}`")
    # Each task's log ends its work with the step's summary on one line.
    loaded = api.task_log(REFRESH, run["dag_run_id"], "load_raw_files")
    assert any(line.startswith("load_raw_files (") and "files " in line for line in loaded.splitlines()), loaded[-3000:]
    # The commune level's files were loaded by mapped tasks, on both workers.
    mapped = [ti for ti in api.task_instances(INGEST_DAGS[0], ingest_runs[INGEST_DAGS[0]]) if ti["map_index"] >= 0]
    assert len(mapped) >= 20 and {ti["state"] for ti in mapped} == {"success"}
    workers = {ti["hostname"].rsplit("/", 1)[-1] for ti in mapped}
    assert workers == {"worker-1", "worker-2"}
    assert mart_rows(stack.warehouse, QUARTER) == expected_marts


def test_a_failed_run_is_shown_alerted_once_and_fixed_by_clearing(stack: Stack, expected_marts) -> None:
    api = stack.api
    dossiers = sorted(stack.landing.glob(f"commune/*/{QUARTER}/dossiers.csv"))[0]
    original = dossiers.read_bytes()
    rows = list(csv.reader(io.StringIO(original.decode("utf-8-sig"), newline="")))
    # One dossier whose channel is none of the three (nor 1-3): quarantined, so check_run fails the run.
    channel = next(i for i, name in enumerate(rows[0]) if name in ("channel", "Hình thức nộp", "Kênh nộp"))
    rows[1][channel] = "Fax"
    bad = io.StringIO(newline="")
    csv.writer(bad).writerows(rows)
    dossiers.write_text(bad.getvalue(), encoding="utf-8")

    run_id = api.trigger(REFRESH, None, {"quarter": QUARTER})
    run = api.wait_for_run(REFRESH, run_id, STEP_TIMEOUT)
    assert run["state"] == "failed"
    states = {ti["task_id"]: ti["state"] for ti in api.task_instances(REFRESH, run_id)}
    assert states["check_run"] == "failed"
    assert api.run(REFRESH, run_id)["note"].startswith(f"**{QUARTER}** · lỗi / failed at `check_run`")
    # Reports are written only from a quarter whose checks passed.
    assert states.pop("build_reports") == "upstream_failed"
    assert {task: state for task, state in states.items() if task != "check_run"} == dict.fromkeys(
        [t for t in states if t != "check_run"], "success"
    )
    alerts = api.wait_for(
        "the failure alert", lambda: [p for p in stack.receiver.posts if p.body.get("run_id") == run_id], 60
    )
    assert len(alerts) == 1 and alerts[0].body["task_id"] == "check_run"
    assert "1 row(s) of 2024Q2 failed error-level expectations" in alerts[0].body["error"]

    dossiers.write_bytes(original)
    api.clear(REFRESH, run_id, ["load_raw_files"])
    api.wait_for("the cleared run to start again", lambda: api.run(REFRESH, run_id)["state"] not in {"failed"}, 60)
    assert api.wait_for_run(REFRESH, run_id, STEP_TIMEOUT)["state"] == "success"
    assert len([p for p in stack.receiver.posts if p.body.get("run_id") == run_id]) == 1
    assert api.run(REFRESH, run_id)["note"].startswith(f"**{QUARTER}** · thành công / success")
    # The same marts, but for the submissions: this warehouse received two versions of the file (the good
    # one, sent again unchanged at the end, and the bad one), which mart.submission_status counts.
    marts = mart_rows(stack.warehouse, QUARTER)
    assert {k: v for k, v in marts.items() if k != SUBMISSIONS} == {
        k: v for k, v in expected_marts.items() if k != SUBMISSIONS
    }
    path = dossiers.relative_to(stack.landing).as_posix()
    with psycopg.connect(stack.warehouse) as conn:
        versions = conn.execute("select versions from mart.submission_status where path = %s", (path,)).fetchone()
    assert versions == (2,)
