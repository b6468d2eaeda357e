"""Biểu II.06a/VPCP/KSTT as district and provincial staff fill it by hand, in .xlsx, .xls or HTML: title
rows, the reporting unit and period, a merged two- or three-level header, often a column-number row
(1)...(13), one row per unit or field, a total row and a signature block. `read_ii06a` loads the sheet
whole (it is small, and merged cells are only visible outside read-only mode) and finds the form's
columns by their numbers, else by the header text above them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from openpyxl.utils import get_column_letter

from cchc.sources.csv_reader import MalformedRowError, UnreadableFileError
from cchc.sources.datasets import ONE_STOP_REPORT, DatasetSpec
from cchc.sources.text import fold
from cchc.sources.xlsx_files import cell_text, check_size, open_workbook, sheets_in_order, spreadsheet_form

II06A_SCAN_ROWS = 40
"""The II.06a header (title, period, unit, merged header, number row) ends within this many rows."""

II06A_MAX_ROWS = 20_000
"""More rows than any form by commune or field has; beyond it the sheet is not read in full mode."""

II06A_MAX_CELLS = 1_000_000
"""Cells (rows times their width) a form may hold before full mode, which keeps each in memory, is refused."""

# --- Biểu II.06a ------------------------------------------------------------------------------------------

COUNT_COLUMNS: tuple[str, ...] = tuple(
    name for name in ONE_STOP_REPORT.column_names if name not in ("row_label", "unit_code")
)
"""The eleven counts of the form, columns (3)-(13) in order."""

FORM_NUMBERS: dict[str, int] = {name: number for number, name in enumerate(COUNT_COLUMNS, start=3)}

_FORM_NAMES = {
    "received_total": "Tổng số hồ sơ nhận giải quyết",
    "received_online": "Trực tuyến",
    "received_direct_postal": "Trực tiếp, dịch vụ bưu chính",
    "received_carried_over": "Từ kỳ trước",
    "resolved_total": "Tổng số hồ sơ đã giải quyết",
    "resolved_early": "Trước hạn",
    "resolved_on_time": "Đúng hạn",
    "resolved_late": "Quá hạn (đã giải quyết)",
    "pending_total": "Tổng số hồ sơ đang giải quyết",
    "pending_in_time": "Trong hạn",
    "pending_overdue": "Quá hạn (đang giải quyết)",
}


def _describe_form_columns(names: Sequence[str]) -> str:
    return ", ".join(f"({FORM_NUMBERS[name]}) {_FORM_NAMES[name]} ({name})" for name in names)


def _token(*words: str) -> re.Pattern[str]:
    """A match of any of `words` (folded, '_'-joined) as whole words inside a folded text."""
    return re.compile(r"(?:^|_)(?:" + "|".join(words) + r")(?:_|$)")


# Leaf headers: what a column counts, with '*' where the group above decides (total, late).
_LEAVES: tuple[tuple[re.Pattern[str], str], ...] = (
    (_token("tong_so", "tong_cong"), "*total"),
    (_token("truc_tuyen"), "received_online"),
    (_token("truc_tiep", "buu_chinh"), "received_direct_postal"),
    (_token("ky_truoc"), "received_carried_over"),
    (_token("truoc_han", "som_han"), "resolved_early"),
    (_token("dung_han"), "resolved_on_time"),
    (_token("qua_han", "tre_han"), "*late"),
    (_token("trong_han", "chua_den_han"), "pending_in_time"),
)
# Group headers, most specific first: 'Kết quả giải quyết' covers resolved and pending, so it names neither.
_GROUPS: tuple[tuple[re.Pattern[str], str], ...] = (
    (_token("dang_giai_quyet", "chua_giai_quyet", "dang_xu_ly"), "pending"),
    (_token("da_giai_quyet", "da_xu_ly", "giai_quyet_xong"), "resolved"),
    (_token("nhan", "nhan_giai_quyet", "tiep_nhan"), "received"),
)
_GROUP_OF = {
    "received_online": "received",
    "received_direct_postal": "received",
    "received_carried_over": "received",
    "resolved_early": "resolved",
    "resolved_on_time": "resolved",
    "pending_in_time": "pending",
}
_BY_GROUP = {
    ("*total", "received"): "received_total",
    ("*total", "resolved"): "resolved_total",
    ("*total", "pending"): "pending_total",
    ("*late", "resolved"): "resolved_late",
    ("*late", "pending"): "pending_overdue",
}
_STT = re.compile(r"^(?:stt|tt|so_tt|so_thu_tu)$")
_CODE = re.compile(r"^ma(?:_|$)")
_LABEL = _token("linh_vuc", "don_vi", "ten", "noi_dung", "co_quan", "cong_viec", "dia_phuong", "chi_tieu")
_TOTAL_LABELS = frozenset({"tong_cong", "tong_so", "tong", "cong", "tong_cong_chung", "tong_so_chung", "total"})
_METADATA = re.compile(
    r"^(?:don_vi_tinh|don_vi_bao_cao|don_vi_nhan_bao_cao|ky_bao_cao|bieu_so|ban_hanh_kem_theo|ngay_nhan_bao_cao"
    r"|tu_ngay|noi_nhan|nguoi_lap)"
)
_COLUMN_NUMBER = re.compile(r"\(\s*(\d{1,2})\s*\)(?:\s*=.*)?|(\d{1,2})")
_PARENTHESES = re.compile(r"\([^)]*\)")
_PERIOD_DATES = re.compile(
    r"(?:^|_)tu(?:_ngay)?_(\d{1,2})_(\d{1,2})_(\d{4})_(?:den|toi)(?:_het)?(?:_ngay)?_(\d{1,2})_(\d{1,2})_(\d{4})(?:_|$)"
)
_PERIOD_RANGE = re.compile(r"[\s,;-]+(?:từ|tu)\s+(?:ngày\s+|ngay\s+)?\d", re.IGNORECASE)
_PERIOD_WORDS = re.compile(r"^(?:quy|thang|\d_thang|nam)_.*\d{4}")
_LABEL_CODE = re.compile(
    r"^(?P<name>.*\S)\s*[(\[]\s*(?:mã(?:\s+(?:đơn\s+vị|đvhc))?\s*[:.]?\s*)?(?P<code>\d{2,5})\s*[)\]]$", re.IGNORECASE
)
_GROUPED_INTEGER = re.compile(r"[1-9]\d{0,2}(?:[. \u00a0\u202f]\d{3})+")
_DASHES = frozenset({"-", "–", "—", "--"})
_SPACES = re.compile(r"\s+")


def _fold_leaf(text: str) -> str:
    """A header's words without remarks in parentheses ('Đúng hạn (bao gồm cả ...)' -> 'dung_han')."""
    return fold(_PARENTHESES.sub(" ", text)) or fold(text)


