"""The seed articles' figures, reproduced by the warehouse from generated exports."""

from __future__ import annotations

from decimal import Decimal

import pytest

from cchc.generate.scenarios import write_scenario
from tests.integration.helpers import refresh

pytestmark = pytest.mark.integration


def test_hoa_hiep_bac_2018(warehouse_db, tmp_path, conn):
    # Seed 003: phường Hòa Hiệp Bắc, 01/01-28/11/2018: 4.872 received, 274 early, 4.598 on time, 0 late.
    write_scenario("hoa-hiep-bac-2018", tmp_path)
    for quarter in ("2018Q1", "2018Q2", "2018Q3", "2018Q4"):
        refresh(warehouse_db, tmp_path, quarter, run_id=f"seed-{quarter}")
    year = conn.execute(
        """select sum(received), sum(resolved), sum(resolved_early), sum(resolved_on_time), sum(resolved_late),
                  mart.pct(sum(resolved_early) + sum(resolved_on_time), sum(resolved)),
                  mart.pct(sum(resolved_early), sum(resolved))
           from mart.unit_quarter_indicators
           where unit_code = '20194' and quarter like '2018Q_'"""
    ).fetchone()
    assert year == (4872, 4872, 274, 4598, 0, Decimal("100.00"), Decimal("5.62"))
    # Quận Liên Chiểu and Đà Nẵng hold the same figures: no other unit reported.
    district = conn.execute(
        "select sum(received), sum(resolved_early) from mart.unit_quarter_indicators "
        "where unit_code = '490' and quarter like '2018Q_'"
    ).fetchone()
    assert district == (4872, 274)
    assert conn.execute("select count(*) from quarantine.rejected_row").fetchone() == (0,)


def test_hong_ngu_town_2020(warehouse_db, tmp_path, conn):
    # Seed 000: by 04/5/2020 the one-stop desks of thị xã Hồng Ngự and its communes and wards
    # had received and resolved 10.407 dossiers.
    write_scenario("hong-ngu-town-2020", tmp_path)
    for quarter in ("2020Q1", "2020Q2"):
        refresh(warehouse_db, tmp_path, quarter, run_id=f"seed-{quarter}")
    town = conn.execute(
        """select min(unit_name), sum(received), sum(resolved), sum(resolved_late), max(reporting_units)
           from mart.unit_quarter_indicators where unit_code = '868' and quarter in ('2020Q1', '2020Q2')"""
    ).fetchone()
    assert town == ("Thị xã Hồng Ngự", 10407, 10407, 0, 8)  # the town desk and its 7 communes and wards
    procedures = conn.execute(
        "select count(*) from staging.stg_tthc__procedures where online_level ~* '(3|4|toàn trình|một phần)'"
    ).fetchone()[0]
    assert procedures == 64 + 25
    inspected = conn.execute(
        "select count(distinct unit_code) from staging.stg_inspection__findings where inspected_on = '2020-05-29'"
    ).fetchone()[0]
    assert inspected >= 7


def test_hong_ngu_district_2022q1_communes_under_the_online_target(warehouse_db, tmp_path, conn):
    # Seed 001: in Q1/2022 some communes of huyện Hồng Ngự were below the 40% online-submission target.
    write_scenario("hong-ngu-district-2022q1", tmp_path)
    refresh(warehouse_db, tmp_path, "2022Q1", run_id="seed-2022Q1")
    rates = conn.execute(
        "select online_rate from mart.unit_quarter_indicators "
        "where quarter = '2022Q1' and parent_code = '870' and received > 0"
    ).fetchall()
    below = [rate for (rate,) in rates if rate < 40]
    assert len(below) >= 3 and len(rates) - len(below) >= 3
    late_plans = conn.execute("select count(*) from staging.stg_cchc__plans where issued_on > deadline").fetchone()[0]
    assert late_plans >= 1
    letter = conn.execute(
        "select corrective_issued_on::text, bool_or(followed_up) from staging.stg_inspection__findings "
        "where corrective_document like '389/UBND-HC%' group by 1"
    ).fetchall()
    assert letter == [("2022-03-25", False)]
