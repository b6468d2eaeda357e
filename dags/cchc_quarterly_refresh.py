"""
### CCHC quarterly refresh

Loads one calendar quarter of every dataset in the landing zone
(`<level>/<unit_code>/<YYYYQn>/<dataset>.<csv|xlsx|xls|html|json>`: one-stop dossiers, Biểu II.06a
forms, inspections, CCHC plans, SIPAS surveys, the procedure catalogue and PAR INDEX results) and
rebuilds that quarter's marts: `mart.unit_quarter_indicators` and its comparable series across the
2025 reform, the rebuilt II.06a, the Decision 766 scorecard, satisfaction, inspections, plan
compliance and PAR INDEX:

prepare_warehouse → load_raw_files → validate_and_stage → build_core → build_marts → reconcile →
build_quality_report → check_run → build_reports

* Scheduled quarterly (the run for the interval 2024-01-01 → 2024-04-01, Asia/Ho_Chi_Minh, refreshes
  **2024Q1**) and whenever the three ingest DAGs have published their assets (it then refreshes the
  quarter their events name). The `quarter` param overrides both for a manual run.
* Rows failing their dataset's expectation suite (`expectations/staging.<dataset>.json`) go to
  `quarantine.rejected_row` with the file, line and reason.
* `reconcile` compares the II.06a forms with the dossier exports and with each other, and the indicator
  roll-ups with their parts, into `mart.reconciliation`; differences are recorded, never fatal.
* `build_quality_report` renders the Great Expectations Data Docs (every suite, the run's validation
  results) into `data/quality/data_docs` (`CCHC_DATA_DOCS`); its summary names the index.html.
* `check_run` fails the run (without retries) when a file was rejected, misplaced, or does not balance
  rows read = rows loaded + rows quarantined, or when more rows than `CCHC_MAX_QUARANTINED_ROWS`
  (default 0) failed error-level expectations; everything good has been loaded by then, and the
  failure callback sends one alert through the `cchc_alerts` connection.
* A rerun does only what changed: each quarter's staged datasets, core facts, marts and reconciliation
  record a fingerprint of their inputs (file versions, earlier quarters, suites, SQL, settings) in
  `audit.step_input`, and a step whose inputs match is skipped (`unchanged_since_run` in its summary).
  The `rebuild` param forces the whole quarter.
* `build_reports` writes each refreshed province's Biểu II.06a and indicators workbooks and its
  dashboard page into `data/reports/<quarter>/` (`CCHC_REPORTS`), once the checks have passed.
* The warehouse is the Airflow connection `cchc_warehouse`, else `WAREHOUSE_URL`, else the embedded one.
"""

from __future__ import annotations

import pendulum
from airflow.sdk import AssetAll, AssetOrTimeSchedule, Param, dag, task

from cchc.airflow_adapter import DEFAULT_ARGS, LEVELS, level_asset, quarterly_timetable, run_step


@dag(
    dag_id="cchc_quarterly_refresh",
    schedule=AssetOrTimeSchedule(
        timetable=quarterly_timetable(), assets=AssetAll(*(level_asset(level) for level in LEVELS))
    ),
    start_date=pendulum.datetime(2018, 1, 1, tz="Asia/Ho_Chi_Minh"),
    catchup=False,
    max_active_runs=1,
    doc_md=__doc__,
    tags=["cchc", "warehouse", "quarterly"],
    default_args=DEFAULT_ARGS,
    params={
        "quarter": Param(None, type=["null", "string"], pattern=r"^\d{4}Q[1-4]$"),
        "rebuild": Param(False, type="boolean", description="revalidate and rebuild even if no input changed"),
    },
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
    def reconcile(**context) -> dict:
        return run_step("reconcile", context)

    @task
    def build_quality_report(**context) -> dict:
        return run_step("build_quality_report", context)

    @task
    def check_run(**context) -> dict:
        return run_step("check_run", context)

    @task
    def build_reports(**context) -> dict:
        return run_step("build_reports", context)

    (
        prepare_warehouse()
        >> load_raw_files()
        >> validate_and_stage()
        >> build_core()
        >> build_marts()
        >> reconcile()
        >> build_quality_report()
        >> check_run()
        >> build_reports()
    )


cchc_quarterly_refresh()
