"""The `cchc` command: refresh a quarter, show it, report on it, find the warehouse.

Exit codes: 0 done; 1 the command ran and found a problem (a refresh that failed its checks, a quarter
whose last run failed, nothing to show); 2 wrong usage; 3 the warehouse cannot be reached; 4 an input
that is not there (landing folder, province, scenario).
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import uuid
from pathlib import Path

from cchc import settings
from cchc.config import landing_dir
from cchc.quarters import Quarter

EXIT_PROBLEM, EXIT_USAGE, EXIT_WAREHOUSE, EXIT_INPUT = 1, 2, 3, 4
log = logging.getLogger("cchc")


class InputMissing(Exception):
    """An input the command needs is not there; the message says which and where it came from."""


def _landing(option: str | None) -> Path:
    """The landing zone named by --landing, else CCHC_LANDING, else data/landing; it must exist."""
    path = Path(option) if option else landing_dir()
    if not path.is_dir():
        source = "--landing" if option else ("CCHC_LANDING" if settings.given("CCHC_LANDING") else "the default")
        raise InputMissing(f"the landing zone {path} (from {source}) is not a folder")
    return path


def _quarter(text: str) -> Quarter:
    try:
        return Quarter.parse(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from error


def cmd_warehouse_url(_args: argparse.Namespace) -> int:
    from cchc.warehouse.connection import warehouse_url

    print(warehouse_url())
    return 0


def cmd_migrate(_args: argparse.Namespace) -> int:
    from cchc.warehouse.bootstrap import bootstrap_warehouse
    from cchc.warehouse.connection import connect

    with connect() as conn:
        done = bootstrap_warehouse(conn)
    stale = "; ".join(f"{name} ({', '.join(quarters)})" for name, quarters in done["quarters_to_refresh"].items())
    print(
        f"migrations applied: {', '.join(done['migrations_applied']) or 'none (up to date)'}; "
        f"derived relations created: {', '.join(done['models_created']) or 'none (up to date)'}; "
        f"admin units changed: {done['admin_units_changed']}; lineage rows changed: {done['lineage_changed']}; "
        f"row security applied to: {', '.join(done['row_security_applied_to']) or 'none (all covered)'}"
    )
    if stale:
        print(f"recreated empty, refresh these quarters to rebuild them: {stale}")
    return 0


def cmd_refresh(args: argparse.Namespace) -> int:
    from cchc.pipeline import RefreshContext, RefreshFailed, run_refresh
    from cchc.reports.terminal import step_line

    ctx = RefreshContext(
        quarter=args.quarter,
        run_id=f"cli__{args.quarter}__{uuid.uuid4().hex[:12]}",
        landing=_landing(args.landing),
        rebuild=args.rebuild,
    )
    log.info("refreshing %s from %s (run %s)", ctx.quarter, ctx.landing, ctx.run_id)

    def on_step(name: str, summary: dict, seconds: float) -> None:
        if args.json:
            print(json.dumps({"step": name, "seconds": round(seconds, 2), "summary": summary}, default=str))
        else:
            log.info("%s", step_line(name, summary, seconds))

    try:
        run_refresh(ctx, on_step=on_step)
    except RefreshFailed as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_PROBLEM
    q = ctx.quarter
    log.info("%s refreshed: see `cchc show --quarter %s` and `cchc quality --quarter %s`", q, q, q)
    return 0


def cmd_fetch_portal(args: argparse.Namespace) -> int:

    from cchc.pipeline import RefreshContext, fetch_portal_exports
    from cchc.sources.portal_api import PortalClient, PortalError

    token = settings.given("CCHC_PORTAL_TOKEN")
    if not token:
        print("error: set CCHC_PORTAL_TOKEN to the portal's API token", file=sys.stderr)
        return EXIT_USAGE
    ctx = RefreshContext(
        quarter=args.quarter,
        run_id=f"cli__fetch__{args.quarter}__{uuid.uuid4().hex[:12]}",
        landing=_landing(args.landing),
    )
    try:
        result = fetch_portal_exports(
            ctx, PortalClient(args.base_url, token), args.level, units=args.unit, province=args.province
        )
    except PortalError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_PROBLEM
    print(f"fetched {len(result['files'])} of {result['units']} units into {ctx.landing}")
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    from cchc.reports.terminal import indicator_csv, indicator_json, indicator_table
    from cchc.warehouse.connection import connect
    from cchc.warehouse.sql_files import fetch_all

    with connect() as conn:
        rows = fetch_all(
            conn,
            "reports/show_quarter.sql",
            {"quarter": str(args.quarter), "level": args.level, "province": args.province},
        )
    if not rows:
        print(
            f"no indicators for {args.quarter}: run `cchc refresh --quarter {args.quarter}` first",
            file=sys.stderr,
        )
        return EXIT_PROBLEM
    if args.format == "csv":
        sys.stdout.write(indicator_csv(rows))
    elif args.format == "json":
        print(indicator_json(rows))
    else:
        print(f"CCHC one-stop indicators, {args.quarter} (mart.unit_quarter_indicators)")
        print(indicator_table(rows))
    return 0


def cmd_status(args: argparse.Namespace) -> int:
    from cchc import submissions
    from cchc.reports.submissions import status_csv, status_json, status_summary, status_table
    from cchc.warehouse.connection import connect

    landing = _landing(args.landing)
    with connect() as conn:
        if args.record:
            rows = submissions.take(conn, landing, args.quarter, provinces=args.province)
        else:
            with conn.transaction():
                rows = submissions.status(conn, landing, args.quarter, provinces=args.province)
    if args.chase:
        rows = [row for row in rows if row.to_chase]
    if args.format == "csv":
        sys.stdout.write(status_csv(rows))
    elif args.format == "json":
        print(status_json(rows))
    else:
        print(f"Tình hình gửi báo cáo quý {args.quarter} / who has sent the exports of {args.quarter}")
        print(status_table(rows))
        print(status_summary(rows))
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    """Write a unit's Biểu II.06a, indicators workbook and dashboard, read under the login in use."""
    from cchc.reports.data import NoFormFigures, UnitNotVisible
    from cchc.reports.publish import FORMATS, write_unit_reports
    from cchc.warehouse.connection import connect, warehouse_url_as

    formats = tuple(args.format) if args.format else FORMATS
    url = warehouse_url_as(args.login) if args.login else None
    with connect(url) as conn:
        try:
            written = write_unit_reports(conn, args.quarter, args.unit, formats, Path(args.out) if args.out else None)
        except (UnitNotVisible, NoFormFigures) as error:
            print(f"error: {error}", file=sys.stderr)
            return EXIT_PROBLEM
    for path in written:
        print(path)
    return 0


