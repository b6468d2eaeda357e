"""Which PostgreSQL the warehouse lives in, and how to connect to it.

Order of precedence: an explicit URL (the Airflow connection, resolved by the DAG's adapter),
then `WAREHOUSE_URL`, then the embedded server under `data/warehouse` (pgserver ships PostgreSQL
in a wheel, so a fresh machine needs no system set-up). The embedded server is left running after
the process exits so that `psql "$(cchc warehouse-url)"` can reach it.
"""

from __future__ import annotations

import os
import warnings
from pathlib import Path
from typing import Any

import psycopg
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from cchc.config import warehouse_dir

EMBEDDED_DATABASE = "cchc"


def warehouse_url(explicit: str | None = None) -> str:
    """The libpq URL of the warehouse in use."""
    if explicit:
        return explicit
    from_env = os.environ.get("WAREHOUSE_URL")
    if from_env:
        return from_env
    return embedded_url()


def warehouse_source(explicit: str | None = None) -> str:
    """Where `warehouse_url` takes the warehouse from, for messages."""
    if explicit:
        return "the Airflow connection cchc_warehouse"
    if os.environ.get("WAREHOUSE_URL"):
        return "WAREHOUSE_URL"
    return f"the embedded server in {warehouse_dir()}"


def embedded_server(data_dir: Path | None = None, keep_running: bool = True) -> Any:
    """The embedded PostgreSQL (a `pgserver` handle), started if it is not running.

    keep_running=False stops it when the last process holding a handle exits (tests use that).
    """
    with warnings.catch_warnings():
        # platformdirs warns when XDG_RUNTIME_DIR is unset, as on servers and in CI.
        warnings.simplefilter("ignore")
        import pgserver

        folder = data_dir or warehouse_dir()
        # pgserver creates the data folder but not its parent: a fresh checkout has no data/ yet.
        folder.parent.mkdir(parents=True, exist_ok=True)
        return pgserver.get_server(folder, cleanup_mode=None if keep_running else "stop")


def embedded_url(data_dir: Path | None = None, database: str = EMBEDDED_DATABASE) -> str:
    """Start (if needed) the embedded server and return a URL of its `cchc` database."""
    server = embedded_server(data_dir)
    info = postmaster_info(server)
    # pgserver's URL names the socket's folder but not its port, which `cchc serve-warehouse` changes.
    params = conninfo_to_dict(info.get_uri(database="postgres"))
    params["port"] = str(info.port)
    admin = make_conninfo(**params)
    ensure_database(admin, database)
    return with_database(admin, database)


def postmaster_info(server: Any) -> Any:
    """The running postmaster of `server` as its postmaster.pid says now. pgserver reads the file once, at
    start; a restart by `cchc serve-warehouse` changes its pid and port, so the handle is brought up to date
    (its cleanup stops the process it holds)."""
    from pgserver.utils import PostmasterInfo

    info = PostmasterInfo.read_from_pgdata(server.pgdata)
    if info is None or not info.is_running():
        return server.get_postmaster_info()
    server._postmaster_info = info
    return info


def ensure_database(admin_url: str, database: str) -> None:
    """Create `database` on the server of `admin_url` unless it exists."""
    with psycopg.connect(admin_url, autocommit=True) as conn:
        exists = conn.execute("select 1 from pg_database where datname = %s", (database,)).fetchone()
        if not exists:
            conn.execute(sql.SQL("create database {}").format(sql.Identifier(database)))


def with_database(url: str, database: str) -> str:
    """The same server and credentials as `url`, another database (a libpq conninfo string)."""
    params = conninfo_to_dict(url)
    params["dbname"] = database
    return make_conninfo(**params)


def warehouse_url_as(login: str, url: str | None = None) -> str:
    """The warehouse in use, signed in as `login`: no password in the URL, so libpq takes it from
    PGPASSWORD or ~/.pgpass (or the server trusts the login, as the embedded one does on its socket)."""
    params = conninfo_to_dict(warehouse_url(url))
    params.pop("password", None)
    params["user"] = login
    return make_conninfo(**params)


def connect(url: str | None = None) -> psycopg.Connection:
    """A new connection; callers own its transaction (`with conn.transaction(): ...`)."""
    conn = psycopg.connect(warehouse_url(url), application_name="cchc")
    conn.execute("set timezone = 'Asia/Ho_Chi_Minh'")
    conn.commit()
    return conn
