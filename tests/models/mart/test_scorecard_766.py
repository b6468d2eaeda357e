"""Procedure catalogues (core.dim_procedure and the catalogue in force), the catalogue and survey columns of
mart.unit_quarter_indicators, the Decision 766 scorecard and core.dim_quarter, on a hand-made Đà Nẵng.

One database is shared by the module: it is refreshed once for 2024Q2 (catalogues, dossiers, surveys) and
once for 2024Q3 (dossiers only), and the tests only read it. Every expected figure is worked out by hand
in the comments next to it.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest

from cchc.pipeline import RefreshFailed
from tests.integration.helpers import mart_row, refresh, write_dossiers
from tests.support.databases import copy_template, drop_database

pytestmark = pytest.mark.integration

Q2, Q3 = "2024Q2", "2024Q3"
PROVINCE, OTHER_PROVINCE = "48", "49"  # Đà Nẵng; Quảng Nam publishes no catalogue at all
LIEN_CHIEU, THANH_KHE, TAM_KY = "490", "491", "502"
# Communes of Liên Chiểu (490): A and B send dossiers, A also surveys; SILENT sends nothing; OWN_CAT and
# EMPTY_CAT publish catalogues of their own.
A, B, SILENT, EMPTY_CAT, OWN_CAT = "20194", "20195", "20197", "20198", "20200"
# Communes of Thanh Khê (491), under the province's catalogue: C sends dossiers, D dossiers and an empty
# surveys file.
C, D = "20206", "20207"
E = "20335"  # a commune of Tam Kỳ (502), Quảng Nam: dossiers, no catalogue in force anywhere above it

# (code, level as written, online level as written, processing days)
PROVINCE_CATALOGUE = [
    ("1.000001", "Cấp xã", "Mức độ 4", "3"),
    ("1.000002", "Cấp xã", "Một phần", "5"),
    ("1.000003", "Cấp xã", "Không", ""),
    ("2.000001", "Cấp huyện", "Toàn trình", "10"),
    ("2.000002", "Cấp huyện", "Mức độ 2", "10"),
    ("3.000001", "Cấp tỉnh", "Mức độ 3", "15"),
    ("3.000002", "Cấp tỉnh", "Toàn trình", "15"),
    ("3.000003", "Cấp tỉnh", "Mức độ 4", "15"),
    ("3.000004", "Cấp tỉnh", "Không", "15"),
    ("3.000005", "Cấp tỉnh", "Mức độ 2", "15"),
    # Unreadable: quarantined, never in the catalogue.
    ("3.000009", "Cấp tỉnh", "Mức độ 7", "15"),
    ("3.000010", "Cấp tỉnh", "abc", "15"),
    ("3.000011", "Cấp thôn", "Toàn trình", "15"),
]
# Liên Chiểu's own catalogue, in force for 490 and its communes instead of the province's (not merged with it).
DISTRICT_CATALOGUE = [
    ("1.000001", "Cấp xã", "Một phần", "3"),  # full in the province's catalogue, partial here
    ("1.000002", "Cấp xã", "Toàn trình", "5"),  # partial in the province's, full here
    ("1.000004", "Cấp xã", "Mức độ 4", "1"),
    ("1.000005", "Cấp xã", "Mức độ 2", "1"),
    ("1.000006", "Cấp xã", "Mức độ 3", "2"),
    ("2.000001", "Cấp huyện", "Mức độ 4", "10"),
    ("2.000003", "Cấp huyện", "Mức độ 3", "7"),
    ("2.000004", "Cấp huyện", "Không", "7"),
    ("2.000005", "Cấp huyện", "Toàn trình", "7"),
]
OWN_CATALOGUE = [("1.000001", "Cấp xã", "Không", "3")]  # OWN_CAT's own: nearer than the district's
EMPTY_CATALOGUE = [("2.000001", "Cấp huyện", "Toàn trình", "10")]  # nothing at EMPTY_CAT's own level

RECEIVED, EARLIER = "02/04/2024 08:00", "15/03/2024 08:00"
DUE = "20/04/2024 17:00"
EARLY, ON_TIME, LATE = "19/04/2024 10:00", "20/04/2024 10:00", "22/04/2024 10:00"

# unit -> rows of (procedure, channel, received, resolved, supplement requests)
DOSSIERS_Q2: dict[str, list[tuple[str, str, str, str, str]]] = {
    # Liên Chiểu's catalogue: full = 1.000002, 1.000004.
    A: [
        ("1.000002", "Trực tuyến", RECEIVED, EARLY, "0"),  # a1 eligible, online, in time
        ("1.000002", "Trực tiếp", RECEIVED, ON_TIME, "0"),  # a2 eligible, in time
        ("1.000004", "Bưu chính", RECEIVED, LATE, "0"),  # a3 eligible, resolved late
        ("1.000004", "Trực tiếp", RECEIVED, "", "0"),  # a4 eligible, pending and overdue
        ("1.000001", "Trực tuyến", RECEIVED, EARLY, "0"),  # a5 partial here (full at the province): not eligible
        ("1.000003", "Trực tuyến", RECEIVED, EARLY, "2"),  # a6 only in the province's catalogue; 766: late
    ],
    B: [
        ("1.000004", "Trực tuyến", RECEIVED, EARLY, "0"),  # eligible, online
        ("1.000002", "Trực tuyến", RECEIVED, ON_TIME, "0"),  # eligible, online
        ("1.000005", "Trực tiếp", RECEIVED, EARLY, "0"),  # none: not eligible
        ("1.000002", "Trực tiếp", RECEIVED, EARLY, "1"),  # eligible; one supplement is still in time
    ],
    # The province's catalogue: full = 1.000001.
    C: [
        ("1.000001", "Trực tuyến", RECEIVED, EARLY, "0"),  # eligible, online
        ("1.000001", "Trực tiếp", RECEIVED, EARLY, "0"),  # eligible
        ("1.000002", "Trực tuyến", RECEIVED, EARLY, "0"),  # partial: not eligible
        ("1.000001", "Trực tuyến", EARLIER, ON_TIME, "0"),  # received in March: not eligible this quarter
    ],
    D: [("1.000003", "Trực tiếp", RECEIVED, EARLY, "0")],  # none: 0 eligible
    E: [("1.000001", "Trực tuyến", RECEIVED, EARLY, "0")],  # no catalogue in force
}
DOSSIERS_Q3 = {
    A: [
        ("1.000004", "Trực tuyến", "02/07/2024 08:00", "19/07/2024 10:00", "0"),  # eligible, online
        ("1.000001", "Trực tuyến", "02/07/2024 08:00", "19/07/2024 10:00", "0"),  # partial: not eligible
        ("1.000002", "Trực tiếp", "02/07/2024 08:00", "19/07/2024 10:00", "0"),  # eligible
    ]
}
Q3_DUE = "20/07/2024 17:00"

# A's surveys: 5 responses, 4 satisfied (80.00%). D sends a surveys file with no response.
SURVEYS_A = [("P1", "Có"), ("P2", "Có"), ("P3", "Không"), ("P4", "Có"), ("P5", "Có")]
SURVEY_HEADER = ("Mã phiếu", "Ngày khảo sát", "Công chức giải quyết", "Kết quả giải quyết", "Hài lòng")


def _write_csv(path: Path, header: tuple[str, ...], rows: list[tuple]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)


def _catalogue(landing: Path, level: str, unit: str, rows: list[tuple], header: tuple[str, ...]) -> None:
    body = [(code, f"Thủ tục {code}", "Hộ tịch", lvl, online, days) for code, lvl, online, days in rows]
    _write_csv(landing / level / unit / Q2 / "procedures.csv", header, body)


def _write_landing(landing: Path) -> None:
    vietnamese = ("Mã thủ tục", "Tên thủ tục", "Lĩnh vực", "Cấp thực hiện", "Mức độ DVC", "Thời hạn giải quyết")
    canonical = ("procedure_code", "procedure_name", "field", "level", "online_level", "processing_days")
    _catalogue(landing, "province", PROVINCE, PROVINCE_CATALOGUE, vietnamese)
    _catalogue(landing, "district", LIEN_CHIEU, DISTRICT_CATALOGUE, canonical)
    _catalogue(landing, "commune", OWN_CAT, OWN_CATALOGUE, vietnamese)
    _catalogue(landing, "commune", EMPTY_CAT, EMPTY_CATALOGUE, vietnamese)
    for quarter, due, dossiers in ((Q2, DUE, DOSSIERS_Q2), (Q3, Q3_DUE, DOSSIERS_Q3)):
        for unit, rows in dossiers.items():
            write_dossiers(
                landing,
                "commune",
                unit,
                quarter,
                [
                    (f"{unit}-{quarter}-{n}", unit, code, "Hộ tịch", channel, received, due, resolved, "Không", supp)
                    for n, (code, channel, received, resolved, supp) in enumerate(rows, start=1)
                ],
            )
    _write_csv(
        landing / "commune" / A / Q2 / "surveys.csv",
        SURVEY_HEADER,
        [(rid, "10/05/2024", "4", "5", satisfied) for rid, satisfied in SURVEYS_A],
    )
    _write_csv(landing / "commune" / D / Q2 / "surveys.csv", SURVEY_HEADER, [])


@pytest.fixture(scope="module")
def warehouse(server_url: str, template_db: str, tmp_path_factory) -> Iterator[str]:
    """One database for the module, refreshed for 2024Q2 then 2024Q3; the tests only read it."""

    name, url = copy_template(server_url, template_db, "cchc_test")
    try:
        landing = tmp_path_factory.mktemp("scorecard_landing")
        _write_landing(landing)
        # The province's unreadable catalogue rows are quarantined, which fails 2024Q2's quality gate.
        with pytest.raises(RefreshFailed, match="procedures: 3 row"):
            refresh(url, landing, Q2, run_id="scorecard-2024Q2")
        refresh(url, landing, Q3, run_id="scorecard-2024Q3")
        yield url
    finally:
        drop_database(server_url, name)


@pytest.fixture
def db(warehouse: str):
    from cchc.warehouse.connection import connect

    with connect(warehouse) as connection:
        yield connection


def _row(conn, table: str, quarter: str, unit: str) -> dict:
    cur = conn.execute(f"select * from {table} where quarter = %s and unit_code = %s", (quarter, unit))
    values = cur.fetchone()
    assert values is not None, f"no {table} row for {unit} in {quarter}"
    return dict(zip([d.name for d in cur.description], values, strict=True))


def _n(text: str | None) -> Decimal | None:
    return None if text is None else Decimal(text)


# --- core.dim_procedure and the catalogue in force -------------------------------------------------------------


def test_dim_procedure_maps_levels_in_both_vocabularies(db):
    rows = db.execute(
        "select catalogue_unit_code, procedure_code, procedure_level, online_service, online_level_legacy "
        "from core.dim_procedure where quarter = %s",
        (Q2,),
    ).fetchall()
    assert sorted(rows) == sorted(
        [
            (PROVINCE, "1.000001", "commune", "full", 4),  # Mức độ 4
            (PROVINCE, "1.000002", "commune", "partial", 3),  # Một phần
            (PROVINCE, "1.000003", "commune", "none", 2),  # Không
            (PROVINCE, "2.000001", "district", "full", 4),  # Toàn trình
            (PROVINCE, "2.000002", "district", "none", 2),  # Mức độ 2
            (PROVINCE, "3.000001", "province", "partial", 3),  # Mức độ 3
            (PROVINCE, "3.000002", "province", "full", 4),
            (PROVINCE, "3.000003", "province", "full", 4),
            (PROVINCE, "3.000004", "province", "none", 2),
            (PROVINCE, "3.000005", "province", "none", 2),
            (LIEN_CHIEU, "1.000001", "commune", "partial", 3),
            (LIEN_CHIEU, "1.000002", "commune", "full", 4),
            (LIEN_CHIEU, "1.000004", "commune", "full", 4),
            (LIEN_CHIEU, "1.000005", "commune", "none", 2),
            (LIEN_CHIEU, "1.000006", "commune", "partial", 3),
            (LIEN_CHIEU, "2.000001", "district", "full", 4),
            (LIEN_CHIEU, "2.000003", "district", "partial", 3),
            (LIEN_CHIEU, "2.000004", "district", "none", 2),
            (LIEN_CHIEU, "2.000005", "district", "full", 4),
            (OWN_CAT, "1.000001", "commune", "none", 2),
            (EMPTY_CAT, "2.000001", "district", "full", 4),
        ]
    )
    detail = db.execute(
        "select procedure_name, field, processing_days, line_number from core.dim_procedure "
        "where quarter = %s and catalogue_unit_code = %s and procedure_code in ('1.000001', '1.000003') "
        "order by procedure_code",
        (Q2, PROVINCE),
    ).fetchall()
    assert detail == [("Thủ tục 1.000001", "Hộ tịch", 3, 2), ("Thủ tục 1.000003", "Hộ tịch", None, 4)]
    # The 2024Q3 refresh read no catalogue: its partition is empty, 2024Q2's is untouched.
    assert db.execute("select count(*) from core.dim_procedure where quarter = %s", (Q3,)).fetchone() == (0,)


def test_unreadable_levels_are_quarantined_naming_the_column(db):
    rows = db.execute(
        "select raw_values ->> 'procedure_code', checks, reasons from quarantine.rejected_row "
        "where quarter = %s and dataset = 'procedures' order by line_number",
        (Q2,),
    ).fetchall()
    # Only the parse failure: the value was there, so the not-null check must not call it missing.
    assert [(code, checks) for code, checks, _ in rows] == [
        ("3.000009", ["parse(online_level)"]),
        ("3.000010", ["parse(online_level)"]),
        ("3.000011", ["parse(level)"]),
    ]
    (_, _, seven), (_, _, abc), (_, _, thon) = rows
    assert "Mức độ DVC (online_level): 'Mức độ 7' không đọc được / cannot be read" in seven[0]
    assert "Mức độ DVC (online_level): 'abc' không đọc được / cannot be read" in abc[0]
    assert "Cấp thực hiện (level): 'Cấp thôn' không đọc được / cannot be read" in thon[0]
    assert all("online_level" in reason for reason in seven + abc)
    # Nothing from the quarantined rows reached the catalogue.
    assert db.execute(
        "select count(*) from core.dim_procedure where procedure_code in ('3.000009', '3.000010', '3.000011')"
    ).fetchone() == (0,)


def test_catalogue_in_force_is_the_nearest_publishers(db):
    def in_force(quarter: str, day: dt.date) -> dict[str, tuple[str, str]]:
        rows = db.execute(
            "select unit_code, catalogue_unit_code, catalogue_quarter from core.procedure_catalogue_in_force(%s, %s)",
            (quarter, day),
        ).fetchall()
        return {unit: (publisher, published) for unit, publisher, published in rows}

    q2 = in_force(Q2, dt.date(2024, 6, 30))
    assert q2[PROVINCE] == (PROVINCE, Q2)
    assert q2[THANH_KHE] == q2[C] == q2[D] == (PROVINCE, Q2)
    assert q2[LIEN_CHIEU] == q2[A] == q2[B] == q2[SILENT] == (LIEN_CHIEU, Q2)  # the district beats the province
    assert q2[OWN_CAT] == (OWN_CAT, Q2)  # the commune's own beats its district's
    assert q2[EMPTY_CAT] == (EMPTY_CAT, Q2)
    assert not {E, TAM_KY, OTHER_PROVINCE} & set(q2)  # Quảng Nam: nothing published
    # Published in 2024Q2: still in force in 2024Q3, not yet in 2024Q1.
    assert in_force(Q3, dt.date(2024, 9, 30)) == q2
    assert in_force("2024Q1", dt.date(2024, 3, 31)) == {}


# --- catalogue and survey columns of mart.unit_quarter_indicators ----------------------------------------------


def _procedures(conn, quarter: str, unit: str) -> tuple:
    row = mart_row(conn, quarter, unit)
    return (
        row["procedures_catalogued"],
        row["procedures_online_full"],
        row["procedures_online_partial"],
        row["procedures_online_share"],
    )


# unit -> (catalogued, full, partial, share) of the unit's own level in the catalogue in force.
PROCEDURES_EXPECTED = {
    # Province's catalogue, province level: 3.000001-3.000005 -> full 2, partial 1; 100 x 3 / 5 = 60.00.
    PROVINCE: (5, 2, 1, Decimal("60.00")),
    # Province's catalogue, district level: 2.000001 full, 2.000002 none; 100 x 1 / 2 = 50.00.
    THANH_KHE: (2, 1, 0, Decimal("50.00")),
    # Province's catalogue, commune level: 1.000001 full, 1.000002 partial, 1.000003 none; 100 x 2 / 3.
    C: (3, 1, 1, Decimal("66.67")),
    D: (3, 1, 1, Decimal("66.67")),
    # Liên Chiểu's catalogue, district level: 2.000001, 2.000005 full, 2.000003 partial, 2.000004 none: 3 / 4.
    LIEN_CHIEU: (4, 2, 1, Decimal("75.00")),
    # Liên Chiểu's catalogue, commune level: 1.000002, 1.000004 full, 1.000001, 1.000006 partial,
    # 1.000005 none: 100 x 4 / 5 = 80.00, whether the commune sent anything or not.
    A: (5, 2, 2, Decimal("80.00")),
    B: (5, 2, 2, Decimal("80.00")),
    SILENT: (5, 2, 2, Decimal("80.00")),
    # Its own catalogue: one commune procedure, not online -> 0.00, not NULL.
    OWN_CAT: (1, 0, 0, Decimal("0.00")),
    # Its own catalogue lists no commune procedure: 0 catalogued, so a NULL share.
    EMPTY_CAT: (0, 0, 0, None),
    # No catalogue in force: no data, not zero.
    E: (None, None, None, None),
    TAM_KY: (None, None, None, None),
    OTHER_PROVINCE: (None, None, None, None),
}


def test_procedures_columns_per_level(db):
    assert {unit: _procedures(db, Q2, unit) for unit in PROCEDURES_EXPECTED} == PROCEDURES_EXPECTED


def test_catalogue_of_2024q2_still_counts_in_2024q3(db):
    # Only A sent dossiers in 2024Q3, so Đà Nẵng is the only province in the mart.
    for unit in (PROVINCE, THANH_KHE, C, LIEN_CHIEU, A, SILENT, OWN_CAT, EMPTY_CAT):
        assert _procedures(db, Q3, unit) == PROCEDURES_EXPECTED[unit], unit


def test_survey_rollup(db):
    def surveys(quarter: str, unit: str) -> tuple:
        row = mart_row(db, quarter, unit)
        return row["survey_responses"], row["satisfied_share"]

    assert surveys(Q2, A) == (5, Decimal("80.00"))  # 4 of 5
    assert surveys(Q2, LIEN_CHIEU) == (5, Decimal("80.00"))  # A only
    assert surveys(Q2, PROVINCE) == (5, Decimal("80.00"))  # A 5 + D 0
    assert surveys(Q2, D) == (0, None)  # an empty file: 0 responses, no share
    assert surveys(Q2, THANH_KHE) == (0, None)  # D's empty file only
    assert surveys(Q2, B) == (None, None)  # no surveys file: no data
    assert surveys(Q2, C) == (None, None)
    assert surveys(Q2, E) == (None, None)
    assert surveys(Q2, OTHER_PROVINCE) == (None, None)
    assert surveys(Q3, A) == (None, None)  # no surveys in 2024Q3
    assert surveys(Q3, PROVINCE) == (None, None)


# --- mart.scorecard_766 -----------------------------------------------------------------------------------


SCORE_COLUMNS = (
    "progress_score",
    "online_full_eligible",
    "online_full_received_online",
    "online_full_rate",
    "online_service_score",
    "overdue_share",
    "dissatisfied_share",
    "dossier_satisfaction_rate",
    "satisfaction_score",
    "points_covered",
    "total_score",
    "score_of_covered_percent",
    "complete",
    "band",
)


def _expected(*values) -> dict:
    """The SCORE_COLUMNS of a row from its twelve figures (decimals as text), never complete nor banded."""
    counts = ("online_full_eligible", "online_full_received_online")
    expected = {
        column: value if column in counts else _n(value)
        for column, value in zip(SCORE_COLUMNS[:12], values, strict=True)
    }
    expected["complete"] = False  # transparency, online payment and digitisation are never scored
    expected["band"] = None
    return expected


SCORECARD_Q2 = {
    # A: resolved a1 a2 a3 a5 a6, pending a4: 6. In time for 766: a1 a2 a5 (a6 had 2 supplements) -> 100 x 3 / 6
    # = 50.00 -> 20 x 50 / 100 = 10.00. Eligible a1-a4 = 4, online a1 = 1 -> 25.00 -> 12 x 25 / 50 = 6.00.
    # Overdue: a3 late + a4 pending overdue -> 100 x 2 / 6 = 33.33. Dissatisfied 100 - 80 = 20.00.
    # Dossier satisfaction 100 - (33.33 + 20.00) = 46.67 -> 6 x 46.67 / 90 = 3.1113 -> 3.11.
    # Covered 20 + 12 + 6 = 38; total 10.00 + 6.00 + 3.11 = 19.11; 100 x 19.11 / 38 = 50.289 -> 50.29.
    A: _expected("10.00", 4, 1, "25.00", "6.00", "33.33", "20.00", "46.67", "3.11", "38", "19.11", "50.29"),
    # B: 4 resolved in time (one supplement is allowed) -> 20.00. Eligible 3, online 2 -> 66.67 -> min(12, 16.0)
    # = 12.00. No surveys: dissatisfied, dossier satisfaction and its score NULL; covered 20 + 12 = 32.
    B: _expected("20.00", 3, 2, "66.67", "12.00", "0.00", None, None, None, "32", "32.00", "100.00"),
    # C: resolved 4 in time -> 20.00; eligible c1 c2 (c4 was received in March) = 2, online 1 -> 50.00 -> 12.00.
    C: _expected("20.00", 2, 1, "50.00", "12.00", "0.00", None, None, None, "32", "32.00", "100.00"),
    # D: 1 resolved in time -> 20.00; a catalogue is in force but no dossier is of a full procedure: 0 eligible,
    # a NULL rate and score. Its surveys file is empty: no satisfaction. Covered 20.
    D: _expected("20.00", 0, 0, None, None, "0.00", None, None, None, "20", "20.00", "100.00"),
    # E: no catalogue in force: eligibility unknown (NULL, not 0). Covered 20.
    E: _expected("20.00", None, None, None, None, "0.00", None, None, None, "20", "20.00", "100.00"),
    # Liên Chiểu = A + B: in time 3 + 4 = 7 of 6 + 4 = 10 -> 70.00 -> 14.00. Eligible 4 + 3 = 7, online 1 + 2 = 3
    # -> 42.86 -> 12 x 42.86 / 50 = 10.2864 -> 10.29. Overdue 2 / 10 = 20.00; dissatisfied 20.00 (A's surveys);
    # dossier satisfaction 100 - 40 = 60.00 -> 6 x 60 / 90 = 4.00. Total 14.00 + 10.29 + 4.00 = 28.29;
    # 100 x 28.29 / 38 = 74.447 -> 74.45.
    LIEN_CHIEU: _expected("14.00", 7, 3, "42.86", "10.29", "20.00", "20.00", "60.00", "4.00", "38", "28.29", "74.45"),
    # Thanh Khê = C + D: in time 5 of 5 -> 20.00; eligible 2, online 1 -> 50.00 -> 12.00; 0 survey responses.
    THANH_KHE: _expected("20.00", 2, 1, "50.00", "12.00", "0.00", None, None, None, "32", "32.00", "100.00"),
    # Đà Nẵng = A + B + C + D: in time 3 + 4 + 4 + 1 = 12 of 6 + 4 + 4 + 1 = 15 -> 80.00 -> 16.00.
    # Eligible 4 + 3 + 2 + 0 = 9, online 1 + 2 + 1 = 4 -> 44.44 -> 12 x 44.44 / 50 = 10.6656 -> 10.67.
    # Overdue 2 / 15 = 13.33; dissatisfied 20.00; dossier satisfaction 100 - 33.33 = 66.67 -> 6 x 66.67 / 90
    # = 4.4447 -> 4.44. Total 16.00 + 10.67 + 4.44 = 31.11; 100 x 31.11 / 38 = 81.868 -> 81.87.
    PROVINCE: _expected("16.00", 9, 4, "44.44", "10.67", "13.33", "20.00", "66.67", "4.44", "38", "31.11", "81.87"),
    OTHER_PROVINCE: _expected("20.00", None, None, None, None, "0.00", None, None, None, "20", "20.00", "100.00"),
    # No dossiers in its subtree: nothing can be scored.
    SILENT: _expected(None, None, None, None, None, None, None, None, None, "0", None, None),
}


def _scorecard(conn, quarter: str, unit: str) -> dict:
    row = _row(conn, "mart.scorecard_766", quarter, unit)
    return {column: row[column] for column in SCORE_COLUMNS}


# Units without a full-online rate or without survey responses (B, C, D, E, Thanh Khê, Quảng Nam, SILENT) guard
# against least()/greatest(), which skip NULL arguments: least(12, 12 x NULL / 50) would be 12 points.
@pytest.mark.parametrize("unit", list(SCORECARD_Q2))
def test_scorecard_2024q2(db, unit):
    assert _scorecard(db, Q2, unit) == SCORECARD_Q2[unit]


def test_scorecard_identity_and_unscored_groups(db):
    row = _row(db, "mart.scorecard_766", Q2, A)
    assert (row["unit_name"], row["unit_level"], row["parent_code"], row["province_code"]) == (
        "Phường Hòa Hiệp Bắc",
        "commune",
        LIEN_CHIEU,
        PROVINCE,
    )
    unscored = db.execute(
        "select count(*) from mart.scorecard_766 where quarter = %s and (transparency_score is not null "
        "or online_payment_score is not null or digitisation_score is not null or complete or band is not null)",
        (Q2,),
    ).fetchone()
    assert unscored == (0,)
    # progress_score is the indicators mart's progress_score_766, unit for unit.
    mismatched = db.execute(
        "select count(*) from mart.scorecard_766 as s "
        "full join mart.unit_quarter_indicators as i on i.quarter = s.quarter and i.unit_code = s.unit_code "
        "where coalesce(s.quarter, i.quarter) = %s "
        "and (s.unit_code is null or i.unit_code is null or s.progress_score is distinct from i.progress_score_766)",
        (Q2,),
    ).fetchone()
    assert mismatched == (0,)


def test_scorecard_2024q3_uses_the_catalogue_of_2024q2(db):
    # A: eligible 1.000004 (online) and 1.000002 (direct); 1.000001 is partial in Liên Chiểu's catalogue.
    # 100 x 1 / 2 = 50.00 -> 12.00; 3 resolved early -> 20.00; no surveys this quarter: covered 32.
    expected = _expected("20.00", 2, 1, "50.00", "12.00", "0.00", None, None, None, "32", "32.00", "100.00")
    assert _scorecard(db, Q3, A) == expected
    assert _scorecard(db, Q3, LIEN_CHIEU) == expected
    assert _scorecard(db, Q3, PROVINCE) == expected


# --- core.dim_quarter -----------------------------------------------------------------------------------------


def test_dim_quarter(db):
    columns = (
        "year, quarter_number, first_day, last_day, label_vi, report_period_start, report_period_end, "
        "two_level_map, one_stop_decree"
    )

    def quarter_row(quarter: str) -> tuple:
        return db.execute(f"select {columns} from core.dim_quarter where quarter = %s", (quarter,)).fetchone()

    assert quarter_row("2024Q1") == (
        2024,
        1,
        dt.date(2024, 1, 1),
        dt.date(2024, 3, 31),
        "Quý I/2024",
        dt.date(2023, 12, 15),  # the 15th of the month before the quarter, across the year end
        dt.date(2024, 3, 14),  # the 14th of the quarter's last month
        False,
        "Nghị định 61/2018/NĐ-CP",
    )
    assert quarter_row("2025Q3") == (
        2025,
        3,
        dt.date(2025, 7, 1),
        dt.date(2025, 9, 30),
        "Quý III/2025",
        dt.date(2025, 6, 15),
        dt.date(2025, 9, 14),
        True,  # the two-level map from 01/07/2025
        "Nghị định 118/2025/NĐ-CP",
    )
    assert quarter_row("2024Q2")[4] == "Quý II/2024"
    assert quarter_row("2025Q2")[7] is False
    assert db.execute("select count(*), min(quarter), max(quarter) from core.dim_quarter").fetchone() == (
        84,
        "2015Q1",
        "2035Q4",
    )
    # Quarters tile the calendar: each starts the day after the previous one ends.
    gaps = db.execute(
        "select count(*) from (select first_day, lag(last_day) over (order by quarter) as previous_last "
        "from core.dim_quarter) as q where previous_last is not null and first_day <> previous_last + 1"
    ).fetchone()
    assert gaps == (0,)
