"""Platforms on both stores: /platforms and /platforms/{id} answer the same JSON from Oxigraph and Neo4j, on the
corpus plus the fictional platform fixtures (the corpus has no operating agency and no regulating document;
tests/fixtures/platform_rules_fictional.txt has both, 9001/QĐ-TEST's catalogue lists the same platform)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.ids import entity_id
from neo4j_server import CorpusStores, Neo4jInfo, corpus_rdf, corpus_stores  # noqa: F401  (fixture)

pytestmark = pytest.mark.neo4j

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = [ROOT / "tests" / "fixtures" / "platform_rules_fictional.txt", ROOT / "tests" / "fixtures" / "platform_annex_fictional.txt"]
PLATFORM_ROLES = [None, ["operating", "connecting"], ["regulates"], ["governing_agency", "lead", "coordinating", "focal_unit"]]


@pytest.fixture(scope="module")
def stores(neo4j_server: Neo4jInfo, corpus_rdf: list[Path], tmp_path_factory: pytest.TempPathFactory  # noqa: F811
           ) -> Iterator[CorpusStores]:
    out = tmp_path_factory.mktemp("platform-fixtures")
    res = subprocess.run([sys.executable, "-m", "cancu.cli", "ingest", *map(str, FIXTURES), "-o", str(out)], cwd=ROOT,
                         capture_output=True, text=True, timeout=300, env={**os.environ, "CANCU_BASE": "http://127.0.0.1:8000"})
    assert res.returncode == 0, res.stderr[-2000:]
    extra = sorted(p for p in out.glob("*.nq") if p.name != "gazetteer.nq")
    assert len(extra) == 2, extra
    yield from corpus_stores(neo4j_server, corpus_rdf + extra)


@pytest.fixture(scope="module")
def apps(stores: CorpusStores) -> Iterator[tuple[TestClient, TestClient]]:
    with TestClient(create_app(stores.oxi)) as oxi, TestClient(create_app(stores.neo)) as neo:
        yield oxi, neo


def _same(apps: tuple[TestClient, TestClient], url: str, **params: object) -> dict:
    a, b = (c.get(url, params=params) for c in apps)
    assert (a.status_code, a.json()) == (b.status_code, b.json()), (url, params)
    assert a.status_code == 200, (url, a.text[:300])
    return a.json()


def test_platform_roles_are_read_alike(stores: CorpusStores) -> None:
    stores.ensure()
    platforms = stores.oxi.entities("platform")
    assert platforms == stores.neo.entities("platform")
    for p in platforms:
        for roles in PLATFORM_ROLES:
            for direction in ("out", "in"):
                assert stores.oxi.roles(p.iri, direction, roles) == stores.neo.roles(p.iri, direction, roles), (p.iri, roles)
        assert stores.oxi.role_counts(p.iri, "in") == stores.neo.role_counts(p.iri, "in")


def test_platforms_list_and_pages_are_identical(stores: CorpusStores, apps: tuple[TestClient, TestClient]) -> None:
    stores.ensure()
    listed = _same(apps, "/platforms")
    _same(apps, "/platforms", q="nen tang", limit=2, offset=1)
    roles: set[str] = set()
    for item in listed["items"]:
        body = _same(apps, f"/platforms/{item['id']}")
        _same(apps, f"/platforms/{item['id']}", limit=1, offset=1)
        roles |= {a["role"] for a in body["agencies"] + body["enterprises"]} | {b["role"] for b in body["legal_basis"]}
        for a in body["agencies"]:  # the agency pages list the platform back, alike
            _same(apps, f"/agencies/{entity_id(a['entity']['iri'])}", limit=50)
    # not vacuous: every platform role and every kind of legal basis came through both stores
    assert {"operating", "connecting", "regulates", "governing_agency", "lead", "coordinating", "focal_unit",
            "core_enterprise", "lists"} <= roles, roles
