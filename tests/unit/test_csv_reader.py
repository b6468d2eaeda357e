from __future__ import annotations

import importlib.util
import unicodedata
from pathlib import Path

import pytest

from cchc.sources import csv_reader
from cchc.sources.csv_reader import (
    EncodingNotDetectedError,
    MalformedRowError,
    UnreadableFileError,
    detect_encoding,
    read_csv,
    read_sample,
)
from cchc.sources.datasets import DOSSIERS
from cchc.sources.legacy_encodings import encode
from tests.support.measures import DOSSIER_EXPORT_COLUMNS

pytestmark = pytest.mark.unit

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "dossiers"

EXPECTED = [
    {
        "dossier_id": "00001",
        "unit_code": "20194",
        "procedure_code": "1.001193",
        "field": "Hộ tịch",
        "channel": "Trực tiếp",
        "received_at": "05/01/2018 08:30",
        "due_at": "05/01/2018 16:30",
        "resolved_at": "05/01/2018 10:15",
        "returned_by_post": "Không",
        "supplement_requests": "0",
    },
    {
        "dossier_id": "00002",
        "unit_code": "20194",
        "procedure_code": "2.000908",
        "field": "Chứng thực",
        "channel": "Trực tuyến",
        "received_at": "05/01/2018 09:05",
        "due_at": "08/01/2018 17:00",
        "resolved_at": "",
        "returned_by_post": "Không",
        "supplement_requests": "0",
    },
    {
        "dossier_id": "00003",
        "unit_code": "20194",
        "procedure_code": "1.003583",
        "field": "Xây dựng, nhà ở",
        "channel": "Bưu chính",
        "received_at": "08/01/2018 14:00",
        "due_at": "22/01/2018 17:00",
        "resolved_at": "19/01/2018 09:40",
        "returned_by_post": "Có",
        "supplement_requests": "1",
    },
]
LEGACY_EXTRA_HEADERS = ["Nơi tiếp nhận", "Ghi chú"]
VIETNAMESE_HEADERS = [
    "Mã hồ sơ",
    "Mã đơn vị",
    "Mã thủ tục",
    "Lĩnh vực",
    "Hình thức nộp",
    "Ngày tiếp nhận",
    "Ngày hẹn trả",
    "Ngày có kết quả",
    "Trả kết quả qua BCCI",
    "Số lần yêu cầu bổ sung",
]


def fixture(name: str) -> Path:
    return FIXTURES / name


def read_all(name: str) -> list[tuple[int, dict[str, str]]]:
    return list(read_csv(fixture(name), DOSSIERS).rows())


def reading_error(name: str) -> UnreadableFileError:
    with pytest.raises(UnreadableFileError) as caught:
        read_all(name)
    assert caught.value.path == fixture(name)
    assert str(caught.value) == f"{fixture(name)}: {caught.value.reason}"
    return caught.value


@pytest.mark.parametrize(
    ("name", "encoding", "delimiter"),
    [
        ("utf8_bom.csv", "utf-8-sig", ","),
        ("cp1258.csv", "cp1258", ","),
        ("nfd.csv", "utf-8", ","),
        ("semicolon.csv", "utf-8", ";"),
        ("tab.csv", "utf-8", "\t"),
        ("excel_padding.csv", "utf-8", ","),
    ],
)
def test_reads_the_same_dossiers_whatever_the_encoding_and_separator(name: str, encoding: str, delimiter: str) -> None:
    csv_file = read_csv(fixture(name), DOSSIERS)

    assert (csv_file.encoding, csv_file.delimiter) == (encoding, delimiter)
    assert csv_file.source_headers[:10] == VIETNAMESE_HEADERS
    assert csv_file.columns[:10] == DOSSIER_EXPORT_COLUMNS
    assert csv_file.unknown_headers == []
    assert list(csv_file.rows()) == list(zip([2, 3, 4], EXPECTED, strict=True))


@pytest.mark.parametrize("name", ["cp1258.csv", "nfd.csv"])
def test_decomposed_sources_come_out_nfc(name: str) -> None:
    raw = fixture(name).read_bytes().decode(read_csv(fixture(name), DOSSIERS).encoding)
    assert not unicodedata.is_normalized("NFC", raw), "fixture should carry combining marks"

    for _, row in read_all(name):
        assert all(unicodedata.is_normalized("NFC", value) for value in row.values())


def test_utf8_file_counts_physical_lines_across_quoted_newlines_and_blank_lines() -> None:
    csv_file = read_csv(fixture("utf8.csv"), DOSSIERS)

    assert csv_file.encoding == "utf-8"
    assert csv_file.unknown_headers == ["Ghi chú"]
    assert csv_file.columns[-1] is None
    rows = list(csv_file.rows())
    assert [line for line, _ in rows] == [2, 3, 6]
    assert [row for _, row in rows] == EXPECTED


