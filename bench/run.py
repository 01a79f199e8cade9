"""Run the benchmark suite and write bench/results/summary.md (a table ready for the README).

    python -m bench.run --quick          # 1k documents, short bounded runs, no Neo4j: ~2 min (CI smoke)
    python -m bench.run                  # 1k + 10k (+ 100k with --sizes 1k,10k,100k)
    python -m bench.run --summary-only   # rebuild summary.md from bench/results/*.json

Each stage writes its own bench/results/*.json (a --quick run writes *_quick.json and summary_quick.md,
so a smoke run never replaces the figures of a full run); the summary reads whatever results exist, so
a stage that was skipped or cut shows as "—" or "not measured" rather than an old figure under a new
heading. What limits each unmet target is written by hand in bench/results/limits.json (figure key ->
one line), because it comes from reading profiles, not from a number; the summary prints it.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from typing import Any

from bench.common import RESULTS, machine, read_result, result_path

SIZE_ORDER = ["1k", "10k", "100k"]
ENDPOINTS = (("floor", "/health: store status, no document read (for comparison)", None), ("lookup", "document look-up", 50),
             ("resolve", "look-up by number", 50),
             ("bases", "legal bases (1 hop)", None), ("chain3", "legal-bases chain depth 3 (/chain)", 200),
             ("agency", "agency connections (/agencies/{id})", 1000),
             ("platform", "platform connections (/platforms/{id})", 1000), ("search", "search", None),
             ("sparql", "SPARQL one-hop SELECT", None))


def _met(value: float | None, target: float, higher_is_better: bool) -> str:
    if value is None:
        return "—"
    return "yes" if (value >= target if higher_is_better else value <= target) else "**no**"


def _ep(api: dict | None, key: str, ep: str, field: str) -> float | None:
    try:
        return api["results"][key]["endpoints"][ep][field]
    except (KeyError, TypeError):
        return None


def _num(x: float | None, unit: str = "") -> str:
    if x is None:
        return "—"
    s = f"{x:,.3g}" if abs(x) < 100 else f"{x:,.0f}"
    return f"{s} {unit}".strip()


def _largest(prefix: str, pred: Any = bool) -> tuple[str | None, dict]:
    """The largest size whose result `prefix_<size>` exists and satisfies pred."""
    for s in reversed(SIZE_ORDER):
        r = read_result(f"{prefix}_{s}")
        if r and pred(r):
            return s, r
    return None, {}


BEFORE_AFTER = ("agency", "platform", "chain3", "lookup")


def _before_after() -> list[str]:
    """p99 at 100k before the role pages were materialised (api_latency_100k_before, kept from that run) and now,
    per store and worker count, side by side."""
    before, after = read_result("api_latency_100k_before"), read_result("api_latency_100k")
    if not before or not after or after is before:
        return []
    out = ["", "Before / after the pages materialised at load (role pages, then link pages and paged sources), 100k "
           "documents, p99 ms at 50 clients (answer bytes of the first request now), same benchmark, runs of "
           "different days:", "",
           "| store, workers | " + " | ".join(BEFORE_AFTER) + " |", "|---|" + "---|" * len(BEFORE_AFTER)]
    for key in ("oxigraph", "oxigraph_w2", "neo4j", "neo4j_w2"):
        if key not in after.get("results", {}):
            continue
        cells = []
        for ep in BEFORE_AFTER:
            b, a = _ep(before, key, ep, "p99_ms"), _ep(after, key, ep, "p99_ms")
            size = after["results"][key].get("warm", {}).get(ep, {}).get("bytes")
            cells.append(f"{_num(b)} → {_num(a)}" + (f" ({size:,} B)" if size else ""))
        out.append(f"| {key.replace('_w2', ', 2').replace('oxigraph', 'Oxigraph').replace('neo4j', 'Neo4j')} | "
                   + " | ".join(cells) + " |")
    return out


GROWTH = ("lookup", "resolve", "chain3", "agency", "platform")  # the pages #17 names, by bench.api_latency key


def _growth() -> list[str]:
    """Each page's p99 beside the size of its answers (mean bytes read per response under the same load), at each
    size, and how much each grew from the smallest size to the largest: the issue's "no faster than its answer".
    The tolerance is the same runs' own noise: how far /health, whose work does not depend on the corpus, moved."""
    from bench.api_latency import RENDERED  # the key suffix of the entity pages rendered on every request

    runs = {s: r for s in SIZE_ORDER if (r := read_result(f"api_latency_{s}"))}
    # Oxigraph's /health reads no document; Neo4j's is a Bolt round trip in the thread pool (and a count every 5 s)
    floor = [f for r in runs.values() if (f := _ep(r, "oxigraph_w2", "floor", "p99_ms"))]
    noise = max(floor) / min(floor) if floor else 1.0
    out: list[str] = []
    for key, who in (("oxigraph_w2", "Oxigraph, 2 workers"), ("neo4j_w2", "Neo4j, 2 workers")):
        sizes = [s for s, r in runs.items() if _ep(r, key, "lookup", "response_bytes")]
        if len(sizes) < 2:
            continue
        first, last = sizes[0], sizes[-1]
        out += ["", f"Each page's p99 against its answer's size ({who}, 50 clients; answer = mean bytes read per "
                    f"response in the same window, headers included; kept pages rendered once per worker before the "
                    f"clock, and rendered on every request where a row says so). A page grows no faster than its "
                    f"answer when its p99 grew by at most the answer's growth (or 1 if the answer did not grow) times "
                    f"{noise:.2f}, how far /health's p99 moved across these runs (Oxigraph, 2 workers: it reads no "
                    f"document):", "",
                "| page | " + " | ".join(f"{s}: p99 ms (answer B)" for s in sizes) + f" | p99 × {first} → {last} "
                f"| answer × | p99 grew no faster? |", "|---|" + "---|" * (len(sizes) + 3)]
        rows = [(ep, key, ep) for ep in GROWTH] + [(f"{ep}, rendered on every request", key + RENDERED, ep)
                                                  for ep in ("agency", "platform")]
        for name, k, ep in rows:
            p = {s: _ep(runs[s], k, ep, "p99_ms") for s in sizes}
            b = {s: _ep(runs[s], k, ep, "response_bytes") for s in sizes}
            if not any(p.values()):
                continue
            cells = [f"{_num(p[s])} ({b[s]:,})" if p[s] and b[s] else "—" for s in sizes]
            if p[first] and p[last] and b[first] and b[last]:
                tp, tb = p[last] / p[first], b[last] / b[first]
                grew = f"{tp:.2f} | {tb:.2f} | {'yes' if tp <= max(tb, 1.0) * noise else '**no**'}"
            else:
                grew = "— | — | —"
            out.append(f"| {name} | " + " | ".join(cells) + f" | {grew} |")
    return out


