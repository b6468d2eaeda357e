"""The passwords file compose's airflow-passwords writes from .env: both logins, readable by its owner only."""

from __future__ import annotations

import json
import stat

import pytest

from cchc.deploy.passwords_file import main

pytestmark = pytest.mark.unit


def test_both_logins_are_written_for_the_owner_only(tmp_path, capsys):
    path = tmp_path / "auth" / "passwords.json"
    env = {
        "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE": str(path),
        "AIRFLOW_ADMIN_PASSWORD": "adminpass1",
        "CCHC_AIRFLOW_API_PASSWORD": "taskspass1",
    }
    assert main(env) == 0
    assert json.loads(path.read_text(encoding="utf-8")) == {"admin": "adminpass1", "cchc_tasks": "taskspass1"}
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert "adminpass1" not in capsys.readouterr().out


def test_a_missing_password_is_named(tmp_path, capsys):
    env = {"AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE": str(tmp_path / "p.json"), "AIRFLOW_ADMIN_PASSWORD": "x"}
    assert main(env) == 2
    assert capsys.readouterr().err == "error: set CCHC_AIRFLOW_API_PASSWORD\n"
    assert not (tmp_path / "p.json").exists()
