"""Old Excel (.xls, BIFF) and HTML-table "workbooks", shaped like the part of openpyxl the Excel reader uses.

The Excel reader walks openpyxl worksheets: `iter_rows()` of cells with `.value` and `.number_format`,
`merged_cells.ranges`, `title`, `sheet_state`. The two other forms a spreadsheet arrives in are given the
same shape here, so that one reader finds headers, title rows, Biểu II.06a's merged header and summary
rows in all three:
  - `.xls` written by Excel 97-2003 (BIFF), read with xlrd: date-formatted numbers come back as
    datetimes by the workbook's own date system (1900 or 1904), other numbers as floats, and each
    cell keeps its number format;
  - an HTML page with one or more `<table>` (the web apps' "Xuất Excel", saved as .xls or .xlsx), read
    with the standard library's HTML parser: each table is a sheet, `colspan`/`rowspan` are merged
    ranges, every value is the cell's text.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from cchc.sources.csv_reader import EncodingNotDetectedError, UnreadableFileError, detect_encoding
from cchc.sources.text import nfc

EPOCH_1900 = datetime(1899, 12, 30)
EPOCH_1904 = datetime(1904, 1, 1)


@dataclass(frozen=True)
class Cell:
    value: Any
    number_format: str | None = None


@dataclass(frozen=True)
class CellRange:
    min_row: int
    min_col: int
    max_row: int
    max_col: int


@dataclass
class _Merged:
    ranges: list[CellRange] = field(default_factory=list)


@dataclass
class GridSheet:
    """A sheet held whole in memory: rows of cells (1-based when read), merged ranges, visibility."""

    title: str
    rows: list[list[Cell]]
    merged_cells: _Merged = field(default_factory=_Merged)
    sheet_state: str = "visible"

    @property
    def max_row(self) -> int:
        return len(self.rows)

    def reset_dimensions(self) -> None:
        """openpyxl's read-only sheets need it; a grid knows its true size."""

    def iter_rows(
        self, min_row: int = 1, max_row: int | None = None, values_only: bool = False
    ) -> Iterator[tuple[Any, ...]]:
        last = len(self.rows) if max_row is None else min(max_row, len(self.rows))
        for row in self.rows[min_row - 1 : last]:
            yield tuple(cell.value for cell in row) if values_only else tuple(row)


@dataclass
class GridBook:
    """Sheets in file order, with the date system's epoch (serial day 0), like an openpyxl Workbook."""

    worksheets: list[GridSheet]
    epoch: datetime = EPOCH_1900

    @property
    def sheetnames(self) -> list[str]:
        return [sheet.title for sheet in self.worksheets]

    def __getitem__(self, name: str) -> GridSheet:
        for sheet in self.worksheets:
            if sheet.title == name:
                return sheet
        raise KeyError(name)

    def close(self) -> None:
        """Nothing is held open."""


# --- .xls (BIFF) -------------------------------------------------------------------------------------


def read_xls(path: Path) -> GridBook:
    """An Excel 97-2003 workbook as a GridBook; UnreadableFileError when xlrd cannot read it."""
    import xlrd

    try:
        book = xlrd.open_workbook(str(path), formatting_info=True, on_demand=False)
    except Exception as error:  # xlrd raises many types for a damaged file
        raise UnreadableFileError(path, f"an old Excel 97-2003 (.xls) workbook that cannot be read ({error})") from None
    try:
        sheets = [_xls_sheet(book, sheet) for sheet in book.sheets()]
    finally:
        book.release_resources()
    for sheet in sheets:
        for number, row in enumerate(sheet.rows, start=1):
            if any(isinstance(cell.value, str) and "\x00" in cell.value for cell in row):
                raise UnreadableFileError(path, f"sheet {sheet.title!r} row {number} holds a NUL character")
    return GridBook(sheets, EPOCH_1904 if book.datemode == 1 else EPOCH_1900)


def _xls_sheet(book: Any, sheet: Any) -> GridSheet:
    import xlrd

    formats: dict[int, str] = {}

    def number_format(xf_index: int) -> str | None:
        if xf_index not in formats:
            xf = book.xf_list[xf_index]
            found = book.format_map.get(xf.format_key)
            formats[xf_index] = found.format_str if found is not None else "General"
        return formats[xf_index]

    rows: list[list[Cell]] = []
    for r in range(sheet.nrows):
        cells: list[Cell] = []
        for c in range(sheet.ncols):
            kind, value = sheet.cell_type(r, c), sheet.cell_value(r, c)
            fmt = number_format(sheet.cell_xf_index(r, c))
            if kind in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
                cells.append(Cell(None, fmt))
            elif kind == xlrd.XL_CELL_DATE:
                try:
                    cells.append(Cell(xlrd.xldate.xldate_as_datetime(value, book.datemode), fmt))
                except (ValueError, OverflowError, xlrd.xldate.XLDateError):
                    cells.append(Cell(value, "General"))  # an impossible date: the number as stored
            elif kind == xlrd.XL_CELL_BOOLEAN:
                cells.append(Cell(bool(value), fmt))
            elif kind == xlrd.XL_CELL_ERROR:
                cells.append(Cell(xlrd.error_text_from_code.get(value, "#ERROR"), fmt))
            elif kind == xlrd.XL_CELL_NUMBER:
                cells.append(Cell(int(value) if float(value).is_integer() else value, fmt))
            else:
                cells.append(Cell(value, fmt))
        rows.append(cells)
    merged = _Merged([CellRange(rlo + 1, clo + 1, rhi, chi) for rlo, rhi, clo, chi in sheet.merged_cells])
    state = "visible" if getattr(sheet, "visibility", 0) == 0 else "hidden"
    return GridSheet(sheet.name, rows, merged, state)


