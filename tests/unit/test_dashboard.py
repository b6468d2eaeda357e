"""The dashboard's HTML from a hand-built report: a province after the 01/07/2025 reform (communes
directly under it), a unit name that is markup, a scorecard group without data, and a series whose
quarters before the reform are derived from predecessors, one of them approximate."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from cchc.quarters import Quarter
from cchc.reports.dashboard import render_dashboard, write_dashboard
from cchc.reports.data import Report, ReportUnit
from cchc.reports.formats import NO_DATA

pytestmark = pytest.mark.unit

HOSTILE = "<script>alert(1)</script>"
GENERATED = datetime(2026, 1, 10, 8, 30)


def _indicators(code: str, name: str, level: str, parent: str | None, **values: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "quarter": "2025Q4",
        "unit_code": code,
        "unit_name": name,
        "unit_level": level,
        "parent_code": parent,
        "province_code": "87",
        "parent_name": None if parent is None else HOSTILE,
        "received": 1234,
        "resolved": 1200,
        "on_time_rate": Decimal("96.67"),
        "online_rate": Decimal("45.50"),
        "online_target_percent": Decimal("40.00"),
        "meets_online_target": True,
        "rank_on_time_in_district": None,
        "rank_on_time_in_province": None,
        "rank_online_in_district": None,
        "rank_online_in_province": None,
    }
    return row | values


def _commune(number: int, on_time: str | None, online: str | None) -> dict[str, Any]:
    return _indicators(
        f"{30000 + number}",
        f"Xã Số {number}",
        "commune",
        "87",
        on_time_rate=None if on_time is None else Decimal(on_time),
        online_rate=None if online is None else Decimal(online),
        meets_online_target=None if online is None else Decimal(online) >= 40,
        rank_on_time_in_district=None if on_time is None else number,
        rank_on_time_in_province=None if on_time is None else number,
        rank_online_in_province=None if online is None else number,
    )


def _series(quarter: str, rate: str | None, derived: bool, approximate: bool) -> dict[str, Any]:
    return {
        "quarter": quarter,
        "unit_code": "87",
        "unit_name": HOSTILE,
        "unit_level": "province",
        "basis": "predecessors" if derived else "reported",
        "derived": derived,
        "approximate": approximate,
        "on_time_rate": None if rate is None else Decimal(rate),
        "online_rate": None if rate is None else Decimal(rate) - 50,
    }


SCORECARD = {
    "unit_code": "87",
    "unit_level": "province",
    "transparency_score": None,
    "progress_score": Decimal("19.35"),
    "online_service_score": Decimal("12.00"),
    "online_payment_score": None,
    "satisfaction_score": Decimal("5.95"),
    "digitisation_score": None,
    "points_covered": Decimal("38.00"),
    "total_score": Decimal("37.30"),
    "score_of_covered_percent": Decimal("98.16"),
    "complete": False,
    "band": None,
}


def _report(communes: int = 3) -> Report:
    rows = [_commune(n, f"{99 - n}.50", f"{36 + 2 * n}.25") for n in range(1, communes + 1)]
    rows.append(_commune(communes + 1, None, None))  # sent nothing: no bar, no rank
    return Report(
        quarter=Quarter(2025, 4),
        unit=ReportUnit("87", HOSTILE, "province", None, "87"),
        indicators=[_indicators("87", HOSTILE, "province", None), *rows],
        scorecard=[SCORECARD],
        history=[],
        series=[
            _series("2025Q1", "95.10", derived=True, approximate=True),
            _series("2025Q2", "96.20", derived=True, approximate=False),
            _series("2025Q3", None, derived=False, approximate=False),
            _series("2025Q4", "96.67", derived=False, approximate=False),
        ],
        ii06a_rows=[],
    )


class _Marks(HTMLParser):
    """Attributes of every chart mark, by the order they appear."""

    def __init__(self, page: str) -> None:
        super().__init__()
        self.marks: list[dict[str, str]] = []
        self.feed(page)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {name: value or "" for name, value in attrs}
        if "mark" in found.get("class", "").split():
            self.marks.append(found | {"tag": tag})


def _chart(page: str, chart_id: str) -> str:
    start = page.index(f'id="chart-{chart_id}"')
    return page[start : page.index("</svg>", start)]


def _marks(page: str, chart_id: str) -> list[dict[str, str]]:
    return [mark for mark in _Marks(page).marks if mark["data-chart"] == chart_id]


@pytest.fixture(scope="module")
def page() -> str:
    return render_dashboard(_report(), generated_at=GENERATED)


def test_a_unit_name_that_is_markup_is_shown_as_text(page):
    assert HOSTILE not in page
    assert "<script" not in page.lower()  # the page has no script of its own either
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert page.count("&lt;script&gt;") >= 3  # the heading, the <title>, the chart labels


def test_the_page_reaches_for_nothing(page):
    assert "http://" not in page and "https://" not in page
    assert "<link" not in page and "src=" not in page and "url(" not in page
    assert "default-src 'none'" in page


def test_header_names_the_quarter_its_period_and_when_it_was_made(page):
    assert '<html lang="vi">' in page
    assert "Quý IV năm 2025" in page
    assert "15/09/2025 – 14/12/2025" in page  # Decree 09/2019's period of the fourth quarter
    assert "10/01/2026 08:30" in page
    assert "1.234" in page and "96,67%" in page  # the unit's received count and on-time rate, the Vietnamese way


def test_a_null_scorecard_group_says_no_data_and_has_no_mark(page):
    chart = _chart(page, "scorecard")
    assert "Công khai, minh bạch" in chart and NO_DATA in chart
    groups = {mark["data-group"]: mark["data-value"] for mark in _marks(page, "scorecard")}
    assert groups == {"progress": "19.35", "online_service": "12.00", "satisfaction": "5.95"}
    assert "Chưa xếp loại" in page  # no band: the scorecard is incomplete


def test_series_points_are_marked_derived_approximate_or_reported(page):
    points = {mark["data-quarter"]: set(mark["class"].split()) for mark in _marks(page, "series_on_time")}
    assert set(points) == {"2025Q1", "2025Q2", "2025Q4"}  # 2025Q3 has no value: no point
    assert {"derived", "approximate"} <= points["2025Q1"]
    assert "derived" in points["2025Q2"] and "approximate" not in points["2025Q2"]
    assert "reported" in points["2025Q4"] and not {"derived", "approximate"} & points["2025Q4"]
    assert 'class="reform"' in _chart(page, "series_on_time")  # the series crosses 01/07/2025
    assert "số liệu suy ra" in page and "gần đúng" in page


def test_a_series_of_another_unit_with_the_same_code_is_not_drawn():
    report = _report()
    other = _series("2024Q4", "99.00", derived=True, approximate=True) | {"unit_name": "Phường 1"}
    report.series = [other, *report.series]
    page = render_dashboard(report, generated_at=GENERATED)
    assert {mark["data-quarter"] for mark in _marks(page, "series_on_time")} == {"2025Q1", "2025Q2", "2025Q4"}
    assert "Không vẽ 1 quý của đơn vị khác cùng mã 87 (Phường 1)" in page


def test_bars_of_the_communes_under_the_province(page):
    on_time = _marks(page, "on_time")
    assert [mark["data-value"] for mark in on_time] == ["98.50", "97.50", "96.50"]  # best first, no NULL bar
    assert "Xã Số 4" in page.split('id="online"')[0]  # named among the units without data
    online = {mark["data-unit"]: mark["class"].split() for mark in _marks(page, "online")}
    assert "below-target" in online["30001"] and "below-target" not in online["30003"]  # 38.25% and 42.25%
    assert 'data-target="40.00"' in _chart(page, "online")


def test_a_long_ranking_shows_its_top_and_bottom_and_says_so():
    page = render_dashboard(_report(communes=30), generated_at=GENERATED)
    ranking = page[page.index('id="ranking"') :]
    assert ranking.count("<tr data-unit=") == 20
    assert "10 xã đứng đầu và 10 xã cuối bảng trong tổng số 31 xã" in ranking
    short = render_dashboard(_report(), generated_at=GENERATED)
    assert "Hiển thị tất cả 4 xã" in short


def test_write_dashboard_replaces_the_file_whole(tmp_path: Path):
    target = tmp_path / "out" / "dashboard.html"
    target.parent.mkdir()
    target.write_text("old", encoding="utf-8")
    assert write_dashboard(_report(), target, generated_at=GENERATED) == target
    assert target.read_text(encoding="utf-8") == render_dashboard(_report(), generated_at=GENERATED)
    assert [p.name for p in target.parent.iterdir()] == ["dashboard.html"]  # no temporary file left
