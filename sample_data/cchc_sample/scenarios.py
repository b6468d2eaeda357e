"""Named scenarios: landing files that reproduce figures from the seed articles exactly.

Each scenario writes quarter files under the same contract as `generate_province` (a quarter's file
holds the dossiers received in it plus those carried over, in their state at the end of the quarter,
or at the export date for the last one), so that counting the files the way the warehouse does gives
the published figures back. Scenario files are plain UTF-8 CSV; figures the articles do not give
(early/on-time split, dates of visits, which communes miss a target) are drawn from a fixed seed and
said so in each scenario's description below.
"""

from __future__ import annotations

import bisect
import random
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field, replace
from datetime import date, datetime, time, timedelta
from itertools import chain
from pathlib import Path

from cchc.quarters import Quarter, quarter_range
from cchc_sample.catalogue import NOT_ONLINE, CatalogueEntry, Procedure, full_catalogue, load_catalogue
from cchc_sample.dossiers import (
    DIRECT,
    ONLINE,
    POSTAL,
    POSTAL_SHARE,
    SAME_DAY_CUTOFF,
    Dossier,
    DossierFileWriter,
    add_working_days,
    catalogue_for,
    derive_seed,
    draw_outcome,
    draw_received_at,
    draw_supplements,
    due_at,
    first_counted_day,
    is_working_day,
    landing_path,
    make_dossier,
    online_share,
)
from cchc_sample.formats import Cell, write_table
from cchc_sample.oversight import (
    DIRECTIVE_CRITERIA,
    INSPECTION_HEADERS,
    INSPECTIONS_STEM,
    PLAN_HEADERS,
    PLANS_STEM,
    PROCEDURE_HEADERS,
    PROCEDURES_STEM,
    online_level_label,
)
from cchc_sample.units import AdminUnit, communes_of, find_unit


@dataclass(frozen=True)
class ScenarioSummary:
    """What a scenario wrote, counted once per dossier (not per file row); `figures` holds the
    scenario's other published figures as written to its files."""

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
    figures: dict[str, object] = field(default_factory=dict)

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
    inspection: DirectiveInspection | None = None


@dataclass(frozen=True)
class DirectiveInspection:
    """An inspection of the desk's unit scoring each criterion of a directive, filed by `by_unit`."""

    inspection_id: str
    by_level: str
    by_unit: str
    inspected_on: date
    body: str
    scores: tuple[tuple[str, float], ...]


HOA_HIEP_BAC_2018 = ExactPeriod(
    name="hoa-hiep-bac-2018",
    description=(
        "phường Hòa Hiệp Bắc (20194), quận Liên Chiểu, Đà Nẵng, 01/01–28/11/2018: "
        "4,872 received, all resolved, 274 early, 4,598 on time, 0 late; the district team's inspection of "
        "28/11/2018 with the ward's Chỉ thị 29-CT/TU results (seed article 003)"
    ),
    level="commune",
    unit_code="20194",
    first=date(2018, 1, 1),
    last=date(2018, 11, 28),
    received=4872,
    early=274,
    # The district team's visit of 28/11/2018 and the ward's results under Chỉ thị 29-CT/TU.
    inspection=DirectiveInspection(
        inspection_id="KT-CCHC-490-2018-20194",
        by_level="district",
        by_unit="490",
        inspected_on=date(2018, 11, 28),
        body="Tổ kiểm tra CCHC quận Liên Chiểu",
        scores=tuple(zip(DIRECTIVE_CRITERIA, (100.0, 94.0, 100.0, 98.0, 96.0, 100.0, 100.0, 100.0), strict=True)),
    ),
)

# Seed article 000: thị xã Hồng Ngự (868), Đồng Tháp.
HONG_NGU_TOWN = "hong-ngu-town-2020"
TOWN_CODE = "868"
TOWN_FIRST, TOWN_LAST = date(2020, 1, 1), date(2020, 5, 4)
TOWN_RECEIVED = 10407
TOWN_ONLINE_PROCEDURES = {"huyện": 64, "xã": 25}
TOWN_ONLINE_FIELDS = 12
TOWN_INSPECTED_ON = date(2020, 5, 29)
TOWN_SEED = 20200504

