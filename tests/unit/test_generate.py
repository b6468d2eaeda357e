"""Sample landing data: `generate_province`, its formats and datasets, and the procedure catalogue."""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections import Counter
from datetime import date, datetime
from itertools import pairwise
from pathlib import Path

import pytest
from cchc_sample.catalogue import LEVELS, ONLINE_LEVELS, core_catalogue, full_catalogue, load_catalogue
from cchc_sample.dossiers import DIRECT, HEADERS, ONLINE, POSTAL
from cchc_sample.formats import (
    COMMUNE_FORMATS,
    CSV_UTF8,
    FORMATS,
    XLSX,
    FileFormat,
    cp1258_form,
    encode_cp1258,
    format_for,
    headers_for,
    write_table,
)
from cchc_sample.one_stop_report import report_period
from cchc_sample.oversight import PROVINCE_AREAS
from cchc_sample.province import generate_province
from cchc_sample.units import communes_of, find_unit

from cchc.quarters import Quarter, quarter_range
from cchc.sources.datasets import DATASETS, DOSSIERS, PROCEDURES
from cchc.sources.datasets import SURVEYS as SURVEYS_SPEC
from tests.support.landing_files import csv_rows as _rows
from tests.support.landing_files import generated_datetime as _when
from tests.support.landing_files import landing_digest as _digest
from tests.support.landing_files import landing_files as _files
from tests.support.measures import DOSSIER_EXPORT_COLUMNS

pytestmark = pytest.mark.unit

QUARTERS = quarter_range(Quarter(2024, 1), Quarter(2024, 3))
PLAIN = {"formats": "csv", "datasets": ("dossiers",)}
SMALL = {"province_code": "87", "quarters": QUARTERS, "per_unit_quarter": 12, "districts": ["870"], **PLAIN}
# sha256 over (path, bytes) of every file SMALL writes: "csv" mode output is pinned byte for byte.
SMALL_DIGEST = "b096cba2d1f02e97e0cb649c8998282322c3fe6bcd358faa33b54cd0311610dd"
PATH_RE = re.compile(r"^(commune|district)/(\d+)/(\d{4}Q[1-4])/dossiers\.csv$")
DATETIME_RE = re.compile(r"^\d{2}/\d{2}/\d{4} \d{2}:\d{2}$")
FORMAT = "%d/%m/%Y %H:%M"

# Mixed mode: two districts of Đồng Tháp over a Q4 and a Q1 (so PAR index and plans are written too).
MIXED_QUARTERS = [Quarter(2024, 4), Quarter(2025, 1)]
MIXED = {"province_code": "87", "quarters": MIXED_QUARTERS, "per_unit_quarter": 8, "districts": ["868", "870"]}
LANDING_RE = re.compile(r"^(province|district|commune)/(\d+)/(\d{4}Q[1-4])/([a-z_]+)\.(csv|xlsx)$")


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime(FORMAT)
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    return str(value)


def _read_table(path: Path, file_format: FileFormat) -> list[list[str]]:
    """Header and rows of a landing table as NFC text, whatever its format (Excel: from the header on)."""
    if path.suffix == ".xlsx":
        from openpyxl import load_workbook

        sheet = load_workbook(path, read_only=True).worksheets[0]
        rows = [[_cell(v) for v in row] for row in sheet.iter_rows(values_only=True)]
        spec = DATASETS[path.stem]
        start = next(i for i, row in enumerate(rows) if any(row) and all(spec.canonical(h) for h in row if h))
        return rows[start:]
    data = path.read_bytes()
    if file_format.encoding in ("tcvn3", "vni"):
        from cchc.sources.legacy_encodings import decode

        text = decode(data, file_format.encoding)
    else:
        text = data.decode("cp1258" if file_format.encoding == "cp1258" else "utf-8-sig")
    text = unicodedata.normalize("NFC", text)
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=file_format.delimiter))


