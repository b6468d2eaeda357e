"""The quarterly refresh as plain functions, one per DAG task; the CLI runs the same ones in order.

Every step opens its own connection, records itself in `audit.task_run`, and returns a small
JSON-clean summary (Airflow passes it through XCom). Quarter-scoped writes replace the quarter's
partition in one transaction under a per-quarter advisory lock, so reruns are idempotent and
two refreshes of one quarter never interleave.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import psycopg

from cchc import runs, settings, submissions
from cchc.config import data_docs_dir
from cchc.indicators import online_target, scorecard_parameters
from cchc.progress import Progress
from cchc.quality.reconciliation import TABLE as RECONCILIATION_TABLE
from cchc.quality.reconciliation import Tolerance, reconcile_quarter
from cchc.quality.volume import plausible_volume_warnings
from cchc.quarters import Quarter
from cchc.raw.loader import load_file, withdraw_missing
from cchc.redaction import redact
from cchc.sources.datasets import DATASETS
from cchc.sources.landing import LandingProblem, discover, discover_statistics, parse_landing_path, shown
from cchc.staging import count_file_loads, dataset_fingerprint, stage_dataset, suite_parameters
from cchc.warehouse.bootstrap import refresh_reference
from cchc.warehouse.connection import connect
from cchc.warehouse.migrations import migrate
from cchc.warehouse.models import apply_models, builds_of, load_models
from cchc.warehouse.partitions import empty_partition, lock_quarter
from cchc.warehouse.reference import units_valid_on
from cchc.warehouse.sql_files import execute_file, fetch_all
from cchc.warehouse.step_inputs import code_digest, fingerprint, inputs_up_to, record, recorded
from cchc.warehouse.unit_rebuilds import plan_units, record_units, replace_unit_rows

log = logging.getLogger(__name__)


class RefreshFailed(RuntimeError):
    """The quarter loaded what it could, but something was rejected or does not add up."""


@dataclass(frozen=True)
class RefreshContext:
    quarter: Quarter
    run_id: str
    landing: Path
    warehouse_url: str | None = None
    trigger: str = "cli"
    # Revalidate and rebuild even where the recorded inputs are unchanged (after a manual fix in the
    # warehouse, or to measure a full run).
    rebuild: bool = False
    # Every step runs in this process, which holds the run's lock (runs.hold_run) while it lives.
    held_by_process: bool = False

    def connect(self) -> psycopg.Connection:
        return connect(self.warehouse_url)

    @property
    def bounds(self) -> dict[str, Any]:
        return {
            "quarter": str(self.quarter),
            "first_day": self.quarter.first_day,
            "last_day": self.quarter.last_day,
            "report_period_start": self.quarter.report_period[0],
            "report_period_end": self.quarter.report_period[1],
            "online_target": online_target(),
            **scorecard_parameters(),
        }


def prepare_warehouse(ctx: RefreshContext) -> dict[str, Any]:
    """Apply migrations, bring the derived relations to their model files, refresh the admin-unit
    reference, open the run's audit record."""
    with ctx.connect() as conn:
        applied = migrate(conn)
        runs.start_run(conn, ctx.run_id, str(ctx.quarter), ctx.trigger, ctx.held_by_process)
        with runs.task_record(conn, ctx.run_id, "prepare_warehouse") as summary:
            # The rest of bootstrap_warehouse, inside the task's record: a failure is the run's.
            summary.update(migrations_applied=applied, **apply_models(conn), **refresh_reference(conn))
            return summary


