"""The vendored administrative units, their 2025 lineage and renames (include/reference/), and their loader."""

from __future__ import annotations

import csv
import unicodedata
from collections import Counter, defaultdict
from datetime import date, timedelta
from itertools import pairwise

import pytest
from cchc_sample.units import communes_of, districts_of, find_unit, load_units, units_on

from cchc.config import reference_dir
from scripts.build_reference import LEVELS as SCRIPT_LEVELS
from scripts.build_reference import Rename, UnitRow, apply_renames, check_structure, name_key

pytestmark = pytest.mark.unit

CSV_PATH = reference_dir() / "admin_units.csv"
LINEAGE_PATH = reference_dir() / "admin_unit_lineage.csv"
RENAMES_PATH = reference_dir() / "admin_unit_renames.csv"
COLUMNS = ["unit_code", "unit_level", "unit_name", "parent_code", "province_code", "valid_from", "valid_to"]
LINEAGE_COLUMNS = ["old_code", "old_level", "new_code", "new_level", "relation", "effective_on"]
RENAME_COLUMNS = ["unit_code", "unit_level", "old_name", "new_name", "effective_on", "legal_basis", "source"]
WIDTH = {"province": 2, "district": 3, "commune": 5}
RANK = {"province": 0, "district": 1, "commune": 2}
PRE, POST = ("", "2025-06-30"), ("2025-07-01", "")
LAST_PRE_DAY, REFORM_DAY = "2025-06-30", "2025-07-01"

# Pre-reform communes of admin_units.csv with no successor: vietnam-provinces 0.6.0 predates a few mergers of
# early 2025 that vietnamadminunits 1.0.4 already shows (Mộc Châu became a thị xã; wards of Bình Thạnh,
# Phú Nhuận, Quận 6 and Quận 11 merged), so the converter knows these units only under their later codes.
WITHOUT_SUCCESSOR = {
    "03751", "03898", "03913", "03988", "03991", "04003", "04060", "07693", "07732", "07744", "16387", "16411",
    "18448", "20176", "20674", "25102", "25174", "25177", "25186", "26935", "26959", "27067", "27217", "27223",
    "27361", "27379",
}  # fmt: skip


def _read(path) -> tuple[list[str], list[dict[str, str]]]:
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        return list(reader.fieldnames or ()), list(reader)


@pytest.fixture(scope="module")
def rows() -> list[dict[str, str]]:
    columns, found = _read(CSV_PATH)
    assert columns == COLUMNS
    return found


@pytest.fixture(scope="module")
def lineage() -> list[dict[str, str]]:
    columns, found = _read(LINEAGE_PATH)
    assert columns == LINEAGE_COLUMNS
    return found


@pytest.fixture(scope="module")
def renames() -> list[dict[str, str]]:
    columns, found = _read(RENAMES_PATH)
    assert columns == RENAME_COLUMNS
    return found


def _period(row: dict[str, str]) -> tuple[str, str]:
    return row["valid_from"], row["valid_to"]


def _after_reform(row: dict[str, str]) -> bool:
    return row["valid_from"] == REFORM_DAY


def _one(rows: list[dict[str, str]], code: str, level: str, period: tuple[str, str]) -> dict[str, str]:
    found = [r for r in rows if r["unit_code"] == code and r["unit_level"] == level and _period(r) == period]
    assert len(found) == 1, (code, level, period, found)
    return found[0]


def _valid_on(row: dict[str, str], day: str) -> bool:
    return (not row["valid_from"] or row["valid_from"] <= day) and (not row["valid_to"] or day <= row["valid_to"])


def _next_day(iso_day: str) -> str:
    return (date.fromisoformat(iso_day) + timedelta(days=1)).isoformat()


# --- admin_units.csv -----------------------------------------------------------------------------------


