"""Whether another program holds an address, asked before a server is (re)started on it."""

from __future__ import annotations

import socket


def check_free(host: str, port: int) -> None:
    """Bind every address `host` resolves to on `port` for a moment; raises the system's OSError (a
    socket.gaierror when the host does not resolve) if one is taken. A later bind can still lose a race."""
    for family, kind, protocol, _name, address in socket.getaddrinfo(
        host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
    ):
        with socket.socket(family, kind, protocol) as probe:
            probe.bind(address)
