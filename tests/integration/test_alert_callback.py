"""The quality gate of check_run, and the failure callback with a real Airflow connection (defined by
AIRFLOW_CONN_CCHC_ALERTS) sending to real receivers on 127.0.0.1, deduped in a real warehouse.

One database is shared by the module: a refresh of 2024Q2 where one dossier of four was received after
the quarter ended, so the run fails on the quarantined row alone. Each alert test uses its own run id.
"""

from __future__ import annotations

import json
import logging
import socket
import threading
from collections.abc import Iterator
from types import SimpleNamespace

import pytest
from airflow.sdk.exceptions import AirflowFailException

from cchc import alerts
from cchc.airflow_adapter import alert_on_failure
from cchc.pipeline import RefreshContext, RefreshFailed, check_run
from cchc.quarters import Quarter
from tests.integration.helpers import refresh, write_dossiers
from tests.support.alert_receivers import SmtpReceiver, WebhookReceiver
from tests.support.databases import copy_template, drop_database

pytestmark = pytest.mark.integration

COMMUNE = "20194"  # phường Hòa Hiệp Bắc, Đà Nẵng
QUARTER = "2024Q2"
RUN_ID = "alerts-2024Q2"
DAG_ID = "cchc_quarterly_refresh"
ROWS = [
    (
        "ok-1",
        COMMUNE,
        "1.000001",
        "Hộ tịch",
        "Trực tuyến",
        "02/04/2024 08:00",
        "10/04/2024 17:00",
        "09/04/2024",
        "",
        "0",
    ),
    ("ok-2", COMMUNE, "1.000001", "Hộ tịch", "Trực tiếp", "03/04/2024 08:00", "10/04/2024 17:00", "", "", "0"),
    ("ok-3", COMMUNE, "1.000002", "Chứng thực", "Bưu chính", "04/04/2024 08:00", "12/04/2024", "12/04/2024", "Có", "1"),
    # 00:30 on 01/07 in Việt Nam: outside 2024Q2, an error-level expectation.
    ("late", COMMUNE, "1.000001", "Hộ tịch", "2", "2024-06-30T17:30:00Z", "2024-07-05", "", "", "0"),
]


@pytest.fixture(scope="module")
def failed_refresh(server_url: str, template_db: str, tmp_path_factory) -> Iterator[tuple[str, RefreshFailed]]:

    name, url = copy_template(server_url, template_db, "cchc_test")
    try:
        landing = tmp_path_factory.mktemp("alerts_landing")
        write_dossiers(landing, "commune", COMMUNE, QUARTER, ROWS)
        with pytest.raises(RefreshFailed) as failed:
            refresh(url, landing, QUARTER, run_id=RUN_ID)
        yield url, failed.value
    finally:
        drop_database(server_url, name)


@pytest.fixture
def db(failed_refresh):
    from cchc.warehouse.connection import connect

    with connect(failed_refresh[0]) as connection:
        yield connection


@pytest.fixture
def airflow_side(failed_refresh, monkeypatch) -> str:
    """The environment a task's callback runs in: the warehouse in WAREHOUSE_URL, no alert channel yet."""
    monkeypatch.setenv("WAREHOUSE_URL", failed_refresh[0])
    monkeypatch.delenv("AIRFLOW_CONN_CCHC_ALERTS", raising=False)
    monkeypatch.delenv("AIRFLOW_CONN_CCHC_WAREHOUSE", raising=False)
    return failed_refresh[0]


def connection_env(monkeypatch, **definition) -> None:
    monkeypatch.setenv("AIRFLOW_CONN_CCHC_ALERTS", json.dumps(definition))


def task_context(run_id: str, error: BaseException, task_id: str = "check_run", map_index: int = -1) -> dict:
    """What Airflow hands a task's on_failure_callback, as far as the callback reads it."""
    ti = SimpleNamespace(dag_id=DAG_ID, task_id=task_id, map_index=map_index)
    return {"run_id": run_id, "ti": ti, "exception": error, "params": {"quarter": QUARTER}}


def alert_rows(db, run_id: str) -> list[tuple]:
    return db.execute(
        "select quarter, task_id, channel, status, sent_at is not null, message, error from audit.alert "
        "where dag_id = %s and run_id = %s",
        (DAG_ID, run_id),
    ).fetchall()


def test_quarantined_rows_fail_the_run_with_counts_and_reasons(failed_refresh, db):
    message = str(failed_refresh[1])
    assert message.startswith(f"{QUARTER}: the good files were loaded, but 1 problem(s) need attention:")
    assert "1 row(s) of 2024Q2 failed error-level expectations, more than CCHC_MAX_QUARANTINED_ROWS=0" in message
    assert "dossiers: 1 row(s); top reasons: " in message
    reason = db.execute("select reasons[1] from quarantine.rejected_row where quarter = %s", (QUARTER,)).fetchone()[0]
    assert f"{reason} (1)" in message
    # Everything good was loaded before the gate closed.
    assert db.execute("select count(*) from core.fct_dossier where quarter = %s", (QUARTER,)).fetchone() == (3,)
    check = db.execute(
        "select status, summary ->> 'rows_quarantined' from audit.task_run where run_id = %s and task_id = 'check_run'",
        (RUN_ID,),
    )
    assert check.fetchall() == [("failed", "1")]
    assert db.execute("select status from audit.pipeline_run where run_id = %s", (RUN_ID,)).fetchone() == ("failed",)