def test_counts_per_side_of_the_reform_and_level(rows, renames):
    units = {(r["unit_level"], r["unit_code"], _after_reform(r)) for r in rows}
    counts = Counter((after, level) for level, _code, after in units)
    assert counts[(False, "province")] == 63
    assert counts[(False, "district")] == 696
    # 0.6.0's flat list has 10,056 entries: 10,051 communes plus five island districts without any
    # commune (Bạch Long Vĩ, Cồn Cỏ, Hoàng Sa, Lý Sơn, Côn Đảo), which are districts here.
    assert counts[(False, "commune")] == 10_051
    assert counts[(True, "province")] == 34
    assert counts[(True, "district")] == 0
    assert counts[(True, "commune")] == 3_321
    # One row per unit and side, except that each rename adds an interval to a pre-reform unit.
    assert len(rows) == len(units) + len(renames)
    renamed = {(r["unit_level"], r["unit_code"]) for r in renames}
    for row in rows:
        if _after_reform(row):
            assert _period(row) == POST, row
        elif (row["unit_level"], row["unit_code"]) not in renamed:
            assert _period(row) == PRE, row


def test_codes_are_zero_padded_digit_strings(rows):
    for row in rows:
        level = row["unit_level"]
        assert row["unit_code"].isdigit() and len(row["unit_code"]) == WIDTH[level], row
        assert row["province_code"].isdigit() and len(row["province_code"]) == 2, row
    assert _one(rows, "01", "province", PRE)["unit_name"] == "Thành phố Hà Nội"
    assert _one(rows, "001", "district", PRE)["unit_name"] == "Quận Ba Đình"
    phuc_xa = _one(rows, "00001", "commune", PRE)
    assert (phuc_xa["unit_name"], phuc_xa["parent_code"], phuc_xa["province_code"]) == (
        "Phường Phúc Xá",
        "001",
        "01",
    )


def test_intervals_never_overlap_and_every_parent_is_valid_over_its_child(rows):
    by_unit: dict[tuple[str, str], list[dict[str, str]]] = defaultdict(list)
    for row in rows:
        by_unit[(row["unit_level"], row["unit_code"])].append(row)
    for intervals in by_unit.values():
        intervals.sort(key=lambda r: r["valid_from"])
        for earlier, later in pairwise(intervals):
            assert earlier["valid_to"] and earlier["valid_to"] < later["valid_from"], (earlier, later)
    for row in rows:
        level = row["unit_level"]
        if level == "province":
            assert row["parent_code"] == "" and row["province_code"] == row["unit_code"]
            continue
        parent_level = "province" if level == "district" or _after_reform(row) else "district"
        parents = by_unit[(parent_level, row["parent_code"])]
        for day in (row["valid_from"], row["valid_to"]):
            if day:
                parent = [p for p in parents if _valid_on(p, day)]
                assert len(parent) == 1, (row, day)
                assert parent[0]["province_code"] == row["province_code"], row


def test_text_is_nfc_and_rows_are_sorted(rows):
    for row in rows:
        for value in row.values():
            assert unicodedata.normalize("NFC", value) == value
        assert row["unit_name"].strip() == row["unit_name"] != ""
    order = [(RANK[r["unit_level"]], r["unit_code"], r["valid_from"]) for r in rows]
    assert order == sorted(order)


def test_code_reused_across_the_reform(rows):
    before = _one(rows, "29971", "commune", PRE)
    assert before["unit_name"] == "Thị trấn Thường Thới Tiền"
    assert (before["parent_code"], before["province_code"]) == ("870", "87")
    after = _one(rows, "29971", "commune", POST)
    assert after["unit_name"] == "Xã Thường Phước"
    assert (after["parent_code"], after["province_code"]) == ("82", "82")
    assert _one(rows, "82", "province", PRE)["unit_name"] == "Tỉnh Tiền Giang"
    assert _one(rows, "82", "province", POST)["unit_name"] == "Đồng Tháp"


