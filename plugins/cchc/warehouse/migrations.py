"""Versioned schema migrations: `include/sql/schema/NNN_name.sql`, applied once each, in order.

Each file runs in its own transaction under an advisory lock, so two processes starting
at once (a CLI refresh and an Airflow task) never apply the same migration twice. A file that
changed after it was applied is an error: migrations are history, new changes get a new file.
The one exception is a revision of comments only, listed in COMMENT_REVISIONS with the checksum of
the text it replaced: a warehouse that applied that text is up to date and its record takes the new
checksum.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

import psycopg

from cchc.config import sql_dir

_NAME_RE = re.compile(r"^(\d{3})_[a-z0-9_]+\.sql$")

# Applied texts whose later revision changed only comments: `--` lines, and the text of a COMMENT ON
# that a later migration sets as well. Keyed by file name; values are the checksums replaced.
COMMENT_REVISIONS: dict[str, frozenset[str]] = {
    # A citation of the design document moved to docs/design.md (migration 024 re-sets the function comment).
    "001_schemas.sql": frozenset({"659675f6b03f866b46f16e0e34e8c11842c8082d62689060a580efbd81b9447b"}),
    "021_desk_counts.sql": frozenset({"8209f937af56aa26a3c39c83551621d1c248526062c19fdd4c23ea4ee4ae9807"}),
}
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
                applied = done[migration.version]
                if applied != migration.checksum:
                    if applied not in COMMENT_REVISIONS.get(migration.path.name, ()):
                        raise RuntimeError(
                            f"{migration.path.name} was changed after it was applied; add a new migration instead"
                        )
                    conn.execute(
                        "update audit.schema_migration set checksum = %s where version = %s",
                        (migration.checksum, migration.version),
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
