"""Pulling dossiers from a provincial one-stop/DVC portal into the landing zone.

Portals differ, so the endpoint is ours to define; a portal that speaks another dialect gets a
small adapter in front of it rather than a second client. The contract:

    GET {base_url}/api/v1/units/{unit_code}/dossiers?quarter=2024Q2&page=N&page_size=M
    Authorization: Bearer <token>
    Accept: application/json

    200 {"unit_code": "20194", "quarter": "2024Q2", "page": N, "page_size": M, "total": T,
         "next_page": N + 1 | null,
         "items": [{"ma_ho_so": "...", "ma_don_vi": "20194", "ma_thu_tuc": "1.001193", "linh_vuc": "Hộ tịch",
                    "kenh_thuc_hien": 1 | 2 | 3, "ngay_tiep_nhan": "2024-04-02T08:00:00+07:00",
                    "ngay_hen_tra": "...", "ngay_co_ket_qua": "..." | null,
                    "tra_ket_qua_bcci": true | false, "so_lan_bo_sung": 0}, ...]}

Pages count from 1. `total` counts the items of every page and is the same on every page; a page
echoes the unit, quarter and page asked for; `next_page` is the next page number, or null on the
last page; only the last page may be empty. `page_size` is a wish: the portal may serve fewer.

The portal's own counts of the same unit and quarter, which reconciliation compares with the dossiers:

    GET {base_url}/api/v1/units/{unit_code}/statistics?quarter=2024Q2

    200 {"unit_code": "20194", "quarter": "2024Q2",
         "counts": {"carried_over": 0, "received": 40, "received_online": 13, "received_direct": 14,
                    "received_postal": 13, "resolved": 32, "resolved_early": 24, "resolved_on_time": 8,
                    "resolved_late": 0, "pending": 8, "pending_overdue": 8, "returned_by_post": 11}}

`counts` are whole numbers >= 0 counted as mart.unit_quarter_indicators counts them (docs/design.md, by
Việt Nam calendar days): carried_over = received before the quarter and not resolved before it;
received[_online|_direct|_postal] = received in the quarter (by channel); resolved[_early|_on_time|
_late] = resolved in the quarter (result before, on, after the due day); pending[_overdue] = not
resolved at the quarter's end (and due by then); returned_by_post = resolved in the quarter with the
result returned by post. The answer echoes the unit and quarter; other keys are ignored.

Answers and what the client does with them:
- 429, or 503 with `Retry-After`: wait that long (seconds or an HTTP-date, at most `max_backoff`), retry.
- other 5xx, refused or dropped connections, timeouts: wait `backoff * 2**(n-1)` for the n-th retry,
  capped at `max_backoff`, of which a random half is jitter (so units fetched in parallel do not
  retry in step; pass a seeded `random.Random` to make it repeatable), and retry.
- A malformed page (not JSON, or missing or mistyped keys) is retried once: a gateway's maintenance
  page served with 200 is common and passes, while a portal bug would only burn the retry budget.
- 401/403: `PortalAuthError` at once; a refused token does not become valid by retrying.
- other 4xx and 3xx: `PortalError` at once. Redirects are not followed, so the token is never sent
  to a host other than `base_url`'s.
Every retry counts against `max_retries` per page: a page is asked for at most `max_retries + 1` times.
The statistics are one more request under the same rules.
Pages that disagree with each other (total changed, the same dossier twice, fewer items than
`total`) raise `PortalError` without retrying the page: the portal's data moved while we paged,
and the whole fetch has to start again (the Airflow task's own retry does that).

Error messages name the URL, the attempts and the last cause; the token is never part of them.
"""

from __future__ import annotations

import email.utils
import hashlib
import http.client
import json
import os
import random
import ssl
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import datetime
from pathlib import Path
from typing import Any, NoReturn
from zoneinfo import ZoneInfo

