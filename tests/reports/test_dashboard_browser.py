"""The dashboard of province 87, 2024Q2, read under a reader login and opened in headless Chromium from
its file, offline: no console error, nothing fetched but the page, legible at desktop and phone widths,
and as many chart marks as the marts hold values, counted here by queries of the test's own."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import psycopg
import pytest

from cchc.quarters import Quarter
from cchc.reports.browser import DESKTOP, PHONE, Chromium, Page, Viewport, png_size
from cchc.reports.dashboard import write_dashboard
from cchc.reports.data import Report, load_report
from cchc.reports.formats import vn_integer, vn_percent
from cchc.warehouse.connection import connect
from tests.reports.conftest import PROVINCE, QUARTER

pytestmark = pytest.mark.integration

MARKS_JS = """Array.from(document.querySelectorAll('.mark')).map(m => ({
    chart: m.dataset.chart, unit: m.dataset.unit || null, quarter: m.dataset.quarter || null,
    group: m.dataset.group || null, value: m.dataset.value, css: m.getAttribute('class')}))"""


def _scalar(url: str, query: str, params: tuple[Any, ...] = ()) -> Any:
    with psycopg.connect(url) as conn:
        return conn.execute(query, params).fetchone()[0]


def _rates(url: str, column: str) -> dict[str, Decimal]:
    """The rate of each unit directly under the province, where it has one."""
    with psycopg.connect(url) as conn:
        rows = conn.execute(
            f"select unit_code, {column} from mart.unit_quarter_indicators "
            f"where quarter = %s and parent_code = %s and {column} is not null",
            (QUARTER, PROVINCE),
        ).fetchall()
    return dict(rows)


@pytest.fixture(scope="module")
def report(reader_87: str) -> Report:
    with connect(reader_87) as conn:
        return load_report(conn, Quarter.parse(QUARTER), PROVINCE)


@pytest.fixture(scope="module")
def dashboard(report: Report, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_dashboard(report, tmp_path_factory.mktemp("dashboard") / "dashboard-87-2024Q2.html")


@pytest.fixture(scope="module")
def browser() -> Iterator[Chromium]:
    with Chromium() as chromium:
        yield chromium


def _open(browser: Chromium, dashboard: Path, viewport: Viewport) -> Page:
    page = browser.new_page()
    page.set_viewport(viewport.width, viewport.height, mobile=viewport.mobile)
    page.navigate(dashboard.as_uri())
    return page


@pytest.fixture(scope="module")
def desktop(browser: Chromium, dashboard: Path) -> Page:
    return _open(browser, dashboard, DESKTOP)


@pytest.fixture(scope="module")
def phone(browser: Chromium, dashboard: Path) -> Page:
    return _open(browser, dashboard, PHONE)


@pytest.fixture(scope="module")
def marks(desktop: Page) -> list[dict[str, Any]]:
    return desktop.evaluate(MARKS_JS)


def _of(marks: list[dict[str, Any]], chart: str) -> list[dict[str, Any]]:
    return [mark for mark in marks if mark["chart"] == chart]


def test_the_page_shows_without_errors_and_fetches_nothing_but_itself(desktop, phone, dashboard):
    for page in (desktop, phone):
        assert page.console_errors == []
        assert page.requests, "no request seen: the network events are not being collected"
        assert set(page.requests) == {dashboard.as_uri()}


def test_screenshots_have_the_viewports_width_and_the_phone_does_not_scroll_sideways(desktop, phone):
    for page, viewport in ((desktop, DESKTOP), (phone, PHONE)):
        assert png_size(page.screenshot(full_page=False)) == (viewport.width, viewport.height)
        width, height = png_size(page.screenshot(full_page=True))
        assert width == viewport.width and height > viewport.height
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE.width
    assert desktop.evaluate("document.documentElement.scrollWidth") <= DESKTOP.width


def test_one_bar_per_unit_under_the_province_with_the_marts_rates(marks, report_db):
    for chart, column in (("on_time", "on_time_rate"), ("online", "online_rate")):
        rates = _rates(report_db, column)
        shown = _of(marks, chart)
        assert len(shown) == len(rates) > 0, chart
        assert {mark["unit"]: Decimal(mark["value"]) for mark in shown} == rates, chart


def test_bars_below_the_target_are_told_apart(marks, report_db):
    below = _scalar(
        report_db,
        "select count(*) from mart.unit_quarter_indicators where quarter = %s and parent_code = %s "
        "and online_rate < online_target_percent",
        (QUARTER, PROVINCE),
    )
    assert sum("below-target" in mark["css"].split() for mark in _of(marks, "online")) == below


def test_the_target_line_sits_at_the_marts_target(desktop, report_db):
    target = _scalar(
        report_db,
        "select online_target_percent from mart.unit_quarter_indicators where quarter = %s and unit_code = %s",
        (QUARTER, PROVINCE),
    )
    line = desktop.evaluate(
        """(() => { const line = document.querySelector('#chart-online .target');
        const bar = document.querySelector('#chart-online .mark').getBBox();
        const value = Number(document.querySelector('#chart-online .mark').dataset.value);
        return {target: line.dataset.target, x: line.getBBox().x, expected_per_point: bar.width / value,
                left: bar.x}; })()"""
    )
    assert Decimal(line["target"]) == target
    # Where the axis puts the target: the bars start at 0% and grow in proportion to their value.
    assert line["x"] == pytest.approx(line["left"] + float(target) * line["expected_per_point"], abs=0.5)


def test_the_scorecard_has_a_bar_for_each_group_with_a_score(marks, report_db):
    scored = _scalar(
        report_db,
        """select num_nonnulls(transparency_score, progress_score, online_service_score, online_payment_score,
                              satisfaction_score, digitisation_score)
           from mart.scorecard_766 where quarter = %s and unit_code = %s""",
        (QUARTER, PROVINCE),
    )
    assert len(_of(marks, "scorecard")) == scored


def test_the_series_has_a_point_per_quarter_with_a_value(marks, report_db):
    for chart, column in (("series_on_time", "on_time_rate"), ("series_online", "online_rate")):
        with psycopg.connect(report_db) as conn:
            quarters = conn.execute(
                f"select quarter, {column} from mart.unit_quarter_comparable "
                f"where unit_code = %s and quarter <= %s and {column} is not null",
                (PROVINCE, QUARTER),
            ).fetchall()
        shown = {mark["quarter"]: Decimal(mark["value"]) for mark in _of(marks, chart)}
        assert len(_of(marks, chart)) == len(quarters) > 0, chart
        assert shown == dict(quarters), chart


def test_the_page_names_the_unit_and_quarter_and_writes_figures_the_vietnamese_way(desktop, report_db):
    with psycopg.connect(report_db) as conn:
        name, received, on_time = conn.execute(
            "select unit_name, received, on_time_rate from mart.unit_quarter_indicators "
            "where quarter = %s and unit_code = %s",
            (QUARTER, PROVINCE),
        ).fetchone()
    text = desktop.evaluate("document.body.innerText")
    assert name in text
    assert "Quý II năm 2024" in text
    assert vn_integer(received) in text
    assert vn_percent(on_time) in text and "," in vn_percent(on_time)  # 97,12%, a decimal comma
    assert "15/03/2024 – 14/06/2024" in text


def test_every_chart_is_labelled_for_assistive_technology(desktop):
    charts = desktop.evaluate(
        """Array.from(document.querySelectorAll('svg.chart')).map(s => ({
            role: s.getAttribute('role'), label: s.getAttribute('aria-label'),
            untitled: Array.from(s.querySelectorAll('.mark')).filter(m => !m.querySelector('title')).length}))"""
    )
    assert len(charts) == 5
    assert all(chart["role"] == "img" and chart["label"] and chart["untitled"] == 0 for chart in charts)
