"""Shared fixtures. Integration tests get a throwaway database on a real PostgreSQL server:
the embedded one by default, or the server of WAREHOUSE_URL when it is set."""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.databases import copy_template, drop_database

REPO_ROOT = Path(__file__).resolve().parents[1]
FIXTURES = REPO_ROOT / "tests" / "fixtures"


def _private_folder(variable: str, prefix: str) -> Iterator[Path]:
    """A temporary folder named by `variable` for the session, the variable put back afterwards."""
    folder = Path(tempfile.mkdtemp(prefix=prefix))
    previous = os.environ.get(variable)
    os.environ[variable] = str(folder)
    yield folder
    if previous is None:
        os.environ.pop(variable, None)
    else:
        os.environ[variable] = previous
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="session", autouse=True)
def data_docs_folder() -> Iterator[Path]:
    """Data Docs built by the tests' refreshes (and their `airflow dags test` runs) go to a private
    folder, never the demo's data/quality/data_docs."""
    yield from _private_folder("CCHC_DATA_DOCS", "cchc-test-docs-")


@pytest.fixture(scope="session", autouse=True)
def reports_folder() -> Iterator[Path]:
    """Reports the tests' refreshes write go to a private folder, never the demo's data/reports."""
    yield from _private_folder("CCHC_REPORTS", "cchc-test-reports-")


@pytest.fixture(scope="session")
def server_url() -> Iterator[str]:
    """WAREHOUSE_URL's server, else a test-only embedded server (never the demo's data/warehouse)."""
    from cchc.warehouse.connection import embedded_server

    configured = os.environ.get("WAREHOUSE_URL")
    if configured:
        yield configured
        return
    # A private folder, not pytest's numbered tmp dirs, which a concurrent session may prune.
    data_dir = Path(tempfile.mkdtemp(prefix="cchc-test-pg-"))
    server = embedded_server(data_dir / "data", keep_running=False)
    yield server.get_uri("postgres")
    server.cleanup()
    # pgserver's atexit hook logs again after pytest has closed its capture streams.
    logging.getLogger("pgserver").setLevel(logging.CRITICAL)
    shutil.rmtree(data_dir, ignore_errors=True)


@pytest.fixture(scope="session")
def template_db(server_url: str) -> Iterator[str]:
    """Name of a migrated database holding the admin-unit reference, copied for each test."""
    from cchc.warehouse.bootstrap import bootstrap_warehouse
    from cchc.warehouse.connection import connect, ensure_database, with_database

    name = f"cchc_tmpl_{uuid.uuid4().hex[:10]}"
    ensure_database(server_url, name)
    with connect(with_database(server_url, name)) as conn:
        bootstrap_warehouse(conn)
    yield name
    drop_database(server_url, name)


@pytest.fixture
def warehouse_db(server_url: str, template_db: str) -> Iterator[str]:
    """URL of a fresh migrated warehouse database for one test, dropped afterwards."""
    name, url = copy_template(server_url, template_db, "cchc_test")
    yield url
    drop_database(server_url, name)


@pytest.fixture
def conn(warehouse_db: str):
    from cchc.warehouse.connection import connect

    with connect(warehouse_db) as connection:
        yield connection


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Put the tests of a `scenario` module back in their file order after a shuffle (make test):
    modules still run in a random order, and so do the tests of every other module."""
    places = {}
    for index, item in enumerate(items):
        if item.get_closest_marker("scenario"):
            places.setdefault(item.path, []).append(index)
    for indices in places.values():
        in_file_order = sorted((items[i] for i in indices), key=lambda item: item.reportinfo()[1] or 0)
        for index, item in zip(indices, in_file_order, strict=True):
            items[index] = item
