"""`cchc status`: who has sent a quarter's exports, who is late and who has not sent, for the staff
who chase them; headers and states in Vietnamese and English."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from tabulate import tabulate

from cchc.config import LOCAL_TZ
from cchc.submissions import COLUMNS, STATUS_EN, Submission, counts

HEADERS = (
    "Mã / unit",
    "Tên đơn vị / name",
    "Dữ liệu / dataset",
    "Tình trạng / status",
    "Nhận lúc / received",
    "Hạn / due",
    "Số dòng / rows",
)


def _local(moment: datetime | None) -> str:
    return "-" if moment is None else moment.astimezone(ZoneInfo(LOCAL_TZ)).strftime("%d/%m/%Y %H:%M")


def _day(day: date) -> str:
    return day.strftime("%d/%m/%Y")


def status_table(rows: Sequence[Submission]) -> str:
    """Expected exports first, in the mart's order, then any a unit sent without owing it."""
    ordered = [row for row in rows if row["expected"]] + [row for row in rows if not row["expected"]]
    shown = [
        [
            row["unit_code"],
            row["unit_name"],
            row["dataset"] + ("" if row["expected"] else " *"),
            f"{row['submission_vi']} / {STATUS_EN[row['submission']]}",
            _local(row["received_at"]),
            _day(row["due_on"]),
            "-" if row["data_rows"] is None else str(row["data_rows"]),
        ]
        for row in ordered
    ]
    return tabulate(shown, headers=HEADERS, tablefmt="simple", disable_numparse=True)


def status_summary(rows: Sequence[Submission]) -> str:
    """One line of counts over the expected exports."""
    vi = {"on_time": "đúng hạn", "late": "trễ hạn", "rejected": "bị từ chối", "missing": "chưa gửi, quá hạn",
          "not_due": "chưa đến hạn"}  # fmt: skip
    tally = counts(rows)
    parts = [f"{vi[name]} / {STATUS_EN[name]}: {count}" for name, count in tally.items()]
    extra = sum(not row["expected"] for row in rows)
    line = f"{sum(tally.values())} báo cáo phải gửi / exports owed; " + "; ".join(parts)
    return line + (f"; * {extra} gửi thêm, không bắt buộc / sent without being owed" if extra else "")


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def status_csv(rows: Sequence[Submission]) -> str:
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    writer.writerows(["" if row[c] is None else _plain(row[c]) for c in COLUMNS] for row in rows)
    return out.getvalue()


def status_json(rows: Sequence[Submission]) -> str:
    return json.dumps([{c: _plain(row[c]) for c in COLUMNS} for row in rows], ensure_ascii=False)