def _file_format(path: Path) -> FileFormat:
    """The format a landing file was written in: dossiers follow the desk's, the rest are UTF-8 CSV."""
    if path.suffix == ".xlsx":
        return XLSX
    level, code = path.parts[-4], path.parts[-3]
    return format_for(level, code) if path.stem == "dossiers" else CSV_UTF8


# --- "csv" mode: the stable reference output -------------------------------------------------------


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, object]:
    landing = tmp_path_factory.mktemp("landing")
    return landing, generate_province(landing, **SMALL)


def test_csv_mode_output_is_pinned(small):
    landing, summary = small
    assert _digest(landing) == SMALL_DIGEST
    assert summary.dossier_formats == {"csv-utf8": summary.files}


def test_deterministic_byte_identical(small, tmp_path):
    landing, _ = small
    generate_province(tmp_path, **SMALL)
    assert _files(tmp_path) == _files(landing)
    other = tmp_path / "other-seed"
    generate_province(other, **SMALL, seed=7)
    assert _files(other) != _files(landing)


def test_a_quarter_does_not_depend_on_the_others_requested(small, tmp_path):
    landing, _ = small
    generate_province(tmp_path, **{**SMALL, "quarters": [QUARTERS[-1]]})
    alone = _files(tmp_path)
    assert alone
    assert all(path.split("/")[2] == str(QUARTERS[-1]) for path in alone)
    assert alone == {path: data for path, data in _files(landing).items() if path in alone}


def test_landing_paths_use_real_zero_padded_codes(small):
    landing, summary = small
    files = _files(landing)
    expected_communes = {u.code for u in communes_of("87", date(2024, 1, 1), district_code="870")}
    seen: dict[str, set[str]] = {"commune": set(), "district": set()}
    for path in files:
        match = PATH_RE.match(path)
        assert match, path
        level, code, quarter = match.groups()
        assert len(code) == {"commune": 5, "district": 3}[level]
        unit = find_unit(code, level, Quarter.parse(quarter).first_day)
        assert unit.province_code == "87"
        seen[level].add(code)
    assert seen == {"district": {"870"}, "commune": expected_communes}
    assert len(files) == summary.files == len(QUARTERS) * (1 + len(expected_communes))


def test_headers_and_values(small):
    landing, summary = small
    canonical = [DOSSIERS.canonical(header) for header in HEADERS]
    assert canonical == DOSSIER_EXPORT_COLUMNS
    assert list(HEADERS) == [DOSSIERS.column(name).label for name in DOSSIER_EXPORT_COLUMNS]
    assert headers_for(SURVEYS_SPEC) == [column.label for column in SURVEYS_SPEC.columns]
    total = 0
    for path in sorted(landing.rglob("dossiers.csv")):
        first_line = path.read_bytes().split(b"\n", 1)[0]
        assert first_line.decode("utf-8") == ",".join(HEADERS)
        code = path.parent.parent.name
        quarter = Quarter.parse(path.parent.name)
        rows = _rows(path)
        total += len(rows)
        assert len({r["Mã hồ sơ"] for r in rows}) == len(rows)
        for row in rows:
            assert row["Mã đơn vị"] == code
            assert re.fullmatch(rf"H87\.{code}-\d{{6}}-\d{{4}}", row["Mã hồ sơ"])
            assert re.fullmatch(r"1\.00\d{4}", row["Mã thủ tục"])
            assert row["Hình thức nộp"] in {DIRECT, ONLINE, POSTAL}
            assert row["Trả kết quả qua BCCI"] in {"Có", "Không"}
            assert row["Số lần yêu cầu bổ sung"] in {"0", "1", "2"}
            received, due, resolved = (_when(row[h]) for h in HEADERS[5:8])
            assert DATETIME_RE.match(row["Ngày tiếp nhận"]) and DATETIME_RE.match(row["Ngày hẹn trả"])
            assert received.date() < quarter.end_exclusive and due >= received
            if resolved:
                assert received < resolved and resolved.date() < quarter.end_exclusive
    assert total == summary.rows


