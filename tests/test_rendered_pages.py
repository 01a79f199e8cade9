"""Entity pages kept rendered per search index (api.rendered): the same answer as rendering it, a page per
path and query, and never an answer from before a write."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.rendered import RenderedPages
from cancu.config import Settings
from graph.oxigraph_store import OxigraphStore

FIXTURE = Path(__file__).parent / "fixtures" / "api_fixture.trig"
B = "http://127.0.0.1:8000"
PAGES = ["/agencies/bo-thu-nghiem", "/agencies/bo-thu-nghiem?limit=1", "/agencies/bo-thu-nghiem?limit=1&offset=1",
         "/platforms/nen-tang-thu-nghiem-a", "/platforms/nen-tang-thu-nghiem-a?limit=1",
         "/programmes/chuong-trinh-chuyen-doi-so-thu-nghiem"]


def client(cache_mb: float) -> TestClient:
    store = OxigraphStore(None)
    store.load(FIXTURE)
    return TestClient(create_app(store, settings=Settings.from_env({}, base=B, page_cache_mb=cache_mb)))


def test_a_kept_page_is_the_rendered_page() -> None:
    with client(64) as kept, client(0) as fresh:
        for path in PAGES:
            first, again, rendered = kept.get(path), kept.get(path), fresh.get(path)
            assert first.status_code == again.status_code == rendered.status_code == 200, path
            assert first.json() == again.json() == rendered.json(), path
            assert first.headers["content-type"] == rendered.headers["content-type"] == "application/json"
        one, two = kept.get(PAGES[1]).json(), kept.get(PAGES[2]).json()  # each query its own page
        assert one["limit"] == two["limit"] == 1 and (one["offset"], two["offset"]) == (0, 1)
        assert kept.get("/agencies/khong-co").status_code == kept.get("/agencies/khong-co").status_code == 404
        assert kept.get(PAGES[0], headers={"Accept": "text/turtle"}).headers["content-type"].startswith("text/turtle")


ISSUED = """@prefix cc: <https://w3id.org/cancu/ontology#> .
@prefix eli: <http://data.europa.eu/eli/ontology#> .
<http://127.0.0.1:8000/eli/vn/qd/2099/9999/test> {
  <http://127.0.0.1:8000/eli/vn/qd/2099/9999/test> a cc:LegalDocument, cc:Decision ; cc:number "9999/QĐ-TEST" ;
    cc:year 2099 ; eli:title "Quyết định thử nghiệm"@vi ; cc:sourceFile "corpus/test/9999-QD-TEST.txt" ;
    eli:passed_by <http://127.0.0.1:8000/id/agency/bo-thu-nghiem> .
}
"""


def test_a_write_is_seen_on_the_next_request(tmp_path: Path) -> None:
    """A write (as an upload makes it) replaces the search index, and the pages kept beside it go with it."""
    (tmp_path / "issued.trig").write_text(ISSUED, encoding="utf-8")
    with client(64) as c:
        before = c.get(PAGES[0]).json()
        assert c.get(PAGES[0]).json() == before
        c.app.state.holder.write(lambda store: store.load(tmp_path / "issued.trig"))
        after = c.get(PAGES[0]).json()
        assert after["documents_issued"]["total"] == before["documents_issued"]["total"] + 1
        assert "qd-2099-9999-test" in [r["entity"]["id"] for r in after["documents_issued"]["items"]]


def test_the_kept_pages_stay_within_their_bound() -> None:
    pages = RenderedPages(max_bytes=10)
    for key in "abc":
        pages.put(key, b"1234")
    assert (pages.get("a"), pages.get("b"), pages.get("c"), pages.size) == (None, b"1234", b"1234", 8)
    pages.get("b")  # used last: "c" leaves first
    pages.put("d", b"1234")
    assert (pages.get("c"), pages.get("b"), pages.size) == (None, b"1234", 8)
    pages.put("e", b"x" * 11)  # larger than the bound: not kept, nothing else evicted
    assert pages.get("e") is None and pages.size == 8


@pytest.mark.parametrize("raw", ["-1", "abc"])
def test_a_bad_bound_is_ignored_or_floored(raw: str) -> None:
    assert Settings.from_env({"CANCU_PAGE_CACHE_MB": raw}).page_cache_mb >= 0
