from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
import unicodedata
import zipfile
from datetime import date, datetime, time
from pathlib import Path

import pytest
from cchc_sample.excel_files import write_ii06a_workbook, write_table_xlsx
from openpyxl import Workbook

from cchc.sources.csv_reader import UnreadableFileError
from cchc.sources.datasets import DOSSIERS, ONE_STOP_REPORT
from cchc.sources.excel_tables import read_table_xlsx
from cchc.sources.ii06a_reader import SkippedRow, read_ii06a
from cchc.sources.xlsx_files import cell_text
from tests.support.landing_files import assert_same_fixture

pytestmark = pytest.mark.unit

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "excel"
REPO = Path(__file__).resolve().parents[2]
COUNTS = ONE_STOP_REPORT.column_names[2:]


def fixture(name: str) -> Path:
    return FIXTURES / name


def counts(*values: str) -> dict[str, str]:
    return dict(zip(COUNTS, values, strict=True))


def unit_row(label: str, code: str, *values: str) -> dict[str, str]:
    return {"row_label": label, "unit_code": code, **counts(*values)}


# --- committed fixtures: Biểu II.06a ------------------------------------------------------------------------


def test_district_form_with_merged_header_number_row_and_text_numbers() -> None:
    form = read_ii06a(fixture("ii06a_district_2020q1.xlsx"))
    assert form.sheet_name == "Bieu 06a"
    assert form.title == (
        "TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH TẠI CƠ QUAN, ĐƠN VỊ TRỰC TIẾP GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH"
    )
    assert form.reporting_unit == "UBND huyện Hồng Ngự"
    assert form.period_label == "Quý I năm 2020"
    assert (form.period_start, form.period_end) == (date(2019, 12, 15), date(2020, 3, 14))
    assert (form.header_row, form.number_row) == (6, 9)
    assert form.column_letters == {"row_label": "B", **dict(zip(COUNTS, "CDEFGHIJKLM", strict=True))}
    assert (form.encoding, form.delimiter) == (None, None)
    assert list(form.rows()) == [
        (10, unit_row("Thị trấn Thường Thới Tiền", "29971", "1234", "310", "902", "22", "1180", "95", "1080", "5",
                      "54", "50", "4")),
        # Blank cells in a filled row are zeros; ' 56 ' typed as text is 56.
        (11, unit_row("Xã Thường Phước 1", "29956", "456", "56", "400", "0", "450", "30", "420", "0", "6", "6", "0")),
        # Row 12 is blank; '-' means none.
        (13, unit_row("Xã Thường Thới Hậu A", "29962", "2015", "1015", "990", "10", "2000", "100", "1890", "10",
                      "15", "15", "0")),
        (14, unit_row("Xã Long Khánh A", "29980", "87", "7", "80", "0", "87", "0", "87", "0", "0", "0", "0")),
    ]  # fmt: skip
    assert form.total_row_number == 15
    assert form.total_row == unit_row(
        "Tổng cộng", "", "3792", "1388", "2372", "32", "3717", "225", "3477", "15", "75", "71", "4"
    )
    assert form.skipped_rows == [
        SkippedRow(17, "Hồng Ngự, ngày 20 tháng 3 năm 2020"),
        SkippedRow(18, "NGƯỜI LẬP BIỂU THỦ TRƯỞNG ĐƠN VỊ"),
    ]