def cmd_serve_warehouse(args: argparse.Namespace) -> int:
    """Open the embedded warehouse to reporting tools on TCP (readers, with passwords), or close it."""
    from cchc.warehouse.connection import connect
    from cchc.warehouse.serve import (
        AddressInUseError,
        ServeError,
        listen_setting,
        readers_without_password,
        serve,
        stop_serving,
    )

    try:
        if args.stop:
            stop_serving()
            print("the embedded warehouse listens on its Unix socket only")
            return 0
        served = serve(listen_setting(args.listen))
    except AddressInUseError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    except ServeError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_USAGE
    host = served["host"]
    print(
        f"the embedded warehouse serves readers on {host}:{served['port']} (database {served['database']}, "
        "password required, SCRAM-SHA-256); other logins are refused over TCP"
    )
    print(f"  e.g. psql 'host={host} port={served['port']} dbname={served['database']} user=<reader login>'")
    with connect() as conn:
        missing = readers_without_password(conn)
    if missing:
        print(
            "warning: these readers have no password and cannot sign in over TCP: "
            + ", ".join(missing)
            + " (CCHC_READER_PASSWORD=... cchc grant-reader --province P LOGIN sets one)",
            file=sys.stderr,
        )
    return 0


def cmd_reader_access(args: argparse.Namespace) -> int:
    """grant-reader and revoke-reader: staff logins that read schema mart for their provinces only."""

    from cchc.warehouse.access import AccessError, grant_reader, revoke_reader
    from cchc.warehouse.connection import connect

    try:
        with connect() as conn:
            if args.command == "grant-reader":
                password = settings.given("CCHC_READER_PASSWORD")
                grant_reader(conn, args.login, args.province, password=password)
                provinces = ", ".join(sorted(set(args.province)))
                print(f"{args.login} reads schema mart for province(s) {provinces}")
            elif revoke_reader(conn, args.login):
                print(f"{args.login} no longer reads schema mart (the login itself is kept)")
            else:
                print(f"{args.login} had no reader access")
    except AccessError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    return 0