def discover_files(ctx: RefreshContext, level: str | None = None) -> dict[str, Any]:
    """The quarter's loadable landing files (of one level, or all), after recording every file that
    does not fit the landing contract or names a unit not valid at its level in the quarter."""
    with ctx.connect() as conn, runs.task_record(conn, ctx.run_id, "discover_files") as summary:
        files, problems = discover(ctx.landing, ctx.quarter)
        valid_units = units_valid_on(conn, ctx.quarter.last_day)
        conn.rollback()
        loadable = []
        for item in files:
            if level and item.unit_level != level:
                continue
            if valid_units.get(item.unit_code) != item.unit_level:
                reason = f"{item.unit_code} is not a {item.unit_level} valid in {ctx.quarter}"
                problems.append(LandingProblem(item.relative_path, reason))
            else:
                loadable.append(item.relative_path)
        in_scope = [p for p in problems if not level or p.relative_path.startswith(f"{level}/")]
        # The landing zone is the truth: a file of the quarter that is no longer there stops counting,
        # reported once, by the run that finds it gone.
        present = [item.relative_path for item in files] + [p.relative_path for p in problems]
        if any(not level or path.startswith(f"{level}/") for path in present):
            for path, rows in withdraw_missing(conn, str(ctx.quarter), present, level):
                reason = f"withdrawn: no longer in the landing zone; its {rows} row(s) no longer count"
                in_scope.append(LandingProblem(path, reason))
        else:
            # An empty landing zone withdraws nothing: more likely a share that did not mount than a
            # province that took back every file. Said, so that nobody takes the old figures for new.
            held = fetch_all(
                conn, "raw/landing_files_missing.sql", {"quarter": str(ctx.quarter), "level": level, "present": []}
            )
            conn.rollback()
            if held:
                where = f"{level}/" if level else "."
                reason = (
                    f"the landing zone holds no file of {ctx.quarter} while the warehouse has {len(held)} loaded: "
                    "nothing was withdrawn (is the landing zone mounted?)"
                )
                in_scope.append(LandingProblem(where, reason))
        runs.record_landing_problems(conn, ctx.run_id, [(p.relative_path, p.reason) for p in in_scope])
        summary.update(
            files=loadable, landing_problems=[{"path": p.relative_path, "reason": p.reason} for p in in_scope]
        )
        return summary


# Units in a row the portal could not be reached for, after retries, before the rest are not tried.
PORTAL_DOWN_AFTER = 3


def fetch_portal_exports(
    ctx: RefreshContext, client: Any, level: str, units: list[str] | None = None, province: str | None = None
) -> dict[str, Any]:
    """Pull each unit's dossiers for the quarter from the portal into the landing zone as JSON.

    Units are the ones named, else every unit of `level` in `province` valid in the quarter. Each unit
    is logged as it is done, with its time. A unit that fails after the client's retries does not stop
    the others; the step then fails naming them. A refused token stops at once, and so do
    PORTAL_DOWN_AFTER units in a row the portal could not be reached for (it is down: the rest would
    only wait out their retries). A rerun rewrites nothing that is unchanged.
    """
    from cchc.sources.portal_api import PortalAuthError, PortalError, PortalUnavailable, write_landing_json

    if not units:
        if not province:
            raise ValueError("name the units to fetch, or the province whose units to fetch")
        with ctx.connect() as conn:
            valid = fetch_all(conn, "core/admin_units_valid_on.sql", {"day": ctx.quarter.last_day})
        units = sorted(
            code for code, unit_level, unit_province in valid if unit_level == level and unit_province == province
        )
    written, failed = [], []
    unavailable_in_a_row = 0
    for number, unit_code in enumerate(units, 1):
        started = time.perf_counter()
        progress = f"{level} {number}/{len(units)} {unit_code}"
        try:
            path = write_landing_json(client, ctx.landing, level, unit_code, str(ctx.quarter))
        except PortalAuthError:
            raise
        except PortalError as error:
            failed.append(f"{unit_code}: {error}")
            log.warning("%s: failed after %.1f s: %s", progress, time.perf_counter() - started, error)
            unavailable_in_a_row = unavailable_in_a_row + 1 if isinstance(error, PortalUnavailable) else 0
            untried = units[number:]
            if unavailable_in_a_row >= PORTAL_DOWN_AFTER and untried:
                raise PortalUnavailable(
                    f"the portal looks down: {unavailable_in_a_row} units in a row could not be reached "
                    f"(last: {error}); stopped with {len(untried)} of {len(units)} units not tried "
                    f"({', '.join(untried[:10])}{', …' if len(untried) > 10 else ''}); the {len(written)} "
                    "fetched are kept: run it again when the portal answers"
                ) from error
            continue
        unavailable_in_a_row = 0
        written.append(path.relative_to(ctx.landing).as_posix())
        log.info("%s: fetched in %.1f s", progress, time.perf_counter() - started)
    if failed:
        raise PortalError(f"{len(failed)} of {len(units)} units could not be fetched:\n  " + "\n  ".join(failed))
    return {"units": len(units), "files": written}


def load_landing_file(ctx: RefreshContext, relative_path: str) -> dict[str, Any]:
    """Copy one landing file into `raw` unless an identical version is already current."""
    with ctx.connect() as conn:
        return _load_landing_file(conn, ctx, relative_path)