def test_the_threshold_lets_as_many_rows_through_as_it_names(failed_refresh, db, monkeypatch, tmp_path):
    ctx = RefreshContext(Quarter.parse(QUARTER), "alerts-threshold", tmp_path, failed_refresh[0], "test")
    db.execute(
        "insert into audit.pipeline_run (run_id, quarter, trigger) values (%s, %s, 'test')", (ctx.run_id, QUARTER)
    )
    db.commit()
    monkeypatch.setenv("CCHC_MAX_QUARANTINED_ROWS", "1")
    assert check_run(ctx)["rows_quarantined"] == 1
    monkeypatch.setenv("CCHC_MAX_QUARANTINED_ROWS", "several")
    with pytest.raises(ValueError, match="whole number of rows, not 'several'"):
        check_run(ctx)


def test_a_callback_called_twice_for_one_run_posts_once(airflow_side, db, monkeypatch):
    run_id = "alerts-twice"
    error = AirflowFailException("2024Q2: the good files were loaded, but 1 problem(s) need attention")
    with WebhookReceiver() as receiver:
        connection_env(
            monkeypatch,
            conn_type="http",
            host="127.0.0.1",
            port=receiver.port,
            schema="hooks/cchc",
            extra={"headers": {"Authorization": "Bearer t0k3n"}},
        )
        alert_on_failure(task_context(run_id, error))
        alert_on_failure(task_context(run_id, error))
        alert_on_failure(task_context(run_id, RuntimeError("another task of the run"), task_id="build_marts"))
    assert len(receiver.posts) == 1
    post = receiver.posts[0]
    assert post.path == "/hooks/cchc"
    assert post.headers["authorization"] == "Bearer t0k3n"
    body = post.body
    assert (body["dag_id"], body["run_id"], body["quarter"], body["task_id"]) == (DAG_ID, run_id, QUARTER, "check_run")
    assert body["error"] == str(error)
    # The counts are the quarter's, read from the warehouse the refresh wrote.
    assert "rows quarantined in 2024Q2: 1" in body["text"]
    assert alert_rows(db, run_id) == [(QUARTER, "check_run", "webhook", "sent", True, body["text"], None)]


def test_callbacks_racing_for_one_run_post_once(airflow_side, monkeypatch):
    failure = alerts.Failure(DAG_ID, "alerts-race", "load_landing_file[0]", QUARTER, "boom")
    barrier = threading.Barrier(4)
    outcomes: list[str] = []
    with WebhookReceiver() as receiver:
        channel = alerts.Webhook(receiver.url())

        def one_caller() -> None:
            barrier.wait(timeout=30)
            outcomes.append(alerts.alert_failed_run(failure, channel, airflow_side))

        callers = [threading.Thread(target=one_caller) for _ in range(4)]
        for caller in callers:
            caller.start()
        for caller in callers:
            caller.join(timeout=60)
    assert sorted(outcomes) == ["duplicate", "duplicate", "duplicate", "sent"]
    assert len(receiver.posts) == 1


def test_a_refused_alert_is_recorded_as_failed_and_not_raised(airflow_side, db, monkeypatch):
    run_id = "alerts-refused"
    with WebhookReceiver(status=503) as receiver:
        connection_env(monkeypatch, conn_type="http", host=receiver.url())
        alert_on_failure(task_context(run_id, ValueError("bad")))
        alert_on_failure(task_context(run_id, ValueError("bad")))
    assert len(receiver.posts) == 1  # a failed alert is not retried by a later callback of the run
    [(_, task_id, channel, status, sent, message, error)] = alert_rows(db, run_id)
    assert (task_id, channel, status, sent) == ("check_run", "webhook", "failed", False)
    assert "Error:\nValueError: bad" in message
    assert "answered HTTP 503" in error


def test_an_email_alert_goes_to_every_recipient_once(airflow_side, db, monkeypatch):
    run_id = "alerts-email"
    with SmtpReceiver() as server:
        connection_env(
            monkeypatch,
            conn_type="smtp",
            host="127.0.0.1",
            port=server.port,
            login="cchc-bot",
            password="s3cret",
            extra={"to": ["so.noivu@dongthap.gov.vn", "ubnd@dongthap.gov.vn"], "from": "cchc@dongthap.gov.vn"},
        )
        alert_on_failure(task_context(run_id, AirflowFailException("2024Q2: 1 problem")))
        alert_on_failure(task_context(run_id, AirflowFailException("2024Q2: 1 problem")))
    assert len(server.deliveries) == 1
    delivery = server.deliveries[0]
    assert delivery.recipients == ["so.noivu@dongthap.gov.vn", "ubnd@dongthap.gov.vn"]
    assert delivery.message["Subject"] == f"[CCHC] {DAG_ID} failed: {QUARTER} (check_run)"
    assert "rows quarantined in 2024Q2: 1" in delivery.message.get_content()
    assert [row[2:5] for row in alert_rows(db, run_id)] == [("email", "sent", True)]


def test_without_a_channel_nothing_is_sent_or_recorded(airflow_side, db, caplog):
    with caplog.at_level(logging.INFO, logger="cchc.airflow_adapter"):
        alert_on_failure(task_context("alerts-unconfigured", ValueError("bad")))
    assert "no alert channel is configured" in caplog.text
    assert alert_rows(db, "alerts-unconfigured") == []


def test_a_warehouse_that_cannot_be_reached_still_gets_its_alert_out(airflow_side):
    with socket.create_server(("127.0.0.1", 0)) as placeholder:
        closed = placeholder.getsockname()[1]
    failure = alerts.Failure(DAG_ID, "alerts-no-warehouse", "prepare_warehouse", QUARTER, "connection refused")
    with WebhookReceiver() as receiver:
        outcome = alerts.alert_failed_run(
            failure, alerts.Webhook(receiver.url()), f"postgresql://cchc@127.0.0.1:{closed}/cchc?connect_timeout=3"
        )
    assert outcome == "sent-unrecorded"
    assert len(receiver.posts) == 1
    assert "Counts: the warehouse could not be read" in receiver.posts[0].body["text"]
