"""The one module of `cchc` that knows Airflow: schedules, assets, the ingest DAGs' shape, and the
translation of a task's context into a refresh context.

DAG files import it at parse time, so Airflow is imported inside functions and nothing heavy
(pandas, GX, database drivers) is imported here at all.
"""

from __future__ import annotations

import json
import logging
import time
from datetime import timedelta
from typing import Any

from cchc.config import LOCAL_TZ, landing_dir
from cchc.quarters import Quarter

WAREHOUSE_CONN_ID = "cchc_warehouse"
PORTAL_CONN_ID = "cchc_portal"
ALERTS_CONN_ID = "cchc_alerts"
LEVELS = ("commune", "district", "province")
log = logging.getLogger(__name__)


def alert_on_failure(context: dict[str, Any]) -> None:
    """Task failure callback: tell the channel of the connection `cchc_alerts` that the run failed,
    once per run (`cchc.alerts` dedupes on audit.alert). It runs after the last try only, and never
    raises: an alert that cannot be sent is logged and recorded.

    A task-level callback (through DEFAULT_ARGS) rather than the DAG's own: it runs in the task's
    process with the exception at hand, while DAG-level failure callbacks have gone missing on
    Airflow 3 deployments (apache/airflow#63374)."""
    try:
        _send_failure_alert(context)
    except Exception:
        log.exception("the failure alert for run %s could not be sent", context.get("run_id"))


def alert_channel() -> Any:
    """The channel of the connection `cchc_alerts`, its secrets masked in the task's log; None when no
    such connection is configured."""
    from airflow.sdk import Connection
    from airflow.sdk.exceptions import AirflowNotFoundException

    from cchc import alerts

    try:
        conn = Connection.get(ALERTS_CONN_ID)
    except AirflowNotFoundException:
        log.info("no Airflow connection %r: no alert channel is configured, no alert sent", ALERTS_CONN_ID)
        return None
    channel = alerts.channel_from_connection(
        conn.conn_type, conn.host, conn.port, conn.schema, conn.login, conn.password, conn.extra_dejson
    )
    mask_secret_settings()
    if isinstance(channel, alerts.Webhook):
        from airflow.sdk.log import mask_secret

        mask_secret(channel.url)  # chat webhooks carry their token in the path
    return channel


def _send_failure_alert(context: dict[str, Any]) -> None:
    from cchc import alerts

    channel = alert_channel()
    if channel is None:
        return
    ti = context.get("ti") or context.get("task_instance")
    task_id = getattr(ti, "task_id", None)
    map_index = getattr(ti, "map_index", None)
    if task_id and isinstance(map_index, int) and map_index >= 0:
        task_id = f"{task_id}[{map_index}]"
    try:
        quarter: str | None = str(quarter_of_run(context))
    except ValueError:
        quarter = None
    error = context.get("exception")
    if error is None:
        text = str(context.get("reason") or "no error was passed to the callback")
    elif type(error).__name__ == "AirflowFailException":  # carries the pipeline's own message
        text = str(error)
    else:
        text = f"{type(error).__name__}: {error}"
    failure = alerts.Failure(
        dag_id=getattr(ti, "dag_id", None) or context["dag"].dag_id,
        run_id=context["run_id"],
        audit_run_id=audit_run_id(_dag_id(context), context["run_id"]),
        task_id=task_id,
        quarter=quarter,
        error=text,
    )
    outcome = alerts.alert_failed_run(failure, channel, warehouse_url_from_connection())
    log.info("failure alert for run %s: %s", failure.run_id, outcome)


