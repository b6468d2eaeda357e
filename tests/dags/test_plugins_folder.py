"""Airflow imports every module of its plugins folder looking for plugins, in every process that loads
them. The cchc package lives there (so compose mounts one folder) but is installed, not a plugin:
plugins/.airflowignore keeps Airflow from importing all of it (Great Expectations included) each time."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO_ROOT

pytestmark = pytest.mark.dags


def test_airflow_imports_nothing_from_the_plugins_folder(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "AIRFLOW_HOME": str(tmp_path),
        "AIRFLOW__CORE__PLUGINS_FOLDER": str(REPO_ROOT / "plugins"),
        "AIRFLOW__CORE__DAGS_FOLDER": str(REPO_ROOT / "dags"),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
    }
    airflow = str(Path(sys.executable).with_name("airflow"))
    done = subprocess.run([airflow, "plugins", "-v"], env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "No plugins loaded" in done.stdout, done.stdout[-2000:]
    assert "great_expectations" not in done.stdout + done.stderr
