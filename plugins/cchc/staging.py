"""One dataset's quarter from raw text to staging and quarantine, a few landing units at a time, and
only the landing units whose files (or the suite, its parameters or the code) changed.

Rows are typed, validated and copied chunk by chunk inside one transaction: memory follows the chunk
(`CCHC_VALIDATION_CHUNK_ROWS` rows, default 100,000), never the quarter, and readers still see the
quarter replaced at once. The suites' uniqueness checks are per landing unit, so a chunk holds whole
units, or, for a unit larger than a chunk, the part of its rows whose key hashes alike (every repeat
of a dossier id is then in one part). The one check that spans units, the same dossier id in two
files, is given the first file of every id found in several files, counted in SQL beforehand.
"""

from __future__ import annotations

import gc
import json
import math
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from typing import Any

import pandas as pd
import psycopg

from cchc import settings
from cchc.config import LOCAL_TZ, reference_dir
from cchc.progress import Phases, Progress
from cchc.quality.expectations import ValidationOutcome, import_great_expectations, merge_outcomes, validate_frame
from cchc.quality.validation_audit import record_validation
from cchc.quarters import Quarter
from cchc.sources.datasets import DatasetSpec
from cchc.sources.normalise import SerialColumns, check_columns, lower_first_files, normalise
from cchc.sources.parse import PLAUSIBLE_SERIALS, is_serial_text
from cchc.warehouse.copy_loader import copy_frame, copy_rows
from cchc.warehouse.partitions import empty_partition, ensure_partition, lock_quarter
from cchc.warehouse.sql_files import execute_file, execute_template, fetch_all
from cchc.warehouse.step_inputs import fingerprint, record

CHUNK_ROWS_VAR = "CCHC_VALIDATION_CHUNK_ROWS"
QUARANTINE_COLUMNS = ("quarter", "dataset", "file_id", "line_number", "checks", "reasons", "raw_values")
LOCATION_COLUMNS = ["_row_id", "file_id", "line_number"]
# The key each dataset's suite holds unique within a landing unit: a unit too large for one chunk is
# split by its hash. Datasets without one (a few rows per unit) are never split.
SPLIT_KEYS = {"dossiers": "dossier_id", "surveys": "response_id"}


def chunk_rows() -> int:
    """Rows typed and validated at once (`CCHC_VALIDATION_CHUNK_ROWS`); a landing unit is never split."""
    return settings.whole_number(CHUNK_ROWS_VAR, "a positive whole number of rows", minimum=1)


@dataclass(frozen=True)
class Chunk:
    """Files typed and validated together; a landing unit larger than a chunk is read in `parts` parts,
    part `part` holding the rows whose key hashes to it, so every repeat of a key is in one part."""

    file_ids: list[int]
    part: int = 0
    parts: int = 1


def file_chunks(files: list[tuple[int, str, int]], limit: int, splittable: bool = False) -> list[Chunk]:
    """Chunks of whole landing units, each up to `limit` rows. `files` are (file_id, landing unit,
    rows read), ordered by unit. A unit larger than `limit` is a chunk of its own, or, when its
    dataset has a row key (`splittable`), as many chunks as it takes, split by the key's hash."""
    chunks: list[Chunk] = []
    current: list[int] = []
    size = 0
    units: dict[str, list[tuple[int, int]]] = {}
    for file_id, unit, rows in files:
        units.setdefault(unit, []).append((file_id, rows))
    for unit_files in units.values():
        unit_rows = sum(rows for _, rows in unit_files)
        file_ids = [file_id for file_id, _ in unit_files]
        if splittable and unit_rows > limit:
            parts = math.ceil(unit_rows / limit)
            chunks.extend(Chunk(file_ids, part, parts) for part in range(parts))
            continue
        if current and size + unit_rows > limit:
            chunks.append(Chunk(current))
            current, size = [], 0
        current.extend(file_ids)
        size += unit_rows
    if current:
        chunks.append(Chunk(current))
    return chunks


