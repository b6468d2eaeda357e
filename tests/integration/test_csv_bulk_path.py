"""The bulk CSV path loads exactly what the record-by-record reader loads, and turns down every file
that reader would read differently or refuse.

Each file is loaded both ways into the same raw table under two registered file ids, and the two
sets of rows (line numbers and every column) are compared."""

from __future__ import annotations

import codecs
import csv
import io
import unicodedata
import uuid
from pathlib import Path

import psycopg
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from psycopg import sql

from cchc.raw import csv_bulk
from cchc.raw.csv_bulk import NotPlainCsv, copy_plain_csv
from cchc.raw.loader import load_file
from cchc.sources.csv_reader import UnreadableFileError, read_csv
from cchc.sources.datasets import DATASETS
from cchc.sources.landing import LandingFile
from cchc.warehouse.copy_loader import copy_rows
from tests.conftest import FIXTURES
from tests.support.databases import register_landing_file

pytestmark = pytest.mark.integration

HEADER = "Mã hồ sơ,Mã đơn vị,Mã thủ tục,Lĩnh vực,Hình thức nộp,Ngày tiếp nhận,Ngày hẹn trả,Ngày có kết quả"
ROW = "H1,20194,1.000207,Đất đai,Trực tuyến,22/01/2024 10:18,11/03/2024 17:00,02/04/2024 10:30"

# name: (text, bulk path expected to take it)
SYNTHETIC: dict[str, tuple[str, bool]] = {
    "quoted_values_crlf": (
        f'{HEADER}\r\nH1,20194,1.000207,"Đất đai, xây dựng",Trực tuyến,"22/01/2024 10:18",,\r\n'
        'H2,20194,1.000207,"Tên ""Hộ tịch""",2,,"",\r\n',
        True,
    ),
    "separator_only_lines": (f'{HEADER}\n{ROW}\n,,,,,,,\n{ROW.replace("H1", "H3")}\n,"",,,,,,\n",",,,,,,,\n', True),
    "blank_lines_before_header": (f"\n\n{HEADER}\n{ROW}\n{ROW.replace('H1', 'H2')}", True),
    "decomposed_text": (f"{HEADER}\n{ROW}\n", True),
    "no_final_newline": (f"{HEADER}\n{ROW}", True),
    "value_with_edge_space": (f"{HEADER}\n{ROW.replace('H1', ' H1')}\n", False),
    "quoted_value_with_edge_space": (f"{HEADER}\n{ROW.replace('H1', chr(34) + 'H1 ' + chr(34))}\n", False),
    "nbsp_edge": (f"{HEADER}\n{ROW.replace('H1', 'H1' + chr(0xA0))}\n", False),
    "record_over_two_lines": (
        f"{HEADER}\n{ROW.replace('Đất đai', chr(34) + 'Đất' + chr(10) + 'đai' + chr(34))}\n",
        False,
    ),
    "quote_inside_unquoted_value": (f"{HEADER}\n{ROW.replace('H1', 'H' + chr(34) + '1')}\n", False),
    "short_record": (f"{HEADER}\n{ROW.rsplit(',', 1)[0]}\n", False),
    "padding": (f"{HEADER}\n{ROW},,\n", False),
    "bare_carriage_returns": (f"{HEADER}\r{ROW}\r{ROW.replace('H1', 'H2')}\r", False),
    "unknown_header": (f"Ghi chú,{HEADER},Nơi nhận\nx,{ROW},\n,{ROW.replace('H1', 'H2')},y z\n,,,,,,,,,\n", True),
    "unknown_header_quoted": (f'{HEADER},Ghi chú\n{ROW},"x, y"\n', False),
    # A value over the CSV field limit (131,072 characters): the record reader refuses it, so the bulk path
    # must not take it either (it used to, and the value reached core).
    "field_over_the_limit": (f"{HEADER}\n{ROW.replace('Đất đai', 'x' * 200_000)}\n", False),
    "quoted_field_over_the_limit": (f"{HEADER}\n{ROW.replace('Đất đai', chr(34) + 'y' * 200_000 + chr(34))}\n", False),
}


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / f"{name}.csv"
    if name == "decomposed_text":
        text = unicodedata.normalize("NFD", text)
    path.write_bytes(codecs.BOM_UTF8 + text.encode() if name == "quoted_values_crlf" else text.encode())
    return path


