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
