"""Title rows above a list's header and summary rows at its end, as hand-finished exports have them."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest
from openpyxl import Workbook

from cchc.raw.csv_bulk import NotPlainCsv, _payloads, copy_plain_csv
from cchc.sources.csv_reader import read_csv
from cchc.sources.datasets import DOSSIERS
from cchc.sources.excel_tables import read_table_xlsx
from cchc.sources.summary_rows import TrailingSummaries, summary_row

pytestmark = pytest.mark.unit

HEADER = "Mã hồ sơ;Mã thủ tục;Lĩnh vực;Hình thức nộp;Ngày tiếp nhận;Ngày hẹn trả;Ngày có kết quả"
ROW = "{id};1.001193;Hộ tịch;Trực tiếp;02/04/2024 08:30;05/04/2024 17:00;04/04/2024 10:00"


@pytest.mark.parametrize(
    ("cells", "stated"),
    [
        (["Tổng cộng: 30 hồ sơ", "", ""], 30),
        (["", "TỔNG CỘNG", "29"], 29),
        (["Cộng"], None),
        (["Tổng số hồ sơ: 1.234"], 1234),
        (["Tổng số", "1.234"], 1234),
        (["Tổng", "12", "3"], 12),
    ],
)
def test_summary_rows_and_the_count_they_state(cells: list[str], stated: int | None) -> None:
    found = summary_row(9, cells)
    assert found is not None and found.line == 9 and found.stated_count == stated


@pytest.mark.parametrize(
    "cells",
    [
        ["Tổng hợp", "3"],  # 'summary', not 'total'
        ["Công an xã", "12/04/2024"],  # a unit's name starting like 'Cộng'
        ["Tổng cộng", "ba mươi"],  # a word beside the label
        ["Tổng cộng", "1", "2", "3"],  # more numbers than a total row holds
        ["HS-01", "Tổng cộng"],  # the label is not the first value
        ["", ""],
    ],
)
def test_rows_that_are_not_summary_rows(cells: list[str]) -> None:
    assert summary_row(1, cells) is None


def test_only_summary_rows_that_end_the_list_are_skipped() -> None:
    records = [
        (2, ["A"], {"id": "A"}),
        (3, ["Cộng", "1"], {"id": "Cộng"}),  # in the middle: a row like any other
        (4, ["B"], {"id": "B"}),
        (5, ["Tổng cộng: 4 hồ sơ"], {"id": "Tổng cộng: 4 hồ sơ"}),
    ]
    summaries = TrailingSummaries()
    assert [line for line, _ in summaries.filter(records)] == [2, 3, 4]
    assert [row.line for row in summaries.skipped] == [5]
    # The list has 3 rows (the middle 'Cộng' counts as one) while the total says 4.
    assert summaries.warnings() == [
        "số dòng không khớp / line 5 ('Tổng cộng: 4 hồ sơ') states 4 but the list has 3 rows: rows may be "
        "missing from the export, or the total is out of date"
    ]


def _write(path: Path, text: str, encoding: str = "utf-8", bom: bytes = b"") -> Path:
    path.write_bytes(bom + text.encode(encoding))
    return path


def test_csv_title_rows_are_skipped_and_recorded(tmp_path: Path) -> None:
    # Excel pads every row to the table's width when it saves a sheet with title rows as CSV.
    text = "\r\n".join([
        "UBND PHƯỜNG HÒA HIỆP BẮC;;;;;;",
        "Từ ngày 01/04/2024 đến ngày 30/06/2024;;;;;;",
        ";;;;;;",
        HEADER,
        ROW.format(id="H1"),
        ROW.format(id="H2"),
        "Tổng cộng: 2 hồ sơ;;;;;;",
        ";;;;;;",
    ]) + "\r\n"  # fmt: skip
    csv_file = read_csv(_write(tmp_path / "dossiers.csv", text, bom=codecs.BOM_UTF8), DOSSIERS)
    assert (csv_file.delimiter, csv_file.header_line) == (";", 4)
    assert csv_file.title_rows == [(1, "UBND PHƯỜNG HÒA HIỆP BẮC"), (2, "Từ ngày 01/04/2024 đến ngày 30/06/2024")]
    assert csv_file.ends_with_summary
    assert [(line, row["dossier_id"]) for line, row in csv_file.rows()] == [(5, "H1"), (6, "H2")]
    assert [(row.line, row.stated_count) for row in csv_file.skipped] == [(7, 2)]
    assert csv_file.warnings == []  # the stated count matches


def test_a_file_ending_with_a_summary_row_goes_record_by_record(tmp_path: Path) -> None:
    text = "\n".join([HEADER, ROW.format(id="H1"), "Cộng;1;;;;;"]) + "\n"
    csv_file = read_csv(_write(tmp_path / "dossiers.csv", text), DOSSIERS)
    with pytest.raises(NotPlainCsv, match="summary row"):
        copy_plain_csv(None, csv_file, "raw.dossiers", 1)  # type: ignore[arg-type]
    plain = read_csv(_write(tmp_path / "plain.csv", "\n".join([HEADER, ROW.format(id="H1")]) + "\n"), DOSSIERS)
    assert not plain.ends_with_summary
    assert [records for _payload, records in _payloads(plain, 1)] == [1]


def test_excel_unicode_text_is_utf16_with_tabs(tmp_path: Path) -> None:
    text = "\r\n".join([HEADER.replace(";", "\t"), ROW.format(id="H1").replace(";", "\t")]) + "\r\n"
    csv_file = read_csv(_write(tmp_path / "dossiers.csv", text, "utf-16-le", codecs.BOM_UTF16_LE), DOSSIERS)
    assert (csv_file.encoding, csv_file.delimiter) == ("utf-16", "\t")
    assert [row["field"] for _, row in csv_file.rows()] == ["Hộ tịch"]


def test_a_workbook_total_row_under_the_row_number_column_is_skipped(tmp_path: Path) -> None:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["DANH SÁCH HỒ SƠ"])
    sheet.append(["STT", *HEADER.split(";")])
    sheet.append([1, *ROW.format(id="H1").split(";")])
    sheet.append([2, *ROW.format(id="H2").split(";")])
    sheet.append(["Tổng cộng", 3])  # the label where the row numbers are, a count that is wrong
    workbook.save(tmp_path / "dossiers.xlsx")
    table = read_table_xlsx(tmp_path / "dossiers.xlsx", DOSSIERS)
    assert table.title_rows == [(1, "DANH SÁCH HỒ SƠ")]
    assert [line for line, _ in table.rows()] == [3, 4]
    assert [(row.line, row.stated_count) for row in table.skipped] == [(5, 3)]
    assert table.warnings == [
        "số dòng không khớp / line 5 ('Tổng cộng | 3') states 3 but the list has 2 rows: rows may be missing from "
        "the export, or the total is out of date"
    ]
