"""Biểu II.06a compiled by the warehouse: hand-counted figures, and the round trip through the project's
own II.06a reader.

The form is the one of Thông tư 01/2020/TT-VPCP (Biểu số II.06a/VPCP/KSTT), counted over the Decree
09/2019 period of 2024Q2: 15/03/2024 to 14/06/2024, both days included.
"""

from __future__ import annotations

from datetime import date

import pytest
from openpyxl import load_workbook

from cchc.quarters import Quarter
from cchc.reports.data import load_report
from cchc.reports.excel_writer import COUNT_COLUMNS
from cchc.reports.ii06a_workbook import write_ii06a_report
from cchc.sources.ii06a_reader import read_ii06a
from cchc.warehouse.connection import connect
from tests.integration.helpers import refresh, write_dossiers

pytestmark = pytest.mark.integration

COMMUNE, DISTRICT = "20194", "490"  # Phường Hòa Hiệp Bắc, Quận Liên Chiểu (Đà Nẵng, before the 2025 reform)
# dossier_id, unit_code, procedure_code, field, channel (1 direct, 2 online, 3 postal), received_at, due_at,
# resolved_at, returned_by_post, supplement_requests: the columns of a one-stop dossier export.
Q1_ROWS = [
    # received before the period, resolved inside it before its due day: (6) carried over, (8) early
    ("a1", COMMUNE, "1.000001", "Hộ tịch", "2", "10/03/2024 08:00", "20/03/2024 17:00", "18/03/2024", "", "0"),
    # resolved before the period starts: not on the form at all
    ("a2", COMMUNE, "1.000001", "Hộ tịch", "1", "01/03/2024 08:00", "10/03/2024 17:00", "12/03/2024", "", "0"),
    # still open at the end of Q1; the Q2 export says resolved after its due day: (6), (10) late
    ("a3", COMMUNE, "1.000002", "Chứng thực", "1", "14/03/2024 09:00", "02/04/2024 17:00", "", "", "0"),
    # received on the period's first day, online, resolved on its due day: (4) online, (9) on time
    ("b1", COMMUNE, "1.000002", "Chứng thực", "2", "15/03/2024 08:00", "22/03/2024 17:00", "22/03/2024", "", "0"),
]
Q2_ROWS = [
    ("a3", COMMUNE, "1.000002", "Chứng thực", "1", "14/03/2024 09:00", "02/04/2024 17:00", "05/04/2024", "", "0"),
    # by post, open and past its due day at the period's end: (5), (13) pending overdue
    ("b2", COMMUNE, "1.000001", "Hộ tịch", "3", "02/04/2024 08:00", "10/04/2024 17:00", "", "", "0"),
    # received on the period's last day, online, resolved after the period, due after it: (4), (12) in time
    ("b3", COMMUNE, "1.000001", "Hộ tịch", "2", "14/06/2024 10:00", "20/06/2024 17:00", "17/06/2024", "", "0"),
    # received the day after the period: not on the form
    ("b4", COMMUNE, "1.000002", "Chứng thực", "1", "15/06/2024 08:00", "18/06/2024 17:00", "18/06/2024", "", "0"),
    # in person, resolved a day early: (5), (8) early
    ("b5", COMMUNE, "1.000002", "Chứng thực", "1", "20/05/2024 08:00", "30/05/2024 17:00", "29/05/2024", "", "0"),
]
# Counted by hand from the rows above.
EXPECTED = {
    "received_total": 6,  # a1 a3 b1 b2 b3 b5
    "received_online": 2,  # b1 b3
    "received_direct_postal": 2,  # b2 b5
    "received_carried_over": 2,  # a1 a3
    "resolved_total": 4,
    "resolved_early": 2,  # a1 b5
    "resolved_on_time": 1,  # b1
    "resolved_late": 1,  # a3
    "pending_total": 2,
    "pending_in_time": 1,  # b3
    "pending_overdue": 1,  # b2
}


def _numbers(row: dict[str, str]) -> dict[str, int]:
    return {name: int(row[name].replace(".", "")) for name in COUNT_COLUMNS}


@pytest.fixture
def hand_counted(warehouse_db, tmp_path):
    landing = tmp_path / "landing"
    write_dossiers(landing, "commune", COMMUNE, "2024Q1", Q1_ROWS)
    write_dossiers(landing, "commune", COMMUNE, "2024Q2", Q2_ROWS)
    refresh(warehouse_db, landing, "2024Q1")
    refresh(warehouse_db, landing, "2024Q2")
    return warehouse_db


