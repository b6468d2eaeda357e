"""Expectation suites are data (`expectations/<layer>.<entity>.json`); this module runs them.

Great Expectations is imported inside `validate_frame` only: importing it costs seconds and
hundreds of MB, which DAG parsing and the CLI's other commands must not pay. An ephemeral context
per call avoids the file-context races of concurrent tasks.
"""

from __future__ import annotations

import json
import os
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import pandas as pd

from cchc.config import expectations_dir

# Unexpected values and row ids a result keeps per expectation (also when chunks are merged): the audit
# keeps a sample of 50 (validation_audit.SAMPLE_ROWS), and every failing row id is in `failed_rows`.
KEPT_SAMPLE = 1000
_COUNTS = ("element_count", "unexpected_count", "missing_count")
_SAMPLES = ("unexpected_list", "unexpected_index_list", "partial_unexpected_list", "partial_unexpected_index_list")
SEVERITIES = ("error", "warning")


@cache
def load_suite(name: str) -> dict[str, Any]:
    """The suite `expectations/<name>.json`, checked for the fields the runner relies on."""
    path = expectations_dir() / f"{name}.json"
    suite = json.loads(path.read_text(encoding="utf-8"))
    if suite.get("name") != name:
        raise ValueError(f"{path}: suite name {suite.get('name')!r} does not match the file name")
    for number, expectation in enumerate(suite["expectations"], start=1):
        meta = expectation.get("meta", {})
        if meta.get("severity") not in SEVERITIES:
            raise ValueError(f"{path}: expectation {number} needs meta.severity in {SEVERITIES}")
        if not meta.get("reason"):
            raise ValueError(f"{path}: expectation {number} needs meta.reason")
    reasons = [expectation["meta"]["reason"] for expectation in suite["expectations"]]
    if len(set(reasons)) != len(reasons):
        raise ValueError(f"{path}: meta.reason identifies an expectation and must be unique")
    return suite


@cache
def _suite_columns(name: str) -> tuple[str, ...]:
    """The index column and every column an expectation of the suite names, in first-use order."""
    suite = load_suite(name)
    columns = [suite["meta"]["index_column"]]
    for expectation in suite["expectations"]:
        kwargs = expectation["kwargs"]
        columns += [kwargs[key] for key in ("column", "column_A", "column_B") if key in kwargs]
        columns += kwargs.get("column_list") or []
    return tuple(dict.fromkeys(columns))


def check_name(expectation: dict[str, Any]) -> str:
    """A short stable name: `expect_column_values_to_not_be_null(received_at)`."""
    kwargs = expectation["kwargs"]
    columns = kwargs.get("column") or ",".join(
        kwargs.get("column_list") or [kwargs.get("column_A", ""), kwargs.get("column_B", "")]
    )
    return f"{expectation['type']}({columns})"


@dataclass
class ValidationOutcome:
    """Per-row failures by severity, plus one summary line per expectation (in suite order).

    `failed_rows` lists each expectation's failing row ids under its meta.reason, and `result` keeps
    Great Expectations' own ExpectationSuiteValidationResult (None when nothing was validated), so the
    run can be recorded and rendered into Data Docs without validating twice.
    """

    errors: dict[int, list[tuple[str, str]]] = field(default_factory=lambda: defaultdict(list))
    warnings: dict[int, list[tuple[str, str]]] = field(default_factory=lambda: defaultdict(list))
    expectations: list[dict[str, Any]] = field(default_factory=list)
    failed_rows: dict[str, list[int]] = field(default_factory=dict)
    result: Any = None

    @property
    def success(self) -> bool:
        return not self.errors


def import_great_expectations() -> Any:
    """The great_expectations module, imported on first use (seconds, and a few hundred thousand objects)
    with its usage statistics off."""
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
    import great_expectations as gx

    return gx


def ephemeral_context() -> Any:
    """A GX data context held in memory only, without progress bars: one per validation, so that
    concurrent tasks never share a context's files."""
    gx = import_great_expectations()
    from great_expectations.data_context.types.base import ProgressBarsConfig

    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    return context


def exception_raised(item: Any) -> str | None:
    """The message of the exception an expectation raised instead of judging the rows (its result's
    counts are then empty and would read as a pass), or None when it ran."""
    info = item.exception_info
    if info and info.get("raised_exception"):
        return str(info.get("exception_message"))
    return None


