"""Expectation suites are data: each one loads, says what happens to a failing row and why, and names
only columns the typed frame has and parameters the staging step provides."""

from __future__ import annotations

import ast
import inspect
from typing import Any

import pandas as pd
import pytest

from cchc import staging
from cchc.config import expectations_dir
from cchc.quality.expectations import SEVERITIES, check_name, load_suite
from cchc.sources.datasets import DATASETS
from cchc.sources.normalise import META_COLUMNS, check_columns, normalise

pytestmark = pytest.mark.unit

SUITES = sorted(path.stem for path in expectations_dir().glob("*.json"))
COLUMN_KWARGS = ("column", "column_A", "column_B")


def _dataset(suite_name: str) -> str:
    return suite_name.removeprefix("staging.")


def _columns(kwargs: dict[str, Any]) -> list[str]:
    return [kwargs[key] for key in COLUMN_KWARGS if key in kwargs] + list(kwargs.get("column_list") or [])


def _parameters_used(kwargs: dict[str, Any]) -> set[str]:
    return {value["$PARAMETER"] for value in kwargs.values() if isinstance(value, dict) and "$PARAMETER" in value}


def _parameters_provided() -> set[str]:
    """Keys of the `parameters` dict that `validate_and_stage` hands to every suite, read from the source
    of `suite_parameters`, which builds it."""
    tree = ast.parse(inspect.getsource(staging.suite_parameters))
    keys: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and any(
            isinstance(target, ast.Name) and target.id == "parameters" for target in node.targets
        ):
            assert isinstance(node.value, ast.Dict), "parameters must stay a dict literal so it can be checked"
            keys |= {key.value for key in node.value.keys if isinstance(key, ast.Constant)}
        if isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Subscript) and getattr(target.value, "id", None) == "parameters":
                    keys.add(ast.literal_eval(target.slice))
    return keys


def test_every_dataset_has_one_suite():
    assert sorted(f"staging.{name}" for name in DATASETS) == SUITES


@pytest.mark.parametrize("name", SUITES)
def test_suite_loads_and_every_expectation_says_severity_and_a_bilingual_reason(name):
    suite = load_suite(name)
    assert suite["meta"]["index_column"] in META_COLUMNS
    reasons = [expectation["meta"]["reason"] for expectation in suite["expectations"]]
    assert len(reasons) == len(set(reasons))
    for expectation in suite["expectations"]:
        assert expectation["meta"]["severity"] in SEVERITIES
        vietnamese, _, english = expectation["meta"]["reason"].partition(" / ")
        assert vietnamese.strip() and english.strip(), f"{check_name(expectation)}: reason is 'Vietnamese / English'"


@pytest.mark.parametrize("name", SUITES)
def test_suite_names_only_columns_of_the_typed_frame(name):
    spec = DATASETS[_dataset(name)]
    known = {*spec.column_names, *META_COLUMNS, *check_columns(spec.name)}
    for expectation in load_suite(name)["expectations"]:
        unknown = set(_columns(expectation["kwargs"])) - known
        assert not unknown, f"{name}: {check_name(expectation)} names {sorted(unknown)}"


@pytest.mark.parametrize("name", SUITES)
def test_suite_parameters_are_provided_by_validate_and_stage(name):
    provided = _parameters_provided()
    for expectation in load_suite(name)["expectations"]:
        missing = _parameters_used(expectation["kwargs"]) - provided
        assert not missing, f"{name}: {check_name(expectation)} needs {sorted(missing)}"


def test_every_parameter_provided_is_used_by_some_suite():
    used = {
        parameter
        for name in SUITES
        for expectation in load_suite(name)["expectations"]
        for parameter in _parameters_used(expectation["kwargs"])
    }
    assert _parameters_provided() == used


@pytest.mark.parametrize("name", SUITES)
def test_required_columns_have_a_missing_value_check(name):
    spec = DATASETS[_dataset(name)]
    checked = {
        expectation["kwargs"]["column"]
        for expectation in load_suite(name)["expectations"]
        if expectation["type"] == "expect_column_values_to_not_be_null"
    }
    must_be_filled = {column.name for column in spec.columns if column.required and not column.may_be_empty}
    assert must_be_filled <= checked
    # A column whose values may be empty has no such check: an empty result date means pending.
    assert not {column.name for column in spec.columns if column.may_be_empty} & checked