def summary() -> str:
    """Markdown: figure | value | target | met?, each figure at the largest size that has it; then a
    scaling table 1k → 10k → 100k and one line per unmet target naming what limits it."""
    m = machine()
    lines = [f"Machine: {m['cores']} cores, {m['ram_gb']} GB RAM, {m['cpu']}, Python {m['python']}, {m['date'][:10]} "
             "(shared machine, no other job during the timed runs unless noted; run-to-run spread up to ± 50 %, see notes). "
             "Load generator: wrk on loopback, 2 threads, 50 connections, on the same 2 cores as the API.", ""]
    rows: list[tuple[str, str, str, str, str]] = []  # (key, figure, value, target, met)

    def add(key: str, fig: str, value: str, target: str = "", met: str = "") -> None:
        rows.append((key, fig, value, target, met))

    ing = read_result("ingest_speed") or {}
    if ing:
        r, s = ing["runs"]["real"], ing["runs"]["synth"]
        add("ingest_1", "ingest, real corpus, 1 core", _num(r["one_core"]["mb_s_per_core"], "MB/s"), "≥ 2 MB/s per core",
            _met(r["one_core"]["mb_s_per_core"], 2, True))
        add("ingest_all", f"ingest, real corpus, {m['cores']} cores", f"{_num(r['all_cores']['mb_s'], 'MB/s')} "
            f"({_num(r['all_cores']['mb_s_per_core'])} per core)", "≥ 2 MB/s per core", _met(r["all_cores"]["mb_s_per_core"], 2, True))
        add("", "ingest, synthetic, 1 core", f"{_num(s['one_core']['docs_s'], 'docs/s')}, {_num(s['one_core']['mb_s'], 'MB/s')}")
        add("", f"ingest, synthetic, {m['cores']} cores", f"{_num(s['all_cores']['docs_s'], 'docs/s')}, {_num(s['all_cores']['mb_s'], 'MB/s')}")
    gaz = read_result("gazette_accuracy") or {}
    if gaz:
        t = gaz["total"]
        add("gazette_parsed", f"gazette: files parsed (of {t['files']})", _num(t["parsed"]), "≥ 0.99", _met(t["parsed"], 0.99, True))
        for k in ("number", "type", "year"):
            add(f"gazette_{k}", f"gazette: {k} right (of known)", _num(t[k]), "≥ 0.98", _met(t[k], 0.98, True))
        add("gazette_speed", "gazette: text parse, 1 core", _num(t["parse_mb_s_one_core"], "MB/s"), "≥ 3 MB/s per core",
            _met(t["parse_mb_s_one_core"], 3, True))
        ident = gaz.get("identity")
        if ident:
            add("gazette_split", "gazette: laws of one name and year left as several nodes", str(ident["laws_split"]), "0",
                _met(-ident["laws_split"], 0, True))
            if "laws_apart" in ident:
                add("", "gazette: laws of one name and year, distinct dates (kept apart, correct)", str(ident["laws_apart"]))
            add("gazette_landed", "gazette: legal bases to a folder document landing on its ingested node",
                _num(ident["landed_on_ingested"]), "≥ 0.98", _met(ident["landed_on_ingested"], 0.98, True))
    pdf = read_result("pdf_ingest_speed") or {}
    if pdf:
        new, old = pdf["runs"]["pypdfium2_same_files"], pdf["runs"]["pdfminer"]
        add("pdf_speed", "PDF ingest, gazette PDFs, per CPU-second: pypdfium2 / pdfminer.six (same run)",
            f"{_num(new['full_mb_per_cpu_s'], 'MB')} / {_num(old['full_mb_per_cpu_s'], 'MB')} ({pdf['speedup_full']}×)",
            "≥ 5 MB/s per core", _met(new["full_mb_per_cpu_s"], 5, True))
    sz, load = _largest("store_load", lambda r: "seconds" in r.get("oxigraph", {}))
    if load:
        o = load["oxigraph"]
        how = "new store, graph.oxigraph_bulk.build" if "loader" in o else "OxigraphStore.load per file"
        add("ox_load", f"load Oxigraph on disk ({sz}, {load.get('quads', 0):,} quads; {how})",
            _num(o.get("triples_s"), "triples/s"), "≥ 200k triples/s", _met(o.get("triples_s"), 200_000, True))
        ref = load.get("oxigraph_bulk_reference", {})
        if ref:
            add("", "  pyoxigraph bulk_load, same files, no checks (reference)", _num(ref.get("triples_s"), "triples/s"))
        inc = o.get("incremental_replace", {})
        if inc:
            add("", f"  re-load of one file into the built store (OxigraphStore.load, replace {inc['quads']:,} quads)",
                _num(inc.get("triples_s"), "triples/s"))
    sz, cat = _largest("catalogue", lambda r: "resolved" in r)
    if cat:
        c, p, r = cat["catalogue"], cat["plain"], cat["resolved"]
        add("", f"  identity catalogue at load ({sz}, graph.reresolve): describe every graph + build it; a new store "
            "with it / without it; kept beside the store",
            f"{_num(c['describe_seconds'], 's')} + {_num(c['build_seconds'], 's')}, {_num(c['peak_rss_mb'], 'MB')} peak; "
            f"{_num(r['seconds'], 's')} / {_num(p['seconds'], 's')}; {_num(r['state_mb'], 'MB')}")
        add("", "  Oxigraph loader peak RSS (load / with build_index)",
            f"{_num(o.get('peak_rss_mb'))} / {_num(o.get('search_index', {}).get('peak_rss_mb_with_index'))} MB")
        add("", "  Oxigraph size on disk", _num(o.get("disk_mb"), "MB"))
        add("", "  search index build (graph.search_index.build_index, real)",
            _num(o.get("search_index", {}).get("real_build_index_seconds"), "s"))
        si = o.get("search_index", {})
        if o.get("resolve_seconds") is None or si.get("without_pages_seconds") is None:
            add("materialise", f"  `cancu load` with the role, link and part pages / without ({load.get('size')})",
                "not measured: this load run predates the timed resolution and the index without pages", "≤ 1.3×", "**no**")
        else:
            # the whole of `cancu load` for a new store (cancu.cli._bulk_build), against the same load whose index has
            # no pages (built in the same run): what a user waits for, with and without the materialisation
            bare_s, index_s = si["without_pages_seconds"], si["real_build_index_seconds"]
            before = o["resolve_seconds"] + o["seconds"] + o["commit_seconds"]
            ratio = (before + index_s) / (before + bare_s)
            add("materialise", f"  `cancu load` with the role, link and part pages / without ({load.get('size')}, "
                f"same run: references resolved {_num(o['resolve_seconds'], 's')} + bulk build "
                f"{_num(o['seconds'], 's')} + identities kept {_num(o['commit_seconds'], 's')} + search index "
                f"{_num(index_s, 's')}, against the same index without pages {_num(bare_s, 's')})",
                _num(ratio, "×"), "≤ 1.3×", _met(ratio, 1.3, False))
            add("", "    the bulk build and the index alone, without the resolution (the measure of earlier runs)",
                _num((o["seconds"] + index_s) / (o["seconds"] + bare_s), "×"))
    nsz, nload = _largest("store_load", lambda r: "neo4j_ours" in r)
    if nload:
        ours, peer, imp = nload["neo4j_ours"], nload.get("neo4j_peer", {}), nload.get("neo4j_import", {})
        add("", f"load Neo4j, cancu online loader ({nsz}; any database: local, cluster, Aura)",
            _num(ours.get("triples_s"), "triples/s"))
        if imp:
            ph = imp.get("phases_s", {})
            add("", f"load Neo4j, cancu offline import ({nsz}; a new local database: CSV, neo4j-admin import, "
                "server start, first open with indexes online)",
                f"{_num(imp.get('triples_s'), 'triples/s')} ({_num(imp.get('seconds'), 's')}: CSV {_num(ph.get('csv'), 's')}, "
                f"importer {_num(ph.get('importer'), 's')}, start {_num(ph.get('server_start'), 's')}, "
                f"schema and settle {_num(ph.get('schema_settle_indexes'), 's')})")
        add("", f"load Neo4j, rdflib-neo4j 1.1 ({nsz})", _num(peer.get("triples_s"), "triples/s"))
        ratio = nload.get("ratio_import_vs_peer")
        if imp:
            add("neo4j_ratio", "Neo4j first load: cancu import / rdflib-neo4j", _num(ratio, "×"), "≥ 3×",
                _met(ratio, 3, True))
            add("", "  counts identical to the peer's (comparable) and to the online loader's",
                {True: "yes", False: "**no**", None: "—"}[nload.get("import_counts_identical")])
        add("", "Neo4j: online loader / rdflib-neo4j", _num(nload.get("ratio_ours_vs_peer"), "×"))
        csz, ceil = _largest("neo4j_ceiling")
        if ceil:
            best = max(ceil["minimal"], key=lambda m: m["triples_s"])
            add("", f"  same run ({csz}): peer / online loader / offline import / minimal Bolt writer (prepared rows; "
                f"MERGE nodes, CREATE relationships; {best['writers']} session(s)), triples/s",
                f"{_num(ceil['peer']['triples_s'])} / {_num(ceil['ours']['triples_s'])} / "
                f"{_num(ceil.get('import', {}).get('triples_s'))} / {_num(best['triples_s'])}: online "
                f"{_num(ceil['ours_vs_peer'], '×')}, import {_num(ceil.get('import_vs_peer'), '×')}, Bolt ceiling "
                f"{_num(ceil['ceiling_vs_peer'], '×')} the peer")
    else:
        note = (read_result("neo4j_status") or {}).get("note", "not run")
        add("neo4j_ratio", "Neo4j: ours / rdflib-neo4j", f"not measured in this run: {note}", "≥ 3×", "—")
    from bench.api_latency import RENDERED

    rendered = ", entity pages rendered on every request (CANCU_PAGE_CACHE_MB=0)"
    for key_store, label in (("oxigraph", "oxigraph, 1 worker"), ("oxigraph_w2", "oxigraph, 2 workers"),
                             ("oxigraph" + RENDERED, "oxigraph, 1 worker" + rendered),
                             ("oxigraph_w2" + RENDERED, "oxigraph, 2 workers" + rendered),
                             ("neo4j", "neo4j, 1 worker"), ("neo4j_w2", "neo4j, 2 workers")):
        asz, api = _largest("api_latency", lambda r, k=key_store: k in r.get("results", {}))
        if not api:
            continue
        res = api["results"][key_store]
        c = res["clients"]
        for ep, name, target in ENDPOINTS:
            if ep not in res["endpoints"] and (key_store.endswith(RENDERED) or not target):
                continue  # that run measured the entity pages only, or this row came after it
            e = res["endpoints"].get(ep) or {}
            p99, tgt = e.get("p99_ms"), f"p99 ≤ {target} ms" if target else ""
            if p99 is None:
                why = e.get("not_measurable", "not run")
                why = why.replace("HTTP 0", "first request > 30 s").replace("HTTP 501", "no such endpoint on this store (501)")
                add(f"{ep}" if target else "", f"{label}: {name} p99 @ {c} clients ({asz})", f"not measurable: {why}", tgt,
                    "**no**" if target else "")
                continue
            tmo = e.get("errors_timeout") or 0
            slow = " (no request finished in the window: measured over 60 s)" if e.get("extended") else ""
            add(ep if target else "", f"{label}: {name} p50/p95/p99 @ {c} clients ({asz}){slow}",
                f"{e['p50_ms']:,.1f} / {e['p95_ms']:,.1f} / {p99:,.1f} ms, {e['req_s']:,.0f} req/s"
                + (f", {tmo} timeouts" if tmo else ""), tgt, _met(p99, target, False) if target else "")
        rss = res.get("api_peak_rss_mb")
        if not key_store.endswith(RENDERED):
            add("api_rss", f"{label}: API peak RSS, whole process tree ({asz})", _num(rss, "MB"), "≤ 2 GB", _met(rss, 2048, False))
    for sz in reversed(SIZE_ORDER):  # bench.national_pages: the pages around the hubs, one request cold / warm
        nat = read_result(f"national_pages_{sz}")
        if nat:
            for name, page in nat["pages"].items():
                add("", f"{name}, one request cold / warm ({sz}, Oxigraph)",
                    f"{page['first']['ms']:,.0f} / {page['second']['ms']:,.0f} ms ({page['first']['bytes']:,} B)")
            break
    out = lines + ["| figure | value | target | met? |", "|---|---|---|---|"]
    out += [f"| {b} | {c} | {d} | {e} |" for _, b, c, d, e in rows]
    out += _before_after()

    # scaling
    out += ["", "Scaling, 1k → 10k → 100k documents (same generator and seed; ingest = the real parse + RDF of the "
            "whole synthetic corpus on all cores, files written; p99 at 50 clients, 1 worker / 2 workers):", "",
            "| size | docs | quads | ingest s (docs/s) | Oxigraph load s | triples/s | loader RSS MB | disk MB | build_index s "
            "| Neo4j online s | Neo4j import s | peer s | look-up p99 ms | chain3 p99 ms | agency p99 ms | platform p99 ms "
            "(answer B) | search p99 ms | API RSS MB |",
            "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"]

    def g(x: Any) -> str:
        return "—" if x is None else (f"{x:,}" if isinstance(x, int) else f"{x:,.1f}")

    def pair(ap: dict, ep: str) -> str:
        a, b = _ep(ap, "oxigraph", ep, "p99_ms"), _ep(ap, "oxigraph_w2", ep, "p99_ms")
        return "—" if a is None and b is None else f"{g(a)} / {g(b)}"

    measured = []
    for s in SIZE_ORDER:
        ld = read_result(f"store_load_{s}") or {}
        ap = read_result(f"api_latency_{s}") or {}
        if not ld and not ap:
            continue
        measured.append(s)
        o = ld.get("oxigraph", {})
        ing_c = ld.get("ingest_whole_corpus", {})
        ing_txt = "—" if not ing_c else f"{g(ing_c.get('seconds'))} ({g(round(ing_c['docs'] / ing_c['seconds']))})"
        rss = [ap.get("results", {}).get(k, {}).get("api_peak_rss_mb") for k in ("oxigraph", "oxigraph_w2")]
        load_s = o.get("seconds") if "seconds" in o else (o.get("cut") or None)
        out.append(f"| {s} | {g(ld.get('documents'))} | {g(ld.get('quads'))} | {ing_txt} | {load_s if isinstance(load_s, str) else g(load_s)} | "
                   f"{g(o.get('triples_s'))} | {g(o.get('peak_rss_mb'))} | {g(o.get('disk_mb'))} | "
                   f"{g(o.get('search_index', {}).get('real_build_index_seconds'))} | "
                   f"{g(ld.get('neo4j_ours', {}).get('seconds'))} | {g(ld.get('neo4j_import', {}).get('seconds'))} | "
                   f"{g(ld.get('neo4j_peer', {}).get('seconds'))} | "
                   f"{pair(ap, 'lookup')} | {pair(ap, 'chain3')} | {pair(ap, 'agency')} | {pair(ap, 'platform')} "
                   f"({g(ap.get('results', {}).get('oxigraph', {}).get('warm', {}).get('platform', {}).get('bytes'))}) | "
                   f"{pair(ap, 'search')} | "
                   f"{' / '.join(g(x) for x in rss)} |")
    out += _growth()
    missing = [s for s in SIZE_ORDER if s not in measured]
    if missing:
        out += ["", f"Not measured in this run: {', '.join(missing)} documents."]

    # what limits each unmet target (the first figure of each key)
    lim = json.loads(path.read_text(encoding="utf-8")) if (path := RESULTS / "limits.json").exists() else {}
    unmet: dict[str, str] = {}
    for k, b, _, _, e in rows:
        if e == "**no**":
            unmet.setdefault(k, b)
    if unmet or lim.get("_notes"):
        out += ["", "Unmet targets and what limits them:", ""]
        out += [f"- **{fig}**: {lim.get(k, 'not analysed yet')}" for k, fig in unmet.items()]
        out += [f"- {n}" for n in lim.get("_notes", [])]
    text = "\n".join(out) + "\n"
    RESULTS.mkdir(parents=True, exist_ok=True)
    result_path("summary", "md").write_text(text, encoding="utf-8")
    return text


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="cancu benchmark suite")
    ap.add_argument("--quick", action="store_true", help="1k documents, short bounded runs, no Neo4j (CI smoke, ~2 min)")
    ap.add_argument("--sizes", default="1k,10k", help="comma-separated: 1k,10k,100k")
    ap.add_argument("--skip-neo4j", action="store_true")
    ap.add_argument("--with-neo4j", action="store_true", help="with --quick: also Neo4j and the peer (≈ +2 min)")
    ap.add_argument("--seconds", type=float, default=20, help="load per API endpoint and worker count")
    ap.add_argument("--peer-seconds", type=float, default=900, help="bound on the rdflib-neo4j load per size")
    ap.add_argument("--no-bulk-reference", action="store_true", help="skip the raw pyoxigraph bulk_load reference")
    ap.add_argument("--summary-only", action="store_true")
    a = ap.parse_args(argv)
    t0 = time.perf_counter()
    if a.quick:
        os.environ["CANCU_BENCH_TAG"] = "_quick"
    if not a.summary_only:
        from bench import api_latency, gazette_accuracy, identity_catalogue, ingest_speed, neo4j_ceiling, store_load

        sizes = ["1k"] if a.quick else a.sizes.split(",")
        print(machine())
        if a.quick:
            ingest_speed.run("1k", limit_mb=1.5, seconds=4, do_profile=False)
        else:
            ingest_speed.run("1k", limit_mb=40, seconds=60, do_profile=True)
            if gazette_accuracy.DEFAULT_DIR.is_dir():  # the Công báo texts and PDFs, where ../shared is
                gazette_accuracy.main([])
                ingest_speed.run_pdf()
        for s in sizes:
            neo = not a.skip_neo4j and (not a.quick or a.with_neo4j)
            store_load.run(s, neo4j=neo, peer_seconds=60 if a.quick else a.peer_seconds,
                           ox_budget=120 if a.quick else 900, bulk_reference=not (a.quick or a.no_bulk_reference))
            identity_catalogue.run(s)  # the same corpus with re-resolution at load time, beside the load without it
            if neo and s == "10k":  # what any Bolt loader could reach here, next to the peer and ours
                neo4j_ceiling.run(s, [1, 2], a.peer_seconds)
            api_latency.run(s, ("oxigraph",) if not neo else ("oxigraph", "neo4j"),
                            seconds=2 if a.quick else a.seconds)
    print(summary())
    print(f"suite done in {time.perf_counter() - t0:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
