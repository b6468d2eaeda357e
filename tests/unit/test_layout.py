"""The package's layers by what they may import: the readers (`cchc.sources`) turn files into rows and
never reach the database, so they run (and are tested) without one; the raw layer writes their rows."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

pytestmark = pytest.mark.unit

PACKAGE = Path(__file__).resolve().parents[2] / "plugins" / "cchc"
DATABASE_MODULES = ("psycopg", "psycopg2", "sqlalchemy", "pgserver", "cchc.warehouse", "cchc.raw", "cchc.staging")


def _module_path(name: str) -> Path | None:
    """The file of a cchc module (a package's __init__ for a package), None for anything else."""
    if name != "cchc" and not name.startswith("cchc."):
        return None
    base = PACKAGE.parent.joinpath(*name.split("."))
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def _imports(path: Path) -> set[str]:
    """Every module a file imports, at the top or inside a function (a lazy import is still a dependency)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def _reached_from(start: list[Path]) -> dict[str, Path]:
    """Every module imported from `start`, directly or through other cchc modules: name -> importer."""
    reached: dict[str, Path] = {}
    queue = list(start)
    seen: set[Path] = set()
    while queue:
        path = queue.pop()
        if path in seen:
            continue
        seen.add(path)
        for name in _imports(path):
            reached.setdefault(name, path)
            target = _module_path(name)
            if target is not None:
                queue.append(target)
    return reached


def _is_database(name: str) -> bool:
    return any(name == module or name.startswith(module + ".") for module in DATABASE_MODULES)


def test_the_readers_reach_no_database_module():
    readers = sorted((PACKAGE / "sources").glob("*.py"))
    assert len(readers) >= 10
    reached = _reached_from(readers)
    assert "cchc.sources.csv_reader" in reached  # the walk follows the package's own imports
    offending = {name: str(importer.relative_to(PACKAGE)) for name, importer in reached.items() if _is_database(name)}
    assert offending == {}


def test_the_layout_check_sees_a_database_import(tmp_path):
    """The check itself can fail: a module importing psycopg through a helper is caught."""
    helper = tmp_path / "helper.py"
    helper.write_text("def f():\n    import psycopg\n", encoding="utf-8")
    assert any(_is_database(name) for name in _imports(helper))
    raw_loader = PACKAGE / "raw" / "loader.py"
    assert any(_is_database(name) for name in _reached_from([raw_loader]))


def test_the_pipeline_never_reaches_the_sample_generator():
    """Sample data is not part of the product: `cchc` (what the Airflow image installs) works without it."""
    modules = sorted(PACKAGE.rglob("*.py"))
    reached = _reached_from(modules)
    assert "cchc.quarters" in reached
    assert {name for name in reached if name.split(".")[0] == "cchc_sample"} == set()
    dockerignore = (PACKAGE.parents[1] / "docker" / "airflow.Dockerfile.dockerignore").read_text(encoding="utf-8")
    assert "!plugins/" in dockerignore.splitlines() and "sample_data" not in dockerignore
