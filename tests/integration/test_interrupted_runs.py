"""Audit tells the truth after a fault: a refresh killed mid-task (SIGKILL: nothing of it runs again) is
marked interrupted by the next run instead of staying "running" for ever, and the rerun's marts are those
of a refresh that was never interrupted."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from cchc.generate.province import generate_province
from cchc.quarters import Quarter
from cchc.warehouse.connection import connect
from tests.integration.helpers import refresh
from tests.support.databases import copy_template, drop_database

pytestmark = pytest.mark.integration

QUARTER = "2024Q2"
MARTS = ("mart.unit_quarter_indicators", "mart.scorecard_766", "mart.one_stop_report_ii06a", "mart.reconciliation")


@pytest.fixture(scope="module")
def landing(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("interrupted") / "landing"
    generate_province(folder, "87", [Quarter(2024, 2)], per_unit_quarter=30, districts=["866", "867"])
    return folder


def _marts(url: str) -> dict[str, list[str]]:
    with connect(url) as conn:
        return {
            table: [
                row[0]
                for row in conn.execute(
                    f"select (to_jsonb(t) - 'file_id')::text as r from {table} as t where quarter = %s order by r",
                    (QUARTER,),
                ).fetchall()
            ]
            for table in MARTS
        }


@pytest.fixture(scope="module")
def clean_marts(server_url: str, template_db: str, landing: Path) -> dict[str, list[str]]:
    name, url = copy_template(server_url, template_db, "cchc_clean")
    try:
        refresh(url, landing, QUARTER, run_id="never_interrupted")
        return _marts(url)
    finally:
        drop_database(server_url, name)


def _start_and_strike(url: str, landing: Path, task: str, strike) -> tuple[str, subprocess.Popen]:
    """Start `cchc refresh` as its own process and call `strike(conn, process)` once `task` is recorded as
    running; the killed run's id and the process, ended."""
    env = {**os.environ, "WAREHOUSE_URL": url, "GX_ANALYTICS_ENABLED": "False"}
    command = [sys.executable, "-m", "cchc.cli", "refresh", "--quarter", QUARTER, "--landing", str(landing)]
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    with connect(url) as conn:
        while time.monotonic() < deadline and process.poll() is None:
            found = conn.execute(
                "select run_id from audit.task_run where task_id = %s and status = 'running'", (task,)
            ).fetchone()
            conn.rollback()
            if found:
                strike(conn, process)
                process.wait(timeout=120)
                return found[0], process
            time.sleep(0.02)
    process.kill()
    raise AssertionError(f"the refresh never reached {task} (exit {process.poll()})")


def _kill_during(url: str, landing: Path, task: str) -> str:
    """SIGKILL the refresh once `task` runs: nothing of it runs again, not even an except clause."""
    return _start_and_strike(url, landing, task, lambda _conn, process: os.kill(process.pid, signal.SIGKILL))[0]


def _cut_connections(conn, _process) -> None:
    """End every other session of the database, as an administrator or a failover would."""
    conn.execute(
        "select pg_terminate_backend(pid) from pg_stat_activity where datname = current_database() "
        "and pid <> pg_backend_pid()"
    )
    conn.commit()


@pytest.mark.parametrize("task", ["load_raw_files", "validate_and_stage"])
def test_a_killed_run_is_marked_interrupted_and_the_rerun_gives_the_same_marts(
    warehouse_db: str, landing: Path, clean_marts: dict[str, list[str]], task: str
) -> None:
    killed = _kill_during(warehouse_db, landing, task)
    with connect(warehouse_db) as conn:
        assert conn.execute("select status from audit.pipeline_run where run_id = %s", (killed,)).fetchone() == (
            "running",
        )
    refresh(warehouse_db, landing, QUARTER, run_id="after_the_kill")
    with connect(warehouse_db) as conn:
        run = conn.execute("select status, message from audit.pipeline_run where run_id = %s", (killed,)).fetchone()
        tasks = conn.execute(
            "select task_id, status from audit.task_run where run_id = %s and status <> 'success'", (killed,)
        ).fetchall()
        still_running = conn.execute("select count(*) from audit.pipeline_run where status = 'running'").fetchone()
        rerun = conn.execute("select status from audit.pipeline_run where run_id = 'after_the_kill'").fetchone()
    assert run[0] == "interrupted" and run[1].startswith("interrupted: the process running this task ended")
    assert tasks == [(task, "interrupted")]
    assert (still_running, rerun) == ((0,), ("success",))
    assert _marts(warehouse_db) == clean_marts