def test_district_form_without_its_number_row_is_located_by_the_merged_header(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    workbook = load_workbook(fixture("ii06a_district_2020q1.xlsx"))
    for cell in workbook.active[9]:
        cell.value = None
    path = tmp_path / "no_numbers.xlsx"
    workbook.save(path)
    form = read_ii06a(path)
    expected = read_ii06a(fixture("ii06a_district_2020q1.xlsx"))
    assert (form.number_row, form.header_row) == (None, 6)
    assert form.column_letters == expected.column_letters
    assert list(form.rows()) == list(expected.rows())
    assert form.total_row == expected.total_row


@pytest.mark.parametrize(("name", "form"), [("ii06a_web_export.xls", "html"), ("ii06a_excel97.xls", "xls")])
def test_the_same_form_saved_as_html_or_excel_97_reads_as_the_xlsx_does(name: str, form: str) -> None:
    # The web apps' "Xuất Excel" (an HTML table with rowspan/colspan, named .xls) and Excel 97-2003 (BIFF
    # with merged ranges) hold the cells of ii06a_district_2020q1.xlsx: they read to its rows, total and period.
    read = read_ii06a(fixture(name))
    expected = read_ii06a(fixture("ii06a_district_2020q1.xlsx"))
    assert read.file_format == form
    assert (read.title, read.reporting_unit, read.period_label) == (
        expected.title,
        "UBND huyện Hồng Ngự",
        "Quý I năm 2020",
    )
    assert (read.period_start, read.period_end) == (date(2019, 12, 15), date(2020, 3, 14))
    assert (read.header_row, read.number_row) == (6, 9)
    assert list(read.rows()) == list(expected.rows())
    assert (read.total_row_number, read.total_row) == (15, expected.total_row)
    assert read.skipped_rows == expected.skipped_rows


def test_rows_sum_to_the_total_row() -> None:
    form = read_ii06a(fixture("ii06a_district_2020q1.xlsx"))
    assert form.total_row is not None
    for name in COUNTS:
        assert sum(int(values[name]) for _, values in form.rows()) == int(form.total_row[name])


def test_rows_have_exactly_the_canonical_columns_in_order() -> None:
    for name in ("ii06a_district_2020q1.xlsx", "ii06a_by_field.xlsx", "ii06a_no_period.xlsx"):
        for _, values in read_ii06a(fixture(name)).rows():
            assert list(values) == ONE_STOP_REPORT.column_names


def test_form_by_field_located_by_header_text() -> None:
    form = read_ii06a(fixture("ii06a_by_field.xlsx"))
    assert form.number_row is None
    assert form.header_row == 5
    assert form.reporting_unit == "Trung tâm Phục vụ hành chính công tỉnh Đồng Tháp"
    assert form.period_label == "Quý II năm 2021"
    assert (form.period_start, form.period_end) == (date(2021, 3, 15), date(2021, 6, 14))
    # 'Quá hạn' twice: J under 'đã giải quyết', M under 'đang giải quyết'.
    assert form.column_letters["resolved_late"] == "J"
    assert form.column_letters["pending_overdue"] == "M"
    assert [(number, values["row_label"], values["unit_code"]) for number, values in form.rows()] == [
        (9, "Hộ tịch", ""),
        (10, "Đất đai", ""),
        (11, "Xây dựng", ""),
        (13, "Chứng thực", ""),
    ]
    assert dict(form.rows())[10] == unit_row(
        "Đất đai", "", "300", "150", "140", "10", "270", "40", "222", "8", "30", "28", "2"
    )
    # The total sits above the fields; the level headings hold no counts.
    assert form.total_row_number == 7
    assert form.total_row == unit_row(
        "Tổng số", "", "640", "410", "220", "10", "600", "150", "440", "10", "40", "38", "2"
    )
    assert form.skipped_rows == [SkippedRow(8, "I Cấp tỉnh"), SkippedRow(12, "II Cấp huyện")]


def test_form_without_period_dates_never_guesses_them() -> None:
    form = read_ii06a(fixture("ii06a_no_period.xlsx"))
    # The label says Q1/2020, whose cut-off is 15/12-14/3, but the dates were left as '……'.
    assert form.period_label == "Quý I năm 2020"
    assert (form.period_start, form.period_end) == (None, None)
    assert form.reporting_unit == "UBND huyện Hồng Ngự"
    assert form.column_letters["unit_code"] == "C"
    assert (form.column_letters["resolved_late"], form.column_letters["pending_overdue"]) == ("K", "N")
    rows = list(form.rows())
    assert rows == [
        (6, unit_row("Xã Thường Lạc", "29977", "210", "40", "170", "0", "200", "20", "178", "2", "10", "9", "1")),
        (7, unit_row("Xã Thường Phước 2", "29974", "95", "5", "88", "2", "95", "0", "95", "0", "0", "0", "0")),
    ]
    assert unicodedata.is_normalized("NFC", rows[1][1]["row_label"])
    assert form.total_row_number == 8
    assert form.total_row is not None and form.total_row["row_label"] == "Cộng"


def test_form_whose_columns_cannot_be_located_is_refused() -> None:
    path = fixture("ii06a_broken.xlsx")
    with pytest.raises(UnreadableFileError) as caught:
        read_ii06a(path)
    assert caught.value.path == path
    message = str(caught.value)
    assert message.startswith(f"{path}: could not locate the columns of Biểu II.06a/VPCP/KSTT")
    assert "no column-number row (1)...(13)" in message
    assert "(10) Quá hạn (đã giải quyết) (resolved_late)" in message
    assert "(13) Quá hạn (đang giải quyết) (pending_overdue)" in message


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("not_excel.xlsx", "not an Excel .xlsx workbook (the file is plain text, perhaps a CSV file renamed .xlsx)"),
        ("empty.xlsx", "empty workbook: no sheet holds any value"),
    ],
)
def test_unreadable_fixtures(name: str, reason: str) -> None:
    for read in (read_ii06a, lambda path: read_table_xlsx(path, DOSSIERS)):
        with pytest.raises(UnreadableFileError) as caught:
            read(fixture(name))
        assert caught.value.path == fixture(name)
        assert caught.value.reason == reason
        assert str(caught.value) == f"{fixture(name)}: {reason}"