def test_seed_units_exist_before_the_reform(rows):
    assert _one(rows, "87", "province", PRE)["unit_name"] == "Tỉnh Đồng Tháp"
    assert _one(rows, "870", "district", PRE)["unit_name"] == "Huyện Hồng Ngự"
    assert _one(rows, "868", "district", ("2020-11-01", LAST_PRE_DAY))["unit_name"] == "Thành phố Hồng Ngự"
    assert _one(rows, "437", "district", PRE)["unit_name"] == "Thị xã Hồng Lĩnh"
    assert _one(rows, "168", "district", PRE)["unit_name"] == "Huyện Phú Lương"
    hoa_hiep_bac = _one(rows, "20194", "commune", PRE)
    assert (hoa_hiep_bac["unit_name"], hoa_hiep_bac["parent_code"]) == ("Phường Hòa Hiệp Bắc", "490")
    assert _one(rows, "490", "district", PRE)["unit_name"] == "Quận Liên Chiểu"
    assert not [r for r in rows if r["province_code"] == "87" and _after_reform(r)]


def test_loader_follows_validity():
    assert len(load_units()) == 63 + 696 + 10_051 + 34 + 3_321 + 1
    before, after = date(2025, 6, 30), date(2025, 7, 1)
    assert find_unit("29971", "commune", before).name == "Thị trấn Thường Thới Tiền"
    assert find_unit("29971", "commune", after).name == "Xã Thường Phước"
    assert len(units_on(before, "province")) == 63
    assert len(units_on(after, "province")) == 34
    assert len(units_on(before, "district")) == len(units_on(date(2020, 6, 30), "district")) == 696
    assert {u.code for u in districts_of("87", before)} >= {"868", "870"}
    assert districts_of("82", after) == []
    assert len(communes_of("87", before, district_code="870")) == 10
    assert all(u.parent_code == "82" for u in communes_of("82", after))
    assert communes_of("87", after) == []
    with pytest.raises(KeyError):
        find_unit("20194", "commune", date(2025, 7, 1))


# --- admin_unit_renames.csv and its effect on admin_units.csv ------------------------------------------


def test_renames_are_well_formed(renames):
    assert renames, "at least thị xã -> thành phố Hồng Ngự"
    for rename in renames:
        assert rename["unit_level"] in WIDTH
        assert rename["unit_code"].isdigit() and len(rename["unit_code"]) == WIDTH[rename["unit_level"]]
        assert date.fromisoformat(rename["effective_on"]).isoformat() == rename["effective_on"] < REFORM_DAY
        assert rename["old_name"] != rename["new_name"]
        assert all(value == unicodedata.normalize("NFC", value).strip() != "" for value in rename.values())
        assert "http" in rename["source"], "every rename cites where it was found"


def test_each_rename_splits_the_unit_into_intervals_that_meet(rows, renames):
    for rename in renames:
        code, level, day = rename["unit_code"], rename["unit_level"], rename["effective_on"]
        history = sorted(
            (r for r in rows if (r["unit_code"], r["unit_level"]) == (code, level) and not _after_reform(r)),
            key=lambda r: r["valid_from"],
        )
        before = [r for r in history if r["valid_to"] and _next_day(r["valid_to"]) == day]
        after = [r for r in history if r["valid_from"] == day]
        assert len(before) == len(after) == 1, (rename, history)
        assert before[0]["unit_name"] == rename["old_name"]
        assert after[0]["unit_name"] == rename["new_name"]
        assert {k: v for k, v in before[0].items() if k not in ("unit_name", "valid_from", "valid_to")} == {
            k: v for k, v in after[0].items() if k not in ("unit_name", "valid_from", "valid_to")
        }
        assert history[0]["valid_from"] == "" and history[-1]["valid_to"] == LAST_PRE_DAY


def test_hong_ngu_town_became_a_city_on_1_november_2020(rows):
    history = [r for r in rows if (r["unit_level"], r["unit_code"]) == ("district", "868")]
    assert [(r["unit_name"], r["valid_from"], r["valid_to"]) for r in history] == [
        ("Thị xã Hồng Ngự", "", "2020-10-31"),
        ("Thành phố Hồng Ngự", "2020-11-01", LAST_PRE_DAY),
    ]
    assert find_unit("868", "district", date(2020, 5, 4)).name == "Thị xã Hồng Ngự"  # the seed article's date
    assert find_unit("868", "district", date(2020, 10, 31)).name == "Thị xã Hồng Ngự"
    assert find_unit("868", "district", date(2020, 11, 1)).name == "Thành phố Hồng Ngự"
    # Its communes keep their single pre-reform row and find their parent on any day.
    for day in (date(2019, 1, 1), date(2024, 1, 1)):
        assert len(communes_of("87", day, district_code="868")) == 7


