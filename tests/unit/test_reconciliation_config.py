"""Reconciliation tolerances from the environment: defaults, parsing, and refusals that name the variable."""

from __future__ import annotations

from decimal import Decimal

import pytest

from cchc.quality.reconciliation import ABS_VAR, CHECKS, PERCENT_VAR, Tolerance
from cchc.warehouse.sql_files import read_sql

pytestmark = pytest.mark.unit


def test_unset_or_empty_means_exact():
    assert Tolerance.from_env({}) == Tolerance(Decimal(0), Decimal(0))
    assert Tolerance.from_env({PERCENT_VAR: " ", ABS_VAR: ""}) == Tolerance(Decimal(0), Decimal(0))


def test_values_are_read_as_decimals_and_passed_as_parameters():
    tolerance = Tolerance.from_env({PERCENT_VAR: "2.5", ABS_VAR: " 3 "})
    assert tolerance == Tolerance(percent=Decimal("2.5"), absolute=Decimal("3"))
    assert tolerance.params() == {"tolerance_percent": Decimal("2.5"), "tolerance_abs": Decimal("3")}


def test_the_process_environment_is_the_default(monkeypatch):
    monkeypatch.setenv(PERCENT_VAR, "10")
    monkeypatch.delenv(ABS_VAR, raising=False)
    assert Tolerance.from_env() == Tolerance(percent=Decimal("10"), absolute=Decimal(0))


@pytest.mark.parametrize("text", ["-1", "abc", "1,5", "NaN", "Infinity", "5%"])
@pytest.mark.parametrize("name", [PERCENT_VAR, ABS_VAR])
def test_a_bad_value_is_refused_naming_the_variable(name, text):
    with pytest.raises(ValueError, match=rf"{name} must be a number >= 0 \(e\.g\. 2\.5\), got '{text}'"):
        Tolerance.from_env({name: text})


def test_every_check_file_binds_the_tolerances_or_is_exact():
    for name, sql_file in CHECKS:
        text = read_sql(sql_file)
        assert "insert into mart.reconciliation" in text, sql_file
        assert f"'{name}' as check_name" in text, sql_file
        if name == "indicators_rollup":
            assert "%(tolerance" not in text  # the warehouse's own sums are held exactly
        else:
            assert "%(tolerance_abs)s" in text and "%(tolerance_percent)s" in text, sql_file
