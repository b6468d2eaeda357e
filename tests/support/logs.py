"""Log messages of one logger, collected by a handler on that logger itself: whatever another test or
Airflow did to propagation and to the root logger's handlers, each record is seen once."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def logged(name: str, level: int = logging.INFO) -> Iterator[list[str]]:
    """The messages `name` logs at `level` or above while the block runs."""
    messages: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            messages.append(record.getMessage())

    logger = logging.getLogger(name)
    handler, before = Collect(level), logger.level
    logger.addHandler(handler)
    logger.setLevel(level)
    try:
        yield messages
    finally:
        logger.removeHandler(handler)
        logger.setLevel(before)