# Seed article 001: huyện Hồng Ngự (870), Q1/2022.
HONG_NGU_DISTRICT = "hong-ngu-district-2022q1"
DISTRICT_CODE = "870"
DISTRICT_QUARTER = Quarter(2022, 1)
ONLINE_TARGET = 0.40  # of dossiers filed online, set by the province (seed 001)
BELOW_TARGET, LATE_PLANS, BUDGET_PUBLISHED, NO_NEW_MODEL = 4, 3, 3, 5
PLAN_DEADLINE = date(2022, 1, 15)
LETTER, LETTER_ON = "389/UBND-HC", date(2022, 3, 25)
DISTRICT_SEED = 20220325

SCENARIOS: dict[str, str] = {
    HOA_HIEP_BAC_2018.name: HOA_HIEP_BAC_2018.description,
    HONG_NGU_TOWN: (
        "thị xã Hồng Ngự (868), Đồng Tháp, 01/01–04/05/2020: 10,407 dossiers received and resolved by the town "
        "desk and its 7 communes/wards (2020Q2 file = export of 04/05/2020); procedures.csv with 64 town-level "
        "and 25 commune-level procedures at online level 3/4 in 12 fields; the provincial inspection of 29/05/2020 "
        "of the 7 communes/wards and the town desk (seed article 000; early/on-time split and which procedures "
        "are online are drawn, none late)"
    ),
    HONG_NGU_DISTRICT: (
        "huyện Hồng Ngự (870), Đồng Tháp, 2022Q1: dossiers of its 10 communes and thị trấn, 4 below the 40% "
        "online-submission target, the rest above; 2022 CCHC plans, 3 issued after the 15/01/2022 deadline, "
        "budget published by 3 of 10; the Q1 inspection's findings with corrective letter 389/UBND-HC of "
        "25/03/2022, not yet followed up (seed article 001; the deadline, visit dates and which communes fall "
        "short are drawn)"
    ),
}

_EARLY_MARGIN_WORKING_DAYS = 4  # an early result needs a due date after the first counted day


def write_scenario(name: str, landing: Path) -> ScenarioSummary:
    """Write the landing files of a named scenario (see `SCENARIOS`) under `landing`."""
    writers: dict[str, Callable[[Path], ScenarioSummary]] = {
        HOA_HIEP_BAC_2018.name: lambda root: _write_exact_period(HOA_HIEP_BAC_2018, root),
        HONG_NGU_TOWN: _write_hong_ngu_town,
        HONG_NGU_DISTRICT: _write_hong_ngu_district,
    }
    if name not in writers:
        raise KeyError(f"unknown scenario {name!r}; known: {', '.join(sorted(SCENARIOS))}")
    return writers[name](landing)


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


@dataclass
class _Written:
    """Dossier files written for one or more desks, with each dossier counted once."""

    files: list[str] = field(default_factory=list)
    rows: int = 0
    received: int = 0
    tally: dict[str, int] = field(default_factory=lambda: {"early": 0, "on_time": 0, "late": 0, "pending": 0})

    def add(self, other: _Written) -> None:
        self.files += other.files
        self.rows += other.rows
        self.received += other.received
        for key, value in other.tally.items():
            self.tally[key] += value

    def summary(
        self, name: str, unit: AdminUnit, quarters: Sequence[Quarter], files: Sequence[str], **figures: object
    ) -> ScenarioSummary:
        resolved = self.tally["early"] + self.tally["on_time"] + self.tally["late"]
        return ScenarioSummary(
            name=name,
            unit_level=unit.level,
            unit_code=unit.code,
            quarters=tuple(str(q) for q in quarters),
            files=tuple(files),
            rows=self.rows,
            received=self.received,
            resolved=resolved,
            early=self.tally["early"],
            on_time=self.tally["on_time"],
            late=self.tally["late"],
            pending=self.tally["pending"],
            figures=dict(figures),
        )


def _write_quarters(
    landing: Path,
    unit: AdminUnit,
    quarters: Sequence[Quarter],
    fresh_of: Callable[[Quarter], Iterable[Dossier]],
    export_moment: datetime,
) -> _Written:
    """Write one desk's quarter files as of each quarter's end (or the export moment, if earlier)."""
    out = _Written()
    carry: list[Dossier] = []
    for quarter in quarters:
        as_of = min(datetime.combine(quarter.end_exclusive, time()), export_moment)
        path = landing_path(landing, unit.level, unit.code, quarter)
        still_pending = []
        with DossierFileWriter(path, as_of) as writer:
            for dossier in chain(carry, fresh_of(quarter)):
                if writer.write(dossier):
                    still_pending.append(dossier)
                else:  # resolved in this quarter: counted here and nowhere else
                    out.tally[dossier.outcome()] += 1
        out.rows += writer.rows
        out.received += writer.rows - len(carry)
        out.files.append(path.relative_to(landing).as_posix())
        carry = still_pending
    out.tally["pending"] = len(carry)
    return out


