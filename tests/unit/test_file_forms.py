"""What a landing file is, by its bytes: the forms the readers take and what the rest are called."""

from __future__ import annotations

import codecs
import zipfile
from pathlib import Path

import pytest
import xlwt
from openpyxl import Workbook

from cchc.sources.csv_reader import UnreadableFileError
from cchc.sources.datasets import DOSSIERS
from cchc.sources.excel_tables import read_table_xlsx
from cchc.sources.file_forms import detect_form
from cchc.sources.workbooks import read_html_tables

pytestmark = pytest.mark.unit


def _file(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_forms_the_readers_take(tmp_path: Path) -> None:
    book = xlwt.Workbook()
    book.add_sheet("Sheet1").write(0, 0, "Mã hồ sơ")
    book.save(str(tmp_path / "old.xls"))
    Workbook().save(tmp_path / "new.xls")  # an .xlsx under an .xls name
    _file(tmp_path, "web.xls", b"\r\n<html><head><meta charset=utf-8></head><table><tr><td>x")
    _file(tmp_path, "web16.xlsx", codecs.BOM_UTF16_LE + "<table><tr><td>x".encode("utf-16-le"))
    _file(tmp_path, "doctype.xls", b"<!DOCTYPE html>\n<html><body><table></table>")
    _file(tmp_path, "text.xlsx", "Mã hồ sơ,Mã thủ tục\n".encode())
    _file(tmp_path, "unicode.csv", codecs.BOM_UTF16_LE + "Mã\tLĩnh vực".encode("utf-16-le"))
    _file(tmp_path, "portal.csv", b'  {"items": []}')
    found = {path.name: detect_form(path) for path in sorted(tmp_path.iterdir())}
    assert found == {
        "old.xls": "xls",
        "new.xls": "xlsx",
        "web.xls": "html",
        "web16.xlsx": "html",
        "doctype.xls": "html",
        "text.xlsx": "text",
        "unicode.csv": "text",
        "portal.csv": "json",
    }


@pytest.mark.parametrize(
    ("data", "said"),
    [
        (b"", "empty file"),
        (b"%PDF-1.4\n%\xe2\xe3", "a PDF document, not a table"),
        (b"\x89PNG\r\n\x1a\n", "a PNG image, not a table"),
        (b"PK\x05\x06" + bytes(18), "not an Excel .xlsx workbook (an empty zip archive)"),
        (b'<?xml version="1.0"?>\n<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet">',
         "an Excel 2003 XML spreadsheet"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504) + "WordDocument".encode("utf-16-le"),
         "a Word 97-2003 document, not a table"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504) + "EncryptedPackage".encode("utf-16-le"),
         "password-protected"),
    ],
)  # fmt: skip
def test_forms_refused_say_what_the_file_is(tmp_path: Path, data: bytes, said: str) -> None:
    with pytest.raises(UnreadableFileError) as caught:
        detect_form(_file(tmp_path, "dossiers.xls", data))
    assert said in caught.value.reason


def test_a_zip_that_is_an_opendocument_spreadsheet(tmp_path: Path) -> None:
    path = tmp_path / "dossiers.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
    with pytest.raises(UnreadableFileError, match=r"an OpenDocument spreadsheet \(\.ods\)"):
        detect_form(path)


def test_html_spans_become_merged_ranges_with_the_text_in_the_top_left_cell(tmp_path: Path) -> None:
    page = (
        "<html><head><meta charset='utf-8'></head><body><table>"
        "<tr><td rowspan=2>STT</td><td colspan=2>Số hồ sơ</td></tr>"
        "<tr><td>Tổng</td><td>Trực tuyến<br>(mới)</td></tr>"
        "<tr><td>1</td><td>1.234&nbsp;</td><td>12"  # unclosed cells and rows, as some exporters write them
        "</table><table><tr><td>second</td></tr></table><table></table>"
    )
    book = read_html_tables(_file(tmp_path, "page.xls", page.encode("utf-8")))
    first, second = book.worksheets
    assert (first.title, second.title, book.sheetnames) == ("table 1", "table 2", ["table 1", "table 2"])
    values = [[cell.value for cell in row] for row in first.iter_rows()]
    assert values == [["STT", "Số hồ sơ", None], [None, "Tổng", "Trực tuyến (mới)"], ["1", "1.234", "12"]]
    spans = [(r.min_row, r.min_col, r.max_row, r.max_col) for r in first.merged_cells.ranges]
    assert spans == [(1, 1, 2, 1), (1, 2, 1, 3)]


def test_an_html_page_without_a_table_is_refused(tmp_path: Path) -> None:
    with pytest.raises(UnreadableFileError, match="an HTML page without a table"):
        read_table_xlsx(_file(tmp_path, "dossiers.xls", b"<html><body><p>Phien dang nhap da het han</p>"), DOSSIERS)
