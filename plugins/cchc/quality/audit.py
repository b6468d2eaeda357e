"""Audit records: one row per run, per task and per file, written beside the data they describe.

Each record is committed on its own so that a failing task still leaves its trace.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import psycopg


def start_run(conn: psycopg.Connection, run_id: str, quarter: str, trigger: str) -> None:
    with conn.transaction():
        conn.execute(
            """insert into audit.pipeline_run (run_id, quarter, trigger) values (%s, %s, %s)
               on conflict (run_id) do update set status = 'running', finished_at = null, message = null""",
            (run_id, quarter, trigger),
        )


def finish_run(conn: psycopg.Connection, run_id: str, status: str, message: str | None = None) -> None:
    with conn.transaction():
        conn.execute(
            "update audit.pipeline_run set status = %s, finished_at = now(), message = %s where run_id = %s",
            (status, message, run_id),
        )


@contextmanager
def task_record(conn: psycopg.Connection, run_id: str, task_id: str) -> Iterator[dict[str, Any]]:
    """Record a task's start, then its end with the summary the body filled in, or its error."""
    summary: dict[str, Any] = {}
    with conn.transaction():
        started_at = conn.execute(
            """insert into audit.task_run (run_id, task_id, started_at, status)
               values (%s, %s, clock_timestamp(), 'running') returning started_at""",
            (run_id, task_id),
        ).fetchone()[0]
    try:
        yield summary
    except BaseException as error:
        if conn.info.transaction_status != psycopg.pq.TransactionStatus.IDLE:
            conn.rollback()
        with conn.transaction():
            conn.execute(
                """update audit.task_run set status = 'failed', finished_at = clock_timestamp(), error = %s,
                   summary = %s where run_id = %s and task_id = %s and started_at = %s""",
                (str(error)[:4000], json.dumps(summary, default=str), run_id, task_id, started_at),
            )
        raise
    with conn.transaction():
        conn.execute(
            """update audit.task_run set status = 'success', finished_at = clock_timestamp(), summary = %s
               where run_id = %s and task_id = %s and started_at = %s""",
            (json.dumps(summary, default=str), run_id, task_id, started_at),
        )


def record_landing_problems(conn: psycopg.Connection, run_id: str, problems: list[tuple[str, str]]) -> None:
    with conn.transaction():
        conn.execute("delete from audit.landing_problem where run_id = %s", (run_id,))
        with conn.cursor() as cur:
            cur.executemany(
                "insert into audit.landing_problem (run_id, path, reason) values (%s, %s, %s)",
                [(run_id, path, reason) for path, reason in problems],
            )
