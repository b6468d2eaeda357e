"""Who reads the warehouse: staff logins that see their own provinces' indicators and nothing else.

Migration 010_roles.sql creates the group roles (`cchc_loader`, `cchc_reader`), the table
`mart.reader_province` and the row-level security policies. This module manages the logins: a
reader login is a member of `cchc_reader`, and its rows in `mart.reader_province` say which
provinces the policies let it see. PostgreSQL enforces it; nothing here filters rows.
"""

from __future__ import annotations

import re

import psycopg
from psycopg import sql

from cchc.warehouse.sql_files import execute_file, fetch_all, read_sql

GROUP_ROLES = ("cchc_loader", "cchc_reader")
# PostgreSQL cuts longer names to 63 bytes, and the policies would then compare a cut
# current_user with the full name stored in mart.reader_province.
MAX_NAME_BYTES = 63
_PROVINCE_RE = re.compile(r"^[0-9]{2}$")


class AccessError(ValueError):
    """A grant that PostgreSQL could not enforce as asked: a bad name, an unknown province, a bypassing role."""


def grant_reader(conn: psycopg.Connection, login: str, provinces: list[str], password: str | None = None) -> None:
    """Let `login` read schema mart for exactly `provinces` (its previous list is replaced).

    Creates the login if it does not exist (with `password`, or none: then only trust or peer
    authentication lets it in); an existing login keeps its password unless one is given.
    Needs a connection of the warehouse owner with CREATEROLE (or a superuser).
    """
    _check_login_name(login)
    with conn.transaction():
        codes = _known_provinces(conn, provinces)
        state = fetch_all(conn, "access/login_state.sql", {"login": login})
        if not state:
            _role_statement(conn, "access/create_login.sql", login, password)
        else:
            if state[0][1]:
                raise AccessError(
                    f"role {login!r} bypasses row-level security (superuser, BYPASSRLS, loader or table owner): "
                    "a province grant would not restrict it; use a separate login"
                )
            if password is not None:
                _role_statement(conn, "access/set_login_password.sql", login, password)
        if not state or not state[0][0]:
            _role_statement(conn, "access/grant_reader_role.sql", login)
        execute_file(conn, "access/reader_province_clear.sql", {"login": login})
        execute_file(conn, "access/reader_province_insert.sql", {"login": login, "codes": codes})


def revoke_reader(conn: psycopg.Connection, login: str) -> bool:
    """Take schema mart away from `login`; returns whether it had any access to remove.

    The login itself is kept: roles belong to the whole server and may serve other databases.
    """
    with conn.transaction():
        removed = execute_file(conn, "access/reader_province_clear.sql", {"login": login})
        state = fetch_all(conn, "access/login_state.sql", {"login": login})
        was_reader = bool(state and state[0][0])
        if was_reader:
            _role_statement(conn, "access/revoke_reader_role.sql", login)
            # PostgreSQL only warns when the membership was granted by another role and stays.
            if fetch_all(conn, "access/login_state.sql", {"login": login})[0][0]:
                raise AccessError(
                    f"{login!r} stays a member of cchc_reader: another role granted it; revoke it as that role"
                )
    return removed > 0 or was_reader


def apply_row_security(conn: psycopg.Connection) -> None:
    """Give every mart table the reader grants and province policies; run it after migrations.

    Idempotent. Needed whenever a mart table is added, because readers get no default privileges
    (they would reach the partitions the pipeline creates, which the province filter does not guard).
    """
    with conn.transaction():
        execute_file(conn, "access/apply_row_security.sql")


def uncovered_mart_tables(conn: psycopg.Connection) -> list[str]:
    """Mart tables with a province_code that miss row security, the reader grant or the province policy."""
    return [name for (name,) in fetch_all(conn, "access/uncovered_mart_tables.sql")]


def ensure_row_security(conn: psycopg.Connection) -> list[str]:
    """Apply row security if any mart table is uncovered; returns the tables that were.

    The check is a catalogue query; the DDL, which locks every mart table and so waits on readers,
    runs only when something is missing (after migrations that add a mart table).
    """
    uncovered = uncovered_mart_tables(conn)
    if uncovered:
        apply_row_security(conn)
    return uncovered


def _check_login_name(login: str) -> None:
    if not login or not login.strip():
        raise AccessError("a login name is required")
    if len(login.encode("utf-8")) > MAX_NAME_BYTES:
        raise AccessError(f"login names are at most {MAX_NAME_BYTES} bytes in UTF-8: {login!r} is longer")
    if login in GROUP_ROLES or login.lower() == "public" or login.startswith("pg_"):
        raise AccessError(f"{login!r} is reserved; choose a personal login name")


def _known_provinces(conn: psycopg.Connection, provinces: list[str]) -> list[str]:
    """The distinct province codes, each checked against the admin-unit reference."""
    codes = sorted({code.strip() for code in provinces})
    if not codes:
        raise AccessError("name at least one province, e.g. --province 87")
    malformed = [code for code in codes if not _PROVINCE_RE.match(code)]
    if malformed:
        raise AccessError(f"province codes are 2 digits (e.g. 87 for Đồng Tháp), got: {', '.join(malformed)}")
    known = {row[0] for row in fetch_all(conn, "access/known_provinces.sql", {"codes": codes})}
    unknown = [code for code in codes if code not in known]
    if unknown:
        raise AccessError(f"unknown province code(s) {', '.join(unknown)}: not a province in core.dim_admin_unit")
    return codes


def _role_statement(conn: psycopg.Connection, relative_path: str, login: str, password: str | None = None) -> None:
    """Role DDL takes no bound parameters: the name goes in quoted, the password as a SCRAM-SHA-256
    verifier computed here by libpq, so the password itself never reaches the server (nor its log)."""
    verifier = None if password is None else password_verifier(conn, login, password)
    statement = sql.SQL(read_sql(relative_path)).format(login=sql.Identifier(login), password=sql.Literal(verifier))
    conn.execute(statement)


def password_verifier(conn: psycopg.Connection, login: str, password: str) -> str:
    """The SCRAM-SHA-256 verifier the server stores for `password` (libpq's PQencryptPasswordConn)."""
    return conn.pgconn.encrypt_password(password.encode("utf-8"), login.encode("utf-8"), b"scram-sha-256").decode()
