"""The indicators workbook that provincial staff open in Excel: one unit and quarter, a sheet per level,
the communes' ranking, the Decision 766 scorecard, the last four quarters side by side, and native
charts over those sheets' cells.

Figures stay numbers with Vietnamese number formats (staff sum, sort and chart them); a NULL figure
stays an empty cell, since no data is not zero, except for a scorecard group, which says so in words.
Every text that came from data goes through `put_text`, so no unit name can become a formula.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from operator import itemgetter
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import Cell
from openpyxl.chart import BarChart, LineChart, Reference, Series
from openpyxl.chart.data_source import AxDataSource, StrRef
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from cchc.quarters import Quarter
from cchc.reports.data import Report
from cchc.reports.formats import (
    EXCEL_DECIMAL,
    EXCEL_INTEGER,
    EXCEL_PERCENT,
    HEADER_ALIGNMENT,
    HEADER_FILL,
    HEADER_FONT,
    LEVEL_SHEET_VI,
    LEVEL_VI,
    NO_DATA,
    THIN_BOX,
    put_number,
    put_text,
    vn_decimal,
)

LEVELS = ("province", "district", "commune")
RANKING_SHEET = "Xếp hạng xã"
SCORECARD_SHEET = "Bộ chỉ số 766"
HISTORY_SHEET = "4 quý gần nhất"
CHART_SHEET = "Biểu đồ"

TITLE_ROW, PERIOD_ROW, NOTE_ROW, HEADER_ROW = 1, 2, 3, 4
FROZEN_COLUMNS = 2  # code and name stay in view when scrolling right

NO_BAND = "chưa đủ số liệu để xếp loại"
BELOW_TARGET_FILL = PatternFill("solid", fgColor="FCE4D6")
TITLE_FONT = Font(bold=True, size=13)
NOTE_FONT = Font(italic=True, color="595959")
NO_DATA_FONT = Font(italic=True, color="808080")

# (column, header) of the Decision 766 groups, with their maximum points.
SCORECARD_GROUPS = (
    ("transparency_score", "Công khai, minh bạch (/18)"),
    ("progress_score", "Tiến độ giải quyết (/20)"),
    ("online_service_score", "Dịch vụ trực tuyến (/12)"),
    ("online_payment_score", "Thanh toán trực tuyến (/10)"),
    ("satisfaction_score", "Mức độ hài lòng (/18)"),
    ("digitisation_score", "Số hoá hồ sơ (/22)"),
)

# (column, group header, number format) of the figures set side by side on the four-quarter sheet, after
# the code, name and level.
HISTORY_FIGURES = (
    ("received", "Hồ sơ tiếp nhận mới", EXCEL_INTEGER),
    ("on_time_rate", "Tỷ lệ đúng hạn (%)", EXCEL_PERCENT),
    ("online_rate", "Tỷ lệ trực tuyến (%)", EXCEL_PERCENT),
)
HISTORY_FIRST_FIGURE_COLUMN = 4
CHART_ROWS = 22  # a chart 10 cm high and the gap below it, in default-height rows

Row = dict[str, Any]


@dataclass(frozen=True)
class Column:
    header: str
    value: Callable[[Row], Any]
    number_format: str | None = None  # None: a text column
    width: float | None = None  # None: fitted to the text written
    key: str | None = None  # the row's key it shows, where it shows one as it is


def _field(key: str, header: str, number_format: str | None = None, width: float | None = None) -> Column:
    return Column(header, itemgetter(key), number_format, width, key)


def _column_number(columns: Sequence[Column], key: str) -> int:
    return next(number for number, column in enumerate(columns, start=1) if column.key == key)


def write_indicators_workbook(report: Report, path: Path) -> Path:
    """Write the indicators workbook of `report` to `path` (replacing it at once) and return the path."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    workbook.properties.title = f"Chỉ số CCHC: {report.unit.name}, {report.quarter.label_vi}"
    workbook.properties.creator = "cchc"
    workbook.properties.language = "vi-VN"

    level_rows: dict[str, dict[str, int]] = {}
    for level in LEVELS:
        rows = _sorted_level(report.level_rows(level))
        if rows:
            level_rows[level] = _level_sheet(workbook, report, level, rows)
    communes = report.level_rows("commune")
    if communes:
        _ranking_sheet(workbook, report, communes)
    _scorecard_sheet(workbook, report)
    history_row = _history_sheet(workbook, report)
    _chart_sheet(workbook, report, level_rows, history_row)
    return _save(workbook, Path(path))


