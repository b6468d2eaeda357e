"""Audit records: one row per run, per task and per file, written beside the data they describe.

Each record is committed on its own so that a failing task still leaves its trace.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import psycopg

from cchc.redaction import redact
from cchc.warehouse.sql_files import execute_file, fetch_all, read_sql


def start_run(conn: psycopg.Connection, run_id: str, quarter: str, trigger: str, held_by_process: bool = False) -> None:
    """Open the run's record, after marking interrupted every run whose process died. `held_by_process`:
    the caller holds `hold_run` for the run's whole life (every task in one process)."""
    mark_interrupted(conn)
    with conn.transaction():
        params = {"run_id": run_id, "quarter": quarter, "trigger": trigger, "held_by_process": held_by_process}
        execute_file(conn, "audit/start_run.sql", params)


INTERRUPTED = "interrupted: the process running this task ended without finishing it (killed, or its machine lost)"
INTERRUPTED_BETWEEN = "interrupted: the process running this run ended between two tasks (killed, or its machine lost)"


_LOCK = {
    "take": "select pg_advisory_lock(hashtext(%s), hashtext(%s))",
    "try": "select pg_try_advisory_lock(hashtext(%s), hashtext(%s))",
    "release": "select pg_advisory_unlock(hashtext(%s), hashtext(%s))",
}


# Locks this process holds for its tasks and runs. A session's advisory locks are re-entrant, so the sweep
# (which may run on the very connection a task holds its lock on) must not take a held lock for a free one.
_HELD_HERE: dict[tuple[str, str], psycopg.Connection] = {}


def _task_key(run_id: str, task_id: str) -> tuple[str, str]:
    return ("cchc.task", f"{run_id}|{task_id}")


def _run_key(run_id: str) -> tuple[str, str]:
    return ("cchc.run", run_id)


def _lock(conn: psycopg.Connection, key: tuple[str, str], action: str) -> Any:
    """Take, try or release a session-level advisory lock, and commit (it outlives transactions)."""
    value = conn.execute(_LOCK[action], key).fetchone()[0]
    conn.commit()
    return value


def _free(conn: psycopg.Connection, key: tuple[str, str]) -> bool:
    """Take `key` if no process holds it (the caller releases it), False if one does."""
    holder = _HELD_HERE.get(key)
    if holder is not None and not (holder.closed or holder.broken):
        return False
    return bool(_lock(conn, key, "try"))


def hold_run(conn: psycopg.Connection, run_id: str) -> bool:
    """Hold the run's lock on `conn` until it closes (False if another process holds it): a process that
    runs every task of the run takes it before the first, so that a death between two tasks can be told
    apart from a run waiting for its next task in Airflow, where no process holds the run."""
    key = _run_key(run_id)
    if not _free(conn, key):
        return False
    _HELD_HERE[key] = conn
    return True


def release_run(conn: psycopg.Connection, run_id: str) -> None:
    """Let go of `hold_run` (closing the connection does it too)."""
    _HELD_HERE.pop(_run_key(run_id), None)
    if not (conn.closed or conn.broken):
        _lock(conn, _run_key(run_id), "release")


def mark_interrupted(conn: psycopg.Connection) -> list[tuple[str, str]]:
    """Mark interrupted each task recorded as running whose lock nobody holds (its process died: a live task
    holds its lock on its connection for as long as it runs), and its run; then each run held by one
    process that is running no task and whose lock nobody holds (it died between two tasks). Returns
    (run, task) of each, task "" for a run that died between tasks."""
    found: list[tuple[str, str]] = []
    with conn.transaction():
        running = fetch_all(conn, "audit/running_tasks.sql")
    for run_id, task_id, started_at in running:
        params = {"run_id": run_id, "task_id": task_id, "started_at": started_at, "reason": INTERRUPTED}
        if _mark_if_free(conn, _task_key(run_id, task_id), "audit/task_interrupted.sql", params):
            found.append((run_id, task_id))
    with conn.transaction():
        between = fetch_all(conn, "audit/held_runs_between_tasks.sql")
    for (run_id,) in between:
        params = {"run_id": run_id, "reason": INTERRUPTED_BETWEEN}
        if _mark_if_free(conn, _run_key(run_id), "audit/run_interrupted.sql", params):
            found.append((run_id, ""))
    return found


def _mark_if_free(conn: psycopg.Connection, key: tuple[str, str], sql_file: str, params: dict[str, Any]) -> bool:
    """Run `sql_file` while holding `key`, if no live process holds it (then its process died)."""
    if not _free(conn, key):
        return False
    try:
        with conn.transaction():
            execute_file(conn, sql_file, params)
    finally:
        _lock(conn, key, "release")
    return True


def finish_run(conn: psycopg.Connection, run_id: str, status: str, message: str | None = None) -> None:
    with conn.transaction():
        params = {"run_id": run_id, "status": status, "message": redact(message)}
        execute_file(conn, "audit/finish_run.sql", params)


@contextmanager
def task_record(conn: psycopg.Connection, run_id: str, task_id: str) -> Iterator[dict[str, Any]]:
    """Record a task's start, then its end with the summary the body filled in, or its error."""
    summary: dict[str, Any] = {}
    key = {"run_id": run_id, "task_id": task_id}
    # Held on this connection while the task runs, taken before its row says "running": if the process
    # dies, the connection ends, the lock goes, and the next run's mark_interrupted can tell.
    lock_key = _task_key(run_id, task_id)
    _lock(conn, lock_key, "take")
    _HELD_HERE[lock_key] = conn
    try:
        with conn.transaction():
            key["started_at"] = fetch_all(conn, "audit/task_started.sql", key)[0][0]
        try:
            yield summary
        except BaseException as error:
            if conn.closed or conn.broken:
                raise  # nothing can be recorded on it; the next run marks the task interrupted
            if conn.info.transaction_status != psycopg.pq.TransactionStatus.IDLE:
                conn.rollback()
            _task_finished(conn, key, "failed", summary, redact(str(error))[:4000])
            raise
        _task_finished(conn, key, "success", summary, None)
    finally:
        _HELD_HERE.pop(lock_key, None)
        if conn.closed or conn.broken:
            pass  # the lock went with the connection
        elif conn.info.transaction_status == psycopg.pq.TransactionStatus.IDLE:
            _lock(conn, lock_key, "release")
        else:
            # The body left work open for its caller to commit: release the lock inside it, commit nothing.
            conn.execute(_LOCK["release"], lock_key)


def _task_finished(
    conn: psycopg.Connection, key: dict[str, Any], status: str, summary: dict[str, Any], error: str | None
) -> None:
    with conn.transaction():
        execute_file(
            conn,
            "audit/task_finished.sql",
            {**key, "status": status, "summary": json.dumps(summary, default=str), "error": error},
        )


def record_landing_problems(conn: psycopg.Connection, run_id: str, problems: list[tuple[str, str]]) -> None:
    with conn.transaction():
        execute_file(conn, "audit/landing_problems_clear.sql", {"run_id": run_id})
        with conn.cursor() as cur:
            cur.executemany(
                read_sql("audit/landing_problem_insert.sql"),
                [{"run_id": run_id, "path": path, "reason": reason} for path, reason in problems],
            )