def _load_landing_file(conn: psycopg.Connection, ctx: RefreshContext, relative_path: str) -> dict[str, Any]:
    parsed = parse_landing_path(ctx.landing, ctx.landing / relative_path)
    if isinstance(parsed, LandingProblem):
        raise ValueError(f"{relative_path}: {parsed.reason}")
    started = time.perf_counter()
    result = load_file(conn, parsed)
    duration_ms = round((time.perf_counter() - started) * 1000)
    with conn.transaction():
        execute_file(
            conn,
            "audit/file_read.sql",
            {
                "run_id": ctx.run_id,
                "file_id": result.file_id,
                "path": result.relative_path,
                "checksum": result.checksum,
                "status": "rejected" if result.status == "rejected" else "loaded",
                "reason": result.reason,
                "rows_read": result.rows_read,
                "rows_skipped": result.rows_skipped,
                "warnings": list(result.warnings),
                "read_outcome": result.status,
                "duration_ms": duration_ms,
            },
        )
    return {
        "path": result.relative_path,
        "checksum": result.checksum,
        "status": result.status,
        "rows_read": result.rows_read,
        "reason": result.reason,
        "warnings": list(result.warnings),
    }


def load_raw_files(ctx: RefreshContext) -> dict[str, Any]:
    """Discover the quarter's landing files and copy each new or changed one into `raw`."""
    found = discover_files(ctx)
    with ctx.connect() as conn, runs.task_record(conn, ctx.run_id, "load_raw_files") as summary:
        if not found["files"]:
            summary["empty_quarter"] = _empty_quarter(conn, ctx, found["landing_problems"])
        # One connection for the quarter's files: connecting costs more than checking an unchanged file.
        progress = Progress("load_raw_files", len(found["files"]), "files")
        loads = []
        with ctx.connect() as files_conn:
            for path in found["files"]:
                loads.append(_load_landing_file(files_conn, ctx, path))
                progress.advance(rows=loads[-1]["rows_read"] or 0)
        summary.update(
            files=len(loads),
            loaded=sum(f["status"] == "loaded" for f in loads),
            unchanged=sum(f["status"] == "unchanged" for f in loads),
            rejected=[{"path": f["path"], "reason": f["reason"]} for f in loads if f["status"] == "rejected"],
            landing_problems=found["landing_problems"],
            rows_read=sum(f["rows_read"] or 0 for f in loads),
        )
        # Who has sent what, as this run found the landing zone (mart.submission_status), with the
        # checksums just read rather than reading every file again.
        checksums = {load["path"]: load["checksum"] for load in loads}
        with ctx.connect() as status_conn:
            owed = submissions.counts(submissions.take(status_conn, ctx.landing, ctx.quarter, checksums=checksums))
        summary.update(exports_owed=sum(owed.values()), exports_late=owed["late"], exports_missing=owed["missing"])
        return summary


def allow_empty_quarter() -> bool:
    """CCHC_ALLOW_EMPTY_QUARTER=true lets a quarter without any file refresh (to zeros) with a warning."""
    return settings.boolean("CCHC_ALLOW_EMPTY_QUARTER")


def _empty_quarter(conn: psycopg.Connection, ctx: RefreshContext, problems: list[dict[str, str]]) -> str:
    """A quarter with no loadable file: fine if the warehouse holds files of it from before; else a
    refresh would publish zeros for every unit, so it fails at once (an unmounted share, a quarter not
    yet collected, a mistyped quarter) unless CCHC_ALLOW_EMPTY_QUARTER says otherwise."""
    held = fetch_all(conn, "raw/landing_files_missing.sql", {"quarter": str(ctx.quarter), "level": None, "present": []})
    conn.rollback()
    if held:
        return f"no file of {ctx.quarter} in the landing zone; the {len(held)} loaded before still count"
    statistics, unreadable = discover_statistics(ctx.landing, ctx.quarter)
    if statistics or unreadable:
        # The portal's statistics alone still reconcile, against no dossiers: that is worth publishing.
        return f"no dataset file of {ctx.quarter}; {len(statistics) + len(unreadable)} portal statistics file(s)"
    message = (
        f"{ctx.quarter}: the landing zone {ctx.landing} holds no loadable file of the quarter "
        f"(<level>/<unit code>/{ctx.quarter}/<dataset>.csv|xlsx|xls|json) and none was loaded before: "
        "nothing to refresh"
    )
    if problems:
        first = problems[0]
        message += f"; {len(problems)} file(s) could not be placed, the first: {shown(first['path'])}: "
        message += shown(first["reason"])
    if not allow_empty_quarter():
        raise RefreshFailed(redact(message + " (CCHC_ALLOW_EMPTY_QUARTER=true refreshes it to zeros)"))
    return message + "; refreshed to zeros as CCHC_ALLOW_EMPTY_QUARTER=true allows"