# --- exact periods: every dossier resolved, none late ------------------------------------------------


def _working_days_after(days: list[date], start: date, last: date) -> int:
    """The longest limit (in working days) counted from `start` whose due date is still on or before `last`;
    -1 when even a same-day limit is too late. `days` are the working days up to `last`, sorted."""
    if start > last:
        return -1
    return len(days) - bisect.bisect_right(days, start)


def _exact_desk(
    landing: Path,
    unit: AdminUnit,
    first: date,
    last: date,
    received: int,
    early: int,
    rng: random.Random,
    catalogue: Sequence[Procedure],
    label: str,
) -> _Written:
    """One desk over [first, last]: exactly `received` dossiers, all resolved by `last`, `early` early."""
    days = []
    day = first
    while day <= last:
        if is_working_day(day):
            days.append(day)
        day += timedelta(days=1)
    daily = dict(zip(days, _apportion(received, [rng.uniform(0.7, 1.3) for _ in days]), strict=True))
    can_be_early = {d for d in days if add_working_days(d, _EARLY_MARGIN_WORKING_DAYS) <= last}
    early_left = early
    eligible_left = sum(daily[d] for d in can_be_early)
    if eligible_left < early_left:
        raise ValueError(f"{label}: too few dossiers early enough to be resolved early")
    share = online_share(first.year)
    last_moment = datetime.combine(last, time(23, 59))

    def dossiers_of(day: date) -> list[Dossier]:
        nonlocal early_left, eligible_left
        arrivals = []
        for index in range(daily[day]):
            channel = ONLINE if rng.random() < share else POSTAL if rng.random() < POSTAL_SHARE else DIRECT
            received_at = draw_received_at(rng, day, channel)
            if day == last and received_at.time() >= SAME_DAY_CUTOFF:
                received_at = datetime.combine(day, time(8 + index % 6, rng.randint(0, 59)))
            arrivals.append((received_at, index, channel))
        arrivals.sort()
        out = []
        for sequence, (received_at, _, channel) in enumerate(arrivals, start=1):
            is_early = False
            if day in can_be_early:
                is_early = rng.random() * eligible_left < early_left
                eligible_left -= 1
                early_left -= is_early
            room = _working_days_after(days, first_counted_day(received_at), last)
            pool = [p for p in catalogue if (p.limit_days > 0 or not is_early) and p.limit_days <= room]
            procedure = _choose(rng, pool, channel)
            supplements = draw_supplements(rng, procedure)
            if due_at(received_at, procedure.limit_days + supplements[1]) > last_moment:
                supplements = (0, 0)
            outcome = "early" if is_early else "on_time"
            out.append(make_dossier(rng, unit, procedure, channel, received_at, sequence, supplements, outcome))
        return out

    quarters = quarter_range(Quarter.containing(first), Quarter.containing(last))
    return _write_quarters(
        landing,
        unit,
        quarters,
        lambda quarter: chain.from_iterable(dossiers_of(d) for d in days if Quarter.containing(d) == quarter),
        datetime.combine(last + timedelta(days=1), time()),
    )


def _write_exact_period(spec: ExactPeriod, landing: Path) -> ScenarioSummary:
    unit = find_unit(spec.unit_code, spec.level, spec.first)
    if not unit.valid_on(spec.last):
        raise ValueError(f"{spec.level} {spec.unit_code} is not valid throughout {spec.name}")
    rng = random.Random(derive_seed(spec.seed, spec.name))
    written = _exact_desk(
        landing, unit, spec.first, spec.last, spec.received, spec.early, rng, catalogue_for(unit), spec.name
    )
    quarters = quarter_range(Quarter.containing(spec.first), Quarter.containing(spec.last))
    files = list(written.files)
    if spec.inspection is not None:
        files.append(_write_directive_inspection(landing, spec.inspection, unit, quarters[-1]))
    return written.summary(spec.name, unit, quarters, files)


def _write_directive_inspection(
    landing: Path, inspection: DirectiveInspection, unit: AdminUnit, quarter: Quarter
) -> str:
    rows: list[list[Cell]] = [
        [
            inspection.inspection_id,
            unit.code,
            inspection.inspected_on,
            inspection.body,
            criterion,
            score,
            None,
            None,
            None,
            None,
        ]
        for criterion, score in inspection.scores
    ]
    folder = landing / inspection.by_level / inspection.by_unit / str(quarter)
    path, _ = write_table(folder, INSPECTIONS_STEM, INSPECTION_HEADERS, rows)
    return path.relative_to(landing).as_posix()


