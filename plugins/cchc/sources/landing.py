"""The landing-zone contract: `<level>/<unit_code>/<YYYYQn>/<dataset>.<csv|xls|xlsx|json>`.

Discovery walks the whole tree so that a misplaced file is reported by name with the reason
instead of being skipped in silence. Files of other quarters are not this run's business, and
neither are the problems of files under another quarter's folder: the refresh of that quarter
reports them. A misplaced file under no quarter folder is reported by every refresh. The extension
only has to be one of these; what the file is, CSV text, an Excel workbook, an HTML table or JSON,
its content decides (`cchc.sources.file_forms`).

One file in a unit's quarter folder is not a dataset: `dossiers.statistics.json`, the portal's own
counts of the quarter, written by `cchc fetch-portal` beside `dossiers.json`:

    {"source": "portal", "unit_code": "20194", "quarter": "2024Q2",
     "fetched_at": "2024-07-01T06:00:00+07:00", "dossiers_sha256": "<SHA-256 of dossiers.json>",
     "counts": {"carried_over": 0, "received": 40, ..., "returned_by_post": 11}}

`counts` holds every name of STATISTICS_MEASURES, each a whole number >= 0, counted by the rules of
mart.unit_quarter_indicators. Discovery neither loads it nor reports it; a malformed one of the
quarter is reported like a misplaced file. `discover_statistics` reads the quarter's side files
for reconciliation.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from cchc.quarters import Quarter
from cchc.sources.datasets import DATASETS

LEVELS = {"province": 2, "district": 3, "commune": 5}
FORMATS = ("csv", "xls", "xlsx", "json")
KNOWN_DATASETS = tuple(DATASETS)
# Whole names, ASCII digits only: `\d` would take Thai or Arabic digits and `$` a trailing newline.
_QUARTER_RE = re.compile(r"\A[0-9]{4}Q[1-4]\Z")
_CODE_RE = re.compile(r"\A[0-9]+\Z")
_SHA256_RE = re.compile(r"^[0-9a-f]{64}$")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")

STATISTICS_FILE = "dossiers.statistics.json"
# The portal's counts, named and counted as the columns of mart.unit_quarter_indicators.
STATISTICS_MEASURES = (
    "carried_over",
    "received",
    "received_online",
    "received_direct",
    "received_postal",
    "resolved",
    "resolved_early",
    "resolved_on_time",
    "resolved_late",
    "pending",
    "pending_overdue",
    "returned_by_post",
)
STATISTICS_KEYS = ("source", "unit_code", "quarter", "fetched_at", "dossiers_sha256", "counts")
MAX_STATISTICS_BYTES = 1 << 20


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


@dataclass(frozen=True)
class PortalStatistics:
    """One `dossiers.statistics.json`, read and checked; `checksum` is the SHA-256 of its bytes."""

    path: Path
    relative_path: str
    unit_level: str
    unit_code: str
    quarter: str
    checksum: str
    fetched_at: datetime
    dossiers_checksum: str
    counts: Mapping[str, int]


def _placement(root: Path, path: Path) -> tuple[str, str, str, str, str] | LandingProblem:
    """(relative path, level, unit code, quarter, file name) if the folders keep the contract."""
    relative = path.relative_to(root).as_posix()
    parts = relative.split("/")
    if len(parts) != 4:
        return LandingProblem(relative, "expected <level>/<unit_code>/<YYYYQn>/<dataset>.<csv|xls|xlsx|json>")
    level, unit_code, quarter, filename = parts
    if level not in LEVELS:
        return LandingProblem(relative, f"unknown level {level!r}; expected one of {', '.join(LEVELS)}")
    if not (_CODE_RE.match(unit_code) and len(unit_code) == LEVELS[level]):
        return LandingProblem(relative, f"a {level} code is {LEVELS[level]} digits (zero-padded), got {unit_code!r}")
    if not _QUARTER_RE.match(quarter):
        return LandingProblem(relative, f"quarter folder must look like 2024Q2, got {quarter!r}")
    return relative, level, unit_code, quarter, filename


def parse_landing_path(root: Path, path: Path) -> LandingFile | LandingProblem:
    """Check one file against the contract."""
    placed = _placement(root, path)
    if isinstance(placed, LandingProblem):
        return placed
    relative, level, unit_code, quarter, filename = placed
    stem, dot, extension = filename.rpartition(".")
    if not dot or extension.lower() not in FORMATS:
        return LandingProblem(relative, f"file type must be one of {', '.join(FORMATS)}")
    if stem not in KNOWN_DATASETS:
        return LandingProblem(relative, f"unknown dataset {stem!r}; expected one of {', '.join(KNOWN_DATASETS)}")
    return LandingFile(path, relative, level, unit_code, quarter, stem, extension.lower())


def quarter_of(relative_path: str) -> str | None:
    """The quarter folder a landing path lies under (its first `YYYYQn` folder), or None."""
    for part in relative_path.split("/")[:-1]:
        if _QUARTER_RE.match(part):
            return part
    return None


def discover(root: Path, quarter: Quarter) -> tuple[list[LandingFile], list[LandingProblem]]:
    """This quarter's loadable files, and the problems of this quarter's folders and of files under
    no quarter folder; a problem under another quarter's folder is that quarter's to report."""
    if not root.is_dir():
        raise FileNotFoundError(f"landing zone {root} does not exist")
    files: list[LandingFile] = []
    problems: list[LandingProblem] = []
    for path, odd in _entries(root):
        if odd is not None:
            relative = path.relative_to(root).as_posix()
            if quarter_of(relative) in (None, str(quarter)):
                problems.append(LandingProblem(relative, odd))
            continue
        if path.name == STATISTICS_FILE:
            problem = _statistics_problem(root, path, quarter)
            if problem and quarter_of(problem.relative_path) in (None, str(quarter)):
                problems.append(problem)
            continue
        parsed = parse_landing_path(root, path)
        if isinstance(parsed, LandingProblem):
            if quarter_of(parsed.relative_path) in (None, str(quarter)):
                problems.append(parsed)
        elif parsed.quarter == str(quarter):
            files.append(parsed)
    return _drop_conflicts(files, problems)


def _entries(root: Path) -> list[tuple[Path, str | None]]:
    """Every entry below `root` but its folders, sorted: (path, None) for a file to consider, (path, why
    not) for a link (never followed: the landing zone must not reach outside itself), anything that is
    not a regular file, and a hidden file."""
    found: list[tuple[Path, str | None]] = []
    for folder, folders, names in os.walk(root, followlinks=False):
        here = Path(folder)
        for name in list(folders):
            if (here / name).is_symlink():
                found.append((here / name, "a link to a folder: links are not followed out of the landing zone"))
                folders.remove(name)
        for name in names:
            path = here / name
            if path.is_symlink():
                found.append((path, "a link: the landing zone takes files, not links to them"))
            elif not path.is_file():
                found.append((path, "not a regular file (a pipe, socket or device)"))
            elif name.startswith("."):
                found.append((path, "a hidden file: exports are named <dataset>.<csv|xls|xlsx|json>"))
            else:
                found.append((path, None))
    return sorted(found)


def shown(text: str) -> str:
    """A path or name as it may be shown in a message: control characters escaped, so a name with a line
    break cannot forge a line."""
    return _CONTROL.sub(lambda match: f"\\x{ord(match.group()):02x}", text)


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


# --- the portal's statistics ------------------------------------------------------------------------


def statistics_counts_problem(counts: Any) -> str | None:
    """Why `counts` is not a {measure: whole number >= 0} object of every STATISTICS_MEASURES, or None.

    Counts under other names are ignored: the portal may count more than the warehouse compares.
    """
    if not isinstance(counts, dict):
        return f"'counts' is a {type(counts).__name__}, not an object"
    missing = [name for name in STATISTICS_MEASURES if name not in counts]
    if missing:
        return "'counts' lacks " + ", ".join(repr(name) for name in missing)
    for name in STATISTICS_MEASURES:
        value = counts[name]
        if not (isinstance(value, int) and not isinstance(value, bool) and value >= 0):
            return f"count {name!r} is {value!r}, not a whole number >= 0"
    return None


def read_statistics(root: Path, path: Path) -> PortalStatistics | LandingProblem:
    """One side file, checked against its place and the format above; a problem says what is wrong."""
    placed = _placement(root, path)
    if isinstance(placed, LandingProblem):
        return placed
    relative, level, unit_code, quarter, _filename = placed

    def problem(reason: str) -> LandingProblem:
        return LandingProblem(relative, f"portal statistics: {reason}")

    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_STATISTICS_BYTES + 1)
    except OSError as error:
        return problem(f"cannot be read: {error.strerror or error}")
    if len(data) > MAX_STATISTICS_BYTES:
        return problem(f"larger than {MAX_STATISTICS_BYTES >> 20} MiB")
    try:
        document = json.loads(data.decode("utf-8"), parse_constant=_reject_constant)
    except (ValueError, UnicodeDecodeError) as error:
        return problem(f"not JSON: {error}")
    if not isinstance(document, dict):
        return problem(f"expected a JSON object, got {type(document).__name__}")
    missing = [key for key in STATISTICS_KEYS if key not in document]
    if missing:
        return problem("missing " + ", ".join(repr(key) for key in missing))
    if document["source"] != "portal":
        return problem(f"'source' is {document['source']!r}, expected 'portal'")
    if document["unit_code"] != unit_code or document["quarter"] != quarter:
        return problem(
            f"about unit {document['unit_code']!r} quarter {document['quarter']!r}, "
            f"but it lies in the folder of {unit_code} {quarter}"
        )
    fetched_at = _aware_datetime(document["fetched_at"])
    if fetched_at is None:
        return problem(f"'fetched_at' is {document['fetched_at']!r}, not an ISO date-time with an offset")
    if not (isinstance(document["dossiers_sha256"], str) and _SHA256_RE.match(document["dossiers_sha256"])):
        return problem(f"'dossiers_sha256' is {document['dossiers_sha256']!r}, not a SHA-256 in hex")
    reason = statistics_counts_problem(document["counts"])
    if reason:
        return problem(reason)
    return PortalStatistics(
        path=path,
        relative_path=relative,
        unit_level=level,
        unit_code=unit_code,
        quarter=quarter,
        checksum=hashlib.sha256(data).hexdigest(),
        fetched_at=fetched_at,
        dossiers_checksum=document["dossiers_sha256"],
        counts={name: document["counts"][name] for name in STATISTICS_MEASURES},
    )


def _statistics_problem(root: Path, path: Path, quarter: Quarter) -> LandingProblem | None:
    """Not a dataset: only its place, and the content of this quarter's, can be wrong."""
    placed = _placement(root, path)
    if isinstance(placed, LandingProblem):
        return placed
    _relative, _level, _unit_code, folder_quarter, _filename = placed
    if folder_quarter != str(quarter):
        return None
    read = read_statistics(root, path)
    return read if isinstance(read, LandingProblem) else None


def discover_statistics(root: Path, quarter: Quarter) -> tuple[list[PortalStatistics], list[LandingProblem]]:
    """The quarter's portal statistics side files that read well, and those that do not (a landing
    zone that does not exist holds none: reconciliation may run where no files are)."""
    if not root.is_dir():
        return [], []
    found: list[PortalStatistics] = []
    problems: list[LandingProblem] = []
    for path in sorted(root.glob(f"*/*/{quarter}/{STATISTICS_FILE}")):
        if not path.is_file():
            continue
        read = read_statistics(root, path)
        if isinstance(read, LandingProblem):
            problems.append(read)
        else:
            found.append(read)
    return found, problems


def _aware_datetime(value: object) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else None


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")