# --- committed fixtures: plain tables -----------------------------------------------------------------------


def test_dossier_table_under_title_rows_with_real_dates_and_numeric_codes() -> None:
    table = read_table_xlsx(fixture("dossiers_table.xlsx"), DOSSIERS)
    # The instructions sheet comes first and has no header; the data sheet is found.
    assert table.sheet_name == "Hồ sơ"
    assert table.header_row == 4
    # A row number is left out on purpose and recorded; a clerk's note is a column no reader maps.
    assert (table.not_loaded_headers, table.unknown_headers) == (["STT"], ["Ghi chú"])
    assert (table.encoding, table.delimiter) == (None, None)
    assert table.present_columns == [
        "dossier_id", "unit_code", "procedure_code", "field", "channel", "received_at", "due_at", "resolved_at",
        "returned_by_post", "supplement_requests",
    ]  # fmt: skip
    rows = list(table.rows())
    assert rows == [
        (5, {"dossier_id": "000.00.20.H17-180105-0001", "unit_code": "20194", "procedure_code": "1.001193",
             "field": "Hộ tịch", "channel": "1", "received_at": "05/01/2018 08:30", "due_at": "05/01/2018 16:30",
             "resolved_at": "05/01/2018 10:15", "returned_by_post": "Không", "supplement_requests": "0"}),
        # A dossier number Excel stored as a number keeps no zeros; a date-only cell has no time.
        (6, {"dossier_id": "2", "unit_code": "20194", "procedure_code": "2.000908", "field": "Chứng thực",
             "channel": "2", "received_at": "05/01/2018 09:05", "due_at": "08/01/2018", "resolved_at": "",
             "returned_by_post": "Không", "supplement_requests": "0"}),
        # Row 7 is empty.
        (8, {"dossier_id": "000.00.20.H17-180108-0001", "unit_code": "20194", "procedure_code": "1.003583",
             "field": "Xây dựng, nhà ở", "channel": "Bưu chính", "received_at": "08/01/2018 14:00",
             "due_at": "22/01/2018 17:00", "resolved_at": "19/01/2018 09:40", "returned_by_post": "Có",
             "supplement_requests": "1"}),
    ]  # fmt: skip
    assert unicodedata.is_normalized("NFC", rows[1][1]["field"])


def test_table_reader_refuses_a_form_without_the_required_headers() -> None:
    path = fixture("ii06a_by_field.xlsx")
    with pytest.raises(UnreadableFileError) as caught:
        read_table_xlsx(path, DOSSIERS)
    assert str(caught.value) == (
        f"{path}: no sheet has a dossiers header row in its first 20 rows; expected Mã hồ sơ (dossier_id), "
        "Mã thủ tục (procedure_code), Lĩnh vực (field), Hình thức nộp (channel), Ngày tiếp nhận (received_at), "
        "Ngày hẹn trả (due_at), Ngày có kết quả (resolved_at)"
    )


