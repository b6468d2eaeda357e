"""Which landing units a build step must rebuild when only some of a dataset's landing units changed.

A fact built row for row from one dataset's staged rows (`per_landing_unit` in its model.yml) can
replace just the rows of the units that changed since it was built: their staged rows are all it reads.
That holds only while everything else the step reads is as it was (the other datasets, earlier
quarters, its SQL, code and parameters). So the step records, beside its fingerprint of the whole
quarter, a `context` fingerprint of everything but those units, and each unit's staging fingerprint as
it built it. When the context is unchanged, the units whose staging fingerprint moved (a late file,
a withdrawn one, a new unit) are the ones to rebuild; otherwise the whole quarter is. The counts kept
per unit from such a fact (`core.int_unit_desk_counts`, `core.int_unit_desk_ii06a`) are then recounted
for the units whose rows were replaced, before and after.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import psycopg

from cchc.sources.datasets import DATASETS
from cchc.warehouse.models import Model
from cchc.warehouse.sql_files import execute_file, execute_template, fetch_all
from cchc.warehouse.step_inputs import fingerprint, record

CONTEXT_SCOPE = "context"


@dataclass(frozen=True)
class UnitPlan:
    """What to rebuild: `changed` landing units ('dataset/level/unit' scopes) or, when None, the whole
    quarter; `context` and `units` are what to record once built, `gone` the unit scopes recorded before
    that no longer stand (their rows go, and so do their records)."""

    context: str
    units: dict[str, str]  # scope -> the staging fingerprint the unit is built from
    changed: list[str] | None
    gone: list[str]

    def landing_units(self, dataset: str) -> list[str]:
        """The changed and gone landing units ('level/unit') of `dataset`."""
        prefix = f"{dataset}/"
        return [scope.removeprefix(prefix) for scope in [*(self.changed or []), *self.gone] if scope.startswith(prefix)]


def _is_unit_of(scope: str, datasets: Iterable[str]) -> bool:
    return any(scope.startswith(f"{dataset}/") for dataset in datasets)


def plan_units(
    conn: psycopg.Connection,
    quarter: str,
    step: str,
    inputs: Sequence[tuple[str, str, str]],
    datasets: Sequence[str],
    *parts: Any,
) -> UnitPlan:
    """Compare the staging fingerprints `inputs` ((quarter, scope, fingerprint) of the step read) with
    what `step` recorded when it last built the quarter. `parts` are the step's other inputs (code
    digest, parameters)."""
    units = {scope: value for q, scope, value in inputs if q == quarter and _is_unit_of(scope, datasets)}
    # Everything but those units, and the dataset-wide fingerprints that sum them up.
    others = [row for row in inputs if not (row[0] == quarter and (row[1] in units or row[1] in datasets))]
    context = fingerprint(others, *parts)
    built = dict(fetch_all(conn, "audit/step_inputs_of_quarter.sql", {"quarter": quarter, "step": step}))
    built_units = {scope: value for scope, value in built.items() if _is_unit_of(scope, datasets)}
    gone = sorted(set(built_units) - set(units))
    if built.get(CONTEXT_SCOPE) != context:
        return UnitPlan(context, units, None, gone)
    changed = sorted(scope for scope, value in units.items() if built_units.get(scope) != value)
    if units and len(changed) == len(units):
        return UnitPlan(context, units, None, gone)
    return UnitPlan(context, units, changed, gone)


def record_units(conn: psycopg.Connection, quarter: str, step: str, plan: UnitPlan, run_id: str) -> None:
    """Record the context and every unit's fingerprint as built, and forget the units now gone; call in
    the transaction that built them."""
    record(conn, quarter, step, CONTEXT_SCOPE, plan.context, run_id)
    for scope, value in plan.units.items():
        if plan.changed is None or scope in plan.changed:
            record(conn, quarter, step, scope, value, run_id)
    if plan.gone:
        execute_file(conn, "audit/step_inputs_delete.sql", {"quarter": quarter, "step": step, "scopes": plan.gone})


def replace_unit_rows(
    conn: psycopg.Connection, bounds: dict[str, Any], model: Model, build_file: str, plan: UnitPlan, units: set[str]
) -> int:
    """Replace the quarter's rows of the plan's landing units in `model` (`bounds` are the build's
    parameters); returns the rows built. A relation whose rows carry the file they came from loses the
    rows of every version of those units' files, gains those of their current files, and adds the units
    those rows were counted for to `units`; any other relation of the dataset, a count kept per unit, is
    rebuilt for the `units` gathered so."""
    dataset = model.per_landing_unit
    scope = {"quarter": bounds["quarter"], "dataset": dataset, "landing_units": plan.landing_units(dataset)}
    if "file_id" not in dict(model.columns):
        codes = sorted(units)
        execute_template(
            conn, "core/delete_rows_of_units.sql", {"table": model.relation}, {**scope, "unit_codes": codes}
        ).close()
        return execute_file(conn, build_file, {**bounds, "file_ids": None, "unit_codes": codes})
    with execute_template(conn, "core/delete_rows_of_landing_units.sql", {"table": model.relation}, scope) as cur:
        units.update(unit for (unit,) in cur.fetchall())
    file_ids = [file_id for (file_id,) in fetch_all(conn, "raw/files_of_landing_units.sql", scope)]
    staged = {"staging_table": DATASETS[dataset].staging_table}
    with execute_template(conn, "core/units_of_staged_files.sql", staged, {**scope, "file_ids": file_ids}) as cur:
        units.update(unit for (unit,) in cur.fetchall())
    return execute_file(conn, build_file, {**bounds, "file_ids": file_ids, "unit_codes": None})
