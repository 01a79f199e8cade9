"""One Settings per run: flags over environment over defaults, and `cancu load` honours the configured store."""

from __future__ import annotations

import shutil
import socket
from pathlib import Path

import pytest

from cancu import cli
from cancu.config import Settings

FIXTURE = Path(__file__).parent / "fixtures" / "api_fixture.trig"


def test_flags_over_environment_over_defaults(tmp_path: Path) -> None:
    assert Settings.from_env({}).store == "oxigraph" and Settings.from_env({}).query_timeout == 30.0
    env = {"CANCU_STORE": "neo4j", "CANCU_DATA": str(tmp_path), "CANCU_QUERY_SLOTS": "0", "CANCU_MAX_BYTES": "-5",
           "CANCU_MAX_UPLOAD": "lots"}
    s = Settings.from_env(env)
    assert s.store == "neo4j" and s.oxigraph_path == tmp_path / "oxigraph"
    assert s.query_slots == 1  # raised to its floor
    assert s.max_bytes == Settings.max_bytes and s.max_upload == Settings.max_upload  # nonsense keeps the default
    flagged = Settings.from_env(env, store="oxigraph", oxigraph=tmp_path / "elsewhere")
    assert flagged.store == "oxigraph" and flagged.oxigraph_path == tmp_path / "elsewhere"
    assert Settings.from_env(flagged.as_env()) == flagged  # what worker processes rebuild is the same


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_load_uses_the_configured_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    """CANCU_STORE=neo4j without --store: the load goes to Neo4j (here unreachable: exit 2, one clear line),
    and no local Oxigraph store is built instead."""
    rdf = tmp_path / "rdf"
    rdf.mkdir()
    shutil.copy(FIXTURE, rdf)
    port = _closed_port()
    monkeypatch.setenv("CANCU_DATA", str(tmp_path))
    monkeypatch.setenv("CANCU_STORE", "neo4j")
    monkeypatch.setenv("NEO4J_URI", f"bolt://127.0.0.1:{port}")
    assert cli.main(["load", str(rdf)]) == 2
    err = capsys.readouterr().err
    assert f"cannot reach Neo4j at bolt://127.0.0.1:{port}" in err and len(err.strip().splitlines()) == 1
    assert not (tmp_path / "oxigraph").exists()
    monkeypatch.setenv("CANCU_STORE", "oxigraph")  # and the same files go to Oxigraph when that is configured
    assert cli.main(["load", str(rdf)]) == 0
    assert (tmp_path / "oxigraph").is_dir() and (tmp_path / "search.sqlite").is_file()
