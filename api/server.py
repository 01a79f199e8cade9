"""`cancu serve`: run the API with uvicorn over the store the settings name."""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from cancu.config import Settings

if TYPE_CHECKING:
    from fastapi import FastAPI


def serve(settings: Settings, host: str = "127.0.0.1", port: int = 8000, workers: int = 1,
          access_log: bool = False) -> None:
    """Serve the API. Each worker process opens the embedded store read-only on its own, so workers
    scale reads across cores; uploads (POST /documents) then need the single-worker mode, where the
    one process can swap its handle after a write. The access log is off unless asked for: writing a
    line per request costs as much as a cached look-up, and a proxy in front usually keeps that log."""
    import uvicorn

    print(f"cancu API on http://{host}:{port}/  (docs: http://{host}:{port}/docs, {workers} worker(s))", flush=True)
    if workers <= 1:
        from api.app import create_app

        uvicorn.run(create_app(settings=settings, settle=True), host=host, port=port, log_level="info",
                    access_log=access_log)
        return
    # worker processes build their app from the environment: hand them these settings there; uploads are
    # refused (api.upload), since the other workers could not see a write
    settings = dataclasses.replace(settings, read_only_api=True)
    cmd = [sys.executable, "-m", "uvicorn", "api.server:served_app", "--factory", "--host", host, "--port", str(port),
           "--workers", str(workers), "--log-level", "info", *([] if access_log else ["--no-access-log"])]
    here = str(Path(__file__).resolve().parent.parent)  # where `api` is imported from, wherever the cwd
    path = os.pathsep.join(p for p in (here, os.environ.get("PYTHONPATH", "")) if p)
    try:
        subprocess.run(cmd, env={**os.environ, **settings.as_env(), "PYTHONPATH": path}, check=False)
    except KeyboardInterrupt:
        pass


def served_app() -> "FastAPI":
    """A worker's app (uvicorn --factory): the settings from the environment, the process its own."""
    from api.app import create_app

    return create_app(settle=True)
