"""Biểu II.06a mart: generated forms reconcile with the dossiers they were counted from, and an edited
figure shows up as a difference and a broken identity on its own row only."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from cchc_sample.province import generate_province

from cchc.quarters import Quarter
from tests.integration.helpers import refresh
from tests.support.measures import II06A_FIGURES

pytestmark = pytest.mark.integration

FIGURES = II06A_FIGURES
IDENTITIES = ("received_adds_up", "resolved_adds_up", "pending_adds_up", "received_equals_resolved_plus_pending")
DISTRICT = "870"
ONLINE_COLUMN = 4  # column (4) of the form: newly received online


def _mart_rows(conn, quarter: str) -> list[dict]:
    with conn.cursor() as cur:
        cur.execute(
            "select * from mart.one_stop_report_ii06a where quarter = %s order by file_id, line_number", (quarter,)
        )
        names = [d.name for d in cur.description]
        rows = [dict(zip(names, values, strict=True)) for values in cur.fetchall()]
    conn.rollback()  # hold no lock while the next refresh migrates and re-grants the marts
    return rows


def _bump_online(path: Path, unit_code: str, by: int) -> None:
    """Add `by` to the unit's received_online cell in the workbook (numbers may be text like '1.234')."""
    book = openpyxl.load_workbook(path)
    sheet = book["II.06a"]
    for row in range(8, sheet.max_row + 1):
        label = sheet.cell(row=row, column=2).value
        if isinstance(label, str) and label.endswith(f"({unit_code})"):
            cell = sheet.cell(row=row, column=ONLINE_COLUMN)
            value = cell.value
            number = int(value.replace(".", "")) if isinstance(value, str) else int(value)
            cell.value = number + by
            book.save(path)
            return
    raise AssertionError(f"no row for {unit_code} in {path}")


def test_ii06a_reconciles_and_flags_an_edited_figure(warehouse_db: str, conn, tmp_path: Path) -> None:
    landing = tmp_path / "landing"
    quarters = [Quarter(2023, 4), Quarter(2024, 1)]
    generate_province(
        landing, "87", quarters, per_unit_quarter=10, districts=[DISTRICT], datasets=("dossiers", "one_stop_report")
    )
    refresh(warehouse_db, landing, "2023Q4", run_id="ii06a__2023Q4")
    refresh(warehouse_db, landing, "2024Q1", run_id="ii06a__2024Q1")

    rows = _mart_rows(conn, "2024Q1")
    district_form = [r for r in rows if r["reporting_unit_code"] == DISTRICT]
    assert len(district_form) > 1
    assert all(r["province_code"] == "87" for r in rows)
    assert all(r["period_stated"] for r in rows)
    assert {(r["period_start"].isoformat(), r["period_end"].isoformat()) for r in rows} == {
        ("2023-12-15", "2024-03-14")
    }
    for row in rows:
        assert all(row[name] is True for name in IDENTITIES), row
    for row in district_form:
        assert row["has_dossiers"], row
        assert row["row_scope"] == ("desk" if row["unit_code"] == DISTRICT else "subtree")
        diffs = {name: row[f"diff_{name}"] for name in FIGURES}
        assert diffs == dict.fromkeys(FIGURES, 0), (row["unit_code"], diffs)
    # Counted from dossiers received in the period and carried over into it: not an empty rebuild.
    assert sum(r["rebuilt_received_total"] for r in district_form) > 0
    assert sum(r["rebuilt_received_carried_over"] for r in district_form) > 0

    commune = next(r["unit_code"] for r in district_form if r["unit_code"] != DISTRICT)
    _bump_online(landing / "district" / DISTRICT / "2024Q1" / "one_stop_report.xlsx", commune, 3)
    refresh(warehouse_db, landing, "2024Q1", run_id="ii06a__2024Q1__edited")

    edited = _mart_rows(conn, "2024Q1")
    assert len(edited) == len(rows)
    for row in (r for r in edited if r["reporting_unit_code"] == DISTRICT):
        diffs = {name: row[f"diff_{name}"] for name in FIGURES}
        checks = {name: row[name] for name in IDENTITIES}
        if row["unit_code"] == commune:
            assert diffs == {**dict.fromkeys(FIGURES, 0), "received_online": 3}
            assert checks == {**dict.fromkeys(IDENTITIES, True), "received_adds_up": False}
        else:
            assert diffs == dict.fromkeys(FIGURES, 0), (row["unit_code"], diffs)
            assert all(checks.values()), row
