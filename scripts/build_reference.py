"""Rebuild the vendored administrative-unit reference in include/reference/ from PyPI wheels.

Read as data (no package is ever imported):
- `vietnam-provinces` 0.6.0: 63 provinces, 696 districts and their communes, valid until 30/06/2025;
- `vietnam-provinces` 2025.10.1: 34 provinces and 3,321 communes (no districts), valid from 01/07/2025;
- `vietnamadminunits` 1.0.4: its 2025 converter (which old units formed which new ones) and the codes
  of both structures, giving the lineage of the 01/07/2025 reform.
The hand-curated admin_unit_renames.csv lists renames that kept a code; each one splits the unit's
pre-reform row into validity intervals, one per name.

Outputs: admin_units.csv and admin_unit_lineage.csv.

Usage:
    python scripts/build_reference.py                        # downloads the wheels with pip
    python scripts/build_reference.py --wheel-dir /tmp/whl   # reuses wheels already there
    python scripts/build_reference.py --check                # fails if an output would change
"""

from __future__ import annotations

import argparse
import csv
import dataclasses
import hashlib
import io
import json
import re
import sqlite3
import subprocess
import sys
import tempfile
import unicodedata
import zipfile
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from itertools import pairwise
from pathlib import Path
from typing import Any

PROJECT_ROOT = Path(__file__).resolve().parents[1]
REFERENCE_DIR = PROJECT_ROOT / "include" / "reference"
DEFAULT_OUTPUT = REFERENCE_DIR / "admin_units.csv"
DEFAULT_LINEAGE_OUTPUT = REFERENCE_DIR / "admin_unit_lineage.csv"
DEFAULT_RENAMES = REFERENCE_DIR / "admin_unit_renames.csv"

PACKAGE = "vietnam-provinces"
PRE_REFORM_VERSION = "0.6.0"
POST_REFORM_VERSION = "2025.10.1"
PRE_REFORM_VALID_TO = "2025-06-30"
POST_REFORM_VALID_FROM = "2025-07-01"
NESTED_JSON = "vietnam_provinces/data/nested-divisions.json"

CONVERTER_PACKAGE = "vietnamadminunits"
CONVERTER_VERSION = "1.0.4"
CONVERTER_JSON = "vietnamadminunits/data/converter_2025.json"
CONVERTER_DB = "vietnamadminunits/data/dataset.db"

COLUMNS = ("unit_code", "unit_level", "unit_name", "parent_code", "province_code", "valid_from", "valid_to")
LINEAGE_COLUMNS = ("old_code", "old_level", "new_code", "new_level", "relation", "effective_on")
RENAME_COLUMNS = ("unit_code", "unit_level", "old_name", "new_name", "effective_on", "legal_basis", "source")
LEVELS = ("province", "district", "commune")
CODE_WIDTH = {"province": 2, "district": 3, "commune": 5}
SHOWN = 5  # examples printed per warning


@dataclass(frozen=True, order=True)
class UnitRow:
    """One row of admin_units.csv; field order is the sort order."""

    level_rank: int
    unit_code: str
    valid_from: str
    unit_level: str
    unit_name: str
    parent_code: str
    province_code: str
    valid_to: str

    def as_csv(self) -> list[str]:
        return [
            self.unit_code,
            self.unit_level,
            self.unit_name,
            self.parent_code,
            self.province_code,
            self.valid_from,
            self.valid_to,
        ]


@dataclass(frozen=True, order=True)
class LineageRow:
    """One row of admin_unit_lineage.csv: an old unit went (wholly or partly) into a new one."""

    old_rank: int
    old_code: str
    new_rank: int
    new_code: str
    old_level: str
    new_level: str
    relation: str
    effective_on: str

    def as_csv(self) -> list[str]:
        return [self.old_code, self.old_level, self.new_code, self.new_level, self.relation, self.effective_on]


@dataclass(frozen=True)
class Rename:
    """A change of name (and often of type) that kept the unit's code and territory."""

    unit_code: str
    unit_level: str
    old_name: str
    new_name: str
    effective_on: str
    legal_basis: str
    source: str


@dataclass(frozen=True)
class SourceUnit:
    """A unit as the converter's own dataset names and codes it."""

    level: str
    code: str
    name: str
    parent_code: str
    province_code: str


