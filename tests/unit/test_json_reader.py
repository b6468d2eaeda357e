"""The JSON reader: portal landing files and bare lists read as CSV-like text rows, or refused with a reason."""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

import pytest

from cchc.sources import json_reader
from cchc.sources.csv_reader import UnreadableFileError
from cchc.sources.datasets import DOSSIERS
from cchc.sources.json_reader import read_json
from cchc.sources.portal_api import render_landing_json
from tests.support.fake_portal import make_items

pytestmark = pytest.mark.unit

UNIT, QUARTER = "20194", "2024Q2"

PORTAL_ITEM = {
    "ma_ho_so": "000123",
    "ma_don_vi": "20194",
    "ma_thu_tuc": "1.001193",
    "linh_vuc": " Hộ tịch ",
    "kenh_thuc_hien": 2,
    "ngay_tiep_nhan": "2024-04-02T08:00:00+07:00",
    "ngay_hen_tra": "2024-04-05T17:00:00+07:00",
    "ngay_co_ket_qua": None,
    "tra_ket_qua_bcci": True,
    "so_lan_bo_sung": 0,
}
PORTAL_ROW = {
    "dossier_id": "000123",
    "unit_code": "20194",
    "procedure_code": "1.001193",
    "field": "Hộ tịch",
    "channel": "2",
    "received_at": "2024-04-02T08:00:00+07:00",
    "due_at": "2024-04-05T17:00:00+07:00",
    "resolved_at": "",
    "returned_by_post": "Có",
    "supplement_requests": "0",
}


def landing_path(root: Path) -> Path:
    path = root / "commune" / UNIT / QUARTER / "dossiers.json"
    path.parent.mkdir(parents=True)
    return path


def write(root: Path, content: str | bytes) -> Path:
    path = landing_path(root)
    if isinstance(content, str):
        content = content.encode("utf-8")
    path.write_bytes(content)
    return path


def refused(path: Path) -> str:
    with pytest.raises(UnreadableFileError) as caught:
        source = read_json(path, DOSSIERS)
        list(source.rows())
    assert caught.value.path == path
    return caught.value.reason


# --- reading ----------------------------------------------------------------------------------------


def test_a_portal_landing_file_reads_as_csv_text(tmp_path: Path) -> None:
    other = dict(PORTAL_ITEM, ma_ho_so="000124", kenh_thuc_hien=3, tra_ket_qua_bcci=False, so_lan_bo_sung=2)
    path = write(tmp_path, render_landing_json(UNIT, QUARTER, [other, PORTAL_ITEM]).decode("utf-8"))
    source = read_json(path, DOSSIERS)
    assert (source.encoding, source.delimiter, source.unknown_headers, source.item_count) == ("utf-8", None, [], 2)
    assert sorted(source.source_headers) == sorted(PORTAL_ITEM)
    assert set(source.present_columns) == set(PORTAL_ROW)
    assert source.metadata == {"source": "portal", "unit_code": UNIT, "quarter": QUARTER, "total": 2}
    rows = list(source.rows())
    assert rows == [
        (1, PORTAL_ROW),
        (
            2,
            PORTAL_ROW
            | {"dossier_id": "000124", "channel": "3", "returned_by_post": "Không", "supplement_requests": "2"},
        ),
    ]


def test_a_bare_list_with_vietnamese_and_english_keys(tmp_path: Path) -> None:
    nfd = unicodedata.normalize("NFD", "Chứng thực")
    items = [
        {"Mã hồ sơ": "00001", "procedure_code": "2.000908", "LĨNH VỰC": nfd, "Hình thức nộp": "Trực tuyến",
         "Ngày tiếp nhận": "05/01/2018 09:05", "Ngày hẹn trả": "08/01/2018 17:00", "ghi_chu": [1, 2],
         "Ngày kết thúc xử lý": "08/01/2018 10:00"},
        {"Mã hồ sơ": "00002", "procedure_code": "2.000908", "LĨNH VỰC": "Hộ tịch", "Hình thức nộp": 1.0,
         "Ngày tiếp nhận": "06/01/2018", "Ngày hẹn trả": "06/01/2018", "Số lần bổ sung": 1.5},
    ]  # fmt: skip
    path = write(tmp_path, json.dumps(items, ensure_ascii=False, indent=2))
    source = read_json(path, DOSSIERS)
    assert source.unknown_headers == ["ghi_chu"]  # an unknown key may hold anything: it is not read
    assert source.columns[:4] == ["dossier_id", "procedure_code", "field", "channel"]
    assert source.metadata == {}
    rows = dict(source.rows())
    assert rows[1]["field"] == "Chứng thực" and rows[1]["channel"] == "Trực tuyến"
    assert rows[1]["supplement_requests"] == ""  # a key an item lacks reads as an empty cell
    assert (rows[1]["resolved_at"], rows[2]["resolved_at"]) == ("08/01/2018 10:00", "")
    assert rows[2]["channel"] == "1" and rows[2]["supplement_requests"] == "1.5"