def _unit(level: str, code: str, name: str, parent: str) -> UnitRow:
    return UnitRow(SCRIPT_LEVELS.index(level), code, "", level, name, parent, "87", LAST_PRE_DAY)


def _rename(code: str, old: str, new: str, day: str) -> Rename:
    return Rename(code, "district", old, new, day, "basis", "https://example.invalid")


def test_apply_renames_chains_and_refuses_names_that_do_not_match():
    province = _unit("province", "87", "Tỉnh Đồng Tháp", "")
    town = _unit("district", "868", "Thành phố Hồng Ngự", "87")
    chained = apply_renames(
        [province, town],
        [
            _rename("868", "Thị xã Hồng Ngự", "Thành phố Hồng Ngự", "2020-11-01"),
            _rename("868", "Huyện Hồng Ngự", "Thị xã Hồng Ngự", "2008-12-23"),
        ],
    )
    check_structure(chained)
    assert [(r.unit_name, r.valid_from, r.valid_to) for r in sorted(chained) if r.unit_code == "868"] == [
        ("Huyện Hồng Ngự", "", "2008-12-22"),
        ("Thị xã Hồng Ngự", "2008-12-23", "2020-10-31"),
        ("Thành phố Hồng Ngự", "2020-11-01", LAST_PRE_DAY),
    ]
    with pytest.raises(ValueError, match="snapshot names it"):
        apply_renames([province, town], [_rename("868", "Thành phố Hồng Ngự", "Thị xã Hồng Ngự", "2020-11-01")])
    with pytest.raises(ValueError, match="do not chain"):
        apply_renames(
            [province, town],
            [
                _rename("868", "Thị xã Hồng Ngự", "Thành phố Hồng Ngự", "2020-11-01"),
                _rename("868", "Huyện Hồng Ngự", "Thị xã Hồng Lĩnh", "2008-12-23"),
            ],
        )
    with pytest.raises(ValueError, match="not a pre-reform unit"):
        apply_renames([province, town], [_rename("869", "Thị xã A", "Thành phố A", "2020-11-01")])


def test_name_key_ignores_tone_placement_but_not_vowels():
    assert name_key("Xã Thuận Hoà") == name_key("Xã  Thuận Hòa") == name_key("xã thuận hòa")
    assert name_key("Xã Thuỵ Lâm") == name_key("Xã Thụy Lâm")
    assert name_key("Phường Văn Miếu - Quốc Tử Giám") == name_key("Phường Văn Miếu Quốc Tử Giám")
    assert name_key("Xã Văn Lang") != name_key("Xã Văn Lăng")
    assert name_key("Xã Tân Thành") != name_key("Xã Tân Thạnh")


# --- admin_unit_lineage.csv ----------------------------------------------------------------------------


def test_lineage_counts(lineage):
    counts = Counter((r["old_level"], r["new_level"], r["relation"]) for r in lineage)
    assert counts == {
        ("commune", "commune", "whole"): 9_555,
        ("commune", "commune", "part"): 1_031,
        ("district", "commune", "whole"): 5,  # island districts without communes became đặc khu
        ("province", "province", "whole"): 63,
    }
    assert len(lineage) == 10_654
    # The converter splits 471 old communes; one of them (Phường 15, Phú Nhuận, 27076 in the converter)
    # has no code in admin_units.csv, so 470 remain, shared 396 x 2, 58 x 3, 15 x 4 and 1 x 5.
    parts = Counter(r["old_code"] for r in lineage if r["relation"] == "part")
    assert len(parts) == 470
    assert Counter(parts.values()) == {2: 396, 3: 58, 4: 15, 5: 1}


