"""Vietnamese number formats and safe text, shared by the workbooks and the dashboard.

Vietnamese writes 1.234 for a thousand two hundred thirty-four and 96,67% for a rate. The dashboard
writes the figures as text in that form; the workbooks keep numbers as numbers (staff sum and chart
them) with Excel number formats in the Vietnamese locale ([$-42A], vi-VN), so a Vietnamese Excel or
LibreOffice shows them the same way.

Text that came from exports (unit and procedure names, row labels) is written to a workbook as a
string cell, never as a formula: openpyxl stores any string starting with "=" as a formula, and
Excel evaluates "+", "-" and "@" at the start of a cell someone edits. `put_text` keeps such a value
a string and marks it quote-prefixed, as Excel marks text typed after an apostrophe.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

EXCEL_INTEGER = "[$-42A]#,##0"
EXCEL_DECIMAL = "[$-42A]#,##0.00"
# Rates are stored as percentages (96.67, as in the marts), so the sign is text in the format.
EXCEL_PERCENT = '[$-42A]0.00"%"'

NO_DATA = "không có dữ liệu"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

LEVEL_VI = {"province": "Tỉnh", "district": "Huyện", "commune": "Xã"}
LEVEL_SHEET_VI = {"province": "Cấp tỉnh", "district": "Cấp huyện", "commune": "Cấp xã"}

THIN_BOX = Border(*(Side(style="thin"),) * 4)
HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
HEADER_ALIGNMENT = Alignment(horizontal="center", vertical="center", wrap_text=True)


def vn_integer(value: int | Decimal | float | None) -> str:
    """12345 -> '12.345'; None -> 'không có dữ liệu'."""
    if value is None:
        return NO_DATA
    return f"{round(value):,}".replace(",", ".")


def vn_decimal(value: Decimal | float | None, places: int = 2) -> str:
    """1234.5 -> '1.234,50'; None -> 'không có dữ liệu'."""
    if value is None:
        return NO_DATA
    text = f"{value:,.{places}f}"
    return text.replace(",", " ").replace(".", ",").replace(" ", ".")


def vn_percent(value: Decimal | float | None, places: int = 2) -> str:
    """A rate in percent, 96.67 -> '96,67%'; None -> 'không có dữ liệu'."""
    if value is None:
        return NO_DATA
    return f"{vn_decimal(value, places)}%"


def put_text(sheet: Any, row: int, column: int, value: object) -> Any:
    """Write `value` as a string cell that can never become a formula; returns the cell."""
    cell = sheet.cell(row=row, column=column)
    if value is None:
        cell.value = None
        return cell
    text = str(value)
    cell.value = text
    cell.data_type = "s"  # openpyxl made "=..." a formula on assignment
    if text.startswith(FORMULA_STARTS):
        cell.quotePrefix = True
    return cell


def put_number(sheet: Any, row: int, column: int, value: object, number_format: str = EXCEL_INTEGER) -> Any:
    """Write a number (None stays an empty cell: no data is not zero) with a Vietnamese number format."""
    cell = sheet.cell(row=row, column=column)
    if isinstance(value, Decimal):
        value = float(value)
    cell.value = value
    cell.number_format = number_format
    return cell