@dataclass
class LineageReport:
    """The lineage rows and every place where the converter and admin_units.csv disagree."""

    rows: list[LineageRow] = field(default_factory=list)
    unmatched_old: list[SourceUnit] = field(default_factory=list)
    unmatched_new: list[SourceUnit] = field(default_factory=list)
    old_names_differ: list[tuple[str, str, str]] = field(default_factory=list)
    new_codes_differ: list[tuple[str, str, str]] = field(default_factory=list)
    pairs_skipped: int = 0
    province_disagreements: list[str] = field(default_factory=list)
    old_without_lineage: list[UnitRow] = field(default_factory=list)
    new_without_lineage: list[UnitRow] = field(default_factory=list)


def _code(value: int | str, level: str) -> str:
    return f"{int(value):0{CODE_WIDTH[level]}d}"


def _name(value: str) -> str:
    return unicodedata.normalize("NFC", value).strip()


def _row(level: str, code: str, name: str, parent: str, province: str, valid_from: str, valid_to: str):
    return UnitRow(LEVELS.index(level), code, valid_from, level, name, parent, province, valid_to)


TONE_MARKS = frozenset("\u0300\u0301\u0303\u0309\u0323")  # grave, acute, tilde, hook above, dot below


def name_key(name: str) -> str:
    """Comparison key for names spelled with old- or new-style tone placement (Hoà = Hòa, Thuỵ = Thụy).

    Words are compared with their letters (vowel quality kept: Lang ≠ Lăng) and their tone mark, wherever
    the mark sits; case, spacing and punctuation are ignored.
    """
    words = []
    for word in re.findall(r"\w+", unicodedata.normalize("NFC", name).casefold()):
        decomposed = unicodedata.normalize("NFD", word)
        tones = "".join(ch for ch in decomposed if ch in TONE_MARKS)
        letters = unicodedata.normalize("NFC", "".join(ch for ch in decomposed if ch not in TONE_MARKS))
        words.append(letters + tones)
    return " ".join(words)


def wheel_path(wheel_dir: Path, version: str, package: str = PACKAGE) -> Path:
    """The wheel of `package` `version` in `wheel_dir`, downloaded with pip if it is not there yet."""
    pattern = f"{package.replace('-', '_')}-{version}-*.whl"
    found = sorted(wheel_dir.glob(pattern))
    if not found:
        subprocess.run(
            [
                sys.executable,
                "-m",
                "pip",
                "download",
                "--no-deps",
                "--only-binary=:all:",
                "--dest",
                str(wheel_dir),
                f"{package}=={version}",
            ],
            check=True,
        )
        found = sorted(wheel_dir.glob(pattern))
    if not found:
        raise FileNotFoundError(f"no wheel matching {pattern} in {wheel_dir}")
    return found[0]


def read_nested(wheel: Path) -> list[dict[str, Any]]:
    with zipfile.ZipFile(wheel) as archive:
        return json.loads(archive.read(NESTED_JSON).decode("utf-8"))


def pre_reform_rows(nested: list[dict[str, Any]]) -> list[UnitRow]:
    """Province > district > commune, open start, valid until 30/06/2025."""
    rows = []
    for province in nested:
        pcode = _code(province["code"], "province")
        rows.append(_row("province", pcode, _name(province["name"]), "", pcode, "", PRE_REFORM_VALID_TO))
        for district in province["districts"]:
            dcode = _code(district["code"], "district")
            name = _name(district["name"])
            rows.append(_row("district", dcode, name, pcode, pcode, "", PRE_REFORM_VALID_TO))
            for ward in district["wards"]:
                wcode = _code(ward["code"], "commune")
                name = _name(ward["name"])
                rows.append(_row("commune", wcode, name, dcode, pcode, "", PRE_REFORM_VALID_TO))
    return rows


def post_reform_rows(nested: list[dict[str, Any]]) -> list[UnitRow]:
    """Province > commune (districts abolished), valid from 01/07/2025, open end."""
    rows = []
    for province in nested:
        pcode = _code(province["code"], "province")
        rows.append(_row("province", pcode, _name(province["name"]), "", pcode, POST_REFORM_VALID_FROM, ""))
        for ward in province["wards"]:
            wcode = _code(ward["code"], "commune")
            rows.append(_row("commune", wcode, _name(ward["name"]), pcode, pcode, POST_REFORM_VALID_FROM, ""))
    return rows


