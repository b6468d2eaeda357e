"""The files a staff member opens for a unit and quarter: Biểu II.06a and the indicators workbook
(xlsx), and the dashboard page (html), written side by side.

They are read on the caller's connection, so under a reader login the database decides which units
can be reported on (cchc.reports.data). File names carry the unit and quarter, in ASCII so they
survive e-mail and zip tools: bieu-ii06a_87_2024Q2.xlsx, chi-so_87_2024Q2.xlsx, dashboard_87_2024Q2.html.
"""

from __future__ import annotations

from pathlib import Path

import psycopg

from cchc.config import reports_dir
from cchc.quarters import Quarter
from cchc.reports.data import NoFormFigures, load_report
from cchc.warehouse.sql_files import fetch_all

FORMATS = ("xlsx", "html")


def report_folder(quarter: Quarter, out: Path | None = None) -> Path:
    """`out` if given, else CCHC_REPORTS/<quarter> (default data/reports/<quarter>)."""
    return Path(out) if out is not None else reports_dir() / str(quarter)


def write_unit_reports(
    conn: psycopg.Connection,
    quarter: Quarter,
    unit_code: str,
    formats: tuple[str, ...] = FORMATS,
    out: Path | None = None,
) -> list[Path]:
    """Write the unit's reports in `formats` into `report_folder`; returns the files written."""
    from cchc.reports.dashboard import write_dashboard
    from cchc.reports.ii06a_workbook import write_ii06a_report
    from cchc.reports.indicators_workbook import write_indicators_workbook

    unknown = set(formats) - set(FORMATS)
    if unknown:
        raise ValueError(f"unknown report format(s) {', '.join(sorted(unknown))}; expected {', '.join(FORMATS)}")
    report = load_report(conn, quarter, unit_code)
    if "xlsx" in formats and not report.ii06a_rows:  # before anything is written: all the files or none
        raise NoFormFigures(f"no Biểu II.06a figures of {report.unit.code} in {quarter}: refresh the quarter")
    folder = report_folder(quarter, out)
    folder.mkdir(parents=True, exist_ok=True)
    stem = f"{report.unit.code}_{quarter}"
    written = []
    if "xlsx" in formats:
        written.append(write_ii06a_report(report, folder / f"bieu-ii06a_{stem}.xlsx"))
        written.append(write_indicators_workbook(report, folder / f"chi-so_{stem}.xlsx"))
    if "html" in formats:
        written.append(write_dashboard(report, folder / f"dashboard_{stem}.html"))
    return written


def refreshed_provinces(conn: psycopg.Connection, quarter: Quarter) -> list[str]:
    """Provinces with indicators in the quarter: the ones its refresh reports on."""
    return [code for (code,) in fetch_all(conn, "reports/refreshed_provinces.sql", {"quarter": str(quarter)})]
