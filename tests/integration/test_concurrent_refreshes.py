"""Refreshes started at the same time take turns instead of failing: two of one quarter (both load the same
files: the second finds the first's versions), and two of different quarters (a step that creates or
truncates partitions used to deadlock with another quarter's step reading those tables).

Each refresh is a `cchc refresh` process of its own, as a cron job and a person at a terminal would start.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from cchc_sample.province import generate_province

from cchc.quarters import Quarter
from cchc.warehouse.connection import connect

pytestmark = pytest.mark.integration


def _run_together(url: str, landing: Path, quarters: list[str]) -> list[subprocess.CompletedProcess]:
    env = {**os.environ, "WAREHOUSE_URL": url, "GX_ANALYTICS_ENABLED": "False"}
    command = [sys.executable, "-m", "cchc.cli", "refresh", "--landing", str(landing), "--quarter"]
    started = [
        subprocess.Popen([*command, quarter], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for quarter in quarters
    ]
    results = []
    for process in started:
        out, err = process.communicate(timeout=600)
        results.append(subprocess.CompletedProcess(process.args, process.returncode, out, err))
    return results


@pytest.fixture(scope="module")
def landing(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("concurrent") / "landing"
    generate_province(folder, "87", [Quarter(2024, 1), Quarter(2024, 2)], per_unit_quarter=10, districts=["866"])
    return folder


@pytest.mark.parametrize("quarters", [["2024Q2", "2024Q2"], ["2024Q1", "2024Q2"]], ids=["same", "different"])
def test_refreshes_started_together_both_succeed(warehouse_db: str, landing: Path, quarters: list[str]) -> None:
    results = _run_together(warehouse_db, landing, quarters)
    for result in results:
        assert result.returncode == 0, result.stderr[-2000:]
        assert "Traceback" not in result.stderr
    with connect(warehouse_db) as conn:
        versions = conn.execute(
            "select path, count(*) from raw.landing_file where quarter = '2024Q2' group by path having count(*) > 1"
        ).fetchall()
        statuses = conn.execute("select status, count(*) from audit.pipeline_run group by status").fetchall()
        received = conn.execute(
            "select received from mart.unit_quarter_indicators where quarter = '2024Q2' and unit_code = '866'"
        ).fetchone()
    assert versions == []  # every file registered once, whichever run came first
    assert statuses == [("success", len(quarters))]
    assert received is not None and received[0] > 0
