"""A backfill of 2024Q1-2025Q4 across the 2025 reform, as the README shows it: the dry run first, then
`airflow backfill create --max-active-runs 1`, run by the scheduler of the services `make airflow`
starts (LocalExecutor, metadata on PostgreSQL). Then a late file for 2024Q3 and a rerun of that quarter.

Landing zone: Tiền Giang (82) as the generator writes it, dossiers only, two new dossiers per desk and
quarter: the old province's districts and communes up to 2025Q2, the new Đồng Tháp's communes (code 82
kept) from 2025Q3. Each quarter's marts are compared with those `cchc refresh` makes of the same files,
quarter after quarter, in a warehouse of their own.
"""

from __future__ import annotations

import csv
import io
import itertools
import subprocess
import sys
from collections.abc import Iterator
from datetime import datetime, time, timedelta, timezone
from pathlib import Path

import psycopg
import pytest
from cchc_sample.province import generate_province

from cchc.deploy.settings import environment
from cchc.quarters import Quarter, quarter_range
from tests.conftest import REPO_ROOT
from tests.integration.helpers import refresh
from tests.support.airflow_stack import airflow_stack
from tests.support.databases import copy_template, drop_database, mart_rows

# The tests are steps of one story on one stack: a shuffled run keeps their order (tests/conftest.py).
pytestmark = [pytest.mark.deployed, pytest.mark.scenario]

REFRESH = "cchc_quarterly_refresh"
QUARTERS = [str(q) for q in quarter_range(Quarter(2024, 1), Quarter(2025, 4))]
LATE_QUARTER = "2024Q3"
AIRFLOW = str(Path(sys.executable).with_name("airflow"))
DAG_IDS = {path.stem for path in (REPO_ROOT / "dags").glob("*.py")}
RUN_TIMEOUT = 1500
VN = timezone(timedelta(hours=7))


@pytest.fixture(scope="module")
def landing(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("backfill") / "landing"
    quarters = [Quarter.parse(q) for q in QUARTERS]
    generate_province(folder, "82", quarters, per_unit_quarter=2, datasets=("dossiers",), formats="csv")
    return folder


@pytest.fixture(scope="module")
def reference(server_url: str, template_db: str) -> Iterator[str]:
    """A warehouse `cchc refresh` fills, quarter after quarter, to compare with."""
    name, url = copy_template(server_url, template_db, "cchc_backfill_cli")
    yield url
    drop_database(server_url, name)


@pytest.fixture(scope="module")
def stack(server_url: str, template_db: str, landing: Path, tmp_path_factory):
    name, warehouse = copy_template(server_url, template_db, "cchc_backfill")
    home = tmp_path_factory.mktemp("airflow_backfill")
    extra_env = {
        "WAREHOUSE_URL": warehouse,
        "CCHC_LANDING": str(landing),
        "CCHC_DATA_DOCS": str(home / "data_docs"),
        "GX_ANALYTICS_ENABLED": "False",
    }
    try:
        with airflow_stack(server_url, home, extra_env) as (deployment, api):
            yield deployment, api, warehouse, {**environment(deployment), **extra_env}
    finally:
        drop_database(server_url, name)


def _backfill(env: dict[str, str], *extra: str) -> subprocess.CompletedProcess:
    command = [AIRFLOW, "backfill", "create", "--dag-id", REFRESH, "--from-date", "2024-01-01"]
    command += ["--to-date", "2025-12-31", "--max-active-runs", "1", *extra]
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=300, check=False)


def _quarter_of_runs(warehouse: str, run_ids: list[str]) -> dict[str, str]:
    with psycopg.connect(warehouse) as conn:
        rows = conn.execute(
            "select run_id, quarter from audit.pipeline_run where run_id = any(%s)", (run_ids,)
        ).fetchall()
    return dict(rows)


def _all_marts(url: str) -> dict[str, dict[str, list[str]]]:
    return {quarter: mart_rows(url, quarter) for quarter in QUARTERS}


def _with_late_dossier(path: Path) -> None:
    """One more dossier, received on 20/09/2024 and not resolved: pending at the end of 2024Q3."""
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"), newline="")))
    header, first = rows[0], rows[1]
    late = dict(zip(header, first, strict=True))
    late.update({"Mã hồ sơ": f"{late['Mã hồ sơ']}-LATE", "Ngày tiếp nhận": "20/09/2024 08:00"})
    late.update({"Ngày hẹn trả": "15/10/2024 17:00", "Ngày có kết quả": ""})
    out = io.StringIO(newline="")
    csv.writer(out).writerows([*rows, [late[name] for name in header]])
    path.write_text(out.getvalue(), encoding="utf-8")


