"""The HTML pages (home, reader, entity pages) over the ingested corpus: real content, checked against the
store and the source texts, not against hand-written answers."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Iterator

import lxml.html
import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.page_urls import anchor_id, entity_href
from api.source_text import read_source
from corpus_store import B, ROOT, corpus_store  # noqa: F401  (fixture)
from graph.store import Store
from fictional_texts import fictional_text

D186 = f"{B}/eli/vn/qd/2022/186/btttt"
URL_ATTR = re.compile(r"""\b(?:src|href|action)\s*=\s*["']?\s*(https?:)?//([^/"'\s>]*)""", re.IGNORECASE)


@pytest.fixture(scope="module")
def client(corpus_store: Store) -> Iterator[TestClient]:  # noqa: F811
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("CANCU_BASE", B)
        with TestClient(create_app(corpus_store), follow_redirects=False) as c:
            yield c


def html(client: TestClient, url: str) -> lxml.html.HtmlElement:
    r = client.get(url)
    assert r.status_code == 200, (url, r.text[:500])
    assert r.headers["content-type"].startswith("text/html")
    return lxml.html.fromstring(r.text)


def offsets(el: lxml.html.HtmlElement) -> list[tuple[lxml.html.HtmlElement, int, int]]:
    """Each element under `el` with the span of its text in el's text content."""
    out: list[tuple[lxml.html.HtmlElement, int, int]] = []

    def walk(node: lxml.html.HtmlElement, pos: int) -> int:
        start = pos
        pos += len(node.text or "")
        for child in node:
            pos = walk(child, pos)
            pos += len(child.tail or "")
        out.append((node, start, pos))
        return pos

    walk(el, 0)
    return out


def test_reader_186_links_every_legal_basis_in_place(client: TestClient, corpus_store: Store) -> None:  # noqa: F811
    doc = corpus_store.document(D186)
    text = read_source(doc.source_file)
    page = html(client, "/read/qd-2022-186-btttt")
    section = page.get_element_by_id("text")
    assert not section.cssselect("table")  # no table: the section's text is the source text itself
    assert section.text_content() == text
    placed = {(a.get("href"), s, e): a for a, s, e in offsets(section) if a.tag == "a"}
    bases = corpus_store.links_from(D186, ["based_on"])
    assert len(bases) >= 4
    for row in bases:
        for p in row.provenance:
            href = "/read/" + row.target.iri.split("/eli/vn/", 1)[1].replace("/", "-")
            a = placed.get((href, p.start, p.end))
            assert a is not None, (href, p.start, text[p.start:p.end])
            assert "rel-based_on" in a.get("class") and ("stub" in a.get("class")) == (not row.target.ingested)
    a749 = [a for (href, s, e), a in placed.items() if href == "/read/qd-2020-749-ttg"]
    assert [a.text_content() for a in a749] == ["Quyết định số 749/QĐ-TTg"]


def test_reader_outline_and_anchors(client: TestClient, corpus_store: Store) -> None:  # noqa: F811
    page = html(client, "/read/qd-2022-186-btttt")
    parts = [p for p in corpus_store.provisions(D186) if p.kind not in ("task", "indicator", "row")]
    assert parts
    outline = [a.get("href") for a in page.get_element_by_id("outline").cssselect("a")]
    for p in parts:
        aid = anchor_id(D186, p.iri)
        assert page.get_element_by_id(aid) is not None
        assert f"#{aid}" in outline
    assert page.get_element_by_id("graph-link").get("href") == "/viz/documents/qd-2022-186-btttt"


def test_following_a_legal_basis_lands_on_the_cited_reader(client: TestClient) -> None:
    page = html(client, "/read/qd-2022-186-btttt")
    href = page.get_element_by_id("text").cssselect('a.cite[href="/read/qd-2020-749-ttg"]')[0].get("href")
    cited = html(client, href)
    assert cited.cssselect("h1")[0].text_content() == "Quyết định 749/QĐ-TTg"
    incoming = cited.cssselect('.relation[data-relation="based_on"] ul.in a')
    back = [a.get("href") for a in incoming if a.get("href", "").startswith("/read/qd-2022-186-btttt?hl=")]
    assert back, "749's reader lists 186 among the documents based on it, with the place"
    marked = html(client, back[0])
    mark = marked.get_element_by_id("hl")
    assert "749/QĐ-TTg" in mark.text_content()


def test_highlight_is_the_exact_span(client: TestClient, corpus_store: Store) -> None:  # noqa: F811
    text = read_source(corpus_store.document(D186).source_file)
    p = corpus_store.links_from(D186, ["based_on"])[0].provenance[0]
    section = html(client, f"/read/qd-2022-186-btttt?hl={p.start}-{p.end}").get_element_by_id("text")
    spans = [(s, e) for el, s, e in offsets(section) if el.tag == "mark"]
    assert spans == [(p.start, p.end)] and section.text_content()[p.start:p.end] == text[p.start:p.end]
    assert client.get("/read/qd-2022-186-btttt?hl=abc").status_code == 422
    assert client.get("/read/qd-2022-186-btttt?hl=9-3").status_code == 400


# 12/NQ-CP restarts its numbering per group; 982/QĐ-TTg's copy prints its table one cell per line
@pytest.mark.parametrize("did", ["nq-2025-03-cp", "nq-2023-12-cp", "qd-2026-982-ttg"])
def test_annex_rows_are_table_rows_with_their_agencies(client: TestClient, corpus_store: Store, did: str) -> None:  # noqa: F811
    page = html(client, f"/read/{did}")
    iri = f"{B}/eli/vn/" + "/".join(did.split("-", 3))
    rows = [p for p in corpus_store.provisions(iri) if p.kind in ("task", "indicator")]
    assert len(rows) > 15
    checked = 0
    for r in rows:
        tr = page.get_element_by_id(anchor_id(iri, r.iri))
        assert tr.tag == "tr", r.iri
        linked = {a.get("href") for a in tr.cssselect("a.agency")}
        graph = {entity_href(x.entity_kind, x.entity_iri) for x in corpus_store.roles(r.iri, "out", ["lead", "coordinating", "monitoring"])}
        assert linked <= graph, (r.iri, linked - graph)  # every link is an edge the graph holds for that row
        checked += linked == graph
    assert checked >= 0.9 * len(rows), f"only {checked} of {len(rows)} rows link all their agencies"
    first_cells = [page.get_element_by_id(anchor_id(iri, r.iri)).cssselect("td")[0].text_content().rstrip(".")
                   for r in rows]
    assert first_cells == [r.label.rstrip(".") for r in rows]


def test_stub_page_says_so_and_lists_who_cites_it(client: TestClient) -> None:
    page = html(client, "/read/nq-2022-01-cp")
    assert "chưa được nạp (stub)" in page.get_element_by_id("text").cssselect("p.stub")[0].text_content()
    assert page.cssselect('.relation[data-relation="based_on"] ul.in a[href="/read/qd-2022-186-btttt"]')
    assert client.get("/read/qd-1999-1-nosuch").status_code == 404


def test_entity_pages_link_to_the_exact_place(client: TestClient, corpus_store: Store) -> None:  # noqa: F811
    slug = "bo-khoa-hoc-va-cong-nghe"
    iri = f"{B}/id/agency/{slug}"
    page = html(client, f"/browse/agencies/{slug}")
    counts = corpus_store.role_counts(iri, "in")
    for role, n in counts.items():
        heading = page.cssselect(f'h2[data-role="in:{role}"]')[0]
        assert f"({n})" in heading.text_content()
    lead = corpus_store.roles(iri, "in", ["lead"], 5)
    places = [a.get("href") for a in page.cssselect('ul[data-role="in:lead"] a.place')]
    for r in lead:
        p = r.provenance[0]
        assert f"/read/{p.document.split('/eli/vn/', 1)[1].replace('/', '-')}?hl={p.start}-{p.end}#hl" in places
    task = html(client, "/browse/tasks/nq-2025-03-cp~phu_luc_2~hang_11")
    assert any(a.get("href") == "/read/nq-2025-03-cp#phu_luc_2/hang_11" for a in task.cssselect("#metadata a"))
    assert client.get("/browse/agencies/no-such-agency").status_code == 404
    assert client.get("/browse/people/x").status_code == 404


def test_programme_page_names_its_approving_document(client: TestClient, corpus_store: Store) -> None:  # noqa: F811
    progs = corpus_store.roles(D186, "out", ["approves"])
    assert progs
    page = html(client, entity_href("programme", progs[0].entity_iri))
    assert page.cssselect('ul[data-role="in:approves"] a[href="/read/qd-2022-186-btttt"]')


def test_home_page(client: TestClient, corpus_store: Store) -> None:  # noqa: F811
    page = html(client, "/")
    docs = corpus_store.documents()
    assert f"{len(docs):,}" in page.cssselect(".count")[0].text_content()
    cited_by: dict[str, set[str]] = {}
    for d in docs:
        for r in corpus_store.links_to(d.iri):
            cited_by.setdefault(d.iri, set()).add(r.source.iri)
    most = max(len(v) for v in cited_by.values())
    first = page.get_element_by_id("most-cited").cssselect("li")[0]
    top = [iri for iri, v in cited_by.items() if len(v) == most]
    assert first.cssselect("a")[0].get("href") in {"/read/" + i.split("/eli/vn/", 1)[1].replace("/", "-") for i in top}
    assert f"— {most} văn bản" in first.text_content()
    hits = html(client, "/?q=bo thong tin").get_element_by_id("results").cssselect("a")
    assert "/browse/agencies/bo-thong-tin-va-truyen-thong" in [a.get("href") for a in hits]
    index = client.get("/", headers={"Accept": "application/json"}).json()
    paths = {e["path"] for e in index["endpoints"]}
    assert {"/read/{doc_id}", "/search", "/documents/{doc_id}"} <= paths


@pytest.mark.parametrize("url", ["/", "/read/qd-2022-186-btttt", "/read/nq-2025-03-cp", "/browse/agencies/bo-thong-tin-va-truyen-thong",
                                 "/browse/tasks/nq-2025-03-cp~phu_luc_2~hang_11", "/?q=749"])
def test_pages_request_nothing_outside_the_service(client: TestClient, url: str) -> None:
    r = client.get(url)
    policy = r.headers["content-security-policy"]
    assert "default-src 'none'" in policy and "connect-src 'self'" in policy and "unsafe-inline" not in policy
    nonce = re.search(r"'nonce-([^']+)'", policy)[1]
    page = lxml.html.fromstring(r.text)
    assert all(s.get("nonce") == nonce for s in page.cssselect("script, style"))
    assert not page.cssselect("script[src], link[rel=stylesheet], img[src^=http], iframe")
    outside = [m.group(0) for m in URL_ATTR.finditer(r.text) if not m.group(2).startswith("127.0.0.1")]
    assert outside == []


def cells_in_order(text: str, table: lxml.html.HtmlElement) -> str:
    """The cells' texts, each found in `text` after the one before it (AssertionError if one is not: a cell
    that is not a piece of the file, or out of order), joined without white space."""
    at = 0
    for cell in table.cssselect("th, td"):
        piece = cell.text_content()
        i = text.find(piece, at)
        assert i >= 0, (piece[:80], at)
        at = i + len(piece)
    return "".join("".join(c.text_content().split()) for c in table.cssselect("th, td"))


def test_an_annex_printed_one_cell_per_line_is_a_table_of_the_files_own_text(client: TestClient, corpus_store: Store) -> None:  # noqa: F811
    """982/QĐ-TTg's copy prints its annex one cell per line: a table with the header's columns, a row per row
    number, headers repeated at page breaks, and in its cells exactly the file's text, in order."""
    iri = f"{B}/eli/vn/qd/2026/982/ttg"
    text = read_source(corpus_store.document(iri).source_file)
    section = html(client, "/read/qd-2026-982-ttg").get_element_by_id("text")
    assert "".join(section.text_content().split()) == "".join(text.split())  # nothing added, nothing lost
    [table] = section.cssselect("table.annex")
    heads = [[th.text_content().split() for th in tr.cssselect("th")] for tr in table.cssselect("tr") if tr.cssselect("th")]
    assert heads[0] == [["TT"], ["Nhiệm", "vụ,", "giải", "pháp"], ["Cơ", "quan", "chủ", "trì"], ["Cơ", "quan", "phối", "hợp"],
                        ["Sản", "phẩm"], ["Thời", "gian", "thực", "hiện"]]
    assert len(heads) > 5 and all(h == heads[0] for h in heads)  # the header a page break repeats
    body = [tr for tr in table.cssselect("tr") if not tr.cssselect("th")]
    assert all(len(tr.cssselect("td")) == 2 and tr.cssselect("td")[1].get("colspan") == "5" for tr in body)
    start = text.index("\nTT\n") + 1
    assert cells_in_order(text, table) == "".join(text[start:].split())  # the table runs to the file's end


def test_an_annex_whose_rows_were_not_stored_stays_text(client: TestClient, corpus_store: Store) -> None:  # noqa: F811
    """175/NQ-CP's Phụ lục I prints merged cells mid-span, so ingest stores no rows from it: no table is drawn."""
    iri = f"{B}/eli/vn/nq/2023/175/cp"
    assert not [p for p in corpus_store.provisions(iri) if p.kind in ("task", "indicator", "row")]
    section = html(client, "/read/nq-2023-175-cp").get_element_by_id("text")
    assert not section.cssselect("table") and "STT\nĐơn vị\nNhiệm vụ chủ trì" in section.text_content()


def test_iri_negotiates_pages(client: TestClient) -> None:
    browser = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}
    r = client.get("/eli/vn/qd/2022/186/btttt", headers=browser)
    assert (r.status_code, r.headers["location"]) == (303, "/read/qd-2022-186-btttt")
    r = client.get("/eli/vn/qd/2022/186/btttt/dieu_1", headers=browser)
    assert (r.status_code, r.headers["location"]) == (303, "/read/qd-2022-186-btttt#dieu_1")
    r = client.get("/id/agency/bo-thong-tin-va-truyen-thong", headers=browser)
    assert r.headers["location"] == "/browse/agencies/bo-thong-tin-va-truyen-thong"
    assert client.get("/eli/vn/qd/2022/186/btttt").json()["number"] == "186/QĐ-BTTTT"  # */* stays JSON
    assert client.get("/eli/vn/qd/2022/186/btttt", headers={"Accept": "application/json"}).json()["id"] == "qd-2022-186-btttt"


