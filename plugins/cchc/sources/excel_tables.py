"""Plain tables exported by one-stop software as .xlsx (`dossiers.xlsx`): a header row, perhaps under a few
title rows, then one record per row. `read_table_xlsx` streams them in openpyxl's read-only mode, so a
100k-row export is never held in memory, and gives the rows the CSV reader gives.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import from_excel

from cchc.sources.csv_reader import MalformedRowError, UnreadableFileError
from cchc.sources.datasets import Column, DatasetSpec
from cchc.sources.header_map import HeaderMap, Substitution, apply_fallbacks
from cchc.sources.summary_rows import TrailingSummaries
from cchc.sources.xlsx_files import cell_text, check_size, open_workbook, sheet_names, sheets_in_order, spreadsheet_form

HEADER_SCAN_ROWS = 20
"""A table's header row is looked for this far down: exports put at most a few title rows above it."""

# --- describing columns in messages ---------------------------------------------------------------------


def _describe(column: Column) -> str:
    vietnamese = column.aliases[0] if column.aliases else column.name
    return f"{vietnamese} ({column.name})"


def _describe_names(spec: DatasetSpec, names: Sequence[str]) -> str:
    by_name = {column.name: column for column in spec.columns}
    return ", ".join(_describe(by_name[name]) for name in names)


# --- plain tables ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TableFile(HeaderMap):
    """One worksheet of a tabular workbook (.xlsx, .xls or an HTML table) whose header has been
    checked; `rows()` streams its records.

    The attributes mirror `CsvFile` so the raw loader treats both alike; `encoding` and `delimiter`
    are None because a workbook has neither. `form` is what the file is ('xlsx', 'xls', 'html'),
    `title_rows` the rows above the header, and after `rows()` has run `summaries` holds the summary
    rows it skipped at the end of the list.
    """

    path: Path
    spec: DatasetSpec
    sheet_name: str
    header_row: int
    source_headers: list[str]
    columns: list[str | None]
    encoding: None = None
    delimiter: None = None
    form: str = "xlsx"
    substitutions: list[Substitution] = field(default_factory=list)
    title_rows: list[tuple[int, str]] = field(default_factory=list)
    summaries: TrailingSummaries = field(default_factory=TrailingSummaries, compare=False, repr=False)
    unknown_headers: list[str] = field(init=False)

    @property
    def header_line(self) -> int:
        """The header's row number, under CsvFile's name."""
        return self.header_row

    @property
    def file_format(self) -> str:
        return self.form

    @property
    def skipped(self) -> list[Any]:
        return self.summaries.skipped

    @property
    def warnings(self) -> list[str]:
        """File-level warnings: the header's, and (after `rows()`) a summary row's count that differs."""
        return self.header_warnings + self.summaries.warnings()

    def rows(
        self, on_malformed: Callable[[MalformedRowError], None] | None = None
    ) -> Iterator[tuple[int, dict[str, str]]]:
        """Yield (Excel row number, {canonical column: displayed text}) per non-blank record.

        A row without any value is skipped (spreadsheets end in formatted blank rows), and so are the
        summary rows that end the list. A number in a date column is an Excel serial
        date, read with the workbook's date system (1900 or 1904), unless it is a whole number of 8, 12
        or 14 digits (yyyyMMdd[HHmm[ss]] typed into a cell). `on_malformed` is accepted for parity with
        `CsvFile.rows`: a worksheet row always splits into cells, so it is never called.
        """
        del on_malformed
        return self.summaries.filter(self._records())

    def _records(self) -> Iterator[tuple[int, list[str], dict[str, str]]]:
        kinds = {column.name: column.kind for column in self.spec.columns}
        positions = [(index, column) for index, column in enumerate(self.columns) if column is not None]
        # Date columns, where a number is a serial date (see `_value_text`).
        dates = [(index, column) for index, column in positions if kinds[column] in ("date", "datetime")]
        first = self.header_row + 1
        with open_workbook(self.path, read_only=True, form=self.form) as workbook:
            epoch = getattr(workbook, "epoch", EXCEL_1900_EPOCH)
            sheet = workbook[self.sheet_name]
            sheet.reset_dimensions()  # some exporters write a wrong <dimension>; read what is there
            cells = iter(sheet.iter_rows(min_row=first))
            row_number = first - 1
            while True:
                try:
                    row = next(cells)
                except StopIteration:
                    return
                except Exception as error:  # a damaged sheet XML part, found only while streaming
                    raise UnreadableFileError(
                        self.path, f"sheet {self.sheet_name!r} is damaged after row {row_number}: {error}"
                    ) from None
                row_number += 1
                texts = [cell_text(cell.value, cell.number_format) for cell in row]
                # Only a row with no value at all is blank: one with values under columns we do not read
                # only (a total row whose label sits in the STT column) is still a row, and is reported.
                if not any(texts):
                    continue
                values = {column: texts[index] if index < len(texts) else "" for index, column in positions}
                for index, column in dates:
                    if index < len(row) and isinstance(row[index].value, int | float):
                        values[column] = _value_text(row[index].value, row[index].number_format, "datetime", epoch)
                yield row_number, texts, values


EXCEL_1900_EPOCH = datetime(1899, 12, 30)
_COMPACT_DATE_DIGITS = (8, 12, 14)
_LAST_SERIAL = 2958465  # 31/12/9999


def _value_text(value: object, number_format: str | None, kind: str, epoch: datetime) -> str:
    """A cell's text for a column of `kind`: in a date column a number is a serial date of the workbook's
    date system, unless its digits are a date typed as a number (20240415)."""
    if kind in ("date", "datetime") and isinstance(value, int | float) and not isinstance(value, bool):
        whole = float(value).is_integer()
        if whole and len(str(int(value))) in _COMPACT_DATE_DIGITS:
            return str(int(value))
        if 0 < value <= _LAST_SERIAL:
            return cell_text(from_excel(value, epoch), None)
    return cell_text(value, number_format)


