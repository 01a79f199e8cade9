"""One request each to the pages whose work could grow with the corpus, in-process over a bench store.

    python -m bench.national_pages --size 100k   # writes bench/results/national_pages_100k.json

api_latency measures the endpoints a client calls all day, under load. These are the pages an analyst opens
now and then around the corpus's hubs: the graph pages of the agency with the most roles, of the platform
named most and of a document at depth 3, the annex-row listings (every row, a page deep in them, one
document's, the agency leading the most rows), the home page and an entity's RDF. Each is requested twice (the first
request opens the store, the index and the page caches); both times, the status and the answer's size are
written. No target: these were minutes at 100k and should stay seconds as the corpus grows.
"""

from __future__ import annotations

import argparse
import os
import time
from typing import Any

from bench.common import SIZES, corpus_dir, write_result


def _timed(client: Any, path: str) -> dict[str, Any]:
    t0 = time.perf_counter()
    r = client.get(path)
    return {"status": r.status_code, "ms": round((time.perf_counter() - t0) * 1000, 1), "bytes": len(r.content)}


def _hubs(client: Any, index: Any) -> tuple[str, str, str, str, str]:
    """(agency id with the most roles, the one leading the most annex rows, platform id with the most roles, an
    ingested document id, a document with annex rows): read through the API and the index, as a user would."""
    def most(route: str, direction: str, role: str | None = None) -> str:
        items = client.get(f"/{route}", params={"limit": 200}).json()["items"]
        counts = {e["id"]: index.role_counts(e["iri"], direction) for e in items}
        return max(counts, key=lambda i: counts[i].get(role, 0) if role else sum(counts[i].values()))

    doc = client.get("/documents", params={"limit": 1, "ingested": "true"}).json()["items"][0]["id"]
    task = client.get("/tasks", params={"limit": 1}).json()["items"]
    return (most("agencies", "in"), most("agencies", "in", "lead"), most("platforms", "in"), doc,
            task[0]["document_id"] if task else doc)


def run(size: str) -> dict[str, Any]:
    from fastapi.testclient import TestClient

    from api.app import create_app
    from cancu.config import Settings

    os.environ["CANCU_DATA"] = str(corpus_dir(size))
    app = create_app(settings=Settings.from_env())
    with TestClient(app) as client:
        first = _timed(client, "/health")
        agency, leader, platform, doc, with_rows = _hubs(client, app.state.holder.index())
        paths = {
            "graph page, hub agency (depth 1)": f"/viz/agencies/{agency}",
            "graph page, hub agency (depth 2, JSON)": f"/viz/agencies/{agency}?depth=2&format=json",
            "graph page, platform named most (depth 1)": f"/viz/platforms/{platform}",
            "graph page, a document (depth 3)": f"/viz/documents/{doc}?depth=3",
            "/tasks, first page": "/tasks",
            "/tasks, indicators from 10,000": "/tasks?kind=indicator&offset=10000",
            "/tasks, one document's": f"/tasks?document={with_rows}",
            "/tasks, led by the agency leading the most": f"/tasks?lead={leader}",
            "home page": "/",
            "agency connections": f"/agencies/{agency}",
            "platform as JSON-LD": f"/platforms/{platform}?format=jsonld",
        }
        pages = {name: {"path": path, "first": _timed(client, path), "second": _timed(client, path)}
                 for name, path in paths.items()}
    return {"size": size, "store": "oxigraph", "first_request_health": first, "pages": pages}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size", default="10k", choices=list(SIZES))
    args = ap.parse_args(argv)
    out = run(args.size)
    for name, p in out["pages"].items():
        print(f"{name:45s} {p['first']['ms']:>10.1f} / {p['second']['ms']:>9.1f} ms  {p['first']['status']}  "
              f"{p['first']['bytes']:>9} B")
    print(write_result(f"national_pages_{args.size}", out))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
