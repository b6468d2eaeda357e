"""Reconciliation: a quarter's figures compared across sources and levels, kept in `mart.reconciliation`.

Each check is one SQL file in `include/sql/quality/` that inserts one row per unit, form row (if any)
and measure into the quarter's partition; it reads the marts, so it runs after `build_marts`:

- `ii06a_vs_dossiers`: every figure of a Biểu II.06a row about a unit, as reported, against the same
  figure rebuilt from the dossier exports over the form's own period (`mart.one_stop_report_ii06a`):
  a commune's row on its district's form, the district's own desk, a district's row on the province's
  form (its whole subtree). Rows none of whose units sent a dossiers file are left out.
- `ii06a_vs_unit_form`: a unit's row on a higher unit's form (a district on the province's form)
  against the total of the unit's own form (the sum of its rows about units).
- `indicators_rollup`: each district's and province's figures in `mart.unit_quarter_indicators`
  against its own desk, counted again from `core.fct_dossier`, plus the units directly under it.
  It holds by construction, so a difference there is a warehouse bug; it is stored all the same.
- `portal_statistics_vs_dossiers`: each count the portal reported for a unit's quarter (the side
  file `dossiers.statistics.json` that `cchc fetch-portal` writes beside the dossiers) against the
  same count of the unit's dossiers in `core.fct_dossier`. The side files are read from the landing
  zone into `raw.portal_statistics` first, replacing the quarter's partition; the check is listed in
  the summary only for a quarter that has them.

In every row `value_a` is the figure checked and `value_b` what it should equal;
`difference = value_a - value_b`, a blank form cell counting 0 (staff leave zeros blank; `value_a`
or `value_b` keeps the NULL and `detail` says so). `within_tolerance` is
`|difference| <= tolerance`, where `tolerance = max(abs, percent x |value_b| / 100)` rounded to
2 decimals, with `percent` from `CCHC_RECONCILE_TOLERANCE_PERCENT` and `abs` from
`CCHC_RECONCILE_TOLERANCE_ABS` (dossiers; both default 0, i.e. exact). `indicators_rollup` is always
exact: a tolerance is for sources that count differently, not for the warehouse's own sums.

Differences are reported, never fatal: the refresh's `reconcile` step stores them and writes a summary
to `audit.task_run`; whether they fail anything is for the quality gate to decide. A malformed side
file is left out of the comparison and named in the summary; landing discovery, which checks the same
files, has recorded it as a landing problem of the run, which fails the run's last task.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import psycopg

from cchc import settings
from cchc.config import landing_dir
from cchc.quarters import Quarter
from cchc.sources.landing import STATISTICS_MEASURES, PortalStatistics, discover_statistics
from cchc.warehouse.copy_loader import copy_rows
from cchc.warehouse.partitions import empty_partition
from cchc.warehouse.sql_files import execute_file, fetch_all

TABLE = "mart.reconciliation"
PERCENT_VAR = "CCHC_RECONCILE_TOLERANCE_PERCENT"
ABS_VAR = "CCHC_RECONCILE_TOLERANCE_ABS"
PORTAL_CHECK = "portal_statistics_vs_dossiers"
# Check name -> the file inserting its rows.
CHECKS: tuple[tuple[str, str], ...] = (
    ("ii06a_vs_dossiers", "models/mart/reconciliation/build_ii06a_vs_dossiers.sql"),
    ("ii06a_vs_unit_form", "models/mart/reconciliation/build_ii06a_vs_unit_form.sql"),
    ("indicators_rollup", "models/mart/reconciliation/build_indicators_rollup.sql"),
    (PORTAL_CHECK, "models/mart/reconciliation/build_portal_statistics_vs_dossiers.sql"),
)
TOP_DIFFERENCES = 5  # gaps named in the step's summary
STATISTICS_TABLE = "raw.portal_statistics"
STATISTICS_COLUMNS = (
    "quarter",
    "unit_level",
    "unit_code",
    "path",
    "checksum",
    "dossiers_checksum",
    "fetched_at",
    *STATISTICS_MEASURES,
)


@dataclass(frozen=True)
class Tolerance:
    """How far two figures may differ and still count as reconciled."""

    percent: Decimal = Decimal(0)
    absolute: Decimal = Decimal(0)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Tolerance:
        """`CCHC_RECONCILE_TOLERANCE_PERCENT` and `CCHC_RECONCILE_TOLERANCE_ABS`, each 0 when unset or empty."""
        return cls(
            percent=settings.non_negative_decimal(PERCENT_VAR, environ),
            absolute=settings.non_negative_decimal(ABS_VAR, environ),
        )

    def params(self) -> dict[str, Decimal]:
        return {"tolerance_percent": self.percent, "tolerance_abs": self.absolute}


@dataclass(frozen=True)
class Gap:
    """One row of `mart.reconciliation` outside tolerance (see the table's COMMENTs for each field)."""

    quarter: str
    province_code: str
    check_name: str
    unit_code: str
    unit_level: str
    scope: str
    reporting_unit_code: str | None
    file_id: int | None
    line_number: int | None
    period_start: date
    period_end: date
    measure: str
    source_a: str
    source_b: str
    value_a: int | None
    value_b: int | None
    difference: int
    tolerance: Decimal
    detail: str

    def as_dict(self) -> dict[str, Any]:
        """JSON-clean: dates as ISO text, the tolerance as a float."""
        values = {name: getattr(self, name) for name in self.__dataclass_fields__}
        values.update(
            period_start=self.period_start.isoformat(),
            period_end=self.period_end.isoformat(),
            tolerance=float(self.tolerance),
        )
        return values


def reconcile_quarter(
    conn: psycopg.Connection, quarter: Quarter, tolerance: Tolerance | None = None, landing: Path | None = None
) -> dict[str, Any]:
    """Insert every check's rows for `quarter` into its partition of `mart.reconciliation`.

    The caller runs this inside its transaction, after creating and emptying the partition and after
    the quarter's marts are built; the portal's statistics are read from `landing` (default
    `CCHC_LANDING`) into `raw.portal_statistics` first. Returns a JSON-clean summary: the tolerance
    used, `checks` (rows compared), `outside_tolerance`, the same two counts per check in `by_check`
    (the portal check only when the quarter has statistics files), the largest gaps (`Gap.as_dict`)
    in `top_differences`, and `portal_statistics`: files read and files rejected (path and reason).
    """
    tolerance = tolerance or Tolerance.from_env()
    portal = load_portal_statistics(conn, quarter, landing_dir() if landing is None else landing)
    params = {
        "quarter": str(quarter),
        "first_day": quarter.first_day,
        "last_day": quarter.last_day,
        **tolerance.params(),
    }
    for _name, sql_file in CHECKS:
        execute_file(conn, sql_file, params)
    # A province without the portal's statistics keeps the summary it had: no empty portal check.
    has_statistics = bool(portal["files"] or portal["rejected"])
    by_check = {
        name: {"compared": 0, "outside_tolerance": 0} for name, _ in CHECKS if name != PORTAL_CHECK or has_statistics
    }
    for name, compared, outside in fetch_all(conn, "quality/reconcile_summary.sql", params):
        by_check[name] = {"compared": compared, "outside_tolerance": outside}
    return {
        "tolerance_percent": float(tolerance.percent),
        "tolerance_abs": float(tolerance.absolute),
        "checks": sum(c["compared"] for c in by_check.values()),
        "outside_tolerance": sum(c["outside_tolerance"] for c in by_check.values()),
        "by_check": by_check,
        "top_differences": [gap.as_dict() for gap in reconciliation_gaps(conn, quarter, limit=TOP_DIFFERENCES)],
        "portal_statistics": portal,
    }


def load_portal_statistics(conn: psycopg.Connection, quarter: Quarter, landing: Path) -> dict[str, Any]:
    """Replace the quarter's partition of `raw.portal_statistics` with the side files now in `landing`.

    Runs in the caller's transaction. A side file that does not read well is left out and returned
    under `rejected` with the reason (discovery records the same file as a landing problem).
    Returns {"files": side files loaded, "rejected": [{"path", "reason"}]}.
    """
    found, problems = discover_statistics(Path(landing), quarter)
    empty_partition(conn, STATISTICS_TABLE, str(quarter))
    copy_rows(conn, STATISTICS_TABLE, STATISTICS_COLUMNS, (_statistics_row(item) for item in found))
    return {
        "files": len(found),
        "rejected": [{"path": problem.relative_path, "reason": problem.reason} for problem in problems],
    }


def _statistics_row(item: PortalStatistics) -> tuple[Any, ...]:
    return (
        item.quarter,
        item.unit_level,
        item.unit_code,
        item.relative_path,
        item.checksum,
        item.dossiers_checksum,
        item.fetched_at,
        *(item.counts[name] for name in STATISTICS_MEASURES),
    )


def reconciliation_gaps(conn: psycopg.Connection, quarter: Quarter | str, limit: int | None = None) -> list[Gap]:
    """The quarter's reconciliation rows outside tolerance, largest |difference| first (then by check,
    unit and measure), at most `limit` of them (all when None).

    Each is a `Gap`: quarter, province_code, check_name (`ii06a_vs_dossiers`, `ii06a_vs_unit_form`,
    `indicators_rollup`, `portal_statistics_vs_dossiers`), unit_code, unit_level, scope (`desk` or
    `subtree`), reporting_unit_code (who reported value_a; None when the warehouse computed it or the
    portal reported it), file_id and line_number (the form row of value_a, or None), period_start and
    period_end (dates), measure, source_a, source_b, value_a and value_b (int, None for a blank cell),
    difference (int, value_a - value_b, blanks as 0), tolerance (Decimal) and detail (Vietnamese /
    English text). An empty list when the quarter reconciles or was never reconciled.
    """
    rows = fetch_all(conn, "quality/reconcile_gaps.sql", {"quarter": str(quarter), "limit": limit})
    return [Gap(*row) for row in rows]
