"""File formats of generated landing files, and the writers that stream rows into them.

Real one-stop desks export whatever their software vendor or the clerk's machine produces, so in
"mixed" mode each desk is given one file format for good, by a stable hash of its level and code
(`format_for`), the same every quarter and for every seed, as a vendor would be. The formats are
the ones the readers must accept (docs/design.md, "Landing contract"): UTF-8 CSV with or
without a BOM, Windows-1258, TCVN3 and VNI CSV, `;`-separated CSV with headers stripped of their
diacritics, decomposed (NFD) text, and Excel workbooks.

Writers take typed cells (text, int, float, date, datetime, None) and format them the way Vietnamese
exports do: `dd/mm/yyyy[ HH:MM]` dates and a decimal comma.
"""

from __future__ import annotations

import codecs
import csv
import io
import random
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path

from cchc.sources.datasets import DatasetSpec
from cchc_sample.dossiers import DATETIME_FORMAT, derive_seed

DATE_FORMAT = "%d/%m/%Y"
MODES = ("mixed", "csv", "realistic")

Cell = str | int | float | date | datetime | None


@dataclass(frozen=True)
class FileFormat:
    """How one desk writes its tables: file type, text encoding, separator and text form."""

    name: str
    extension: str  # csv or xlsx
    encoding: str = "utf-8"  # utf-8, cp1258, tcvn3 or vni; ignored for xlsx
    bom: bool = False
    delimiter: str = ","
    line_end: str = "\n"
    ascii_headers: bool = False  # headers without diacritics, as typed on a keyboard without Vietnamese input
    nfd: bool = False  # every text in decomposed form
    real_form: str | None = None  # a form of `cchc_sample.real_exports`, which writes the whole file


CSV_UTF8 = FileFormat("csv-utf8", "csv")
CSV_UTF8_BOM = FileFormat("csv-utf8-bom", "csv", bom=True, line_end="\r\n")
CSV_CP1258 = FileFormat("csv-cp1258", "csv", encoding="cp1258", line_end="\r\n")
CSV_TCVN3 = FileFormat("csv-tcvn3", "csv", encoding="tcvn3", line_end="\r\n")
CSV_VNI = FileFormat("csv-vni", "csv", encoding="vni", line_end="\r\n")
CSV_SEMICOLON = FileFormat("csv-semicolon", "csv", delimiter=";", line_end="\r\n", ascii_headers=True)
CSV_NFD = FileFormat("csv-nfd", "csv", nfd=True)
XLSX = FileFormat("xlsx", "xlsx")

FORMATS: dict[str, FileFormat] = {
    f.name: f for f in (CSV_UTF8, CSV_UTF8_BOM, CSV_CP1258, CSV_TCVN3, CSV_VNI, CSV_SEMICOLON, CSV_NFD, XLSX)
}

# Share of desks per format (percent). Most communes run the provincial system's UTF-8 export; the
# rest are older or local vendors. District desks run larger systems: CSV or Excel.
COMMUNE_FORMATS: tuple[tuple[FileFormat, int], ...] = (
    (CSV_UTF8, 50),
    (CSV_UTF8_BOM, 10),
    (CSV_CP1258, 8),
    (CSV_TCVN3, 6),
    (CSV_VNI, 5),
    (CSV_SEMICOLON, 8),
    (CSV_NFD, 5),
    (XLSX, 8),
)
DISTRICT_FORMATS: tuple[tuple[FileFormat, int], ...] = ((CSV_UTF8, 60), (CSV_UTF8_BOM, 15), (XLSX, 25))

# "realistic" mode: half the desks write one of the forms of real exports (see
# `cchc_sample.real_exports`: .xls, HTML saved as .xls, UTF-16 text, the portal's sync fields, a CSV
# with title and total rows, serial dates), the other half what "mixed" gives them. Forms go by the unit
# code modulo twice their number, so that a district's communes (codes a few apart) cover every form.
REAL_FORMS = {
    name: FileFormat(name, extension, real_form=name)
    for name, extension in (
        ("xls-biff", "xls"),
        ("html-xls", "xls"),
        ("unicode-text", "csv"),
        ("portal-sync", "csv"),
        ("csv-titled", "csv"),
        ("xlsx-serial", "xlsx"),
        ("csv-serial", "csv"),
    )
}
REALISTIC_DISTRICT_FORMATS = (REAL_FORMS["xls-biff"], REAL_FORMS["html-xls"], CSV_UTF8)
FORMATS.update(REAL_FORMS)


