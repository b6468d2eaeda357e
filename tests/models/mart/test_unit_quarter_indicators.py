"""Postal, online-target, supplement and rank indicators, and the mart's COMMENTs against the registry."""

from __future__ import annotations

from decimal import Decimal

import pytest

from cchc.indicators import (
    BY_NAME,
    DOCS_DIR,
    REGISTRY,
    SCORECARD_TABLE,
    TABLE,
    render_data_dictionary,
)
from cchc.warehouse.models import apply_models
from tests.integration.helpers import mart_row, refresh, write_dossiers
from tests.support.catalog import columns_and_comments

pytestmark = pytest.mark.integration

QUARTER = "2024Q2"
# The five communes of quận Liên Chiểu (490), Đà Nẵng (48); SILENT (quận Thanh Khê) sends nothing.
A, B, C, D, E, SILENT = "20194", "20195", "20197", "20198", "20200", "20206"
DISTRICT, PROVINCE = "490", "48"

DUE = "20/04/2024 17:00"
EARLY, ON_TIME, LATE = "19/04/2024 10:00", "20/04/2024 10:00", "22/04/2024 10:00"
RECEIVED = "02/04/2024 08:00"

# unit -> rows of (channel, received, resolved, returned by post, supplement requests)
DOSSIERS: dict[str, list[tuple[str, str, str, str, str]]] = {
    # 5 received (2 online, 2 postal, 1 direct), 4 resolved: 3 in time, 2 returned by post, 2 with supplements.
    A: [
        ("Trực tuyến", RECEIVED, EARLY, "Có", "0"),
        ("Trực tuyến", RECEIVED, ON_TIME, "Không", "1"),
        ("Bưu chính", RECEIVED, LATE, "Có", "2"),
        ("Trực tiếp", RECEIVED, EARLY, "Không", "0"),
        ("Bưu chính", RECEIVED, "", "Có", "1"),  # pending: neither returned nor counted for supplements
    ],
    # 3 received, 1 online (33.33%), all early: nothing by post, no supplements.
    B: [
        ("Trực tuyến", RECEIVED, EARLY, "Không", "0"),
        ("Trực tiếp", RECEIVED, EARLY, "Không", "0"),
        ("Trực tiếp", RECEIVED, EARLY, "Không", "0"),
    ],
    # Ties with A at 75.00% on time.
    C: [
        ("Trực tiếp", RECEIVED, EARLY, "Không", "0"),
        ("Trực tiếp", RECEIVED, ON_TIME, "Không", "0"),
        ("Trực tiếp", RECEIVED, ON_TIME, "Không", "0"),
        ("Trực tiếp", RECEIVED, LATE, "Không", "0"),
    ],
    # Nothing resolved: every rate over resolved is NULL, and so is the rank.
    D: [("Trực tuyến", RECEIVED, "", "Không", "0")],
    # Nothing received in the quarter (two dossiers carried over from March, resolved in April).
    E: [
        ("Trực tiếp", "15/03/2024 08:00", ON_TIME, "Có", "0"),
        ("Trực tiếp", "16/03/2024 08:00", LATE, "Không", "1"),
    ],
}


def _write(landing) -> None:
    for unit, rows in DOSSIERS.items():
        csv_rows = [
            (f"{unit}-{n}", unit, "1.000001", "Hộ tịch", channel, received, DUE, resolved, post, supplements)
            for n, (channel, received, resolved, post, supplements) in enumerate(rows, start=1)
        ]
        write_dossiers(landing, "commune", unit, QUARTER, csv_rows)


@pytest.fixture
def loaded(warehouse_db, tmp_path, monkeypatch):
    monkeypatch.delenv("CCHC_ONLINE_TARGET", raising=False)
    _write(tmp_path)
    refresh(warehouse_db, tmp_path, QUARTER)
    return warehouse_db


def test_postal_rates(loaded, conn):
    a = mart_row(conn, QUARTER, A)
    assert (a["received"], a["received_postal"], a["resolved"]) == (5, 2, 4)
    assert a["postal_submission_rate"] == Decimal("40.00")
    assert a["returned_by_post"] == 2  # the pending dossier marked Có is not a returned result
    assert a["postal_return_rate"] == Decimal("50.00")
    b = mart_row(conn, QUARTER, B)
    assert (b["postal_submission_rate"], b["returned_by_post"], b["postal_return_rate"]) == (
        Decimal("0.00"),
        0,
        Decimal("0.00"),
    )


def test_postal_rates_are_null_on_zero_denominators(loaded, conn):
    e = mart_row(conn, QUARTER, E)
    assert (e["received"], e["postal_submission_rate"]) == (0, None)
    assert (e["returned_by_post"], e["postal_return_rate"]) == (1, Decimal("50.00"))
    d = mart_row(conn, QUARTER, D)
    assert (d["resolved"], d["returned_by_post"], d["postal_return_rate"]) == (0, 0, None)


def test_supplement_rate(loaded, conn):
    assert mart_row(conn, QUARTER, A)["supplement_rate"] == Decimal("50.00")  # 2 of 4 resolved
    assert mart_row(conn, QUARTER, B)["supplement_rate"] == Decimal("0.00")
    assert mart_row(conn, QUARTER, E)["supplement_rate"] == Decimal("50.00")
    assert mart_row(conn, QUARTER, D)["supplement_rate"] is None  # nothing resolved


