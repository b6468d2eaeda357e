"""Failure alerts from the real DAG: `airflow dags test` with AIRFLOW_CONN_CCHC_ALERTS pointing at a
webhook on 127.0.0.1. A landing with a row that fails an error-level expectation fails check_run and
sends exactly one alert; a clean landing sends none."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cchc_sample.province import generate_province

from cchc.quarters import Quarter
from tests.e2e.test_airflow_dags_test import airflow_env, dags_test  # noqa: F401 - airflow_env is a fixture
from tests.integration.helpers import write_dossiers
from tests.support.alert_receivers import WebhookReceiver

pytestmark = pytest.mark.e2e

COMMUNE = "20194"  # phường Hòa Hiệp Bắc, Đà Nẵng
BAD_LANDING_ROWS = [
    ("ok-1", COMMUNE, "1.000001", "Hộ tịch", "1", "02/04/2024 08:00", "10/04/2024 17:00", "09/04/2024", "", "0"),
    ("ok-2", COMMUNE, "1.000002", "Chứng thực", "2", "03/04/2024 08:00", "10/04/2024 17:00", "", "", "0"),
    # A channel that is none of Trực tiếp / Trực tuyến / Bưu chính / 1-3: quarantined.
    ("bad", COMMUNE, "1.000001", "Hộ tịch", "Fax", "04/04/2024 08:00", "10/04/2024 17:00", "", "", "0"),
]


def alert_env(base: dict[str, str], warehouse_db: str, landing, receiver: WebhookReceiver) -> dict[str, str]:
    definition = {"conn_type": "http", "host": "127.0.0.1", "port": receiver.port, "schema": "hooks/cchc"}
    return {
        **base,
        "WAREHOUSE_URL": warehouse_db,
        "CCHC_LANDING": str(landing),
        "AIRFLOW_CONN_CCHC_ALERTS": json.dumps(definition),
    }


def test_a_quarantined_row_fails_the_run_and_sends_one_alert(airflow_env, warehouse_db, tmp_path, conn):  # noqa: F811
    landing = tmp_path / "landing"
    write_dossiers(landing, "commune", COMMUNE, "2024Q2", BAD_LANDING_ROWS)
    with WebhookReceiver() as receiver:
        result = dags_test(alert_env(airflow_env, warehouse_db, landing, receiver), "2024-07-01")
    output = result.stdout + result.stderr
    assert "state=failed" in output, output[-4000:]

    [(run_id, status)] = conn.execute("select run_id, status from audit.pipeline_run").fetchall()
    assert status == "failed"
    assert len(receiver.posts) == 1, output[-4000:]
    post = receiver.posts[0]
    assert post.path == "/hooks/cchc"
    body = post.body
    assert (body["dag_id"], body["run_id"], body["quarter"], body["task_id"]) == (
        "cchc_quarterly_refresh",
        run_id,
        "2024Q2",
        "check_run",
    )
    assert "1 row(s) of 2024Q2 failed error-level expectations" in body["error"]
    assert "dossiers: 1 row(s)" in body["error"]
    assert "rows quarantined in 2024Q2: 1" in body["text"]
    assert "cchc quality --quarter 2024Q2" in body["text"]
    alert = conn.execute("select task_id, channel, status, message from audit.alert").fetchall()
    assert alert == [("check_run", "webhook", "sent", body["text"])]
    # The data problem failed check_run once, without retries, after the good rows were loaded.
    assert conn.execute("select count(*) from audit.task_run where task_id = 'check_run'").fetchone() == (1,)
    assert conn.execute("select count(*) from core.fct_dossier where quarter = '2024Q2'").fetchone() == (2,)


def test_a_clean_run_sends_no_alert(airflow_env, warehouse_db, tmp_path, conn):  # noqa: F811
    landing = tmp_path / "landing"
    generate_province(landing, "87", [Quarter(2024, 2)], per_unit_quarter=5, districts=["868"], datasets=("dossiers",))
    with WebhookReceiver() as receiver:
        result = dags_test(alert_env(airflow_env, warehouse_db, landing, receiver), "2024-07-01")
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-4000:]
    assert "state=success" in output, output[-4000:]
    assert receiver.posts == []
    assert conn.execute("select count(*) from audit.alert").fetchone() == (0,)
    assert conn.execute("select count(*) from quarantine.rejected_row").fetchone() == (0,)


def _text_of_schema(conn, schema: str) -> str:
    """Every row of every table of `schema`, as text."""
    tables = conn.execute(
        "select table_name from information_schema.tables where table_schema = %s and table_type = 'BASE TABLE'",
        (schema,),
    ).fetchall()
    return "\n".join(
        row[0] for (table,) in tables for row in conn.execute(f"select to_jsonb(t)::text from {schema}.{table} as t")
    )


def test_a_failing_run_writes_no_planted_secret_to_logs_audit_or_alerts(airflow_env, warehouse_db, tmp_path, conn):  # noqa: F811
    token = "planted-token-Zq81x9"
    hook_secret = "planted-hook-Yw42ab"
    landing = tmp_path / "landing"
    write_dossiers(landing, "commune", COMMUNE, "2024Q2", BAD_LANDING_ROWS)
    # A settings file dropped in the landing zone by mistake, in a dataset's place: rejected, and its
    # content must not travel into reasons, logs or the alert.
    (landing / "commune" / COMMUNE / "2024Q2" / "surveys.csv").write_text(
        f"CCHC_PORTAL_TOKEN={token}\nportal=https://bot:{token}@portal.example/api\n", encoding="utf-8"
    )
    with WebhookReceiver() as receiver:
        env = alert_env(airflow_env, warehouse_db, landing, receiver)
        hook = {"conn_type": "http", "host": "127.0.0.1", "port": receiver.port, "schema": f"hooks/{hook_secret}"}
        env.update(CCHC_PORTAL_TOKEN=token, AIRFLOW_CONN_CCHC_ALERTS=json.dumps(hook))
        result = dags_test(env, "2024-07-01")
    output = result.stdout + result.stderr
    assert "state=failed" in output, output[-4000:]
    assert [post.path for post in receiver.posts] == [f"/hooks/{hook_secret}"]
    logs = "\n".join(
        path.read_text(encoding="utf-8", errors="replace")
        for path in Path(env["AIRFLOW_HOME"]).rglob("*")
        if path.is_file() and path.suffix in {".log", ".json", ""} and "logs" in path.parts
    )
    written = {
        "dags test output": output,
        "Airflow task logs": logs,
        "audit": _text_of_schema(conn, "audit"),
        "raw.landing_file": "\n".join(
            row[0] for row in conn.execute("select coalesce(reason, '') from raw.landing_file").fetchall()
        ),
        "alert": json.dumps([post.body for post in receiver.posts], ensure_ascii=False),
    }
    # `dags test` runs the tasks in its own process and prints their logs: the output is the task logs
    # (with any log files the run left under AIRFLOW_HOME).
    assert ("RefreshFailed" in output and "Task failed" in output) or "check_run" in output, output[-3000:]
    leaks = {where: secret for where, text in written.items() for secret in (token, hook_secret) if secret in text}
    assert leaks == {}
    # The run did fail on both files, and said so where a data engineer looks.
    assert "surveys.csv" in written["alert"] and "1 row(s) of 2024Q2 failed" in written["alert"]
