from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from cchc.sources.csv_reader import read_csv
from cchc.sources.datasets import DOSSIERS
from cchc.sources.parse import (
    TIMEZONE,
    parse_channel,
    parse_datetime,
    parse_decimal,
    parse_int,
    parse_online_level,
    parse_unit_level,
    parse_yes_no,
)

pytestmark = pytest.mark.unit

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "dossiers"
EMPTY = ["", "   ", None]


def vn(text: str) -> pd.Timestamp:
    return pd.Timestamp(text, tz=TIMEZONE)


def run(parser, values: list[str | None], dtype: str = "object") -> tuple[list[object], list[bool]]:
    """Parse through a non-default index, check shapes and dtypes, return plain lists."""
    series = pd.Series(values, index=range(100, 100 + len(values)), dtype=dtype)
    parsed, bad = parser(series)
    assert parsed.index.equals(series.index)
    assert bad.index.equals(series.index)
    assert bad.dtype == bool
    return [None if pd.isna(value) else value for value in parsed], bad.tolist()


DATETIMES = [
    ("05/01/2018", vn("2018-01-05 00:00")),
    ("05/01/2018 08:30", vn("2018-01-05 08:30")),
    ("05/01/2018 08:30:15", vn("2018-01-05 08:30:15")),
    ("5/1/2018", vn("2018-01-05 00:00")),
    ("5/1/2018 8:30", vn("2018-01-05 08:30")),
    ("05-01-2018", vn("2018-01-05 00:00")),
    ("04/5/2020", vn("2020-05-04 00:00")),
    ("2018-01-05", vn("2018-01-05 00:00")),
    ("2018-01-05T08:30", vn("2018-01-05 08:30")),
    ("2018-01-05T08:30:15", vn("2018-01-05 08:30:15")),
    ("2018-01-05 08:30:15.250", vn("2018-01-05 08:30:15.25")),
    ("2018-01-05T08:30:00+07:00", vn("2018-01-05 08:30")),
    ("2018-01-05T01:30:00Z", vn("2018-01-05 08:30")),
    ("2018-01-05T01:30:00+00:00", vn("2018-01-05 08:30")),
    ("2018-01-04T20:30:00-05:00", vn("2018-01-05 08:30")),
    ("2018-01-05T08:30+0700", vn("2018-01-05 08:30")),
    ("  29/02/2024 17:00  ", vn("2024-02-29 17:00")),
]
BAD_DATETIMES = [
    "31/02/2024",
    "29/02/2023",
    "32/01/2024",
    "05/13/2018",
    "05/01/2018 24:00",
    "05/01/2018 08:60",
    "2018-02-30",
    "05/01/18",
    "05/01-2018",
    "hôm qua",
    "43105",
]


@pytest.mark.parametrize(("text", "expected"), DATETIMES)
def test_parse_datetime_accepts(text: str, expected: pd.Timestamp) -> None:
    assert run(parse_datetime, [text]) == ([expected], [False])


@pytest.mark.parametrize("text", BAD_DATETIMES)
def test_parse_datetime_rejects(text: str) -> None:
    assert run(parse_datetime, [text]) == ([None], [True])


@pytest.mark.parametrize("dtype", ["object", "string", "str"])
def test_parse_datetime_whole_column(dtype: str) -> None:
    values = [text for text, _ in DATETIMES] + BAD_DATETIMES + EMPTY
    series = pd.Series(values, dtype=dtype)

    parsed, bad = parse_datetime(series)

    assert str(parsed.dtype) == f"datetime64[us, {TIMEZONE}]"
    assert parsed.iloc[: len(DATETIMES)].tolist() == [expected for _, expected in DATETIMES]
    assert parsed.iloc[len(DATETIMES) :].isna().all()
    assert bad.tolist() == [False] * len(DATETIMES) + [True] * len(BAD_DATETIMES) + [False] * len(EMPTY)


INTEGERS = [
    ("3", 3),
    ("0", 0),
    ("1.234", 1234),
    ("10.407", 10407),
    ("4.872", 4872),
    ("1.234.567", 1234567),
    ("1,234,567", 1234567),
    ("3,0", 3),
    ("12.0", 12),
    ("007", 7),
    ("-2", -2),
    ("+4", 4),
    (" 274 ", 274),
]
BAD_INTEGERS = [
    "1,5",
    "1,234",
    "1.234,5",
    "12.5",
    "1.23",
    "12.34.5",
    "1 234",
    "abc",
    "3 hồ sơ",
    "1e3",
    ",5",
    "5.",
]


@pytest.mark.parametrize(("text", "expected"), INTEGERS)
def test_parse_int_accepts(text: str, expected: int) -> None:
    assert run(parse_int, [text]) == ([expected], [False])


