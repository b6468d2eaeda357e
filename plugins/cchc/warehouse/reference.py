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


def load_admin_units(conn: psycopg.Connection) -> int:
    """Upsert `include/reference/admin_units.csv`; returns the number of rows inserted or changed."""
    path = reference_dir() / "admin_units.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = set(ADMIN_UNIT_COLUMNS) - set(reader.fieldnames or ())
        if missing:
            raise ValueError(f"{path}: missing columns {sorted(missing)}")
        with conn.transaction():
            execute_file(conn, "core/admin_unit_load_table.sql")
            copy_rows(
                conn,
                "pg_temp.admin_unit_load",
                ADMIN_UNIT_COLUMNS,
                ([row[c] for c in ADMIN_UNIT_COLUMNS] for row in reader),
            )
            return execute_file(conn, "core/dim_admin_unit.sql")


def units_valid_on(conn: psycopg.Connection, day: object) -> dict[str, str]:
    """Unit code -> level for every unit valid on `day`."""
    rows = fetch_all(conn, "core/admin_units_valid_on.sql", {"day": day})
    return {code: level for code, level, _province in rows}
