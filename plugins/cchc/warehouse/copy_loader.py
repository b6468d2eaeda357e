"""Bulk loads through PostgreSQL COPY, inside the caller's transaction.

psycopg's `cursor.copy()` is used rather than a hook's `copy_expert`, which commits on its own
and reports success on a missing input file.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

import psycopg
from psycopg import sql

from cchc.warehouse.sql_files import qualified

if TYPE_CHECKING:
    import pandas as pd


def copy_rows(conn: psycopg.Connection, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """COPY `rows` (tuples in `columns` order) into `schema.table`; returns rows written."""
    statement = sql.SQL("copy {} ({}) from stdin").format(
        qualified(table), sql.SQL(", ").join(sql.Identifier(c) for c in columns)
    )
    count = 0
    with conn.cursor() as cur, cur.copy(statement) as copy:
        for row in rows:
            copy.write_row(row)
            count += 1
    return count


def copy_frame(
    conn: psycopg.Connection, table: str, columns: Sequence[str], frame: pd.DataFrame, batch_rows: int = 50_000
) -> int:
    """COPY the `columns` of `frame` into `schema.table` in COPY's text format, a slice at a time.

    A slice's payload is built column by column with whole-array operations, where `copy_rows` adapts
    every value in Python and pandas' CSV writer formats one value at a time. Numbers, booleans and
    datetimes are factorised and each distinct value is formatted once, as that writer did: integers
    by `str`, floats by `repr` (which reads back as the same number), booleans as True/False, and
    datetimes by `_datetime_pieces`. The fields of all rows are then joined by one `str.join`.
    Missing values (None, NaN, NaT, NA) become `\\N`, COPY's NULL, and so do empty strings: text
    columns must not hold them (the normaliser turns them into NULLs), as with the CSV written here
    before. Backslashes, tabs, newlines and carriage returns in text are escaped.
    """
    statement = sql.SQL("copy {} ({}) from stdin").format(
        qualified(table), sql.SQL(", ").join(sql.Identifier(c) for c in columns)
    )
    subset = frame.loc[:, list(columns)]
    # Whether a naive datetime column is written as days is decided on the whole column, not a slice.
    as_days = [_whole_days(subset.iloc[:, position]) for position in range(subset.shape[1])]
    with conn.cursor() as cur, cur.copy(statement) as copy:
        for start in range(0, len(subset), batch_rows):
            part = subset.iloc[start : start + batch_rows]
            fields = [_field_pieces(part.iloc[:, position], days) for position, days in enumerate(as_days)]
            copy.write(_payload(fields, len(part)))
    return len(subset)


NULL = "\\N"
TEXT_SPECIALS = ("\\", "\t", "\n", "\r")


def _payload(fields: list[list[list[str]]], rows: int) -> str:
    """Rows of tab-separated fields, each ended by a newline, from every column's pieces: one list the
    length of the payload, filled a column at a time by slice assignment and joined in C."""
    slots: list[list[str]] = []
    for position, pieces in enumerate(fields):
        slots.extend(pieces)
        slots.append(["\n" if position == len(fields) - 1 else "\t"] * rows)
    flat: list[str] = [""] * (rows * len(slots))
    for offset, slot in enumerate(slots):
        flat[offset :: len(slots)] = slot
    return "".join(flat)


def _field_pieces(column: pd.Series, days: bool) -> list[list[str]]:
    """The column's text-format fields as lists of row pieces whose concatenation is the field: one
    list, or two for a datetime with a time of day (its day and its time)."""
    import numpy as np
    import pandas as pd

    dtype = column.dtype
    if isinstance(dtype, (pd.DatetimeTZDtype, np.dtypes.DateTime64DType)):
        return _datetime_pieces(column, days)
    if pd.api.types.is_bool_dtype(dtype):
        return [_lookup(["False", "True", NULL], column.to_numpy("int8", na_value=2))]
    if pd.api.types.is_integer_dtype(dtype):
        codes, distinct = pd.factorize(column.array)  # NA gets code -1: the NULL after the distinct texts
        texts = list(map(str, np.asarray(distinct).tolist()))
    elif pd.api.types.is_float_dtype(dtype):
        numbers = column.to_numpy(getattr(dtype, "numpy_dtype", dtype), na_value=np.nan)
        # Factorised by bit pattern, so that -0.0 and 0.0 stay apart.
        codes, distinct = pd.factorize(numbers.view(f"int{numbers.itemsize * 8}"))
        codes[np.isnan(numbers)] = -1
        floats = distinct.view(numbers.dtype)
        # The shortest text that reads back as the same number: Python's repr, numpy's for narrower floats.
        texts = list(map(repr, floats.tolist())) if floats.dtype == np.float64 else [str(x) for x in floats]
    else:
        return [_text_fields(column)]
    return [_lookup([*texts, NULL], codes)]


def _text_fields(column: pd.Series) -> list[str]:
    """A text (or object) column's values, escaped; missing and empty ones NULL. Values that are not
    strings are written as `str` gives them, as pandas' CSV writer did."""
    import numpy as np

    values = column.to_numpy(dtype=object, na_value="", copy=True)
    try:
        joined = "".join(values)
    except TypeError:
        values = np.array([str(value) for value in values], dtype=object)
        joined = "".join(values)
    if any(special in joined for special in TEXT_SPECIALS):
        values = np.array([_escape(value) for value in values], dtype=object)
    values[values == ""] = NULL
    return values.tolist()


def _escape(text: str) -> str:
    if "\\" in text or "\t" in text or "\n" in text or "\r" in text:
        return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    return text


def _lookup(texts: list[str], codes: Any) -> list[str]:
    """`texts[code]` for every code; code -1 is the last text."""
    import numpy as np

    return np.array(texts, dtype=object)[codes].tolist()


def _whole_days(column: pd.Series) -> bool:
    """A naive datetime column whose every value is a midnight (its values are then dates)."""
    import numpy as np

    if not isinstance(column.dtype, np.dtypes.DateTime64DType):
        return False
    values = column.to_numpy("datetime64[us]")
    values = values[~np.isnat(values)]
    return bool((values == values.astype("datetime64[D]")).all())


def _datetime_pieces(column: pd.Series, days: bool) -> list[list[str]]:
    """Datetimes as ISO text made by numpy (pandas formats a timezone-aware timestamp one value at a
    time): aware values in UTC with an explicit offset, naive ones as days when `days` (every value of
    the column is a midnight). Days and times of day are formatted apart, once per distinct value."""
    import numpy as np
    import pandas as pd

    aware = isinstance(column.dtype, pd.DatetimeTZDtype)
    values = (column.dt.tz_convert(None) if aware else column).to_numpy("datetime64[us]")
    missing = np.isnat(values)
    day = values.astype("datetime64[D]")
    day_codes, distinct_days = pd.factorize(day.view("int64"))
    day_codes[missing] = -1  # the NULL after the distinct texts
    day_texts = [*np.datetime_as_string(distinct_days.view("datetime64[D]"), unit="D").tolist(), NULL]
    if days and not aware:
        return [_lookup(day_texts, day_codes)]
    time_codes, distinct_times = pd.factorize((values - day).view("int64"))
    time_codes[missing] = -1
    # A time of day as a datetime on 1970-01-01: its text after the date, like "T02:22:00.000000".
    moments = np.datetime_as_string(distinct_times.astype("datetime64[us]"), unit="us").tolist()
    suffix = "+00" if aware else ""
    return [_lookup(day_texts, day_codes), _lookup([*(moment[10:] + suffix for moment in moments), ""], time_codes)]
