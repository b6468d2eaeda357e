"""The indicators workbook of province 87, 2024Q2, built under a reader login: its cells against the marts
read separately under the owner login, its ranks against ranks counted here, its layout and its charts."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from openpyxl.utils import get_column_letter, quote_sheetname

from cchc.quarters import Quarter
from cchc.reports.data import load_report
from cchc.reports.formats import EXCEL_INTEGER, EXCEL_PERCENT, NO_DATA
from cchc.reports.indicators_workbook import write_indicators_workbook
from cchc.warehouse.connection import connect
from tests.reports.conftest import PROVINCE, QUARTER
from tests.support.workbook_tables import header_columns, table_rows

pytestmark = pytest.mark.integration

HISTORY = ["2023Q3", "2023Q4", "2024Q1", "2024Q2"]
HISTORY_LABELS = ["Q3/2023", "Q4/2023", "Q1/2024", "Q2/2024"]
GROUPS = {
    "transparency_score": "Công khai, minh bạch (/18)",
    "progress_score": "Tiến độ giải quyết (/20)",
    "online_service_score": "Dịch vụ trực tuyến (/12)",
    "online_payment_score": "Thanh toán trực tuyến (/10)",
    "satisfaction_score": "Mức độ hài lòng (/18)",
    "digitisation_score": "Số hoá hồ sơ (/22)",
}
Row = dict[str, Any]


@pytest.fixture(scope="module")
def workbook_path(reader_87: str, tmp_path_factory: pytest.TempPathFactory) -> Path:
    with connect(reader_87) as conn:
        report = load_report(conn, Quarter(2024, 2), PROVINCE)
    return write_indicators_workbook(report, tmp_path_factory.mktemp("indicators") / "chi_so_87_2024Q2.xlsx")


@pytest.fixture(scope="module")
def book(workbook_path: Path) -> openpyxl.Workbook:
    return openpyxl.load_workbook(workbook_path)


def mart_rows(url: str, query: str, params: dict[str, Any]) -> list[Row]:
    with connect(url) as conn, conn.cursor() as cur:
        cur.execute(query, params)
        names = [column.name for column in cur.description or ()]
        return [dict(zip(names, values, strict=True)) for values in cur.fetchall()]


@pytest.fixture(scope="module")
def indicators(report_db: str) -> dict[tuple[str, str], Row]:
    """mart.unit_quarter_indicators of province 87 over the four quarters, by (unit, quarter)."""
    rows = mart_rows(
        report_db,
        "select * from mart.unit_quarter_indicators where province_code = %(p)s and quarter = any(%(q)s)",
        {"p": PROVINCE, "q": HISTORY},
    )
    return {(row["unit_code"], row["quarter"]): row for row in rows}


@pytest.fixture(scope="module")
def communes(indicators: dict[tuple[str, str], Row]) -> dict[str, Row]:
    return {
        code: row
        for (code, quarter), row in indicators.items()
        if quarter == QUARTER and row["unit_level"] == "commune"
    }


def number(value: Decimal | int | None) -> float | None:
    return None if value is None else float(value)


def dense_rank(rates: dict[str, Decimal | None]) -> dict[str, int]:
    """1 for the highest rate, ties sharing a rank, no gaps; no rate, no rank."""
    distinct = sorted({rate for rate in rates.values() if rate is not None}, reverse=True)
    return {code: distinct.index(rate) + 1 for code, rate in rates.items() if rate is not None}


def ref(sheet: Any, column: int, rows: Iterable[int]) -> str:
    rows = list(rows)
    letter = get_column_letter(column)
    return f"{quote_sheetname(sheet.title)}!${letter}${min(rows)}:${letter}${max(rows)}"


def test_sheets_and_properties(book: openpyxl.Workbook):
    assert book.sheetnames == [
        "Cấp tỉnh",
        "Cấp huyện",
        "Cấp xã",
        "Xếp hạng xã",
        "Bộ chỉ số 766",
        "4 quý gần nhất",
        "Biểu đồ",
    ]
    assert book.properties.creator == "cchc"
    assert "Quý II năm 2024" in book.properties.title
    for sheet in book.worksheets:
        assert len(sheet.title) <= 31 and not set(sheet.title) & set("[]:*?/\\")
        assert "Quý II năm 2024" in sheet["A1"].value
        assert "Đồng Tháp" in sheet["A1"].value


def test_commune_sheet_holds_the_mart_figures(book: openpyxl.Workbook, communes: dict[str, Row]):
    rows = table_rows(book["Cấp xã"])
    assert set(rows) == set(communes)
    assert any(row["meets_online_target"] is False for row in communes.values())  # the flag is exercised
    for code, mart in communes.items():
        cells = rows[code]
        assert cells["Tên đơn vị"].value == mart["unit_name"]
        assert cells["Tiếp nhận mới"].value == mart["received"]
        assert cells["Đã giải quyết"].value == mart["resolved"]
        assert cells["Tỷ lệ đúng hạn (%)"].value == number(mart["on_time_rate"])
        assert cells["Tỷ lệ trực tuyến (%)"].value == number(mart["online_rate"])
        assert cells["Chỉ tiêu trực tuyến (%)"].value == number(mart["online_target_percent"])
        flag = {True: "Có", False: "Không", None: None}[mart["meets_online_target"]]
        assert cells["Đạt chỉ tiêu 40%"].value == flag
        assert cells["Tiếp nhận mới"].number_format == EXCEL_INTEGER
        assert cells["Đã giải quyết"].number_format == EXCEL_INTEGER
        assert cells["Tỷ lệ đúng hạn (%)"].number_format == EXCEL_PERCENT
        assert cells["Tỷ lệ trực tuyến (%)"].number_format == EXCEL_PERCENT
        highlighted = cells["Tên đơn vị"].fill.fill_type == "solid"
        assert highlighted == (mart["meets_online_target"] is False)


def test_province_and_district_sheets(book: openpyxl.Workbook, indicators: dict[tuple[str, str], Row]):
    for sheet, level in (("Cấp tỉnh", "province"), ("Cấp huyện", "district")):
        expected = {c: r for (c, q), r in indicators.items() if q == QUARTER and r["unit_level"] == level}
        rows = table_rows(book[sheet])
        assert set(rows) == set(expected)
        for code, mart in expected.items():
            assert rows[code]["Tiếp nhận mới"].value == mart["received"]
            assert rows[code]["Đang giải quyết quá hạn"].value == mart["pending_overdue"]
            assert rows[code]["Tỷ lệ đúng hạn (%)"].value == number(mart["on_time_rate"])


def test_commune_ranks_are_dense_highest_first(book: openpyxl.Workbook, communes: dict[str, Row]):
    on_time = dense_rank({code: row["on_time_rate"] for code, row in communes.items()})
    online = dense_rank({code: row["online_rate"] for code, row in communes.items()})
    sheet = book["Xếp hạng xã"]
    rows = table_rows(sheet)
    assert set(rows) == set(communes)
    for code, mart in communes.items():
        assert rows[code]["Hạng đúng hạn trong tỉnh"].value == on_time.get(code)
        assert rows[code]["Hạng trực tuyến trong tỉnh"].value == online.get(code)
        assert rows[code]["Tỷ lệ đúng hạn (%)"].value == number(mart["on_time_rate"])
        assert rows[code]["Tỷ lệ trực tuyến (%)"].value == number(mart["online_rate"])
        assert (
            rows[code]["Đạt chỉ tiêu 40%"].value
            == {True: "Có", False: "Không", None: None}[mart["meets_online_target"]]
        )
    for district in {row["parent_code"] for row in communes.values()}:
        within = dense_rank({c: r["on_time_rate"] for c, r in communes.items() if r["parent_code"] == district})
        for code, rank in within.items():
            assert rows[code]["Hạng đúng hạn trong huyện"].value == rank
    header, columns = header_columns(sheet)
    order = [sheet.cell(row, columns["Hạng đúng hạn trong tỉnh"]).value for row in range(header + 1, sheet.max_row + 1)]
    ranked = [rank for rank in order if rank is not None]
    assert ranked == sorted(ranked)
    assert order == ranked + [None] * (len(order) - len(ranked))  # no rank, last


def test_scorecard_sheet_holds_the_766_groups(book: openpyxl.Workbook, report_db: str):
    mart = mart_rows(
        report_db,
        "select * from mart.scorecard_766 where province_code = %(p)s and quarter = %(q)s",
        {"p": PROVINCE, "q": QUARTER},
    )
    rows = table_rows(book["Bộ chỉ số 766"])
    assert set(rows) == {row["unit_code"] for row in mart}
    null_groups = 0
    for score in mart:
        cells = rows[score["unit_code"]]
        for key, header in GROUPS.items():
            if score[key] is None:
                null_groups += 1
                assert cells[header].value == NO_DATA
                assert cells[header].data_type == "s"
            else:
                assert cells[header].value == float(score[key])
        assert cells["Số điểm có số liệu (/100)"].value == number(score["points_covered"])
        assert cells["Tổng điểm"].value == number(score["total_score"])
        assert cells["Tỷ lệ điểm trên phần có số liệu (%)"].value == number(score["score_of_covered_percent"])
        assert cells["Tỷ lệ điểm trên phần có số liệu (%)"].number_format == EXCEL_PERCENT
        assert cells["Xếp loại"].value == (score["band"] or "chưa đủ số liệu để xếp loại")
    assert null_groups > 0  # the sample data leaves some groups without data


def test_four_quarters_side_by_side(book: openpyxl.Workbook, indicators: dict[tuple[str, str], Row]):
    sheet = book["4 quý gần nhất"]
    header, _columns = header_columns(sheet)
    labels = [sheet.cell(header, column).value for column in range(4, sheet.max_column + 1)]
    assert labels == HISTORY_LABELS * 3
    groups = [sheet.cell(header - 1, column).value for column in (4, 8, 12)]
    assert groups == ["Hồ sơ tiếp nhận mới", "Tỷ lệ đúng hạn (%)", "Tỷ lệ trực tuyến (%)"]
    assert all((unit, "2023Q3") not in indicators for unit, _quarter in indicators)  # nothing refreshed then
    units = {unit for unit, quarter in indicators if quarter == QUARTER}
    row_of = {sheet.cell(row, 1).value: row for row in range(header + 1, sheet.max_row + 1)}
    assert set(row_of) == units
    for unit in units:
        for offset, quarter in enumerate(HISTORY):
            mart = indicators.get((unit, quarter), {})
            received, on_time, online = (sheet.cell(row_of[unit], column + offset) for column in (4, 8, 12))
            assert received.value == mart.get("received")
            assert on_time.value == number(mart.get("on_time_rate"))
            assert online.value == number(mart.get("online_rate"))
            assert on_time.number_format == EXCEL_PERCENT
            if quarter == "2023Q3":
                assert (received.value, on_time.value, online.value) == (None, None, None)
    for offset in range(1, len(HISTORY)):  # the refreshed quarters are not left empty
        assert sum(sheet.cell(row_of[unit], 4 + offset).value is not None for unit in units) > 2


def test_layout_for_screen_and_print(book: openpyxl.Workbook):
    for title in ("Cấp tỉnh", "Cấp huyện", "Cấp xã", "Xếp hạng xã", "Bộ chỉ số 766", "4 quý gần nhất"):
        sheet = book[title]
        header, columns = header_columns(sheet)
        last_row = max(row for row in range(header, sheet.max_row + 1) if sheet.cell(row, 1).value is not None)
        assert sheet.freeze_panes == f"C{header + 1}"
        assert sheet.auto_filter.ref == f"A{header}:{get_column_letter(max(columns.values()))}{last_row}"
        assert sheet.page_setup.orientation == "landscape"
        assert int(sheet.page_setup.paperSize) == 9
        assert sheet.sheet_properties.pageSetUpPr.fitToPage
        assert int(sheet.page_setup.fitToWidth) == 1
        assert sheet.print_title_rows.replace("$", "") in (f"{header}:{header}", f"{header - 1}:{header}")
        assert sheet.column_dimensions["B"].width >= 14


def test_charts_read_the_sheets_cells(book: openpyxl.Workbook, indicators: dict[tuple[str, str], Row]):
    charts = book["Biểu đồ"]._charts
    assert len(charts) == 3
    on_time, online, trend = charts

    # The units directly under the province: every district of it, with data or not.
    children = {
        unit for (unit, quarter), row in indicators.items() if quarter == QUARTER and row["parent_code"] == "87"
    }
    districts = book["Cấp huyện"]
    header, columns = header_columns(districts)
    rows = [r for r in range(header + 1, districts.max_row + 1) if districts.cell(r, 1).value in children]
    assert len(rows) == len(children) > 2
    assert max(rows) - min(rows) + 1 == len(rows)  # one block of cells
    names = ref(districts, columns["Tên đơn vị"], rows)

    assert [type(c).__name__ for c in on_time._charts] == ["BarChart"]
    assert len(on_time.series) == 1
    assert on_time.series[0].val.numRef.f == ref(districts, columns["Tỷ lệ đúng hạn (%)"], rows)
    assert on_time.series[0].cat.strRef.f == names

    assert [type(c).__name__ for c in online._charts] == ["BarChart", "LineChart"]
    bars, target = online._charts
    assert len(bars.series) == 1 and len(target.series) == 1
    assert bars.series[0].val.numRef.f == ref(districts, columns["Tỷ lệ trực tuyến (%)"], rows)
    assert target.series[0].val.numRef.f == ref(districts, columns["Chỉ tiêu trực tuyến (%)"], rows)

    history = book["4 quý gần nhất"]
    header, _columns = header_columns(history)
    row = next(r for r in range(header + 1, history.max_row + 1) if history.cell(r, 1).value == PROVINCE)
    quoted = quote_sheetname(history.title)
    assert [type(c).__name__ for c in trend._charts] == ["LineChart"]
    assert [s.val.numRef.f for s in trend.series] == [f"{quoted}!$H${row}:$K${row}", f"{quoted}!$L${row}:$O${row}"]
    assert trend.series[0].cat.strRef.f == f"{quoted}!$H${header}:$K${header}"


def test_a_district_report_charts_its_communes(reader_87: str, tmp_path: Path, communes: dict[str, Row]):
    with connect(reader_87) as conn:
        report = load_report(conn, Quarter(2024, 2), "866")
    book = openpyxl.load_workbook(write_indicators_workbook(report, tmp_path / "chi_so_866.xlsx"))
    assert book.sheetnames == ["Cấp huyện", "Cấp xã", "Xếp hạng xã", "Bộ chỉ số 766", "4 quý gần nhất", "Biểu đồ"]
    under = {code for code, row in communes.items() if row["parent_code"] == "866"}
    sheet = book["Cấp xã"]
    header, columns = header_columns(sheet)
    assert set(table_rows(sheet)) == under
    rows = range(header + 1, header + 1 + len(under))
    on_time, online, _trend = book["Biểu đồ"]._charts
    assert on_time.series[0].val.numRef.f == ref(sheet, columns["Tỷ lệ đúng hạn (%)"], rows)
    assert online.series[0].cat.strRef.f == ref(sheet, columns["Tên đơn vị"], rows)
    # Ranks in the province stay those of the whole province, not of the district's communes alone.
    on_time_ranks = dense_rank({code: row["on_time_rate"] for code, row in communes.items()})
    ranking = table_rows(book["Xếp hạng xã"])
    assert {code: ranking[code]["Hạng đúng hạn trong tỉnh"].value for code in under} == {
        code: on_time_ranks.get(code) for code in under
    }


def test_a_commune_report_has_only_its_trend_chart(reader_87: str, tmp_path: Path, communes: dict[str, Row]):
    code = min(code for code, row in communes.items() if row["parent_code"] == "870" and row["received"])
    with connect(reader_87) as conn:
        report = load_report(conn, Quarter(2024, 2), code)
    book = openpyxl.load_workbook(write_indicators_workbook(report, tmp_path / "chi_so_xa.xlsx"))
    assert list(table_rows(book["Cấp xã"])) == [code]
    charts = book["Biểu đồ"]._charts
    assert [type(chart).__name__ for chart in charts] == ["LineChart"]
    assert len(charts[0].series) == 2
