"""The seed scenarios: the articles' figures, counted straight from the files each scenario writes."""

from __future__ import annotations

import csv
import json
from collections import Counter
from datetime import date, datetime
from pathlib import Path

import pytest
from cchc_sample.dossiers import HEADERS, ONLINE
from cchc_sample.scenarios import SCENARIOS, write_scenario
from cchc_sample.units import communes_of

from cchc.sources.datasets import DATASETS
from tests.support.landing_files import csv_rows as _rows
from tests.support.landing_files import generated_datetime as _when
from tests.support.landing_files import landing_digest as _digest
from tests.support.landing_files import landing_files as _files

pytestmark = pytest.mark.unit

# sha256 over (path, bytes) of the scenario's files: its output is pinned byte for byte.
HOA_HIEP_BAC_DIGEST = "6016714f6f4ad18483682d8da67474e331c35b7060ec7e3dd6b0370795bf109b"
FORMAT = "%d/%m/%Y %H:%M"


def _day(text: str) -> date:
    return datetime.strptime(text, "%d/%m/%Y").date()


def _latest(landing: Path) -> dict[str, dict[str, str]]:
    """Every dossier once, in the state of the last file it appears in (files sorted by quarter)."""
    latest: dict[str, dict[str, str]] = {}
    for path in sorted(landing.rglob("dossiers.csv"), key=lambda p: (p.parent.name, p.as_posix())):
        for row in _rows(path):
            latest[row["Mã hồ sơ"]] = row
    return latest


def test_every_scenario_is_listed_with_a_one_line_description():
    assert set(SCENARIOS) == {"hoa-hiep-bac-2018", "hong-ngu-town-2020", "hong-ngu-district-2022q1"}
    assert all(text and "\n" not in text for text in SCENARIOS.values())
    with pytest.raises(KeyError):
        write_scenario("no-such-scenario", Path("unused"))


def test_every_scenario_file_has_headers_its_spec_accepts(tmp_path):
    for name in ("hong-ngu-district-2022q1", "hoa-hiep-bac-2018"):
        write_scenario(name, tmp_path / name)
    for path in sorted(tmp_path.rglob("*.csv")):
        spec = DATASETS[path.stem]
        header = next(csv.reader(path.open(encoding="utf-8", newline="")))
        mapped = [spec.canonical(h) for h in header]
        assert None not in mapped and set(spec.required_names) <= set(mapped), path


def test_hoa_hiep_bac_2018_counted_from_the_files(tmp_path):
    summary = write_scenario("hoa-hiep-bac-2018", tmp_path)
    assert sorted(_files(tmp_path)) == [
        *(f"commune/20194/2018Q{n}/dossiers.csv" for n in (1, 2, 3, 4)),
        "district/490/2018Q4/inspections.csv",
    ]
    assert _digest(tmp_path) == HOA_HIEP_BAC_DIGEST
    files = [f for f in _files(tmp_path) if f.endswith("dossiers.csv")]
    appearances = Counter(r["Mã hồ sơ"] for relative in files for r in _rows(tmp_path / relative))
    early = on_time = late = 0
    for row in _latest(tmp_path).values():
        assert row["Mã đơn vị"] == "20194"
        received, due, resolved = (_when(row[h]) for h in HEADERS[5:8])
        assert date(2018, 1, 1) <= received.date() <= date(2018, 11, 28)
        assert resolved is not None and resolved.date() <= date(2018, 11, 28)
        early += resolved.date() < due.date()
        on_time += resolved.date() == due.date()
        late += resolved.date() > due.date()
    assert (len(appearances), early, on_time, late) == (4872, 274, 4598, 0)
    assert max(appearances.values()) > 1  # some dossiers cross a quarter boundary
    figures = (summary.received, summary.early, summary.on_time, summary.late, summary.pending)
    assert figures == (4872, 274, 4598, 0, 0)


@pytest.fixture(scope="module")
def town(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, object]:
    landing = tmp_path_factory.mktemp("hong-ngu-town")
    return landing, write_scenario("hong-ngu-town-2020", landing)


def test_hong_ngu_town_2020_dossiers(town, tmp_path):
    landing, summary = town
    communes = {c.code for c in communes_of("87", date(2020, 1, 1), district_code="868")}
    assert len(communes) == 7
    folders = {(p.parts[-4], p.parts[-3]) for p in landing.rglob("dossiers.csv")}
    assert folders == {("district", "868")} | {("commune", code) for code in communes}
    assert {p.parent.name for p in landing.rglob("dossiers.csv")} == {"2020Q1", "2020Q2"}
    latest = _latest(landing)
    for row in latest.values():
        received, resolved = _when(row["Ngày tiếp nhận"]), _when(row["Ngày có kết quả"])
        assert date(2020, 1, 1) <= received.date() <= date(2020, 5, 4)
        assert resolved is not None and resolved.date() <= date(2020, 5, 4)
    assert len(latest) == 10407  # "tiếp nhận và giải quyết ... được 10.407 hồ sơ" by 04/5/2020
    export = [r for p in landing.rglob("2020Q2/dossiers.csv") for r in _rows(p)]
    assert max(_when(r["Ngày tiếp nhận"]) for r in export).date() <= date(2020, 5, 4)
    assert (summary.received, summary.resolved, summary.late, summary.pending) == (10407, 10407, 0, 0)
    again = tmp_path / "again"
    write_scenario("hong-ngu-town-2020", again)
    assert _files(again) == _files(landing)


