"""docs/claims.md names, for each promise of the README, the test that keeps it: every test named there
must exist, so a renamed or deleted test cannot leave a promise unguarded without this failing."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parents[2]
CLAIMS = ROOT / "docs" / "claims.md"
ROW = re.compile(r"^\| (?P<claim>[^|]+?) \| `(?P<test>tests/[^`]+)` \|$")


def _claims() -> list[tuple[str, str]]:
    rows = [ROW.match(line) for line in CLAIMS.read_text(encoding="utf-8").splitlines()]
    return [(m["claim"], m["test"]) for m in rows if m]


def _test_functions(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {node.name for node in ast.walk(tree) if isinstance(node, ast.FunctionDef) and node.name.startswith("test_")}


def test_the_table_names_a_test_for_every_claim():
    claims = _claims()
    table_rows = [line for line in CLAIMS.read_text(encoding="utf-8").splitlines() if line.startswith("| ")]
    assert len(claims) == len(table_rows) - 1 >= 30  # every row but the header parsed


@pytest.mark.parametrize("claim,test", _claims(), ids=[claim for claim, _ in _claims()])
def test_the_named_test_exists(claim: str, test: str):
    path, _, name = test.partition("::")
    module = ROOT / path
    assert module.is_file(), f"{claim}: no file {path}"
    functions = _test_functions(module)
    if name:
        assert name in functions, f"{claim}: no {name} in {path}"
    else:
        assert functions, f"{claim}: {path} holds no test"