def suite_parameters(conn: psycopg.Connection, quarter: Quarter) -> dict[str, Any]:
    """The values the expectation suites' `$PARAMETER`s take for the quarter."""
    # Lists of the quarter's provinces, not the country's: GX copies a list parameter on every access.
    scope = {"quarter": str(quarter), "day": quarter.last_day}
    valid_units = fetch_all(conn, "quality/suite_valid_unit_codes.sql", scope)
    subtree = fetch_all(conn, "quality/suite_unit_subtree_keys.sql", scope)
    published = fetch_all(conn, "quality/suite_known_procedure_codes.sql", scope)
    national = pd.read_csv(reference_dir() / "procedures.csv", dtype=str)["procedure_code"]
    parameters = {
        "valid_unit_codes": [code for (code,) in valid_units],
        "unit_subtree_keys": [key for (key,) in subtree],
        "known_procedure_codes": sorted({*national.dropna(), *(code for (code,) in published)}),
        # Datetime columns are Vietnam-local timestamps, date columns naive days; ends are exclusive.
        "quarter_end": pd.Timestamp(quarter.end_exclusive, tz=LOCAL_TZ),
        "next_quarter_end": pd.Timestamp(quarter.next.end_exclusive, tz=LOCAL_TZ),
        "quarter_first_day": pd.Timestamp(quarter.first_day),
        "quarter_end_day": pd.Timestamp(quarter.end_exclusive),
        "next_quarter_end_day": pd.Timestamp(quarter.next.end_exclusive),
        "quarter_year": quarter.year,
    }
    return parameters


def stage_dataset(
    conn: psycopg.Connection,
    run_id: str,
    quarter: Quarter,
    spec: DatasetSpec,
    settings: str,
    parameters: dict[str, Any],
    *,
    rebuild: bool = False,
) -> dict[str, Any]:
    """Stage the dataset's quarter, landing unit by landing unit: a unit whose files and `settings`
    (fingerprint of suite, parameters and code) are what it was last staged from keeps its staged and
    quarantined rows; the others are validated and replaced. Records the run's validation and per-file
    counts and the new fingerprints, all in one transaction; returns the step's summary."""
    label = str(quarter)
    scope = {"quarter": label, "dataset": spec.name}
    with conn.transaction():
        lock_quarter(conn, quarter)
        units, staged_from = _landing_units(conn, scope, settings)
        before = dict(fetch_all(conn, "audit/step_inputs_of_units.sql", scope))
        changed = [unit for unit in units if rebuild or before.get(unit) != staged_from[unit]]
        gone = [unit for unit in before if unit not in units]
        ensure_partition(conn, "quarantine.rejected_row", label)
        if len(changed) == len(units):
            empty_partition(conn, spec.staging_table, label)
            execute_file(conn, "quarantine/clear_dataset_quarter.sql", scope)
        else:
            # Only these units' rows go; every other unit's staged rows and validation stand.
            replaced = {**scope, "landing_units": changed + gone}
            execute_template(conn, "staging/delete_unit_rows.sql", {"staging_table": spec.staging_table}, replaced)
            execute_file(conn, "quarantine/delete_unit_rows.sql", replaced)
        forgotten = [f"{spec.name}/{unit}" for unit in gone]
        execute_file(conn, "audit/step_inputs_delete.sql", {**scope, "step": "validate_and_stage", "scopes": forgotten})

        files = [(file_id, unit, rows) for unit in changed for file_id, _checksum, rows in units[unit]]
        every_unit = len(changed) == len(units)
        summary = _validate_and_copy(conn, run_id, label, spec, files, parameters, every_unit=every_unit)
        count_file_loads(conn, run_id, label, spec)
        for unit in changed:
            record(conn, label, "validate_and_stage", f"{spec.name}/{unit}", staged_from[unit], run_id)
        record(conn, label, "validate_and_stage", spec.name, fingerprint(settings, sorted(staged_from.items())), run_id)
        empty_files = fetch_all(conn, "quality/suite_files_without_rows.sql", scope)
    return {
        **summary,
        "units_validated": len(changed),
        "units_kept": len(units) - len(changed),
        # A header and no row: loaded, but most likely an export run with the wrong filter.
        "files_without_rows": [path for (path,) in empty_files],
    }


def dataset_fingerprint(conn: psycopg.Connection, quarter: str, spec: DatasetSpec, settings: str) -> tuple[str, int]:
    """The fingerprint `stage_dataset` records for the whole dataset (equal means nothing to restage),
    and how many files it covers."""
    units, staged_from = _landing_units(conn, {"quarter": quarter, "dataset": spec.name}, settings)
    return fingerprint(settings, sorted(staged_from.items())), sum(len(files) for files in units.values())


def count_file_loads(conn: psycopg.Connection, run_id: str, quarter: str, spec: DatasetSpec) -> None:
    """This run's read / staged / quarantined counts for every current file of the dataset."""
    execute_template(
        conn,
        "audit/file_load_counts.sql",
        {"staging_table": spec.staging_table},
        {"run_id": run_id, "quarter": quarter, "dataset": spec.name},
    )