# --- renames -------------------------------------------------------------------------------------------


def read_renames(path: Path) -> list[Rename]:
    """The hand-curated renames, checked: known level, padded code, ISO date before the reform, NFC text."""
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        if tuple(reader.fieldnames or ()) != RENAME_COLUMNS:
            raise ValueError(f"{path}: expected columns {','.join(RENAME_COLUMNS)}")
        renames = [Rename(**{key: row[key] for key in RENAME_COLUMNS}) for row in reader]
    for rename in renames:
        where = f"{path.name}: {rename.unit_level} {rename.unit_code}"
        if rename.unit_level not in LEVELS:
            raise ValueError(f"{where}: unknown level")
        if len(rename.unit_code) != CODE_WIDTH[rename.unit_level] or not rename.unit_code.isdigit():
            raise ValueError(f"{where}: bad code")
        try:
            iso = date.fromisoformat(rename.effective_on).isoformat()
        except ValueError:
            iso = ""
        if iso != rename.effective_on or iso >= POST_REFORM_VALID_FROM:
            raise ValueError(f"{where}: effective_on must be an ISO date before {POST_REFORM_VALID_FROM}")
        for value in dataclasses.astuple(rename):
            if value != _name(value) or not value:
                raise ValueError(f"{where}: empty, padded or non-NFC value {value!r}")
        if rename.old_name == rename.new_name:
            raise ValueError(f"{where}: old and new names are the same")
    return renames


def _day_before(iso_day: str) -> str:
    return (date.fromisoformat(iso_day) - timedelta(days=1)).isoformat()


def apply_renames(rows: list[UnitRow], renames: list[Rename]) -> list[UnitRow]:
    """Split each renamed unit's pre-reform row: each name holds from its effective day to the day before the next.

    The snapshot shows the name in force on 30/06/2025, so it must equal the last rename's new name, and the
    renames of one unit must chain (each old name is the previous new name).
    """
    chains: dict[tuple[str, str], list[Rename]] = defaultdict(list)
    for rename in renames:
        chains[(rename.unit_level, rename.unit_code)].append(rename)
    out = list(rows)
    for (level, code), chain in sorted(chains.items()):
        chain.sort(key=lambda r: r.effective_on)
        days = [r.effective_on for r in chain]
        if len(set(days)) != len(days):
            raise ValueError(f"{level} {code}: two renames on the same day")
        for before, after in pairwise(chain):
            if after.old_name != before.new_name:
                raise ValueError(f"{level} {code}: renames do not chain ({before.new_name!r} -> {after.old_name!r})")
        found = [r for r in out if (r.unit_level, r.unit_code, r.valid_from) == (level, code, "")]
        if len(found) != 1:
            raise ValueError(f"{level} {code}: renamed, but not a pre-reform unit of admin_units.csv")
        current = found[0]
        if current.unit_name != chain[-1].new_name:
            raise ValueError(
                f"{level} {code}: the snapshot names it {current.unit_name!r}, "
                f"but the last rename gives {chain[-1].new_name!r}"
            )
        names = [chain[0].old_name] + [r.new_name for r in chain]
        starts = ["", *days]
        ends = [_day_before(day) for day in days] + [current.valid_to]
        out.remove(current)
        out.extend(
            dataclasses.replace(current, unit_name=name, valid_from=start, valid_to=end)
            for name, start, end in zip(names, starts, ends, strict=True)
        )
    return out


# --- checks --------------------------------------------------------------------------------------------


def _covers(row: UnitRow, day: str) -> bool:
    return (not row.valid_from or row.valid_from <= day) and (not row.valid_to or day <= row.valid_to)


