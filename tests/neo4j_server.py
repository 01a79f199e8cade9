"""Pytest fixtures for a real Neo4j: reuse NEO4J_URI if set, else start one with scripts/neo4j_server.py.

Why these rules: the Neo4j backend must be proven, so a server that cannot start fails the run; only
a developer machine without Java (CI unset) gets a one-line skip instead of a wall of errors. Tests empty the
database, so they only run against a server they started, or one the user allowed (NEO4J_ALLOW_WIPE=1).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from shared_data import missing

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "scripts" / "neo4j_server.py"


@dataclass(frozen=True)
class Neo4jInfo:
    """How to reach the test server; `owned` = started by these fixtures (safe to empty)."""

    uri: str
    user: str
    password: str
    owned: bool
    pid: int | None = None
    state: Path | None = None


def _started_by_script(uri: str) -> bool:
    """True if `uri` is the throwaway server scripts/neo4j_server.py started (its state file names it)."""
    default = Path(os.environ.get("CANCU_CACHE", Path.home() / ".cache" / "cancu")) / "neo4j-run" / "state.json"
    try:
        return json.loads(Path(os.environ.get("CANCU_NEO4J_STATE", default)).read_text()).get("uri") == uri
    except (OSError, ValueError):
        return False


def has_java() -> bool:
    home = os.environ.get("JAVA_HOME")
    return bool((home and (Path(home) / "bin" / "java").exists()) or shutil.which("java"))


def start_server(state: Path, data: Path | None = None, timeout: float = 180) -> Neo4jInfo:
    """Start a private server described by `state` (optionally on a kept data dir); RuntimeError if it fails."""
    cmd = [sys.executable, str(SCRIPT), "start", "--json", "--state", str(state), "--timeout", str(timeout)]
    if data is not None:
        cmd += ["--data", str(data)]
    res = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout + 300)
    if res.returncode != 0:
        raise RuntimeError((res.stderr.strip().splitlines() or [f"exit code {res.returncode}"])[-1])
    info = json.loads(res.stdout)
    return Neo4jInfo(info["uri"], info["user"], info["password"], True, info["pid"], state)


def stop_server(state: Path) -> None:
    subprocess.run([sys.executable, str(SCRIPT), "stop", "--state", str(state)], capture_output=True, timeout=120)


def require_java(why: str = "") -> None:
    """No Java: the Neo4j tests skip with one line, except in CI, where a Neo4j test that cannot run fails."""
    if has_java():
        return
    reason = " ".join(x for x in ("no Java found (install a JDK 17+ or set JAVA_HOME)", why) if x)
    missing(f"Neo4j tests skipped: {reason}")


@pytest.fixture(scope="session")
def neo4j_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Neo4jInfo]:
    """A Neo4j for the whole session: NEO4J_URI if set, else a private one stopped at the end."""
    uri = os.environ.get("NEO4J_URI")
    if uri:
        wipe_ok = os.environ.get("NEO4J_ALLOW_WIPE") == "1" or _started_by_script(uri)
        yield Neo4jInfo(uri, os.environ.get("NEO4J_USER", "neo4j"), os.environ.get("NEO4J_PASSWORD", ""), wipe_ok)
        return
    require_java("and NEO4J_URI is not set")
    state = tmp_path_factory.mktemp("neo4j") / "state.json"
    try:
        info = start_server(state)
    except (RuntimeError, subprocess.TimeoutExpired, OSError) as exc:
        stop_server(state)
        pytest.fail(f"could not start Neo4j: {exc}", pytrace=False)
    try:
        yield info
    finally:
        stop_server(state)


def require_wipeable(server: Neo4jInfo) -> None:
    """Tests empty the database: never someone's existing one. Outside CI that skips; in CI it fails,
    since a Neo4j test that does not run is a failure there."""
    if server.owned:
        return
    reason = "NEO4J_URI points at an existing database; set NEO4J_ALLOW_WIPE=1 to let tests empty it"
    missing(reason)


def wipe(store: "Neo4jStore") -> None:  # noqa: F821
    """Delete every node and relationship (test databases only)."""
    with store._driver.session(database=store.database) as session:
        session.run("MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 5000 ROWS").consume()


@pytest.fixture
def neo4j_store(neo4j_server: Neo4jInfo) -> Iterator["Neo4jStore"]:  # noqa: F821
    """A Neo4jStore on an empty database (everything deleted before the test)."""
    from graph.neo4j_store import Neo4jStore

    require_wipeable(neo4j_server)
    store = Neo4jStore(neo4j_server.uri, neo4j_server.user, neo4j_server.password)
    wipe(store)
    try:
        yield store
    finally:
        store.close()


# ---- the real corpus, ingested once, loaded into both stores (contract tests) -----------------------------


@pytest.fixture(scope="session")
def corpus_rdf(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """The bundled corpus as N-Quads, made by the real CLI (`cancu ingest corpus -o DIR`) once per session."""
    out = tmp_path_factory.mktemp("corpus-rdf")
    res = subprocess.run([sys.executable, "-m", "cancu.cli", "ingest", "corpus", "-o", str(out)], cwd=ROOT,
                         capture_output=True, text=True, timeout=600,
                         env={**os.environ, "CANCU_BASE": "http://127.0.0.1:8000"})
    assert res.returncode == 0, res.stderr[-2000:]
    files = sorted(out.glob("*.nq"))
    assert len(files) > 20, f"ingest wrote {len(files)} files"
    return files


@dataclass
class CorpusStores:
    """The corpus in an in-memory Oxigraph and in the test Neo4j; `ensure()` reloads Neo4j if a test wiped it."""

    oxi: "OxigraphStore"  # noqa: F821
    neo: "Neo4jStore"  # noqa: F821
    files: list[Path]

    def ensure(self) -> None:
        want, have = self.oxi.status(), self.neo.status()
        if (want.documents, want.triples) != (have.documents, have.triples):
            wipe(self.neo)
            for f in self.files:
                self.neo.load(f)


def corpus_stores(server: Neo4jInfo, files: list[Path]) -> Iterator[CorpusStores]:
    """Generator for a module-scoped fixture: both stores loaded with `files`, closed afterwards."""
    from graph.neo4j_store import Neo4jStore
    from graph.oxigraph_store import OxigraphStore

    require_wipeable(server)
    oxi, neo = OxigraphStore(), Neo4jStore(server.uri, server.user, server.password)
    for f in files:
        oxi.load(f)
    pair = CorpusStores(oxi, neo, files)
    wipe(neo)
    pair.ensure()
    try:
        yield pair
    finally:
        neo.close()
        oxi.close()
