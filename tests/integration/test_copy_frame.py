"""copy_frame against a real PostgreSQL: every dtype staging hands it lands as the value it held, NULLs
where the frame had missing values, however awkward the text; expected values are written out here."""

from __future__ import annotations

import math
from datetime import UTC, date, datetime
from decimal import Decimal

import numpy as np
import pandas as pd
import pytest

from cchc.warehouse.copy_loader import copy_frame

pytestmark = pytest.mark.integration

LOCAL = "Asia/Ho_Chi_Minh"  # UTC+7 all year, no daylight saving time
INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1

AWKWARD_TEXT = [
    "tab\there",
    "line\nbreak",
    "carriage\rreturn",
    "crlf\r\nend",
    "back\\slash",
    "\\N",
    "trailing backslash\\",
    "quote \"double\" and 'single'",
    "comma, separated",
    "Bộ phận Một cửa huyện Hồng Ngự – Đồng Tháp",
    "\\.",
    None,
]
ROWS = len(AWKWARD_TEXT)

COLUMNS = {
    "row_no": "integer",
    "big": "bigint",
    "object_text": "text",
    "string_text": "text",
    "str_text": "text",
    "flag": "boolean",
    "count": "bigint",
    "score": "numeric",
    "ratio": "double precision",
    "numpy_ratio": "double precision",
    "happened_at": "timestamptz",
    "on_day": "date",
    "naive_at": "timestamp",
}


def _frame() -> pd.DataFrame:
    na = pd.NA
    return pd.DataFrame(
        {
            "row_no": np.arange(ROWS, dtype="int64"),
            "big": np.array([INT64_MIN, INT64_MAX, -1, 0, 1, -42, 10**15, -(10**15), 7, 8, 9, 10], dtype="int64"),
            "object_text": pd.Series(AWKWARD_TEXT, dtype=object),
            "string_text": pd.Series(list(reversed(AWKWARD_TEXT)), dtype="string"),
            "str_text": pd.Series(["2024Q2"] * (ROWS - 1) + [None], dtype="str"),
            "flag": pd.array([True, False, na] * 4, dtype="boolean"),
            "count": pd.array([INT64_MIN, INT64_MAX, na, 0, -5, 5, na, 1, 2, 3, 4, 123456789012], dtype="Int64"),
            "score": pd.array(
                [0.1, 1e-300, na, -2.5, 1e16, 0.30000000000000004, 4.0, na, 100.0, 5.0, 3.25, -0.001], dtype="Float64"
            ),
            "ratio": pd.array(
                [
                    0.1,
                    1e-300,
                    5e-324,
                    1.7976931348623157e308,
                    -0.0,
                    0.30000000000000004,
                    na,
                    1 / 3,
                    2.5,
                    -1e-5,
                    6.0,
                    na,
                ],
                dtype="Float64",
            ),
            "numpy_ratio": np.array(
                [0.1, np.nan, -0.0, 0.0, 1e-300, 2 / 3, 1e22, -7.5, 0.5, np.nan, 3.0, 12345.678], dtype="float64"
            ),
            "happened_at": pd.Series(
                pd.to_datetime(
                    [
                        "2024-04-01 00:00:00",  # local midnight: the day before in UTC
                        "2024-03-31 23:59:59.999999",
                        "2025-01-01 06:59:59",  # still 2024 in UTC
                        "2025-01-01 07:00:00",  # UTC midnight
                        None,
                        "2024-02-29 12:34:56.000001",
                        "2024-06-30 16:59:00",
                        "2024-06-30 17:00:00",
                        None,
                        "1999-12-31 23:59:59",
                        "2024-04-15 09:22:00",
                        "2024-04-15 09:22:00",
                    ],
                    format="ISO8601",
                ).as_unit("us")
            ).dt.tz_localize(LOCAL),
            "on_day": pd.Series(
                pd.to_datetime(
                    [
                        "2024-04-01",
                        "2024-02-29",
                        None,
                        "1999-12-31",
                        "2025-07-01",
                        None,
                        "2024-06-30",
                        "2024-01-01",
                        "2024-12-31",
                        "2000-01-01",
                        "2024-04-15",
                        "2024-04-16",
                    ],
                    format="ISO8601",
                ).as_unit("us")
            ),
            "naive_at": pd.Series(
                pd.to_datetime(
                    [
                        "2024-04-01 00:00:00.000001",
                        None,
                        "2024-04-01",
                        "2024-12-31 23:59:59.5",
                        *["2024-06-30 17:00"] * 8,
                    ],
                    format="ISO8601",
                ).as_unit("us")
            ),
        }
    )


