"""Raw text -> typed staging columns, with a reason for every value that cannot be read.

One function serves every dataset: each column's `kind` (datasets.py) picks its parser. Parse
failures are reported per row here, with the offending text, before expectations run, so a
quarantined row says "'31/02/2024' cannot be read" rather than only "received date is missing".
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping

import pandas as pd

from cchc.sources.datasets import DatasetSpec
from cchc.sources.parse import (
    parse_channel,
    parse_date,
    parse_datetime,
    parse_decimal,
    parse_int,
    parse_online_level,
    parse_percent,
    parse_unit_level,
    parse_yes_no,
)

Parser = Callable[[pd.Series], tuple[pd.Series, pd.Series]]
_PARSERS: dict[str, tuple[Parser, str]] = {
    "int": (parse_int, "a whole number"),
    "decimal": (parse_decimal, "a number such as 12 or 1.234,5"),
    "percent": (parse_percent, "a percentage such as 94 or 94%"),
    "date": (parse_date, "a date dd/mm/yyyy or ISO"),
    "datetime": (parse_datetime, "a date dd/mm/yyyy [HH:MM] or ISO"),
    "bool": (parse_yes_no, "Có / Không"),
    "channel": (parse_channel, "Trực tiếp / Trực tuyến / Bưu chính or 1 / 2 / 3"),
    "online_level": (parse_online_level, "Toàn trình / Một phần / Không or Mức độ 4 / 3 / 2"),
    "unit_level": (parse_unit_level, "Cấp xã / Cấp huyện / Cấp tỉnh"),
}
META_COLUMNS = ("_row_id", "file_id", "line_number", "source_level", "landing_unit_code")


def _landing_unit_and_unit(typed: pd.DataFrame) -> pd.Series:
    """'490/20194': the folder's unit and the row's, matched against the pairs the hierarchy allows."""
    return typed["landing_unit_code"].astype("string") + "/" + typed["unit_code"].astype("string")


# Columns only the expectation suites read (never staged): facts a one-row expectation cannot compute,
# such as the II.06a totals added up again or the first file of the quarter that holds a dossier id.
_CHECK_COLUMNS: dict[str, dict[str, Callable[[pd.DataFrame], pd.Series]]] = {
    "dossiers": {"_first_file_with_id": lambda t: t.groupby("dossier_id")["file_id"].transform("min")},
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


def normalise(raw: pd.DataFrame, spec: DatasetSpec) -> tuple[pd.DataFrame, RowProblems]:
    """Typed frame (same index) and parse problems keyed by `_row_id`.

    `raw` holds the spec's columns as text plus the META_COLUMNS.
    """
    typed = pd.DataFrame(index=raw.index)
    typed["_row_id"] = raw["_row_id"].astype("int64")
    typed["file_id"] = raw["file_id"].astype("int64")
    typed["line_number"] = raw["line_number"].astype("int64")
    typed["source_level"] = raw["source_level"]
    typed["landing_unit_code"] = raw["landing_unit_code"]

    problems: RowProblems = defaultdict(list)
    for column in spec.columns:
        text = raw[column.name].astype("string")
        if column.kind == "text":
            stripped = text.str.strip()
            typed[column.name] = stripped.mask(stripped == "")
            continue
        parser, expected = _PARSERS[column.kind]
        parsed, bad = parser(text)
        typed[column.name] = parsed
        label = column.aliases[0] if column.aliases else column.name
        for row_id, value in zip(typed.loc[bad, "_row_id"], raw.loc[bad, column.name], strict=True):
            problems[int(row_id)].append(
                (
                    f"parse({column.name})",
                    f"{label} ({column.name}): {value!r} không đọc được / cannot be read, expected {expected}",
                )
            )
    if "unit_code" in typed:
        typed["unit_code"] = _unit_codes(typed["unit_code"], raw["landing_unit_code"], spec.unit_is_landing)
    for name, compute in _CHECK_COLUMNS.get(spec.name, {}).items():
        typed[name] = compute(typed)
    return typed, problems


def lower_first_files(typed: pd.DataFrame, first_files: Mapping[str, int]) -> None:
    """Set `_first_file_with_id` to the first file of the whole quarter holding each dossier id, where
    that is a file outside this frame (staging reads a quarter in chunks of landing units)."""
    elsewhere = typed["dossier_id"].map(first_files).astype("Int64")
    within = typed["_first_file_with_id"].astype("Int64")
    typed["_first_file_with_id"] = within.where(elsewhere.isna() | (within <= elsewhere), elsewhere)


def check_columns(dataset: str) -> tuple[str, ...]:
    """The columns `normalise` adds for `dataset`'s expectation suite only."""
    return tuple(_CHECK_COLUMNS.get(dataset, {}))


def _unit_codes(codes: pd.Series, landing: pd.Series, fill_from_landing: bool) -> pd.Series:
    """Codes that lost leading zeros to a spreadsheet (194 for 00194, 87.0 for 87) are restored
    when they then equal the landing folder's unit; empty codes take that unit where rows are
    about it."""
    as_text = codes.str.replace(r"\.0$", "", regex=True)
    filled = as_text.fillna(landing) if fill_from_landing else as_text
    restored = filled.copy()
    for width in landing.str.len().dropna().unique():
        same_width = landing.str.len() == width
        lost_zeros = same_width & filled.str.isdigit().fillna(False) & (filled.str.zfill(int(width)) == landing)
        restored = restored.mask(lost_zeros, landing)
    return restored
