"""Every CCHC_* variable is read in cchc.settings and documented in .env.example, and a wrong value is
refused by name; the checks scan the code, so a new variable read anywhere else fails here."""

from __future__ import annotations

import ast
import re
from decimal import Decimal
from pathlib import Path

import pytest

from cchc import settings

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parents[2]
CODE = sorted([*(ROOT / "plugins" / "cchc").rglob("*.py"), *(ROOT / "dags").glob("*.py")])
NAME = re.compile(r"(?<![A-Z_])CCHC_[A-Z0-9_]+")


def _environment_reads(path: Path) -> list[tuple[int, str]]:
    """(line, variable) for each os.environ.get / os.getenv / os.environ[...] of a CCHC_* name, written
    out or held in a module-level constant."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    constants = {
        target.id: node.value.value
        for node in tree.body
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str)
        for target in node.targets
        if isinstance(target, ast.Name)
    }

    def variable(node: ast.AST) -> str | None:
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return node.value
        if isinstance(node, ast.Name):
            return constants.get(node.id)
        return None

    found = []
    for node in ast.walk(tree):
        key = None
        if isinstance(node, ast.Call) and node.args:
            called = ast.unparse(node.func)
            if called.endswith(("environ.get", "getenv", "environ.setdefault", "environ.pop")):
                key = variable(node.args[0])
        elif isinstance(node, ast.Subscript) and ast.unparse(node.value).endswith("environ"):
            key = variable(node.slice)
        if key and key.startswith("CCHC_"):
            found.append((node.lineno, key))
    return found


def test_no_module_but_settings_reads_a_cchc_variable():
    elsewhere = {
        f"{path.relative_to(ROOT)}:{line}": key
        for path in CODE
        if path != ROOT / "plugins" / "cchc" / "settings.py"
        for line, key in _environment_reads(path)
    }
    assert elsewhere == {}


def test_the_scan_finds_a_read(tmp_path):
    module = tmp_path / "m.py"
    source = 'import os\nVAR = "CCHC_X"\na = os.environ.get(VAR)\nb = os.environ["CCHC_Y"]\n'
    module.write_text(source, encoding="utf-8")
    assert _environment_reads(module) == [(3, "CCHC_X"), (4, "CCHC_Y")]


def test_every_variable_the_code_names_is_a_setting():
    users = [path for path in CODE if path != ROOT / "plugins" / "cchc" / "settings.py"]
    named = {match for path in users for match in NAME.findall(path.read_text(encoding="utf-8"))}
    assert len(named) >= 20
    assert named - set(settings.BY_NAME) == set()
    assert set(settings.BY_NAME) - named == set()  # none listed that nothing uses


def test_env_example_documents_every_setting_and_no_other():
    text = (ROOT / ".env.example").read_text(encoding="utf-8")
    documented = set(re.findall(r"^#? ?(CCHC_[A-Z0-9_]+)=", text, flags=re.M))
    assert documented == set(settings.BY_NAME)
    for setting in settings.SETTINGS:
        assert setting.meaning and len(setting.meaning) > 10, setting.name


def test_unset_and_empty_mean_the_default():
    assert settings.text("CCHC_MAX_QUARANTINED_ROWS", {}) == "0"
    assert settings.whole_number("CCHC_SUBMISSION_GRACE_DAYS", "days", environ={"CCHC_SUBMISSION_GRACE_DAYS": " "}) == 5
    assert settings.given("CCHC_PROVINCES", {"CCHC_PROVINCES": "  "}) is None
    assert settings.boolean("CCHC_ALLOW_EMPTY_QUARTER", {}) is False
    assert settings.non_negative_decimal("CCHC_ONLINE_TARGET", {}) == Decimal(40)


def test_secrets_are_taken_exactly_as_given():
    assert settings.given("CCHC_READER_PASSWORD", {"CCHC_READER_PASSWORD": " mật khẩu "}) == " mật khẩu "
    assert settings.given("CCHC_LANDING", {"CCHC_LANDING": " /srv/landing "}) == "/srv/landing"


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("CCHC_VALIDATION_CHUNK_ROWS", "0", "CCHC_VALIDATION_CHUNK_ROWS must be a positive whole number of rows"),
        ("CCHC_VALIDATION_CHUNK_ROWS", "1e5", "must be a positive whole number of rows, not '1e5'"),
        ("CCHC_MAX_QUARANTINED_ROWS", "-1", "CCHC_MAX_QUARANTINED_ROWS must be a whole number of rows, not '-1'"),
        ("CCHC_MAX_WORKBOOK_MB", "١٢", "CCHC_MAX_WORKBOOK_MB must be a positive whole number of MiB"),  # Arabic digits
        ("CCHC_ALLOW_EMPTY_QUARTER", "yes", "CCHC_ALLOW_EMPTY_QUARTER must be true or false, not 'yes'"),
        ("CCHC_ONLINE_TARGET", "40%", "CCHC_ONLINE_TARGET must be a number >= 0 (e.g. 2.5), got '40%'"),
        ("CCHC_ONLINE_TARGET", "140", "CCHC_ONLINE_TARGET must be a percentage from 0 to 100, got '140'"),
        ("CCHC_AIRFLOW_PORT", "70000", "CCHC_AIRFLOW_PORT must be a port number, not '70000'"),
    ],
)
def test_a_wrong_value_is_refused_by_name(monkeypatch, name, value, message):
    from cchc.deploy.settings import from_environment
    from cchc.indicators import online_target
    from cchc.pipeline import allow_empty_quarter, max_quarantined_rows
    from cchc.sources.xlsx_files import max_workbook_bytes
    from cchc.staging import chunk_rows

    readers = {
        "CCHC_VALIDATION_CHUNK_ROWS": chunk_rows,
        "CCHC_MAX_QUARANTINED_ROWS": max_quarantined_rows,
        "CCHC_MAX_WORKBOOK_MB": max_workbook_bytes,
        "CCHC_ALLOW_EMPTY_QUARTER": allow_empty_quarter,
        "CCHC_ONLINE_TARGET": online_target,
        "CCHC_AIRFLOW_PORT": from_environment,
    }
    monkeypatch.setenv(name, value)
    with pytest.raises(ValueError, match=re.escape(message)):
        readers[name]()
