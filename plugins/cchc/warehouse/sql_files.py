"""Run the SQL kept in `include/sql/`, one statement a file, values as bound parameters."""

from __future__ import annotations

from functools import cache
from typing import Any

import psycopg
from psycopg import sql

from cchc.config import sql_dir


@cache
def read_sql(relative_path: str) -> str:
    """Text of `include/sql/<relative_path>`; the name says the relation it builds."""
    path = sql_dir() / relative_path
    if not path.is_file():
        raise FileNotFoundError(f"no SQL file {path}")
    return path.read_text(encoding="utf-8")


def execute_file(conn: psycopg.Connection, relative_path: str, params: dict[str, Any] | None = None) -> int:
    """Execute one statement file with named parameters; returns the affected row count."""
    with conn.cursor() as cur:
        cur.execute(read_sql(relative_path), params or {})
        return cur.rowcount


def execute_template(
    conn: psycopg.Connection,
    relative_path: str,
    identifiers: dict[str, str],
    params: dict[str, Any] | None = None,
    *,
    columns: dict[str, str] | None = None,
) -> psycopg.Cursor:
    """Execute a file whose `{name}` placeholders are table names, quoted by `qualified`, or (`columns`)
    column names, quoted as one identifier each."""
    names = {k: qualified(v) for k, v in identifiers.items()}
    names.update({k: sql.Identifier(v) for k, v in (columns or {}).items()})
    statement = sql.SQL(read_sql(relative_path)).format(**names)
    cur = conn.cursor()
    cur.execute(statement, params or {})
    return cur


def fetch_all(conn: psycopg.Connection, relative_path: str, params: dict[str, Any] | None = None) -> list[tuple]:
    """Rows of one query file."""
    with conn.cursor() as cur:
        cur.execute(read_sql(relative_path), params or {})
        return cur.fetchall()


def qualified(name: str) -> sql.Composed:
    """`schema.table` as a safely quoted identifier (names never come from data)."""
    parts = name.split(".")
    if len(parts) != 2 or not all(parts):
        raise ValueError(f"expected schema.table, got {name!r}")
    return sql.SQL(".").join(sql.Identifier(part) for part in parts)


# Schema mart is what readers and their reporting tools browse: its partitions live in a schema of
# their own (migration 029_reports.sql), out of their table lists.
PARTITION_SCHEMAS = {"mart": "mart_partitions"}


def partition_name(table: str, partition_key: str) -> str:
    """`core.fct_dossier` + `2024Q2` -> `core.fct_dossier_2024q2`;
    `mart.scorecard_766` + `2024Q2` -> `mart_partitions.scorecard_766_2024q2`."""
    suffix = "".join(ch for ch in partition_key.lower() if ch.isalnum())
    if not suffix:
        raise ValueError(f"partition key {partition_key!r} has no usable characters")
    schema, _, name = table.partition(".")
    return f"{PARTITION_SCHEMAS.get(schema, schema)}.{name}_{suffix}"
