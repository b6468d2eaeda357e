"""The quarter's indicators as a table a person can read in a terminal."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from tabulate import tabulate

HEADERS = (
    "unit",
    "name",
    "level",
    "received",
    "online",
    "resolved",
    "early",
    "on time",
    "late",
    "pending",
    "overdue",
    "on-time %",
    "online %",
)
_TEXT_COLUMNS = 3  # code, name, level: left-aligned, never parsed as numbers (codes keep leading zeros)


def _cell(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    return str(value)


def indicator_table(rows: list[tuple[Any, ...]]) -> str:
    """Rows as selected by `include/sql/marts/show_quarter.sql`; NULL (no data) shown as a dash."""
    shown = [[_cell(value) for value in row] for row in rows]
    align = ("left",) * _TEXT_COLUMNS + ("right",) * (len(HEADERS) - _TEXT_COLUMNS)
    return tabulate(shown, headers=HEADERS, tablefmt="simple", disable_numparse=True, colalign=align)
