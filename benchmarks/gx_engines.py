"""Great Expectations on pandas chunks (what staging does) beside Great Expectations run as SQL in
PostgreSQL, on the same rows: the whole `staging.dossiers` suite.

    python -m benchmarks.gx_engines --database cchc_bench_1m [--quarter 2024Q2]

Takes a warehouse that a benchmark or a refresh has filled. The suite also reads columns that staging
computes while typing and never stores (the landing unit, the first file of a repeated dossier id,
dates compared by day, a status at odds with the dates, a status word in a date column, the file's
warnings). They are computed here in SQL from the quarter's staged rows, their raw text and their
files, into a work table, and timed on their own. The suite then validates that table twice: once
by fetching its rows in chunks into pandas, once through a PostgreSQL data source, where every
expectation becomes queries. It prints, per engine, seconds, rows/s, the process's peak RSS and the
unexpected rows of each expectation, which must agree.

The SQL engine's seconds are what validation costs in PostgreSQL while Great Expectations stays the
one definition of every check, with typing itself costing nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pandas as pd

from benchmarks.bench import BENCH_DATABASE, QUARTER, PeakRss
from cchc.config import LOCAL_TZ
from cchc.quality.expectations import ephemeral_context, exception_raised, import_great_expectations, load_suite
from cchc.quarters import Quarter
from cchc.staging import chunk_rows, file_chunks, suite_parameters
from cchc.warehouse.connection import connect, warehouse_url, with_database

SUITE = "staging.dossiers"
TABLE = "gx_engines_dossiers"
INDEX = ["file_id", "line_number"]
CHECK_ROWS_SQL = Path(__file__).with_name("gx_engines_check_rows.sql")


def suite_columns() -> list[str]:
    """The rows' location and every column an expectation of the suite names."""
    columns = list(INDEX)
    for expectation in load_suite(SUITE)["expectations"]:
        kwargs = expectation["kwargs"]
        named = [kwargs.get(key) for key in ("column", "column_A", "column_B")] + list(kwargs.get("column_list") or [])
        columns += [name for name in named if name]
    return list(dict.fromkeys(columns))


def build_check_rows(url: str, quarter: Quarter) -> tuple[int, float]:
    """Write the work table of every column the suite reads; its rows and the seconds SQL took."""
    from psycopg import sql

    statement = sql.SQL(CHECK_ROWS_SQL.read_text(encoding="utf-8")).format(
        table=sql.Identifier(TABLE), quarter=sql.Literal(str(quarter)), timezone=sql.Literal(LOCAL_TZ)
    )
    with connect(url) as conn:
        conn.execute(f"drop table if exists {TABLE}")
        started = time.perf_counter()
        conn.execute(statement)
        seconds = time.perf_counter() - started
        conn.execute(f"analyze {TABLE}")
        rows = conn.execute(f"select count(*) from {TABLE}").fetchone()[0]
    return rows, seconds


def drop_check_rows(url: str) -> None:
    with connect(url) as conn:
        conn.execute(f"drop table if exists {TABLE}")


def _unexpected(result: Any) -> dict[str, int]:
    return {
        item.expectation_config.meta["reason"]: int(item.result.get("unexpected_count") or 0) for item in result.results
    }


def _failures(result: Any) -> None:
    """Stop on an expectation that could not run: a count of 0 would read as a pass."""
    for item in result.results:
        raised = exception_raised(item)
        if raised is not None:
            raise RuntimeError(f"{item.expectation_config.type} could not run: {raised}")


def _suite() -> Any:
    from great_expectations.core import ExpectationSuite

    return ExpectationSuite(name=SUITE, expectations=load_suite(SUITE)["expectations"])


def on_pandas(url: str, parameters: dict[str, Any]) -> dict:
    """Fetch the rows chunk by chunk (whole landing units, as staging plans them) and validate each
    chunk in pandas."""
    context = ephemeral_context()
    asset = context.data_sources.add_pandas(name="frames").add_dataframe_asset(name="dossiers")
    definition = asset.add_batch_definition_whole_dataframe("whole")
    columns = suite_columns()
    totals: dict[str, int] = {}
    rows = 0
    with connect(url) as conn:
        files = conn.execute(
            f"select file_id, landing_unit_code, count(*) from {TABLE} group by 1, 2 order by 2, 1"
        ).fetchall()
        chunks = file_chunks(files, chunk_rows())
        for chunk in chunks:
            cur = conn.execute(f"select {', '.join(columns)} from {TABLE} where file_id = any(%s)", (chunk.file_ids,))
            frame = pd.DataFrame(cur.fetchall(), columns=columns)
            for column in frame.columns:
                if column.endswith(("_at", "_compared", "_compared_to_due", "_compared_to_resolved")):
                    frame[column] = pd.to_datetime(frame[column], utc=True).dt.tz_convert(LOCAL_TZ)
            frame["supplement_requests"] = frame["supplement_requests"].astype("Int64")
            batch = definition.get_batch(batch_parameters={"dataframe": frame})
            result = batch.validate(
                _suite(),
                result_format={"result_format": "COMPLETE", "unexpected_index_column_names": INDEX},
                expectation_parameters=parameters,
            )
            _failures(result)
            for reason, count in _unexpected(result).items():
                totals[reason] = totals.get(reason, 0) + count
            rows += len(frame)
    return {"rows": rows, "chunks": len(chunks), "unexpected": totals}


