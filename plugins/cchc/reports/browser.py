"""Headless Chromium driven over the DevTools protocol: open a local page, size the viewport, read the
DOM, take PNG screenshots, and keep every console error and every URL the page asked for.

Used to screenshot the dashboard and workbook sheets for the docs, and by the tests that check a page
works offline. Debian's `chromium` package; the browser runs with --no-sandbox because the machines
that render reports run it as root.
"""

from __future__ import annotations

import base64
import contextlib
import itertools
import json
import os
import shutil
import signal
import struct
import subprocess
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from websockets.sync.client import ClientConnection, connect

START_TIMEOUT = 30.0
COMMAND_TIMEOUT = 60.0
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


class BrowserError(RuntimeError):
    """Chromium did not start, did not answer, or a command failed."""


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height from a PNG's IHDR chunk; ValueError if `data` is not a PNG."""
    if data[:8] != PNG_SIGNATURE or data[12:16] != b"IHDR":
        raise ValueError("not a PNG image")
    width, height = struct.unpack(">II", data[16:24])
    return width, height


@dataclass
class Page:
    """One tab. Events of the tab arrive whenever the browser is read, so none is missed between calls."""

    browser: Chromium
    session_id: str
    target_id: str
    console_errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    _loads: int = 0

    def send(self, method: str, params: dict[str, Any] | None = None, timeout: float = COMMAND_TIMEOUT) -> Any:
        return self.browser.send(method, params, session_id=self.session_id, timeout=timeout)

    def on_event(self, method: str, params: dict[str, Any]) -> None:
        if method == "Network.requestWillBeSent":
            self.requests.append(params["request"]["url"])
        elif method == "Runtime.consoleAPICalled" and params.get("type") == "error":
            args = params.get("args", [])
            self.console_errors.append(" ".join(str(a.get("value", a.get("description", ""))) for a in args))
        elif method == "Runtime.exceptionThrown":
            details = params.get("exceptionDetails", {})
            exception = details.get("exception", {})
            self.console_errors.append(exception.get("description") or details.get("text", "exception"))
        elif method == "Log.entryAdded" and params["entry"].get("level") == "error":
            entry = params["entry"]
            self.console_errors.append(f"{entry.get('source')}: {entry.get('text')} {entry.get('url', '')}".strip())
        elif method == "Page.loadEventFired":
            self._loads += 1

    def set_viewport(self, width: int, height: int, *, mobile: bool = False, scale: float = 1) -> None:
        """CSS pixels; scale 1 makes a screenshot exactly `width` pixels wide."""
        self.send(
            "Emulation.setDeviceMetricsOverride",
            {"width": width, "height": height, "deviceScaleFactor": scale, "mobile": mobile},
        )

    def navigate(self, url: str, timeout: float = COMMAND_TIMEOUT) -> None:
        """Load `url` and wait for its load event and its fonts."""
        loads = self._loads
        answer = self.send("Page.navigate", {"url": url}, timeout=timeout)
        if answer.get("errorText"):
            raise BrowserError(f"could not open {url}: {answer['errorText']}")
        self.browser.pump_until(lambda: self._loads > loads, timeout, f"the load event of {url}")
        self.evaluate("document.fonts.ready.then(() => true)")

    def evaluate(self, expression: str) -> Any:
        """The value of a JavaScript expression (promises awaited), as JSON-able data."""
        answer = self.send("Runtime.evaluate", {"expression": expression, "returnByValue": True, "awaitPromise": True})
        if "exceptionDetails" in answer:
            details = answer["exceptionDetails"]
            raise BrowserError(f"{expression!r} failed: {details.get('exception', {}).get('description', details)}")
        return answer["result"].get("value")

    def screenshot(self, *, full_page: bool = True) -> bytes:
        """PNG bytes of the viewport, or of the whole page at the viewport's width."""
        # A background tab may never produce the frame a screenshot waits for.
        self.send("Page.bringToFront")
        params: dict[str, Any] = {"format": "png"}
        if full_page:
            width, height = self.evaluate(
                "[document.documentElement.clientWidth, Math.ceil(document.documentElement.scrollHeight)]"
            )
            params |= {"clip": {"x": 0, "y": 0, "width": width, "height": height, "scale": 1}}
            params["captureBeyondViewport"] = True
        return base64.b64decode(self.send("Page.captureScreenshot", params)["data"])

    def close(self) -> None:
        self.browser.send("Target.closeTarget", {"targetId": self.target_id})
        self.browser.forget(self.session_id)


