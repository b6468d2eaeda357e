"""Writing .xlsx files reproducibly, and the Biểu II.06a form's layout.

The same figures must give the same bytes: a report sent twice must not differ, and sample exports
must not turn into new file versions for the raw loader. openpyxl stamps the save time into
docProps/core.xml and into every zip entry, so a workbook is written with fixed document properties
and then repacked with fixed zip timestamps and attributes. For the same input, openpyxl and zlib
versions the bytes are identical.
"""

from __future__ import annotations

import io
import os
import tempfile
import zipfile
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.writer.excel import ExcelWriter

from cchc.sources.datasets import ONE_STOP_REPORT

FIXED_TIMESTAMP = datetime(2020, 1, 1)
"""Created/modified date written into every workbook, so the save time never reaches the bytes."""

_ZIP_TIMESTAMP = (1980, 1, 1, 0, 0, 0)  # the earliest date a zip entry can carry
_CREATOR = "cchc"
_HEAD_BYTES = 1 << 12  # a worksheet part's elements before <sheetData> fit in this
_COPY_BYTES = 1 << 20

DATE_FORMAT = "dd/mm/yyyy"
DATETIME_FORMAT = "dd/mm/yyyy hh:mm"

COUNT_COLUMNS: tuple[str, ...] = tuple(
    name for name in ONE_STOP_REPORT.column_names if name not in ("row_label", "unit_code")
)

II06A_TITLE = (
    "TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH TẠI CƠ QUAN, ĐƠN VỊ TRỰC TIẾP GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH"
)
_II06A_GROUPS = (
    ("Số hồ sơ nhận giải quyết", 3, 6),
    ("Số hồ sơ đã giải quyết", 7, 10),
    ("Số hồ sơ đang giải quyết", 11, 13),
)
_II06A_LEAVES = (
    "Tổng số",
    "Trong đó: Trực tuyến",
    "Trực tiếp, dịch vụ bưu chính",
    "Từ kỳ trước",
    "Tổng số",
    "Trước hạn",
    "Đúng hạn",
    "Quá hạn",
    "Tổng số",
    "Trong hạn",
    "Quá hạn",
)
_LAST_COLUMN = 13


def empty_workbook(*, write_only: bool) -> Workbook:
    """A workbook with fixed document properties (write-only streams its rows)."""
    workbook = Workbook(write_only=write_only)
    workbook.properties.creator = _CREATOR
    workbook.properties.lastModifiedBy = _CREATOR
    workbook.properties.created = FIXED_TIMESTAMP
    workbook.properties.modified = FIXED_TIMESTAMP
    return workbook


def _with_dimension(part: bytes, reference: str) -> bytes:
    """The start of a worksheet part with `<dimension ref=...>` added where the schema puts it (after sheetPr).

    openpyxl's write-only sheets omit it, and without it openpyxl's read-only mode parses the whole
    sheet just to size it, on every open: seconds for a 100k-row export.
    """
    if b"<dimension" in part:
        return part
    if b"</sheetPr>" in part:
        at = part.index(b"</sheetPr>") + len(b"</sheetPr>")
    else:
        at = part.index(b">", part.index(b"<worksheet")) + 1
    return part[:at] + f'<dimension ref="{reference}" />'.encode() + part[at:]


