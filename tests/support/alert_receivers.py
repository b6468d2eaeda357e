"""Where failure alerts land in tests: a webhook and a mail server, both real servers on 127.0.0.1.

`WebhookReceiver` is an http.server that keeps every POST (path, headers, JSON body) and answers
with a fixed status. `SmtpReceiver` speaks just enough SMTP over a socket (EHLO, AUTH PLAIN, MAIL,
RCPT, DATA, RSET, NOOP, QUIT) for smtplib to deliver, and keeps every message; recipients listed in
`refuse` get 550. Both stop when their context exits, or at the latest after `lifetime` seconds.
"""

from __future__ import annotations

import base64
import json
import socket
import threading
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from tests.support.loopback import LoopbackSocket


@dataclass(frozen=True)
class Post:
    path: str
    headers: dict[str, str]
    body: dict[str, Any]


class WebhookReceiver:
    def __init__(self, status: int = 200, lifetime: float = 600.0) -> None:
        self.status = status
        self.posts: list[Post] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = json.loads(self.rfile.read(length).decode("utf-8"))
                receiver.posts.append(Post(self.path, {k.lower(): v for k, v in self.headers.items()}, body))
                self.send_response(receiver.status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._timer = threading.Timer(lifetime, self._server.shutdown)
        self._timer.daemon = True

    @property
    def port(self) -> int:
        return self._server.server_address[1]

    def url(self, path: str = "/hooks/cchc") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def __enter__(self) -> WebhookReceiver:
        self._thread.start()
        self._timer.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._timer.cancel()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)


@dataclass
class Delivery:
    sender: str
    recipients: list[str]
    data: bytes
    auth: str | None = None

    @property
    def message(self) -> EmailMessage:
        # SMTP carries CRLF line ends; the parsed message should read as it was written.
        return message_from_bytes(self.data.replace(b"\r\n", b"\n"), policy=policy.default)  # type: ignore[return-value]


@dataclass
class SmtpReceiver(LoopbackSocket):
    refuse: frozenset[str] = frozenset()
    lifetime: float = 120.0
    deliveries: list[Delivery] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._open(socket.create_server(("127.0.0.1", 0)), self.lifetime)

    def _serve_once(self) -> None:
        client, _ = self._socket.accept()
        with client:
            client.settimeout(10)
            self._session(client.makefile("rb"), client)

    def _session(self, reader: Any, client: socket.socket) -> None:
        def reply(line: str) -> None:
            client.sendall(line.encode("ascii") + b"\r\n")

        reply("220 127.0.0.1 ESMTP test receiver")
        sender, recipients, auth = "", [], None
        while raw := reader.readline():
            command = raw.decode("ascii", "replace").rstrip("\r\n")
            verb = command.split(" ", 1)[0].upper()
            if verb == "EHLO":
                reply("250-127.0.0.1")
                reply("250-AUTH PLAIN")
                reply("250 8BITMIME")
            elif verb == "HELO":
                reply("250 127.0.0.1")
            elif verb == "AUTH":
                # AUTH PLAIN <base64 of "\0login\0password">
                auth = base64.b64decode(command.split()[2]).decode("utf-8")
                reply("235 2.7.0 accepted")
            elif verb == "MAIL":
                sender, recipients = command.split(":", 1)[1].split()[0].strip("<>"), []
                reply("250 OK")
            elif verb == "RCPT":
                address = command.split(":", 1)[1].strip().strip("<>")
                if address in self.refuse:
                    reply("550 5.1.1 no such mailbox")
                else:
                    recipients.append(address)
                    reply("250 OK")
            elif verb == "DATA":
                reply("354 end with <CRLF>.<CRLF>")
                lines = []
                while (line := reader.readline()) not in (b".\r\n", b""):
                    lines.append(line[1:] if line.startswith(b"..") else line)
                self.deliveries.append(Delivery(sender, recipients, b"".join(lines), auth))
                reply("250 OK queued")
            elif verb in ("RSET", "NOOP"):
                reply("250 OK")
            elif verb == "QUIT":
                reply("221 bye")
                return
            else:
                reply("502 command not implemented")