def _expected_rows() -> list[tuple]:
    """The table's rows, written out by hand (UTC instants for the aware timestamps)."""

    def utc(*parts: int) -> datetime:
        return datetime(*parts, tzinfo=UTC)

    big = [INT64_MIN, INT64_MAX, -1, 0, 1, -42, 10**15, -(10**15), 7, 8, 9, 10]
    flag = [True, False, None] * 4
    count = [INT64_MIN, INT64_MAX, None, 0, -5, 5, None, 1, 2, 3, 4, 123456789012]
    score = ["0.1", "1E-300", None, "-2.5", "1E+16", "0.30000000000000004", "4", None, "100", "5", "3.25", "-0.001"]
    ratio = [0.1, 1e-300, 5e-324, 1.7976931348623157e308, -0.0, 0.30000000000000004, None, 1 / 3, 2.5, -1e-5, 6.0, None]
    numpy_ratio = [0.1, None, -0.0, 0.0, 1e-300, 2 / 3, 1e22, -7.5, 0.5, None, 3.0, 12345.678]
    happened_at = [
        utc(2024, 3, 31, 17, 0, 0),
        utc(2024, 3, 31, 16, 59, 59, 999999),
        utc(2024, 12, 31, 23, 59, 59),
        utc(2025, 1, 1, 0, 0, 0),
        None,
        utc(2024, 2, 29, 5, 34, 56, 1),
        utc(2024, 6, 30, 9, 59, 0),
        utc(2024, 6, 30, 10, 0, 0),
        None,
        utc(1999, 12, 31, 16, 59, 59),
        utc(2024, 4, 15, 2, 22, 0),
        utc(2024, 4, 15, 2, 22, 0),
    ]
    on_day = [date(2024, 4, 1), date(2024, 2, 29), None, date(1999, 12, 31), date(2025, 7, 1), None]
    on_day += [date(2024, 6, 30), date(2024, 1, 1), date(2024, 12, 31), date(2000, 1, 1)]
    on_day += [date(2024, 4, 15), date(2024, 4, 16)]
    naive_at = [
        datetime(2024, 4, 1, 0, 0, 0, 1),
        None,
        datetime(2024, 4, 1),
        datetime(2024, 12, 31, 23, 59, 59, 500000),
    ]
    naive_at += [datetime(2024, 6, 30, 17, 0)] * 8
    return [
        (
            row_no,
            big[row_no],
            AWKWARD_TEXT[row_no],
            AWKWARD_TEXT[ROWS - 1 - row_no],
            None if row_no == ROWS - 1 else "2024Q2",
            flag[row_no],
            count[row_no],
            None if score[row_no] is None else Decimal(score[row_no]),
            ratio[row_no],
            numpy_ratio[row_no],
            happened_at[row_no],
            on_day[row_no],
            naive_at[row_no],
        )
        for row_no in range(ROWS)
    ]


def _create_probe(conn, columns: dict[str, str]) -> str:
    definition = ", ".join(f'"{name}" {sql_type}' for name, sql_type in columns.items())
    conn.execute(f"create temporary table probe ({definition})")
    return "pg_temp.probe"


@pytest.mark.parametrize("batch_rows", [50_000, 5, 1])
def test_every_dtype_lands_as_written(conn, batch_rows):
    table = _create_probe(conn, COLUMNS)
    written = copy_frame(conn, table, list(COLUMNS), _frame(), batch_rows=batch_rows)
    assert written == ROWS
    names = ", ".join(f'"{name}"' for name in COLUMNS)
    landed = conn.execute(f"select {names} from probe order by row_no").fetchall()
    expected = _expected_rows()
    assert len(landed) == len(expected)
    for got, want in zip(landed, expected, strict=True):
        assert got == want, f"row {want[0]}"
        for position in (8, 9):  # -0.0 == 0.0: the sign must survive too
            if want[position] is not None:
                assert math.copysign(1, got[position]) == math.copysign(1, want[position]), f"row {want[0]}"


def test_the_columns_are_taken_by_name_in_the_order_given(conn):
    table = _create_probe(conn, {"label": "text", "row_no": "integer"})
    frame = pd.DataFrame({"row_no": [1, 2], "ignored": ["x", "y"], "label": pd.array(["a\tb", None], dtype="string")})
    assert copy_frame(conn, table, ["label", "row_no"], frame) == 2
    assert conn.execute("select label, row_no from probe order by row_no").fetchall() == [("a\tb", 1), (None, 2)]


def test_empty_strings_land_as_null_as_the_contract_says(conn):
    table = _create_probe(conn, {"row_no": "integer", "a": "text", "b": "text"})
    frame = pd.DataFrame(
        {"row_no": [1, 2], "a": pd.Series(["", "x"], dtype=object), "b": pd.array(["y", ""], dtype="string")}
    )
    copy_frame(conn, table, ["row_no", "a", "b"], frame)
    assert conn.execute("select row_no, a, b from probe order by row_no").fetchall() == [(1, None, "y"), (2, "x", None)]


def test_the_count_returned_is_the_rows_in_the_table(conn):
    table = _create_probe(conn, {"row_no": "bigint", "label": "text", "at": "timestamptz", "flag": "boolean"})
    rows = 2_345
    frame = pd.DataFrame(
        {
            "row_no": np.arange(rows, dtype="int64"),
            "label": pd.array([f"nhãn {i}\n" if i % 7 else None for i in range(rows)], dtype="string"),
            "at": pd.date_range("2024-04-01", periods=rows, freq="37min", tz=LOCAL, unit="us"),
            "flag": pd.array([i % 3 == 0 if i % 5 else None for i in range(rows)], dtype="boolean"),
        }
    )
    written = copy_frame(conn, table, list(frame.columns), frame, batch_rows=1_000)
    assert written == rows
    assert conn.execute("select count(*), count(distinct row_no), max(row_no) from probe").fetchone() == (
        rows,
        rows,
        rows - 1,
    )
    assert conn.execute("select count(*) from probe where label is null").fetchone() == (len(range(0, rows, 7)),)
    assert conn.execute("select label from probe where row_no = 8").fetchone() == ("nhãn 8\n",)
    assert conn.execute("select min(at), max(at) from probe").fetchone() == (
        datetime(2024, 3, 31, 17, 0, tzinfo=UTC),
        datetime(2024, 3, 31, 17, 0, tzinfo=UTC) + pd.Timedelta(minutes=37 * (rows - 1)).to_pytimedelta(),
    )


def test_an_empty_frame_writes_nothing(conn):
    table = _create_probe(conn, {"row_no": "integer", "label": "text"})
    frame = pd.DataFrame({"row_no": np.array([], dtype="int64"), "label": pd.array([], dtype="string")})
    assert copy_frame(conn, table, ["row_no", "label"], frame) == 0
    assert conn.execute("select count(*) from probe").fetchone() == (0,)
