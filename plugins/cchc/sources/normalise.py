"""Raw dossier text -> typed staging columns, with a reason for every value that cannot be read.

Parse failures are reported per row here (with the offending text), before expectations run, so
a quarantined row says "'31/02/2024' is not a date" rather than only "received date is missing".
"""

from __future__ import annotations

from collections import defaultdict

import pandas as pd

from cchc.sources.parse import parse_channel, parse_datetime, parse_int, parse_yes_no

# Column -> (Vietnamese label, parser, what a good value is).
_PARSED = {
    "channel": ("Hình thức nộp", parse_channel, "Trực tiếp / Trực tuyến / Bưu chính or 1 / 2 / 3"),
    "received_at": ("Ngày tiếp nhận", parse_datetime, "a date dd/mm/yyyy [HH:MM] or ISO"),
    "due_at": ("Ngày hẹn trả", parse_datetime, "a date dd/mm/yyyy [HH:MM] or ISO"),
    "resolved_at": ("Ngày có kết quả", parse_datetime, "a date dd/mm/yyyy [HH:MM] or ISO"),
    "returned_by_post": ("Trả kết quả qua BCCI", parse_yes_no, "Có / Không"),
    "supplement_requests": ("Số lần yêu cầu bổ sung", parse_int, "a whole number"),
}
_TEXT = ("dossier_id", "unit_code", "procedure_code", "field")

RowProblems = dict[int, list[tuple[str, str]]]


def normalise_dossiers(raw: pd.DataFrame) -> tuple[pd.DataFrame, RowProblems]:
    """Typed frame (same index, plus `_row_id`) and parse problems keyed by `_row_id`.

    `raw` holds text columns as received plus `landing_unit_code` and `_row_id`.
    """
    typed = pd.DataFrame(index=raw.index)
    typed["_row_id"] = raw["_row_id"].astype("int64")
    typed["file_id"] = raw["file_id"].astype("int64")
    typed["line_number"] = raw["line_number"].astype("int64")
    typed["source_level"] = raw["source_level"]
    typed["landing_unit_code"] = raw["landing_unit_code"]
    for column in _TEXT:
        text = raw[column].astype("string").str.strip()
        typed[column] = text.mask(text == "")
    typed["unit_code"] = _unit_codes(typed["unit_code"], raw["landing_unit_code"])

    problems: RowProblems = defaultdict(list)
    for column, (label, parser, expected) in _PARSED.items():
        parsed, bad = parser(raw[column].astype("string"))
        typed[column] = parsed
        for row_id, value in zip(typed.loc[bad, "_row_id"], raw.loc[bad, column], strict=True):
            problems[int(row_id)].append(
                (
                    f"parse({column})",
                    f"{label} ({column}): {value!r} không đọc được / cannot be read, expected {expected}",
                )
            )
    return typed, problems


def _unit_codes(codes: pd.Series, landing: pd.Series) -> pd.Series:
    """Empty codes take the landing folder's unit; a code that lost its leading zeros to a
    spreadsheet (e.g. 194 for 00194) is restored only when it then equals the folder's unit."""
    filled = codes.fillna(landing)
    restored = filled.copy()
    for width in landing.str.len().dropna().unique():
        same_width = landing.str.len() == width
        lost_zeros = same_width & filled.str.isdigit().fillna(False) & (filled.str.zfill(int(width)) == landing)
        restored = restored.mask(lost_zeros, landing)
    return restored
