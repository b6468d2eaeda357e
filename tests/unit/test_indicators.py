"""The indicator registry: complete, well-formed, and the only source of the mart's comments and docs."""

from __future__ import annotations

import re

import pytest

from cchc.config import sql_dir
from cchc.indicators import (
    BY_NAME,
    DOCS_DIR,
    INDICATORS,
    UNITS,
    comment_statement,
    comment_statements,
    online_target,
    render_indicators_md,
)

pytestmark = pytest.mark.unit

SCHEMA = sql_dir() / "schema"
MART_SQL = sql_dir() / "marts" / "unit_quarter_indicators.sql"
TABLE_RE = re.compile(r"create table mart\.unit_quarter_indicators \((.*?)\n\) partition", re.S)
ADD_COLUMN_RE = re.compile(r"add column (\w+)", re.I)
COMMENT_RE = re.compile(r'comment on column "?mart"?\."?unit_quarter_indicators"?\."?(\w+)"? is', re.I)


def _migrations() -> list:
    return sorted(SCHEMA.glob("*.sql"))


def _declared_columns() -> list[str]:
    """Columns of the mart as the migrations create and alter it."""
    columns: list[str] = []
    for path in _migrations():
        text = path.read_text(encoding="utf-8")
        if created := TABLE_RE.search(text):
            for line in created.group(1).splitlines():
                word = line.strip().split(" ", 1)[0]
                if word and word != "primary":
                    columns.append(word)
        for statement in re.findall(r"alter table mart\.unit_quarter_indicators(.*?);", text, re.I | re.S):
            columns += ADD_COLUMN_RE.findall(statement)
    return columns


def test_registry_names_are_unique_and_cover_every_declared_column():
    names = [i.name for i in INDICATORS]
    assert len(names) == len(set(names))
    declared = _declared_columns()
    assert "progress_score_766" in declared and "rank_on_time_in_parent" in declared
    assert sorted(declared) == sorted(names)


def test_insert_fills_every_registry_column():
    insert = re.search(
        r"insert into mart\.unit_quarter_indicators \((.*?)\)", MART_SQL.read_text(encoding="utf-8"), re.S
    )
    assert insert is not None
    inserted = re.findall(r"\w+", insert.group(1))
    assert sorted(inserted) == sorted(BY_NAME)


@pytest.mark.parametrize("indicator", INDICATORS, ids=lambda i: i.name)
def test_entry_is_well_formed(indicator):
    assert re.fullmatch(r"[a-z][a-z0-9_]*", indicator.name)
    assert indicator.unit in UNITS
    for field in ("label_vi", "label_en", "formula", "source", "null_meaning"):
        value = getattr(indicator, field)
        assert value and value == value.strip() and "\n" not in value, field
    assert indicator.label_vi != indicator.label_en


@pytest.mark.parametrize("name", ["on_time_rate", "online_rate", "postal_return_rate", "supplement_rate"])
def test_rates_are_percent_and_say_when_null(name):
    assert BY_NAME[name].unit == "percent"
    assert "is 0" in BY_NAME[name].null_meaning


def test_comment_statement_quotes_the_text():
    text = comment_statements()[[i.name for i in INDICATORS].index("meets_online_target")]
    assert text.startswith('COMMENT ON COLUMN "mart"."unit_quarter_indicators"."meets_online_target" IS ')
    assert "'Đạt chỉ tiêu trực tuyến / meets the online target: online_rate >= online_target_percent; " in text
    assert comment_statement(BY_NAME["quarter"]).as_string(None).endswith("never NULL'")


def test_latest_migration_comment_of_each_column_is_the_registrys():
    statements = dict(zip([i.name for i in INDICATORS], comment_statements(), strict=True))
    latest: dict[str, str] = {}
    for path in _migrations():
        for name in COMMENT_RE.findall(path.read_text(encoding="utf-8")):
            latest[name] = path.read_text(encoding="utf-8")
    assert set(latest) == set(statements)
    for name, statement in statements.items():
        assert statement in latest[name], f"{name}: its latest migration COMMENT differs from the registry"


def test_online_target_defaults_to_40(monkeypatch):
    monkeypatch.delenv("CCHC_ONLINE_TARGET", raising=False)
    assert str(online_target()) == "40"
    monkeypatch.setenv("CCHC_ONLINE_TARGET", "50.5")
    assert str(online_target()) == "50.5"


def test_indicators_doc_is_up_to_date():
    committed = (DOCS_DIR / "indicators.md").read_text(encoding="utf-8")
    assert committed == render_indicators_md(), "docs/indicators.md is stale: run `cchc docs`"


def test_indicators_doc_has_one_row_per_indicator():
    rows = [line for line in render_indicators_md().splitlines() if line.startswith("| `")]
    assert [row.split("`")[1] for row in rows] == [i.name for i in INDICATORS]
