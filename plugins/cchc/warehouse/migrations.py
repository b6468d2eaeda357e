"""Versioned schema migrations: `include/sql/schema/NNN_name.sql`, applied once each, in order.

Each file runs in its own transaction under an advisory lock, so two processes starting
at once (a CLI refresh and an Airflow task) never apply the same migration twice. A file that
changed after it was applied is an error: migrations are history, new changes get a new file.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

import psycopg

from cchc.config import sql_dir

_NAME_RE = re.compile(r"^(\d{3})_[a-z0-9_]+\.sql$")
_LOCK_KEY = 0x0CC4C  # any constant shared by every process that migrates this warehouse


@dataclass(frozen=True)
class Migration:
    version: int
    path: Path

    @property
    def checksum(self) -> str:
        return hashlib.sha256(self.path.read_bytes()).hexdigest()


def list_migrations(folder: Path | None = None) -> list[Migration]:
    folder = folder or sql_dir() / "schema"
    found = []
    for path in sorted(folder.glob("*.sql")):
        match = _NAME_RE.match(path.name)
        if not match:
            raise ValueError(f"{path}: migration files are named NNN_lower_case.sql")
        found.append(Migration(int(match.group(1)), path))
    versions = [m.version for m in found]
    if len(set(versions)) != len(versions):
        raise ValueError(f"duplicate migration numbers in {folder}")
    return found


def migrate(conn: psycopg.Connection, folder: Path | None = None) -> list[str]:
    """Apply pending migrations; returns the names applied."""
    applied_now: list[str] = []
    with conn.transaction():
        conn.execute("select pg_advisory_xact_lock(%s)", (_LOCK_KEY,))
        conn.execute("create schema if not exists audit")
        conn.execute(
            """create table if not exists audit.schema_migration (
                   version integer primary key,
                   name text not null,
                   checksum text not null,
                   applied_at timestamptz not null default now())"""
        )
        done = dict(conn.execute("select version, checksum from audit.schema_migration").fetchall())
        for migration in list_migrations(folder):
            if migration.version in done:
                if done[migration.version] != migration.checksum:
                    raise RuntimeError(
                        f"{migration.path.name} was changed after it was applied; add a new migration instead"
                    )
                continue
            with conn.transaction():
                conn.execute(migration.path.read_text(encoding="utf-8"))
                conn.execute(
                    "insert into audit.schema_migration (version, name, checksum) values (%s, %s, %s)",
                    (migration.version, migration.path.name, migration.checksum),
                )
            applied_now.append(migration.path.name)
    return applied_now
