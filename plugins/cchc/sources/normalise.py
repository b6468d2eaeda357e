"""Raw text -> typed staging columns, with a reason for every value that cannot be read.

One function serves every dataset: each column's `kind` (datasets.py) picks its parser. Parse
failures are reported per row here, with the offending text, before expectations run, so a
quarantined row says "'31/02/2024' cannot be read" rather than only "received date is missing".
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Collection, Mapping

import numpy as np
import pandas as pd

from cchc.sources.datasets import Column, DatasetSpec
from cchc.sources.dossier_status import pending_word, status_class
from cchc.sources.parse import (
    has_time_of_day,
    is_serial_text,
    parse_channel,
    parse_date,
    parse_datetime,
    parse_decimal,
    parse_int,
    parse_online_level,
    parse_percent,
    parse_serial_date,
    parse_serial_datetime,
    parse_unit_level,
    parse_yes_no,
)

Parser = Callable[[pd.Series], tuple[pd.Series, pd.Series]]
_PARSERS: dict[str, tuple[Parser, str]] = {
    "int": (parse_int, "a whole number"),
    "decimal": (parse_decimal, "a number such as 12 or 1.234,5"),
    "percent": (parse_percent, "a percentage such as 94 or 94%"),
    "date": (parse_date, "a date dd/mm/yyyy, yyyyMMdd or ISO"),
    "datetime": (parse_datetime, "a date dd/mm/yyyy [HH:MM[:SS]], yyyyMMdd[HHmmss] or ISO"),
    "bool": (parse_yes_no, "Có / Không"),
    "channel": (parse_channel, "Trực tiếp / Trực tuyến / Bưu chính or 1 / 2 / 3"),
    "online_level": (parse_online_level, "Toàn trình / Một phần / Không or Mức độ 4 / 3 / 2"),
    "unit_level": (parse_unit_level, "Cấp xã / Cấp huyện / Cấp tỉnh"),
}
_SERIAL_PARSERS: dict[str, Parser] = {"date": parse_serial_date, "datetime": parse_serial_datetime}
META_COLUMNS = ("_row_id", "file_id", "line_number", "source_level", "landing_unit_code")
FILE_WARNING = "_file_warning"
"""The row's file-level warnings (columns not read, read in place of others, a stated count that differs)."""
SerialColumns = Mapping[str, Collection[int]]
"""For a date column, the files in which it holds nothing but Excel serial day numbers."""


def _landing_unit_and_unit(typed: pd.DataFrame) -> pd.Series:
    """'490/20194': the folder's unit and the row's, matched against the pairs the hierarchy allows."""
    return typed["landing_unit_code"].astype("string") + "/" + typed["unit_code"].astype("string")


def _compared(a: str, b: str) -> Callable[[pd.DataFrame], pd.Series]:
    """Column `a` as it is compared with `b`: by day when either value lacks a time of day, else as is
    (a date-only result on the day of reception is not before the reception at 08:30)."""

    def compute(typed: pd.DataFrame) -> pd.Series:
        both_timed = (typed[f"{a}_has_time"] & typed[f"{b}_has_time"]).fillna(False).astype(bool)
        return typed[a].where(both_timed, typed[a].dt.normalize())

    return compute


def _first_file_with_id(typed: pd.DataFrame) -> pd.Series:
    """The lowest file id among the rows with each row's dossier id (NA without an id). Only the ids
    held more than once are grouped: in an export nearly every id is held once, by its own file."""
    ids = typed["dossier_id"]
    first = typed["file_id"].astype("Int64").mask(ids.isna())
    repeated = (ids.duplicated(keep=False) & ids.notna()).to_numpy()
    if repeated.any():
        first[repeated] = first[repeated].groupby(ids[repeated]).transform("min")
    return first


def _status_disagreement(typed: pd.DataFrame) -> pd.Series:
    """Where the status column and the result date tell different stories: the status and what the
    date says, e.g. "'Đã trả kết quả' (resolved): không có ngày có kết quả / no result date, counted as
    pending"; NA where they agree or there is no status."""
    result = pd.Series(pd.NA, index=typed.index, dtype="string")
    status = typed["status"]
    if status.isna().all():
        return result
    known = typed["status_class"]
    has_result = typed["resolved_at"].notna()
    unknown = status.notna() & known.isna()
    disagrees = ((known == "resolved") & ~has_result) | (
        known.isin(["pending", "stopped", "not_received"]) & has_result
    )
    not_in_process = known.isin(["stopped", "not_received"]) & ~has_result
    flagged = (disagrees | unknown | not_in_process).fillna(False).astype(bool)
    if not flagged.any():
        return result
    date_says = has_result[flagged].map(
        {
            True: "có ngày có kết quả / has a result date",
            False: "không có ngày có kết quả / no result date, counted as pending",
        }
    )
    result[flagged] = "'" + status[flagged] + "' (" + known[flagged].fillna("unknown status") + "): " + date_says
    return result