def save_reproducibly(workbook: Workbook, path: Path, dimensions: Mapping[str, str] | None = None) -> None:
    """Save with fixed zip metadata, atomically: a reader of the landing zone never sees half a file.

    `Workbook.save` would overwrite the modified date with the clock, so openpyxl's ExcelWriter is
    driven directly, into memory, and its entries are copied into a zip whose per-entry dates,
    permissions and host system are constants. `dimensions` maps a worksheet part name to the
    range to declare in it.
    """
    dimensions = dimensions or {}
    packed = io.BytesIO()
    with zipfile.ZipFile(packed, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(workbook, archive).save()
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with (
            os.fdopen(handle, "wb") as raw,
            zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED) as target,
            zipfile.ZipFile(packed) as source,
        ):
            for entry in source.infolist():
                fixed = zipfile.ZipInfo(entry.filename, date_time=_ZIP_TIMESTAMP)
                fixed.compress_type = zipfile.ZIP_DEFLATED
                fixed.create_system = 3
                fixed.external_attr = 0o600 << 16
                with source.open(entry) as reader, target.open(fixed, "w") as writer:
                    head = reader.read(_HEAD_BYTES)
                    if entry.filename in dimensions:
                        head = _with_dimension(head, dimensions[entry.filename])
                    writer.write(head)
                    # Fixed-size chunks: the same calls to zlib every time, hence the same bytes.
                    while chunk := reader.read(_COPY_BYTES):
                        writer.write(chunk)
        os.chmod(temporary, 0o644)  # mkstemp's 0600 would hide the file from a loader running as another user
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


# --- Biểu II.06a ------------------------------------------------------------------------------------------


def _vietnamese_integer(number: int) -> str:
    """10407 -> '10.407', as staff type counts into text cells."""
    return f"{number:,}".replace(",", ".")


def _count(row: Mapping[str, object], name: str, position: int) -> int | None:
    value = row.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"row {position}: {name} must be a whole number or None, not {value!r}")
    if value < 0:
        raise ValueError(f"row {position}: {name} is negative ({value})")
    return value


_UNIT_KINDS = ("Tỉnh ", "Thành phố ", "Huyện ", "Quận ", "Thị xã ", "Xã ", "Phường ", "Thị trấn ", "Đặc khu ")


def reporting_unit_title(name: str, level: str) -> str:
    """The form's 'Đơn vị báo cáo': 'Huyện Hồng Ngự' -> 'Ủy ban nhân dân huyện Hồng Ngự'; post-reform
    province names lack 'Tỉnh'."""
    if name.startswith(_UNIT_KINDS):
        name = name[0].lower() + name[1:]
    elif level == "province":
        name = f"tỉnh {name}"
    return f"Ủy ban nhân dân {name}"


def desk_row_label(name: str) -> str:
    """Row label of a unit's own one-stop desk on its form: 'Bộ phận Một cửa huyện Hồng Ngự'."""
    return f"Bộ phận Một cửa {name[0].lower()}{name[1:]}"


def _period_line(period_label: str, period_start: date | None, period_end: date | None) -> str:
    if (period_start is None) != (period_end is None):
        raise ValueError("give both period_start and period_end, or neither")
    line = f"Kỳ báo cáo: {period_label}"
    if period_start is not None and period_end is not None:
        line += f" (từ ngày {period_start:%d/%m/%Y} đến ngày {period_end:%d/%m/%Y})"
    return line


def new_workbook() -> Workbook:
    """A workbook with fixed document properties, to fill and pass to `save_workbook`."""
    return empty_workbook(write_only=False)


def save_workbook(workbook: Workbook, path: Path) -> None:
    """Save atomically with fixed zip metadata (see `save_reproducibly`)."""
    save_reproducibly(workbook, Path(path))