def test_carried_over_contract(small):
    landing, summary = small
    carried = 0
    for unit_dir in sorted(p for p in landing.glob("*/*") if p.is_dir()):
        for quarter, following in pairwise(QUARTERS):
            now = {r["Mã hồ sơ"]: r for r in _rows(unit_dir / str(quarter) / "dossiers.csv")}
            nxt = {r["Mã hồ sơ"]: r for r in _rows(unit_dir / str(following) / "dossiers.csv")}
            pending = {i for i, r in now.items() if not r["Ngày có kết quả"]}
            from_before = {i for i, r in nxt.items() if _when(r["Ngày tiếp nhận"]).date() < following.first_day}
            assert pending == from_before, unit_dir
            for dossier_id in pending:  # same dossier, later state
                assert [v for k, v in now[dossier_id].items() if k != "Ngày có kết quả"] == [
                    v for k, v in nxt[dossier_id].items() if k != "Ngày có kết quả"
                ]
            carried += len(from_before)
    assert carried > 0
    assert summary.carried_over >= carried
    assert summary.received + summary.carried_over == summary.rows


def test_zero_padded_codes_survive_in_files(tmp_path):
    summary = generate_province(
        tmp_path, "01", [Quarter(2024, 2)], per_unit_quarter=3, districts=["001"], seed=1, **PLAIN
    )
    assert summary.files > 0
    phuc_xa = tmp_path / "commune" / "00001" / "2024Q2" / "dossiers.csv"
    assert (tmp_path / "district" / "001" / "2024Q2" / "dossiers.csv").is_file()
    assert all(r["Mã đơn vị"] == "00001" for r in _rows(phuc_xa))
    assert all(r["Mã hồ sơ"].startswith("H01.00001-") for r in _rows(phuc_xa))


def test_after_the_reform_only_new_communes(tmp_path):
    summary = generate_province(tmp_path, "82", [Quarter(2025, 3)], per_unit_quarter=2, **PLAIN)
    assert not (tmp_path / "district").exists()
    codes = {p.name for p in (tmp_path / "commune").iterdir()}
    assert codes == {u.code for u in communes_of("82", date(2025, 7, 1))}
    assert summary.files == len(codes) == 102
    assert find_unit("29971", "commune", date(2025, 7, 1)).name == "Xã Thường Phước"
    with pytest.raises(ValueError):
        generate_province(tmp_path / "none", "87", [Quarter(2025, 3)])


def test_arguments_are_checked(tmp_path):
    with pytest.raises(ValueError, match="formats"):
        generate_province(tmp_path, "87", QUARTERS, districts=["870"], formats="json")
    with pytest.raises(ValueError, match="datasets"):
        generate_province(tmp_path, "87", QUARTERS, districts=["870"], datasets=("dossier",))
    with pytest.raises(ValueError, match="catalogue"):
        generate_province(tmp_path, "87", QUARTERS, districts=["870"], catalogue="all")


# --- the procedure catalogue -----------------------------------------------------------------------


def test_catalogue_file():
    entries = load_catalogue()
    assert 150 <= len(entries) <= 250
    assert len({e.code for e in entries}) == len(entries)
    assert all(re.fullmatch(r"\d\.\d{6}", e.code) for e in entries)
    assert {e.level for e in entries} == set(LEVELS)
    assert {e.online_level for e in entries} == set(ONLINE_LEVELS)
    assert all(e.source == "ILLUSTRATIVE" for e in entries)
    commune_fields = {e.field for e in entries if e.level == "xã"}
    for name in ("Hộ tịch", "Chứng thực", "Đất đai", "Lao động - Thương binh và Xã hội", "Tư pháp", "Văn hóa"):
        assert name in commune_fields
    names = {e.name for e in entries}
    assert {"Đăng ký khai sinh", "Đăng ký kết hôn", "Đăng ký thành lập hộ kinh doanh"} <= names
    full, core = full_catalogue(), core_catalogue()
    assert {p.code for p in core} <= {p.code for p in full}
    assert all(p.online == 0 for p in full if p.online_level == "không")
    assert all(p.early == 0 for p in full if p.limit_days == 0)


