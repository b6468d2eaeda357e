"""The DAG files parse, cleanly and cheaply, and carry the settings operations rely on."""

from __future__ import annotations

import itertools
import json
import logging
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pendulum
import pytest

from tests.conftest import REPO_ROOT
from tests.support.logs import logged

pytestmark = pytest.mark.dags

DAGS_DIR = REPO_ROOT / "dags"


@pytest.fixture(scope="module")
def dagbag():
    from airflow.dag_processing.dagbag import DagBag

    return DagBag(dag_folder=str(DAGS_DIR))


def test_no_import_errors(dagbag):
    assert dagbag.import_errors == {}
    assert set(dagbag.dag_ids) == {p.stem for p in DAGS_DIR.glob("*.py")}


def test_dag_ids_match_file_names_and_have_docs_and_tags(dagbag):
    for dag_id, dag in dagbag.dags.items():
        assert Path(dag.fileloc).stem == dag_id
        assert dag.doc_md and dag_id.replace("_", " ").split()[0] in dag.doc_md.lower()
        assert "cchc" in dag.tags


def test_every_task_retries_with_backoff(dagbag):
    for dag in dagbag.dags.values():
        for task in dag.tasks:
            assert task.retries >= 1, task.task_id
            assert task.retry_exponential_backoff, task.task_id
            assert task.max_retry_delay is not None, task.task_id


def test_quarterly_refresh_wiring(dagbag):
    dag = dagbag.dags["cchc_quarterly_refresh"]
    order = [
        "prepare_warehouse",
        "load_raw_files",
        "validate_and_stage",
        "build_core",
        "build_marts",
        "reconcile",
        "build_quality_report",
        "check_run",
        "build_reports",
    ]
    assert [t.task_id for t in dag.topological_sort()] == order
    for upstream, downstream in itertools.pairwise(order):
        assert downstream in dag.get_task(upstream).downstream_task_ids


def _cron_timetable(dag):
    """The cron part of a DAG's schedule (the refresh's is wrapped with its assets)."""
    return getattr(dag.timetable, "timetable", dag.timetable)


QUARTERLY_DAGS = ("cchc_ingest_commune", "cchc_ingest_district", "cchc_ingest_province", "cchc_quarterly_refresh")


def test_every_quarterly_dag_has_a_real_quarter_interval(dagbag):
    from airflow.timetables.interval import CronDataIntervalTimetable

    local = pendulum.timezone("Asia/Ho_Chi_Minh")
    assert set(QUARTERLY_DAGS) | {"cchc_submission_check"} == set(dagbag.dag_ids)
    for dag in (dagbag.dags[dag_id] for dag_id in QUARTERLY_DAGS):
        sdk_timetable = _cron_timetable(dag)
        timetable = CronDataIntervalTimetable(sdk_timetable.expression, timezone=sdk_timetable.timezone)
        interval = timetable.infer_manual_data_interval(run_after=pendulum.datetime(2024, 7, 1, tz=local))
        assert interval.start == pendulum.datetime(2024, 4, 1, tz=local), dag.dag_id
        assert interval.end == pendulum.datetime(2024, 7, 1, tz=local), dag.dag_id


def test_the_submission_check_runs_every_morning_in_viet_nam_time(dagbag):
    from airflow.timetables.base import DataInterval, TimeRestriction
    from airflow.timetables.trigger import CronTriggerTimetable

    dag = dagbag.dags["cchc_submission_check"]
    timetable = CronTriggerTimetable(dag.timetable.expression, timezone=dag.timetable.timezone)
    local = pendulum.timezone("Asia/Ho_Chi_Minh")
    last = DataInterval.exact(pendulum.datetime(2024, 7, 10, 8, tz=local))
    restriction = TimeRestriction(earliest=None, latest=None, catchup=True)
    upcoming = timetable.next_dagrun_info(last_automated_data_interval=last, restriction=restriction)
    assert upcoming.logical_date == pendulum.datetime(2024, 7, 11, 8, tz=local)
    assert [t.task_id for t in dag.tasks] == ["check_submissions"]
    assert dag.max_active_runs == 1 and not dag.catchup


