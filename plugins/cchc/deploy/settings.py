"""The Airflow settings of a deployment on this machine: the shared file `airflow.env` (which
docker-compose.yaml reads too) plus what differs here (paths, the metadata database, the broker, the
api-server's address), and secrets generated once per AIRFLOW_HOME.

Settings of the launcher itself, from the environment:
  CCHC_AIRFLOW_EXECUTOR    LocalExecutor (default) or CeleryExecutor
  CCHC_AIRFLOW_WORKERS     Celery workers to start (default 2)
  CCHC_AIRFLOW_DB_URL      metadata database (libpq URL); default: database `airflow` of the embedded server
  CCHC_AIRFLOW_REDIS_URL   Celery broker (default redis://127.0.0.1:6379/0)
  CCHC_AIRFLOW_PORT        api-server port on 127.0.0.1 (default 8080)
  CCHC_AIRFLOW_PASSWORD    password of the UI's `admin` login (default admin; the UI listens on loopback)
"""

from __future__ import annotations

import json
import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from psycopg.conninfo import conninfo_to_dict

from cchc import settings
from cchc.config import PROJECT_ROOT

SHARED_FILE = PROJECT_ROOT / "airflow.env"
EXECUTORS = ("LocalExecutor", "CeleryExecutor")
ADMIN = "admin"
# The login tasks use to write a short note on their run through the REST API (role "user" in airflow.env).
TASKS_USER = "cchc_tasks"


def read_env_file(path: Path = SHARED_FILE) -> dict[str, str]:
    """KEY=VALUE lines; blank lines and # comments skipped. No quotes or interpolation, as compose reads it."""
    values: dict[str, str] = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        key, sep, value = line.partition("=")
        if not sep or not key.strip().isidentifier():
            raise ValueError(f"{path}:{number}: not a KEY=VALUE line: {line!r}")
        values[key.strip()] = value.strip()
    return values


@dataclass(frozen=True)
class LocalDeployment:
    home: Path
    executor: str
    workers: int
    metadata_url: str
    redis_url: str
    port: int
    password: str

    @property
    def ui_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def log_dir(self) -> Path:
        return self.home / "logs"


def from_environment(home: Path | None = None) -> LocalDeployment:
    """The deployment the launcher settings describe (see the module's docstring)."""
    executor = settings.one_of("CCHC_AIRFLOW_EXECUTOR", EXECUTORS)
    workers = settings.whole_number("CCHC_AIRFLOW_WORKERS", "a whole number of at least 1", minimum=1)
    port = settings.whole_number("CCHC_AIRFLOW_PORT", "a port number", minimum=1, maximum=65535)
    return LocalDeployment(
        home=Path(home or os.environ.get("AIRFLOW_HOME") or PROJECT_ROOT / ".airflow").resolve(),
        executor=executor,
        workers=workers,
        metadata_url=settings.given("CCHC_AIRFLOW_DB_URL") or _embedded_metadata_url(),
        redis_url=settings.text("CCHC_AIRFLOW_REDIS_URL"),
        port=port,
        password=settings.text("CCHC_AIRFLOW_PASSWORD"),
    )


def _embedded_metadata_url() -> str:
    from cchc.warehouse.connection import embedded_server, ensure_database

    server = embedded_server()
    ensure_database(server.get_uri("postgres"), "airflow")
    return server.get_uri("airflow")


def sqlalchemy_url(libpq_url: str, driver: str = "postgresql+psycopg2") -> str:
    """A libpq URL or conninfo as SQLAlchemy wants it (a socket folder goes in `host=` of the query)."""
    params = conninfo_to_dict(libpq_url)
    user = quote(params.get("user", ""), safe="")
    password = params.get("password")
    credentials = f"{user}:{quote(password, safe='')}@" if password else (f"{user}@" if user else "")
    host = params.get("host", "")
    database = quote(params.get("dbname", ""), safe="")
    if host.startswith("/"):
        return f"{driver}://{credentials}/{database}?host={quote(host, safe='/')}"
    port = f":{params['port']}" if params.get("port") else ""
    return f"{driver}://{credentials}{host}{port}/{database}"


def environment(deployment: LocalDeployment) -> dict[str, str]:
    """The environment every Airflow process of the deployment runs with."""
    local = {
        "AIRFLOW_HOME": str(deployment.home),
        "AIRFLOW__CORE__DAGS_FOLDER": str(PROJECT_ROOT / "dags"),
        "AIRFLOW__CORE__PLUGINS_FOLDER": str(PROJECT_ROOT / "plugins"),
        "AIRFLOW__CORE__EXECUTOR": deployment.executor,
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": sqlalchemy_url(deployment.metadata_url),
        "AIRFLOW__CORE__EXECUTION_API_SERVER_URL": f"{deployment.ui_url}/execution/",
        "AIRFLOW__API__BASE_URL": f"{deployment.ui_url}/",
        "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE": str(passwords_file(deployment)),
        "AIRFLOW__LOGGING__BASE_LOG_FOLDER": str(deployment.log_dir / "tasks"),
        "AIRFLOW__CELERY__BROKER_URL": deployment.redis_url,
        "AIRFLOW__CELERY__RESULT_BACKEND": "db+" + sqlalchemy_url(deployment.metadata_url),
        # Workers share this machine: the host name each task records names its worker too.
        "AIRFLOW__CORE__HOSTNAME_CALLABLE": "cchc.deploy.hostname.hostname",
        # Where tasks write their run's note (cchc.run_notes); the password is among the secrets.
        "CCHC_AIRFLOW_API_URL": deployment.ui_url,
        "CCHC_AIRFLOW_API_USER": TASKS_USER,
    }
    return {**os.environ, **read_env_file(), **local, **_secrets(deployment.home)}


def passwords_file(deployment: LocalDeployment) -> Path:
    return deployment.home / "simple_auth_manager_passwords.json"


def write_passwords(deployment: LocalDeployment) -> None:
    """The UI's login and the tasks' one, in SimpleAuthManager's passwords file."""
    tasks_password = _secrets(deployment.home)["CCHC_AIRFLOW_API_PASSWORD"]
    write_passwords_file(passwords_file(deployment), {ADMIN: deployment.password, TASKS_USER: tasks_password})


def write_passwords_file(path: Path, passwords: dict[str, str]) -> None:
    """SimpleAuthManager's passwords file (login -> password), readable by this user only."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.touch(mode=0o600, exist_ok=True)
    path.chmod(0o600)
    path.write_text(json.dumps(passwords), encoding="utf-8")


def _secrets(home: Path) -> dict[str, str]:
    """Keys every process must share (the tokens they give each other, the encryption of connections,
    the password tasks use to write their run's note): generated on first use and kept in AIRFLOW_HOME,
    readable by this user only. A key a newer version adds is added to an existing file."""
    from cryptography.fernet import Fernet

    path = home / "local-secrets.json"
    values = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    wanted = {
        "AIRFLOW__CORE__FERNET_KEY": lambda: Fernet.generate_key().decode(),
        "AIRFLOW__API_AUTH__JWT_SECRET": lambda: secrets.token_hex(32),
        "AIRFLOW__API__SECRET_KEY": lambda: secrets.token_hex(32),
        "CCHC_AIRFLOW_API_PASSWORD": lambda: secrets.token_urlsafe(24),
    }
    missing = {name: make() for name, make in wanted.items() if name not in values}
    if missing:
        values.update(missing)
        home.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values), encoding="utf-8")
        path.chmod(0o600)
    return values