@dataclass
class _HeaderCandidate:
    sheet: str
    row: int
    headers: list[str]
    columns: list[str | None]
    titles: list[tuple[int, str]] = field(default_factory=list)

    def required_found(self, spec: DatasetSpec) -> set[str]:
        """Required columns the header names, or names through their fallback."""
        present = set(self.columns)
        present |= {column.name for column in spec.columns if column.fallback and column.fallback in present}
        return present & set(spec.required_names)


def _scan_header(sheet: Any, spec: DatasetSpec) -> tuple[_HeaderCandidate | None, _HeaderCandidate | None, bool]:
    """(first row naming enough required columns, row naming the most, whether any cell has a value);
    a candidate keeps the non-empty rows above it as its title rows."""
    needed = max(1, math.ceil(len(spec.required_names) / 2))
    best: _HeaderCandidate | None = None
    seen_value = False
    above: list[tuple[int, str]] = []
    for number, row in enumerate(sheet.iter_rows(min_row=1, max_row=HEADER_SCAN_ROWS), start=1):
        headers = [cell_text(cell.value, cell.number_format) for cell in row]
        while headers and not headers[-1]:
            headers.pop()
        if not headers:
            continue
        seen_value = True
        columns = [spec.canonical(h) if h else None for h in headers]
        candidate = _HeaderCandidate(sheet.title, number, headers, columns, list(above))
        found = len(candidate.required_found(spec))
        if found >= needed:
            return candidate, candidate, True
        if found and (best is None or found > len(best.required_found(spec))):
            best = candidate
        above.append((number, " ".join(text for text in headers if text)))
    return None, best, seen_value


def _has_any_value(sheet: Any) -> bool:
    return any(value is not None for row in sheet.iter_rows(values_only=True) for value in row)


def _check_duplicates(path: Path, candidate: _HeaderCandidate) -> None:
    first_seen: dict[str, int] = {}
    duplicates: list[str] = []
    for index, name in enumerate(candidate.columns):
        if name is None:
            continue
        if name in first_seen:
            earlier = first_seen[name]
            duplicates.append(
                f"{candidate.headers[earlier]!r} (column {get_column_letter(earlier + 1)}) and "
                f"{candidate.headers[index]!r} (column {get_column_letter(index + 1)}) both mean {name}"
            )
        else:
            first_seen[name] = index
    if duplicates:
        raise UnreadableFileError(
            path, f"sheet {candidate.sheet!r} row {candidate.row} names the same column twice: " + "; ".join(duplicates)
        )


def read_table_xlsx(path: Path, spec: DatasetSpec, sheet: str | None = None) -> TableFile:
    """Open a tabular landing workbook for `spec`, or raise UnreadableFileError saying why not.

    The workbook may be an .xlsx, an Excel 97-2003 .xls or an HTML table saved as a workbook; its
    bytes decide which, not its name. The header is the first row within the first HEADER_SCAN_ROWS
    rows that names at least half of the spec's required columns, so title rows above it are skipped
    (and recorded). Without `sheet`, the first sheet (visible ones first) with a complete header is
    used. Rows are streamed by `rows()`.
    """
    path = Path(path)
    form = spreadsheet_form(path)
    check_size(path, form)
    with open_workbook(path, read_only=True, form=form) as workbook:
        if sheet is not None and sheet not in workbook.sheetnames:
            raise UnreadableFileError(path, f"no sheet named {sheet!r} (sheets: {sheet_names(workbook)})")
        sheets = [workbook[sheet]] if sheet is not None else sheets_in_order(workbook)
        incomplete: _HeaderCandidate | None = None
        closest: _HeaderCandidate | None = None
        any_value = False
        for worksheet in sheets:
            worksheet.reset_dimensions()
            header, best, seen_value = _scan_header(worksheet, spec)
            any_value = any_value or seen_value or (header is None and best is None and _has_any_value(worksheet))
            if header is not None:
                if set(spec.required_names) <= header.required_found(spec):
                    _check_duplicates(path, header)
                    columns = list(header.columns)
                    substitutions = apply_fallbacks(spec, header.headers, columns)
                    return TableFile(
                        path,
                        spec,
                        header.sheet,
                        header.row,
                        header.headers,
                        columns,
                        form=form,
                        substitutions=substitutions,
                        title_rows=header.titles,
                    )
                incomplete = incomplete or header
            elif best is not None and (
                closest is None or len(best.required_found(spec)) > len(closest.required_found(spec))
            ):
                closest = best
        if not any_value:
            where = f"sheet {sheet!r} is empty" if sheet is not None else "no sheet holds any value"
            raise UnreadableFileError(path, f"empty workbook: {where}")
    if incomplete is not None:
        missing = [name for name in spec.required_names if name not in incomplete.required_found(spec)]
        raise UnreadableFileError(
            path,
            f"sheet {incomplete.sheet!r} row {incomplete.row}: missing required columns: "
            + _describe_names(spec, missing),
        )
    expected = _describe_names(spec, spec.required_names)
    reason = f"no sheet has a {spec.name} header row in its first {HEADER_SCAN_ROWS} rows; expected {expected}"
    if closest is not None:
        missing = [name for name in spec.required_names if name not in closest.required_found(spec)]
        reason += (
            f" (closest: sheet {closest.sheet!r} row {closest.row}, which lacks " + _describe_names(spec, missing) + ")"
        )
    raise UnreadableFileError(path, reason)
