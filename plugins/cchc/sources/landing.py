"""The landing-zone contract: `<level>/<unit_code>/<YYYYQn>/<dataset>.<csv|xlsx|json>`.

Discovery walks the whole tree so that a misplaced file is reported by name with the reason
instead of being skipped in silence; files of other quarters are simply not this run's business.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from cchc.quarters import Quarter
from cchc.sources.datasets import DATASETS

LEVELS = {"province": 2, "district": 3, "commune": 5}
FORMATS = ("csv", "xlsx", "json")
KNOWN_DATASETS = tuple(DATASETS)
_QUARTER_RE = re.compile(r"^\d{4}Q[1-4]$")


@dataclass(frozen=True)
class LandingFile:
    path: Path
    relative_path: str
    unit_level: str
    unit_code: str
    quarter: str
    dataset: str
    file_format: str

    def checksum(self) -> str:
        digest = hashlib.sha256()
        with self.path.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
        return digest.hexdigest()


@dataclass(frozen=True)
class LandingProblem:
    relative_path: str
    reason: str


def parse_landing_path(root: Path, path: Path) -> LandingFile | LandingProblem:
    """Check one file against the contract."""
    relative = path.relative_to(root).as_posix()
    parts = relative.split("/")
    if len(parts) != 4:
        return LandingProblem(relative, "expected <level>/<unit_code>/<YYYYQn>/<dataset>.<csv|xlsx|json>")
    level, unit_code, quarter, filename = parts
    if level not in LEVELS:
        return LandingProblem(relative, f"unknown level {level!r}; expected one of {', '.join(LEVELS)}")
    if not (unit_code.isdigit() and len(unit_code) == LEVELS[level]):
        return LandingProblem(relative, f"a {level} code is {LEVELS[level]} digits (zero-padded), got {unit_code!r}")
    if not _QUARTER_RE.match(quarter):
        return LandingProblem(relative, f"quarter folder must look like 2024Q2, got {quarter!r}")
    stem, dot, extension = filename.rpartition(".")
    if not dot or extension.lower() not in FORMATS:
        return LandingProblem(relative, f"file type must be one of {', '.join(FORMATS)}")
    if stem not in KNOWN_DATASETS:
        return LandingProblem(relative, f"unknown dataset {stem!r}; expected one of {', '.join(KNOWN_DATASETS)}")
    return LandingFile(path, relative, level, unit_code, quarter, stem, extension.lower())


def discover(root: Path, quarter: Quarter) -> tuple[list[LandingFile], list[LandingProblem]]:
    """This quarter's loadable files, and every problem anywhere in the landing zone."""
    if not root.is_dir():
        raise FileNotFoundError(f"landing zone {root} does not exist")
    files: list[LandingFile] = []
    problems: list[LandingProblem] = []
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        if path.name.startswith("."):
            continue
        parsed = parse_landing_path(root, path)
        if isinstance(parsed, LandingProblem):
            problems.append(parsed)
        elif parsed.quarter == str(quarter):
            files.append(parsed)
    return _drop_conflicts(files, problems)


def _drop_conflicts(
    files: Iterable[LandingFile], problems: list[LandingProblem]
) -> tuple[list[LandingFile], list[LandingProblem]]:
    """Two files for one unit, quarter and dataset (e.g. .csv and .xlsx) cannot both be right."""
    by_key: dict[tuple[str, str, str, str], list[LandingFile]] = {}
    for item in files:
        by_key.setdefault((item.unit_level, item.unit_code, item.quarter, item.dataset), []).append(item)
    kept: list[LandingFile] = []
    for group in by_key.values():
        if len(group) == 1:
            kept.append(group[0])
            continue
        names = ", ".join(item.relative_path for item in group)
        problems.extend(
            LandingProblem(item.relative_path, f"more than one file for the same dataset: {names}") for item in group
        )
    return kept, problems
