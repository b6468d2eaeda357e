"""A socket on 127.0.0.1 served by a thread of its own while a `with` block runs: the life cycle the
test receivers (SMTP, StatsD) share; each says what to do with what arrives."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Self

POLL_SECONDS = 0.2  # how long one wait for the socket lasts, so that stopping is noticed soon


class LoopbackSocket:
    """Call `_open` with the bound socket; `_serve_once` is called until the block exits (or
    `lifetime` seconds have passed), each time with the socket ready to wait POLL_SECONDS at most."""

    def _open(self, sock: socket.socket, lifetime: float | None = None) -> None:
        sock.settimeout(POLL_SECONDS)
        self._socket = sock
        self._lifetime = lifetime
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)

    @property
    def port(self) -> int:
        return self._socket.getsockname()[1]

    def _serve_once(self) -> None:
        raise NotImplementedError

    def _serve(self) -> None:
        deadline = None if self._lifetime is None else time.monotonic() + self._lifetime
        while not self._stop.is_set() and (deadline is None or time.monotonic() < deadline):
            try:
                self._serve_once()
            except TimeoutError:
                continue

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        self._socket.close()


@contextmanager
def refusing_port() -> Iterator[int]:
    """A port on 127.0.0.1 that refuses connections while the block runs: bound by this socket, which
    never listens, so no other process can take it meanwhile (as a port probed and closed could be)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        yield sock.getsockname()[1]


def likely_free_port() -> int:
    """A port on 127.0.0.1 free a moment ago, for a server that must be told its port before it starts
    (PostgreSQL, Airflow's api-server: neither can report a port 0 back). Another process can take it
    first; the callers retry on the server's own "address in use" error."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
