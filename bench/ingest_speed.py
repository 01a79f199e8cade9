"""Ingest throughput: parse + RDF (no store), MB/s and docs/s, one core and all cores.

    python -m bench.ingest_speed [--size 1k|10k|100k] [--limit-mb 40] [--seconds 60]
    python -m bench.ingest_speed --pdf [--seconds 120]     # gazette PDFs: pypdfium2 reader vs pdfminer.six

Inputs: the real corpus (corpus/*.txt) repeated to --limit-mb, and the synthetic corpus of --size
(its first --limit-mb). Work per document = ingest.pipeline.parse_text + ingest.to_rdf.document_quads
(what `cancu ingest` does minus file writes). Every run is bounded by --seconds. A cProfile of the
one-core run on the real corpus gives the top 15 functions by own time and by cumulative time,
and the share of time in names (spaCy mention finder), header, citations, tables and to_rdf.

--pdf: the Công báo PDFs of ../shared/gazette/pdf, read by the reader (pypdfium2) and by the
previous one (pdfminer.six, the `bench` extra) in the same run on one core: MB of PDF per second
for the text alone and for the full ingest (text + parse + RDF), on the same files; and the peak
memory of reading the smallest, a middle and the largest PDF, per MB of PDF (linear or not).
Written to bench/results/pdf_ingest_speed.json.
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

from bench.common import ROOT, SIZES, corpus_dir, machine, write_result
from bench.synth import ensure, text_files

TARGET_MB_S_PER_CORE = 2.0
TARGET_PDF_MB_S_PER_CORE = 5.0
GAZETTE_PDFS = ROOT.parent / "shared" / "gazette" / "pdf"
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
    d = corpus_dir(size)
    ensure(d, SIZES[size], rdf=False)
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
            docs = size = quads = 0
            for d, s, q in pool.imap_unordered(_chunk_worker, jobs):
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
    rows = [{"function": f"{Path(file).name}:{line}({fn})", "file": file, "calls": nc, "own_s": round(tt, 3),
             "cum_s": round(ct, 3)} for (file, line, fn), (_, nc, tt, ct, _) in st.stats.items()]
    groups = {"names (spaCy PhraseMatcher + regex)": ("ingest/names.py", "spacy/", "thinc/"),
              "to_rdf (quads)": ("ingest/to_rdf.py", "pyoxigraph", "rdflib/namespace"),
              "header": ("ingest/header.py",), "citations + resolve": ("ingest/citations.py", "ingest/resolve.py"),
              "numbers": ("cancu/numbers.py",), "tables": ("ingest/tables.py",), "structure": ("ingest/structure.py",),
              "roles": ("ingest/roles.py",), "text fold/nfc": ("cancu/text.py",), "iri": ("cancu/iri.py",)}
    share: dict[str, float] = {}
    for r in rows:
        if g := next((g for g, pats in groups.items() if any(p in r["file"] for p in pats)), None):
            share[g] = share.get(g, 0) + r["own_s"]
    # cumulative time of the top-level entry points of each stage (more telling than own time)
    stage = {"parse_text total": ("parse_text",), "names.find_mentions": ("find_mentions",),
             "roles.find_roles": ("find_roles",), "tables.parse_annexes": ("parse_annexes",),
             "header.parse_header": ("parse_header",), "document_quads": ("document_quads",),
             "citations (preamble_refs+body_refs)": ("preamble_refs", "body_refs")}
    stages = {name: round(sum(ct for (file, _, fn), (*_, ct, _) in st.stats.items() if fn in fns and "ingest" in file), 3)
              for name, fns in stage.items()}

    def top(key: str) -> list[dict[str, Any]]:
        return [{k: v for k, v in r.items() if k != "file"} for r in sorted(rows, key=lambda r: -r[key])[:15]]

    buf = io.StringIO()
    pstats.Stats(pr, stream=buf).sort_stats("tottime").print_stats(15)
    return {"profiled_seconds": round(total, 2), "top15_own": top("own_s"), "top15_cumulative": top("cum_s"),
            "own_time_share": {k: round(v / total, 3) for k, v in sorted(share.items(), key=lambda kv: -kv[1])},
            "stage_cumulative_s": stages, "pstats_text": buf.getvalue()}


def run(size: str = "1k", limit_mb: float = 40, seconds: float = 60, do_profile: bool = True) -> dict[str, Any]:
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
    write_result("ingest_speed" if size == "1k" else f"ingest_speed_{size}", out)
    return out


def _pdfminer_text(path: Path) -> str:
    """The previous PDF reader: pdfminer.six's layout text, then the same normalisation as read_text."""
    from pdfminer.high_level import extract_text
    from pdfminer.layout import LAParams

    from ingest.encodings import repair_legacy_unicode
    from ingest.readers import normalise

    text = extract_text(io.BytesIO(path.read_bytes()), laparams=LAParams())
    repaired, legacy = repair_legacy_unicode(text)
    return normalise(repaired if legacy else text)


