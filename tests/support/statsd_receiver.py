"""A StatsD server on 127.0.0.1 for tests: a UDP socket whose datagrams are kept as metric lines."""

from __future__ import annotations

import socket
import threading


class StatsdReceiver:
    """Collects `name:value|type` lines sent to (host, port) while it is open."""

    def __init__(self) -> None:
        self._socket = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self._socket.bind(("127.0.0.1", 0))
        self._socket.settimeout(0.2)
        self.lines: list[str] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)

    @property
    def port(self) -> int:
        return self._socket.getsockname()[1]

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                data = self._socket.recv(65535)
            except TimeoutError:
                continue
            self.lines += data.decode("utf-8", "replace").splitlines()

    def metrics(self, kind: str) -> dict[str, list[str]]:
        """Values received per metric name, for one StatsD type (`g`, `ms`, `c`)."""
        found: dict[str, list[str]] = {}
        for line in self.lines:
            name, _, rest = line.partition(":")
            value, _, typed = rest.partition("|")
            if typed.split("|")[0] == kind:
                found.setdefault(name, []).append(value)
        return found

    def __enter__(self) -> StatsdReceiver:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        self._socket.close()
