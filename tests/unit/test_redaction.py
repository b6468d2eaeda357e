"""Secrets never reach what the pipeline writes down or sends: URL passwords, bearer tokens, token and
password parameters, and the values of secret settings are masked."""

from __future__ import annotations

import pytest

from cchc.alerts import Failure, build_text, webhook_body
from cchc.redaction import MASK, redact, secret_values

pytestmark = pytest.mark.unit

ENV = {
    "CCHC_PORTAL_TOKEN": "planted-token-Zq81",
    "CCHC_READER_PASSWORD": "mật khẩu đọc 42",
    "AIRFLOW_CONN_CCHC_ALERTS": "http://hook:planted%40pass@chat.example/h/T0K3N",
    "WAREHOUSE_URL": "postgresql://cchc:wh-secret-9@db:5432/cchc",
    "CCHC_LANDING": "data/landing",
    "SOME_KEY": "1",  # too short to mask: it would mask every '1'
}


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        ("connect to postgresql://cchc:wh-secret-9@db:5432/cchc failed", "wh-secret-9"),
        ("GET https://bot:hunter2hunter2@portal.gov.vn/api failed", "hunter2hunter2"),
        ("header Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.abc", "eyJhbGciOiJIUzI1NiJ9.abc"),
        ("url https://portal/api?token=abc123def&page=2", "abc123def"),
        ("conninfo 'host=db password=pw-in-conninfo user=x'", "pw-in-conninfo"),
        ("the portal said: planted-token-Zq81 is expired", "planted-token-Zq81"),
        ("login refused for 'mật khẩu đọc 42'", "mật khẩu đọc 42"),
        ("webhook planted@pass refused", "planted@pass"),
        # A settings line quoted from a file, its value set nowhere in this environment.
        ("header row ('OTHER_PORTAL_TOKEN=not-in-env-55')", "not-in-env-55"),
    ],
)
def test_redact_masks(text: str, secret: str) -> None:
    masked = redact(text, ENV)
    assert secret not in masked and MASK in masked


def test_ordinary_text_is_left_alone() -> None:
    text = "Key (path, checksum)=(commune/20194/2024Q2/dossiers.csv, ab12) already exists; 1 row"
    assert redact(text, ENV) == text
    assert "1" not in secret_values(ENV) and "data/landing" not in secret_values(ENV)


def test_an_alert_carries_no_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in ENV.items():
        monkeypatch.setenv(name, value)
    error = "PortalError: https://bot:planted-token-Zq81@portal/api: HTTP 500; WAREHOUSE_URL=" + ENV["WAREHOUSE_URL"]
    failure = Failure(dag_id="cchc_quarterly_refresh", run_id="r1", quarter="2024Q2", task_id="load", error=error)
    text = build_text(failure, None)
    body = webhook_body(failure, text)
    for secret in ("planted-token-Zq81", "wh-secret-9"):
        assert secret not in text and secret not in str(body)
