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
    """Rows as selected by `include/sql/reports/show_quarter.sql`; NULL (no data) shown as a dash."""
    shown = [[_cell(value) for value in row] for row in rows]
    align = ("left",) * _TEXT_COLUMNS + ("right",) * (len(HEADERS) - _TEXT_COLUMNS)
    return tabulate(shown, headers=HEADERS, tablefmt="simple", disable_numparse=True, colalign=align)


# Column names of `cchc show --format csv|json`: the mart's own, so a file opens beside a SQL query.
COLUMNS = (
    "unit_code",
    "unit_name",
    "unit_level",
    "received",
    "received_online",
    "resolved",
    "resolved_early",
    "resolved_on_time",
    "resolved_late",
    "pending",
    "pending_overdue",
    "on_time_rate",
    "online_rate",
)


def indicator_csv(rows: list[tuple[Any, ...]]) -> str:
    """CSV with the mart's column names; an empty field where the mart holds NULL."""
    import csv
    import io

    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    writer.writerows(["" if value is None else value for value in row] for row in rows)
    return out.getvalue()


def indicator_json(rows: list[tuple[Any, ...]]) -> str:
    """A JSON array of objects keyed by the mart's column names; rates as numbers, NULL as null."""
    import json

    def plain(value: Any) -> Any:
        return float(value) if isinstance(value, Decimal) else value

    return json.dumps([dict(zip(COLUMNS, map(plain, row), strict=True)) for row in rows], ensure_ascii=False)


def step_line(name: str, summary: dict[str, Any], seconds: float, width: int = 160) -> str:
    """One line for a finished step: its duration and its summary's figures (lists by their length)."""
    parts = []
    for key, value in summary.items():
        if isinstance(value, bool) or value is None:
            if value:
                parts.append(key)
        elif isinstance(value, int | float | Decimal):
            parts.append(f"{key} {value}")
        elif isinstance(value, list | tuple | dict):
            if value:
                parts.append(f"{key} {len(value)}")
        elif len(str(value)) <= 40:
            parts.append(f"{key} {value}")
    line = f"{name} ({seconds:.1f} s): {', '.join(parts) or 'done'}"
    return line if len(line) <= width else line[: width - 1] + "…"
