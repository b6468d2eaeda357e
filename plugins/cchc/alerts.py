"""Failure alerts: one message per failing DAG run, to a webhook (a JSON POST) or by e-mail.

Airflow-free: `cchc.airflow_adapter` turns the connection `cchc_alerts` and the failed task's context
into the plain values used here. The warehouse keeps one `audit.alert` row per (dag_id, run_id) and
only the caller that inserts it sends, so a run whose tasks fail several times, or whose callback runs
twice, alerts once. Sending never raises: what went wrong is logged and recorded on that row.
"""

from __future__ import annotations

import json
import logging
import smtplib
import socket
import ssl
import urllib.error
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Any
from urllib.parse import urlsplit

import psycopg

from cchc.redaction import redact
from cchc.warehouse.connection import connect
from cchc.warehouse.sql_files import execute_file, fetch_all

log = logging.getLogger(__name__)

ERROR_CHARS = 2000
TIMEOUT_SECONDS = 10.0


class AlertNotSent(RuntimeError):
    """The channel could not be reached or refused the message."""


@dataclass(frozen=True)
class Webhook:
    url: str
    headers: dict[str, str] = field(default_factory=dict)
    timeout: float = TIMEOUT_SECONDS
    kind: str = "webhook"

    def describe(self) -> str:
        # Webhook paths often carry the token (e.g. chat incoming hooks): name the host only.
        parts = urlsplit(self.url)
        return f"webhook {parts.scheme}://{parts.netloc}"


@dataclass(frozen=True)
class Mailbox:
    host: str
    port: int
    sender: str
    recipients: tuple[str, ...]
    login: str | None = None
    password: str | None = None
    use_ssl: bool = False
    starttls: bool = False
    timeout: float = TIMEOUT_SECONDS
    kind: str = "email"

    def describe(self) -> str:
        return f"e-mail via {self.host}:{self.port} to {', '.join(self.recipients)}"


Channel = Webhook | Mailbox
# audit.alert's dag_id for submission reminders (its run_id is the reminder's key).
REMINDER_SOURCE = "cchc_submission_check"


@dataclass(frozen=True)
class Failure:
    """What failed: the run, the task (None when not known) and the error as the task raised it."""

    dag_id: str
    run_id: str
    task_id: str | None
    quarter: str | None
    error: str
    # The run's id in the warehouse's audit tables, when it is not Airflow's run id (see
    # cchc.airflow_adapter.audit_run_id).
    audit_run_id: str | None = None
    # An e-mail subject other than "… failed" (a reminder is not a failure).
    subject: str | None = None


@dataclass(frozen=True)
class RunCounts:
    files_rejected: int
    landing_problems: int
    rows_quarantined: int


def channel_from_connection(
    conn_type: str | None,
    host: str | None,
    port: int | None = None,
    schema: str | None = None,
    login: str | None = None,
    password: str | None = None,
    extra: Mapping[str, Any] | None = None,
) -> Channel:
    """The channel an Airflow connection's fields describe.

    `http`/`https`: a webhook. Its URL is `host` when that is a whole URL; otherwise it is built from
    host and port, with `schema` as the URL scheme when it is `http`/`https` (the HTTP provider's
    convention) and as the path otherwise (what a connection URI such as `http://host:8080/hooks/x`
    gives); `extra.endpoint` adds a path and `extra.headers` are sent with the POST.
    `smtp`/`email`: a mail server at host:port with optional login/password; `extra.to` (a list or a
    comma-separated string) is required, `extra.from` defaults to the login; port 465 or `extra.ssl`
    means SMTP over TLS, `extra.starttls` upgrades a plain connection.
    """
    extra = dict(extra or {})
    kind = (conn_type or "").lower()
    timeout = float(extra.get("timeout", TIMEOUT_SECONDS))
    if kind in ("http", "https"):
        return Webhook(_webhook_url(kind, host, port, schema, extra.get("endpoint")), _headers(extra), timeout)
    if kind in ("smtp", "email"):
        if not host:
            raise ValueError("the alert connection's mail server (host) is empty")
        recipients = extra.get("to") or []
        if isinstance(recipients, str):
            recipients = recipients.split(",")
        recipients = tuple(address.strip() for address in recipients if address.strip())
        if not recipients:
            raise ValueError("the alert connection names no recipient: set extra {'to': ['someone@example.org']}")
        sender = extra.get("from") or login or f"cchc-alerts@{socket.getfqdn()}"
        use_ssl = bool(extra.get("ssl", port == 465))
        return Mailbox(
            host=host,
            port=int(port or (465 if use_ssl else 25)),
            sender=sender,
            recipients=recipients,
            login=login or None,
            password=password or None,
            use_ssl=use_ssl,
            starttls=bool(extra.get("starttls", False)),
            timeout=timeout,
        )
    raise ValueError(f"alert connection type {conn_type!r} is not supported: use http (a webhook) or smtp (e-mail)")