def test_codes_keep_their_leading_zeros_and_dots() -> None:
    for _, row in read_all("cp1258.csv"):
        assert isinstance(row["dossier_id"], str)
    first = read_all("semicolon.csv")[0][1]
    assert (first["dossier_id"], first["unit_code"], first["procedure_code"]) == (
        "00001",
        "20194",
        "1.001193",
    )


def test_headers_without_diacritics_in_capitals() -> None:
    csv_file = read_csv(fixture("no_diacritics_headers.csv"), DOSSIERS)

    assert csv_file.delimiter == ";"
    assert csv_file.source_headers[0] == "MA HO SO"
    assert csv_file.columns == DOSSIER_EXPORT_COLUMNS
    line, row = next(iter(csv_file.rows()))
    assert (line, row["channel"], row["returned_by_post"]) == (2, "Truc tiep", "Khong")


def test_english_headers_and_absent_optional_columns() -> None:
    csv_file = read_csv(fixture("english_headers.csv"), DOSSIERS)

    assert csv_file.present_columns == [
        "dossier_id",
        "procedure_code",
        "field",
        "channel",
        "received_at",
        "due_at",
        "resolved_at",
    ]
    rows = list(csv_file.rows())
    assert [line for line, _ in rows] == [2, 3]
    assert set(rows[0][1]) == set(csv_file.present_columns)
    assert "unit_code" not in rows[0][1]
    assert rows[1][1]["resolved_at"] == ""


def test_header_only_file_is_valid_and_has_no_rows() -> None:
    csv_file = read_csv(fixture("header_only.csv"), DOSSIERS)

    assert csv_file.columns == DOSSIER_EXPORT_COLUMNS
    assert list(csv_file.rows()) == []


def test_empty_file() -> None:
    assert reading_error("empty.csv").reason == "empty file"


def test_blank_lines_only_has_no_header_row() -> None:
    assert reading_error("blank_lines_only.csv").reason.startswith("no header row")


def test_undecodable_bytes_are_named_with_their_offsets() -> None:
    data = fixture("latin1_garbage.bin.csv").read_bytes()
    error = reading_error("latin1_garbage.bin.csv")

    not_utf8, undefined_in_cp1258 = data.index(b"\xe9"), data.index(b"\x81")

    assert f"not valid UTF-8 text (byte 0xE9 at offset {not_utf8})" in error.reason
    assert f"not valid Windows-1258 text (byte 0x81 at offset {undefined_in_cp1258})" in error.reason


def test_utf16_with_a_byte_order_mark_reads_to_the_same_rows_as_utf8() -> None:
    csv_file = read_csv(fixture("utf16.csv"), DOSSIERS)

    assert csv_file.encoding == "utf-16"
    assert list(csv_file.rows()) == list(zip([2, 3, 4], EXPECTED, strict=True))


@pytest.mark.parametrize(("name", "encoding"), [("tcvn3.csv", "tcvn3"), ("vni.csv", "vni")])
def test_legacy_font_encodings_read_to_the_same_rows_as_utf8(name: str, encoding: str) -> None:
    csv_file = read_csv(fixture(name), DOSSIERS)

    assert (csv_file.encoding, csv_file.delimiter) == (encoding, ",")
    assert csv_file.source_headers == [*VIETNAMESE_HEADERS, *LEGACY_EXTRA_HEADERS]
    assert csv_file.unknown_headers == LEGACY_EXTRA_HEADERS
    rows = list(csv_file.rows())
    assert rows == list(zip([2, 3, 4], EXPECTED, strict=True))
    assert [row for _, row in rows] == [row for _, row in read_all("utf8.csv")]
    for _, row in rows:
        assert all(unicodedata.is_normalized("NFC", value) for value in row.values())


@pytest.mark.parametrize(
    ("name", "spellings"),
    [
        # Bytes from the published charts (TCVN 5712:1993 VN3; VNI-Windows), not from the encoder.
        (
            "tcvn3.csv",
            [b"H\xe9 t\xdech", b"Tr\xf9c tuy\xd5n", b"Ph\xad\xeang H\xdfa Hi\xd6p B\xbec", b"\xa7\xb7 tr\xb6"],
        ),
        (
            "vni.csv",
            [
                b"Ho\xe4 t\xf2ch",
                b"Tr\xf6\xefc tuye\xe1n",
                b"Ph\xf6\xf4\xf8ng Ho\xf8a Hie\xe4p Ba\xe9c",
                b"\xd1a\xf5 tra\xfb",
            ],
        ),
    ],
)
def test_legacy_fixtures_hold_the_bytes_of_the_published_charts(name: str, spellings: list[bytes]) -> None:
    data = fixture(name).read_bytes()

    for spelling in spellings:
        assert spelling in data