def test_fixtures_are_rebuilt_identically(tmp_path: Path) -> None:
    spec = importlib.util.spec_from_file_location("excel_fixtures", FIXTURES / "make_fixtures.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.main(tmp_path)
    for name in module.FIXTURES:
        assert_same_fixture(tmp_path / name, FIXTURES / name)


# --- table errors ---------------------------------------------------------------------------------------------


def _workbook(path: Path, rows: list[list[object]], title: str = "Sheet") -> Path:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title
    for row in rows:
        sheet.append(row)
    workbook.save(path)
    return path


def test_table_header_naming_half_the_columns_reports_the_rest(tmp_path: Path) -> None:
    path = _workbook(tmp_path / "d.xlsx", [["Báo cáo"], ["Mã hồ sơ", "Mã thủ tục", "Lĩnh vực", "Ngày nhận"]])
    with pytest.raises(UnreadableFileError) as caught:
        read_table_xlsx(path, DOSSIERS)
    assert caught.value.reason == (
        "sheet 'Sheet' row 2: missing required columns: Hình thức nộp (channel), Ngày hẹn trả (due_at), "
        "Ngày có kết quả (resolved_at)"
    )


def test_table_header_naming_too_few_columns_is_not_taken_for_the_header(tmp_path: Path) -> None:
    path = _workbook(tmp_path / "d.xlsx", [["Mã hồ sơ", "Ghi chú"], ["00001", "x"]])
    with pytest.raises(UnreadableFileError) as caught:
        read_table_xlsx(path, DOSSIERS)
    assert caught.value.reason.endswith(
        "(closest: sheet 'Sheet' row 1, which lacks Mã thủ tục (procedure_code), Lĩnh vực (field), "
        "Hình thức nộp (channel), Ngày tiếp nhận (received_at), Ngày hẹn trả (due_at), Ngày có kết quả (resolved_at))"
    )


def test_table_header_naming_a_column_twice(tmp_path: Path) -> None:
    header = ["Mã hồ sơ", "Mã thủ tục", "Lĩnh vực", "Hình thức nộp", "Ngày tiếp nhận", "Ngày hẹn trả", "Ngày nhận",
              "Ngày có kết quả"]  # fmt: skip
    path = _workbook(tmp_path / "d.xlsx", [header])
    with pytest.raises(UnreadableFileError) as caught:
        read_table_xlsx(path, DOSSIERS)
    assert caught.value.reason == (
        "sheet 'Sheet' row 1 names the same column twice: 'Ngày tiếp nhận' (column E) and 'Ngày nhận' (column G) "
        "both mean received_at"
    )


def test_table_named_sheet(tmp_path: Path) -> None:
    path = _workbook(tmp_path / "d.xlsx", [["x"]], title="Data")
    with pytest.raises(UnreadableFileError) as caught:
        read_table_xlsx(path, DOSSIERS, sheet="Hồ sơ")
    assert caught.value.reason == "no sheet named 'Hồ sơ' (sheets: 'Data')"


def test_zero_byte_file(tmp_path: Path) -> None:
    path = tmp_path / "dossiers.xlsx"
    path.write_bytes(b"")
    with pytest.raises(UnreadableFileError) as caught:
        read_table_xlsx(path, DOSSIERS)
    assert caught.value.reason == "empty file"


def test_encrypted_and_legacy_workbooks(tmp_path: Path) -> None:
    # Excel saves a password-protected workbook as an OLE compound file with an EncryptedPackage stream,
    # and a 97-2003 workbook as an OLE file without one; the header and directory name are what we check.
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)
    encrypted = tmp_path / "encrypted.xlsx"
    encrypted.write_bytes(ole + bytes(70_000) + "EncryptedPackage".encode("utf-16-le") + bytes(100))
    legacy = tmp_path / "legacy.xlsx"
    legacy.write_bytes(ole + "Workbook".encode("utf-16-le") + bytes(100))
    with pytest.raises(UnreadableFileError, match="password-protected"):
        read_ii06a(encrypted)
    with pytest.raises(UnreadableFileError, match=r"old Excel 97-2003 \(.xls\) workbook"):
        read_table_xlsx(legacy, DOSSIERS)


