"""The derived relations as models: every core fact, `core.dim_procedure`, every `mart.*` relation and
the views of `bao_cao` live in one folder each, `include/sql/models/<schema>/<relation>/`, holding

- `table.sql` (or `view.sql` for a view): the relation's definition, as it is created;
- `build.sql` (`build_<check>.sql` for the reconciliation): the query the pipeline fills it with;
- `model.yml`: its description, each column's COMMENT (or, for the indicator marts, the indicator's
  labels, formula, unit, legal source and NULL meaning, from which the COMMENT is rendered), the step
  that builds it, every relation and function its SQL reads, and the test modules that check it
  (`tests/models/<schema>/test_<relation>.py` where one is its own), and, for a fact whose rows come
  row for row from one dataset's staged rows (`per_landing_unit: <dataset>`), that its build query
  takes the files to rebuild (`%(file_ids)s`, NULL for all): a late file then replaces only its
  landing unit's rows.

They are not migrations: `apply_models` creates what is missing, drops and recreates a relation whose
definition changed (`audit.model_definition` holds the digest it was created from), forgets the step
records of what it built so that the next `cchc refresh` of each quarter builds it again, sets the
COMMENTs from `model.yml`, and (re)creates the shared SQL functions of `include/sql/functions`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, cached_property
from pathlib import Path
from typing import Any

import psycopg
import yaml
from psycopg import sql

from cchc.config import sql_dir
from cchc.sources.datasets import DATASETS
from cchc.warehouse.build_order import dependency_order, relations_read
from cchc.warehouse.migrations import LOCK_KEY
from cchc.warehouse.sql_files import execute_file, execute_template, fetch_all, qualified

MODELS_DIR = "models"
FUNCTIONS_DIR = "functions"
MODEL_KEYS = {"description", "built_by", "depends_on", "tests", "columns", "per_landing_unit"}
# libyaml's safe loader where PyYAML was built with it: every process that builds or documents reads all.
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True)
class Indicator:
    """One column of an indicator mart: what it means, how it is computed, where the rule comes from."""

    name: str
    label_vi: str
    label_en: str
    formula: str
    unit: str
    source: str
    null_meaning: str

    def comment(self) -> str:
        """The column's COMMENT text: `<vi> / <en>: <formula>; NULL: <meaning>`."""
        return f"{self.label_vi} / {self.label_en}: {self.formula}; NULL: {self.null_meaning}"


@dataclass(frozen=True)
class Model:
    """One derived relation, as its folder describes it."""

    relation: str
    folder: Path
    kind: str  # 'table' or 'view'
    description: str
    built_by: str | None
    depends_on: tuple[str, ...]
    columns: tuple[tuple[str, str | None], ...]  # (column, COMMENT or None) in the relation's order
    indicators: tuple[Indicator, ...]
    tests: tuple[str, ...]  # test modules (paths from the project root) that check it
    per_landing_unit: str | None = None  # the dataset whose landing units it can be rebuilt by

    @property
    def definition_file(self) -> Path:
        return self.folder / f"{self.kind}.sql"

    @property
    def build_files(self) -> tuple[str, ...]:
        """The build queries, as paths under include/sql (what `execute_file` takes)."""
        return tuple(str(p.relative_to(sql_dir())) for p in sorted(self.folder.glob("build*.sql")))

    @cached_property
    def definition_digest(self) -> str:
        return hashlib.sha256(self.definition_file.read_bytes()).hexdigest()

    @cached_property
    def docs_digest(self) -> str:
        return hashlib.sha256((self.folder / "model.yml").read_bytes()).hexdigest()


def _indicator(name: str, spec: dict[str, Any]) -> Indicator:
    return Indicator(name, **{key: str(value) for key, value in spec.items()})