def test_published_catalogue_uses_the_procedures_headers(tmp_path):
    generate_province(
        tmp_path, "87", [Quarter(2022, 2)], per_unit_quarter=1, districts=["870"], datasets=("procedures",)
    )
    assert sorted(_files(tmp_path)) == ["province/87/2022Q2/procedures.csv"]
    header, *rows = _read_table(tmp_path / "province/87/2022Q2/procedures.csv", CSV_UTF8)
    assert [PROCEDURES.canonical(h) for h in header] == PROCEDURES.column_names
    assert len(rows) == len(load_catalogue())
    assert {r[4] for r in rows} == {"Mức độ 2", "Mức độ 3", "Mức độ 4"}  # before Nghị định 42/2022
    assert {r[3] for r in rows} == {"Cấp tỉnh", "Cấp huyện", "Cấp xã"}


# --- formats ---------------------------------------------------------------------------------------


def _vietnamese_letters() -> list[str]:
    tones = ("", "\u0300", "\u0301", "\u0309", "\u0303", "\u0323")
    letters = [unicodedata.normalize("NFC", v + t) for v in "aăâeêioôơuưy" for t in tones]
    return letters + [c.upper() for c in letters] + ["đ", "Đ"]


def test_cp1258_keeps_every_vietnamese_letter():
    letters = _vietnamese_letters()
    with pytest.raises(UnicodeEncodeError):
        "ế".encode("cp1258")  # why the text is decomposed first
    assert cp1258_form("ế") == "ê\u0301"
    texts = ["".join(letters), *(e.name for e in load_catalogue()), *HEADERS]
    for text in texts:
        decoded = encode_cp1258(text).decode("cp1258")
        assert unicodedata.normalize("NFC", decoded) == unicodedata.normalize("NFC", text)


def test_format_assignment_is_stable_and_mixed():
    communes = communes_of("87", date(2024, 1, 1))
    assigned = Counter(format_for("commune", c.code).name for c in communes)
    assert assigned == Counter(format_for("commune", c.code).name for c in reversed(communes))
    assert set(assigned) == {f.name for f, _ in COMMUNE_FORMATS}  # every vendor shows up in a province
    assert assigned.most_common(1)[0][0] == "csv-utf8"
    assert {format_for("commune", c.code, "csv") for c in communes} == {CSV_UTF8}
    assert {format_for("district", code).name for code in ("866", "868", "870", "871")} <= {
        "csv-utf8",
        "csv-utf8-bom",
        "xlsx",
    }


@pytest.mark.parametrize("name", sorted(FORMATS))
def test_every_format_round_trips(tmp_path, name):
    file_format = FORMATS[name]
    received, due = datetime(2024, 1, 5, 9, 30), datetime(2024, 1, 5, 17, 0)
    first = ["H87.29971-240105-0001", "29971", "1.000101", "Hộ tịch", ONLINE, received, due, None, "Không", 0]
    received, due, resolved = datetime(2024, 1, 5, 14, 5), datetime(2024, 1, 19, 17, 0), datetime(2024, 1, 18, 10, 0)
    second = [
        "H87.29971-240105-0002",
        "29971",
        "1.000206",
        "Đất đai; Lao động",
        POSTAL,
        received,
        due,
        resolved,
        "Có",
        2,
    ]
    rows = [first, second]
    path, count = write_table(tmp_path, "dossiers", HEADERS, iter(rows), file_format, title="Danh sách hồ sơ")
    assert count == 2 and path.name == f"dossiers.{file_format.extension}"
    header, *back = _read_table(path, file_format)
    assert [DOSSIERS.canonical(h) for h in header] == DOSSIER_EXPORT_COLUMNS
    assert back == [[_cell(v) for v in row] for row in rows]
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") == file_format.bom
    if file_format.nfd:
        assert unicodedata.normalize("NFD", raw.decode("utf-8")) == raw.decode("utf-8")
    if file_format.ascii_headers:
        assert raw.split(b"\r\n", 1)[0].decode("ascii").startswith("Ma ho so;Ma don vi;")


