"""Hostile and oversized input against the API and the loader (issue 16): one test per class of attack.

Every store here is fictional (example.org IRIs, 9999/QĐ-TEST, "Bộ Thử nghiệm"), except the one bundled
corpus document 186/QĐ-BTTTT, which an upload of a fictional text carrying its number must not replace.
"""

from __future__ import annotations

import multiprocessing as mp
import shutil
import socket
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Callable, Iterator

import pyoxigraph as ox
import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.sparql_guard import shape
from graph.oxigraph_store import OxigraphStore
from fictional_texts import ARTICLE, fictional_text

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "tests" / "fixtures" / "api_fixture.trig"
B = "http://127.0.0.1:8000"
KEY = "test-key-fictional"
EX = "http://example.org/test/"
CHEAP = "ASK { ?s ?p ?o }"
# Four unconstrained patterns over a few hundred triples: billions of solutions to count.
HEAVY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?p ?b . ?c ?q ?d . ?e ?r ?f . ?g ?s ?h }"


def assert_error(resp, status: int, code: str) -> dict:
    assert resp.status_code == status, resp.text
    body = resp.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "suggestions"}
    assert body["error"]["code"] == code and body["error"]["message"]
    return body["error"]


def fictional(number: str, year: int, issuer: str, basis: str, body: str = "") -> str:
    """A plainly fictional decision: number, year, issuer and its one Căn cứ line as given."""
    return fictional_text(number, f"ngày 02 tháng 03 năm {year}", "VỀ VIỆC THỬ NGHIỆM NỀN TẢNG GIẢ LẬP", [basis],
                          "QUYẾT ĐỊNH:\n\n" + ARTICLE + body, issuer=issuer)


def generated_store(n: int = 300) -> OxigraphStore:
    store = OxigraphStore(None)
    g = ox.NamedNode(EX + "g")
    store._store.extend(ox.Quad(ox.NamedNode(f"{EX}s{i}"), ox.NamedNode(EX + "p"), ox.Literal(f"giá trị {i}"), g)  # noqa: SLF001
                        for i in range(n))
    return store


