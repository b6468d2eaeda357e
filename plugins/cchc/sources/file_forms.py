"""What a landing file is, decided by its bytes, not by its name.

Exports arrive under names that lie: the web apps' "Xuất Excel" buttons write an HTML table and call
it `.xls`; Excel 97-2003 writes a BIFF `.xls` (an OLE compound file); a CSV gets renamed `.xlsx`;
Excel's "Unicode Text" is UTF-16 with tabs whatever it is called. `detect_form` reads the first bytes
and answers with the form the readers know, or refuses the file saying what it is.

Forms: `xlsx` (a zip holding an Excel workbook), `xls` (BIFF in an OLE compound file), `html` (an HTML
page, read for its tables), `json`, and `text` (CSV or tab-separated text in any accepted encoding).
"""

from __future__ import annotations

import codecs
import re
import zipfile
from pathlib import Path

from cchc.sources.csv_reader import UnreadableFileError

FORMS = ("text", "xlsx", "xls", "html", "json")
SNIFF_BYTES = 4096

_ZIP = b"PK\x03\x04"
_EMPTY_ZIP = b"PK\x05\x06"
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_OLE_SCAN_BYTES = 1 << 16
_BOMS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))
_MARKUP = re.compile(
    r"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body|table|meta)\b", re.I | re.S
)
_SPREADSHEET_ML = "urn:schemas-microsoft-com:office:spreadsheet"
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF", "a PDF document"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"Rar!", "a RAR archive"),
    (b"7z\xbc\xaf", "a 7-Zip archive"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"{\\rtf", "an RTF document"),
)


def _head_text(head: bytes) -> str:
    """The first bytes as text, for recognising markup and JSON (BOM-aware, lenient)."""
    for bom, codec in _BOMS:
        if head.startswith(bom):
            return head[len(bom) :].decode(codec, errors="ignore")
    return head.decode("utf-8", errors="ignore")


def _zip_form(path: Path) -> str:
    """`xlsx`, or a refusal saying what the zip archive is."""
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            mimetype = archive.read("mimetype").decode("ascii", "replace") if "mimetype" in names else ""
    except (zipfile.BadZipFile, OSError, KeyError):
        raise UnreadableFileError(path, "not an Excel .xlsx workbook: a damaged or incomplete zip archive") from None
    if "xl/workbook.xml" in names:
        return "xlsx"
    if "spreadsheet" in mimetype and "opendocument" in mimetype:
        what = "an OpenDocument spreadsheet (.ods); save it as 'Excel Workbook (.xlsx)'"
    elif "xl/workbook.bin" in names:
        what = "an Excel binary workbook (.xlsb); save it as 'Excel Workbook (.xlsx)'"
    elif "word/document.xml" in names:
        what = "a Word document"
    else:
        what = "a zip archive without an Excel workbook inside"
    raise UnreadableFileError(path, f"not an Excel .xlsx workbook: {what}")


def _ole_form(path: Path) -> str:
    """`xls`, or a refusal saying what the OLE compound file is (an encrypted workbook, a Word document)."""
    names = {
        "encrypted": "EncryptedPackage".encode("utf-16-le"),
        "workbook": "Workbook".encode("utf-16-le"),
        "book": "Book".encode("utf-16-le"),
        "word": "WordDocument".encode("utf-16-le"),
    }
    found: set[str] = set()
    tail = b""
    with path.open("rb") as handle:
        while chunk := handle.read(_OLE_SCAN_BYTES):
            window = tail + chunk
            found |= {name for name, needle in names.items() if needle in window}
            tail = chunk[-32:]
    if "encrypted" in found:
        raise UnreadableFileError(
            path, "the workbook is password-protected (encrypted); remove the password in Excel and send it again"
        )
    if "workbook" in found or "book" in found:
        return "xls"
    if "word" in found:
        raise UnreadableFileError(path, "a Word 97-2003 document, not a table")
    raise UnreadableFileError(path, "an OLE compound file that holds no Excel workbook")


def detect_form(path: Path) -> str:
    """The file's form (one of FORMS), decided by content; UnreadableFileError says what else it is."""
    try:
        with path.open("rb") as handle:
            head = handle.read(SNIFF_BYTES)
    except OSError as error:
        raise UnreadableFileError(path, f"cannot open the file: {error.strerror or error}") from None
    if not head:
        raise UnreadableFileError(path, "empty file")
    if head.startswith(_ZIP):
        return _zip_form(path)
    if head.startswith(_EMPTY_ZIP):
        raise UnreadableFileError(path, "not an Excel .xlsx workbook (an empty zip archive)")
    if head.startswith(_OLE):
        return _ole_form(path)
    for magic, what in _MAGIC:
        if head.startswith(magic):
            raise UnreadableFileError(path, f"{what}, not a table")
    text = _head_text(head)
    if _SPREADSHEET_ML in text:
        raise UnreadableFileError(
            path, "an Excel 2003 XML spreadsheet; save it as 'Excel Workbook (.xlsx)' or 'CSV UTF-8'"
        )
    if _MARKUP.match(text):
        return "html"
    if text.lstrip().startswith(("{", "[")):
        return "json"
    return "text"
