"""The Airflow services `make airflow` starts, for a test: metadata in a database of their own on the
test server, started from `cchc.deploy`, driven through the REST API and stopped by PID at the end."""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
from psycopg import sql

from cchc.deploy.local_airflow import running, start, stop, wait_until_healthy
from cchc.deploy.settings import LocalDeployment
from cchc.warehouse.connection import with_database
from tests.support.airflow_api import AirflowApi
from tests.support.databases import drop_database

PASSWORD = "deployed-test-login"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def airflow_stack(
    server_url: str,
    home: Path,
    extra_env: dict[str, str],
    executor: str = "LocalExecutor",
    workers: int = 0,
    redis_url: str = "redis://127.0.0.1:6379/0",
) -> Iterator[tuple[LocalDeployment, AirflowApi]]:
    """Start the services with `extra_env`; yield the deployment and an API client logged in as admin.
    On exit every service is stopped by the PID it was started with, and checked to be gone."""
    meta_name = f"airflow_meta_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(server_url, autocommit=True) as admin:
        admin.execute(sql.SQL("create database {}").format(sql.Identifier(meta_name)))
    deployment = LocalDeployment(
        home=home,
        executor=executor,
        workers=workers,
        metadata_url=with_database(server_url, meta_name),
        port=free_port(),
        redis_url=redis_url,
        password=PASSWORD,
    )
    try:
        pids = start(deployment, extra_env)
        try:
            wait_until_healthy(deployment, timeout=240)
            yield deployment, AirflowApi(deployment.ui_url, "admin", PASSWORD)
        finally:
            stopped = stop(deployment)
            assert set(stopped) == set(pids)
            assert running(deployment) == {}
            for pid in pids.values():
                try:
                    os.kill(pid, 0)
                except ProcessLookupError:
                    continue
                raise AssertionError(f"process {pid} outlived its stop")
    finally:
        drop_database(server_url, meta_name)