# --- "mixed" mode, every dataset -------------------------------------------------------------------


@pytest.fixture(scope="module")
def mixed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, object]:
    landing = tmp_path_factory.mktemp("mixed")
    return landing, generate_province(landing, **MIXED)


def _workbook_values(path: Path) -> list[tuple[object, ...]]:
    from openpyxl import load_workbook

    return [tuple(row) for row in load_workbook(path).worksheets[0].iter_rows(values_only=True)]


def _same_files(left: Path, right: Path, paths: list[str]) -> None:
    for relative in paths:
        a, b = (left / relative).read_bytes(), (right / relative).read_bytes()
        if a != b and relative.endswith(".xlsx"):
            assert _workbook_values(left / relative) == _workbook_values(right / relative), relative
        else:
            assert a == b, relative


def test_mixed_run_is_deterministic(mixed, tmp_path):
    landing, summary = mixed
    again = generate_province(tmp_path, **MIXED)
    assert again == summary
    assert sorted(_files(tmp_path)) == sorted(_files(landing))
    _same_files(landing, tmp_path, sorted(_files(landing)))


def test_units_do_not_depend_on_what_else_is_generated(mixed, tmp_path):
    landing, _ = mixed
    generate_province(tmp_path, **{**MIXED, "districts": ["870"]})
    own = [p for p in _files(tmp_path) if not p.startswith("province/")]
    assert own and any(p.startswith("district/870/") for p in own)
    _same_files(landing, tmp_path, own)


def test_every_dataset_is_written_where_and_when_expected(mixed):
    landing, summary = mixed
    # With II.06a forms, the desks' dossiers of the quarter before the first (2024Q3) are written too: the
    # 2024Q4 form's period starts on 15/09. They are counted apart from the quarters asked for.
    assert summary.lead_in == "2024Q3"
    lead_in = [path for path in _files(landing) if "/2024Q3/" in path]
    assert lead_in and all(path.endswith(("/dossiers.csv", "/dossiers.xlsx")) for path in lead_in)
    assert summary.lead_in_files == len(lead_in)
    files = [path for path in _files(landing) if path not in lead_in]
    by_dataset: dict[str, set[tuple[str, str, str]]] = {}
    for path in files:
        match = LANDING_RE.match(path)
        assert match, path
        level, code, quarter, dataset, extension = match.groups()
        by_dataset.setdefault(dataset, set()).add((level, code, quarter))
        assert extension == ("xlsx" if dataset == "one_stop_report" else extension)
    assert set(by_dataset) == set(DATASETS)
    communes = {c.code for d in ("868", "870") for c in communes_of("87", date(2025, 1, 1), district_code=d)}
    assert {(lvl, q) for lvl, _, q in by_dataset["plans"]} == {("commune", "2025Q1")}
    assert {code for _, code, _ in by_dataset["plans"]} == communes
    assert {(lvl, code, q) for lvl, code, q in by_dataset["procedures"]} == {("province", "87", "2024Q4")}
    assert {q for _, _, q in by_dataset["par_index"]} == {"2024Q4"}
    assert {(lvl, code) for lvl, code, _ in by_dataset["par_index"]} == {
        ("district", "868"),
        ("district", "870"),
        ("province", "87"),
    }
    assert len(by_dataset["surveys"]) == len(communes) * len(MIXED_QUARTERS)
    assert len(by_dataset["one_stop_report"]) == 3 * len(MIXED_QUARTERS)
    assert {lvl for lvl, _, _ in by_dataset["inspections"]} == {"district"}
    assert summary.dataset_files == {name: len(by_dataset[name]) for name in summary.dataset_files}


