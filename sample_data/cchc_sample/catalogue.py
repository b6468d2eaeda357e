"""The procedure catalogue behind generated dossiers: `include/reference/procedures.csv`.

The file holds facts a desk would publish (name, field, level, online service level, time limit);
how often citizens file each procedure, online or not, and how often it ends early, late or needs
supplements is not published anywhere, so those demand figures live here. The most common procedures
of the commune and district desks carry hand-set figures (`_CORE_DEMAND`); every other row gets the
defaults of its field, scaled down, so the volume stays dominated by the everyday procedures.

Codes in the file are illustrative (see the file's `source` column and the reference README): they
have the national `1.00xxxx` shape but are not the national database's codes.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from cchc.config import reference_dir

PROCEDURES_FILE = "procedures.csv"
FILE_COLUMNS = ("procedure_code", "procedure_name", "field", "level", "online_level", "processing_days", "source")

# Level in the file -> desk level the generator uses.
LEVELS = {"xã": "commune", "huyện": "district", "tỉnh": "province"}
FULL_ONLINE, PARTIAL_ONLINE, NOT_ONLINE = "toàn trình", "một phần", "không"
ONLINE_LEVELS = (FULL_ONLINE, PARTIAL_ONLINE, NOT_ONLINE)
MAX_PROCESSING_DAYS = 45  # keeps every generated dossier inside the replay window of `dossiers`


@dataclass(frozen=True)
class Procedure:
    """One administrative procedure (TTHC) as a desk sees it."""

    code: str
    name: str
    field: str
    level: str  # desk that handled it before the 2025 reform: "commune", "district" or "province"
    limit_days: int  # working days from receipt to the due date
    weight: float  # relative frequency at its desk
    online: float  # relative propensity to be filed online; 0 = never
    early: float  # share resolved before the due date
    late: float  # share resolved after the due date
    supplement: float  # share with at least one request for supplements
    online_level: str = PARTIAL_ONLINE  # as published: toàn trình, một phần or không


@dataclass(frozen=True)
class CatalogueEntry:
    """One row of the reference file."""

    code: str
    name: str
    field: str
    level: str  # xã, huyện or tỉnh
    online_level: str
    processing_days: int
    source: str

    @property
    def desk_level(self) -> str:
        return LEVELS[self.level]


# code: (weight, online propensity, early, late, supplement). The everyday procedures of a commune
# or district desk; their order and figures fix the output of the compact ("core") catalogue.
# fmt: off
_CORE_DEMAND: dict[str, tuple[float, float, float, float, float]] = {
    "1.000101": (14, 1.6, 0.0, 0.015, 0.03),
    "1.000102": (3, 1.2, 0.0, 0.015, 0.02),
    "1.000103": (4, 0.8, 0.45, 0.03, 0.05),
    "1.000104": (6, 1.8, 0.0, 0.01, 0.01),
    "1.000105": (5, 1.5, 0.5, 0.03, 0.04),
    "1.000106": (2, 0.8, 0.3, 0.04, 0.1),
    "1.000107": (0.5, 0.5, 0.3, 0.05, 0.12),
    "1.000108": (30, 0.15, 0.0, 0.01, 0.0),
    "1.000109": (8, 0.1, 0.0, 0.01, 0.01),
    "1.000110": (2, 0.2, 0.4, 0.03, 0.05),
    "1.000111": (3, 0.2, 0.35, 0.05, 0.08),
    "1.000112": (0.5, 0.1, 0.2, 0.15, 0.2),
    "1.000113": (2, 0.6, 0.35, 0.05, 0.1),
    "1.000114": (2, 0.7, 0.4, 0.03, 0.1),
    "1.000115": (1.5, 0.6, 0.5, 0.02, 0.05),
    "1.000116": (1.5, 0.5, 0.3, 0.03, 0.08),
    "1.000117": (1, 0.5, 0.3, 0.04, 0.1),
    "1.000118": (0.3, 0.8, 0.4, 0.02, 0.03),
    "1.000119": (0.2, 0.8, 0.4, 0.02, 0.03),
    "1.000201": (8, 1.6, 0.55, 0.01, 0.12),
    "1.000202": (4, 1.6, 0.5, 0.01, 0.1),
    "1.000203": (2, 1.5, 0.6, 0.01, 0.05),
    "1.000204": (6, 1.2, 0.3, 0.05, 0.25),
    "1.000205": (1, 1.0, 0.3, 0.04, 0.15),
    "1.000206": (12, 0.9, 0.3, 0.06, 0.2),
    "1.000207": (3, 0.6, 0.2, 0.12, 0.3),
    "1.000208": (3, 0.9, 0.3, 0.05, 0.15),
    "1.000209": (2, 0.6, 0.2, 0.08, 0.25),
    "1.000210": (0.5, 1.0, 0.4, 0.02, 0.1),
    "1.000211": (0.5, 0.8, 0.3, 0.03, 0.2),
    "1.000212": (1, 0.9, 0.4, 0.02, 0.1),
    "1.000213": (3, 0.1, 0.0, 0.003, 0.0),
    "1.000214": (1, 0.5, 0.3, 0.04, 0.15),
}
# fmt: on

# field: (weight of one procedure, early, late, supplement) for procedures without their own figures.
_FIELD_DEMAND: dict[str, tuple[float, float, float, float]] = {
    "Hộ tịch": (0.4, 0.4, 0.02, 0.06),
    "Chứng thực": (0.5, 0.3, 0.02, 0.03),
    "Đất đai": (0.5, 0.25, 0.08, 0.2),
    "Xây dựng": (0.3, 0.25, 0.05, 0.2),
    "Đăng ký kinh doanh": (0.4, 0.5, 0.01, 0.1),
    "Lao động - Thương binh và Xã hội": (0.3, 0.35, 0.03, 0.1),
    "Tư pháp": (0.05, 0.4, 0.02, 0.03),
    "Văn hóa": (0.1, 0.4, 0.02, 0.05),
    "Giáo dục": (0.1, 0.3, 0.03, 0.1),
    "Công thương": (0.15, 0.4, 0.02, 0.1),
    "Y tế": (0.1, 0.3, 0.04, 0.2),
}
_DEFAULT_DEMAND = (0.05, 0.3, 0.04, 0.1)
_ONLINE_PROPENSITY = {FULL_ONLINE: 1.2, PARTIAL_ONLINE: 0.6, NOT_ONLINE: 0.0}


def catalogue_path() -> Path:
    return reference_dir() / PROCEDURES_FILE


@lru_cache(maxsize=4)
def _read(path: Path) -> tuple[CatalogueEntry, ...]:
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        if tuple(reader.fieldnames or ()) != FILE_COLUMNS:
            raise ValueError(f"{path}: expected columns {', '.join(FILE_COLUMNS)}")
        entries = tuple(
            CatalogueEntry(
                code=row["procedure_code"],
                name=row["procedure_name"],
                field=row["field"],
                level=row["level"],
                online_level=row["online_level"],
                processing_days=int(row["processing_days"]),
                source=row["source"],
            )
            for row in reader
        )
    _check(path, entries)
    return entries


def _check(path: Path, entries: tuple[CatalogueEntry, ...]) -> None:
    """Refuse a catalogue the generator would misuse: repeated codes, unknown levels, long limits."""
    seen: set[str] = set()
    for entry in entries:
        where = f"{path}: {entry.code}"
        if entry.code in seen:
            raise ValueError(f"{where}: code repeated")
        seen.add(entry.code)
        if entry.level not in LEVELS:
            raise ValueError(f"{where}: level {entry.level!r} is not one of {', '.join(LEVELS)}")
        if entry.online_level not in ONLINE_LEVELS:
            raise ValueError(f"{where}: online level {entry.online_level!r} is not one of {', '.join(ONLINE_LEVELS)}")
        if not 0 <= entry.processing_days <= MAX_PROCESSING_DAYS:
            raise ValueError(f"{where}: processing days must be within 0..{MAX_PROCESSING_DAYS}")
    missing = set(_CORE_DEMAND) - seen
    if missing:
        raise ValueError(f"{path}: core procedures missing: {', '.join(sorted(missing))}")


def load_catalogue(path: Path | None = None) -> tuple[CatalogueEntry, ...]:
    """Every row of the reference file, in file order (cached per path)."""
    return _read((path or catalogue_path()).resolve())


def _procedure(entry: CatalogueEntry) -> Procedure:
    if entry.code in _CORE_DEMAND:
        weight, online, early, late, supplement = _CORE_DEMAND[entry.code]
    else:
        weight, early, late, supplement = _FIELD_DEMAND.get(entry.field, _DEFAULT_DEMAND)
        online = _ONLINE_PROPENSITY[entry.online_level]
    if entry.online_level == NOT_ONLINE:
        online = 0.0
    if entry.processing_days == 0:
        early = 0.0  # nothing is earlier than the same day
    return Procedure(
        code=entry.code,
        name=entry.name,
        field=entry.field,
        level=entry.desk_level,
        limit_days=entry.processing_days,
        weight=weight,
        online=online,
        early=early,
        late=late,
        supplement=supplement,
        online_level=entry.online_level,
    )


@lru_cache(maxsize=8)
def full_catalogue(path: Path | None = None) -> tuple[Procedure, ...]:
    """Every procedure of the reference file, commune, district and province level."""
    return tuple(_procedure(entry) for entry in load_catalogue(path))


@lru_cache(maxsize=8)
def core_catalogue(path: Path | None = None) -> tuple[Procedure, ...]:
    """The everyday procedures only, in a fixed order: the compact catalogue of `formats="csv"`."""
    by_code = {p.code: p for p in full_catalogue(path)}
    return tuple(by_code[code] for code in _CORE_DEMAND)


def desk_catalogue(catalogue: tuple[Procedure, ...], level: str, after_reform: bool) -> tuple[Procedure, ...]:
    """What one desk handles: its level's procedures; after the 2025 reform a commune also took over
    the district's (there is no district any more)."""
    if level == "commune" and after_reform:
        return tuple(p for p in catalogue if p.level in ("commune", "district"))
    return tuple(p for p in catalogue if p.level == level)
