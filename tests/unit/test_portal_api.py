"""The portal client against a real HTTP server on loopback: paging, retries, refusals, statistics,
landing files and their statistics side file."""

from __future__ import annotations

import email.utils
import hashlib
import json
import random
import sys
import types
from collections.abc import Iterator
from pathlib import Path

import pytest

from cchc.quarters import Quarter
from cchc.sources import portal_api
from cchc.sources.landing import (
    STATISTICS_FILE,
    STATISTICS_MEASURES,
    LandingFile,
    discover,
    discover_statistics,
    parse_landing_path,
)
from cchc.sources.portal_api import (
    PortalAuthError,
    PortalClient,
    PortalError,
    portal_from_airflow_connection,
    render_landing_json,
    write_landing_json,
)
from tests.support.fake_portal import TOKEN, FakePortal, Reply, make_items
from tests.support.loopback import refusing_port

pytestmark = pytest.mark.unit

UNIT, QUARTER = "20194", "2024Q2"
# What the portal counts in make_items(UNIT, QUARTER, 7): dossiers 0..6 received 1-7 April, channel
# n % 3 + 1 (direct 0,3,6; online 1,4; postal 2,5), resolved n % 5 days after receipt and due 3 days
# after it (early 0,1,2,5,6; on time 3), dossier 4 pending and overdue; postal returns 2 and 5.
STATISTICS_7 = {
    "carried_over": 0,
    "received": 7,
    "received_online": 2,
    "received_direct": 3,
    "received_postal": 2,
    "resolved": 6,
    "resolved_early": 5,
    "resolved_on_time": 1,
    "resolved_late": 0,
    "pending": 1,
    "pending_overdue": 1,
    "returned_by_post": 2,
}
FIRST_FETCH, LATER_FETCH = 1_719_788_400.0, 1_719_792_000.0  # 06:00 and 07:00 on 01/07/2024, Việt Nam time


