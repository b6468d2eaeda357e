"""`cchc refresh` that SIGKILLs itself at a chosen point, for the fault tests.

    python -m tests.support.killed_refresh --end-of TASK   -- refresh args
    python -m tests.support.killed_refresh --after TASK    -- refresh args
    python -m tests.support.killed_refresh --after-file N  -- refresh args

`--end-of TASK`: once TASK's work is done and before its end is recorded (the worst moment: the work may
be committed, the audit says running). `--after TASK`: once TASK's end is recorded, before the next task
starts. `--after-file N`: once the Nth landing file of the run has been loaded and committed.
SIGKILL leaves no except or finally clause to run, as the OOM killer would.
"""

from __future__ import annotations

import argparse
import functools
import os
import signal
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any


def _die() -> None:
    sys.stdout.flush()
    os.kill(os.getpid(), signal.SIGKILL)


def _strike_at_end_of(task: str) -> None:
    from cchc import runs

    original = runs.task_record

    @contextmanager
    def task_record(conn: Any, run_id: str, task_id: str) -> Iterator[dict[str, Any]]:
        with original(conn, run_id, task_id) as summary:
            yield summary
            if task_id == task:
                _die()

    runs.task_record = task_record


def _strike_after(task: str) -> None:
    from cchc import pipeline

    def striking(step: Any) -> Any:
        @functools.wraps(step)
        def run(ctx: Any) -> Any:
            result = step(ctx)
            if step.__name__ == task:
                _die()
            return result

        return run

    pipeline.STEPS = tuple(striking(step) for step in pipeline.STEPS)


def _strike_after_file(count: int) -> None:
    from cchc import pipeline

    original = pipeline._load_landing_file
    loaded = 0

    def load(*args: Any, **kwargs: Any) -> dict[str, Any]:
        nonlocal loaded
        result = original(*args, **kwargs)
        loaded += 1
        if loaded == count:
            _die()
        return result

    pipeline._load_landing_file = load


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="killed_refresh")
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--end-of", metavar="TASK")
    where.add_argument("--after", metavar="TASK")
    where.add_argument("--after-file", type=int, metavar="N")
    parser.add_argument("refresh_args", nargs=argparse.REMAINDER)
    args = parser.parse_args(argv)
    if args.end_of:
        _strike_at_end_of(args.end_of)
    elif args.after:
        _strike_after(args.after)
    else:
        _strike_after_file(args.after_file)
    from cchc.cli import main as cchc_main

    refresh_args = [a for a in args.refresh_args if a != "--"]
    return cchc_main(["refresh", *refresh_args])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