def test_hong_ngu_town_2020_procedures_and_inspection(town):
    landing, summary = town
    procedures = _rows(landing / "district/868/2020Q2/procedures.csv")
    online = [r for r in procedures if r["Mức độ DVC"] in ("Mức độ 3", "Mức độ 4")]
    per_level = Counter(r["Cấp thực hiện"] for r in online)
    assert per_level == {"Cấp huyện": 64, "Cấp xã": 25}  # "64 bộ thủ tục của Thị xã, 25 bộ thủ tục cấp xã"
    assert len({r["Lĩnh vực"] for r in online}) == 12  # "liên quan đến 12 lĩnh vực"
    offered = {r["Mã thủ tục"] for r in online}
    filed_online = {r["Mã thủ tục"] for r in _latest(landing).values() if r["Hình thức nộp"] == ONLINE}
    assert filed_online and filed_online <= offered

    inspection = _rows(landing / "district/868/2020Q2/inspections.csv")
    assert {_day(r["Ngày kiểm tra"]) for r in inspection} == {date(2020, 5, 29)}
    assert len({r["Mã đợt kiểm tra"] for r in inspection}) == 1
    visited = {r["Mã đơn vị"] for r in inspection}
    communes = {c.code for c in communes_of("87", date(2020, 5, 29), district_code="868")}
    assert visited - {"868"} == communes and len(communes) == 7  # "tại 07 xã, phường"
    assert "868" in visited  # "và Bộ phận một cửa của Thị xã"
    assert summary.figures["online_town_level"] == 64 and summary.figures["online_commune_level"] == 25
    json.dumps(summary.as_dict(), ensure_ascii=False)


@pytest.fixture(scope="module")
def district(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, object]:
    landing = tmp_path_factory.mktemp("hong-ngu-district")
    return landing, write_scenario("hong-ngu-district-2022q1", landing)


def test_hong_ngu_district_2022q1_online_target(district, tmp_path):
    landing, summary = district
    communes = {c.code for c in communes_of("87", date(2022, 1, 1), district_code="870")}
    rates = {}
    for path in sorted(landing.glob("commune/*/2022Q1/dossiers.csv")):
        rows = _rows(path)
        assert all(_when(r["Ngày tiếp nhận"]).date() >= date(2022, 1, 1) for r in rows)
        rates[path.parts[-3]] = sum(r["Hình thức nộp"] == ONLINE for r in rows) / len(rows)
    assert set(rates) == communes and len(communes) == 10  # "các xã, thị trấn": 9 xã and thị trấn Thường Thới Tiền
    below = {code for code, rate in rates.items() if rate < 0.40}
    assert len(below) >= 3 and len(below) < len(rates)  # "một số địa phương chưa đạt tỷ lệ 40%"
    assert all(rate > 0.40 for code, rate in rates.items() if code not in below)
    assert summary.figures["below_online_target"] == len(below)
    assert summary.figures["online_rates"] == {code: round(100 * rate, 2) for code, rate in rates.items()}

    inspection = _rows(landing / "district/870/2022Q1/inspections.csv")
    flagged = {r["Mã đơn vị"] for r in inspection if "40%" in r["Tồn tại, hạn chế"]}
    assert flagged == below
    for row in inspection:
        if row["Tiêu chí"] == "Tỷ lệ hồ sơ nộp trực tuyến":
            assert float(row["Kết quả (%)"].replace(",", ".")) == round(100 * rates[row["Mã đơn vị"]], 2)
    again = tmp_path / "again"
    write_scenario("hong-ngu-district-2022q1", again)
    assert _files(again) == _files(landing)


def test_hong_ngu_district_2022q1_plans_and_corrective_letter(district):
    landing, summary = district
    plans = [row for path in sorted(landing.glob("commune/*/2022Q1/plans.csv")) for row in _rows(path)]
    assert len(plans) == 10 and {r["Năm kế hoạch"] for r in plans} == {"2022"}
    late = {r["Mã đơn vị"] for r in plans if _day(r["Ngày ban hành"]) > _day(r["Hạn ban hành"])}
    assert 0 < len(late) < len(plans)  # "một số địa phương ban hành trễ ... Kế hoạch CCHC năm 2022"
    unpublished = {r["Mã đơn vị"] for r in plans if r["Công khai ngân sách"] == "Không"}
    assert len(unpublished) > len(plans) / 2  # "đa số địa phương chưa công khai ngân sách"
    assert all(bool(r["Ngày công khai ngân sách"]) == (r["Công khai ngân sách"] == "Có") for r in plans)
    assert (summary.figures["late_plans"], summary.figures["budget_not_published"]) == (len(late), len(unpublished))

    inspection = _rows(landing / "district/870/2022Q1/inspections.csv")
    findings = [r for r in inspection if r["Tồn tại, hạn chế"]]
    assert findings and {r["Mã đơn vị"] for r in findings if "trễ" in r["Tồn tại, hạn chế"]} == late
    assert {r["Mã đơn vị"] for r in findings if "ngân sách" in r["Tồn tại, hạn chế"]} == unpublished
    assert {(r["Văn bản chấn chỉnh"], r["Ngày ban hành văn bản"]) for r in findings} == {("389/UBND-HC", "25/03/2022")}
    assert {r["Đã khắc phục"] for r in findings} <= {"", "Không"}
    assert all(_day(r["Ngày kiểm tra"]) < date(2022, 3, 25) for r in inspection)
    assert all(not r["Văn bản chấn chỉnh"] for r in inspection if not r["Tồn tại, hạn chế"])
