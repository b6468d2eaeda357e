"""The build steps' order comes from what each model declares it depends on, and the declarations are
what its SQL reads: neither can drift from the other."""

from __future__ import annotations

import re

import pytest

from cchc.warehouse.build_order import dependency_order, relations_read
from cchc.warehouse.models import builds_of, function_reads, load_models, sql_read_by

pytestmark = pytest.mark.unit

MODELS = load_models()


@pytest.mark.parametrize("relation", sorted(MODELS))
def test_a_model_declares_exactly_what_its_sql_reads(relation):
    model = MODELS[relation]
    assert set(model.depends_on) == sql_read_by(model), f"{model.folder / 'model.yml'}: depends_on"


def test_a_mart_is_built_after_the_marts_it_reads():
    order = [name for name, _ in builds_of("build_marts")]
    # Read off the files by hand: both read mart.unit_quarter_indicators.
    for reader in ("mart.scorecard_766", "mart.unit_quarter_comparable"):
        assert order.index("mart.unit_quarter_indicators") < order.index(reader)
    for position, name in enumerate(order):
        assert set(MODELS[name].depends_on) & set(order) <= set(order[:position]), name


def test_every_core_fact_and_mart_with_one_build_query_is_built_by_its_step():
    core = {name for name, _ in builds_of("build_core")}
    marts = {name for name, _ in builds_of("build_marts")}
    assert core == {
        "core.dim_procedure",
        "core.fct_cchc_plan",
        "core.fct_dossier",
        "core.fct_inspection_finding",
        "core.fct_one_stop_report_row",
        "core.fct_par_score",
        "core.fct_survey_response",
        "core.int_unit_desk_counts",
        "core.int_unit_desk_ii06a",
    }
    assert len(marts) == 9 and all(name.startswith("mart.") for name in marts)
    order = [name for name, _ in builds_of("build_core")]
    # Core facts read staging only, so they go alphabetically; the per-unit counts read core.fct_dossier.
    assert order[:7] == sorted(name for name in core if name.startswith(("core.dim_", "core.fct_")))
    assert order.index("core.fct_dossier") < order.index("core.int_unit_desk_counts")
    assert order.index("core.fct_dossier") < order.index("core.int_unit_desk_ii06a")


def test_a_model_reading_a_relation_through_a_function_is_built_after_it():
    reads = {name: set(model.depends_on) for name, model in MODELS.items()}
    # core.int_unit_desk_ii06a reads core.fct_dossier only inside core.dossier_latest_state.
    assert "core.fct_dossier" not in reads["core.int_unit_desk_ii06a"]
    assert "core.fct_dossier" in function_reads()["core.dossier_latest_state"]
    assert list(MODELS).index("core.fct_dossier") < list(MODELS).index("core.int_unit_desk_ii06a")


def test_a_view_is_created_after_the_table_it_reads():
    order = list(MODELS)
    assert order.index("mart.par_index") < order.index("mart.par_index_totals")
    assert order.index("mart.unit_quarter_indicators") < order.index("bao_cao.chi_so_don_vi")


def test_comments_do_not_count_as_reads():
    assert relations_read("-- from mart.unit_quarter_indicators\nselect 1 from core.fct_dossier as d") == {
        "core.fct_dossier"
    }


def test_a_cycle_is_named():
    with pytest.raises(ValueError, match=re.escape("cycle: mart.a, mart.b")):
        dependency_order({"mart.a": ["mart.b"], "mart.b": ["mart.a"], "mart.c": ["core.x"]})
    assert dependency_order({"mart.b": ["mart.a"], "mart.a": ["core.x"]}) == ("mart.a", "mart.b")
