"""The identity catalogue at load time (graph.reresolve), side by side with the load without it.

    python -m bench.identity_catalogue --size 10k [--corpus DIR]

Each phase runs in a fresh child interpreter, so its peak RSS (getrusage) is its own:
- catalogue: every graph of the synthetic corpus described (graph.reresolve.describe) and the catalogue of all
  of them built (cancu.identity.build_from), nothing loaded: what re-resolution adds in time and memory;
- plain: a new Oxigraph store built from the files as they are (graph.oxigraph_bulk.build, the load without it);
- resolved: what `cancu load` does for a new store now: graph.reresolve.resolve_files (describe, catalogue,
  rewrite) + the same bulk build + commit (the identities and file copies kept beside the store);
- incremental: one more file loaded into each built store, by OxigraphStore.load alone and by
  graph.reresolve.load_files (reads the kept identities, rebuilds the catalogue, checks every stored graph).
Stores and state go to a scratch directory that is removed afterwards. Results: bench/results/catalogue_<size>.json.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.common import SIZES, corpus_dir, dir_size, in_child, peak_rss_mb, write_result
from bench.synth import ensure, rdf_files


def _phase(name: str, corpus: str, work: str, out: str) -> None:
    """One phase, in this (child) interpreter; its figures written as JSON to `out`."""
    from graph.oxigraph_bulk import build
    from graph.oxigraph_store import OxigraphStore
    from graph.reresolve import State, commit, describe, load_files, resolve_files

    files = rdf_files(Path(corpus))
    w = Path(work)
    t0 = time.perf_counter()
    res: dict[str, Any] = {"phase": name}
    if name == "catalogue":
        from graph.reresolve import _graphs_of

        state = State(None)
        for f in files:
            for g, quads in _graphs_of(f).items():
                state.graphs[g] = describe(g, quads, str(f))
        t1 = time.perf_counter()
        cat = state.catalogue()
        res.update(describe_seconds=round(t1 - t0, 2), build_seconds=round(time.perf_counter() - t1, 2),
                   graphs=len(state.graphs), described=sum(len(i.described) for i in state.graphs.values()),
                   refs=sum(len(i.refs) for i in state.graphs.values()), canonical=len(cat.canonical),
                   ambiguous=len(cat.ambiguous), conflicts=len(cat.conflicts))
    elif name == "plain":
        report = build(w / "plain", files)
        res.update(quads=report.quads, errors=len(report.errors))
    elif name == "resolved":
        with tempfile.TemporaryDirectory(dir=w) as tmp:
            paths, batch = resolve_files(files, w / "resolved.identity", Path(tmp))
            t1 = time.perf_counter()
            report = build(w / "resolved", paths)
            t2 = time.perf_counter()
            commit(batch)
        res.update(quads=report.quads, errors=len(report.errors) + len(batch.report.errors),
                   resolve_seconds=round(t1 - t0, 2), bulk_seconds=round(t2 - t1, 2),
                   commit_seconds=round(time.perf_counter() - t2, 2),
                   rewritten_files=sum(1 for p in paths if p not in files),
                   state_mb=round(dir_size(w / "resolved.identity") / 1e6, 1))
    elif name in ("incremental_plain", "incremental_resolved"):
        store = OxigraphStore(w / name.split("_")[1])
        if name == "incremental_plain":
            res["quads"] = store.load(files[0])
        else:
            report = load_files(store, [files[0]], w / "resolved.identity")
            res.update(quads=report.quads, repointed=report.repointed, errors=len(report.errors))
        store.close()
    res["seconds"] = round(time.perf_counter() - t0, 2)
    res["peak_rss_mb"] = peak_rss_mb()
    Path(out).write_text(json.dumps(res))


def _child(name: str, corpus: Path, work: Path) -> dict[str, Any]:
    out = work / f"{name}.json"
    in_child("bench.identity_catalogue._phase", name, corpus, work, out)
    res = json.loads(out.read_text())
    print(f"  {name}: {res}", flush=True)
    return res


def run(size: str, corpus: Path | None = None) -> dict[str, Any]:
    corpus = corpus or corpus_dir(size)
    info = ensure(corpus, SIZES[size]) if corpus == corpus_dir(size) else json.loads((corpus / "manifest.json").read_text())
    work = Path(tempfile.mkdtemp(prefix="cancu-bench-catalogue-"))
    try:
        res: dict[str, Any] = {"size": size, "documents": info.get("n"), "files": len(rdf_files(corpus))}
        for name in ("catalogue", "plain", "resolved", "incremental_plain", "incremental_resolved"):
            res[name] = _child(name, corpus, work)
        res["plain"]["disk_mb"] = round(dir_size(work / "plain") / 1e6, 1)
        res["resolved"]["disk_mb"] = round(dir_size(work / "resolved") / 1e6, 1)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    res["resolved_over_plain_seconds"] = round(res["resolved"]["seconds"] / max(res["plain"]["seconds"], 1e-9), 2)
    path = write_result(f"catalogue_{size}", res)
    print(f"-> {path}")
    return res


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="identity catalogue at load time vs the load without it")
    ap.add_argument("--size", default="10k", choices=list(SIZES))
    ap.add_argument("--corpus", type=Path, help="a corpus made by bench.synth (default bench/corpus/s<size>)")
    args = ap.parse_args(argv)
    run(args.size, args.corpus)
    return 0


if __name__ == "__main__":
    sys.exit(main())