def _landing_units(
    conn: psycopg.Connection, scope: dict[str, str], settings: str
) -> tuple[dict[str, list[tuple[int, str, int]]], dict[str, str]]:
    """The dataset's current files by landing unit, (file id, checksum, rows read) each, and the
    fingerprint of every unit: its file versions under `settings`."""
    units: dict[str, list[tuple[int, str, int]]] = {}
    for file_id, landing_unit, rows_read, checksum in fetch_all(conn, "staging/files_to_stage.sql", scope):
        units.setdefault(landing_unit, []).append((int(file_id), checksum, int(rows_read)))
    staged_from = {
        unit: fingerprint(settings, [(file_id, checksum) for file_id, checksum, _rows in files])
        for unit, files in units.items()
    }
    return units, staged_from


def _validate_and_copy(
    conn: psycopg.Connection,
    run_id: str,
    quarter: str,
    spec: DatasetSpec,
    files: list[tuple[int, str, int]],
    parameters: dict[str, Any],
    every_unit: bool = True,
) -> dict[str, Any]:
    """Type, validate and copy `files` (file id, landing unit, rows) chunk by chunk into staging and
    quarantine, and record the merged validation as this run's; `every_unit` says the files are all the
    dataset's current files of the quarter."""
    scope = {"quarter": quarter, "dataset": spec.name}
    columns = ("quarter", "file_id", "line_number", "source_level", *spec.staged_names)
    merged = ValidationOutcome()
    serial_files: dict[tuple[int, str], bool] = {}
    locations: list[pd.DataFrame] = []
    rows = staged = quarantined = warned = chunks = 0
    phase = Phases()
    staged_now = None if every_unit else [file_id for file_id, _unit, _rows in files]
    with phase("find repeated ids"):
        first_files = _first_files(conn, spec, {**scope, "file_ids": staged_now}) if files else {}
    planned = file_chunks(files, chunk_rows(), splittable=spec.name in SPLIT_KEYS)
    progress = Progress(f"validate_and_stage {spec.name}", len(planned), "chunks")
    # Collecting between chunks keeps memory to a chunk; a single chunk has nothing after it to make room for.
    collecting = len(planned) > 1
    if planned:
        with phase("import great expectations"):
            import_great_expectations()
    if collecting:
        with phase("collect garbage"):
            # What outlives the step (modules, GX's among them) is set aside, so that each chunk's
            # collection below walks the objects that chunk made, not everything imported before it.
            gc.collect()
            gc.freeze()
    try:
        for chunk in planned:
            with phase("read raw rows"):
                raw = _raw_frame(conn, spec, quarter, chunk, first_row_id=rows)
            with phase("type"):
                typed, problems = normalise(raw, spec, serial_date_files(conn, spec, raw, serial_files))
                if first_files:
                    lower_first_files(typed, first_files)
            with phase("validate"):
                outcome = validate_frame(typed, f"staging.{spec.name}", parameters)
                _add_expectation_errors(problems, outcome)
            with phase("write"):
                rejected = typed["_row_id"].isin(list(problems))
                staged += copy_frame(conn, spec.staging_table, columns, typed.loc[~rejected].assign(quarter=quarter))
                quarantined += copy_rows(
                    conn, "quarantine.rejected_row", QUARANTINE_COLUMNS, _quarantine_rows(quarter, spec, raw, problems)
                )
            failing = {*outcome.errors, *outcome.warnings, *problems}
            locations.append(typed.loc[typed["_row_id"].isin(list(failing)), LOCATION_COLUMNS])
            # Fold the chunk in at once; its per-row failures are used up (quarantine, counts), so that
            # memory follows the chunk even when a warning flags most of a quarter's rows.
            warned += sum(len(failures) for failures in outcome.warnings.values())
            outcome.errors.clear()
            outcome.warnings.clear()
            merged = merge_outcomes([merged, outcome])
            rows += len(typed)
            chunks += 1
            progress.advance(rows=len(typed))
            # GX leaves each chunk's frames in reference cycles, which the collector's oldest generation frees
            # only now and then: collect here, or memory grows by a chunk's worth each time.
            del raw, typed, outcome
            if collecting:
                with phase("collect garbage"):
                    gc.collect()
    finally:
        if collecting:
            gc.unfreeze()
    outcome = merged
    with phase("record results"):
        where = pd.concat(locations) if locations else pd.DataFrame(columns=LOCATION_COLUMNS)
        record_validation(conn, run_id, quarter, spec.name, where.set_index("_row_id"), rows, outcome)
    return {
        "rows": rows,
        "staged": staged,
        "quarantined": quarantined,
        "chunks": chunks,
        "warnings": warned,
        "expectations_failed": [e["check"] for e in outcome.expectations if not e["success"]],
        "seconds_by_phase": phase.summary(),
    }


