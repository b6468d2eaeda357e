"""Screenshots of a unit's dashboard for the docs: docs/images/dashboard-desktop.png (1366 px wide) and
docs/images/dashboard-phone.png (390 px wide), whole pages, rendered by headless Chromium from the
dashboard's HTML file.

Usage:
    python scripts/report_screenshots.py --quarter 2024Q2 --unit 87
    python scripts/report_screenshots.py --url "$WAREHOUSE_URL" --quarter 2024Q2 --unit 866 --out /tmp/shots
    python scripts/report_screenshots.py --html page.html --name sheet   # any local HTML file

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
    parser.add_argument("--name", default="dashboard", help="file name stem of the screenshots")
    parser.add_argument("--out", type=Path, default=REPO_ROOT / "docs" / "images", help="folder of the PNGs")
    args = parser.parse_args(argv)
    if args.html:
        screenshot_html(args.html, args.out, args.name)
        return 0
    with tempfile.TemporaryDirectory(prefix="cchc-dashboard-") as folder:
        page = render_unit(args.url, args.quarter, args.unit, Path(folder))
        screenshot_html(page, args.out, args.name)
    return 0


if __name__ == "__main__":
    sys.exit(main())