# --- the sheets ----------------------------------------------------------------------------------------


def _sorted_level(rows: Iterable[Row]) -> list[Row]:
    # By parent, so the units under one unit sit in one block a chart can reference.
    return sorted(rows, key=lambda row: (row["parent_code"] or "", row["unit_code"]))


def _level_sheet(workbook: Workbook, report: Report, level: str, rows: list[Row]) -> dict[str, int]:
    """The indicators of one level; returns the sheet row of each unit code."""
    sheet = workbook.create_sheet(LEVEL_SHEET_VI[level])
    _title(sheet, f"Chỉ số một cửa {LEVEL_SHEET_VI[level].lower()}", report, _period_text(report.quarter))
    put_text(sheet, NOTE_ROW, 1, "Dòng tô màu: tỷ lệ hồ sơ trực tuyến dưới chỉ tiêu. Ô trống: không có dữ liệu.")
    sheet.cell(NOTE_ROW, 1).font = NOTE_FONT
    columns = _level_columns(_target_header(report.indicators))
    _table(sheet, columns, rows)
    _highlight_below_target(sheet, rows, len(columns))
    _finish(sheet, HEADER_ROW, HEADER_ROW, len(columns), len(rows))
    return {row["unit_code"]: HEADER_ROW + offset for offset, row in enumerate(rows, start=1)}


def _level_columns(target_header: str) -> list[Column]:
    def count(key: str, header: str) -> Column:
        return _field(key, header, EXCEL_INTEGER, 12)

    def rate(key: str, header: str) -> Column:
        return _field(key, header, EXCEL_PERCENT, 12)

    return [
        _field("unit_code", "Mã đơn vị", width=10),
        _field("unit_name", "Tên đơn vị"),
        _field("parent_name", "Đơn vị cấp trên"),
        count("received", "Tiếp nhận mới"),
        count("received_online", "Tiếp nhận trực tuyến"),
        count("received_direct", "Tiếp nhận trực tiếp"),
        count("received_postal", "Tiếp nhận qua bưu chính công ích"),
        count("resolved", "Đã giải quyết"),
        count("resolved_early", "Giải quyết trước hạn"),
        count("resolved_on_time", "Giải quyết đúng hạn"),
        count("resolved_late", "Giải quyết quá hạn"),
        count("pending", "Đang giải quyết cuối quý"),
        count("pending_overdue", "Đang giải quyết quá hạn"),
        rate("on_time_rate", "Tỷ lệ đúng hạn (%)"),
        rate("online_rate", "Tỷ lệ trực tuyến (%)"),
        rate("online_target_percent", "Chỉ tiêu trực tuyến (%)"),
        Column(target_header, _target_flag, width=12),
        rate("satisfied_share", "Tỷ lệ hài lòng (%)"),
        _field("progress_score_766", "Điểm tiến độ 766 (/20)", EXCEL_DECIMAL, 12),
    ]


def _level_column(key: str) -> int:
    """Where a level sheet shows `key` (the target's header does not move any column)."""
    return _column_number(_level_columns(""), key)


