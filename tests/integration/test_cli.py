"""The `cchc` command as a data engineer meets it, run as a process: short errors with distinct exit
codes and no traceback for every expected failure, one line per step (or JSON), exports of `show`, and
`quality` failing when the quarter's last run failed."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from cchc.pipeline import STEPS
from cchc.reports.terminal import COLUMNS
from tests.integration.helpers import write_dossiers

pytestmark = pytest.mark.integration

COMMUNE = "20194"  # phường Hòa Hiệp Bắc, Đà Nẵng
GOOD = [
    ("ok-1", COMMUNE, "1.000001", "Hộ tịch", "1", "02/04/2024 08:00", "10/04/2024 17:00", "09/04/2024", "", "0"),
    ("ok-2", COMMUNE, "1.000002", "Chứng thực", "2", "03/04/2024 08:00", "10/04/2024 17:00", "", "", "0"),
]
# A channel that is none of Trực tiếp / Trực tuyến / Bưu chính / 1-3: quarantined, the run fails.
BAD = [("bad", COMMUNE, "1.000001", "Hộ tịch", "Fax", "04/04/2024 08:00", "10/04/2024 17:00", "", "", "0")]


def cchc(*args: str, url: str | None = None, **env: str) -> subprocess.CompletedProcess:
    environment = {**os.environ, "GX_ANALYTICS_ENABLED": "False", **env}
    if url:
        environment["WAREHOUSE_URL"] = url
    return subprocess.run(
        [sys.executable, "-m", "cchc.cli", *args], env=environment, capture_output=True, text=True, timeout=600
    )


def test_version() -> None:
    done = cchc("--version")
    assert done.returncode == 0
    assert done.stdout.startswith("cchc 0.1.0 (Airflow 3.3.2, Great Expectations 1.24.1, psycopg 3.")


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        # Nothing listens on port 9 of this machine.
        (("show", "--quarter", "2024Q2"), 3, "error: cannot connect to the warehouse (WAREHOUSE_URL): "),
        (("refresh", "--quarter", "2024Q2", "--landing", "/nonexistent/landing"), 4, "error: the landing zone "),
        (("refresh", "--quarter", "2024Q5"), 2, "argument --quarter: not a quarter: '2024Q5'"),
    ],
)
def test_expected_failures_are_one_line_with_their_own_exit_code(args: tuple, code: int, message: str) -> None:
    done = cchc(*args, url="postgresql://cchc:not-the-password@127.0.0.1:9/cchc")
    assert done.returncode == code, done.stderr
    assert message in done.stderr and "Traceback" not in done.stderr
    assert "not-the-password" not in done.stderr
    if code == 4 and args[0] == "refresh":
        assert "/nonexistent/landing (from --landing) is not a folder" in done.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--province", "99"), "error: no province '99'"),
        (("--scenario", "no-such"), "error: unknown scenario 'no-such'"),
    ],
)
def test_the_sample_command_names_what_is_not_there(args: tuple, message: str, tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "cchc_sample.cli", *args, "--landing", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 4, done.stderr
    assert message in done.stderr and "Traceback" not in done.stderr
    assert list(tmp_path.iterdir()) == []


def test_refresh_prints_a_line_per_step_or_json_and_quality_fails_with_the_run(
    warehouse_db: str, tmp_path: Path
) -> None:
    landing = tmp_path / "landing"
    write_dossiers(landing, "commune", COMMUNE, "2024Q2", GOOD + BAD)
    failed = cchc("refresh", "--quarter", "2024Q2", "--landing", str(landing), url=warehouse_db)
    assert failed.returncode == 1 and "Traceback" not in failed.stderr
    assert "1 row(s) of 2024Q2 failed error-level expectations" in failed.stderr
    lines = failed.stderr.splitlines()
    assert any(line.startswith("load_raw_files (") and "files 1" in line for line in lines)
    assert all(len(line) <= 160 for line in lines if line.split(" ", 1)[0] in {s.__name__ for s in STEPS})
    quality = cchc("quality", "--quarter", "2024Q2", url=warehouse_db)
    assert quality.returncode == 1 and ", failed" in quality.stdout

    write_dossiers(landing, "commune", COMMUNE, "2024Q2", GOOD)
    done = cchc("--quiet", "refresh", "--json", "--quarter", "2024Q2", "--landing", str(landing), url=warehouse_db)
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""  # --quiet: nothing but warnings and errors
    steps = [json.loads(line) for line in done.stdout.splitlines()]
    assert [step["step"] for step in steps] == [step.__name__ for step in STEPS]
    assert steps[1]["summary"]["files"] == 1 and steps[1]["summary"]["unchanged"] == 0
    assert cchc("quality", "--quarter", "2024Q2", url=warehouse_db).returncode == 0

    table = cchc("show", "--quarter", "2024Q2", url=warehouse_db)
    as_csv = cchc("show", "--quarter", "2024Q2", "--format", "csv", url=warehouse_db)
    as_json = cchc("show", "--quarter", "2024Q2", "--format", "json", url=warehouse_db)
    rows = list(csv.DictReader(io.StringIO(as_csv.stdout)))
    objects = json.loads(as_json.stdout)
    assert tuple(rows[0]) == COLUMNS
    # The same units in the same order as the table; the commune received two dossiers, resolved one.
    assert [row["unit_code"] for row in rows] == [obj["unit_code"] for obj in objects]
    [commune] = [obj for obj in objects if obj["unit_code"] == COMMUNE]
    assert (commune["received"], commune["resolved"], commune["pending"]) == (2, 1, 1)
    [commune_csv] = [row for row in rows if row["unit_code"] == COMMUNE]
    assert (commune_csv["received"], commune_csv["unit_level"]) == ("2", "commune")
    assert len(table.stdout.splitlines()) == 2 + 1 + len(rows)  # title, header, rule, one line per unit
