"""Failure alerts without a warehouse: the channel an alert connection describes, the message, and
delivery to a real webhook and a real SMTP responder on 127.0.0.1."""

from __future__ import annotations

import socket

import pytest

from cchc import alerts
from cchc.alerts import AlertNotSent, Failure, Mailbox, RunCounts, Webhook
from tests.support.alert_receivers import SmtpReceiver, WebhookReceiver

pytestmark = pytest.mark.unit

FAILURE = Failure(
    dag_id="cchc_quarterly_refresh",
    run_id="scheduled__2024-04-01T00:00:00+07:00",
    task_id="check_run",
    quarter="2024Q2",
    error="2024Q2: the good files were loaded, but 1 problem(s) need attention:\n  commune/30001/2024Q2/dossiers.csv",
)
COUNTS = RunCounts(files_rejected=1, landing_problems=2, rows_quarantined=3)


@pytest.mark.parametrize(
    ("fields", "url"),
    [
        # AIRFLOW_CONN_CCHC_ALERTS=http://127.0.0.1:8080/hooks/cchc: the URI's path lands in schema.
        ({"host": "127.0.0.1", "port": 8080, "schema": "hooks/cchc"}, "http://127.0.0.1:8080/hooks/cchc"),
        # The HTTP provider's convention: schema is the scheme, the path comes from extra.endpoint.
        (
            {"host": "hooks.example.org", "schema": "https", "extra": {"endpoint": "/services/T1/B2"}},
            "https://hooks.example.org/services/T1/B2",
        ),
        ({"host": "https://hooks.example.org/services/T1/B2"}, "https://hooks.example.org/services/T1/B2"),
        ({"host": "127.0.0.1", "port": 9000}, "http://127.0.0.1:9000"),
    ],
)
def test_a_webhook_url_is_read_from_the_connection_fields(fields, url):
    channel = alerts.channel_from_connection("http", **fields)
    assert channel == Webhook(url=url)


def test_webhook_headers_come_from_extra_and_are_not_in_its_description():
    channel = alerts.channel_from_connection(
        "https", "hooks.example.org", schema="services/T1/secret-token", extra={"headers": {"X-Token": "abc"}}
    )
    assert channel.url == "https://hooks.example.org/services/T1/secret-token"
    assert channel.headers == {"X-Token": "abc"}
    assert "secret" not in channel.describe()


def test_a_mailbox_is_read_from_an_smtp_connection():
    channel = alerts.channel_from_connection(
        "smtp", "mail.example.org", 465, login="bot@example.org", password="pw", extra={"to": "a@x.vn, b@x.vn"}
    )
    assert channel == Mailbox(
        host="mail.example.org",
        port=465,
        sender="bot@example.org",
        recipients=("a@x.vn", "b@x.vn"),
        login="bot@example.org",
        password="pw",
        use_ssl=True,
    )
    plain = alerts.channel_from_connection("email", "127.0.0.1", 2525, extra={"to": ["a@x.vn"], "from": "c@x.vn"})
    assert (plain.port, plain.sender, plain.use_ssl, plain.login) == (2525, "c@x.vn", False, None)


@pytest.mark.parametrize(
    ("conn_type", "host", "extra", "message"),
    [
        ("smtp", "127.0.0.1", {}, "names no recipient"),
        ("http", None, {}, "host is empty"),
        ("ftp", "127.0.0.1", {}, "not supported"),
        ("http", "127.0.0.1", {"headers": ["X-Token: abc"]}, "must be an object"),
    ],
)
def test_an_unusable_connection_says_what_is_wrong(conn_type, host, extra, message):
    with pytest.raises(ValueError, match=message):
        alerts.channel_from_connection(conn_type, host, extra=extra)


def test_the_text_names_the_run_task_counts_report_and_error():
    text = alerts.build_text(FAILURE, COUNTS, data_docs="/srv/cchc/data_docs")
    assert text.splitlines()[:3] == [
        "CCHC: cchc_quarterly_refresh failed (2024Q2)",
        "Run: scheduled__2024-04-01T00:00:00+07:00",
        "Failed task: check_run",
    ]
    assert "Files rejected: 1; files outside the landing contract: 2; rows quarantined in 2024Q2: 3" in text
    assert "Quality report: cchc quality --quarter 2024Q2" in text
    assert "Data Docs: /srv/cchc/data_docs" in text
    assert text.endswith(FAILURE.error)


def test_without_counts_or_quarter_the_text_says_so():
    failure = Failure("cchc_ingest_commune", "manual__x", None, None, "boom")
    text = alerts.build_text(failure, None)
    assert "failed (quarter unknown)" in text
    assert "Failed task: unknown" in text
    assert "Counts: the warehouse could not be read" in text
    assert "cchc quality" not in text and "Data Docs" not in text


