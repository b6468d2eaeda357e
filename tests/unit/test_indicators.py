"""The indicator marts' model files: complete, well-formed, and the only source of the marts' comments and docs."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from cchc.config import sql_dir
from cchc.indicators import (
    BY_NAME,
    DOCS_DIR,
    INDICATORS,
    REGISTRY,
    SCORECARD_766,
    SCORECARD_TABLE,
    SCORECARD_WEIGHTS,
    TABLE,
    UNITS,
    online_target,
    render_indicators_md,
    scorecard_parameters,
)
from cchc.warehouse.models import comment_statements, load_models

pytestmark = pytest.mark.unit

MODELS = sql_dir() / "models"
MART_SQL = MODELS / "mart" / "unit_quarter_indicators" / "build.sql"
SCORECARD_SQL = MODELS / "mart" / "scorecard_766" / "build.sql"
# Every registered table, its registry and (for ids) its bare name.
TABLES = list(REGISTRY)
ENTRIES = [(table, indicator) for table, indicators in REGISTRY.items() for indicator in indicators]
DECISION_766_POINTS = {
    "transparency": 18,
    "progress": 20,
    "online_service": 12,
    "online_payment": 10,
    "satisfaction": 18,
    "digitisation": 22,
}


def _bare(table: str) -> str:
    return table.split(".", 1)[1]


def _entry_id(entry: tuple[str, object]) -> str:
    table, indicator = entry
    return f"{_bare(table)}.{indicator.name}"


def _mart_sql(table: str):
    """The query that fills a registered mart: include/sql/models/mart/<table>/build.sql."""
    return MODELS / "mart" / _bare(table) / "build.sql"


def _comments(table: str) -> list[str]:
    return [statement.as_string(None) for statement in comment_statements(load_models()[table])]


def test_registry_holds_both_marts():
    assert REGISTRY == {TABLE: INDICATORS, SCORECARD_TABLE: SCORECARD_766}
    assert (TABLE, SCORECARD_TABLE) == ("mart.unit_quarter_indicators", "mart.scorecard_766")


@pytest.mark.parametrize("table", TABLES)
def test_registry_names_are_unique_and_are_the_models_columns(table):
    names = [i.name for i in REGISTRY[table]]
    assert len(names) == len(set(names))
    assert names == [column for column, _ in load_models()[table].columns]


def test_the_registry_holds_the_columns_added_over_time():
    names = [i.name for i in INDICATORS]
    assert "progress_score_766" in names and "rank_on_time_in_parent" in names
    assert {"procedures_catalogued", "procedures_online_share", "survey_responses", "satisfied_share"} <= set(names)
    scorecard = [i.name for i in SCORECARD_766]
    assert "total_score" in scorecard and "band" in scorecard and "primary" not in scorecard


@pytest.mark.parametrize("table", TABLES)
def test_insert_fills_every_registry_column(table):
    insert = re.search(rf"insert into {re.escape(table)} \((.*?)\)", _mart_sql(table).read_text(encoding="utf-8"), re.S)
    assert insert is not None, f"{_mart_sql(table)} has no insert into {table}"
    inserted = re.findall(r"\w+", insert.group(1))
    assert len(inserted) == len(set(inserted)), f"{table}: a column is inserted twice"
    assert sorted(inserted) == sorted(i.name for i in REGISTRY[table])


@pytest.mark.parametrize("entry", ENTRIES, ids=_entry_id)
def test_entry_is_well_formed(entry):
    _, indicator = entry
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


PERCENTS = [(table, i) for table, i in ENTRIES if i.unit == "percent"]


@pytest.mark.parametrize("entry", PERCENTS, ids=_entry_id)
def test_percent_columns_over_a_denominator_say_it_may_be_0(entry):
    _, indicator = entry
    division = re.search(r" / (\(?[a-z_ +]+\)?), 2 decimals", indicator.formula)
    if division is None:
        assert " / " not in indicator.formula, f"{indicator.name}: unrecognised ratio formula"
        return
    denominator = division.group(1).strip("()")
    assert re.search(rf"{re.escape(denominator)} is (NULL or )?0\b", indicator.null_meaning), indicator.name


@pytest.mark.parametrize("indicator", [i for i in SCORECARD_766 if i.unit == "percent"], ids=lambda i: i.name)
def test_scorecard_percent_columns_say_when_null(indicator):
    assert indicator.null_meaning != "never NULL" and not indicator.null_meaning.startswith("never NULL")
    assert re.search(r"\bis (NULL|0)\b|\bNULL or 0\b", indicator.null_meaning), indicator.name


def test_scorecard_has_percent_columns():
    assert [i.name for i in SCORECARD_766 if i.unit == "percent"] == [
        "online_full_rate",
        "overdue_share",
        "dissatisfied_share",
        "dossier_satisfaction_rate",
        "score_of_covered_percent",
    ]


def test_comment_statement_quotes_the_text():
    statements = _comments(TABLE)
    assert statements[0].startswith('comment on table "mart"."unit_quarter_indicators" is ')
    text = statements[1 + [i.name for i in INDICATORS].index("meets_online_target")]
    assert text.startswith('comment on column "mart"."unit_quarter_indicators"."meets_online_target" is ')
    assert "'Đạt chỉ tiêu trực tuyến / meets the online target: online_rate >= online_target_percent; " in text
    assert statements[1].endswith("never NULL'")


def test_comment_statement_of_the_scorecard_names_its_table():
    names = [i.name for i in SCORECARD_766]
    statements = _comments(SCORECARD_TABLE)[1:]
    assert len(statements) == len(SCORECARD_766)
    band = statements[names.index("band")]
    assert band.startswith('comment on column "mart"."scorecard_766"."band" is ')
    assert "''từ 50 đến dưới 90''" in band and band.endswith("'")
    assert statements[0].startswith('comment on column "mart"."scorecard_766"."quarter" is ')
    assert statements[0].endswith("never NULL'")


def test_a_column_comment_is_rendered_from_the_indicators_fields():
    indicator = BY_NAME["online_rate"]
    assert indicator.comment() == (
        f"{indicator.label_vi} / {indicator.label_en}: {indicator.formula}; NULL: {indicator.null_meaning}"
    )
    assert f"is '{indicator.comment()}'" in _comments(TABLE)[1 + [i.name for i in INDICATORS].index("online_rate")]


def test_online_target_defaults_to_40(monkeypatch):
    monkeypatch.delenv("CCHC_ONLINE_TARGET", raising=False)
    assert str(online_target()) == "40"
    monkeypatch.setenv("CCHC_ONLINE_TARGET", "50.5")
    assert str(online_target()) == "50.5"


def test_scorecard_weights_are_decision_766s_and_sum_to_100():
    assert {group: Decimal(points) for group, points in DECISION_766_POINTS.items()} == SCORECARD_WEIGHTS
    assert list(SCORECARD_WEIGHTS) == list(DECISION_766_POINTS)
    assert sum(SCORECARD_WEIGHTS.values()) == Decimal("100")


@pytest.mark.parametrize("group", list(DECISION_766_POINTS))
def test_each_group_has_a_score_column_out_of_its_points(group):
    score = {i.name: i for i in SCORECARD_766}[f"{group}_score"]
    assert score.unit == "points"
    assert score.label_en.endswith(f"(out of {DECISION_766_POINTS[group]})")


def _placeholders(text: str) -> set[str]:
    return set(re.findall(r"%\((\w+)\)s", text))


def test_scorecard_parameters_are_all_used_by_the_marts_sql():
    parameters = scorecard_parameters()
    assert all(isinstance(value, Decimal) for value in parameters.values())
    # Satisfaction is scored through its dossier-handling part (w_dossier_satisfaction) only.
    assert {f"w_{group}" for group in SCORECARD_WEIGHTS if group != "satisfaction"} <= set(parameters)
    assert "w_satisfaction" not in parameters
    for key in (
        "w_dossier_satisfaction",
        "online_full_at",
        "satisfaction_full_at",
        "band_excellent_from",
        "band_weak_below",
    ):
        assert key in parameters, key
    used = _placeholders(SCORECARD_SQL.read_text(encoding="utf-8")) | _placeholders(
        MART_SQL.read_text(encoding="utf-8")
    )
    assert set(parameters) - used == set(), "scorecard parameters no SQL uses"


def test_every_weight_placeholder_of_the_scorecard_is_a_parameter():
    used = _placeholders(SCORECARD_SQL.read_text(encoding="utf-8"))
    weights = {key for key in used if key.startswith("w_")}
    assert weights, "the scorecard SQL uses no weight"
    assert weights - set(scorecard_parameters()) == set(), "weight placeholders without a parameter"


def test_indicators_doc_is_up_to_date():
    committed = (DOCS_DIR / "indicators.md").read_text(encoding="utf-8")
    assert committed == render_indicators_md(), "docs/indicators.md is stale: run `cchc docs`"


def test_indicators_doc_has_one_row_per_indicator_per_table():
    sections: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in render_indicators_md().splitlines():
        if heading := re.fullmatch(r"## `([\w.]+)`", line):
            assert heading.group(1) not in sections, f"{heading.group(1)} has two sections"
            current = sections[heading.group(1)] = []
        elif line.startswith("| `"):
            assert current is not None, f"row before any table heading: {line}"
            current.append(line.split("`")[1])
    assert list(sections) == TABLES
    for table, indicators in REGISTRY.items():
        assert sections[table] == [i.name for i in indicators], table
