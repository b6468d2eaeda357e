"""Calendar quarters, the unit of refresh: `2024Q2` and its local date bounds."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

_QUARTER_RE = re.compile(r"^(\d{4})Q([1-4])$")


@dataclass(frozen=True, order=True)
class Quarter:
    year: int
    number: int

    @classmethod
    def parse(cls, text: str) -> Quarter:
        match = _QUARTER_RE.match(text.strip().upper())
        if not match:
            raise ValueError(f"not a quarter: {text!r} (expected e.g. 2024Q2)")
        return cls(int(match.group(1)), int(match.group(2)))

    @classmethod
    def containing(cls, day: date | datetime) -> Quarter:
        return cls(day.year, (day.month - 1) // 3 + 1)

    @property
    def first_day(self) -> date:
        return date(self.year, 3 * self.number - 2, 1)

    @property
    def next(self) -> Quarter:
        return Quarter(self.year + 1, 1) if self.number == 4 else Quarter(self.year, self.number + 1)

    @property
    def previous(self) -> Quarter:
        return Quarter(self.year - 1, 4) if self.number == 1 else Quarter(self.year, self.number - 1)

    @property
    def end_exclusive(self) -> date:
        """First day of the next quarter: bounds are [first_day, end_exclusive)."""
        return self.next.first_day

    @property
    def last_day(self) -> date:
        return date.fromordinal(self.end_exclusive.toordinal() - 1)

    @property
    def report_period(self) -> tuple[date, date]:
        """First and last day of the quarter's reporting period under Nghị định 09/2019/NĐ-CP, which
        Biểu II.06a counts over: the 15th of the month before the quarter to the 14th of its last month
        (Q1/2020: 15/12/2019-14/03/2020)."""
        first = self.first_day
        start = date(first.year - 1, 12, 15) if first.month == 1 else date(first.year, first.month - 1, 15)
        return start, date(self.year, 3 * self.number, 14)

    @property
    def label_vi(self) -> str:
        """'Quý II năm 2024', as forms name their period."""
        return f"Quý {('I', 'II', 'III', 'IV')[self.number - 1]} năm {self.year}"

    def __str__(self) -> str:
        return f"{self.year}Q{self.number}"


def quarter_range(first: Quarter, last: Quarter) -> list[Quarter]:
    """Every quarter from `first` to `last`, both included."""
    if last < first:
        raise ValueError(f"{last} is before {first}")
    out = [first]
    while out[-1] != last:
        out.append(out[-1].next)
    return out