def _pdf_readers() -> dict[str, Any]:
    from ingest.readers import read_text

    return {"pypdfium2": read_text, "pdfminer": _pdfminer_text}


def _pdf_pass(reader: str, files: list[Path], seconds: float) -> dict[str, Any]:
    """Read `files` in order with `reader` until done or `seconds` passed, then parse + RDF what was read."""
    from ingest.pipeline import parse_text
    from ingest.to_rdf import document_quads

    read = _pdf_readers()[reader]
    texts: list[tuple[str, Path]] = []
    t0, c0 = time.perf_counter(), time.process_time()
    for f in files:
        if time.perf_counter() - t0 > seconds:
            break
        texts.append((read(f), f))
    t_text, c_text = time.perf_counter() - t0, time.process_time() - c0
    failed: list[str] = []
    t0, c0 = time.perf_counter(), time.process_time()
    for text, f in texts:
        try:  # a document that fails (issue 13: ids the grammar cannot make yet) is counted, not fatal
            doc = parse_text(text, str(f))
            if doc.doc_id:
                document_quads(doc)
        except Exception as exc:
            failed.append(f"{f.name}: {type(exc).__name__}: {exc}")
    t_parse, c_parse = time.perf_counter() - t0, time.process_time() - c0
    mb = sum(f.stat().st_size for _, f in texts) / 1e6
    # wall time, and CPU time (MB per CPU second: per core even on a machine other work shares)
    return {"files": len(texts), "of": len(files), "mb": round(mb, 2), "text_s": round(t_text, 2),
            "parse_s": round(t_parse, 2), "text_mb_s": round(mb / t_text, 3), "full_mb_s": round(mb / (t_text + t_parse), 3),
            "text_cpu_s": round(c_text, 2), "parse_cpu_s": round(c_parse, 2),
            "text_mb_per_cpu_s": round(mb / c_text, 3), "full_mb_per_cpu_s": round(mb / (c_text + c_parse), 3),
            "chars": sum(len(t) for t, _ in texts), "failed": failed}


def _status_kb(field: str) -> int:
    """A field of /proc/self/status in kB (VmRSS: now, VmHWM: peak of this address space, reset by exec)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise KeyError(field)


def _rss_child(reader: str, path: str, conn: Any) -> None:
    import pdfminer.high_level  # noqa: F401  (imports are not the reading)
    import pypdfium2  # noqa: F401

    read = _pdf_readers()[reader]
    base = _status_kb("VmRSS")
    read(Path(path))
    conn.send((base * 1024, _status_kb("VmHWM") * 1024))
    conn.close()


def _pdf_memory(reader: str, path: Path) -> dict[str, Any]:
    """Peak RSS growth of reading one PDF, in a fresh process (ru_maxrss would carry the parent's peak over fork and exec)."""
    ctx = get_context("spawn")
    parent, child = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_rss_child, args=(reader, str(path), child))
    proc.start()
    base, peak = parent.recv()
    proc.join()
    mb = path.stat().st_size / 1e6
    grown = max(0, peak - base) / 2**20
    return {"file": path.name, "pdf_mb": round(mb, 2), "peak_rss_growth_mb": round(grown, 1),
            "rss_mb_per_pdf_mb": round(grown / mb, 1)}