def test_zip_that_is_not_a_workbook(tmp_path: Path) -> None:
    path = tmp_path / "dossiers.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", "<office:document-content/>")
    with pytest.raises(UnreadableFileError) as caught:
        read_table_xlsx(path, DOSSIERS)
    assert caught.value.reason.startswith(
        "not an Excel .xlsx workbook: an OpenDocument spreadsheet (.ods); save it as 'Excel Workbook (.xlsx)'"
    )


# --- II.06a edge cases ---------------------------------------------------------------------------------------

_HEADER_TOP = ["STT", "Đơn vị", "Số hồ sơ nhận giải quyết", None, None, None, "Số hồ sơ đã giải quyết", None, None,
               None, "Số hồ sơ đang giải quyết"]  # fmt: skip
_HEADER_LEAVES = [None, None, "Tổng số", "Trực tuyến", "Trực tiếp, dịch vụ bưu chính", "Từ kỳ trước", "Tổng số",
                  "Trước hạn", "Đúng hạn", "Quá hạn", "Tổng số", "Trong hạn", "Quá hạn"]  # fmt: skip


def _form(path: Path, rows: list[list[object]], *, header: list[list[object]] | None = None) -> Path:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Kỳ báo cáo: Quý I năm 2020 (từ ngày 15/12/2019 đến ngày 14/3/2020)"])
    for row in header or [_HEADER_TOP, _HEADER_LEAVES]:
        sheet.append(row)
    if header is None:
        sheet.merge_cells("C2:F2")
        sheet.merge_cells("G2:J2")
        sheet.merge_cells("K2:M2")
    for row in rows:
        sheet.append(row)
    workbook.save(path)
    return path


def test_formula_without_a_saved_result_is_refused(tmp_path: Path) -> None:
    # openpyxl (like any script) saves formulas without results; reading them as blanks would turn
    # every count into 0.
    row = [1, "Xã A", "=D4+E4+F4", 1, 2, 3, "=H4+I4+J4", 1, 4, 1, 0, 0, 0]
    path = _form(tmp_path / "f.xlsx", [row])
    with pytest.raises(UnreadableFileError) as caught:
        read_ii06a(path)
    assert caught.value.reason == (
        "sheet 'Sheet': cells C4, G4 hold formulas whose results were never calculated (the file was written "
        "by a program); open it in Excel or LibreOffice and save it again"
    )
    # A total row made only of formulas would otherwise pass for a text row.
    total = [None, "Tổng cộng", *(f"=SUM({column}4:{column}4)" for column in "CDEFGHIJKLM")]
    path = _form(tmp_path / "t.xlsx", [[1, "Xã A", 6, 1, 2, 3, 6, 1, 4, 1, 0, 0, 0], total])
    with pytest.raises(UnreadableFileError, match=r"cells C5, D5, E5, F5, G5, H5, I5, J5, \.\.\. hold formulas"):
        read_ii06a(path)


def test_header_missing_a_group_names_the_missing_columns(tmp_path: Path) -> None:
    header = [_HEADER_TOP[:10], _HEADER_LEAVES[:10]]
    path = _form(tmp_path / "g.xlsx", [[1, "Xã A", 6, 1, 2, 3, 6, 1, 4, 1]], header=header)
    with pytest.raises(UnreadableFileError) as caught:
        read_ii06a(path)
    assert (
        "the header ending at row 3 does not name (11) Tổng số hồ sơ đang giải quyết (pending_total), "
        "(12) Trong hạn (pending_in_time), (13) Quá hạn (đang giải quyết) (pending_overdue)" in caught.value.reason
    )


def test_counts_that_are_not_whole_numbers_pass_through_for_staging(tmp_path: Path) -> None:
    row = [1, "Xã A", 6.5, "1,5", "2 hồ sơ", 3, None, None, None, None, None, None, None]
    path = _form(tmp_path / "h.xlsx", [row])
    values = dict(read_ii06a(path).rows())[4]
    assert [values[name] for name in COUNTS[:4]] == ["6,5", "1,5", "2 hồ sơ", "3"]
    assert values["resolved_total"] == "0"