class Chromium:
    """A headless Chromium process and one DevTools connection to it; use as a context manager."""

    def __init__(self, binary: str | None = None, *, offline: bool = True) -> None:
        self.binary = binary or shutil.which("chromium")
        if not self.binary:
            raise BrowserError("chromium is not installed (`make chromium` installs Debian's package)")
        self.offline = offline
        self._process: subprocess.Popen[bytes] | None = None
        self._profile: Path | None = None
        self._socket: ClientConnection | None = None
        self._ids = itertools.count(1)
        self._answers: dict[int, dict[str, Any]] = {}
        self._pages: dict[str, Page] = {}

    def __enter__(self) -> Chromium:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _arguments(self) -> list[str]:
        arguments = [
            self.binary or "chromium",
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--remote-debugging-port=0",
            f"--user-data-dir={self._profile}",
            "--no-first-run",
            "--no-default-browser-check",
            "--disable-extensions",
            "--disable-sync",
            "--disable-background-networking",
            "--disable-component-update",
            "--hide-scrollbars",
        ]
        if self.offline:
            # No host resolves: a page that reaches for the network fails visibly instead of waiting.
            arguments.append("--host-resolver-rules=MAP * ~NOTFOUND")
        return [*arguments, "about:blank"]

    def start(self) -> None:
        self._profile = Path(tempfile.mkdtemp(prefix="cchc-chromium-"))
        log = (self._profile / "chromium.log").open("wb")
        try:
            # Its own process group, so stop() ends the renderer and GPU helpers with it.
            self._process = subprocess.Popen(
                self._arguments(), stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )
        finally:
            log.close()
        try:
            self._socket = connect(self._browser_socket_url(), max_size=None, proxy=None, open_timeout=START_TIMEOUT)
        except BaseException:
            self.stop()
            raise

    def _browser_socket_url(self) -> str:
        """The browser's WebSocket address, which Chromium writes once it listens (port chosen by the OS)."""
        assert self._profile is not None and self._process is not None
        port_file = self._profile / "DevToolsActivePort"
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise BrowserError(f"chromium exited with status {self._process.returncode}: {self._log_tail()}")
            lines = port_file.read_text().splitlines() if port_file.exists() else []
            if len(lines) >= 2:
                return f"ws://127.0.0.1:{lines[0]}{lines[1]}"
            time.sleep(0.05)
        raise BrowserError(f"chromium did not open its DevTools port in {START_TIMEOUT:.0f}s: {self._log_tail()}")

    def _log_tail(self) -> str:
        log = self._profile / "chromium.log" if self._profile else None
        return log.read_text(errors="replace")[-2000:] if log and log.exists() else ""

    def stop(self) -> None:
        """Close the browser, then end its whole process group whatever state it is in."""
        try:
            if self._socket is not None:
                try:
                    self._socket.send(json.dumps({"id": next(self._ids), "method": "Browser.close"}))
                    if self._process is not None:
                        self._process.wait(timeout=5)
                except Exception:
                    pass  # killed below
                finally:
                    self._socket.close()
        finally:
            self._socket = None
            if self._process is not None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self._process.pid, signal.SIGKILL)
                self._process.wait()
                self._process = None
            if self._profile is not None:
                shutil.rmtree(self._profile, ignore_errors=True)
                self._profile = None

    def send(
        self,
        method: str,
        params: dict[str, Any] | None = None,
        *,
        session_id: str | None = None,
        timeout: float = COMMAND_TIMEOUT,
    ) -> Any:
        """Send a command and return its result, handing on the events that arrive meanwhile."""
        if self._socket is None:
            raise BrowserError("chromium is not running")
        command_id = next(self._ids)
        message: dict[str, Any] = {"id": command_id, "method": method, "params": params or {}}
        if session_id:
            message["sessionId"] = session_id
        self._socket.send(json.dumps(message))
        self.pump_until(lambda: command_id in self._answers, timeout, method)
        answer = self._answers.pop(command_id)
        if "error" in answer:
            raise BrowserError(f"{method} failed: {answer['error'].get('message')} {answer['error'].get('data', '')}")
        return answer.get("result", {})

    def pump_until(self, done: Callable[[], bool], timeout: float, waiting_for: str) -> None:
        """Read messages until `done()` holds: answers are kept by id, events go to their page."""
        assert self._socket is not None
        deadline = time.monotonic() + timeout
        while not done():
            left = deadline - time.monotonic()
            if left <= 0:
                raise BrowserError(f"no answer from chromium in {timeout:.0f}s waiting for {waiting_for}")
            try:
                raw = self._socket.recv(timeout=left)
            except TimeoutError:
                continue
            message = json.loads(raw)
            if "id" in message:
                self._answers[message["id"]] = message
            elif message.get("sessionId") in self._pages:
                self._pages[message["sessionId"]].on_event(message["method"], message.get("params", {}))

    def forget(self, session_id: str) -> None:
        self._pages.pop(session_id, None)

    def new_page(self) -> Page:
        """A blank tab with console, log, network and page events on."""
        target_id = self.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        session_id = self.send("Target.attachToTarget", {"targetId": target_id, "flatten": True})["sessionId"]
        page = Page(self, session_id, target_id)
        self._pages[session_id] = page
        for domain in ("Page", "Runtime", "Log", "Network"):
            page.send(f"{domain}.enable")
        return page


@dataclass(frozen=True)
class Viewport:
    width: int
    height: int
    mobile: bool = False


DESKTOP = Viewport(1366, 900)
PHONE = Viewport(390, 844, mobile=True)


def screenshot_file(
    html: Path, out: Path, viewport: Viewport = DESKTOP, *, full_page: bool = True, browser: Chromium | None = None
) -> Path:
    """Screenshot a local HTML file to `out` (PNG, the viewport's width); a browser is started if none is given."""
    if browser is None:
        with Chromium() as own:
            return screenshot_file(html, out, viewport, full_page=full_page, browser=own)
    page = browser.new_page()
    try:
        page.set_viewport(viewport.width, viewport.height, mobile=viewport.mobile)
        page.navigate(html.resolve().as_uri())
        data = page.screenshot(full_page=full_page)
    finally:
        page.close()
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(data)
    return out
