"""Reader and page timings, in-process (FastAPI TestClient, no network) over the bundled corpus.

    python -m bench.reader_page            # writes bench/results/reader_page.json

Target: the reader page of 03/NQ-CP (the largest corpus text with two annex tables, 197 rows) in at
most 200 ms. Each page is requested a few times first (templates compiled, gazetteer and source text
read), then timed `--runs` times; p50 / p95 / max are reported.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.common import ROOT, write_result

BASE = "http://127.0.0.1:8000"
PAGES = {"reader_03_nq_cp": "/read/nq-2025-03-cp", "reader_186_qd_btttt": "/read/qd-2022-186-btttt",
         "home": "/", "agency_bkhcn": "/browse/agencies/bo-khoa-hoc-va-cong-nghe",
         "akn_03_nq_cp": "/eli/vn/nq/2025/03/cp?format=akn"}
TARGET_MS = 200.0


def _store(tmp: Path):  # noqa: ANN202
    from graph.oxigraph_store import OxigraphStore

    run = subprocess.run([sys.executable, "-m", "cancu.cli", "ingest", "corpus", "-o", str(tmp)], cwd=ROOT,
                         capture_output=True, text=True, env={**os.environ, "CANCU_BASE": BASE})
    if run.returncode:
        sys.exit(run.stderr)
    store = OxigraphStore(None)
    for f in sorted(tmp.glob("*.nq")):
        store.load(f)
    return store


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=50)
    args = ap.parse_args()
    os.environ["CANCU_BASE"] = BASE
    os.chdir(ROOT)
    from fastapi.testclient import TestClient

    from api.app import create_app

    with tempfile.TemporaryDirectory(prefix="cancu-bench-pages-") as tmp:
        store = _store(Path(tmp))
    results = {}
    with TestClient(create_app(store)) as client:
        for name, url in PAGES.items():
            for _ in range(3):
                r = client.get(url)
                assert r.status_code == 200, (url, r.status_code, r.text[:300])
            times = []
            for _ in range(args.runs):
                t = time.perf_counter()
                r = client.get(url)
                times.append((time.perf_counter() - t) * 1000)
            times.sort()
            results[name] = {"url": url, "bytes": len(r.content), "runs": args.runs,
                             "p50_ms": round(statistics.median(times), 1),
                             "p95_ms": round(times[int(0.95 * (len(times) - 1))], 1), "max_ms": round(times[-1], 1)}
            print(f"{name:22} {url:45} p50 {results[name]['p50_ms']:7.1f} ms  p95 {results[name]['p95_ms']:7.1f} ms  "
                  f"max {results[name]['max_ms']:7.1f} ms  {len(r.content):,} bytes")
    met = results["reader_03_nq_cp"]["p95_ms"] <= TARGET_MS
    path = write_result("reader_page", {"target_ms": TARGET_MS, "target_met_p95": met, "pages": results})
    print(f"reader 03/NQ-CP p95 {results['reader_03_nq_cp']['p95_ms']} ms (target ≤ {TARGET_MS:.0f} ms: "
          f"{'met' if met else 'NOT met'}) -> {path}")


if __name__ == "__main__":
    main()
