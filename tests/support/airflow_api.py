"""A small client of Airflow 3's REST API v2, as a data engineer's script or a reporting tool would
use it: a token from /auth/token, then JSON over HTTP. Waits are bounded and poll; none is an assertion."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

TERMINAL = {"success", "failed"}


class AirflowApi:
    def __init__(self, base_url: str, username: str, password: str) -> None:
        self.base_url = base_url.rstrip("/")
        token = self._call("POST", "/auth/token", {"username": username, "password": password}, auth=False)
        self._token = token["access_token"]

    def _call(self, method: str, path: str, body: Any = None, auth: bool = True) -> Any:
        headers = {"Content-Type": "application/json", "Accept": "application/json"}
        if auth:
            headers["Authorization"] = f"Bearer {self._token}"
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.base_url + path, data=data, headers=headers, method=method)
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                payload = response.read()
        except urllib.error.HTTPError as error:
            raise AssertionError(f"{method} {path}: HTTP {error.code}: {error.read()[:2000]!r}") from None
        return json.loads(payload) if payload else None

    def get(self, path: str) -> Any:
        return self._call("GET", path)

    def dags(self) -> list[dict]:
        return self.get("/api/v2/dags?limit=100")["dags"]

    def unpause(self, dag_id: str) -> None:
        self._call("PATCH", f"/api/v2/dags/{dag_id}", {"is_paused": False})

    def trigger(self, dag_id: str, logical_date: str | None, conf: dict | None = None) -> str:
        run = self._call("POST", f"/api/v2/dags/{dag_id}/dagRuns", {"logical_date": logical_date, "conf": conf or {}})
        return run["dag_run_id"]

    def runs(self, dag_id: str) -> list[dict]:
        return self.get(f"/api/v2/dags/{dag_id}/dagRuns?limit=100&order_by=run_after")["dag_runs"]

    def run(self, dag_id: str, run_id: str) -> dict:
        return self.get(f"/api/v2/dags/{dag_id}/dagRuns/{quote(run_id, safe='')}")

    def task_instances(self, dag_id: str, run_id: str) -> list[dict]:
        path = f"/api/v2/dags/{dag_id}/dagRuns/{quote(run_id, safe='')}/taskInstances?limit=1000"
        return self.get(path)["task_instances"]

    def task_log(self, dag_id: str, run_id: str, task_id: str, try_number: int = 1) -> str:
        """The task's log as text (Airflow 3 returns structured lines: their `event` fields)."""
        path = f"/api/v2/dags/{dag_id}/dagRuns/{quote(run_id, safe='')}/taskInstances/{task_id}/logs/{try_number}"
        content = self.get(path + "?full_content=true")["content"]
        lines = content if isinstance(content, list) else [content]
        return "\n".join(line.get("event", "") if isinstance(line, dict) else str(line) for line in lines)

    def clear(self, dag_id: str, run_id: str, task_ids: list[str]) -> None:
        body = {
            "dry_run": False,
            "dag_run_id": run_id,
            "task_ids": task_ids,
            "include_downstream": True,
            "only_failed": False,
            "reset_dag_runs": True,
        }
        self._call("POST", f"/api/v2/dags/{dag_id}/clearTaskInstances", body)

    def wait_for(self, what: str, found: Callable[[], Any], timeout: float, every: float = 2.0) -> Any:
        """Poll `found` until it returns something truthy; fail naming `what` after `timeout` seconds."""
        deadline = time.monotonic() + timeout
        last = None
        while time.monotonic() < deadline:
            last = found()
            if last:
                return last
            time.sleep(every)
        raise AssertionError(f"waited {timeout:.0f} s for {what}; last seen: {last!r}")

    def wait_for_run(self, dag_id: str, run_id: str, timeout: float) -> dict:
        return self.wait_for(
            f"{dag_id} {run_id} to finish",
            lambda: (run := self.run(dag_id, run_id))["state"] in TERMINAL and run,
            timeout,
        )
