"""Date and time forms of real exports: the portal's compact stamps, ISO, Excel serial numbers, and what
a value without a time of day means (a calendar day, compared with others by its day)."""

from __future__ import annotations

import pandas as pd
import pytest

from cchc.sources.datasets import DOSSIERS
from cchc.sources.normalise import normalise
from cchc.sources.parse import (
    TIMEZONE,
    has_time_of_day,
    is_serial_text,
    parse_datetime,
    parse_serial_datetime,
)

pytestmark = pytest.mark.unit


def vn(text: str) -> pd.Timestamp:
    return pd.Timestamp(text, tz=TIMEZONE)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # The national portal's sync fields (NgayTiepNhan, NgayHenTra ...): yyyyMMddHHmmss in Việt Nam time.
        ("20240402083000", "2024-04-02 08:30:00"),
        ("202404020830", "2024-04-02 08:30:00"),  # strptime alone would read 08:03
        ("20240402", "2024-04-02 00:00:00"),
        ("2024-04-02T08:30:00+07:00", "2024-04-02 08:30:00"),
        ("2024-04-02T08:30:00", "2024-04-02 08:30:00"),  # no offset: local time
        ("2024-04-02T01:30:00Z", "2024-04-02 08:30:00"),  # UTC
        ("2024-04-02T08:30:00.000+0700", "2024-04-02 08:30:00"),
        ("02/04/2024 08:30:15", "2024-04-02 08:30:15"),
        ("02-04-2024", "2024-04-02 00:00:00"),
        ("2/4/2024 8:30", "2024-04-02 08:30:00"),
    ],
)
def test_date_forms_of_real_exports(text: str, expected: str) -> None:
    parsed, bad = parse_datetime(pd.Series([text]))
    assert not bad.iloc[0]
    assert parsed.iloc[0] == vn(expected)


@pytest.mark.parametrize("text", ["20241302", "2024040208300", "20240230", "45383", "02/04/24 08:30"])
def test_impossible_or_ambiguous_stamps_are_bad(text: str) -> None:
    # 13th month, 13 digits, 30 February, and a bare number (a serial only when its whole column is one).
    _, bad = parse_datetime(pd.Series([text]))
    assert bad.iloc[0]


def test_serial_day_numbers_of_the_1900_system() -> None:
    # 45383 is 1 April 2024 (days since 30/12/1899); .5 is noon; 45383.354167 is 08:30 to the second.
    parsed, bad = parse_serial_datetime(pd.Series(["45383", "45383,5", "45383.354167", "12", "", None]))
    assert bad.tolist() == [False, False, False, True, False, False]
    assert parsed.iloc[:3].tolist() == [vn("2024-04-01 00:00"), vn("2024-04-01 12:00"), vn("2024-04-01 08:30")]
    assert parsed.iloc[3:].isna().all()


def test_what_counts_as_a_serial_number() -> None:
    texts = ["45383", "45383.5", "45383,25", "32874", "73415", "32873", "73416", "4538", "20240402", "x", ""]
    assert is_serial_text(pd.Series(texts)).tolist() == [
        True, True, True, True, True, False, False, False, False, False, False,
    ]  # fmt: skip


def test_a_value_without_a_time_or_at_midnight_is_a_calendar_day() -> None:
    parsed, _ = parse_datetime(pd.Series(["02/04/2024", "02/04/2024 00:00", "02/04/2024 08:30", "20240402", None]))
    assert has_time_of_day(parsed).tolist() == [False, False, True, False, pd.NA]


def _dossier_rows(rows: list[dict[str, str]], file_id: int = 7) -> pd.DataFrame:
    frame = pd.DataFrame(
        [{column: row.get(column, "") for column in DOSSIERS.column_names} for row in rows], dtype="object"
    )
    frame["_row_id"] = range(len(frame))
    frame["file_id"] = file_id
    frame["line_number"] = range(2, 2 + len(frame))
    frame["source_level"] = "commune"
    frame["landing_unit_code"] = "20194"
    return frame


