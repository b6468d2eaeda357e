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
from cchc_sample.province import generate_province

from cchc.pipeline import STEPS
from cchc.quarters import Quarter
from cchc.warehouse.connection import connect
from tests.conftest import REPO_ROOT
from tests.integration.helpers import refresh
from tests.support.databases import copy_template, drop_database, mart_rows

pytestmark = pytest.mark.integration

QUARTER = "2024Q2"
MARTS = ("mart.unit_quarter_indicators", "mart.scorecard_766", "mart.one_stop_report_ii06a", "mart.reconciliation")


@pytest.fixture(scope="module")
def landing(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("interrupted") / "landing"
    generate_province(folder, "87", [Quarter(2024, 2)], per_unit_quarter=30, districts=["866", "867"])
    return folder


def _marts(url: str) -> dict[str, list[str]]:
    """Every row of the quarter in every mart, as text: comparing two of these compares the marts whole."""
    rows = mart_rows(url, QUARTER)
    assert set(MARTS) <= set(rows)
    return rows


def _killed_refresh(url: str, landing: Path, *where: str) -> None:
    """`cchc refresh` that SIGKILLs itself at `where` (see tests/support/killed_refresh.py)."""
    env = {**os.environ, "WAREHOUSE_URL": url, "GX_ANALYTICS_ENABLED": "False"}
    command = [sys.executable, "-m", "tests.support.killed_refresh", *where]
    command += ["--", "--quarter", QUARTER, "--landing", str(landing)]
    done = subprocess.run(command, env=env, cwd=REPO_ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == -signal.SIGKILL, f"{where}: exit {done.returncode}\n{done.stderr[-3000:]}"


def _runs(url: str) -> list[tuple[str, str, str]]:
    with connect(url) as conn:
        return conn.execute(
            "select run_id, status, coalesce(message, '') from audit.pipeline_run order by started_at"
        ).fetchall()


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


def test_a_refresh_killed_at_every_step_in_turn_ends_with_the_marts_of_one_never_killed(
    warehouse_db: str, landing: Path, clean_marts: dict[str, list[str]]
) -> None:
    # Each run is killed one point further than the one before: at the end of each step's work (before its
    # end is recorded), then between it and the next step. Every step thus does its work for real in the run
    # killed in it, on what the earlier kills left behind.
    points = [(flag, step.__name__) for step in STEPS for flag in ("--end-of", "--after")]
    for point in points:
        _killed_refresh(warehouse_db, landing, *point)
    refresh(warehouse_db, landing, QUARTER, run_id="after_every_kill")
    runs = _runs(warehouse_db)
    # check_run ends the run: killed after it, or in or after build_reports (which writes the staff's files
    # once the checks have passed), the run stays a success; a killed build_reports is told on its task.
    assert [status for _run, status, _message in runs] == ["interrupted"] * (len(points) - 3) + ["success"] * 4
    with connect(warehouse_db) as conn:
        killed_in = conn.execute(
            "select task_id from audit.task_run where status = 'interrupted' order by started_at"
        ).fetchall()
    # Killed inside a task: that task is interrupted; killed between two: the run alone, told so.
    assert [task for (task,) in killed_in] == [step.__name__ for step in STEPS]
    between = [message for _run, _status, message in runs[1 : len(points) - 3 : 2]]
    assert len(between) == len(STEPS) - 2
    assert all(
        message.startswith("interrupted: the process running this run ended between two tasks") for message in between
    )
    assert _marts(warehouse_db) == clean_marts


@pytest.fixture(scope="module")
def small_landing(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("interrupted_small") / "landing"
    generate_province(folder, "87", [Quarter(2024, 2)], per_unit_quarter=8, districts=["866"])
    return folder


def test_a_refresh_killed_after_each_file_in_turn_ends_with_the_marts_of_one_never_killed(
    server_url: str, template_db: str, warehouse_db: str, small_landing: Path
) -> None:
    name, url = copy_template(server_url, template_db, "cchc_small_clean")
    try:
        refresh(url, small_landing, QUARTER, run_id="never_interrupted")
        expected = _marts(url)
        with connect(url) as conn:
            files = conn.execute("select count(*) from audit.file_load where run_id = 'never_interrupted'").fetchone()[
                0
            ]
    finally:
        drop_database(server_url, name)
    assert files >= 25  # the quarter's files: one district's communes, the district and the province
    # The run killed after file n finds files 1..n-1 unchanged and loads file n, then dies.
    for n in range(1, files + 1):
        _killed_refresh(warehouse_db, small_landing, "--after-file", str(n))
    refresh(warehouse_db, small_landing, QUARTER, run_id="after_every_kill")
    with connect(warehouse_db) as conn:
        loaded_by_killed = conn.execute(
            "select count(*) from audit.file_load where run_id <> 'after_every_kill' and read_outcome = 'loaded'"
        ).fetchone()
        statuses = conn.execute("select status, count(*) from audit.pipeline_run group by 1 order by 1").fetchall()
    assert statuses == [("interrupted", files), ("success", 1)]
    assert loaded_by_killed == (files,)
    assert _marts(warehouse_db) == expected


def test_a_live_run_is_not_taken_for_a_dead_one(warehouse_db: str, landing: Path) -> None:
    # A task of a live process holds its lock: another run's sweep leaves it running.
    from cchc import runs

    with connect(warehouse_db) as owner, connect(warehouse_db) as other:
        runs.start_run(owner, "alive", QUARTER, "test")
        with runs.task_record(owner, "alive", "load_raw_files"):
            # Nor by a sweep on its own connection (a session's advisory locks are re-entrant there).
            assert runs.mark_interrupted(owner) == []
            assert runs.mark_interrupted(other) == []
            assert other.execute("select status from audit.pipeline_run where run_id = 'alive'").fetchone() == (
                "running",
            )
        # Between two tasks: a run held by its process is alive while the lock is held, and an Airflow run
        # (held by no process) may wait for its next task as long as the scheduler takes.
        assert runs.hold_run(owner, "alive")
        other.execute("update audit.pipeline_run set held_by_process = true where run_id = 'alive'")
        other.commit()
        runs.start_run(other, "in_airflow", QUARTER, "airflow")
        assert runs.mark_interrupted(other) == []
        statuses = other.execute("select status from audit.pipeline_run order by run_id").fetchall()
        assert statuses == [("running",), ("running",)]
    with connect(warehouse_db) as other:
        # The owner's connection is gone, and its lock with it.
        assert runs.mark_interrupted(other) == [("alive", "")]


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
    from cchc import runs
    from cchc.quality.summary import quality_report

    with connect(warehouse_db) as conn:
        runs.start_run(conn, "finished", QUARTER, "test")
        with runs.task_record(conn, "finished", "load_raw_files"):
            pass
        runs.finish_run(conn, "finished", "success")
        # A later run whose process died in load_raw_files: its row says running, its lock is gone.
        runs.start_run(conn, "killed", QUARTER, "test")
        conn.execute(
            "insert into audit.task_run (run_id, task_id, started_at, status) "
            "values ('killed', 'load_raw_files', clock_timestamp(), 'running')"
        )
        conn.commit()
        lines = quality_report(conn, Quarter(2024, 2)).splitlines()
    assert lines[3] == "Last run: finished (test), success"
    assert lines[5].startswith("  later: killed, interrupted (started ")
    assert lines[5].endswith("did not finish: the figures below are those of finished, in force")


def test_data_docs_after_a_run_killed_before_building_them_show_its_validation(
    warehouse_db: str, small_landing: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import shutil
    from urllib.parse import quote

    landing = tmp_path / "landing"
    shutil.copytree(small_landing, landing)
    monkeypatch.setenv("CCHC_DATA_DOCS", str(tmp_path / "site"))
    refresh(warehouse_db, landing, QUARTER, run_id="first")
    # A commune's survey export is sent again with its last response removed; the run that validates it is
    # killed once validate_and_stage has committed, before it builds the site.
    surveys = sorted(landing.glob(f"commune/*/{QUARTER}/surveys.csv"))[0]
    lines = surveys.read_text(encoding="utf-8").splitlines(keepends=True)
    surveys.write_text("".join(lines[:-1]), encoding="utf-8")
    _killed_refresh(warehouse_db, landing, "--after", "validate_and_stage")
    refresh(warehouse_db, landing, QUARTER, run_id="after_the_kill")
    with connect(warehouse_db) as conn:
        killed, validated = conn.execute(
            "select run_id, count(*) from audit.validation_suite_result "
            "where run_id not in ('first', 'after_the_kill') group by run_id"
        ).fetchone()
        revalidated = conn.execute(
            "select count(*) from audit.validation_suite_result where run_id = 'after_the_kill'"
        ).fetchone()
        summary = conn.execute(
            "select summary from audit.task_run where run_id = 'after_the_kill' and task_id = 'build_quality_report'"
        ).fetchone()[0]
    # The rerun validated nothing (the killed run's staging stands), yet built the site again, with the
    # killed run's results: they are the ones in force for the surveys.
    assert validated >= 1 and revalidated == (0,)
    assert "data_docs_unchanged" not in summary
    assert summary["validation_pages"] == []  # the rerun's own pages: none, it validated nothing
    index = (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    killed_page = f"validations/staging/surveys/{quote(killed)}/"
    assert killed_page in index
    assert list((tmp_path / "site" / killed_page).glob("*/*.html"))
    # A third run with nothing new leaves the site as it is.
    refresh(warehouse_db, landing, QUARTER, run_id="third")
    with connect(warehouse_db) as conn:
        third = conn.execute(
            "select summary from audit.task_run where run_id = 'third' and task_id = 'build_quality_report'"
        ).fetchone()[0]
    assert third.get("data_docs_unchanged") is True
