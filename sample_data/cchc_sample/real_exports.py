"""Dossier exports in the forms real one-stop systems write them, for `cchc-sample --formats realistic`.

Each form carries the quirks of one kind of real export, so the demo, the tests and the benchmark meet
them on every run; each holds exactly the dossiers a plain CSV of the same desk and quarter holds, so a
realistic landing zone and its plain twin must give the same marts:

- `xls-biff`: Excel 97-2003 (.xls, BIFF), title rows, a row-number column (STT), the procedure's name,
  date-time cells with a date style (in the 1904 date system for some desks), unit codes stored as
  numbers, the result column headed "Ngày kết thúc xử lý" and a total row "Tổng cộng" with the count;
- `html-xls`: a web app's "Xuất Excel", an HTML table saved as `.xls`: a title merged across the table
  and the period ("Từ ngày … đến ngày …"), times with seconds, a status column in words, the status
  word where a pending dossier's result date would go ("Đang xử lý", "Quá hạn"), a clerk's "Ghi chú"
  column no reader maps, and "Tổng số hồ sơ: N" at the end;
- `unicode-text`: Excel's "Unicode Text" saved as .csv: UTF-16 with a BOM, tab-separated, result dates
  without a time (a calendar day);
- `portal-sync`: the national portal's sync field names (MaHoSo, MaTTHC, TenLinhVuc, KenhThucHien 1/2/3,
  NgayTiepNhan, NgayHenTra, NgayKetThucXuLy and NgayTra as yyyyMMddHHmmss, TrangThaiHoSo 4 or 10,
  HinhThuc 0/1), with the desk's own count of supplement requests beside them;
- `csv-titled`: a list finished by hand in Excel and saved as CSV with `;`: title rows padded with
  separators, dates dd-MM-yyyy, due and result dates without a time, "Chưa có kết quả" for a pending
  result, and a "Cộng" row with the count;
- `xlsx-serial`: an .xlsx whose date columns lost their date format (plain serial numbers), in the
  1904 date system;
- `csv-serial`: a CSV saved from such a sheet: every date a serial day number (1900 system).
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import html
import io
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime, timedelta
from pathlib import Path

from cchc.quarters import Quarter
from cchc_sample.dossiers import DIRECT, NO, ONLINE, POSTAL, YES, Dossier
from cchc_sample.units import AdminUnit

STEM = "dossiers"
# The ten columns of a plain export, under their usual Vietnamese headers.
PLAIN_HEADERS = [
    "Mã hồ sơ", "Mã đơn vị", "Mã thủ tục", "Lĩnh vực", "Hình thức nộp", "Ngày tiếp nhận", "Ngày hẹn trả",
    "Ngày có kết quả", "Trả kết quả qua BCCI", "Số lần yêu cầu bổ sung",
]  # fmt: skip
_CHANNEL_CODE = {DIRECT: "1", ONLINE: "2", POSTAL: "3"}
_EPOCH_1900 = datetime(1899, 12, 30)
_EPOCH_1904 = datetime(1904, 1, 1)


def _shown(dossier: Dossier, as_of: datetime) -> datetime | None:
    """The result date the export shows: none while the dossier is pending at `as_of`."""
    return None if dossier.pending_at(as_of) else dossier.resolved_at


def _status_word(dossier: Dossier, as_of: datetime) -> str:
    if not dossier.pending_at(as_of):
        return "Đã trả kết quả"
    return "Quá hạn" if dossier.due_at < as_of else "Đang xử lý"


def _titles(unit: AdminUnit, quarter: Quarter) -> list[str]:
    last = quarter.end_exclusive - timedelta(days=1)
    return [
        f"UBND {unit.name}".upper(),
        "DANH SÁCH HỒ SƠ TIẾP NHẬN VÀ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH",
        f"Từ ngày {quarter.first_day:%d/%m/%Y} đến ngày {last:%d/%m/%Y}",
    ]


def _field_code(field: str) -> str:
    """An illustrative code for a field (lĩnh vực), stable across runs."""
    return "LV" + str(int(hashlib.sha256(field.encode("utf-8")).hexdigest()[:6], 16) % 1000).zfill(3)


def _serial(moment: datetime, epoch: datetime) -> float:
    return round((moment - epoch).total_seconds() / 86400, 6)


def _write_text(path: Path, text: str, encoding: str, bom: bytes = b"") -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_bytes(bom + text.encode(encoding))
    temporary.replace(path)


def _csv_text(rows: Iterable[Sequence[str]], delimiter: str, line_end: str) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator=line_end)
    writer.writerows(rows)
    return buffer.getvalue()


# --- the forms -------------------------------------------------------------------------------------------


def _xls_biff(folder: Path, unit: AdminUnit, quarter: Quarter, dossiers: Iterable[Dossier], as_of: datetime) -> int:
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    # Some desks' Excel ran on the 1904 date system: the same dates, other serial numbers.
    book.dates_1904 = _hash_share(unit, "xls-1904") < 0.5
    sheet = book.add_sheet("Danh sách hồ sơ")
    bold = xlwt.easyxf("font: bold on")
    when = xlwt.easyxf(num_format_str="dd/mm/yyyy hh:mm")
    headers = [
        "STT", "Mã hồ sơ", "Mã đơn vị", "Mã thủ tục", "Tên thủ tục hành chính", "Lĩnh vực", "Hình thức nộp",
        "Ngày tiếp nhận", "Ngày hẹn trả", "Ngày kết thúc xử lý", "Trả kết quả qua BCCI", "Số lần yêu cầu bổ sung",
    ]  # fmt: skip
    titles = _titles(unit, quarter)
    for row, title in enumerate(titles):
        sheet.write_merge(row, row, 0, len(headers) - 1, title, bold)
    top = len(titles) + 1
    for col, header in enumerate(headers):
        sheet.write(top, col, header, bold)
    count = 0
    for count, dossier in enumerate(dossiers, start=1):
        row = top + count
        resolved = _shown(dossier, as_of)
        cells: list[object] = [
            count, dossier.dossier_id, int(dossier.unit_code), dossier.procedure.code, dossier.procedure.name,
            dossier.procedure.field, dossier.channel, dossier.received_at, dossier.due_at, resolved,
            YES if dossier.returned_by_post else NO, dossier.supplement_requests,
        ]  # fmt: skip
        for col, value in enumerate(cells):
            if isinstance(value, datetime):
                sheet.write(row, col, value, when)
            elif value is not None:
                sheet.write(row, col, value)
    sheet.write(top + count + 1, 0, "Tổng cộng", bold)
    sheet.write(top + count + 1, 1, count, bold)
    path = folder / f"{STEM}.xls"
    folder.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.tmp")
    book.save(str(temporary))
    temporary.replace(path)
    return count


def _html_xls(folder: Path, unit: AdminUnit, quarter: Quarter, dossiers: Iterable[Dossier], as_of: datetime) -> int:
    headers = [
        "STT", "Mã hồ sơ", "Mã đơn vị", "Mã TTHC", "Lĩnh vực", "Hình thức nộp", "Ngày tiếp nhận", "Ngày hẹn trả",
        "Ngày có kết quả", "Trạng thái", "Trả kết quả qua BCCI", "Số lần bổ sung", "Ghi chú",
    ]  # fmt: skip
    text = "<td style=\"mso-number-format:'\\@'\">{}</td>"
    lines = [
        '<html xmlns:x="urn:schemas-microsoft-com:office:excel"><head><meta http-equiv="Content-Type" '
        'content="text/html; charset=utf-8"></head><body>',
        '<table border="1" cellspacing="0">',
    ]
    titles = _titles(unit, quarter)
    lines += [f'<tr><td colspan="{len(headers)}" align="center"><b>{html.escape(t)}</b></td></tr>' for t in titles]
    lines.append("<tr>" + "".join(f"<th>{html.escape(h)}</th>" for h in headers) + "</tr>")
    count = 0
    for count, dossier in enumerate(dossiers, start=1):
        resolved = _shown(dossier, as_of)
        word = _status_word(dossier, as_of)
        cells = [
            f"<td>{count}</td>",
            text.format(html.escape(dossier.dossier_id)),
            text.format(dossier.unit_code),
            text.format(dossier.procedure.code),
            f"<td>{html.escape(dossier.procedure.field)}</td>",
            f"<td>{dossier.channel}</td>",
            f"<td>{dossier.received_at:%d/%m/%Y %H:%M:%S}</td>",
            f"<td>{dossier.due_at:%d/%m/%Y %H:%M:%S}</td>",
            f"<td>{resolved:%d/%m/%Y %H:%M:%S}</td>" if resolved else f"<td>{word}</td>",
            f"<td>{word}</td>",
            f"<td>{YES if dossier.returned_by_post else NO}</td>",
            f"<td>{dossier.supplement_requests}</td>",
            "<td>&nbsp;</td>",
        ]
        lines.append("<tr>" + "".join(cells) + "</tr>")
    lines.append(f'<tr><td colspan="3"><b>Tổng số hồ sơ: {count}</b></td><td colspan="{len(headers) - 3}"></td></tr>')
    lines.append("</table></body></html>")
    _write_text(folder / f"{STEM}.xls", "\r\n".join(lines) + "\r\n", "utf-8")
    return count


def _plain_rows(
    dossiers: Iterable[Dossier], as_of: datetime, moment: Callable[[datetime], str], result: Callable[[datetime], str]
) -> list[list[str]]:
    """The header and a row per dossier of a plain export, its dates written by `moment` (reception and
    due date) and `result` (the result date, empty while pending)."""
    rows: list[list[str]] = [list(PLAIN_HEADERS)]
    for dossier in dossiers:
        resolved = _shown(dossier, as_of)
        rows.append([
            dossier.dossier_id, dossier.unit_code, dossier.procedure.code, dossier.procedure.field, dossier.channel,
            moment(dossier.received_at), moment(dossier.due_at), result(resolved) if resolved else "",
            YES if dossier.returned_by_post else NO, str(dossier.supplement_requests),
        ])  # fmt: skip
    return rows


def _unicode_text(folder: Path, unit: AdminUnit, quarter: Quarter, dossiers: Iterable[Dossier], as_of: datetime) -> int:
    del unit, quarter
    rows = _plain_rows(dossiers, as_of, lambda moment: f"{moment:%d/%m/%Y %H:%M}", lambda day: f"{day:%d/%m/%Y}")
    _write_text(folder / f"{STEM}.csv", _csv_text(rows, "\t", "\r\n"), "utf-16-le", codecs.BOM_UTF16_LE)
    return len(rows) - 1


def _portal_sync(folder: Path, unit: AdminUnit, quarter: Quarter, dossiers: Iterable[Dossier], as_of: datetime) -> int:
    del quarter
    headers = [
        "MaHoSo", "MaTTHC", "TenTTHC", "MaLinhVuc", "TenLinhVuc", "KenhThucHien", "NgayTiepNhan", "NgayHenTra",
        "TrangThaiHoSo", "NgayTra", "HinhThuc", "NgayKetThucXuLy", "DonViXuLy", "Số lần yêu cầu bổ sung",
    ]  # fmt: skip
    rows: list[list[str]] = [headers]
    for dossier in dossiers:
        resolved = _shown(dossier, as_of)
        stamp = f"{resolved:%Y%m%d%H%M%S}" if resolved else ""
        rows.append([
            dossier.dossier_id, dossier.procedure.code, dossier.procedure.name, _field_code(dossier.procedure.field),
            dossier.procedure.field, _CHANNEL_CODE[dossier.channel], f"{dossier.received_at:%Y%m%d%H%M%S}",
            f"{dossier.due_at:%Y%m%d%H%M%S}", "4" if resolved is None else "10", stamp,
            "1" if dossier.returned_by_post else "0", stamp, f"UBND {unit.name}", str(dossier.supplement_requests),
        ])  # fmt: skip
    _write_text(folder / f"{STEM}.csv", _csv_text(rows, ",", "\n"), "utf-8")
    return len(rows) - 1


def _csv_titled(folder: Path, unit: AdminUnit, quarter: Quarter, dossiers: Iterable[Dossier], as_of: datetime) -> int:
    headers = [
        "STT", "Mã hồ sơ", "Mã đơn vị", "Mã thủ tục", "Lĩnh vực", "Hình thức nộp", "Ngày nhận", "Ngày hẹn trả",
        "Ngày kết thúc xử lý", "Trả qua bưu chính", "Số lần bổ sung",
    ]  # fmt: skip
    pad = [""] * (len(headers) - 1)
    rows: list[list[str]] = [[title, *pad] for title in _titles(unit, quarter)]
    rows += [["", *pad], headers]
    count = 0
    for count, dossier in enumerate(dossiers, start=1):
        resolved = _shown(dossier, as_of)
        rows.append([
            str(count), dossier.dossier_id, dossier.unit_code, dossier.procedure.code, dossier.procedure.field,
            dossier.channel, f"{dossier.received_at:%d-%m-%Y %H:%M}", f"{dossier.due_at:%d-%m-%Y}",
            f"{resolved:%d-%m-%Y}" if resolved else "Chưa có kết quả", YES if dossier.returned_by_post else NO,
            str(dossier.supplement_requests),
        ])  # fmt: skip
    rows.append(["Cộng", str(count), *pad[1:]])
    _write_text(folder / f"{STEM}.csv", _csv_text(rows, ";", "\r\n"), "utf-8", codecs.BOM_UTF8)
    return count


def _xlsx_serial(folder: Path, unit: AdminUnit, quarter: Quarter, dossiers: Iterable[Dossier], as_of: datetime) -> int:
    from cchc_sample.excel_files import write_table_xlsx

    headers = PLAIN_HEADERS

    def rows() -> Iterable[list[object]]:
        for dossier in dossiers:
            resolved = _shown(dossier, as_of)
            yield [
                dossier.dossier_id, int(dossier.unit_code), dossier.procedure.code, dossier.procedure.field,
                dossier.channel, _serial(dossier.received_at, _EPOCH_1904), _serial(dossier.due_at, _EPOCH_1904),
                _serial(resolved, _EPOCH_1904) if resolved else None, YES if dossier.returned_by_post else NO,
                dossier.supplement_requests,
            ]  # fmt: skip

    title = f"Danh sách hồ sơ - {unit.name} - Quý {quarter.number}/{quarter.year}"
    return write_table_xlsx(folder / f"{STEM}.xlsx", headers, rows(), title=title, dates_1904=True)


def _csv_serial(folder: Path, unit: AdminUnit, quarter: Quarter, dossiers: Iterable[Dossier], as_of: datetime) -> int:
    del unit, quarter

    def serial(moment: datetime) -> str:
        return f"{_serial(moment, _EPOCH_1900):.6f}"

    rows = _plain_rows(dossiers, as_of, serial, serial)
    _write_text(folder / f"{STEM}.csv", _csv_text(rows, ",", "\r\n"), "utf-8")
    return len(rows) - 1


Writer = Callable[[Path, AdminUnit, Quarter, Iterable[Dossier], datetime], int]
WRITERS: dict[str, tuple[str, Writer]] = {
    "xls-biff": ("xls", _xls_biff),
    "html-xls": ("xls", _html_xls),
    "unicode-text": ("csv", _unicode_text),
    "portal-sync": ("csv", _portal_sync),
    "csv-titled": ("csv", _csv_titled),
    "xlsx-serial": ("xlsx", _xlsx_serial),
    "csv-serial": ("csv", _csv_serial),
}


def write_real_export(
    form: str, folder: Path, unit: AdminUnit, quarter: Quarter, dossiers: Iterable[Dossier], as_of: datetime
) -> tuple[Path, int]:
    """Write one desk-quarter's dossiers in `form`; the file's path and the dossiers written."""
    extension, writer = WRITERS[form]
    return folder / f"{STEM}.{extension}", writer(folder, unit, quarter, dossiers, as_of)


def _hash_share(unit: AdminUnit, salt: str) -> float:
    digest = hashlib.sha256(f"{salt}/{unit.level}/{unit.code}".encode()).hexdigest()
    return int(digest[:8], 16) / 0xFFFFFFFF
