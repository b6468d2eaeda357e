"""Citizen satisfaction responses (dataset `surveys`), SIPAS-style, one row per response.

Each commune desk hands out 10–30 forms a quarter. A response scores the five SIPAS factors (access,
procedure, civil servants, result, feedback handling) from 1 to 5 and says whether the citizen was
satisfied overall. A desk's satisfaction rate is drawn between 85% and 98% (invented, above the 80%
SIPAS target of 2020), stable per desk with some quarter-to-quarter noise. Factor scores follow the
overall answer, and about a third of citizens leave the feedback factor blank (they gave none).
"""

from __future__ import annotations

import bisect
import random
from collections.abc import Iterator, Sequence
from datetime import date, timedelta

from cchc.quarters import Quarter
from cchc.sources.datasets import SURVEYS
from cchc_sample.catalogue import Procedure
from cchc_sample.dossiers import NO, YES, derive_seed, is_working_day
from cchc_sample.formats import Cell, headers_for
from cchc_sample.units import AdminUnit

SURVEYS_STEM = "surveys"
HEADERS = headers_for(SURVEYS)
RESPONSES_PER_QUARTER = (10, 30)
SATISFACTION_RANGE = (0.85, 0.98)
_SATISFIED_SCORES = ((5, 4, 3), (0.55, 0.4, 0.05))
_DISSATISFIED_SCORES = ((1, 2, 3, 4), (0.1, 0.35, 0.4, 0.15))


def satisfaction_rate(unit: AdminUnit, quarter: Quarter, seed: int) -> float:
    """The share of satisfied responses a desk tends to get in a quarter."""
    base = random.Random(derive_seed(seed, unit.key, "sipas")).uniform(*SATISFACTION_RANGE)
    noise = random.Random(derive_seed(seed, unit.key, quarter, "sipas")).uniform(-0.02, 0.02)
    return min(max(base + noise, SATISFACTION_RANGE[0]), SATISFACTION_RANGE[1])


def survey_rows(unit: AdminUnit, quarter: Quarter, seed: int, catalogue: Sequence[Procedure]) -> Iterator[list[Cell]]:
    """The responses collected at a desk in a quarter, in date order."""
    rng = random.Random(derive_seed(seed, unit.key, quarter, "surveys"))
    days = [quarter.first_day + timedelta(days=i) for i in range((quarter.end_exclusive - quarter.first_day).days)]
    working = [day for day in days if is_working_day(day)]
    count = rng.randint(*RESPONSES_PER_QUARTER)
    rate = satisfaction_rate(unit, quarter, seed)
    cumulative: list[float] = []
    total = 0.0
    for procedure in catalogue:
        total += procedure.weight
        cumulative.append(total)
    dates: list[date] = sorted(rng.choice(working) for _ in range(count))
    for number, day in enumerate(dates, start=1):
        procedure = catalogue[bisect.bisect_right(cumulative, rng.random() * total)]
        satisfied = rng.random() < rate
        values, weights = _SATISFIED_SCORES if satisfied else _DISSATISFIED_SCORES
        access, steps, staff, result, feedback = rng.choices(values, weights=weights, k=5)
        yield [
            f"PKS-{unit.code}-{quarter}-{number:03d}",
            unit.code,
            day,
            procedure.code,
            access,
            steps,
            staff,
            result,
            feedback if rng.random() >= 0.35 else None,
            YES if satisfied else NO,
        ]