@pytest.mark.parametrize(("name", "encoding"), [("cp1258.csv", "cp1258"), ("tcvn3.csv", "tcvn3"), ("vni.csv", "vni")])
def test_detection_picks_the_only_single_byte_reading_that_is_vietnamese(name: str, encoding: str) -> None:
    readings = read_sample(fixture(name).read_bytes())

    assert [reading.encoding.codec for reading in readings] == ["utf-8", "cp1258", "tcvn3", "vni"]
    assert readings[0].error is not None
    chosen = next(reading for reading in readings if reading.encoding.codec == encoding)
    assert chosen.plausible
    assert chosen.vietnamese == chosen.words > 0
    assert chosen.common > 0
    for other in readings[1:]:
        if other is not chosen:
            assert not other.plausible
            assert other.error is not None or other.share < 0.5, other.describe()


def test_windows_1258_reading_of_a_legacy_file_says_what_is_wrong() -> None:
    readings = {reading.encoding.codec: reading for reading in read_sample(fixture("tcvn3.csv").read_bytes())}

    assert readings["cp1258"].describe().startswith("read as Windows-1258, ")
    assert "words with diacritics are Vietnamese (not " in readings["cp1258"].describe()
    assert "on line 1)" in readings["cp1258"].describe()


def test_plausible_looking_high_bytes_are_refused() -> None:
    reason = reading_error("random_high_bytes.bin.csv").reason

    assert reason.startswith("not valid UTF-8 text (byte ")
    assert "read as TCVN3, 0 of " in reason  # every byte is a TCVN3 letter, no word is Vietnamese
    assert "Windows-1258" in reason and "VNI" in reason
    assert reason.endswith("none of them reads as Vietnamese text; save the file as 'CSV UTF-8'")


