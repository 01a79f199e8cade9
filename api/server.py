"""`cancu serve`: run the API with uvicorn over the configured store."""

from __future__ import annotations

import os


def serve(host: str = "127.0.0.1", port: int = 8000, store_kind: str | None = None) -> None:
    """Serve the API (one worker: the embedded store is opened read-only once per process)."""
    import uvicorn

    from api.app import create_app

    if store_kind:
        os.environ["CANCU_STORE"] = store_kind  # read by graph.open_store via cancu.config.store_kind()
    print(f"cancu API on http://{host}:{port}/  (docs: http://{host}:{port}/docs)", flush=True)
    uvicorn.run(create_app(), host=host, port=port, log_level="info")
