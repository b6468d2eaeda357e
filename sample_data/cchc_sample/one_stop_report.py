"""Biểu II.06a workbooks (dataset `one_stop_report`) computed from the generated dossiers.

The form counts over its own period, not the calendar quarter: under Nghị định 09/2019/NĐ-CP a
quarter's report runs from the 15th of the month before the quarter to the 14th of its last month
(Q1/2020: 15/12/2019–14/3/2020). Figures are counted from the very dossiers written to the `dossiers`
files, so the warehouse can rebuild the form from those files and reconcile it with the report:

- (6) carried over = received before the period and still pending at its start;
- (4) online, (5) direct or postal = received within the period, by channel;
- (8)–(10) resolved within the period, early, on time or late against the due date;
- (12) in time, (13) overdue = still pending at the end of the period, by whether the due date has passed.

So 3 = 4+5+6, 7 = 8+9+10, 11 = 12+13 and 3 = 7+11 hold on every row.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path

from cchc.quarters import Quarter
from cchc_sample.dossiers import ONLINE, Dossier, landing_path
from cchc_sample.units import AdminUnit

REPORT_FILE = "one_stop_report.xlsx"
# Positions of the counted figures; totals are derived from them.
FIGURES = (
    "received_online",
    "received_direct_postal",
    "received_carried_over",
    "resolved_early",
    "resolved_on_time",
    "resolved_late",
    "pending_in_time",
    "pending_overdue",
)
_INDEX = {name: i for i, name in enumerate(FIGURES)}
_OUTCOME = {"early": _INDEX["resolved_early"], "on_time": _INDEX["resolved_on_time"], "late": _INDEX["resolved_late"]}
_LOOKBACK = timedelta(days=200)  # no dossier stays open longer (see dossiers.MAX_LIFECYCLE_DAYS)


def report_period(quarter: Quarter) -> tuple[date, date]:
    """First and last day of the form's period for `quarter` (Nghị định 09/2019 cut-off)."""
    return quarter.report_period


def period_label(quarter: Quarter) -> str:
    """'Quý I năm 2020'; the workbook adds the period's dates after it."""
    return quarter.label_vi


@dataclass
class Figures:
    """Counted figures of one form row; totals follow from them."""

    counts: list[int] = field(default_factory=lambda: [0] * len(FIGURES))

    def add(self, other: Figures) -> None:
        self.counts = [a + b for a, b in zip(self.counts, other.counts, strict=True)]

    def as_row(self, row_label: str, unit_code: str) -> dict[str, object]:
        c = dict(zip(FIGURES, self.counts, strict=True))
        received = c["received_online"] + c["received_direct_postal"] + c["received_carried_over"]
        resolved = c["resolved_early"] + c["resolved_on_time"] + c["resolved_late"]
        pending = c["pending_in_time"] + c["pending_overdue"]
        return {
            "row_label": row_label,
            "unit_code": unit_code,
            "received_total": received,
            "received_online": c["received_online"],
            "received_direct_postal": c["received_direct_postal"],
            "received_carried_over": c["received_carried_over"],
            "resolved_total": resolved,
            "resolved_early": c["resolved_early"],
            "resolved_on_time": c["resolved_on_time"],
            "resolved_late": c["resolved_late"],
            "pending_total": pending,
            "pending_in_time": c["pending_in_time"],
            "pending_overdue": c["pending_overdue"],
        }


@dataclass(frozen=True)
class _Period:
    quarter: Quarter
    start: datetime  # first moment counted
    end: datetime  # first moment after the period

    @classmethod
    def of(cls, quarter: Quarter) -> _Period:
        first, last = report_period(quarter)
        return cls(quarter, datetime.combine(first, time()), datetime.combine(last + timedelta(days=1), time()))


def count_into(figures: Figures, dossier: Dossier, start: datetime, end: datetime) -> None:
    """Add one dossier's place on the form for the period [start, end)."""
    counts = figures.counts
    if dossier.received_at < start:
        if not dossier.pending_at(start):
            return
        counts[_INDEX["received_carried_over"]] += 1
    elif dossier.received_at < end:
        counts[_INDEX["received_online" if dossier.channel == ONLINE else "received_direct_postal"]] += 1
    else:
        return
    if dossier.resolved_at is not None and dossier.resolved_at < end:
        counts[_OUTCOME[dossier.outcome()]] += 1
    else:
        counts[_INDEX["pending_overdue" if dossier.due_at < end else "pending_in_time"]] += 1


class ReportBook:
    """Form figures per desk and quarter, tallied as the dossiers stream past (each dossier once, when
    it is received: its whole life is known then)."""

    def __init__(self) -> None:
        self._figures: dict[tuple[str, Quarter], Figures] = {}

    def observe(self, unit: AdminUnit, quarters: Sequence[Quarter], dossiers: Iterable[Dossier]) -> Iterator[Dossier]:
        """Pass `dossiers` through unchanged, counting each into the forms of `quarters` it belongs to."""
        periods = [_Period.of(q) for q in quarters]
        for period in periods:
            self._figures.setdefault((unit.key, period.quarter), Figures())
        for dossier in dossiers:
            for period in periods:
                if period.start - _LOOKBACK <= dossier.received_at < period.end:
                    count_into(self._figures[(unit.key, period.quarter)], dossier, period.start, period.end)
            yield dossier

    def figures(self, unit: AdminUnit, quarter: Quarter) -> Figures:
        return self._figures.get((unit.key, quarter), Figures())


def reporting_unit_name(unit: AdminUnit) -> str:
    """'Huyện Hồng Ngự' -> 'Ủy ban nhân dân huyện Hồng Ngự'; post-reform province names lack 'Tỉnh'."""
    from cchc.reports.excel_writer import reporting_unit_title

    return reporting_unit_title(unit.name, unit.level)


def desk_label(district: AdminUnit) -> str:
    """Row label of a district's own desk on its form."""
    from cchc.reports.excel_writer import desk_row_label

    return desk_row_label(district.name)


def write_report(
    landing: Path,
    reporter: AdminUnit,
    quarter: Quarter,
    rows: Sequence[dict[str, object]],
    *,
    numbers_as_text: bool = False,
) -> Path:
    """Write `<level>/<code>/<Q>/one_stop_report.xlsx` for the reporting unit."""
    from cchc_sample.excel_files import write_ii06a_workbook

    start, end = report_period(quarter)
    path = landing_path(landing, reporter.level, reporter.code, quarter, REPORT_FILE)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_ii06a_workbook(
        path,
        reporting_unit=reporting_unit_name(reporter),
        period_label=period_label(quarter),
        period_start=start,
        period_end=end,
        rows=rows,
        numbers_as_text=numbers_as_text,
    )
    return path