def _leaf_kind(text: str) -> str | None:
    folded = _fold_leaf(text)
    for pattern, kind in _LEAVES:
        if pattern.search(folded):
            return kind
    return None


def _group_of(parts: Sequence[str]) -> str | None:
    """The group named by the deepest header cell that names one."""
    for part in reversed(parts):
        folded = fold(part)
        for pattern, group in _GROUPS:
            if pattern.search(folded):
                return group
    return None


def _column_number(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        match = _COLUMN_NUMBER.fullmatch(value.strip())
        if match:
            return int(match.group(1) or match.group(2))
    return None


def _clean(text: str) -> str:
    return _SPACES.sub(" ", text).strip()


@dataclass(frozen=True)
class _Grid:
    """A worksheet's values with merged ranges resolved, 1-based, for layout detection."""

    values: list[list[object]]
    formats: list[list[str | None]]
    merged: dict[tuple[int, int], tuple[int, int, int, int]]  # cell -> (min_row, min_col, max_row, max_col)

    @property
    def max_row(self) -> int:
        return len(self.values)

    @property
    def max_col(self) -> int:
        return max((len(row) for row in self.values), default=0)

    def raw(self, row: int, col: int) -> object:
        cells = self.values[row - 1]
        return cells[col - 1] if col - 1 < len(cells) else None

    def number_format(self, row: int, col: int) -> str | None:
        formats = self.formats[row - 1]
        return formats[col - 1] if col - 1 < len(formats) else None

    def text(self, row: int, col: int) -> str:
        return cell_text(self.raw(row, col), self.number_format(row, col))

    def filled(self, row: int, col: int) -> str:
        """The text shown at (row, col), which for a merged range is its top-left cell's."""
        top, left, _, _ = self.merged.get((row, col), (row, col, row, col))
        return self.text(top, left)

    def columns_of(self, row: int, col: int) -> tuple[int, int]:
        _, left, _, right = self.merged.get((row, col), (row, col, row, col))
        return left, right

    def row_texts(self, row: int) -> list[tuple[int, str]]:
        return [(col, text) for col in range(1, self.max_col + 1) if (text := self.text(row, col))]


def _grid(sheet: Any) -> _Grid:
    values: list[list[object]] = []
    formats: list[list[str | None]] = []
    for row in sheet.iter_rows(min_row=1):
        values.append([cell.value for cell in row])
        formats.append([cell.number_format for cell in row])
    merged: dict[tuple[int, int], tuple[int, int, int, int]] = {}
    for cell_range in sheet.merged_cells.ranges:
        bounds = (cell_range.min_row, cell_range.min_col, cell_range.max_row, cell_range.max_col)
        for r in range(cell_range.min_row, cell_range.max_row + 1):
            for c in range(cell_range.min_col, cell_range.max_col + 1):
                merged[(r, c)] = bounds
    return _Grid(values, formats, merged)


class _LayoutError(Exception):
    """Why a sheet is not a locatable II.06a form."""


@dataclass(frozen=True)
class _Layout:
    header_top: int
    header_bottom: int
    number_row: int | None
    count_columns: dict[str, int]
    label_column: int
    stt_column: int | None
    code_column: int | None

    @property
    def first_data_row(self) -> int:
        return (self.number_row or self.header_bottom) + 1


def _find_number_row(grid: _Grid) -> tuple[int, dict[int, int]] | None:
    """The row numbering the form's columns, as (row, {form number: sheet column})."""
    for row in range(1, min(grid.max_row, II06A_SCAN_ROWS) + 1):
        numbers: dict[int, int] = {}
        order: list[int] = []
        for col in range(1, grid.max_col + 1):
            number = _column_number(grid.raw(row, col))
            if number is not None and number not in numbers:
                numbers[number] = col
                order.append(number)
        # A (14) means the sheet numbers its columns its own way (an extra column numbered among them).
        if [n for n in order if n >= 3] == list(range(3, 14)):
            return row, numbers
    return None


def _is_metadata_row(grid: _Grid, row: int) -> bool:
    return any(_METADATA.match(fold(text)) for _, text in grid.row_texts(row))


def _header_top(grid: _Grid, bottom: int, first_col: int, last_col: int) -> int:
    """The first header row: rows above `bottom` belong to the header while they hold header text
    over the count columns that is not a title merged across the whole table or a metadata line."""
    top = bottom
    while top > 1 and bottom - top < 5:
        above = top - 1
        if _is_metadata_row(grid, above):
            break
        inside = [
            col
            for col in range(first_col, last_col + 1)
            if grid.filled(above, col) and grid.columns_of(above, col)[0] >= first_col
        ]
        if not inside:
            break
        top = above
    return top


def _header_parts(grid: _Grid, top: int, bottom: int, col: int, first_col: int) -> list[str]:
    """Header texts above one column, top to bottom, leaving out titles merged over the label column."""
    parts: list[str] = []
    for row in range(top, bottom + 1):
        text = grid.filled(row, col)
        if text and grid.columns_of(row, col)[0] >= first_col and (not parts or parts[-1] != text):
            parts.append(text)
    return parts


def _locate_by_text(grid: _Grid) -> tuple[int, int, dict[str, int]]:
    """(header top, header bottom, {count column: sheet column}) from the header words alone."""
    best_row, best_cols = 0, {}
    for row in range(1, min(grid.max_row, II06A_SCAN_ROWS) + 1):
        kinds = {col: kind for col in range(1, grid.max_col + 1) if (kind := _leaf_kind(grid.filled(row, col)))}
        if len(kinds) >= 6 and len(kinds) >= len(best_cols):
            best_row, best_cols = row, kinds
    if not best_cols:
        raise _LayoutError("no column-number row (1)...(13) and no header row naming the form's columns")
    first_col, last_col = min(best_cols), max(best_cols)
    top = _header_top(grid, best_row, first_col, last_col)
    groups: dict[int, str | None] = {}
    for col, kind in best_cols.items():
        parts = _header_parts(grid, top, best_row, col, first_col)
        groups[col] = _group_of(parts) or _GROUP_OF.get(kind)
    ordered = sorted(best_cols)
    located: dict[str, list[int]] = {}
    for position, col in enumerate(ordered):
        kind = best_cols[col]
        if kind.startswith("*"):
            group = groups[col]
            neighbour = position + 1 if kind == "*total" else position - 1
            if group is None and 0 <= neighbour < len(ordered):
                # The form's order: a total opens its group, 'Quá hạn' closes it.
                group = groups[ordered[neighbour]]
            name = _BY_GROUP.get((kind, group or ""))
            if name is None:
                continue
        else:
            name = kind
        located.setdefault(name, []).append(col)
    doubled = {name: cols for name, cols in located.items() if len(cols) > 1}
    if doubled:
        shown = "; ".join(
            f"{_describe_form_columns([name])} in columns " + ", ".join(get_column_letter(c) for c in cols)
            for name, cols in doubled.items()
        )
        raise _LayoutError(f"the header names a column more than once: {shown}")
    missing = [name for name in COUNT_COLUMNS if name not in located]
    if missing:
        raise _LayoutError(
            f"the header ending at row {best_row} does not name {_describe_form_columns(missing)}, "
            "and there is no column-number row (1)...(13)"
        )
    return top, best_row, {name: cols[0] for name, cols in located.items()}


def _locate(grid: _Grid) -> _Layout:
    numbered = _find_number_row(grid)
    if numbered is not None:
        number_row, numbers = numbered
        counts = {name: numbers[FORM_NUMBERS[name]] for name in COUNT_COLUMNS}
        first_col = min(counts.values())
        bottom = number_row - 1
        while bottom > 1 and not grid.row_texts(bottom):
            bottom -= 1
        top = _header_top(grid, bottom, first_col, max(counts.values())) if bottom >= 1 else number_row
        stt, label = numbers.get(1), numbers.get(2)
    else:
        number_row = None
        top, bottom, counts = _locate_by_text(grid)
        first_col = min(counts.values())
        stt = label = None
    code = None
    for col in range(1, first_col):
        header = fold(" ".join(dict.fromkeys(grid.filled(row, col) for row in range(top, bottom + 1))))
        if not header:
            continue
        if code is None and (_CODE.match(header) or ONE_STOP_REPORT.canonical(header) == "unit_code"):
            code = col
        elif stt is None and _STT.match(header):
            stt = col
        elif label is None and (_LABEL.search(header) or ONE_STOP_REPORT.canonical(header) == "row_label"):
            label = col
    if label is None:
        free = [col for col in range(1, first_col) if col not in (stt, code)]
        if not free:
            raise _LayoutError(
                f"no column for the unit or field name (2) left of the counts, which start in column "
                f"{get_column_letter(first_col)}"
            )
        label = free[-1]
    if code == label:
        code = None
    return _Layout(top, bottom, number_row, counts, label, stt, code)


# --- reading the data rows -------------------------------------------------------------------------------


def _count_text(value: object, number_format: str | None) -> str:
    """A count as plain digits where it is unambiguously a whole number, else the text as shown.

    Numbers typed as text are common ('1.234', ' 12 ', '1 234'); Vietnamese grouping dots or spaces are
    removed. A dash means none and becomes '0'. Anything else (a fraction, '1,234', words) is passed
    on as displayed, for staging to reject with the original text.
    """
    if isinstance(value, int | float) and not isinstance(value, bool):
        if isinstance(value, float) and not value.is_integer():
            return cell_text(value, number_format)
        return str(int(value))
    text = cell_text(value, number_format)
    if not isinstance(value, str) or not text:
        return text
    compact = text.replace("\u00a0", " ").strip()
    if compact in _DASHES:
        return "0"
    if compact.isdigit() and compact.isascii():
        return str(int(compact))
    if _GROUPED_INTEGER.fullmatch(compact):
        return re.sub(r"\D", "", compact)
    return text


def _looks_like_count(value: object) -> bool:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return True
    if isinstance(value, str):
        text = value.replace("\u00a0", " ").strip()
        return text in _DASHES or (text.isdigit() and text.isascii()) or bool(_GROUPED_INTEGER.fullmatch(text))
    return False


def _split_label(label: str) -> tuple[str, str]:
    """'Xã Thường Thới Hậu A (29962)' -> ('Xã Thường Thới Hậu A', '29962')."""
    match = _LABEL_CODE.match(label)
    if match:
        return match.group("name").strip(), match.group("code")
    return label, ""


@dataclass(frozen=True)
class SkippedRow:
    """A row below the header that holds no count (a section heading, a note, the signature block)."""

    row: int
    text: str


@dataclass(frozen=True)
class II06aWorkbook:
    """A Biểu II.06a/VPCP/KSTT sheet, located and read; `rows()` yields its unit or field rows.

    Shaped like `CsvFile` for the raw loader (`encoding`/`delimiter` are None). `header_row` is the
    first row of the merged header, `number_row` the (1)...(13) row when there is one, and
    `column_letters` says where each count was found. `period_start`/`period_end` come only from an
    explicit 'từ ngày dd/mm/yyyy đến ngày dd/mm/yyyy'; a missing or impossible date gives None for both.
    """

    path: Path
    sheet_name: str
    title: str | None
    reporting_unit: str | None
    period_label: str | None
    period_start: date | None
    period_end: date | None
    header_row: int
    number_row: int | None
    column_letters: dict[str, str]
    total_row: dict[str, str] | None
    total_row_number: int | None
    skipped_rows: list[SkippedRow]
    _rows: list[tuple[int, dict[str, str]]] = field(repr=False)
    spec: DatasetSpec = field(default=ONE_STOP_REPORT, repr=False)
    encoding: None = None
    delimiter: None = None
    form: str = "xlsx"
    # The form's own total, heading and signature rows are its structure, read apart from its rows.
    skipped: tuple[()] = ()
    warnings: tuple[()] = ()

    @property
    def file_format(self) -> str:
        return self.form

    @property
    def present_columns(self) -> list[str]:
        return list(ONE_STOP_REPORT.column_names)

    def rows(
        self, on_malformed: Callable[[MalformedRowError], None] | None = None
    ) -> Iterator[tuple[int, dict[str, str]]]:
        """Yield (Excel row number, {canonical column: text}) per unit or field row, in sheet order.

        The total row, blank rows and rows without any count are left out. `on_malformed` is accepted
        for parity with `CsvFile.rows` and never called: a worksheet row always splits into cells.
        """
        del on_malformed
        for number, values in self._rows:
            yield number, dict(values)


def _read_rows(
    grid: _Grid, layout: _Layout
) -> tuple[list[tuple[int, dict[str, str]]], tuple[int, dict[str, str]] | None, list[SkippedRow]]:
    rows: list[tuple[int, dict[str, str]]] = []
    totals: list[tuple[int, dict[str, str]]] = []
    skipped: list[SkippedRow] = []
    for row in range(layout.first_data_row, grid.max_row + 1):
        raw_counts = {name: grid.raw(row, col) for name, col in layout.count_columns.items()}
        label = _clean(grid.filled(row, layout.label_column))
        stt = _clean(grid.filled(row, layout.stt_column)) if layout.stt_column else ""
        if not any(_looks_like_count(value) for value in raw_counts.values()):
            text = " ".join(_clean(t) for _, t in grid.row_texts(row))
            if text:
                skipped.append(SkippedRow(row, text))
            continue
        code = _clean(grid.text(row, layout.code_column)) if layout.code_column else ""
        name, code_in_label = _split_label(label)
        values = {"row_label": name, "unit_code": code or code_in_label}
        for count in COUNT_COLUMNS:
            col = layout.count_columns[count]
            # The form is filled leaving zero cells blank: in a row that has counts, blank means 0.
            values[count] = _count_text(raw_counts[count], grid.number_format(row, col)) or "0"
        if fold(label) in _TOTAL_LABELS or (not label and fold(stt) in _TOTAL_LABELS):
            if not values["row_label"]:
                values["row_label"] = stt
            totals.append((row, values))
        else:
            rows.append((row, values))
    return rows, (totals[0] if totals else None), skipped


def _formula_cells_without_values(formulas: Any, grid: _Grid, layout: _Layout, rows: Sequence[int]) -> list[str]:
    """Cells whose formula was never calculated: openpyxl and scripts save formulas without results."""
    found: list[str] = []
    columns = sorted(layout.count_columns.values())
    for row in rows:
        for col in columns:
            if grid.raw(row, col) is None:
                formula = formulas.cell(row=row, column=col).value
                if isinstance(formula, str) and formula.startswith("="):
                    found.append(f"{get_column_letter(col)}{row}")
    return found


# --- title, unit and period ------------------------------------------------------------------------------


def _after_label(text: str) -> str:
    """The value after 'Đơn vị báo cáo:' or 'Kỳ báo cáo:' ('' when only the label is there)."""
    if ":" in text:
        return text.split(":", 1)[1]
    words = text.lstrip("-–•* ").split()
    return " ".join(words[4:] if fold(" ".join(words[:4])) == "don_vi_bao_cao" else words[3:])


def _strip_placeholder(text: str) -> str | None:
    text = _clean(text).strip(" -–.…,;")
    return text if fold(text) else None


def _metadata(grid: _Grid, above: int) -> tuple[str | None, str | None, str | None, date | None, date | None]:
    """(title, reporting unit, period label, period start, period end) from the rows above the header."""
    cells = [(row, col, text) for row in range(1, above) for col, text in grid.row_texts(row)]
    title = reporting_unit = period_label = None
    for index, (row, col, text) in enumerate(cells):
        folded = fold(text)
        if (
            title is None
            and not _METADATA.match(folded)
            and ("tinh_hinh" in folded or "ket_qua_giai_quyet" in folded or folded.startswith("bao_cao"))
        ):
            title = _clean(text)
        if reporting_unit is None and folded.startswith("don_vi_bao_cao"):
            reporting_unit = _strip_placeholder(_after_label(text)) or _next_value(cells, index, row, col)
        if period_label is None and "ky_bao_cao" in folded:
            period_label = _period_label(_after_label(text)) or _next_value(cells, index, row, col, _period_label)
    if period_label is None:
        for _, _, text in cells:
            if _PERIOD_WORDS.match(fold(text)):
                period_label = _period_label(text)
                break
    start, end = _period_dates(" ".join(text for _, _, text in cells))
    return title, reporting_unit, period_label, start, end


def _next_value(
    cells: Sequence[tuple[int, int, str]],
    index: int,
    row: int,
    col: int,
    clean: Callable[[str], str | None] = _strip_placeholder,
) -> str | None:
    """The value written beside (same row) or under (next rows, same column) a label cell."""
    for other_row, other_col, text in cells[index + 1 :]:
        if (other_row == row and other_col > col) or (row < other_row <= row + 2 and other_col == col):
            if ":" in text or _METADATA.match(fold(text)):
                return None
            return clean(text)
    return None


def _period_label(text: str) -> str | None:
    """'Quý I năm 2020 (từ ngày ... đến ngày ...)' -> 'Quý I năm 2020'; placeholders give None."""
    text = _PERIOD_RANGE.split(text.split("(", 1)[0], 1)[0]
    return _strip_placeholder(text)


def _period_dates(text: str) -> tuple[date | None, date | None]:
    match = _PERIOD_DATES.search(fold(text))
    if not match:
        return None, None
    d1, m1, y1, d2, m2, y2 = (int(part) for part in match.groups())
    try:
        start, end = date(y1, m1, d1), date(y2, m2, d2)
    except ValueError:
        return None, None
    if end < start:
        return None, None
    return start, end


# --- the form ---------------------------------------------------------------------------------------------


def read_ii06a(path: Path) -> II06aWorkbook:
    """Read a Biểu II.06a/VPCP/KSTT workbook as staff fill it, or raise UnreadableFileError saying why.

    Columns (3)-(13) are found by the column-number row when there is one, else by the merged header
    text ('Quá hạn' belongs to the resolved or pending group named above it, or, without a group
    header, to the group of its left neighbour). The first sheet (visible ones first) on which the
    form's columns can be located is read.
    """
    path = Path(path)
    form = spreadsheet_form(path)
    check_size(path, form)
    with open_workbook(path, read_only=True, form=form) as workbook:
        # Merged cells need openpyxl's full mode, which holds every cell in memory: refuse a big
        # table (a dossier export sent as the report, say) before loading it that way. The rows are
        # counted as streamed: a workbook's own <dimension> may understate them.
        for sheet in workbook.worksheets:
            sheet.reset_dimensions()
            cells = 0
            for rows, row in enumerate(sheet.iter_rows(values_only=True), start=1):
                cells += len(row)
                if rows > II06A_MAX_ROWS or cells > II06A_MAX_CELLS:
                    raise UnreadableFileError(
                        path,
                        f"sheet {sheet.title!r} has more than {II06A_MAX_ROWS} rows or {II06A_MAX_CELLS} cells, "
                        "more than a Biểu II.06a/VPCP/KSTT form; is this a dossier list?",
                    )
    problems: list[str] = []
    with open_workbook(path, read_only=False, form=form) as workbook:
        for sheet in sheets_in_order(workbook):
            grid = _grid(sheet)
            if not any(grid.row_texts(row) for row in range(1, grid.max_row + 1)):
                problems.append(f"sheet {sheet.title!r} is empty")
                continue
            try:
                layout = _locate(grid)
            except _LayoutError as error:
                problems.append(f"sheet {sheet.title!r}: {error}")
                continue
            return _read_form(path, sheet.title, grid, layout, form)
    if all(problem.endswith("is empty") for problem in problems):
        raise UnreadableFileError(path, "empty workbook: no sheet holds any value")
    raise UnreadableFileError(
        path,
        "could not locate the columns of Biểu II.06a/VPCP/KSTT (" + "; ".join(problems) + "); the form's columns "
        "are " + _describe_form_columns(COUNT_COLUMNS),
    )


def _read_form(path: Path, sheet_name: str, grid: _Grid, layout: _Layout, form: str = "xlsx") -> II06aWorkbook:
    rows, total, skipped = _read_rows(grid, layout)
    # Every row below the header: a total made only of uncalculated formulas looks like a text row.
    data_rows = range(layout.first_data_row, grid.max_row + 1)
    if form == "xlsx" and any(grid.raw(row, col) is None for row in data_rows for col in layout.count_columns.values()):
        with open_workbook(path, read_only=False, data_only=False) as formulas:
            uncalculated = _formula_cells_without_values(formulas[sheet_name], grid, layout, data_rows)
        if uncalculated:
            shown = ", ".join(uncalculated[:8]) + (", ..." if len(uncalculated) > 8 else "")
            raise UnreadableFileError(
                path,
                f"sheet {sheet_name!r}: cells {shown} hold formulas whose results were never calculated "
                "(the file was written by a program); open it in Excel or LibreOffice and save it again",
            )
    title, unit, label, start, end = _metadata(grid, layout.header_top)
    letters = {"row_label": get_column_letter(layout.label_column)}
    if layout.code_column:
        letters["unit_code"] = get_column_letter(layout.code_column)
    letters.update({name: get_column_letter(col) for name, col in layout.count_columns.items()})
    return II06aWorkbook(
        path=path,
        sheet_name=sheet_name,
        title=title,
        reporting_unit=unit,
        period_label=label,
        period_start=start,
        period_end=end,
        header_row=layout.header_top,
        number_row=layout.number_row,
        column_letters=letters,
        total_row=total[1] if total else None,
        total_row_number=total[0] if total else None,
        skipped_rows=skipped,
        _rows=rows,
        form=form,
    )