FICTIONAL = fictional_text(
    "9999/QĐ-TEST", "ngày 01 tháng 01 năm 2099", 'PHÊ DUYỆT ĐỀ ÁN GIẢ LẬP <script>alert("x")</script> & "KIỂM THỬ"',
    ["Quyết định số 9998/QĐ-TEST ngày 02 tháng 02 năm 2098 của Bộ Thử nghiệm về việc <b>thử</b>"],
    "QUYẾT ĐỊNH:\n\nĐiều 1. Phê duyệt Đề án giả lập <img src=x onerror=alert(1)> của Công ty X.\n\n"
    "Điều 2. Quyết định này có hiệu lực từ ngày ký.\n\nBỘ TRƯỞNG\nNguyễn Văn Thử\n")


@pytest.fixture()
def fictional(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[TestClient, Path]]:
    import pyoxigraph as ox

    from graph.oxigraph_store import OxigraphStore
    from ingest.pipeline import parse_path
    from ingest.to_rdf import document_quads

    monkeypatch.setenv("CANCU_BASE", B)
    src = tmp_path / "9999-QD-TEST.txt"
    src.write_text(FICTIONAL, encoding="utf-8")
    doc = parse_path(src)
    assert doc.doc_id == "qd-2099-9999-test" and "<script>" in doc.title
    nq = tmp_path / "doc.nq"
    nq.write_bytes(ox.serialize(document_quads(doc), format=ox.RdfFormat.N_QUADS))
    store = OxigraphStore(None)
    store.load(nq)
    with TestClient(create_app(store)) as c:
        yield c, src