def _fixture_files() -> list[tuple[Path, str]]:
    files = [(path, "dossiers") for path in sorted((FIXTURES / "dossiers").glob("*.csv"))]
    for folder in ("landing_bad", "landing_bad_corpus", "landing_quality"):
        files += [(p, p.stem) for p in sorted((FIXTURES / folder).rglob("*.csv")) if p.stem in DATASETS]
    return files


def _rows(conn: psycopg.Connection, dataset: str, file_id: int) -> list[tuple]:
    columns = sql.SQL(", ").join(sql.Identifier(c) for c in ["line_number", *DATASETS[dataset].column_names])
    query = sql.SQL("select {} from raw.{} where file_id = %s order by line_number")
    return conn.execute(query.format(columns, sql.Identifier(dataset)), (file_id,)).fetchall()


def load_both_ways(conn: psycopg.Connection, path: Path, dataset: str) -> tuple[bool, list[tuple] | None, list[tuple]]:
    """(bulk path taken, rows it loaded, rows the record reader loaded); None rows when the reader refuses."""
    spec = DATASETS[dataset]
    try:
        source = read_csv(path, spec)
    except UnreadableFileError:
        return False, None, []
    bulk_id = register_landing_file(conn, dataset, f"bulk/{path}")
    records_id = register_landing_file(conn, dataset, f"records/{path}")
    table = f"raw.{dataset}"
    try:
        with conn.transaction():
            copy_plain_csv(conn, source, table, bulk_id)
        taken = True
    except NotPlainCsv:
        taken = False
    try:
        with conn.transaction():
            rows = ((records_id, line, *(values.get(c) for c in spec.column_names)) for line, values in source.rows())
            copy_rows(conn, table, ("file_id", "line_number", *spec.column_names), rows)
    except UnreadableFileError:
        return taken, None, _rows(conn, dataset, bulk_id)
    return taken, _rows(conn, dataset, records_id), _rows(conn, dataset, bulk_id)


def load_through_the_loader(conn: psycopg.Connection, path: Path, dataset: str) -> list[tuple] | None:
    """The rows the raw loader itself (bulk path first, record by record when the bulk path declines
    half-way) leaves in raw for the file; None when it rejects the file."""
    item = LandingFile(
        path=path,
        relative_path=f"commune/20194/2024Q2/{uuid.uuid4().hex}/{path.name}",
        unit_level="commune",
        unit_code="20194",
        quarter="2024Q2",
        dataset=dataset,
        file_format=path.suffix.lstrip("."),
    )
    loaded = load_file(conn, item)
    if loaded.status == "rejected":
        return None
    return _rows(conn, dataset, loaded.file_id)


def assert_alike_or_declined(conn: psycopg.Connection, path: Path, dataset: str) -> bool:
    """Every outcome checked: a file the record reader refuses is not taken and leaves no row; one it
    reads is loaded by the raw loader exactly as record by record, whether or not the bulk path took it
    (a declined bulk copy leaves nothing behind), and the bulk path's own rows, when it takes the file,
    are the same. Returns whether the bulk path took it."""
    taken, by_records, by_bulk = load_both_ways(conn, path, dataset)
    by_loader = load_through_the_loader(conn, path, dataset)
    if by_records is None:
        assert not taken, "the bulk path accepted a file the record reader refuses"
        assert by_loader is None and by_bulk == []
        return taken
    assert by_loader == by_records, "the raw loader's rows differ from the record reader's"
    assert by_bulk == (by_records if taken else []), "the bulk path loaded other rows, or left some behind"
    return taken