def check_structure(rows: list[UnitRow]) -> None:
    """Codes well formed, one unit per code and day, parents valid over the child's interval, names non-empty."""
    by_unit: dict[tuple[str, str], list[UnitRow]] = defaultdict(list)
    for row in rows:
        if not row.unit_name:
            raise ValueError(f"{row.unit_level} {row.unit_code} has no name")
        if len(row.unit_code) != CODE_WIDTH[row.unit_level] or not row.unit_code.isdigit():
            raise ValueError(f"bad code {row.unit_code!r} for a {row.unit_level}")
        if row.valid_from and row.valid_to and row.valid_from > row.valid_to:
            raise ValueError(f"{row.unit_level} {row.unit_code}: interval ends before it starts")
        by_unit[(row.unit_level, row.unit_code)].append(row)
    for (level, code), intervals in by_unit.items():
        intervals.sort(key=lambda r: r.valid_from)
        for earlier, later in pairwise(intervals):
            if not earlier.valid_to or earlier.valid_to >= later.valid_from:
                raise ValueError(f"{level} {code}: overlapping validity intervals from {later.valid_from}")
    for row in rows:
        if row.unit_level == "province":
            continue
        after_reform = bool(row.valid_from) and row.valid_from >= POST_REFORM_VALID_FROM
        parent_level = "province" if row.unit_level == "district" or after_reform else "district"
        parents = by_unit.get((parent_level, row.parent_code), [])
        for day in (row.valid_from, row.valid_to):
            if day and not any(_covers(parent, day) for parent in parents):
                raise ValueError(f"{row.unit_level} {row.unit_code}: parent {row.parent_code} missing on {day}")


# --- lineage of the 2025 reform -------------------------------------------------------------------------


def read_converter(wheel: Path) -> tuple[dict[str, Any], sqlite3.Connection]:
    """The converter mapping and the package's SQLite dataset (opened in memory, never extracted)."""
    with zipfile.ZipFile(wheel) as archive:
        converter = json.loads(archive.read(CONVERTER_JSON).decode("utf-8"))
        db_bytes = archive.read(CONVERTER_DB)
    db = sqlite3.connect(":memory:")
    db.deserialize(db_bytes)
    return converter, db


def source_units(
    db: sqlite3.Connection,
) -> tuple[dict[str, SourceUnit], dict[tuple[str, str], SourceUnit], dict[str, str], dict[str, str]]:
    """The converter's keys resolved through its dataset.

    Returns old units by `province_district_ward` key (island districts without communes end in `_`), new
    communes by (province key, ward key), and old and new province codes by province key.
    """
    old_units: dict[str, SourceUnit] = {}
    old_provinces: dict[str, str] = {}
    query = (
        "select provinceKey, districtKey, wardKey, provinceCode, districtCode, wardCode, district, ward "
        "from admin_units_legacy"
    )
    for pkey, dkey, wkey, pcode, dcode, wcode, dname, wname in db.execute(query):
        pcode = _code(pcode, "province")
        old_provinces[pkey] = pcode
        key = f"{pkey}_{dkey}_{wkey or ''}"
        if wcode:
            unit = SourceUnit("commune", _code(wcode, "commune"), _name(wname), _code(dcode, "district"), pcode)
        else:
            unit = SourceUnit("district", _code(dcode, "district"), _name(dname), pcode, pcode)
        if key in old_units:
            raise ValueError(f"{CONVERTER_DB}: duplicate legacy key {key}")
        old_units[key] = unit
    new_units: dict[tuple[str, str], SourceUnit] = {}
    new_provinces: dict[str, str] = {}
    query = "select provinceKey, wardKey, provinceCode, wardCode, ward from admin_units"
    for pkey, wkey, pcode, wcode, wname in db.execute(query):
        pcode = _code(pcode, "province")
        new_provinces[pkey] = pcode
        if (pkey, wkey) in new_units:
            raise ValueError(f"{CONVERTER_DB}: duplicate key {pkey}/{wkey}")
        new_units[(pkey, wkey)] = SourceUnit("commune", _code(wcode, "commune"), _name(wname), pcode, pcode)
    return old_units, new_units, old_provinces, new_provinces


