"""Validation results in the audit schema: per run, dataset and expectation, with the files and lines
their failing rows came from, beside file_load's timings and read outcomes.

The landing is `tests/fixtures/landing_quality` (2024Q2), refreshed twice (runs `first` and `second`,
the second finding every file unchanged) into one database shared by the module:
- commune/20194 dossiers: 8 rows; lines 4 and 9 have the channel "Fax", line 6 no procedure code
  (quarantined); lines 3 and 5 have 7 and 9 supplement requests (warnings: more than 5);
- commune/20195 dossiers: 3 rows, line 3 with 6 supplement requests (warning);
- commune/30001 (Tràm Chim, Đồng Tháp 87) dossiers: line 3 has the channel "Điện thoại" (quarantined);
- district/490 dossiers: 2 good rows; commune/20194 surveys: line 3 scores staff 7 of 5 (quarantined);
- commune/20197 dossiers is empty (rejected) and commune/20200 bao_cao.csv is no dataset.
"""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Iterator

import pytest

from cchc.pipeline import RefreshContext, RefreshFailed, validate_and_stage
from cchc.quality.expectations import load_suite
from cchc.quarters import Quarter
from tests.conftest import FIXTURES
from tests.integration.helpers import refresh
from tests.support.databases import copy_template, drop_database

pytestmark = pytest.mark.integration

Q2 = "2024Q2"
CHANNEL_MISSING = "expect_column_values_to_not_be_null(channel)"
MANY_SUPPLEMENTS = "hơn 5 lần yêu cầu bổ sung / more than 5 supplement requests"
HHB = "commune/20194/2024Q2/dossiers.csv"
HHN = "commune/20195/2024Q2/dossiers.csv"
TRAM_CHIM = "commune/30001/2024Q2/dossiers.csv"


@pytest.fixture(scope="module")
def warehouse(server_url: str, template_db: str, tmp_path_factory) -> Iterator[tuple[str, object]]:

    name, url = copy_template(server_url, template_db, "cchc_valaudit")
    landing = tmp_path_factory.mktemp("landing_quality") / "landing"
    shutil.copytree(FIXTURES / "landing_quality", landing)
    for run_id in ("first", "second"):
        with pytest.raises(RefreshFailed):
            refresh(url, landing, Q2, run_id=run_id)
    yield url, landing, name
    drop_database(server_url, name)


@pytest.fixture
def db(warehouse):
    from cchc.warehouse.connection import connect

    with connect(warehouse[0]) as connection:
        yield connection


def _results(db, run_id: str, dataset: str) -> list[dict]:
    cur = db.execute(
        "select * from audit.validation_result where run_id = %s and dataset = %s order by position", (run_id, dataset)
    )
    return [dict(zip([d.name for d in cur.description], row, strict=True)) for row in cur.fetchall()]


def test_every_expectation_of_every_validated_suite_is_recorded(db):
    for dataset, rows in (("dossiers", 15), ("surveys", 3)):
        suite = load_suite(f"staging.{dataset}")
        recorded = _results(db, "first", dataset)
        assert [r["position"] for r in recorded] == list(range(1, len(suite["expectations"]) + 1))
        assert [r["reason"] for r in recorded] == [e["meta"]["reason"] for e in suite["expectations"]]
        assert {r["quarter"] for r in recorded} == {Q2}
        assert {r["suite"] for r in recorded} == {f"staging.{dataset}"}
        row_count, success, evaluated, unsuccessful = db.execute(
            "select row_count, success, evaluated, unsuccessful from audit.validation_suite_result "
            "where run_id = 'first' and dataset = %s",
            (dataset,),
        ).fetchone()
        assert (row_count, success, evaluated) == (rows, False, len(suite["expectations"]))
        assert unsuccessful == sum(not r["success"] for r in recorded) > 0
    # Datasets with no rows in the quarter were not validated, so nothing is recorded for them.
    datasets = db.execute("select array_agg(distinct dataset order by dataset) from audit.validation_result").fetchone()
    assert datasets == (["dossiers", "surveys"],)