def _ranking_sheet(workbook: Workbook, report: Report, communes: list[Row]) -> None:
    sheet = workbook.create_sheet(RANKING_SHEET)
    _title(sheet, "Xếp hạng xã", report, _period_text(report.quarter))
    put_text(
        sheet,
        NOTE_ROW,
        1,
        "Hạng 1 = cao nhất, cùng tỷ lệ cùng hạng; hạng trong tỉnh so với mọi xã của tỉnh; xã không có tỷ lệ "
        "không được xếp hạng. Dòng tô màu: tỷ lệ trực tuyến dưới chỉ tiêu.",
    )
    sheet.cell(NOTE_ROW, 1).font = NOTE_FONT
    rows = sorted(communes, key=_province_rank_order)

    def rank(key: str, header: str) -> Column:
        return _field(key, header, EXCEL_INTEGER, 12)

    columns = [
        _field("unit_code", "Mã xã", width=10),
        _field("unit_name", "Tên xã"),
        _field("parent_name", "Đơn vị cấp trên"),
        _field("on_time_rate", "Tỷ lệ đúng hạn (%)", EXCEL_PERCENT, 12),
        rank("rank_on_time_in_district", "Hạng đúng hạn trong huyện"),
        rank("rank_on_time_in_province", "Hạng đúng hạn trong tỉnh"),
        _field("online_rate", "Tỷ lệ trực tuyến (%)", EXCEL_PERCENT, 12),
        rank("rank_online_in_district", "Hạng trực tuyến trong huyện"),
        rank("rank_online_in_province", "Hạng trực tuyến trong tỉnh"),
        Column(_target_header(communes), _target_flag, width=12),
    ]
    _table(sheet, columns, rows)
    _highlight_below_target(sheet, rows, len(columns))
    _finish(sheet, HEADER_ROW, HEADER_ROW, len(columns), len(rows))


def _province_rank_order(row: Row) -> tuple[bool, int, str]:
    rank = row["rank_on_time_in_province"]
    return (rank is None, rank or 0, row["unit_code"])


def _scorecard_sheet(workbook: Workbook, report: Report) -> None:
    sheet = workbook.create_sheet(SCORECARD_SHEET)
    heading = "Bộ chỉ số phục vụ người dân, doanh nghiệp (Quyết định 766/QĐ-TTg)"
    _title(sheet, heading, report, _period_text(report.quarter))
    put_text(
        sheet,
        NOTE_ROW,
        1,
        f"Nhóm ghi “{NO_DATA}”: các tệp gửi lên không có số liệu để chấm (không phải 0 điểm). Mức độ hài lòng: "
        "chỉ phần tiếp nhận, giải quyết hồ sơ (6 trên 18 điểm) có số liệu.",
    )
    sheet.cell(NOTE_ROW, 1).font = NOTE_FONT
    columns = [
        _field("unit_code", "Mã đơn vị", width=10),
        _field("unit_name", "Tên đơn vị"),
        Column("Cấp", _level_name, width=8),
        *(Column(header, _group_score(key), EXCEL_DECIMAL, 14) for key, header in SCORECARD_GROUPS),
        _field("points_covered", "Số điểm có số liệu (/100)", EXCEL_DECIMAL, 13),
        _field("total_score", "Tổng điểm", EXCEL_DECIMAL, 11),
        _field("score_of_covered_percent", "Tỷ lệ điểm trên phần có số liệu (%)", EXCEL_PERCENT, 15),
        Column("Xếp loại", lambda row: row["band"] or NO_BAND, width=22),
    ]
    _table(sheet, columns, report.scorecard)
    _finish(sheet, HEADER_ROW, HEADER_ROW, len(columns), len(report.scorecard))


def _level_name(row: Row) -> str:
    return LEVEL_VI.get(row["unit_level"], row["unit_level"])


def _group_score(key: str) -> Callable[[Row], Any]:
    return lambda row: NO_DATA if row[key] is None else row[key]


