"""What every reader's file object knows about its headers, written once.

Two rules that keep a file from being read wrong in silence live here: a column a reader cannot map
is reported (a file-level warning naming it), and a required column that a file lacks may be
stood in for by its declared fallback (`Column.fallback`: the return date for the result date), which
is reported too. A required column missing with no fallback present refuses the file, in each reader.
"""

from __future__ import annotations

from dataclasses import dataclass

from cchc.sources.datasets import NOT_LOADED_HEADERS, DatasetSpec
from cchc.sources.text import fold


@dataclass(frozen=True)
class Substitution:
    """A header read as another column than its own, because the file lacks that column."""

    header: str
    own_column: str
    read_as: str


def apply_fallbacks(spec: DatasetSpec, headers: list[str], columns: list[str | None]) -> list[Substitution]:
    """Map, in place, the header of a column's fallback to the column itself wherever a file lacks a
    header for the column but has one for its fallback; returns what was substituted."""
    substitutions: list[Substitution] = []
    for column in spec.columns:
        if column.fallback is None or column.name in columns or column.fallback not in columns:
            continue
        index = columns.index(column.fallback)
        columns[index] = column.name
        substitutions.append(Substitution(headers[index], column.fallback, column.name))
    return substitutions


class HeaderMap:
    """Mixed into the readers' frozen dataclasses, which hold `spec`, `source_headers`, `columns` (the
    canonical column each source header names, or None) and `substitutions`, and declare
    `unknown_headers`."""

    spec: DatasetSpec
    source_headers: list[str]
    columns: list[str | None]
    substitutions: list[Substitution]

    def __post_init__(self) -> None:
        unmapped = [h for h, c in zip(self.source_headers, self.columns, strict=True) if h and c is None]
        unknown = [h for h in unmapped if fold(h) not in NOT_LOADED_HEADERS]
        object.__setattr__(self, "unknown_headers", unknown)

    @property
    def not_loaded_headers(self) -> list[str]:
        """Headers left out on purpose (a row number, the applicant's personal data): recorded, not warned."""
        return [
            h
            for h, c in zip(self.source_headers, self.columns, strict=True)
            if h and c is None and fold(h) in NOT_LOADED_HEADERS
        ]

    @property
    def present_columns(self) -> list[str]:
        """Canonical columns the file has, in its order; absent optional columns are not in its rows."""
        return [column for column in self.columns if column is not None]

    @property
    def header_warnings(self) -> list[str]:
        """File-level warnings about the header: columns not read, and columns read in place of others."""
        warnings = [
            f"cột {header!r} không được đọc / column {header!r} is not one we read: its values are not loaded"
            for header in self.unknown_headers  # type: ignore[attr-defined]
        ]
        for item in self.substitutions:
            label = self.spec.column(item.read_as).label
            warnings.append(
                f"không có cột {label} / no {label} ({item.read_as}) column: {item.header!r} "
                f"({item.own_column}) is read in its place"
            )
        return warnings
