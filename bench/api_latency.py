"""API latency under load: the real app (uvicorn, 127.0.0.1, a free port) over a loaded store.

    python -m bench.api_latency --size 10k [--store oxigraph|neo4j] [--seconds 20] [--clients 50]

Load generator: wrk (50 connections, 2 threads, --seconds per endpoint; a Lua script cycles through
many different document ids so caches do not flatter the figures and reports p50/p95/p99 from wrk's
own histogram); without wrk, an asyncio httpx client with the same bounds. Endpoints:
- floor:   GET /health                         (the store's status, no document read: what the harness and
           HTTP stack cost with almost no work, measured in the same run as the rest)
- lookup:  GET /documents/{id}                 (document look-up)
- resolve: GET /resolve?ref=N/QĐ-XXX           (look-up by number as written)
- bases:   GET /documents/{id}/legal-bases     (one hop of căn cứ, with provenance)
- chain3:  GET /documents/{id}/chain?direction=up&depth=3   (legal-bases chain, transitive, both stores)
- platform: GET /platforms/{id}                (platform connections: governing agency, focal units, core
           enterprises, with provenance; from the synthetic corpus's platform tables; a corpus made before
           those existed has none, and the endpoint is reported "not measurable: no platforms in this corpus")
- agency:  GET /agencies/{id}                  (agency connections: documents issued, tasks and platforms by role)
- search:  GET /search?q=…                     (SQLite FTS5 index)
- sparql:  GET /sparql (one-hop SELECT of a document's bases and their titles; Oxigraph only)
The API runs as `cancu serve --workers N` (N = 1 and 2 by default, measured side by side); RSS is that
of the whole process tree (uvicorn's supervisor and its workers, psutil) after each endpoint; the peak
is reported. The agency and platform ids are those the API lists (/agencies, /platforms), drawn once the
server is up.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any, Iterator

from bench.common import ROOT, SIZES, corpus_dir, machine, read_result, tree_rss_mb, write_result
from bench.store_load import load_ours, load_oxigraph, loaded_neo4j, with_neo4j
from bench.synth import ensure

TARGETS = {"lookup_p99_ms": 50, "chain3_p99_ms": 200, "api_rss_mb": 2048}
SLOW_SECONDS = 60  # an endpoint none of whose requests finish in the window is measured again over this long
CC_ELI = "PREFIX eli: <http://data.europa.eu/eli/ontology#>\n"

LUA = r"""
local paths = {}
for line in io.lines(os.getenv("WRK_PATHS")) do paths[#paths + 1] = line end
local i = math.random(#paths)
request = function()
  i = i % #paths + 1
  return wrk.format("GET", paths[i], {["Accept"] = "application/json"})
end
local statuses = {}
response = function(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end
done = function(summary, latency, requests)
  local out = io.open(os.getenv("WRK_OUT"), "w")
  out:write(string.format('{"p50_ms": %.3f, "p95_ms": %.3f, "p99_ms": %.3f, "max_ms": %.3f, "mean_ms": %.3f, ',
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000, latency.mean / 1000))
  out:write(string.format('"requests": %d, "bytes": %d, "seconds": %.3f, "errors_connect": %d, "errors_read": %d, "errors_timeout": %d, "errors_status": %d}',
    summary.requests, summary.bytes, summary.duration / 1e6, summary.errors.connect, summary.errors.read,
    summary.errors.timeout, summary.errors.status))
  out:close()
end
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def sample_paths(d: Path, n: int = 2000, seed: int = 1) -> dict[str, list[str]]:
    """Request paths per endpoint, drawn from the documents of corpus `d` (docs.tsv)."""
    from cancu.iri import DocId

    rows = [line.split("\t") for line in (d / "docs.tsv").read_text(encoding="utf-8").splitlines() if line]
    rng = random.Random(seed)
    picks = [rng.choice(rows) for _ in range(n)]
    with_bases = [r for r in picks if int(r[2]) > 0] or picks
    base = os.environ.get("CANCU_BASE", "http://127.0.0.1:8000").rstrip("/")
    words = ["thu nghiem", "ke hoach", "du lieu mau", "nen tang", "quy che", "dao tao", "ngan sach", "gia lap",
             "chuyen doi so", "dich vu cong"]
    one = CC_ELI + "SELECT ?b ?t WHERE {{ <{}> eli:based_on ?b . OPTIONAL {{ ?b eli:title ?t }} }}"
    q = urllib.parse.quote
    return {
        "floor": ["/health"],
        "lookup": [f"/documents/{r[0]}" for r in picks],
        "resolve": [f"/resolve?ref={q(r[1])}" for r in picks if r[1]],
        "bases": [f"/documents/{r[0]}/legal-bases" for r in with_bases],
        "chain3": [f"/documents/{r[0]}/chain?direction=up&depth=3" for r in with_bases],
        "platform": [],  # filled from /platforms once the server is up (listed_paths)
        "agency": [],  # filled from /agencies once the server is up (listed_paths)
        "search": [f"/search?q={q(rng.choice(words))}%20{rng.randint(1, 9)}" for _ in range(500)],
        "sparql": [f"/sparql?query={q(one.format(DocId.parse(r[0]).iri(base)))}" for r in with_bases],
    }


def listed_paths(port: int, route: str, n: int = 500, seed: int = 2) -> list[str]:
    """/{route}/{id} for items the API itself lists at /{route} (agencies, platforms), in a seeded random
    order: ids as the API makes them, and only ones this store holds ([] when it lists none)."""
    import httpx

    r = httpx.get(f"http://127.0.0.1:{port}/{route}", params={"limit": 200}, timeout=120)
    ids = [it["id"] for it in r.json().get("items", [])]
    rng = random.Random(seed)
    return [f"/{route}/{rng.choice(ids)}" for _ in range(n)] if ids else []


@contextmanager
def serving(store: str, data: Path, env_extra: dict[str, str], workers: int = 1) -> Iterator[tuple[int, int]]:
    """`cancu serve --workers N` over the store on a free port, once /health answers: (pid, port); then the whole
    session it started (supervisor and workers) is stopped."""
    import httpx

    port, log = free_port(), data / f"api-{store}-w{workers}.log"
    env = {**os.environ, "CANCU_DATA": str(data), "CANCU_STORE": store, **env_extra}
    cmd = [sys.executable, "-m", "cancu.cli", "serve", "--host", "127.0.0.1", "--port", str(port), "--store", store,
           "--workers", str(workers)]
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=open(log, "wb"), stderr=subprocess.STDOUT, start_new_session=True)
    try:
        t0 = time.monotonic()
        while proc.poll() is None:
            if time.monotonic() - t0 > 120:
                raise RuntimeError("API did not answer /health within 120 s")
            with suppress(httpx.HTTPError):
                if httpx.get(f"http://127.0.0.1:{port}/health", timeout=60).status_code < 500:
                    break
            time.sleep(0.5)
        else:
            raise RuntimeError(f"API exited ({proc.returncode}); see {log}")
        yield proc.pid, port
    finally:
        try:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(30)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            with suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)


def warm(port: int, paths: dict[str, list[str]]) -> dict[str, Any]:
    """One request per endpoint (opens the store and the index); status codes for the record."""
    import httpx

    out = {}
    with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=120) as c:
        for name, ps in paths.items():
            t0 = time.perf_counter()
            try:
                r = c.get(ps[0], headers={"Accept": "application/json"}, timeout=30)
            except httpx.TimeoutException:
                out[name] = {"status": 0, "first_ms": None, "note": "first request took > 30 s"}
                continue
            out[name] = {"status": r.status_code, "first_ms": round((time.perf_counter() - t0) * 1000, 1),
                         "bytes": len(r.content)}
    return out


