"""A provincial portal played by a real HTTP server on 127.0.0.1, for the portal client's tests.

It serves one unit's dossiers for one quarter under the contract of `cchc.sources.portal_api`, and
the unit's statistics: counted from those dossiers by `count_statistics`, except the counts named in
`statistics_override` (a portal that disagrees with its own dossiers). Misbehaviour is scripted per
request: the n-th request that carries the right token gets the n-th
`Reply` of the script, and requests after the script get normal pages. A wrong token always gets
401 and consumes nothing.

Everything is bounded: the server stops when its context exits or, at the latest, after
`lifetime` seconds; it answers at most `max_requests` requests (then 410, which the client does
not retry); a slow reply waits on the stop event, so stopping cuts it short.
"""

from __future__ import annotations

import contextlib
import json
import socket
import threading
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from cchc.quarters import Quarter
from cchc.sources.landing import STATISTICS_MEASURES

TOKEN = "tok-3f9a1c7e5b2d-secret"
_ICT = timezone(timedelta(hours=7))
_FIELDS = ("Hộ tịch", "Chứng thực", "Đất đai", "Xây dựng, nhà ở")


def make_items(unit_code: str, quarter: str, count: int) -> list[dict[str, Any]]:
    """`count` plausible dossiers received in the quarter: every channel, pending ones, postal returns."""
    first = Quarter.parse(quarter).first_day
    items = []
    for index in range(count):
        received = datetime(first.year, first.month, first.day, 8, tzinfo=_ICT) + timedelta(days=index % 80)
        due = received + timedelta(days=3, hours=9)
        resolved = None if index % 5 == 4 else received + timedelta(days=index % 5, hours=2)
        channel = index % 3 + 1
        items.append(
            {
                "ma_ho_so": f"{unit_code}-{quarter}-{index + 1:05d}",
                "ma_don_vi": unit_code,
                "ma_thu_tuc": f"1.00{1193 + index % 7}",
                "linh_vuc": _FIELDS[index % len(_FIELDS)],
                "kenh_thuc_hien": channel,
                "ngay_tiep_nhan": received.isoformat(),
                "ngay_hen_tra": due.isoformat(),
                "ngay_co_ket_qua": resolved.isoformat() if resolved else None,
                "tra_ket_qua_bcci": channel == 3,
                "so_lan_bo_sung": index % 3,
            }
        )
    return items


def _local_day(value: str | None) -> date | None:
    return datetime.fromisoformat(value).astimezone(_ICT).date() if value else None


def count_statistics(items: Iterable[dict[str, Any]], quarter: str) -> dict[str, int]:
    """What an honest portal reports for `items`: the rules of docs/design.md, by Việt Nam calendar day."""
    first, last = Quarter.parse(quarter).first_day, Quarter.parse(quarter).last_day
    counts = dict.fromkeys(STATISTICS_MEASURES, 0)
    channels = {1: "received_direct", 2: "received_online", 3: "received_postal"}
    for item in items:
        received, due = _local_day(item["ngay_tiep_nhan"]), _local_day(item["ngay_hen_tra"])
        resolved = _local_day(item["ngay_co_ket_qua"])
        assert received is not None and due is not None
        if received > last:
            continue
        if received < first and (resolved is None or resolved >= first):
            counts["carried_over"] += 1
        if received >= first:
            counts["received"] += 1
            counts[channels[item["kenh_thuc_hien"]]] += 1
        if resolved is not None and first <= resolved <= last:
            counts["resolved"] += 1
            timing = "early" if resolved < due else "on_time" if resolved == due else "late"
            counts[f"resolved_{timing}"] += 1
            counts["returned_by_post"] += bool(item["tra_ket_qua_bcci"])
        if resolved is None or resolved > last:
            counts["pending"] += 1
            counts["pending_overdue"] += due <= last
    return counts


@dataclass(frozen=True)
class Reply:
    """What the server does with one request."""

    kind: str = "page"  # page | status | slow | drop | invalid_json | missing_items | wrong_total | bad_count
    status: int = 200
    retry_after: str | None = None
    delay: float = 0.0
    total_delta: int = 0

    @classmethod
    def page(cls) -> Reply:
        return cls()

    @classmethod
    def error(cls, status: int, retry_after: str | None = None) -> Reply:
        return cls("status", status=status, retry_after=retry_after)

    @classmethod
    def slow(cls, delay: float) -> Reply:
        """Answer normally, but only after `delay` seconds (past the client's timeout)."""
        return cls("slow", delay=delay)

    @classmethod
    def drop(cls) -> Reply:
        """Close the connection without sending anything."""
        return cls("drop")

    @classmethod
    def invalid_json(cls) -> Reply:
        return cls("invalid_json")

    @classmethod
    def missing_items(cls) -> Reply:
        return cls("missing_items")

    @classmethod
    def wrong_total(cls, delta: int) -> Reply:
        """A normal page whose `total` is off by `delta`."""
        return cls("wrong_total", total_delta=delta)

    @classmethod
    def bad_count(cls) -> Reply:
        """Statistics whose `received` is a string of digits rather than a number."""
        return cls("bad_count")


@dataclass(frozen=True)
class Seen:
    """One request as the server saw it (the token is not kept, only whether it was right)."""

    path: str
    quarter: str | None
    page: int | None
    page_size: int | None
    authorized: bool


