"""Landing file -> `raw`: each file version is registered by checksum and copied as text.

One transaction per file. A file identical to the current version is skipped (it costs a
checksum). A new version replaces its path's rows; an unreadable new version is recorded as
rejected and the previous good version stays current, so one bad re-send never empties a unit.
"""

from __future__ import annotations

from dataclasses import dataclass

import psycopg
from psycopg import sql

from cchc.sources.csv_reader import UnreadableFileError, read_csv
from cchc.sources.datasets import DATASETS
from cchc.sources.landing import LandingFile
from cchc.warehouse.copy_loader import copy_rows
from cchc.warehouse.sql_files import qualified


@dataclass(frozen=True)
class FileLoad:
    relative_path: str
    file_id: int
    checksum: str
    status: str  # loaded | unchanged | rejected
    rows_read: int | None
    reason: str | None = None


def load_file(conn: psycopg.Connection, item: LandingFile) -> FileLoad:
    checksum = item.checksum()
    existing = conn.execute(
        "select file_id, is_current, rows_read, reason from raw.landing_file "
        "where path = %s and checksum = %s",
        (item.relative_path, checksum),
    ).fetchone()
    conn.rollback()
    if existing and existing[1]:
        file_id, _current, rows_read, reason = existing
        return FileLoad(item.relative_path, file_id, checksum, "unchanged", rows_read, reason)

    spec = DATASETS[item.dataset]
    try:
        with conn.transaction():
            file_id = _register(conn, item, checksum, existing[0] if existing else None)
            source = read_csv(item.path, spec)
            columns = spec.column_names
            rows = ((file_id, line, *(values.get(c) for c in columns)) for line, values in source.rows())
            rows_read = copy_rows(conn, f"raw.{item.dataset}", ("file_id", "line_number", *columns), rows)
            conn.execute(
                """update raw.landing_file set status = 'loaded', reason = null, rows_read = %s,
                       encoding = %s, delimiter = %s, is_current = true
                   where file_id = %s""",
                (rows_read, source.encoding, source.delimiter, file_id),
            )
            _supersede_others(conn, item, file_id)
        return FileLoad(item.relative_path, file_id, checksum, "loaded", rows_read)
    except UnreadableFileError as error:
        with conn.transaction():
            file_id = _register(conn, item, checksum, existing[0] if existing else None)
            conn.execute(
                "update raw.landing_file set status = 'rejected', reason = %s, is_current = false "
                "where file_id = %s",
                (error.reason, file_id),
            )
        return FileLoad(item.relative_path, file_id, checksum, "rejected", None, error.reason)


def _register(conn: psycopg.Connection, item: LandingFile, checksum: str, file_id: int | None) -> int:
    """A landing_file row for this version, not yet current, with no raw rows."""
    if file_id is not None:
        conn.execute(sql.SQL("delete from {} where file_id = %s").format(_raw_table(item)), (file_id,))
        conn.execute("update raw.landing_file set is_current = false where file_id = %s", (file_id,))
        return file_id
    return conn.execute(
        """insert into raw.landing_file
               (path, checksum, size_bytes, unit_level, unit_code, quarter, dataset, file_format,
                status, is_current)
           values (%s, %s, %s, %s, %s, %s, %s, %s, 'loaded', false)
           returning file_id""",
        (
            item.relative_path,
            checksum,
            item.path.stat().st_size,
            item.unit_level,
            item.unit_code,
            item.quarter,
            item.dataset,
            item.file_format,
        ),
    ).fetchone()[0]


def _supersede_others(conn: psycopg.Connection, item: LandingFile, file_id: int) -> None:
    old_ids = [
        row[0]
        for row in conn.execute(
            "update raw.landing_file set is_current = false where path = %s and file_id <> %s and is_current "
            "returning file_id",
            (item.relative_path, file_id),
        ).fetchall()
    ]
    if old_ids:
        conn.execute(sql.SQL("delete from {} where file_id = any(%s)").format(_raw_table(item)), (old_ids,))


def _raw_table(item: LandingFile) -> sql.Composed:
    return qualified(f"raw.{item.dataset}")
