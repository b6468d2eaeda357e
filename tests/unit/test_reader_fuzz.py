"""Fuzzing the readers: for any bytes, random or a valid export mutated, reading a landing file ends in rows
of text PostgreSQL can store, or in the reader's own rejection (UnreadableFileError) naming the file. No
other exception may escape: it would stop the quarter instead of rejecting one file.

Bounded for `make test` (a fixed number of examples, derandomised so CI runs the same ones); `make fuzz`
runs many more (CCHC_FUZZ_EXAMPLES).
"""

from __future__ import annotations

import io
import json
import os
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from cchc.sources.csv_reader import UnreadableFileError
from cchc.sources.datasets import DATASETS
from cchc.sources.landing import LandingFile
from cchc.sources.readers import open_source

pytestmark = pytest.mark.unit

EXAMPLES = int(os.environ.get("CCHC_FUZZ_EXAMPLES", "60"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize="CCHC_FUZZ_EXAMPLES" not in os.environ,
    suppress_health_check=[HealthCheck.too_slow],
)

CSV = (
    "Mã hồ sơ,Mã thủ tục,Lĩnh vực,Hình thức nộp,Ngày tiếp nhận,Ngày hẹn trả,Ngày có kết quả\r\n"
    "H1,1.000101,Hộ tịch,Trực tiếp,02/04/2024 08:30,05/04/2024 17:00,04/04/2024\r\n"
    '"H2",1.000108,"Chứng thực, sao y",2,20240403090000,2024-04-03T16:00:00+07:00,Đang xử lý\r\n'
    "Tổng cộng: 2 hồ sơ,,,,,,\r\n"
).encode()
JSON = json.dumps(
    {
        "source": "portal",
        "unit_code": "20194",
        "quarter": "2024Q2",
        "items": [{"ma_ho_so": "H1", "ma_thu_tuc": "1.000101", "linh_vuc": "Hộ tịch", "kenh_thuc_hien": 2,
                   "ngay_tiep_nhan": "2024-04-02T08:00:00+07:00", "ngay_hen_tra": "2024-04-05T17:00:00+07:00",
                   "ngay_co_ket_qua": None}],
    },
    ensure_ascii=False,
).encode("utf-8")  # fmt: skip
HTML = (
    "<html><meta charset=utf-8><table><tr><td colspan=7>UBND PHƯỜNG 1</td></tr><tr><th>Mã hồ sơ<th>Mã thủ tục"
    "<th>Lĩnh vực<th>Hình thức nộp<th>Ngày tiếp nhận<th>Ngày hẹn trả<th>Ngày có kết quả<tr><td>H1<td>1.000101"
    "<td>Hộ tịch<td>1<td>02/04/2024<td>05/04/2024<td>Quá hạn</table>"
).encode()


def _xlsx() -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(
        ["Mã hồ sơ", "Mã thủ tục", "Lĩnh vực", "Hình thức nộp", "Ngày tiếp nhận", "Ngày hẹn trả", "Ngày có kết quả"]
    )
    sheet.append(["H1", "1.000101", "Hộ tịch", 1, 45384.35, 45387.7, None])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


XLSX = _xlsx()


@st.composite
def mutated(draw: st.DrawFn, seed: bytes) -> bytes:
    """`seed` with a few bytes flipped, inserted or deleted, or cut short."""
    data = bytearray(seed)
    for _ in range(draw(st.integers(1, 8))):
        if not data:
            break
        at = draw(st.integers(0, len(data) - 1))
        action = draw(st.sampled_from(("flip", "insert", "delete", "cut")))
        if action == "flip":
            data[at] = draw(st.integers(0, 255))
        elif action == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=8))
        elif action == "delete":
            del data[at]
        else:
            del data[at:]
    return bytes(data)


def _read(data: bytes, name: str, dataset: str = "dossiers") -> None:
    """Read `data` as a landing file to the end; only rows or the reader's rejection may come out."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_bytes(data)
        item = LandingFile(path, f"commune/20194/2024Q2/{name}", "commune", "20194", "2024Q2", dataset, "csv")
        try:
            source = open_source(item, DATASETS[dataset])
            for _line, values in source.rows():
                assert all(isinstance(value, str) and "\x00" not in value for value in values.values())
            assert isinstance(source.warnings, list | tuple)
        except UnreadableFileError as error:
            assert error.reason and error.path == path


@FUZZ
@given(st.binary(max_size=3000))
def test_random_bytes(data: bytes) -> None:
    _read(data, "dossiers.csv")


@FUZZ
@given(mutated(CSV))
def test_a_csv_export_mutated(data: bytes) -> None:
    _read(data, "dossiers.csv")


@FUZZ
@given(mutated(JSON))
def test_a_portal_json_mutated(data: bytes) -> None:
    _read(data, "dossiers.json")


@FUZZ
@given(mutated(HTML))
def test_an_html_export_mutated(data: bytes) -> None:
    _read(data, "dossiers.xls")


@FUZZ
@given(mutated(XLSX))
def test_a_workbook_mutated(data: bytes) -> None:
    _read(data, "dossiers.xlsx")


@FUZZ
@given(mutated(HTML))
def test_an_html_form_mutated_read_as_biểu_ii06a(data: bytes) -> None:
    _read(data, "one_stop_report.xls", "one_stop_report")


def test_the_seeds_themselves_read() -> None:
    # The unmutated seeds load: the fuzz starts from files the readers take.
    for data, name in ((CSV, "dossiers.csv"), (JSON, "dossiers.json"), (HTML, "dossiers.xls"), (XLSX, "d.xlsx")):
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / name
            path.write_bytes(data)
            item = LandingFile(path, f"commune/20194/2024Q2/{name}", "commune", "20194", "2024Q2", "dossiers", "csv")
            assert len(list(open_source(item, DATASETS["dossiers"]).rows())) >= 1, name
