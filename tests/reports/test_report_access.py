"""Reports and reporting tools under a reader's own login: PostgreSQL, not the command, decides what a
reader of Đồng Tháp (87) may report on; Tiền Giang (82) is in the same warehouse and refused."""

from __future__ import annotations

import psycopg
import pytest
from openpyxl import load_workbook

from cchc.cli import main
from cchc.quarters import Quarter
from cchc.reports.data import UnitNotVisible, load_report
from cchc.warehouse.connection import connect
from tests.reports.conftest import OTHER_DISTRICT, OTHER_PROVINCE, PROVINCE, QUARTER

pytestmark = pytest.mark.integration

BAO_CAO_VIEWS = {
    "bieu_ii06a",
    "bieu_ii06a_doi_chieu",
    "bo_chi_so_766",
    "chi_so_cchc",
    "chi_so_don_vi",
    "chuoi_so_sanh",
    "xep_hang_xa",
}


def _login(url: str) -> str:
    with psycopg.connect(url) as conn:
        return conn.execute("select current_user").fetchone()[0]


@pytest.mark.parametrize("unit", [OTHER_PROVINCE, OTHER_DISTRICT])
def test_a_reader_of_87_cannot_report_on_82_though_the_owner_can(report_db, reader_87, unit):
    with connect(report_db) as owner:
        assert load_report(owner, Quarter.parse(QUARTER), unit).unit.province_code == OTHER_PROVINCE
    with connect(reader_87) as reader, pytest.raises(UnitNotVisible, match="not granted"):
        load_report(reader, Quarter.parse(QUARTER), unit)


def test_cchc_report_under_the_readers_login(report_db, reader_87, monkeypatch, tmp_path, capsys):
    monkeypatch.setenv("WAREHOUSE_URL", report_db)
    login = _login(reader_87)
    refused = tmp_path / "refused"
    assert (
        main(["report", "--quarter", QUARTER, "--unit", OTHER_PROVINCE, "--login", login, "--out", str(refused)]) == 1
    )
    assert "not granted" in capsys.readouterr().err
    assert not refused.exists() or not any(refused.iterdir())

    out = tmp_path / "reports"
    assert main(["report", "--quarter", QUARTER, "--unit", PROVINCE, "--login", login, "--out", str(out)]) == 0
    written = sorted(path.name for path in out.iterdir())
    assert written == ["bieu-ii06a_87_2024Q2.xlsx", "chi-so_87_2024Q2.xlsx", "dashboard_87_2024Q2.html"]
    assert capsys.readouterr().out.split() == [str(out / name) for name in written]
    form = load_workbook(out / "bieu-ii06a_87_2024Q2.xlsx")
    assert form.sheetnames == ["II.06a", "Đối chiếu"]

    html_only = tmp_path / "html"
    assert main(["report", "--quarter", QUARTER, "--unit", "866", "--login", login, "--format", "html",
                 "--out", str(html_only)]) == 0  # fmt: skip
    assert [path.name for path in html_only.iterdir()] == ["dashboard_866_2024Q2.html"]


def test_the_reporting_views_show_a_reader_its_province_only(report_db, reader_87):
    with psycopg.connect(reader_87) as reader:
        for view in sorted(BAO_CAO_VIEWS):
            provinces = reader.execute(f'select distinct "Mã tỉnh" from bao_cao.{view}').fetchall()
            assert set(provinces) <= {(PROVINCE,)}, view
        counted = reader.execute('select count(*) from bao_cao.xep_hang_xa where "Quý" = %s', (QUARTER,)).fetchone()[0]
        # PAR INDEX totals are readable too (and filtered like every mart table).
        reader.execute("select count(*) from mart.par_index_totals").fetchone()
    with psycopg.connect(report_db) as owner:
        communes = owner.execute(
            "select count(*) from mart.unit_quarter_indicators "
            "where quarter = %s and unit_level = 'commune' and province_code = %s",
            (QUARTER, PROVINCE),
        ).fetchone()[0]
        everywhere = owner.execute(
            'select count(distinct "Mã tỉnh") from bao_cao.chi_so_don_vi where "Quý" = %s', (QUARTER,)
        ).fetchone()[0]
    assert counted == communes > 0
    assert everywhere == 2  # the owner sees both provinces: the reader's filter is the policy's


def test_every_reporting_view_reads_with_the_readers_rights(report_db):
    with psycopg.connect(report_db) as owner:
        views = owner.execute(
            "select c.relname, coalesce(c.reloptions, '{}') @> array['security_invoker=true'], "
            "has_table_privilege('cchc_reader', c.oid, 'select') "
            "from pg_class as c where c.relnamespace = 'bao_cao'::regnamespace and c.relkind = 'v'"
        ).fetchall()
    assert {name for name, _, _ in views} == BAO_CAO_VIEWS
    assert all(invoker and readable for _, invoker, readable in views), views


def test_partitions_are_out_of_a_readers_table_list(report_db, reader_87):
    with psycopg.connect(reader_87) as reader:
        listed = reader.execute(
            "select table_schema, table_name from information_schema.tables "
            "where table_schema in ('mart', 'mart_partitions', 'bao_cao')"
        ).fetchall()
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            reader.execute("select count(*) from mart_partitions.unit_quarter_indicators_2024q2")
    assert listed, "the reader lists the mart tables and the reporting views"
    assert not [name for schema, name in listed if schema == "mart_partitions" or name[-6:-2] == "2024"]
    with psycopg.connect(report_db) as owner:
        partitions = owner.execute(
            "select count(*) from pg_class where relnamespace = 'mart_partitions'::regnamespace and relispartition"
        ).fetchone()[0]
        in_mart = owner.execute(
            "select count(*) from pg_class where relnamespace = 'mart'::regnamespace and relispartition"
        ).fetchone()[0]
    assert partitions > 0 and in_mart == 0
