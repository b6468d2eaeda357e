"""Where things live. Every path has one environment variable that overrides it.

Defaults are relative to the project root (the folder holding `dags/` and `plugins/`), not the
current directory, so `cchc` finds the same warehouse wherever it is called from.
"""

from __future__ import annotations

from pathlib import Path

from cchc import settings

PROJECT_ROOT = Path(__file__).resolve().parents[2]
LOCAL_TZ = "Asia/Ho_Chi_Minh"


def _path_from_env(var: str, default: Path) -> Path:
    value = settings.given(var)
    if value is None:
        return default
    path = Path(value)
    return path if path.is_absolute() else Path.cwd() / path


def landing_dir() -> Path:
    return _path_from_env("CCHC_LANDING", PROJECT_ROOT / "data" / "landing")


def warehouse_dir() -> Path:
    """Data directory of the embedded PostgreSQL, used when WAREHOUSE_URL is not set."""
    return _path_from_env("CCHC_WAREHOUSE_DIR", PROJECT_ROOT / "data" / "warehouse")


def sql_dir() -> Path:
    return PROJECT_ROOT / "include" / "sql"


def reference_dir() -> Path:
    return PROJECT_ROOT / "include" / "reference"


def expectations_dir() -> Path:
    return PROJECT_ROOT / "expectations"


def data_docs_dir() -> Path:
    """The Great Expectations Data Docs site (index.html), rebuilt after every refresh."""
    return _path_from_env("CCHC_DATA_DOCS", PROJECT_ROOT / "data" / "quality" / "data_docs")


def reports_dir() -> Path:
    """Where the refresh and `cchc report` write the staff's workbooks and dashboards, a folder per quarter."""
    return _path_from_env("CCHC_REPORTS", PROJECT_ROOT / "data" / "reports")