# --- seed 000: thị xã Hồng Ngự, 01/01–04/05/2020 ------------------------------------------------------


def town_online_procedures(entries: Sequence[CatalogueEntry] | None = None) -> dict[str, set[str]]:
    """Codes offered online (level 3 or 4) in 2020, by catalogue level: 64 town-level and 25 commune-level
    procedures, together in exactly 12 fields.

    The 12 fields are those with the most town-level procedures that are online today; within them
    every field gets at least one town-level procedure, then procedures online in full (level 4) go first.
    """
    entries = list(entries if entries is not None else load_catalogue())
    online = [e for e in entries if e.online_level != NOT_ONLINE]
    town = [e for e in online if e.level == "huyện"]
    counts: dict[str, int] = {}
    for entry in town:
        counts[entry.field] = counts.get(entry.field, 0) + 1
    fields = set(sorted(counts, key=lambda f: (-counts[f], f))[:TOWN_ONLINE_FIELDS])

    def pick(level: str, how_many: int) -> set[str]:
        pool = sorted((e for e in online if e.level == level and e.field in fields), key=lambda e: e.code)
        chosen: list[CatalogueEntry] = []
        if level == "huyện":
            for name in sorted(fields):
                chosen.append(next(e for e in pool if e.field == name))
        rest = sorted((e for e in pool if e not in chosen), key=lambda e: (e.online_level != "toàn trình", e.code))
        chosen += rest[: how_many - len(chosen)]
        if len(chosen) != how_many:
            raise ValueError(f"the catalogue has too few online {level}-level procedures in {len(fields)} fields")
        return {e.code for e in chosen}

    return {level: pick(level, count) for level, count in TOWN_ONLINE_PROCEDURES.items()}


def _town_procedure_rows(online: dict[str, set[str]], quarter: Quarter) -> list[list[Cell]]:
    rows: list[list[Cell]] = []
    for entry in load_catalogue():
        if entry.level not in online:
            continue
        offered = entry.code in online[entry.level]
        level = entry.online_level if offered else NOT_ONLINE
        label = {"huyện": "Cấp huyện", "xã": "Cấp xã"}[entry.level]
        rows.append(
            [entry.code, entry.name, entry.field, label, online_level_label(level, quarter), entry.processing_days]
        )
    return rows


def _town_inspection_rows(town: AdminUnit, communes: Sequence[AdminUnit]) -> list[list[Cell]]:
    """Seed 000 names the visit (29/05/2020), the team and the 7 communes/wards and the town desk visited
    "before that"; the file dates every visit with the inspection."""
    head = ["KT-CCHC-87-2020-868"]
    body = "Đoàn Kiểm tra CCHC tỉnh Đồng Tháp"
    desk: list[tuple[str, str | None]] = [
        ("Công tác chỉ đạo, điều hành CCHC", None),
        ("Tiếp nhận, giải quyết TTHC theo cơ chế một cửa, một cửa liên thông", None),
        ("Dịch vụ công trực tuyến mức độ 3, 4", None),
        (
            "Kiểm soát, giải quyết TTHC",
            "Tăng cường kiểm tra, hướng dẫn, chấn chỉnh kịp thời hạn chế, sai sót của cán bộ, công chức "
            "trong thực hiện TTHC",
        ),
        ("Mô hình mới, cách làm hay", "Nhân rộng các mô hình hay, cách làm mới về CCHC"),
    ]
    rows: list[list[Cell]] = [
        [*head, town.code, TOWN_INSPECTED_ON, body, criterion, None, finding, None, None, None]
        for criterion, finding in desk
    ]
    for commune in communes:
        criterion = "Kiểm tra thực tế công tác CCHC tại xã, phường"
        rows.append([*head, commune.code, TOWN_INSPECTED_ON, body, criterion, None, None, None, None, None])
    return rows


