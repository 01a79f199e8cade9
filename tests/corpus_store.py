"""An in-memory Oxigraph store holding the bundled corpus as `cancu ingest` writes it (no mocks), for the
page and Akoma Ntoso tests. Ingest runs in the project root, so each document's cc:sourceFile is the
relative `corpus/...` path the reader finds its text by."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
B = "http://127.0.0.1:8000"


def ingest_corpus(out: Path, base: str = B) -> list[Path]:
    run = subprocess.run([sys.executable, "-m", "cancu.cli", "ingest", "corpus", "-o", str(out)], cwd=ROOT,
                         capture_output=True, text=True, env={**os.environ, "CANCU_BASE": base})
    files = sorted(out.glob("*.nq"))
    assert files and run.returncode == 0, run.stderr[-2000:]
    return files


@pytest.fixture(scope="module")
def corpus_store(tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN201
    from graph.oxigraph_store import OxigraphStore

    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("CANCU_BASE", B)
        store = OxigraphStore(None)
        for f in ingest_corpus(tmp_path_factory.mktemp("rdf")):
            store.load(f)
        yield store