def test_vni_rows_stream_across_chunk_boundaries(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A letter's base and mark bytes may fall in different reads; the decoder must join them."""
    body = fixture("vni.csv").read_bytes().split(b"\r\n", 1)[1]
    data = fixture("vni.csv").read_bytes() + body * 60
    boundary = 8192  # the text layer's read size; shift the file until a letter straddles it
    for _ in range(200):
        if data[boundary - 1 : boundary] in (b"a", b"e", b"o", b"u", b"y") and data[boundary] >= 0xC0:
            break
        data = b" " + data  # the header's first name is stripped, so padding it changes nothing else
    else:
        pytest.fail("no letter straddles the boundary")
    path = tmp_path / "dossiers.csv"
    path.write_bytes(data)
    monkeypatch.setattr(csv_reader, "SAMPLE_BYTES", boundary)  # the sample ends inside that letter too

    csv_file = read_csv(path, DOSSIERS)
    rows = [row for _, row in csv_file.rows()]

    assert csv_file.encoding == "vni"
    assert len(rows) == 3 * 61
    assert rows == EXPECTED * 61


def test_legacy_bytes_past_the_sample_that_do_not_decode_stop_the_file(monkeypatch: pytest.MonkeyPatch) -> None:
    path = fixture("mixed_legacy.csv")
    data = path.read_bytes()
    with pytest.raises(UnicodeDecodeError) as decoding:
        data.decode("vni")
    vni_part = len(fixture("vni.csv").read_bytes())
    assert decoding.value.start > vni_part
    monkeypatch.setattr(csv_reader, "SAMPLE_BYTES", vni_part)

    with pytest.raises(UnreadableFileError) as caught:
        list(read_csv(path, DOSSIERS).rows())

    offset = decoding.value.start
    assert f"not valid VNI text (byte 0x{data[offset]:02X} at offset {offset})" in caught.value.reason
    assert "mixes encodings" in caught.value.reason


def test_detection_is_unchanged_by_encoding_the_same_rows_differently() -> None:
    text = fixture("utf8.csv").read_text(encoding="utf-8")
    for encoding in ("tcvn3", "vni"):
        assert detect_encoding(encode(text, encoding)) == encoding


def test_missing_required_columns_are_named_in_vietnamese_and_english() -> None:
    assert reading_error("missing_required.csv").reason == (
        "missing required columns: Ngày tiếp nhận (received_at), Ngày hẹn trả (due_at)"
    )


def test_duplicate_column() -> None:
    reason = reading_error("duplicate_column.csv").reason

    assert reason.startswith("header names the same column twice: ")
    assert "'Mã hồ sơ' (column 1) and 'Số hồ sơ' (column 11) both mean dossier_id" in reason


def test_header_with_no_known_column() -> None:
    reason = reading_error("unknown_headers_only.csv").reason

    assert reason.startswith("no known dossiers column in the header row ('STT', 'Họ và tên'")
    assert "Mã hồ sơ (dossier_id)" in reason


@pytest.mark.parametrize(
    ("name", "line", "reason", "good_lines"),
    [
        ("truncated.csv", 4, "line 4 has 4 fields, header has 10 (truncated row?)", [2, 3]),
        (
            "unquoted_separator.csv",
            3,
            "line 3 has 11 fields, header has 10 (a value with an unquoted comma?)",
            [2, 4],
        ),
        ("unclosed_quote.csv", 4, "line 4: a quoted value is never closed (truncated file?)", [2, 3]),
    ],
)
def test_malformed_record_stops_iteration_at_its_line(name: str, line: int, reason: str, good_lines: list[int]) -> None:
    csv_file = read_csv(fixture(name), DOSSIERS)
    rows = csv_file.rows()
    read: list[int] = []

    with pytest.raises(MalformedRowError) as caught:
        for line_number, _ in rows:
            read.append(line_number)

    assert isinstance(caught.value, UnreadableFileError)
    assert caught.value.line_number == line
    assert str(caught.value) == f"{fixture(name)}: {reason}"
    assert read == [n for n in good_lines if n < line]


@pytest.mark.parametrize(
    ("name", "good_lines"),
    [("truncated.csv", [2, 3]), ("unquoted_separator.csv", [2, 4]), ("unclosed_quote.csv", [2, 3])],
)
def test_malformed_record_can_be_set_aside_and_reading_goes_on(name: str, good_lines: list[int]) -> None:
    quarantined: list[MalformedRowError] = []

    rows = list(read_csv(fixture(name), DOSSIERS).rows(on_malformed=quarantined.append))

    assert [line for line, _ in rows] == good_lines
    assert len(quarantined) == 1
    assert quarantined[0].line_number not in good_lines


def test_unquoted_separator_keeps_the_raw_fields_for_quarantine() -> None:
    quarantined: list[MalformedRowError] = []
    list(read_csv(fixture("unquoted_separator.csv"), DOSSIERS).rows(on_malformed=quarantined.append))

    assert quarantined[0].fields is not None
    assert quarantined[0].fields[:5] == ["00003", "20194", "1.003583", "Xây dựng", " nhà ở"]


def test_bytes_past_the_sample_that_do_not_decode_stop_the_file(monkeypatch: pytest.MonkeyPatch) -> None:
    path = fixture("mixed_encoding.csv")
    data = path.read_bytes()
    with pytest.raises(UnicodeDecodeError) as decoding:
        data.decode("utf-8")
    monkeypatch.setattr(csv_reader, "SAMPLE_BYTES", 256)

    assert detect_encoding(data[:256], complete=False) == "utf-8"

    # Raised by read_csv or by rows(), depending on how far the text layer has read ahead.
    with pytest.raises(UnreadableFileError) as caught:
        list(read_csv(path, DOSSIERS).rows())

    assert not isinstance(caught.value, MalformedRowError)
    offset = decoding.value.start
    assert f"(byte 0x{data[offset]:02X} at offset {offset})" in caught.value.reason
    assert "mixes encodings" in caught.value.reason


def test_rows_stream_lazily_and_can_be_read_again() -> None:
    csv_file = read_csv(fixture("truncated.csv"), DOSSIERS)

    assert next(iter(csv_file.rows())) == (2, EXPECTED[0])
    assert next(iter(csv_file.rows())) == (2, EXPECTED[0])


@pytest.mark.parametrize(
    ("name", "encoding"),
    [
        ("utf8.csv", "utf-8"),
        ("utf8_bom.csv", "utf-8-sig"),
        ("cp1258.csv", "cp1258"),
        ("nfd.csv", "utf-8"),
        ("tcvn3.csv", "tcvn3"),
        ("vni.csv", "vni"),
    ],
)
def test_detect_encoding(name: str, encoding: str) -> None:
    assert detect_encoding(fixture(name).read_bytes()) == encoding


def test_detect_encoding_allows_a_character_cut_by_the_end_of_a_partial_sample() -> None:
    data = fixture("utf8.csv").read_bytes()
    cut = data.index("ồ".encode()) + 1

    assert detect_encoding(data[:cut], complete=False) == "utf-8"
    with pytest.raises(EncodingNotDetectedError):
        detect_encoding(data[:cut], complete=True)


def test_detect_encoding_allows_a_vni_letter_cut_by_the_end_of_a_partial_sample() -> None:
    data = fixture("vni.csv").read_bytes()
    cut = data.index(b"Tr\xf6\xefc") + 3  # 'ư' read, its tone byte not yet

    assert detect_encoding(data[:cut], complete=False) == "vni"


def test_fixtures_are_what_make_fixtures_writes() -> None:
    spec = importlib.util.spec_from_file_location("make_fixtures", FIXTURES / "make_fixtures.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)

    for name, data in module.fixtures().items():
        assert fixture(name).read_bytes() == data, name