def test_unit_code_in_the_label_and_in_brackets(tmp_path: Path) -> None:
    rows = [[1, "Xã Thường Lạc (29977)", 1] + [0] * 10, [2, "Phường 1 [mã 30001]", 1] + [0] * 10,
            [3, "Huyện Hồng Ngự (cũ)", 1] + [0] * 10]  # fmt: skip
    form = read_ii06a(_form(tmp_path / "c.xlsx", rows))
    assert [(v["row_label"], v["unit_code"]) for _, v in form.rows()] == [
        ("Xã Thường Lạc", "29977"),
        ("Phường 1", "30001"),
        ("Huyện Hồng Ngự (cũ)", ""),
    ]
    assert (form.period_start, form.period_end) == (date(2019, 12, 15), date(2020, 3, 14))


def test_impossible_period_dates_give_none(tmp_path: Path) -> None:
    path = _form(tmp_path / "p.xlsx", [[1, "Xã A", 1] + [0] * 10])
    from openpyxl import load_workbook

    workbook = load_workbook(path)
    workbook.active["A1"] = "Kỳ báo cáo: Quý I năm 2020 (từ ngày 31/02/2020 đến ngày 14/3/2020)"
    workbook.save(path)
    form = read_ii06a(path)
    assert (form.period_label, form.period_start, form.period_end) == ("Quý I năm 2020", None, None)


# --- writer round trips ----------------------------------------------------------------------------------------

II06A_ROWS = [
    {"row_label": "Thị trấn Thường Thới Tiền", "unit_code": "29971", "received_total": 10407, "received_online": 407,
     "received_direct_postal": 9900, "received_carried_over": 100, "resolved_total": 10400, "resolved_early": 274,
     "resolved_on_time": 10126, "resolved_late": 0, "pending_total": 7, "pending_in_time": 7, "pending_overdue": 0},
    {"row_label": "Hộ tịch", "received_total": 5, "received_online": None, "received_direct_postal": 5,
     "received_carried_over": 0, "resolved_total": 4, "resolved_early": 1, "resolved_on_time": 2,
     "resolved_late": 1, "pending_total": 1, "pending_in_time": None, "pending_overdue": 1},
]  # fmt: skip


@pytest.mark.parametrize("numbers_as_text", [False, True])
def test_ii06a_round_trip(tmp_path: Path, numbers_as_text: bool) -> None:
    path = tmp_path / "one_stop_report.xlsx"
    write_ii06a_workbook(
        path,
        reporting_unit="UBND thị xã Hồng Ngự",
        period_label="Quý I năm 2020",
        period_start=date(2019, 12, 15),
        period_end=date(2020, 3, 14),
        rows=II06A_ROWS,
        numbers_as_text=numbers_as_text,
    )
    if numbers_as_text:
        with zipfile.ZipFile(path) as archive:
            assert "<t>10.407</t>" in archive.read("xl/worksheets/sheet1.xml").decode()
    form = read_ii06a(path)
    assert (form.reporting_unit, form.period_label) == ("UBND thị xã Hồng Ngự", "Quý I năm 2020")
    assert (form.period_start, form.period_end) == (date(2019, 12, 15), date(2020, 3, 14))
    assert form.number_row == 7
    assert list(form.rows()) == [
        (8, unit_row("Thị trấn Thường Thới Tiền", "29971", "10407", "407", "9900", "100", "10400", "274", "10126",
                     "0", "7", "7", "0")),
        (9, unit_row("Hộ tịch", "", "5", "0", "5", "0", "4", "1", "2", "1", "1", "0", "1")),
    ]  # fmt: skip
    assert form.total_row_number == 10
    assert form.total_row == unit_row(
        "Tổng cộng", "", "10412", "407", "9905", "100", "10404", "275", "10128", "1", "8", "7", "1"
    )


def test_ii06a_writer_without_period_dates(tmp_path: Path) -> None:
    path = tmp_path / "r.xlsx"
    write_ii06a_workbook(
        path, reporting_unit="UBND xã A", period_label="Năm 2024", period_start=None, period_end=None, rows=[]
    )
    form = read_ii06a(path)
    assert (form.period_label, form.period_start, form.period_end) == ("Năm 2024", None, None)
    assert list(form.rows()) == []
    assert form.total_row == unit_row("Tổng cộng", "", *["0"] * 11)


