"""Named scenarios: landing files that reproduce figures from the seed articles exactly.

Each scenario writes quarter files under the same contract as `generate_province` (a quarter's file
holds the dossiers received in it plus those carried over, in their state at the end of the quarter,
or at the export date for the last one), so that counting the files the way the warehouse does gives
the published figures back.
"""

from __future__ import annotations

import random
from dataclasses import asdict, dataclass
from datetime import date, datetime, time, timedelta
from itertools import chain
from pathlib import Path

from cchc.generate.dossiers import (
    DIRECT,
    ONLINE,
    POSTAL,
    POSTAL_SHARE,
    SAME_DAY_CUTOFF,
    Dossier,
    DossierFileWriter,
    Procedure,
    add_working_days,
    catalogue_for,
    derive_seed,
    draw_received_at,
    draw_supplements,
    due_at,
    is_working_day,
    landing_path,
    make_dossier,
    online_share,
)
from cchc.generate.units import find_unit
from cchc.quarters import Quarter, quarter_range


@dataclass(frozen=True)
class ScenarioSummary:
    """What a scenario wrote, counted once per dossier (not per file row)."""

    name: str
    unit_level: str
    unit_code: str
    quarters: tuple[str, ...]
    files: tuple[str, ...]  # paths relative to the landing folder
    rows: int
    received: int
    resolved: int
    early: int
    on_time: int
    late: int
    pending: int

    def as_dict(self) -> dict[str, object]:
        return {**asdict(self), "quarters": list(self.quarters), "files": list(self.files)}


@dataclass(frozen=True)
class ExactPeriod:
    """One desk over [first, last]: exactly `received` dossiers, all resolved by `last`, none late,
    exactly `early` of them before their due date and the rest on it."""

    name: str
    description: str
    level: str
    unit_code: str
    first: date
    last: date
    received: int
    early: int
    seed: int = 20181128


HOA_HIEP_BAC_2018 = ExactPeriod(
    name="hoa-hiep-bac-2018",
    description=(
        "phường Hòa Hiệp Bắc (20194), quận Liên Chiểu, Đà Nẵng, 01/01–28/11/2018: "
        "4,872 received, all resolved, 274 early, 4,598 on time, 0 late (seed article 003)"
    ),
    level="commune",
    unit_code="20194",
    first=date(2018, 1, 1),
    last=date(2018, 11, 28),
    received=4872,
    early=274,
)

_EXACT: dict[str, ExactPeriod] = {spec.name: spec for spec in (HOA_HIEP_BAC_2018,)}

SCENARIOS: dict[str, str] = {name: spec.description for name, spec in _EXACT.items()}

_EARLY_MARGIN_WORKING_DAYS = 4  # an early result needs a due date after the first counted day


def write_scenario(name: str, landing: Path) -> ScenarioSummary:
    """Write the landing files of a named scenario (see `SCENARIOS`) under `landing`."""
    if name not in _EXACT:
        raise KeyError(f"unknown scenario {name!r}; known: {', '.join(sorted(SCENARIOS))}")
    return _write_exact_period(_EXACT[name], landing)


def _apportion(total: int, weights: list[float]) -> list[int]:
    """Integers proportional to `weights` summing to `total` (largest remainder, ties by position)."""
    scale = total / sum(weights)
    shares = [weight * scale for weight in weights]
    counts = [int(share) for share in shares]
    by_remainder = sorted(range(len(shares)), key=lambda i: (counts[i] - shares[i], i))
    for index in by_remainder[: total - sum(counts)]:
        counts[index] += 1
    return counts


def _choose(rng: random.Random, pool: list[Procedure], channel: str) -> Procedure:
    weights = [p.weight * (p.online if channel == ONLINE else 1.0) for p in pool]
    if not any(weights):
        weights = [p.weight for p in pool]
    return rng.choices(pool, weights=weights)[0]


