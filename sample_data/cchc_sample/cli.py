"""The `cchc-sample` command: write sample exports, or a seed article's scenario, into a landing zone.

cchc-sample --province 87 --from 2024Q1 --to 2024Q4 --formats realistic
cchc-sample --scenario hoa-hiep-bac-2018
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from cchc.config import landing_dir
from cchc.quarters import Quarter, quarter_range
from cchc.sources.datasets import DATASETS

EXIT_INPUT = 4  # as `cchc`: an input the command needs is not there


def _quarter(text: str) -> Quarter:
    try:
        return Quarter.parse(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="cchc-sample", description="write sample exports into the landing zone")
    parser.add_argument("--province", default="87", help="two-digit province code (default 87, Đồng Tháp)")
    parser.add_argument("--from", dest="first", type=_quarter, default=Quarter(2024, 1))
    parser.add_argument("--to", dest="last", type=_quarter)
    parser.add_argument("--district", action="append", help="limit to these district codes (repeatable)")
    parser.add_argument("--per-unit", type=int, default=40, help="new dossiers per unit and quarter")
    parser.add_argument("--seed", type=int, default=20240101)
    parser.add_argument(
        "--formats",
        choices=("mixed", "realistic", "csv"),
        default="mixed",
        help="mixed: each desk exports as its software does (UTF-8, Windows-1258, TCVN3, VNI, xlsx...); "
        "realistic: about half the desks in the forms of real exports (.xls, HTML saved as .xls, UTF-16 text, the "
        "portal's sync fields, title and total rows, serial dates); csv: UTF-8",
    )
    parser.add_argument("--dataset", action="append", choices=sorted(DATASETS), help="only these datasets (repeatable)")
    parser.add_argument("--scenario", help="write a named scenario reproducing a seed article instead")
    parser.add_argument("--landing", help="landing zone (default: $CCHC_LANDING or data/landing)")
    return parser


def generate(args: argparse.Namespace) -> str:
    """Write what `args` asks for; returns the summary to print. LookupError names what is not there."""
    from cchc_sample.province import generate_province
    from cchc_sample.scenarios import write_scenario
    from cchc_sample.units import load_units

    landing = Path(args.landing) if args.landing else landing_dir()
    if args.scenario:
        try:
            return str(write_scenario(args.scenario, landing))
        except KeyError as error:
            raise LookupError(error.args[0]) from None
    if args.province not in {unit.code for unit in load_units() if unit.level == "province"}:
        raise LookupError(f"no province {args.province!r} in the admin-unit reference (two digits, e.g. 87)")
    summary = generate_province(
        landing,
        args.province,
        quarter_range(args.first, args.last or args.first),
        per_unit_quarter=args.per_unit,
        seed=args.seed,
        districts=args.district or None,
        formats=args.formats,
        datasets=tuple(args.dataset) if args.dataset else None,
    )
    return str(summary)


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        print(generate(args))
    except LookupError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_INPUT
    return 0


if __name__ == "__main__":
    sys.exit(main())