def test_ii06a_writer_checks_its_input(tmp_path: Path) -> None:
    common = {"reporting_unit": "X", "period_label": "Quý I năm 2020"}
    with pytest.raises(ValueError, match="both period_start and period_end"):
        write_ii06a_workbook(tmp_path / "a.xlsx", **common, period_start=date(2020, 1, 1), period_end=None, rows=[])
    with pytest.raises(TypeError, match="received_total must be a whole number"):
        write_ii06a_workbook(
            tmp_path / "b.xlsx", **common, period_start=None, period_end=None, rows=[{"received_total": "5"}]
        )


def test_table_round_trip_with_title(tmp_path: Path) -> None:
    path = tmp_path / "dossiers.xlsx"
    headers = ["Mã hồ sơ", "Mã đơn vị", "Mã thủ tục", "Lĩnh vực", "Hình thức nộp", "Ngày tiếp nhận", "Ngày hẹn trả",
               "Ngày có kết quả", "Số lần yêu cầu bổ sung"]  # fmt: skip
    rows = [
        ["00001", "20194", "1.001193", "Hộ tịch", 1, datetime(2018, 1, 5, 8, 30), datetime(2018, 1, 5, 16, 30),
         datetime(2018, 1, 5, 10, 15), 0],
        ["00002", 20194, "2.000908", "Chứng thực", "Trực tuyến", datetime(2018, 1, 5, 9, 5), date(2018, 1, 8),
         None, 2.0],
    ]  # fmt: skip
    assert write_table_xlsx(path, headers, iter(rows), title="Danh sách hồ sơ") == 2
    table = read_table_xlsx(path, DOSSIERS)
    assert table.header_row == 3
    assert list(table.rows()) == [
        (4, {"dossier_id": "00001", "unit_code": "20194", "procedure_code": "1.001193", "field": "Hộ tịch",
             "channel": "1", "received_at": "05/01/2018 08:30", "due_at": "05/01/2018 16:30",
             "resolved_at": "05/01/2018 10:15", "supplement_requests": "0"}),
        (5, {"dossier_id": "00002", "unit_code": "20194", "procedure_code": "2.000908", "field": "Chứng thực",
             "channel": "Trực tuyến", "received_at": "05/01/2018 09:05", "due_at": "08/01/2018", "resolved_at": "",
             "supplement_requests": "2"}),
    ]  # fmt: skip


def test_writer_is_byte_identical_across_runs_and_processes(tmp_path: Path) -> None:
    script = (
        "import sys; from datetime import date; from pathlib import Path\n"
        "from cchc_sample.excel_files import write_ii06a_workbook, write_table_xlsx\n"
        "out = Path(sys.argv[1])\n"
        "write_table_xlsx(out / 't.xlsx', ['Mã hồ sơ', 'Ngày'], [['1', date(2020, 1, 2)]], title='T')\n"
        "write_ii06a_workbook(out / 'f.xlsx', reporting_unit='X', period_label='Quý I năm 2020',\n"
        "    period_start=date(2019, 12, 15), period_end=date(2020, 3, 14),\n"
        "    rows=[{'row_label': 'Xã A', 'unit_code': '29977', 'received_total': 1234}], numbers_as_text=True)\n"
    )
    outputs = []
    for seed in ("1", "2"):
        out = tmp_path / seed
        out.mkdir()
        env = {**os.environ, "PYTHONHASHSEED": seed, "PYTHONPATH": str(REPO / "plugins")}
        subprocess.run([sys.executable, "-c", script, str(out)], check=True, env=env, cwd=REPO)
        outputs.append({name: (out / name).read_bytes() for name in ("t.xlsx", "f.xlsx")})
    assert outputs[0] == outputs[1]
    with zipfile.ZipFile(tmp_path / "1" / "t.xlsx") as archive:
        assert {info.date_time for info in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        assert "2020-01-01T00:00:00Z" in archive.read("docProps/core.xml").decode()
        # Declared, so that openpyxl's read-only mode need not parse the whole sheet to size it.
        assert '<dimension ref="A1:B4" />' in archive.read("xl/worksheets/sheet1.xml").decode()


# --- cell text -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "number_format", "text"),
    [
        (None, None, ""),
        ("  Hộ tịch\u00a0", None, "Hộ tịch"),
        (10407, "General", "10407"),
        (10407.0, "#,##0", "10407"),
        (12.5, "General", "12,5"),
        (0.1 + 0.2, "General", "0,3"),
        (1e16, "General", "10000000000000000"),
        (-0.0, "General", "0"),
        (0.945, "0.0%", "94,5%"),
        (True, "General", "TRUE"),
        (datetime(2018, 1, 5), "dd/mm/yyyy", "05/01/2018"),
        (datetime(2018, 1, 5), "dd/mm/yyyy hh:mm", "05/01/2018 00:00"),
        (datetime(2018, 1, 5, 8, 29, 59, 999_800), "dd/mm/yyyy", "05/01/2018 08:30"),
        (datetime(2018, 1, 5, 8, 30, 15), "dd/mm/yyyy hh:mm", "05/01/2018 08:30:15"),
        (date(2020, 3, 14), None, "14/03/2020"),
        (time(7, 5), "h:mm", "07:05"),
    ],
)
def test_cell_text(value: object, number_format: str | None, text: str) -> None:
    assert cell_text(value, number_format) == text