def test_no_items_is_an_empty_file_not_an_error(tmp_path: Path) -> None:
    source = read_json(write(tmp_path, render_landing_json(UNIT, QUARTER, [])), DOSSIERS)
    assert (source.item_count, source.present_columns, list(source.rows())) == (0, [], [])


def test_a_utf8_bom_is_accepted(tmp_path: Path) -> None:
    path = write(tmp_path, b"\xef\xbb\xbf" + json.dumps([PORTAL_ITEM]).encode("utf-8"))
    assert list(read_json(path, DOSSIERS).rows()) == [(1, PORTAL_ROW)]


@pytest.mark.parametrize("chunk", [1, 7, 64])
def test_items_split_across_read_chunks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, chunk: int) -> None:
    items = make_items(UNIT, QUARTER, 12)
    path = write(tmp_path, render_landing_json(UNIT, QUARTER, items))
    expected = list(read_json(path, DOSSIERS).rows())
    monkeypatch.setattr(json_reader, "_CHUNK_CHARS", chunk)
    assert list(read_json(path, DOSSIERS).rows()) == expected
    assert [number for number, _ in expected] == list(range(1, 13))
    assert expected[4][1]["resolved_at"] == "" and expected[2][1]["returned_by_post"] == "Có"


def test_error_positions_survive_small_chunks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    lines = render_landing_json(UNIT, QUARTER, make_items(UNIT, QUARTER, 6)).decode("utf-8").splitlines()
    lines[5] = lines[5].replace('"ma_don_vi": "20194"', '"ma_don_vi": 20194x')
    path = write(tmp_path, "\n".join(lines))
    column = lines[5].index("20194x") + len("20194") + 1
    monkeypatch.setattr(json_reader, "_CHUNK_CHARS", 5)
    assert refused(path).startswith(f"line 6 column {column}: invalid JSON in item 5:")


def test_a_large_file_is_streamed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(tmp_path, render_landing_json(UNIT, QUARTER, make_items(UNIT, QUARTER, 2000)))
    monkeypatch.setattr(json_reader, "_CHUNK_CHARS", 4096)
    largest: list[int] = []
    real_fill = json_reader._Scanner._fill

    def watched_fill(scanner: json_reader._Scanner) -> bool:
        largest.append(len(scanner._buffer))
        return real_fill(scanner)

    monkeypatch.setattr(json_reader._Scanner, "_fill", watched_fill)
    source = read_json(path, DOSSIERS)
    assert sum(1 for _ in source.rows()) == 2000
    assert path.stat().st_size > 100 * 4096 and max(largest) < 3 * 4096


# --- refusals ---------------------------------------------------------------------------------------


