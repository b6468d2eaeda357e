"""docs/sql/staff_queries.sql, the example queries the README gives staff, run as the README says:
under a reader's own login, every statement, on a refreshed warehouse."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest

from tests.reports.conftest import PROVINCE, QUARTER

pytestmark = pytest.mark.integration

EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "sql" / "staff_queries.sql"


def _statements() -> list[str]:
    text = "\n".join(line for line in EXAMPLES.read_text(encoding="utf-8").splitlines() if not line.startswith("--"))
    return [statement.strip() for statement in text.split(";") if statement.strip()]


def test_every_example_runs_under_a_reader_login_and_finds_rows(reader_87):
    statements = _statements()
    assert len(statements) == 7
    with psycopg.connect(reader_87) as reader:
        counts = [len(reader.execute(statement).fetchall()) for statement in statements]
    # Example 5 lists differences between sent forms and dossiers; the sample forms have none.
    assert [count > 0 for count in counts] == [True, True, True, True, False, True, True], counts


def test_the_top_ten_example_ranks_as_the_mart_does(reader_87, report_db):
    with psycopg.connect(reader_87) as reader:
        top = reader.execute(_statements()[1]).fetchall()
    with psycopg.connect(report_db) as owner:
        rates = sorted(
            {
                rate
                for (rate,) in owner.execute(
                    "select on_time_rate from mart.unit_quarter_indicators where quarter = %s and province_code = %s "
                    "and unit_level = 'commune' and on_time_rate is not null",
                    (QUARTER, PROVINCE),
                )
            },
            reverse=True,
        )
    # dense ranking: rank k holds the k-th highest distinct rate
    assert top and all(rate == rates[rank - 1] for rank, _, _, rate in top)
    assert {rank for rank, *_ in top} == set(range(1, min(10, len(rates)) + 1))