def test_the_district_form_carries_the_hand_counted_commune_and_reads_back(hand_counted, tmp_path):
    with connect(hand_counted) as conn:
        report = load_report(conn, Quarter(2024, 2), DISTRICT)
    path = write_ii06a_report(report, tmp_path / "bieu.xlsx")

    form = read_ii06a(path)
    assert form.reporting_unit == "Ủy ban nhân dân quận Liên Chiểu"
    assert form.period_label == "Quý II năm 2024"
    assert (form.period_start, form.period_end) == (date(2024, 3, 15), date(2024, 6, 14))
    rows = [values for _, values in form.rows()]
    # The other wards of the district sent nothing: blank rows, which the reader leaves out.
    assert [row["unit_code"] for row in rows] == [COMMUNE]
    assert _numbers(rows[0]) == EXPECTED
    assert _numbers(form.total_row) == EXPECTED

    sheet = load_workbook(path)["II.06a"]
    labels = [sheet.cell(row=r, column=2).value for r in range(8, sheet.max_row + 1)]
    wards = [label for label in labels if label and label.startswith("Phường ")]
    assert len(wards) == len([r for r in report.ii06a_rows if r["row_kind"] == "unit"]) > 1
    assert "Bộ phận Một cửa quận Liên Chiểu (490)" in labels
    assert "Tổng cộng" in labels


def test_the_communes_own_form_is_its_desk_and_total(hand_counted, tmp_path):
    with connect(hand_counted) as conn:
        report = load_report(conn, Quarter(2024, 2), COMMUNE)
    form = read_ii06a(write_ii06a_report(report, tmp_path / "bieu.xlsx"))
    assert form.reporting_unit == "Ủy ban nhân dân phường Hòa Hiệp Bắc"
    [(_, row)] = list(form.rows())
    assert row["row_label"] == "Bộ phận Một cửa phường Hòa Hiệp Bắc"
    assert _numbers(row) == EXPECTED == _numbers(form.total_row)


def test_no_form_sent_says_so_on_the_comparison_sheet(hand_counted, tmp_path):
    with connect(hand_counted) as conn:
        report = load_report(conn, Quarter(2024, 2), DISTRICT)
    sheet = load_workbook(write_ii06a_report(report, tmp_path / "bieu.xlsx"))["Đối chiếu"]
    assert "chưa gửi Biểu II.06a của Quý II năm 2024" in sheet["A4"].value


def _mart(url: str, query: str, params: tuple) -> list[dict]:
    with connect(url) as conn, conn.cursor() as cur:
        cur.execute(query, params)
        names = [c.name for c in cur.description]
        return [dict(zip(names, values, strict=True)) for values in cur.fetchall()]


@pytest.mark.parametrize("unit", ["87", "866", "870"])
def test_every_figure_of_the_form_equals_the_mart_and_reads_back(report_db, reader_87, tmp_path, unit):
    with connect(reader_87) as conn:
        report = load_report(conn, Quarter(2024, 2), unit)
    form = read_ii06a(write_ii06a_report(report, tmp_path / f"bieu-{unit}.xlsx"))

    children = _mart(
        report_db,
        "select * from mart.unit_quarter_ii06a where quarter = '2024Q2' and parent_code = %s and scope = 'subtree' "
        "and received_total is not null order by unit_code",
        (unit,),
    )
    [desk] = _mart(
        report_db,
        "select * from mart.unit_quarter_ii06a where quarter = '2024Q2' and unit_code = %s and scope = 'desk'",
        (unit,),
    )
    [whole] = _mart(
        report_db,
        "select * from mart.unit_quarter_ii06a where quarter = '2024Q2' and unit_code = %s and scope = 'subtree'",
        (unit,),
    )
    read = {row["unit_code"]: _numbers(row) for _, row in form.rows()}
    expected = {row["unit_code"]: {c: row[c] for c in COUNT_COLUMNS} for row in children}
    if desk["received_total"] is not None:
        expected[unit] = {c: desk[c] for c in COUNT_COLUMNS}
    assert read == expected
    assert _numbers(form.total_row) == {c: whole[c] for c in COUNT_COLUMNS}
    # The form's own identities hold on the total: 3 = 4+5+6, 7 = 8+9+10, 11 = 12+13, 3 = 7+11.
    total = _numbers(form.total_row)
    assert total["received_total"] == total["resolved_total"] + total["pending_total"] > 0


def test_the_comparison_sheet_sets_the_sent_form_beside_the_rebuilt_one(report_db, reader_87, tmp_path):
    with connect(reader_87) as conn:
        report = load_report(conn, Quarter(2024, 2), "866")
    sheet = load_workbook(write_ii06a_report(report, tmp_path / "bieu.xlsx"))["Đối chiếu"]
    sent = _mart(
        report_db,
        "select * from mart.one_stop_report_ii06a where quarter = '2024Q2' and reporting_unit_code = '866' "
        "order by file_id, line_number",
        (),
    )
    assert sent, "the sample district sends its form"
    headers = [sheet.cell(row=4, column=c).value for c in range(1, sheet.max_column + 1)]
    first = headers.index("(3)") + 1
    assert headers[first - 1 : first - 1 + 31 : 3] == [f"({n})" for n in range(3, 14)]
    for offset, row in enumerate(sent):
        line = 6 + offset
        assert sheet.cell(row=line, column=3).value == row["unit_code"]
        for index, name in enumerate(COUNT_COLUMNS):
            column = first + 3 * index
            cells = [sheet.cell(row=line, column=column + k).value for k in range(3)]
            assert cells == [row[f"reported_{name}"], row[f"rebuilt_{name}"], row[f"diff_{name}"]], (row, name)
