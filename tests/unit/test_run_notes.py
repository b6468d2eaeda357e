"""The note a refresh writes on its Airflow run: what it says, and that it goes to the REST API as the
tasks' login (a real HTTP server on 127.0.0.1 stands in for the api-server)."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from cchc import run_notes

pytestmark = pytest.mark.unit

SUMMARY = {
    "datasets": {
        "dossiers": {"files": 2, "rows_read": 7, "rows_loaded": 6, "rows_quarantined": 1, "rows_skipped": 0},
    }
}


def test_the_notes_name_the_quarter_first():
    assert run_notes.started_note("2024Q2") == "**2024Q2** · đang chạy / running"
    assert run_notes.finished_note("2024Q2", SUMMARY) == (
        "**2024Q2** · thành công / success\n"
        "- dossiers: 2 file(s), 7 read, 6 loaded, 1 quarantined\n"
        "- `cchc quality --quarter 2024Q2`"
    )
    failed = run_notes.failed_note("2024Q2", "check_run", "2024Q2: the good files were loaded, but\n  a.csv: bad")
    assert failed == (
        "**2024Q2** · lỗi / failed at `check_run`\n"
        "- 2024Q2: the good files were loaded, but\n"
        "- `cchc quality --quarter 2024Q2`"
    )
    assert len(run_notes.failed_note("2024Q2", "load_raw_files", "x" * 5000)) == run_notes.MAX_NOTE_CHARS


class _FakeApi:
    """/auth/token for the tasks' login, then PATCH of a run's note, recorded."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, str, dict, str | None]] = []
        calls = self.calls

        class Handler(BaseHTTPRequestHandler):
            def _answer(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                calls.append((self.command, self.path, body, self.headers.get("Authorization")))
                if self.path == "/auth/token":
                    ok = body == {"username": "cchc_tasks", "password": "s3cret-pass"}
                    payload = {"access_token": "tok"} if ok else {"detail": "no"}
                    self.send_response(201 if ok else 401)
                else:
                    payload = {"note": body["note"]}
                    self.send_response(200)
                data = json.dumps(payload).encode()
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_POST = do_PATCH = _answer

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"


def test_the_note_is_written_through_the_rest_api(monkeypatch):
    api = _FakeApi()
    try:
        monkeypatch.setenv("CCHC_AIRFLOW_API_URL", api.url + "/")
        monkeypatch.setenv("CCHC_AIRFLOW_API_USER", "cchc_tasks")
        monkeypatch.setenv("CCHC_AIRFLOW_API_PASSWORD", "s3cret-pass")
        assert run_notes.write_note("cchc_quarterly_refresh", "manual__2024-07-01T00:00:00+00:00", "**2024Q2**")
        monkeypatch.setenv("CCHC_AIRFLOW_API_PASSWORD", "wrong-pass")
        assert not run_notes.write_note("cchc_quarterly_refresh", "r2", "**2024Q2**")
    finally:
        api.server.shutdown()
    token, patch, refused = api.calls
    assert token[:2] == ("POST", "/auth/token")
    assert patch == (
        "PATCH",
        "/api/v2/dags/cchc_quarterly_refresh/dagRuns/manual__2024-07-01T00%3A00%3A00%2B00%3A00?update_mask=note",
        {"note": "**2024Q2**"},
        "Bearer tok",
    )
    assert refused[1] == "/auth/token"


def test_without_the_settings_no_note_is_written(monkeypatch):
    for name in ("CCHC_AIRFLOW_API_URL", "CCHC_AIRFLOW_API_USER", "CCHC_AIRFLOW_API_PASSWORD"):
        monkeypatch.delenv(name, raising=False)
    assert run_notes.write_note("cchc_quarterly_refresh", "r", "**2024Q2**") is False
