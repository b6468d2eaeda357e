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


def start_run(conn: psycopg.Connection, run_id: str, quarter: str, trigger: str) -> None:
    """Open the run's record, after marking interrupted every run whose process died mid-task."""
    mark_interrupted(conn)
    with conn.transaction():
        execute_file(conn, "audit/start_run.sql", {"run_id": run_id, "quarter": quarter, "trigger": trigger})


INTERRUPTED = "interrupted: the process running this task ended without finishing it (killed, or its machine lost)"


_TASK_LOCK = {
    "take": "select pg_advisory_lock(hashtext('cchc.task'), hashtext(%s))",
    "try": "select pg_try_advisory_lock(hashtext('cchc.task'), hashtext(%s))",
    "release": "select pg_advisory_unlock(hashtext('cchc.task'), hashtext(%s))",
}


def _task_lock(conn: psycopg.Connection, run_id: str, task_id: str, action: str) -> Any:
    """Take, try or release a task's session-level advisory lock, and commit (it outlives transactions)."""
    value = conn.execute(_TASK_LOCK[action], (f"{run_id}|{task_id}",)).fetchone()[0]
    conn.commit()
    return value


def mark_interrupted(conn: psycopg.Connection) -> list[tuple[str, str]]:
    """Mark interrupted each task recorded as running whose lock nobody holds (its process died: a live task
    holds its lock on its connection for as long as it runs), and its run; returns (run, task) of each."""
    found: list[tuple[str, str]] = []
    with conn.transaction():
        running = fetch_all(conn, "audit/running_tasks.sql")
    for run_id, task_id, started_at in running:
        if not _task_lock(conn, run_id, task_id, "try"):
            continue  # its process is alive
        try:
            with conn.transaction():
                params = {"run_id": run_id, "task_id": task_id, "started_at": started_at, "reason": INTERRUPTED}
                execute_file(conn, "audit/task_interrupted.sql", params)
            found.append((run_id, task_id))
        finally:
            _task_lock(conn, run_id, task_id, "release")
    return found


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
    _task_lock(conn, run_id, task_id, "take")
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
        if conn.closed or conn.broken:
            pass  # the lock went with the connection
        elif conn.info.transaction_status == psycopg.pq.TransactionStatus.IDLE:
            _task_lock(conn, run_id, task_id, "release")
        else:
            # The body left work open for its caller to commit: release the lock inside it, commit nothing.
            conn.execute(_TASK_LOCK["release"], (f"{run_id}|{task_id}",))


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
