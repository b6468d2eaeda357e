"""Load the vendored lineage of the 2025 reform into `core.admin_unit_lineage` (an upsert, never a truncate).

Kept apart from `reference.py` so the dimension can load without it; load the dimension first when the
two are used together, since each lineage row names a `core.dim_admin_unit` row at each end.
"""

from __future__ import annotations

import csv

import psycopg

from cchc.config import reference_dir
from cchc.warehouse.copy_loader import copy_rows
from cchc.warehouse.sql_files import execute_file

LINEAGE_FILE = "admin_unit_lineage.csv"
LINEAGE_COLUMNS = ("old_code", "old_level", "new_code", "new_level", "relation", "effective_on")


def load_admin_unit_lineage(conn: psycopg.Connection) -> int:
    """Upsert `include/reference/admin_unit_lineage.csv`; returns the number of rows inserted or changed."""
    path = reference_dir() / LINEAGE_FILE
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = set(LINEAGE_COLUMNS) - set(reader.fieldnames or ())
        if missing:
            raise ValueError(f"{path}: missing columns {sorted(missing)}")
        with conn.transaction():
            execute_file(conn, "core/admin_unit_lineage_load_table.sql")
            copy_rows(
                conn,
                "pg_temp.admin_unit_lineage_load",
                LINEAGE_COLUMNS,
                ([row[c] for c in LINEAGE_COLUMNS] for row in reader),
            )
            return execute_file(conn, "core/admin_unit_lineage.sql")
