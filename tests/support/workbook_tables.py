"""Reading the tables of a workbook the project writes: the header row above the first unit, and each
unit's row by its code (column A), as cells."""

from __future__ import annotations

from typing import Any


def header_columns(sheet: Any) -> tuple[int, dict[str, int]]:
    """The header row of a sheet's table (the one above its first unit) and each header's column."""
    for row in range(1, 8):
        if str(sheet.cell(row, 1).value).startswith("Mã"):
            return row, {cell.value: cell.column for cell in sheet[row] if cell.value is not None}
    raise AssertionError(f"no table header on sheet {sheet.title!r}")


def table_rows(sheet: Any) -> dict[str, dict[str, Any]]:
    """Each unit's row as header -> cell, by unit code."""
    header, columns = header_columns(sheet)
    out = {}
    for row in range(header + 1, sheet.max_row + 1):
        code = sheet.cell(row, 1).value
        if code is not None:
            out[code] = {name: sheet.cell(row, column) for name, column in columns.items()}
    return out
