"""The short markdown note a refresh writes on its Airflow run, so that the list of runs in the UI
says which quarter each run is for and how it went: set when the run starts, replaced when it ends or
fails. Written through the REST API as the login CCHC_AIRFLOW_API_USER (the launcher provides it and
its password); without those settings nothing is written. A note that cannot be written is logged,
never fatal."""

from __future__ import annotations

import json
import logging
import urllib.error
import urllib.request
from typing import Any
from urllib.parse import quote

from cchc import settings

log = logging.getLogger(__name__)
TIMEOUT_SECONDS = 10
MAX_NOTE_CHARS = 900  # Airflow keeps 1,000


def started_note(quarter: str) -> str:
    return f"**{quarter}** · đang chạy / running"


def finished_note(quarter: str, summary: dict[str, Any]) -> str:
    """The note of a refresh that passed its checks: the quarter, each dataset's rows, where to look."""
    lines = [f"**{quarter}** · thành công / success"]
    for dataset, figures in (summary.get("datasets") or {}).items():
        lines.append(
            f"- {dataset}: {figures['files']} file(s), {figures['rows_read']} read, {figures['rows_loaded']} loaded, "
            f"{figures['rows_quarantined']} quarantined"
        )
    lines.append(f"- `cchc quality --quarter {quarter}`")
    return _cut("\n".join(lines))


def failed_note(quarter: str, step: str, error: str) -> str:
    """The note of a refresh a step failed: the quarter, the step, the error's first line."""
    first = (error.strip().splitlines() or [""])[0]
    return _cut(f"**{quarter}** · lỗi / failed at `{step}`\n- {first}\n- `cchc quality --quarter {quarter}`")


def _cut(text: str) -> str:
    return text if len(text) <= MAX_NOTE_CHARS else text[: MAX_NOTE_CHARS - 1] + "…"


def write_note(dag_id: str, run_id: str, text: str) -> bool:
    """Set the run's note; False (logged) when the settings are missing or the API refused."""
    base = settings.text("CCHC_AIRFLOW_API_URL").rstrip("/")
    user = settings.text("CCHC_AIRFLOW_API_USER")
    password = settings.text("CCHC_AIRFLOW_API_PASSWORD")
    if not (base and user and password):
        log.info("no CCHC_AIRFLOW_API_URL/USER/PASSWORD: the run's note is not written")
        return False
    try:
        token = _call("POST", f"{base}/auth/token", {"username": user, "password": password})["access_token"]
        path = f"/api/v2/dags/{quote(dag_id, safe='')}/dagRuns/{quote(run_id, safe='')}?update_mask=note"
        _call("PATCH", base + path, {"note": text}, token)
    except (urllib.error.URLError, OSError, KeyError, ValueError) as error:
        log.warning("the note of run %s could not be written: %s", run_id, error)
        return False
    return True


def _call(method: str, url: str, body: dict[str, Any], token: str | None = None) -> Any:
    headers = {"Content-Type": "application/json", "Accept": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    request = urllib.request.Request(url, data=json.dumps(body).encode(), headers=headers, method=method)
    with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:
        payload = response.read()
    return json.loads(payload) if payload else None
