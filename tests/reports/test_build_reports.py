"""The refresh's last step: every refreshed province's reports, one province's failure named without
costing the others theirs."""

from __future__ import annotations

from pathlib import Path

import pytest

from cchc import pipeline
from cchc.pipeline import RefreshContext, RefreshFailed, build_reports
from cchc.quality import audit
from cchc.quarters import Quarter
from cchc.reports import publish
from cchc.warehouse.connection import connect
from tests.reports.conftest import OTHER_PROVINCE, PROVINCE, QUARTER

pytestmark = pytest.mark.integration


def _context(url: str, landing: Path, name: str) -> RefreshContext:
    ctx = RefreshContext(Quarter.parse(QUARTER), f"test__reports__{name}", landing, warehouse_url=url, trigger="test")
    with connect(url) as conn:
        audit.start_run(conn, ctx.run_id, QUARTER, "test")
    return ctx


def test_every_refreshed_province_gets_its_three_files(report_db, report_landing, tmp_path, monkeypatch):
    monkeypatch.setenv("CCHC_REPORTS", str(tmp_path))
    summary = build_reports(_context(report_db, report_landing, "all"))
    assert summary["provinces"] == [OTHER_PROVINCE, PROVINCE]
    names = sorted(path.name for path in (tmp_path / QUARTER).iterdir())
    assert names == sorted(
        f"{kind}_{province}_{QUARTER}.{ext}"
        for province in (OTHER_PROVINCE, PROVINCE)
        for kind, ext in (("bieu-ii06a", "xlsx"), ("chi-so", "xlsx"), ("dashboard", "html"))
    )
    assert sorted(summary["files"]) == sorted(str(tmp_path / QUARTER / name) for name in names)


def test_a_province_whose_reports_fail_is_named_and_the_others_are_written(
    report_db, report_landing, tmp_path, monkeypatch
):
    monkeypatch.setenv("CCHC_REPORTS", str(tmp_path))
    real = publish.write_unit_reports

    def failing_for_82(conn, quarter, unit_code, *args, **kwargs):
        if unit_code == OTHER_PROVINCE:
            raise OSError("disk full")
        return real(conn, quarter, unit_code, *args, **kwargs)

    monkeypatch.setattr(publish, "write_unit_reports", failing_for_82)
    ctx = _context(report_db, report_landing, "one_fails")
    with pytest.raises(RefreshFailed, match="province 82: disk full"):
        pipeline.build_reports(ctx)
    assert sorted(path.name for path in (tmp_path / QUARTER).iterdir()) == [
        f"bieu-ii06a_{PROVINCE}_{QUARTER}.xlsx",
        f"chi-so_{PROVINCE}_{QUARTER}.xlsx",
        f"dashboard_{PROVINCE}_{QUARTER}.html",
    ]
    with connect(report_db) as conn:
        status, error = conn.execute(
            "select status, error from audit.task_run where run_id = %s and task_id = 'build_reports'", (ctx.run_id,)
        ).fetchone()
    assert status == "failed" and "province 82: disk full" in error
