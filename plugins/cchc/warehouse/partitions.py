"""Quarter partitions: every quarter-scoped table is LIST-partitioned by its `quarter` column.

Replacing a quarter = create its partition if missing, empty it, insert the new rows; the caller
runs this inside one transaction so readers see the old quarter or the new one, never a mix.
"""

from __future__ import annotations

import psycopg
from psycopg import sql

from cchc.quarters import Quarter
from cchc.warehouse.sql_files import partition_name, qualified


def lock_quarter(conn: psycopg.Connection, quarter: Quarter) -> None:
    """Hold the warehouse's write lock, then the quarter's, until the transaction ends; call it first in
    every transaction that replaces a quarter's partitions.

    The quarter's lock keeps two refreshes of one quarter from interleaving their partition swaps. The
    write lock orders the steps of refreshes of different quarters: a step creates and truncates
    partitions (locks on whole tables) while another quarter's step reads those tables across
    quarters, and without one order the two deadlocked. Steps of different quarters take turns."""
    conn.execute("select pg_advisory_xact_lock(hashtext('cchc.warehouse'), 0)")
    conn.execute("select pg_advisory_xact_lock(hashtext('cchc.quarter'), hashtext(%s))", (str(quarter),))


def ensure_partition(conn: psycopg.Connection, table: str, quarter: str) -> str:
    """Create `table`'s partition for `quarter` if it does not exist; returns its name."""
    part = partition_name(table, quarter)
    conn.execute(
        sql.SQL("create table if not exists {} partition of {} for values in ({})").format(
            qualified(part), qualified(table), sql.Literal(quarter)
        )
    )
    return part


def empty_partition(conn: psycopg.Connection, table: str, quarter: str) -> str:
    """Ensure the partition exists and holds no rows; returns its name."""
    part = ensure_partition(conn, table, quarter)
    conn.execute(sql.SQL("truncate {}").format(qualified(part)))
    return part
