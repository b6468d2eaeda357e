"""Great Expectations on pandas chunks (what staging does) beside Great Expectations run as SQL in
PostgreSQL, on the same staged rows.

    python -m benchmarks.gx_engines --database cchc_bench_1m [--quarter 2024Q2]

Takes a warehouse that a benchmark or a refresh has filled, and runs the `staging.dossiers`
expectations that read only staged columns over the quarter's staged dossiers: once by fetching the
rows in chunks into pandas, once through a PostgreSQL data source, where every expectation becomes a
query. It prints, per engine, seconds, rows/s, the process's peak RSS and the unexpected rows of each
expectation, which must agree. The check columns staging computes while typing (the first file of a
repeated dossier id, the landing unit) exist in pandas only, so their expectations are left out of both.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from typing import Any

import pandas as pd

from benchmarks.bench import BENCH_DATABASE, QUARTER, PeakRss
from cchc.config import LOCAL_TZ
from cchc.quality.expectations import load_suite
from cchc.quarters import Quarter
from cchc.sources.datasets import DATASETS
from cchc.staging import chunk_rows, suite_parameters
from cchc.warehouse.connection import connect, warehouse_url, with_database

SUITE = "staging.dossiers"
TABLE = "staging.stg_one_stop__dossiers"
# The staged dossier columns, located by file and line.
COLUMNS = ["file_id", "line_number", *DATASETS["dossiers"].column_names]
INDEX = ["file_id", "line_number"]


def comparable_expectations() -> list[dict[str, Any]]:
    """The suite's expectations whose columns are all staged columns."""
    staged = set(COLUMNS)
    chosen = []
    for expectation in load_suite(SUITE)["expectations"]:
        kwargs = expectation["kwargs"]
        named = [kwargs.get(key) for key in ("column", "column_A", "column_B")] + list(kwargs.get("column_list") or [])
        if {name for name in named if name} <= staged:
            chosen.append(expectation)
    return chosen


def _context() -> Any:
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    return context


def _unexpected(result: Any) -> dict[str, int]:
    return {
        item.expectation_config.meta["reason"]: int(item.result.get("unexpected_count") or 0) for item in result.results
    }


def _suite(expectations: list[dict[str, Any]]) -> Any:
    from great_expectations.core import ExpectationSuite

    return ExpectationSuite(name=SUITE, expectations=expectations)


def on_pandas(url: str, quarter: Quarter, expectations: list[dict[str, Any]], parameters: dict[str, Any]) -> dict:
    """Fetch the staged rows chunk by chunk (whole files) and validate each chunk in pandas."""
    context = _context()
    asset = context.data_sources.add_pandas(name="frames").add_dataframe_asset(name="dossiers")
    definition = asset.add_batch_definition_whole_dataframe("whole")
    totals: dict[str, int] = {}
    rows = 0
    with connect(url) as conn:
        files = conn.execute(
            f"select file_id, count(*) from {TABLE} where quarter = %s group by 1 order by 1", (str(quarter),)
        ).fetchall()
        chunks, current, size, limit = [], [], 0, chunk_rows()
        for file_id, count in files:
            current.append(file_id)
            size += count
            if size >= limit:
                chunks.append(current)
                current, size = [], 0
        chunks += [current] if current else []
        for file_ids in chunks:
            cur = conn.execute(
                f"select {', '.join(COLUMNS)} from {TABLE} where quarter = %s and file_id = any(%s)",
                (str(quarter), file_ids),
            )
            frame = pd.DataFrame(cur.fetchall(), columns=COLUMNS)
            for column in ("received_at", "due_at", "resolved_at"):
                frame[column] = pd.to_datetime(frame[column], utc=True).dt.tz_convert(LOCAL_TZ)
            frame["supplement_requests"] = frame["supplement_requests"].astype("Int64")
            batch = definition.get_batch(batch_parameters={"dataframe": frame})
            result = batch.validate(
                _suite(expectations),
                result_format={"result_format": "COMPLETE", "unexpected_index_column_names": INDEX},
                expectation_parameters=parameters,
            )
            for reason, count in _unexpected(result).items():
                totals[reason] = totals.get(reason, 0) + count
            rows += len(frame)
    return {"rows": rows, "chunks": len(chunks), "unexpected": totals}


def on_postgres(url: str, quarter: Quarter, expectations: list[dict[str, Any]], parameters: dict[str, Any]) -> dict:
    """Validate the quarter's staged rows where they are: each expectation runs as SQL."""
    context = _context()
    # A config variable, not the URL itself: GX's URL check refuses a Unix-socket host (the embedded server).
    os.environ["CCHC_GX_ENGINES_URL"] = _sqlalchemy_url(url)
    source = context.data_sources.add_postgres(name="warehouse", connection_string="${CCHC_GX_ENGINES_URL}")
    asset = source.add_query_asset(
        name="dossiers", query=f"select {', '.join(COLUMNS)} from {TABLE} where quarter = '{quarter}'"
    )
    batch = asset.add_batch_definition_whole_table("whole").get_batch()
    result = batch.validate(
        _suite(expectations),
        result_format={"result_format": "COMPLETE", "unexpected_index_column_names": INDEX},
        expectation_parameters=parameters,
    )
    with connect(url) as conn:
        rows = conn.execute(f"select count(*) from {TABLE} where quarter = %s", (str(quarter),)).fetchone()[0]
    return {"rows": rows, "chunks": 1, "unexpected": _unexpected(result)}


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
    expectations = comparable_expectations()
    with connect(url) as conn:
        parameters = suite_parameters(conn, args.quarter)
    _context()  # import GX once, outside the timings
    figures = {}
    with PeakRss() as sampler:
        for name, engine in (("pandas chunks", on_pandas), ("PostgreSQL (SQL)", on_postgres)):
            with sampler.window() as memory:
                started = time.perf_counter()
                found = engine(url, args.quarter, expectations, parameters)
                seconds = time.perf_counter() - started
            peak = round(memory["peak_rss_bytes"] / 2**20)
            figures[name] = {**found, "seconds": round(seconds, 2), "peak_rss_mib": peak}
    print(f"{len(expectations)} expectations of {SUITE} on the staged dossiers of {args.quarter} ({args.database})\n")
    print("| engine | rows | chunks | seconds | rows/s | peak RSS (MiB) |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, found in figures.items():
        rate = found["rows"] / found["seconds"] if found["seconds"] else float("inf")
        cells = [name, f"{found['rows']:,}", found["chunks"], f"{found['seconds']:.2f}", f"{rate:,.0f}"]
        cells.append(found["peak_rss_mib"])
        print("| " + " | ".join(str(cell) for cell in cells) + " |")
    pandas_counts, sql_counts = (found["unexpected"] for found in figures.values())
    agree = pandas_counts == sql_counts
    print(f"\nunexpected rows in all (pandas chunks): {sum(pandas_counts.values())}")
    print(f"unexpected rows per expectation agree: {agree}")
    if not agree:
        print(json.dumps({"pandas": pandas_counts, "sql": sql_counts}, ensure_ascii=False, indent=1))
    return 0 if agree else 1


if __name__ == "__main__":
    raise SystemExit(main())
