"""The front door as the README gives it: the `cchc` commands of `make demo`, run as processes on a real
warehouse, with their exit codes and output, the figures recounted here from the landing files with
nothing of the pipeline's code; and the order in which the warehouse is looked up."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
from collections import Counter
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import pytest

from tests.support.recount import recount_export

pytestmark = pytest.mark.integration

DISTRICT = "868"  # Thành phố Hồng Ngự, Đồng Tháp, with its communes
Q2_FIRST, Q2_LAST = datetime(2024, 4, 1).date(), datetime(2024, 6, 30).date()


def cchc(*args: str, **env: str) -> subprocess.CompletedProcess:
    """`cchc ARGS`, or `cchc-sample ARGS` when the first is --sample (the demo's other command)."""
    environment = {**os.environ, "GX_ANALYTICS_ENABLED": "False", **env}
    program = ["-m", "cchc_sample.cli"] if args[:1] == ("--sample",) else ["-m", "cchc.cli"]
    arguments = args[1:] if args[:1] == ("--sample",) else args
    return subprocess.run(
        [sys.executable, *program, *arguments], env=environment, capture_output=True, text=True, timeout=900
    )


def test_the_demos_commands_as_a_user_runs_them(warehouse_db: str, tmp_path: Path) -> None:
    landing, reports = tmp_path / "landing", tmp_path / "reports"
    env = {"WAREHOUSE_URL": warehouse_db, "CCHC_LANDING": str(landing)}
    made = cchc("--sample", "--province", "87", "--from", "2024Q1", "--to", "2024Q2", "--district", DISTRICT,
                "--formats", "csv", "--per-unit", "8", **env)  # fmt: skip
    assert made.returncode == 0, made.stderr
    assert cchc("warehouse-url", **env).stdout.strip() == warehouse_db
    migrated = cchc("migrate", **env)
    assert migrated.returncode == 0 and "migrations applied: none (up to date)" in migrated.stdout, migrated.stderr
    for quarter in ("2024Q1", "2024Q2"):
        refreshed = cchc("refresh", "--quarter", quarter, **env)
        assert refreshed.returncode == 0, refreshed.stderr[-3000:]
        assert f"{quarter} refreshed" in refreshed.stderr

    shown = cchc("show", "--quarter", "2024Q2", "--province", "87", "--level", "commune", "--format", "csv", **env)
    assert shown.returncode == 0, shown.stderr
    figures = {row["unit_code"]: row for row in csv.DictReader(io.StringIO(shown.stdout))}
    exports = sorted(landing.glob("commune/*/2024Q2/dossiers.csv"))
    assert exports and set(figures) >= {path.parts[-3] for path in exports}
    for export in exports:
        row, expected = figures[export.parts[-3]], recount_export(export, Q2_FIRST, Q2_LAST)
        assert int(row["received"]) == expected["received"], export
        assert int(row["resolved"]) == expected["resolved"], export
        assert (Decimal(row["on_time_rate"]) if row["on_time_rate"] else None) == expected["on_time_rate"], export
    # The communes of other districts sent nothing: shown, with no figures.
    assert Counter(bool(row["received"]) for row in figures.values())[True] == len(exports)

    reported = cchc("report", "--quarter", "2024Q2", "--unit", DISTRICT, "--out", str(reports), **env)
    assert reported.returncode == 0, reported.stderr
    assert sorted(path.name for path in reports.iterdir()) == [
        f"bieu-ii06a_{DISTRICT}_2024Q2.xlsx",
        f"chi-so_{DISTRICT}_2024Q2.xlsx",
        f"dashboard_{DISTRICT}_2024Q2.html",
    ]
    quality = cchc("quality", "--quarter", "2024Q2", **env)
    assert quality.returncode == 0, quality.stderr


LOOKUP = (
    "from cchc.airflow_adapter import warehouse_url_from_connection\n"
    "from cchc.warehouse.connection import warehouse_url, warehouse_source\n"
    "explicit = warehouse_url_from_connection()\n"
    "print('url:', warehouse_url(explicit)); print('source:', warehouse_source(explicit))\n"
)


def _lookup(**env: str) -> list[str]:
    environment = {k: v for k, v in os.environ.items() if k not in ("WAREHOUSE_URL", "AIRFLOW_CONN_CCHC_WAREHOUSE")}
    done = subprocess.run(
        [sys.executable, "-c", LOOKUP], env={**environment, **env}, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr[-2000:]
    # Only the two lines printed: pgserver logs to stdout too.
    said = dict(line.split(": ", 1) for line in done.stdout.splitlines() if line.startswith(("url: ", "source: ")))
    return [said["url"], said["source"]]


def test_the_warehouse_is_looked_up_in_the_readmes_order(tmp_path: Path) -> None:
    connection = "postgresql://loader:secret@airflow-conn-host:5432/cchc"
    env_url = "postgresql://someone@env-host/cchc"
    # 1. The Airflow connection cchc_warehouse, over WAREHOUSE_URL.
    assert _lookup(AIRFLOW_CONN_CCHC_WAREHOUSE=connection, WAREHOUSE_URL=env_url) == [
        connection,
        "the Airflow connection cchc_warehouse",
    ]
    # Its extras are libpq parameters and stay with it (Airflow reads a URL's query as extras; JSON too);
    # the ones the Postgres hook keeps for itself do not reach libpq.
    with_tls = "postgresql://loader:secret@db.so-noivu.example:5432/cchc?sslmode=verify-full&connect_timeout=7"
    assert _lookup(AIRFLOW_CONN_CCHC_WAREHOUSE=with_tls)[0] == (
        "postgresql://loader:secret@db.so-noivu.example:5432/cchc?connect_timeout=7&sslmode=verify-full"
    )
    as_json = (
        '{"conn_type": "postgres", "host": "db", "login": "loader", "password": "p@ss", "schema": "cchc",'
        ' "extra": {"sslmode": "require", "sslrootcert": "/etc/ssl/so-noivu.pem", "cursor": "dictcursor"}}'
    )
    url = _lookup(AIRFLOW_CONN_CCHC_WAREHOUSE=as_json)[0]
    assert url == "postgresql://loader:p%40ss@db/cchc?sslmode=require&sslrootcert=%2Fetc%2Fssl%2Fso-noivu.pem"
    from psycopg.conninfo import conninfo_to_dict

    assert conninfo_to_dict(url) == {
        "host": "db",
        "user": "loader",
        "password": "p@ss",
        "dbname": "cchc",
        "sslmode": "require",
        "sslrootcert": "/etc/ssl/so-noivu.pem",
    }
    # 2. WAREHOUSE_URL when there is no connection.
    assert _lookup(WAREHOUSE_URL=env_url) == [env_url, "WAREHOUSE_URL"]
    # 3. The embedded server in CCHC_WAREHOUSE_DIR, started on demand, when neither is set.
    folder = tmp_path / "embedded"
    url, source = _lookup(CCHC_WAREHOUSE_DIR=str(folder))
    try:
        assert source == f"the embedded server in {folder}"
        assert "dbname=cchc" in url and (folder / "PG_VERSION").is_file()
    finally:
        from cchc.warehouse.connection import embedded_server

        embedded_server(folder, keep_running=False).cleanup()  # the lookup left it running, as the CLI does
