"""Every `CCHC_*` environment variable the package reads, read here and nowhere else.

Each setting is listed once below with its default and meaning; `.env.example` documents each one
(tests/unit/test_settings.py checks both ways, and that no other module reads a `CCHC_*` variable
itself). The typed readers turn a wrong value into a ValueError that names the variable and the value,
never a traceback from deep inside the code that uses it. An empty value counts as unset.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation


@dataclass(frozen=True)
class Setting:
    name: str
    default: str | None  # None: unset has a meaning of its own, given in `meaning`
    meaning: str
    secret: bool = False  # read exactly as given: never stripped, never shown


SETTINGS: tuple[Setting, ...] = (
    # Where things are
    Setting("CCHC_LANDING", None, "landing zone read by the refresh (default data/landing)"),
    Setting("CCHC_WAREHOUSE_DIR", None, "data directory of the embedded warehouse (default data/warehouse)"),
    Setting("CCHC_DATA_DOCS", None, "Great Expectations Data Docs site (default data/quality/data_docs)"),
    Setting("CCHC_REPORTS", None, "staff's workbooks and dashboards, a folder per quarter (default data/reports)"),
    Setting("CCHC_WAREHOUSE_LISTEN", None, "TCP address `cchc serve-warehouse` opens to reader logins"),
    # The refresh
    Setting("CCHC_VALIDATION_CHUNK_ROWS", "100000", "rows staging types and validates at once"),
    Setting("CCHC_MAX_QUARANTINED_ROWS", "0", "rows that may fail error-level expectations before a run fails"),
    Setting("CCHC_ALLOW_EMPTY_QUARTER", "false", "true refreshes a quarter with no file to zeros"),
    Setting("CCHC_MAX_WORKBOOK_MB", "512", "MiB a workbook may unpack to before it is refused"),
    Setting("CCHC_ONLINE_TARGET", "40", "online-submission target in percent"),
    Setting("CCHC_RECONCILE_TOLERANCE_PERCENT", "0", "reconciliation tolerance in percent of the figure"),
    Setting("CCHC_RECONCILE_TOLERANCE_ABS", "0", "reconciliation tolerance in dossiers"),
    # Submissions
    Setting("CCHC_SUBMISSION_GRACE_DAYS", "5", "days after an export's period that units have to send it"),
    Setting("CCHC_PROVINCES", None, "provinces whose submissions are followed (unset: every one that sent a file)"),
    # Secrets
    Setting("CCHC_PORTAL_TOKEN", None, "the one-stop portal's API token for `cchc fetch-portal`", secret=True),
    Setting("CCHC_READER_PASSWORD", None, "password `cchc grant-reader` gives a reader login", secret=True),
    # Run notes through Airflow's REST API (set by compose and `make airflow`)
    Setting("CCHC_AIRFLOW_API_URL", None, "Airflow's REST API, where tasks write their run's note"),
    Setting("CCHC_AIRFLOW_API_USER", None, "login tasks write run notes as"),
    Setting("CCHC_AIRFLOW_API_PASSWORD", None, "that login's password", secret=True),
    # `make airflow`: the services on this machine
    Setting("CCHC_AIRFLOW_EXECUTOR", "LocalExecutor", "LocalExecutor or CeleryExecutor"),
    Setting("CCHC_AIRFLOW_WORKERS", "2", "Celery workers started with the CeleryExecutor"),
    Setting("CCHC_AIRFLOW_PORT", "8080", "the api-server's port on 127.0.0.1"),
    Setting("CCHC_AIRFLOW_DB_URL", None, "Airflow's metadata database (default: database airflow, embedded)"),
    Setting("CCHC_AIRFLOW_REDIS_URL", "redis://127.0.0.1:6379/0", "the Celery broker"),
    Setting("CCHC_AIRFLOW_PASSWORD", "admin", "password of the UI's login admin", secret=True),
    Setting("CCHC_WORKER_NAME", None, "set by `make airflow` for each Celery worker it starts; names it in logs"),
)
BY_NAME: dict[str, Setting] = {setting.name: setting for setting in SETTINGS}


def given(name: str, environ: Mapping[str, str] | None = None) -> str | None:
    """The variable's value as set (stripped unless secret), or None when unset or empty."""
    setting = BY_NAME[name]
    value = (os.environ if environ is None else environ).get(name) or ""
    if not setting.secret:
        value = value.strip()
    return value or None


def text(name: str, environ: Mapping[str, str] | None = None) -> str:
    """The value, or the setting's default when unset; '' for a setting without one."""
    value = given(name, environ)
    return value if value is not None else (BY_NAME[name].default or "")


def whole_number(
    name: str, what: str, minimum: int = 0, maximum: int | None = None, environ: Mapping[str, str] | None = None
) -> int:
    """A whole number from `minimum` to `maximum`; `what` words it in the error ('a whole number of rows')."""
    value = text(name, environ)
    number = int(value) if value.isascii() and value.isdigit() else None
    if number is None or number < minimum or (maximum is not None and number > maximum):
        raise ValueError(f"{name} must be {what}, not {value!r}")
    return number


def non_negative_decimal(name: str, environ: Mapping[str, str] | None = None) -> Decimal:
    """A decimal number >= 0, e.g. 2.5."""
    value = text(name, environ) or "0"
    try:
        number = Decimal(value)
    except InvalidOperation:
        number = None
    if number is None or not number.is_finite() or number < 0:
        raise ValueError(f"{name} must be a number >= 0 (e.g. 2.5), got {value!r}")
    return number


def boolean(name: str, environ: Mapping[str, str] | None = None) -> bool:
    value = text(name, environ).lower()
    if value not in ("true", "false"):
        raise ValueError(f"{name} must be true or false, not {value!r}")
    return value == "true"


def one_of(name: str, choices: tuple[str, ...], environ: Mapping[str, str] | None = None) -> str:
    value = text(name, environ)
    if value not in choices:
        raise ValueError(f"{name} must be one of {', '.join(choices)}, not {value!r}")
    return value
