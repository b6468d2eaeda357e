"""Oversight marts (plan compliance, inspections, PAR index, satisfaction) against figures recounted
from the landing CSV files, and their idempotent rebuild."""

from __future__ import annotations

import csv
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest
from cchc_sample.province import generate_province
from cchc_sample.scenarios import write_scenario

from cchc import runs
from cchc.pipeline import RefreshContext, build_core, build_marts
from cchc.quarters import Quarter
from cchc.warehouse.partitions import ensure_partition
from tests.integration.helpers import refresh

pytestmark = pytest.mark.integration

OVERSIGHT_MARTS = ("mart.unit_quarter_satisfaction", "mart.inspections", "mart.plan_compliance", "mart.par_index")
CENT = Decimal("0.01")


def _read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def _day(text: str) -> date:
    return datetime.strptime(text, "%d/%m/%Y").date()


def _number(text: str) -> Decimal:
    """A number as the generated files write it: `8,75`, `1.234,5`."""
    return Decimal(text.replace(".", "").replace(",", "."))


def _rows_of(landing: Path, pattern: str) -> list[dict[str, str]]:
    return [row for path in sorted(landing.glob(pattern)) for row in _read_csv(path)]


def _fingerprints(conn, quarter: str) -> dict[str, tuple]:
    """Row count and md5 of every oversight mart's partition for the quarter."""
    out = {}
    for table in OVERSIGHT_MARTS:
        out[table] = conn.execute(
            f"select count(*), md5(string_agg(m::text, '|' order by m::text)) from {table} as m where quarter = %s",
            (quarter,),
        ).fetchone()
    conn.rollback()
    return out


def _rebuild(url: str, landing: Path, quarter: str, run_id: str) -> None:
    """Core and marts again from the staging already loaded, as a rerun of those two tasks does."""
    ctx = RefreshContext(Quarter.parse(quarter), run_id, landing, warehouse_url=url, trigger="test")
    build_core(ctx)
    build_marts(ctx)


def test_hong_ngu_district_plans_letters_and_no_surveys(warehouse_db, tmp_path, conn):
    # Seed 001: late 2022 plans, budgets not published, corrective letter 389/UBND-HC of 25/03/2022.
    write_scenario("hong-ngu-district-2022q1", tmp_path)
    result = refresh(warehouse_db, tmp_path, "2022Q1", run_id="seed-001")
    assert result["build_core"]["fct_dossier_rows"] > 0
    assert result["build_marts"]["unit_quarter_indicators_rows"] > 0

    plans = _rows_of(tmp_path, "commune/*/2022Q1/plans.csv")
    late = {row["Mã đơn vị"]: (_day(row["Ngày ban hành"]) - _day(row["Hạn ban hành"])).days for row in plans}
    late = {unit: days for unit, days in late.items() if days > 0}
    unpublished = {row["Mã đơn vị"] for row in plans if row["Công khai ngân sách"] == "Không"}
    assert late and unpublished
    compliance = conn.execute(
        "select unit_code, issued_late, days_late, budget_published, province_code "
        "from mart.plan_compliance where quarter = '2022Q1'"
    ).fetchall()
    assert len(compliance) == len(plans) == result["build_marts"]["plan_compliance_rows"]
    assert {unit: days for unit, is_late, days, _, _ in compliance if is_late} == late
    assert all(days == 0 for _, is_late, days, _, _ in compliance if not is_late)
    assert {unit for unit, _, _, published, _ in compliance if published is False} == unpublished
    assert {province for *_, province in compliance} == {"87"}
    staged = conn.execute(
        "select count(*) filter (where issued_on > deadline), count(*) filter (where not budget_published) "
        "from staging.stg_cchc__plans where quarter = '2022Q1'"
    ).fetchone()
    assert staged == (len(late), len(unpublished))

    findings = _rows_of(tmp_path, "district/870/2022Q1/inspections.csv")
    written_to = {row["Mã đơn vị"] for row in findings if row["Văn bản chấn chỉnh"] == "389/UBND-HC"}
    letters = conn.execute(
        "select unit_code, corrective_letters, corrective_documents, letters_not_followed_up, letters_followed_up "
        "from mart.plan_compliance where quarter = '2022Q1' and corrective_letters > 0"
    ).fetchall()
    assert {unit for unit, *_ in letters} == written_to
    assert {tuple(rest) for _, *rest in letters} == {(1, "389/UBND-HC (2022-03-25)", 1, False)}
    flat = conn.execute(
        "select corrective_issued_on, followed_up, count(*), count(distinct unit_code) from mart.inspections "
        "where quarter = '2022Q1' and corrective_document = '389/UBND-HC' group by 1, 2"
    ).fetchall()
    assert flat == [(date(2022, 3, 25), False, sum(bool(row["Tồn tại, hạn chế"]) for row in findings), len(written_to))]
    per_criterion = conn.execute("select count(*) from mart.inspections where quarter = '2022Q1'").fetchone()[0]
    assert per_criterion == len(findings)  # the scenario writes one row per unit and criterion

    # No surveys were sent for the quarter: no satisfaction row, rather than a row of NULLs.
    assert result["build_marts"]["unit_quarter_satisfaction_rows"] == 0
    assert conn.execute("select count(*) from mart.unit_quarter_satisfaction").fetchone() == (0,)

    before = _fingerprints(conn, "2022Q1")
    _rebuild(warehouse_db, tmp_path, "2022Q1", "seed-001")
    assert _fingerprints(conn, "2022Q1") == before


