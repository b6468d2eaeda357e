"""The indicator registry: complete, well-formed, and the only source of the marts' comments and docs."""

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
    comment_statement,
    comment_statements,
    online_target,
    render_indicators_md,
    scorecard_parameters,
)

pytestmark = pytest.mark.unit

SCHEMA = sql_dir() / "schema"
MARTS = sql_dir() / "marts"
MART_SQL = MARTS / "unit_quarter_indicators.sql"
SCORECARD_SQL = MARTS / "scorecard_766.sql"
ADD_COLUMN_RE = re.compile(r"add column (\w+)", re.I)
# Table-level constraints of a `create table`, not columns.
CONSTRAINT_WORDS = {"primary", "check", "unique", "constraint", "foreign", "exclude"}
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
    """The SQL that fills a registered mart: include/sql/marts/<table>.sql."""
    return MARTS / f"{_bare(table)}.sql"


def _comment_re(table: str) -> re.Pattern[str]:
    schema, name = (re.escape(part) for part in table.split("."))
    return re.compile(rf'comment on column "?{schema}"?\."?{name}"?\."?(\w+)"? is', re.I)


def _migrations() -> list:
    return sorted(SCHEMA.glob("*.sql"))


def _declared_columns(table: str) -> list[str]:
    """Columns of a mart as the migrations create and alter it."""
    create_re = re.compile(rf"create table {re.escape(table)} \((.*?)\n\) partition", re.S | re.I)
    alter_re = re.compile(rf"alter table {re.escape(table)}\b(.*?);", re.S | re.I)
    columns: list[str] = []
    for path in _migrations():
        text = path.read_text(encoding="utf-8")
        if created := create_re.search(text):
            for line in created.group(1).splitlines():
                word = line.strip().split(" ", 1)[0]
                if word and word.lower() not in CONSTRAINT_WORDS and not word.startswith("--"):
                    columns.append(word)
        for statement in alter_re.findall(text):
            columns += ADD_COLUMN_RE.findall(statement)
    return columns


def test_registry_holds_both_marts():
    assert REGISTRY == {TABLE: INDICATORS, SCORECARD_TABLE: SCORECARD_766}
    assert (TABLE, SCORECARD_TABLE) == ("mart.unit_quarter_indicators", "mart.scorecard_766")


@pytest.mark.parametrize("table", TABLES)
def test_registry_names_are_unique_and_cover_every_declared_column(table):
    names = [i.name for i in REGISTRY[table]]
    assert len(names) == len(set(names))
    declared = _declared_columns(table)
    assert len(declared) == len(set(declared)), f"{table}: a column is declared twice"
    assert sorted(declared) == sorted(names)


def test_declared_columns_include_every_migrations_additions():
    declared = _declared_columns(TABLE)
    assert "progress_score_766" in declared and "rank_on_time_in_parent" in declared
    assert {"procedures_catalogued", "procedures_online_share", "survey_responses", "satisfied_share"} <= set(declared)
    scorecard = _declared_columns(SCORECARD_TABLE)
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
    text = comment_statements()[[i.name for i in INDICATORS].index("meets_online_target")]
    assert text.startswith('COMMENT ON COLUMN "mart"."unit_quarter_indicators"."meets_online_target" IS ')
    assert "'Đạt chỉ tiêu trực tuyến / meets the online target: online_rate >= online_target_percent; " in text
    assert comment_statement(BY_NAME["quarter"]).as_string(None).endswith("never NULL'")
    assert comment_statements(TABLE) == comment_statements()


def test_comment_statement_of_the_scorecard_names_its_table():
    names = [i.name for i in SCORECARD_766]
    statements = comment_statements(SCORECARD_TABLE)
    assert len(statements) == len(SCORECARD_766)
    band = statements[names.index("band")]
    assert band.startswith('COMMENT ON COLUMN "mart"."scorecard_766"."band" IS ')
    assert "''từ 50 đến dưới 90''" in band and band.endswith("';")
    quarter = comment_statement(BY_NAME["quarter"], SCORECARD_TABLE).as_string(None)
    assert quarter.startswith('COMMENT ON COLUMN "mart"."scorecard_766"."quarter" IS ')
    assert quarter.endswith("never NULL'")


@pytest.mark.parametrize("table", TABLES)
def test_latest_migration_comment_of_each_column_is_the_registrys(table):
    statements = dict(zip([i.name for i in REGISTRY[table]], comment_statements(table), strict=True))
    comment_re = _comment_re(table)
    latest: dict[str, str] = {}
    for path in _migrations():
        text = path.read_text(encoding="utf-8")
        for name in comment_re.findall(text):
            latest[name] = text
    assert set(latest) == set(statements)
    for name, statement in statements.items():
        assert statement in latest[name], f"{table}.{name}: its latest migration COMMENT differs from the registry"


def test_comment_regex_tells_the_tables_apart():
    statement = comment_statements(SCORECARD_TABLE)[0]
    assert _comment_re(SCORECARD_TABLE).findall(statement) == ["quarter"]
    assert _comment_re(TABLE).findall(statement) == []
    assert _comment_re(TABLE).findall("comment on column mart.unit_quarter_indicators.received is 'x'") == ["received"]


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
