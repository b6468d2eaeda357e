"""A district's quarters in the forms of real exports give the same marts as their plain twin.

`cchc-sample --formats realistic` writes each desk's dossiers in one form of a real export (Excel
97-2003, an HTML table saved as .xls, UTF-16 "Unicode Text", the national portal's sync fields, a CSV
with title and total rows, serial dates in .xlsx and in CSV) or a legacy encoding; `--formats csv`
writes the very same dossiers as plain UTF-8 CSV. Every difference between the two is in the form:
dates written without a time, status words where a pending result would be, summary rows, serial
numbers. So the two warehouses must agree on every mart, figure for figure, and the realistic one must
have read every file without rejecting or quarantining anything.

Huyện Tháp Mười (871) is used because its twelve communes between them draw every real form.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from cchc_sample.province import GenerationSummary, generate_province

from cchc.quarters import Quarter
from cchc.warehouse.connection import connect
from tests.integration.helpers import refresh
from tests.support.databases import copy_template, drop_database

pytestmark = pytest.mark.integration

DISTRICT = "871"
QUARTERS = [Quarter(2024, 1), Quarter(2024, 2)]
REAL_FORMS = {"xls-biff", "html-xls", "unicode-text", "portal-sync", "csv-titled", "xlsx-serial", "csv-serial"}
# Every mart the refresh builds; file ids and line numbers are the only columns that may differ.
MARTS = (
    "mart.unit_quarter_indicators",
    "mart.scorecard_766",
    "mart.unit_quarter_comparable",
    "mart.unit_quarter_satisfaction",
    "mart.one_stop_report_ii06a",
    "mart.inspections",
    "mart.plan_compliance",
    "mart.par_index",
    "mart.reconciliation",
)


def _generate(landing: Path, formats: str) -> GenerationSummary:
    # The same catalogue for both: the plain mode would otherwise draw from the compact one.
    return generate_province(
        landing, "87", QUARTERS, per_unit_quarter=15, districts=[DISTRICT], formats=formats, catalogue="full"
    )


@pytest.fixture(scope="module")
def twins(server_url: str, template_db: str, tmp_path_factory) -> Iterator[dict[str, object]]:
    built: dict[str, object] = {}
    names = []
    try:
        for formats in ("realistic", "csv"):
            landing = tmp_path_factory.mktemp(f"twin_{formats}") / "landing"
            summary = _generate(landing, formats)
            name, url = copy_template(server_url, template_db, "cchc_twin")
            names.append(name)
            results = [refresh(url, landing, str(q), run_id=f"twin_{formats}__{q}") for q in QUARTERS]
            built[formats] = {"summary": summary, "url": url, "results": results}
        yield built
    finally:
        for name in names:
            drop_database(server_url, name)


def _rows(url: str, table: str) -> list[str]:
    with connect(url) as conn:
        return [
            row[0]
            for row in conn.execute(
                f"select (to_jsonb(t) - 'file_id' - 'line_number')::text as r from {table} as t order by r"
            ).fetchall()
        ]


def test_the_realistic_landing_holds_every_real_form_and_the_same_dossiers(twins) -> None:
    real, plain = twins["realistic"]["summary"], twins["csv"]["summary"]
    assert set(real.dossier_formats) >= REAL_FORMS, real.dossier_formats
    assert set(plain.dossier_formats) == {"csv-utf8"}
    assert (real.files, real.rows, real.received, real.carried_over) == (
        plain.files,
        plain.rows,
        plain.received,
        plain.carried_over,
    )
    assert real.lead_in == plain.lead_in == "2023Q4"


@pytest.mark.parametrize("quarter", range(len(QUARTERS)))
def test_both_runs_read_everything_cleanly(twins, quarter: int) -> None:
    for formats in ("realistic", "csv"):
        check = dict(twins[formats]["results"][quarter]["check_run"])
        datasets = check.pop("datasets")
        assert check == {"unbalanced": 0, "rejected_files": 0, "landing_problems": 0, "rows_quarantined": 0}
        # Per dataset too: every row read was loaded or skipped as a summary row, none quarantined.
        for figures in datasets.values():
            assert figures["rows_quarantined"] == 0
            assert figures["rows_read"] == figures["rows_loaded"] + figures["rows_skipped"]


def test_the_realistic_run_met_the_quirks_of_real_exports(twins) -> None:
    with connect(twins["realistic"]["url"]) as conn:
        forms = dict(
            conn.execute(
                "select file_format, count(*) from raw.landing_file where dataset = 'dossiers' and quarter = '2024Q2' "
                "group by file_format"
            ).fetchall()
        )
        skipped = conn.execute(
            "select count(*) from raw.landing_file where quarter = '2024Q2' and rows_skipped > 0"
        ).fetchone()[0]
        day_only = conn.execute(
            "select count(*) from staging.stg_one_stop__dossiers where quarter = '2024Q2' and not resolved_at_has_time"
        ).fetchone()[0]
        words = conn.execute(
            "select count(*) from staging.stg_one_stop__dossiers where quarter = '2024Q2' and status_class = 'pending'"
        ).fetchone()[0]
    assert set(forms) == {"csv", "xls", "html", "xlsx"}
    # Summary rows of the .xls, HTML and titled CSV files; results written as a day; status words.
    assert skipped >= 3 and day_only > 0 and words > 0


@pytest.mark.parametrize("table", MARTS)
def test_every_mart_equals_its_plain_twin(twins, table: str) -> None:
    real = _rows(twins["realistic"]["url"], table)
    plain = _rows(twins["csv"]["url"], table)
    assert real == plain
    if table == "mart.unit_quarter_indicators":
        assert len(real) > 0 and any('"received": null' not in row for row in real)