def _history_sheet(workbook: Workbook, report: Report) -> int | None:
    """The last four quarters side by side, a header row of figures over a header row of quarters;
    returns the sheet row of the report's own unit."""
    sheet = workbook.create_sheet(HISTORY_SHEET)
    quarters = report.quarters
    period = f"Từ {_quarter_label(quarters[0])} đến {_quarter_label(quarters[-1])}, theo quý dương lịch"
    _title(sheet, "Chỉ số một cửa 4 quý gần nhất", report, period)
    put_text(sheet, NOTE_ROW, 1, "Ô trống: đơn vị không có dữ liệu trong quý.")
    sheet.cell(NOTE_ROW, 1).font = NOTE_FONT
    by_unit_quarter = {(row["unit_code"], row["quarter"]): row for row in report.history}
    units = [row for level in LEVELS for row in _sorted_level(report.level_rows(level))]
    quarter_header = HEADER_ROW + 1

    def figure(key: str, quarter: Quarter) -> Callable[[Row], Any]:
        def value(unit: Row) -> Any:
            row = by_unit_quarter.get((unit["unit_code"], str(quarter)))
            return None if row is None else row[key]

        return value

    columns = [
        _field("unit_code", "Mã đơn vị", width=10),
        _field("unit_name", "Tên đơn vị"),
        Column("Cấp", _level_name, width=8),
    ]
    for key, _group, number_format in HISTORY_FIGURES:
        columns += [Column(_quarter_label(q), figure(key, q), number_format, 11) for q in quarters]
    _table(sheet, columns, units, quarter_header)
    _history_groups(sheet, len(quarters))
    _finish(sheet, HEADER_ROW, quarter_header, len(columns), len(units))
    positions = [offset for offset, row in enumerate(units, start=1) if row["unit_code"] == report.unit.code]
    return quarter_header + positions[0] if positions else None


def _history_columns(figure: str, quarters: int) -> tuple[int, int]:
    """First and last column of `figure` (a key of HISTORY_FIGURES) on the four-quarter sheet."""
    index = [key for key, _group, _format in HISTORY_FIGURES].index(figure)
    first = HISTORY_FIRST_FIGURE_COLUMN + index * quarters
    return first, first + quarters - 1


def _history_groups(sheet: Worksheet, quarters: int) -> None:
    """The row above the quarter labels: each figure's name over its quarters."""
    for column in range(1, HISTORY_FIRST_FIGURE_COLUMN):
        _header_style(sheet.cell(HEADER_ROW, column))
    for key, group, _format in HISTORY_FIGURES:
        first, last = _history_columns(key, quarters)
        _header_style(put_text(sheet, HEADER_ROW, first, group))
        for column in range(first + 1, last + 1):
            _header_style(sheet.cell(HEADER_ROW, column))
        sheet.merge_cells(start_row=HEADER_ROW, start_column=first, end_row=HEADER_ROW, end_column=last)


def _quarter_label(quarter: Quarter) -> str:
    """Q1/2024, as the four-quarter sheet heads its columns."""
    return f"Q{quarter.number}/{quarter.year}"


# --- charts --------------------------------------------------------------------------------------------


def _chart_sheet(
    workbook: Workbook, report: Report, level_rows: dict[str, dict[str, int]], history_row: int | None
) -> None:
    sheet = workbook.create_sheet(CHART_SHEET)
    _title(sheet, "Biểu đồ", report, _period_text(report.quarter))
    _print_setup(sheet)
    anchor_row = HEADER_ROW
    children = _children_block(report, level_rows)
    if children is not None:
        level, first, last = children
        source = workbook[LEVEL_SHEET_VI[level]]
        names = Reference(source, min_col=_level_column("unit_name"), min_row=first, max_row=last)
        sheet.add_chart(_on_time_chart(report, source, names, first, last), f"A{anchor_row}")
        anchor_row += CHART_ROWS
        sheet.add_chart(_online_chart(report, source, names, first, last), f"A{anchor_row}")
        anchor_row += CHART_ROWS
    if history_row is not None:
        sheet.add_chart(_trend_chart(report, workbook[HISTORY_SHEET], history_row), f"A{anchor_row}")


