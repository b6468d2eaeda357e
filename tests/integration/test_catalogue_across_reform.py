"""Which procedure catalogue is in force when units change: a rename keeps its catalogue, a unit formed by
the 01/07/2025 reform does not inherit the catalogue of an abolished unit that had the same code."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest

from tests.integration.helpers import mart_row, refresh, write_dossiers

pytestmark = pytest.mark.integration

HEADER = ("procedure_code", "procedure_name", "field", "level", "online_level", "processing_days")
# Phường Liên Chiểu (20197) of Đà Nẵng (48): both codes were reused by the reform for new units.
COMMUNE, PROVINCE = "20197", "48"
TOWN = "868"  # Thị xã Hồng Ngự, renamed Thành phố Hồng Ngự on 01/11/2020 (same code, same unit)


def _catalogue(landing: Path, level: str, unit: str, quarter: str, rows: list[tuple[str, str, str]]) -> None:
    path = landing / level / unit / quarter / "procedures.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        writer.writerows((code, f"Thủ tục {code}", "Hộ tịch", lvl, online, "3") for code, lvl, online in rows)


def _in_force(conn, quarter: str, day: dt.date, units: tuple[str, ...]) -> dict[str, tuple[str, str]]:
    rows = conn.execute(
        "select unit_code, catalogue_unit_code, catalogue_quarter "
        "from core.procedure_catalogue_in_force(%s, %s) where unit_code = any(%s)",
        (quarter, day, list(units)),
    ).fetchall()
    conn.rollback()  # an open read transaction would hold up the next refresh's partition swap
    return {unit: (publisher, published) for unit, publisher, published in rows}


def test_catalogues_follow_renames_but_not_reused_codes(warehouse_db, tmp_path, conn):
    _catalogue(tmp_path, "district", TOWN, "2020Q2", [("2.000001", "Cấp huyện", "Mức độ 4")])
    _catalogue(tmp_path, "province", PROVINCE, "2025Q2", [("1.000001", "Cấp xã", "Toàn trình")])
    _catalogue(
        tmp_path, "commune", COMMUNE, "2025Q2", [("1.000001", "Cấp xã", "Một phần"), ("1.000002", "Cấp xã", "Không")]
    )
    refresh(warehouse_db, tmp_path, "2020Q2")
    refresh(warehouse_db, tmp_path, "2025Q2")

    # The renamed town keeps the catalogue it published under its old name.
    assert _in_force(conn, "2021Q1", dt.date(2021, 3, 31), (TOWN,)) == {TOWN: (TOWN, "2020Q2")}
    # Before the reform the ward's own catalogue wins over the province's.
    assert _in_force(conn, "2025Q2", dt.date(2025, 6, 30), (COMMUNE, PROVINCE)) == {
        COMMUNE: (COMMUNE, "2025Q2"),
        PROVINCE: (PROVINCE, "2025Q2"),
    }
    # After it, the new ward 20197 and the new city 48 are other units: nothing is in force for them.
    assert _in_force(conn, "2025Q3", dt.date(2025, 9, 30), (COMMUNE, PROVINCE)) == {}

    write_dossiers(
        tmp_path,
        "commune",
        COMMUNE,
        "2025Q3",
        [("LC-1", COMMUNE, "1.000001", "Hộ tịch", "Trực tuyến", "01/07/2025 08:00", "04/07/2025 17:00", "", "", "")],
    )
    refresh(warehouse_db, tmp_path, "2025Q3")
    ward = mart_row(conn, "2025Q3", COMMUNE)
    assert (ward["received"], ward["procedures_catalogued"], ward["procedures_online_share"]) == (1, None, None)
    scorecard = conn.execute(
        "select online_full_eligible, online_service_score from mart.scorecard_766 "
        "where quarter = '2025Q3' and unit_code = %s",
        (COMMUNE,),
    ).fetchone()
    conn.rollback()
    assert scorecard == (None, None)

    # The new city publishes its catalogue for the two-level government: in force for the new ward.
    _catalogue(tmp_path, "province", PROVINCE, "2025Q3", [("1.000001", "Cấp xã", "Toàn trình")])
    refresh(warehouse_db, tmp_path, "2025Q3", run_id="again-2025Q3")
    assert _in_force(conn, "2025Q3", dt.date(2025, 9, 30), (COMMUNE,)) == {COMMUNE: (PROVINCE, "2025Q3")}
    ward = mart_row(conn, "2025Q3", COMMUNE)
    assert (ward["procedures_catalogued"], ward["procedures_online_full"], ward["procedures_online_share"]) == (
        1,
        1,
        100,
    )
    scorecard = conn.execute(
        "select online_full_eligible, online_full_received_online, online_full_rate, online_service_score "
        "from mart.scorecard_766 where quarter = '2025Q3' and unit_code = %s",
        (COMMUNE,),
    ).fetchone()
    assert scorecard == (1, 1, 100, 12)
