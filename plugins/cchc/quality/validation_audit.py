"""Validation results into the audit schema: per dataset and run, one suite row and one row per expectation.

Expectation rows name the files (and their first failing lines) that the unexpected rows came from,
through the failing rows' `_row_id` -> file_id, line_number. The suite row keeps Great Expectations'
own result document for Data Docs, cut to a sample of unexpected rows (a warning on a million rows
must not store a million ids) with the row ids replaced by `path:line`, which a person can open.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pandas as pd
import psycopg

from cchc.quality.expectations import ValidationOutcome
from cchc.warehouse.sql_files import execute_file, fetch_all

SAMPLE_ROWS = 50  # unexpected rows kept per expectation in the result document
EXAMPLE_LINES = 5  # line numbers kept per file and expectation
LONG_LIST = 40  # value sets longer than this (e.g. every unit code of the quarter) are shown cut
LOCATION = "file:line"


def record_validation(
    conn: psycopg.Connection,
    run_id: str,
    quarter: str,
    dataset: str,
    locations: pd.DataFrame,
    row_count: int,
    outcome: ValidationOutcome,
) -> int:
    """Replace the run's results for `dataset` (run inside the staging transaction); returns the
    number of expectation rows written. Nothing is written when nothing was validated.

    `locations` gives file_id and line_number by `_row_id` for at least every row that failed."""
    execute_file(conn, "audit/validation_results_clear.sql", {"run_id": run_id, "dataset": dataset})
    result = outcome.result
    if result is None:
        return 0
    file_ids = sorted(int(file_id) for file_id in locations["file_id"].unique())
    paths = dict(fetch_all(conn, "audit/validation_file_paths.sql", {"file_ids": file_ids}))
    expectations = [
        {
            "position": position,
            "check_name": item["check"],
            "severity": item["severity"],
            "reason": item["reason"],
            "success": item["success"],
            "element_count": item["element_count"],
            "unexpected_count": item["unexpected_count"],
            "files": _files(locations, outcome.failed_rows.get(item["reason"], []), paths),
        }
        for position, item in enumerate(outcome.expectations, start=1)
    ]
    validated_at = datetime.now(UTC)
    statistics = result.statistics
    meta = {"run_id": run_id, "dataset": dataset, "quarter": quarter, "at": validated_at}
    document = result_document(result, locations, paths, **meta)
    execute_file(
        conn,
        "audit/validation_results_insert.sql",
        {
            "run_id": run_id,
            "dataset": dataset,
            "quarter": quarter,
            "suite": result.suite_name,
            "validated_at": validated_at,
            "success": bool(result.success),
            "row_count": row_count,
            "evaluated": int(statistics["evaluated_expectations"]),
            "unsuccessful": int(statistics["unsuccessful_expectations"]),
            # GX may report NaN (e.g. an observed mean of no rows), which jsonb does not accept.
            "document": json.dumps(json.loads(json.dumps(document), parse_constant=lambda _constant: None)),
            "expectations": json.dumps(expectations, ensure_ascii=False),
        },
    )
    return len(expectations)


def _files(locations: pd.DataFrame, row_ids: list[int], paths: dict[int, str]) -> list[dict[str, Any]]:
    if not row_ids:
        return []
    failed = locations.loc[row_ids]
    files = [
        {
            "file_id": int(file_id),
            "path": paths.get(int(file_id)),
            "unexpected_count": int(lines.size),
            "lines": [int(line) for line in lines.nsmallest(EXAMPLE_LINES)],
        }
        for file_id, lines in failed.groupby("file_id")["line_number"]
    ]
    return sorted(files, key=lambda f: (-f["unexpected_count"], f["path"] or ""))


def result_document(
    result: Any,
    locations: pd.DataFrame,
    paths: dict[int, str],
    *,
    run_id: str,
    dataset: str,
    quarter: str,
    at: datetime,
) -> dict[str, Any]:
    """The ExpectationSuiteValidationResult as JSON, its unexpected rows cut to SAMPLE_ROWS and located
    by `path:line`, long value sets cut to a sample. Each expectation's result dict is replaced by its
    cut copy before serialising (copying a million unexpected ids would cost more than validating)."""
    for item in result.results:
        item.result = _cut_result(item.result or {}, locations, paths)
    document = result.to_json_dict()
    for item in document["results"]:
        item["expectation_config"]["kwargs"] = _cut_values(item["expectation_config"]["kwargs"])
    document["suite_parameters"] = _cut_values(document.get("suite_parameters") or {})
    meta = document.setdefault("meta", {})
    meta["run_id"] = {"run_name": run_id, "run_time": at.isoformat()}
    meta["validation_time"] = at.isoformat()
    meta["quarter"] = quarter
    meta.setdefault("batch_spec", {})["data_asset_name"] = f"{dataset} {quarter}"
    return document


def _cut_values(values: dict[str, Any]) -> dict[str, Any]:
    """Lists longer than LONG_LIST (e.g. every unit code valid in the quarter) as a sorted sample."""
    return {
        key: _cut_list(sorted(value, key=str)) if isinstance(value, list) and len(value) > LONG_LIST else value
        for key, value in values.items()
    }


def _cut_list(values: list[Any]) -> list[Any]:
    return [*values[:LONG_LIST], f"… {len(values) - LONG_LIST} more"]


def _cut_result(found: dict[str, Any], locations: pd.DataFrame, paths: dict[int, str]) -> dict[str, Any]:
    cut = dict(found)
    index_columns = cut.get("unexpected_index_column_names") or []
    for key in ("unexpected_index_list", "partial_unexpected_index_list"):
        if key in cut:
            cut[key] = [_locate(entry, index_columns, locations, paths) for entry in cut[key][:SAMPLE_ROWS]]
    if "unexpected_list" in cut:
        cut["unexpected_list"] = cut["unexpected_list"][:SAMPLE_ROWS]
    if index_columns:
        cut["unexpected_index_column_names"] = [LOCATION]
    # The query selects by row ids that mean nothing outside the run.
    cut.pop("unexpected_index_query", None)
    return cut


def _locate(entry: Any, index_columns: list[str], locations: pd.DataFrame, paths: dict[int, str]) -> Any:
    if not isinstance(entry, dict) or not index_columns:
        return entry
    located = {key: value for key, value in entry.items() if key not in index_columns}
    row_id = entry.get(index_columns[0])
    if row_id in locations.index:
        file_id, line = locations.loc[row_id]
        located[LOCATION] = f"{paths.get(int(file_id), file_id)}:{int(line)}"
    else:
        located[LOCATION] = str(row_id)
    return located