def fill(port: int, paths: list[str], passes: int) -> int:
    """Ask every distinct path `passes` times, so that each worker has rendered and kept each entity page the
    clients will ask (api.rendered) before the clock starts: the kept rows then measure what a kept page costs,
    and the rows with the bound at 0 what a render costs. Without this, a 10 s window's tail was the burst of
    every worker's first renders, whose share of the window grows with the render's cost. Returns the pages."""
    import httpx

    distinct = sorted(set(paths))
    fresh = httpx.Limits(max_keepalive_connections=0)  # a connection per request: any worker may accept it
    with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=120, limits=fresh) as c:
        for _ in range(passes):
            for p in distinct:
                c.get(p, headers={"Accept": "application/json"})
    return len(distinct)


def drain(port: int, probe: str = "/health", limit: float = 180) -> float:
    """Wait until the server answers `probe` within 0.5 s again, twice in a row (a slow endpoint leaves a
    backlog of queued requests in the worker thread pools after wrk stops; without this the next endpoint
    would be measured behind it). The probe must be a thread-pool (sync) endpoint such as a document
    look-up: /health is answered on the event loop and comes back fast while the pool is still busy."""
    import httpx

    t0 = time.monotonic()
    fast = 0
    while time.monotonic() - t0 < limit:
        t1 = time.monotonic()
        try:
            httpx.get(f"http://127.0.0.1:{port}{probe}", timeout=limit)
        except httpx.HTTPError:
            continue
        fast = fast + 1 if time.monotonic() - t1 < 0.5 else 0
        if fast >= 2:
            break
    return round(time.monotonic() - t0, 1)