from cchc.config import LOCAL_TZ
from cchc.quarters import Quarter
from cchc.sources.landing import (
    STATISTICS_FILE,
    STATISTICS_MEASURES,
    LandingProblem,
    parse_landing_path,
    statistics_counts_problem,
)

API_PATH = "/api/v1/units/{unit_code}/dossiers"
STATISTICS_PATH = "/api/v1/units/{unit_code}/statistics"
STATISTICS_KEYS = ("unit_code", "quarter", "counts")
PAGE_KEYS = ("unit_code", "quarter", "page", "page_size", "total", "next_page", "items")
MAX_PAGE_BYTES = 32 << 20
"""A page larger than this is refused rather than held in memory; lower `page_size` instead."""

_ERROR_BODY_BYTES = 2048


class PortalError(Exception):
    """The portal gave no complete, consistent answer; the message says which URL and why."""


class PortalAuthError(PortalError):
    """The portal refused the token (401/403): a configuration problem, never retried."""


class PortalUnavailable(PortalError):
    """The portal did not answer, or kept answering HTTP 5xx/429, through every retry: the portal (or the
    way to it) is down rather than one unit's data being wrong."""


class _Retryable(Exception):
    """One failed attempt that another attempt may fix; `wait` is the server's wish, if it said one."""

    def __init__(self, cause: str, wait: float | None = None, *, malformed: bool = False) -> None:
        super().__init__(cause)
        self.cause = cause
        self.wait = wait
        self.malformed = malformed


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """Following a redirect would resend the Authorization header to wherever it points."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):  # type: ignore[no-untyped-def]
        return None


class PortalClient:
    """Reads one unit's dossiers for one quarter, page by page, retrying what is worth retrying."""

    def __init__(
        self,
        base_url: str,
        token: str,
        *,
        timeout: float = 10,
        max_retries: int = 5,
        backoff: float = 0.5,
        max_backoff: float = 30,
        page_size: int = 500,
        sleep: Callable[[float], None] = time.sleep,
        rng: random.Random | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        parts = urllib.parse.urlsplit(base_url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError(f"portal base URL must be http(s)://host[:port][/path], got {base_url!r}")
        if not token:
            raise ValueError("portal token is empty")
        if timeout <= 0 or backoff < 0 or max_backoff < 0 or max_retries < 0 or page_size < 1:
            raise ValueError("timeout and page_size must be positive; retries and backoff not negative")
        self.base_url = base_url.rstrip("/")
        self._token = token
        self.timeout = timeout
        self.max_retries = max_retries
        self.backoff = backoff
        self.max_backoff = max_backoff
        self.page_size = page_size
        self._sleep = sleep
        self._rng = rng or random.Random()
        self._clock = clock
        self._opener = urllib.request.build_opener(_NoRedirect)

    def __repr__(self) -> str:
        return f"PortalClient(base_url={self.base_url!r}, token=<hidden>, page_size={self.page_size})"

    # --- paging -----------------------------------------------------------------------------------

    def fetch_dossiers(self, unit_code: str, quarter: str) -> Iterator[dict[str, Any]]:
        """Stream the unit's dossier items for the quarter as the portal sends them, one page at a time.

        Bad arguments raise ValueError here, before any request. Pages that do not add up to
        `total` raise PortalError only after the last page: a caller that must not act on a partial
        list collects the items first (as `write_landing_json` does).
        """
        return self._items(_check_unit(unit_code), str(Quarter.parse(quarter)))

    def _items(self, unit_code: str, quarter: str) -> Iterator[dict[str, Any]]:
        page_number: int | None = 1
        total: int | None = None
        count = 0
        seen: dict[str, int] = {}
        while page_number is not None:
            url = self.page_url(unit_code, quarter, page_number)
            page = self._get_page(url, unit_code, quarter, page_number)
            if total is None:
                total = page["total"]
            elif page["total"] != total:
                raise PortalError(
                    f"{url}: total changed from {total} to {page['total']} between pages "
                    "(the portal's data changed while paging; fetch again)"
                )
            items = page["items"]
            if not items and page["next_page"] is not None:
                raise PortalError(f"{url}: page {page_number} is empty but names a next page")
            count += len(items)
            if count > total:
                raise PortalError(f"{url}: {count} items by page {page_number}, more than the total of {total}")
            for item in items:
                dossier_id = item.get("ma_ho_so")
                if dossier_id is not None:
                    key = str(dossier_id)
                    if key in seen:
                        raise PortalError(
                            f"{url}: dossier {key!r} is on page {seen[key]} and again on page {page_number} "
                            "(the portal's data changed while paging; fetch again)"
                        )
                    seen[key] = page_number
                yield item
            page_number = page["next_page"]
        if count != total:
            raise PortalError(
                f"{self.page_url(unit_code, quarter, 1)}: the pages hold {count} items but the portal "
                f"reports a total of {total}"
            )

    def page_url(self, unit_code: str, quarter: str, page: int) -> str:
        query = urllib.parse.urlencode({"quarter": quarter, "page": page, "page_size": self.page_size})
        return self.base_url + API_PATH.format(unit_code=urllib.parse.quote(unit_code, safe="")) + "?" + query

    def _get_page(self, url: str, unit_code: str, quarter: str, page_number: int) -> dict[str, Any]:
        return self._get_checked(
            url, lambda body: _check_page(body, unit_code, quarter, page_number), f"page {page_number} is"
        )

    # --- statistics -------------------------------------------------------------------------------

    def fetch_statistics(self, unit_code: str, quarter: str) -> dict[str, int]:
        """The portal's own counts of the unit's quarter, {measure: count} in STATISTICS_MEASURES order.

        Bad arguments raise ValueError before any request; an answer that breaks the contract is
        retried once, then raises PortalError naming the URL and what is wrong.
        """
        unit_code, quarter = _check_unit(unit_code), str(Quarter.parse(quarter))
        url = self.statistics_url(unit_code, quarter)
        answer = self._get_checked(url, lambda body: _check_statistics(body, unit_code, quarter), "the statistics are")
        return {name: answer["counts"][name] for name in STATISTICS_MEASURES}

    def statistics_url(self, unit_code: str, quarter: str) -> str:
        path = STATISTICS_PATH.format(unit_code=urllib.parse.quote(unit_code, safe=""))
        return self.base_url + path + "?" + urllib.parse.urlencode({"quarter": quarter})

    # --- one answer -------------------------------------------------------------------------------

    def _get_checked(self, url: str, check: Callable[[Any], dict[str, Any]], subject: str) -> dict[str, Any]:
        """One answer, checked against the contract by `check`, after as many attempts as the policy
        allows; `subject` names it in the error ("page 2 is", "the statistics are")."""
        malformed_before = False
        attempt = 0
        while True:
            attempt += 1
            try:
                return check(self._attempt(url))
            except _Retryable as problem:
                if problem.malformed:
                    if malformed_before or attempt > self.max_retries:
                        raise PortalError(
                            f"{url}: {subject} malformed ({problem.cause}); "
                            f"{attempt} attempt{'s' if attempt > 1 else ''}"
                        ) from None
                    malformed_before = True
                if attempt > self.max_retries:
                    raise PortalUnavailable(
                        f"{url}: gave up after {attempt} attempt{'s' if attempt > 1 else ''}; last: {problem.cause}"
                    ) from None
                wait = problem.wait if problem.wait is not None else self._backoff_delay(attempt)
                self._sleep(wait)

    def _backoff_delay(self, retry: int) -> float:
        step = min(self.max_backoff, self.backoff * 2 ** (retry - 1))
        return step / 2 + self._rng.uniform(0, step / 2)

    # --- one request ------------------------------------------------------------------------------

    def _attempt(self, url: str) -> Any:
        """The decoded JSON of one GET, or an exception saying whether trying again makes sense."""
        request = urllib.request.Request(
            url,
            headers={
                "Authorization": f"Bearer {self._token}",
                "Accept": "application/json",
                "User-Agent": "cchc-portal-client/1",
            },
        )
        try:
            with self._opener.open(request, timeout=self.timeout) as response:
                body = response.read(MAX_PAGE_BYTES + 1)
        except urllib.error.HTTPError as error:
            with error:
                self._refuse(url, error)
        except urllib.error.URLError as error:
            if isinstance(error.reason, ssl.SSLCertVerificationError):
                raise PortalError(f"{url}: the portal's TLS certificate is not trusted: {error.reason}") from None
            raise _Retryable(self._describe_network(error.reason)) from None
        except (OSError, http.client.HTTPException) as error:
            raise _Retryable(self._describe_network(error)) from None
        if len(body) > MAX_PAGE_BYTES:
            raise PortalError(f"{url}: page larger than {MAX_PAGE_BYTES >> 20} MiB; lower page_size")
        try:
            return json.loads(body, parse_constant=_reject_constant)
        except (ValueError, UnicodeDecodeError) as error:
            raise _Retryable(f"not JSON: {error}", malformed=True) from None

    def _refuse(self, url: str, error: urllib.error.HTTPError) -> NoReturn:
        status = error.code
        if status in (401, 403):
            raise PortalAuthError(
                f"{url}: the portal refused the token (HTTP {status}); check the token of the portal connection"
            )
        if status == 429 or (status >= 500 and error.headers.get("Retry-After")):
            wait = self._retry_after(error.headers.get("Retry-After"))
            raise _Retryable(f"HTTP {status} {error.reason}", wait)
        if status >= 500:
            raise _Retryable(f"HTTP {status} {error.reason}")
        if 300 <= status < 400:
            location = error.headers.get("Location", "?")
            raise PortalError(f"{url}: HTTP {status} redirect to {location} not followed; fix the base URL")
        raise PortalError(f"{url}: HTTP {status} {error.reason}{_error_detail(error)}")

    def _retry_after(self, value: str | None) -> float | None:
        """Seconds the server asked us to wait (capped at max_backoff), or None for our own backoff."""
        if value is None:
            return None
        value = value.strip()
        if value.isdigit():
            seconds = float(value)
        else:
            try:
                when = email.utils.parsedate_to_datetime(value)
            except (TypeError, ValueError):
                return None
            if when.tzinfo is None:
                return None
            seconds = max(0.0, when.timestamp() - self._clock())
        return min(seconds, self.max_backoff)

    def _describe_network(self, reason: object) -> str:
        if isinstance(reason, TimeoutError):
            return f"no answer within {self.timeout:g} s (timeout)"
        if isinstance(reason, http.client.RemoteDisconnected):
            return "connection closed without an answer"
        if isinstance(reason, http.client.IncompleteRead):
            return f"connection dropped mid-answer after {len(reason.partial)} bytes"
        if isinstance(reason, ConnectionRefusedError):
            return "connection refused"
        return f"connection failed: {type(reason).__name__}: {reason}"


def _error_detail(error: urllib.error.HTTPError) -> str:
    """The portal's own short explanation of a 4xx, if it gave one as JSON {"error"|"message": ...}."""
    try:
        body = json.loads(error.read(_ERROR_BODY_BYTES))
    except (ValueError, OSError, http.client.HTTPException):
        return ""
    message = body.get("error") or body.get("message") if isinstance(body, dict) else None
    return f": {str(message)[:200]}" if message else ""


def _reject_constant(name: str) -> NoReturn:
    raise ValueError(f"{name} is not JSON")


def _check_unit(unit_code: str) -> str:
    if not (isinstance(unit_code, str) and unit_code.isdigit() and unit_code.isascii()):
        raise ValueError(f"unit code must be a zero-padded string of digits, got {unit_code!r}")
    return unit_code


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _malformed(reason: str) -> NoReturn:
    raise _Retryable(reason, malformed=True)


def _check_envelope(answer: Any, keys: Iterable[str], unit_code: str, quarter: str) -> None:
    """What every answer of the portal shares: a JSON object with `keys`, about the unit and quarter asked for."""
    if not isinstance(answer, dict):
        _malformed(f"expected a JSON object, got {type(answer).__name__}")
    missing = [key for key in keys if key not in answer]
    if missing:
        _malformed("missing " + ", ".join(repr(key) for key in missing))
    if str(answer["unit_code"]) != unit_code or str(answer["quarter"]) != quarter:
        _malformed(f"answers for unit {answer['unit_code']!r} quarter {answer['quarter']!r}")


def _check_page(page: Any, unit_code: str, quarter: str, page_number: int) -> dict[str, Any]:
    """The page if it keeps the contract; otherwise a malformed-page failure saying what is wrong."""
    _check_envelope(page, PAGE_KEYS, unit_code, quarter)
    if not _is_int(page["page"]) or page["page"] != page_number:
        _malformed(f"'page' is {page['page']!r}")
    if not _is_int(page["total"]) or page["total"] < 0:
        _malformed(f"'total' is {page['total']!r}")
    if page["next_page"] is not None and page["next_page"] != page_number + 1:
        _malformed(f"'next_page' is {page['next_page']!r}, expected {page_number + 1} or null")
    items = page["items"]
    if not isinstance(items, list):
        _malformed(f"'items' is a {type(items).__name__}, not a list")
    for index, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            _malformed(f"item {index} is a {type(item).__name__}, not an object")
    return page


def _check_statistics(answer: Any, unit_code: str, quarter: str) -> dict[str, Any]:
    """The statistics if they keep the contract; otherwise a malformed-answer failure saying why."""
    _check_envelope(answer, STATISTICS_KEYS, unit_code, quarter)
    reason = statistics_counts_problem(answer["counts"])
    if reason:
        _malformed(reason)
    return answer


# --- landing zone ---------------------------------------------------------------------------------


def _item_order(item: dict[str, Any]) -> tuple[str, str]:
    return (str(item.get("ma_ho_so", "")), _dump(item))


def _dump(item: dict[str, Any]) -> str:
    return json.dumps(item, ensure_ascii=False, sort_keys=True)


def render_landing_json(unit_code: str, quarter: str, items: Iterable[dict[str, Any]]) -> bytes:
    """The landing file's bytes: items sorted by dossier id, one per line, and no fetch timestamp.

    The same items in any order give the same bytes, so an unchanged re-fetch has the checksum
    the raw loader already knows and is skipped.
    """
    ordered = sorted(items, key=_item_order)
    header = json.dumps({"source": "portal", "unit_code": unit_code, "quarter": quarter, "total": len(ordered)})
    lines = ",\n".join(_dump(item) for item in ordered)
    text = header[:-1] + ', "items": [\n' + lines + ("\n" if lines else "") + "]}\n"
    return text.encode("utf-8")


def render_statistics_json(
    unit_code: str, quarter: str, counts: Mapping[str, int], dossiers_sha256: str, fetched_at: datetime
) -> bytes:
    """The side file's bytes (format in `cchc.sources.landing`): the counts in STATISTICS_MEASURES order."""
    document = {
        "source": "portal",
        "unit_code": unit_code,
        "quarter": quarter,
        "fetched_at": fetched_at.isoformat(timespec="seconds"),
        "dossiers_sha256": dossiers_sha256,
        "counts": {name: counts[name] for name in STATISTICS_MEASURES},
    }
    return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def write_landing_json(client: PortalClient, landing: Path, level: str, unit_code: str, quarter: str) -> Path:
    """Fetch one unit's quarter and put it at `<level>/<unit_code>/<YYYYQn>/dossiers.json`, with the
    portal's statistics beside it in `dossiers.statistics.json`; returns the dossiers file's path.

    All pages and the statistics are fetched before anything is written, and each file is replaced
    by a rename, so a failed fetch or a crash leaves the previous versions whole. An identical
    dossiers file is left untouched, and so are statistics that differ only in their fetch time.
    """
    quarter = str(Quarter.parse(quarter))
    landing = Path(landing)
    target = landing / level / unit_code / quarter / "dossiers.json"
    checked = parse_landing_path(landing, target)
    if isinstance(checked, LandingProblem):
        raise ValueError(f"{checked.relative_path}: {checked.reason}")
    data = render_landing_json(unit_code, quarter, client.fetch_dossiers(unit_code, quarter))
    # Asked after the pages, so that both describe the portal as it stood once paging was done.
    counts = client.fetch_statistics(unit_code, quarter)
    fetched_at = datetime.fromtimestamp(client._clock(), ZoneInfo(LOCAL_TZ))
    target.parent.mkdir(parents=True, exist_ok=True)
    _replace_if_changed(target, data)
    statistics = render_statistics_json(unit_code, quarter, counts, hashlib.sha256(data).hexdigest(), fetched_at)
    side_file = target.parent / STATISTICS_FILE
    if not _same_statistics(side_file, statistics):
        _replace_if_changed(side_file, statistics)
    return target


def _same_statistics(path: Path, data: bytes) -> bool:
    """Whether the side file already says the same, whenever it was fetched."""
    try:
        old = json.loads(path.read_bytes())
    except (OSError, ValueError):
        return False
    new = json.loads(data)
    return isinstance(old, dict) and {**old, "fetched_at": None} == {**new, "fetched_at": None}


def _replace_if_changed(target: Path, data: bytes) -> None:
    """Write `target` by a rename from a temporary file beside it, unless it already holds `data`."""
    if target.is_file() and target.stat().st_size == len(data) and target.read_bytes() == data:
        return
    # A dot-name: landing discovery ignores it should it ever be left behind.
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temporary, 0o644)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    _sync_directory(target.parent)


def _sync_directory(directory: Path) -> None:
    """Make the rename durable; not every platform lets a directory be opened for it."""
    try:
        descriptor = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)