def validate_and_stage(ctx: RefreshContext) -> dict[str, Any]:
    """For every dataset: type the quarter's raw rows, run its expectation suite, and split the rows
    between staging and quarantine, in one transaction per dataset. A dataset whose files, suite,
    parameters and code are what it was last staged from is left as it is, and within a dataset only
    the landing units whose files changed are staged again."""
    with ctx.connect() as conn, runs.task_record(conn, ctx.run_id, "validate_and_stage") as summary:
        parameters = suite_parameters(conn, ctx.quarter)
        conn.rollback()
        settings = fingerprint(parameters, code_digest("stage"))
        for spec in DATASETS.values():
            inputs, files = dataset_fingerprint(conn, str(ctx.quarter), spec, settings)
            previous = recorded(conn, str(ctx.quarter), "validate_and_stage", spec.name)
            conn.rollback()
            if previous and previous[0] == inputs and not ctx.rebuild:
                # Same file versions, suite, parameters and code: the staged partition stands as it is.
                with conn.transaction():
                    count_file_loads(conn, ctx.run_id, str(ctx.quarter), spec)
                if files:
                    summary[spec.name] = {"files": files, "unchanged_since_run": previous[1]}
                continue
            outcome = stage_dataset(conn, ctx.run_id, ctx.quarter, spec, settings, parameters, rebuild=ctx.rebuild)
            if outcome["rows"] or outcome["units_kept"] or outcome["files_without_rows"]:
                summary[spec.name] = outcome
        return summary


def build_core(ctx: RefreshContext) -> dict[str, Any]:
    """Replace the quarter's partition of every core fact in one transaction, so readers never see
    the step half done; `<table>_rows` in the summary counts what each fact received."""
    with ctx.connect() as conn, runs.task_record(conn, ctx.run_id, "build_core") as summary:
        # Staging of this quarter and of the earlier ones it reads, the reference, the SQL, the parameters.
        _replace_partitions(conn, ctx, "build_core", "validate_and_stage", builds_of("build_core"), summary)
        summary["attention"] = _quarter_order_notes(conn, ctx.quarter)
        # Warnings, not rejections: the units whose volume is far from their own history.
        warnings = plausible_volume_warnings(conn, str(ctx.quarter))
        conn.rollback()
        summary["implausible_volumes"] = [f"{w['unit_code']}: {w['reason']}" for w in warnings]
        return summary


def _quarter_order_notes(conn: psycopg.Connection, quarter: Quarter) -> list[str]:
    """What the order of refreshes leaves out of date: the quarter before this one never refreshed (its
    dossiers carry over into this one, and a II.06a period starts in it), or later quarters built from
    an older version of this one."""
    notes = []
    previous = str(quarter.previous)
    if not fetch_all(conn, "audit/quarter_ever_staged.sql", {"quarter": previous})[0][0]:
        notes.append(
            f"{previous} was never refreshed: {quarter}'s facts that start in it (II.06a periods from the 15th "
            f"of its last month) are counted without its dossiers; refresh {previous}, then {quarter}"
        )
    elif not recorded(conn, previous, "build_core", "quarter"):
        notes.append(
            f"{previous} was staged but its facts are not built (an upgrade recreated a core relation, or its "
            f"last refresh stopped before build_core): {quarter}'s marts count without them; refresh {previous}, "
            f"then {quarter}"
        )
    later = [row[0] for row in fetch_all(conn, "audit/later_quarters_built_before.sql", {"quarter": str(quarter)})]
    if later:
        notes.append(f"{', '.join(later)} were built from an older version of {quarter}: refresh them to carry it on")
    conn.rollback()
    return notes


def build_marts(ctx: RefreshContext) -> dict[str, Any]:
    """Replace the quarter's partition of every mart in one transaction, each after the marts it reads."""
    with ctx.connect() as conn, runs.task_record(conn, ctx.run_id, "build_marts") as summary:
        _replace_partitions(conn, ctx, "build_marts", "build_core", builds_of("build_marts"), summary)
        return summary


