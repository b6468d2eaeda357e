"""Province-scale benchmark: the quarterly refresh beside a raw `psql \\copy` of the same rows.

    python -m benchmarks.bench --rows 1000000

Generates about `--rows` dossiers for one quarter of a province (plain UTF-8 CSV, one file per desk),
then in one run measures on the same warehouse server:
- `psql \\copy` of every dossiers file into a bare table of text columns: the physical reference;
- the floor of the three persisted layers (raw text with file id and line number, typed staging, facts)
  written in plain SQL with no checks: what the layering itself costs on this server;
- each step of the refresh (wall time, dossier rows per second, peak RSS of this process during it);
- a rerun with nothing changed (checksums skip every file), and a rerun after one commune's file changed;
- how long each DAG file takes to parse (`airflow dags report`).
Figures go to `benchmarks/results/<rows>.json` and `.md`, with the machine and the versions used.
RSS is this process only; the PostgreSQL server's memory is not included. `--landing DIR` keeps the
generated files in DIR and reuses them when DIR already holds them (10M rows take minutes to write).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

from cchc_sample.dossiers import HEADERS
from cchc_sample.province import generate_province
from cchc_sample.units import communes_of, districts_of

from cchc.config import PROJECT_ROOT
from cchc.quarters import Quarter
from cchc.sources.datasets import DATASETS

RESULTS_DIR = PROJECT_ROOT / "benchmarks" / "results"
PROVINCE = "87"
QUARTER = Quarter(2024, 2)
BENCH_DATABASE = "cchc_bench"
# The generated files' columns, in order (the bare table of the \copy reference holds them as text).
# The columns of the generated dossiers files, in their order: what `\copy` reads.
COPY_COLUMNS = tuple(DATASETS["dossiers"].canonical(header) for header in HEADERS)
PACKAGES = ("apache-airflow", "great-expectations", "pandas", "psycopg", "sqlalchemy", "pgserver")


def server_processes(postmaster: int) -> list[int]:
    """The PostgreSQL server's processes on this machine: the postmaster and its children (backends,
    background workers)."""
    found = [postmaster]
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            # /proc/PID/stat: "pid (comm) state ppid ..."; comm may hold spaces, so split after its ')'.
            fields = (entry / "stat").read_text(encoding="ascii", errors="replace").rsplit(")", 1)[1].split()
        except OSError:
            continue  # a process that ended meanwhile
        if int(fields[1]) == postmaster:
            found.append(int(entry.name))
    return found


def proportional_set_size(pid: int) -> int:
    """A process's PSS in bytes (its private pages, plus its share of pages it shares, such as
    PostgreSQL's shared buffers), so summing it over the server's processes counts shared memory once;
    0 for a process that ended."""
    try:
        with open(f"/proc/{pid}/smaps_rollup", encoding="ascii") as rollup:
            for line in rollup:
                if line.startswith("Pss:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        return 0
    return 0


def postmaster_pid(url: str) -> int | None:
    """The server's postmaster, from postmaster.pid in its data directory, when the server runs on this
    machine and that file can be read; None otherwise (its memory is then not measured)."""
    import psycopg

    try:
        with psycopg.connect(url) as conn:
            data_dir = conn.execute("select current_setting('data_directory')").fetchone()[0]
        return int((Path(data_dir) / "postmaster.pid").read_text(encoding="ascii").split()[0])
    except (psycopg.Error, OSError, ValueError, IndexError):
        return None


class PeakRss:
    """Samples this process's resident set size and, given the server's postmaster, the PSS of every
    server process; `window()` gives the peaks over a block, and the peak of the two added together."""

    SERVER_EVERY = 10  # server samples are dearer (a /proc walk): every tenth process sample

    def __init__(self, interval: float = 0.02, postmaster: int | None = None) -> None:
        self.interval = interval
        self.postmaster = postmaster
        self._peak = self._server_peak = self._total_peak = 0
        self._server_last = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    @staticmethod
    def current() -> int:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) * 1024
        return 0

    def server_current(self) -> int:
        if self.postmaster is None:
            return 0
        return sum(proportional_set_size(pid) for pid in server_processes(self.postmaster))

    def _run(self) -> None:
        tick = 0
        while not self._stop.is_set():
            process = self.current()
            if tick % self.SERVER_EVERY == 0:
                self._server_last = self.server_current()
                self._server_peak = max(self._server_peak, self._server_last)
            self._peak = max(self._peak, process)
            self._total_peak = max(self._total_peak, process + self._server_last)
            tick += 1
            time.sleep(self.interval)

    def __enter__(self) -> PeakRss:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        self._thread.join()

    @contextmanager
    def window(self) -> Iterator[dict[str, int]]:
        self._peak = self.current()
        self._server_last = self._server_peak = self.server_current()
        self._total_peak = self._peak + self._server_peak
        figures: dict[str, int] = {}
        yield figures
        figures["peak_rss_bytes"] = max(self._peak, self.current())
        figures["peak_server_bytes"] = self._server_peak
        figures["peak_total_bytes"] = max(self._total_peak, figures["peak_rss_bytes"] + self._server_last)


@dataclass
class Stage:
    name: str
    seconds: float
    rows: int
    peak_rss_bytes: int
    summary: dict[str, Any] = field(default_factory=dict)
    peak_server_bytes: int = 0
    peak_total_bytes: int = 0

    @property
    def rows_per_second(self) -> float:
        return self.rows / self.seconds if self.seconds else math.inf


def per_unit_for(rows: int) -> int:
    """Dossiers per commune and quarter giving about `rows` (districts receive twice a commune's)."""
    day = QUARTER.first_day
    weight = len(communes_of(PROVINCE, day)) + 2 * len(districts_of(PROVINCE, day))
    return max(1, round(rows / weight))


def generate(landing: Path, rows: int) -> tuple[int, float | None]:
    """Write the landing zone, unless it already holds this size's files (see `--landing`); the seconds
    it took, None when it was reused."""
    marker = size_marker(landing)
    inside = landing / ".bench-rows.json"  # where earlier versions kept it: the refresh reports hidden files
    if inside.exists() and not marker.exists():
        inside.replace(marker)
    if marker.exists():
        written = json.loads(marker.read_text(encoding="utf-8"))
        if written["rows_requested"] == rows:
            return written["dossier_rows"], None
        raise SystemExit(f"{landing} holds a landing zone of {written['rows_requested']} rows, not {rows}")
    started = time.perf_counter()
    summary = generate_province(
        landing, PROVINCE, [QUARTER], per_unit_quarter=per_unit_for(rows), formats="csv", datasets=("dossiers",)
    )
    seconds = time.perf_counter() - started
    marker.write_text(json.dumps({"rows_requested": rows, "dossier_rows": summary.rows}), encoding="utf-8")
    return summary.rows, seconds


def size_marker(landing: Path) -> Path:
    """What a kept landing zone holds, written beside it: inside, the refresh would report it as a hidden file."""
    return landing.parent / f"{landing.name}.bench-rows.json"


def dossier_files(landing: Path) -> list[Path]:
    return sorted(landing.glob(f"*/*/{QUARTER}/dossiers.csv"))


def psql_binary() -> str:
    import pgserver

    bundled = Path(pgserver.__file__).parent / "pginstall" / "bin" / "psql"
    return str(bundled) if bundled.exists() else (shutil.which("psql") or "psql")


def psql_script(url: str, statements: list[str]) -> float:
    """Run `statements` as one psql session that stops at the first error; its wall time in seconds."""
    with tempfile.NamedTemporaryFile("w", suffix=".sql", delete=False, encoding="utf-8") as handle:
        handle.write("\n".join(["\\set ON_ERROR_STOP on", *statements]) + "\n")
    try:
        started = time.perf_counter()
        subprocess.run([psql_binary(), "-q", "-d", url, "-f", handle.name], check=True)
        return time.perf_counter() - started
    finally:
        os.unlink(handle.name)


def count_rows(url: str, table: str) -> int:
    counted = subprocess.run(
        [psql_binary(), "-At", "-d", url, "-c", f"select count(*) from {table}"],
        check=True,
        capture_output=True,
        text=True,
    )
    return int(counted.stdout.strip())


def raw_copy(url: str, files: list[Path]) -> Stage:
    """`\\copy` of every file into a bare table of text columns, in one psql session."""
    columns = ", ".join(f"{name} text" for name in COPY_COLUMNS)
    seconds = psql_script(
        url,
        [
            "drop table if exists bench_copy;",
            f"create table bench_copy ({columns});",
            *(f"\\copy bench_copy from '{path}' with (format csv, header true)" for path in files),
        ],
    )
    return Stage("psql \\copy (reference)", seconds, count_rows(url, "bench_copy"), 0)


# The floor of the layering: the three layers written by the server alone, each as plain SQL with no
# parsing checks, validation or Python. Left out, so the floor is a lower bound: the layers' primary keys,
# check and foreign-key constraints and quarter partitions; encoding/delimiter/header detection and NFC
# normalisation of raw; the lenient parsers (other channel words, date forms, number formats) and
# the quarantine of bad rows; the other core facts and the marts.
# Times are plain casts under the session's time zone and date style rather than to_timestamp() or
# `at time zone` per row: the same values here, and the cheapest way the server has to compute them.
FLOOR_STAGE = "three layers in SQL (floor)"
FLOOR_SESSION = ["set time zone 'Asia/Ho_Chi_Minh';", "set datestyle = 'ISO, DMY';"]
FLOOR_STAGING = f"""create table bench_staging as
select '{QUARTER}'::text as quarter, r.file_id, r.line_number, f.source_level,
    coalesce(r.unit_code, f.unit_code) as unit_code, r.dossier_id, r.procedure_code, r.field,
    case r.channel when 'Trực tiếp' then 'direct' when 'Trực tuyến' then 'online' when 'Bưu chính' then 'postal'
    end as channel,
    r.received_at::timestamptz as received_at, r.due_at::timestamptz as due_at,
    r.resolved_at::timestamptz as resolved_at,
    case r.returned_by_post when 'Có' then true when 'Không' then false end as returned_by_post,
    r.supplement_requests::integer as supplement_requests
from bench_raw as r
join bench_file as f using (file_id);"""
# core.fct_dossier's columns and rules (include/sql/models/core/fct_dossier/build.sql needs no join either); the
# local calendar days come from the session's time zone.
FLOOR_FACT = """create table bench_fct as
select quarter, unit_code, dossier_id, source_level, procedure_code, field, channel,
    received_at, due_at, resolved_at, received_on, due_on, resolved_on,
    case when resolved_on is null then null when resolved_on < due_on then 'early'
        when resolved_on = due_on then 'on_time' else 'late' end as resolution_status,
    returned_by_post, supplement_requests, file_id, line_number
from (
    select *, received_at::date as received_on, due_at::date as due_on, resolved_at::date as resolved_on
    from bench_staging
) as localised;"""


def layered_floor(url: str, files: list[Path]) -> Stage:
    """The three layers in SQL, one psql session per layer (wall time of each); the tables are dropped."""
    columns = ", ".join(f"{name} text" for name in COPY_COLUMNS)
    landing = ", ".join(f"({i}, '{path.parts[-4]}', '{path.parts[-3]}')" for i, path in enumerate(files, 1))
    raw = [
        # What raw.landing_file says about each file: its level and unit.
        "create table bench_file (file_id bigint, source_level text, unit_code text);",
        f"insert into bench_file values {landing};",
        f"create table bench_raw (file_id bigint, line_number integer generated always as identity, {columns});",
    ]
    for i, path in enumerate(files, 1):
        # Each row gets its file's id and its line in the file (line 1 is the header), as raw keys it.
        raw.append(f"alter table bench_raw alter file_id set default {i}, alter line_number restart with 2;")
        raw.append(f"\\copy bench_raw ({', '.join(COPY_COLUMNS)}) from '{path}' with (format csv, header true)")
    seconds = {
        "raw": psql_script(url, raw),
        "staging": psql_script(url, [*FLOOR_SESSION, FLOOR_STAGING]),
        "fact": psql_script(url, [*FLOOR_SESSION, FLOOR_FACT]),
    }
    rows = count_rows(url, "bench_fct")
    psql_script(url, ["drop table bench_fct, bench_staging, bench_raw, bench_file, bench_copy;"])
    return Stage(FLOOR_STAGE, sum(seconds.values()), rows, 0, {name: round(s, 3) for name, s in seconds.items()})


def run_steps(ctx: Any, sampler: PeakRss, steps: tuple[Callable[[Any], dict[str, Any]], ...], rows: int) -> list[Stage]:
    stages = []
    for step in steps:
        with sampler.window() as memory:
            started = time.perf_counter()
            summary = step(ctx)
            seconds = time.perf_counter() - started
        stages.append(
            Stage(
                step.__name__,
                seconds,
                rows,
                memory["peak_rss_bytes"],
                summary,
                memory["peak_server_bytes"],
                memory["peak_total_bytes"],
            )
        )
    return stages


BENCH_MARK = "cchc benchmark scratch database: `python -m benchmarks.bench` drops and recreates it"


class NotABenchDatabase(RuntimeError):
    """The database named for the benchmark exists and the benchmark did not create it."""


def fresh_database(admin_url: str, name: str = BENCH_DATABASE) -> str:
    """Create `name` empty, marked as the benchmark's by its COMMENT. An existing database is dropped
    only if it carries that mark: on a shared server, a database of the same name may be someone's."""
    import psycopg
    from psycopg import sql

    from cchc.warehouse.connection import with_database

    database = sql.Identifier(name)
    with psycopg.connect(admin_url, autocommit=True) as conn:
        found = conn.execute(
            "select shobj_description(oid, 'pg_database') from pg_database where datname = %s", (name,)
        ).fetchone()
        if found is not None:
            if found[0] != BENCH_MARK:
                raise NotABenchDatabase(
                    f"database {name!r} exists and was not created by the benchmark; choose another --database"
                )
            conn.execute(sql.SQL("drop database {} with (force)").format(database))
        conn.execute(sql.SQL("create database {}").format(database))
        conn.execute(sql.SQL("comment on database {} is {}").format(database, sql.Literal(BENCH_MARK)))
    return with_database(admin_url, name)


def dag_parse_seconds() -> dict[str, float]:
    """Seconds each DAG file takes to parse, as `airflow dags report` measures it (empty if it fails)."""
    airflow = Path(sys.executable).with_name("airflow")
    env = {
        **os.environ,
        "AIRFLOW__CORE__DAGS_FOLDER": str(PROJECT_ROOT / "dags"),
        "AIRFLOW__CORE__PLUGINS_FOLDER": str(PROJECT_ROOT / "plugins"),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
    }
    env.setdefault("AIRFLOW_HOME", str(PROJECT_ROOT / ".airflow"))
    done = subprocess.run(
        [str(airflow), "dags", "report", "-o", "json"], env=env, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        return {}
    report = json.loads(done.stdout.strip().splitlines()[-1])
    return {entry["file"]: _seconds(entry["duration"]) for entry in report}


def _seconds(duration: str) -> float:
    hours, minutes, seconds = duration.split(":")
    return round(int(hours) * 3600 + int(minutes) * 60 + float(seconds), 4)


def versions(url: str) -> dict[str, str]:
    import psycopg

    found = {"python": platform.python_version()}
    for package in PACKAGES:
        try:
            found[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            found[package] = "not installed"
    with psycopg.connect(url) as conn:
        found["postgresql"] = conn.execute("show server_version").fetchone()[0]
    return found


def machine() -> dict[str, Any]:
    with open("/proc/meminfo", encoding="ascii") as meminfo:
        total_kib = int(meminfo.readline().split()[1])
    return {"cores": os.cpu_count(), "memory_gib": round(total_kib / 2**20, 1), "platform": platform.platform()}


def touch_one_commune(landing: Path) -> Path:
    """A late correction: one commune's file gains a dossier (new checksum, same quarter)."""
    path = next(p for p in dossier_files(landing) if p.parts[-4] == "commune")
    with path.open("a", encoding="utf-8", newline="") as handle:
        unit = path.parts[-3]
        handle.write(f"LATE-{unit}-1,{unit},1.000894,Hộ tịch,2,02/04/2024 08:00,05/04/2024 17:00,,,0\n")
    return path


def benchmark(
    rows: int, url: str | None, landing_dir: Path | None = None, database: str = BENCH_DATABASE
) -> dict[str, Any]:
    from benchmarks.gx_engines import validation_in_sql
    from cchc.pipeline import STEPS, RefreshContext
    from cchc.warehouse.connection import warehouse_url

    admin_url = warehouse_url(url)
    bench_url = fresh_database(admin_url, database)
    landing = landing_dir or Path(tempfile.mkdtemp(prefix="cchc-bench-"))
    landing.mkdir(parents=True, exist_ok=True)
    try:
        generated, generate_seconds = generate(landing, rows)
        files = dossier_files(landing)
        reference = raw_copy(bench_url, files)
        floor = layered_floor(bench_url, files)
        postmaster = postmaster_pid(bench_url)
        with PeakRss(postmaster=postmaster) as sampler:
            ctx = RefreshContext(QUARTER, f"bench__{uuid.uuid4().hex[:8]}", landing, warehouse_url=bench_url)
            full = run_steps(ctx, sampler, STEPS, generated)
            gx_sql = validation_in_sql(bench_url, QUARTER)
            ctx = RefreshContext(QUARTER, f"bench__{uuid.uuid4().hex[:8]}", landing, warehouse_url=bench_url)
            unchanged = run_steps(ctx, sampler, STEPS, generated)
            late_file = touch_one_commune(landing)
            try:
                ctx = RefreshContext(QUARTER, f"bench__{uuid.uuid4().hex[:8]}", landing, warehouse_url=bench_url)
                late = run_steps(ctx, sampler, STEPS, generated)
            finally:
                _untouch(late_file)
        full_seconds = sum(stage.seconds for stage in full)

        def files_loaded(stages: list[Stage]) -> int:
            return next(int(s.summary.get("loaded", 0)) for s in stages if s.name == "load_raw_files")

        return {
            "rows_requested": rows,
            "dossier_rows": generated,
            "files": len(files),
            "generate_seconds": None if generate_seconds is None else round(generate_seconds, 2),
            "machine": machine(),
            "versions": versions(bench_url),
            "reference": _stage_dict(reference),
            "floor": _stage_dict(floor),
            "floor_layers_seconds": floor.summary,
            # What the refresh's ratio could reach if parsing, validation and marts cost nothing.
            "ratio_ceiling_for_layering": round(reference.seconds / floor.seconds, 4),
            "refresh": [_stage_dict(stage) for stage in full],
            "refresh_seconds": round(full_seconds, 2),
            "refresh_rows_per_second": round(generated / full_seconds, 1),
            "ratio_to_copy": round((generated / full_seconds) / reference.rows_per_second, 4),
            "peak_rss_bytes": max(stage.peak_rss_bytes for stage in full),
            # The PostgreSQL server's processes (PSS), and the peak of process + server sampled together;
            # None when the server is not on this machine.
            "peak_server_bytes": max(stage.peak_server_bytes for stage in full) if postmaster else None,
            "peak_total_bytes": max(stage.peak_total_bytes for stage in full) if postmaster else None,
            "ratio_to_floor": round((generated / full_seconds) / floor.rows_per_second, 4),
            "rerun_unchanged_seconds": round(sum(stage.seconds for stage in unchanged), 2),
            "rerun_unchanged_share": round(sum(stage.seconds for stage in unchanged) / full_seconds, 4),
            "files_loaded": {
                "full": files_loaded(full),
                "rerun_unchanged": files_loaded(unchanged),
                "rerun_one_late_file": files_loaded(late),
            },
            "rerun_one_late_file_seconds": round(sum(stage.seconds for stage in late), 2),
            "rerun_one_late_file_share": round(sum(stage.seconds for stage in late) / full_seconds, 4),
            "rerun_one_late_file": [_stage_dict(stage) for stage in late],
            "rerun_unchanged": [_stage_dict(stage) for stage in unchanged],
            "dag_parse_seconds": dag_parse_seconds(),
            "staging_phases": {"full": staging_phases(full), "rerun_one_late_file": staging_phases(late)},
            "gx_import_seconds": gx_import_seconds(),
            "gx_sql": gx_sql,
            # Figure 1 if writing the layers cost the floor and the only other work were the suite's
            # checks run as SQL by Great Expectations: no typing, quarantine, marts or reports.
            "ratio_ceiling_with_gx_sql": round(floor.seconds / (floor.seconds + gx_sql["validate_seconds"]), 4),
        }
    finally:
        if landing_dir is None:
            shutil.rmtree(landing, ignore_errors=True)


def staging_phases(stages: list[Stage]) -> dict[str, float]:
    """Where validate_and_stage spent its time on the dossiers, as the step's summary reports it."""
    staged = next(s.summary for s in stages if s.name == "validate_and_stage").get("dossiers", {})
    return dict(staged.get("seconds_by_phase", {}))


def gx_import_seconds() -> float:
    """Seconds a fresh interpreter takes to import Great Expectations: what each Airflow task process
    that validates pays once, and the benchmark's single process pays in its first chunk."""
    code = "import time; t = time.perf_counter(); import great_expectations; print(time.perf_counter() - t)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return round(float(done.stdout.strip().splitlines()[-1]), 2)


def _untouch(path: Path) -> None:
    """Drop the late line again, so a kept landing zone stays as generated."""
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join(lines[:-1]), encoding="utf-8")


def _stage_dict(stage: Stage) -> dict[str, Any]:
    return {
        "stage": stage.name,
        "seconds": round(stage.seconds, 3),
        "rows": stage.rows,
        "rows_per_second": round(stage.rows_per_second, 1),
        "peak_rss_mib": round(stage.peak_rss_bytes / 2**20, 1),
        "peak_server_mib": round(stage.peak_server_bytes / 2**20, 1),
    }


def markdown(result: dict[str, Any]) -> str:
    m, v, layers = result["machine"], result["versions"], result["floor_layers_seconds"]
    lines = [
        f"# Benchmark: {result['dossier_rows']:,} dossier rows, {result['files']} files (one quarter)",
        "",
        f"{m['cores']} cores, {m['memory_gib']} GiB; Python {v['python']}, PostgreSQL {v['postgresql']}, "
        f"Airflow {v['apache-airflow']}, GX {v['great-expectations']}, pandas {v['pandas']}, psycopg {v['psycopg']}.",
        "",
        "| stage | seconds | rows/s | peak RSS (MiB) | server PSS (MiB) |",
        "|---|---:|---:|---:|---:|",
    ]
    for stage in [result["reference"], result["floor"]]:
        lines.append(f"| {stage['stage']} | {stage['seconds']:.2f} | {stage['rows_per_second']:,.0f} | | |")
    for stage in result["refresh"]:
        lines.append(
            f"| {stage['stage']} | {stage['seconds']:.2f} | {stage['rows_per_second']:,.0f} | "
            f"{stage['peak_rss_mib']} | {stage['peak_server_mib']} |"
        )
    server = result["peak_server_bytes"]
    lines += [
        f"| **refresh, all steps** | {result['refresh_seconds']:.2f} | {result['refresh_rows_per_second']:,.0f} | "
        f"{result['peak_rss_bytes'] / 2**20:.1f} | {'' if server is None else f'{server / 2**20:.1f}'} |",
        "",
        f"- Three layers in SQL, no checks (the floor): {result['floor']['seconds']:.2f} s "
        f"(raw {layers['raw']:.2f}, staging {layers['staging']:.2f}, fact {layers['fact']:.2f}); "
        f"`\\copy` alone {result['reference']['seconds']:.2f} s, so the floor runs at "
        f"**{result['ratio_ceiling_for_layering']:.3f}** of `\\copy`.",
        f"- Refresh throughput / `\\copy` throughput: {result['ratio_to_copy']:.3f}.",
        (
            f"- Generating the landing zone took {result['generate_seconds']:.1f} s (not part of the refresh)."
            if result["generate_seconds"] is not None
            else "- The landing zone was reused from an earlier run (`--landing`)."
        ),
        "",
        "## The four figures",
        "",
        f"1. Refresh throughput / floor throughput: **{result['ratio_to_floor']:.3f}** (target ≥ 0.5).",
        f"2. Rerun after one commune's file changed: {result['rerun_one_late_file_seconds']:.2f} s = "
        f"**{100 * result['rerun_one_late_file_share']:.1f}%** of the full run (target ≤ 5%).",
        "3. Peak memory, this process and the PostgreSQL server together: "
        + (
            "not measured (the server is not on this machine)"
            if server is None
            else f"**{result['peak_total_bytes'] / 2**20:.0f} MiB** (process {result['peak_rss_bytes'] / 2**20:.0f}, "
            f"server {server / 2**20:.0f} at their own peaks)"
        )
        + " (target < 1,024 MiB).",
        f"4. Rerun with nothing changed: {result['rerun_unchanged_seconds']:.2f} s = "
        f"**{100 * result['rerun_unchanged_share']:.1f}%** of the full run (target < 5%); DAG parse time "
        "(`airflow dags report`): "
        + (
            ", ".join(f"{name} {seconds:.3f} s" for name, seconds in sorted(result["dag_parse_seconds"].items()))
            or "not measured (airflow dags report failed)"
        )
        + " (target < 0.1 s each).",
        "",
        *where_the_time_goes(result),
    ]
    return "\n".join(lines)


def where_the_time_goes(result: dict[str, Any]) -> list[str]:
    """The split of validate_and_stage by phase and of the late-file rerun by step."""

    def seconds(split: dict[str, float]) -> str:
        return ", ".join(f"{name} {value:.2f}" for name, value in split.items()) or "not reported"

    phases = result.get("staging_phases", {})
    late = {stage["stage"]: stage["seconds"] for stage in result["rerun_one_late_file"]}
    return [
        "## Where the time goes",
        "",
        f"- validate_and_stage, dossiers, full run (s): {seconds(phases.get('full', {}))}.",
        f"- The same, after one late file: {seconds(phases.get('rerun_one_late_file', {}))}.",
        f"- Importing Great Expectations in a fresh interpreter: {result.get('gx_import_seconds', 0):.2f} s, paid once "
        "per process (in the full run's first chunk here, by every validating task process under Airflow).",
        f"- The late-file rerun by step (s): {seconds(late)}.",
        *_validation_in_sql(result),
        "",
    ]


def _validation_in_sql(result: dict[str, Any]) -> list[str]:
    gx_sql = result.get("gx_sql")
    if not gx_sql:
        return []
    return [
        f"- The whole dossiers suite ({gx_sql['expectations']} expectations) run by Great Expectations as SQL over "
        f"the staged quarter: {gx_sql['validate_seconds']:.2f} s in {gx_sql['queries']} queries, "
        f"after {gx_sql['check_columns_seconds']:.2f} s "
        "computing in SQL the columns it reads beyond the staged ones (`python -m benchmarks.gx_engines`). "
        "A refresh that wrote its layers at the floor's cost and did nothing else but these checks would run "
        f"at **{result['ratio_ceiling_with_gx_sql']:.3f}** of the floor's throughput.",
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="dossiers to generate (default 1,000,000)")
    parser.add_argument("--warehouse-url", help="server to use (default: $WAREHOUSE_URL, else the embedded one)")
    parser.add_argument("--out", type=Path, default=RESULTS_DIR, help="folder for the JSON and Markdown results")
    parser.add_argument("--landing", type=Path, help="keep the generated landing zone here, or reuse it")
    parser.add_argument("--database", default=BENCH_DATABASE, help=f"database to (re)create (default {BENCH_DATABASE})")
    args = parser.parse_args(argv)
    result = benchmark(args.rows, args.warehouse_url, args.landing, args.database)
    args.out.mkdir(parents=True, exist_ok=True)
    stem = args.out / f"dossiers-{args.rows}"
    stem.with_suffix(".json").write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    report = markdown(result)
    stem.with_suffix(".md").write_text(report, encoding="utf-8")
    print(report)
    print(f"written: {stem.with_suffix('.json')}, {stem.with_suffix('.md')}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
