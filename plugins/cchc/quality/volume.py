"""Plausible volumes: a desk whose dossiers received in a quarter are far from its own recent quarters.

A warning, never a rejection: a campaign, a new procedure or a merged desk can triple a desk's work
honestly, while a tenfold jump or an almost empty export is more often a wrong filter, a duplicated
export or a missing month. Either way a person should look before the figures are published, so the
units come back with the figures that make the case. The comparison is set-based SQL over the desk
counts `build_core` keeps, `core.int_unit_desk_counts` (include/sql/quality/plausible_volume.sql), so
it runs after `build_core`.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import psycopg

from cchc.warehouse.sql_files import fetch_all

FACTOR = 3
"""A quarter is implausible above FACTOR times, or below 1/FACTOR of, the unit's recent mean."""
MIN_HISTORY = 2
"""Quarters with dossiers needed before the unit's history is a fair yardstick."""
MAX_HISTORY = 4
"""The latest quarters with dossiers that make the yardstick; older ones describe another desk."""

_COLUMNS = (
    "quarter",
    "unit_code",
    "unit_name",
    "unit_level",
    "received",
    "history_quarters",
    "history_from",
    "history_to",
    "history_mean",
    "ratio",
)


def plausible_volume_warnings(
    conn: psycopg.Connection,
    quarter: str,
    *,
    factor: float = FACTOR,
    min_history: int = MIN_HISTORY,
    max_history: int = MAX_HISTORY,
) -> list[dict[str, Any]]:
    """One JSON-clean warning per unit whose received count in `quarter` is implausible, ordered by unit.

    Each holds the unit, its received count, the history it was compared with (quarters, first and
    last, mean), the ratio to the mean (None when the mean is 0), `direction` ('high' or 'low') and a
    bilingual `reason` naming the figures.
    """
    params = {"quarter": quarter, "factor": factor, "min_history": min_history, "max_history": max_history}
    warnings = []
    for values in fetch_all(conn, "quality/plausible_volume.sql", params):
        row = {
            name: float(value) if isinstance(value, Decimal) else value
            for name, value in zip(_COLUMNS, values, strict=True)
        }
        row["direction"] = "high" if row["received"] > row["history_mean"] else "low"
        bound = f"more than {factor:g} times" if row["direction"] == "high" else f"less than 1/{factor:g} of"
        row["reason"] = (
            f"Số hồ sơ tiếp nhận bất thường so với các quý trước / received count far from the unit's history: "
            f"{row['received']} in {quarter}, {bound} the mean of {row['history_mean']:g} over "
            f"{row['history_quarters']} quarter(s) {row['history_from']}..{row['history_to']}"
        )
        warnings.append(row)
    return warnings
