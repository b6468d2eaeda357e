"""A StatsD server on 127.0.0.1 for tests: a UDP socket whose datagrams are kept as metric lines."""

from __future__ import annotations

import socket

from tests.support.loopback import LoopbackSocket


class StatsdReceiver(LoopbackSocket):
    """Collects `name:value|type` lines sent to (host, port) while it is open."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        udp.bind(("127.0.0.1", 0))
        self._open(udp)

    def _serve_once(self) -> None:
        self.lines += self._socket.recv(65535).decode("utf-8", "replace").splitlines()

    def metrics(self, kind: str) -> dict[str, list[str]]:
        """Values received per metric name, for one StatsD type (`g`, `ms`, `c`)."""
        found: dict[str, list[str]] = {}
        for line in self.lines:
            name, _, rest = line.partition(":")
            value, _, typed = rest.partition("|")
            if typed.split("|")[0] == kind:
                found.setdefault(name, []).append(value)
        return found
