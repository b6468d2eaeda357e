"""Biểu II.06a/VPCP/KSTT (Thông tư 01/2020/TT-VPCP) of any unit, compiled from the warehouse.

Sheet "II.06a" is the form as a district or province office sends it upward, filled with the figures
rebuilt from the dossiers of the quarter's Decree 09/2019 period (mart.unit_quarter_ii06a): one row
per unit directly under the reporting unit (that unit and everything under it), the unit's own
one-stop desk, the total, and the signature block. Its layout is the one the project's II.06a reader
reads (cchc.sources.ii06a_reader.read_ii06a), so a compiled form loads back to the same figures.

Sheet "Đối chiếu" sets what the unit itself reported on its form for the quarter beside the same
figures rebuilt and the differences (mart.one_stop_report_ii06a), where it sent one.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from cchc.reports.data import NoFormFigures, Report
from cchc.reports.excel_writer import (
    COUNT_COLUMNS,
    desk_row_label,
    fill_ii06a_sheet,
    new_workbook,
    reporting_unit_title,
    save_workbook,
)
from cchc.reports.formats import (
    EXCEL_INTEGER,
    HEADER_ALIGNMENT,
    HEADER_FILL,
    HEADER_FONT,
    THIN_BOX,
    put_number,
    put_text,
)

COLUMN_NUMBERS = {name: number for number, name in enumerate(COUNT_COLUMNS, start=3)}
_DIFFERENCE_FILL = PatternFill("solid", fgColor="FCE4D6")


def form_rows(report: Report) -> list[dict[str, Any]]:
    """The form's rows in order, as `fill_ii06a_sheet` takes them: units under it, then its own desk."""
    rows = []
    for row in report.ii06a_rows:
        if row["row_kind"] == "total":
            continue
        label = desk_row_label(row["unit_name"]) if row["row_kind"] == "desk" else row["unit_name"]
        rows.append({"row_label": label, "unit_code": row["unit_code"], **{c: row[c] for c in COUNT_COLUMNS}})
    return rows


def form_total(report: Report) -> dict[str, int | None]:
    """The unit's whole subtree as the mart counts it: what the form's 'Tổng cộng' row must show."""
    total = next((row for row in report.ii06a_rows if row["row_kind"] == "total"), None)
    return {c: (total[c] if total else None) for c in COUNT_COLUMNS}


def write_ii06a_report(report: Report, path: Path) -> Path:
    """Write the unit's Biểu II.06a workbook (the form, then the comparison with what it reported)."""
    if not report.ii06a_rows:
        raise NoFormFigures(f"no Biểu II.06a figures of {report.unit.code} in {report.quarter}: refresh the quarter")
    start, end = report.report_period
    workbook = new_workbook()
    workbook.properties.title = f"Biểu II.06a {report.unit.name} {report.quarter.label_vi}"
    form = workbook.active
    total_row = fill_ii06a_sheet(
        form,
        reporting_unit=reporting_unit_title(report.unit.name, report.unit.level),
        period_label=report.quarter.label_vi,
        period_start=start,
        period_end=end,
        rows=form_rows(report),
    )
    _form_print_settings(form, total_row)
    _fill_comparison(workbook.create_sheet("Đối chiếu"), report)
    path = Path(path)
    save_workbook(workbook, path)
    return path


def _form_print_settings(sheet: Any, total_row: int) -> None:
    for row in range(8, total_row + 1):
        for column in range(3, 14):
            sheet.cell(row=row, column=column).number_format = EXCEL_INTEGER
    sheet.freeze_panes = "C8"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = "5:7"
    put_text(sheet, total_row + 5, 2, "Nguồn: kho dữ liệu CCHC, số liệu tính lại từ hồ sơ (mart.unit_quarter_ii06a)")
    sheet.cell(row=total_row + 5, column=2).font = Font(italic=True, size=9)


_PARTS = ("Báo cáo", "Tính lại", "Chênh lệch")
_META = ("STT", "Dòng trên biểu", "Mã đơn vị", "Kỳ của biểu")


def _fill_comparison(sheet: Any, report: Report) -> None:
    """One row per row of the unit's own form: for each column (3)-(13), reported, rebuilt, difference."""
    put_text(sheet, 1, 1, f"ĐỐI CHIẾU BIỂU II.06a ĐÃ GỬI VỚI SỐ TÍNH LẠI TỪ HỒ SƠ - {report.unit.name.upper()}")
    sheet["A1"].font = Font(bold=True, size=13)
    put_text(sheet, 2, 1, f"Kỳ báo cáo: {report.quarter.label_vi}; chênh lệch = số báo cáo - số tính lại")
    if not report.ii06a_reported:
        put_text(
            sheet,
            4,
            1,
            f"{report.unit.name} chưa gửi Biểu II.06a của {report.quarter.label_vi} (không có trong kho dữ liệu) "
            "/ no form of this unit for the quarter in the warehouse",
        )
        return
    top, leaf = 4, 5
    for column, text in enumerate(_META, start=1):
        put_text(sheet, top, column, text)
        sheet.merge_cells(start_row=top, start_column=column, end_row=leaf, end_column=column)
    first = len(_META) + 1
    for index, name in enumerate(COUNT_COLUMNS):
        column = first + 3 * index
        put_text(sheet, top, column, f"({COLUMN_NUMBERS[name]})")
        sheet.merge_cells(start_row=top, start_column=column, end_row=top, end_column=column + 2)
        for offset, part in enumerate(_PARTS):
            put_text(sheet, leaf, column + offset, part)
    last = first + 3 * len(COUNT_COLUMNS) - 1
    for row in (top, leaf):
        for column in range(1, last + 1):
            cell = sheet.cell(row=row, column=column)
            cell.font, cell.fill, cell.alignment, cell.border = HEADER_FONT, HEADER_FILL, HEADER_ALIGNMENT, THIN_BOX
    for position, form_row in enumerate(report.ii06a_reported, start=1):
        row = leaf + position
        put_number(sheet, row, 1, position)
        put_text(sheet, row, 2, form_row["row_label"])
        put_text(sheet, row, 3, form_row["unit_code"])
        put_text(sheet, row, 4, f"{form_row['period_start']:%d/%m/%Y} - {form_row['period_end']:%d/%m/%Y}")
        for index, name in enumerate(COUNT_COLUMNS):
            column = first + 3 * index
            values = (form_row[f"reported_{name}"], form_row[f"rebuilt_{name}"], form_row[f"diff_{name}"])
            for offset, value in enumerate(values):
                cell = put_number(sheet, row, column + offset, value)
                cell.border = THIN_BOX
            if values[2]:
                sheet.cell(row=row, column=column + 2).fill = _DIFFERENCE_FILL
        for column in range(1, first):
            sheet.cell(row=row, column=column).border = THIN_BOX
    sheet.freeze_panes = sheet.cell(row=leaf + 1, column=first)
    sheet.auto_filter.ref = f"A{leaf}:{get_column_letter(last)}{leaf + len(report.ii06a_reported)}"
    sheet.column_dimensions["B"].width = 36
    sheet.column_dimensions["D"].width = 24
    for column in range(first, last + 1):
        sheet.column_dimensions[get_column_letter(column)].width = 9
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.page_setup.fitToHeight = 0
    note = leaf + len(report.ii06a_reported) + 2
    put_text(
        sheet,
        note,
        2,
        "Ô tô màu: số báo cáo khác số tính lại; ô trống: đơn vị để trống trên biểu hoặc không có tệp hồ sơ",
    )
    sheet.cell(row=note, column=2).alignment = Alignment(wrap_text=False)
