"""The portal's statistics against the dossiers it served: fetched from the fake portal beside the
dossiers into a landing zone, read into raw.portal_statistics by the reconcile step and compared per
unit and measure in mart.reconciliation (check portal_statistics_vs_dossiers).

The unit is phường Hòa Hiệp Bắc (20194, Đà Nẵng 48). Its 2024Q2 holds make_items' 40 dossiers plus a
dossier carried over from March and one resolved late; every count below is worked out by hand.
"""

from __future__ import annotations

import hashlib
import json
import re
from decimal import Decimal
from pathlib import Path

import pytest

from cchc import runs
from cchc.pipeline import RefreshContext, RefreshFailed, fetch_portal_exports, reconcile
from cchc.quality.reconciliation import reconciliation_gaps
from cchc.quarters import Quarter
from cchc.sources.landing import STATISTICS_FILE, STATISTICS_MEASURES
from cchc.sources.portal_api import PortalClient, render_landing_json
from tests.integration.helpers import mart_row, refresh
from tests.support.fake_portal import TOKEN, FakePortal, make_items

pytestmark = pytest.mark.integration

UNIT, Q, PROVINCE = "20194", "2024Q2", "48"
CHECK = "portal_statistics_vs_dossiers"
FOLDER = f"commune/{UNIT}/{Q}"
SIDE_FILE = f"{FOLDER}/{STATISTICS_FILE}"

# make_items' 40: received 1 April-10 May, channel n % 3 + 1 (direct 14, online 13, postal 13); n % 5 == 4
# pending past its due day (8), the others resolved before (24) or on (8) it; postal returns: the 13
# postal ones less the pending 14 and 29 (11). Plus one received in March and pending (carried over,
# pending, overdue) and one received online on 2 April, due the 5th, resolved the 9th (late).
COUNTS = {
    "carried_over": 1,
    "received": 41,
    "received_online": 14,
    "received_direct": 14,
    "received_postal": 13,
    "resolved": 33,
    "resolved_early": 24,
    "resolved_on_time": 8,
    "resolved_late": 1,
    "pending": 9,
    "pending_overdue": 9,
    "returned_by_post": 11,
}


def _dossier(number: str, channel: int, received: str, due: str, resolved: str | None) -> dict:
    return {
        "ma_ho_so": f"{UNIT}-{number}",
        "ma_don_vi": UNIT,
        "ma_thu_tuc": "1.001193",
        "linh_vuc": "Hộ tịch",
        "kenh_thuc_hien": channel,
        "ngay_tiep_nhan": received,
        "ngay_hen_tra": due,
        "ngay_co_ket_qua": resolved,
        "tra_ket_qua_bcci": False,
        "so_lan_bo_sung": 0,
    }


ITEMS = [
    *make_items(UNIT, Q, 40),
    _dossier("2024Q1-00077", 1, "2024-03-20T08:00:00+07:00", "2024-03-25T17:00:00+07:00", None),
    _dossier("2024Q2-late1", 2, "2024-04-02T08:00:00+07:00", "2024-04-05T17:00:00+07:00", "2024-04-09T10:00:00+07:00"),
]


@pytest.fixture
def landing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The test's landing zone, also as CCHC_LANDING, where reconcile_quarter looks by default."""
    folder = tmp_path / "landing"
    folder.mkdir()
    monkeypatch.setenv("CCHC_LANDING", str(folder))
    return folder


def fetch(url: str, landing: Path, override: dict[str, int] | None = None) -> None:
    with FakePortal(ITEMS, unit_code=UNIT, quarter=Q, statistics_override=override) as portal:
        client = PortalClient(portal.url, TOKEN, sleep=lambda _s: None)
        ctx = RefreshContext(Quarter.parse(Q), "fetch", landing, warehouse_url=url, trigger="test")
        assert fetch_portal_exports(ctx, client, "commune", units=[UNIT]) == {
            "units": 1,
            "files": [f"{FOLDER}/dossiers.json"],
        }


def portal_rows(conn) -> list[dict]:
    cur = conn.execute(
        "select * from mart.reconciliation where quarter = %s and check_name = %s order by measure", (Q, CHECK)
    )
    names = [d.name for d in cur.description]
    rows = [dict(zip(names, values, strict=True)) for values in cur.fetchall()]
    conn.rollback()
    return rows


def by_measure(rows: list[dict], *fields: str) -> dict[str, object]:
    return {row["measure"]: tuple(row[f] for f in fields) if len(fields) > 1 else row[fields[0]] for row in rows}


def files_balance(conn, run_id: str) -> list[tuple]:
    return conn.execute(
        "select path, rows_read, rows_loaded, rows_quarantined from audit.file_load where run_id = %s order by path",
        (run_id,),
    ).fetchall()