def read_model(folder: Path) -> Model:
    """The model of one folder; a folder without its definition or model.yml is an error naming it."""
    relation = f"{folder.parent.name}.{folder.name}"
    kinds = [kind for kind in ("table", "view") if (folder / f"{kind}.sql").is_file()]
    if len(kinds) != 1 or not (folder / "model.yml").is_file():
        raise ValueError(f"{folder}: a model folder holds model.yml and one of table.sql or view.sql")
    path = folder / "model.yml"
    try:
        spec = yaml.load(path.read_text(encoding="utf-8"), Loader=_YAML_LOADER)
    except yaml.YAMLError as error:
        raise ValueError(f"{path}: not readable as YAML: {error}") from error
    if not isinstance(spec, dict) or not str(spec.get("description") or "").strip():
        raise ValueError(f"{path}: a model file is a mapping with a description")
    unknown = set(spec) - MODEL_KEYS
    if unknown:
        raise ValueError(f"{path}: unknown key(s) {', '.join(sorted(unknown))}")
    per_landing_unit = spec.get("per_landing_unit")
    if per_landing_unit is not None and per_landing_unit not in DATASETS:
        raise ValueError(f"{path}: per_landing_unit names no dataset: {per_landing_unit!r}")
    columns = spec.get("columns") or {}
    indicators = tuple(_indicator(name, value) for name, value in columns.items() if isinstance(value, dict))
    comments = {i.name: i.comment() for i in indicators}
    return Model(
        relation=relation,
        folder=folder,
        kind=kinds[0],
        description=str(spec["description"]),
        built_by=spec.get("built_by"),
        depends_on=tuple(spec.get("depends_on") or ()),
        columns=tuple(
            (name, comments.get(name, value if value is None else str(value))) for name, value in columns.items()
        ),
        indicators=indicators,
        tests=tuple(spec.get("tests") or ()),
        per_landing_unit=per_landing_unit,
    )


@cache
def load_models() -> dict[str, Model]:
    """Every model under include/sql/models, by relation name, in the order they are created."""
    found = {
        model.relation: model
        for model in (read_model(folder) for folder in sorted((sql_dir() / MODELS_DIR).glob("*/*")) if folder.is_dir())
    }
    # A model that reads a relation through a shared function is built after that relation too.
    functions = function_reads()
    reads = {name: set(m.depends_on).union(*(functions.get(d, ()) for d in m.depends_on)) for name, m in found.items()}
    order = dependency_order(reads)
    return {name: found[name] for name in order}


def builds_of(step: str) -> tuple[tuple[str, str], ...]:
    """(relation, build file) of the models `step` fills, each after the ones it reads. A step runs one
    query per relation: a model of it with none, or several, is an error naming its folder."""
    builds = []
    for name, model in load_models().items():
        if model.built_by != step:
            continue
        if len(model.build_files) != 1:
            raise ValueError(f"{model.folder}: {step} runs one build.sql per relation, found {len(model.build_files)}")
        builds.append((name, model.build_files[0]))
    return tuple(builds)


def sql_read_by(model: Model) -> set[str]:
    """What the model's build queries (or its view) read, as `relations_read` finds it."""
    files = [model.definition_file] if model.kind == "view" else [sql_dir() / f for f in model.build_files]
    found: set[str] = set()
    for path in files:
        found |= relations_read(path.read_text(encoding="utf-8"))
    return found - {model.relation}


@cache
def function_files() -> tuple[str, ...]:
    """The shared SQL functions' files, each after the functions it calls."""
    order = dependency_order(function_reads())
    return tuple(f"{FUNCTIONS_DIR}/{name}.sql" for name in order)


@cache
def function_reads() -> dict[str, frozenset[str]]:
    """What each shared function's SQL reads, by the function's qualified name."""
    files = {path.stem: path for path in (sql_dir() / FUNCTIONS_DIR).glob("*.sql")}
    return {name: frozenset(relations_read(path.read_text(encoding="utf-8"))) for name, path in files.items()}


def comment_statements(model: Model) -> list[sql.Composed]:
    """The COMMENT ON statements of a model: the relation's, then each column's."""
    kind = sql.SQL("view" if model.kind == "view" else "table")
    schema, name = model.relation.split(".")
    statements = [
        sql.SQL("comment on {} {} is {}").format(kind, qualified(model.relation), sql.Literal(model.description))
    ]
    for column, comment in model.columns:
        statements.append(
            sql.SQL("comment on column {}.{}.{} is {}").format(
                sql.Identifier(schema), sql.Identifier(name), sql.Identifier(column), sql.Literal(comment)
            )
        )
    return statements


def _kinds(conn: psycopg.Connection, models: Iterable[Model]) -> dict[str, str | None]:
    """What stands under each model's name now ('table', 'view' or None), in one catalogue query."""
    return dict(fetch_all(conn, "audit/relation_kinds.sql", {"relations": [model.relation for model in models]}))


