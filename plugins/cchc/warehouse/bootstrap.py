"""A warehouse brought up to this release: migrations, the derived relations from their model folders,
the reference data, and row security over whatever was added. `cchc migrate`, each refresh's first
step and the tests' template all do exactly this, in this order."""

from __future__ import annotations

from typing import Any

import psycopg

from cchc.warehouse.access import ensure_row_security
from cchc.warehouse.lineage import load_admin_unit_lineage
from cchc.warehouse.migrations import migrate
from cchc.warehouse.models import apply_models
from cchc.warehouse.reference import load_admin_units


def bootstrap_warehouse(conn: psycopg.Connection) -> dict[str, Any]:
    """Apply pending migrations, then the models (`apply_models`), then `refresh_reference`; returns what
    changed, including the quarters to refresh again where a derived relation was recreated."""
    applied = migrate(conn)
    return {"migrations_applied": applied, **apply_models(conn), **refresh_reference(conn)}


def refresh_reference(conn: psycopg.Connection) -> dict[str, Any]:
    """On a migrated warehouse: the admin units and the reform's lineage as vendored in include/reference,
    and the reader grants and province filter on every mart (new ones get them whoever migrated)."""
    return {
        "admin_units_changed": load_admin_units(conn),
        "lineage_changed": load_admin_unit_lineage(conn),
        "row_security_applied_to": ensure_row_security(conn),
    }
