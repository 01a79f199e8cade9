"""Limits on what one document becomes (issue 16): citations, quads and parse time per document.

Each is refused with one line naming the file and the limit's variable in `cancu ingest`, and with a
413/422 JSON naming it on upload, the rest of the batch (and the store) untouched. Every text here is
fictional (9999/QĐ-TEST, "Bộ Thử nghiệm"); the slow one is a Căn cứ line of 20,000 fictional decrees.
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from cancu.config import Settings
from graph.oxigraph_store import OxigraphStore
from ingest.limits import LimitExceeded, check_document, check_quads
from ingest.parse_worker import ParsePool
from tests.test_hardening import B, FIXTURE, KEY, assert_error, cancu, fictional


def many(n: int) -> str:
    """A fictional document citing `n` fictional decrees on its one Căn cứ line."""
    basis = ", ".join(f"Nghị định số {i}/2020/NĐ-TEST" for i in range(1, n + 1))
    return fictional("9999/QĐ-TEST", 2099, "Bộ Thử nghiệm", basis)


SMALL = fictional("9998/QĐ-TEST", 2099, "Bộ Thử nghiệm", "Nghị định số 9001/2098/NĐ-TEST của Chính phủ Thử nghiệm")


def test_the_limits_count_what_they_name(tmp_path: Path) -> None:
    settings = Settings(max_citations=5, max_quads=100)
    path = tmp_path / "many.txt"
    path.write_text(many(6), encoding="utf-8")
    pool = ParsePool(1, settings)
    try:
        with pytest.raises(LimitExceeded) as err:
            pool.parse(path)
        assert err.value.limit == "CANCU_MAX_CITATIONS" and "6 citations" in str(err.value)
        path.write_text(many(5), encoding="utf-8")
        doc = pool.parse(path)
    finally:
        pool.close()
    check_document(doc, settings)  # exactly at the limit: allowed
    check_quads(100, settings)
    with pytest.raises(LimitExceeded, match="101 quads.*CANCU_MAX_QUADS"):
        check_quads(101, settings)


def test_a_parse_past_its_time_is_stopped_and_the_pool_goes_on(tmp_path: Path) -> None:
    slow, small = tmp_path / "slow.txt", tmp_path / "small.txt"
    slow.write_text(many(20_000), encoding="utf-8")  # ~3.5 s to parse on the reference machine
    small.write_text(SMALL, encoding="utf-8")
    pool = ParsePool(1, Settings(max_parse_seconds=0.5))
    try:
        out = list(pool.parse_many([slow, small]))
    finally:
        pool.close()
    assert isinstance(out[0], LimitExceeded) and out[0].limit == "CANCU_MAX_PARSE_SECONDS"
    assert "0.5 s" in str(out[0])
    assert out[1].number == "9998/QĐ-TEST"  # the worker was replaced and the next file parsed


@pytest.mark.parametrize(("env", "limit"), [({"CANCU_MAX_CITATIONS": "50"}, "CANCU_MAX_CITATIONS"),
                                            ({"CANCU_MAX_QUADS": "300"}, "CANCU_MAX_QUADS"),
                                            ({"CANCU_MAX_PARSE_SECONDS": "0.5"}, "CANCU_MAX_PARSE_SECONDS")])
def test_cancu_ingest_refuses_a_document_past_a_limit_in_one_line(tmp_path: Path, env: dict[str, str], limit: str) -> None:
    src = tmp_path / "src"
    src.mkdir()
    (src / "a-many.txt").write_text(many(20_000 if limit == "CANCU_MAX_PARSE_SECONDS" else 60), encoding="utf-8")
    (src / "b-small.txt").write_text(SMALL, encoding="utf-8")
    out = tmp_path / "rdf"
    r = cancu("ingest", str(src), "-o", str(out), env={"CANCU_BASE": B, **env})
    assert r.returncode == 1 and "Traceback" not in r.stderr, r.stderr
    lines = [line for line in r.stderr.splitlines() if "a-many.txt" in line or "qd-2099-9999-test" in line]
    assert len(lines) == 1 and limit in lines[0], r.stderr
    assert sorted(p.name for p in out.glob("*.nq")) == ["gazetteer.nq", "qd-2099-9998-test.nq"]


@pytest.fixture()
def store_dir(tmp_path: Path) -> Path:
    path = tmp_path / "oxigraph"
    built = OxigraphStore(path)
    built.load(FIXTURE)
    built.close()
    return path


def _client(path: Path, **limits: object) -> TestClient:
    settings = Settings.from_env({}, base=B, api_key=KEY, **limits)
    return TestClient(create_app(OxigraphStore(path, read_only=True), settings=settings))


@pytest.mark.parametrize(("limits", "status", "code", "limit"), [
    ({"max_citations": 50}, 413, "too_large", "CANCU_MAX_CITATIONS"),
    ({"max_quads": 300}, 413, "too_large", "CANCU_MAX_QUADS"),
    ({"max_parse_seconds": 0.5}, 422, "parse_too_slow", "CANCU_MAX_PARSE_SECONDS"),
])
def test_an_upload_past_a_limit_is_refused_naming_it(store_dir: Path, limits: dict, status: int, code: str,
                                                     limit: str) -> None:
    text = many(20_000 if limit == "CANCU_MAX_PARSE_SECONDS" else 60)
    with _client(store_dir, **limits) as c:
        before = c.get("/health").json()
        r = c.post("/documents", files={"file": ("gia-lap-nhieu.txt", text.encode(), "text/plain")},
                   headers={"X-API-Key": KEY})
        err = assert_error(r, status, code)
        assert limit in err["message"] and "gia-lap-nhieu.txt" in err["message"]
        after = c.get("/health").json()
        assert (after["documents"], after["triples"]) == (before["documents"], before["triples"])
        r = c.post("/documents", files={"file": ("gia-lap-nho.txt", SMALL.encode(), "text/plain")},
                   headers={"X-API-Key": KEY})
        assert r.status_code == 201, r.text  # the next upload goes through
