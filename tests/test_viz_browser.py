"""A /viz page in headless Chromium over the real corpus: it draws, shows the expected nodes, makes no
request outside the loopback service, and leaves a screenshot in tests/artifacts/ (docs/screenshot-viz.png
is a copy of one, for the README).

Needs Debian's `chromium` at /usr/bin/chromium (`apt-get install -y --no-install-recommends chromium`).
Skipped without it, except under CI=true, where a missing browser fails the test.
"""

from __future__ import annotations

import html as htmllib
import json
import os
import re
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Iterator

import pytest
from shared_data import missing

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")
GOLD = ROOT / "tests" / "gold" / "citations.json"
SCREENSHOT = ROOT / "tests" / "artifacts" / "screenshot-viz.png"
CHROME_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-default-apps", "--disable-extensions", "--hide-scrollbars", "--mute-audio"]


def _require_chromium() -> None:
    if CHROMIUM.exists():
        return
    missing(f"{CHROMIUM} not found: apt-get install -y --no-install-recommends chromium")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """uvicorn on a free loopback port over an in-memory store holding the ingested corpus."""
    _require_chromium()
    import uvicorn

    from api.app import create_app
    from graph.oxigraph_store import OxigraphStore

    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    mp = pytest.MonkeyPatch()
    mp.setenv("CANCU_BASE", base)  # IRIs dereference on this server
    rdf = tmp_path_factory.mktemp("rdf")
    run = subprocess.run([sys.executable, "-m", "cancu.cli", "ingest", str(ROOT / "corpus"), "-o", str(rdf)],
                         cwd=ROOT, capture_output=True, text=True, env={**os.environ, "CANCU_BASE": base})
    files = sorted(rdf.glob("*.nq"))
    assert files, f"cancu ingest wrote nothing: {run.stderr[-2000:]}"
    store = OxigraphStore(None)
    for f in files:
        store.load(f)
    app = create_app(store)
    srv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.time() + 30
    while not srv.started:
        assert time.time() < deadline and thread.is_alive(), "uvicorn did not start"
        time.sleep(0.05)
    yield base
    srv.should_exit = True
    thread.join(10)
    mp.undo()


def _chromium(url: str, profile: Path, *extra: str, timeout: int = 120) -> subprocess.CompletedProcess:
    cmd = [str(CHROMIUM), *CHROME_FLAGS, f"--user-data-dir={profile}",
           # any host but the loopback service resolves to nothing: a page that needs the Internet cannot draw
           "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
           "--window-size=1280,800", "--virtual-time-budget=15000", *extra, url]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)


def _requested_urls(netlog: Path) -> tuple[set[str], set[str]]:
    """(URLs requested on behalf of a page, URLs Chromium requested for itself) from --log-net-log.

    Chromium's own services (network time, updates, accounts) start jobs whose initiator is
    "not an origin"; they are no request of the page (and the resolver rules block them anyway)."""
    log = json.loads(netlog.read_text(encoding="utf-8", errors="replace"))
    start = log["constants"]["logEventTypes"]["URL_REQUEST_START_JOB"]
    page, browser = set(), set()
    for event in log["events"]:
        params = event.get("params") or {}
        if event["type"] == start and "url" in params:
            (browser if params.get("initiator") == "not an origin" else page).add(params["url"])
    return page, browser


def test_page_draws_offline_with_expected_nodes(server: str, tmp_path: Path) -> None:
    url = f"{server}/viz/documents/qd-2022-186-btttt"
    netlog = tmp_path / "netlog.json"
    run = _chromium(url, tmp_path / "profile", "--dump-dom", f"--log-net-log={netlog}")
    assert run.returncode == 0, run.stderr[-2000:]
    status = re.search(r'<div id="status"([^>]*)>', run.stdout)
    assert status, run.stdout[:2000]
    attrs = {k: htmllib.unescape(v) for k, v in re.findall(r'([\w-]+)="([^"]*)"', status[1])}
    assert attrs["data-state"] == "drawn", attrs
    assert attrs["data-canvas"] != "none" and "<canvas" in run.stdout
    labels = set(json.loads(attrs["data-drawn-labels"]))
    gold = next(d for d in json.loads(GOLD.read_text(encoding="utf-8")) if d["doc"] == "186/QĐ-BTTTT")
    assert "186/QĐ-BTTTT" in labels
    assert set(gold["legal_bases"]) <= labels, (gold["legal_bases"], labels)
    assert int(attrs["data-nodes"]) == len(labels) >= 5
    # no request left the loopback service: not in the page's resource timing, not in the network log
    resources = json.loads(attrs["data-resources"])
    assert all(r.startswith(server) or r.startswith("data:") for r in resources), resources
    page, browser = _requested_urls(netlog)
    local = re.compile(r"(https?|wss?)://127\.0\.0\.1:%d/" % int(server.rsplit(":", 1)[1]))
    outside = {u for u in page if not local.match(u) and not u.startswith("data:")}
    assert url in page | browser and not outside, outside


def test_screenshot(server: str, tmp_path: Path) -> None:
    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    out = tmp_path / "shot.png"
    run = _chromium(f"{server}/viz/documents/qd-2022-186-btttt", tmp_path / "profile", f"--screenshot={out}")
    assert run.returncode == 0 and out.exists(), run.stderr[-2000:]
    data = out.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 20_000  # a drawn page, not a blank one
    SCREENSHOT.write_bytes(data)
