"""Administrative units from the vendored reference file `include/reference/admin_units.csv`.

A code alone is ambiguous across the 2025 reform, so every lookup takes the date it is about.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path

from cchc.config import reference_dir

ADMIN_UNITS_FILE = "admin_units.csv"
LEVELS = ("province", "district", "commune")


@dataclass(frozen=True)
class AdminUnit:
    """One unit over one validity interval (both ends included, None = open)."""

    code: str
    level: str
    name: str
    parent_code: str | None
    province_code: str
    valid_from: date | None
    valid_to: date | None

    def valid_on(self, day: date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (self.valid_to is None or day <= self.valid_to)

    @property
    def key(self) -> str:
        """Identity that survives code reuse, e.g. `commune:29971:2025-07-01` (empty start = pre-reform)."""
        start = self.valid_from.isoformat() if self.valid_from else ""
        return f"{self.level}:{self.code}:{start}"


def _date(text: str) -> date | None:
    return date.fromisoformat(text) if text else None


@lru_cache(maxsize=4)
def _load(path: Path) -> tuple[AdminUnit, ...]:
    with path.open(encoding="utf-8", newline="") as handle:
        return tuple(
            AdminUnit(
                code=row["unit_code"],
                level=row["unit_level"],
                name=row["unit_name"],
                parent_code=row["parent_code"] or None,
                province_code=row["province_code"],
                valid_from=_date(row["valid_from"]),
                valid_to=_date(row["valid_to"]),
            )
            for row in csv.DictReader(handle)
        )


def load_units(path: Path | None = None) -> tuple[AdminUnit, ...]:
    """Every row of the reference file (cached per path)."""
    return _load((path or reference_dir() / ADMIN_UNITS_FILE).resolve())


def units_on(on: date, level: str | None = None, path: Path | None = None) -> list[AdminUnit]:
    """Units valid on `on`, optionally of one level."""
    if level is not None and level not in LEVELS:
        raise ValueError(f"unknown level {level!r}; expected one of {LEVELS}")
    return [u for u in load_units(path) if (level is None or u.level == level) and u.valid_on(on)]


def find_unit(code: str, level: str, on: date, path: Path | None = None) -> AdminUnit:
    """The unit with this code and level valid on `on`; KeyError if there is none."""
    for unit in load_units(path):
        if unit.code == code and unit.level == level and unit.valid_on(on):
            return unit
    raise KeyError(f"no {level} {code} valid on {on.isoformat()}")


def districts_of(province_code: str, on: date, path: Path | None = None) -> list[AdminUnit]:
    """Districts of a province valid on `on` (none from 2025-07-01, when districts were abolished)."""
    return [u for u in units_on(on, "district", path) if u.province_code == province_code]


def communes_of(
    province_code: str, on: date, district_code: str | None = None, path: Path | None = None
) -> list[AdminUnit]:
    """Communes of a province valid on `on`, optionally only those of one district."""
    return [
        u
        for u in units_on(on, "commune", path)
        if u.province_code == province_code and (district_code is None or u.parent_code == district_code)
    ]


def merge_renames(units: Iterable[AdminUnit]) -> list[AdminUnit]:
    """One desk per unit across renames: consecutive intervals with the same code, level and parent
    (e.g. 868 Thị xã Hồng Ngự until 31/10/2020, Thành phố Hồng Ngự from 01/11/2020) become one
    unit spanning both, with the latest name and the first interval's identity, so its pending
    dossiers carry over the rename. Intervals across the 2025 reform differ in parent and stay apart."""
    ordered = sorted(units, key=lambda u: (u.level, u.code, u.valid_from or date.min))
    merged: list[AdminUnit] = []
    for unit in ordered:
        last = merged[-1] if merged else None
        continues = (
            last is not None
            and (last.level, last.code, last.parent_code, last.province_code)
            == (unit.level, unit.code, unit.parent_code, unit.province_code)
            and last.valid_to is not None
            and unit.valid_from is not None
            and last.valid_to + timedelta(days=1) == unit.valid_from
        )
        if continues:
            merged[-1] = replace(last, name=unit.name, valid_to=unit.valid_to)
        else:
            merged.append(unit)
    return merged