def _write_hong_ngu_town(landing: Path) -> ScenarioSummary:
    town = find_unit(TOWN_CODE, "district", TOWN_FIRST)
    communes = communes_of(town.province_code, TOWN_FIRST, district_code=TOWN_CODE)
    desks = [town, *communes]
    online = town_online_procedures()
    offered = online["huyện"] | online["xã"]
    catalogue = tuple(p if p.code in offered else replace(p, online=0.0) for p in full_catalogue())
    rng = random.Random(derive_seed(TOWN_SEED, HONG_NGU_TOWN))
    sizes = [2.0 if desk.level == "district" else rng.uniform(0.6, 1.4) for desk in desks]
    written = _Written()
    for desk, received in zip(desks, _apportion(TOWN_RECEIVED, sizes), strict=True):
        desk_rng = random.Random(derive_seed(TOWN_SEED, HONG_NGU_TOWN, desk.key))
        early = round(received * desk_rng.uniform(0.15, 0.35))
        written.add(
            _exact_desk(
                landing,
                desk,
                TOWN_FIRST,
                TOWN_LAST,
                received,
                early,
                desk_rng,
                catalogue_for(desk, catalogue),
                f"{HONG_NGU_TOWN} {desk.code}",
            )
        )
    quarters = quarter_range(Quarter.containing(TOWN_FIRST), Quarter.containing(TOWN_LAST))
    folder = landing / town.level / town.code / str(quarters[-1])
    files = list(written.files)
    path, procedures = write_table(
        folder, PROCEDURES_STEM, PROCEDURE_HEADERS, _town_procedure_rows(online, quarters[-1])
    )
    files.append(path.relative_to(landing).as_posix())
    path, _ = write_table(folder, INSPECTIONS_STEM, INSPECTION_HEADERS, _town_inspection_rows(town, communes))
    files.append(path.relative_to(landing).as_posix())
    return written.summary(
        HONG_NGU_TOWN,
        town,
        quarters,
        files,
        procedures_listed=procedures,
        online_town_level=len(online["huyện"]),
        online_commune_level=len(online["xã"]),
        inspected_communes=len(communes),
    )


# --- seed 001: huyện Hồng Ngự, Q1/2022 -------------------------------------------------------------------


def _mixed_channel_desk(
    landing: Path,
    unit: AdminUnit,
    quarter: Quarter,
    received: int,
    online: int,
    rng: random.Random,
    catalogue: Sequence[Procedure],
) -> _Written:
    """One desk-quarter with exactly `received` dossiers, `online` of them filed online; outcomes drawn
    as `generate_province` draws them (some late, some still pending at the quarter's end)."""
    days = [quarter.first_day + timedelta(days=i) for i in range((quarter.end_exclusive - quarter.first_day).days)]
    working = [d for d in days if is_working_day(d)]
    online_weights = [1.0 if is_working_day(d) else 0.4 for d in days]
    arrivals: dict[date, list[str]] = {}
    for index in range(received):
        if index < online:
            day, channel = rng.choices(days, weights=online_weights)[0], ONLINE
        else:
            day, channel = rng.choice(working), POSTAL if rng.random() < POSTAL_SHARE else DIRECT
        arrivals.setdefault(day, []).append(channel)
    paper = [p for p in catalogue if p.weight > 0]
    filed_online = [p for p in catalogue if p.online > 0]

    def dossiers() -> list[Dossier]:
        out = []
        for day in sorted(arrivals):
            timed = sorted((draw_received_at(rng, day, channel), i, channel) for i, channel in enumerate(arrivals[day]))
            for sequence, (received_at, _, channel) in enumerate(timed, start=1):
                procedure = _choose(rng, filed_online if channel == ONLINE else paper, channel)
                supplements = draw_supplements(rng, procedure)
                outcome = draw_outcome(rng, procedure)
                out.append(make_dossier(rng, unit, procedure, channel, received_at, sequence, supplements, outcome))
        return out

    return _write_quarters(
        landing, unit, [quarter], lambda _: dossiers(), datetime.combine(quarter.end_exclusive, time())
    )