@pytest.fixture()
def client(monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
    """The API over a generated in-memory store with 2 query slots and a 1 s timeout."""
    monkeypatch.setenv("CANCU_QUERY_SLOTS", "2")
    monkeypatch.setenv("CANCU_QUERY_TIMEOUT", "1")
    with TestClient(create_app(generated_store())) as c:
        yield c


def ask(c: TestClient, how: str, query: str):
    """The query sent one of the three ways the SPARQL protocol allows."""
    if how == "get":
        return c.get("/sparql", params={"query": query})
    if how == "form":
        return c.post("/sparql", data={"query": query})
    return c.post("/sparql", content=query.encode(), headers={"Content-Type": "application/sparql-query"})


# ---- the guard: a pure function, measured -------------------------------------------------------

def test_shape_counts_brackets_outside_strings_and_comments() -> None:
    assert shape("SELECT * WHERE { ?s ?p ?o }").depth == 1
    assert shape("SELECT * WHERE { { ?s ?p ?o FILTER((?o > 1)) } }").depth == 4
    assert shape('SELECT * WHERE { ?s ?p "{{{{((((" }').depth == 1
    assert shape("SELECT * WHERE { ?s ?p '''{{{{\n((((''' }").depth == 1
    assert shape("SELECT * WHERE { ?s ?p ?o } # {{{{{{ ((((((").depth == 1
    assert shape("SELECT * WHERE { ?s ?p [ ?q [ ?r ?o ] ] }").depth == 3
    assert shape(r'SELECT * WHERE { ?s ?p "a\"{{" }').depth == 1  # an escaped quote stays inside the string
    assert shape(r'SELECT * WHERE { ?s ?p "a\{{{{" }').depth == 5  # not a SPARQL escape: not a string, counted


def test_shape_counts_brackets_in_what_may_be_read_as_an_expression() -> None:
    """`?o<((((1))))>2` is an IRI to a lexer and an expression to the engine: it counts as nesting, and a
    `)` inside `<...>` never lowers the depth."""
    assert shape("SELECT * { ?s ?p ?o FILTER(?o<((((1))))>2) }").depth == 6
    assert shape("SELECT * { <http://x/))))> ?p ?o { { ?s ?p ?o } } }").depth == 3
    assert shape("SELECT * { <http://example.org/a(b)> ?p ?o }").depth == 2


def test_shape_counts_patterns_and_operators_not_argument_lists() -> None:
    base = shape("SELECT * { ?s ?p ?o }").patterns
    iris = ", ".join(f"<{EX}{i}>" for i in range(50))
    assert shape("SELECT * { ?s ?p ?o . ?s ?q ?r }").patterns == base + 1
    assert shape("SELECT * { ?s ?p " + iris + " }").patterns == base + 49  # 50 triple patterns
    assert shape("SELECT * { ?s ?p ?o FILTER(?o IN (" + iris + ")) }").patterns == base + 1  # one filter
    assert shape("SELECT * { ?s ?p ?o " + "MINUS { ?s ?p ?o } " * 30 + "}").patterns == base + 30
    assert shape("SELECT * { ?s ?p ?o FILTER(" + " || ".join(["?o"] * 20) + ") }").patterns == base + 1 + 19


@pytest.mark.parametrize("query", ["SELECT * { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }",
                                   "select * { service silent ?x { ?s ?p ?o } }",
                                   "SELECT * {\n  SeRvIcE\n<http://x/>{}}"])
def test_shape_finds_service(query: str) -> None:
    assert shape(query).service


@pytest.mark.parametrize("query", ['SELECT * { ?s ?p "SERVICE" }', "SELECT * { ?s <http://x/SERVICE> ?o }",
                                   "SELECT * { ?s ?p ?o } # SERVICE <http://x/> {}", "SELECT ?service { ?service ?p ?o }",
                                   "PREFIX ex: <http://x/> SELECT * { ?s ex:SERVICE ?o }"])
def test_shape_ignores_service_as_text(query: str) -> None:
    assert not shape(query).service


# ---- the guard at the endpoint -------------------------------------------------------------------

@pytest.mark.parametrize("how", ["get", "form", "body"])
def test_deep_nesting_is_refused_before_the_engine(client: TestClient, how: str) -> None:
    """Each of these crashed the API process (a segfault in pyoxigraph's parser); now 400, the server stays up."""
    deep = [
        "SELECT * WHERE " + "{" * 3000 + "?s ?p ?o" + "}" * 3000,
        "SELECT * WHERE { ?s ?p ?o FILTER(" + "(" * 6000 + "?o" + ")" * 6000 + ") }",
        "SELECT * WHERE { ?s ?p ?o FILTER(?o<" + "(" * 6000 + "1" + ")" * 6000 + ">2) }",
        "SELECT * WHERE " + "{ SELECT * WHERE " * 2000 + "{ ?s ?p ?o }" + "}" * 2000,
    ]
    for q in deep:
        err = assert_error(ask(client, how, q), 400, "query_too_deep")
        assert "CANCU_SPARQL_MAX_DEPTH" in err["message"]
    ok = "SELECT * WHERE " + "{" * 60 + "?s ?p ?o" + "}" * 60 + " LIMIT 1"  # under the limit: answered
    assert ask(client, how, ok).status_code == 200


@pytest.mark.parametrize("how", ["get", "form"])
def test_too_many_patterns_are_refused(client: TestClient, how: str) -> None:
    for q in ["SELECT * WHERE { ?s ?p ?o " + "MINUS { ?s ?p ?o } " * 1500 + "}",
              "SELECT * WHERE { ?s ?p ?o " + " ".join(f"BIND({i} AS ?v{i})" for i in range(1500)) + "}",
              f"PREFIX ex: <{EX}> SELECT * WHERE {{ ?s ?p " + ", ".join(f"ex:o{i}" for i in range(1500)) + " }"]:
        err = assert_error(ask(client, how, q), 400, "query_too_complex")
        assert "CANCU_SPARQL_MAX_PATTERNS" in err["message"]
    assert ask(client, how, CHEAP).status_code == 200


def test_limits_are_configurable(client: TestClient, reconfigure) -> None:
    q = "SELECT * WHERE " + "{" * 10 + "?s ?p ?o" + "}" * 10 + " LIMIT 1"
    assert ask(client, "get", q).status_code == 200
    reconfigure(client, sparql_max_depth=5)
    assert "limit is 5" in assert_error(ask(client, "get", q), 400, "query_too_deep")["message"]
    reconfigure(client, sparql_max_patterns=3)
    assert_error(ask(client, "get", "SELECT * { ?s ?p ?o . ?s ?p ?o . ?s ?p ?o . ?s ?p ?o . ?s ?p ?o }"), 400,
                 "query_too_complex")


@pytest.fixture()
def listener() -> Iterator[socket.socket]:
    """A local TCP port that must receive no connection."""
    srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    srv.bind(("127.0.0.1", 0))
    srv.listen(8)
    yield srv
    srv.close()


def _connections(srv: socket.socket, wait: float) -> int:
    srv.settimeout(wait)
    n = 0
    try:
        while True:
            conn, _ = srv.accept()
            conn.close()
            n += 1
            srv.settimeout(0.2)
    except (socket.timeout, BlockingIOError):
        return n


def test_the_engine_alone_would_call_a_service(listener: socket.socket) -> None:
    """The control for the test below: without the guard, pyoxigraph connects to the address in the query."""
    port = listener.getsockname()[1]
    store = generated_store(1)
    worker = threading.Thread(target=lambda: _swallow(store, f"SELECT * {{ SERVICE <http://127.0.0.1:{port}/q> {{ ?s ?p ?o }} }}"),
                              daemon=True)
    worker.start()
    assert _connections(listener, 10) >= 1
    worker.join(10)


def _swallow(store: OxigraphStore, query: str) -> None:
    try:
        store.sparql(query)
    except Exception:  # noqa: BLE001 - only the connection matters here
        pass


@pytest.mark.parametrize("how", ["get", "form", "body"])
def test_service_is_refused_and_nothing_is_connected(client: TestClient, listener: socket.socket, how: str) -> None:
    port = listener.getsockname()[1]
    for q in [f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{port}/sparql> {{ ?s ?p ?o }} }}",
              f"select * {{ ?a ?b ?c . service silent <http://127.0.0.1:{port}/> {{ ?s ?p ?o }} }}",
              f"PREFIX x: <http://127.0.0.1:{port}/>\nSELECT * {{ SERVICE x: {{ ?s ?p ?o }} }}"]:
        err = assert_error(ask(client, how, q), 400, "federated_query_disabled")
        assert "federated queries are disabled" in err["message"]
    assert _connections(listener, 1.0) == 0


