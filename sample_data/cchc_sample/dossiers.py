"""Synthetic one-stop dossier exports (dataset `dossiers`) written to the landing zone.

Each one-stop desk (a commune, or a district before the 2025 reform) gets one file per quarter,
`<level>/<unit_code>/<YYYYQn>/dossiers.csv` (or `.xlsx`, in the file format of the desk's software:
see `cchc_sample.formats`), shaped like an export of that software: Vietnamese headers,
`dd/mm/yyyy HH:MM` local (Asia/Ho_Chi_Minh) times, one row per dossier.

File contract: the file of quarter Q holds every dossier received in Q plus every dossier received
earlier and still pending at the start of Q, each in its state at the end of Q. A dossier resolved in
Q+1 therefore shows an empty result date in Q's file and its result date in Q+1's file, under the same
`Mã hồ sơ`. Dossier ids read `H<province>.<unit>-<yymmdd>-<nnnn>` (receipt day and order that day).

Output depends only on the seed, the unit and the quarter: each unit-quarter draws from its own
`random.Random`, seeded from a hash of the three, so files are byte-identical across runs and the
same whatever other units or quarters are generated alongside. A dossier is resolved at most
`MAX_LIFECYCLE_DAYS` after receipt, so the carried-over dossiers of a quarter come from the two
quarters before it, which are replayed (not written) when they were not requested.

Procedures come from the reference catalogue (`cchc_sample.catalogue`): real field names and
procedure titles, illustrative codes and limits. Volumes, channel shares and outcome rates are invented
to look like published provincial figures (online share rising from about 10% in 2020 to 60% in 2025,
a few percent late).

Whole provinces are written by `cchc_sample.province.generate_province`, which uses this module.
"""

from __future__ import annotations

import bisect
import csv
import hashlib
import math
import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from types import TracebackType

from cchc.quarters import Quarter
from cchc_sample.catalogue import Procedure, core_catalogue, desk_catalogue
from cchc_sample.units import AdminUnit

HEADERS = (
    "Mã hồ sơ",
    "Mã đơn vị",
    "Mã thủ tục",
    "Lĩnh vực",
    "Hình thức nộp",
    "Ngày tiếp nhận",
    "Ngày hẹn trả",
    "Ngày có kết quả",
    "Trả kết quả qua BCCI",
    "Số lần yêu cầu bổ sung",
)
DATASET_FILE = "dossiers.csv"
DATETIME_FORMAT = "%d/%m/%Y %H:%M"
DIRECT, ONLINE, POSTAL = "Trực tiếp", "Trực tuyến", "Bưu chính"
YES, NO = "Có", "Không"

OFFICE_OPENS = time(7, 30)
OFFICE_CLOSES = time(17, 0)
SAME_DAY_CUTOFF = time(15, 0)  # received later (or on a weekend): counting starts the next working day
MAX_LATE_WORKING_DAYS = 40
MAX_WAIT_WORKING_DAYS = 12  # time left to the citizen for supplements, all requests together
MAX_LIFECYCLE_DAYS = 170  # calendar days; the longest limit (45 working days) + waits + lateness stays below it
LOOKBACK_QUARTERS = 2  # two quarters always last longer than MAX_LIFECYCLE_DAYS

# Mean number of dossiers per quarter, relative to `per_unit_quarter` (a pre-reform commune desk).
VOLUME_FACTOR = {"district": 2.0, "commune": 1.0, "commune_after_reform": 3.0}

# Share of dossiers filed online by year; years outside the table take the nearest one.
ONLINE_SHARE = {
    2017: 0.01,
    2018: 0.02,
    2019: 0.05,
    2020: 0.10,
    2021: 0.20,
    2022: 0.30,
    2023: 0.40,
    2024: 0.50,
    2025: 0.60,
}
POSTAL_SHARE = 0.03  # of dossiers not filed online
RETURN_BY_POST = {DIRECT: 0.05, ONLINE: 0.08, POSTAL: 0.85}


@dataclass(frozen=True, slots=True)
class Dossier:
    """One hồ sơ with its whole life; `resolved_at` may lie beyond the quarter being written."""

    dossier_id: str
    unit_code: str
    procedure: Procedure
    channel: str
    received_at: datetime
    due_at: datetime
    resolved_at: datetime | None
    returned_by_post: bool
    supplement_requests: int

    def pending_at(self, moment: datetime) -> bool:
        """Still without a result at `moment` (local time)."""
        return self.resolved_at is None or self.resolved_at >= moment

    def outcome(self) -> str:
        """`early`, `on_time` or `late` by calendar date against the due date; `pending` without a result."""
        if self.resolved_at is None:
            return "pending"
        resolved, due = self.resolved_at.date(), self.due_at.date()
        return "early" if resolved < due else "on_time" if resolved == due else "late"

    def values(self, as_of: datetime) -> list[str | int | datetime | None]:
        """Typed cells in the state known just before `as_of` (no result date while pending)."""
        shown = self.resolved_at if not self.pending_at(as_of) else None
        return [
            self.dossier_id,
            self.unit_code,
            self.procedure.code,
            self.procedure.field,
            self.channel,
            self.received_at,
            self.due_at,
            shown,
            YES if self.returned_by_post else NO,
            self.supplement_requests,
        ]

    def row(self, as_of: datetime) -> list[str]:
        """The CSV row in the state known just before `as_of`."""
        return [
            value.strftime(DATETIME_FORMAT) if isinstance(value, datetime) else "" if value is None else str(value)
            for value in self.values(as_of)
        ]