def test_online_target_flag_at_exactly_40(loaded, conn):
    a = mart_row(conn, QUARTER, A)
    assert (a["online_rate"], a["online_target_percent"], a["meets_online_target"]) == (
        Decimal("40.00"),
        Decimal("40.00"),
        True,
    )
    b = mart_row(conn, QUARTER, B)
    assert (b["online_rate"], b["meets_online_target"]) == (Decimal("33.33"), False)
    e = mart_row(conn, QUARTER, E)
    assert (e["online_rate"], e["online_target_percent"], e["meets_online_target"]) == (None, Decimal("40.00"), None)
    silent = mart_row(conn, QUARTER, SILENT)
    assert (silent["online_rate"], silent["meets_online_target"]) == (None, None)


def test_online_target_comes_from_the_environment(warehouse_db, tmp_path, conn, monkeypatch):
    monkeypatch.setenv("CCHC_ONLINE_TARGET", "33.33")
    _write(tmp_path)
    refresh(warehouse_db, tmp_path, QUARTER)
    b = mart_row(conn, QUARTER, B)
    assert (b["online_target_percent"], b["meets_online_target"]) == (Decimal("33.33"), True)


def test_on_time_rank_among_communes_of_one_district(loaded, conn):
    ranks = dict(
        conn.execute(
            "select unit_code, rank_on_time_in_parent from mart.unit_quarter_indicators "
            "where quarter = %s and unit_level = 'commune' and parent_code = %s",
            (QUARTER, DISTRICT),
        ).fetchall()
    )
    rates = {unit: mart_row(conn, QUARTER, unit)["on_time_rate"] for unit in (A, B, C, E)}
    assert rates == {A: Decimal("75.00"), B: Decimal("100.00"), C: Decimal("75.00"), E: Decimal("50.00")}
    assert (ranks[B], ranks[A], ranks[C], ranks[E]) == (1, 2, 2, 3)  # dense: ties share 2, next is 3
    assert ranks[D] is None  # nothing resolved
    assert mart_row(conn, QUARTER, SILENT)["rank_on_time_in_parent"] is None  # no export
    assert mart_row(conn, QUARTER, DISTRICT)["rank_on_time_in_parent"] == 1  # the only reporting district
    assert mart_row(conn, QUARTER, PROVINCE)["rank_on_time_in_parent"] == 1


def test_district_rolls_up_the_new_counts(loaded, conn):
    district = mart_row(conn, QUARTER, DISTRICT)
    assert district["returned_by_post"] == 3  # A 2, E 1
    assert district["received_postal"] == 2
    assert district["postal_submission_rate"] == Decimal("15.38")  # 2 / 13
    assert district["resolved"] == 13
    assert district["postal_return_rate"] == Decimal("23.08")  # 3 / 13
    assert district["supplement_rate"] == Decimal("23.08")  # A 2, E 1


def _columns_and_comments(conn, table: str = TABLE) -> list[tuple[str, str | None]]:
    return columns_and_comments(conn, table)


@pytest.mark.parametrize("table", list(REGISTRY))
def test_every_mart_column_has_a_registry_entry_and_its_comment(conn, table):
    by_name = {indicator.name: indicator for indicator in REGISTRY[table]}
    found = _columns_and_comments(conn, table)
    assert found, f"{table} does not exist"
    names = {name for name, _ in found}
    assert names - set(by_name) == set(), f"{table} columns without a registry entry"
    assert set(by_name) - names == set(), f"{table} registry entries without a column"
    for name, comment in found:
        assert comment, f"{table}.{name} has no COMMENT"
        assert comment == by_name[name].comment(), f"{table}.{name}"


def test_apply_models_with_comments_sets_the_registry_text_again(conn):
    conn.execute(f"comment on column {TABLE}.received is 'stale'")
    conn.execute(f"comment on column {SCORECARD_TABLE}.total_score is 'stale'")
    conn.execute(f"comment on column {SCORECARD_TABLE}.quarter is null")
    conn.commit()
    assert dict(_columns_and_comments(conn, SCORECARD_TABLE))["total_score"] == "stale"
    # Their model files did not change: only a forced pass (what `cchc docs` runs) sets them again.
    assert apply_models(conn)["comments_set"] == []
    assert dict(_columns_and_comments(conn))["received"] == "stale"
    assert set(REGISTRY) <= set(apply_models(conn, comments=True)["comments_set"])
    assert dict(_columns_and_comments(conn))["received"] == BY_NAME["received"].comment()
    scorecard = {indicator.name: indicator for indicator in REGISTRY[SCORECARD_TABLE]}
    comments = dict(_columns_and_comments(conn, SCORECARD_TABLE))
    assert comments["total_score"] == scorecard["total_score"].comment()
    assert comments["quarter"] == scorecard["quarter"].comment()


def test_data_dictionary_is_up_to_date(conn):
    committed = (DOCS_DIR / "data_dictionary.md").read_text(encoding="utf-8")
    assert render_data_dictionary(conn) == committed, "docs/data_dictionary.md is stale: run `cchc docs`"