def test_failures_name_their_files_and_lines(db):
    by_check = {r["check_name"]: r for r in _results(db, "first", "dossiers")}
    channel = by_check[CHANNEL_MISSING]
    assert (channel["severity"], channel["success"], channel["unexpected_count"]) == ("error", False, 3)
    assert channel["element_count"] == 15
    assert [(f["path"], f["unexpected_count"], f["lines"]) for f in channel["files"]] == [
        (HHB, 2, [4, 9]),
        (TRAM_CHIM, 1, [3]),
    ]
    ids = dict(db.execute("select path, file_id from raw.landing_file where is_current").fetchall())
    assert sorted(channel["file_ids"]) == sorted([ids[HHB], ids[TRAM_CHIM]])
    assert by_check["expect_column_values_to_not_be_null(procedure_code)"]["files"][0]["lines"] == [6]

    passed = by_check["expect_column_values_to_not_be_null(dossier_id)"]
    assert (passed["success"], passed["unexpected_count"], passed["file_ids"], passed["files"]) == (True, 0, [], [])


def test_warnings_are_recorded_though_their_rows_load(db):
    warning = next(r for r in _results(db, "first", "dossiers") if r["reason"] == MANY_SUPPLEMENTS)
    assert (warning["severity"], warning["success"], warning["unexpected_count"]) == ("warning", False, 3)
    assert [(f["path"], f["lines"]) for f in warning["files"]] == [(HHB, [3, 5]), (HHN, [3])]
    staged = db.execute(
        "select count(*) from staging.stg_one_stop__dossiers where quarter = %s and supplement_requests > 5", (Q2,)
    ).fetchone()
    assert staged == (3,)


def test_the_result_document_is_great_expectations_own_with_rows_located_by_file_and_line(db):
    from great_expectations.core.expectation_validation_result import ExpectationSuiteValidationResultSchema

    document, size = db.execute(
        "select document, pg_column_size(document) from audit.validation_suite_result "
        "where run_id = 'first' and dataset = 'dossiers'"
    ).fetchone()
    result = ExpectationSuiteValidationResultSchema().load(document)
    assert result.suite_name == "staging.dossiers" and result.success is False
    assert result.meta["run_id"]["run_name"] == "first" and result.meta["quarter"] == Q2
    channel = next(
        r
        for r in result.results
        if r.expectation_config.type == "expect_column_values_to_not_be_null"
        and r.expectation_config.kwargs["column"] == "channel"
    )
    assert channel.result["unexpected_count"] == 3
    assert channel.result["unexpected_index_column_names"] == ["file:line"]
    assert sorted(entry["file:line"] for entry in channel.result["unexpected_index_list"]) == [
        f"{HHB}:4",
        f"{HHB}:9",
        f"{TRAM_CHIM}:3",
    ]
    assert "_row_id" not in json.dumps(document)
    # The units valid in the quarter are a parameter of one expectation: kept as a short sample.
    unit_codes = next(
        r.expectation_config.kwargs["value_set"]
        for r in result.results
        if r.expectation_config.type == "expect_column_values_to_be_in_set"
        and r.expectation_config.kwargs["column"] == "unit_code"
    )
    assert len(unit_codes) == 41 and re.fullmatch(r"… \d+ more", unit_codes[-1]), unit_codes[-3:]
    assert size < 100_000, size


def test_file_loads_record_their_duration_and_what_reading_did(db):
    loads = db.execute(
        "select run_id, path, status, read_outcome, duration_ms from audit.file_load "
        "where run_id in ('first', 'second') order by run_id, path"
    ).fetchall()
    first = {path: (status, outcome) for run, path, status, outcome, _ms in loads if run == "first"}
    assert first == {
        "commune/20194/2024Q2/dossiers.csv": ("loaded", "loaded"),
        "commune/20194/2024Q2/surveys.csv": ("loaded", "loaded"),
        HHN: ("loaded", "loaded"),
        "commune/20197/2024Q2/dossiers.csv": ("rejected", "rejected"),
        TRAM_CHIM: ("loaded", "loaded"),
        "district/490/2024Q2/dossiers.csv": ("loaded", "loaded"),
    }
    second = {path: outcome for run, path, _status, outcome, _ms in loads if run == "second"}
    assert second[HHB] == second[HHN] == "unchanged"
    assert all(ms is not None and ms >= 0 for *_rest, ms in loads)