def _online_count(rng: random.Random, received: int, below: bool) -> int:
    """Online dossiers for a desk strictly below (or strictly above) the 40% target."""
    online = round(received * (rng.uniform(0.18, 0.36) if below else rng.uniform(0.43, 0.62)))
    if below:  # online / received < 2 / 5
        return min(online, (2 * received - 1) // 5)
    return max(online, 2 * received // 5 + 1)


def _pick_working_day(rng: random.Random, first: date, last: date) -> date:
    day = first + timedelta(days=rng.randint(0, (last - first).days))
    while not is_working_day(day):
        day -= timedelta(days=1)
    return day


def _write_hong_ngu_district(landing: Path) -> ScenarioSummary:
    quarter = DISTRICT_QUARTER
    district = find_unit(DISTRICT_CODE, "district", quarter.first_day)
    communes = communes_of(district.province_code, quarter.first_day, district_code=DISTRICT_CODE)
    rng = random.Random(derive_seed(DISTRICT_SEED, HONG_NGU_DISTRICT))
    below = set(rng.sample([c.code for c in communes], BELOW_TARGET))
    late = set(rng.sample([c.code for c in communes], LATE_PLANS))
    published = set(rng.sample([c.code for c in communes], BUDGET_PUBLISHED))
    no_new_model = set(rng.sample([c.code for c in communes], NO_NEW_MODEL))
    visits = sorted(_pick_working_day(rng, date(2022, 3, 1), date(2022, 3, 18)) for _ in communes)
    full = full_catalogue()
    written = _Written()
    rates: dict[str, float] = {}
    plans: dict[str, int] = {"late": 0, "budget_not_published": 0}
    inspection: list[list[Cell]] = []
    for commune, visited_on in zip(communes, visits, strict=True):
        desk_rng = random.Random(derive_seed(DISTRICT_SEED, HONG_NGU_DISTRICT, commune.key))
        received = desk_rng.randint(150, 350)
        online = _online_count(desk_rng, received, commune.code in below)
        written.add(
            _mixed_channel_desk(landing, commune, quarter, received, online, desk_rng, catalogue_for(commune, full))
        )
        rates[commune.code] = round(100 * online / received, 2)

        if commune.code in late:
            issued = _pick_working_day(desk_rng, PLAN_DEADLINE + timedelta(days=3), date(2022, 2, 18))
        else:
            issued = _pick_working_day(desk_rng, date(2021, 12, 27), PLAN_DEADLINE - timedelta(days=1))
        is_published = commune.code in published
        published_on = _pick_working_day(desk_rng, date(2022, 1, 10), date(2022, 2, 25)) if is_published else None
        number = desk_rng.randint(2, 30) if issued.year == 2022 else desk_rng.randint(180, 260)
        plan = [
            f"{number}/KH-UBND",
            commune.code,
            2022,
            "Kế hoạch cải cách hành chính năm 2022",
            issued,
            PLAN_DEADLINE,
            "Có" if is_published else "Không",
            published_on,
        ]
        folder = landing / commune.level / commune.code / str(quarter)
        path, _ = write_table(folder, PLANS_STEM, PLAN_HEADERS, [plan])
        written.files.append(path.relative_to(landing).as_posix())
        plans["late"] += issued > PLAN_DEADLINE
        plans["budget_not_published"] += not is_published

        checks: list[tuple[str, float | None, str | None]] = [
            (
                "Kế hoạch CCHC năm 2022",
                None,
                "Ban hành trễ thời gian đối với Kế hoạch CCHC năm 2022" if issued > PLAN_DEADLINE else None,
            ),
            (
                "Tỷ lệ hồ sơ nộp trực tuyến",
                rates[commune.code],
                "Chưa đạt tỷ lệ 40% hồ sơ nộp trực tuyến theo chỉ tiêu giao" if commune.code in below else None,
            ),
            (
                "Công khai ngân sách",
                None,
                None if is_published else "Chưa công khai ngân sách trên Trang Thông tin điện tử của địa phương",
            ),
            (
                "Mô hình mới, cách làm hay",
                None,
                "Chưa có mô hình mới, cách làm hay trong công tác CCHC" if commune.code in no_new_model else None,
            ),
        ]
        for criterion, score, finding in checks:
            letter, letter_on, followed = (LETTER, LETTER_ON, "Không") if finding else (None, None, None)
            inspection.append(
                [
                    f"KT-CCHC-{DISTRICT_CODE}-2022-Q1",
                    commune.code,
                    visited_on,
                    f"Đoàn kiểm tra CCHC {district.name[0].lower()}{district.name[1:]}",
                    criterion,
                    score,
                    finding,
                    letter,
                    letter_on,
                    followed,
                ]
            )
    folder = landing / district.level / district.code / str(quarter)
    path, _ = write_table(folder, INSPECTIONS_STEM, INSPECTION_HEADERS, inspection)
    files = [*written.files, path.relative_to(landing).as_posix()]
    return written.summary(
        HONG_NGU_DISTRICT,
        district,
        [quarter],
        sorted(files),
        communes=len(communes),
        below_online_target=len(below),
        online_rates=rates,
        late_plans=plans["late"],
        budget_not_published=plans["budget_not_published"],
        corrective_letter=LETTER,
    )