def on_postgres(url: str, parameters: dict[str, Any]) -> dict:
    """Validate the rows where they are: each expectation runs as SQL."""
    context = ephemeral_context()
    # A config variable, not the URL itself: GX's URL check refuses a Unix-socket host (the embedded server).
    os.environ["CCHC_GX_ENGINES_URL"] = _sqlalchemy_url(url)
    source = context.data_sources.add_postgres(name="warehouse", connection_string="${CCHC_GX_ENGINES_URL}")
    asset = source.add_table_asset(name="dossiers", table_name=TABLE)
    batch = asset.add_batch_definition_whole_table("whole").get_batch()
    with _statements_counted() as statements:
        result = batch.validate(
            _suite(),
            result_format={"result_format": "COMPLETE", "unexpected_index_column_names": INDEX},
            expectation_parameters=parameters,
        )
    _failures(result)
    with connect(url) as conn:
        rows = conn.execute(f"select count(*) from {TABLE}").fetchone()[0]
    return {"rows": rows, "chunks": 1, "unexpected": _unexpected(result), "queries": statements["count"]}


@contextmanager
def _statements_counted() -> Iterator[dict[str, int]]:
    """How many statements every SQLAlchemy engine (GX's own among them) sends while the block runs."""
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    counted = {"count": 0}

    def count(*_args: Any) -> None:
        counted["count"] += 1

    event.listen(Engine, "after_cursor_execute", count)
    try:
        yield counted
    finally:
        event.remove(Engine, "after_cursor_execute", count)


def validation_in_sql(url: str, quarter: Quarter) -> dict[str, Any]:
    """What the whole suite costs run by Great Expectations as SQL over the quarter's staged dossiers:
    the seconds of computing the columns it reads beyond the staged ones, and of validating them."""
    with connect(url) as conn:
        parameters = suite_parameters(conn, quarter)
    import_great_expectations()  # the import is not part of it
    try:
        rows, check_seconds = build_check_rows(url, quarter)
        started = time.perf_counter()
        found = on_postgres(url, parameters)
        seconds = time.perf_counter() - started
    finally:
        drop_check_rows(url)
    return {
        "expectations": len(load_suite(SUITE)["expectations"]),
        "rows": rows,
        "check_columns_seconds": round(check_seconds, 2),
        "validate_seconds": round(seconds, 2),
        "queries": found["queries"],
        "unexpected_rows": sum(found["unexpected"].values()),
    }


def _sqlalchemy_url(url: str) -> str:
    """The warehouse URL for SQLAlchemy's psycopg2 dialect (a libpq key=value string or a URL)."""
    import psycopg

    info = psycopg.conninfo.conninfo_to_dict(url)
    user = info.get("user", "postgres")
    host = info.get("host", "127.0.0.1")
    port = info.get("port", "5432")
    query = f"?host={host}" if host.startswith("/") else ""
    netloc = f"{user}@" + ("" if query else f"{host}:{port}")
    return f"postgresql+psycopg2://{netloc}/{info['dbname']}{query}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--warehouse-url", help="server (default: $WAREHOUSE_URL, else the embedded one)")
    parser.add_argument("--database", default=BENCH_DATABASE, help="database holding the staged quarter")
    parser.add_argument("--quarter", type=Quarter.parse, default=QUARTER)
    args = parser.parse_args(argv)
    url = with_database(warehouse_url(args.warehouse_url), args.database)
    with connect(url) as conn:
        parameters = suite_parameters(conn, args.quarter)
    import_great_expectations()  # once, outside the timings
    figures = {}
    try:
        rows, check_seconds = build_check_rows(url, args.quarter)
        with PeakRss() as sampler:
            for name, engine in (("pandas chunks", on_pandas), ("PostgreSQL (SQL)", on_postgres)):
                with sampler.window() as memory:
                    started = time.perf_counter()
                    found = engine(url, parameters)
                    seconds = time.perf_counter() - started
                peak = round(memory["peak_rss_bytes"] / 2**20)
                figures[name] = {**found, "seconds": round(seconds, 2), "peak_rss_mib": peak}
    finally:
        drop_check_rows(url)
    expectations = len(load_suite(SUITE)["expectations"])
    print(f"The {expectations} expectations of {SUITE} on the staged dossiers of {args.quarter} ({args.database})\n")
    print(f"Columns the suite reads beyond the staged ones, computed in SQL: {check_seconds:.2f} s for {rows:,} rows\n")
    print("| engine | rows | chunks | seconds | rows/s | seconds per expectation | peak RSS (MiB) |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for name, found in figures.items():
        rate = found["rows"] / found["seconds"] if found["seconds"] else float("inf")
        cells = [name, f"{found['rows']:,}", found["chunks"], f"{found['seconds']:.2f}", f"{rate:,.0f}"]
        cells += [f"{found['seconds'] / expectations:.3f}", found["peak_rss_mib"]]
        print("| " + " | ".join(str(cell) for cell in cells) + " |")
    print(f"\nStatements GX sent to PostgreSQL: {figures['PostgreSQL (SQL)']['queries']}")
    pandas_counts, sql_counts = (found["unexpected"] for found in figures.values())
    agree = pandas_counts == sql_counts
    print(f"\nunexpected rows in all (pandas chunks): {sum(pandas_counts.values())}")
    print(f"unexpected rows per expectation agree: {agree}")
    if not agree:
        print(json.dumps({"pandas": pandas_counts, "sql": sql_counts}, ensure_ascii=False, indent=1))
    return 0 if agree else 1


if __name__ == "__main__":
    raise SystemExit(main())