def _status_word_in_dates(typed: pd.DataFrame) -> pd.Series:
    """The status word written in a result-date column instead of a date, read as no result yet."""
    words = pd.Series(pd.NA, index=typed.index, dtype="string")
    for name in ("resolved_at", "returned_at"):
        column = f"_{name}_word"
        if column in typed:
            words = words.fillna(typed[column])
    return words


# Columns only the expectation suites read (never staged): facts a one-row expectation cannot compute,
# such as the II.06a totals added up again or the first file of the quarter that holds a dossier id.
_CHECK_COLUMNS: dict[str, dict[str, Callable[[pd.DataFrame], pd.Series]]] = {
    "dossiers": {
        "_first_file_with_id": _first_file_with_id,
        "_resolved_at_compared": _compared("resolved_at", "received_at"),
        "_received_at_compared_to_resolved": _compared("received_at", "resolved_at"),
        "_due_at_compared": _compared("due_at", "received_at"),
        "_received_at_compared_to_due": _compared("received_at", "due_at"),
        "_status_disagreement": _status_disagreement,
        "_status_word_in_date": _status_word_in_dates,
    },
    "one_stop_report": {
        "_landing_unit_and_unit": _landing_unit_and_unit,
        "_received_parts": lambda t: t["received_online"] + t["received_direct_postal"] + t["received_carried_over"],
        "_resolved_parts": lambda t: t["resolved_early"] + t["resolved_on_time"] + t["resolved_late"],
        "_pending_parts": lambda t: t["pending_in_time"] + t["pending_overdue"],
        "_resolved_plus_pending": lambda t: t["resolved_total"] + t["pending_total"],
    },
    "inspections": {"_landing_unit_and_unit": _landing_unit_and_unit},
    "par_index": {"_landing_unit_and_unit": _landing_unit_and_unit},
}

RowProblems = dict[int, list[tuple[str, str]]]


def normalise(
    raw: pd.DataFrame, spec: DatasetSpec, serial_columns: SerialColumns | None = None
) -> tuple[pd.DataFrame, RowProblems]:
    """Typed frame (same index) and parse problems keyed by `_row_id`.

    `raw` holds the spec's columns as text plus the META_COLUMNS. `serial_columns` names, per date
    column, the files whose values in it are all Excel serial day numbers (decided over the whole
    file, see `staging.serial_date_files`): there they are read as dates; anywhere else a number in
    a date column is an error naming it.
    """
    typed = pd.DataFrame(index=raw.index)
    typed["_row_id"] = raw["_row_id"].astype("int64")
    typed["file_id"] = raw["file_id"].astype("int64")
    typed["line_number"] = raw["line_number"].astype("int64")
    typed["source_level"] = raw["source_level"]
    typed["landing_unit_code"] = raw["landing_unit_code"]

    problems: RowProblems = defaultdict(list)
    serial_columns = serial_columns or {}
    for column in spec.columns:
        text = raw[column.name].astype("string")
        if column.kind == "text":
            stripped = text.str.strip()
            typed[column.name] = stripped.mask(stripped == "")
            continue
        if column.kind == "dossier_status":
            stripped = text.str.strip()
            typed[column.name] = stripped.mask(stripped == "")
            typed[f"{column.name}_class"] = status_class(typed[column.name])
            continue
        if column.pending_words:
            word = pending_word(text)
            found = pd.Series(pd.NA, index=text.index, dtype="string")
            found[word] = text[word].str.strip()
            typed[f"_{column.name}_word"] = found
            text = text.mask(word, "")
        parser, expected = _PARSERS[column.kind]
        in_serial_file = typed["file_id"].isin(list(serial_columns.get(column.name, ())))
        if in_serial_file.any():
            parsed, bad = _parse_split(text, in_serial_file, parser, _SERIAL_PARSERS[column.kind])
        else:
            parsed, bad = parser(text)
        typed[column.name] = parsed
        if column.kind == "datetime":
            typed[f"{column.name}_has_time"] = has_time_of_day(parsed)
        _record_problems(problems, column, typed.loc[bad, "_row_id"], raw.loc[bad, column.name], expected)
    if "unit_code" in typed:
        typed["unit_code"] = _unit_codes(typed["unit_code"], raw["landing_unit_code"], spec.unit_is_landing)
    for name, compute in _CHECK_COLUMNS.get(spec.name, {}).items():
        typed[name] = compute(typed)
    # The status words found in date columns live on in `_status_word_in_date` only.
    for column in spec.columns:
        if column.pending_words:
            del typed[f"_{column.name}_word"]
    # Every row carries its file's warnings, so that the suites report them where rows are reported.
    warnings = raw["file_warnings"] if "file_warnings" in raw else pd.Series(pd.NA, index=raw.index)
    typed[FILE_WARNING] = warnings.astype("string")
    return typed, problems


