"""Load the vendored lineage of the 2025 reform into `core.admin_unit_lineage` (an upsert, never a truncate).

Kept apart from `reference.py` so the dimension can load without it; load the dimension first when the
two are used together, since each lineage row names a `core.dim_admin_unit` row at each end.
"""

from __future__ import annotations

import psycopg

from cchc.warehouse.reference import upsert_reference_csv

LINEAGE_FILE = "admin_unit_lineage.csv"
LINEAGE_COLUMNS = ("old_code", "old_level", "new_code", "new_level", "relation", "effective_on")


def load_admin_unit_lineage(conn: psycopg.Connection) -> int:
    """Upsert `include/reference/admin_unit_lineage.csv`; returns the number of rows inserted or changed."""
    return upsert_reference_csv(
        conn, LINEAGE_FILE, LINEAGE_COLUMNS, "admin_unit_lineage_load", "core/admin_unit_lineage.sql"
    )
