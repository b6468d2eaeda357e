"""Reading back what the generator wrote, for tests that check it byte for byte or row by row."""

from __future__ import annotations

import csv
import hashlib
from datetime import datetime
from pathlib import Path

GENERATED_DATETIME = "%d/%m/%Y %H:%M"


def landing_files(landing: Path) -> dict[str, bytes]:
    """Every file under the landing zone by relative path, in a stable order."""
    return {p.relative_to(landing).as_posix(): p.read_bytes() for p in sorted(landing.rglob("*")) if p.is_file()}


def landing_digest(landing: Path) -> str:
    """sha256 over (path, bytes) of every file: pins a generator's output."""
    digest = hashlib.sha256()
    for path, data in landing_files(landing).items():
        digest.update(path.encode() + b"\0" + data + b"\0")
    return digest.hexdigest()


def csv_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def generated_datetime(text: str) -> datetime | None:
    """A generated `dd/mm/yyyy HH:MM` cell; empty means not yet (e.g. no result date)."""
    return datetime.strptime(text, GENERATED_DATETIME) if text else None


def assert_same_fixture(built: Path, committed: Path) -> None:
    """A rebuilt fixture equals the committed one: byte for byte, or part by part for a zip (.xlsx), whose
    deflate output may differ with another zlib build."""
    import zipfile

    if not zipfile.is_zipfile(committed):
        assert built.read_bytes() == committed.read_bytes(), committed.name
        return
    with zipfile.ZipFile(built) as new, zipfile.ZipFile(committed) as old:
        assert new.namelist() == old.namelist(), committed.name
        for part in old.namelist():
            assert new.read(part) == old.read(part), (committed.name, part)