# --- HTML tables -----------------------------------------------------------------------------------------

_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_SPACES = re.compile(r"\s+")
_BREAKS = frozenset({"br", "p", "div", "li"})


class _TableParser(HTMLParser):
    """Collects every <table> into rows of cell texts with their spans; nested tables become tables
    of their own, their text also part of the enclosing cell."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: list[list[list[tuple[str, int, int]]]] = []
        self._stack: list[dict[str, Any]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self.tables.append([])
            self._stack.append({"index": len(self.tables) - 1, "row": None, "cell": None})
        elif not self._stack:
            return
        elif tag == "tr":
            self._close_cell()
            self._stack[-1]["row"] = []
            self.tables[self._stack[-1]["index"]].append(self._stack[-1]["row"])
        elif tag in ("td", "th"):
            self._close_cell()
            if self._stack[-1]["row"] is None:
                self._stack[-1]["row"] = []
                self.tables[self._stack[-1]["index"]].append(self._stack[-1]["row"])
            spans = dict(attrs)
            self._stack[-1]["cell"] = {"text": [], "colspan": _span(spans.get("colspan")),
                                       "rowspan": _span(spans.get("rowspan"))}  # fmt: skip
        elif tag in _BREAKS:
            self._text(" ")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BREAKS:
            self._text(" ")
        else:
            self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if not self._stack:
            return
        if tag in ("td", "th"):
            self._close_cell()
        elif tag == "tr":
            self._close_cell()
            self._stack[-1]["row"] = None
        elif tag == "table":
            self._close_cell()
            self._stack.pop()

    def handle_data(self, data: str) -> None:
        self._text(data)

    def _text(self, data: str) -> None:
        for level in self._stack:
            if level["cell"] is not None:
                level["cell"]["text"].append(data)

    def _close_cell(self) -> None:
        level = self._stack[-1]
        cell = level["cell"]
        if cell is None:
            return
        text = _SPACES.sub(" ", "".join(cell["text"]).replace("\u00a0", " ")).strip()
        level["row"].append((nfc(text), cell["colspan"], cell["rowspan"]))
        level["cell"] = None

    def close(self) -> None:
        super().close()
        while self._stack:
            self._close_cell()
            self._stack.pop()


def _span(value: str | None) -> int:
    try:
        return max(1, min(int(str(value).strip()), 1000))
    except (TypeError, ValueError):
        return 1


def _place(table: list[list[tuple[str, int, int]]], title: str) -> GridSheet:
    """Cells at their grid positions, spans as merged ranges (the text in the top-left cell)."""
    grid: dict[tuple[int, int], str | None] = {}
    merged: list[CellRange] = []
    for r, row in enumerate(table, start=1):
        c = 1
        for text, colspan, rowspan in row:
            while (r, c) in grid:
                c += 1
            for dr in range(rowspan):
                for dc in range(colspan):
                    grid[(r + dr, c + dc)] = None
            grid[(r, c)] = text
            if colspan > 1 or rowspan > 1:
                merged.append(CellRange(r, c, r + rowspan - 1, c + colspan - 1))
            c += colspan
    height = max((r for r, _ in grid), default=0)
    width = max((c for _, c in grid), default=0)
    rows = [[Cell(grid.get((r, c)) or None) for c in range(1, width + 1)] for r in range(1, height + 1)]
    return GridSheet(title, rows, _Merged(merged))


def _html_text(path: Path, data: bytes) -> str:
    for bom, codec in (
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            encoding = codec
            break
    else:
        declared = _CHARSET.search(data[:4096])
        encoding = declared.group(1).decode("ascii").lower() if declared else ""
        if not encoding:
            try:
                encoding = detect_encoding(data[: 1 << 20], complete=len(data) <= 1 << 20)
            except EncodingNotDetectedError as error:
                raise UnreadableFileError(path, f"an HTML page in no encoding we read: {error.reason}") from None
    try:
        return data.decode(encoding)
    except LookupError:
        raise UnreadableFileError(path, f"an HTML page in an unknown encoding {encoding!r}") from None
    except UnicodeDecodeError as error:
        raise UnreadableFileError(
            path,
            f"an HTML page that is not valid {encoding} text (byte 0x{data[error.start]:02X} at offset {error.start})",
        ) from None


def read_html_tables(path: Path) -> GridBook:
    """Every <table> of an HTML page as a sheet ('table 1', 'table 2', ...), empty ones left out."""
    text = _html_text(path, path.read_bytes())
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise UnreadableFileError(path, f"line {line} holds a NUL character: not an HTML page a program wrote")
    parser = _TableParser()
    parser.feed(text)
    parser.close()
    sheets = [_place(table, f"table {number}") for number, table in enumerate(parser.tables, start=1) if table]
    if not sheets:
        raise UnreadableFileError(path, "an HTML page without a table (saved from a web page, not exported data?)")
    return GridBook(sheets)