def _replace_partitions(
    conn: psycopg.Connection,
    ctx: RefreshContext,
    step: str,
    reads: str,
    relations: tuple[tuple[str, str], ...],
    summary: dict[str, Any],
) -> None:
    """Rebuild the quarter's partition of each relation in one transaction, unless what they were last
    built from (the step `reads` for this and earlier quarters, their SQL, the parameters) is unchanged.
    When only some landing units of a dataset changed, a relation built row for row from that dataset
    replaces those units' rows alone, and the step's other relations, whose inputs did not change, stand."""
    quarter = str(ctx.quarter)
    models = load_models()
    datasets = sorted({models[table].per_landing_unit for table, _ in relations} - {None})
    with conn.transaction():
        lock_quarter(conn, ctx.quarter)
        kind = step.removeprefix("build_")
        read = inputs_up_to(conn, reads, quarter)
        inputs = fingerprint(read, code_digest(kind), ctx.bounds)
        if not ctx.rebuild and _unchanged(conn, quarter, step, inputs, summary):
            return
        plan = plan_units(conn, quarter, step, read, datasets, code_digest(kind), ctx.bounds) if datasets else None
        if plan is not None and ctx.rebuild:
            plan = replace(plan, changed=None)
        partial = plan is not None and plan.changed is not None
        # The units whose dossiers the changed files held, before and after: what the per-unit counts redo.
        units_changed: dict[str, set[str]] = {}
        for table, sql_file in relations:
            name = table.split(".", 1)[1]
            dataset = models[table].per_landing_unit
            if not partial:
                empty_partition(conn, table, quarter)
                params = {**ctx.bounds, "file_ids": None, "unit_codes": None}
                summary[f"{name}_rows"] = execute_file(conn, sql_file, params)
            elif dataset is not None:
                summary[f"{name}_units_rebuilt"] = plan.landing_units(dataset)
                units = units_changed.setdefault(dataset, set())
                summary[f"{name}_rows"] = replace_unit_rows(conn, ctx.bounds, models[table], sql_file, plan, units)
        if plan is not None:
            record_units(conn, quarter, step, plan, ctx.run_id)
        record(conn, quarter, step, "quarter", inputs, ctx.run_id)


def _unchanged(conn: psycopg.Connection, quarter: str, step: str, inputs: str, summary: dict[str, Any]) -> bool:
    """True (and noted in the summary) when the quarter's partitions of `step` were built from `inputs`."""
    previous = recorded(conn, quarter, step, "quarter")
    if previous and previous[0] == inputs:
        summary["unchanged_since_run"] = previous[1]
        return True
    return False


def reconcile(ctx: RefreshContext) -> dict[str, Any]:
    """Replace the quarter's partition of mart.reconciliation in one transaction: forms against dossiers,
    forms against lower forms, roll-ups against their parts. Differences are recorded, never fatal."""
    with ctx.connect() as conn, runs.task_record(conn, ctx.run_id, "reconcile") as summary:
        tolerance = Tolerance.from_env()  # a bad setting fails here, recorded, before anything is replaced
        quarter = str(ctx.quarter)
        with conn.transaction():
            lock_quarter(conn, ctx.quarter)
            built = [recorded(conn, quarter, step, "quarter") for step in ("build_core", "build_marts")]
            # The portal's statistics side files are read here, not through raw: their versions count too.
            statistics, unreadable = discover_statistics(ctx.landing, ctx.quarter)
            side_files = sorted((s.relative_path, s.checksum) for s in statistics)
            side_files += [(p.relative_path, "unreadable") for p in unreadable]
            inputs = fingerprint(built, side_files, code_digest("reconcile"), tolerance.params())
            if ctx.rebuild or not _unchanged(conn, quarter, "reconcile", inputs, summary):
                empty_partition(conn, RECONCILIATION_TABLE, quarter)
                summary.update(reconcile_quarter(conn, ctx.quarter, tolerance, landing=ctx.landing))
                record(conn, quarter, "reconcile", "quarter", inputs, ctx.run_id)
        return summary


