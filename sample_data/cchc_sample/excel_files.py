"""Excel files as the desks' software and staff write them, for the sample landing zone and for test
fixtures: a streamed plain table (title row, header, dated rows) and a filled-in Biểu II.06a. Both are
saved byte-for-byte reproducibly by the pipeline's own writer (`cchc.reports.excel_writer`), whose form
layout is the one the reports use."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from pathlib import Path

from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import CALENDAR_MAC_1904

from cchc.reports.excel_writer import (
    DATE_FORMAT,
    DATETIME_FORMAT,
    empty_workbook,
    fill_ii06a_sheet,
    new_workbook,
    save_reproducibly,
    save_workbook,
)


def _width(values: Iterable[object]) -> float:
    return min(60.0, max(10.0, *(len(str(value)) * 1.1 + 2 for value in values)))


def write_table_xlsx(
    path: Path,
    headers: Sequence[str],
    rows: Iterable[Sequence[object]],
    *,
    title: str | None = None,
    dates_1904: bool = False,
) -> int:
    """Write one sheet: an optional title row and a blank row, the header, then `rows`; return rows written.

    Rows are streamed (openpyxl write-only mode), so a generator of 100k dossiers never sits in
    memory. Dates and naive date-times are stored as real Excel dates shown dd/mm/yyyy [hh:mm], as
    one-stop software exports them; strings, numbers, booleans and None are stored as they are.
    `dates_1904` marks the workbook as using the 1904 date system (Excel for Mac's old default).
    """
    path = Path(path)
    workbook = empty_workbook(write_only=True)
    if dates_1904:
        workbook.epoch = CALENDAR_MAC_1904
    sheet = workbook.create_sheet("Sheet1")
    for index, header in enumerate(headers, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = _width([header, "00/00/0000 00:00"])
    bold = Font(bold=True)
    if title is not None:
        cell = WriteOnlyCell(sheet, title)
        cell.font = Font(bold=True, size=13)
        sheet.append([cell])
        sheet.append([])
    header_cells = []
    for header in headers:
        cell = WriteOnlyCell(sheet, header)
        cell.font = bold
        header_cells.append(cell)
    sheet.append(header_cells)
    written = 0
    width = len(headers)
    for row in rows:
        cells = [_table_cell(sheet, value) for value in row]
        sheet.append(cells)
        written += 1
        width = max(width, len(cells))
    last_row = (3 if title is not None else 1) + written
    save_reproducibly(workbook, path, {"xl/worksheets/sheet1.xml": f"A1:{get_column_letter(max(width, 1))}{last_row}"})
    return written


def _table_cell(sheet: object, value: object) -> object:
    if isinstance(value, datetime):
        cell = WriteOnlyCell(sheet, value)
        cell.number_format = DATETIME_FORMAT
        return cell
    if isinstance(value, date):
        cell = WriteOnlyCell(sheet, value)
        cell.number_format = DATE_FORMAT
        return cell
    return value


def write_ii06a_workbook(
    path: Path,
    *,
    reporting_unit: str,
    period_label: str,
    period_start: date | None,
    period_end: date | None,
    rows: Sequence[Mapping[str, object]],
    numbers_as_text: bool = False,
) -> None:
    """Write a Biểu II.06a/VPCP/KSTT sheet laid out as staff fill it in Excel (see `fill_ii06a_sheet`)."""
    workbook = new_workbook()
    fill_ii06a_sheet(
        workbook.active,
        reporting_unit=reporting_unit,
        period_label=period_label,
        period_start=period_start,
        period_end=period_end,
        rows=rows,
        numbers_as_text=numbers_as_text,
    )
    save_workbook(workbook, Path(path))