def _webhook_url(kind: str, host: str | None, port: int | None, schema: str | None, endpoint: str | None) -> str:
    if not host:
        raise ValueError("the alert connection's webhook host is empty")
    if "://" in host:
        base = host
    else:
        scheme = schema if schema in ("http", "https") else kind
        base = f"{scheme}://{host}" + (f":{port}" if port else "")
        if schema and schema not in ("http", "https"):
            base = f"{base}/{schema.lstrip('/')}"
    if endpoint:
        base = f"{base.rstrip('/')}/{endpoint.lstrip('/')}"
    return base


def _headers(extra: Mapping[str, Any]) -> dict[str, str]:
    headers = extra.get("headers") or {}
    if not isinstance(headers, Mapping):
        raise ValueError("the alert connection's extra 'headers' must be an object of header names and values")
    return {str(name): str(value) for name, value in headers.items()}


def build_text(failure: Failure, counts: RunCounts | None, data_docs: str | None = None) -> str:
    """The alert as a person reads it: what failed, the run's counts, where to look, then the error."""
    quarter = failure.quarter or "quarter unknown"
    lines = [
        f"CCHC: {failure.dag_id} failed ({quarter})",
        f"Run: {failure.run_id}",
        f"Failed task: {failure.task_id or 'unknown'}",
    ]
    if counts is None:
        lines.append("Counts: the warehouse could not be read")
    else:
        lines.append(
            f"Files rejected: {counts.files_rejected}; files outside the landing contract: "
            f"{counts.landing_problems}; rows quarantined in {quarter}: {counts.rows_quarantined}"
        )
    if failure.quarter:
        lines.append(f"Quality report: cchc quality --quarter {failure.quarter}")
    if data_docs:
        lines.append(f"Data Docs: {data_docs}")
    lines += ["", "Error:", truncate(failure.error)]
    return redact("\n".join(lines)) or ""


def truncate(text: str, limit: int = ERROR_CHARS) -> str:
    """The error as an alert shows it: secrets masked, cut at `limit` characters."""
    text = (redact(text) or "").strip()
    if len(text) <= limit:
        return text
    return text[:limit].rstrip() + f"\n… ({len(text) - limit} more characters in the task log)"


def webhook_body(failure: Failure, text: str) -> dict[str, Any]:
    """The JSON a webhook receives: `text` for chat tools, the fields for anything that parses them."""
    return {
        "text": text,
        "dag_id": failure.dag_id,
        "run_id": failure.run_id,
        "quarter": failure.quarter,
        "task_id": failure.task_id,
        "error": truncate(failure.error),
    }


def email_message(failure: Failure, text: str, mailbox: Mailbox) -> EmailMessage:
    message = EmailMessage()
    message["Subject"] = failure.subject or (
        f"[CCHC] {failure.dag_id} failed: {failure.quarter or 'quarter unknown'}"
        + (f" ({failure.task_id})" if failure.task_id else "")
    )
    message["From"] = mailbox.sender
    message["To"] = ", ".join(mailbox.recipients)
    message.set_content(text)
    return message


def post_webhook(webhook: Webhook, body: Mapping[str, Any]) -> int:
    """POST the body as JSON; returns the HTTP status, raises AlertNotSent unless it is 2xx."""
    request = urllib.request.Request(
        webhook.url,
        data=json.dumps(body, ensure_ascii=False).encode("utf-8"),
        headers={"Content-Type": "application/json; charset=utf-8", **webhook.headers},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=webhook.timeout) as response:
            status = response.status
    except urllib.error.HTTPError as error:
        raise AlertNotSent(f"{webhook.describe()} answered HTTP {error.code} {error.reason}") from error
    except (urllib.error.URLError, OSError) as error:
        raise AlertNotSent(f"{webhook.describe()} could not be reached: {error}") from error
    if not 200 <= status < 300:
        raise AlertNotSent(f"{webhook.describe()} answered HTTP {status}")
    return status


def send_email(mailbox: Mailbox, message: EmailMessage) -> None:
    """Hand the message to the mail server; raises AlertNotSent when it cannot or will not take it."""
    try:
        if mailbox.use_ssl:
            client: smtplib.SMTP = smtplib.SMTP_SSL(
                mailbox.host, mailbox.port, timeout=mailbox.timeout, context=ssl.create_default_context()
            )
        else:
            client = smtplib.SMTP(mailbox.host, mailbox.port, timeout=mailbox.timeout)
        with client:
            if mailbox.starttls and not mailbox.use_ssl:
                client.starttls(context=ssl.create_default_context())
            if mailbox.login:
                client.login(mailbox.login, mailbox.password or "")
            refused = client.send_message(message)
    except UnicodeEncodeError as error:  # smtplib logs in with ASCII only
        raise AlertNotSent(f"{mailbox.describe()}: the login and password must be ASCII") from error
    except (smtplib.SMTPException, OSError) as error:
        raise AlertNotSent(f"{mailbox.describe()}: {error}") from error
    if refused:
        raise AlertNotSent(f"{mailbox.describe()}: refused {', '.join(sorted(refused))}")


