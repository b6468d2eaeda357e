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
    """COPY the `columns` of `frame` into `schema.table` as CSV written by pandas, a slice at a time.

    pandas formats whole columns in C, where `copy_rows` adapts every value in Python; missing values
    (None, NaN, NaT, NA) become unquoted empty fields, which COPY reads as NULL. Text columns must not
    hold empty strings (the normaliser turns them into NULLs): CSV cannot tell the two apart here.
    """
    statement = sql.SQL("copy {} ({}) from stdin (format csv)").format(
        qualified(table), sql.SQL(", ").join(sql.Identifier(c) for c in columns)
    )
    subset = _timestamps_as_text(frame.loc[:, list(columns)])
    with conn.cursor() as cur, cur.copy(statement) as copy:
        for start in range(0, len(subset), batch_rows):
            copy.write(subset.iloc[start : start + batch_rows].to_csv(index=False, header=False, lineterminator="\n"))
    return len(subset)


def _timestamps_as_text(frame: pd.DataFrame) -> pd.DataFrame:
    """Datetime columns as ISO text made by numpy in C: pandas' CSV writer formats a timezone-aware
    timestamp one value at a time, which cost more than everything else in staging. Aware values are
    written in UTC with an explicit offset; naive ones as days when every value is a midnight."""
    import numpy as np
    import pandas as pd

    converted = {}
    for name in frame.columns:
        column = frame[name]
        if not isinstance(column.dtype, (pd.DatetimeTZDtype, np.dtypes.DateTime64DType)):
            continue
        aware = isinstance(column.dtype, pd.DatetimeTZDtype)
        values = (column.dt.tz_convert("UTC").dt.tz_localize(None) if aware else column).to_numpy("datetime64[us]")
        missing = np.isnat(values)
        whole_days = not aware and bool((values[~missing] == values[~missing].astype("datetime64[D]")).all())
        text = np.datetime_as_string(values, unit="D" if whole_days else "us").astype(object)
        if aware:
            text = text + "+00"
        text[missing] = None
        converted[name] = pd.Series(text, index=frame.index, dtype=object)
    return frame.assign(**converted) if converted else frame
