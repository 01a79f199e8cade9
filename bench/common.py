"""Shared helpers of the benchmarks: machine description, result files, sizes, memory."""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import resource
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
CORPUS = ROOT / "bench" / "corpus"  # git-ignored: generated corpora, RDF, stores
SIZES = {"1k": 1000, "10k": 10_000, "100k": 100_000}


def machine() -> dict[str, Any]:
    """Cores, RAM, CPU model, Python, date: printed with every figure."""
    cpu = platform.processor() or "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    return {"cores": os.cpu_count(), "ram_gb": round(ram / 2**30, 1), "cpu": cpu,
            "python": platform.python_version(), "platform": platform.platform(),
            "date": dt.datetime.now().isoformat(timespec="seconds")}


def result_path(name: str, ext: str = "json") -> Path:
    """bench/results/<name><tag>.<ext>: `CANCU_BENCH_TAG` (e.g. "_quick") is appended to every result name, so
    a smoke run never overwrites the figures of a full run."""
    return RESULTS / f"{name}{os.environ.get('CANCU_BENCH_TAG', '')}.{ext}"


def write_result(name: str, data: dict[str, Any]) -> Path:
    """bench/results/<name><tag>.json with the machine attached; returns the path."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = result_path(name)
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps({"machine": machine(), **data}, ensure_ascii=False, indent=1, default=str))
    tmp.replace(path)
    return path


def read_result(name: str) -> dict[str, Any] | None:
    path = result_path(name)
    return json.loads(path.read_text()) if path.exists() else None


def dir_size(path: Path) -> int:
    """Bytes on disk under `path` (0 if missing)."""
    if not path.exists():
        return 0
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def peak_rss_mb(children: bool = False) -> float:
    """Peak resident memory of this process (or of its waited-for children), MB."""
    who = resource.RUSAGE_CHILDREN if children else resource.RUSAGE_SELF
    return round(resource.getrusage(who).ru_maxrss / 1024, 1)


def tree_rss_mb(pid: int) -> float | None:
    """RSS of a process and its children (a JVM with helpers, uvicorn with workers), MB."""
    try:
        import psutil

        p = psutil.Process(pid)
        return round(sum(x.memory_info().rss for x in [p, *p.children(recursive=True)]) / 2**20, 1)
    except Exception:
        return None


def corpus_dir(size: str) -> Path:
    return CORPUS / f"s{size}"


def in_child(func: str, *args: object, timeout: float | None = None) -> None:
    """Call `module.func(*args)` (as strings) in a fresh interpreter, so that its peak RSS (getrusage) is its own."""
    module, name = func.rsplit(".", 1)
    code = f"import sys; from {module} import {name}; {name}(*sys.argv[1:])"
    subprocess.run([sys.executable, "-c", code, *map(str, args)], cwd=ROOT, check=True, timeout=timeout)
