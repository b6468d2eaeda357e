"""Figures recounted from a dossiers CSV export with the csv module and the export's own columns and
date form (dd/mm/yyyy hh:mm): nothing of the pipeline's readers, rules or SQL, so a test can hold the
warehouse's figures against a count made another way."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path


def _day(text: str) -> date | None:
    return datetime.strptime(text.strip()[:10], "%d/%m/%Y").date() if text.strip() else None


def recount_export(export: Path, first: date, last: date) -> dict[str, object]:
    """Dossiers received from `first` to `last` (calendar days), resolved in it, and the on-time rate
    (resolved on or before the due day, in percent, 2 decimals, None when nothing was resolved)."""
    received = resolved = in_time = 0
    for row in csv.DictReader(io.StringIO(export.read_text(encoding="utf-8"))):
        got, due, done = _day(row["Ngày tiếp nhận"]), _day(row["Ngày hẹn trả"]), _day(row["Ngày có kết quả"])
        received += first <= got <= last
        if done is not None and first <= done <= last:
            resolved += 1
            in_time += done <= due
    rate = None if not resolved else (Decimal(100 * in_time) / resolved).quantize(Decimal("0.01"), ROUND_HALF_UP)
    return {"received": received, "resolved": resolved, "on_time_rate": rate}