def test_everything_is_escaped(fictional: tuple[TestClient, Path]) -> None:
    c, _ = fictional
    for url in ["/read/qd-2099-9999-test", "/", "/?q=gia lap", "/read/qd-2098-9998-test"]:
        r = c.get(url)
        assert r.status_code == 200, url
        page = lxml.html.fromstring(r.text)
        scripts = page.cssselect("script")
        assert all('alert("x")' not in (s.text or "") for s in scripts), url
        assert not page.cssselect("img") and not page.cssselect("#text b"), url
    r = c.get("/read/qd-2099-9999-test")
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in r.text
    page = lxml.html.fromstring(r.text)
    assert '<script>alert("x")</script>' in page.get_element_by_id("doc-title").text_content()
    assert page.cssselect('#text a.cite[href="/read/qd-2098-9998-test"]')[0].text_content() == "Quyết định số 9998/QĐ-TEST"


def test_reader_without_the_source_file_falls_back_to_the_stored_provisions(fictional: tuple[TestClient, Path]) -> None:
    c, src = fictional
    src.unlink()
    page = lxml.html.fromstring(c.get("/read/qd-2099-9999-test").text)
    text = page.get_element_by_id("text")
    assert "fallback" in text.get("class") and "Không đọc được tệp nguồn" in text.text_content()
    assert page.get_element_by_id("dieu_1").text_content().startswith("Điều 1. Phê duyệt Đề án giả lập <img")
    assert [a.get("href") for a in text.cssselect("a")] == ["/read/qd-2098-9998-test"]


def test_a_changed_source_file_is_not_shown(fictional: tuple[TestClient, Path]) -> None:
    c, src = fictional
    src.write_text(FICTIONAL.replace("Điều 1. Phê duyệt", "Điều 1. Bãi bỏ"), encoding="utf-8")
    page = lxml.html.fromstring(c.get("/read/qd-2099-9999-test").text)
    assert "fallback" in page.get_element_by_id("text").get("class")
