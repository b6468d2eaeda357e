"""The build steps' order comes from what each relation's SQL reads, not from a hand-kept list."""

from __future__ import annotations

import re

import pytest

from cchc.pipeline import CORE_BUILDS, MART_BUILDS
from cchc.warehouse.build_order import build_order, relations_read
from cchc.warehouse.sql_files import read_sql

pytestmark = pytest.mark.unit


def test_a_mart_is_built_after_the_marts_it_reads():
    order = [name for name, _ in build_order(MART_BUILDS)]
    assert sorted(order) == sorted(MART_BUILDS)
    # Read off the files by hand: both read mart.unit_quarter_indicators.
    for reader in ("mart.scorecard_766", "mart.unit_quarter_comparable"):
        assert order.index("mart.unit_quarter_indicators") < order.index(reader)
    for position, (name, path) in enumerate(build_order(MART_BUILDS)):
        earlier = {other for other, _ in build_order(MART_BUILDS)[:position]}
        assert relations_read(read_sql(path)) & set(MART_BUILDS) - {name} <= earlier, name


def test_core_facts_read_staging_only_so_they_go_alphabetically():
    assert [name for name, _ in build_order(CORE_BUILDS)] == sorted(CORE_BUILDS)


def test_comments_do_not_count_as_reads():
    assert relations_read("-- from mart.unit_quarter_indicators\nselect 1 from core.fct_dossier as d") == {
        "core.fct_dossier"
    }


def test_a_cycle_is_named(monkeypatch):
    monkeypatch.setattr("cchc.warehouse.build_order.read_sql", lambda path: f"select * from {path}")
    with pytest.raises(ValueError, match=re.escape("cycle: mart.a, mart.b")):
        build_order({"mart.a": "mart.b", "mart.b": "mart.a", "mart.c": "core.x"})
    assert [name for name, _ in build_order({"mart.b": "mart.a", "mart.a": "core.x"})] == ["mart.a", "mart.b"]
