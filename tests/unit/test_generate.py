"""Sample landing data: `generate_province` and the named scenarios."""

from __future__ import annotations

import csv
import re
from datetime import date, datetime
from itertools import pairwise
from pathlib import Path

import pytest

from cchc.generate.dossiers import DIRECT, HEADERS, ONLINE, POSTAL, generate_province
from cchc.generate.scenarios import SCENARIOS, write_scenario
from cchc.generate.units import communes_of, find_unit
from cchc.quarters import Quarter, quarter_range
from cchc.sources.datasets import DOSSIERS

pytestmark = pytest.mark.unit

QUARTERS = quarter_range(Quarter(2024, 1), Quarter(2024, 3))
SMALL = {"province_code": "87", "quarters": QUARTERS, "per_unit_quarter": 12, "districts": ["870"]}
PATH_RE = re.compile(r"^(commune|district)/(\d+)/(\d{4}Q[1-4])/dossiers\.csv$")
DATETIME_RE = re.compile(r"^\d{2}/\d{2}/\d{4} \d{2}:\d{2}$")
FORMAT = "%d/%m/%Y %H:%M"


def _files(landing: Path) -> dict[str, bytes]:
    return {p.relative_to(landing).as_posix(): p.read_bytes() for p in sorted(landing.rglob("*")) if p.is_file()}


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _when(text: str) -> datetime | None:
    return datetime.strptime(text, FORMAT) if text else None


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, object]:
    landing = tmp_path_factory.mktemp("landing")
    return landing, generate_province(landing, **SMALL)


def test_deterministic_byte_identical(small, tmp_path):
    landing, _ = small
    generate_province(tmp_path, **SMALL)
    assert _files(tmp_path) == _files(landing)
    other = tmp_path / "other-seed"
    generate_province(other, **SMALL, seed=7)
    assert _files(other) != _files(landing)


def test_a_quarter_does_not_depend_on_the_others_requested(small, tmp_path):
    landing, _ = small
    generate_province(tmp_path, **{**SMALL, "quarters": [QUARTERS[-1]]})
    alone = _files(tmp_path)
    assert alone
    assert all(path.split("/")[2] == str(QUARTERS[-1]) for path in alone)
    assert alone == {path: data for path, data in _files(landing).items() if path in alone}


def test_landing_paths_use_real_zero_padded_codes(small):
    landing, summary = small
    files = _files(landing)
    expected_communes = {u.code for u in communes_of("87", date(2024, 1, 1), district_code="870")}
    seen: dict[str, set[str]] = {"commune": set(), "district": set()}
    for path in files:
        match = PATH_RE.match(path)
        assert match, path
        level, code, quarter = match.groups()
        assert len(code) == {"commune": 5, "district": 3}[level]
        unit = find_unit(code, level, Quarter.parse(quarter).first_day)
        assert unit.province_code == "87"
        seen[level].add(code)
    assert seen == {"district": {"870"}, "commune": expected_communes}
    assert len(files) == summary.files == len(QUARTERS) * (1 + len(expected_communes))


def test_headers_and_values(small):
    landing, summary = small
    canonical = [DOSSIERS.canonical(header) for header in HEADERS]
    assert canonical == DOSSIERS.column_names
    total = 0
    for path in sorted(landing.rglob("dossiers.csv")):
        first_line = path.read_bytes().split(b"\n", 1)[0]
        assert first_line.decode("utf-8") == ",".join(HEADERS)
        code = path.parent.parent.name
        quarter = Quarter.parse(path.parent.name)
        rows = _rows(path)
        total += len(rows)
        assert len({r["Mã hồ sơ"] for r in rows}) == len(rows)
        for row in rows:
            assert row["Mã đơn vị"] == code
            assert re.fullmatch(rf"H87\.{code}-\d{{6}}-\d{{4}}", row["Mã hồ sơ"])
            assert re.fullmatch(r"1\.00\d{4}", row["Mã thủ tục"])
            assert row["Hình thức nộp"] in {DIRECT, ONLINE, POSTAL}
            assert row["Trả kết quả qua BCCI"] in {"Có", "Không"}
            assert row["Số lần yêu cầu bổ sung"] in {"0", "1", "2"}
            received, due, resolved = (_when(row[h]) for h in HEADERS[5:8])
            assert DATETIME_RE.match(row["Ngày tiếp nhận"]) and DATETIME_RE.match(row["Ngày hẹn trả"])
            assert received.date() < quarter.end_exclusive and due >= received
            if resolved:
                assert received < resolved and resolved.date() < quarter.end_exclusive
    assert total == summary.rows