def test_every_file_has_headers_its_spec_accepts_and_the_counted_rows(mixed):
    landing, summary = mixed
    rows_seen: Counter[str] = Counter()
    lead_in_rows = 0
    for relative in sorted(_files(landing)):
        path = landing / relative
        if path.stem == "one_stop_report":
            continue  # a form, not a table: see the II.06a test
        spec = DATASETS[path.stem]
        header, *rows = _read_table(path, _file_format(path))
        mapped = [spec.canonical(h) for h in header]
        assert None not in mapped, (relative, header)
        assert set(spec.required_names) <= set(mapped), relative
        assert all(len(row) == len(header) for row in rows), relative
        if f"/{summary.lead_in}/" in relative:
            lead_in_rows += len(rows)
            continue
        rows_seen[path.stem] += len(rows)
    assert lead_in_rows == summary.lead_in_rows > 0
    assert summary.dossier_formats == dict(
        Counter(
            _file_format(landing / p).name
            for p in _files(landing)
            if "/dossiers." in p and f"/{summary.lead_in}/" not in p
        )
    )
    assert {k: v for k, v in summary.dataset_rows.items() if k != "one_stop_report"} == dict(rows_seen)


def test_dossiers_read_the_same_in_every_format(mixed, tmp_path):
    landing, _ = mixed
    generate_province(tmp_path, **MIXED, formats="csv", catalogue="full", datasets=("dossiers",))
    formats_seen = set()
    for relative in sorted(_files(tmp_path)):
        original = landing / relative
        if not original.exists():
            original = original.with_suffix(".xlsx")
        file_format = _file_format(original)
        formats_seen.add(file_format.name)
        plain = _read_table(tmp_path / relative, CSV_UTF8)
        assert _read_table(original, file_format)[1:] == plain[1:], relative
    assert len(formats_seen) >= 3


def test_format_of_a_desk_is_the_same_every_quarter(mixed):
    landing, _ = mixed
    for unit_dir in sorted(p for p in landing.glob("*/*") if p.parent.name in ("commune", "district")):
        found = {next(unit_dir.glob(f"{q}/dossiers.*")).suffix for q in MIXED_QUARTERS}
        assert len(found) == 1, unit_dir
        for quarter in MIXED_QUARTERS:
            path = next(unit_dir.glob(f"{quarter}/dossiers.*"))
            expected = format_for(unit_dir.parent.name, unit_dir.name)
            assert path.suffix == f".{expected.extension}"
            if expected.extension == "csv":
                raw = path.read_bytes()
                assert raw.startswith(b"\xef\xbb\xbf") == expected.bom
                assert (b";" in raw.split(b"\n", 1)[0]) == (expected.delimiter == ";")


def _form_rows(path: Path) -> dict[str, list[int]]:
    """The II.06a's unit rows: code -> columns (3)..(13) as integers ('1.234' text included)."""
    out = {}
    for row in _workbook_values(path):
        label = row[1]
        match = re.search(r"\((\d+)\)$", str(label or ""))
        if match and isinstance(row[0], int):
            out[match.group(1)] = [int(str(v).replace(".", "")) for v in row[2:13]]
    return out


