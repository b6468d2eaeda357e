"""Screenshots of a unit's dashboard for the docs: docs/images/dashboard-desktop.png (1366 px wide) and
docs/images/dashboard-phone.png (390 px wide), whole pages, rendered by headless Chromium from the
dashboard's HTML file.

Usage:
    python scripts/report_screenshots.py --quarter 2024Q2 --unit 87
    python scripts/report_screenshots.py --url "$WAREHOUSE_URL" --quarter 2024Q2 --unit 866 --out /tmp/shots
    python scripts/report_screenshots.py --html page.html --name sheet   # any local HTML file
    python scripts/report_screenshots.py --sheet bieu-ii06a_87_2024Q2.xlsx --name ii06a   # a workbook's first sheet

The figures are read under the login of --url (default: the project's warehouse, as `cchc` finds it).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from cchc.quarters import Quarter
from cchc.reports.browser import DESKTOP, PHONE, Chromium, Viewport, png_size, screenshot_file

REPO_ROOT = Path(__file__).resolve().parents[1]
SIZES: dict[str, Viewport] = {"desktop": DESKTOP, "phone": PHONE}


def screenshot_html(html: Path, out_dir: Path, name: str) -> list[Path]:
    """`<name>-desktop.png` and `<name>-phone.png` of a local HTML file, in `out_dir`."""
    shots = []
    with Chromium() as browser:
        for size, viewport in SIZES.items():
            out = screenshot_file(html, out_dir / f"{name}-{size}.png", viewport, browser=browser)
            width, height = png_size(out.read_bytes())
            if width != viewport.width:
                raise SystemExit(f"{out}: {width} px wide, expected {viewport.width}")
            print(f"{out} ({width}x{height})")
            shots.append(out)
    return shots


def sheet_as_html(workbook: Path, folder: Path) -> Path:
    """The first sheet of `workbook` as an HTML table (merged cells, bold, borders, counts written
    1.234), for a picture of the workbook without an office suite."""
    import html

    from openpyxl import load_workbook

    from cchc.reports.formats import vn_integer

    sheet = load_workbook(workbook).worksheets[0]
    spans: dict[tuple[int, int], tuple[int, int]] = {}
    hidden: set[tuple[int, int]] = set()
    for merged in sheet.merged_cells.ranges:
        spans[(merged.min_row, merged.min_col)] = (
            merged.max_row - merged.min_row + 1,
            merged.max_col - merged.min_col + 1,
        )
        hidden |= {
            (r, c) for r in range(merged.min_row, merged.max_row + 1) for c in range(merged.min_col, merged.max_col + 1)
        }
    rows = []
    for r in range(1, sheet.max_row + 1):
        cells = []
        for c in range(1, sheet.max_column + 1):
            if (r, c) in hidden and (r, c) not in spans:
                continue
            cell = sheet.cell(row=r, column=c)
            value = cell.value
            text = vn_integer(value) if isinstance(value, int) and not isinstance(value, bool) else str(value or "")
            rowspan, colspan = spans.get((r, c), (1, 1))
            style = ["font-weight:bold" if cell.font and cell.font.b else ""]
            if cell.border and cell.border.left and cell.border.left.style:
                style.append("border:1px solid #000")
            align = cell.alignment.horizontal if cell.alignment else None
            if align:
                style.append(f"text-align:{align}")
            cells.append(
                f'<td rowspan="{rowspan}" colspan="{colspan}" style="{";".join(x for x in style if x)}">'
                f"{html.escape(text)}</td>"
            )
        rows.append("<tr>" + "".join(cells) + "</tr>")
    page = (
        '<!doctype html><html lang="vi"><meta charset="utf-8"><style>body{font:13px Arial,sans-serif;margin:16px}'
        "table{border-collapse:collapse}td{padding:3px 6px;vertical-align:middle}</style>"
        f"<table>{''.join(rows)}</table></html>"
    )
    out = folder / f"{workbook.stem}.html"
    out.write_text(page, encoding="utf-8")
    return out


def render_unit(url: str | None, quarter: Quarter, unit: str, folder: Path) -> Path:
    """The unit's dashboard as an HTML file in `folder`."""
    from cchc.reports.dashboard import write_dashboard
    from cchc.reports.data import load_report
    from cchc.warehouse.connection import connect

    with connect(url) as conn:
        report = load_report(conn, quarter, unit)
    return write_dashboard(report, folder / f"dashboard-{unit}-{quarter}.html")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", help="warehouse URL (default: WAREHOUSE_URL, else the embedded warehouse)")
    parser.add_argument("--quarter", type=Quarter.parse, default=Quarter(2024, 2), help="e.g. 2024Q2")
    parser.add_argument("--unit", default="87", help="unit code (province, district or commune)")
    parser.add_argument("--html", type=Path, help="screenshot this HTML file instead of a dashboard")
    parser.add_argument("--sheet", type=Path, help="screenshot the first sheet of this workbook (desktop width)")
    parser.add_argument("--name", default="dashboard", help="file name stem of the screenshots")
    parser.add_argument("--out", type=Path, default=REPO_ROOT / "docs" / "images", help="folder of the PNGs")
    args = parser.parse_args(argv)
    if args.html:
        screenshot_html(args.html, args.out, args.name)
        return 0
    if args.sheet:
        with tempfile.TemporaryDirectory(prefix="cchc-sheet-") as folder:
            page = sheet_as_html(args.sheet, Path(folder))
            with Chromium() as browser:
                out = screenshot_file(page, args.out / f"{args.name}.png", DESKTOP, browser=browser)
            print(f"{out} ({'x'.join(map(str, png_size(out.read_bytes())))})")
        return 0
    with tempfile.TemporaryDirectory(prefix="cchc-dashboard-") as folder:
        page = render_unit(args.url, args.quarter, args.unit, Path(folder))
        screenshot_html(page, args.out, args.name)
    return 0


if __name__ == "__main__":
    sys.exit(main())