def fill_ii06a_sheet(
    sheet: Any,
    *,
    reporting_unit: str,
    period_label: str,
    period_start: date | None,
    period_end: date | None,
    rows: Sequence[Mapping[str, object]],
    numbers_as_text: bool = False,
) -> int:
    """Lay out a Biểu II.06a/VPCP/KSTT form on `sheet`; returns the row number of its 'Tổng cộng' row.

    Title, period ('Kỳ báo cáo: ... (từ ngày ... đến ngày ...)' when both dates are given) and
    reporting unit above a two-level merged header, the column-number row (1)...(13), one row per
    mapping in `rows` (keys of ONE_STOP_REPORT: `row_label`, optional `unit_code` written into the
    label as 'Tên (mã)', and the eleven counts, None for a blank cell), a 'Tổng cộng' row summed from
    them, and a signature block. With `numbers_as_text` counts are text cells such as '1.234'. Labels
    are string cells even when they start with '=' (a name is never a formula).
    """
    counts = [[_count(row, name, position) for name in COUNT_COLUMNS] for position, row in enumerate(rows, start=1)]
    totals = [sum(value or 0 for value in column) for column in zip(*counts, strict=True)] if counts else []
    totals = totals or [0] * len(COUNT_COLUMNS)

    sheet.title = "II.06a"
    thin = Side(style="thin")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    centre = Alignment(horizontal="center", vertical="center", wrap_text=True)
    bold = Font(bold=True)

    def put(row: int, col: int, value: object, *, last_col: int | None = None, last_row: int | None = None) -> None:
        sheet.cell(row=row, column=col, value=value)
        if last_col is not None or last_row is not None:
            sheet.merge_cells(start_row=row, start_column=col, end_row=last_row or row, end_column=last_col or col)

    put(1, 1, II06A_TITLE, last_col=_LAST_COLUMN)
    sheet["A1"].font = Font(bold=True, size=13)
    sheet["A1"].alignment = centre
    sheet.row_dimensions[1].height = 36
    put(2, 1, _period_line(period_label, period_start, period_end), last_col=_LAST_COLUMN)
    sheet["A2"].alignment = Alignment(horizontal="center")
    put(3, 1, f"Đơn vị báo cáo: {reporting_unit}", last_col=6)
    put(3, 10, "Đơn vị tính: Số hồ sơ TTHC", last_col=_LAST_COLUMN)
    sheet["J3"].alignment = Alignment(horizontal="right")

    top, leaf, numbers = 5, 6, 7
    put(top, 1, "STT", last_row=leaf)
    put(top, 2, "Lĩnh vực, công việc giải quyết theo cấp", last_row=leaf)
    for text, first, last in _II06A_GROUPS:
        put(top, first, text, last_col=last)
    for col, text in enumerate(_II06A_LEAVES, start=3):
        put(leaf, col, text)
    for col in range(1, _LAST_COLUMN + 1):
        put(numbers, col, f"({col})")
        for row in (top, leaf, numbers):
            cell = sheet.cell(row=row, column=col)
            cell.font = bold if row != numbers else Font(italic=True)
            cell.alignment = centre
            cell.border = box
    sheet.row_dimensions[leaf].height = 45

    def count_value(number: int | None) -> object:
        if number is None:
            return None
        return _vietnamese_integer(number) if numbers_as_text else number

    row_number = numbers
    for position, (row, values) in enumerate(zip(rows, counts, strict=True), start=1):
        row_number += 1
        label = str(row.get("row_label") or "")
        code = row.get("unit_code")
        put(row_number, 1, position)
        put(row_number, 2, f"{label} ({code})" if code else label)
        sheet.cell(row=row_number, column=2).data_type = "s"
        for col, value in enumerate(values, start=3):
            put(row_number, col, count_value(value))
    row_number += 1
    put(row_number, 1, None)
    put(row_number, 2, "Tổng cộng")
    for col, value in enumerate(totals, start=3):
        put(row_number, col, count_value(value))
    for row in range(numbers + 1, row_number + 1):
        for col in range(1, _LAST_COLUMN + 1):
            cell = sheet.cell(row=row, column=col)
            cell.border = box
            if row == row_number:
                cell.font = bold
            if col != 2:
                cell.alignment = Alignment(horizontal="center" if col == 1 else "right")

    put(row_number + 2, 2, "NGƯỜI LẬP BIỂU")
    put(row_number + 2, 9, "THỦ TRƯỞNG ĐƠN VỊ", last_col=_LAST_COLUMN)
    put(row_number + 3, 2, "(Ký, ghi rõ họ tên)")
    put(row_number + 3, 9, "(Ký tên, đóng dấu)", last_col=_LAST_COLUMN)

    sheet.column_dimensions["A"].width = 6
    sheet.column_dimensions["B"].width = 40
    for col in range(3, _LAST_COLUMN + 1):
        sheet.column_dimensions[get_column_letter(col)].width = 11
    return row_number