class Sleeps(list[float]):
    """Stands in for time.sleep: records the waits instead of waiting."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


@pytest.fixture(autouse=True)
def _no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    """Loopback must never go through a proxy configured in the environment."""
    for name in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


@pytest.fixture
def portal() -> Iterator[FakePortal]:
    with FakePortal(make_items(UNIT, QUARTER, 7)) as server:
        yield server


def client(url: str, sleeps: Sleeps, token: str = TOKEN, **options: object) -> PortalClient:
    settings: dict[str, object] = {
        "page_size": 3,
        "timeout": 2.0,
        "rng": random.Random(7),
        "clock": lambda: FIRST_FETCH,
    } | options
    return PortalClient(url, token, sleep=sleeps, **settings)  # type: ignore[arg-type]


def fetch(portal: FakePortal, sleeps: Sleeps, **options: object) -> list[dict]:
    return list(client(portal.url, sleeps, **options).fetch_dossiers(UNIT, QUARTER))


def fails(portal: FakePortal, sleeps: Sleeps, error: type[Exception] = PortalError, **options: object) -> str:
    with pytest.raises(error) as caught:
        fetch(portal, sleeps, **options)
    message = str(caught.value)
    assert TOKEN not in message
    return message


# --- paging ---------------------------------------------------------------------------------------


def test_pages_are_followed_until_next_page_is_null(portal: FakePortal, sleeps: Sleeps) -> None:
    assert fetch(portal, sleeps) == portal.items
    assert [(seen.page, seen.page_size, seen.quarter) for seen in portal.requests] == [
        (1, 3, QUARTER),
        (2, 3, QUARTER),
        (3, 3, QUARTER),
    ]
    assert all(seen.authorized for seen in portal.requests)
    assert portal.requests[0].path == f"/api/v1/units/{UNIT}/dossiers"
    assert sleeps == []


def test_a_quarter_without_dossiers_is_one_empty_page(portal: FakePortal, sleeps: Sleeps) -> None:
    assert list(client(portal.url, sleeps).fetch_dossiers(UNIT, "2023Q4")) == []
    assert len(portal.requests) == 1


def test_items_stream_page_by_page(portal: FakePortal, sleeps: Sleeps) -> None:
    items = client(portal.url, sleeps).fetch_dossiers(UNIT, QUARTER)
    next(items)
    assert len(portal.requests) == 1
    items.close()


def test_bad_arguments_fail_before_any_request(portal: FakePortal, sleeps: Sleeps) -> None:
    with pytest.raises(ValueError, match="quarter"):
        client(portal.url, sleeps).fetch_dossiers(UNIT, "2024-Q2")
    with pytest.raises(ValueError, match="unit code"):
        client(portal.url, sleeps).fetch_dossiers("../20194", QUARTER)
    with pytest.raises(ValueError, match="base URL"):
        PortalClient("ftp://portal", TOKEN)
    assert portal.requests == []


def test_a_total_the_pages_do_not_reach_is_an_error(portal: FakePortal, sleeps: Sleeps) -> None:
    portal.items = make_items(UNIT, QUARTER, 2)
    portal.script(Reply.wrong_total(+1))
    message = fails(portal, sleeps)
    assert "2 items" in message and "total of 3" in message


def test_a_total_that_changes_between_pages_is_an_error(portal: FakePortal, sleeps: Sleeps) -> None:
    portal.script(Reply.page(), Reply.wrong_total(+2))
    message = fails(portal, sleeps)
    assert "total changed from 7 to 9" in message and "page=2" in message


def test_more_items_than_the_total_stops_early(portal: FakePortal, sleeps: Sleeps) -> None:
    portal.script(Reply.wrong_total(-5), Reply.wrong_total(-5))
    assert "more than the total of 2" in fails(portal, sleeps)
    assert len(portal.requests) == 1


def test_a_dossier_on_two_pages_is_an_error(portal: FakePortal, sleeps: Sleeps) -> None:
    portal.items = portal.items[:3] + portal.items[2:6]  # a shifted page repeats a dossier
    assert "is on page 1 and again on page 2" in fails(portal, sleeps)


# --- retries --------------------------------------------------------------------------------------


def test_429_waits_the_seconds_of_retry_after(portal: FakePortal, sleeps: Sleeps) -> None:
    portal.script(Reply.page(), Reply.error(429, retry_after="7"))
    assert fetch(portal, sleeps) == portal.items
    assert sleeps == [7.0]
    assert [seen.page for seen in portal.requests] == [1, 2, 2, 3]


def test_retry_after_is_capped_at_max_backoff(portal: FakePortal, sleeps: Sleeps) -> None:
    portal.script(Reply.error(429, retry_after="3600"))
    fetch(portal, sleeps, max_backoff=12)
    assert sleeps == [12]


def test_retry_after_as_an_http_date(portal: FakePortal, sleeps: Sleeps) -> None:
    now = 1_750_000_000.0
    portal.script(Reply.error(429, retry_after=email.utils.formatdate(now + 9, usegmt=True)))
    fetch(portal, sleeps, clock=lambda: now)
    assert sleeps == [9.0]


def test_503_with_retry_after_is_honoured_too(portal: FakePortal, sleeps: Sleeps) -> None:
    portal.script(Reply.error(503, retry_after="4"))
    fetch(portal, sleeps)
    assert sleeps == [4.0]


def test_429_without_a_usable_retry_after_backs_off(portal: FakePortal, sleeps: Sleeps) -> None:
    portal.script(Reply.error(429), Reply.error(429, retry_after="soon"))
    fetch(portal, sleeps, backoff=1.0)
    assert len(sleeps) == 2 and 0.5 <= sleeps[0] <= 1.0 and 1.0 <= sleeps[1] <= 2.0


def test_server_errors_back_off_exponentially_with_jitter(portal: FakePortal, sleeps: Sleeps) -> None:
    portal.script(Reply.error(500), Reply.error(503), Reply.error(502), Reply.error(504))
    assert fetch(portal, sleeps, backoff=1.0, max_backoff=6) == portal.items
    assert len(sleeps) == 4
    for retry, wait in enumerate(sleeps, start=1):
        step = min(6.0, 2.0 ** (retry - 1))
        assert step / 2 <= wait <= step
    again = Sleeps()
    portal.script(Reply.error(500), Reply.error(503), Reply.error(502), Reply.error(504))
    fetch(portal, again, backoff=1.0, max_backoff=6)
    assert again == sleeps  # the same seed gives the same jitter


def test_server_errors_give_up_after_max_retries(portal: FakePortal, sleeps: Sleeps) -> None:
    portal.script(*[Reply.error(503)] * 5)
    message = fails(portal, sleeps, max_retries=2)
    assert len(portal.requests) == 3 and len(sleeps) == 2
    assert portal.url + f"/api/v1/units/{UNIT}/dossiers?quarter=2024Q2&page=1" in message
    assert "3 attempts" in message and "HTTP 503" in message


def test_retries_are_counted_per_page(portal: FakePortal, sleeps: Sleeps) -> None:
    portal.script(Reply.error(500), Reply.error(500), Reply.page(), Reply.error(500), Reply.error(500))
    assert fetch(portal, sleeps, max_retries=2) == portal.items
    assert len(sleeps) == 4


def test_a_timeout_is_retried(portal: FakePortal, sleeps: Sleeps) -> None:
    portal.script(Reply.slow(3.0))
    assert fetch(portal, sleeps, timeout=0.25) == portal.items
    # The slow reply was abandoned and its page asked again after one back-off (a client that waited
    # the 3 s out would have asked page 1 once).
    assert [seen.page for seen in portal.requests[:2]] == [1, 1]
    assert len(sleeps) == 1


def test_timeouts_give_up_after_max_retries(portal: FakePortal, sleeps: Sleeps) -> None:
    portal.script(Reply.slow(3.0), Reply.slow(3.0))
    message = fails(portal, sleeps, timeout=0.25, max_retries=1)
    assert "2 attempts" in message and "timeout" in message


def test_a_dropped_connection_is_retried(portal: FakePortal, sleeps: Sleeps) -> None:
    portal.script(Reply.page(), Reply.drop())
    assert fetch(portal, sleeps) == portal.items
    assert len(sleeps) == 1 and len(portal.requests) == 4


def test_dropped_connections_give_up_after_max_retries(portal: FakePortal, sleeps: Sleeps) -> None:
    portal.script(*[Reply.drop()] * 3)
    message = fails(portal, sleeps, max_retries=2)
    assert "3 attempts" in message and "connection" in message


def test_a_refused_connection_gives_up_after_max_retries(sleeps: Sleeps) -> None:
    with refusing_port() as port, pytest.raises(PortalError, match=r"2 attempts; last: connection refused") as caught:
        list(client(f"http://127.0.0.1:{port}", sleeps, max_retries=1).fetch_dossiers(UNIT, QUARTER))
    assert TOKEN not in str(caught.value) and len(sleeps) == 1


# --- refusals -------------------------------------------------------------------------------------


def test_a_wrong_token_is_refused_at_once(portal: FakePortal, sleeps: Sleeps) -> None:
    wrong = "wrong-token-b61f0d"
    with pytest.raises(PortalAuthError) as caught:
        list(client(portal.url, sleeps, token=wrong).fetch_dossiers(UNIT, QUARTER))
    message = str(caught.value)
    assert "refused the token" in message and "401" in message
    assert wrong not in message and TOKEN not in message
    assert len(portal.requests) == 1 and not portal.requests[0].authorized
    assert sleeps == []


def test_403_is_refused_at_once(portal: FakePortal, sleeps: Sleeps) -> None:
    portal.script(Reply.error(403))
    assert "refused the token (HTTP 403)" in fails(portal, sleeps, PortalAuthError)
    assert len(portal.requests) == 1 and sleeps == []


def test_an_unknown_unit_is_not_retried(portal: FakePortal, sleeps: Sleeps) -> None:
    with pytest.raises(PortalError, match="HTTP 404 Not Found: unknown unit"):
        list(client(portal.url, sleeps).fetch_dossiers("20195", QUARTER))
    assert len(portal.requests) == 1 and sleeps == []


def test_a_redirect_is_not_followed(portal: FakePortal, sleeps: Sleeps) -> None:
    portal.script(Reply.error(302))
    assert "redirect" in fails(portal, sleeps)
    assert len(portal.requests) == 1


def test_the_token_is_in_no_message_and_no_repr(portal: FakePortal, sleeps: Sleeps) -> None:
    subject = client(portal.url, sleeps, max_retries=0)
    assert TOKEN not in repr(subject)
    for reply in (Reply.error(500), Reply.drop(), Reply.invalid_json(), Reply.error(401), Reply.error(400)):
        portal.script(reply)
        with pytest.raises(PortalError) as caught:
            list(subject.fetch_dossiers(UNIT, QUARTER))
        assert TOKEN not in str(caught.value) and TOKEN not in repr(caught.value)


# --- malformed pages ------------------------------------------------------------------------------


def test_a_malformed_page_is_retried_once(portal: FakePortal, sleeps: Sleeps) -> None:
    portal.script(Reply.page(), Reply.invalid_json())
    assert fetch(portal, sleeps) == portal.items
    assert len(sleeps) == 1


def test_a_page_malformed_twice_is_an_error_naming_it(portal: FakePortal, sleeps: Sleeps) -> None:
    portal.script(Reply.page(), Reply.invalid_json(), Reply.invalid_json())
    message = fails(portal, sleeps)
    assert "page 2 is malformed (not JSON" in message and "2 attempts" in message
    assert len(portal.requests) == 3


def test_a_page_without_items_is_malformed(portal: FakePortal, sleeps: Sleeps) -> None:
    portal.script(Reply.missing_items(), Reply.missing_items())
    assert "page 1 is malformed (missing 'items')" in fails(portal, sleeps)


def test_malformed_then_server_errors_still_retry_up_to_the_budget(portal: FakePortal, sleeps: Sleeps) -> None:
    portal.script(Reply.invalid_json(), Reply.error(500), Reply.error(500))
    assert fetch(portal, sleeps) == portal.items
    assert len(sleeps) == 3


# --- statistics -----------------------------------------------------------------------------------


def statistics(portal: FakePortal, sleeps: Sleeps, quarter: str = QUARTER, **options: object) -> dict[str, int]:
    return client(portal.url, sleeps, **options).fetch_statistics(UNIT, quarter)


def statistics_fail(portal: FakePortal, sleeps: Sleeps, error: type[Exception] = PortalError, **options: object) -> str:
    with pytest.raises(error) as caught:
        statistics(portal, sleeps, **options)
    message = str(caught.value)
    assert TOKEN not in message
    return message


def test_statistics_are_the_portals_counts_of_the_quarter(portal: FakePortal, sleeps: Sleeps) -> None:
    counts = statistics(portal, sleeps)
    assert counts == STATISTICS_7 and list(counts) == list(STATISTICS_MEASURES)
    [seen] = portal.requests
    assert (seen.path, seen.quarter, seen.authorized) == (f"/api/v1/units/{UNIT}/statistics", QUARTER, True)
    assert sleeps == []


def test_statistics_of_a_quarter_without_dossiers_are_zeros(portal: FakePortal, sleeps: Sleeps) -> None:
    assert statistics(portal, sleeps, "2023Q4") == dict.fromkeys(STATISTICS_MEASURES, 0)


def test_statistics_are_returned_as_the_portal_reports_them(portal: FakePortal, sleeps: Sleeps) -> None:
    portal.statistics_override = {"received": 9, "resolved_late": 2, "counted_elsewhere": 5}
    assert statistics(portal, sleeps) == {**STATISTICS_7, "received": 9, "resolved_late": 2}


def test_statistics_bad_arguments_fail_before_any_request(portal: FakePortal, sleeps: Sleeps) -> None:
    with pytest.raises(ValueError, match="quarter"):
        statistics(portal, sleeps, "2024-Q2")
    with pytest.raises(ValueError, match="unit code"):
        client(portal.url, sleeps).fetch_statistics("20194/..", QUARTER)
    assert portal.requests == []


def test_statistics_are_retried_on_503(portal: FakePortal, sleeps: Sleeps) -> None:
    portal.script(Reply.error(503), Reply.error(503, retry_after="4"))
    assert statistics(portal, sleeps, backoff=1.0) == STATISTICS_7
    assert len(portal.requests) == 3 and len(sleeps) == 2
    assert 0.5 <= sleeps[0] <= 1.0 and sleeps[1] == 4.0


def test_statistics_give_up_after_max_retries_naming_the_url(portal: FakePortal, sleeps: Sleeps) -> None:
    portal.script(*[Reply.error(503)] * 5)
    message = statistics_fail(portal, sleeps, max_retries=2)
    assert message.startswith(f"{portal.url}/api/v1/units/{UNIT}/statistics?quarter=2024Q2: gave up after 3 attempts")
    assert "HTTP 503" in message and len(portal.requests) == 3 and len(sleeps) == 2


def test_statistics_with_a_wrong_token_are_refused_at_once(portal: FakePortal, sleeps: Sleeps) -> None:
    wrong = "wrong-token-b61f0d"
    message = statistics_fail(portal, sleeps, PortalAuthError, token=wrong)
    assert "refused the token (HTTP 401)" in message and wrong not in message
    assert len(portal.requests) == 1 and not portal.requests[0].authorized and sleeps == []


def test_malformed_statistics_are_retried_once(portal: FakePortal, sleeps: Sleeps) -> None:
    portal.script(Reply.bad_count())
    assert statistics(portal, sleeps) == STATISTICS_7
    assert len(portal.requests) == 2 and len(sleeps) == 1


@pytest.mark.parametrize(
    ("reply", "reason"),
    [
        (Reply.invalid_json(), "not JSON: "),
        (Reply.bad_count(), "count 'received' is '7', not a whole number >= 0)"),
    ],
)
def test_statistics_malformed_twice_are_an_error_naming_the_url_and_the_reason(
    portal: FakePortal, sleeps: Sleeps, reply: Reply, reason: str
) -> None:
    portal.script(reply, reply)
    message = statistics_fail(portal, sleeps)
    url = f"{portal.url}/api/v1/units/{UNIT}/statistics?quarter=2024Q2"
    assert message.startswith(f"{url}: the statistics are malformed ({reason}")
    assert message.endswith("; 2 attempts") and len(portal.requests) == 2


# --- landing file ---------------------------------------------------------------------------------


def names_in(folder: Path) -> list[str]:
    return sorted(entry.name for entry in folder.iterdir())


def test_write_landing_json(portal: FakePortal, sleeps: Sleeps, tmp_path: Path) -> None:
    path = write_landing_json(client(portal.url, sleeps), tmp_path, "commune", UNIT, "2024q2")
    assert path == tmp_path / "commune" / UNIT / QUARTER / "dossiers.json"
    document = json.loads(path.read_text(encoding="utf-8"))
    assert document == {"source": "portal", "unit_code": UNIT, "quarter": QUARTER, "total": 7, "items": portal.items}
    assert isinstance(parse_landing_path(tmp_path, path), LandingFile)
    assert names_in(path.parent) == ["dossiers.json", STATISTICS_FILE]
    side = json.loads((path.parent / STATISTICS_FILE).read_text(encoding="utf-8"))
    assert side == {
        "source": "portal",
        "unit_code": UNIT,
        "quarter": QUARTER,
        "fetched_at": "2024-07-01T06:00:00+07:00",
        "dossiers_sha256": hashlib.sha256(path.read_bytes()).hexdigest(),
        "counts": STATISTICS_7,
    }
    assert [seen.path.rsplit("/", 1)[1] for seen in portal.requests] == ["dossiers"] * 3 + ["statistics"]


def test_an_unchanged_refetch_is_byte_identical(portal: FakePortal, sleeps: Sleeps, tmp_path: Path) -> None:
    path = write_landing_json(client(portal.url, sleeps), tmp_path, "commune", UNIT, QUARTER)
    landing = parse_landing_path(tmp_path, path)
    assert isinstance(landing, LandingFile)
    before, checksum = path.read_bytes(), landing.checksum()
    shuffled = list(portal.items)
    random.Random(3).shuffle(shuffled)
    with FakePortal(shuffled) as other:  # same dossiers, served in another order
        write_landing_json(client(other.url, sleeps, page_size=2), tmp_path, "commune", UNIT, QUARTER)
    assert path.read_bytes() == before and landing.checksum() == checksum


def test_a_failed_fetch_leaves_the_previous_file(portal: FakePortal, sleeps: Sleeps, tmp_path: Path) -> None:
    path = write_landing_json(client(portal.url, sleeps), tmp_path, "commune", UNIT, QUARTER)
    before = path.read_bytes()
    portal.items = make_items(UNIT, QUARTER, 9)
    portal.script(Reply.page(), Reply.page(), *[Reply.error(500)] * 3)
    with pytest.raises(PortalError):
        write_landing_json(client(portal.url, sleeps, max_retries=2), tmp_path, "commune", UNIT, QUARTER)
    assert path.read_bytes() == before
    assert names_in(path.parent) == ["dossiers.json", STATISTICS_FILE]


def test_a_failed_rename_leaves_no_temporary_file(
    portal: FakePortal, sleeps: Sleeps, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write_landing_json(client(portal.url, sleeps), tmp_path, "commune", UNIT, QUARTER)
    before = path.read_bytes()
    portal.items = make_items(UNIT, QUARTER, 4)

    def broken_replace(source: str, target: Path) -> None:
        assert Path(source).parent == path.parent and Path(source).name.startswith(".")
        assert Path(source).read_bytes() == render_landing_json(UNIT, QUARTER, portal.items)
        raise OSError("disk full")

    monkeypatch.setattr(portal_api.os, "replace", broken_replace)
    with pytest.raises(OSError, match="disk full"):
        write_landing_json(client(portal.url, sleeps), tmp_path, "commune", UNIT, QUARTER)
    assert path.read_bytes() == before
    assert names_in(path.parent) == ["dossiers.json", STATISTICS_FILE]


def test_a_path_outside_the_landing_contract_is_refused(portal: FakePortal, sleeps: Sleeps, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="commune code is 5 digits"):
        write_landing_json(client(portal.url, sleeps), tmp_path, "commune", "870", QUARTER)
    with pytest.raises(ValueError, match="unknown level"):
        write_landing_json(client(portal.url, sleeps), tmp_path, "ward", UNIT, QUARTER)
    assert portal.requests == [] and list(tmp_path.iterdir()) == []


def test_a_failed_statistics_fetch_writes_nothing(portal: FakePortal, sleeps: Sleeps, tmp_path: Path) -> None:
    portal.script(Reply.page(), Reply.page(), Reply.page(), *[Reply.error(500)] * 3)
    with pytest.raises(PortalError, match=r"/statistics\?quarter=2024Q2: gave up after 3 attempts"):
        write_landing_json(client(portal.url, sleeps, max_retries=2), tmp_path, "commune", UNIT, QUARTER)
    assert list(tmp_path.iterdir()) == []


def test_statistics_that_did_not_change_keep_their_file(portal: FakePortal, sleeps: Sleeps, tmp_path: Path) -> None:
    path = write_landing_json(client(portal.url, sleeps), tmp_path, "commune", UNIT, QUARTER)
    side = path.parent / STATISTICS_FILE
    before = side.read_bytes()
    write_landing_json(client(portal.url, sleeps, clock=lambda: LATER_FETCH), tmp_path, "commune", UNIT, QUARTER)
    assert side.read_bytes() == before  # the same counts: the first fetch time stays

    portal.statistics_override = {"received": 8}
    dossiers = path.read_bytes()
    write_landing_json(client(portal.url, sleeps, clock=lambda: LATER_FETCH), tmp_path, "commune", UNIT, QUARTER)
    document = json.loads(side.read_bytes())
    assert (document["fetched_at"], document["counts"]["received"]) == ("2024-07-01T07:00:00+07:00", 8)
    assert path.read_bytes() == dossiers and document["dossiers_sha256"] == hashlib.sha256(dossiers).hexdigest()
    assert names_in(path.parent) == ["dossiers.json", STATISTICS_FILE]


# --- the side file in the landing zone ------------------------------------------------------------


def test_the_side_file_is_neither_a_dataset_nor_a_landing_problem(
    portal: FakePortal, sleeps: Sleeps, tmp_path: Path
) -> None:
    path = write_landing_json(client(portal.url, sleeps), tmp_path, "commune", UNIT, QUARTER)
    files, problems = discover(tmp_path, Quarter(2024, 2))
    assert [(f.relative_path, f.dataset) for f in files] == [(f"commune/{UNIT}/{QUARTER}/dossiers.json", "dossiers")]
    assert problems == []
    [found], rejected = discover_statistics(tmp_path, Quarter(2024, 2))
    assert rejected == []
    assert (found.relative_path, found.unit_level, found.unit_code, found.quarter) == (
        f"commune/{UNIT}/{QUARTER}/{STATISTICS_FILE}",
        "commune",
        UNIT,
        QUARTER,
    )
    assert dict(found.counts) == STATISTICS_7 and found.fetched_at.isoformat() == "2024-07-01T06:00:00+07:00"
    assert found.dossiers_checksum == files[0].checksum()
    assert found.checksum == hashlib.sha256((path.parent / STATISTICS_FILE).read_bytes()).hexdigest()
    assert discover_statistics(tmp_path, Quarter(2024, 1)) == ([], [])
    assert discover_statistics(tmp_path / "nowhere", Quarter(2024, 2)) == ([], [])


def _spoil(document: dict, how: str) -> bytes:
    if how == "not JSON":
        return b'{"source": "portal", "counts": {'
    spoiled = json.loads(json.dumps(document))
    if how == "missing measure":
        del spoiled["counts"]["returned_by_post"]
    elif how == "negative count":
        spoiled["counts"]["received"] = -1
    elif how == "another unit":
        spoiled["unit_code"] = "20195"
    elif how == "naive time":
        spoiled["fetched_at"] = "2024-07-01T06:00:00"
    elif how == "no checksum":
        del spoiled["dossiers_sha256"]
    return json.dumps(spoiled).encode("utf-8")


@pytest.mark.parametrize(
    ("how", "reason"),
    [
        ("not JSON", "not JSON: "),
        ("missing measure", "'counts' lacks 'returned_by_post'"),
        ("negative count", "count 'received' is -1, not a whole number >= 0"),
        ("another unit", "about unit '20195' quarter '2024Q2', but it lies in the folder of 20194 2024Q2"),
        ("naive time", "'fetched_at' is '2024-07-01T06:00:00', not an ISO date-time with an offset"),
        ("no checksum", "missing 'dossiers_sha256'"),
    ],
)
def test_a_malformed_side_file_is_a_landing_problem_naming_the_reason(
    portal: FakePortal, sleeps: Sleeps, tmp_path: Path, how: str, reason: str
) -> None:
    path = write_landing_json(client(portal.url, sleeps), tmp_path, "commune", UNIT, QUARTER)
    side = path.parent / STATISTICS_FILE
    side.write_bytes(_spoil(json.loads(side.read_bytes()), how))
    relative = f"commune/{UNIT}/{QUARTER}/{STATISTICS_FILE}"
    files, problems = discover(tmp_path, Quarter(2024, 2))
    assert [f.relative_path for f in files] == [f"commune/{UNIT}/{QUARTER}/dossiers.json"]
    [problem] = problems
    assert problem.relative_path == relative and problem.reason.startswith(f"portal statistics: {reason}")
    assert discover_statistics(tmp_path, Quarter(2024, 2)) == ([], problems)


def test_a_side_file_and_its_place_are_checked_only_by_its_own_quarter(tmp_path: Path) -> None:
    for folder in ("commune/20194/2024Q1", "commune/2019/2024Q1"):
        (tmp_path / folder).mkdir(parents=True)
        (tmp_path / folder / STATISTICS_FILE).write_bytes(b"not json")
    # Both lie under 2024Q1's folder: the refresh of 2024Q2 neither reads nor reports them.
    _files, problems = discover(tmp_path, Quarter(2024, 2))
    assert problems == []
    _files, problems = discover(tmp_path, Quarter(2024, 1))
    assert [p.relative_path for p in problems] == [
        f"commune/2019/2024Q1/{STATISTICS_FILE}",
        f"commune/20194/2024Q1/{STATISTICS_FILE}",
    ]
    assert problems[1].reason.startswith("portal statistics: not JSON")


def test_render_sorts_items_and_has_no_timestamp() -> None:
    items = make_items(UNIT, QUARTER, 3)
    data = render_landing_json(UNIT, QUARTER, reversed(items))
    assert data == render_landing_json(UNIT, QUARTER, items)
    lines = data.decode("utf-8").splitlines()
    assert len(lines) == 5 and "fetched" not in lines[0]
    assert render_landing_json(UNIT, QUARTER, []) == (
        b'{"source": "portal", "unit_code": "20194", "quarter": "2024Q2", "total": 0, "items": [\n]}\n'
    )


# --- configuration --------------------------------------------------------------------------------


def fake_airflow(monkeypatch: pytest.MonkeyPatch, **fields: object) -> None:
    """An `airflow.sdk` whose Connection.get returns a connection with these fields (Airflow costs seconds)."""
    conn = types.SimpleNamespace(
        conn_id="cchc_portal", host=None, schema=None, port=None, password=None, extra_dejson={}
    )
    conn.__dict__.update(fields)

    class Connection:
        @staticmethod
        def get(conn_id: str) -> object:
            assert conn_id == "cchc_portal"
            return conn

    module = types.ModuleType("airflow.sdk")
    module.Connection = Connection  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "airflow.sdk", module)


def test_client_from_an_airflow_connection(monkeypatch: pytest.MonkeyPatch) -> None:
    fake_airflow(
        monkeypatch,
        host="dvc.dongthap.gov.vn",
        schema="https",
        port=8443,
        password=TOKEN,
        extra_dejson={"timeout": "20", "page_size": 200},
    )
    made = portal_from_airflow_connection()
    assert made.base_url == "https://dvc.dongthap.gov.vn:8443"
    assert (made.timeout, made.page_size, made.max_retries) == (20.0, 200, 5)
    assert made.page_url(UNIT, QUARTER, 2) == (
        f"https://dvc.dongthap.gov.vn:8443/api/v1/units/{UNIT}/dossiers?quarter=2024Q2&page=2&page_size=200"
    )
    assert TOKEN not in repr(made)


def test_a_connection_host_with_a_scheme_is_the_base_url(monkeypatch: pytest.MonkeyPatch) -> None:
    fake_airflow(monkeypatch, host="http://10.0.0.5/mot-cua/", password=TOKEN)
    assert portal_from_airflow_connection().base_url == "http://10.0.0.5/mot-cua"


def test_a_connection_without_a_token_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    fake_airflow(monkeypatch, host="dvc.dongthap.gov.vn")
    with pytest.raises(ValueError, match="no password"):
        portal_from_airflow_connection()
    fake_airflow(monkeypatch, host="dvc.dongthap.gov.vn", password=TOKEN, extra_dejson={"timeout": "soon"})
    with pytest.raises(ValueError, match="'timeout' must be a number"):
        portal_from_airflow_connection()


def test_the_module_keeps_airflow_out_of_import() -> None:
    source = Path(portal_api.__file__).read_text(encoding="utf-8")
    top_level = [line for line in source.splitlines() if line.startswith(("import ", "from "))]
    assert not any("airflow" in line for line in top_level)