def test_a_live_run_is_not_taken_for_a_dead_one(warehouse_db: str, landing: Path) -> None:
    # A task of a live process holds its lock: another run's sweep leaves it running.
    from cchc.quality import audit

    with connect(warehouse_db) as owner, connect(warehouse_db) as other:
        audit.start_run(owner, "alive", QUARTER, "test")
        with audit.task_record(owner, "alive", "load_raw_files"):
            assert audit.mark_interrupted(other) == []
            assert other.execute("select status from audit.pipeline_run where run_id = 'alive'").fetchone() == (
                "running",
            )


def test_a_failing_run_records_no_secret(warehouse_db: str, landing: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Planted secrets, and a step that fails quoting them, as a driver or HTTP error may.
    monkeypatch.setenv("CCHC_PORTAL_TOKEN", "planted-token-Zq81")
    from cchc import pipeline

    def leaky(*_args, **_kwargs):
        raise RuntimeError(
            "portal https://bot:planted-pass-77@portal.example/api answered 500 for token planted-token-Zq81"
        )

    monkeypatch.setattr(pipeline, "reconcile_quarter", leaky)
    with pytest.raises(RuntimeError):
        refresh(warehouse_db, landing, QUARTER, run_id="leaky")
    with connect(warehouse_db) as conn:
        recorded = conn.execute(
            """select coalesce(string_agg(t, ' '), '') from (
                   select message as t from audit.pipeline_run union all select error from audit.task_run) as m"""
        ).fetchone()[0]
    assert "planted-pass-77" not in recorded and "planted-token-Zq81" not in recorded
    assert "https://bot:***@portal.example/api" in recorded


def test_a_refresh_whose_connections_are_cut_fails_cleanly_and_the_rerun_gives_the_same_marts(
    warehouse_db: str, landing: Path, clean_marts: dict[str, list[str]]
) -> None:
    # The database ends the refresh's sessions mid-task (an administrator, a failover): the run is recorded
    # as failed, its task as interrupted by the next run, and nothing stays running.
    killed, process = _start_and_strike(warehouse_db, landing, "validate_and_stage", _cut_connections)
    assert process.returncode != 0
    refresh(warehouse_db, landing, QUARTER, run_id="after_the_cut")
    with connect(warehouse_db) as conn:
        run = conn.execute("select status from audit.pipeline_run where run_id = %s", (killed,)).fetchone()
        task = conn.execute(
            "select status from audit.task_run where run_id = %s and task_id = 'validate_and_stage'", (killed,)
        ).fetchone()
        still_running = conn.execute("select count(*) from audit.pipeline_run where status = 'running'").fetchone()
    assert run in {("failed",), ("interrupted",)} and task == ("interrupted",)
    assert still_running == (0,)
    assert _marts(warehouse_db) == clean_marts


def test_cchc_quality_tells_an_interrupted_run_from_the_results_in_force(warehouse_db: str) -> None:
    from cchc.quality import audit
    from cchc.quality.summary import quality_report

    with connect(warehouse_db) as conn:
        audit.start_run(conn, "finished", QUARTER, "test")
        with audit.task_record(conn, "finished", "load_raw_files"):
            pass
        audit.finish_run(conn, "finished", "success")
        # A later run whose process died in load_raw_files: its row says running, its lock is gone.
        audit.start_run(conn, "killed", QUARTER, "test")
        conn.execute(
            "insert into audit.task_run (run_id, task_id, started_at, status) "
            "values ('killed', 'load_raw_files', clock_timestamp(), 'running')"
        )
        conn.commit()
        lines = quality_report(conn, Quarter(2024, 2)).splitlines()
    assert lines[3] == "Last run: finished (test), success"
    assert lines[5].startswith("  later: killed, interrupted (started ")
    assert lines[5].endswith("did not finish: the figures below are those of finished, in force")