def converter_pairs(converter: dict[str, Any]) -> list[tuple[str, tuple[str, str], str]]:
    """(old key, (new province key, new ward key), relation) for every old unit the converter maps.

    `DICT_PROVINCE_WARD_NO_DIVIDED` lists, per new commune, the old units that went into it whole;
    `DICT_PROVINCE_WARD_DIVIDED` lists, per old unit that was split, the new communes sharing it.
    """
    pairs = []
    for new_pkey, wards in converter["DICT_PROVINCE_WARD_NO_DIVIDED"].items():
        for new_wkey, old_keys in wards.items():
            pairs.extend((old_key, (new_pkey, new_wkey), "whole") for old_key in old_keys)
    for new_pkey, olds in converter["DICT_PROVINCE_WARD_DIVIDED"].items():
        for old_key, targets in olds.items():
            pairs.extend((old_key, (new_pkey, target["newWardKey"]), "part") for target in targets)
    relations = defaultdict(set)
    for old_key, _new, relation in pairs:
        relations[old_key].add(relation)
    mixed = sorted(key for key, found in relations.items() if len(found) > 1)
    if mixed:
        raise ValueError(f"old units both whole and split in the converter: {mixed[:SHOWN]}")
    return pairs


def build_lineage(rows: list[UnitRow], converter: dict[str, Any], db: sqlite3.Connection) -> LineageReport:
    """Lineage rows in admin_units.csv codes, and a record of what could not be matched.

    Old units are matched by code (and district, for communes): pre-reform codes are stable and both
    sources take them from the same official list; a differing name is recorded, not fatal. New communes
    are matched by name within their province, because the two sources give 123 post-reform communes
    different codes; admin_units.csv's codes win. A pair with an unmatched end is skipped and counted.
    """
    report = LineageReport()
    old_units, new_units, old_provinces, new_provinces = source_units(db)
    pre = {(r.unit_level, r.unit_code): r for r in rows if r.valid_to == PRE_REFORM_VALID_TO}
    post_by_name: dict[tuple[str, str], list[UnitRow]] = defaultdict(list)
    for row in rows:
        if row.valid_from == POST_REFORM_VALID_FROM and row.unit_level == "commune":
            post_by_name[(row.province_code, name_key(row.unit_name))].append(row)

    old_match: dict[str, UnitRow | None] = {}
    for key, unit in sorted(old_units.items()):
        found = pre.get((unit.level, unit.code))
        if found is None or found.parent_code != unit.parent_code:
            report.unmatched_old.append(unit)
            old_match[key] = None
            continue
        if name_key(found.unit_name) != name_key(unit.name):
            report.old_names_differ.append((unit.code, unit.name, found.unit_name))
        old_match[key] = found

    new_match: dict[tuple[str, str], UnitRow | None] = {}
    for key, unit in sorted(new_units.items()):
        candidates = post_by_name.get((unit.province_code, name_key(unit.name)), [])
        if len(candidates) != 1:
            report.unmatched_new.append(unit)
            new_match[key] = None
            continue
        if candidates[0].unit_code != unit.code:
            report.new_codes_differ.append((unit.code, unit.name, candidates[0].unit_code))
        new_match[key] = candidates[0]

    commune_pairs: dict[tuple[str, str, str, str], str] = {}
    for old_key, new_key, relation in converter_pairs(converter):
        if old_key not in old_match or new_key not in new_match:
            raise ValueError(f"converter key not in its own dataset: {old_key} -> {new_key}")
        old, new = old_match[old_key], new_match[new_key]
        if old is None or new is None:
            report.pairs_skipped += 1
            continue
        pair = (old.unit_level, old.unit_code, new.unit_level, new.unit_code)
        if commune_pairs.setdefault(pair, relation) != relation:
            raise ValueError(f"{pair}: both whole and part")
    for (old_level, old_code, new_level, new_code), relation in commune_pairs.items():
        report.rows.append(_lineage(old_level, old_code, new_level, new_code, relation))

    report.rows.extend(province_lineage(rows, commune_pairs, converter, old_provinces, new_provinces, report))
    report.rows.sort()
    keys = Counter((row.old_code, row.new_code) for row in report.rows)
    if max(keys.values()) > 1:
        raise ValueError("duplicate (old_code, new_code) in the lineage")

    covered_old = {(row.old_level, row.old_code) for row in report.rows}
    covered_new = {(row.new_level, row.new_code) for row in report.rows}
    for row in sorted(rows):
        if row.unit_level != "commune":
            continue
        if row.valid_to == PRE_REFORM_VALID_TO and (row.unit_level, row.unit_code) not in covered_old:
            report.old_without_lineage.append(row)
        if row.valid_from == POST_REFORM_VALID_FROM and (row.unit_level, row.unit_code) not in covered_new:
            report.new_without_lineage.append(row)
    return report