@pytest.mark.parametrize("text", BAD_INTEGERS)
def test_parse_int_rejects(text: str) -> None:
    assert run(parse_int, [text]) == ([None], [True])


def test_parse_int_column_dtype_and_missing_values() -> None:
    parsed, bad = parse_int(pd.Series(["4.598", *EMPTY, "x"]))

    assert parsed.dtype == "Int64"
    assert parsed.tolist()[0] == 4598
    assert parsed.iloc[1:].isna().all()
    assert bad.tolist() == [False, False, False, False, True]


DECIMALS = [
    ("1.234,5", 1234.5),
    ("1,234.5", 1234.5),
    ("10.407", 10407.0),
    ("1.234.567,25", 1234567.25),
    ("12.5", 12.5),
    ("0.125", 0.125),
    ("1234.567", 1234.567),
    ("1,5", 1.5),
    ("0,5", 0.5),
    ("1,234", 1.234),
    ("40", 40.0),
    ("-3,25", -3.25),
]
BAD_DECIMALS = ["12.34.5", "1.23,4.5", "1..2", "40%", "abc", ",5", "1.2,3"]


@pytest.mark.parametrize(("text", "expected"), DECIMALS)
def test_parse_decimal_accepts(text: str, expected: float) -> None:
    parsed, bad = run(parse_decimal, [text])
    assert bad == [False]
    assert parsed[0] == pytest.approx(expected)


@pytest.mark.parametrize("text", BAD_DECIMALS)
def test_parse_decimal_rejects(text: str) -> None:
    assert run(parse_decimal, [text]) == ([None], [True])


def test_parse_decimal_column_dtype_and_missing_values() -> None:
    parsed, bad = parse_decimal(pd.Series(["1.234,5", *EMPTY]))

    assert parsed.dtype == "Float64"
    assert parsed.iloc[1:].isna().all()
    assert bad.tolist() == [False, False, False, False]


CHANNELS = [
    ("Trực tiếp", "direct"),
    ("Truc tiep", "direct"),
    ("TRỰC TIẾP", "direct"),
    ("1", "direct"),
    ("Trực tuyến", "online"),
    ("truc tuyen", "online"),
    ("online", "online"),
    ("2", "online"),
    ("Bưu chính", "postal"),
    ("BCCI", "postal"),
    ("Bưu chính công ích", "postal"),
    ("3", "postal"),
]


@pytest.mark.parametrize(("text", "expected"), CHANNELS)
def test_parse_channel_accepts(text: str, expected: str) -> None:
    assert run(parse_channel, [text]) == ([expected], [False])


@pytest.mark.parametrize("text", ["4", "Fax", "trực"])
def test_parse_channel_rejects(text: str) -> None:
    assert run(parse_channel, [text]) == ([None], [True])


def test_parse_channel_empty_is_missing_not_direct() -> None:
    parsed, bad = parse_channel(pd.Series(EMPTY, dtype="string"))

    assert parsed.dtype == "string"
    assert parsed.isna().all()
    assert not bad.any()


ONLINE_LEVELS = [
    # Nghị định 42/2022/NĐ-CP vocabulary
    ("Toàn trình", "full"),
    ("Toan trinh", "full"),
    ("TOÀN TRÌNH", "full"),
    ("toàn trình", "full"),
    ("DVC toàn trình", "full"),
    ("Một phần", "partial"),
    ("Mot phan", "partial"),
    ("MỘT PHẦN", "partial"),
    ("Không", "none"),
    ("Khong", "none"),
    ("KHÔNG", "none"),
    # the levels before it
    ("Mức độ 4", "full"),
    ("Muc do 4", "full"),
    ("MỨC ĐỘ 4", "full"),
    ("mức độ 4", "full"),
    ("4", "full"),
    ("Mức độ 3", "partial"),
    ("Muc do 3", "partial"),
    ("MỨC ĐỘ 3", "partial"),
    ("3", "partial"),
    ("Mức độ 2", "none"),
    ("Muc do 2", "none"),
    ("Mức độ 1", "none"),
    ("MUC DO 1", "none"),
    ("2", "none"),
    (" Toàn trình ", "full"),
]


@pytest.mark.parametrize(("text", "expected"), ONLINE_LEVELS)
def test_parse_online_level_accepts(text: str, expected: str) -> None:
    assert run(parse_online_level, [text]) == ([expected], [False])


@pytest.mark.parametrize("text", ["Mức độ 5", "5", "Toàn", "trực tuyến", "Có", "mức độ"])
def test_parse_online_level_rejects(text: str) -> None:
    assert run(parse_online_level, [text]) == ([None], [True])


