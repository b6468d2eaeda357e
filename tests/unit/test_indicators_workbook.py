"""The indicators workbook from a hand-built report: names that look like formulas stay text, and a
commune without an on-time rate has no rank and an empty rate cell."""

from __future__ import annotations

import re
import zipfile
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from cchc.quarters import Quarter
from cchc.reports.data import Report, ReportUnit
from cchc.reports.formats import NO_DATA
from cchc.reports.indicators_workbook import write_indicators_workbook
from tests.support.workbook_tables import header_columns, table_rows

pytestmark = pytest.mark.unit

QUARTER = Quarter(2024, 2)
PROVINCE_NAME = '=HYPERLINK("http://x","y")'
DISTRICT_NAME = "+1"
COMMUNE_NAMES = {"86601": "-2", "86602": "@SUM(A1)"}
NAMES = {PROVINCE_NAME, DISTRICT_NAME, *COMMUNE_NAMES.values()}


def indicator_row(code: str, name: str, level: str, parent: tuple[str, str] | None, **figures: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "quarter": str(QUARTER),
        "unit_code": code,
        "unit_name": name,
        "unit_level": level,
        "parent_code": parent[0] if parent else None,
        "parent_name": parent[1] if parent else None,
        "province_code": "87",
        "received": 10,
        "received_online": 5,
        "received_direct": 4,
        "received_postal": 1,
        "resolved": 8,
        "resolved_early": 2,
        "resolved_on_time": 5,
        "resolved_late": 1,
        "pending": 2,
        "pending_overdue": 1,
        "on_time_rate": Decimal("87.50"),
        "online_rate": Decimal("50.00"),
        "online_target_percent": Decimal("40.00"),
        "meets_online_target": True,
        "satisfied_share": Decimal("90.00"),
        "progress_score_766": Decimal("16.00"),
        "rank_on_time_in_district": None,
        "rank_on_time_in_province": None,
        "rank_online_in_district": None,
        "rank_online_in_province": None,
    }
    return row | figures


def scorecard_row(indicators: dict[str, Any]) -> dict[str, Any]:
    keys = ("quarter", "unit_code", "unit_name", "unit_level", "parent_code", "province_code")
    return {key: indicators[key] for key in keys} | {
        "transparency_score": None,
        "progress_score": Decimal("16.00"),
        "online_service_score": Decimal("12.00"),
        "online_payment_score": None,
        "satisfaction_score": Decimal("5.00"),
        "digitisation_score": None,
        "points_covered": Decimal("38.00"),
        "total_score": Decimal("33.00"),
        "score_of_covered_percent": Decimal("86.84"),
        "complete": False,
        "band": None,
    }


@pytest.fixture
def report() -> Report:
    province = indicator_row("87", PROVINCE_NAME, "province", None)
    district = indicator_row("866", DISTRICT_NAME, "district", ("87", PROVINCE_NAME))
    ranked = indicator_row(
        "86601",
        COMMUNE_NAMES["86601"],
        "commune",
        ("866", DISTRICT_NAME),
        online_rate=Decimal("20.00"),
        meets_online_target=False,
        rank_on_time_in_district=1,
        rank_on_time_in_province=1,
        rank_online_in_district=2,
        rank_online_in_province=2,
    )
    unranked = indicator_row(
        "86602",
        COMMUNE_NAMES["86602"],
        "commune",
        ("866", DISTRICT_NAME),
        resolved=0,
        resolved_early=0,
        resolved_on_time=0,
        resolved_late=0,
        on_time_rate=None,
        rank_online_in_district=1,
        rank_online_in_province=1,
    )
    indicators = [province, district, ranked, unranked]
    history = [
        {key: row[key] for key in ("unit_code", "unit_name", "unit_level", "received", "on_time_rate", "online_rate")}
        | {"quarter": str(quarter)}
        for row in indicators
        for quarter in (Quarter(2024, 1), QUARTER)
    ]
    return Report(
        quarter=QUARTER,
        unit=ReportUnit("87", PROVINCE_NAME, "province", None, "87"),
        indicators=indicators,
        scorecard=[scorecard_row(row) for row in indicators],
        history=history,
        series=[],
        ii06a_rows=[],
    )


