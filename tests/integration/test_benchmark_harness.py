"""The benchmark runs end to end at a small size and reports figures that add up (no timing asserted)."""

from __future__ import annotations

import json

import pytest

from benchmarks import bench
from cchc.pipeline import STEPS

pytestmark = pytest.mark.integration


def test_small_benchmark_reports_every_stage(server_url, tmp_path):
    assert bench.main(["--rows", "3000", "--warehouse-url", server_url, "--out", str(tmp_path)]) == 0
    result = json.loads((tmp_path / "dossiers-3000.json").read_text(encoding="utf-8"))
    # The reference copied exactly the rows the refresh loaded, from the same files.
    assert result["reference"]["rows"] == result["dossier_rows"] > 2000
    assert [stage["stage"] for stage in result["refresh"]] == [step.__name__ for step in STEPS]
    assert result["refresh_seconds"] == pytest.approx(sum(s["seconds"] for s in result["refresh"]), abs=0.05)
    assert result["peak_rss_bytes"] > 50 * 2**20
    assert result["machine"]["cores"] >= 1 and result["versions"]["postgresql"]
    # Every file loads once; a rerun skips them all; a late correction of one commune loads one file.
    assert result["files_loaded"] == {"full": result["files"], "rerun_unchanged": 0, "rerun_one_late_file": 1}
    report = (tmp_path / "dossiers-3000.md").read_text(encoding="utf-8")
    assert "psql \\copy (reference)" in report and "Refresh throughput / `\\copy` throughput" in report