def run_pdf(seconds: float = 120) -> dict[str, Any] | None:
    """PDF ingest on the gazette, pypdfium2 vs pdfminer.six, one core; None when ../shared is absent."""
    files = sorted(GAZETTE_PDFS.rglob("*.pdf"))
    if not files:
        print(f"pdf ingest: no gazette PDFs in {GAZETTE_PDFS}; skipped")
        return None
    _warm()
    out: dict[str, Any] = {"corpus": f"{GAZETTE_PDFS.relative_to(ROOT.parent)} ({len(files)} PDFs, "
                                      f"{sum(f.stat().st_size for f in files) / 1e6:.1f} MB)",
                           "target_mb_s_per_core": TARGET_PDF_MB_S_PER_CORE, "runs": {}}
    # pdfminer first, bounded by `seconds`; then pypdfium2 on exactly the files pdfminer read, and on all
    old = _pdf_pass("pdfminer", files, seconds)
    done = files[:old["files"]]
    out["runs"]["pdfminer"] = old
    out["runs"]["pypdfium2_same_files"] = _pdf_pass("pypdfium2", done, float("inf"))
    out["runs"]["pypdfium2_all"] = _pdf_pass("pypdfium2", files, float("inf"))
    for k, r in out["runs"].items():
        print(f"pdf {k:21s}: text {r['text_mb_s']} MB/s ({r['text_mb_per_cpu_s']} per CPU s), full ingest "
              f"{r['full_mb_s']} MB/s ({r['full_mb_per_cpu_s']} per CPU s), one core  [{r['files']}/{r['of']} files, "
              f"{r['mb']} MB, text {r['text_s']} s + parse {r['parse_s']} s, {len(r['failed'])} failed]")
    new = out["runs"]["pypdfium2_same_files"]
    out["speedup_text"] = round(new["text_mb_per_cpu_s"] / old["text_mb_per_cpu_s"], 1)
    out["speedup_full"] = round(new["full_mb_per_cpu_s"] / old["full_mb_per_cpu_s"], 1)
    by_size = sorted(files, key=lambda f: f.stat().st_size)
    picks = [by_size[0], by_size[len(by_size) // 2], by_size[-1]]
    out["memory"] = {reader: [_pdf_memory(reader, f) for f in picks] for reader in ("pypdfium2", "pdfminer")}
    for reader, rows in out["memory"].items():
        print(f"pdf memory {reader:9s}: " + ", ".join(
            f"{r['pdf_mb']} MB -> +{r['peak_rss_growth_mb']} MB RSS ({r['rss_mb_per_pdf_mb']}/MB)" for r in rows))
    out["met"] = out["runs"]["pypdfium2_all"]["full_mb_per_cpu_s"] >= TARGET_PDF_MB_S_PER_CORE
    print(f"speedup on the same files (CPU time): text x{out['speedup_text']}, full ingest x{out['speedup_full']}; "
          f"target {TARGET_PDF_MB_S_PER_CORE} MB/s per core (full ingest per CPU second) met: {out['met']}")
    write_result("pdf_ingest_speed", out)
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="parse + RDF throughput")
    ap.add_argument("--size", default="1k", choices=list(SIZES))
    ap.add_argument("--limit-mb", type=float, default=40)
    ap.add_argument("--seconds", type=float, default=60)
    ap.add_argument("--no-profile", action="store_true")
    ap.add_argument("--pdf", action="store_true", help="gazette PDFs: pypdfium2 reader vs pdfminer.six")
    a = ap.parse_args(argv)
    print(machine())
    if a.pdf:
        run_pdf(a.seconds if a.seconds != 60 else 120)
        return 0
    run(a.size, a.limit_mb, a.seconds, not a.no_profile)
    return 0


if __name__ == "__main__":
    sys.exit(main())