# ---- slow, crashing and huge queries cost one worker -----------------------------------------------

def _workers() -> list[mp.process.BaseProcess]:
    return [p for p in mp.active_children() if p.name == "cancu-sparql"]


def test_more_queries_than_slots_wait_for_one_instead_of_being_refused(client: TestClient) -> None:
    """Twelve clients, two slots: every query is answered, those beyond the slots after a wait on the event loop."""
    with ThreadPoolExecutor(12) as pool:
        answers = list(pool.map(lambda _: client.get("/sparql", params={"query": CHEAP}), range(12)))
    assert [r.status_code for r in answers] == [200] * 12


def test_a_query_waits_for_a_slot_only_as_long_as_configured(monkeypatch: pytest.MonkeyPatch) -> None:
    """Both slots held by heavy queries: a third query waits CANCU_QUERY_QUEUE_WAIT, then answers 503 busy."""
    monkeypatch.setenv("CANCU_QUERY_SLOTS", "2")
    monkeypatch.setenv("CANCU_QUERY_TIMEOUT", "3")
    monkeypatch.setenv("CANCU_QUERY_QUEUE_WAIT", "0.5")
    with TestClient(create_app(generated_store())) as c, ThreadPoolExecutor(2) as pool:
        assert c.get("/sparql", params={"query": CHEAP}).status_code == 200
        heavy = [pool.submit(c.get, "/sparql", params={"query": HEAVY}) for _ in range(2)]
        time.sleep(0.5)  # both are running
        start = time.monotonic()
        r = c.get("/sparql", params={"query": CHEAP})
        waited = time.monotonic() - start
        assert assert_error(r, 503, "busy") and "CANCU_QUERY_QUEUE_WAIT" in r.json()["error"]["message"]
        assert 0.4 < waited < 2.5
        assert {f.result().json()["error"]["code"] for f in heavy} == {"query_timeout"}


