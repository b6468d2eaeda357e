"""The one module of `cchc` that knows Airflow: schedules, assets, the ingest DAGs' shape, and the
translation of a task's context into a refresh context.

DAG files import it at parse time, so Airflow is imported inside functions and nothing heavy
(pandas, GX, database drivers) is imported here at all.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from cchc.config import LOCAL_TZ, landing_dir
from cchc.quarters import Quarter

WAREHOUSE_CONN_ID = "cchc_warehouse"
PORTAL_CONN_ID = "cchc_portal"
LEVELS = ("commune", "district", "province")
log = logging.getLogger(__name__)

DEFAULT_ARGS: dict[str, Any] = {
    "owner": "cchc-data",
    "retries": 2,
    "retry_delay": timedelta(minutes=2),
    "retry_exponential_backoff": 2.0,
    "max_retry_delay": timedelta(minutes=20),
}


def quarterly_timetable() -> Any:
    """Runs at 00:00 on 1 Jan/Apr/Jul/Oct (Việt Nam time) for the quarter that just ended."""
    from airflow.sdk import CronDataIntervalTimetable

    return CronDataIntervalTimetable("0 0 1 1,4,7,10 *", timezone=LOCAL_TZ)


def level_asset(level: str) -> Any:
    """The asset an ingest DAG updates: the warehouse's raw copy of one level's exports."""
    from airflow.sdk import Asset

    return Asset(name=f"cchc_raw_{level}", uri=f"cchc://warehouse/raw/{level}", group="cchc")


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
    """Which quarter a run is for: the `quarter` param if given; else, for a run triggered by ingest
    assets, the quarter their latest event names; else the quarter of the data interval (local time)."""
    requested = (context.get("params") or {}).get("quarter")
    if requested:
        return Quarter.parse(requested)
    events = [event for group in (context.get("triggering_asset_events") or {}).values() for event in group]
    quarters = [(event.timestamp, (event.extra or {}).get("quarter")) for event in events]
    named = sorted((stamp, quarter) for stamp, quarter in quarters if quarter)
    if named:
        return Quarter.parse(named[-1][1])
    start = context.get("data_interval_start")
    if start is None:
        raise ValueError("this run has no data interval: trigger it with the param quarter, e.g. 2024Q2")
    return Quarter.containing(start.in_timezone(LOCAL_TZ))


def run_step(step_name: str, context: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
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
        return step(ctx, **kwargs)
    except pipeline.RefreshFailed as error:
        pipeline.mark_failed(ctx, error)
        raise AirflowFailException(str(error)) from error
    except Exception as error:
        pipeline.mark_failed(ctx, error)
        raise


def fetch_from_portal(context: dict[str, Any], level: str) -> dict[str, Any]:
    """Pull the level's units from the portal when the `cchc_portal` connection exists (its extras
    name `province` or `units`: {"commune": [...]}); skip the task when it does not."""
    from airflow.sdk import Connection
    from airflow.sdk.exceptions import AirflowNotFoundException, AirflowSkipException

    from cchc.sources.portal_api import portal_from_connection

    try:
        conn = Connection.get(PORTAL_CONN_ID)
    except AirflowNotFoundException as missing:
        raise AirflowSkipException(
            f"no Airflow connection {PORTAL_CONN_ID!r}: files come from the landing zone only"
        ) from missing
    extra = conn.extra_dejson or {}
    units = (extra.get("units") or {}).get(level)
    if not units and not extra.get("province"):
        raise AirflowSkipException(f"connection {PORTAL_CONN_ID!r} names no {level} units and no province")
    return run_step(
        "fetch_portal_exports",
        context,
        client=portal_from_connection(conn),
        level=level,
        units=units,
        province=extra.get("province"),
    )


def build_ingest_dag(level: str, doc_md: str) -> Any:
    """fetch_portal_exports (if configured) -> discover_files -> load_landing_file (mapped, one task per
    file) -> publish the level's asset."""
    import pendulum
    from airflow.sdk import Param, dag, task

    if level not in LEVELS:
        raise ValueError(f"unknown level {level!r}")
    asset = level_asset(level)

    @dag(
        dag_id=f"cchc_ingest_{level}",
        schedule=quarterly_timetable(),
        start_date=pendulum.datetime(2018, 1, 1, tz=LOCAL_TZ),
        catchup=False,
        max_active_runs=1,
        doc_md=doc_md,
        tags=["cchc", "ingest", level],
        default_args=DEFAULT_ARGS,
        params={"quarter": Param(None, type=["null", "string"], pattern=r"^\d{4}Q[1-4]$")},
    )
    def ingest() -> None:
        @task
        def prepare_warehouse(**context: Any) -> dict:
            return run_step("prepare_warehouse", context)

        @task
        def fetch_portal_exports(**context: Any) -> dict:
            return fetch_from_portal(context, level)

        @task(trigger_rule="none_failed")
        def discover_files(**context: Any) -> list[str]:
            return run_step("discover_files", context, level=level)["files"]

        @task(map_index_template="{{ task.op_kwargs['relative_path'] }}")
        def load_landing_file(relative_path: str, **context: Any) -> dict:
            return run_step("load_landing_file", context, relative_path=relative_path)

        @task(outlets=[asset], trigger_rule="none_failed")
        def publish_asset(loads: list[dict], **context: Any) -> dict:
            # By index: iterating the lazy XCom sequence asks for one item past the end, which Airflow logs as an error.
            results = [loads[i] for i in range(len(loads))] if loads else []
            summary = run_step("close_ingest", context, loads=results)
            context["outlet_events"][asset].extra = summary
            return summary

        files = discover_files()
        prepare_warehouse() >> fetch_portal_exports() >> files
        publish_asset(load_landing_file.expand(relative_path=files))

    return ingest()