DEFAULT_ARGS: dict[str, Any] = {
    "owner": "cchc-data",
    "retries": 2,
    "retry_delay": timedelta(minutes=2),
    "retry_exponential_backoff": 2.0,
    "max_retry_delay": timedelta(minutes=20),
    "on_failure_callback": alert_on_failure,
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
    """URL of the Airflow connection `cchc_warehouse`, or None to fall back to WAREHOUSE_URL/embedded.

    Read through the Postgres provider's hook, so the connection means here what it means to any
    Postgres task: its extras are libpq parameters (sslmode, sslrootcert, connect_timeout, options, ...)
    and travel in the URL's query, except the ones the hook keeps for itself (iam, cursor, ...)."""
    from urllib.parse import quote, urlencode

    from airflow.providers.postgres.hooks.postgres import PostgresHook
    from airflow.sdk.exceptions import AirflowNotFoundException

    hook = PostgresHook(postgres_conn_id=WAREHOUSE_CONN_ID)
    try:
        conn = hook.connection
    except AirflowNotFoundException:
        log.info("no Airflow connection %r: using WAREHOUSE_URL or the embedded warehouse", WAREHOUSE_CONN_ID)
        return None
    credentials = quote(conn.login or "", safe="")
    if conn.password:
        credentials += ":" + quote(conn.password, safe="")
    # A socket folder is percent-encoded, an IPv6 address bracketed, as libpq's URIs want them.
    address = f"[{conn.host}]" if conn.host and ":" in conn.host else quote(conn.host or "", safe="")
    host = f"{credentials}@{address}" if credentials else address
    port = f":{conn.port}" if conn.port else ""
    extras = {
        name: value if isinstance(value, str) else json.dumps(value)
        for name, value in sorted(conn.extra_dejson.items())
        if name not in hook.ignored_extra_options
    }
    query = f"?{urlencode(extras, quote_via=quote)}" if extras else ""
    return f"postgresql://{host}{port}/{quote(conn.schema or 'cchc', safe='')}{query}"


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
        chosen = named[-1][1]
        others = sorted({quarter for _stamp, quarter in named} - {chosen})
        if others:
            # One run refreshes one quarter: say which the events also named, and how to refresh them.
            log.warning(
                "the asset events also name %s: this run refreshes %s only; trigger the refresh with "
                '{"quarter": "<quarter>"} for each of the others',
                ", ".join(others),
                chosen,
            )
        return Quarter.parse(chosen)
    start = context.get("data_interval_start")
    if start is None:
        raise ValueError("this run has no data interval: trigger it with the param quarter, e.g. 2024Q2")
    return Quarter.containing(start.in_timezone(LOCAL_TZ))


def mask_secret_settings() -> None:
    """Have Airflow mask, in this task's log, the secret settings of the environment (tokens, passwords,
    the password of WAREHOUSE_URL): Airflow masks its connections' passwords, not our settings."""
    from airflow.sdk.log import mask_secret

    from cchc.redaction import secret_values

    for value in secret_values():
        mask_secret(value)


REFRESH_DAG_ID = "cchc_quarterly_refresh"


def audit_run_id(dag_id: str, run_id: str) -> str:
    """The run's id in the warehouse's audit tables. The four DAGs share one timetable, so their
    scheduled runs share Airflow's run id: an ingest run's is prefixed with its DAG's id, and the
    refresh's is Airflow's own (the one data engineers look up)."""
    return run_id if dag_id == REFRESH_DAG_ID else f"{dag_id}/{run_id}"


def _dag_id(context: dict[str, Any]) -> str:
    ti = context.get("ti") or context.get("task_instance")
    return getattr(ti, "dag_id", None) or context["dag"].dag_id


def run_step(step_name: str, context: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """Run one pipeline step for this DAG run; data problems fail the task without retries."""
    from airflow.sdk.exceptions import AirflowFailException

    from cchc import pipeline, run_notes

    mask_secret_settings()
    try:
        quarter = quarter_of_run(context)
    except ValueError as error:
        # A run that does not say which quarter is wrong input: retrying cannot fix it.
        raise AirflowFailException(f"which quarter? {error}") from error
    ctx = pipeline.RefreshContext(
        quarter=quarter,
        run_id=audit_run_id(_dag_id(context), context["run_id"]),
        landing=landing_dir(),
        warehouse_url=warehouse_url_from_connection(),
        trigger="airflow",
        rebuild=bool((context.get("params") or {}).get("rebuild")),
    )
    step = getattr(pipeline, step_name)
    log.info("%s of %s (run %s)", step_name, quarter, ctx.run_id)
    refresh = _dag_id(context) == REFRESH_DAG_ID
    if refresh and step_name == "prepare_warehouse":
        run_notes.write_note(REFRESH_DAG_ID, context["run_id"], run_notes.started_note(str(quarter)))
    started = time.perf_counter()
    try:
        summary = step(ctx, **kwargs)
        # The summary in the task's log, one readable line (the XCom holds it whole).
        from cchc.reports.terminal import step_line

        seconds = time.perf_counter() - started
        if isinstance(summary, dict):
            log.info("%s", step_line(step_name, summary, seconds, width=400))
            emit_metrics(step_name, summary, seconds)
            if step_name == "build_quality_report" and summary.get("quality_report"):
                log.info(
                    "quality report: %s; in a terminal: cchc quality --quarter %s", summary["quality_report"], quarter
                )
            if refresh and step_name == "check_run":
                run_notes.write_note(REFRESH_DAG_ID, context["run_id"], run_notes.finished_note(str(quarter), summary))
        return summary
    except pipeline.RefreshFailed as error:
        pipeline.mark_failed(ctx, error)
        if refresh:
            run_notes.write_note(
                REFRESH_DAG_ID, context["run_id"], run_notes.failed_note(str(quarter), step_name, str(error))
            )
        raise AirflowFailException(str(error)) from error
    except Exception as error:
        pipeline.mark_failed(ctx, error)
        raise


def quarters_to_check(context: dict[str, Any]) -> tuple[list[Quarter], Any]:
    """The quarters a submission check looks at, and the moment it judges them at: the `quarter` param,
    else the quarter of the run's date and the one before it (whose dossiers fall due early in this
    one); the moment is the run's logical date (now for a run without one)."""
    import pendulum

    moment = context.get("logical_date") or context.get("data_interval_end") or pendulum.now(LOCAL_TZ)
    requested = (context.get("params") or {}).get("quarter")
    if requested:
        return [Quarter.parse(requested)], moment
    current = Quarter.containing(moment.in_timezone(LOCAL_TZ))
    return [current.previous, current], moment


def check_submissions(context: dict[str, Any]) -> dict[str, Any]:
    """Record who has sent each checked quarter's exports (mart.submission_status) and send one reminder
    through `cchc_alerts` for each due date passed with units still to chase."""
    from cchc import alerts, submissions
    from cchc.warehouse.connection import connect

    quarters, moment = quarters_to_check(context)
    url = warehouse_url_from_connection()
    summary: dict[str, Any] = {"as_of": moment.isoformat()}
    for quarter in quarters:
        with connect(url) as conn:
            rows = submissions.take(conn, landing_dir(), quarter, as_of=moment)
        text = submissions.reminder_text(quarter, rows)
        outcome = "nobody to chase"
        if text is not None:
            log.info("%s", text)
            channel = alert_channel()
            key = submissions.chase_key(quarter, rows)
            outcome = "no channel" if channel is None else alerts.send_reminder(key, str(quarter), text, channel, url)
        summary[str(quarter)] = {**submissions.counts(rows), "reminder": outcome}
        log.info("%s: %s", quarter, summary[str(quarter)])
    return summary


def metric_values(step_name: str, summary: dict[str, Any], seconds: float) -> list[tuple[str, str, float]]:
    """(kind, name, value) of the metrics one finished step gives: its duration in ms (`timing`), and
    at the end of a refresh each dataset's rows read, loaded, quarantined and skipped and files
    (`gauge`), e.g. `cchc.refresh.dossiers.rows_quarantined`. Airflow prefixes them ([metrics])."""
    values = [("timing", f"cchc.step.{step_name}.duration", round(seconds * 1000, 3))]
    for dataset, figures in (summary.get("datasets") or {}).items() if step_name == "check_run" else ():
        values += [("gauge", f"cchc.refresh.{dataset}.{name}", value) for name, value in figures.items()]
    return values


def emit_metrics(step_name: str, summary: dict[str, Any], seconds: float) -> None:
    """Send the step's metrics through Airflow's own metrics client (StatsD or OpenTelemetry as
    configured in [metrics]); nothing is sent when metrics are off. Never fails the step."""
    try:
        from airflow.sdk._shared.observability.metrics import stats as stats_module
        from airflow.sdk.observability.metrics import stats_utils
        from airflow.sdk.observability.stats import gauge, initialize, timing

        if stats_module._factory is None:  # `airflow dags test` runs tasks without the task runner's setup
            from airflow.sdk.configuration import conf

            legacy = conf.getboolean("metrics", "legacy_names_on", fallback=True)
            initialize(factory=stats_utils.get_stats_factory(), export_legacy_names=legacy)
        for kind, name, value in metric_values(step_name, summary, seconds):
            (timing if kind == "timing" else gauge)(name, value)
    except Exception:
        log.warning("the metrics of %s could not be sent", step_name, exc_info=True)


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