def _children_block(report: Report, level_rows: dict[str, dict[str, int]]) -> tuple[str, int, int] | None:
    """The level sheet and the first and last row of the units directly under the report's unit."""
    for level, rows in level_rows.items():
        found = [rows[r["unit_code"]] for r in report.level_rows(level) if r["parent_code"] == report.unit.code]
        if found:
            return level, min(found), max(found)
    return None


def _on_time_chart(report: Report, source: Worksheet, names: Reference, first: int, last: int) -> BarChart:
    chart = _rate_bar_chart(f"Tỷ lệ giải quyết đúng hạn của các đơn vị trực thuộc {report.unit.name}", last - first + 1)
    values = Reference(source, min_col=_level_column("on_time_rate"), min_row=first, max_row=last)
    chart.series.append(Series(values, title="Tỷ lệ đúng hạn (%)"))
    _text_categories(chart, names)
    return chart


def _online_chart(report: Report, source: Worksheet, names: Reference, first: int, last: int) -> BarChart:
    chart = _rate_bar_chart(f"Tỷ lệ hồ sơ trực tuyến so với chỉ tiêu, {report.unit.name}", last - first + 1)
    values = Reference(source, min_col=_level_column("online_rate"), min_row=first, max_row=last)
    chart.series.append(Series(values, title="Tỷ lệ trực tuyến (%)"))
    _text_categories(chart, names)
    target = LineChart()
    targets = Reference(source, min_col=_level_column("online_target_percent"), min_row=first, max_row=last)
    target.series.append(Series(targets, title="Chỉ tiêu (%)"))
    _text_categories(target, names)
    chart += target  # drawn over the bars, on the same axes
    return chart


def _rate_bar_chart(title: str, units: int) -> BarChart:
    chart = BarChart()
    chart.type = "col"
    chart.title = title
    chart.width = max(16.0, 1.2 * units + 6)
    chart.height = 10
    _rate_axes(chart)
    return chart


def _trend_chart(report: Report, source: Worksheet, row: int) -> LineChart:
    chart = LineChart()
    chart.title = f"Tỷ lệ đúng hạn và tỷ lệ trực tuyến 4 quý gần nhất, {report.unit.name}"
    chart.width = 16
    chart.height = 10
    quarters = len(report.quarters)
    for key, title in (("on_time_rate", "Tỷ lệ đúng hạn (%)"), ("online_rate", "Tỷ lệ trực tuyến (%)")):
        first, last = _history_columns(key, quarters)
        chart.series.append(Series(Reference(source, min_col=first, max_col=last, min_row=row), title=title))
    first, last = _history_columns("on_time_rate", quarters)
    _text_categories(chart, Reference(source, min_col=first, max_col=last, min_row=HEADER_ROW + 1))
    _rate_axes(chart)
    return chart


def _rate_axes(chart: BarChart | LineChart) -> None:
    chart.y_axis.title = "%"
    chart.y_axis.scaling.min = 0
    chart.y_axis.scaling.max = 100
    # openpyxl marks axes deleted unless told otherwise, and Excel then draws none.
    chart.x_axis.delete = False
    chart.y_axis.delete = False


def _text_categories(chart: BarChart | LineChart, labels: Reference) -> None:
    # Unit names and quarter labels are text: a string reference, not openpyxl's default numeric one.
    for series in chart.series:
        series.cat = AxDataSource(strRef=StrRef(f=str(labels)))


# --- cells and layout ----------------------------------------------------------------------------------


def _title(sheet: Worksheet, heading: str, report: Report, period: str) -> None:
    put_text(sheet, TITLE_ROW, 1, f"{heading}: {report.unit.name}, {report.quarter.label_vi}").font = TITLE_FONT
    put_text(sheet, PERIOD_ROW, 1, period)