def send(channel: Channel, failure: Failure, text: str) -> None:
    """Deliver the alert over its channel; raises AlertNotSent."""
    if isinstance(channel, Webhook):
        post_webhook(channel, webhook_body(failure, text))
    else:
        send_email(channel, email_message(failure, text, channel))


def data_docs_hint() -> str | None:
    """The index of the Great Expectations Data Docs, when this installation builds them."""
    try:
        from cchc.config import data_docs_dir
    except ImportError:
        return None
    return str(data_docs_dir() / "index.html")


def alert_failed_run(failure: Failure, channel: Channel, warehouse_url: str | None) -> str:
    """Send the run's alert unless it already has one; never raises.

    Returns `sent`, `failed` (recorded with the reason), `duplicate` (another caller holds the run's
    alert), or `sent-unrecorded`/`failed-unrecorded` when the warehouse could not be used: then the
    alert still goes out, since an unreachable warehouse is itself worth telling, but nothing dedupes it.
    """
    conn = _open(warehouse_url)
    try:
        counts = run_counts(conn, failure) if conn is not None else None
        return _send_once(conn, failure, channel, build_text(failure, counts, data_docs_hint()))
    finally:
        if conn is not None:
            conn.close()


def send_reminder(key: str, quarter: str, text: str, channel: Channel, warehouse_url: str | None) -> str:
    """Send the submission reminder `key` names (see cchc.submissions.chase_key) unless it went before;
    deduplicated on audit.alert like a failed run's alert, and with the same outcomes."""
    reminder = Failure(
        dag_id=REMINDER_SOURCE,
        run_id=key,
        task_id=None,
        quarter=quarter,
        error=text,
        subject=f"[CCHC] Nhắc gửi báo cáo quý {quarter} / exports of {quarter} overdue",
    )
    conn = _open(warehouse_url)
    try:
        return _send_once(conn, reminder, channel, redact(text) or "")
    finally:
        if conn is not None:
            conn.close()


def _send_once(conn: psycopg.Connection | None, failure: Failure, channel: Channel, text: str) -> str:
    claimed = claim(conn, failure, channel, text) if conn is not None else None
    if claimed is False:
        log.info("%s %s already has its alert: none sent", failure.dag_id, failure.run_id)
        return "duplicate"
    error = _deliver(channel, failure, text)
    if claimed and _record_outcome(conn, failure, error):
        return "failed" if error else "sent"
    return ("failed" if error else "sent") + "-unrecorded"


def _open(warehouse_url: str | None) -> psycopg.Connection | None:
    try:
        return connect(warehouse_url)
    except Exception as error:  # an alert must go out even when the warehouse is what failed
        log.warning("the warehouse could not be reached (%s): the alert goes out without counts or record", error)
        return None


def run_counts(conn: psycopg.Connection, failure: Failure) -> RunCounts | None:
    try:
        with conn.transaction():
            params = {"run_id": failure.audit_run_id or failure.run_id, "quarter": failure.quarter}
            row = fetch_all(conn, "audit/alert_run_counts.sql", params)
        return RunCounts(*(int(value) for value in row[0]))
    except Exception as error:
        log.warning("the run's counts could not be read: %s", error)
        return None


def claim(conn: psycopg.Connection, failure: Failure, channel: Channel, text: str) -> bool | None:
    """True when this caller inserted the run's alert row (and so sends), False when it existed
    already, None when it could not be written."""
    params = {
        "dag_id": failure.dag_id,
        "run_id": failure.run_id,
        "quarter": failure.quarter,
        "task_id": failure.task_id,
        "channel": channel.kind,
        "message": text,
    }
    try:
        with conn.transaction():
            return bool(fetch_all(conn, "audit/alert_claim.sql", params))
    except Exception as error:
        log.warning("the alert could not be recorded in audit.alert (%s): sending it anyway", error)
        return None


def _deliver(channel: Channel, failure: Failure, text: str) -> str | None:
    try:
        send(channel, failure, text)
    except AlertNotSent as error:
        log.error("the alert for %s %s was not sent: %s", failure.dag_id, failure.run_id, error)
        return str(error)
    except Exception as error:  # whatever goes wrong is recorded on the run's alert, never raised
        log.exception("the alert for %s %s was not sent", failure.dag_id, failure.run_id)
        return f"{type(error).__name__}: {error}"
    log.info("alert for %s %s sent by %s", failure.dag_id, failure.run_id, channel.describe())
    return None


def _record_outcome(conn: psycopg.Connection, failure: Failure, error: str | None) -> bool:
    params = {
        "dag_id": failure.dag_id,
        "run_id": failure.run_id,
        "status": "failed" if error else "sent",
        "error": redact(error),
    }
    try:
        with conn.transaction():
            execute_file(conn, "audit/alert_outcome.sql", params)
    except Exception as error:
        log.warning("the alert's outcome could not be recorded: %s", error)
        return False
    return True