# --- numbers in date columns ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "kind", "epoch", "text"),
    [
        (45383.354166667, "datetime", datetime(1899, 12, 30), "01/04/2024 08:30"),  # serial, 1900 system
        (43921.354166667, "datetime", datetime(1904, 1, 1), "01/04/2024 08:30"),  # the same day, 1904 system
        (45383, "date", datetime(1899, 12, 30), "01/04/2024"),
        (20240402, "datetime", datetime(1899, 12, 30), "20240402"),  # yyyyMMdd typed into a number cell
        (20240402083000, "datetime", datetime(1899, 12, 30), "20240402083000"),
        (45383, "int", datetime(1899, 12, 30), "45383"),  # a number in a column that is not a date
    ],
)
def test_numbers_in_a_date_column_are_serial_dates_of_the_workbook(value, kind, epoch, text) -> None:
    from cchc.sources.excel_tables import _value_text

    assert _value_text(value, "General", kind, epoch) == text


# --- sizes, measured -----------------------------------------------------------------------------------------


def test_a_form_that_understates_its_size_is_refused_by_its_rows(tmp_path: Path) -> None:
    # A dossier list sent as the report, whose <dimension> claims ten rows: counted as streamed, not trusted.
    path = tmp_path / "one_stop_report.xlsx"
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Bieu 06a")
    for number in range(20_005):
        sheet.append([number, f"Xã {number}", 1, 1, 0, 0, 1, 0, 1, 0, 0, 0, 0])
    workbook.save(path)
    with zipfile.ZipFile(path) as source:
        parts = {name: source.read(name) for name in source.namelist()}
    sheet_xml = parts["xl/worksheets/sheet1.xml"].decode()
    parts["xl/worksheets/sheet1.xml"] = sheet_xml.replace(
        "<sheetData>", '<dimension ref="A1:M10"/><sheetData>', 1
    ).encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in parts.items():
            target.writestr(name, data)
    with pytest.raises(UnreadableFileError, match=r"more than 20000 rows or 1000000 cells"):
        read_ii06a(path)


def test_a_workbook_bigger_than_the_limit_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CCHC_MAX_WORKBOOK_MB", "1")
    path = tmp_path / "dossiers.xlsx"
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Hồ sơ")
    sheet.append(["Mã hồ sơ", "Mã thủ tục", "Lĩnh vực", "Hình thức nộp", "Ngày tiếp nhận", "Ngày hẹn trả",
                  "Ngày có kết quả"])  # fmt: skip
    for number in range(20_000):
        sheet.append([f"H{number}", "1.000101", "Hộ tịch", 1, "02/04/2024", "05/04/2024", ""])
    workbook.save(path)
    with pytest.raises(UnreadableFileError, match=r"the workbook unpacks to \d+ MiB, more than 1 MiB"):
        read_table_xlsx(path, DOSSIERS)