def test_refresh_runs_when_every_level_is_ingested(dagbag):
    condition = dagbag.dags["cchc_quarterly_refresh"].timetable.asset_condition
    assert type(condition).__name__ == "AssetAll"
    names = {asset.name for asset in condition.objects}
    produced = {
        outlet.name
        for dag_id, dag in dagbag.dags.items()
        if dag_id.startswith("cchc_ingest_")
        for task in dag.tasks
        for outlet in task.outlets
    }
    assert names == produced == {"cchc_raw_commune", "cchc_raw_district", "cchc_raw_province"}


@pytest.mark.parametrize("level", ["commune", "district", "province"])
def test_ingest_maps_one_task_per_file(dagbag, level):
    dag = dagbag.dags[f"cchc_ingest_{level}"]
    load = dag.get_task("load_landing_file")
    assert type(load).__name__.endswith("MappedOperator")
    assert "discover_files" in load.upstream_task_ids
    publish = dag.get_task("publish_asset")
    assert publish.trigger_rule == "none_failed"  # an empty level still publishes, so the refresh is not stuck
    assert [outlet.name for outlet in publish.outlets] == [f"cchc_raw_{level}"]


@pytest.mark.parametrize(
    ("start", "params", "expected"),
    [
        (pendulum.datetime(2024, 4, 1, tz="Asia/Ho_Chi_Minh"), {}, "2024Q2"),
        # 2024-03-31T17:00Z is 1 April 00:00 in Việt Nam: the quarter is read in local time.
        (pendulum.datetime(2024, 3, 31, 17, tz="UTC"), {}, "2024Q2"),
        (pendulum.datetime(2024, 4, 1, tz="Asia/Ho_Chi_Minh"), {"quarter": "2023Q4"}, "2023Q4"),
    ],
)
def test_quarter_of_run(start: datetime, params: dict, expected: str):
    from cchc.airflow_adapter import quarter_of_run

    assert str(quarter_of_run({"data_interval_start": start, "params": params})) == expected


def test_an_asset_triggered_run_refreshes_the_quarter_its_latest_event_names():
    from types import SimpleNamespace

    from cchc.airflow_adapter import quarter_of_run

    def event(day, quarter):
        return SimpleNamespace(timestamp=pendulum.datetime(2024, 7, day, tz="UTC"), extra={"quarter": quarter})

    context = {
        "params": {},
        "data_interval_start": None,
        "triggering_asset_events": {"a": [event(2, "2024Q1")], "b": [event(5, "2024Q2"), event(3, "2024Q1")]},
    }
    with logged("cchc.airflow_adapter", logging.WARNING) as warnings:
        assert str(quarter_of_run(context)) == "2024Q2"
    # The quarter the other events named is not dropped silently.
    assert warnings == [
        "the asset events also name 2024Q1: this run refreshes 2024Q2 only; trigger the refresh with "
        '{"quarter": "<quarter>"} for each of the others'
    ]


def test_a_manual_run_without_interval_or_param_says_what_to_do():
    from cchc.airflow_adapter import quarter_of_run

    with pytest.raises(ValueError, match="param quarter"):
        quarter_of_run({"data_interval_start": None, "params": {}})


PURITY_PROBE = """
import importlib.util, json, sys
import psycopg
def refuse(*args, **kwargs):
    raise AssertionError("a database connection was opened while parsing")
psycopg.connect = refuse
from airflow.sdk import Connection
Connection.get = staticmethod(refuse)
for path in sys.argv[1:]:
    spec = importlib.util.spec_from_file_location("dag_under_test", path)
    spec.loader.exec_module(importlib.util.module_from_spec(spec))
heavy = ["pandas", "great_expectations", "pgserver", "cchc.pipeline", "cchc.warehouse.connection"]
print(json.dumps({name: name in sys.modules for name in heavy}))
"""


def test_parsing_opens_no_connection_and_imports_nothing_heavy():
    # A fresh interpreter: this test process has imported pandas and friends already.
    dag_files = [str(p) for p in DAGS_DIR.glob("*.py")]
    result = subprocess.run(
        [sys.executable, "-c", PURITY_PROBE, *dag_files],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    imported = json.loads(result.stdout.strip().splitlines()[-1])
    assert imported == dict.fromkeys(imported, False)
