"""Rebuild include/reference/admin_units.csv from the `vietnam-provinces` wheels on PyPI.

Two snapshots of the administrative structure are read as data (the packages are never imported):
- 0.6.0: 63 provinces, 696 districts and their communes, valid until 30/06/2025;
- 2025.10.1: 34 provinces and 3,321 communes (no districts), valid from 01/07/2025.

Usage:
    python scripts/build_reference.py                        # downloads both wheels with pip
    python scripts/build_reference.py --wheel-dir /tmp/whl   # reuses wheels already there
    python scripts/build_reference.py --check                # fails if the CSV would change
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import json
import subprocess
import sys
import tempfile
import unicodedata
import zipfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

PROJECT_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_OUTPUT = PROJECT_ROOT / "include" / "reference" / "admin_units.csv"

PACKAGE = "vietnam-provinces"
PRE_REFORM_VERSION = "0.6.0"
POST_REFORM_VERSION = "2025.10.1"
PRE_REFORM_VALID_TO = "2025-06-30"
POST_REFORM_VALID_FROM = "2025-07-01"
NESTED_JSON = "vietnam_provinces/data/nested-divisions.json"

COLUMNS = ("unit_code", "unit_level", "unit_name", "parent_code", "province_code", "valid_from", "valid_to")
LEVELS = ("province", "district", "commune")
CODE_WIDTH = {"province": 2, "district": 3, "commune": 5}


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


def _code(value: int, level: str) -> str:
    return f"{int(value):0{CODE_WIDTH[level]}d}"


def _name(value: str) -> str:
    return unicodedata.normalize("NFC", value).strip()


def _row(level: str, code: str, name: str, parent: str, province: str, valid_from: str, valid_to: str):
    return UnitRow(LEVELS.index(level), code, valid_from, level, name, parent, province, valid_to)


def wheel_path(wheel_dir: Path, version: str) -> Path:
    """The wheel of `version` in `wheel_dir`, downloaded with pip if it is not there yet."""
    pattern = f"vietnam_provinces-{version}-*.whl"
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
                f"{PACKAGE}=={version}",
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


def check_structure(rows: list[UnitRow]) -> None:
    """Codes unique per level and period, parents present in the same period, names non-empty."""
    for period in ("", POST_REFORM_VALID_FROM):
        members = [row for row in rows if row.valid_from == period]
        keys = Counter((row.unit_level, row.unit_code) for row in members)
        duplicated = [key for key, count in keys.items() if count > 1]
        if duplicated:
            raise ValueError(f"duplicate codes in period {period or 'pre-reform'}: {duplicated[:5]}")
        parent_level = {"district": "province", "commune": "district" if period == "" else "province"}
        for row in members:
            if not row.unit_name:
                raise ValueError(f"{row.unit_level} {row.unit_code} has no name")
            if len(row.unit_code) != CODE_WIDTH[row.unit_level] or not row.unit_code.isdigit():
                raise ValueError(f"bad code {row.unit_code!r} for a {row.unit_level}")
            if row.unit_level != "province" and (parent_level[row.unit_level], row.parent_code) not in keys:
                raise ValueError(f"{row.unit_level} {row.unit_code}: parent {row.parent_code} missing")


def render(rows: list[UnitRow]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    for row in sorted(rows):
        writer.writerow(row.as_csv())
    return buffer.getvalue().encode("utf-8")


def build(wheel_dir: Path) -> tuple[list[UnitRow], dict[str, str]]:
    """All rows, and the sha256 of each wheel read."""
    checksums = {}
    rows: list[UnitRow] = []
    for version, convert in ((PRE_REFORM_VERSION, pre_reform_rows), (POST_REFORM_VERSION, post_reform_rows)):
        wheel = wheel_path(wheel_dir, version)
        checksums[wheel.name] = hashlib.sha256(wheel.read_bytes()).hexdigest()
        rows.extend(convert(read_nested(wheel)))
    check_structure(rows)
    return rows, checksums


def print_counts(rows: list[UnitRow], checksums: dict[str, str]) -> None:
    for name, digest in checksums.items():
        print(f"read {name} sha256={digest}")
    counts = Counter((row.valid_from == POST_REFORM_VALID_FROM, row.unit_level) for row in rows)
    for post, label, span in (
        (False, "pre-reform ", f"until {PRE_REFORM_VALID_TO}, province > district > commune"),
        (True, "post-reform", f"from {POST_REFORM_VALID_FROM}, province > commune"),
    ):
        parts = ", ".join(f"{counts[(post, level)]:,} {level}s" for level in LEVELS)
        print(f"{label}: {parts} ({span})")
    print(f"total rows: {len(rows):,}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--wheel-dir", type=Path, help="folder holding (or to receive) the two wheels")
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    parser.add_argument("--check", action="store_true", help="compare with --output instead of writing it")
    args = parser.parse_args(argv)

    if args.wheel_dir:
        args.wheel_dir.mkdir(parents=True, exist_ok=True)
        rows, checksums = build(args.wheel_dir)
    else:
        with tempfile.TemporaryDirectory(prefix="cchc-reference-") as tmp:
            rows, checksums = build(Path(tmp))
    content = render(rows)
    print_counts(rows, checksums)

    if args.check:
        current = args.output.read_bytes() if args.output.exists() else b""
        if current != content:
            print(f"{args.output} is out of date: run scripts/build_reference.py", file=sys.stderr)
            return 1
        print(f"{args.output} is up to date")
        return 0
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_bytes(content)
    print(f"wrote {args.output} ({len(content):,} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