def test_slow_queries_are_stopped_and_free_their_slots(client: TestClient) -> None:
    """More heavy queries than slots: each answers 503 (timeout, or busy while the slots are full); their
    workers are killed, not left running, and a cheap query right after is answered."""
    assert client.get("/sparql", params={"query": CHEAP}).status_code == 200
    with ThreadPoolExecutor(4) as pool:
        answers = list(pool.map(lambda _: client.get("/sparql", params={"query": HEAVY}), range(4)))
    codes = [assert_error(r, 503, r.json()["error"]["code"])["code"] for r in answers]
    assert set(codes) <= {"query_timeout", "busy"} and codes.count("query_timeout") >= 2
    assert len(_workers()) <= 2  # the killed ones are gone; at most the two slots are alive
    start = time.monotonic()
    for _ in range(3):
        r = client.get("/sparql", params={"query": CHEAP})
        assert r.status_code == 200 and r.json()["boolean"] is True
    assert time.monotonic() - start < 5


def test_a_query_that_crashes_the_engine_costs_one_worker(client: TestClient, reconfigure) -> None:
    """With the depth guard switched off, nesting that overflows pyoxigraph's stack kills only its worker."""
    reconfigure(client, sparql_max_depth=1000000)
    q = "SELECT * WHERE " + "{" * 20000 + "?s ?p ?o" + "}" * 20000
    assert_error(ask(client, "body", q), 503, "query_failed")
    assert client.get("/sparql", params={"query": CHEAP}).status_code == 200


def test_results_are_capped(client: TestClient, reconfigure) -> None:
    reconfigure(client, sparql_max_result=4000)
    err = assert_error(client.get("/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o }"}), 422, "result_too_large")
    assert "CANCU_SPARQL_MAX_RESULT" in err["message"]
    assert_error(client.get("/sparql", params={"query": "CONSTRUCT WHERE { ?s ?p ?o }"},
                            headers={"Accept": "text/turtle"}), 422, "result_too_large")
    small = client.get("/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o } LIMIT 5"}, headers={"Accept": "text/csv"})
    assert small.status_code == 200 and len(small.text.strip().splitlines()) == 6


def test_an_oversized_post_body_is_refused(client: TestClient) -> None:
    assert_error(client.post("/sparql", content=b"#" * 2_000_000, headers={"Content-Type": "application/sparql-query"}),
                 413, "too_large")


# ---- a store moved under the running server ------------------------------------------------------

