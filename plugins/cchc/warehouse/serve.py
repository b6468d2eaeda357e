"""The embedded warehouse on TCP, for reporting tools on other machines (Excel, Power BI, Metabase,
Superset), signed in as reader logins with their passwords.

pgserver starts PostgreSQL on a Unix socket only (`-h ""` on its command line, which no setting in
postgresql.conf can override). Serving restarts the same server with a TCP address as well, keeping the
socket the pipeline and `cchc` use, after rewriting pg_hba.conf so that over TCP only members of
cchc_reader get in, to the warehouse database only, with a SCRAM-SHA-256 password; every other login
(the owner included) is rejected there. Stopping restarts it on the socket alone.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cchc import settings
from cchc.ports import check_free
from cchc.warehouse.connection import EMBEDDED_DATABASE, embedded_server, postmaster_info

HBA_MARK = "# Written by `cchc serve-warehouse`"
SOCKET_PORT = 5432  # pgserver's: it names the socket .s.PGSQL.5432
_LISTEN_RE = re.compile(r"^(?P<host>\[[0-9a-fA-F:]+\]|[^:\s]+):(?P<port>[0-9]{1,5})$")


class ServeError(ValueError):
    """The address to serve on is missing or malformed, or the warehouse is not the embedded one."""


class AddressInUseError(ServeError):
    """Another program listens on the address; the warehouse stays on its socket alone."""


@dataclass(frozen=True)
class Listen:
    host: str
    port: int

    @classmethod
    def parse(cls, text: str) -> Listen:
        """'0.0.0.0:5433', '127.0.0.1:5433' or '[::]:5433'."""
        match = _LISTEN_RE.match(text.strip())
        if not match or not 0 < int(match["port"]) < 65536:
            raise ServeError(f"expected HOST:PORT, e.g. 0.0.0.0:5433, not {text!r}")
        return cls(match["host"].strip("[]"), int(match["port"]))


def listen_setting(option: str | None) -> Listen:
    """--listen, else CCHC_WAREHOUSE_LISTEN; serving the warehouse on a network is never a default."""
    text = option or settings.text("CCHC_WAREHOUSE_LISTEN")
    if not text:
        raise ServeError("give the address to serve on: --listen 0.0.0.0:5433 or CCHC_WAREHOUSE_LISTEN")
    return Listen.parse(text)


def reader_hba(database: str = EMBEDDED_DATABASE) -> str:
    """pg_hba.conf: the socket as pgserver set it up (trust: the pipeline's own way in), and over TCP
    readers only, to the warehouse only, with a password."""
    return "\n".join(
        [
            HBA_MARK,
            "# local socket: the pipeline and `cchc` on this machine (pgserver's setting)",
            "local   all       all                           trust",
            "# TCP: members of cchc_reader, to the warehouse, with a SCRAM-SHA-256 password; nobody else",
            f"host    {database:<9} +cchc_reader  0.0.0.0/0      scram-sha-256",
            f"host    {database:<9} +cchc_reader  ::/0           scram-sha-256",
            "host    all       all           0.0.0.0/0      reject",
            "host    all       all           ::/0           reject",
            "",
        ]
    )


def _restart(server: Any, options: str) -> None:
    """Restart the embedded PostgreSQL with `options` for the postgres executable; waits until it is up."""
    from pgserver._commands import pg_ctl

    arguments = ["-w", "-m", "fast", "-l", str(server.log), "-o", options, "restart"]
    pg_ctl(arguments, pgdata=server.pgdata, user=server.system_user)


def serve(listen: Listen, data_dir: Path | None = None) -> dict[str, Any]:
    """Serve the embedded warehouse on `listen` as well as its socket; returns where, and the readers."""
    if os.environ.get("WAREHOUSE_URL"):
        raise ServeError(
            "WAREHOUSE_URL names a server of its own: open it to the network in that server's settings "
            "(listen_addresses, pg_hba.conf); this command serves the embedded warehouse"
        )
    server = embedded_server(data_dir)
    info = postmaster_info(server)
    if not (info.hostname and info.port == listen.port):  # serving there already: a restart frees it first
        _refuse_taken(listen)
    hba = Path(server.pgdata) / "pg_hba.conf"
    hba.write_text(reader_hba(), encoding="utf-8")
    try:
        _restart(server, f'-h "{listen.host}" -p {listen.port} -k "{info.socket_dir}"')
    except subprocess.CalledProcessError as error:
        # Taken between the check and PostgreSQL's bind, or refused by the system: never leave it stopped.
        _restart(server, f'-h "" -p {SOCKET_PORT} -k "{info.socket_dir}"')
        postmaster_info(server)
        raise AddressInUseError(
            f"PostgreSQL could not listen on {listen.host}:{listen.port} ({_last_error(server.log)}); "
            "the warehouse is back on its socket alone"
        ) from error
    postmaster_info(server)
    return {"host": listen.host, "port": listen.port, "database": EMBEDDED_DATABASE, "socket_dir": info.socket_dir}


def _refuse_taken(listen: Listen) -> None:
    """Ask the system before stopping the warehouse to restart it: a taken address is named, and the
    warehouse is not restarted at all."""
    try:
        check_free(listen.host, listen.port)
    except socket.gaierror as error:
        raise ServeError(f"cannot listen on {listen.host}:{listen.port}: {error.strerror}") from error
    except OSError as error:
        raise AddressInUseError(
            f"cannot listen on {listen.host}:{listen.port}: {error.strerror} (another program listens "
            "there?); the warehouse was left as it was"
        ) from error


def _last_error(log: Path) -> str:
    """Why PostgreSQL could not listen, from the end of the server log: its "could not bind" line names the
    system's reason (address already in use, cannot assign requested address); the FATAL after it does not."""
    try:
        lines = Path(log).read_text(encoding="utf-8", errors="replace").splitlines()[-40:]
    except OSError:
        return f"see {log}"
    for marker in ("could not bind", "could not create"):
        for line in reversed(lines):
            if marker in line:
                return line.split(":  ", 1)[-1].strip()
    return f"see {log}"


def stop_serving(data_dir: Path | None = None) -> None:
    """Back to the socket alone, as pgserver starts it."""
    server = embedded_server(data_dir)
    info = postmaster_info(server)
    _restart(server, f'-h "" -p {SOCKET_PORT} -k "{info.socket_dir}"')
    postmaster_info(server)


def readers_without_password(conn: Any) -> list[str]:
    """Reader logins that cannot sign in over TCP: they have no password (set one with
    CCHC_READER_PASSWORD=... cchc grant-reader)."""
    from cchc.warehouse.sql_files import fetch_all

    return [name for (name,) in fetch_all(conn, "access/readers_without_password.sql")]