def _period_text(quarter: Quarter) -> str:
    # The marts count calendar quarters; Biểu II.06a counts the Decree 09 period, named beside it so the
    # two are not mistaken for each other.
    start, end = quarter.report_period
    return (
        f"Số liệu theo quý dương lịch: {_day(quarter.first_day)} – {_day(quarter.last_day)} "
        f"(kỳ báo cáo Biểu II.06a theo Nghị định 09/2019/NĐ-CP: {_day(start)} – {_day(end)})"
    )


def _day(day: date) -> str:
    return day.strftime("%d/%m/%Y")


def _table(sheet: Worksheet, columns: Sequence[Column], rows: Sequence[Row], header_row: int = HEADER_ROW) -> None:
    for index, column in enumerate(columns, start=1):
        _header_style(put_text(sheet, header_row, index, column.header))
    for offset, row in enumerate(rows, start=1):
        for index, column in enumerate(columns, start=1):
            _put(sheet, header_row + offset, index, column.value(row), column.number_format).border = THIN_BOX
    for index, column in enumerate(columns, start=1):
        width = column.width or _fit_width(column.value(row) for row in rows)
        sheet.column_dimensions[get_column_letter(index)].width = width


def _put(sheet: Worksheet, row: int, column: int, value: Any, number_format: str | None) -> Cell:
    if number_format is None or isinstance(value, str):
        cell = put_text(sheet, row, column, value)
        if value == NO_DATA:
            cell.font = NO_DATA_FONT
            cell.alignment = Alignment(horizontal="center")
        return cell
    return put_number(sheet, row, column, value, number_format)


def _header_style(cell: Cell) -> None:
    cell.font = HEADER_FONT
    cell.fill = HEADER_FILL
    cell.alignment = HEADER_ALIGNMENT
    cell.border = THIN_BOX


def _fit_width(values: Iterable[Any]) -> float:
    longest = max((len(str(value)) for value in values if value is not None), default=0)
    return min(45.0, max(14.0, longest * 1.1 + 2))


def _finish(sheet: Worksheet, first_header: int, last_header: int, columns: int, rows: int) -> None:
    """Freeze the headers and the code and name, filter the table, and print it across one page width."""
    last_column = get_column_letter(columns)
    sheet.freeze_panes = f"{get_column_letter(FROZEN_COLUMNS + 1)}{last_header + 1}"
    sheet.auto_filter.ref = f"A{last_header}:{last_column}{last_header + rows}"
    sheet.row_dimensions[last_header].height = 48
    _print_setup(sheet)
    sheet.print_title_rows = f"{first_header}:{last_header}"


def _print_setup(sheet: Worksheet) -> None:
    sheet.page_setup.orientation = sheet.ORIENTATION_LANDSCAPE
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0  # as many pages down as the rows need
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)


def _highlight_below_target(sheet: Worksheet, rows: Sequence[Row], columns: int) -> None:
    for offset, row in enumerate(rows, start=1):
        if row["meets_online_target"] is False:
            for column in range(1, columns + 1):
                sheet.cell(HEADER_ROW + offset, column).fill = BELOW_TARGET_FILL


def _target_header(rows: Iterable[Row]) -> str:
    """'Đạt chỉ tiêu 40%', the target as the refresh used it."""
    targets = {row["online_target_percent"] for row in rows if row["online_target_percent"] is not None}
    if len(targets) != 1:
        return "Đạt chỉ tiêu trực tuyến"
    text = vn_decimal(Decimal(targets.pop()))
    return f"Đạt chỉ tiêu {text.rstrip('0').rstrip(',')}%"


def _target_flag(row: Row) -> str | None:
    meets = row["meets_online_target"]
    return None if meets is None else ("Có" if meets else "Không")


def _save(workbook: Workbook, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as raw:
            workbook.save(raw)
        os.chmod(temporary, 0o644)  # mkstemp's 0600 would hide the report from other staff accounts
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path
