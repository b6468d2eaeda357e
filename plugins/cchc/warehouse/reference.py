"""Load the vendored admin-unit reference into `core.dim_admin_unit` (an upsert, never a truncate)."""

from __future__ import annotations

import csv

import psycopg

from cchc.config import reference_dir
from cchc.warehouse.copy_loader import copy_rows
from cchc.warehouse.sql_files import execute_file, fetch_all

ADMIN_UNIT_COLUMNS = (
    "unit_code",
    "unit_level",
    "unit_name",
    "parent_code",
    "province_code",
    "valid_from",
    "valid_to",
)


def upsert_reference_csv(
    conn: psycopg.Connection, filename: str, columns: tuple[str, ...], load_table: str, upsert_sql: str
) -> int:
    """COPY `include/reference/<filename>` into the temporary table `load_table` (created by
    `include/sql/core/<load_table>_table.sql`) and run the upsert; returns rows inserted or changed."""
    path = reference_dir() / filename
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = set(columns) - set(reader.fieldnames or ())
        if missing:
            raise ValueError(f"{path}: missing columns {sorted(missing)}")
        with conn.transaction():
            execute_file(conn, f"core/{load_table}_table.sql")
            copy_rows(conn, f"pg_temp.{load_table}", columns, ([row[c] for c in columns] for row in reader))
            return execute_file(conn, upsert_sql)


def load_admin_units(conn: psycopg.Connection) -> int:
    """Upsert `include/reference/admin_units.csv` into `core.dim_admin_unit`."""
    return upsert_reference_csv(
        conn, "admin_units.csv", ADMIN_UNIT_COLUMNS, "admin_unit_load", "core/dim_admin_unit.sql"
    )


def units_valid_on(conn: psycopg.Connection, day: object) -> dict[str, str]:
    """Unit code -> level for every unit valid on `day`."""
    rows = fetch_all(conn, "core/admin_units_valid_on.sql", {"day": day})
    return {code: level for code, level, _province in rows}