def test_a_date_only_result_on_the_day_of_reception_is_compared_by_day() -> None:
    base = {"dossier_id": "A", "procedure_code": "1.001193", "field": "Hộ tịch", "channel": "1",
            "received_at": "03/04/2024 09:00", "due_at": "03/04/2024 16:00"}  # fmt: skip
    raw = _dossier_rows([
        {**base, "dossier_id": "same-day, date only", "resolved_at": "03/04/2024"},
        {**base, "dossier_id": "earlier day", "resolved_at": "02/04/2024"},
        {**base, "dossier_id": "both timed, earlier", "resolved_at": "03/04/2024 08:00"},
    ])  # fmt: skip
    typed, problems = normalise(raw, DOSSIERS)
    assert problems == {}
    assert typed["resolved_at_has_time"].tolist() == [False, False, True]
    # What the suite compares (resolved >= received): by day where either value has no time of day.
    resolved, received = typed["_resolved_at_compared"], typed["_received_at_compared_to_resolved"]
    assert (resolved >= received).tolist() == [True, False, False]
    assert received.iloc[0] == vn("2024-04-03 00:00")
    assert received.iloc[2] == vn("2024-04-03 09:00")


def test_numbers_in_a_date_column_are_dates_only_in_a_file_where_the_whole_column_is() -> None:
    rows = [
        {"dossier_id": "A", "received_at": "45383.354167", "due_at": "45386.708333", "resolved_at": "45385"},
        {"dossier_id": "B", "received_at": "45384", "due_at": "45384.666667", "resolved_at": ""},
    ]
    serial, _ = normalise(_dossier_rows(rows), DOSSIERS, {"received_at": {7}, "due_at": {7}, "resolved_at": {7}})
    assert serial["received_at"].tolist() == [vn("2024-04-01 08:30"), vn("2024-04-02 00:00")]
    assert serial["resolved_at"].iloc[0] == vn("2024-04-03 00:00") and pd.isna(serial["resolved_at"].iloc[1])
    assert serial["received_at_has_time"].tolist() == [True, False]
    # The same numbers in a file whose column is not all serials: each is an error naming the value.
    _, problems = normalise(_dossier_rows(rows), DOSSIERS)
    reasons = [reason for _check, reason in problems[0]]
    assert any("'45383.354167'" in reason and "only when every value of the column in the file" in reason
               for reason in reasons)  # fmt: skip


def test_status_words_in_the_result_date_mean_pending_and_are_reported() -> None:
    base = {"procedure_code": "1.001193", "field": "Hộ tịch", "channel": "Trực tiếp",
            "received_at": "03/04/2024 09:00", "due_at": "10/04/2024 16:00"}  # fmt: skip
    raw = _dossier_rows([
        {**base, "dossier_id": "A", "resolved_at": "Đang xử lý", "status": "Đang xử lý"},
        {**base, "dossier_id": "B", "resolved_at": "QUÁ HẠN", "status": "4"},
        {**base, "dossier_id": "C", "resolved_at": "05/04/2024 10:00", "status": "Đã trả kết quả"},
        {**base, "dossier_id": "D", "resolved_at": "", "status": "10"},
        {**base, "dossier_id": "E", "resolved_at": "không rõ", "status": "Rút hồ sơ"},
    ])  # fmt: skip
    typed, problems = normalise(raw, DOSSIERS)
    # A and B: no result yet, no parse problem; E's text is no status word: it cannot be read.
    assert typed["resolved_at"].isna().tolist() == [True, True, False, True, True]
    assert sorted(problems) == [4]
    assert typed["_status_word_in_date"].tolist()[:3] == ["Đang xử lý", "QUÁ HẠN", pd.NA]
    assert typed["status_class"].tolist() == ["pending", "pending", "resolved", "resolved", "stopped"]
    # D says returned (portal code 10) but has no result date; E was withdrawn and has none either.
    disagreement = typed["_status_disagreement"]
    assert disagreement.isna().tolist() == [True, True, True, False, False]
    assert disagreement.iloc[3].startswith("'10' (resolved): không có ngày có kết quả")