def test_a_portal_that_agrees_with_its_dossiers_reconciles(warehouse_db, conn, landing):
    fetch(warehouse_db, landing)
    result = refresh(warehouse_db, landing, Q, run_id="portal-agrees")

    rows = portal_rows(conn)
    assert [r["measure"] for r in rows] == sorted(STATISTICS_MEASURES)
    assert by_measure(rows, "value_a") == COUNTS and by_measure(rows, "value_b") == COUNTS
    assert all(r["difference"] == 0 and r["tolerance"] == 0 and r["within_tolerance"] for r in rows)
    assert {(r["unit_code"], r["unit_level"], r["province_code"], r["scope"]) for r in rows} == {
        (UNIT, "commune", PROVINCE, "desk")
    }
    assert all(r["reporting_unit_code"] is None and r["file_id"] is None for r in rows)
    assert {(str(r["period_start"]), str(r["period_end"])) for r in rows} == {("2024-04-01", "2024-06-30")}
    received = next(r for r in rows if r["measure"] == "received")
    assert received["source_a"] == (
        f"Thống kê của cổng DVC cho {UNIT} ({SIDE_FILE}) / the portal's statistics for {UNIT} ({SIDE_FILE})"
    )
    assert received["source_b"] == (
        f"Hồ sơ của {UNIT} trong core.fct_dossier ({FOLDER}/dossiers.json) "
        f"/ dossiers of {UNIT} in core.fct_dossier ({FOLDER}/dossiers.json)"
    )
    assert received["detail"] == (
        f"Số mới tiếp nhận của {UNIT}: cổng DVC báo 41, đếm từ hồ sơ 41, chênh lệch 0, cho phép 0 "
        f"/ received of {UNIT}: the portal says 41, its dossiers give 41, difference 0, tolerance 0"
    )
    # The mart counts the same dossiers the same way.
    mart = mart_row(conn, Q, UNIT)
    assert {name: mart[name] for name in STATISTICS_MEASURES} == COUNTS

    summary = result["reconcile"]
    assert summary["by_check"][CHECK] == {"compared": 12, "outside_tolerance": 0}
    assert summary["portal_statistics"] == {"files": 1, "rejected": []}
    stored = conn.execute(
        "select unit_level, unit_code, path, checksum, dossiers_checksum, fetched_at is not null, "
        + ", ".join(STATISTICS_MEASURES)
        + " from raw.portal_statistics where quarter = %s",
        (Q,),
    ).fetchall()
    side_bytes = (landing / SIDE_FILE).read_bytes()
    [(dossiers_checksum,)] = conn.execute("select checksum from raw.landing_file").fetchall()
    assert stored == [
        (
            "commune",
            UNIT,
            SIDE_FILE,
            hashlib.sha256(side_bytes).hexdigest(),
            dossiers_checksum,
            True,
            *COUNTS.values(),
        )
    ]


def test_the_side_file_is_no_landing_problem_and_every_file_balances(warehouse_db, conn, landing):
    fetch(warehouse_db, landing)
    result = refresh(warehouse_db, landing, Q, run_id="portal-balance")
    assert result["load_raw_files"]["landing_problems"] == []
    assert conn.execute("select count(*) from audit.landing_problem").fetchone() == (0,)
    assert conn.execute("select path, dataset from raw.landing_file").fetchall() == [
        (f"{FOLDER}/dossiers.json", "dossiers")
    ]
    # rows read = rows loaded + rows quarantined, and the side file is not among the files read.
    assert files_balance(conn, "portal-balance") == [(f"{FOLDER}/dossiers.json", 42, 42, 0)]
    assert result["check_run"]["unbalanced"] == 0 and result["check_run"]["landing_problems"] == 0


