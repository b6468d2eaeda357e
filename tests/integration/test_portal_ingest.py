"""Dossiers pulled from the portal's HTTP API reach the mart like any exported file."""

from __future__ import annotations

import pytest

from cchc.pipeline import RefreshContext, fetch_portal_exports
from cchc.quarters import Quarter
from cchc.sources.portal_api import PortalClient, PortalError, PortalUnavailable
from tests.integration.helpers import mart_row, refresh
from tests.support.fake_portal import TOKEN, FakePortal, Reply, make_items
from tests.support.logs import logged
from tests.support.loopback import refusing_port

pytestmark = pytest.mark.integration


def test_portal_dossiers_reach_the_mart(warehouse_db, tmp_path, conn):
    items = make_items("20194", "2024Q2", 40)
    with FakePortal(
        items, unit_code="20194", quarter="2024Q2", script=[Reply.error(503), Reply.error(429, "1")]
    ) as portal:
        client = PortalClient(portal.url, TOKEN, page_size=15, sleep=lambda _s: None)
        ctx = RefreshContext(Quarter(2024, 2), "fetch", tmp_path, warehouse_url=warehouse_db, trigger="test")
        fetched = fetch_portal_exports(ctx, client, "commune", units=["20194"])
    assert fetched == {"units": 1, "files": ["commune/20194/2024Q2/dossiers.json"]}

    refresh(warehouse_db, tmp_path, "2024Q2", run_id="portal")
    row = mart_row(conn, "2024Q2", "20194")
    assert row["received"] == len(items)
    assert row["received_online"] == sum(1 for item in items if item["kenh_thuc_hien"] == 2)
    assert row["received_postal"] == sum(1 for item in items if item["kenh_thuc_hien"] == 3)
    assert row["pending"] == sum(1 for item in items if item["ngay_co_ket_qua"] is None)
    file_row = conn.execute("select file_format, encoding, rows_read from raw.landing_file").fetchone()
    assert file_row == ("json", "utf-8", len(items))


def test_a_refetch_of_unchanged_data_is_skipped_by_checksum(warehouse_db, tmp_path, conn):
    items = make_items("20194", "2024Q2", 12)
    ctx = RefreshContext(Quarter(2024, 2), "fetch", tmp_path, warehouse_url=warehouse_db, trigger="test")
    for run in ("first", "second"):
        with FakePortal(list(reversed(items)) if run == "second" else items) as portal:
            fetch_portal_exports(
                ctx, PortalClient(portal.url, TOKEN, sleep=lambda _s: None), "commune", units=["20194"]
            )
        result = refresh(warehouse_db, tmp_path, "2024Q2", run_id=run)
    assert result["load_raw_files"]["unchanged"] == 1
    assert conn.execute("select count(*) from raw.landing_file").fetchone() == (1,)


def test_a_unit_the_portal_keeps_failing_is_named(warehouse_db, tmp_path):
    with FakePortal(make_items("20194", "2024Q2", 3), script=[Reply.error(500)] * 3) as portal:
        client = PortalClient(portal.url, TOKEN, max_retries=2, sleep=lambda _s: None)
        ctx = RefreshContext(Quarter(2024, 2), "fetch", tmp_path, warehouse_url=warehouse_db, trigger="test")
        with pytest.raises(PortalError, match="1 of 1 units could not be fetched:\n  20194: "):
            fetch_portal_exports(ctx, client, "commune", units=["20194"])
    assert not (tmp_path / "commune" / "20194" / "2024Q2" / "dossiers.json").exists()


# Six communes of thành phố Cao Lãnh (866, Đồng Tháp).
COMMUNES = ["29869", "29872", "29875", "29878", "29881", "29884"]


def test_a_portal_that_is_down_stops_the_fetch_after_three_units(warehouse_db, tmp_path):
    ctx = RefreshContext(Quarter(2024, 2), "fetch-down", tmp_path, warehouse_url=warehouse_db, trigger="test")
    # A port that refuses connections, as a portal that is down does.
    with refusing_port() as down, logged("cchc.pipeline") as progress, pytest.raises(PortalUnavailable) as stopped:
        client = PortalClient(f"http://127.0.0.1:{down}", TOKEN, max_retries=1, sleep=lambda _s: None)
        fetch_portal_exports(ctx, client, "commune", units=COMMUNES)
    message = str(stopped.value)
    assert message.startswith("the portal looks down: 3 units in a row could not be reached (last: http://127.0.0.1:")
    assert "gave up after 2 attempts; last: connection refused" in message
    assert "stopped with 3 of 6 units not tried (29878, 29881, 29884); the 0 fetched are kept" in message
    assert [line.split(":")[0] for line in progress] == [
        "commune 1/6 29869", "commune 2/6 29872", "commune 3/6 29875"
    ]  # fmt: skip
    assert all(": failed after " in line for line in progress)


def test_each_unit_fetched_is_reported_with_its_time(warehouse_db, tmp_path):
    with FakePortal(make_items("20194", "2024Q2", 3)) as portal:
        client = PortalClient(portal.url, TOKEN, sleep=lambda _s: None)
        ctx = RefreshContext(Quarter(2024, 2), "fetch-one", tmp_path, warehouse_url=warehouse_db, trigger="test")
        with logged("cchc.pipeline") as lines:
            fetch_portal_exports(ctx, client, "commune", units=["20194"])
    [line] = lines
    assert line.startswith("commune 1/1 20194: fetched in ") and line.endswith(" s")
