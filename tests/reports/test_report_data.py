"""What a report reads: the unit as it stood in the report's quarter, even where the 2025 reform reused
its code for another unit."""

from __future__ import annotations

import psycopg
import pytest

from cchc.quarters import Quarter
from cchc.reports.data import load_report
from cchc.warehouse.connection import connect
from tests.reports.conftest import QUARTER

pytestmark = pytest.mark.integration


def test_a_reused_code_gives_the_series_of_the_unit_of_the_reports_quarter(report_db, reader_87):
    with psycopg.connect(report_db) as owner:
        reused = owner.execute(
            "select c.unit_code, i.unit_name from mart.unit_quarter_comparable as c "
            "join mart.unit_quarter_indicators as i on i.quarter = c.quarter and i.unit_code = c.unit_code "
            "where c.quarter = %s and i.province_code = '87' and i.reporting_units > 0 "
            "group by c.unit_code, i.unit_name "
            "having count(distinct c.unit_valid_from) > 1 and bool_or(c.unit_valid_from >= '2025-07-01') "
            "order by c.unit_code limit 1",
            (QUARTER,),
        ).fetchone()
    assert reused, "the sample holds a commune whose code the reform gave to a new unit"
    code, name = reused
    # The new unit belongs to the new province (82): a reader of 87 cannot see it, the owner can.
    for url in (report_db, reader_87):
        with connect(url) as conn:
            report = load_report(conn, Quarter.parse(QUARTER), code)
        assert report.unit.name == name
        assert report.series and {(row["unit_name"], row["basis"]) for row in report.series} == {(name, "reported")}