def _lineage(old_level: str, old_code: str, new_level: str, new_code: str, relation: str) -> LineageRow:
    return LineageRow(
        LEVELS.index(old_level),
        old_code,
        LEVELS.index(new_level),
        new_code,
        old_level,
        new_level,
        relation,
        POST_REFORM_VALID_FROM,
    )


def province_lineage(
    rows: list[UnitRow],
    commune_pairs: dict[tuple[str, str, str, str], str],
    converter: dict[str, Any],
    old_provinces: dict[str, str],
    new_provinces: dict[str, str],
    report: LineageReport,
) -> list[LineageRow]:
    """Old province -> new province, `whole` when all its communes went to one new province, else `part`.

    Derived from the commune lineage and checked against the converter's own province table
    (`DICT_PROVINCE`); disagreements are recorded.
    """
    province_of = {(r.unit_level, r.unit_code, r.valid_from == POST_REFORM_VALID_FROM): r.province_code for r in rows}
    derived: dict[str, set[str]] = defaultdict(set)
    for old_level, old_code, new_level, new_code in commune_pairs:
        old_province = province_of[(old_level, old_code, False)]
        derived[old_province].add(province_of[(new_level, new_code, True)])
    declared: dict[str, set[str]] = defaultdict(set)
    for new_pkey, old_pkeys in converter["DICT_PROVINCE"].items():
        for old_pkey in old_pkeys:
            declared[old_provinces[old_pkey]].add(new_provinces[new_pkey])
    for old_province in sorted(set(derived) | set(declared)):
        if derived.get(old_province) != declared.get(old_province):
            report.province_disagreements.append(
                f"{old_province}: communes go to {sorted(derived.get(old_province, ()))}, "
                f"DICT_PROVINCE says {sorted(declared.get(old_province, ()))}"
            )
    out = []
    for old_province, targets in sorted(derived.items()):
        relation = "whole" if len(targets) == 1 else "part"
        out.extend(_lineage("province", old_province, "province", target, relation) for target in sorted(targets))
    return out


# --- output --------------------------------------------------------------------------------------------


def render(rows: Iterable[UnitRow | LineageRow], columns: tuple[str, ...] = COLUMNS) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    for row in sorted(rows):
        writer.writerow(row.as_csv())
    return buffer.getvalue().encode("utf-8")


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def build(wheel_dir: Path, renames_path: Path = DEFAULT_RENAMES) -> tuple[list[UnitRow], LineageReport, dict[str, str]]:
    """Unit rows (renames applied), the lineage report, and the sha256 of each wheel read."""
    checksums = {}
    rows: list[UnitRow] = []
    for version, convert in ((PRE_REFORM_VERSION, pre_reform_rows), (POST_REFORM_VERSION, post_reform_rows)):
        wheel = wheel_path(wheel_dir, version)
        checksums[wheel.name] = _sha256(wheel)
        rows.extend(convert(read_nested(wheel)))
    check_structure(rows)
    converter_wheel = wheel_path(wheel_dir, CONVERTER_VERSION, CONVERTER_PACKAGE)
    checksums[converter_wheel.name] = _sha256(converter_wheel)
    converter, db = read_converter(converter_wheel)
    try:
        report = build_lineage(rows, converter, db)
    finally:
        db.close()
    rows = apply_renames(rows, read_renames(renames_path))
    check_structure(rows)
    return rows, report, checksums


def _warn(message: str, examples: Iterable[object]) -> None:
    shown = [str(example) for example in list(examples)[:SHOWN]]
    print(f"warning: {message}" + (f"; e.g. {'; '.join(shown)}" if shown else ""))


