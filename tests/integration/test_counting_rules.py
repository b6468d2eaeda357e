"""The counting rules of docs/design.md, end to end through the pipeline on a real PostgreSQL."""

from __future__ import annotations

from decimal import Decimal

import pytest

from cchc.pipeline import RefreshFailed
from tests.integration.helpers import mart_row, refresh, write_dossiers

pytestmark = pytest.mark.integration

COMMUNE, DISTRICT, PROVINCE = "20194", "490", "48"  # phường Hòa Hiệp Bắc, quận Liên Chiểu, Đà Nẵng

# 2024Q2 = 01/04/2024..30/06/2024 in Asia/Ho_Chi_Minh. One row per rule worth pinning down.
CASES = [
    # id, channel, received, due, resolved, supplements
    ("A-early", "Trực tuyến", "02/04/2024 08:00", "10/04/2024 17:00", "09/04/2024 16:00", "0"),
    (
        "B-on-due-day-late-evening",
        "Trực tiếp",
        "02/04/2024 08:00",
        "10/04/2024 08:00",
        "10/04/2024 23:59",
        "0",
    ),
    ("C-day-after-due", "Bưu chính", "02/04/2024 08:00", "10/04/2024 17:00", "11/04/2024 00:01", "0"),
    (
        "D-carried-over-resolved-late",
        "Trực tiếp",
        "15/03/2024 08:00",
        "20/03/2024 17:00",
        "05/04/2024 09:00",
        "0",
    ),
    ("E-pending-in-time", "Trực tuyến", "20/06/2024 08:00", "05/07/2024 17:00", "", "0"),
    ("F-pending-overdue", "Trực tiếp", "01/06/2024 08:00", "15/06/2024 17:00", "", "2"),
    # 23:30 on 30/06 local time, written with an explicit offset: still 2024Q2.
    ("G-last-evening-iso", "2", "2024-06-30T23:30:00+07:00", "2024-07-10T17:00:00+07:00", "", "0"),
    ("H-resolved-after-quarter", "1", "03/06/2024 08:00", "25/06/2024 17:00", "01/07/2024 08:00", "1"),
]


@pytest.fixture
def quarter_loaded(warehouse_db, tmp_path):
    rows = [(i, COMMUNE, "1.000001", "Hộ tịch", ch, rec, due, res, "Không", sup) for i, ch, rec, due, res, sup in CASES]
    write_dossiers(tmp_path, "commune", COMMUNE, "2024Q2", rows)
    refresh(warehouse_db, tmp_path, "2024Q2")
    return warehouse_db


def test_commune_counts_follow_the_rules(quarter_loaded, conn):
    row = mart_row(conn, "2024Q2", COMMUNE)
    assert row["carried_over"] == 1  # D
    assert row["received"] == 7  # all but D
    assert (row["received_online"], row["received_direct"], row["received_postal"]) == (
        3,
        3,
        1,
    )  # online A, E, G; direct B, F, H; postal C
    assert row["resolved"] == 4  # A, B, C, D; H resolved in Q3
    assert (row["resolved_early"], row["resolved_on_time"], row["resolved_late"]) == (1, 1, 2)
    assert row["pending"] == 4  # E, F, G, H
    assert row["pending_overdue"] == 2  # F (15/06), H (25/06)
    assert row["on_time_rate"] == Decimal("50.00")
    assert row["early_rate"] == Decimal("25.00")
    assert row["online_rate"] == Decimal("42.86")  # 3 / 7
    # Every dossier of the file ends the quarter resolved or pending.
    assert row["carried_over"] + row["received"] == row["resolved"] + row["pending"]


def test_progress_score_766_counts_repeat_supplements_as_late(quarter_loaded, conn):
    row = mart_row(conn, "2024Q2", COMMUNE)
    # In time: A, B (resolved) + E, G (pending, not overdue); F is overdue and had 2 supplement requests.
    assert row["progress_score_766"] == Decimal("10.00")  # 20 x 4 / 8


def test_district_and_province_roll_up_the_reporting_commune(quarter_loaded, conn):
    commune = mart_row(conn, "2024Q2", COMMUNE)
    for code, level in ((DISTRICT, "district"), (PROVINCE, "province")):
        row = mart_row(conn, "2024Q2", code)
        assert row["unit_level"] == level
        assert row["reporting_units"] == 1
        for column in (
            "received",
            "resolved",
            "resolved_early",
            "resolved_late",
            "pending",
            "pending_overdue",
        ):
            assert row[column] == commune[column], column
    assert mart_row(conn, "2024Q2", COMMUNE)["parent_code"] == DISTRICT
    assert mart_row(conn, "2024Q2", DISTRICT)["parent_code"] == PROVINCE


def test_units_without_an_export_have_no_figures_not_zeros(quarter_loaded, conn):
    other = conn.execute(
        "select received, on_time_rate, reporting_units from mart.unit_quarter_indicators "
        "where quarter = '2024Q2' and unit_level = 'commune' and unit_code <> %s limit 1",
        (COMMUNE,),
    ).fetchone()
    assert other == (None, None, 0)
    provinces = conn.execute("select distinct province_code from mart.unit_quarter_indicators").fetchall()
    assert provinces == [(PROVINCE,)]


def test_after_quarter_end_in_local_time_is_quarantined(warehouse_db, tmp_path, conn):
    # 17:30 UTC on 30/06 is 00:30 on 01/07 in Việt Nam: outside 2024Q2.
    rows = [("late-night", COMMUNE, "1.000001", "Hộ tịch", "2", "2024-06-30T17:30:00Z", "2024-07-05", "", "", "0")]
    write_dossiers(tmp_path, "commune", COMMUNE, "2024Q2", rows)
    with pytest.raises(RefreshFailed, match="1 row"):  # the quarantined row fails the run's quality gate
        refresh(warehouse_db, tmp_path, "2024Q2")
    reasons = conn.execute("select reasons from quarantine.rejected_row where quarter = '2024Q2'").fetchall()
    assert len(reasons) == 1
    assert "received after the end of the quarter" in reasons[0][0][0]


@pytest.mark.parametrize(
    ("numerator", "denominator", "expected"),
    [(274, 4872, Decimal("5.62")), (4872, 4872, Decimal("100.00")), (0, 5, Decimal("0.00")), (3, 0, None)],
)
def test_percent_is_two_decimals_and_null_on_zero_denominator(conn, numerator, denominator, expected):
    assert conn.execute("select mart.pct(%s, %s)", (numerator, denominator)).fetchone()[0] == expected


@pytest.mark.parametrize(
    ("due", "resolved", "expected"),
    [
        ("2024-04-10", "2024-04-09", "early"),
        ("2024-04-10", "2024-04-10", "on_time"),
        ("2024-04-10", "2024-04-11", "late"),
        ("2024-04-10", None, None),
    ],
)
def test_resolution_status_compares_calendar_days(conn, due, resolved, expected):
    got = conn.execute("select core.resolution_status(%s::date, %s::date)", (due, resolved)).fetchone()[0]
    assert got == expected