def test_a_store_moved_or_replaced_under_the_server_answers_503(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path, aside = tmp_path / "oxigraph", tmp_path / "moved-away"
    built = OxigraphStore(path)
    built.load(FIXTURE)
    built.close()
    del built
    monkeypatch.setenv("CANCU_BASE", B)
    monkeypatch.setenv("CANCU_OXIGRAPH", str(path))
    monkeypatch.setenv("CANCU_DATA", str(tmp_path))
    monkeypatch.setenv("CANCU_API_KEY", KEY)
    upload = fictional("9999/QĐ-TEST", 2099, "Bộ Thử nghiệm", "Nghị định số 9998/2099/NĐ-TEST").encode()
    with TestClient(create_app()) as c:
        health = c.get("/health").json()
        assert health["state"] == "ok" and health["documents"] > 0
        assert c.get("/sparql", params={"query": CHEAP}).status_code == 200
        path.rename(aside)
        first = assert_error(c.get("/health"), 503, "store_unavailable")
        assert "moved, removed or replaced" in first["message"] and str(path) in first["message"]
        for r in (c.get("/health"), c.get("/documents"), c.get("/sparql", params={"query": CHEAP})):
            assert_error(r, 503, "store_unavailable")
        r = c.post("/documents", files={"file": ("gia-lap.txt", upload, "text/plain")}, headers={"X-API-Key": KEY})
        assert_error(r, 503, "store_unavailable")
        assert not path.exists()  # the upload created no store
        shutil.copytree(aside, path)  # a store put in its place is served
        assert c.get("/health").json()["documents"] == health["documents"]
        assert c.get("/sparql", params={"query": CHEAP}).status_code == 200
        other = tmp_path / "another-store"  # another store (built apart) put in its place under the open handle:
        rebuilt = OxigraphStore(other)      # one 503 naming it, then the new one is served
        rebuilt.load(FIXTURE)
        rebuilt.close()
        del rebuilt
        shutil.rmtree(path)
        other.rename(path)
        assert "moved, removed or replaced" in assert_error(c.get("/health"), 503, "store_unavailable")["message"]
        assert c.get("/health").json()["documents"] == health["documents"]



FICTIONAL_DOC = """@prefix cc: <https://w3id.org/cancu/ontology#> .
@prefix eli: <http://data.europa.eu/eli/ontology#> .
<http://127.0.0.1:8000/eli/vn/qd/2099/9999/test> {
  <http://127.0.0.1:8000/eli/vn/qd/2099/9999/test> a cc:LegalDocument, cc:Decision ; cc:number "9999/QĐ-TEST" ;
    eli:id_local "9999/QĐ-TEST" ; cc:numberKey "9999/qd-test" ; cc:year 2099 ; cc:typeName "Quyết định" ;
    eli:title "Quyết định thử nghiệm thay thế"@vi ; cc:sourceFile "corpus/test/9999-QD-TEST.txt" .
}
"""


def test_a_store_and_index_rebuilt_under_the_server_are_both_served(tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """`cancu load` replaces the store and its search index under a running API: after the one 503, the search,
    the pages and the store all answer from the new ones (the index is reopened with the store)."""
    from graph.search_index import build_index

    path = tmp_path / "oxigraph"

    def build(target: Path, extra: str | None) -> None:
        store = OxigraphStore(target)
        store.load(FIXTURE)
        if extra is not None:
            (tmp_path / "extra.trig").write_text(extra, encoding="utf-8")
            store.load(tmp_path / "extra.trig")
        build_index(store, tmp_path / "search.sqlite").close()
        store.close()

    build(path, None)
    for name, value in (("CANCU_BASE", B), ("CANCU_OXIGRAPH", str(path)), ("CANCU_DATA", str(tmp_path))):
        monkeypatch.setenv(name, value)
    with TestClient(create_app()) as c:
        assert c.get("/search", params={"q": "thay the"}).json()["total"] == 0
        assert c.get("/documents/qd-2099-9999-test").status_code == 404
        shutil.rmtree(path)
        build(path, FICTIONAL_DOC)
        assert_error(c.get("/health"), 503, "store_unavailable")
        found = c.get("/search", params={"q": "thay the"}).json()
        assert [hit["id"] for hit in found["items"]] == ["qd-2099-9999-test"]
        assert c.get("/documents/qd-2099-9999-test").json()["title"] == "Quyết định thử nghiệm thay thế"
        assert c.get("/documents/qd-2022-9002-test/chain", params={"depth": 2}).status_code == 200

# ---- uploads never replace a document by surprise ------------------------------------------------

def cancu(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    import os

    return subprocess.run([sys.executable, "-m", "cancu.cli", *args], capture_output=True, text=True, cwd=ROOT,
                          env={**os.environ, **env}, timeout=600)


@pytest.fixture()
def loaded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
    """A store loaded by the CLI from the bundled 186/QĐ-BTTTT and a fictional 9999/QĐ-TEST, served read-only."""
    src = tmp_path / "src"
    src.mkdir()
    (src / "9999-QD-TEST.txt").write_text(fictional("9999/QĐ-TEST", 2099, "Bộ Thử nghiệm",
                                                    "Nghị định số 9001/2098/NĐ-TEST của Chính phủ Thử nghiệm"), encoding="utf-8")
    env = {"CANCU_DATA": str(tmp_path / "data"), "CANCU_BASE": B}
    ing = cancu("ingest", "corpus/186-QD-BTTTT-2022.txt", str(src), "-o", str(tmp_path / "data" / "rdf"), env=env)
    assert ing.returncode == 0, ing.stderr
    load = cancu("load", str(tmp_path / "data" / "rdf"), env=env)
    assert load.returncode == 0, load.stderr
    monkeypatch.setenv("CANCU_BASE", B)
    monkeypatch.setenv("CANCU_API_KEY", KEY)
    with TestClient(create_app(OxigraphStore(tmp_path / "data" / "oxigraph", read_only=True))) as c:
        yield c


def _upload(c: TestClient, text: str, name: str, replace: bool | None = None, admin: str | None = None):
    params = {} if replace is None else {"replace": str(replace).lower()}
    headers = {"X-API-Key": KEY, **({"X-Admin-Key": admin} if admin is not None else {})}
    return c.post("/documents", params=params, files={"file": (name, text.encode(), "text/plain")}, headers=headers)


def _bases(c: TestClient, doc_id: str) -> list[str]:
    body = c.get(f"/documents/{doc_id}/legal-bases").json()
    return sorted(item["document"]["number"] or item["document"]["id"] for item in body["items"])


def test_an_upload_does_not_replace_the_bundled_186_qd_btttt(loaded: TestClient) -> None:
    """The issue's case: a (fictional) text numbered 186/QĐ-BTTTT with other Căn cứ lines answered 201 and
    replaced the corpus document's graph. Now 409 names it and its source, replace=true with the ordinary key
    is 403 (only the CLI or the admin key may), and nothing changes."""
    doc = loaded.get("/documents/qd-2022-186-btttt").json()
    bases = _bases(loaded, "qd-2022-186-btttt")
    assert doc["source_file"] and len(bases) >= 3
    text = fictional("186/QĐ-BTTTT", 2022, "Bộ Thông tin và Truyền thông",
                     "Nghị định số 9998/2099/NĐ-TEST của Chính phủ Thử nghiệm")
    for replace in (None, False):
        err = assert_error(_upload(loaded, text, "gia-lap-186.txt", replace), 409, "document_exists")
        assert "qd-2022-186-btttt" in err["message"] and doc["source_file"] in err["message"]
        assert "replace=true" in err["message"]
    err = assert_error(_upload(loaded, text, "gia-lap-186.txt", True), 403, "admin_required")
    assert doc["source_file"] in err["message"] and "X-Admin-Key" in err["message"]
    assert _bases(loaded, "qd-2022-186-btttt") == bases
    assert loaded.get("/documents/qd-2022-186-btttt").json()["source_file"] == doc["source_file"]


def test_replacing_a_cli_document_needs_the_admin_key(loaded: TestClient, caplog: pytest.LogCaptureFixture,
                                                      reconfigure: Callable[..., None]) -> None:
    loaded_by_cli = loaded.get("/documents/qd-2099-9999-test").json()["source_file"]
    new = fictional("9999/QĐ-TEST", 2099, "Bộ Thử nghiệm", "Nghị định số 9002/2098/NĐ-TEST của Chính phủ Thử nghiệm")
    err = assert_error(_upload(loaded, new, "gia-lap-9999.txt"), 409, "document_exists")
    assert "qd-2099-9999-test" in err["message"] and loaded_by_cli in err["message"]
    assert_error(_upload(loaded, new, "gia-lap-9999.txt", replace=True), 403, "admin_required")
    assert_error(_upload(loaded, new, "gia-lap-9999.txt", True, admin="guess"), 401, "unauthorized")  # none set
    reconfigure(loaded, admin_key="admin-key-fictional")
    assert_error(_upload(loaded, new, "gia-lap-9999.txt", True, admin="guess"), 401, "unauthorized")
    assert_error(_upload(loaded, new, "gia-lap-9999.txt", replace=True), 403, "admin_required")
    assert _bases(loaded, "qd-2099-9999-test") == ["9001/2098/NĐ-TEST"]
    r = _upload(loaded, new, "gia-lap-9999.txt", True, admin="admin-key-fictional")
    assert r.status_code == 201, r.text
    assert r.json()["replaced"] is True and _bases(loaded, "qd-2099-9999-test") == ["9002/2098/NĐ-TEST"]
    logged = [rec.getMessage() for rec in caplog.records if "replaced qd-2099-9999-test" in rec.getMessage()]
    assert len(logged) == 1 and loaded_by_cli in logged[0] and f"{r.json()['quads']} after" in logged[0]
    assert int(logged[0].split(": ")[-1].split(" quads before")[0]) > 0


def test_an_upload_replaces_an_earlier_upload_with_the_flag(loaded: TestClient) -> None:
    first = fictional("9997/QĐ-TEST", 2099, "Bộ Thử nghiệm", "Nghị định số 9002/2098/NĐ-TEST của Chính phủ Thử nghiệm")
    assert _upload(loaded, first, "gia-lap-9997.txt").status_code == 201  # a new document needs no flag
    again = fictional("9997/QĐ-TEST", 2099, "Bộ Thử nghiệm", "Nghị định số 9003/2098/NĐ-TEST của Chính phủ Thử nghiệm")
    err = assert_error(_upload(loaded, again, "gia-lap-9997-b.txt"), 409, "document_exists")  # an upload's too
    assert "upload/gia-lap-9997.txt" in err["message"]
    assert _bases(loaded, "qd-2099-9997-test") == ["9002/2098/NĐ-TEST"]
    r = _upload(loaded, again, "gia-lap-9997-b.txt", replace=True)  # the ordinary key: it was an upload
    assert r.status_code == 201, r.text
    assert r.json()["replaced"] is True and _bases(loaded, "qd-2099-9997-test") == ["9003/2098/NĐ-TEST"]
    assert loaded.get("/documents/qd-2099-9997-test").json()["source_file"] == "upload/gia-lap-9997-b.txt"


# ---- a literal over Oxigraph's 16 MiB ------------------------------------------------------------

def _big_nq(path: Path) -> Path:
    g = f"<{EX}graph/big>"
    with path.open("w", encoding="utf-8") as f:
        f.write(f'{g} <{EX}text> "' + "a" * (17 * 1024 * 1024) + f'" {g} .\n')
    return path


def _small_nq(path: Path, name: str) -> Path:
    g = f"<{EX}graph/{name}>"
    path.write_text(f'{g} <{EX}label> "giả lập {name}" {g} .\n', encoding="utf-8")
    return path


def _graphs(store_dir: Path) -> set[str]:
    store = OxigraphStore(store_dir, read_only=True)
    try:
        return {q.graph_name.value for q in store._store}  # noqa: SLF001
    finally:
        store.close()


def test_load_reports_a_17_mib_literal_in_one_line_and_goes_on(tmp_path: Path) -> None:
    big, a, b = _big_nq(tmp_path / "big.nq"), _small_nq(tmp_path / "a.nq", "a"), _small_nq(tmp_path / "b.nq", "b")
    env = {"CANCU_DATA": str(tmp_path / "data")}
    new = tmp_path / "new-store"
    r = cancu("load", "--path", str(new), str(big), str(a), env=env)  # a new store: the bulk build
    assert r.returncode == 1 and "Traceback" not in r.stderr
    lines = [line for line in r.stderr.splitlines() if "big.nq" in line]
    assert len(lines) == 1 and "16 MiB" in lines[0]
    assert not (tmp_path / "new-store.building").exists() and _graphs(new) == {f"{EX}graph/a"}
    r = cancu("load", "--path", str(new), str(big), str(b), env=env)  # an existing store: the transactional load
    assert r.returncode == 1 and "Traceback" not in r.stderr
    assert len([line for line in r.stderr.splitlines() if "big.nq" in line]) == 1
    assert _graphs(new) == {f"{EX}graph/a", f"{EX}graph/b"}
    only = tmp_path / "only-big"
    r = cancu("load", "--path", str(only), str(big), env=env)  # nothing loadable: no store, no staging
    assert r.returncode == 1 and "Traceback" not in r.stderr
    assert not only.exists() and not (tmp_path / "only-big.building").exists()


def test_an_upload_with_a_17_mib_literal_is_refused_and_changes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "oxigraph"
    built = OxigraphStore(path)
    built.load(FIXTURE)
    built.close()
    del built
    monkeypatch.setenv("CANCU_BASE", B)
    monkeypatch.setenv("CANCU_API_KEY", KEY)
    text = fictional("9999/QĐ-TEST", 2099, "Bộ Thử nghiệm", "Nghị định số 9998/2099/NĐ-TEST",
                     "Điều 2. " + "gia lap " * (17 * 1024 * 1024 // 8) + "\n")
    with TestClient(create_app(OxigraphStore(path, read_only=True))) as c:
        before = c.get("/health").json()
        r = _upload(c, text, "gia-lap-lon.txt")
        assert r.status_code in (413, 422), r.text
        err = r.json()["error"]
        assert "gia-lap-lon.txt" in err["message"] and "\n" not in err["message"]
        after = c.get("/health").json()
        assert (after["documents"], after["triples"]) == (before["documents"], before["triples"])
        assert c.get("/documents/qd-2099-9999-test").status_code == 404


# ---- Neo4j: the server stops a slow Cypher query ---------------------------------------------------

@pytest.mark.neo4j
def test_cypher_timeout_is_enforced_by_the_server(neo4j_store) -> None:  # noqa: ANN001
    with pytest.raises(TimeoutError):
        neo4j_store.cypher_read("UNWIND range(1, 100000) AS x UNWIND range(1, 100000) AS y RETURN count(*) AS n",
                                timeout=0.5)
    assert neo4j_store.cypher_read("RETURN 1 AS n") == [{"n": 1}]
    assert len(neo4j_store.cypher_read("UNWIND range(1, 100) AS x RETURN x", max_rows=10)) == 11


# ---- a dataset outside the store (FROM, FROM NAMED, default-graph-uri, named-graph-uri) -------------

OUTSIDE = "http://169.254.169.254/latest/meta-data/"  # a cloud metadata address: a graph no store of ours holds


def test_dataset_reads_from_and_from_named_as_the_engine_would() -> None:
    from api.sparql_guard import Dataset, dataset

    q = f"""BASE <{EX}> PREFIX t: <{EX}ns/> # FROM <{OUTSIDE}> in a comment is not a clause
    SELECT ?o from <g> FROM NAMED t:h FROM cc:x FROM NAMED <{EX}k> FROM u:nknown
    WHERE {{ ?s ?p "FROM <{OUTSIDE}>" }}"""
    got = dataset(q, {"cc": "https://example.org/cc#"})
    assert got.default == (f"{EX}g", "https://example.org/cc#x", "u:nknown")
    assert got.named == (f"{EX}ns/h", f"{EX}k")
    assert dataset("SELECT * WHERE { ?from ?named <x> }", {}) == dataset("ASK {}", {}) == Dataset((), ())


def two_graph_store() -> OxigraphStore:
    store = generated_store(3)
    h = ox.NamedNode(EX + "h")
    store._store.add(ox.Quad(ox.NamedNode(EX + "only-h"), ox.NamedNode(EX + "p"), ox.Literal("trong h"), h))  # noqa: SLF001
    return store


@pytest.mark.parametrize("how", ["get", "form", "body"])
@pytest.mark.parametrize("clause", [f"FROM <{OUTSIDE}>", f"FROM NAMED <{OUTSIDE}>",
                                    f"FROM <{EX}g> FROM NAMED <{OUTSIDE}>", "FROM <relative-name>"])
def test_a_from_outside_the_store_is_refused(how: str, clause: str) -> None:
    with TestClient(create_app(two_graph_store())) as c:
        err = assert_error(ask(c, how, f"SELECT * {clause} WHERE {{ ?s ?p ?o }}"), 400, "graph_not_in_store")
        assert "FROM" in err["message"] and "default-graph-uri" in err["message"]
        assert (OUTSIDE in err["message"]) == (OUTSIDE in clause)


@pytest.mark.parametrize("param", ["default-graph-uri", "named-graph-uri"])
def test_a_protocol_graph_outside_the_store_is_refused(param: str) -> None:
    with TestClient(create_app(two_graph_store())) as c:
        r = c.get("/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o }", param: [f"{EX}g", OUTSIDE]})
        assert OUTSIDE in assert_error(r, 400, "graph_not_in_store")["message"]
        r = c.post("/sparql?" + param + "=" + OUTSIDE, content="SELECT * WHERE { ?s ?p ?o }",
                   headers={"Content-Type": "application/sparql-query"})
        assert_error(r, 400, "graph_not_in_store")


def _values(r) -> list[str]:  # noqa: ANN001
    assert r.status_code == 200, r.text
    return sorted(b["o"]["value"] for b in r.json()["results"]["bindings"])


def test_a_dataset_inside_the_store_is_honoured() -> None:
    """FROM picks the default graph (the store's union otherwise), FROM NAMED the named ones, and the
    protocol's parameters override both (SPARQL 1.1 Protocol)."""
    accept = {"Accept": "application/sparql-results+json"}
    with TestClient(create_app(two_graph_store())) as c:
        every = _values(c.get("/sparql", params={"query": "SELECT ?o WHERE { ?s ?p ?o }"}, headers=accept))
        assert "trong h" in every and len(every) == 4
        q = f"PREFIX t: <{EX}> SELECT ?o FROM t:h WHERE {{ ?s ?p ?o }}"
        assert _values(c.get("/sparql", params={"query": q}, headers=accept)) == ["trong h"]
        r = c.get("/sparql", params={"query": q, "default-graph-uri": f"{EX}g"}, headers=accept)
        assert _values(r) == sorted(f"giá trị {i}" for i in range(3))
        q = f"SELECT ?o FROM NAMED <{EX}h> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}"
        assert _values(c.get("/sparql", params={"query": q}, headers=accept)) == ["trong h"]


@pytest.mark.parametrize("iri", ["http://example.org/a%", "http://example.org/[x]", "http://example.org/\x7f", "abc"])
def test_viz_refuses_a_text_the_engine_would_not_read_as_an_iri(client: TestClient, iri: str) -> None:
    """Found by the stateful suite: these passed the pattern check and broke the page's query (a 500)."""
    assert "not an IRI" in assert_error(client.get("/viz", params={"iri": iri}), 400, "invalid_iri")["message"]