def run_wrk(port: int, paths: list[str], seconds: float, clients: int, work: Path,
            timeout: float = 10) -> dict[str, Any]:
    lua, plist, res = work / "paths.lua", work / "paths.txt", work / "wrk.json"
    lua.write_text(LUA)
    plist.write_text("\n".join(paths) + "\n")
    res.unlink(missing_ok=True)
    env = {**os.environ, "WRK_PATHS": str(plist), "WRK_OUT": str(res)}
    cmd = ["wrk", "-t2", f"-c{clients}", f"-d{int(seconds)}s", "--timeout", f"{int(timeout)}s", "-s", str(lua), f"http://127.0.0.1:{port}"]
    subprocess.run(cmd, env=env, capture_output=True, timeout=seconds + 60)
    r = json.loads(res.read_text())
    r["req_s"] = round(r["requests"] / r["seconds"], 1)
    if r["requests"]:  # what the clients read per response, headers included: the answer's size under load
        r["response_bytes"] = round(r["bytes"] / r["requests"])
    r["tool"] = "wrk"
    return r


async def _httpx_load(port: int, paths: list[str], seconds: float, clients: int) -> dict[str, Any]:
    import httpx

    lat: list[float] = []
    errors = 0
    deadline = time.perf_counter() + seconds

    async def client(k: int, c: httpx.AsyncClient) -> None:
        nonlocal errors
        i = k
        while time.perf_counter() < deadline:
            t0 = time.perf_counter()
            try:
                r = await c.get(paths[i % len(paths)])
                if r.status_code >= 400:
                    errors += 1
            except httpx.HTTPError:
                errors += 1
            lat.append((time.perf_counter() - t0) * 1000)
            i += clients

    limits = httpx.Limits(max_connections=clients)
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=10, limits=limits) as c:
        t0 = time.perf_counter()
        await asyncio.gather(*(client(k, c) for k in range(clients)))
        dt = time.perf_counter() - t0
    lat.sort()

    def pct(p: float) -> float:
        return round(lat[min(len(lat) - 1, int(p / 100 * len(lat)))], 3) if lat else float("nan")

    return {"p50_ms": pct(50), "p95_ms": pct(95), "p99_ms": pct(99), "max_ms": round(lat[-1], 3) if lat else None,
            "requests": len(lat), "seconds": round(dt, 2), "req_s": round(len(lat) / dt, 1), "errors": errors,
            "tool": "httpx-asyncio"}


