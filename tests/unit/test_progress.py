"""A long step's progress line: logged at most every few seconds, never after the last item."""

from __future__ import annotations

import pytest

from cchc.progress import Phases, Progress
from tests.support.logs import logged

pytestmark = pytest.mark.unit


def test_progress_is_logged_when_enough_time_has_passed():
    now = [100.0]
    progress = Progress("load_raw_files", 4, "files", every=5, clock=lambda: now[0])
    with logged("cchc.progress") as lines:
        now[0] = 102.0
        progress.advance(rows=1000)  # 2 s: too soon
        now[0] = 106.5
        progress.advance(rows=234)  # 6.5 s: logged
        now[0] = 108.0
        progress.advance(rows=10)  # 1.5 s after the last line: too soon
        now[0] = 120.0
        progress.advance(rows=1)  # the last file: the step's own summary line follows, not this
    assert lines == ["load_raw_files: 2/4 files, 1,234 rows, 6.5 s"]
    assert progress.line() == "load_raw_files: 4/4 files, 1,245 rows, 20.0 s"


def test_phases_sum_their_seconds_over_chunks_even_when_one_fails():
    ticks = iter([0.0, 1.5, 1.5, 1.75, 2.0, 4.0, 4.0, 4.125])
    phase = Phases(clock=lambda: next(ticks))
    for _chunk in range(2):
        with phase("read raw rows"):
            pass
        with phase("type"):
            pass
    # read 1.5 + 2.0, type 0.25 + 0.125
    assert phase.summary() == {"read raw rows": 3.5, "type": 0.38}
    ticks = iter([10.0, 12.0])
    failing = Phases(clock=lambda: next(ticks))
    with pytest.raises(ValueError), failing("validate"):
        raise ValueError("a chunk that fails still shows the time it took")
    assert failing.summary() == {"validate": 2.0}