class DossierFileWriter:
    """Writes one landing file row by row: the header first, then each dossier as of `as_of`."""

    def __init__(self, path: Path, as_of: datetime) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.as_of = as_of
        self.rows = 0
        self.pending = 0
        self._handle = path.open("w", encoding="utf-8", newline="")
        self._writer = csv.writer(self._handle, lineterminator="\n")
        self._writer.writerow(HEADERS)

    def write(self, dossier: Dossier) -> bool:
        """Write one row; True when the dossier is still pending at `as_of`."""
        self._writer.writerow(dossier.row(self.as_of))
        self.rows += 1
        pending = dossier.pending_at(self.as_of)
        self.pending += pending
        return pending

    def close(self) -> None:
        self._handle.close()

    def __enter__(self) -> DossierFileWriter:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


def landing_path(landing: Path, level: str, unit_code: str, quarter: Quarter, filename: str = DATASET_FILE) -> Path:
    """`<landing>/<level>/<unit_code>/<YYYYQn>/<filename>` (`dossiers.csv` unless told)."""
    return landing / level / unit_code / str(quarter) / filename


def derive_seed(*parts: object) -> int:
    """A stable 64-bit seed from any parts (Python's own `hash` changes between runs)."""
    digest = hashlib.sha256("\x1f".join(str(part) for part in parts).encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big")


def online_share(year: int) -> float:
    """Share of dossiers filed online in `year`."""
    known = sorted(ONLINE_SHARE)
    return ONLINE_SHARE[min(max(year, known[0]), known[-1])]


def is_working_day(day: date) -> bool:
    return day.weekday() < 5


def next_working_day(day: date) -> date:
    day += timedelta(days=1)
    while not is_working_day(day):
        day += timedelta(days=1)
    return day


def add_working_days(day: date, count: int) -> date:
    """`day` moved forward by `count` working days (Monday to Friday; public holidays ignored)."""
    for _ in range(count):
        day = next_working_day(day)
    return day


def first_counted_day(received_at: datetime) -> date:
    """Day 0 of the time limit: the receipt day, or the next working day if received late or off-days."""
    day = received_at.date()
    if is_working_day(day) and received_at.time() < SAME_DAY_CUTOFF:
        return day
    return next_working_day(day)


def due_at(received_at: datetime, working_days: int) -> datetime:
    """Ngày hẹn trả: `working_days` after the first counted day, at closing time."""
    return datetime.combine(add_working_days(first_counted_day(received_at), working_days), OFFICE_CLOSES)


def catalogue_for(unit: AdminUnit, catalogue: Sequence[Procedure] | None = None) -> tuple[Procedure, ...]:
    """Procedures handled at this unit's desk, from `catalogue` (default: the compact core catalogue);
    after the reform communes took over district work."""
    return desk_catalogue(tuple(catalogue or core_catalogue()), unit.level, after_reform=unit.valid_from is not None)


def _minute_time(minute: int) -> time:
    return time(minute // 60, minute % 60)


def _minutes(moment: time) -> int:
    return moment.hour * 60 + moment.minute


def draw_received_at(rng: random.Random, day: date, channel: str) -> datetime:
    """A plausible receipt time on `day` for the channel."""
    if channel == ONLINE:
        minute = rng.randint(6 * 60, 23 * 60 + 59) if rng.random() < 0.9 else rng.randint(0, 6 * 60 - 1)
    elif channel == POSTAL:
        minute = rng.randint(8 * 60, 16 * 60)
    elif rng.random() < 0.7:
        minute = rng.randint(_minutes(OFFICE_OPENS), 11 * 60 + 30)
    else:
        minute = rng.randint(13 * 60 + 30, 16 * 60 + 45)
    return datetime.combine(day, _minute_time(minute))


def draw_time_on(rng: random.Random, day: date, not_before: datetime) -> datetime:
    """An office-hours moment on `day`, after `not_before` when that is the same day."""
    low = _minutes(OFFICE_OPENS)
    if not_before.date() == day:
        low = min(max(low, _minutes(not_before.time()) + 5), 23 * 60 + 59)
    high = max(low, _minutes(OFFICE_CLOSES))
    return datetime.combine(day, _minute_time(rng.randint(low, high)))


def draw_supplements(rng: random.Random, procedure: Procedure) -> tuple[int, int]:
    """(number of requests for supplements, working days the citizen took to answer them)."""
    if rng.random() >= procedure.supplement:
        return 0, 0
    requests = 2 if rng.random() < 0.15 else 1
    wait = sum(rng.randint(1, MAX_WAIT_WORKING_DAYS // 2) for _ in range(requests))
    return requests, wait


def draw_outcome(rng: random.Random, procedure: Procedure) -> str:
    draw = rng.random()
    if draw < procedure.late:
        return "late"
    if draw < procedure.late + procedure.early:
        return "early"
    return "on_time"


def make_dossier(
    rng: random.Random,
    unit: AdminUnit,
    procedure: Procedure,
    channel: str,
    received_at: datetime,
    sequence: int,
    supplements: tuple[int, int],
    outcome: str,
) -> Dossier:
    """Build a dossier whose result falls early, on time or late as asked.

    The due date counts the procedure's limit plus the working days the citizen took to supply
    missing documents. `early` falls back to on time when the limit leaves no earlier working day.
    """
    requests, wait = supplements
    start = first_counted_day(received_at)
    due = due_at(received_at, procedure.limit_days + wait)
    if outcome == "late":
        late_by = min(MAX_LATE_WORKING_DAYS, 1 + int(rng.expovariate(1 / 6)))
        result_day = add_working_days(due.date(), late_by)
    elif outcome == "early" and due.date() > start:
        candidates = [start]
        while (following := next_working_day(candidates[-1])) < due.date():
            candidates.append(following)
        result_day = rng.choice(candidates)
    else:
        result_day = due.date()
    resolved = draw_time_on(rng, result_day, received_at)
    if resolved - received_at > timedelta(days=MAX_LIFECYCLE_DAYS):
        raise ValueError(f"{procedure.code}: a dossier would outlive the {LOOKBACK_QUARTERS}-quarter replay")
    by_post = rng.random() < RETURN_BY_POST[channel]
    dossier_id = f"H{unit.province_code}.{unit.code}-{received_at:%y%m%d}-{sequence:04d}"
    return Dossier(dossier_id, unit.code, procedure, channel, received_at, due, resolved, by_post, requests)


class _Picker:
    """Weighted choice of a procedure, for filings on paper and online."""

    def __init__(self, catalogue: Sequence[Procedure]) -> None:
        self.catalogue = tuple(catalogue)
        self._any = self._cumulative([p.weight for p in self.catalogue])
        self._online = self._cumulative([p.weight * p.online for p in self.catalogue])

    @staticmethod
    def _cumulative(weights: list[float]) -> list[float]:
        total, out = 0.0, []
        for weight in weights:
            total += weight
            out.append(total)
        return out

    def pick(self, rng: random.Random, channel: str) -> Procedure:
        cumulative = self._online if channel == ONLINE else self._any
        return self.catalogue[bisect.bisect_right(cumulative, rng.random() * cumulative[-1])]


def _poisson(rng: random.Random, mean: float) -> int:
    if mean <= 0:
        return 0
    if mean > 30:
        return max(0, round(rng.gauss(mean, math.sqrt(mean))))
    limit, count, product = math.exp(-mean), 0, rng.random()
    while product > limit:
        count += 1
        product *= rng.random()
    return count


def _days(quarter: Quarter) -> Iterator[date]:
    day = quarter.first_day
    while day < quarter.end_exclusive:
        yield day
        day += timedelta(days=1)


def expected_volume(unit: AdminUnit, per_unit_quarter: int, seed: int) -> float:
    """Mean dossiers a quarter at this desk: level factor times a stable per-unit size factor."""
    kind = "commune_after_reform" if unit.level == "commune" and unit.valid_from else unit.level
    size = random.Random(derive_seed(seed, unit.key, "size")).uniform(0.6, 1.4)
    return per_unit_quarter * VOLUME_FACTOR[kind] * size


def received_in(
    unit: AdminUnit,
    quarter: Quarter,
    per_unit_quarter: int,
    seed: int,
    catalogue: Sequence[Procedure] | None = None,
) -> Iterator[Dossier]:
    """The dossiers a desk receives in a quarter, in receipt order, drawn lazily day by day."""
    rng = random.Random(derive_seed(seed, unit.key, quarter))
    picker = _Picker(catalogue_for(unit, catalogue))
    mean = expected_volume(unit, per_unit_quarter, seed)
    share = online_share(quarter.year)
    days = list(_days(quarter))
    working = sum(is_working_day(day) for day in days)
    weekend_weight = 0.4  # people file online on weekends too, less often
    online_day_units = working + weekend_weight * (len(days) - working)
    for day in days:
        working_day = is_working_day(day)
        on_paper = _poisson(rng, mean * (1 - share) / working) if working_day else 0
        online = _poisson(rng, mean * share * (1 if working_day else weekend_weight) / online_day_units)
        arrivals = []
        for index in range(on_paper + online):
            channel = ONLINE if index >= on_paper else POSTAL if rng.random() < POSTAL_SHARE else DIRECT
            arrivals.append((draw_received_at(rng, day, channel), index, channel))
        arrivals.sort()
        for sequence, (received_at, _, channel) in enumerate(arrivals, start=1):
            procedure = picker.pick(rng, channel)
            supplements = draw_supplements(rng, procedure)
            outcome = draw_outcome(rng, procedure)
            yield make_dossier(rng, unit, procedure, channel, received_at, sequence, supplements, outcome)
