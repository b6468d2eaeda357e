"""The settings `make airflow` starts Airflow with: the shared airflow.env (docker-compose.yaml reads the
same file), the local URLs, and secrets kept once per AIRFLOW_HOME."""

from __future__ import annotations

from pathlib import Path

import pytest

from cchc.deploy.settings import (
    SHARED_FILE,
    LocalDeployment,
    environment,
    from_environment,
    read_env_file,
    sqlalchemy_url,
)

pytestmark = pytest.mark.unit


def _deployment(home: Path, executor: str = "CeleryExecutor") -> LocalDeployment:
    return LocalDeployment(
        home=home,
        executor=executor,
        workers=2,
        metadata_url="postgresql://postgres:@/airflow?host=/srv/pg/run",
        redis_url="redis://127.0.0.1:6379/0",
        port=8080,
        password="admin",
    )


def test_the_launcher_runs_with_every_shared_setting_unchanged(tmp_path: Path) -> None:
    env = environment(_deployment(tmp_path))
    shared = read_env_file(SHARED_FILE)
    assert len(shared) >= 8
    assert {key: env.get(key) for key in shared if env.get(key) != shared[key]} == {}


def test_local_urls_and_secrets(tmp_path: Path) -> None:
    env = environment(_deployment(tmp_path))
    assert env["AIRFLOW__CORE__EXECUTION_API_SERVER_URL"] == "http://127.0.0.1:8080/execution/"
    assert env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"] == "postgresql+psycopg2://postgres@/airflow?host=/srv/pg/run"
    assert env["AIRFLOW__CELERY__RESULT_BACKEND"] == "db+postgresql+psycopg2://postgres@/airflow?host=/srv/pg/run"
    # Every process must share the keys: the second call reads what the first generated.
    again = environment(_deployment(tmp_path))
    for key in ("AIRFLOW__CORE__FERNET_KEY", "AIRFLOW__API_AUTH__JWT_SECRET", "AIRFLOW__API__SECRET_KEY"):
        assert len(env[key]) >= 32 and env[key] == again[key]
    assert (tmp_path / "local-secrets.json").stat().st_mode & 0o077 == 0


@pytest.mark.parametrize(
    ("libpq", "expected"),
    [
        ("postgresql://postgres@127.0.0.1:5432/airflow", "postgresql+psycopg2://postgres@127.0.0.1:5432/airflow"),
        ("postgresql://af:p%40ss@db/airflow", "postgresql+psycopg2://af:p%40ss@db/airflow"),
        ("host=/tmp/pg dbname=airflow user=postgres", "postgresql+psycopg2://postgres@/airflow?host=/tmp/pg"),
    ],
)
def test_sqlalchemy_url(libpq: str, expected: str) -> None:
    assert sqlalchemy_url(libpq) == expected


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("CCHC_AIRFLOW_EXECUTOR", "SequentialExecutor", "CCHC_AIRFLOW_EXECUTOR must be one of"),
        ("CCHC_AIRFLOW_WORKERS", "0", "CCHC_AIRFLOW_WORKERS must be a whole number"),
        ("CCHC_AIRFLOW_PORT", "http", "CCHC_AIRFLOW_PORT must be a port number"),
    ],
)
def test_bad_launcher_settings_are_named(monkeypatch: pytest.MonkeyPatch, name: str, value: str, message: str) -> None:
    monkeypatch.setenv("CCHC_AIRFLOW_DB_URL", "postgresql://postgres@127.0.0.1/airflow")
    monkeypatch.setenv(name, value)
    with pytest.raises(ValueError, match=message):
        from_environment()


def test_a_taken_port_is_named_before_anything_starts(tmp_path: Path) -> None:
    """Without the check the health poll could answer for whatever else listens there (another stack)."""
    import socket

    from cchc.deploy.local_airflow import PortInUseError, running, start

    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        taken = holder.getsockname()[1]
        deployment = LocalDeployment(
            home=tmp_path,
            executor="LocalExecutor",
            workers=0,
            metadata_url="postgresql://postgres@127.0.0.1:1/never",
            redis_url="redis://127.0.0.1:6379/0",
            port=taken,
            password="admin",
        )
        with pytest.raises(PortInUseError, match=f"port {taken} on 127.0.0.1 is in use.*CCHC_AIRFLOW_PORT"):
            start(deployment)
    assert running(deployment) == {}
    assert not (tmp_path / "services.json").exists()


def test_an_api_server_that_lost_its_port_is_told_from_other_deaths(tmp_path: Path) -> None:
    from cchc.deploy.local_airflow import _api_server_lost_its_port

    deployment = _deployment(tmp_path)
    deployment.log_dir.mkdir(parents=True, exist_ok=True)
    log = deployment.log_dir / "api-server.log"
    log.write_text("INFO: Started server process\nERROR: [Errno 98] Address already in use\n", encoding="utf-8")
    assert _api_server_lost_its_port(deployment)
    # An old bind failure far back in the appended log is not this start's cause of death.
    log.write_text(log.read_text() + "x" * 5000 + "\nImportError: no module named cchc\n", encoding="utf-8")
    assert not _api_server_lost_its_port(deployment)
