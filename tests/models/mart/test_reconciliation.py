"""mart.reconciliation: Biểu II.06a forms against the dossier exports and against each other, and the
indicator roll-ups against their parts, on a hand-made Đà Nẵng whose forms disagree by known amounts;
then a clean generated Đồng Tháp, where everything reconciles.

The hand-made database is refreshed once for 2024Q2 and shared by the module. Its forms state no
period, so they count over the calendar quarter, and every figure below is worked out by hand.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import psycopg
import pytest
from cchc_sample.excel_files import write_ii06a_workbook
from cchc_sample.province import generate_province
from psycopg import sql

from cchc import runs
from cchc.pipeline import RefreshContext, reconcile
from cchc.quality.reconciliation import Gap, reconciliation_gaps
from cchc.quarters import Quarter
from cchc.warehouse.access import grant_reader
from cchc.warehouse.connection import connect
from tests.integration.helpers import refresh, write_dossiers
from tests.support.databases import copy_template, drop_database
from tests.support.measures import DOSSIER_COUNTS, II06A_FIGURES

pytestmark = pytest.mark.integration

Q = "2024Q2"
RUN_ID = "reconcile-2024Q2"
CITY, LIEN_CHIEU, THANH_KHE = "48", "490", "491"
A, B, SILENT = "20194", "20195", "20197"  # communes of Liên Chiểu; SILENT sends no dossiers
OTHER_PROVINCE, TAM_KY, E = "49", "502", "20335"  # Quảng Nam: dossiers only, no form
FIGURES = II06A_FIGURES
ROLLUP_MEASURES = ("reporting_units", *DOSSIER_COUNTS)
RECEIVED, EARLIER, DUE, LATER_DUE = "02/04/2024 08:00", "15/03/2024 08:00", "20/04/2024 17:00", "15/07/2024 17:00"
EARLY, ON_TIME, LATE = "19/04/2024 10:00", "20/04/2024 10:00", "22/04/2024 10:00"

# unit -> (level, rows of (channel, received, due, resolved))
DOSSIERS = {
    A: (
        "commune",
        [
            ("Trực tuyến", RECEIVED, DUE, EARLY),
            ("Trực tiếp", RECEIVED, DUE, ON_TIME),
            ("Bưu chính", RECEIVED, DUE, LATE),
            ("Trực tiếp", RECEIVED, DUE, ""),  # pending and overdue at 30/06
            ("Trực tiếp", EARLIER, DUE, EARLY),  # carried over from March
        ],
    ),
    B: (
        "commune",
        [
            ("Trực tuyến", RECEIVED, DUE, EARLY),
            ("Trực tuyến", RECEIVED, LATER_DUE, ""),  # pending, due after the quarter: in time
            ("Trực tiếp", RECEIVED, DUE, ON_TIME),
        ],
    ),
    LIEN_CHIEU: ("district", [("Trực tiếp", RECEIVED, DUE, EARLY), ("Trực tuyến", RECEIVED, DUE, EARLY)]),
    E: ("commune", [("Trực tuyến", RECEIVED, DUE, EARLY), ("Trực tiếp", RECEIVED, DUE, "")]),
}


def _figures(*values: int | None) -> dict[str, int | None]:
    return dict(zip(FIGURES, values, strict=True))


# What each desk's dossiers give over the calendar quarter, in FIGURES order.
REBUILT = {
    LIEN_CHIEU: _figures(2, 1, 1, 0, 2, 2, 0, 0, 0, 0, 0),
    A: _figures(5, 1, 3, 1, 4, 2, 1, 1, 1, 0, 1),
    B: _figures(3, 2, 1, 0, 2, 1, 1, 0, 1, 1, 0),
}
# Liên Chiểu's form (lines 8-11): its desk as counted; A with 3 more received online (and in the total);
# B with the on-time cell left blank; SILENT, which sent no dossiers, with figures of its own.
DISTRICT_FORM = [
    ("Bộ phận Một cửa quận Liên Chiểu", LIEN_CHIEU, REBUILT[LIEN_CHIEU]),
    ("Phường Hòa Hiệp Bắc", A, {**REBUILT[A], "received_total": 8, "received_online": 4}),
    ("Phường Hòa Hiệp Nam", B, {**REBUILT[B], "resolved_on_time": None}),
    ("Phường Hòa Khánh Bắc", SILENT, _figures(4, 0, 4, 0, 4, 0, 4, 0, 0, 0, 0)),
]
# Sum of the district form's rows: 2+8+3+4 = 17 received, 1+4+2+0 = 7 online, ...; on time 0+1+blank+4 = 5.
DISTRICT_TOTAL = _figures(17, 7, 9, 1, 12, 5, 5, 1, 2, 1, 1)
# The city's form (lines 8-9): Liên Chiểu as its form adds up except 15 resolved instead of 12; Thanh Khê,
# which sent neither a form nor dossiers.
CITY_FORM = [
    ("Quận Liên Chiểu", LIEN_CHIEU, {**DISTRICT_TOTAL, "resolved_total": 15}),
    ("Quận Thanh Khê", THANH_KHE, _figures(6, 2, 4, 0, 6, 6, 0, 0, 0, 0, 0)),
]
# Liên Chiểu's subtree rebuilt from the exports of 490, A and B (3 of its 6 units).
SUBTREE_REBUILT = _figures(10, 4, 5, 1, 8, 5, 2, 1, 2, 1, 1)

# Every gap at tolerance 0, in reconciliation_gaps order: (check, unit, measure, value_a, value_b, difference).
GAPS = [
    ("ii06a_vs_dossiers", LIEN_CHIEU, "received_total", 17, 10, 7),
    ("ii06a_vs_dossiers", LIEN_CHIEU, "resolved_total", 15, 8, 7),
    ("ii06a_vs_dossiers", LIEN_CHIEU, "received_direct_postal", 9, 5, 4),
    ("ii06a_vs_dossiers", A, "received_online", 4, 1, 3),
    ("ii06a_vs_dossiers", A, "received_total", 8, 5, 3),
    ("ii06a_vs_dossiers", LIEN_CHIEU, "received_online", 7, 4, 3),
    ("ii06a_vs_dossiers", LIEN_CHIEU, "resolved_on_time", 5, 2, 3),
    ("ii06a_vs_unit_form", LIEN_CHIEU, "resolved_total", 15, 12, 3),
    ("ii06a_vs_dossiers", B, "resolved_on_time", 0, 1, -1),
]


def _write_form(landing: Path, level: str, unit: str, rows: list[tuple[str, str, dict]]) -> None:
    path = landing / level / unit / Q / "one_stop_report.xlsx"
    path.parent.mkdir(parents=True, exist_ok=True)
    write_ii06a_workbook(
        path,
        reporting_unit=f"Ủy ban nhân dân {unit}",
        period_label="Quý II năm 2024",
        period_start=None,
        period_end=None,
        rows=[{"row_label": label, "unit_code": code, **figures} for label, code, figures in rows],
    )


def _write_landing(landing: Path) -> None:
    for unit, (level, rows) in DOSSIERS.items():
        write_dossiers(
            landing,
            level,
            unit,
            Q,
            [
                (f"{unit}-{n}", unit, "1.000001", "Hộ tịch", channel, received, due, resolved, "Không", "0")
                for n, (channel, received, due, resolved) in enumerate(rows, start=1)
            ],
        )
    _write_form(landing, "district", LIEN_CHIEU, DISTRICT_FORM)
    _write_form(landing, "province", CITY, CITY_FORM)


@pytest.fixture(scope="module")
def warehouse(server_url: str, template_db: str, tmp_path_factory) -> Iterator[str]:
    """One database for the module, refreshed once for 2024Q2."""
    name, url = copy_template(server_url, template_db, "cchc_test")
    try:
        landing = tmp_path_factory.mktemp("reconciliation_landing")
        _write_landing(landing)
        refresh(url, landing, Q, run_id=RUN_ID)
        yield url
    finally:
        drop_database(server_url, name)


@pytest.fixture
def db(warehouse: str):
    with connect(warehouse) as connection:
        yield connection


def _rows(conn, where: str = "true", params: tuple = ()) -> list[dict]:
    cur = conn.execute(
        f"select * from mart.reconciliation where quarter = %s and {where} "
        "order by check_name, unit_code, file_id, line_number, measure",
        (Q, *params),
    )
    names = [d.name for d in cur.description]
    rows = [dict(zip(names, values, strict=True)) for values in cur.fetchall()]
    conn.rollback()  # hold no lock on the mart while another test reconciles again
    return rows


def _by_measure(rows: list[dict], field: str) -> dict[str, object]:
    return {row["measure"]: row[field] for row in rows}


def test_rows_per_check_and_what_is_left_out(db):
    rows = _rows(db)
    # Forms: 490's desk, A and B on the district form (SILENT sent no dossiers), 490 on the city's form
    # (Thanh Khê's subtree sent nothing): 4 rows x 11 figures. Only 490 sent a form of its own: 11.
    # Roll-ups: 490 and 48, 502 and 49, 13 measures each.
    counts = {}
    for row in rows:
        counts[row["check_name"]] = counts.get(row["check_name"], 0) + 1
    assert counts == {"ii06a_vs_dossiers": 44, "ii06a_vs_unit_form": 11, "indicators_rollup": 52}
    assert {r["unit_code"] for r in rows if r["check_name"] == "ii06a_vs_dossiers"} == {LIEN_CHIEU, A, B}
    assert {r["unit_code"] for r in rows if r["check_name"] == "indicators_rollup"} == {
        LIEN_CHIEU,
        CITY,
        TAM_KY,
        OTHER_PROVINCE,
    }
    assert not [r for r in rows if r["unit_code"] in (SILENT, THANH_KHE)]
    assert {r["province_code"] for r in rows} == {CITY, OTHER_PROVINCE}
    assert all(r["province_code"] == OTHER_PROVINCE for r in rows if r["unit_code"] in (TAM_KY, OTHER_PROVINCE))
    assert all(str(r["period_start"]) == "2024-04-01" and str(r["period_end"]) == "2024-06-30" for r in rows)


def test_commune_rows_against_their_exports(db):
    district_form = _rows(db, "check_name = 'ii06a_vs_dossiers' and reporting_unit_code = %s", (LIEN_CHIEU,))
    for unit, line in ((LIEN_CHIEU, 8), (A, 9), (B, 10)):
        rows = [r for r in district_form if r["unit_code"] == unit]
        assert {(r["file_id"] is not None, r["line_number"]) for r in rows} == {(True, line)}
        assert _by_measure(rows, "value_b") == REBUILT[unit]
        assert rows[0]["scope"] == ("desk" if unit == LIEN_CHIEU else "subtree")
    a_rows = [r for r in district_form if r["unit_code"] == A]
    assert _by_measure(a_rows, "difference") == {
        **dict.fromkeys(FIGURES, 0),
        "received_total": 3,
        "received_online": 3,
    }
    online = next(r for r in a_rows if r["measure"] == "received_online")
    assert (online["value_a"], online["value_b"], online["tolerance"], online["within_tolerance"]) == (
        4,
        1,
        Decimal("0.00"),
        False,
    )
    assert online["source_a"] == "Biểu II.06a do huyện 490 báo cáo, dòng 9 / II.06a reported by district 490, line 9"
    assert online["source_b"] == "Tệp hồ sơ của 20194 / dossier export of 20194"
    assert "biểu ghi 4, tính từ hồ sơ 1, chênh lệch +3" in online["detail"]
    assert "the form says 4, the dossiers give 1, difference +3, tolerance 0" in online["detail"]
    # The workbook reader takes a blank cell in a row with counts as 0 (forms leave zeros blank).
    b_on_time = next(r for r in district_form if r["unit_code"] == B and r["measure"] == "resolved_on_time")
    assert (b_on_time["value_a"], b_on_time["value_b"], b_on_time["difference"]) == (0, 1, -1)
    desk = [r for r in district_form if r["unit_code"] == LIEN_CHIEU]
    assert all(r["difference"] == 0 and r["within_tolerance"] for r in desk)


def test_district_row_of_the_city_form_against_the_exports_of_its_subtree(db):
    rows = _rows(db, "check_name = 'ii06a_vs_dossiers' and reporting_unit_code = %s", (CITY,))
    assert {(r["unit_code"], r["line_number"], r["scope"]) for r in rows} == {(LIEN_CHIEU, 8, "subtree")}
    assert _by_measure(rows, "value_a") == {**DISTRICT_TOTAL, "resolved_total": 15}
    assert _by_measure(rows, "value_b") == SUBTREE_REBUILT
    total = next(r for r in rows if r["measure"] == "received_total")
    assert total["source_a"] == "Biểu II.06a do tỉnh 48 báo cáo, dòng 8 / II.06a reported by province 48, line 8"
    assert total["source_b"] == ("Tệp hồ sơ của 3/6 đơn vị trong 490 / dossier exports of 3 of the 6 units in 490")
    assert "3 đơn vị không gửi tệp hồ sơ" in total["detail"] and "3 units sent no dossiers file" in total["detail"]


def test_city_form_against_the_district_form(db):
    rows = _rows(db, "check_name = 'ii06a_vs_unit_form'")
    assert {(r["unit_code"], r["reporting_unit_code"], r["line_number"]) for r in rows} == {(LIEN_CHIEU, CITY, 8)}
    assert _by_measure(rows, "value_b") == DISTRICT_TOTAL
    assert _by_measure(rows, "difference") == {**dict.fromkeys(FIGURES, 0), "resolved_total": 3}
    resolved = next(r for r in rows if r["measure"] == "resolved_total")
    assert resolved["source_b"] == (
        "Tổng 4 dòng Biểu II.06a do huyện 490 báo cáo / sum of the 4 rows of the II.06a reported by district 490"
    )
    assert "48's form says 15, 490's own form adds up to 12, difference +3" in resolved["detail"]


def test_indicator_rollups_hold(db):
    rows = _rows(db, "check_name = 'indicators_rollup'")
    assert all(r["within_tolerance"] and r["difference"] == 0 and r["tolerance"] == 0 for r in rows)
    assert all(r["file_id"] is None and r["reporting_unit_code"] is None for r in rows)
    district = [r for r in rows if r["unit_code"] == LIEN_CHIEU]
    assert [r["measure"] for r in district] == sorted(ROLLUP_MEASURES)
    # Received in the quarter: desk 2 + A 4 (its fifth was carried over) + B 3; 3 reporting units.
    assert _by_measure(district, "value_a")["received"] == 9
    assert _by_measure(district, "value_a")["reporting_units"] == 3
    assert _by_measure(district, "value_a")["carried_over"] == 1
    city = [r for r in rows if r["unit_code"] == CITY]
    assert _by_measure(city, "value_b")["received"] == 9  # no desk of its own: Liên Chiểu only
    assert _by_measure([r for r in rows if r["unit_code"] == OTHER_PROVINCE], "value_a")["received"] == 2


def test_gaps_in_order_and_the_audit_summary(db):
    gaps = reconciliation_gaps(db, Q)
    assert all(isinstance(gap, Gap) for gap in gaps)
    assert [(g.check_name, g.unit_code, g.measure, g.value_a, g.value_b, g.difference) for g in gaps] == GAPS
    assert [g.unit_code for g in reconciliation_gaps(db, Quarter.parse(Q), limit=2)] == [LIEN_CHIEU, LIEN_CHIEU]
    assert reconciliation_gaps(db, "2024Q3") == []
    assert gaps[0].as_dict()["period_start"] == "2024-04-01"

    (status, summary), *others = db.execute(
        "select status, summary from audit.task_run where run_id = %s and task_id = 'reconcile'", (RUN_ID,)
    ).fetchall()
    assert not others and status == "success"
    assert summary["checks"] == 107 and summary["outside_tolerance"] == len(GAPS)
    assert summary["by_check"] == {
        "ii06a_vs_dossiers": {"compared": 44, "outside_tolerance": 8},
        "ii06a_vs_unit_form": {"compared": 11, "outside_tolerance": 1},
        "indicators_rollup": {"compared": 52, "outside_tolerance": 0},
    }
    assert [(d["unit_code"], d["measure"], d["difference"]) for d in summary["top_differences"]] == [
        (g[1], g[2], g[5]) for g in GAPS[:5]
    ]
    # Gaps are reported, not fatal: the run went on to check_run and succeeded.
    assert db.execute("select status from audit.pipeline_run where run_id = %s", (RUN_ID,)).fetchone() == ("success",)


def test_tolerance_from_the_environment_and_a_rerun_restores_the_rows(warehouse, db, monkeypatch, tmp_path):
    before = _rows(db)
    ctx = RefreshContext(Quarter.parse(Q), "reconcile-tolerance", tmp_path, warehouse_url=warehouse, trigger="test")
    runs.start_run(db, ctx.run_id, Q, "test")
    monkeypatch.setenv("CCHC_RECONCILE_TOLERANCE_ABS", "1")
    monkeypatch.setenv("CCHC_RECONCILE_TOLERANCE_PERCENT", "25")
    try:
        summary = reconcile(ctx)
        # max(1, 25% of value_b): B's blank on-time cell (-1, tolerance 1) and the city's 15 against the
        # district form's 12 (+3, tolerance 25% x 12 = 3.00) are now within; the other seven are not.
        assert summary["outside_tolerance"] == 7
        assert (summary["tolerance_percent"], summary["tolerance_abs"]) == (25.0, 1.0)
        gaps = reconciliation_gaps(db, Q)
        db.rollback()
        assert [(g.check_name, g.unit_code, g.measure) for g in gaps] == [g[:3] for g in GAPS[:7]]
        assert [g.tolerance for g in gaps] == [
            Decimal(v) for v in ("2.50", "2.00", "1.25", "1.00", "1.25", "1.00", "1.00")
        ]
        within = {
            (r["check_name"], r["unit_code"], r["measure"]): (r["tolerance"], r["within_tolerance"])
            for r in _rows(db, "difference <> 0 and within_tolerance")
        }
        assert within == {
            ("ii06a_vs_unit_form", LIEN_CHIEU, "resolved_total"): (Decimal("3.00"), True),
            ("ii06a_vs_dossiers", B, "resolved_on_time"): (Decimal("1.00"), True),
        }
        assert all(r["tolerance"] == 0 for r in _rows(db, "check_name = 'indicators_rollup'"))
    finally:
        db.rollback()
        monkeypatch.delenv("CCHC_RECONCILE_TOLERANCE_ABS")
        monkeypatch.delenv("CCHC_RECONCILE_TOLERANCE_PERCENT")
        reconcile(ctx)
    assert _rows(db) == before


def test_a_reader_sees_only_its_province(warehouse, db):
    login = f"cchc_test_reader_{uuid.uuid4().hex[:8]}"
    try:
        grant_reader(db, login, [OTHER_PROVINCE])
        params = psycopg.conninfo.conninfo_to_dict(warehouse)
        params.pop("password", None)
        params["user"] = login
        with psycopg.connect(psycopg.conninfo.make_conninfo(**params)) as reader:
            seen = reader.execute("select province_code, count(*) from mart.reconciliation group by 1").fetchall()
        assert seen == [(OTHER_PROVINCE, 26)]
    finally:
        with psycopg.connect(warehouse, autocommit=True) as admin:
            if admin.execute("select 1 from pg_roles where rolname = %s", (login,)).fetchone():
                admin.execute(sql.SQL("drop owned by {}").format(sql.Identifier(login)))
                admin.execute(sql.SQL("drop role {}").format(sql.Identifier(login)))


def test_a_clean_generated_province_reconciles(warehouse_db, conn, tmp_path):
    landing = tmp_path / "landing"
    quarters = [Quarter(2024, 1), Quarter(2024, 2)]
    generate_province(
        landing,
        "87",
        quarters,
        per_unit_quarter=4,
        formats="csv",
        districts=["870", "868"],
        datasets=("dossiers", "one_stop_report"),
    )
    # 2024Q1's forms count from 15/12/2023, whose dossiers were never loaded; 2024Q2's from 15/03/2024.
    refresh(warehouse_db, landing, "2024Q1", run_id="clean-2024Q1")
    result = refresh(warehouse_db, landing, "2024Q2", run_id="clean-2024Q2")

    form_rows = conn.execute(
        "select count(*) from mart.one_stop_report_ii06a where quarter = '2024Q2' and has_dossiers"
    ).fetchone()[0]
    assert form_rows == 2 + 17 + 2  # two desks and 17 communes on the district forms, two districts on the province's
    counts = dict(
        conn.execute(
            "select check_name, count(*) from mart.reconciliation where quarter = '2024Q2' group by 1"
        ).fetchall()
    )
    assert counts == {"ii06a_vs_dossiers": 11 * form_rows, "ii06a_vs_unit_form": 11 * 2, "indicators_rollup": 13 * 3}
    assert conn.execute(
        "select count(*) from mart.reconciliation where quarter = '2024Q2' and not within_tolerance"
    ).fetchone() == (0,)
    assert result["reconcile"]["outside_tolerance"] == 0
    assert result["reconcile"]["checks"] == sum(counts.values())
    assert (
        conn.execute(
            "select sum(value_a) from mart.reconciliation where quarter = '2024Q2' and measure = 'received_total'"
        ).fetchone()[0]
        > 0
    )

    # In 2024Q1 the forms and the roll-ups still agree among themselves; the forms and the exports do not,
    # and every such gap says the earlier quarter's exports are missing.
    q1_gaps = reconciliation_gaps(conn, "2024Q1")
    assert q1_gaps and {g.check_name for g in q1_gaps} == {"ii06a_vs_dossiers"}
    assert all("no dossiers file loaded for 2023Q4, where the period starts" in g.detail for g in q1_gaps)
