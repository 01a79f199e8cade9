"""Run-time settings, read from the environment so every entry point agrees."""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
CORPUS_DIR = PROJECT_ROOT / "corpus"


def base_iri() -> str:
    """Base of every data IRI; defaults to the demo server so IRIs dereference there."""
    return os.environ.get("CANCU_BASE", "http://127.0.0.1:8000").rstrip("/")


def data_dir() -> Path:
    return Path(os.environ.get("CANCU_DATA", PROJECT_ROOT / "data"))


def oxigraph_path() -> Path:
    return Path(os.environ.get("CANCU_OXIGRAPH", data_dir() / "oxigraph"))


def store_kind() -> str:
    """`oxigraph` (embedded default) or `neo4j`."""
    return os.environ.get("CANCU_STORE", "oxigraph")
