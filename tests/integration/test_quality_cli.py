"""`cchc quality`, run as a command against a refreshed warehouse (WAREHOUSE_URL), read as a person would.

`tests/fixtures/landing_quality` (see test_validation_audit.py) is refreshed twice for 2024Q2: run
`earlier` loads and validates every file, run `latest` finds them unchanged and revalidates nothing.
Đà Nẵng (48) holds every unit but commune 30001 (Tràm Chim), which is in Đồng Tháp (87).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from cchc.pipeline import RefreshFailed
from tests.conftest import FIXTURES
from tests.integration.helpers import refresh
from tests.support.databases import copy_template, drop_database

pytestmark = pytest.mark.integration

CCHC = str(Path(sys.executable).with_name("cchc"))
HHB = "commune/20194/2024Q2/dossiers.csv"


@pytest.fixture(scope="module")
def warehouse(server_url: str, template_db: str, tmp_path_factory) -> Iterator[str]:

    name, url = copy_template(server_url, template_db, "cchc_qcli")
    landing = tmp_path_factory.mktemp("landing_cli") / "landing"
    shutil.copytree(FIXTURES / "landing_quality", landing)
    for run_id in ("earlier", "latest"):
        with pytest.raises(RefreshFailed):
            refresh(url, landing, "2024Q2", run_id=run_id)
    yield url
    drop_database(server_url, name)


def cchc(url: str, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "WAREHOUSE_URL": url}
    return subprocess.run([CCHC, *args], env=env, capture_output=True, text=True, timeout=120, check=False)


@pytest.fixture(scope="module")
def report(warehouse) -> str:
    result = cchc(warehouse, "quality", "--quarter", "2024Q2")
    # The quarter's last run failed: the exit code says so too, for scripts that check the quarter.
    assert result.returncode == 1, result.stderr
    return result.stdout


def _row(output: str, pattern: str) -> re.Match:
    found = re.search(pattern, output, re.MULTILINE)
    assert found, f"no line matching {pattern!r} in:\n{output}"
    return found


def test_it_names_the_last_run_and_its_outcome(report):
    assert report.startswith("CCHC data quality, 2024Q2\n")
    _row(report, r"^Last run: latest \(test\), failed$")
    _row(report, r"^  started \d{4}-\d\d-\d\d \d\d:\d\d:\d\d, finished .* s\) \(Asia/Ho_Chi_Minh\)$")
    _row(report, r"^  message: 2024Q2: the good files were loaded, but 3 problem\(s\) need attention:$")


def test_it_counts_files_by_what_reading_did_and_lists_the_problems(report):
    _row(report, r"^Files: 6 \(5 unchanged, 1 rejected\); 1 not placed in the landing zone$")
    _row(report, r"^commune/20197/2024Q2/dossiers\.csv\s+rejected: empty file$")
    _row(report, r"^commune/20200/2024Q2/bao_cao\.csv\s+unknown dataset 'bao_cao'")
    _row(report, rf"^{re.escape(HHB)}\s+3 of 8 rows quarantined$")


def test_it_balances_rows_per_dataset(report):
    # files, read, loaded, quarantined, skipped (summary rows: none here), read ms
    _row(report, r"^dossiers\s+4\s+15\s+11\s+4\s+0\s+\d+$")
    _row(report, r"^surveys\s+1\s+3\s+2\s+1\s+0\s+\d+$")
    _row(report, r"^total\s+5\s+18\s+13\s+5\s+0\s+\d+$")


def test_it_lists_rejects_by_reason_with_an_example_line(report):
    fax = _row(report, r"^dossiers\s+(\d+)\s+Hình thức nộp \(channel\): 'Fax' .*\s(\S+)$")
    assert fax.groups() == ("2", f"{HHB}:4")
    _row(report, r"^surveys\s+1\s+điểm score_staff ngoài thang 1-5 .*commune/20194/2024Q2/surveys\.csv:3$")


def test_it_lists_warnings_by_expectation_with_an_example_line(report):
    warning = _row(
        report,
        r"^dossiers\s+(\d+)\s+expect_column_values_to_be_between\(supplement_requests\)\s+"
        r"hơn 5 lần yêu cầu bổ sung / more than 5 supplement requests\s+(\S+)$",
    )
    assert warning.groups() == ("3", f"{HHB}:3")


def test_it_reports_reconciliation_and_where_the_data_docs_are(report):
    _row(report, r"^Reconciliation( gaps)?: ")
    index = Path(os.environ["CCHC_DATA_DOCS"]) / "index.html"
    _row(report, rf"^Data Docs: {re.escape(str(index))}$")
    _row(report, r"^  serve them: cchc quality --serve ")


def test_a_province_sees_only_its_units_files(warehouse):
    dong_thap = cchc(warehouse, "quality", "--quarter", "2024Q2", "--province", "87")
    assert dong_thap.returncode == 1, dong_thap.stderr  # the run, of every province, failed
    out = dong_thap.stdout
    assert out.startswith("CCHC data quality, 2024Q2, province 87\n")
    _row(out, r"^Files: 1 \(1 unchanged\); 0 not placed in the landing zone$")
    _row(out, r"^dossiers\s+1\s+2\s+1\s+1\s+0\s+\d+$")
    _row(out, r"^dossiers\s+1\s+Hình thức nộp \(channel\): 'Điện thoại' .*commune/30001/2024Q2/dossiers\.csv:3$")
    assert "'Fax'" not in out and "more than 5 supplement requests" not in out

    da_nang = cchc(warehouse, "quality", "--quarter", "2024Q2", "--province", "48").stdout
    _row(da_nang, r"^Files: 5 \(4 unchanged, 1 rejected\); 1 not placed in the landing zone$")
    assert "'Điện thoại'" not in da_nang and "'Fax'" in da_nang


def test_a_quarter_never_refreshed_or_no_quarter_says_what_to_do(warehouse):
    never = cchc(warehouse, "quality", "--quarter", "2023Q1")
    assert never.returncode == 1
    assert "no refresh of 2023Q1: run `cchc refresh --quarter 2023Q1` first" in never.stderr
    missing = cchc(warehouse, "quality")
    assert missing.returncode == 2 and "--quarter" in missing.stderr


def test_serve_publishes_the_data_docs_on_loopback(warehouse):
    # Port 0: the server binds a free port itself and names it, so no other process can take it first.
    server = subprocess.Popen(
        [CCHC, "quality", "--serve", "--port", "0"],
        env={**os.environ, "WAREHOUSE_URL": warehouse},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        announced = server.stdout.readline()
        url = re.search(r"on (http://127\.0\.0\.1:\d+/index\.html)", announced)
        assert url, announced + server.stderr.read() if server.poll() is not None else announced
        body = ""
        for _attempt in range(100):
            try:
                with urllib.request.urlopen(url.group(1), timeout=5) as response:
                    body = response.read().decode("utf-8")
                break
            except OSError:
                time.sleep(0.1)
        # Run `latest` found every input unchanged and validated nothing: the results in force are `earlier`'s.
        assert "staging.dossiers" in body and "validations/staging/dossiers/earlier/" in body
        assert "validations/staging/dossiers/latest/" not in body
    finally:
        server.terminate()
        server.wait(timeout=10)