@pytest.fixture
def written(report: Report, tmp_path: Path) -> Path:
    return write_indicators_workbook(report, tmp_path / "chi_so.xlsx")


def test_names_that_look_like_formulas_stay_text(written: Path):
    book = openpyxl.load_workbook(written)
    found = set()
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{sheet.title}!{cell.coordinate} is a formula: {cell.value!r}"
                if cell.value in NAMES:
                    assert cell.data_type == "s"
                    assert cell.quotePrefix  # as Excel marks text typed after an apostrophe
                    found.add(cell.value)
    assert found == NAMES
    communes = table_rows(book["Cấp xã"])
    assert {code: row["Tên đơn vị"].value for code, row in communes.items()} == COMMUNE_NAMES
    assert {row["Đơn vị cấp trên"].value for row in communes.values()} == {DISTRICT_NAME}
    assert table_rows(book["Cấp huyện"])["866"]["Đơn vị cấp trên"].value == PROVINCE_NAME


def test_no_formula_element_in_the_sheet_xml_names_a_unit(written: Path):
    with zipfile.ZipFile(written) as archive:
        sheets = [name for name in archive.namelist() if re.fullmatch(r"xl/worksheets/sheet\d+\.xml", name)]
        assert len(sheets) == 7
        for name in sheets:
            xml = archive.read(name).decode("utf-8")
            formulas = re.findall(r"<f[\s>].*?</f>", xml, flags=re.DOTALL)
            assert not [f for f in formulas if any(part in f for part in ("HYPERLINK", "SUM(A1)", "+1", "-2"))]
            assert formulas == []


def test_commune_without_on_time_rate_has_no_rank_and_an_empty_rate(written: Path):
    book = openpyxl.load_workbook(written)
    ranking = book["Xếp hạng xã"]
    header, _columns = header_columns(ranking)
    assert [ranking.cell(row, 1).value for row in (header + 1, header + 2)] == ["86601", "86602"]  # no rank last
    unranked = table_rows(ranking)["86602"]
    assert unranked["Tỷ lệ đúng hạn (%)"].value is None
    assert unranked["Hạng đúng hạn trong huyện"].value is None
    assert unranked["Hạng đúng hạn trong tỉnh"].value is None
    assert unranked["Hạng trực tuyến trong tỉnh"].value == 1
    assert table_rows(book["Cấp xã"])["86602"]["Tỷ lệ đúng hạn (%)"].value is None
    assert table_rows(book["Cấp xã"])["86602"]["Đã giải quyết"].value == 0  # zero is a figure, not no data


def test_target_flag_and_scorecard_gaps_are_written_in_words(written: Path):
    book = openpyxl.load_workbook(written)
    communes = table_rows(book["Cấp xã"])
    assert communes["86601"]["Đạt chỉ tiêu 40%"].value == "Không"
    assert communes["86602"]["Đạt chỉ tiêu 40%"].value == "Có"
    assert communes["86601"]["Mã đơn vị"].fill.fgColor.rgb != communes["86602"]["Mã đơn vị"].fill.fgColor.rgb
    scorecard = table_rows(book["Bộ chỉ số 766"])["86601"]
    assert scorecard["Công khai, minh bạch (/18)"].value == NO_DATA
    assert scorecard["Tiến độ giải quyết (/20)"].value == 16
    assert scorecard["Xếp loại"].value == "chưa đủ số liệu để xếp loại"


def test_the_file_is_replaced_whole(report: Report, tmp_path: Path):
    target = tmp_path / "chi_so.xlsx"
    target.write_bytes(b"an older report")
    assert write_indicators_workbook(report, target) == target
    assert zipfile.is_zipfile(target)
    assert sorted(path.name for path in tmp_path.iterdir()) == ["chi_so.xlsx"]


def test_the_header_names_the_target_the_refresh_used(report: Report, tmp_path: Path):
    for row in report.indicators:
        row["online_target_percent"] = Decimal("37.50")
    book = openpyxl.load_workbook(write_indicators_workbook(report, tmp_path / "chi_so.xlsx"))
    _header, columns = header_columns(book["Cấp xã"])
    assert "Đạt chỉ tiêu 37,5%" in columns
    assert "Đạt chỉ tiêu 40%" not in columns