def build_quality_report(ctx: RefreshContext) -> dict[str, Any]:
    """Render the Great Expectations Data Docs (every suite, this run's and recent runs' results) from
    the result documents validate_and_stage recorded; `data_docs` in the summary is the site's index."""
    from cchc.quality.data_docs import build_data_docs, index_path, is_current
    from cchc.quality.summary import write_quality_report_html

    with ctx.connect() as conn, runs.task_record(conn, ctx.run_id, "build_quality_report") as summary:
        if is_current(conn):
            # Nothing was validated since the site was built: it shows the results in force.
            summary.update(data_docs=str(index_path()), data_docs_unchanged=True)
        else:
            # This run validated, or an earlier one did and died before building the site.
            summary.update(build_data_docs(conn, ctx.run_id))
        # The same quarter's summary as one self-contained page, for networks that block the CDNs.
        report = write_quality_report_html(conn, ctx.quarter, data_docs_dir())
        conn.rollback()
        summary["quality_report"] = str(report) if report else None
        return summary


def max_quarantined_rows() -> int:
    """How many rows of a quarter may fail error-level expectations before the run fails (default 0)."""
    return settings.whole_number("CCHC_MAX_QUARANTINED_ROWS", "a whole number of rows")


def _quarantine_problem(conn: psycopg.Connection, quarter: str, limit: int) -> tuple[int, str | None]:
    """Rows of the quarter in quarantine, and the problem to report when they are more than `limit`:
    counts by dataset with each dataset's most frequent reasons."""
    rows = fetch_all(conn, "quarantine/rejected_rows_of_quarter.sql", {"quarter": quarter, "top_reasons": 3})
    by_dataset: dict[str, tuple[int, list[str]]] = {}
    for dataset, row_count, reason, reason_rows in rows:
        by_dataset.setdefault(dataset, (row_count, []))[1].append(f"{reason} ({reason_rows})")
    total = sum(count for count, _ in by_dataset.values())
    if total <= limit:
        return total, None
    details = [
        f"{dataset}: {count} row(s); top reasons: {'; '.join(reasons)}"
        for dataset, (count, reasons) in by_dataset.items()
    ]
    return total, (
        f"{total} row(s) of {quarter} failed error-level expectations, more than CCHC_MAX_QUARANTINED_ROWS={limit} "
        "allows (see quarantine.rejected_row):\n    " + "\n    ".join(details)
    )


DATASET_FIGURES = ("files", "rows_read", "rows_loaded", "rows_quarantined", "rows_skipped")


def check_run(ctx: RefreshContext) -> dict[str, Any]:
    """Fail loudly if any file was rejected, misplaced, or does not balance read = loaded + quarantined,
    or if more rows of the quarter were quarantined than CCHC_MAX_QUARANTINED_ROWS allows."""
    with ctx.connect() as conn:
        with runs.task_record(conn, ctx.run_id, "check_run") as summary:
            params = {"run_id": ctx.run_id, "quarter": str(ctx.quarter)}
            unbalanced = fetch_all(conn, "audit/unbalanced_files.sql", params)
            rejected = fetch_all(conn, "audit/rejected_files.sql", params)
            misplaced = fetch_all(conn, "audit/landing_problems.sql", params)
            quarantined, quarantine_problem = _quarantine_problem(conn, str(ctx.quarter), max_quarantined_rows())
            counts = fetch_all(conn, "audit/run_dataset_counts.sql", params)
            conn.rollback()
            summary["datasets"] = {dataset: dict(zip(DATASET_FIGURES, row, strict=True)) for dataset, *row in counts}
            summary.update(
                unbalanced=len(unbalanced),
                rejected_files=len(rejected),
                landing_problems=len(misplaced),
                rows_quarantined=quarantined,
            )
            messages = [
                f"{shown(path)}: read {read}, loaded {loaded}, quarantined {quar}, skipped {skipped}"
                for path, read, loaded, quar, skipped in unbalanced
            ]
            messages += [f"{shown(path)}: rejected: {shown(reason)}" for path, reason in rejected]
            messages += [f"{shown(path)}: {shown(reason)}" for path, reason in misplaced]
            messages += [quarantine_problem] if quarantine_problem else []
            if messages:
                raise RefreshFailed(
                    redact(
                        f"{ctx.quarter}: the good files were loaded, "
                        f"but {len(messages)} problem(s) need attention:\n  "
                        + "\n  ".join(messages)
                        + f"\nValidation results (Great Expectations Data Docs): {data_docs_dir() / 'index.html'}"
                    )
                )
        runs.finish_run(conn, ctx.run_id, "success")
        _rewrite_quality_report(conn, ctx)
        return summary