@pytest.mark.parametrize("name", [n for n in SUITES if "unit_code" in DATASETS[_dataset(n)].column_names])
def test_unit_codes_are_checked_against_the_quarters_hierarchy(name):
    spec = DATASETS[_dataset(name)]
    expectations = load_suite(name)["expectations"]
    assert any(_parameters_used(e["kwargs"]) == {"valid_unit_codes"} for e in expectations)
    # Rows are about the folder's unit, or name units under it.
    if spec.unit_is_landing:
        assert any(set(_columns(e["kwargs"])) == {"unit_code", "landing_unit_code"} for e in expectations)
    else:
        assert any(_parameters_used(e["kwargs"]) == {"unit_subtree_keys"} for e in expectations)


@pytest.mark.parametrize("name", SUITES)
def test_great_expectations_accepts_the_suite(name):
    from great_expectations.core import ExpectationSuite

    suite = load_suite(name)
    built = ExpectationSuite(name=name, expectations=suite["expectations"])
    assert len(built.expectations) == len(suite["expectations"])


def _raw(dataset: str, rows: list[dict[str, str]], file_ids: list[int], landing: str) -> pd.DataFrame:
    spec = DATASETS[dataset]
    frame = pd.DataFrame([{column: row.get(column) for column in spec.column_names} for row in rows], dtype="object")
    frame["_row_id"] = range(len(frame))
    frame["file_id"] = file_ids
    frame["line_number"] = range(2, len(frame) + 2)
    frame["source_level"] = "commune"
    frame["landing_unit_code"] = landing
    return frame


def test_check_columns_name_the_first_file_that_holds_a_dossier_id():
    raw = _raw("dossiers", [{"dossier_id": "A"}, {"dossier_id": "B"}, {"dossier_id": "A"}, {}], [7, 7, 9, 9], "20194")
    typed, _ = normalise(raw, DATASETS["dossiers"])
    assert list(check_columns("dossiers")) == [
        "_first_file_with_id",
        "_resolved_at_compared",
        "_received_at_compared_to_resolved",
        "_due_at_compared",
        "_received_at_compared_to_due",
        "_status_disagreement",
        "_status_word_in_date",
        "_file_warning",
    ]
    assert typed["_first_file_with_id"].tolist()[:3] == [7, 7, 7]
    assert pd.isna(typed["_first_file_with_id"].iloc[3])  # no id, nothing to compare


def test_unit_codes_that_lost_their_leading_zeros_are_restored_only_to_the_folders_unit():
    # What a spreadsheet does to the code 00194 of the commune whose folder the file is in: a number
    # (194), a float (194.0), one zero kept (0194). An empty code is about that commune. A code that is
    # another unit's (87) or not a number keeps its text, for the suite to report.
    codes = ["194", "194.0", "0194", "00194", "", "87", "abc", "194", "87.0"]
    raw = _raw("dossiers", [{"unit_code": code} for code in codes], [7] * 7 + [9] * 2, "00194")
    raw.loc[7:, "landing_unit_code"] = "00087"  # the last two rows' file is in commune 00087's folder
    typed, _ = normalise(raw, DATASETS["dossiers"])
    assert typed["unit_code"].tolist() == ["00194", "00194", "00194", "00194", "00194", "87", "abc", "194", "00087"]


def test_check_columns_add_up_the_ii06a_figures_again():
    figures = {
        "received_total": "10",
        "received_online": "4",
        "received_direct_postal": "3",
        "received_carried_over": "2",
        "resolved_total": "6",
        "resolved_early": "1",
        "resolved_on_time": "4",
        "resolved_late": "1",
        "pending_total": "3",
        "pending_in_time": "2",
        "pending_overdue": "",
    }
    rows = [{"row_label": "Phường Hòa Hiệp Bắc", "unit_code": "20194", **figures}, {"row_label": "Hộ tịch"}]
    raw = _raw("one_stop_report", rows, [1, 1], "490")
    typed, problems = normalise(raw, DATASETS["one_stop_report"])
    assert not problems
    assert typed["_landing_unit_and_unit"].iloc[0] == "490/20194"
    assert pd.isna(typed["_landing_unit_and_unit"].iloc[1])  # a row by field names no unit
    row = typed.iloc[0]
    assert (row["_received_parts"], row["_resolved_parts"], row["_resolved_plus_pending"]) == (9, 6, 9)
    assert pd.isna(row["_pending_parts"])  # a blank figure leaves the identity unchecked, not false
    assert check_columns("surveys") == ("_file_warning",)
