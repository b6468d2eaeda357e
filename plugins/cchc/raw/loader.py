"""Landing file -> `raw`: each file version is registered by checksum and copied as text.

One transaction per file. A file identical to the current version is skipped (it costs a
checksum). A new version replaces its path's rows; an unreadable new version is recorded as
rejected and the previous good version stays current, so one bad re-send never empties a unit.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import psycopg
from psycopg import sql

from cchc.raw.csv_bulk import NotPlainCsv, copy_plain_csv
from cchc.redaction import redact
from cchc.sources.csv_reader import CsvFile, UnreadableFileError
from cchc.sources.datasets import DATASETS
from cchc.sources.landing import LandingFile
from cchc.sources.readers import open_source, source_meta
from cchc.warehouse.copy_loader import copy_rows
from cchc.warehouse.sql_files import execute_file, fetch_all, qualified

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


@dataclass(frozen=True)
class FileLoad:
    relative_path: str
    file_id: int
    checksum: str
    status: str  # loaded | unchanged | rejected
    rows_read: int | None
    reason: str | None = None
    rows_skipped: int = 0
    warnings: tuple[str, ...] = ()


def load_file(conn: psycopg.Connection, item: LandingFile) -> FileLoad:
    """Load one landing file's current content into `raw`, or find it already there, or reject it.

    Each transaction holds the path's advisory lock and looks the version up again inside it: two runs
    loading the same file take turns, and the second finds the first's version instead of registering it
    twice."""
    checksum = item.checksum()
    spec = DATASETS[item.dataset]
    try:
        with conn.transaction():
            seen = _lock_and_look_up(conn, item, checksum)
            if seen and seen[0][1]:
                file_id, _current, rows_read, reason, rows_skipped, warnings = seen[0]
                return FileLoad(
                    item.relative_path, file_id, checksum, "unchanged", rows_read, reason, rows_skipped, tuple(warnings)
                )
            file_id = _register(conn, item, checksum, seen[0][0] if seen else None)
            source = open_source(item, spec)
            rows_loaded = _copy_records(conn, f"raw.{item.dataset}", spec.column_names, source, file_id)
            # Summary rows a reader skipped were read too: read = loaded + quarantined + skipped.
            rows_skipped = len(source.skipped)
            # Warnings and reasons may quote a file's header row, and a file may hold secrets by mistake.
            warnings = [redact(warning) for warning in source.warnings]
            execute_file(
                conn,
                "raw/landing_file_loaded.sql",
                {
                    "file_id": file_id,
                    "rows_read": rows_loaded + rows_skipped,
                    "rows_skipped": rows_skipped,
                    "warnings": warnings,
                    "encoding": source.encoding,
                    "delimiter": source.delimiter,
                    "file_format": source.file_format,
                    "source_meta": json.dumps(source_meta(source), ensure_ascii=False),
                },
            )
            _supersede_others(conn, item, file_id)
        return FileLoad(
            item.relative_path,
            file_id,
            checksum,
            "loaded",
            rows_loaded + rows_skipped,
            None,
            rows_skipped,
            tuple(warnings),
        )
    except (
        psycopg.OperationalError,
        psycopg.InterfaceError,
        psycopg.errors.IntegrityError,
        psycopg.errors.TransactionRollback,
    ):
        raise  # the connection or a concurrent run, not the file: the step fails and is retried
    except Exception as error:  # one file's failure, of any kind, never stops the other files
        reason = redact(error.reason if isinstance(error, UnreadableFileError) else unexpected_reason(error))
        with conn.transaction():
            seen = _lock_and_look_up(conn, item, checksum)
            file_id = _register(conn, item, checksum, seen[0][0] if seen else None)
            execute_file(conn, "raw/landing_file_rejected.sql", {"file_id": file_id, "reason": reason})
        return FileLoad(item.relative_path, file_id, checksum, "rejected", None, reason)


def _lock_and_look_up(conn: psycopg.Connection, item: LandingFile, checksum: str) -> list[tuple]:
    """Take the path's lock for the transaction; the version of this path and checksum, if registered."""
    conn.execute("select pg_advisory_xact_lock(hashtext('cchc.landing_path'), hashtext(%s))", (item.relative_path,))
    return fetch_all(conn, "raw/landing_file_version.sql", {"path": item.relative_path, "checksum": checksum})


