"""Throwaway databases on the test server: copies of the migrated template, dropped afterwards."""

from __future__ import annotations

import uuid

import psycopg
from psycopg import sql

from cchc.warehouse.connection import with_database


def copy_template(server_url: str, template: str, prefix: str = "cchc_test") -> tuple[str, str]:
    """Create a copy of `template`; returns its name and URL."""
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(server_url, autocommit=True) as admin:
        admin.execute(sql.SQL("create database {} template {}").format(sql.Identifier(name), sql.Identifier(template)))
    return name, with_database(server_url, name)


def drop_database(server_url: str, name: str) -> None:
    """Drop the database, closing any connection a failed test left open."""
    with psycopg.connect(server_url, autocommit=True) as admin:
        admin.execute(sql.SQL("drop database if exists {} with (force)").format(sql.Identifier(name)))


def register_landing_file(conn: psycopg.Connection, dataset: str, path: str) -> int:
    """A loaded `raw.landing_file` row for a commune's 2024Q2 file (its file id), for tests that write
    raw rows themselves."""
    return conn.execute(
        "insert into raw.landing_file (path, checksum, size_bytes, unit_level, unit_code, quarter, dataset,"
        " file_format, status) values (%s, 'c', 1, 'commune', '20194', '2024Q2', %s, 'csv', 'loaded')"
        " returning file_id",
        (path, dataset),
    ).fetchone()[0]


def mart_rows(url: str, quarter: str) -> dict[str, list[str]]:
    """Every row of the quarter in every mart that has a quarter column, as sorted text (the file id, a
    warehouse's own numbering, and `as_of`, the moment mart.submission_status was taken, left out): two
    warehouses' marts are equal when these are."""
    with psycopg.connect(url) as conn:
        tables = [
            row[0]
            for row in conn.execute(
                # Partitioned tables whole, not their partitions (which come and go with the quarters).
                """select distinct c.table_schema || '.' || c.table_name
                   from information_schema.columns as c
                   join pg_class as t on t.relname = c.table_name
                   join pg_namespace as n on n.oid = t.relnamespace and n.nspname = c.table_schema
                   where c.table_schema = 'mart' and c.column_name = 'quarter' and not t.relispartition
                   order by 1"""
            ).fetchall()
        ]
        return {
            table: [
                row[0]
                for row in conn.execute(
                    sql.SQL(
                        "select (to_jsonb(t) - 'file_id' - 'as_of')::text as r "
                        "from {} as t where quarter = %s order by r"
                    ).format(sql.Identifier(*table.split("."))),
                    (quarter,),
                ).fetchall()
            ]
            for table in tables
        }