class FakePortal:
    """The server; use it as a context manager. `url` is its base URL once started."""

    def __init__(
        self,
        items: list[dict[str, Any]] | None = None,
        *,
        unit_code: str = "20194",
        quarter: str = "2024Q2",
        token: str = TOKEN,
        statistics_override: dict[str, int] | None = None,
        script: Iterable[Reply] = (),
        max_requests: int = 100,
        lifetime: float = 30.0,
    ) -> None:
        self.unit_code = unit_code
        self.quarter = quarter
        self.items = make_items(unit_code, quarter, 7) if items is None else items
        self.token = token
        self.statistics_override = dict(statistics_override or {})
        self.max_requests = max_requests
        self.lifetime = lifetime
        self.requests: list[Seen] = []
        self._script: deque[Reply] = deque(script)
        self._lock = threading.Lock()
        self.stopping = threading.Event()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._watchdog: threading.Timer | None = None

    @property
    def url(self) -> str:
        assert self._server is not None, "portal not started"
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def script(self, *replies: Reply) -> None:
        """Queue more replies for the next requests."""
        with self._lock:
            self._script.extend(replies)

    def __enter__(self) -> FakePortal:
        server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        server.daemon_threads = True
        server.portal = self  # type: ignore[attr-defined]
        self._server = server
        self._thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self._thread.start()
        self._watchdog = threading.Timer(self.lifetime, self.stop)
        self._watchdog.daemon = True
        self._watchdog.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def stop(self) -> None:
        with self._lock:
            server, self._server = self._server, None
        self.stopping.set()
        if self._watchdog is not None and self._watchdog is not threading.current_thread():
            self._watchdog.cancel()
        if server is None:
            return
        server.shutdown()
        server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    # --- used by the handler ----------------------------------------------------------------------

    def _next(self, seen: Seen) -> Reply | None:
        """The reply for this request, or None once the request budget is spent."""
        with self._lock:
            self.requests.append(seen)
            if len(self.requests) > self.max_requests:
                return None
            if not seen.authorized:
                return Reply.error(401)
            return self._script.popleft() if self._script else Reply.page()

    def _page(self, quarter: str, page: int, page_size: int, total_delta: int = 0) -> dict[str, Any]:
        items = self.items if quarter == self.quarter else []
        start = (page - 1) * page_size
        chunk = items[start : start + page_size]
        more = start + page_size < len(items)
        return {
            "unit_code": self.unit_code,
            "quarter": quarter,
            "page": page,
            "page_size": page_size,
            "total": len(items) + total_delta,
            "next_page": page + 1 if more else None,
            "items": chunk,
        }

    def _statistics(self, quarter: str) -> dict[str, Any]:
        items = self.items if quarter == self.quarter else []
        counts = {**count_statistics(items, quarter), **self.statistics_override}
        return {"unit_code": self.unit_code, "quarter": quarter, "counts": counts}


class _Handler(BaseHTTPRequestHandler):
    server_version = "FakePortal/1"
    timeout = 5  # a stalled client cannot hold a server thread longer than this

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def handle(self) -> None:
        # The client may give up first (timeout tests): then there is no one to answer.
        with contextlib.suppress(BrokenPipeError, ConnectionResetError, TimeoutError):
            super().handle()

    def do_GET(self) -> None:
        portal: FakePortal = self.server.portal  # type: ignore[attr-defined]
        parts = urlsplit(self.path)
        query = {key: values[-1] for key, values in parse_qs(parts.query).items()}
        seen = Seen(
            path=parts.path,
            quarter=query.get("quarter"),
            page=_int(query.get("page")),
            page_size=_int(query.get("page_size")),
            authorized=self.headers.get("Authorization") == f"Bearer {portal.token}",
        )
        reply = portal._next(seen)
        if reply is None:
            self._json(410, {"error": "request budget of the fake portal spent"})
            return
        if reply.kind == "status":
            headers = {"Retry-After": reply.retry_after} if reply.retry_after is not None else {}
            if reply.status == 401:
                headers["WWW-Authenticate"] = 'Bearer error="invalid_token"'
            self._json(reply.status, {"error": f"status {reply.status}"}, headers)
            return
        if reply.kind == "drop":
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)
            return
        if reply.kind == "slow" and portal.stopping.wait(reply.delay):
            return
        unit_path = f"/api/v1/units/{portal.unit_code}"
        if parts.path == f"{unit_path}/statistics":
            self._answer_statistics(portal, seen, reply)
            return
        if parts.path != f"{unit_path}/dossiers":
            self._json(404, {"error": "unknown unit"})
            return
        if seen.quarter is None or seen.page is None or seen.page_size is None or seen.page < 1 or seen.page_size < 1:
            self._json(400, {"error": "quarter, page and page_size are required"})
            return
        body = portal._page(seen.quarter, seen.page, seen.page_size, reply.total_delta)
        if reply.kind == "missing_items":
            del body["items"]
        if reply.kind == "invalid_json":
            self._send(200, b'{"unit_code": "' + portal.unit_code.encode() + b'", "items": [', {})
            return
        self._json(200, body)

    def _answer_statistics(self, portal: FakePortal, seen: Seen, reply: Reply) -> None:
        if seen.quarter is None:
            self._json(400, {"error": "quarter is required"})
            return
        if reply.kind == "invalid_json":
            self._send(200, b'{"unit_code": "' + portal.unit_code.encode() + b'", "counts": {', {})
            return
        body = portal._statistics(seen.quarter)
        if reply.kind == "bad_count":
            body["counts"]["received"] = str(body["counts"]["received"])
        self._json(200, body)

    def _json(self, status: int, body: object, headers: dict[str, str] | None = None) -> None:
        self._send(status, json.dumps(body, ensure_ascii=False).encode("utf-8"), headers or {})

    def _send(self, status: int, data: bytes, headers: dict[str, str]) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None
