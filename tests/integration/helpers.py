"""Small helpers shared by the integration tests."""

from __future__ import annotations

import csv
from pathlib import Path

from cchc.pipeline import RefreshContext, run_refresh
from cchc.quarters import Quarter
from tests.support.measures import DOSSIER_EXPORT_COLUMNS

# The dossiers dataset's canonical column names, which the readers accept as headers too.
ENGLISH_HEADER = tuple(DOSSIER_EXPORT_COLUMNS)


def refresh(url: str, landing: Path, quarter: str, run_id: str | None = None) -> dict:
    q = Quarter.parse(quarter)
    ctx = RefreshContext(q, run_id or f"test__{quarter}__{id(landing)}", landing, warehouse_url=url, trigger="test")
    return run_refresh(ctx, echo=lambda _line: None)


def write_dossiers(landing: Path, level: str, unit: str, quarter: str, rows: list[tuple]) -> Path:
    """A dossiers.csv in the landing zone with English headers, rows in ENGLISH_HEADER order."""
    path = landing / level / unit / quarter / "dossiers.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(ENGLISH_HEADER)
        writer.writerows(rows)
    return path


def mart_row(conn, quarter: str, unit_code: str) -> dict:
    with conn.cursor() as cur:
        cur.execute(
            "select * from mart.unit_quarter_indicators where quarter = %s and unit_code = %s",
            (quarter, unit_code),
        )
        values = cur.fetchone()
        assert values is not None, f"no mart row for {unit_code} in {quarter}"
        return dict(zip([d.name for d in cur.description], values, strict=True))