def test_a_long_error_is_cut_near_2000_characters():
    long_error = "x" * 5000
    body = alerts.webhook_body(Failure("d", "r", "t", "2024Q2", long_error), "text")
    assert body["error"].startswith("x" * alerts.ERROR_CHARS)
    assert "3000 more characters" in body["error"]
    assert len(body["error"]) < alerts.ERROR_CHARS + 60


def test_a_webhook_receives_the_json_body_with_its_headers():
    text = alerts.build_text(FAILURE, COUNTS)
    with WebhookReceiver() as receiver:
        channel = alerts.channel_from_connection(
            "http", "127.0.0.1", receiver.port, "hooks/cchc", extra={"headers": {"X-Token": "abc"}}
        )
        alerts.send(channel, FAILURE, text)
    assert len(receiver.posts) == 1
    post = receiver.posts[0]
    assert post.path == "/hooks/cchc"
    assert post.headers["x-token"] == "abc"
    assert post.headers["content-type"].startswith("application/json")
    assert post.body == {
        "text": text,
        "dag_id": "cchc_quarterly_refresh",
        "run_id": FAILURE.run_id,
        "quarter": "2024Q2",
        "task_id": "check_run",
        "error": FAILURE.error,
    }


def test_a_webhook_that_answers_an_error_status_is_not_sent():
    with WebhookReceiver(status=500) as receiver, pytest.raises(AlertNotSent, match="HTTP 500"):
        alerts.post_webhook(Webhook(receiver.url()), {"text": "x"})
    assert len(receiver.posts) == 1


def test_a_webhook_nobody_listens_on_is_not_sent():
    with socket.create_server(("127.0.0.1", 0)) as placeholder:
        port = placeholder.getsockname()[1]
    with pytest.raises(AlertNotSent, match="could not be reached"):
        alerts.post_webhook(Webhook(f"http://127.0.0.1:{port}/hook", timeout=2), {"text": "x"})


def test_an_email_reaches_the_mail_server_with_subject_and_text():
    text = alerts.build_text(FAILURE, COUNTS)
    with SmtpReceiver() as server:
        mailbox = alerts.channel_from_connection(
            "smtp",
            "127.0.0.1",
            server.port,
            login="bot@cchc.vn",
            password="s3cret",
            extra={"to": ["ubnd@dongthap.gov.vn", "so.noivu@dongthap.gov.vn"]},
        )
        alerts.send(mailbox, FAILURE, text)
    assert len(server.deliveries) == 1
    delivery = server.deliveries[0]
    assert delivery.sender == "bot@cchc.vn"
    assert delivery.recipients == ["ubnd@dongthap.gov.vn", "so.noivu@dongthap.gov.vn"]
    assert delivery.auth == "\0bot@cchc.vn\0s3cret"
    message = delivery.message
    assert message["Subject"] == "[CCHC] cchc_quarterly_refresh failed: 2024Q2 (check_run)"
    assert message["To"] == "ubnd@dongthap.gov.vn, so.noivu@dongthap.gov.vn"
    assert message.get_content().strip() == text


def test_an_email_whose_recipients_are_refused_is_not_sent():
    with SmtpReceiver(refuse=frozenset({"a@x.vn", "b@x.vn"})) as server:
        mailbox = Mailbox("127.0.0.1", server.port, "bot@x.vn", ("a@x.vn", "b@x.vn"))
        with pytest.raises(AlertNotSent, match=r"a@x\.vn"):
            alerts.send(mailbox, FAILURE, "text")
        partly = Mailbox("127.0.0.1", server.port, "bot@x.vn", ("a@x.vn", "c@x.vn"))
        with pytest.raises(AlertNotSent, match=r"refused a@x\.vn"):
            alerts.send(partly, FAILURE, "text")
    # The partly refused message was delivered to c@x.vn, but the alert does not count as sent.
    assert [d.recipients for d in server.deliveries] == [["c@x.vn"]]


def test_a_password_smtplib_cannot_send_is_reported_not_raised_as_something_else():
    with SmtpReceiver() as server:
        mailbox = Mailbox("127.0.0.1", server.port, "bot@x.vn", ("a@x.vn",), login="bot", password="mật-khẩu")
        with pytest.raises(AlertNotSent, match="must be ASCII"):
            alerts.send(mailbox, FAILURE, "text")
    assert server.deliveries == []


def test_every_dag_task_reports_its_final_failure():
    # DEFAULT_ARGS reaches every task of the refresh and ingest DAGs; the e2e test sees it fire.
    from cchc.airflow_adapter import DEFAULT_ARGS, alert_on_failure

    assert DEFAULT_ARGS["on_failure_callback"] is alert_on_failure
