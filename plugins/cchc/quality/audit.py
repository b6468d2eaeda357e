"""Audit records: one row per run, per task and per file, written beside the data they describe.

Each record is committed on its own so that a failing task still leaves its trace.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import psycopg

from cchc.warehouse.sql_files import execute_file, fetch_all, read_sql


def start_run(conn: psycopg.Connection, run_id: str, quarter: str, trigger: str) -> None:
    with conn.transaction():
        execute_file(conn, "audit/start_run.sql", {"run_id": run_id, "quarter": quarter, "trigger": trigger})


def finish_run(conn: psycopg.Connection, run_id: str, status: str, message: str | None = None) -> None:
    with conn.transaction():
        execute_file(conn, "audit/finish_run.sql", {"run_id": run_id, "status": status, "message": message})


@contextmanager
def task_record(conn: psycopg.Connection, run_id: str, task_id: str) -> Iterator[dict[str, Any]]:
    """Record a task's start, then its end with the summary the body filled in, or its error."""
    summary: dict[str, Any] = {}
    key = {"run_id": run_id, "task_id": task_id}
    with conn.transaction():
        key["started_at"] = fetch_all(conn, "audit/task_started.sql", key)[0][0]
    try:
        yield summary
    except BaseException as error:
        if conn.info.transaction_status != psycopg.pq.TransactionStatus.IDLE:
            conn.rollback()
        _task_finished(conn, key, "failed", summary, str(error)[:4000])
        raise
    _task_finished(conn, key, "success", summary, None)


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