def test_carried_over_contract(small):
    landing, summary = small
    carried = 0
    for unit_dir in sorted(p for p in landing.glob("*/*") if p.is_dir()):
        for quarter, following in pairwise(QUARTERS):
            now = {r["Mã hồ sơ"]: r for r in _rows(unit_dir / str(quarter) / "dossiers.csv")}
            nxt = {r["Mã hồ sơ"]: r for r in _rows(unit_dir / str(following) / "dossiers.csv")}
            pending = {i for i, r in now.items() if not r["Ngày có kết quả"]}
            from_before = {i for i, r in nxt.items() if _when(r["Ngày tiếp nhận"]).date() < following.first_day}
            assert pending == from_before, unit_dir
            for dossier_id in pending:  # same dossier, later state
                assert [v for k, v in now[dossier_id].items() if k != "Ngày có kết quả"] == [
                    v for k, v in nxt[dossier_id].items() if k != "Ngày có kết quả"
                ]
            carried += len(from_before)
    assert carried > 0
    assert summary.carried_over >= carried
    assert summary.received + summary.carried_over == summary.rows


def test_zero_padded_codes_survive_in_files(tmp_path):
    summary = generate_province(tmp_path, "01", [Quarter(2024, 2)], per_unit_quarter=3, districts=["001"], seed=1)
    assert summary.files > 0
    phuc_xa = tmp_path / "commune" / "00001" / "2024Q2" / "dossiers.csv"
    assert (tmp_path / "district" / "001" / "2024Q2" / "dossiers.csv").is_file()
    assert all(r["Mã đơn vị"] == "00001" for r in _rows(phuc_xa))
    assert all(r["Mã hồ sơ"].startswith("H01.00001-") for r in _rows(phuc_xa))


def test_after_the_reform_only_new_communes(tmp_path):
    summary = generate_province(tmp_path, "82", [Quarter(2025, 3)], per_unit_quarter=2)
    assert not (tmp_path / "district").exists()
    codes = {p.name for p in (tmp_path / "commune").iterdir()}
    assert codes == {u.code for u in communes_of("82", date(2025, 7, 1))}
    assert summary.files == len(codes) == 102
    assert find_unit("29971", "commune", date(2025, 7, 1)).name == "Xã Thường Phước"
    with pytest.raises(ValueError):
        generate_province(tmp_path / "none", "87", [Quarter(2025, 3)])


def test_hoa_hiep_bac_2018_counted_from_the_files(tmp_path):
    assert "hoa-hiep-bac-2018" in SCENARIOS
    summary = write_scenario("hoa-hiep-bac-2018", tmp_path)
    files = _files(tmp_path)
    assert sorted(files) == [f"commune/20194/2018Q{n}/dossiers.csv" for n in (1, 2, 3, 4)]
    latest: dict[str, dict[str, str]] = {}
    appearances: dict[str, int] = {}
    for relative in sorted(files):
        for row in _rows(tmp_path / relative):
            assert row["Mã đơn vị"] == "20194"
            latest[row["Mã hồ sơ"]] = row
            appearances[row["Mã hồ sơ"]] = appearances.get(row["Mã hồ sơ"], 0) + 1
    early = on_time = late = 0
    for row in latest.values():
        received, due, resolved = (_when(row[h]) for h in HEADERS[5:8])
        assert date(2018, 1, 1) <= received.date() <= date(2018, 11, 28)
        assert resolved is not None and resolved.date() <= date(2018, 11, 28)
        early += resolved.date() < due.date()
        on_time += resolved.date() == due.date()
        late += resolved.date() > due.date()
    assert (len(latest), early, on_time, late) == (4872, 274, 4598, 0)
    assert max(appearances.values()) > 1  # some dossiers cross a quarter boundary
    assert (summary.received, summary.early, summary.on_time, summary.late, summary.pending) == (
        4872,
        274,
        4598,
        0,
        0,
    )
    again = tmp_path / "again"
    write_scenario("hoa-hiep-bac-2018", again)
    assert _files(again) == files
    with pytest.raises(KeyError):
        write_scenario("no-such-scenario", tmp_path)