def test_ii06a_identities_and_sums(mixed):
    landing, summary = mixed
    rows = 0
    for quarter in MIXED_QUARTERS:
        province = _form_rows(landing / f"province/87/{quarter}/one_stop_report.xlsx")
        assert set(province) == {"868", "870"}
        for district in ("868", "870"):
            form = _form_rows(landing / f"district/{district}/{quarter}/one_stop_report.xlsx")
            members = {c.code for c in communes_of("87", quarter.first_day, district_code=district)}
            assert set(form) == members | {district}
            for values in [*form.values(), province[district]]:
                c = dict(zip(range(3, 14), values, strict=True))
                assert c[3] == c[4] + c[5] + c[6]
                assert c[7] == c[8] + c[9] + c[10]
                assert c[11] == c[12] + c[13]
                assert c[3] == c[7] + c[11]
            assert province[district] == [sum(col) for col in zip(*form.values(), strict=True)]
            assert province[district][0] > 0
            rows += len(form)
        rows += len(province)
    assert summary.dataset_rows["one_stop_report"] == rows


def test_ii06a_reconciles_with_the_dossier_files(tmp_path):
    quarters = [Quarter(2024, 1), Quarter(2024, 2)]
    generate_province(
        tmp_path,
        "87",
        quarters,
        per_unit_quarter=15,
        districts=["870"],
        **{**PLAIN, "datasets": ("dossiers", "one_stop_report")},
    )
    first, last = report_period(quarters[1])
    assert (first, last) == (date(2024, 3, 15), date(2024, 6, 14))
    start, end = datetime.combine(first, datetime.min.time()), datetime(2024, 6, 15)
    form = _form_rows(tmp_path / "district/870/2024Q2/one_stop_report.xlsx")
    for unit_dir in sorted(p for p in tmp_path.glob("*/*") if p.parent.name in ("commune", "district")):
        latest: dict[str, dict[str, str]] = {}
        for quarter in quarters:  # the later file holds the later state
            latest.update({r["Mã hồ sơ"]: r for r in _rows(unit_dir / str(quarter) / "dossiers.csv")})
        counts = Counter()
        for row in latest.values():
            received, due, resolved = (_when(row[h]) for h in HEADERS[5:8])
            if received < start:
                if resolved is not None and resolved < start:
                    continue
                counts[6] += 1
            elif received < end:
                counts[4 if row["Hình thức nộp"] == ONLINE else 5] += 1
            else:
                continue
            if resolved is not None and resolved < end:
                counts[8 if resolved.date() < due.date() else 9 if resolved.date() == due.date() else 10] += 1
            else:
                counts[13 if due < end else 12] += 1
        expected = [counts[4] + counts[5] + counts[6], counts[4], counts[5], counts[6]]
        expected += [counts[8] + counts[9] + counts[10], counts[8], counts[9], counts[10]]
        expected += [counts[12] + counts[13], counts[12], counts[13]]
        assert form[unit_dir.name] == expected, unit_dir.name