def build_reports(ctx: RefreshContext) -> dict[str, Any]:
    """Write each refreshed province's Biểu II.06a, indicators workbook and dashboard under CCHC_REPORTS.

    Runs after check_run: staff get files only from a quarter whose checks passed. A province whose
    reports fail does not stop the others; the step then fails, naming it."""
    from cchc.reports.publish import refreshed_provinces, write_unit_reports

    with ctx.connect() as conn, runs.task_record(conn, ctx.run_id, "build_reports") as summary:
        provinces = refreshed_provinces(conn, ctx.quarter)
        conn.rollback()
        files: list[str] = []
        problems: list[str] = []
        for province in provinces:
            try:
                files += [str(path) for path in write_unit_reports(conn, ctx.quarter, province)]
            except Exception as error:  # one province's failure must not cost the others their files
                log.exception("reports of province %s for %s failed", province, ctx.quarter)
                problems.append(f"province {province}: {error}")
            finally:
                conn.rollback()
        summary.update(provinces=provinces, files=files)
        if problems:
            summary["problems"] = problems
            raise RefreshFailed(f"{ctx.quarter}: reports could not be written for " + "; ".join(problems))
        return summary


def close_ingest(ctx: RefreshContext, loads: list[dict[str, Any]]) -> dict[str, Any]:
    """End an ingest run: its counts become the asset event that schedules the refresh."""
    summary = {
        "quarter": str(ctx.quarter),
        "files": len(loads),
        "loaded": sum(load["status"] == "loaded" for load in loads),
        "unchanged": sum(load["status"] == "unchanged" for load in loads),
        "rejected": sum(load["status"] == "rejected" for load in loads),
        "rows_read": sum(load["rows_read"] or 0 for load in loads),
    }
    with ctx.connect() as conn:
        runs.finish_run(conn, ctx.run_id, "success", json.dumps(summary))
    return summary


STEPS: tuple[Callable[[RefreshContext], dict[str, Any]], ...] = (
    prepare_warehouse,
    load_raw_files,
    validate_and_stage,
    build_core,
    build_marts,
    reconcile,
    build_quality_report,
    check_run,
    build_reports,
)


def run_refresh(
    ctx: RefreshContext,
    echo: Callable[[str], None] = print,
    on_step: Callable[[str, dict[str, Any], float], None] | None = None,
) -> dict[str, dict[str, Any]]:
    """Every step in order, in this process; marks the run failed if one raises. After each step,
    `on_step(name, summary, seconds)` if given, else `echo` of the summary as one JSON line."""
    results: dict[str, dict[str, Any]] = {}
    holder = ctx.connect()
    try:
        if not runs.hold_run(holder, ctx.run_id):
            raise RefreshFailed(f"run {ctx.run_id} is already running in another process")
        ctx = replace(ctx, held_by_process=True)
        try:
            for step in STEPS:
                started = time.perf_counter()
                results[step.__name__] = step(ctx)
                if on_step is not None:
                    on_step(step.__name__, results[step.__name__], time.perf_counter() - started)
                else:
                    echo(f"{step.__name__}: {json.dumps(results[step.__name__], ensure_ascii=False, default=str)}")
        except Exception as error:
            mark_failed(ctx, error)
            raise
    finally:
        runs.release_run(holder, ctx.run_id)
        holder.close()
    return results


def mark_failed(ctx: RefreshContext, error: BaseException) -> None:
    with ctx.connect() as conn:
        runs.finish_run(conn, ctx.run_id, "failed", str(error)[:4000])
        _rewrite_quality_report(conn, ctx)


def _rewrite_quality_report(conn: psycopg.Connection, ctx: RefreshContext) -> None:
    """Write the quarter's self-contained quality report again now that the run has ended: the one
    build_quality_report wrote said "running". Only where a refresh wrote one; never raises."""
    from cchc.quality.summary import quality_report_path, write_quality_report_html

    if not quality_report_path(ctx.quarter, data_docs_dir()).exists():
        return
    try:
        write_quality_report_html(conn, ctx.quarter, data_docs_dir())
        conn.rollback()
    except Exception as error:  # the run's outcome is recorded; the page is a convenience
        log.warning("the quality report of %s could not be rewritten: %s", ctx.quarter, error)