def _write_exact_period(spec: ExactPeriod, landing: Path) -> ScenarioSummary:
    unit = find_unit(spec.unit_code, spec.level, spec.first)
    if not unit.valid_on(spec.last):
        raise ValueError(f"{spec.level} {spec.unit_code} is not valid throughout {spec.name}")
    rng = random.Random(derive_seed(spec.seed, spec.name))
    catalogue = catalogue_for(unit)

    days = []
    day = spec.first
    while day <= spec.last:
        if is_working_day(day):
            days.append(day)
        day += timedelta(days=1)
    daily = dict(zip(days, _apportion(spec.received, [rng.uniform(0.7, 1.3) for _ in days]), strict=True))
    can_be_early = {d for d in days if add_working_days(d, _EARLY_MARGIN_WORKING_DAYS) <= spec.last}
    early_left = spec.early
    eligible_left = sum(daily[d] for d in can_be_early)
    if eligible_left < early_left:
        raise ValueError(f"{spec.name}: too few dossiers early enough to be resolved early")
    share = online_share(spec.first.year)
    last_moment = datetime.combine(spec.last, time(23, 59))

    def dossiers_of(day: date) -> list[Dossier]:
        nonlocal early_left, eligible_left
        arrivals = []
        for index in range(daily[day]):
            channel = ONLINE if rng.random() < share else POSTAL if rng.random() < POSTAL_SHARE else DIRECT
            received_at = draw_received_at(rng, day, channel)
            if day == spec.last and received_at.time() >= SAME_DAY_CUTOFF:
                received_at = datetime.combine(day, time(8 + index % 6, rng.randint(0, 59)))
            arrivals.append((received_at, index, channel))
        arrivals.sort()
        out = []
        for sequence, (received_at, _, channel) in enumerate(arrivals, start=1):
            early = False
            if day in can_be_early:
                early = rng.random() * eligible_left < early_left
                eligible_left -= 1
                early_left -= early
            pool = [
                p
                for p in catalogue
                if (p.limit_days > 0 or not early) and due_at(received_at, p.limit_days) <= last_moment
            ]
            procedure = _choose(rng, pool, channel)
            supplements = draw_supplements(rng, procedure)
            if due_at(received_at, procedure.limit_days + supplements[1]) > last_moment:
                supplements = (0, 0)
            outcome = "early" if early else "on_time"
            out.append(make_dossier(rng, unit, procedure, channel, received_at, sequence, supplements, outcome))
        return out

    quarters = quarter_range(Quarter.containing(spec.first), Quarter.containing(spec.last))
    export_moment = datetime.combine(spec.last + timedelta(days=1), time())
    files: list[str] = []
    rows = received = 0
    tally = {"early": 0, "on_time": 0, "late": 0, "pending": 0}
    carry: list[Dossier] = []
    for quarter in quarters:
        as_of = min(datetime.combine(quarter.end_exclusive, time()), export_moment)
        fresh = chain.from_iterable(dossiers_of(d) for d in days if Quarter.containing(d) == quarter)
        path = landing_path(landing, unit.level, unit.code, quarter)
        still_pending = []
        with DossierFileWriter(path, as_of) as out:
            for dossier in chain(carry, fresh):
                if out.write(dossier):
                    still_pending.append(dossier)
                else:  # resolved in this quarter: counted here and nowhere else
                    tally[dossier.outcome()] += 1
        rows += out.rows
        received += out.rows - len(carry)
        files.append(path.relative_to(landing).as_posix())
        carry = still_pending
    tally["pending"] = len(carry)
    resolved = tally["early"] + tally["on_time"] + tally["late"]
    return ScenarioSummary(
        name=spec.name,
        unit_level=unit.level,
        unit_code=unit.code,
        quarters=tuple(str(q) for q in quarters),
        files=tuple(files),
        rows=rows,
        received=received,
        resolved=resolved,
        early=tally["early"],
        on_time=tally["on_time"],
        late=tally["late"],
        pending=tally["pending"],
    )
