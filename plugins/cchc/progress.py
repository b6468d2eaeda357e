"""Progress of a long step, logged now and then (not per item): `load_raw_files: 120/315 files, 45,210
rows, 12.3 s`. The command line shows it on stderr, an Airflow task in its log."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

log = logging.getLogger("cchc.progress")
EVERY_SECONDS = 5.0


class Progress:
    """Counts items of a step and logs where it stands at most every `every` seconds."""

    def __init__(
        self,
        label: str,
        total: int,
        unit: str,
        every: float | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.label, self.total, self.unit = label, total, unit
        self.every = EVERY_SECONDS if every is None else every
        self._clock = clock
        self.started = self._last = clock()
        self.done = 0
        self.rows = 0

    def advance(self, items: int = 1, rows: int = 0) -> None:
        self.done += items
        self.rows += rows
        now = self._clock()
        if now - self._last >= self.every and self.done < self.total:
            self._last = now
            log.info("%s", self.line(now))

    def line(self, now: float | None = None) -> str:
        seconds = (self._clock() if now is None else now) - self.started
        rows = f", {self.rows:,} rows" if self.rows else ""
        return f"{self.label}: {self.done}/{self.total} {self.unit}{rows}, {seconds:.1f} s"


class Phases:
    """Wall seconds a step spends in each of its phases, summed over chunks, for its summary: where a
    data engineer (and the benchmark) sees the time go without a profiler."""

    def __init__(self, clock: Callable[[], float] = time.perf_counter) -> None:
        self._clock = clock
        self.seconds: dict[str, float] = {}

    @contextmanager
    def __call__(self, phase: str) -> Iterator[None]:
        started = self._clock()
        try:
            yield
        finally:
            self.seconds[phase] = self.seconds.get(phase, 0.0) + self._clock() - started

    def summary(self) -> dict[str, float]:
        """Seconds by phase, to the hundredth, in the order the phases first ran."""
        return {phase: round(seconds, 2) for phase, seconds in self.seconds.items()}
