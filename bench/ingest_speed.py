"""Ingest throughput: parse + RDF (no store), MB/s and docs/s, one core and all cores.

    python -m bench.ingest_speed [--size 1k|10k|100k] [--limit-mb 40] [--seconds 60]

Inputs: the real corpus (corpus/*.txt) repeated to --limit-mb, and the synthetic corpus of --size
(its first --limit-mb). Work per document = ingest.pipeline.parse_text + ingest.to_rdf.document_quads
(what `cancu ingest` does minus file writes). Every run is bounded by --seconds. A cProfile of the
one-core run on the real corpus gives the top 15 functions by own time and by cumulative time,
and the share of time in names (spaCy mention finder), header, citations, tables and to_rdf.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import sys
import time
from multiprocessing import get_context
from pathlib import Path
from typing import Any

from bench.common import ROOT, corpus_dir, machine, write_result

TARGET_MB_S_PER_CORE = 2.0
_TEXTS: list[tuple[str, str]] = []


def _work(texts: list[tuple[str, str]], deadline: float) -> tuple[int, int, int]:
    """Parse + RDF until done or past the deadline: (docs, bytes, quads)."""
    from ingest.pipeline import parse_text
    from ingest.to_rdf import document_quads

    docs = size = quads = 0
    for text, src in texts:
        if time.perf_counter() > deadline:
            break
        doc = parse_text(text, src)
        if doc.doc_id:
            quads += len(document_quads(doc))
        docs += 1
        size += len(text.encode("utf-8"))
    return docs, size, quads


def _warm() -> None:
    from ingest.pipeline import issuer_namer, parse_text
    from ingest.to_rdf import document_quads

    issuer_namer()
    d = parse_text((ROOT / "corpus" / "749-QD-TTg-2020.txt").read_text(encoding="utf-8"), "warm")
    document_quads(d)


def _chunk_worker(args: tuple[int, int, float]) -> tuple[int, int, int]:
    lo, hi, budget = args
    return _work(_TEXTS[lo:hi], time.perf_counter() + budget)


def load_texts(kind: str, size: str, limit_mb: float) -> list[tuple[str, str]]:
    """(text, source) pairs up to limit_mb: the real corpus repeated, or the synthetic corpus."""
    from ingest.readers import read_text

    limit = int(limit_mb * 1e6)
    out: list[tuple[str, str]] = []
    total = 0
    if kind == "real":
        files = sorted(p for p in (ROOT / "corpus").glob("*.txt"))
        base = [(read_text(f), str(f)) for f in files]
        while total < limit:
            for t in base:
                out.append(t)
                total += len(t[0].encode("utf-8"))
        return out
    from bench.synth import ensure, text_files

    d = corpus_dir(size)
    ensure(d, {"1k": 1000, "10k": 10_000, "100k": 100_000}[size], rdf=False)
    for f in text_files(d):
        t = f.read_text(encoding="utf-8")
        out.append((t, str(f)))
        total += len(t.encode("utf-8"))
        if total >= limit:
            break
    return out


def measure(texts: list[tuple[str, str]], workers: int, seconds: float) -> dict[str, Any]:
    """Throughput of parse + RDF over `texts` with `workers` processes, bounded by `seconds`."""
    global _TEXTS
    _warm()
    if workers == 1:
        t0 = time.perf_counter()
        docs, size, quads = _work(texts, t0 + seconds)
        dt = time.perf_counter() - t0
    else:
        _TEXTS = texts
        n = len(texts)
        step = max(1, n // (workers * 8))
        jobs = [(k, min(n, k + step), seconds) for k in range(0, n, step)]
        with get_context("fork").Pool(workers, initializer=_warm) as pool:
            # the initializer (spaCy and the gazetteer) runs in each worker before its first task: wait for
            # it, or the warm-up of every worker lands inside the timed window
            pool.map(time.sleep, [0.3] * (workers * 2), chunksize=1)
            t0 = time.perf_counter()
            deadline_jobs = [(lo, hi, seconds - 0) for lo, hi, _ in jobs]
            docs = size = quads = 0
            for d, s, q in pool.imap_unordered(_chunk_worker, deadline_jobs):
                docs, size, quads = docs + d, size + s, quads + q
                if time.perf_counter() - t0 > seconds:
                    pool.terminate()
                    break
            dt = time.perf_counter() - t0
    return {"workers": workers, "docs": docs, "mb": round(size / 1e6, 2), "seconds": round(dt, 2),
            "mb_s": round(size / 1e6 / dt, 3), "mb_s_per_core": round(size / 1e6 / dt / workers, 3),
            "docs_s": round(docs / dt, 1), "quads": quads, "quads_s": round(quads / dt)}


def profile(texts: list[tuple[str, str]], seconds: float) -> dict[str, Any]:
    """cProfile of the one-core run: top 15 by own time and cumulative, and time share by module."""
    _warm()
    pr = cProfile.Profile()
    pr.enable()
    _work(texts, time.perf_counter() + seconds)
    pr.disable()
    st = pstats.Stats(pr)
    total = sum(v[2] for v in st.stats.values())  # own time summed = wall in profiled code
    rows = []
    for (file, line, fn), (cc, nc, tt, ct, _) in st.stats.items():
        rows.append({"function": f"{Path(file).name}:{line}({fn})", "file": file, "calls": nc,
                     "own_s": round(tt, 3), "cum_s": round(ct, 3)})
    by_own = sorted(rows, key=lambda r: -r["own_s"])[:15]
    by_cum = sorted(rows, key=lambda r: -r["cum_s"])[:15]
    share: dict[str, float] = {}
    groups = {"names (spaCy PhraseMatcher + regex)": ("ingest/names.py", "spacy/", "thinc/"),
              "to_rdf (quads)": ("ingest/to_rdf.py", "pyoxigraph", "rdflib/namespace"),
              "header": ("ingest/header.py",), "citations + resolve": ("ingest/citations.py", "ingest/resolve.py"),
              "numbers": ("cancu/numbers.py",), "tables": ("ingest/tables.py",), "structure": ("ingest/structure.py",),
              "roles": ("ingest/roles.py",), "text fold/nfc": ("cancu/text.py",), "iri": ("cancu/iri.py",)}
    # cumulative time of the top-level entry points of each stage (more telling than own time)
    stage = {"parse_text total": "pipeline.py", "names.find_mentions": "find_mentions",
             "roles.find_roles": "find_roles", "tables.parse_annexes": "parse_annexes",
             "header.parse_header": "parse_header", "document_quads": "document_quads",
             "citations (preamble_refs+body_refs)": ("preamble_refs", "body_refs")}
    stages: dict[str, float] = {}
    for name, key in stage.items():
        keys = key if isinstance(key, tuple) else (key,)
        v = 0.0
        for (file, line, fn), (_, _, tt, ct, _) in st.stats.items():
            if name == "parse_text total":
                if fn == "parse_text" and file.endswith("pipeline.py"):
                    v += ct
            elif fn in keys and "ingest" in file:
                v += ct
        stages[name] = round(v, 3)
    for r in rows:
        for g, pats in groups.items():
            if any(p in r["file"] for p in pats):
                share[g] = share.get(g, 0) + r["own_s"]
                break
    buf = io.StringIO()
    pstats.Stats(pr, stream=buf).sort_stats("tottime").print_stats(15)
    return {"profiled_seconds": round(total, 2), "top15_own": [{k: v for k, v in r.items() if k != "file"} for r in by_own],
            "top15_cumulative": [{k: v for k, v in r.items() if k != "file"} for r in by_cum],
            "own_time_share": {k: round(v / total, 3) for k, v in sorted(share.items(), key=lambda kv: -kv[1])},
            "stage_cumulative_s": stages, "pstats_text": buf.getvalue()}


def run(size: str = "1k", limit_mb: float = 40, seconds: float = 60, do_profile: bool = True,
        name: str | None = None) -> dict[str, Any]:
    """All measurements; writes bench/results/ingest_speed[_<size>].json and returns the dict."""
    cores = os.cpu_count() or 1
    out: dict[str, Any] = {"size": size, "target_mb_s_per_core": TARGET_MB_S_PER_CORE, "runs": {}}
    for kind in ("real", "synth"):
        texts = load_texts(kind, size, limit_mb)
        out["runs"][kind] = {"one_core": measure(texts, 1, seconds), "all_cores": measure(texts, cores, seconds)}
        for k, r in out["runs"][kind].items():
            print(f"ingest {kind:5s} {k:9s}: {r['mb_s']:.3f} MB/s ({r['mb_s_per_core']:.3f}/core), "
                  f"{r['docs_s']:.1f} docs/s, {r['quads_s']:,} quads/s  [{r['docs']} docs, {r['mb']} MB, {r['seconds']} s]")
        if do_profile and kind == "real":
            prof = profile(texts, min(seconds, 30))
            out["profile_real"] = prof
            print("profile (real corpus, one core): top 15 by own time")
            for r in prof["top15_own"]:
                print(f"  {r['own_s']:7.3f}s own {r['cum_s']:7.3f}s cum {r['calls']:>9} calls  {r['function']}")
            print("  stage cumulative:", prof["stage_cumulative_s"])
            print("  own-time share:", prof["own_time_share"])
    best = out["runs"]["real"]["one_core"]["mb_s_per_core"]
    out["met"] = best >= TARGET_MB_S_PER_CORE
    write_result(name or ("ingest_speed" if size == "1k" else f"ingest_speed_{size}"), out)
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="parse + RDF throughput")
    ap.add_argument("--size", default="1k", choices=["1k", "10k", "100k"])
    ap.add_argument("--limit-mb", type=float, default=40)
    ap.add_argument("--seconds", type=float, default=60)
    ap.add_argument("--no-profile", action="store_true")
    a = ap.parse_args(argv)
    print(machine())
    run(a.size, a.limit_mb, a.seconds, not a.no_profile)
    return 0


if __name__ == "__main__":
    sys.exit(main())
