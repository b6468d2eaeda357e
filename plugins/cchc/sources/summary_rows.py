"""Summary rows at the end of a list ("Tổng cộng", "Cộng", "Tổng số: 30 hồ sơ") and title rows above it.

Lists finished by hand in Excel, and the web apps' "Xuất Excel", end with a total row: the label in
one cell, the other cells empty or holding the count. Such a row is not a dossier. Read as one it
would be quarantined (no dossier id, no dates) and the unit would look worse than it is; dropped in
silence it would hide a list that does not add up. So a reader skips the summary rows that end a list,
records each (line and text), and checks a count it states against the rows read.

A row counts as a summary row only at the end of the list (blank rows may follow): a total row in the
middle of a list is read as a row like any other, and the checks say what is wrong with it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field

from cchc.sources.text import fold

# 'Tổng cộng', 'Cộng', 'Tổng số hồ sơ: 30', 'TỔNG CỘNG: 30 hồ sơ' (folded); not 'Tổng hợp' or 'Công an'.
_TOTAL_LABEL = re.compile(
    r"^(?:tong_cong|tong_so|tong|cong|total)(?:_(?:so_)?(?:ho_so|hs))?"
    r"(?:_(?:la_)?(?P<count>\d{1,7})(?:_(?:ho_so|hs|dong))?)?$"
)
_GROUPED = re.compile(r"^[1-9]\d{0,2}(?:[.,\s]\d{3})+$")
_GROUPED_IN_TEXT = re.compile(r"(?<![\d.,])[1-9]\d{0,2}(?:[.,]\d{3})+(?![\d.,])")


def _ungroup(match: re.Match[str]) -> str:
    """'1.234' -> '1234' inside a label, so 'Tổng số hồ sơ: 1.234' states 1234."""
    return re.sub(r"\D", "", match.group())


_MAX_VALUE_CELLS = 2


@dataclass(frozen=True)
class SummaryRow:
    """A skipped row: where it was, what it said, and the count it states (None if it states none)."""

    line: int
    text: str
    stated_count: int | None


def _whole_number(text: str) -> int | None:
    compact = text.strip()
    if compact.isdigit() and compact.isascii():
        return int(compact)
    if _GROUPED.match(compact):
        return int(re.sub(r"\D", "", compact))
    return None


def summary_row(line: int, cells: Sequence[str]) -> SummaryRow | None:
    """The row as a summary row, or None: its first non-empty cell starts with a total label and every
    other non-empty cell (at most two) is a whole number."""
    values = [cell.strip() for cell in cells if cell and cell.strip()]
    if not values:
        return None
    label = _TOTAL_LABEL.match(fold(_GROUPED_IN_TEXT.sub(_ungroup, values[0])))
    if label is None:
        return None
    numbers = [_whole_number(value) for value in values[1:]]
    if len(numbers) > _MAX_VALUE_CELLS or any(number is None for number in numbers):
        return None
    count = int(label.group("count")) if label.group("count") else (numbers[0] if numbers else None)
    return SummaryRow(line, " | ".join(values), count)


@dataclass
class TrailingSummaries:
    """Holds back candidate summary rows while a reader streams its records; what remains held at the
    end of the list is skipped. `rows_kept` counts the records passed on."""

    skipped: list[SummaryRow] = field(default_factory=list)
    rows_kept: int = 0

    def filter(
        self, records: Iterable[tuple[int, Sequence[str], Mapping[str, str]]]
    ) -> Iterator[tuple[int, dict[str, str]]]:
        """(line, every cell of the record, {column: text}) in, (line, {column: text}) out, without the
        summary rows that end the list."""
        self.skipped.clear()
        self.rows_kept = 0
        held: list[tuple[SummaryRow, int, Mapping[str, str]]] = []
        for line, cells, values in records:
            candidate = summary_row(line, cells)
            if candidate is not None:
                held.append((candidate, line, values))
                continue
            for _candidate, held_line, held_values in held:
                self.rows_kept += 1
                yield held_line, dict(held_values)
            held.clear()
            self.rows_kept += 1
            yield line, dict(values)
        self.skipped.extend(candidate for candidate, _line, _values in held)

    def warnings(self) -> list[str]:
        """File-level warnings: a count a summary row states that differs from the rows read. (The rows
        skipped are recorded as such, in the file's counts and its source_meta, not as warnings.)"""
        return [
            f"số dòng không khớp / line {row.line} ({row.text!r}) states {row.stated_count} but the list has "
            f"{self.rows_kept} rows: rows may be missing from the export, or the total is out of date"
            for row in self.skipped
            if row.stated_count is not None and row.stated_count != self.rows_kept
        ]
