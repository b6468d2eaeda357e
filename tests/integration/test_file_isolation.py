"""One bad file never stops the others: whatever goes wrong while one file is read or copied, that file is
rejected with its path and a short reason, and every other file of the quarter loads.

The committed corpus (tests/fixtures/landing_faults, Đồng Tháp 2024Q2) holds a JSON export with a NUL
character in a string (an exporter writing an unset C string), one nested 10,000 levels deep, and a
good CSV. The test adds a CSV whose NUL byte comes after the first MiB, past the part the encoding is
decided on: written here because a committed file would be over a megabyte of filler.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from cchc.pipeline import RefreshFailed
from cchc.raw import loader as raw_loader
from cchc.warehouse.connection import connect
from tests.conftest import FIXTURES
from tests.integration.helpers import mart_row, refresh

pytestmark = pytest.mark.integration

HEADER = "Mã hồ sơ,Mã thủ tục,Lĩnh vực,Hình thức nộp,Ngày tiếp nhận,Ngày hẹn trả,Ngày có kết quả\n"
ROW = "{id},1.000101,Hộ tịch,Trực tiếp,02/04/2024 08:00,05/04/2024 17:00,{result}\n"


def _landing(tmp_path: Path) -> Path:
    landing = tmp_path / "landing"
    shutil.copytree(FIXTURES / "landing_faults", landing)
    big = landing / "commune" / "29878" / "2024Q2" / "dossiers.csv"
    big.parent.mkdir(parents=True)
    rows = [ROW.format(id=f"D{n:05d}", result="04/04/2024 10:00") for n in range(15_000)]
    text = HEADER + "".join(rows)
    assert len(text.encode("utf-8")) > (1 << 20)  # the NUL lies past the sample the encoding is judged on
    big.write_text(text + ROW.format(id="D-NUL", result="04/04/2024\x0010:00") + ROW.format(id="D-END", result=""))
    return landing


def _reasons(url: str) -> dict[str, str]:
    with connect(url) as conn:
        rows = conn.execute("select path, reason from raw.landing_file where status = 'rejected'").fetchall()
    return dict(rows)


def test_each_broken_file_is_rejected_by_name_and_the_good_one_loads(warehouse_db: str, tmp_path: Path) -> None:
    landing = _landing(tmp_path)
    with pytest.raises(RefreshFailed) as failure:
        refresh(warehouse_db, landing, "2024Q2", run_id="isolation")
    reasons = _reasons(warehouse_db)
    assert set(reasons) == {
        "commune/29872/2024Q2/dossiers.json",
        "commune/29875/2024Q2/dossiers.json",
        "commune/29878/2024Q2/dossiers.csv",
    }
    # The file is indented one key a line: lines 1-5 open it, 6 opens "items", 7-18 are item 1 (ten keys).
    assert reasons["commune/29872/2024Q2/dossiers.json"] == (
        "item 2 (line 19): 'linh_vuc' holds a NUL character (\\u0000)"
    )
    assert reasons["commune/29875/2024Q2/dossiers.json"].startswith("values nested too deeply to read")
    # 15,000 rows after the header on line 1: the NUL is on line 15,002.
    assert reasons["commune/29878/2024Q2/dossiers.csv"] == "line 15002 holds a NUL character (byte 0x00)"
    for path in reasons:
        assert f"{path}: rejected" in str(failure.value)
    with connect(warehouse_db) as conn:
        good = mart_row(conn, "2024Q2", "29869")
    assert (good["received"], good["resolved"], good["reporting_units"]) == (1, 1, 1)


def test_an_error_no_reader_foresaw_rejects_only_its_file(
    warehouse_db: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    landing = tmp_path / "landing"
    shutil.copytree(FIXTURES / "landing_faults" / "commune" / "29869", landing / "commune" / "29869")
    other = landing / "commune" / "29881" / "2024Q2" / "dossiers.csv"
    other.parent.mkdir(parents=True)
    other.write_text(HEADER + ROW.format(id="E1", result=""), encoding="utf-8")
    real_open = raw_loader.open_source

    def flaky(item, spec):
        if item.unit_code == "29881":
            raise ValueError("bad\x00value\nsecret on the second line")
        return real_open(item, spec)

    monkeypatch.setattr(raw_loader, "open_source", flaky)
    with pytest.raises(RefreshFailed):
        refresh(warehouse_db, landing, "2024Q2", run_id="unforeseen")
    # Its kind and the first line of its message, control characters escaped, nothing after.
    assert _reasons(warehouse_db) == {
        "commune/29881/2024Q2/dossiers.csv": "could not be loaded (ValueError): bad\\x00value"
    }
    with connect(warehouse_db) as conn:
        assert mart_row(conn, "2024Q2", "29869")["received"] == 1