@pytest.mark.parametrize("path,dataset", _fixture_files(), ids=lambda v: str(v).split("fixtures/")[-1])
def test_every_fixture_loads_alike_both_ways_or_the_bulk_path_declines(conn, path, dataset):
    assert_alike_or_declined(conn, path, dataset)


def test_the_plain_fixtures_take_the_bulk_path(conn):
    taken = {
        path.name
        for path, dataset in _fixture_files()
        if path.parent.name == "dossiers" and load_both_ways(conn, path, dataset)[0]
    }
    plain = {"utf8_bom.csv", "semicolon.csv", "tab.csv", "cp1258.csv", "nfd.csv", "english_headers.csv"}
    assert plain <= taken
    # utf8.csv has a record over two lines.
    odd = {"utf8.csv", "excel_padding.csv", "unquoted_separator.csv", "truncated.csv"}
    assert not taken & odd


@pytest.mark.parametrize("block_chars", [csv_bulk.BLOCK_CHARS, 50])
@pytest.mark.parametrize("name", sorted(SYNTHETIC))
def test_odd_files_load_alike_or_are_declined(conn, tmp_path, monkeypatch, name, block_chars):
    monkeypatch.setattr(csv_bulk, "BLOCK_CHARS", block_chars)
    text, expect_bulk = SYNTHETIC[name]
    assert assert_alike_or_declined(conn, _write(tmp_path, name, text), "dossiers") is expect_bulk


def test_blank_records_are_skipped_and_lines_still_counted(conn, tmp_path):
    taken, by_records, by_bulk = load_both_ways(
        conn, _write(tmp_path, "separator_only_lines", SYNTHETIC["separator_only_lines"][0]), "dossiers"
    )
    assert taken
    # Line 3 and 5 are blank; line 6 holds one value, a comma.
    assert [(row[0], row[1], row[4]) for row in by_bulk] == [(2, "H1", "Đất đai"), (4, "H3", "Đất đai"), (6, ",", "")]
    assert by_bulk == by_records


def test_quoted_values_and_empty_fields_keep_their_text(conn, tmp_path):
    path = _write(tmp_path, "quoted_values_crlf", SYNTHETIC["quoted_values_crlf"][0])
    taken, _, by_bulk = load_both_ways(conn, path, "dossiers")
    assert taken
    assert by_bulk[0][4] == "Đất đai, xây dựng" and by_bulk[0][7] == "" and by_bulk[0][8] == ""
    assert by_bulk[1][4] == 'Tên "Hộ tịch"' and by_bulk[1][5] == "2" and by_bulk[1][7] == ""
    # Absent columns (not in the header) stay NULL, as with the record reader.
    # returned_by_post, supplement_requests and the five columns only some exports have.
    assert by_bulk[0][9:] == (None,) * 7


# --- one rule for both paths, on generated files ---------------------------------------------------------------

# Field values: the characters that make CSV hard, and now and then one over the field limit.
_FIELD = st.text(alphabet=st.sampled_from(list('ab Đường,;"\r\n\t ộ\u00a01')), max_size=12) | st.just("x" * 140_000)


@settings(max_examples=40, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.lists(_FIELD, min_size=8, max_size=8), min_size=1, max_size=6), st.sampled_from([",", ";", "\t"]))
def test_generated_files_load_alike_both_ways_or_the_bulk_path_declines(conn, tmp_path, records, delimiter):
    # Random records (quotes, separators, line breaks, edge spaces, a value over the field limit), written
    # as csv.writer writes them: whatever the bulk path takes, it loads as the record reader does.
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\n")
    writer.writerow(HEADER.split(","))
    writer.writerows(records)
    path = tmp_path / f"generated_{abs(hash((delimiter, str(records)))) % 10**8}.csv"
    path.write_text(buffer.getvalue(), encoding="utf-8")
    assert_alike_or_declined(conn, path, "dossiers")