def _satisfaction_from_csv(landing: Path, quarter: str) -> dict[str, tuple]:
    """Per unit: responses, satisfied, share and factor means, recounted from the surveys files."""
    factors = (
        "Tiếp cận dịch vụ",
        "Thủ tục hành chính",
        "Công chức giải quyết",
        "Kết quả giải quyết",
        "Tiếp nhận, xử lý góp ý",
    )
    out = {}
    for path in sorted(landing.glob(f"commune/*/{quarter}/surveys.csv")):
        rows = _read_csv(path)
        satisfied = sum(row["Hài lòng"] == "Có" for row in rows)
        share = (Decimal(100 * satisfied) / len(rows)).quantize(CENT, ROUND_HALF_UP) if rows else None
        means = []
        for factor in factors:
            scores = [_number(row[factor]) for row in rows if row[factor]]
            means.append((sum(scores) / len(scores)).quantize(CENT, ROUND_HALF_UP) if scores else None)
        out[path.parts[-3]] = (len(rows), satisfied, share, *means)
    return out


def _appraised_from_csv(landing: Path, quarter: str) -> dict[tuple[str, str], Decimal]:
    rows = _rows_of(landing, f"*/*/{quarter}/par_index.csv")
    return {(row["Mã đơn vị"], row["Lĩnh vực"]): _number(row["Điểm thẩm định"]) for row in rows}