def test_invalid_json_names_line_and_column(tmp_path: Path) -> None:
    path = write(tmp_path, '{"source": "portal", "items": [\n{"ma_ho_so": "1",},\n]}')
    reason = refused(path)
    assert reason == "line 2 column 18: invalid JSON in item 1: Expecting property name enclosed in double quotes"


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ("", "line 1 column 1: the file is empty"),
        ("  \n ", "line 2 column 2: the file is empty"),
        ('"dossiers"', "line 1 column 1: expected a JSON object with an 'items' list, or a list of objects"),
        ("42", "line 1 column 1: expected a JSON object with an 'items' list, or a list of objects"),
        ('{"total": 0}', "line 1 column 1: the object has no 'items' list"),
        ('{"items": {}}', "line 1 column 11: 'items' is not a list"),
        ('{"items": [], "items": []}', "line 1 column 15: the member 'items' appears twice"),
        ('{"items": [] "total": 0}', "line 1 column 14: expected ',' or '}' between the object's members, found '\"'"),
        ('{"items": []}\n[]', "line 2 column 1: unexpected data after the end of the JSON value"),
        ('{"items": [{"ma_ho_so": 1}', "line 1 column 27: the file ends inside the list after item 1 (truncated?)"),
        ('[{"ma_ho_so": "1"} {"ma_ho_so": "2"}]', "line 1 column 20: expected ',' or ']' after item 1, found '{'"),
        ('[{"ma_ho_so": NaN}]', "line 1 column 2: invalid JSON in item 1: NaN is not a JSON value"),
        ('{"items": [], 7: 1}', "line 1 column 15: expected a member name in double quotes"),
        (
            '[{"ma_ho_so": "1", "linh_vuc": "Hộ t',
            "line 1 column 32: invalid JSON in item 1: Unterminated string starting at (the file ends inside it: "
            "truncated?)",
        ),
    ],
)
def test_shapes_that_are_refused(tmp_path: Path, content: str, reason: str) -> None:
    assert refused(write(tmp_path, content)) == reason


def test_an_item_that_is_not_an_object_is_named(tmp_path: Path) -> None:
    path = write(tmp_path, '{"items": [\n{"ma_ho_so": "1"},\n{"ma_ho_so": "2"},\n["3"]\n]}')
    assert refused(path) == "item 3 (line 4) is a list, not an object"
    path.write_text("[1]")
    assert refused(path) == "item 1 (line 1) is a int, not an object"


def test_a_nested_value_in_a_known_column_is_refused(tmp_path: Path) -> None:
    items = [PORTAL_ITEM, dict(PORTAL_ITEM, ma_ho_so="2", linh_vuc={"ma": "HT"})]
    path = write(tmp_path, json.dumps(items, indent=1))
    assert refused(path) == "item 2 (line 14): 'linh_vuc' holds a object, not a single value"


def test_missing_required_keys_are_named(tmp_path: Path) -> None:
    item = {key: value for key, value in PORTAL_ITEM.items() if key not in ("ma_thu_tuc", "ngay_hen_tra")}
    path = write(tmp_path, json.dumps([item]))
    assert refused(path) == "no item has the required keys: ma_thu_tuc (procedure_code), ngay_hen_tra (due_at)"


def test_two_keys_for_one_column_are_refused(tmp_path: Path) -> None:
    path = write(tmp_path, json.dumps([dict(PORTAL_ITEM, **{"Mã hồ sơ": "000123"})], ensure_ascii=False))
    assert refused(path) == "items name the same column twice: 'ma_ho_so' and 'Mã hồ sơ' both mean dossier_id"


def test_a_total_that_does_not_match_is_refused(tmp_path: Path) -> None:
    text = render_landing_json(UNIT, QUARTER, make_items(UNIT, QUARTER, 3)).decode("utf-8")
    path = write(tmp_path, text.replace('"total": 3', '"total": 4'))
    assert refused(path) == "'total' says 4 items but the file holds 3"


def test_a_file_in_another_units_folder_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, render_landing_json("20195", QUARTER, []))
    assert refused(path) == "the file is for unit '20195' but sits in the folder 20194"
    path.write_bytes(render_landing_json(UNIT, "2024Q3", []))
    assert refused(path) == "the file is for quarter '2024Q3' but sits in the folder 2024Q2"


def test_invalid_utf8_names_the_byte_offset(tmp_path: Path) -> None:
    path = write(tmp_path, b'[{"linh_vuc": "H\xf4 t\xe1ch"}]')
    assert refused(path) == "not valid UTF-8 text (byte offset 16); JSON must be UTF-8"


def test_an_oversized_item_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(json_reader, "MAX_ITEM_CHARS", 100)
    monkeypatch.setattr(json_reader, "_CHUNK_CHARS", 16)
    path = write(tmp_path, json.dumps([{"ma_ho_so": "1"}, {"linh_vuc": "x" * 500}]))
    assert refused(path) == "line 1 column 21: item 2 is longer than 100 characters"
