"""The one module of `cchc` that knows Airflow: turns a task's context into a refresh context.

Imported by the DAG at parse time, so it imports nothing heavy at module level.
"""

from __future__ import annotations

import logging
from typing import Any

from cchc.config import LOCAL_TZ, landing_dir
from cchc.quarters import Quarter

WAREHOUSE_CONN_ID = "cchc_warehouse"
log = logging.getLogger(__name__)


def warehouse_url_from_connection() -> str | None:
    """URL of the Airflow connection `cchc_warehouse`, or None to fall back to WAREHOUSE_URL/embedded."""
    from airflow.sdk import Connection
    from airflow.sdk.exceptions import AirflowNotFoundException

    try:
        conn = Connection.get(WAREHOUSE_CONN_ID)
    except AirflowNotFoundException:
        log.info("no Airflow connection %r: using WAREHOUSE_URL or the embedded warehouse", WAREHOUSE_CONN_ID)
        return None
    from urllib.parse import quote

    credentials = quote(conn.login or "", safe="")
    if conn.password:
        credentials += ":" + quote(conn.password, safe="")
    host = f"{credentials}@{conn.host}" if credentials else (conn.host or "")
    port = f":{conn.port}" if conn.port else ""
    return f"postgresql://{host}{port}/{conn.schema or 'cchc'}"


def quarter_of_run(context: dict[str, Any]) -> Quarter:
    """The `quarter` param if given, else the quarter of the run's data interval (local time)."""
    requested = (context.get("params") or {}).get("quarter")
    if requested:
        return Quarter.parse(requested)
    start = context.get("data_interval_start")
    if start is None:
        raise ValueError("this run has no data interval: trigger it with the param quarter, e.g. 2024Q2")
    return Quarter.containing(start.in_timezone(LOCAL_TZ))


def run_step(step_name: str, context: dict[str, Any]) -> dict[str, Any]:
    """Run one pipeline step for this DAG run; data problems fail the task without retries."""
    from airflow.sdk.exceptions import AirflowFailException

    from cchc import pipeline

    ctx = pipeline.RefreshContext(
        quarter=quarter_of_run(context),
        run_id=context["run_id"],
        landing=landing_dir(),
        warehouse_url=warehouse_url_from_connection(),
        trigger="airflow",
    )
    step = getattr(pipeline, step_name)
    try:
        return step(ctx)
    except pipeline.RefreshFailed as error:
        pipeline.mark_failed(ctx, error)
        raise AirflowFailException(str(error)) from error
    except Exception as error:
        pipeline.mark_failed(ctx, error)
        raise