def unexpected_reason(error: BaseException, limit: int = 300) -> str:
    """A rejection reason for an error no reader anticipated: its kind and the first line of its message,
    cut short and with control characters escaped (a message may quote the file's bytes)."""
    first = (str(error).splitlines() or [""])[0][:limit]
    shown = _CONTROL.sub(lambda match: f"\\x{ord(match.group()):02x}", first)
    return f"could not be loaded ({type(error).__name__}): {shown}"


def withdraw_missing(
    conn: psycopg.Connection, quarter: str, present: list[str], level: str | None = None
) -> list[tuple[str, int]]:
    """Retire the quarter's current files (of `level`, or all) whose path is not among `present`, the
    landing zone's paths of the quarter: their raw rows go and they stop being current, in one
    transaction. Returns (path, rows it had loaded) of each."""
    withdrawn: list[tuple[str, int]] = []
    with conn.transaction():
        missing = fetch_all(
            conn, "raw/landing_files_missing.sql", {"quarter": quarter, "level": level, "present": present}
        )
        for file_id, path, dataset, rows in missing:
            statement = sql.SQL("delete from {} where file_id = %s").format(qualified(f"raw.{dataset}"))
            conn.execute(statement, (file_id,))
            reason = "withdrawn: the file is no longer in the landing zone"
            execute_file(conn, "raw/landing_file_withdraw.sql", {"file_id": file_id, "reason": reason})
            withdrawn.append((path, int(rows)))
    return withdrawn


def _copy_records(conn: psycopg.Connection, table: str, columns: list[str], source: Any, file_id: int) -> int:
    """The file's records into its raw table: a plain CSV as blocks of text that PostgreSQL parses,
    anything else (or a CSV the bulk path turns down, whose partial COPY is rolled back) record by record."""
    if isinstance(source, CsvFile):
        try:
            with conn.transaction():
                return copy_plain_csv(conn, source, table, file_id)
        except NotPlainCsv:
            pass
    rows = ((file_id, line, *(values.get(c) for c in columns)) for line, values in source.rows())
    return copy_rows(conn, table, ("file_id", "line_number", *columns), rows)


def _register(conn: psycopg.Connection, item: LandingFile, checksum: str, file_id: int | None) -> int:
    """A landing_file row for this version, not yet current, with no raw rows."""
    if file_id is not None:
        _delete_raw_rows(conn, item, [file_id])
        execute_file(conn, "raw/landing_file_retire.sql", {"file_id": file_id})
        return file_id
    stat = item.path.stat()
    params = {
        "path": item.relative_path,
        "checksum": checksum,
        "size_bytes": stat.st_size,
        "modified_at": datetime.fromtimestamp(stat.st_mtime, tz=UTC),
        "unit_level": item.unit_level,
        "unit_code": item.unit_code,
        "quarter": item.quarter,
        "dataset": item.dataset,
        "file_format": item.file_format,
    }
    return fetch_all(conn, "raw/landing_file_register.sql", params)[0][0]


def _supersede_others(conn: psycopg.Connection, item: LandingFile, file_id: int) -> None:
    rows = fetch_all(conn, "raw/landing_file_supersede.sql", {"path": item.relative_path, "file_id": file_id})
    if rows:
        _delete_raw_rows(conn, item, [row[0] for row in rows])


def _delete_raw_rows(conn: psycopg.Connection, item: LandingFile, file_ids: list[int]) -> None:
    statement = sql.SQL("delete from {} where file_id = any(%s)").format(qualified(f"raw.{item.dataset}"))
    conn.execute(statement, (file_ids,))
