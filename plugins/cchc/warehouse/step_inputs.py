"""Fingerprints of what a quarter's partitions were built from, so that a rerun with the same inputs
skips the work instead of redoing it.

A fingerprint hashes everything a step's output depends on: the file versions it reads (by id and
SHA-256), the fingerprints of the steps before it, its parameters, and the text of its SQL, suites and
code. It is recorded in `audit.step_input` in the same transaction as the partition it describes, so
the record can never claim a build that was rolled back.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import Any

import psycopg

from cchc.config import expectations_dir, reference_dir, sql_dir
from cchc.warehouse.models import FUNCTIONS_DIR, load_models
from cchc.warehouse.sql_files import execute_file, fetch_all

PACKAGE_DIR = Path(__file__).resolve().parents[1]


def fingerprint(*parts: Any) -> str:
    """SHA-256 of the parts as canonical JSON (dates, decimals and timestamps through str())."""
    text = json.dumps(parts, sort_keys=True, default=str, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def files_digest(paths: Iterable[Path]) -> str:
    """SHA-256 over the names and contents of `paths` (sorted), e.g. a step's SQL files."""
    digest = hashlib.sha256()
    for path in sorted(paths):
        digest.update(path.name.encode("utf-8") + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


@cache
def code_digest(kind: str) -> str:
    """Digest of the SQL, suites, reference files and modules one kind of step reads; a change to
    any of them (a fixed parser, a new expectation, a migration) invalidates what was built before."""
    sql = sql_dir()
    schema = [*(sql / "schema").glob("*.sql")]
    functions = [*(sql / FUNCTIONS_DIR).glob("*.sql")]
    sources = {
        "stage": [
            *schema,
            *expectations_dir().glob("*.json"),
            *(sql / "staging").glob("*.sql"),
            *(PACKAGE_DIR / "sources").glob("*.py"),
            PACKAGE_DIR / "quality" / "expectations.py",
            PACKAGE_DIR / "staging.py",
        ],
        "core": [
            *schema,
            *_model_files("build_core"),
            *functions,
            *(sql / "core").glob("*.sql"),
            *reference_dir().rglob("*.csv"),
        ],
        "marts": [*_model_files("build_marts"), *functions, PACKAGE_DIR / "indicators.py"],
        "reconcile": [*_model_files("reconcile"), *functions, PACKAGE_DIR / "quality" / "reconciliation.py"],
    }[kind]
    return files_digest(path for path in sources if path.is_file())


def _model_files(step: str) -> list[Path]:
    """The definitions and build queries of the models `step` fills."""
    return [path for model in load_models().values() if model.built_by == step for path in model.folder.glob("*.sql")]


def inputs_up_to(conn: psycopg.Connection, step: str, quarter: str) -> list[tuple[str, str, str]]:
    """The recorded fingerprints of `step` for every quarter up to `quarter`."""
    return [tuple(row) for row in fetch_all(conn, "audit/step_inputs_up_to.sql", {"step": step, "quarter": quarter})]


def recorded(conn: psycopg.Connection, quarter: str, step: str, scope: str) -> tuple[str, str] | None:
    """(fingerprint, run_id) of the partition in force, or None if it was never recorded."""
    rows = fetch_all(conn, "audit/step_input_get.sql", {"quarter": quarter, "step": step, "scope": scope})
    return (rows[0][0], rows[0][1]) if rows else None


def record(conn: psycopg.Connection, quarter: str, step: str, scope: str, value: str, run_id: str) -> None:
    """Record the fingerprint of a partition just built; call inside the transaction that built it."""
    execute_file(
        conn,
        "audit/step_input_record.sql",
        {"quarter": quarter, "step": step, "scope": scope, "fingerprint": value, "run_id": run_id},
    )