# --- configuration ----------------------------------------------------------------------------------

_NUMERIC_EXTRAS: dict[str, type] = {
    "timeout": float,
    "max_retries": int,
    "backoff": float,
    "max_backoff": float,
    "page_size": int,
}


def portal_from_connection(conn: Any) -> PortalClient:
    """A client from an Airflow-style connection: host/schema/port make the URL, password is the token.

    As with Airflow's HTTP connections, `schema` is the URL scheme (https when empty); a host that
    already holds a scheme (`https://dvc.example.gov.vn/base`) is used as the base URL as it is.
    The extras may set timeout, max_retries, backoff, max_backoff and page_size.
    """
    host = (conn.host or "").strip().rstrip("/")
    if not host:
        raise ValueError(f"connection {conn.conn_id!r} has no host")
    if not conn.password:
        raise ValueError(f"connection {conn.conn_id!r} has no password (the portal token goes there)")
    if "://" in host:
        base_url = host
    else:
        base_url = f"{conn.schema or 'https'}://{host}"
        if conn.port:
            base_url += f":{conn.port}"
    extras = conn.extra_dejson or {}
    options: dict[str, Any] = {}
    for key, kind in _NUMERIC_EXTRAS.items():
        if key in extras:
            try:
                options[key] = kind(extras[key])
            except (TypeError, ValueError):
                raise ValueError(f"connection {conn.conn_id!r}: extra {key!r} must be a number") from None
    return PortalClient(base_url, conn.password, **options)


def portal_from_airflow_connection(conn_id: str = "cchc_portal") -> PortalClient:
    """The client configured by an Airflow connection, so URL and token live in Airflow's secrets."""
    from airflow.sdk import Connection

    return portal_from_connection(Connection.get(conn_id))
