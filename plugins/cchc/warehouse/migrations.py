"""Versioned schema migrations: `include/sql/schema/NNN_name.sql`, applied once each, in order, for the
state that cannot be rebuilt: raw, staging, quarantine and audit tables, reference dimensions, roles and
row security. The derived relations are models (cchc.warehouse.models), created after the migrations.

Each file runs in its own transaction under an advisory lock, so two processes starting at once (a CLI
refresh and an Airflow task) never apply the same migration twice. A file that changed after it was
applied is an error: migrations are history, new changes get a new file. The exceptions are listed in
REVISIONS with the checksums of the texts they replaced; a warehouse that applied one of those texts is
up to date and its record takes the new checksum.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

import psycopg

from cchc.config import sql_dir

_NAME_RE = re.compile(r"^(\d{3})_[a-z0-9_]+\.sql$")

# Applied texts whose later revision left the warehouse's lasting state as it was: file name -> the
# checksums replaced.
REVISIONS: dict[str, frozenset[str]] = {
    # A citation of the design document moved to docs/design.md; comments only.
    "001_schemas.sql": frozenset({"659675f6b03f866b46f16e0e34e8c11842c8082d62689060a580efbd81b9447b"}),
    # The derived relations and functions these created moved to include/sql/models and
    # include/sql/functions; what is left is what they always created besides. (007, 011-014, 016, 021,
    # 022, 025 and 030 created derived relations only and are gone; a warehouse keeps their records.)
    "006_core.sql": frozenset({"1b00dc8c179904d901ee0aaad317e5141749ab4cbaeaad4a4c333dd73f5fc135"}),
    "015_procedures_quarters_scorecard.sql": frozenset(
        {"2a7e594a0c50ac540fe49a0ea3fd75eba0eab1100152679552f8a6919b0abc57"}
    ),
    "019_portal_statistics.sql": frozenset({"7d4f789d2ce9a74e903c72aa47adb1ec146e7cc6c0572d268ca1ca704480de30"}),
    "024_real_exports.sql": frozenset({"3e5fbdb705947e51565b481d25275c087c39ee632fd6e329dcda03b6e889cfe3"}),
    "028_submission_status.sql": frozenset({"1f558c14344ce314eecc972596d29211450564a2552e197c55481fb58fa25d4a"}),
    "029_reports.sql": frozenset({"24067b72d8bdb7720187580a4b5fe04ade7ca2789e4a1ee76bc912fd2cc62a2f"}),
}
LOCK_KEY = 0x0CC4C  # any constant shared by every process that migrates this warehouse


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
        conn.execute("select pg_advisory_xact_lock(%s)", (LOCK_KEY,))
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
                    if applied not in REVISIONS.get(migration.path.name, ()):
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
