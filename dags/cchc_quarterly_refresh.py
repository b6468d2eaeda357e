"""
### CCHC quarterly refresh

Loads one calendar quarter of one-stop dossier exports from the landing zone
(`<level>/<unit_code>/<YYYYQn>/dossiers.csv`) into the warehouse and rebuilds
`mart.unit_quarter_indicators` for that quarter:

prepare_warehouse → load_raw_files → validate_and_stage → build_core → build_marts → check_run

* The run for the interval 2024-01-01 → 2024-04-01 (Asia/Ho_Chi_Minh) refreshes **2024Q1**; the
  `quarter` param overrides it for a manual run.
* Rows failing the `staging.dossiers` expectation suite go to `quarantine.rejected_row` with the reason.
* `check_run` fails the run (without retries) when a file was rejected, misplaced, or does not balance
  rows read = rows loaded + rows quarantined; everything good has been loaded by then.
* The warehouse is the Airflow connection `cchc_warehouse`, else `WAREHOUSE_URL`, else the embedded one.
"""

from __future__ import annotations

from datetime import timedelta

import pendulum
from airflow.sdk import CronDataIntervalTimetable, Param, dag, task

from cchc.airflow_adapter import run_step

QUARTERLY = CronDataIntervalTimetable("0 0 1 1,4,7,10 *", timezone="Asia/Ho_Chi_Minh")


@dag(
    dag_id="cchc_quarterly_refresh",
    schedule=QUARTERLY,
    start_date=pendulum.datetime(2018, 1, 1, tz="Asia/Ho_Chi_Minh"),
    catchup=False,
    max_active_runs=1,
    doc_md=__doc__,
    tags=["cchc", "warehouse", "quarterly"],
    default_args={
        "owner": "cchc-data",
        "retries": 2,
        "retry_delay": timedelta(minutes=2),
        "retry_exponential_backoff": 2.0,
        "max_retry_delay": timedelta(minutes=20),
    },
    params={"quarter": Param(None, type=["null", "string"], pattern=r"^\d{4}Q[1-4]$")},
)
def cchc_quarterly_refresh():
    @task
    def prepare_warehouse(**context) -> dict:
        return run_step("prepare_warehouse", context)

    @task
    def load_raw_files(**context) -> dict:
        return run_step("load_raw_files", context)

    @task
    def validate_and_stage(**context) -> dict:
        return run_step("validate_and_stage", context)

    @task
    def build_core(**context) -> dict:
        return run_step("build_core", context)

    @task
    def build_marts(**context) -> dict:
        return run_step("build_marts", context)

    @task
    def check_run(**context) -> dict:
        return run_step("check_run", context)

    (prepare_warehouse() >> load_raw_files() >> validate_and_stage() >> build_core() >> build_marts() >> check_run())


cchc_quarterly_refresh()
