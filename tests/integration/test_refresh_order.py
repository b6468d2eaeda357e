"""The order of refreshes is said, not hidden: a quarter refreshed before the quarter its facts start in,
or an earlier quarter refreshed after a later one was built, is flagged in the run's build_core summary."""

from __future__ import annotations

from pathlib import Path

import pytest
from cchc_sample.province import generate_province

from cchc.quarters import Quarter
from tests.integration.helpers import refresh

pytestmark = pytest.mark.integration


def test_refreshes_out_of_order_are_flagged(warehouse_db: str, tmp_path: Path) -> None:
    landing = tmp_path / "landing"
    generate_province(landing, "87", [Quarter(2024, 1), Quarter(2024, 2)], per_unit_quarter=8, districts=["866"])
    second = refresh(warehouse_db, landing, "2024Q2", run_id="q2_first")["build_core"]["attention"]
    assert second == [
        "2024Q1 was never refreshed: 2024Q2's facts that start in it (II.06a periods from the 15th of its last "
        "month) are counted without its dossiers; refresh 2024Q1, then 2024Q2"
    ]
    first = refresh(warehouse_db, landing, "2024Q1", run_id="q1_then")["build_core"]["attention"]
    # 2023Q4 holds the generator's lead-in dossiers but was not refreshed either.
    assert first[0].startswith("2023Q4 was never refreshed")
    assert first[1] == "2024Q2 were built from an older version of 2024Q1: refresh them to carry it on"
    again = refresh(warehouse_db, landing, "2024Q2", run_id="q2_again")["build_core"]["attention"]
    assert again == []
