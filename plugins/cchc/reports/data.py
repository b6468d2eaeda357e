"""What a report holds, read from schema mart on the caller's connection.

Every query reads mart tables only, so a report works under a reader login (`cchc grant-reader`), and
row-level security decides what it may hold: a reader asking for a unit outside its provinces gets
`UnitNotVisible`, from the database's answer, not from a check here.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import psycopg

from cchc.quarters import Quarter
from cchc.warehouse.sql_files import read_sql

HISTORY_QUARTERS = 4
"""The indicators workbook sets the last four quarters side by side."""


class UnitNotVisible(LookupError):
    """The unit has no indicators in the quarter that this login may read."""


class NoFormFigures(LookupError):
    """The quarter has indicators but no rebuilt Biểu II.06a: it was refreshed before the form's mart
    existed (migration 029), and a refresh of the quarter builds it."""


@dataclass(frozen=True)
class ReportUnit:
    code: str
    name: str
    level: str
    parent_code: str | None
    province_code: str


@dataclass
class Report:
    """Everything the workbooks and the dashboard show of one unit and quarter; rows are dicts keyed by
    the mart's column names (see docs/data_dictionary.md)."""

    quarter: Quarter
    unit: ReportUnit
    # mart.unit_quarter_indicators of the unit and every unit under it, plus parent_name and, for
    # communes, rank_on_time_in_district, rank_on_time_in_province, rank_online_in_district,
    # rank_online_in_province (include/sql/reports/indicators.sql).
    indicators: list[dict[str, Any]]
    # mart.scorecard_766 of the same units.
    scorecard: list[dict[str, Any]]
    # The same units' indicators over the last HISTORY_QUARTERS quarters (include/sql/reports/history.sql).
    history: list[dict[str, Any]]
    # mart.unit_quarter_comparable of the unit, every quarter up to this one (derived/approximate marked).
    series: list[dict[str, Any]]
    # Biểu II.06a rebuilt (mart.unit_quarter_ii06a): row_kind 'unit' for each unit directly under it, then
    # 'desk' (its own one-stop desk), then 'total'.
    ii06a_rows: list[dict[str, Any]]
    # The unit's own Biểu II.06a as it sent it, beside the rebuilt figures (mart.one_stop_report_ii06a).
    ii06a_reported: list[dict[str, Any]] = field(default_factory=list)

    @property
    def report_period(self) -> tuple[date, date]:
        return self.quarter.report_period

    @property
    def quarters(self) -> list[Quarter]:
        """The quarters of `history`, oldest first, ending with the report's."""
        return history_quarters(self.quarter)

    def level_rows(self, level: str) -> list[dict[str, Any]]:
        return [row for row in self.indicators if row["unit_level"] == level]


def history_quarters(quarter: Quarter) -> list[Quarter]:
    """The HISTORY_QUARTERS quarters ending with `quarter`, oldest first."""
    out = [quarter]
    while len(out) < HISTORY_QUARTERS:
        out.insert(0, out[0].previous)
    return out


def _rows(conn: psycopg.Connection, relative_path: str, params: dict[str, Any]) -> list[dict[str, Any]]:
    with conn.cursor() as cur:
        cur.execute(read_sql(relative_path), params)
        names = [column.name for column in cur.description or ()]
        return [dict(zip(names, values, strict=True)) for values in cur.fetchall()]


@contextmanager
def _one_snapshot(conn: psycopg.Connection) -> Iterator[None]:
    """Every query of a report in one read-only snapshot: a refresh committing meanwhile must not give
    the report last quarter's indicators beside this quarter's history. Inside a caller's transaction,
    that transaction's snapshot is used as it is."""
    if conn.info.transaction_status != psycopg.pq.TransactionStatus.IDLE:
        yield
        return
    isolation, read_only = conn.isolation_level, conn.read_only
    conn.isolation_level, conn.read_only = psycopg.IsolationLevel.REPEATABLE_READ, True
    try:
        with conn.transaction():
            yield
    finally:
        conn.isolation_level, conn.read_only = isolation, read_only


def load_report(conn: psycopg.Connection, quarter: Quarter, unit_code: str) -> Report:
    """The report of `unit_code` (any level) for `quarter`, as this connection's login may see it."""
    with _one_snapshot(conn):
        return _load_report(conn, quarter, unit_code)


def _load_report(conn: psycopg.Connection, quarter: Quarter, unit_code: str) -> Report:
    params: dict[str, Any] = {"quarter": str(quarter), "unit": unit_code, "last_day": quarter.last_day}
    found = _rows(conn, "reports/report_unit.sql", params)
    if not found:
        raise UnitNotVisible(
            f"no indicators of unit {unit_code!r} in {quarter} that this login may read: the unit is not in the "
            f"warehouse for {quarter} (run `cchc refresh --quarter {quarter}`), or it belongs to a province this "
            "login was not granted (`cchc grant-reader`)"
        )
    row = found[0]
    unit = ReportUnit(row["unit_code"], row["unit_name"], row["unit_level"], row["parent_code"], row["province_code"])
    params["province"] = unit.province_code
    indicators = _rows(conn, "reports/indicators.sql", params)
    first = history_quarters(quarter)[0]
    history_params = {**params, "first_quarter": str(first), "units": [r["unit_code"] for r in indicators]}
    return Report(
        quarter=quarter,
        unit=unit,
        indicators=indicators,
        scorecard=_rows(conn, "reports/scorecard.sql", params),
        history=_rows(conn, "reports/history.sql", history_params),
        series=_rows(conn, "reports/series.sql", params),
        ii06a_rows=_rows(conn, "reports/ii06a_rows.sql", params),
        ii06a_reported=_rows(conn, "reports/ii06a_reported.sql", params),
    )
