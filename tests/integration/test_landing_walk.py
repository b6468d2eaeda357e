"""No way out of the landing zone, and nothing in it passed over in silence: links are reported and never
followed, pipes and hidden files are reported, folder names match in ASCII and whole, and a name with a
line break cannot forge a line of the failure message."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from cchc.pipeline import RefreshFailed
from cchc.quarters import Quarter
from cchc.sources.landing import discover
from cchc.warehouse.connection import connect
from tests.integration.helpers import refresh, write_dossiers

pytestmark = pytest.mark.integration

QUARTER = "2024Q2"
SECRET = "AIRFLOW_CONN_CCHC_PORTAL=http://bot:s3cr3t-t0ken@portal"
ROW = ("H1", "29869", "1.000101", "Hộ tịch", "Trực tiếp", "02/04/2024 08:00", "05/04/2024 17:00",
       "04/04/2024 10:00", "Không", "0")  # fmt: skip


def _hostile(tmp_path: Path) -> Path:
    landing = tmp_path / "landing"
    write_dossiers(landing, "commune", "29869", QUARTER, [ROW])
    outside = tmp_path / "outside"
    outside.mkdir()
    secrets = outside / "secrets.env"
    secrets.write_text(SECRET + "\n", encoding="utf-8")
    good_elsewhere = write_dossiers(outside, "commune", "29872", QUARTER, [ROW])
    commune = landing / "commune"
    (commune / "29872" / QUARTER).mkdir(parents=True)
    os.symlink(good_elsewhere, commune / "29872" / QUARTER / "dossiers.csv")  # a CSV outside, linked in
    (commune / "29875" / QUARTER).mkdir(parents=True)
    os.symlink(secrets, commune / "29875" / QUARTER / "dossiers.csv")  # a secret, linked in
    os.symlink(tmp_path / "nowhere.csv", commune / "29869" / QUARTER / "surveys.csv")  # dangling
    os.symlink(outside, commune / "29878")  # a folder outside, linked in
    os.mkfifo(commune / "29869" / QUARTER / "plans.csv")
    (commune / "29869" / QUARTER / ".dossiers.csv.swp").write_bytes(b"editor swap")
    (commune / "29881" / "2024Q2\n").mkdir(parents=True)  # a trailing line break
    write_dossiers(commune / "29881", "", "", "2024Q2\n", [ROW])
    (commune / "29884" / "２０２４Q2").mkdir(parents=True)  # full-width digits
    (commune / "29884" / "２０２４Q2" / "dossiers.csv").write_text("x", encoding="utf-8")
    return landing


def test_what_discovery_reports(tmp_path: Path) -> None:
    landing = _hostile(tmp_path)
    files, problems = discover(landing, Quarter(2024, 2))
    assert [item.relative_path for item in files] == [f"commune/29869/{QUARTER}/dossiers.csv"]
    reasons = {problem.relative_path: problem.reason for problem in problems}
    link = "a link: the landing zone takes files, not links to them"
    assert reasons == {
        f"commune/29872/{QUARTER}/dossiers.csv": link,
        f"commune/29875/{QUARTER}/dossiers.csv": link,
        f"commune/29869/{QUARTER}/surveys.csv": link,
        "commune/29878": "a link to a folder: links are not followed out of the landing zone",
        f"commune/29869/{QUARTER}/plans.csv": "not a regular file (a pipe, socket or device)",
        f"commune/29869/{QUARTER}/.dossiers.csv.swp": "a hidden file: exports are named <dataset>.<csv|xls|xlsx|json>",
        "commune/29881/2024Q2\n/dossiers.csv": "quarter folder must look like 2024Q2, got '2024Q2\\n'",
        "commune/29884/２０２４Q2/dossiers.csv": "quarter folder must look like 2024Q2, got '２０２４Q2'",
    }


def test_no_secret_and_no_forged_line_reaches_the_warehouse_or_the_message(warehouse_db: str, tmp_path: Path) -> None:
    landing = _hostile(tmp_path)
    with pytest.raises(RefreshFailed) as failure:
        refresh(warehouse_db, landing, QUARTER, run_id="hostile")
    message = str(failure.value)
    assert "s3cr3t" not in message
    # The folder name with a line break is shown escaped, on its own line.
    assert "commune/29881/2024Q2\\x0a/dossiers.csv: quarter folder must look like 2024Q2" in message
    with connect(warehouse_db) as conn:
        texts = conn.execute(
            """select coalesce(string_agg(t::text, ' '), '') from (
                   select to_jsonb(f) as t from raw.landing_file as f
                   union all select to_jsonb(p) from audit.landing_problem as p
                   union all select to_jsonb(l) from audit.file_load as l
                   union all select to_jsonb(r) from audit.pipeline_run as r
                   union all select to_jsonb(k) from audit.task_run as k) as everything"""
        ).fetchone()[0]
        loaded = conn.execute("select path from raw.landing_file where is_current order by path").fetchall()
    assert "s3cr3t" not in texts
    # Only the file that is really in the landing zone was read.
    assert loaded == [(f"commune/29869/{QUARTER}/dossiers.csv",)]