def cmd_docs(args: argparse.Namespace) -> int:
    """Set every derived relation's COMMENTs from its model file, then write (or check) docs/."""
    from cchc.indicators import DOCS_DIR, render_docs, stale_docs, write_docs
    from cchc.warehouse.connection import connect
    from cchc.warehouse.migrations import migrate
    from cchc.warehouse.models import apply_models

    folder = Path(args.out) if args.out else DOCS_DIR
    with connect() as conn:
        migrate(conn)
        apply_models(conn, comments=True)
        rendered = render_docs(conn)
    if args.check:
        stale = stale_docs(rendered, folder)
        if stale:
            print(f"error: out of date in {folder}: {', '.join(stale)} (run `cchc docs`)", file=sys.stderr)
            return 1
        print(f"{folder}: up to date")
        return 0
    for path in write_docs(rendered, folder):
        print(f"wrote {path}")
    return 0


def cmd_quality(args: argparse.Namespace) -> int:
    """A quarter's data quality in the terminal, or (--serve) the Data Docs site on 127.0.0.1."""
    from cchc.quality.data_docs import index_path, serve

    if args.serve:
        if not index_path().exists():
            print(f"error: no Data Docs at {index_path()}: run a refresh first", file=sys.stderr)
            return 1
        from contextlib import suppress

        def ready(url: str) -> None:
            print(f"serving {index_path().parent} on {url} (Ctrl+C stops)", flush=True)

        with suppress(KeyboardInterrupt):
            serve(args.port, host=args.host, on_ready=ready)
        return 0
    if not args.quarter:
        print("error: cchc quality needs --quarter (e.g. 2024Q2), or --serve", file=sys.stderr)
        return EXIT_USAGE
    from cchc.quality.summary import last_run_failed, quality_report
    from cchc.warehouse.connection import connect

    with connect() as conn:
        report = quality_report(conn, args.quarter, args.province)
        failed = last_run_failed(conn, args.quarter)
    if report is None:
        print(f"no refresh of {args.quarter}: run `cchc refresh --quarter {args.quarter}` first", file=sys.stderr)
        return EXIT_PROBLEM
    print(report)
    # The quarter's last finished refresh failed: a script checking the quarter must see it.
    return EXIT_PROBLEM if failed else 0


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    def of(package: str) -> str:
        try:
            return version(package)
        except PackageNotFoundError:
            return "not installed"

    return (
        f"cchc {of('cchc')} (Airflow {of('apache-airflow')}, Great Expectations {of('great-expectations')}, "
        f"psycopg {of('psycopg')})"
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="cchc", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--version", action="version", version=_version())
    loudness = parser.add_mutually_exclusive_group()
    loudness.add_argument("-v", "--verbose", action="count", default=0, help="more detail (-vv: libraries too)")
    loudness.add_argument("-q", "--quiet", action="store_true", help="only warnings, errors and results")
    sub = parser.add_subparsers(dest="command", required=True)

    refresh = sub.add_parser("refresh", help="run the quarterly refresh in this process (same tasks as the DAG)")
    refresh.add_argument("--quarter", type=_quarter, required=True, help="e.g. 2024Q2")
    refresh.add_argument("--landing", help="landing zone (default: $CCHC_LANDING or data/landing)")
    refresh.add_argument(
        "--rebuild",
        action="store_true",
        help="revalidate and rebuild the quarter even where its files, suites, SQL and settings are unchanged",
    )
    refresh.add_argument("--json", action="store_true", help="print each step's whole summary as a JSON line")
    refresh.set_defaults(func=cmd_refresh)

    url = sub.add_parser("warehouse-url", help="print the libpq URL of the warehouse in use")
    url.set_defaults(func=cmd_warehouse_url)

    mig = sub.add_parser("migrate", help="apply schema migrations and load the admin-unit reference")
    mig.set_defaults(func=cmd_migrate)

    show = sub.add_parser("show", help="print a quarter's indicators per unit")
    show.add_argument("--quarter", type=_quarter, required=True)
    show.add_argument("--level", choices=("province", "district", "commune"))
    show.add_argument("--province", help="two-digit province code, e.g. 87")
    show.add_argument("--format", choices=("table", "csv", "json"), default="table")
    show.set_defaults(func=cmd_show)

    report = sub.add_parser(
        "report",
        help="write a unit's Biểu II.06a and indicators workbooks (xlsx) and dashboard page (html)",
        description="Reads schema mart only, under the login in use: WAREHOUSE_URL's user, or --login. A reader "
        "login (cchc grant-reader) can report on its own provinces only; the database refuses the rest. Files go "
        "to --out, else $CCHC_REPORTS/<quarter> (default data/reports/<quarter>).",
    )
    report.add_argument("--quarter", type=_quarter, required=True, help="e.g. 2024Q2")
    report.add_argument("--unit", required=True, help="GSO code of the reporting unit: province, district or commune")
    report.add_argument(
        "--format",
        action="append",
        choices=("xlsx", "html"),
        help="xlsx: the two workbooks; html: the dashboard (repeatable; default both)",
    )
    report.add_argument("--out", help="folder for the files (default: $CCHC_REPORTS/<quarter>)")
    report.add_argument(
        "--login", help="sign in to the warehouse as this login (password from $PGPASSWORD or ~/.pgpass)"
    )
    report.set_defaults(func=cmd_report)

    served = sub.add_parser(
        "serve-warehouse",
        help="open the embedded warehouse to reporting tools on TCP: reader logins only, with a password",
        description="Restarts the embedded PostgreSQL listening on --listen (else $CCHC_WAREHOUSE_LISTEN) as well "
        "as its Unix socket. Over TCP only members of cchc_reader may sign in, to the warehouse database, with a "
        "SCRAM-SHA-256 password; every other login is refused. --stop closes the TCP address again. A warehouse "
        "named by WAREHOUSE_URL is opened in its own server's settings instead.",
    )
    served.add_argument("--listen", help="HOST:PORT, e.g. 0.0.0.0:5433 (all addresses) or 10.0.0.5:5433")
    served.add_argument("--stop", action="store_true", help="listen on the Unix socket only again")
    served.set_defaults(func=cmd_serve_warehouse)

    status = sub.add_parser(
        "status",
        help="who has sent a quarter's exports, on time or late, and who has not (mart.submission_status)",
        description="Walks the landing zone now and compares it with the exports each unit owes "
        "(core.submission_expectation) and their due dates: the end of the period they cover plus "
        "CCHC_SUBMISSION_GRACE_DAYS (default 5).",
    )
    status.add_argument("--quarter", type=_quarter, required=True)
    status.add_argument("--province", action="append", help="only this province (repeatable), e.g. 87")
    status.add_argument("--chase", action="store_true", help="only the units to chase: overdue or refused")
    status.add_argument("--record", action="store_true", help="also write it to mart.submission_status")
    status.add_argument("--format", choices=("table", "csv", "json"), default="table")
    status.add_argument("--landing", help="landing zone (default: $CCHC_LANDING or data/landing)")
    status.set_defaults(func=cmd_status)

    fetch = sub.add_parser("fetch-portal", help="pull dossiers from the provincial portal's API into the landing zone")
    fetch.add_argument("--quarter", type=_quarter, required=True)
    fetch.add_argument(
        "--base-url", required=True, help="e.g. https://dichvucong.example.gov.vn (token: $CCHC_PORTAL_TOKEN)"
    )
    fetch.add_argument("--level", choices=("province", "district", "commune"), default="commune")
    fetch.add_argument("--unit", action="append", help="unit code to fetch (repeatable)")
    fetch.add_argument("--province", help="fetch every unit of --level in this province instead")
    fetch.add_argument("--landing", help="landing zone (default: $CCHC_LANDING or data/landing)")
    fetch.set_defaults(func=cmd_fetch_portal)

    grant = sub.add_parser(
        "grant-reader",
        help="let a staff login read schema mart for its provinces only (row-level security)",
        description="Create LOGIN if missing, make it a member of cchc_reader and replace the provinces it sees. "
        "The password is taken from $CCHC_READER_PASSWORD if set; otherwise a new login gets none "
        "(it can then only sign in where the server trusts it) and an existing login keeps its own.",
    )
    grant.add_argument("--province", action="append", required=True, help="two-digit province code (repeatable)")
    grant.add_argument("login", help="PostgreSQL login name, any characters (quoted safely)")
    grant.set_defaults(func=cmd_reader_access)

    revoke = sub.add_parser("revoke-reader", help="take schema mart away from a staff login (the login is kept)")
    revoke.add_argument("login")
    revoke.set_defaults(func=cmd_reader_access)

    docs = sub.add_parser(
        "docs",
        help="set the COMMENTs from the model files (include/sql/models), write docs/indicators.md, data_dictionary.md",
    )
    docs.add_argument("--check", action="store_true", help="only report whether the docs are up to date")
    docs.add_argument("--out", help="folder of the generated docs (default: docs/)")
    docs.set_defaults(func=cmd_docs)

    quality = sub.add_parser(
        "quality",
        help="a quarter's data quality: last run, files, rows, rejects, warnings, reconciliation, Data Docs",
    )
    quality.add_argument("--quarter", type=_quarter, help="e.g. 2024Q2")
    quality.add_argument("--province", help="only files of this province's units, e.g. 87")
    quality.add_argument("--serve", action="store_true", help="serve the Data Docs on http://127.0.0.1:PORT")
    quality.add_argument(
        "--port", type=int, default=8081, help="default 8081 (Airflow's UI has 8080); 0: any free port"
    )
    quality.add_argument("--host", default="127.0.0.1", help="address to serve on (0.0.0.0 inside a container)")
    quality.set_defaults(func=cmd_quality)
    return parser


NOISY_LIBRARIES = ("great_expectations", "airflow", "urllib3", "openpyxl", "pgserver", "alembic")


def configure_logging(verbose: int = 0, quiet: bool = False) -> None:
    """cchc's own messages at INFO (DEBUG with -v, WARNING with -q) on stderr, as plain lines; the
    libraries' at WARNING, unless -vv. Leaves other handlers of the root logger alone."""
    handler = next((h for h in log.handlers if getattr(h, "cchc_cli", False)), None)
    if handler is None:
        handler = logging.StreamHandler()
        handler.cchc_cli = True  # type: ignore[attr-defined]
        handler.setFormatter(logging.Formatter("%(message)s"))
        log.addHandler(handler)
    handler.stream = sys.stderr  # not setStream: it flushes the old stream, which may be closed by now
    log.propagate = False
    log.setLevel(logging.WARNING if quiet else logging.DEBUG if verbose else logging.INFO)
    for name in NOISY_LIBRARIES:
        logging.getLogger(name).setLevel(logging.DEBUG if verbose >= 2 else logging.WARNING)


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    configure_logging(args.verbose, args.quiet)
    try:
        return args.func(args)
    except InputMissing as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_INPUT
    except Exception as error:
        unreachable = _unreachable_warehouse(error)
        if unreachable is None:
            raise
        print(f"error: {unreachable}", file=sys.stderr)
        return EXIT_WAREHOUSE


def _unreachable_warehouse(error: Exception) -> str | None:
    """A short message if `error` is the warehouse refusing or not answering a connection, else None."""
    import psycopg

    from cchc.redaction import redact
    from cchc.warehouse.connection import warehouse_source

    if not isinstance(error, psycopg.OperationalError) or getattr(error, "sqlstate", None):
        return None
    first = (str(error).strip().splitlines() or ["no reason given"])[0]
    return redact(f"cannot connect to the warehouse ({warehouse_source()}): {first}")


if __name__ == "__main__":
    sys.exit(main())