def test_parse_online_level_empty_is_missing_not_none() -> None:
    parsed, bad = parse_online_level(pd.Series(EMPTY, dtype="string"))

    assert parsed.dtype == "string"
    assert parsed.isna().all()
    assert not bad.any()


def test_parse_online_level_whole_column_mixes_vocabularies() -> None:
    values = ["Toàn trình", "Mức độ 3", "", "Mức độ 2", "không rõ", None, "Mức độ 4", "Một phần"]

    assert run(parse_online_level, values) == (
        ["full", "partial", None, "none", None, None, "full", "partial"],
        [False, False, False, False, True, False, False, False],
    )


UNIT_LEVELS = [
    ("Cấp xã", "commune"),
    ("Cap xa", "commune"),
    ("CẤP XÃ", "commune"),
    ("Xã", "commune"),
    ("xa", "commune"),
    ("Cấp huyện", "district"),
    ("Cap huyen", "district"),
    ("CẤP HUYỆN", "district"),
    ("Huyện", "district"),
    ("Cấp tỉnh", "province"),
    ("Cap tinh", "province"),
    ("CẤP TỈNH", "province"),
    ("Tỉnh", "province"),
    ("TINH", "province"),
]


@pytest.mark.parametrize(("text", "expected"), UNIT_LEVELS)
def test_parse_unit_level_accepts(text: str, expected: str) -> None:
    assert run(parse_unit_level, [text]) == ([expected], [False])


@pytest.mark.parametrize("text", ["Cấp trung ương", "Bộ", "Cấp", "thôn", "1"])
def test_parse_unit_level_rejects(text: str) -> None:
    assert run(parse_unit_level, [text]) == ([None], [True])


def test_parse_unit_level_empty_is_missing() -> None:
    parsed, bad = parse_unit_level(pd.Series(EMPTY, dtype="string"))

    assert parsed.dtype == "string"
    assert parsed.isna().all()
    assert not bad.any()


YES_NO = [
    ("Có", True),
    ("Co", True),
    ("CÓ", True),
    ("x", True),
    ("X", True),
    ("1", True),
    ("yes", True),
    ("true", True),
    ("Không", False),
    ("Khong", False),
    ("0", False),
    ("no", False),
    ("false", False),
]


@pytest.mark.parametrize(("text", "expected"), YES_NO)
def test_parse_yes_no_accepts(text: str, expected: bool) -> None:
    assert run(parse_yes_no, [text]) == ([expected], [False])


@pytest.mark.parametrize("text", ["có lẽ", "2", "-"])
def test_parse_yes_no_rejects(text: str) -> None:
    assert run(parse_yes_no, [text]) == ([None], [True])


def test_parse_yes_no_empty_is_missing() -> None:
    parsed, bad = parse_yes_no(pd.Series(EMPTY))

    assert parsed.dtype == "boolean"
    assert parsed.isna().all()
    assert not bad.any()


@pytest.mark.parametrize("name", ["cp1258.csv", "nfd.csv", "no_diacritics_headers.csv", "semicolon.csv"])
def test_parsers_read_every_dossier_fixture(name: str) -> None:
    frame = pd.DataFrame([row for _, row in read_csv(FIXTURES / name, DOSSIERS).rows()], dtype="string")

    received, bad_received = parse_datetime(frame["received_at"])
    resolved, bad_resolved = parse_datetime(frame["resolved_at"])
    channel, bad_channel = parse_channel(frame["channel"])
    by_post, bad_by_post = parse_yes_no(frame["returned_by_post"])
    supplements, bad_supplements = parse_int(frame["supplement_requests"])

    assert not any(b.any() for b in (bad_received, bad_resolved, bad_channel, bad_by_post, bad_supplements))
    assert received.tolist() == [vn("2018-01-05 08:30"), vn("2018-01-05 09:05"), vn("2018-01-08 14:00")]
    assert resolved.isna().tolist() == [False, True, False]
    assert channel.tolist() == ["direct", "online", "postal"]
    assert by_post.tolist() == [False, False, True]
    assert supplements.tolist() == [0, 0, 1]
    assert frame["dossier_id"].tolist() == ["00001", "00002", "00003"]


def test_parsers_read_english_export_with_offsets_and_codes() -> None:
    frame = pd.DataFrame([row for _, row in read_csv(FIXTURES / "english_headers.csv", DOSSIERS).rows()])

    resolved, bad = parse_datetime(frame["resolved_at"])
    channel, _ = parse_channel(frame["channel"])

    assert not bad.any()
    assert resolved.iloc[0] == vn("2018-01-05 10:15")
    assert pd.isna(resolved.iloc[1])
    assert channel.tolist() == ["direct", "online"]
