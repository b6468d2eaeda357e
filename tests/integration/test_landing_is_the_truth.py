"""The landing zone is the truth: a file that leaves it stops counting, a file renamed (`.csv` to `.CSV`)
counts once, and an empty landing zone (a share that did not mount) withdraws nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from cchc.pipeline import RefreshFailed
from cchc.warehouse.connection import connect
from tests.integration.helpers import mart_row, refresh, write_dossiers

pytestmark = pytest.mark.integration

QUARTER = "2024Q2"
# Two communes of huyện Cao Lãnh city (866), two dossiers each, both resolved on time.
ROWS = {
    unit: [
        (f"{unit}-1", unit, "1.000101", "Hộ tịch", "Trực tiếp", "02/04/2024 08:00", "05/04/2024 17:00",
         "05/04/2024 10:00", "Không", "0"),
        (f"{unit}-2", unit, "1.000101", "Hộ tịch", "Trực tuyến", "03/04/2024 08:00", "06/04/2024 17:00",
         "06/04/2024 10:00", "Không", "0"),
    ]
    for unit in ("29869", "29872")
}  # fmt: skip


def _landing(tmp_path: Path) -> Path:
    landing = tmp_path / "landing"
    for unit, rows in ROWS.items():
        write_dossiers(landing, "commune", unit, QUARTER, rows)
    return landing


def _problems(url: str, run_id: str) -> dict[str, str]:
    with connect(url) as conn:
        return dict(
            conn.execute("select path, reason from audit.landing_problem where run_id = %s", (run_id,)).fetchall()
        )


def _received(url: str, unit: str) -> int | None:
    with connect(url) as conn:
        return mart_row(conn, QUARTER, unit)["received"]


def test_a_file_that_left_the_landing_zone_no_longer_counts(warehouse_db: str, tmp_path: Path) -> None:
    landing = _landing(tmp_path)
    refresh(warehouse_db, landing, QUARTER, run_id="first")
    assert (_received(warehouse_db, "29869"), _received(warehouse_db, "866")) == (2, 4)
    (landing / "commune" / "29872" / QUARTER / "dossiers.csv").unlink()
    with pytest.raises(RefreshFailed, match=r"commune/29872/2024Q2/dossiers\.csv: withdrawn"):
        refresh(warehouse_db, landing, QUARTER, run_id="second")
    assert _problems(warehouse_db, "second") == {
        "commune/29872/2024Q2/dossiers.csv": "withdrawn: no longer in the landing zone; its 2 row(s) no longer count"
    }
    # 29872 sent nothing now: NULL, not its old 2; the district counts 29869's 2 only.
    assert (_received(warehouse_db, "29872"), _received(warehouse_db, "866")) == (None, 2)
    with connect(warehouse_db) as conn:
        assert conn.execute("select count(*) from raw.dossiers where dossier_id like '29872-%'").fetchone() == (0,)
    # Said once: the next run finds nothing more to withdraw and succeeds.
    refresh(warehouse_db, landing, QUARTER, run_id="third")
    assert _problems(warehouse_db, "third") == {}


def test_a_file_renamed_by_case_counts_once(warehouse_db: str, tmp_path: Path) -> None:
    landing = _landing(tmp_path)
    refresh(warehouse_db, landing, QUARTER, run_id="before")
    folder = landing / "commune" / "29869" / QUARTER
    (folder / "dossiers.csv").rename(folder / "dossiers.CSV")
    with pytest.raises(RefreshFailed, match="withdrawn"):
        refresh(warehouse_db, landing, QUARTER, run_id="renamed")
    with connect(warehouse_db) as conn:
        quarantined = conn.execute("select count(*) from quarantine.rejected_row").fetchone()[0]
        current = conn.execute("select path from raw.landing_file where unit_code = '29869' and is_current").fetchall()
    # The same two dossiers, once: no duplicate ids quarantined, the unit still at 2.
    assert (quarantined, current) == (0, [(f"commune/29869/{QUARTER}/dossiers.CSV",)])
    assert (_received(warehouse_db, "29869"), _received(warehouse_db, "866")) == (2, 4)


def test_an_empty_landing_zone_withdraws_nothing(warehouse_db: str, tmp_path: Path) -> None:
    landing = _landing(tmp_path)
    refresh(warehouse_db, landing, QUARTER, run_id="mounted")
    for path in landing.rglob("dossiers.csv"):
        path.unlink()
    with pytest.raises(RefreshFailed, match="is the landing zone mounted"):
        refresh(warehouse_db, landing, QUARTER, run_id="unmounted")
    assert (_received(warehouse_db, "29869"), _received(warehouse_db, "866")) == (2, 4)
