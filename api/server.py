"""`cancu serve`: run the API with uvicorn over the configured store."""

from __future__ import annotations

import os


def serve(host: str = "127.0.0.1", port: int = 8000, store_kind: str | None = None, workers: int = 1,
          access_log: bool = False) -> None:
    """Serve the API. Each worker process opens the embedded store read-only on its own, so workers
    scale reads across cores; uploads (POST /documents) then need the single-worker mode, where the
    one process can swap its handle after a write. The access log is off unless asked for: writing a
    line per request costs as much as a cached look-up, and a proxy in front usually keeps that log."""
    import uvicorn

    if store_kind:
        os.environ["CANCU_STORE"] = store_kind  # read by graph.open_store via cancu.config.store_kind()
    if workers > 1:
        os.environ["CANCU_READ_ONLY_API"] = "1"  # api.upload refuses writes: other workers could not see them
    print(f"cancu API on http://{host}:{port}/  (docs: http://{host}:{port}/docs, {workers} worker(s))", flush=True)
    uvicorn.run("api.app:create_app", factory=True, host=host, port=port, workers=workers, log_level="info",
                access_log=access_log)