def test_a_units_figures_can_be_traced_to_runs_files_and_checks(db):
    """Why did phường Hòa Hiệp Bắc's 2024Q2 figures change? Its files per run, with what each check found."""
    trace = db.execute(
        """
        select fl.run_id, fl.path, fl.checksum, fl.read_outcome, fl.rows_read, fl.rows_loaded,
               fl.rows_quarantined, vr.check_name, vr.severity, f.unexpected_count, f.lines
        from audit.file_load as fl
        join raw.landing_file as lf on lf.file_id = fl.file_id
        join audit.validation_result as vr on vr.run_id = fl.run_id and fl.file_id = any(vr.file_ids)
        cross join lateral jsonb_to_recordset(vr.files) as f(file_id bigint, unexpected_count int, lines int[])
        where lf.unit_code = '20194' and lf.dataset = 'dossiers' and lf.quarter = '2024Q2'
          and f.file_id = fl.file_id and fl.run_id = 'first'
        order by vr.position
        """
    ).fetchall()
    assert {row[:7] for row in trace} == {
        ("first", HHB, trace[0][2], "loaded", 8, 5, 3),
    }
    found = [(row[7], row[8], row[9], row[10]) for row in trace]
    for expected in [
        ("expect_column_values_to_not_be_null(procedure_code)", "error", 1, [6]),
        (CHANNEL_MISSING, "error", 2, [4, 9]),
        ("expect_column_values_to_be_between(supplement_requests)", "warning", 2, [3, 5]),
    ]:
        assert expected in found, found


def test_a_rerun_with_unchanged_inputs_keeps_the_results_in_force(db):
    """Run `second` found the same file versions, suites and parameters: it validated nothing, and the
    quarter's staged rows and results are still those of `first`."""
    validated = db.execute("select count(*) from audit.validation_suite_result where run_id = 'second'").fetchone()
    assert validated == (0,)
    in_force = db.execute(
        "select scope, run_id from audit.step_input where quarter = %s and step = 'validate_and_stage' "
        "and scope in ('dossiers', 'surveys') order by scope",
        (Q2,),
    ).fetchall()
    assert in_force == [("dossiers", "first"), ("surveys", "first")]
    balanced = db.execute(
        "select count(*), count(*) filter (where rows_read = rows_loaded + rows_quarantined) "
        "from audit.file_load where run_id = 'second' and status = 'loaded'"
    ).fetchone()
    assert balanced == (5, 5)


@pytest.fixture
def own_warehouse(warehouse, server_url: str) -> Iterator[tuple[str, object]]:
    """A copy of the module's warehouse for a test that changes it: the others see runs `first` and
    `second` as the module left them, whatever order they run in."""
    name, url = copy_template(server_url, warehouse[2], "cchc_valaudit")
    yield url, warehouse[1]
    drop_database(server_url, name)


def test_a_retried_validation_replaces_its_results(own_warehouse):
    from cchc.warehouse.connection import connect

    url, landing = own_warehouse
    with connect(url) as db:
        _retry_validation_twice(db, url, landing)


def _retry_validation_twice(db, url: str, landing) -> None:
    expected = db.execute("select count(*), sum(unexpected_count) from audit.validation_result where run_id = 'first'")
    expected = expected.fetchone()
    assert expected[0] == len(load_suite("staging.dossiers")["expectations"]) + len(
        load_suite("staging.surveys")["expectations"]
    )
    for _attempt in range(2):
        # Forget what the partitions were built from, as a changed suite would, so validation runs again.
        db.execute("delete from audit.step_input where quarter = %s and step = 'validate_and_stage'", (Q2,))
        db.commit()
        validate_and_stage(RefreshContext(Quarter.parse(Q2), "second", landing, warehouse_url=url, trigger="test"))
        after = db.execute(
            "select count(*), sum(unexpected_count) from audit.validation_result where run_id = 'second'"
        )
        assert after.fetchone() == expected
        db.rollback()
