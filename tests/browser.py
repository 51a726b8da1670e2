"""Headless Chromium for the tests: open a built page and ask what a reader would see.

Uses Debian's ``chromium`` (``apt-get install chromium``; a browser download at test time
cannot work here) driven through the DevTools protocol over ``--remote-debugging-pipe``:
JSON messages separated by NUL bytes on file descriptors 3 (commands in) and 4 (replies
and events out), as Puppeteer's ``pipe: true`` does. That needs only the standard library:
no WebSocket client, no TCP port, nothing to download.

Reusable by any test that renders HTML::

    from browser import chromium_or_skip, Chromium

    def test_page(tmp_path):
        with Chromium(chromium_or_skip(), tmp_path / "profile") as browser:
            page = browser.open(tmp_path / "page.html", width=390, height=844)
            assert page.direction() == "rtl"
            assert page.requests == [] and page.violations == []
            page.screenshot(ARTIFACTS / "page.png")

``page.requests`` lists every URL the page asked for besides itself (from the Network
domain); ``page.violations`` every Content-Security-Policy violation and console error
(from the Log and Audits domains), so a request that a CSP blocked still shows up.
"""

from __future__ import annotations

import base64
import json
import os
import queue
import shutil
import subprocess
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"

# The flags every launch uses: headless, no sandbox (the tests run as root in CI), and no
# traffic of the browser's own (first-run pages, component and sync updates, QUIC probes).
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--disable-default-apps",
    "--mute-audio",
    "--hide-scrollbars",
    "--font-render-hinting=none",
)
CANDIDATES = ("chromium", "chromium-browser")
ENV_VARIABLE = "PIPELINE_CHROMIUM"


def find_chromium() -> str | None:
    """The Chromium executable: ``$PIPELINE_CHROMIUM``, else ``chromium`` on the PATH."""
    named = os.environ.get(ENV_VARIABLE)
    if named:
        return shutil.which(named) or (named if os.access(named, os.X_OK) else None)
    for name in CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    return None


def chromium_or_skip() -> str:
    """The executable, or skip the calling test saying why (and how to get it)."""
    import pytest

    found = find_chromium()
    if found is None:
        named = os.environ.get(ENV_VARIABLE)
        if named:
            pytest.skip(f"{ENV_VARIABLE}={named} is not an executable")
        pytest.skip("chromium is not installed (Debian: apt-get install chromium; "
                    f"or set {ENV_VARIABLE} to the executable)")
    return found


class BrowserError(RuntimeError):
    """Chromium failed to start, answered with an error, or did not answer in time."""


@dataclass
class Page:
    """One loaded page in its own tab; everything the tests ask goes through :meth:`evaluate`."""

    browser: "Chromium"
    session: str
    url: str
    requests: list[str] = field(default_factory=list)
    violations: list[str] = field(default_factory=list)

    def evaluate(self, expression: str) -> Any:
        """Run ``expression`` in the page (DevTools is not bound by the page's CSP) and return its value."""
        reply = self.browser.send("Runtime.evaluate", {"expression": expression, "returnByValue": True,
                                                        "awaitPromise": True}, self.session)
        if "exceptionDetails" in reply:
            raise BrowserError(f"{expression!r} raised: {reply['exceptionDetails']}")
        return reply["result"].get("value")

    def direction(self, selector: str = "html") -> str:
        """The computed CSS ``direction`` of the first element matching ``selector``."""
        return self.evaluate(f"getComputedStyle(document.querySelector({json.dumps(selector)})).direction")

    def visible(self, selector: str) -> list[dict]:
        """For each element matching ``selector``: its text, whether a reader sees it, and its box.

        Visible means rendered (``checkVisibility`` with opacity and visibility), not empty,
        with a box of non-zero size inside the page's width.
        """
        return self.evaluate(f"""
            Array.from(document.querySelectorAll({json.dumps(selector)})).map(e => {{
                const r = e.getBoundingClientRect();
                const seen = e.checkVisibility({{opacityProperty: true, visibilityProperty: true}})
                    && r.width > 0 && r.height > 0 && r.left >= 0
                    && r.right <= document.documentElement.clientWidth + 1
                    && e.innerText.trim().length > 0;
                return {{text: e.innerText.trim(), visible: seen, top: r.top + scrollY, bottom: r.bottom + scrollY,
                         left: r.left, right: r.right}};
            }})""")

    def text_edges(self, selector: str) -> dict:
        """Where the text of an element starts and ends against its content box (for alignment).

        ``box_left``/``box_right`` are the content box's edges: the border box less border
        and padding, so that right-aligned text ends at ``box_right``.
        """
        return self.evaluate(f"""(() => {{
            const e = document.querySelector({json.dumps(selector)});
            const range = document.createRange(); range.selectNodeContents(e);
            const t = range.getBoundingClientRect(), b = e.getBoundingClientRect(), s = getComputedStyle(e);
            const px = name => parseFloat(s.getPropertyValue(name)) || 0;
            return {{text_left: t.left, text_right: t.right,
                     box_left: b.left + px("border-left-width") + px("padding-left"),
                     box_right: b.right - px("border-right-width") - px("padding-right")}};
        }})()""")

    def layout(self) -> dict:
        """The viewport's and the document's widths: a page readable on a phone does not scroll sideways."""
        return self.evaluate("({viewport: innerWidth, document: document.documentElement.scrollWidth, "
                             "height: document.documentElement.scrollHeight})")

    def screenshot(self, path: Path, full_page: bool = True) -> Path:
        """Save a PNG of the page (the whole length of it unless ``full_page`` is False)."""
        params: dict[str, Any] = {"format": "png"}
        if full_page:
            metrics = self.browser.send("Page.getLayoutMetrics", {}, self.session)
            size = metrics["cssContentSize"]
            params.update(captureBeyondViewport=True,
                          clip={"x": 0, "y": 0, "width": size["width"], "height": size["height"], "scale": 1})
        data = self.browser.send("Page.captureScreenshot", params, self.session)["data"]
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(base64.b64decode(data))
        return path

    def close(self) -> None:
        self.browser.send("Target.closeTarget", {"targetId": self.browser._targets.pop(self.session)})