def _parse_split(
    text: pd.Series, serial: pd.Series, parser: Parser, serial_parser: Parser
) -> tuple[pd.Series, pd.Series]:
    """Rows of serial files through `serial_parser`, the others through `parser`, back in one column."""
    by_serial, bad_serial = serial_parser(text[serial])
    by_text, bad_text = parser(text[~serial])
    parsed = pd.concat([by_serial, by_text]).reindex(text.index)
    bad = pd.concat([bad_serial, bad_text]).reindex(text.index).astype(bool)
    return parsed, bad


def _record_problems(
    problems: RowProblems, column: Column, row_ids: pd.Series, values: pd.Series, expected: str
) -> None:
    label = column.label
    for row_id, value in zip(row_ids, values, strict=True):
        reason = f"{label} ({column.name}): {value!r} không đọc được / cannot be read, expected {expected}"
        if column.kind in _SERIAL_PARSERS and is_serial_text(pd.Series([value])).iloc[0]:
            reason += (
                "; a number in a date column is read as an Excel serial date only when every value of the "
                "column in the file is one"
            )
        problems[int(row_id)].append((f"parse({column.name})", reason))


def lower_first_files(typed: pd.DataFrame, first_files: Mapping[str, int]) -> None:
    """Set `_first_file_with_id` to the first file of the whole quarter holding each dossier id, where
    that is a file outside this frame (staging reads a quarter in chunks of landing units)."""
    elsewhere = typed["dossier_id"].map(first_files).astype("Int64")
    within = typed["_first_file_with_id"].astype("Int64")
    typed["_first_file_with_id"] = within.where(elsewhere.isna() | (within <= elsewhere), elsewhere)


def check_columns(dataset: str) -> tuple[str, ...]:
    """The columns `normalise` adds for `dataset`'s expectation suite only."""
    return (*_CHECK_COLUMNS.get(dataset, {}), FILE_WARNING)


def _unit_codes(codes: pd.Series, landing: pd.Series, fill_from_landing: bool) -> pd.Series:
    """Codes that lost leading zeros to a spreadsheet (194 for 00194, 87.0 for 87) are restored
    when they then equal the landing folder's unit; empty codes take that unit where rows are
    about it. Worked out once per distinct pair of code and landing unit (a few per file)."""
    code_of_row, _codes = pd.factorize(codes, use_na_sentinel=False)
    landing_of_row, distinct_landings = pd.factorize(landing, use_na_sentinel=False)
    pair = code_of_row.astype("int64") * len(distinct_landings) + landing_of_row
    _pairs, first_row, pair_of_row = np.unique(pair, return_index=True, return_inverse=True)
    restored = _restored_unit_codes(
        codes.iloc[first_row].reset_index(drop=True), landing.iloc[first_row].reset_index(drop=True), fill_from_landing
    )
    return pd.Series(restored.array.take(pair_of_row.ravel()), index=codes.index, dtype=restored.dtype)


def _restored_unit_codes(codes: pd.Series, landing: pd.Series, fill_from_landing: bool) -> pd.Series:
    as_text = codes.str.replace(r"\.0$", "", regex=True)
    filled = as_text.fillna(landing) if fill_from_landing else as_text
    restored = filled.copy()
    for width in landing.str.len().dropna().unique():
        same_width = landing.str.len() == width
        lost_zeros = same_width & filled.str.isdigit().fillna(False) & (filled.str.zfill(int(width)) == landing)
        restored = restored.mask(lost_zeros, landing)
    return restored
