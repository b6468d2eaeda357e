"""The refresh's figures and step durations as Airflow metrics: `airflow dags test` with StatsD on,
sending to a receiver on 127.0.0.1.

Landing zone, written here: phường Hòa Hiệp Bắc (20194, Đà Nẵng) sent 4 dossiers for 2024Q2, one with a
channel that is none of Trực tiếp / Trực tuyến / Bưu chính / 1-3 ("Fax"), which is quarantined;
CCHC_MAX_QUARANTINED_ROWS=1 lets the run succeed with it. So: 1 file, 4 rows read, 3 loaded, 1
quarantined, 0 skipped.
"""

from __future__ import annotations

import pytest

from tests.e2e.test_airflow_dags_test import airflow_env, dags_test  # noqa: F401 - airflow_env is a fixture
from tests.integration.helpers import write_dossiers
from tests.support.statsd_receiver import StatsdReceiver

pytestmark = pytest.mark.e2e

COMMUNE = "20194"
ROWS = [
    ("m-1", COMMUNE, "1.000001", "Hộ tịch", "1", "02/04/2024 08:00", "10/04/2024 17:00", "09/04/2024", "", "0"),
    ("m-2", COMMUNE, "1.000002", "Chứng thực", "2", "03/04/2024 08:00", "10/04/2024 17:00", "", "", "0"),
    ("m-3", COMMUNE, "1.000002", "Chứng thực", "3", "03/04/2024 09:00", "10/04/2024 17:00", "10/04/2024", "", "0"),
    ("m-4", COMMUNE, "1.000001", "Hộ tịch", "Fax", "04/04/2024 08:00", "10/04/2024 17:00", "", "", "0"),
]
STEPS = (
    "prepare_warehouse", "load_raw_files", "validate_and_stage", "build_core", "build_marts", "reconcile",
    "build_quality_report", "check_run", "build_reports",
)  # fmt: skip


def test_the_refresh_sends_its_figures_and_durations_to_statsd(airflow_env, warehouse_db, tmp_path):  # noqa: F811
    landing = tmp_path / "landing"
    write_dossiers(landing, "commune", COMMUNE, "2024Q2", ROWS)
    with StatsdReceiver() as receiver:
        env = {
            **airflow_env,
            "WAREHOUSE_URL": warehouse_db,
            "CCHC_LANDING": str(landing),
            "CCHC_MAX_QUARANTINED_ROWS": "1",
            "AIRFLOW__METRICS__STATSD_ON": "True",
            "AIRFLOW__METRICS__STATSD_HOST": "127.0.0.1",
            "AIRFLOW__METRICS__STATSD_PORT": str(receiver.port),
            "AIRFLOW__METRICS__STATSD_PREFIX": "cchc_test",
        }
        result = dags_test(env, "2024-07-01")
        output = result.stdout + result.stderr
        assert result.returncode == 0, output[-4000:]
    gauges = receiver.metrics("g")
    assert {name: values for name, values in gauges.items() if name.startswith("cchc_test.cchc.refresh.")} == {
        "cchc_test.cchc.refresh.dossiers.files": ["1"],
        "cchc_test.cchc.refresh.dossiers.rows_read": ["4"],
        "cchc_test.cchc.refresh.dossiers.rows_loaded": ["3"],
        "cchc_test.cchc.refresh.dossiers.rows_quarantined": ["1"],
        "cchc_test.cchc.refresh.dossiers.rows_skipped": ["0"],
    }
    timings = receiver.metrics("ms")
    for step in STEPS:
        [duration] = timings[f"cchc_test.cchc.step.{step}.duration"]
        assert float(duration) > 0, step
