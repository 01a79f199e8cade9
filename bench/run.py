"""Run the benchmark suite and write bench/results/summary.md (a table ready for the README).

    python -m bench.run --quick          # 1k documents, short runs, no peer bound issues: < 2 min target
    python -m bench.run                  # 1k + 10k (+ 100k with --sizes 1k,10k,100k)
    python -m bench.run --summary-only   # rebuild summary.md from bench/results/*.json

Each stage writes its own bench/results/*.json; the summary reads whatever results exist, so a
stage that was skipped or cut shows as "—" rather than an old figure under a new heading.
"""

from __future__ import annotations

import argparse
import sys
import time
from typing import Any

from bench.common import RESULTS, machine, read_result

SIZE_ORDER = ["1k", "10k", "100k"]


def _met(value: float | None, target: float, higher_is_better: bool) -> str:
    if value is None:
        return "—"
    return "yes" if (value >= target if higher_is_better else value <= target) else "**no**"


def _ep(api: dict | None, store: str, ep: str, key: str) -> float | None:
    try:
        return api["results"][store]["endpoints"][ep][key]
    except (KeyError, TypeError):
        return None


def summary() -> str:
    """Markdown: figure | value | target | met?, for the largest size measured, then a scaling table."""
    m = machine()
    lines = [f"Machine: {m['cores']} cores, {m['ram_gb']} GB RAM, {m['cpu']}, Python {m['python']}, {m['date'][:10]} "
             "(shared machine: other jobs ran during the measurements, so treat figures as ± 30 %).", ""]
    ing = read_result("ingest_speed") or read_result("ingest_speed_quick") or {}
    sizes = [s for s in SIZE_ORDER if read_result(f"store_load_{s}") or read_result(f"api_latency_{s}")]
    big = sizes[-1] if sizes else "1k"
    load = read_result(f"store_load_{big}") or {}
    api = read_result(f"api_latency_{big}") or {}
    rows: list[tuple[str, str, str, str]] = []

    def add(fig: str, value: float | None, unit: str, target: str, met: str) -> None:
        rows.append((fig, "—" if value is None else f"{value:,.3g} {unit}".strip() if value < 100 else f"{value:,.0f} {unit}", target, met))

    if ing:
        r = ing["runs"]["real"]
        add("ingest, real corpus, 1 core", r["one_core"]["mb_s_per_core"], "MB/s", "≥ 2 MB/s per core",
            _met(r["one_core"]["mb_s_per_core"], 2, True))
        add(f"ingest, real corpus, {m['cores']} cores", r["all_cores"]["mb_s"], "MB/s", "≥ 2 MB/s per core",
            _met(r["all_cores"]["mb_s_per_core"], 2, True))
        s = ing["runs"]["synth"]
        add("ingest, synthetic, 1 core", s["one_core"]["docs_s"], "docs/s", "", "")
        add(f"ingest, synthetic, {m['cores']} cores", s["all_cores"]["docs_s"], "docs/s", "", "")
    if load:
        o = load.get("oxigraph", {})
        add(f"load Oxigraph ({big}, {load.get('quads', 0):,} quads)", o.get("triples_s"), "triples/s", "≥ 200k triples/s",
            _met(o.get("triples_s"), 200_000, True))
        ref = load.get("oxigraph_bulk_reference", {})
        add("  pyoxigraph bulk_load, same files (reference)", ref.get("triples_s"), "triples/s", "", "")
        add("  Oxigraph load peak RSS (loader process)", o.get("peak_rss_mb"), "MB", "", "")
        add("  Oxigraph size on disk", o.get("disk_mb"), "MB", "", "")
        ours, peer = load.get("neo4j_ours", {}), load.get("neo4j_peer", {})
        add(f"load Neo4j, cancu loader ({big})", ours.get("triples_s"), "triples/s", "", "")
        add(f"load Neo4j, rdflib-neo4j 1.1 ({big})", peer.get("triples_s"), "triples/s", "", "")
        add("Neo4j: ours / rdflib-neo4j", load.get("ratio_ours_vs_peer"), "×", "≥ 3×", _met(load.get("ratio_ours_vs_peer"), 3, True))
        ci = load.get("counts_identical")
        rows.append(("  comparable node/relationship counts identical", "—" if ci is None else str(ci), "identical",
                     "—" if ci is None else ("yes" if ci else "**no**")))
        add("  Neo4j JVM peak RSS (ours)", ours.get("neo4j_peak_rss_mb"), "MB", "", "")
        add("  Neo4j size on disk (ours)", ours.get("disk_mb"), "MB", "", "")
    for store in ("oxigraph", "neo4j"):
        if not api or store not in api.get("results", {}):
            continue
        c = api["results"][store]["clients"]
        for ep, label, target in (("lookup", "document look-up", 50), ("resolve", "look-up by number", 50),
                                  ("bases", "legal bases (1 hop)", None), ("chain3", "legal-bases chain depth 3 (SPARQL)", 200),
                                  ("search", "search", None), ("sparql", "SPARQL one-hop SELECT", None)):
            p99 = _ep(api, store, ep, "p99_ms")
            if p99 is None:
                why = (api["results"][store]["endpoints"].get(ep) or {}).get("not_measurable", "")
                why = why.replace("HTTP 0", "first request > 30 s").replace("HTTP 501", "no such endpoint on this store (501)")
                rows.append((f"{store} {label} p99 @ {c} clients ({big})", f"not measurable: {why}", f"≤ {target} ms" if target else "",
                             "**no**" if target else ""))
                continue
            p50, rps = _ep(api, store, ep, "p50_ms"), _ep(api, store, ep, "req_s")
            rows.append((f"{store} {label} p50/p95/p99 @ {c} clients ({big})",
                         f"{p50:,.1f} / {_ep(api, store, ep, 'p95_ms'):,.1f} / {p99:,.1f} ms, {rps:,.0f} req/s",
                         f"p99 ≤ {target} ms" if target else "", _met(p99, target, False) if target else ""))
        add(f"{store} API process peak RSS", api["results"][store].get("api_peak_rss_mb"), "MB", "≤ 2 GB",
            _met(api["results"][store].get("api_peak_rss_mb"), 2048, False))
    out = lines + ["| figure | value | target | met? |", "|---|---|---|---|"]
    out += [f"| {a} | {b} | {c} | {d} |" for a, b, c, d in rows]
    # scaling
    out += ["", "Scaling (each figure at each corpus size):", "",
            "| size | docs | quads | Oxigraph load s | triples/s | disk MB | Neo4j ours s | peer s | look-up p99 ms | bases p99 ms |",
            "|---|---|---|---|---|---|---|---|---|---|"]
    for s in sizes:
        ld = read_result(f"store_load_{s}") or {}
        ap = read_result(f"api_latency_{s}") or {}
        o = ld.get("oxigraph", {})

        def g(x: Any) -> str:
            return "—" if x is None else (f"{x:,}" if isinstance(x, int) else f"{x:,.1f}")

        out.append(f"| {s} | {g(ld.get('documents'))} | {g(ld.get('quads'))} | {g(o.get('seconds'))} | {g(o.get('triples_s'))} | "
                   f"{g(o.get('disk_mb'))} | {g(ld.get('neo4j_ours', {}).get('seconds'))} | {g(ld.get('neo4j_peer', {}).get('seconds'))} | "
                   f"{g(_ep(ap, 'oxigraph', 'lookup', 'p99_ms'))} | {g(_ep(ap, 'oxigraph', 'bases', 'p99_ms'))} |")
    missing = [s for s in SIZE_ORDER if s not in sizes]
    if missing:
        out += ["", f"Not measured in this run: {', '.join(missing)} documents."]
    text = "\n".join(out) + "\n"
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "summary.md").write_text(text, encoding="utf-8")
    return text


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="cancu benchmark suite")
    ap.add_argument("--quick", action="store_true", help="1k documents, short bounded runs (CI smoke)")
    ap.add_argument("--sizes", default="1k,10k", help="comma-separated: 1k,10k,100k")
    ap.add_argument("--skip-neo4j", action="store_true")
    ap.add_argument("--with-neo4j", action="store_true", help="with --quick: also Neo4j and the peer (≈ +2 min)")
    ap.add_argument("--summary-only", action="store_true")
    a = ap.parse_args(argv)
    t0 = time.perf_counter()
    if not a.summary_only:
        from bench import api_latency, ingest_speed, store_load

        sizes = ["1k"] if a.quick else a.sizes.split(",")
        print(machine())
        if a.quick:
            ingest_speed.run("1k", limit_mb=2, seconds=8, do_profile=True, name="ingest_speed_quick")
        else:
            ingest_speed.run("1k", limit_mb=40, seconds=60, do_profile=True)
        for s in sizes:
            neo = not a.skip_neo4j and (not a.quick or a.with_neo4j)
            store_load.run(s, neo4j=neo, peer_seconds=60 if a.quick else 900)
            api_latency.run(s, ("oxigraph",) if not neo else ("oxigraph", "neo4j"),
                            seconds=3 if a.quick else 20)
    print(summary())
    print(f"suite done in {time.perf_counter() - t0:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
