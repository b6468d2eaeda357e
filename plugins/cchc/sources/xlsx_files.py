"""Opening landing-zone .xlsx workbooks (and .xls or HTML ones through `cchc.sources.workbooks`) safely,
and every cell as the text a person sees in Excel.

A workbook is measured by what it unpacks to before it is opened (`CCHC_MAX_WORKBOOK_MB`), never by what
it declares of itself. Every value comes out as Excel shows it, so staging types Excel and CSV alike:
numbers without a spurious '.0' ('10407'), non-integers with the Vietnamese decimal comma ('12,5'),
percent-formatted cells as '94%', dates as 'dd/mm/yyyy' and date-times as 'dd/mm/yyyy HH:MM'. Codes
that Excel turned into numbers come out without their leading zeros; padding them is staging's job.
"""

from __future__ import annotations

import math
import re
import warnings
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from openpyxl.workbook.workbook import Workbook

from cchc import settings
from cchc.sources.csv_reader import UnreadableFileError
from cchc.sources.file_forms import detect_form
from cchc.sources.text import nfc
from cchc.sources.workbooks import GridBook, read_html_tables, read_xls

MAX_WORKBOOK_MB_VAR = "CCHC_MAX_WORKBOOK_MB"


def max_workbook_bytes() -> int:
    """What a workbook may unpack to (an .xlsx's parts, an .xls or HTML file as it is): CCHC_MAX_WORKBOOK_MB."""
    return settings.whole_number(MAX_WORKBOOK_MB_VAR, "a positive whole number of MiB", minimum=1) << 20


def check_size(path: Path, form: str) -> None:
    """Refuse a workbook bigger than the limit by what it holds, not by what it declares of itself."""
    limit = max_workbook_bytes()
    if form == "xlsx":
        try:
            with zipfile.ZipFile(path) as archive:
                size = sum(entry.file_size for entry in archive.infolist())
        except (zipfile.BadZipFile, OSError) as error:
            raise UnreadableFileError(path, f"not an Excel .xlsx workbook: a damaged zip archive ({error})") from None
        what = "unpacks to"
    else:
        size = path.stat().st_size
        what = "is"
    if size > limit:
        raise UnreadableFileError(
            path, f"the workbook {what} {size >> 20} MiB, more than {limit >> 20} MiB ({MAX_WORKBOOK_MB_VAR})"
        )


# --- opening a workbook -----------------------------------------------------------------------------


def spreadsheet_form(path: Path) -> str:
    """'xlsx', 'xls' or 'html' as the file's bytes say, whatever its name; anything else is refused."""
    form = detect_form(path)
    if form == "text":
        raise UnreadableFileError(
            path, "not an Excel .xlsx workbook (the file is plain text, perhaps a CSV file renamed .xlsx)"
        )
    if form == "json":
        raise UnreadableFileError(path, "not an Excel .xlsx workbook (the file is JSON text)")
    return form


@contextmanager
def open_workbook(
    path: Path, *, read_only: bool, data_only: bool = True, form: str = "xlsx"
) -> Iterator[Workbook | GridBook]:
    """The workbook, closed afterwards; any failure to parse it is an UnreadableFileError. An .xls or
    HTML-table file comes as a GridBook, which offers the part of openpyxl's interface used here."""
    if form == "xls":
        yield read_xls(path)
        return
    if form == "html":
        yield read_html_tables(path)
        return
    with path.open("rb") as handle:
        try:
            with warnings.catch_warnings():
                # openpyxl warns about features it drops (data validation, conditional formats...),
                # none of which carry data.
                warnings.simplefilter("ignore", UserWarning)
                workbook = load_workbook(handle, read_only=read_only, data_only=data_only, rich_text=False)
        except Exception as error:  # openpyxl raises many types for a damaged package
            raise UnreadableFileError(
                path, f"not an Excel .xlsx workbook: a damaged Excel workbook ({error})"
            ) from None
        try:
            yield workbook
        finally:
            workbook.close()


def sheets_in_order(workbook: Workbook | GridBook) -> list[Any]:
    """Visible sheets first: a hidden sheet is usually a lookup list, not the data."""
    sheets = list(workbook.worksheets)
    return [s for s in sheets if s.sheet_state == "visible"] + [s for s in sheets if s.sheet_state != "visible"]


def sheet_names(workbook: Workbook | GridBook) -> str:
    return ", ".join(repr(name) for name in workbook.sheetnames)


# --- cell values as text ------------------------------------------------------------------------------

_QUOTED = re.compile(r'"[^"]*"|\\.|\[[^\]]*\]')


def _format_shows(number_format: str | None, token: str) -> bool:
    """Whether a number format displays `token` outside quoted literals and [colour/locale] codes."""
    if not number_format:
        return False
    return token in _QUOTED.sub("", number_format).lower()


def _round_to_second(moment: datetime) -> datetime:
    """Excel stores times as day fractions; 08:30 may come back as 08:29:59.9999."""
    rounded = moment + timedelta(microseconds=500_000)
    return rounded.replace(microsecond=0)


def _date_text(day: date) -> str:
    return f"{day.day:02d}/{day.month:02d}/{day.year:04d}"


def _time_text(moment: time | datetime, *, seconds: bool) -> str:
    text = f"{moment.hour:02d}:{moment.minute:02d}"
    return f"{text}:{moment.second:02d}" if seconds else text


def _number_text(value: int | float | Decimal, *, percent: bool = False) -> str:
    """A number as Vietnamese Excel shows it: no grouping, decimal comma, at most 15 significant digits."""
    if isinstance(value, float):
        if not math.isfinite(value):
            return str(value)
        number = Decimal(f"{value:.15g}")
    else:
        number = Decimal(value)
    if percent:
        number *= 100
    text = format(number, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    if text in ("-0", ""):
        text = "0"
    text = text.replace(".", ",")
    return f"{text}%" if percent else text


def cell_text(value: object, number_format: str | None = None) -> str:
    """The text a person sees in a cell holding `value` with `number_format` ('' for an empty cell).

    Dates show as dd/mm/yyyy; a date-time adds HH:MM when its format shows hours or its time is not
    midnight, and :SS when the seconds are not zero, so no stored information is dropped.
    """
    if value is None:
        return ""
    if isinstance(value, str):
        return nfc(value).strip()
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, datetime):
        moment = _round_to_second(value)
        with_time = _format_shows(number_format, "h") or moment.time() != time(0)
        if not with_time:
            return _date_text(moment)
        seconds = moment.second != 0 or _format_shows(number_format, "s")
        return f"{_date_text(moment)} {_time_text(moment, seconds=seconds)}"
    if isinstance(value, date):
        return _date_text(value)
    if isinstance(value, time):
        return _time_text(value, seconds=value.second != 0)
    if isinstance(value, timedelta):
        total = round(value.total_seconds())
        sign, total = ("-", -total) if total < 0 else ("", total)
        return f"{sign}{total // 3600}:{total % 3600 // 60:02d}:{total % 60:02d}"
    if isinstance(value, int | float | Decimal):
        return _number_text(value, percent=_format_shows(number_format, "%"))
    return nfc(str(value)).strip()