def test_surveys_inspections_plans_and_par_index_values(mixed):
    landing, _ = mixed
    responses = satisfied = 0
    for path in sorted(landing.glob("commune/*/*/surveys.csv")):
        rows = _rows(path)
        assert 10 <= len(rows) <= 30
        quarter = Quarter.parse(path.parent.name)
        for row in rows:
            assert row["Mã đơn vị"] == path.parts[-3]
            assert quarter.first_day <= datetime.strptime(row["Ngày khảo sát"], "%d/%m/%Y").date() <= quarter.last_day
            for factor in ("Tiếp cận dịch vụ", "Thủ tục hành chính", "Công chức giải quyết", "Kết quả giải quyết"):
                assert row[factor] in {"1", "2", "3", "4", "5"}
            assert row["Tiếp nhận, xử lý góp ý"] in {"", "1", "2", "3", "4", "5"}
            satisfied += row["Hài lòng"] == "Có"
            responses += 1
    assert 0.8 <= satisfied / responses <= 1.0

    for path in sorted(landing.glob("district/*/*/inspections.csv")):
        quarter = Quarter.parse(path.parent.name)
        members = {c.code for c in communes_of("87", quarter.first_day, district_code=path.parts[-3])}
        for row in _rows(path):
            inspected = datetime.strptime(row["Ngày kiểm tra"], "%d/%m/%Y").date()
            assert quarter.first_day <= inspected <= quarter.last_day and row["Mã đơn vị"] in members
            assert row["Mã đợt kiểm tra"].startswith(f"KT-{path.parts[-3]}-{quarter.year}-")
            if row["Kết quả (%)"]:
                assert 0 <= int(row["Kết quả (%)"]) <= 100 and not row["Tồn tại, hạn chế"]
            else:
                assert row["Tồn tại, hạn chế"] and re.fullmatch(r"\d+/UBND-HC", row["Văn bản chấn chỉnh"])
                issued = datetime.strptime(row["Ngày ban hành văn bản"], "%d/%m/%Y").date()
                assert inspected < issued <= quarter.last_day
                assert row["Đã khắc phục"] in {"Có", "Không", ""}

    for path in sorted(landing.glob("commune/*/*/plans.csv")):
        (row,) = _rows(path)
        assert row["Năm kế hoạch"] == "2025" and row["Tên kế hoạch"] == "Kế hoạch cải cách hành chính năm 2025"
        assert row["Hạn ban hành"] in {"15/01/2025", "31/01/2025", "31/12/2024"}
        assert row["Công khai ngân sách"] in {"Có", "Không"}
        assert bool(row["Ngày công khai ngân sách"]) == (row["Công khai ngân sách"] == "Có")

    province = _rows(landing / "province/87/2024Q4/par_index.csv")
    assert [(r["Lĩnh vực"], r["Điểm tối đa"]) for r in province] == [
        (area, str(maximum).replace(".", ",").removesuffix(",0")) for area, maximum in PROVINCE_AREAS
    ]
    assert sum(maximum for _, maximum in PROVINCE_AREAS) == 100
    district = _rows(landing / "district/870/2024Q4/par_index.csv")
    members = {c.code for c in communes_of("87", date(2024, 10, 1), district_code="870")}
    assert {r["Mã đơn vị"] for r in district} == members | {"870"}
    for row in [*province, *district]:
        maximum, own, appraised = (
            float(row[h].replace(",", ".")) for h in ("Điểm tối đa", "Điểm tự đánh giá", "Điểm thẩm định")
        )
        assert 0 <= appraised <= own <= maximum


def test_datasets_limit_what_is_written(tmp_path):
    summary = generate_province(tmp_path, **{**MIXED, "datasets": ("surveys", "plans")})
    assert {Path(p).name for p in _files(tmp_path)} == {"surveys.csv", "plans.csv"}
    assert summary.files == summary.rows == 0
    assert set(summary.dataset_files) == {"surveys", "plans"}


def test_after_the_reform_the_province_reports_per_commune(tmp_path):
    summary = generate_province(
        tmp_path, "82", [Quarter(2025, 3)], per_unit_quarter=1, formats="csv", datasets=("one_stop_report",)
    )
    form = _form_rows(tmp_path / "province/82/2025Q3/one_stop_report.xlsx")
    assert set(form) == {u.code for u in communes_of("82", date(2025, 7, 1))}
    assert summary.dataset_files == {"one_stop_report": 1}


def test_a_renamed_unit_keeps_its_desk_and_its_pending_dossiers(tmp_path):
    # 868 became thành phố Hồng Ngự on 01/11/2020 with the same code: one desk before and after.
    quarters = [Quarter(2020, 4), Quarter(2021, 1)]
    generate_province(
        tmp_path, "87", quarters, per_unit_quarter=30, districts=["868"], formats="csv", datasets=("dossiers",)
    )
    files = {
        q: list(csv.reader((tmp_path / "district" / "868" / q / "dossiers.csv").open(encoding="utf-8")))[1:]
        for q in ("2020Q4", "2021Q1")
    }
    pending_at_q4_end = {row[0] for row in files["2020Q4"] if not row[7] or row[7][6:10] == "2021"}
    assert pending_at_q4_end, "the sample needs a dossier pending over the new year"
    assert pending_at_q4_end <= {row[0] for row in files["2021Q1"]}
