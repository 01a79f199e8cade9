"""Hostile input costs linear time and memory: the two cases of issue 16 that were quadratic, each at four sizes.

    python -m bench.hostile [--max-scale 1.0]

1. One Căn cứ line listing N fictional decrees (Nghị định số i/2020/NĐ-TEST), N up to 20,000 (the issue: 119 s,
   20.7 GB): parse (ingest.pipeline.parse_text) + RDF (ingest.to_rdf.document_quads).
2. A fictional upload body of L Căn cứ lines, one decree each, L up to 100,000 (the issue: 120 s, 4.85 GB for
   9.7 MB): parse only, which is what an upload runs before CANCU_MAX_CITATIONS (default 20,000) refuses it.

Each size runs in a fresh forked child after a warm-up parse; memory is the child's peak RSS over its
RSS before the parse (resource.getrusage). Linear means: time and memory per item stay flat as the input
doubles; the figure is the log-log slope between the smallest and largest size (1.0 = linear, 2.0 =
quadratic), with the targets below. Results: bench/results/hostile.json.
"""

from __future__ import annotations

import argparse
import math
import multiprocessing as mp
import time
from typing import Any

from bench.common import peak_rss_mb, write_result

TARGET_SLOPE = 1.25  # time and memory vs input size, log-log: linear within noise
# case -> (full size, target seconds, target MB at that size)
CASES = {"line": (20_000, 15.0, 1000.0),  # the 20,000-citation line, parse + RDF
         "body": (100_000, 60.0, 2000.0)}  # the 100,000-line body, parse


def fictional(basis_lines: list[str]) -> str:
    """A plainly fictional decision whose preamble is `basis_lines`."""
    head = ("VĂN BẢN GIẢ LẬP — KHÔNG CÓ THẬT\n\nBỘ THỬ NGHIỆM\n-------\n\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
            "Độc lập - Tự do - Hạnh phúc\n---------------\n\nSố: 9999/QĐ-TEST\n\nHà Nội, ngày 02 tháng 03 năm 2099\n\n"
            "QUYẾT ĐỊNH\n\nVỀ VIỆC THỬ NGHIỆM NỀN TẢNG GIẢ LẬP\n\nBỘ TRƯỞNG BỘ THỬ NGHIỆM\n\n")
    return head + "\n".join(basis_lines) + "\n\nQUYẾT ĐỊNH:\n\nĐiều 1. Văn bản giả lập, nội dung hư cấu.\n"


def one_line(n: int) -> str:
    return fictional(["Căn cứ " + ", ".join(f"Nghị định số {i}/2020/NĐ-TEST" for i in range(1, n + 1)) + ";"])


def many_lines(n: int) -> str:
    return fictional([f"Căn cứ Nghị định số {i}/2020/NĐ-TEST của Chính phủ Thử nghiệm;" for i in range(1, n + 1)])


def _measure(case: str, n: int) -> dict[str, Any]:
    """In a fresh child: warm up, then time one parse (+ RDF for the line) and its peak memory."""
    from ingest.parse_worker import warm
    from ingest.pipeline import parse_text
    from ingest.to_rdf import document_quads

    warm()
    text = one_line(n) if case == "line" else many_lines(n)
    before = peak_rss_mb()
    t = time.perf_counter()
    doc = parse_text(text, f"hostile-{case}-{n}")
    parse_s = time.perf_counter() - t
    quads = len(document_quads(doc)) if case == "line" else None
    total_s = time.perf_counter() - t
    refs = len(doc.legal_bases) + len(doc.cites) + len(doc.related)
    longest_quote = max((len(r.text) for r in (*doc.legal_bases, *doc.cites, *doc.related)), default=0)
    return {"n": n, "bytes": len(text.encode()), "citations": refs, "quads": quads, "parse_s": round(parse_s, 3),
            "seconds": round(total_s, 3), "peak_mb": round(max(0.0, peak_rss_mb() - before), 1),
            "longest_quote_chars": longest_quote}


def _run(case: str, n: int) -> dict[str, Any]:
    with mp.get_context("fork").Pool(1, maxtasksperchild=1) as pool:
        return pool.apply(_measure, (case, n))


def _slope(rows: list[dict[str, Any]], key: str) -> float | None:
    a, b = rows[0], rows[-1]
    if a[key] <= 0 or b[key] <= 0:
        return None
    return round(math.log(b[key] / a[key]) / math.log(b["n"] / a["n"]), 2)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--max-scale", type=float, default=1.0, help="fraction of the full sizes (a quick run: 0.25)")
    args = ap.parse_args()
    out: dict[str, Any] = {"targets": {"slope": TARGET_SLOPE, **{f"{case}_{k}": v for case, (_, t_s, t_mb) in CASES.items()
                                                                 for k, v in (("seconds", t_s), ("mb", t_mb))}}}
    for case, (full, t_s, t_mb) in CASES.items():
        top = max(8, int(full * args.max_scale))
        rows = []
        for n in (top // 8, top // 4, top // 2, top):
            rows.append(_run(case, n))
            r = rows[-1]
            print(f"{case} n={n:>6}: {r['bytes'] / 1e6:6.2f} MB, {r['citations']:>6} citations, {r['seconds']:7.2f} s, "
                  f"{r['peak_mb']:7.1f} MB peak, longest quote {r['longest_quote_chars']} chars", flush=True)
        time_slope, mem_slope = _slope(rows, "seconds"), _slope(rows, "peak_mb")
        largest = rows[-1]
        met = {"time": largest["seconds"] <= t_s, "memory": largest["peak_mb"] <= t_mb,
               "linear_time": time_slope is not None and time_slope <= TARGET_SLOPE,
               "linear_memory": mem_slope is None or mem_slope <= TARGET_SLOPE}
        out[case] = {"rows": rows, "time_slope": time_slope, "memory_slope": mem_slope, "met": met}
        print(f"{case}: largest {largest['seconds']:.2f} s (target <= {t_s:g}), {largest['peak_mb']:.0f} MB "
              f"(target <= {t_mb:g}); slope time {time_slope}, memory {mem_slope} (target <= {TARGET_SLOPE}); "
              f"{'met' if all(met.values()) else 'NOT met: ' + ', '.join(k for k, v in met.items() if not v)}", flush=True)
    path = write_result("hostile", out)
    print(f"-> {path}")


if __name__ == "__main__":
    main()