def format_for(level: str, unit_code: str, mode: str = "mixed") -> FileFormat:
    """The format a desk exports its dossiers in: plain UTF-8 CSV in "csv" mode, else its vendor's (in
    "realistic" mode, often one of the real exports' forms)."""
    if mode not in MODES:
        raise ValueError(f"unknown formats mode {mode!r}; expected one of {MODES}")
    if mode == "csv" or level not in ("commune", "district"):
        return CSV_UTF8
    if mode == "realistic":
        if level == "district":
            return REALISTIC_DISTRICT_FORMATS[int(unit_code) % len(REALISTIC_DISTRICT_FORMATS)]
        forms = list(REAL_FORMS.values())
        position = int(unit_code) % (2 * len(forms))
        if position < len(forms):
            return forms[position]
    table = COMMUNE_FORMATS if level == "commune" else DISTRICT_FORMATS
    draw = random.Random(derive_seed("file-format", level, unit_code)).random() * sum(w for _, w in table)
    for file_format, weight in table:
        draw -= weight
        if draw < 0:
            return file_format
    return table[-1][0]


# --- text forms -------------------------------------------------------------------------------------

_TONE_MARKS = frozenset("\u0300\u0301\u0303\u0309\u0323")  # huyền, sắc, ngã, hỏi, nặng


@lru_cache(maxsize=4096)
def _cp1258_char(char: str) -> str:
    try:
        char.encode("cp1258")
        return char
    except UnicodeEncodeError:
        pass
    decomposed = unicodedata.normalize("NFD", char)
    base = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in _TONE_MARKS))
    return base + "".join(c for c in decomposed if c in _TONE_MARKS)


def cp1258_form(text: str) -> str:
    """Text as Windows-1258 stores it: the code page has â, ê, ơ, ư… but no toned letters such as ế, so
    a tone is a combining mark after its base letter (ế = ê + U+0301). Decoding and NFC give `text` back."""
    return "".join(_cp1258_char(char) for char in unicodedata.normalize("NFC", text))


def encode_cp1258(text: str) -> bytes:
    return cp1258_form(text).encode("cp1258")


def without_diacritics(text: str) -> str:
    """'Mã hồ sơ' -> 'Ma ho so' (đ is a letter of its own, not d plus a mark)."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(c for c in decomposed if unicodedata.category(c) != "Mn")


def _encoder(file_format: FileFormat) -> Callable[[str], bytes]:
    if file_format.encoding == "utf-8":
        if file_format.nfd:
            return lambda text: unicodedata.normalize("NFD", text).encode("utf-8")
        return lambda text: text.encode("utf-8")
    if file_format.encoding == "cp1258":
        return encode_cp1258
    if file_format.encoding in ("tcvn3", "vni"):
        from cchc.sources.legacy_encodings import encode

        encoding = file_format.encoding
        return lambda text: encode(text, encoding)
    raise ValueError(f"{file_format.name}: unknown encoding {file_format.encoding!r}")


def headers_for(spec: DatasetSpec) -> list[str]:
    """The header a Vietnamese export uses for each column: the column's first alias."""
    return [column.aliases[0] if column.aliases else column.name for column in spec.columns]


# --- cells -------------------------------------------------------------------------------------------


def decimal_text(value: float) -> str:
    """8.75 -> '8,75', 10.0 -> '10': Vietnamese decimal comma, at most two decimals."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return text.replace(".", ",")


def cell_text(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime(DATETIME_FORMAT)
    if isinstance(value, date):
        return value.strftime(DATE_FORMAT)
    if isinstance(value, float):
        return decimal_text(value)
    return str(value)


# --- writers -----------------------------------------------------------------------------------------


def write_table(
    directory: Path,
    stem: str,
    headers: Sequence[str],
    rows: Iterable[Sequence[Cell]],
    file_format: FileFormat = CSV_UTF8,
    *,
    title: str | None = None,
) -> tuple[Path, int]:
    """Stream `rows` into `<directory>/<stem>.<csv|xlsx>` in `file_format`; the path and the row count.

    `rows` is consumed once, lazily, whatever the format, so a caller may watch the rows go by.
    """
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{stem}.{file_format.extension}"
    width = len(headers)

    def checked() -> Iterator[Sequence[Cell]]:
        for row in rows:
            if len(row) != width:
                raise ValueError(f"{path}: {len(row)} cells for {width} columns")
            yield row

    if file_format.extension == "xlsx":
        from cchc_sample.excel_files import write_table_xlsx

        return path, write_table_xlsx(path, list(headers), checked(), title=title)
    encode = _encoder(file_format)
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=file_format.delimiter, lineterminator=file_format.line_end)

    def line(cells: Sequence[str]) -> bytes:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow(cells)
        return encode(buffer.getvalue())

    count = 0
    with path.open("wb") as handle:
        if file_format.bom:
            handle.write(codecs.BOM_UTF8)
        handle.write(line([without_diacritics(h) for h in headers] if file_format.ascii_headers else headers))
        for row in checked():
            handle.write(line([cell_text(value) for value in row]))
            count += 1
    return path, count