def test_a_portal_that_disagrees_is_listed_by_unit_and_measure(warehouse_db, conn, landing, monkeypatch):
    fetch(warehouse_db, landing, {"received": 44, "received_online": 16, "resolved_late": 0, "pending": 7})
    result = refresh(warehouse_db, landing, Q, run_id="portal-disagrees")

    gaps = [g for g in reconciliation_gaps(conn, Q) if g.check_name == CHECK]
    assert [(g.unit_code, g.measure, g.value_a, g.value_b, g.difference) for g in gaps] == [
        (UNIT, "received", 44, 41, 3),
        (UNIT, "pending", 7, 9, -2),
        (UNIT, "received_online", 16, 14, 2),
        (UNIT, "resolved_late", 0, 1, -1),
    ]
    assert "cổng DVC báo 44, đếm từ hồ sơ 41, chênh lệch +3, cho phép 0" in gaps[0].detail
    assert "the portal says 44, its dossiers give 41, difference +3, tolerance 0" in gaps[0].detail
    rows = portal_rows(conn)
    assert all(r["within_tolerance"] for r in rows if r["measure"] not in {g.measure for g in gaps})
    assert result["reconcile"]["by_check"][CHECK] == {"compared": 12, "outside_tolerance": 4}
    # Differences are reported, not fatal.
    assert conn.execute("select status from audit.pipeline_run where run_id = 'portal-disagrees'").fetchone() == (
        "success",
    )

    # max(2 dossiers, 5 % of the dossiers' count): only the 3 more received (tolerance 2.05) stays outside.
    monkeypatch.setenv("CCHC_RECONCILE_TOLERANCE_ABS", "2")
    monkeypatch.setenv("CCHC_RECONCILE_TOLERANCE_PERCENT", "5")
    ctx = RefreshContext(Quarter.parse(Q), "portal-tolerance", landing, warehouse_url=warehouse_db, trigger="test")
    conn.rollback()  # commit the run below on its own: the step records itself under it
    runs.start_run(conn, ctx.run_id, Q, "test")
    summary = reconcile(ctx)
    assert summary["by_check"][CHECK] == {"compared": 12, "outside_tolerance": 1}
    differing = [r for r in portal_rows(conn) if r["difference"]]
    assert by_measure(differing, "difference", "tolerance", "within_tolerance") == {
        "pending": (-2, Decimal("2.00"), True),
        "received": (3, Decimal("2.05"), False),
        "received_online": (2, Decimal("2.00"), True),
        "resolved_late": (-1, Decimal("2.00"), True),
    }


def test_a_malformed_side_file_is_named_and_its_unit_left_out(warehouse_db, conn, landing):
    fetch(warehouse_db, landing)
    side = landing / SIDE_FILE
    document = json.loads(side.read_bytes())
    document["counts"]["received"] = "41"
    side.write_text(json.dumps(document), encoding="utf-8")
    reason = "portal statistics: count 'received' is '41', not a whole number >= 0"

    with pytest.raises(RefreshFailed, match=re.escape(f"{SIDE_FILE}: {reason}")):
        refresh(warehouse_db, landing, Q, run_id="portal-malformed")
    assert conn.execute(
        "select path, reason from audit.landing_problem where run_id = 'portal-malformed'"
    ).fetchall() == [(SIDE_FILE, reason)]
    # The dossiers beside it still load and balance; only the comparison is left out.
    assert files_balance(conn, "portal-malformed") == [(f"{FOLDER}/dossiers.json", 42, 42, 0)]
    assert mart_row(conn, Q, UNIT)["received"] == 41
    assert portal_rows(conn) == []
    assert conn.execute("select count(*) from raw.portal_statistics").fetchone() == (0,)
    [(summary,)] = conn.execute(
        "select summary from audit.task_run where run_id = 'portal-malformed' and task_id = 'reconcile'"
    ).fetchall()
    assert summary["portal_statistics"] == {"files": 0, "rejected": [{"path": SIDE_FILE, "reason": reason}]}
    assert summary["by_check"][CHECK] == {"compared": 0, "outside_tolerance": 0}


def test_statistics_without_their_dossiers_say_so(warehouse_db, conn, landing):
    fetch(warehouse_db, landing)
    (landing / FOLDER / "dossiers.json").unlink()
    refresh(warehouse_db, landing, Q, run_id="portal-alone")

    rows = portal_rows(conn)
    assert by_measure(rows, "value_a") == COUNTS
    assert by_measure(rows, "value_b") == dict.fromkeys(STATISTICS_MEASURES, 0)
    assert by_measure(rows, "difference") == COUNTS
    received = next(r for r in rows if r["measure"] == "received")
    assert received["source_b"] == (
        f"Hồ sơ của {UNIT}: chưa nạp tệp hồ sơ nào / dossiers of {UNIT}: no dossiers file loaded"
    )
    assert received["detail"].endswith("tolerance 0; no dossiers file of the unit is loaded")
    assert "; chưa nạp tệp hồ sơ nào của đơn vị /" in received["detail"]


def test_statistics_fetched_with_another_version_of_the_dossiers_say_so(warehouse_db, conn, landing):
    fetch(warehouse_db, landing)
    # The dossiers file replaced by hand after the fetch, without the late dossier.
    (landing / FOLDER / "dossiers.json").write_bytes(render_landing_json(UNIT, Q, ITEMS[:-1]))
    refresh(warehouse_db, landing, Q, run_id="portal-other-version")

    differing = {r["measure"]: (r["difference"], r["detail"]) for r in portal_rows(conn) if r["difference"]}
    assert {measure: difference for measure, (difference, _detail) in differing.items()} == {
        "received": 1,
        "received_online": 1,
        "resolved": 1,
        "resolved_late": 1,
    }
    assert all(
        detail.endswith("; the dossiers file loaded is not the one fetched with the statistics")
        and "; tệp hồ sơ đã nạp không phải bản được tải cùng số thống kê /" in detail
        for _difference, detail in differing.values()
    )