def serial_date_files(
    conn: psycopg.Connection, spec: DatasetSpec, raw: pd.DataFrame, known: dict[tuple[int, str], bool]
) -> SerialColumns:
    """For each date column, the files of `raw` in which it holds nothing but Excel serial day numbers.

    Decided over the whole file, not the chunk (a large unit is staged in parts), and only for files
    whose first value in the chunk is serial-looking (a file whose column is all serials has no other);
    `known` keeps the answers across chunks."""
    found: dict[str, set[int]] = {}
    for column in spec.columns:
        if column.kind not in ("date", "datetime"):
            continue
        values = raw[column.name]
        filled = raw.loc[values.notna() & (values != ""), ["file_id", column.name]]
        firsts = filled.drop_duplicates("file_id")
        for file_id in firsts.loc[is_serial_text(firsts[column.name]), "file_id"]:
            key = (int(file_id), column.name)
            if key not in known:
                low, high = PLAUSIBLE_SERIALS
                params = {"file_id": key[0], "low": low, "high": high}
                names = {"raw_table": f"raw.{spec.name}"}
                with execute_template(
                    conn, "staging/serial_date_file.sql", names, params, columns={"date_column": column.name}
                ) as cur:
                    known[key] = bool(cur.fetchone()[0])
            if known[key]:
                found.setdefault(column.name, set()).add(key[0])
    return found


def _add_expectation_errors(problems: dict[int, list[tuple[str, str]]], outcome: ValidationOutcome) -> None:
    for row_id, failures in outcome.errors.items():
        # A value that could not be parsed is NULL in the typed frame; "missing" would misreport it.
        unparsed = {check.removeprefix("parse(").removesuffix(")") for check, _ in problems.get(row_id, [])}
        problems[row_id].extend(
            (check, reason)
            for check, reason in failures
            if check.removeprefix("expect_column_values_to_not_be_null(").removesuffix(")") not in unparsed
        )


def _first_files(conn: psycopg.Connection, spec: DatasetSpec, scope: dict[str, Any]) -> dict[str, int]:
    """Dossier ids held by more than one current file of the quarter, each with the first such file; of
    the ids in the files `scope["file_ids"]` names, or of every id when it is None."""
    if "_first_file_with_id" not in check_columns(spec.name):
        return {}
    return {
        dossier_id: int(file_id)
        for dossier_id, file_id in fetch_all(conn, "staging/dossier_ids_in_several_files.sql", scope)
    }


def _raw_frame(
    conn: psycopg.Connection, spec: DatasetSpec, quarter: str, chunk: Chunk, first_row_id: int
) -> pd.DataFrame:
    params = {"quarter": quarter, "dataset": spec.name, **asdict(chunk)}
    # A dataset without a row key is never split (parts = 1); its first column stands in for the key.
    key = SPLIT_KEYS.get(spec.name, spec.column_names[0])
    names = {"raw_table": f"raw.{spec.name}", "split_key": f"r.{key}"}
    with execute_template(conn, "staging/raw_rows_of_quarter.sql", names, params) as cur:
        columns = [d.name for d in cur.description]
        frame = pd.DataFrame(cur.fetchall(), columns=columns, dtype="object")
    # Row ids run on across chunks, so the merged validation outcome names each row once.
    frame["_row_id"] = range(first_row_id, first_row_id + len(frame))
    return frame


def _quarantine_rows(
    quarter: str, spec: DatasetSpec, raw: pd.DataFrame, problems: dict[int, list[tuple[str, str]]]
) -> Iterator[tuple[Any, ...]]:
    by_row = raw.set_index("_row_id")
    for row_id in sorted(problems):
        row = by_row.loc[row_id]
        values = {column: row[column] for column in spec.column_names}
        yield (
            quarter,
            spec.name,
            int(row["file_id"]),
            int(row["line_number"]),
            [check for check, _reason in problems[row_id]],
            [reason for _check, reason in problems[row_id]],
            json.dumps(values, ensure_ascii=False),
        )