def validate_frame(frame: pd.DataFrame, suite_name: str, parameters: dict[str, Any]) -> ValidationOutcome:
    """Run the suite on `frame`; rows are identified by the suite's index column (e.g. `_row_id`)."""
    import_great_expectations()
    from great_expectations.core import ExpectationSuite

    suite_data = load_suite(suite_name)
    index_column = suite_data["meta"]["index_column"]
    outcome = ValidationOutcome()
    if frame.empty:
        return outcome

    # Only the columns the suite reads: GX hashes every column of the frame to name the batch.
    frame = frame.loc[:, [column for column in _suite_columns(suite_name) if column in frame.columns]]
    context = ephemeral_context()
    source = context.data_sources.add_pandas(name="frames")
    asset = source.add_dataframe_asset(name=suite_name)
    batch = asset.add_batch_definition_whole_dataframe("whole").get_batch(batch_parameters={"dataframe": frame})
    suite = ExpectationSuite(name=suite_name, expectations=suite_data["expectations"])
    result = batch.validate(
        suite,
        result_format={"result_format": "COMPLETE", "unexpected_index_column_names": [index_column]},
        expectation_parameters=parameters,
    )
    # Results do not come back in suite order: pair them through the unique meta.reason.
    by_reason = {item.expectation_config.meta["reason"]: item for item in result.results}
    for expectation in suite_data["expectations"]:
        item = by_reason[expectation["meta"]["reason"]]
        raised = exception_raised(item)
        if raised is not None:
            raise RuntimeError(f"suite {suite_name}: {check_name(expectation)} could not run: {raised}")
        severity = expectation["meta"]["severity"]
        target = outcome.errors if severity == "error" else outcome.warnings
        failed_rows = [int(entry[index_column]) for entry in item.result.get("unexpected_index_list") or []]
        for row_id in failed_rows:
            target[row_id].append((check_name(expectation), expectation["meta"]["reason"]))
        outcome.failed_rows[expectation["meta"]["reason"]] = failed_rows
        outcome.expectations.append(
            {
                "check": check_name(expectation),
                "severity": severity,
                "success": bool(item.success),
                "unexpected_count": len(failed_rows),
                "reason": expectation["meta"]["reason"],
                "element_count": item.result.get("element_count"),
            }
        )
    # Every failing row id is in `failed_rows` now: keep only a sample of GX's per-row lists, which
    # would otherwise hold a dict per unexpected row for as long as the result lives.
    for item in result.results:
        if item.result:
            item.result = {
                key: value[:KEPT_SAMPLE] if key in _SAMPLES and isinstance(value, list) else value
                for key, value in item.result.items()
            }
    outcome.result = result
    return outcome


def merge_outcomes(parts: list[ValidationOutcome]) -> ValidationOutcome:
    """One outcome for a dataset validated chunk by chunk, as if validated whole: row failures joined,
    counts summed, percentages recomputed, unexpected samples cut. Row ids must be unique across parts.

    Exact for the suites here, whose expectations all judge rows one at a time or, for uniqueness, within
    a landing unit, which a chunk never splits."""
    validated = [part for part in parts if part.result is not None]
    if not validated:
        return ValidationOutcome()
    merged = ValidationOutcome()
    for part in validated:
        for target, source in ((merged.errors, part.errors), (merged.warnings, part.warnings)):
            for row_id, failures in source.items():
                target[row_id].extend(failures)
        for reason, rows in part.failed_rows.items():
            merged.failed_rows.setdefault(reason, []).extend(rows)
    summaries = [part.expectations for part in validated]
    merged.expectations = [
        {
            **first,
            "success": all(s[i]["success"] for s in summaries),
            "unexpected_count": sum(s[i]["unexpected_count"] for s in summaries),
            "element_count": sum(s[i]["element_count"] or 0 for s in summaries),
        }
        for i, first in enumerate(summaries[0])
    ]
    merged.result = _merge_results([part.result for part in validated])
    return merged


def _merge_results(results: list[Any]) -> Any:
    """Fold later chunks' ExpectationSuiteValidationResults into the first, pairing by meta.reason."""
    head = results[0]
    if len(results) == 1:
        return head
    for item in head.results:
        reason = item.expectation_config.meta["reason"]
        others = [
            next(r for r in result.results if r.expectation_config.meta["reason"] == reason) for result in results[1:]
        ]
        found = dict(item.result or {})
        for other in others:
            extra = other.result or {}
            for key in _COUNTS:
                if key in found or key in extra:
                    found[key] = (found.get(key) or 0) + (extra.get(key) or 0)
            for key in _SAMPLES:
                if key in found or key in extra:
                    found[key] = [*(found.get(key) or []), *(extra.get(key) or [])][:KEPT_SAMPLE]
        _recompute_percentages(found)
        found.pop("partial_unexpected_counts", None)  # counts of a sample; recomputing them would mislead
        item.result = found
        item.success = bool(item.success) and all(other.success for other in others)
    evaluated = len(head.results)
    successful = sum(bool(item.success) for item in head.results)
    head.success = successful == evaluated
    head.statistics = {
        **head.statistics,
        "evaluated_expectations": evaluated,
        "successful_expectations": successful,
        "unsuccessful_expectations": evaluated - successful,
        "success_percent": 100.0 * successful / evaluated if evaluated else None,
    }
    return head


def _recompute_percentages(found: dict[str, Any]) -> None:
    """GX's percentages from the summed counts: of all rows, and of the rows with a value."""
    elements = found.get("element_count")
    if not elements or "unexpected_count" not in found:
        return
    missing = found.get("missing_count") or 0
    unexpected = found["unexpected_count"]
    present = elements - missing
    if "missing_percent" in found:
        found["missing_percent"] = 100.0 * missing / elements
    if "unexpected_percent_total" in found:
        found["unexpected_percent_total"] = 100.0 * unexpected / elements
    for key in ("unexpected_percent", "unexpected_percent_nonmissing"):
        if key in found:
            found[key] = 100.0 * unexpected / present if present else None
