"""Datasets other than dossiers travel the same path: landing -> raw -> staging or quarantine."""

from __future__ import annotations

import shutil

import pytest

from cchc.pipeline import RefreshFailed
from tests.conftest import FIXTURES
from tests.integration.helpers import refresh

pytestmark = pytest.mark.integration


def test_an_ii06a_workbook_is_staged_with_the_period_it_states(warehouse_db, tmp_path, conn):
    target = tmp_path / "district" / "870" / "2020Q1" / "one_stop_report.xlsx"
    target.parent.mkdir(parents=True)
    shutil.copy(FIXTURES / "excel" / "ii06a_district_2020q1.xlsx", target)

    result = refresh(warehouse_db, tmp_path, "2020Q1", run_id="ii06a")

    assert result["validate_and_stage"]["one_stop_report"]["staged"] == 4
    rows = conn.execute(
        "select unit_code, received_total, resolved_total, pending_total from staging.stg_one_stop__ii06a_rows "
        "where quarter = '2020Q1' order by line_number"
    ).fetchall()
    assert rows == [("29971", 1234, 1180, 54), ("29956", 456, 450, 6), ("29962", 2015, 2000, 15), ("29980", 87, 87, 0)]
    meta = conn.execute("select file_format, source_meta from raw.landing_file").fetchone()
    assert meta[0] == "xlsx"
    assert meta[1]["period_start"] == "2019-12-15" and meta[1]["period_end"] == "2020-03-14"
    assert meta[1]["reporting_unit"] == "UBND huyện Hồng Ngự"
    balance = conn.execute("select rows_read, rows_loaded, rows_quarantined from audit.file_load").fetchall()
    assert balance == [(4, 4, 0)]


def test_legacy_encoded_exports_load_like_utf8(warehouse_db, tmp_path, conn):
    for unit, fixture in (("20194", "utf8.csv"), ("20195", "tcvn3.csv"), ("20197", "vni.csv"), ("20198", "cp1258.csv")):
        target = tmp_path / "commune" / unit / "2018Q1" / "dossiers.csv"
        target.parent.mkdir(parents=True)
        text = (FIXTURES / "dossiers" / fixture).read_bytes()
        target.write_bytes(text)
    # The fixtures are one unit's export: under the other units' folders their rows are quarantined.
    with pytest.raises(RefreshFailed, match="unit code differs from the unit named by the landing folder"):
        refresh(warehouse_db, tmp_path, "2018Q1", run_id="encodings")
    encodings = dict(conn.execute("select unit_code, encoding from raw.landing_file").fetchall())
    assert encodings == {"20194": "utf-8", "20195": "tcvn3", "20197": "vni", "20198": "cp1258"}
    fields = conn.execute(
        "select file_id, array_agg(field order by line_number) from raw.dossiers group by file_id order by file_id"
    ).fetchall()
    assert len({tuple(values) for _file, values in fields}) == 1  # the same Vietnamese text from every encoding
    counts = conn.execute("select sum(rows_read), sum(rows_loaded + rows_quarantined) from audit.file_load").fetchone()
    assert counts[0] == counts[1] > 0
