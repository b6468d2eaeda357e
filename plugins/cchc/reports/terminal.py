"""The quarter's indicators as a table a person can read in a terminal."""

from __future__ import annotations

from typing import Any

from tabulate import tabulate

HEADERS = (
    "unit", "name", "level", "received", "online", "resolved", "early", "on time", "late",
    "pending", "overdue", "on-time %", "online %",
)


def indicator_table(rows: list[tuple[Any, ...]]) -> str:
    """Rows as selected by `include/sql/marts/show_quarter.sql`, NULL shown as a dash."""
    shown = [["-" if value is None else value for value in row] for row in rows]
    return tabulate(shown, headers=HEADERS, tablefmt="simple", disable_numparse=False, floatfmt=".2f")