def test_lineage_is_sorted_unique_nfc_and_dated(lineage):
    keys = [(RANK[r["old_level"]], r["old_code"], RANK[r["new_level"]], r["new_code"]) for r in lineage]
    assert keys == sorted(keys)
    assert len({(r["old_code"], r["new_code"]) for r in lineage}) == len(lineage)
    assert {r["effective_on"] for r in lineage} == {REFORM_DAY}
    assert {r["relation"] for r in lineage} == {"whole", "part"}
    for row in lineage:
        assert all(unicodedata.normalize("NFC", v) == v for v in row.values())


def test_every_lineage_code_exists_on_its_side_of_the_reform(rows, lineage):
    last_before = {(r["unit_level"], r["unit_code"]) for r in rows if r["valid_to"] == LAST_PRE_DAY}
    first_after = {(r["unit_level"], r["unit_code"]) for r in rows if r["valid_from"] == REFORM_DAY}
    for row in lineage:
        assert (row["old_level"], row["old_code"]) in last_before, row
        assert (row["new_level"], row["new_code"]) in first_after, row


def test_whole_has_one_successor_part_several(lineage):
    successors = defaultdict(set)
    relations = defaultdict(set)
    for row in lineage:
        successors[(row["old_level"], row["old_code"])].add(row["new_code"])
        relations[(row["old_level"], row["old_code"])].add(row["relation"])
    for key, found in relations.items():
        assert len(found) == 1, key
        assert (len(successors[key]) == 1) == (found == {"whole"}), key


def test_every_new_unit_has_predecessors_and_old_ones_are_covered_but_a_known_few(rows, lineage):
    new_units = {(r["unit_level"], r["unit_code"]) for r in rows if _after_reform(r)}
    assert {(r["new_level"], r["new_code"]) for r in lineage} == new_units
    old_provinces = {r["unit_code"] for r in rows if r["unit_level"] == "province" and not _after_reform(r)}
    assert {r["old_code"] for r in lineage if r["old_level"] == "province"} == old_provinces
    old_communes = {r["unit_code"] for r in rows if r["unit_level"] == "commune" and not _after_reform(r)}
    covered = {r["old_code"] for r in lineage if r["old_level"] == "commune"}
    assert covered <= old_communes
    assert old_communes - covered == WITHOUT_SUCCESSOR


def test_commune_lineage_agrees_with_province_lineage(rows, lineage):
    province_before = {r["unit_code"]: r["province_code"] for r in rows if not _after_reform(r)}
    province_after = {r["unit_code"]: r["province_code"] for r in rows if _after_reform(r)}
    provinces = {(r["old_code"], r["new_code"]) for r in lineage if r["old_level"] == "province"}
    for row in lineage:
        if row["old_level"] != "province":
            assert (province_before[row["old_code"]], province_after[row["new_code"]]) in provinces, row


def test_thuong_phuoc_example(lineage):
    predecessors = {(r["old_code"], r["relation"]) for r in lineage if r["new_code"] == "29971"}
    assert predecessors == {("29956", "whole"), ("29971", "whole"), ("29974", "whole")}
    assert find_unit("29956", "commune", date(2025, 6, 30)).parent_code == "870"
    assert find_unit("29974", "commune", date(2025, 6, 30)).parent_code == "870"
    provinces = {(r["old_code"], r["relation"]) for r in lineage if r["new_code"] == "82"}
    assert provinces == {("82", "whole"), ("87", "whole")}  # Tiền Giang and Đồng Tháp form the new Đồng Tháp


def test_seed_communes_and_a_split(lineage):
    def successors(code: str) -> set[tuple[str, str]]:
        return {(r["new_code"], r["relation"]) for r in lineage if r["old_code"] == code}

    assert successors("20194") == {("20195", "whole")}  # Hòa Hiệp Bắc -> phường Hải Vân
    assert find_unit("20195", "commune", date(2025, 7, 1)).name == "Phường Hải Vân"
    assert successors("20296") == {("20195", "part"), ("20197", "part")}  # xã Hòa Liên, split
    assert successors("498") == {("20333", "whole")}  # huyện Hoàng Sa -> đặc khu Hoàng Sa