def _pending(conn: psycopg.Connection, models: dict[str, Model]) -> tuple[list[Model], list[Model], list[str]]:
    """(models to create, models whose COMMENTs to set, function files to run) as the warehouse stands."""
    recorded = {
        relation: (definition, docs) for relation, definition, docs in fetch_all(conn, "audit/model_definitions.sql")
    }
    kinds = _kinds(conn, models.values())
    create, document = [], []
    for model in models.values():
        definition, docs = recorded.get(model.relation, (None, None))
        if kinds[model.relation] is None or definition != model.definition_digest:
            create.append(model)
        elif docs != model.docs_digest:
            document.append(model)
    functions = [path for path in function_files() if recorded.get(_function_name(path), (None,))[0] != _digest(path)]
    return create, document, functions


def _function_name(path: str) -> str:
    return Path(path).stem


def _digest(path: str) -> str:
    return hashlib.sha256((sql_dir() / path).read_bytes()).hexdigest()


def apply_models(conn: psycopg.Connection, *, comments: bool = False) -> dict[str, Any]:
    """Bring the derived relations and shared functions to what their files say; `comments` sets every
    COMMENT again even where model.yml is unchanged. Returns the relations created, the quarters each
    held before it was recreated (to refresh again), the functions (re)created and the relations whose
    COMMENTs were set."""
    models = load_models()
    outcome: dict[str, Any] = {
        "models_created": [],
        "quarters_to_refresh": {},
        "functions_created": [],
        "comments_set": [],
    }
    # The first look is a read: end its transaction unless the caller had one open (then ours nest in it).
    idle = conn.info.transaction_status == psycopg.pq.TransactionStatus.IDLE
    pending = any(_pending(conn, models))
    if idle:
        conn.rollback()
    if not comments and not pending:
        return outcome
    with conn.transaction():
        # The migrations' lock, then the refreshes' write lock: a relation is never dropped under a step.
        conn.execute("select pg_advisory_xact_lock(%s)", (LOCK_KEY,))
        conn.execute("select pg_advisory_xact_lock(hashtext('cchc.warehouse'), 0)")
        create, document, functions = _pending(conn, models)  # again, under the locks
        created: list[Model] = []
        for model in models.values():
            # In order, each looked at when its turn comes: dropping a table drops the views over it,
            # which come later and are created again here.
            kind = _kinds(conn, [model])[model.relation]
            if model not in create and kind is not None:
                continue
            held = _drop(conn, model, kind)
            if held:
                outcome["quarters_to_refresh"][model.relation] = held
            conn.execute(model.definition_file.read_text(encoding="utf-8"))
            _record(conn, model.relation, model.definition_digest)
            created.append(model)
        outcome["models_created"] = [model.relation for model in created]
        # After the tables: a SQL function's body is checked against them when it is created.
        for path in functions:
            conn.execute((sql_dir() / path).read_text(encoding="utf-8"))  # DDL: no parameters, `%` is `%`
            _record(conn, _function_name(path), _digest(path))
            outcome["functions_created"].append(_function_name(path))
        for model in models.values() if comments else [*created, *(m for m in document if m not in created)]:
            for statement in comment_statements(model):
                conn.execute(statement)
            execute_file(conn, "audit/model_docs_record.sql", {"relation": model.relation, "docs": model.docs_digest})
            outcome["comments_set"].append(model.relation)
    return outcome


def _record(conn: psycopg.Connection, name: str, digest: str) -> None:
    execute_file(conn, "audit/model_definition_record.sql", {"relation": name, "definition": digest})


def _drop(conn: psycopg.Connection, model: Model, kind: str | None) -> list[str]:
    """Drop the `kind` ('table', 'view' or None: nothing) standing under the model's name, with the views
    over it; returns the quarters the table held, whose builds are forgotten. For a table created new,
    the quarters its step had built, whose builds are forgotten too."""
    if kind is None:
        if model.kind != "table" or not model.built_by:
            return []
        # A new table of a step that has built quarters is empty for them all: those builds are forgotten.
        built = [row[0] for row in fetch_all(conn, "audit/quarters_built_by_step.sql", {"step": model.built_by})]
        execute_file(conn, "audit/step_inputs_of_step_delete.sql", {"step": model.built_by})
        return built
    held: list[str] = []
    if kind == "table":
        held = [
            row[0] for row in execute_template(conn, "audit/quarters_held.sql", {"relation": model.relation}).fetchall()
        ]
    conn.execute(sql.SQL("drop {} {} cascade").format(sql.SQL(kind), qualified(model.relation)))
    if model.built_by:
        execute_file(conn, "audit/step_inputs_of_step_delete.sql", {"step": model.built_by})
    return held
