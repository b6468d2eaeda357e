"""Each derived relation's folder is complete, and its tests are found from it: the model lists them,
and a module of tests/models/<schema>/ is named after the relation it checks."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from cchc.config import PROJECT_ROOT, sql_dir
from cchc.sources.datasets import DATASETS
from cchc.warehouse.models import MODELS_DIR, builds_of, function_reads, load_models, read_model

pytestmark = pytest.mark.unit

MODELS = load_models()
TESTS = PROJECT_ROOT / "tests" / "models"


def _built_from(relation: str) -> set[str]:
    """The relation and every model that reads it, directly, through a function or through another."""
    functions = function_reads()  # a mart may read a fact only through one
    reads = {
        name: set(model.depends_on).union(*(functions.get(d, set()) for d in model.depends_on))
        for name, model in MODELS.items()
    }
    found = {relation}
    while True:
        more = {name for name in MODELS if reads[name] & found} - found
        if not more:
            return found
        found |= more


def test_every_folder_is_a_model_and_the_derived_relations_are_all_there():
    folders = sorted(p for p in (sql_dir() / MODELS_DIR).glob("*/*") if p.is_dir())
    assert [f"{p.parent.name}.{p.name}" for p in folders] == sorted(MODELS)
    assert {name.split(".")[0] for name in MODELS} == {"core", "mart", "bao_cao"}
    # core facts, dim_procedure and two per-unit counts, marts and one view, bao_cao views
    assert len(MODELS) == 9 + 12 + 7


@pytest.mark.parametrize("relation", sorted(MODELS))
def test_a_table_has_its_builder_and_a_view_has_none(relation):
    model = MODELS[relation]
    if model.kind == "view":
        assert model.built_by is None and not model.build_files
    else:
        assert model.built_by in {"build_core", "build_marts", "reconcile", "load_raw_files"}
        assert model.build_files, f"{model.folder}: no build query"
    assert model.description.strip() and all(column for column, _ in model.columns)


@pytest.mark.parametrize("relation", sorted(MODELS))
def test_a_models_tests_exist_and_read_it_or_what_is_built_from_it(relation):
    model = MODELS[relation]
    assert model.tests[0] == "tests/models/test_models.py"
    names = {name.split(".")[1] for name in _built_from(relation)}
    for test in model.tests[1:]:
        path = PROJECT_ROOT / test
        assert path.is_file(), f"{model.folder / 'model.yml'} lists {test}, which is not there"
        text = path.read_text(encoding="utf-8")
        assert any(re.search(rf"\b{name}\b", text) for name in names), f"{test} does not read {relation}"
    own = TESTS / model.relation.split(".")[0] / f"test_{model.relation.split('.')[1]}.py"
    if own.is_file():
        assert model.tests[1] == str(own.relative_to(PROJECT_ROOT)), "a relation's own module comes first"


@pytest.mark.parametrize("relation", sorted(name for name, model in MODELS.items() if model.per_landing_unit))
def test_a_model_rebuilt_per_landing_unit_takes_the_units_files_or_codes(relation):
    model = MODELS[relation]
    assert model.per_landing_unit in DATASETS and model.built_by == "build_core"
    build = (sql_dir() / model.build_files[0]).read_text(encoding="utf-8")
    columns = [column for column, _ in model.columns]
    # Rows located by the file they came from are replaced by file; the others by unit.
    expected = "%(file_ids)s" if "file_id" in columns else "%(unit_codes)s"
    assert expected in build and "unit_code" in columns


def test_every_module_of_tests_models_is_named_after_a_relation():
    modules = sorted(TESTS.glob("*/test_*.py"))
    assert modules
    for module in modules:
        relation = f"{module.parent.name}.{module.stem.removeprefix('test_')}"
        assert relation in MODELS, f"{module} is named after no model"


def _model_folder(tmp_path: Path, model_yml: str) -> Path:
    """A model folder mart/example with a table definition and the given model.yml."""
    folder = tmp_path / "mart" / "example"
    folder.mkdir(parents=True)
    (folder / "table.sql").write_text("create table mart.example (quarter text);\n", encoding="utf-8")
    (folder / "model.yml").write_text(model_yml, encoding="utf-8")
    return folder


def test_a_folder_with_a_misspelt_key_is_refused(tmp_path: Path):
    folder = _model_folder(tmp_path, "description: x\ndepend_on: [core.fct_dossier]\n")
    with pytest.raises(ValueError, match=r"unknown key.*depend_on"):
        read_model(folder)
    (folder / "table.sql").unlink()
    with pytest.raises(ValueError, match=r"one of table\.sql or view\.sql"):
        read_model(folder)


def test_a_model_rebuilt_per_landing_unit_of_no_dataset_is_named(tmp_path: Path):
    folder = _model_folder(tmp_path, "description: x\nbuilt_by: build_core\nper_landing_unit: dosiers\n")
    with pytest.raises(ValueError, match=r"model\.yml: per_landing_unit names no dataset: 'dosiers'$"):
        read_model(folder)


def test_a_model_file_that_is_no_yaml_or_has_no_description_is_named(tmp_path: Path):
    folder = _model_folder(tmp_path, "description: [unclosed\n")
    with pytest.raises(ValueError, match=rf"^{re.escape(str(folder / 'model.yml'))}: not readable as YAML"):
        read_model(folder)
    (folder / "model.yml").write_text("built_by: build_marts\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"model\.yml: a model file is a mapping with a description$"):
        read_model(folder)


def test_a_step_refuses_a_model_without_exactly_one_build_query(tmp_path: Path, monkeypatch):
    folder = _model_folder(tmp_path, "description: x\nbuilt_by: build_marts\n")
    monkeypatch.setattr("cchc.warehouse.models.load_models", lambda: {"mart.example": read_model(folder)})
    with pytest.raises(ValueError, match=r"example: build_marts runs one build\.sql per relation, found 0$"):
        builds_of("build_marts")