def test_province_satisfaction_par_index_and_rebuild(warehouse_db, tmp_path, conn):
    quarters = [Quarter(2023, 4), Quarter(2024, 1), Quarter(2024, 4)]
    # Only the oversight datasets: dossiers and the II.06a form would double the refresh time here.
    oversight = ("surveys", "inspections", "plans", "par_index")
    generate_province(tmp_path, "87", quarters, per_unit_quarter=10, districts=["870"], datasets=oversight)
    # A desk that sent a surveys file with no response: a row with 0 responses and a NULL share.
    emptied = sorted(tmp_path.glob("commune/*/2024Q4/surveys.csv"))[0]
    emptied.write_text(emptied.read_text(encoding="utf-8").splitlines()[0] + "\n", encoding="utf-8")
    for quarter in map(str, quarters):
        refresh(warehouse_db, tmp_path, quarter, run_id=f"province-{quarter}")

    for quarter in map(str, quarters):
        expected = _satisfaction_from_csv(tmp_path, quarter)
        got = conn.execute(
            "select unit_code, responses, satisfied_responses, satisfied_share, mean_access, mean_procedure, "
            "mean_staff, mean_result, mean_feedback from mart.unit_quarter_satisfaction where quarter = %s",
            (quarter,),
        ).fetchall()
        assert {unit: tuple(rest) for unit, *rest in got} == expected, quarter
    assert conn.execute(
        "select responses, satisfied_share from mart.unit_quarter_satisfaction where quarter = '2024Q4' "
        "and unit_code = %s",
        (emptied.parts[-3],),
    ).fetchone() == (0, None)

    first_year, next_year = _appraised_from_csv(tmp_path, "2023Q4"), _appraised_from_csv(tmp_path, "2024Q4")
    scores = conn.execute(
        "select quarter, unit_code, area, year, appraised_score, previous_appraised_score, appraised_change "
        "from mart.par_index"
    ).fetchall()
    assert len(scores) == len(first_year) + len(next_year)
    for quarter, unit, area, year, appraised, previous, change in scores:
        if year == 2023:
            assert quarter == "2023Q4" and appraised == first_year[unit, area]
            assert previous is None and change is None
        else:
            assert quarter == "2024Q4" and appraised == next_year[unit, area]
            assert previous == first_year[unit, area]
            assert change == next_year[unit, area] - first_year[unit, area]
    totals = conn.execute(
        "select count(*), count(appraised_change) from mart.par_index_totals where year = 2024"
    ).fetchone()
    assert totals[0] == totals[1] == len({unit for unit, _ in next_year})

    plans = _rows_of(tmp_path, "commune/*/2024Q1/plans.csv")
    late = {row["Mã đơn vị"] for row in plans if _day(row["Ngày ban hành"]) > _day(row["Hạn ban hành"])}
    unpublished = {row["Mã đơn vị"] for row in plans if row["Công khai ngân sách"] == "Không"}
    compliance = conn.execute(
        "select unit_code, issued_late, budget_published from mart.plan_compliance where quarter = '2024Q1'"
    ).fetchall()
    assert len(compliance) == len(plans)
    assert {unit for unit, is_late, _ in compliance if is_late} == late
    assert {unit for unit, _, published in compliance if published is False} == unpublished
    assert conn.execute("select count(*) from mart.plan_compliance where quarter <> '2024Q1'").fetchone() == (0,)

    before = {quarter: _fingerprints(conn, str(quarter)) for quarter in quarters}
    for quarter in map(str, quarters):
        _rebuild(warehouse_db, tmp_path, quarter, f"province-{quarter}")
    assert {quarter: _fingerprints(conn, str(quarter)) for quarter in quarters} == before
    last = before[Quarter(2024, 4)]
    assert all(last[table][0] > 0 for table in ("mart.unit_quarter_satisfaction", "mart.inspections", "mart.par_index"))


def test_no_par_index_change_across_the_2025_reform(warehouse_db, tmp_path, conn):
    # 29971 was thị trấn Thường Thới Tiền until 30/06/2025 and is xã Thường Phước (29956 + 29971 + 29974)
    # from 01/07/2025: its 2025 index is another unit's, so only 2024 gets a change.
    area = "Cải cách thủ tục hành chính"
    for year, appraised in ((2023, "15.5"), (2024, "18.25"), (2025, "20")):
        quarter = f"{year}Q4"
        ensure_partition(conn, "core.fct_par_score", quarter)
        conn.execute(
            "insert into core.fct_par_score (quarter, unit_code, year, area, max_score, self_score, "
            "appraised_score, source_unit_code, source_level, file_id, line_number) "
            "values (%s, '29971', %s, %s, 25, 21, %s, '87', 'province', 1, 2)",
            (quarter, year, area, Decimal(appraised)),
        )
    runs.start_run(conn, "reform", "2025Q4", "test")
    conn.commit()
    for year in (2023, 2024, 2025):
        build_marts(RefreshContext(Quarter(year, 4), "reform", tmp_path, warehouse_url=warehouse_db, trigger="test"))
    changes = conn.execute(
        "select year, unit_name, province_code, previous_appraised_score, appraised_change "
        "from mart.par_index order by year"
    ).fetchall()
    assert changes == [
        (2023, "Thị trấn Thường Thới Tiền", "87", None, None),
        (2024, "Thị trấn Thường Thới Tiền", "87", Decimal("15.5"), Decimal("2.75")),
        (2025, "Xã Thường Phước", "82", None, None),
    ]
