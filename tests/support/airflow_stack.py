"""The Airflow services `make airflow` starts, for a test: metadata in a database of their own on the
test server, started from `cchc.deploy`, driven through the REST API and stopped by PID at the end."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
from psycopg import sql

from cchc.deploy.local_airflow import PortInUseError, running, start, stop, wait_until_healthy
from cchc.deploy.settings import LocalDeployment
from cchc.warehouse.connection import with_database
from tests.support.airflow_api import AirflowApi
from tests.support.databases import drop_database
from tests.support.loopback import likely_free_port

PASSWORD = "deployed-test-login"


def _start_on_a_free_port(settings: dict, extra_env: dict[str, str]) -> tuple[LocalDeployment, dict[str, int]]:
    """The api-server's port must be known before it starts (the workers are told it), so it cannot be
    port 0: take a free one, and if another program takes it first, `start` says so and we try another."""
    for _ in range(3):
        deployment = LocalDeployment(port=likely_free_port(), **settings)
        try:
            pids = start(deployment, extra_env)
        except PortInUseError:
            continue
        try:
            wait_until_healthy(deployment, timeout=240)
            return deployment, pids
        except PortInUseError:
            _stop_and_check(deployment, pids)
        except BaseException:
            _stop_and_check(deployment, pids)
            raise
    raise AssertionError("no free port for the api-server after 3 attempts")


def _stop_and_check(deployment: LocalDeployment, pids: dict[str, int]) -> None:
    """Every service stopped by the PID it was started with, and gone."""
    stopped = stop(deployment)
    assert set(stopped) == set(pids)
    assert running(deployment) == {}
    for pid in pids.values():
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            continue
        raise AssertionError(f"process {pid} outlived its stop")


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
    try:
        deployment, pids = _start_on_a_free_port(
            dict(
                home=home,
                executor=executor,
                workers=workers,
                metadata_url=with_database(server_url, meta_name),
                redis_url=redis_url,
                password=PASSWORD,
            ),
            extra_env,
        )
        try:
            yield deployment, AirflowApi(deployment.ui_url, "admin", PASSWORD)
        finally:
            _stop_and_check(deployment, pids)
    finally:
        drop_database(server_url, meta_name)
