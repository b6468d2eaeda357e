"""
### CCHC submission check

Every morning (08:00 Việt Nam time) looks at who has sent the exports each unit owes for the quarter
of the run's date and the quarter before it (`core.submission_expectation`: every commune and district
desk its dossiers, every district and the province its Biểu II.06a), records it in
`mart.submission_status`, and, once a due date has passed with units that have not sent or whose file
was refused, sends **one** reminder naming them through the `cchc_alerts` connection. Another check of
the same due dates sends nothing more; the next due date passing sends the next reminder.

Due date: the end of the period the export covers (the quarter; for Biểu II.06a the Decree 09/2019
period, through the 14th of the quarter's last month) plus `CCHC_SUBMISSION_GRACE_DAYS` (default 5).
The same list on the command line: `cchc status --quarter 2024Q2 [--chase]`.
"""

from __future__ import annotations

import pendulum
from airflow.sdk import CronTriggerTimetable, Param, dag, task

from cchc.airflow_adapter import DEFAULT_ARGS, check_submissions
from cchc.config import LOCAL_TZ


@dag(
    dag_id="cchc_submission_check",
    schedule=CronTriggerTimetable("0 8 * * *", timezone=LOCAL_TZ),
    start_date=pendulum.datetime(2018, 1, 1, tz=LOCAL_TZ),
    catchup=False,
    max_active_runs=1,
    doc_md=__doc__,
    tags=["cchc", "submissions"],
    default_args=DEFAULT_ARGS,
    params={"quarter": Param(None, type=["null", "string"], pattern=r"^\d{4}Q[1-4]$")},
)
def cchc_submission_check():
    @task(task_id="check_submissions")
    def check(**context) -> dict:
        return check_submissions(context)

    check()


cchc_submission_check()
