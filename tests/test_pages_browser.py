"""The pages in headless Chromium, driven like a person would over the DevTools protocol (on a pipe:
no extra package): open the home page, type a query without diacritics, follow a result into the reader,
click a legal-basis link, land on the cited document's reader, open its graph page. The DOM is checked
at each step, nothing may be requested outside the loopback service, and the reader must fit a phone's
width. Screenshots go to tests/artifacts/ (docs/screenshot-{home,reader,reader-phone}.png are copies of
one run, for the README).

Needs Debian's `chromium` at /usr/bin/chromium; skipped without it, except under CI=true (then it fails).
"""

from __future__ import annotations

import base64
import fcntl
import json
import os
import queue
import subprocess
import threading
import time
from pathlib import Path
from typing import Any, Callable, Iterator

import pytest

from test_viz_browser import CHROME_FLAGS, CHROMIUM, ROOT, _require_chromium, server  # noqa: F401  (fixture)

pytestmark = pytest.mark.browser
ARTIFACTS = ROOT / "tests" / "artifacts"


class Browser:
    """Chromium with --remote-debugging-pipe: CDP messages are NUL-terminated JSON on fds 3 (in) and 4 (out)."""

    def __init__(self, profile: Path):
        to_child_r, self._to_child = os.pipe()
        self._from_child, from_child_w = os.pipe()
        # the child's ends, moved clear of 3 and 4 and closed on exec: only the dup2'ed 3 and 4 reach Chromium
        # (subprocess's close_fds would run after preexec_fn and close them again, hence close_fds=False)
        high = [fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 10) for fd in (to_child_r, from_child_w)]
        os.close(to_child_r)
        os.close(from_child_w)

        def fds() -> None:
            os.dup2(high[0], 3)
            os.dup2(high[1], 4)

        self.proc = subprocess.Popen(
            [str(CHROMIUM), *CHROME_FLAGS, f"--user-data-dir={profile}", "--remote-debugging-pipe",
             "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1", "--window-size=1280,900", "about:blank"],
            close_fds=False, preexec_fn=fds, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for fd in high:
            os.close(fd)
        self._id = 0
        self._replies: dict[int, queue.Queue] = {}
        self.events: list[dict[str, Any]] = []
        self._lock = threading.Lock()
        threading.Thread(target=self._read, daemon=True).start()
        target = next(t for t in self.call("Target.getTargets")["targetInfos"] if t["type"] == "page")
        self.session = self.call("Target.attachToTarget", targetId=target["targetId"], flatten=True)["sessionId"]
        for domain in ("Page", "Runtime", "Network"):
            self.call(f"{domain}.enable", session=True)

    def _read(self) -> None:
        buf = b""
        while True:
            chunk = os.read(self._from_child, 1 << 16)
            if not chunk:
                return
            buf += chunk
            while b"\0" in buf:
                raw, buf = buf.split(b"\0", 1)
                msg = json.loads(raw)
                if "id" in msg and msg["id"] in self._replies:
                    self._replies[msg["id"]].put(msg)
                else:
                    with self._lock:
                        self.events.append(msg)

    def call(self, method: str, session: bool = False, **params: Any) -> dict[str, Any]:
        self._id += 1
        box: queue.Queue = queue.Queue()
        self._replies[self._id] = box
        msg: dict[str, Any] = {"id": self._id, "method": method, "params": params}
        if session:
            msg["sessionId"] = self.session
        os.write(self._to_child, json.dumps(msg).encode() + b"\0")
        reply = box.get(timeout=30)
        assert "error" not in reply, (method, reply["error"])
        return reply.get("result", {})

    def js(self, expression: str) -> Any:
        r = self.call("Runtime.evaluate", session=True, expression=expression, returnByValue=True, awaitPromise=True)
        assert "exceptionDetails" not in r, r["exceptionDetails"]
        return r["result"].get("value")

    def wait(self, expression: str, what: str, timeout: float = 20) -> Any:
        deadline = time.time() + timeout
        while time.time() < deadline:
            value = self.js(expression)
            if value:
                return value
            time.sleep(0.1)
        raise AssertionError(f"timed out waiting for {what}: {expression}")

    def goto(self, url: str) -> None:
        self.call("Page.navigate", session=True, url=url)
        self.wait(f"location.href === {json.dumps(url)} && document.readyState === 'complete'", url)

    def click(self, selector: str) -> None:
        """A real mouse click at the middle of the element (scrolled into view)."""
        rect = self.js(f"""(() => {{ const e = document.querySelector({json.dumps(selector)});
            if (!e) return null; e.scrollIntoView({{block: 'center'}}); const r = e.getBoundingClientRect();
            return [r.left + r.width / 2, r.top + r.height / 2]; }})()""")
        assert rect, f"nothing matches {selector}"
        for kind in ("mousePressed", "mouseReleased"):
            self.call("Input.dispatchMouseEvent", session=True, type=kind, x=rect[0], y=rect[1], button="left", clickCount=1)

    def screenshot(self, name: str) -> None:
        data = base64.b64decode(self.call("Page.captureScreenshot", session=True, format="png")["data"])
        assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 10_000
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        (ARTIFACTS / name).write_bytes(data)

    def requested(self) -> set[str]:
        with self._lock:
            return {e["params"]["request"]["url"] for e in self.events if e.get("method") == "Network.requestWillBeSent"}

    def close(self) -> None:
        try:
            self.call("Browser.close")
        except Exception:  # noqa: BLE001 (already gone)
            pass
        self.proc.wait(10)


@pytest.fixture()
def browser(tmp_path: Path) -> Iterator[Browser]:
    _require_chromium()
    b = Browser(tmp_path / "profile")
    yield b
    b.close()


def _navigated(b: Browser, path: str) -> Callable[[], None]:
    return lambda: b.wait(f"location.pathname === {json.dumps(path)} && document.readyState === 'complete'", path)


def test_search_read_follow_a_legal_basis_and_open_the_graph(server: str, browser: Browser) -> None:  # noqa: F811
    b = browser
    b.goto(f"{server}/")
    assert b.js("document.querySelectorAll('.count').length") >= 5
    b.js("document.getElementById('q').focus()")
    b.call("Input.insertText", session=True, text="thuc day nen tang so")  # no diacritics
    b.wait("document.querySelector('#results a[href=\"/read/qd-2022-186-btttt\"]') !== null", "the instant results")
    assert b.js("document.getElementById('results').dataset.query") == "thuc day nen tang so"
    b.screenshot("screenshot-home.png")

    b.click('#results a[href="/read/qd-2022-186-btttt"]')
    _navigated(b, "/read/qd-2022-186-btttt")()
    assert b.js("document.querySelector('h1').textContent") == "Quyết định 186/QĐ-BTTTT"
    assert b.js("document.querySelectorAll('#text a.cite.rel-based_on').length") >= 4
    b.screenshot("screenshot-reader.png")

    b.click('#text a.cite[href="/read/qd-2020-749-ttg"]')
    _navigated(b, "/read/qd-2020-749-ttg")()
    assert b.js("document.querySelector('h1').textContent") == "Quyết định 749/QĐ-TTg"
    assert b.js("!!document.querySelector('.relation[data-relation=\"based_on\"] ul.in a[href=\"/read/qd-2022-186-btttt\"]')")

    b.click("#graph-link")
    _navigated(b, "/viz/documents/qd-2020-749-ttg")()
    b.wait("document.getElementById('status') && document.getElementById('status').dataset.state === 'drawn'", "the graph")
    outside = {u for u in b.requested() if not u.startswith(server + "/") and not u.startswith("data:")}
    assert not outside, outside


def test_reader_fits_a_phone(server: str, browser: Browser) -> None:  # noqa: F811
    b = browser
    b.call("Emulation.setDeviceMetricsOverride", session=True, width=390, height=844, deviceScaleFactor=2, mobile=True)
    b.goto(f"{server}/read/nq-2025-03-cp#phu_luc_2/hang_11")
    assert b.js("document.documentElement.scrollWidth") <= 390  # wide annex tables scroll in their own box
    assert b.js("getComputedStyle(document.querySelector('nav.outline')).position") == "static"
    assert b.js("document.getElementById('phu_luc_2/hang_11').getBoundingClientRect().top") < 844
    b.screenshot("screenshot-reader-phone.png")
    outside = {u for u in b.requested() if not u.startswith(server + "/") and not u.startswith("data:")}
    assert not outside, outside