def measure(store: str, data: Path, paths: dict[str, list[str]], seconds: float, clients: int,
            env_extra: dict[str, str] | None = None, workers: int = 1,
            only: tuple[str, ...] | None = None) -> dict[str, Any]:
    """Start the API over `store` with `workers` processes, load each endpoint (or those `only` names) for
    `seconds`, stop it."""
    out: dict[str, Any] = {"store": store, "workers": workers, "clients": clients, "seconds_per_endpoint": seconds,
                           "endpoints": {}}
    with serving(store, data, env_extra or {}, workers) as (pid, port):
        listed = {"platform": listed_paths(port, "platforms"),
                  "agency": listed_paths(port, "agencies") or ["/agencies/none"]}  # last: slowest
        if not listed["platform"]:
            del listed["platform"]
            out["endpoints"]["platform"] = {"not_measurable": "no platforms in this corpus"}
            print(f"  {store:8s} platform: not measurable (no platforms in this corpus)")
        # SPARQL last, and not warmed: its worker processes go on with queries the clients gave up on, and
        # would share the cores with whatever is measured after them
        paths = {**{k: v for k, v in paths.items() if k not in ("platform", "agency", "sparql")}, **listed,
                 "sparql": paths["sparql"]}
        warmed = {k: v for k, v in paths.items() if k != "sparql"}
        out["warm"] = warm(port, warmed)
        for _ in range(workers * 4):  # every worker opens its store and index before the clock starts
            warm(port, warmed)
        if (env_extra or {}).get("CANCU_PAGE_CACHE_MB") != "0":
            out["entity_pages_rendered_before_the_clock"] = fill(port, [p for k in ENTITY_PAGES for p in paths.get(k, [])],
                                                                 workers * 4)
        out["rss_after_warm_mb"] = tree_rss_mb(pid)
        peak = out["rss_after_warm_mb"] or 0
        todo = [n for n in paths if only is None or n in only]
        probe = paths["lookup"][0]
        for name in todo:
            ps = paths[name]
            if name not in out["warm"]:  # SPARQL, warmed only now
                out["warm"].update(warm(port, {name: ps}))
            status = out["warm"][name]["status"]
            if status >= 400 or status == 0:
                out["endpoints"][name] = {"not_measurable": f"HTTP {status} on {store}"}
                print(f"  {store:8s} {name:8s}: not measurable (HTTP {status})")
                continue
            if shutil.which("wrk"):
                r = run_wrk(port, ps, seconds, clients, data)
                if r["requests"] == 0 and seconds >= 10:  # slower than the window: measure the first waves instead
                    drain(port, probe)
                    r = {**run_wrk(port, ps, SLOW_SECONDS, clients, data, timeout=SLOW_SECONDS), "extended": True}
            else:
                r = asyncio.run(_httpx_load(port, ps, seconds, clients))
            r["rss_mb"] = tree_rss_mb(pid)
            r["drain_s"] = 0.0 if name == todo[-1] else drain(port, probe)  # nothing to drain for after the last
            window = SLOW_SECONDS if r.get("extended") else 10
            if r["requests"] == 0:
                r.update(p50_ms=None, p95_ms=None, p99_ms=None, not_measurable=f"no request completed within {window} s")
            elif r.get("errors_status", 0) * 2 > r["requests"]:  # the latency of refusals is no answer's latency
                r.update(p50_ms=None, p95_ms=None, p99_ms=None,
                         not_measurable=f"{r['errors_status']:,} of {r['requests']:,} requests answered an error status")
            peak = max(peak, r["rss_mb"] or 0)
            out["endpoints"][name] = r
            if r.get("not_measurable"):
                print(f"  {store:8s} {name:8s}: not measurable ({r['not_measurable']}; drain {r['drain_s']} s)")
            else:
                print(f"  {store:8s} {name:8s}: p50 {r['p50_ms']:.1f} ms  p95 {r['p95_ms']:.1f}  p99 {r['p99_ms']:.1f}  "
                      f"{r['req_s']:.0f} req/s  ({r['requests']} req, {r.get('errors_timeout', 0)} timeouts, "
                      f"RSS {r['rss_mb']} MB, drain {r['drain_s']} s)")
        out["api_peak_rss_mb"] = peak
    return out


RENDERED = "_rendered_each_time"  # result key suffix: CANCU_PAGE_CACHE_MB=0
ENTITY_PAGES = ("platform", "agency")  # the pages api.rendered keeps


def _key(store: str, workers: int) -> str:
    return store if workers == 1 else f"{store}_w{workers}"