def test_a_backfill_refreshes_eight_quarters_one_at_a_time_as_cchc_refresh_does(stack, landing, reference):
    _deployment, api, warehouse, env = stack
    api.wait_for("every DAG to be parsed", lambda: {dag["dag_id"] for dag in api.dags()} == DAG_IDS, 600)

    dry = _backfill(env, "--dry-run")
    assert dry.returncode == 0, dry.stderr[-3000:]
    # The dry run's table lists each run's logical date: 00:00 on each quarter's first day, Việt Nam time.
    table = [line.split("|")[1].strip() for line in dry.stdout.splitlines() if line.startswith("| 20")]
    listed = [datetime.fromisoformat(cell) for cell in table]
    assert listed == [datetime.combine(Quarter.parse(q).first_day, time(), VN) for q in QUARTERS], dry.stdout[-3000:]

    api.unpause(REFRESH)  # the scheduled run of the last quarter that ended fails at once: nothing landed
    made = _backfill(env)
    assert made.returncode == 0, made.stderr[-3000:]

    # While the scheduler works, `cchc refresh` builds the same quarters, in order, for comparison.
    expected = {}
    for quarter in QUARTERS:
        refresh(reference, landing, quarter, run_id=f"cli-{quarter}")
        expected[quarter] = mart_rows(reference, quarter)

    def backfill_runs() -> list[dict]:
        return [run for run in api.runs(REFRESH) if run["run_type"] == "backfill"]

    finished = api.wait_for(
        "the eight backfill runs to finish",
        lambda: len(runs := backfill_runs()) == 8 and all(r["state"] in {"success", "failed"} for r in runs) and runs,
        RUN_TIMEOUT,
        every=5,
    )
    runs = sorted(finished, key=lambda run: run["logical_date"])
    assert [run["state"] for run in runs] == ["success"] * 8
    assert [run["logical_date"][:10] for run in runs] == [
        "2023-12-31", "2024-03-31", "2024-06-30", "2024-09-30", "2024-12-31", "2025-03-31", "2025-06-30", "2025-09-30"
    ]  # fmt: skip
    # One at a time, in order: each run started after the one before it ended.
    for before, after in itertools.pairwise(runs):
        assert datetime.fromisoformat(after["start_date"]) >= datetime.fromisoformat(before["end_date"])
    assert _quarter_of_runs(warehouse, [run["dag_run_id"] for run in runs]) == {
        run["dag_run_id"]: quarter for run, quarter in zip(runs, QUARTERS, strict=True)
    }
    for quarter in QUARTERS:
        assert mart_rows(warehouse, quarter) == expected[quarter], quarter


def _received_pending(url: str, quarter: str, unit: str) -> tuple[int, int]:
    with psycopg.connect(url) as conn:
        return conn.execute(
            "select received, pending from mart.unit_quarter_indicators where quarter = %s and unit_code = %s",
            (quarter, unit),
        ).fetchone()


def test_a_late_file_reruns_its_quarter_only(stack, landing, reference):
    _deployment, api, warehouse, _env = stack
    before = _all_marts(warehouse)
    path = sorted(landing.glob(f"commune/*/{LATE_QUARTER}/dossiers.csv"))[0]
    commune = path.parts[-3]
    received, pending = _received_pending(warehouse, LATE_QUARTER, commune)
    _with_late_dossier(path)

    run_id = api.trigger(REFRESH, None, {"quarter": LATE_QUARTER})
    assert api.wait_for_run(REFRESH, run_id, RUN_TIMEOUT)["state"] == "success"
    after = _all_marts(warehouse)
    assert [q for q in QUARTERS if after[q] != before[q]] == [LATE_QUARTER]
    assert _received_pending(warehouse, LATE_QUARTER, commune) == (received + 1, pending + 1)
    with psycopg.connect(warehouse) as conn:
        [attention] = conn.execute(
            "select summary -> 'attention' from audit.task_run where run_id = %s and task_id = 'build_core'",
            (run_id,),
        ).fetchone()
    refresh(reference, landing, LATE_QUARTER, run_id="cli-late")
    assert after[LATE_QUARTER] == mart_rows(reference, LATE_QUARTER)
    # The quarters after it were built from its older version (a II.06a period, for one, starts in the
    # quarter before its own): the run names them to refresh.
    later = ", ".join(QUARTERS[QUARTERS.index(LATE_QUARTER) + 1 :])
    assert attention == [f"{later} were built from an older version of {LATE_QUARTER}: refresh them to carry it on"]
