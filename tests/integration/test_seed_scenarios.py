"""The seed articles' figures, reproduced by the warehouse from generated exports."""

from __future__ import annotations

from decimal import Decimal

import pytest
from cchc_sample.scenarios import write_scenario

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
    # The district team's inspection of 28/11/2018 and the ward's Chỉ thị 29-CT/TU results.
    directive = conn.execute(
        """select criterion, score_percent, inspected_on::text, source_unit_code, unit_level
           from mart.inspections where quarter = '2018Q4' and unit_code = '20194' order by criterion"""
    ).fetchall()
    assert directive == sorted(
        [
            ("Trách nhiệm", Decimal("100"), "2018-11-28", "490", "commune"),
            ("Chuyên nghiệp", Decimal("94"), "2018-11-28", "490", "commune"),
            ("Trung thực", Decimal("100"), "2018-11-28", "490", "commune"),
            ("Kỷ cương", Decimal("98"), "2018-11-28", "490", "commune"),
            ("Gương mẫu", Decimal("96"), "2018-11-28", "490", "commune"),
            ("Chống quan liêu", Decimal("100"), "2018-11-28", "490", "commune"),
            ("Chống tiêu cực", Decimal("100"), "2018-11-28", "490", "commune"),
            ("Chống bệnh hình thức", Decimal("100"), "2018-11-28", "490", "commune"),
        ]
    )


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
    # Online at level 3/4: 64 town-level procedure sets and 25 commune-level ones, in 12 fields. The
    # town's catalogue (written "Mức độ 3/4", as before Nghị định 42/2022) applies to its communes too.
    online = conn.execute(
        """select unit_level, min(procedures_online_full + procedures_online_partial),
                  max(procedures_online_full + procedures_online_partial), count(*)
           from mart.unit_quarter_indicators
           where quarter = '2020Q2' and (unit_code = '868' or parent_code = '868')
           group by unit_level order by unit_level"""
    ).fetchall()
    assert online == [("commune", 25, 25, 7), ("district", 64, 64, 1)]
    fields, legacy_levels = conn.execute(
        """select count(distinct field), array_agg(distinct online_level_legacy order by online_level_legacy)
           from core.dim_procedure where catalogue_unit_code = '868' and online_service <> 'none'"""
    ).fetchone()
    assert (fields, legacy_levels) == (12, [3, 4])
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