def run(size: str = "10k", stores: tuple[str, ...] = ("oxigraph",), seconds: float = 20, clients: int = 50,
        workers: tuple[int, ...] = (1, 2)) -> dict[str, Any]:
    """Writes bench/results/api_latency_<size>.json. The Oxigraph store must exist (bench.store_load)."""
    d = corpus_dir(size)
    ld = read_result(f"store_load_{size}") or {}
    if ld.get("oxigraph", {}).get("cut"):  # the bounded load did not finish: nothing to serve
        out = {"size": size, "results": {}, "not_measured": f"Oxigraph load {ld['oxigraph']['cut']}"}
        write_result(f"api_latency_{size}", out)
        return out
    if not (d / "oxigraph").exists() or not (d / "search.sqlite").exists():
        ensure(d, SIZES[size])
        load_oxigraph(d, d / "oxigraph")
    paths = sample_paths(d)
    out: dict[str, Any] = {"size": size, "targets": TARGETS, "load_tool": "wrk" if shutil.which("wrk") else "httpx",
                           "results": {}}
    prev = read_result(f"api_latency_{size}") or {}
    out["results"] = {k: v for k, v in prev.get("results", {}).items()  # keep what this run does not re-measure
                      if k not in {_key(st, w) + r for st in stores for w in workers for r in ("", RENDERED)}}
    for store in stores:
        if store == "oxigraph":
            for w in workers:
                out["results"][_key(store, w)] = measure(store, d, paths, seconds, clients, None, w)
                write_result(f"api_latency_{size}", out)
            for w in workers:  # the entity pages as rendered on every request, for comparison (api.rendered)
                out["results"][_key(store, w) + RENDERED] = measure(store, d, paths, seconds, clients,
                                                                    {"CANCU_PAGE_CACHE_MB": "0"}, w, ENTITY_PAGES)
                write_result(f"api_latency_{size}", out)
        else:
            # Served from a database our online loader left (bench.store_load's, or loaded here first), after a server
            # restart, and kept for the next run: a server measured straight after a 20-minute load was slower on
            # every endpoint, those that never ask it too, and a clean shutdown checkpoints the store.
            kept = loaded_neo4j(d)
            out["neo4j_database"] = "kept by an earlier load (bench.store_load or this benchmark), server restarted"
            if kept is None:
                out["neo4j_load"] = {k: v for k, v in load_ours(d, d / "neo4j-ours").items() if k != "counts"}
                out["neo4j_database"] = "loaded here by the online loader, kept, server restarted"
                kept = loaded_neo4j(d)
                if kept is None:
                    raise RuntimeError(f"the online load into {d / 'neo4j-ours'} left no complete database")

            def serve(info: dict, _data: Path) -> dict[str, Any]:
                from graph.neo4j_store import Neo4jStore
                from graph.search_index import build_index

                st = Neo4jStore(info["uri"], info["user"], info["password"])
                t0 = time.perf_counter()  # what `cancu load` does after a load: the index the API opens
                index = build_index(st, d / "search-neo4j.sqlite")
                out["neo4j_index"] = {"seconds": round(time.perf_counter() - t0, 1),
                                      "role_pages_seconds": float(index.meta("seconds_roles") or 0),
                                      "link_pages_seconds": float(index.meta("seconds_links") or 0)}
                index.close()
                st.close()
                env = {"NEO4J_URI": info["uri"], "NEO4J_USER": info["user"], "NEO4J_PASSWORD": info["password"]}
                for w in workers:
                    out["results"][_key("neo4j", w)] = measure("neo4j", d, paths, seconds, clients, env, w)
                    write_result(f"api_latency_{size}", out)
                return out

            with_neo4j(serve, kept, keep=True, fresh=False)  # kept for the next run
        write_result(f"api_latency_{size}", out)
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="API latency under load")
    ap.add_argument("--size", default="10k", choices=list(SIZES))
    ap.add_argument("--store", action="append", choices=["oxigraph", "neo4j"])
    ap.add_argument("--seconds", type=float, default=20)
    ap.add_argument("--workers", default="1,2", help="comma-separated worker counts, measured one after the other")
    ap.add_argument("--clients", type=int, default=50)
    a = ap.parse_args(argv)
    print(machine())
    run(a.size, tuple(a.store or ["oxigraph"]), a.seconds, a.clients, tuple(int(w) for w in a.workers.split(",")))
    return 0


if __name__ == "__main__":
    sys.exit(main())
