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