class Chromium:
    """A headless Chromium with a fresh profile, talked to over the DevTools pipe."""

    def __init__(self, executable: str, profile: Path, timeout: float = 30.0) -> None:
        self.executable = executable
        self.profile = Path(profile)
        self.timeout = timeout
        self._process: subprocess.Popen | None = None
        self._inbox: queue.Queue = queue.Queue()
        self._events: list[dict] = []
        self._next_id = 0
        self._targets: dict[str, str] = {}  # session -> target id

    # -------------------------------------------------------------- process

    def __enter__(self) -> "Chromium":
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def start(self) -> None:
        self.profile.mkdir(parents=True, exist_ok=True)
        to_browser_read, self._to_browser = os.pipe()
        self._from_browser, from_browser_write = os.pipe()
        args = [*FLAGS, f"--user-data-dir={self.profile}", "--remote-debugging-pipe", "about:blank"]
        # Chromium reads commands on fd 3 and writes on fd 4. bash puts the pipes there
        # (dash, Debian's /bin/sh, only redirects single-digit descriptors; a preexec_fn
        # would do it too, but is not safe once threads run).
        script = f'exec "$0" "$@" 3<&{to_browser_read} 4>&{from_browser_write}'
        bash = shutil.which("bash")
        if bash is None:
            raise BrowserError("bash is needed to start chromium with --remote-debugging-pipe")
        self._log = open(self.profile / "chromium.log", "wb")
        self._process = subprocess.Popen(
            [bash, "-c", script, self.executable, *args],
            stdin=subprocess.DEVNULL, stdout=self._log, stderr=subprocess.STDOUT,
            pass_fds=(to_browser_read, from_browser_write), start_new_session=True,
        )
        os.close(to_browser_read)
        os.close(from_browser_write)
        threading.Thread(target=self._read, daemon=True).start()
        self.send("Target.setDiscoverTargets", {"discover": True})

    def stop(self) -> None:
        if self._process is None:
            return
        process, self._process = self._process, None
        try:
            self._write({"id": self._new_id(), "method": "Browser.close"})
        except OSError:
            pass
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
        for fd in (self._to_browser, self._from_browser):
            try:
                os.close(fd)
            except OSError:
                pass
        self._log.close()

    def log(self) -> str:
        """Chromium's own output, for error messages."""
        try:
            return (self.profile / "chromium.log").read_text(errors="replace")[-4000:]
        except OSError:
            return ""

    # -------------------------------------------------------------- protocol

    def _read(self) -> None:
        buffer = b""
        while True:
            try:
                chunk = os.read(self._from_browser, 65536)
            except OSError:
                chunk = b""
            if not chunk:
                self._inbox.put(None)
                return
            buffer += chunk
            *messages, buffer = buffer.split(b"\0")
            for message in messages:
                self._inbox.put(json.loads(message))

    def _new_id(self) -> int:
        self._next_id += 1
        return self._next_id

    def _write(self, message: dict) -> None:
        os.write(self._to_browser, json.dumps(message).encode() + b"\0")

    def _receive(self, deadline: float) -> dict:
        try:
            message = self._inbox.get(timeout=max(0.0, deadline - time.monotonic()))
        except queue.Empty:
            raise BrowserError(f"chromium did not answer within {self.timeout:g} s\n{self.log()}") from None
        if message is None:
            raise BrowserError(f"chromium closed the DevTools pipe\n{self.log()}")
        return message

    def send(self, method: str, params: dict | None = None, session: str | None = None) -> dict:
        """Send one command and wait for its reply; events that arrive meanwhile are kept."""
        message_id = self._new_id()
        message: dict[str, Any] = {"id": message_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        self._write(message)
        deadline = time.monotonic() + self.timeout
        while True:
            reply = self._receive(deadline)
            if reply.get("id") == message_id:
                if "error" in reply:
                    raise BrowserError(f"{method}: {reply['error']}")
                return reply.get("result", {})
            if "method" in reply:
                self._events.append(reply)

    def wait_for(self, method: str, session: str, since: int = 0) -> dict:
        """Wait for an event of this session, among those from index ``since`` of the event log on."""
        deadline = time.monotonic() + self.timeout
        seen = since
        while True:
            for event in self._events[seen:]:
                if event["method"] == method and event.get("sessionId") == session:
                    return event
            seen = len(self._events)
            event = self._receive(deadline)
            if "method" in event:
                self._events.append(event)

    # -------------------------------------------------------------- pages

    def open(self, path: Path | str, *, width: int = 1280, height: int = 900, mobile: bool | None = None) -> Page:
        """Load a file (or URL) in a new tab of ``width`` x ``height`` CSS pixels and wait for its load event.

        ``mobile`` (default: width below 600) turns on the phone viewport: meta viewport honoured,
        touch, no desktop scaling.
        """
        url = path if isinstance(path, str) else Path(path).resolve().as_uri()
        target = self.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = self.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        self._targets[session] = target
        for domain in ("Page", "Network", "Log", "Runtime", "Audits"):
            self.send(f"{domain}.enable", {}, session)
        self.send("Emulation.setDeviceMetricsOverride", {
            "width": width, "height": height, "deviceScaleFactor": 1,
            "mobile": width < 600 if mobile is None else mobile}, session)
        start = len(self._events)
        reply = self.send("Page.navigate", {"url": url}, session)
        if reply.get("errorText"):
            raise BrowserError(f"cannot open {url}: {reply['errorText']}")
        # Only a load event after this navigation counts (about:blank may have fired one already),
        # and only once the document is ours and complete.
        self.wait_for("Page.loadEventFired", session, since=start)
        self._wait_loaded(session, url)
        # Let late requests (fonts, images below the fold) and their reports arrive.
        self.evaluate_idle(session)
        page = Page(self, session, url)
        for event in self._events[start:]:
            if event.get("sessionId") != session:
                continue
            params = event.get("params", {})
            if event["method"] == "Network.requestWillBeSent":
                requested = params["request"]["url"]
                if requested != url:
                    page.requests.append(requested)
            elif event["method"] == "Log.entryAdded":
                entry = params["entry"]
                if entry.get("level") == "error" or entry.get("source") == "security":
                    page.violations.append(f"{entry.get('source')}: {entry.get('text')}")
            elif event["method"] == "Runtime.consoleAPICalled" and params.get("type") == "error":
                page.violations.append(f"console: {params.get('args')}")
            elif event["method"] == "Audits.issueAdded":
                issue = params["issue"]
                page.violations.append(f"issue: {issue.get('code')}: {json.dumps(issue.get('details'))[:300]}")
        return page

    def _wait_loaded(self, session: str, url: str) -> None:
        deadline = time.monotonic() + self.timeout
        state = None
        while time.monotonic() < deadline:
            try:
                state = self.send("Runtime.evaluate", {"expression": "[location.href, document.readyState]",
                                                       "returnByValue": True}, session)["result"].get("value")
            except BrowserError:  # the old document's context went away mid-call
                state = None
            if state == [url, "complete"]:
                return
            time.sleep(0.02)
        raise BrowserError(f"{url} did not finish loading (last state {state})\n{self.log()}")

    def evaluate_idle(self, session: str) -> None:
        """Two animation frames and a macrotask: enough for the reports of a static page to arrive."""
        self.send("Runtime.evaluate", {
            "expression": "new Promise(r => requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(r, 50))))",
            "awaitPromise": True}, session)
