"""The refresh's last step: every refreshed province's reports, one province's failure named without
costing the others theirs."""

from __future__ import annotations

from pathlib import Path

import pytest

from cchc import pipeline, runs
from cchc.pipeline import RefreshContext, RefreshFailed, build_reports
from cchc.quarters import Quarter
from cchc.reports import publish
from cchc.warehouse.connection import connect
from tests.reports.conftest import OTHER_PROVINCE, PROVINCE, QUARTER

pytestmark = pytest.mark.integration


def _context(url: str, landing: Path, name: str) -> RefreshContext:
    ctx = RefreshContext(Quarter.parse(QUARTER), f"test__reports__{name}", landing, warehouse_url=url, trigger="test")
    with connect(url) as conn:
        runs.start_run(conn, ctx.run_id, QUARTER, "test")
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


def test_a_quarter_refreshed_before_the_form_mart_is_one_line_and_writes_nothing(
    report_db, report_landing, server_url, tmp_path, monkeypatch, capsys
):
    """A warehouse upgraded to the reports' migration keeps its quarters' indicators, but their Biểu
    II.06a is built by the next refresh: until then `cchc report` says so instead of a traceback or a
    half set of files, and the refresh it advises is enough. The upgrade is played by emptying the form's
    mart and giving the marts' recorded inputs another code digest, as the earlier release's SQL had."""
    from psycopg.conninfo import conninfo_to_dict

    from cchc.cli import main
    from tests.integration.helpers import refresh
    from tests.support.databases import copy_template, drop_database

    name, url = copy_template(server_url, conninfo_to_dict(report_db)["dbname"], "cchc_report_old")
    try:
        with connect(url) as conn:
            conn.execute("delete from mart.unit_quarter_ii06a where quarter = %s", (QUARTER,))
            upgraded = conn.execute(
                "update audit.step_input set fingerprint = 'built by the earlier release'"
                " where quarter = %s and step = 'build_marts'",
                (QUARTER,),
            )
            assert upgraded.rowcount >= 1
            conn.commit()
        monkeypatch.setenv("WAREHOUSE_URL", url)
        out = tmp_path / "reports"

        assert main(["report", "--quarter", QUARTER, "--unit", PROVINCE, "--out", str(out)]) == 1
        captured = capsys.readouterr()
        assert captured.err == f"error: no Biểu II.06a figures of {PROVINCE} in {QUARTER}: refresh the quarter\n"
        assert captured.out == "" and not (out.exists() and any(out.iterdir()))

        # The dashboard needs no form: it is still there for the asking.
        assert main(["report", "--quarter", QUARTER, "--unit", PROVINCE, "--format", "html", "--out", str(out)]) == 0
        assert [path.name for path in out.iterdir()] == [f"dashboard_{PROVINCE}_{QUARTER}.html"]
        capsys.readouterr()

        refresh(url, report_landing, QUARTER, run_id="test__report__after_upgrade")
        assert main(["report", "--quarter", QUARTER, "--unit", PROVINCE, "--out", str(out)]) == 0
        assert sorted(path.name for path in out.iterdir()) == [
            f"bieu-ii06a_{PROVINCE}_{QUARTER}.xlsx",
            f"chi-so_{PROVINCE}_{QUARTER}.xlsx",
            f"dashboard_{PROVINCE}_{QUARTER}.html",
        ]
    finally:
        drop_database(server_url, name)
