"""Bulk loads through PostgreSQL COPY, inside the caller's transaction.

psycopg's `cursor.copy()` is used rather than a hook's `copy_expert`, which commits on its own
and reports success on a missing input file.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import psycopg
from psycopg import sql

from cchc.warehouse.sql_files import qualified


def copy_rows(conn: psycopg.Connection, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """COPY `rows` (tuples in `columns` order) into `schema.table`; returns rows written."""
    statement = sql.SQL("copy {} ({}) from stdin").format(
        qualified(table), sql.SQL(", ").join(sql.Identifier(c) for c in columns)
    )
    count = 0
    with conn.cursor() as cur, cur.copy(statement) as copy:
        for row in rows:
            copy.write_row(row)
            count += 1
    return count
