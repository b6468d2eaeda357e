"""A province as it really arrives: every dataset, each desk in its own format and encoding."""

from __future__ import annotations

import pytest
from cchc_sample.province import generate_province

from cchc.quarters import Quarter
from tests.integration.helpers import refresh

pytestmark = pytest.mark.integration

PER_DATASET = """
    select f.dataset, count(*), sum(a.rows_read), sum(a.rows_loaded), sum(a.rows_quarantined)
    from audit.file_load as a join raw.landing_file as f using (file_id)
    where a.run_id = %s group by f.dataset order by f.dataset
"""


def test_every_generated_row_is_read_and_staged(warehouse_db, tmp_path, conn):
    quarters = [Quarter(2024, 1), Quarter(2024, 4)]  # Q1 carries the plans, Q4 the PAR index
    summary = generate_province(tmp_path, "87", quarters, per_unit_quarter=15, districts=["870", "868"])
    assert len(summary.dossier_formats) >= 4  # csv-utf8, csv-cp1258, csv-semicolon, xlsx, ...

    totals: dict[str, list[int]] = {}
    for quarter in quarters:
        refresh(warehouse_db, tmp_path, str(quarter), run_id=f"mixed-{quarter}")  # raises on any file problem
        for dataset, files, read, loaded, quarantined in conn.execute(PER_DATASET, (f"mixed-{quarter}",)).fetchall():
            assert read == loaded + quarantined, (quarter, dataset)
            assert quarantined == 0, (quarter, dataset)  # generated data is clean: a quarantined row is a reader bug
            sums = totals.setdefault(dataset, [0, 0])
            sums[0] += files
            sums[1] += read
    assert {name: rows for name, (_files, rows) in totals.items()} == {
        name: rows for name, rows in summary.dataset_rows.items() if rows
    }
    assert {name: files for name, (files, _rows) in totals.items()} == {
        name: files for name, files in summary.dataset_files.items() if files
    }
    encodings = {
        row[0] for row in conn.execute("select distinct coalesce(encoding, file_format) from raw.landing_file")
    }
    assert {"utf-8", "xlsx"} <= encodings and len(encodings) >= 4
