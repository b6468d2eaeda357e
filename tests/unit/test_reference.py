"""The vendored administrative units (include/reference/admin_units.csv) and their loader."""

from __future__ import annotations

import csv
import unicodedata
from collections import Counter
from datetime import date

import pytest

from cchc.config import reference_dir
from cchc.generate.units import communes_of, districts_of, find_unit, load_units, units_on

pytestmark = pytest.mark.unit

CSV_PATH = reference_dir() / "admin_units.csv"
COLUMNS = ["unit_code", "unit_level", "unit_name", "parent_code", "province_code", "valid_from", "valid_to"]
WIDTH = {"province": 2, "district": 3, "commune": 5}
PRE, POST = ("", "2025-06-30"), ("2025-07-01", "")


@pytest.fixture(scope="module")
def rows() -> list[dict[str, str]]:
    with CSV_PATH.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        assert reader.fieldnames == COLUMNS
        return list(reader)


def _period(row: dict[str, str]) -> tuple[str, str]:
    return row["valid_from"], row["valid_to"]


def _one(rows: list[dict[str, str]], code: str, level: str, period: tuple[str, str]) -> dict[str, str]:
    found = [r for r in rows if r["unit_code"] == code and r["unit_level"] == level and _period(r) == period]
    assert len(found) == 1, (code, level, period, found)
    return found[0]


def test_counts_per_period_and_level(rows):
    counts = Counter((_period(r), r["unit_level"]) for r in rows)
    assert {_period(r) for r in rows} == {PRE, POST}
    assert counts[(PRE, "province")] == 63
    assert counts[(PRE, "district")] == 696
    # 0.6.0's flat list has 10,056 entries: 10,051 communes plus five island districts without any
    # commune (Bạch Long Vĩ, Cồn Cỏ, Hoàng Sa, Lý Sơn, Côn Đảo), which are districts here.
    assert counts[(PRE, "commune")] == 10_051
    assert counts[(POST, "province")] == 34
    assert counts[(POST, "district")] == 0
    assert counts[(POST, "commune")] == 3_321


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


def test_keys_unique_and_every_parent_exists_in_the_same_period(rows):
    keys = Counter((r["unit_level"], r["unit_code"], _period(r)) for r in rows)
    assert max(keys.values()) == 1
    parent_level = {
        (PRE, "district"): "province",
        (PRE, "commune"): "district",
        (POST, "commune"): "province",
    }
    by_key = {(r["unit_level"], r["unit_code"], _period(r)): r for r in rows}
    for row in rows:
        period, level = _period(row), row["unit_level"]
        if level == "province":
            assert row["parent_code"] == "" and row["province_code"] == row["unit_code"]
            continue
        parent = by_key[(parent_level[(period, level)], row["parent_code"], period)]
        assert parent["province_code"] == row["province_code"], row


def test_text_is_nfc_and_rows_are_sorted(rows):
    for row in rows:
        for value in row.values():
            assert unicodedata.normalize("NFC", value) == value
        assert row["unit_name"].strip() == row["unit_name"] != ""
    rank = {"province": 0, "district": 1, "commune": 2}
    order = [(rank[r["unit_level"]], r["unit_code"], r["valid_from"]) for r in rows]
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
    assert _one(rows, "868", "district", PRE)["unit_name"] == "Thành phố Hồng Ngự"
    hoa_hiep_bac = _one(rows, "20194", "commune", PRE)
    assert (hoa_hiep_bac["unit_name"], hoa_hiep_bac["parent_code"]) == ("Phường Hòa Hiệp Bắc", "490")
    assert _one(rows, "490", "district", PRE)["unit_name"] == "Quận Liên Chiểu"
    assert not [r for r in rows if r["province_code"] == "87" and _period(r) == POST]


def test_loader_follows_validity():
    assert len(load_units()) == 63 + 696 + 10_051 + 34 + 3_321
    before, after = date(2025, 6, 30), date(2025, 7, 1)
    assert find_unit("29971", "commune", before).name == "Thị trấn Thường Thới Tiền"
    assert find_unit("29971", "commune", after).name == "Xã Thường Phước"
    assert len(units_on(before, "province")) == 63
    assert len(units_on(after, "province")) == 34
    assert {u.code for u in districts_of("87", before)} >= {"868", "870"}
    assert districts_of("82", after) == []
    assert len(communes_of("87", before, district_code="870")) == 10
    assert all(u.parent_code == "82" for u in communes_of("82", after))
    assert communes_of("87", after) == []
    with pytest.raises(KeyError):
        find_unit("20194", "commune", date(2025, 7, 1))