def print_counts(rows: list[UnitRow], report: LineageReport, checksums: dict[str, str]) -> None:
    for name, digest in checksums.items():
        print(f"read {name} sha256={digest}")
    units = {(row.valid_from == POST_REFORM_VALID_FROM, row.unit_level, row.unit_code) for row in rows}
    counts = Counter((post, level) for post, level, _code in units)
    for post, label, span in (
        (False, "pre-reform ", f"until {PRE_REFORM_VALID_TO}, province > district > commune"),
        (True, "post-reform", f"from {POST_REFORM_VALID_FROM}, province > commune"),
    ):
        parts = ", ".join(f"{counts[(post, level)]:,} {level}s" for level in LEVELS)
        print(f"{label}: {parts} ({span})")
    print(f"admin units: {len(rows):,} rows ({len(rows) - len(units)} extra intervals from renames)")

    relations = Counter((row.old_level, row.relation) for row in report.rows)
    summary = ", ".join(f"{count:,} {level} {relation}" for (level, relation), count in sorted(relations.items()))
    print(f"lineage: {len(report.rows):,} rows ({summary})")
    split = {row.old_code for row in report.rows if row.old_level == "commune" and row.relation == "part"}
    print(f"lineage: {len(split)} old communes split between several new ones")
    if report.unmatched_old:
        _warn(
            f"{len(report.unmatched_old)} old units of the converter have no pre-reform code in admin_units.csv "
            "(skipped)",
            (f"{u.code} {u.name} (district {u.parent_code})" for u in report.unmatched_old),
        )
    if report.unmatched_new:
        _warn(
            f"{len(report.unmatched_new)} new communes of the converter match no post-reform name (skipped)",
            (f"{u.code} {u.name} (province {u.province_code})" for u in report.unmatched_new),
        )
    if report.pairs_skipped:
        _warn(f"{report.pairs_skipped} converter pairs skipped for an unmatched end", ())
    if report.old_names_differ:
        _warn(
            f"{len(report.old_names_differ)} old units matched by code have another name in admin_units.csv",
            (f"{code} {theirs!r} / {ours!r}" for code, theirs, ours in report.old_names_differ),
        )
    if report.new_codes_differ:
        _warn(
            f"{len(report.new_codes_differ)} new communes matched by name have another code in admin_units.csv "
            "(admin_units.csv's code used)",
            (f"{name} {theirs} -> {ours}" for theirs, name, ours in report.new_codes_differ),
        )
    for disagreement in report.province_disagreements:
        _warn(f"province lineage: {disagreement}", ())
    if report.old_without_lineage:
        _warn(
            f"{len(report.old_without_lineage)} pre-reform units of admin_units.csv have no successor",
            (f"{r.unit_code} {r.unit_name} (district {r.parent_code})" for r in report.old_without_lineage),
        )
    if report.new_without_lineage:
        _warn(
            f"{len(report.new_without_lineage)} post-reform communes of admin_units.csv have no predecessor",
            (f"{r.unit_code} {r.unit_name}" for r in report.new_without_lineage),
        )


def _write_or_check(path: Path, content: bytes, check: bool) -> bool:
    """Write `content` to `path`, or with `check` report whether it already holds it."""
    if check:
        current = path.read_bytes() if path.exists() else b""
        if current != content:
            print(f"{path} is out of date: run scripts/build_reference.py", file=sys.stderr)
            return False
        print(f"{path} is up to date")
        return True
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    print(f"wrote {path} ({len(content):,} bytes)")
    return True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--wheel-dir", type=Path, help="folder holding (or to receive) the three wheels")
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    parser.add_argument("--lineage-output", type=Path, default=DEFAULT_LINEAGE_OUTPUT)
    parser.add_argument("--renames", type=Path, default=DEFAULT_RENAMES, help="hand-curated renames (input)")
    parser.add_argument("--check", action="store_true", help="compare with the outputs instead of writing them")
    args = parser.parse_args(argv)

    if args.wheel_dir:
        args.wheel_dir.mkdir(parents=True, exist_ok=True)
        rows, report, checksums = build(args.wheel_dir, args.renames)
    else:
        with tempfile.TemporaryDirectory(prefix="cchc-reference-") as tmp:
            rows, report, checksums = build(Path(tmp), args.renames)
    print_counts(rows, report, checksums)

    results = [
        _write_or_check(args.output, render(rows), args.check),
        _write_or_check(args.lineage_output, render(report.rows, LINEAGE_COLUMNS), args.check),
    ]
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
