"""Validating a dataset in chunks of landing units: the chunks, and the merged outcome, which must equal
the outcome of validating the whole frame at once (real Great Expectations, no database)."""

from __future__ import annotations

import pandas as pd
import pytest

from cchc.quality.expectations import merge_outcomes, validate_frame
from cchc.sources.datasets import DATASETS
from cchc.sources.normalise import lower_first_files, normalise
from cchc.staging import Chunk, chunk_rows, file_chunks

pytestmark = pytest.mark.unit

PARAMETERS = {
    "valid_unit_codes": ["20194", "20195", "20197"],
    "known_procedure_codes": ["1.000894"],
    "quarter_end": pd.Timestamp("2024-07-01", tz="Asia/Ho_Chi_Minh"),
    "next_quarter_end": pd.Timestamp("2024-10-01", tz="Asia/Ho_Chi_Minh"),
}


def test_chunks_hold_whole_landing_units_up_to_the_limit():
    files = [(1, "20194", 60), (2, "20194", 50), (3, "20195", 30), (4, "20197", 500), (5, "20198", 10)]
    assert file_chunks(files, 100) == [Chunk([1, 2]), Chunk([3]), Chunk([4]), Chunk([5])]
    assert file_chunks(files, 1000) == [Chunk([1, 2, 3, 4, 5])]
    assert file_chunks([], 100) == []


def test_a_unit_larger_than_a_chunk_is_split_by_key_when_its_dataset_has_one():
    files = [(1, "20194", 60), (2, "20194", 50), (3, "20195", 30), (4, "20197", 250), (5, "20198", 10)]
    # The large units' parts come as they are met; the small units are packed together.
    assert file_chunks(files, 100, splittable=True) == [
        Chunk([1, 2], 0, 2),
        Chunk([1, 2], 1, 2),
        Chunk([4], 0, 3),
        Chunk([4], 1, 3),
        Chunk([4], 2, 3),
        Chunk([3, 5]),
    ]


def test_the_chunk_size_setting_is_checked(monkeypatch):
    monkeypatch.setenv("CCHC_VALIDATION_CHUNK_ROWS", "5000")
    assert chunk_rows() == 5000
    for bad in ("0", "-3", "1e6", "many"):
        monkeypatch.setenv("CCHC_VALIDATION_CHUNK_ROWS", bad)
        with pytest.raises(ValueError, match="CCHC_VALIDATION_CHUNK_ROWS"):
            chunk_rows()


def _raw() -> pd.DataFrame:
    spec = DATASETS["dossiers"]
    good = {
        "procedure_code": "1.000894",
        "field": "Hộ tịch",
        "channel": "2",
        "received_at": "02/04/2024 08:00",
        "due_at": "05/04/2024 17:00",
        "supplement_requests": "0",
    }
    rows = [
        ("20194", 7, {**good, "dossier_id": "A"}),
        ("20194", 7, {**good, "dossier_id": "B", "channel": "Fax"}),  # error
        ("20194", 8, {**good, "dossier_id": "A"}),  # duplicate within the unit: error on both rows
        ("20195", 9, {**good, "dossier_id": "C", "supplement_requests": "7"}),  # warning
        ("20195", 9, {**good, "dossier_id": "A"}),  # repeats 20194's A: warning on the later file
        ("20197", 10, {**good, "dossier_id": "D", "unit_code": "99999"}),  # error
        ("20197", 10, {**good, "dossier_id": "E"}),
    ]
    frame = pd.DataFrame(
        [{column: values.get(column) for column in spec.column_names} for _unit, _file, values in rows], dtype="object"
    )
    frame["unit_code"] = [values.get("unit_code", unit) for unit, _file, values in rows]
    frame["_row_id"] = range(len(rows))
    frame["file_id"] = [file_id for _unit, file_id, _values in rows]
    frame["line_number"] = range(2, len(rows) + 2)
    frame["source_level"] = "commune"
    frame["landing_unit_code"] = [unit for unit, _file, _values in rows]
    return frame


def _summary(outcome) -> dict:
    return {
        "errors": {row: sorted(failures) for row, failures in outcome.errors.items()},
        "warnings": {row: sorted(failures) for row, failures in outcome.warnings.items()},
        "failed_rows": {reason: sorted(rows) for reason, rows in outcome.failed_rows.items()},
        "expectations": outcome.expectations,
        "statistics": {
            key: outcome.result.statistics[key]
            for key in ("evaluated_expectations", "successful_expectations", "unsuccessful_expectations")
        },
        "results": sorted(
            (
                item.expectation_config.meta["reason"],
                bool(item.success),
                item.result.get("element_count"),
                item.result.get("unexpected_count"),
                item.result.get("missing_count"),
                round(item.result.get("unexpected_percent") or 0, 6),
            )
            for item in outcome.result.results
        ),
    }


def test_merged_chunks_equal_the_whole_frame():
    spec = DATASETS["dossiers"]
    raw = _raw()
    whole_typed, _ = normalise(raw, spec)
    whole = validate_frame(whole_typed, "staging.dossiers", PARAMETERS)

    first_files = {"A": 7}  # what staging counts in SQL across the quarter's files
    parts = []
    for units in (["20194"], ["20195", "20197"]):
        typed, _ = normalise(raw[raw["landing_unit_code"].isin(units)], spec)
        lower_first_files(typed, first_files)
        parts.append(validate_frame(typed, "staging.dossiers", PARAMETERS))
    merged = merge_outcomes(parts)

    assert _summary(merged) == _summary(whole)
    assert set(whole.errors) == {0, 1, 2, 5} and set(whole.warnings) == {2, 3, 4}
    assert merged.result.success is False


def test_merging_nothing_validated_gives_an_empty_outcome():
    assert merge_outcomes([]).result is None
