"""Re-resolution at load time (issue 14): the order in which graphs are loaded never changes the store.

Fictional documents (Luật Thử nghiệm A, 99/2099/QH99; 9999/2099/QĐ-TEST) run everywhere; the gazette test
uses real texts of ../shared (Luật Bảo hiểm xã hội 41/2024/QH15 and two decrees citing it and its provisions).
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from cancu.cli import main
from cancu.iri import DocId
from graph.oxigraph_store import OxigraphStore
from graph.reresolve import load_files
from ingest import identity
from ingest.models import Document, Provision, Ref
from ingest.resolve import registry_of, resolve
from ingest.to_rdf import document_quads
from neo4j_server import neo4j_server, neo4j_store, wipe  # noqa: F401  (fixtures)
from shared_data import GAZETTE, need

BASE = "http://127.0.0.1:8000"


def _law(source: str = "luat-thu-nghiem-a.txt", title: str = "Luật Thử nghiệm A") -> Document:
    doc = Document(source=source, number="99/2099/QH99", type="Luật", issuer="Quốc hội", title=title,
                   date_issued="2099-06-29",
                   provisions=[Provision("chuong_i", "chapter", "Chương I"),
                               Provision("chuong_i/dieu_3", "article", "Điều 3", parent="chuong_i"),
                               Provision("chuong_i/dieu_3/khoan_2", "clause", "2.", parent="chuong_i/dieu_3")])
    doc.doc_id = DocId.for_law(doc.title or "", "2099-06-29").id
    return doc


def _decision() -> Document:
    """Based on the law by name and number; one article cites a clause of it by name and year."""
    doc = Document(source="qd-thu-nghiem.txt", number="9999/2099/QĐ-TEST", type="Quyết định", issuer="Công ty X",
                   date_issued="2099-12-01", doc_id="qd-2099-9999-test",
                   provisions=[Provision("dieu_1", "article", "Điều 1")])
    doc.legal_bases = [Ref("Luật Thử nghiệm A số 99/2099/QH99", "based_on", number="99/2099/QH99", type="Luật",
                           year=2099, title="Luật Thử nghiệm A", start=10, end=40)]
    doc.cites = [Ref("khoản 2 Điều 3 của Luật Thử nghiệm A năm 2099", "cites", type="Luật", year=2099,
                     title="Luật Thử nghiệm A", provision="dieu_1", pinpoint="dieu_3/khoan_2", start=60, end=100)]
    return doc


def ingest(docs: list[Document], out: Path) -> list[Path]:
    """What `cancu ingest` writes for one batch: each document resolved over the batch, one file each."""
    out.mkdir(parents=True, exist_ok=True)
    registry, cat = registry_of(docs), identity.build(docs)
    files = []
    for doc in docs:
        resolve(doc, registry)
        identity.apply(doc, cat)
        files.append(out / f"{doc.doc_id}.nq")
        files[-1].write_bytes(ox.serialize(document_quads(doc, BASE), format=ox.RdfFormat.N_QUADS))
    return files


def stored(batches: list[list[Path]], state: Path | None) -> list[str]:
    """Every quad of an in-memory store after loading `batches` in turn (re-resolving unless `state` is None)."""
    store = OxigraphStore(None)
    for files in batches:
        if state is None:
            for f in files:
                store.load(f)
        else:
            report = load_files(store, files, state)
            assert not report.errors and not report.conflicts
    return sorted(store.nquads().decode().splitlines())


def test_a_law_loaded_after_what_cites_it_gets_its_citations(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CANCU_DATA", str(tmp_path / "data"))
    law, = ingest([_law()], tmp_path / "law")
    decision, = ingest([_decision()], tmp_path / "decision")
    both = ingest([_law(), _decision()], tmp_path / "both")
    first = stored([[decision], [law]], tmp_path / "s1")
    assert stored([[law], [decision]], tmp_path / "s2") == first
    assert stored([[law, decision]], tmp_path / "s3") == first
    assert stored([both], tmp_path / "s4") == first  # as if ingested in one batch
    assert stored([[decision], [law]], None) != first  # without re-resolution the citations stay on stubs
    assert main(["load", "--path", str(tmp_path / "bulk"), str(decision), str(law)]) == 0  # a new store's bulk build
    bulk = OxigraphStore(tmp_path / "bulk", read_only=True)
    assert sorted(bulk.nquads().decode().splitlines()) == first
    bulk.close()

    store = OxigraphStore(None)
    load_files(store, [decision], tmp_path / "s5")
    load_files(store, [law], tmp_path / "s5")
    law_iri = DocId.parse(_law().doc_id or "").iri(BASE)
    sources = {(r.relation, r.source.iri) for r in store.links_to(law_iri)}
    assert sources == {("based_on", f"{BASE}/eli/vn/qd/2099/9999/test"), ("cites", f"{BASE}/eli/vn/qd/2099/9999/test")}
    clause = ox.NamedNode(f"{law_iri}/chuong_i/dieu_3/khoan_2")  # the pinpoint lands on the law's own clause
    assert list(store._store.quads_for_pattern(ox.NamedNode(f"{BASE}/eli/vn/qd/2099/9999/test/dieu_1"), None, clause))


def test_two_laws_claiming_one_number_are_both_kept_and_named(tmp_path: Path, capsys: pytest.CaptureFixture,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CANCU_DATA", str(tmp_path / "data"))  # the search index beside the store, not the user's
    citing = _decision()
    citing.legal_bases = [Ref("Luật số 99/2099/QH99", "based_on", number="99/2099/QH99", type="Luật", year=2099)]
    citing.cites = []
    files = ingest([_law()], tmp_path / "a") + ingest([_law("luat-thu-nghiem-b.txt", "Luật Thử nghiệm B")],
                                                      tmp_path / "b") + ingest([citing], tmp_path / "c")
    store_path = tmp_path / "store"
    assert main(["load", "--path", str(store_path), str(files[0]), str(files[2])]) == 0
    assert main(["load", "--path", str(store_path), str(files[1])]) == 1
    err = capsys.readouterr().err
    line = next(x for x in err.splitlines() if "claim one identity" in x)
    assert "luat-thu-nghiem-a.txt" in line and "luat-thu-nghiem-b.txt" in line
    store = OxigraphStore(store_path, read_only=True)
    try:
        assert {d.source_file for d in store.documents() if d.ingested} == {
            "luat-thu-nghiem-a.txt", "luat-thu-nghiem-b.txt", "qd-thu-nghiem.txt"}
        based_on = store.links_from(f"{BASE}/eli/vn/qd/2099/9999/test")
        assert [r.target.iri for r in based_on] == [f"{BASE}/eli/vn/luat/2099/99-qh99"]  # as written, not guessed
    finally:
        store.close()


def test_one_identity_from_two_files_is_refused_naming_both(tmp_path: Path, capsys: pytest.CaptureFixture,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CANCU_DATA", str(tmp_path / "data"))
    first, = ingest([_decision()], tmp_path / "a")
    other = _decision()
    other.source = "qd-thu-nghiem-ban-khac.txt"
    second, = ingest([other], tmp_path / "b")
    store_path = tmp_path / "store"
    assert main(["load", "--path", str(store_path), str(first)]) == 0
    assert main(["load", "--path", str(store_path), str(second)]) == 1
    line = next(x for x in capsys.readouterr().err.splitlines() if "has the identity of" in x)
    assert str(second) in line and "qd-thu-nghiem-ban-khac.txt" in line and "qd-thu-nghiem.txt" in line
    store = OxigraphStore(store_path, read_only=True)
    try:
        assert store.document(f"{BASE}/eli/vn/qd/2099/9999/test").source_file == "qd-thu-nghiem.txt"  # unchanged
    finally:
        store.close()


def test_a_date_the_law_does_not_have_lands_on_it_in_any_order(tmp_path: Path) -> None:
    """A citation by name and a date no law of that name and year has, where one law of that name and year is
    known (here ingested, of 29 June): loaded before or after the law, or in one batch with it, it lands on the
    law's node, and its quote keeps the date it states."""
    decision = _decision()
    decision.legal_bases = [Ref("Luật Thử nghiệm A ngày 19 tháng 6 năm 2099", "based_on", type="Luật", year=2099,
                                date="2099-06-19", title="Luật Thử nghiệm A", start=10, end=50)]
    decision.cites = []
    law, = ingest([_law()], tmp_path / "law")
    cites, = ingest([decision], tmp_path / "decision")
    both = ingest([_law(), decision], tmp_path / "both")
    first = stored([[cites], [law]], tmp_path / "s1")
    assert stored([[law], [cites]], tmp_path / "s2") == first
    assert stored([both], tmp_path / "s3") == first
    assert stored([both], None) == first  # the batch had already taken the date for the law's
    law_iri = f"<{DocId.parse(_law().doc_id or '').iri(BASE)}>"
    assert f"<{BASE}/eli/vn/qd/2099/9999/test> <http://data.europa.eu/eli/ontology#based_on> {law_iri}" in "\n".join(first)
    assert not any("/luat/2099-06-19/" in q for q in first)
    assert any("ngày 19 tháng 6 năm 2099" in q for q in first)


BHXH = ["luat-so-41-2024-qh15-42576.txt", "nghi-dinh-so-158-2025-nd-cp-45240.txt",
        "nghi-dinh-so-212-2025-nd-cp-45740.txt"]


@pytest.fixture(scope="module")
def gazette_rdf(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[Path], list[Path]]:
    """The three texts ingested one by one, and together."""
    need(GAZETTE / "bhxh")
    out = tmp_path_factory.mktemp("bhxh")
    texts = [str(GAZETTE / "bhxh" / n) for n in BHXH]
    for i, t in enumerate(texts):
        assert main(["ingest", t, "-o", str(out / f"one-{i}")]) == 0
    assert main(["ingest", *texts, "-o", str(out / "all")]) == 0
    return ([p for i in range(len(texts)) for p in sorted((out / f"one-{i}").glob("*.nq"))
             if p.name != "gazetteer.nq"], [p for p in sorted((out / "all").glob("*.nq")) if p.name != "gazetteer.nq"])


def test_gazette_in_any_order_gives_one_store(gazette_rdf: tuple[list[Path], list[Path]], tmp_path: Path) -> None:
    """The law arrives last, first, or with the decrees: a decree's pinpoint "khoản 1 Điều 41 của Luật Bảo hiểm xã
    hội" lands on the law's own clause, and two decrees' stubs of one law (by number, by name and date) are one."""
    separate, together = gazette_rdf
    first = stored([[f] for f in separate], tmp_path / "s1")
    assert stored([[f] for f in reversed(separate)], tmp_path / "s2") == first
    assert stored([separate], tmp_path / "s3") == first
    assert stored([together], tmp_path / "s4") == first
    assert stored([[f] for f in separate], None) != first
    assert any("/luat/2024-06-29/bao-hiem-xa-hoi/chuong_iv/muc_2/dieu_41/khoan_1>" in q and "/nd/2025/158/cp>" in q
               for q in first)


DOANH_NGHIEP = ["van-ban-hop-nhat-so-5640-vbhn-bldtbxh-43191.txt", "van-ban-hop-nhat-so-2651-vbhn-bldtbxh-42111.txt"]


def test_gazette_a_law_cited_with_two_dates_gives_one_store_in_any_order(tmp_path: Path) -> None:
    """"Căn cứ Luật doanh nghiệp ngày 08 tháng 12 năm 2014" (5640/VBHN-BLĐTBXH, which also cites it "ngày 26 tháng 11
    năm 2014", as 2651/VBHN-BLĐTBXH does): no text of the two gives the law's number, so which date is the law's is
    not known and both stay as written, the same whether the two are ingested together or one by one and loaded in
    either order."""
    need(GAZETTE / "cong_doan")
    texts = [str(GAZETTE / "cong_doan" / n) for n in DOANH_NGHIEP]
    for i, t in enumerate(texts):
        assert main(["ingest", t, "-o", str(tmp_path / f"one-{i}")]) == 0
    assert main(["ingest", *texts, "-o", str(tmp_path / "all")]) == 0
    separate = [[p for p in sorted((tmp_path / f"one-{i}").glob("*.nq")) if p.name != "gazetteer.nq"] for i in (0, 1)]
    together = [p for p in sorted((tmp_path / "all").glob("*.nq")) if p.name != "gazetteer.nq"]
    first = stored(separate, tmp_path / "s1")
    assert stored(separate[::-1], tmp_path / "s2") == first
    assert stored([together], tmp_path / "s3") == first
    assert any("/luat/2014-12-08/doanh-nghiep>" in q for q in first)
    assert any("/luat/2014-11-26/doanh-nghiep>" in q for q in first)


@pytest.mark.neo4j
def test_neo4j_load_order_never_changes_the_graph(neo4j_store, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from test_neo4j_import import dump

    law, = ingest([_law()], tmp_path / "law")
    decision, = ingest([_decision()], tmp_path / "decision")
    load_files(neo4j_store, [decision], tmp_path / "s1")
    assert load_files(neo4j_store, [law], tmp_path / "s1").repointed == 1
    first = dump(neo4j_store)
    law_iri = DocId.parse(_law().doc_id or "").iri(BASE)
    assert {r.relation for r in neo4j_store.links_to(law_iri)} == {"based_on", "cites"}
    wipe(neo4j_store)
    load_files(neo4j_store, [law], tmp_path / "s2")
    load_files(neo4j_store, [decision], tmp_path / "s2")
    assert dump(neo4j_store) == first
    wipe(neo4j_store)
    load_files(neo4j_store, [law, decision], tmp_path / "s3")
    assert dump(neo4j_store) == first


def test_ingest_names_both_laws_claiming_one_number(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    """The same two laws in one `cancu ingest` batch: both written, one warning naming both files."""
    law_a = tmp_path / "a.txt"
    law_b = tmp_path / "b.txt"
    body = ("QUỐC HỘI\n\nLuật số: 99/2099/QH99\n\nLUẬT\n{title}\n\nCăn cứ Hiến pháp nước Cộng hòa xã hội chủ nghĩa "
            "Việt Nam;\n\nQuốc hội ban hành Luật {title}.\n\nĐiều 1. Phạm vi điều chỉnh\n\nLuật này quy định việc thử "
            "nghiệm của Công ty X trong một văn bản hư cấu, không có giá trị pháp lý, chỉ dùng cho kiểm thử phần mềm "
            "và không mô tả bất kỳ văn bản thật nào.\n\nLuật này được Quốc hội khóa XV thông qua ngày 29 tháng 6 năm "
            "2099.\n")
    law_a.write_text(body.format(title="THỬ NGHIỆM A"), encoding="utf-8")
    law_b.write_text(body.format(title="THỬ NGHIỆM B"), encoding="utf-8")
    main(["ingest", str(law_a), str(law_b), "-o", str(tmp_path / "rdf")])
    err = capsys.readouterr().err
    assert len(list((tmp_path / "rdf").glob("luat-*.nq"))) == 2, err
    line = next(x for x in err.splitlines() if "claim one identity" in x)
    assert str(law_a) in line and str(law_b) in line


def test_an_upload_re_points_what_was_loaded_before(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Uploads load through the same re-resolution (api.routers.upload._load): the law uploaded after the
    decision gives the decision's stored links the law's own node, as loading both together does."""
    from api.routers.upload import _load
    from cancu.config import Settings

    monkeypatch.setenv("CANCU_DATA", str(tmp_path / "data"))
    law, = ingest([_law()], tmp_path / "law")
    decision, = ingest([_decision()], tmp_path / "decision")
    both = ingest([_law(), _decision()], tmp_path / "both")
    store = OxigraphStore(tmp_path / "store")
    for f in (decision, law):
        assert _load(store, f, Settings.from_env(), iri="") > 0  # no stored document to replace
    assert (tmp_path / "store.identity").is_dir()  # kept beside the store, as `cancu load` keeps them
    assert sorted(store.nquads().decode().splitlines()) == stored([both], None)
    store.close()


ODD_TRIG = """
@prefix cc: <https://w3id.org/cancu/ontology#> . @prefix eli: <http://data.europa.eu/eli/ontology#> .
<http://127.0.0.1:8000/eli/vn/qd/2099/9998/test> {
  <http://127.0.0.1:8000/eli/vn/qd/2099/9998/test> a cc:LegalDocument, cc:Decision ; cc:number "không số" ;
      cc:year "năm hai nghìn" ; cc:sourceFile "qd-thu-nghiem-b.txt" ;
      eli:based_on <http://127.0.0.1:8000/eli/vn/luat/2099-06-29/thu-nghiem-b> .
  <http://127.0.0.1:8000/eli/vn/luat/2099-06-29/thu-nghiem-b> a cc:LegalDocument ; cc:typeName "Luật" ;
      eli:title "Luật Thử nghiệm B" ; eli:date_document "29/06/2099" ; cc:number "số mười" .
}
<http://127.0.0.1:8000/eli/vn/qd/2099> {
  <http://127.0.0.1:8000/eli/vn/qd/2099> a cc:LegalDocument ; cc:number "9997/QĐ-TEST" .
}
<urn:cancu:thu-nghiem> {
  <urn:cancu:thu-nghiem> a cc:LegalDocument ; cc:number "9996/QĐ-TEST" ; cc:sourceFile "thu-nghiem-c.txt" .
  <urn:cancu:thu-nghiem/dieu_1> a cc:Provision, cc:Article ; eli:is_part_of <urn:cancu:thu-nghiem> .
}
"""


def test_values_identity_cannot_read_are_left_out_not_fatal(tmp_path: Path) -> None:
    """Any RDF file may give a year that is no integer, a number outside the grammar, a date that is not ISO, or
    name a graph with no document IRI (all fictional here): the load takes the file, as if it were silent on
    those values, and the next load of the store re-resolves as ever (before, each stopped every later load)."""
    odd = tmp_path / "odd.trig"
    odd.write_text(ODD_TRIG, encoding="utf-8")
    law, = ingest([_law()], tmp_path / "law")
    decision, = ingest([_decision()], tmp_path / "decision")
    store = OxigraphStore(None)
    report = load_files(store, [odd], tmp_path / "state")
    assert (report.files, report.errors, report.conflicts) == (1, [], [])
    first = load_files(store, [decision], tmp_path / "state"), load_files(store, [law], tmp_path / "state")
    assert [(r.files, r.errors) for r in first] == [(1, []), (1, [])]
    law_iri = DocId.parse(_law().doc_id or "").iri(BASE)
    assert {r.relation for r in store.links_to(law_iri)} == {"based_on", "cites"}  # re-pointed as in any store
    assert main(["load", "--path", str(tmp_path / "bulk"), str(odd), str(decision), str(law)]) == 0


def _link_trig(k: int) -> str:
    """A fictional decision's Căn cứ link with `k` values on each of its provision, quote, start and end."""
    link = "<http://127.0.0.1:8000/eli/vn/qd/2099/9999/test/link/1>"
    values = " ; ".join(f"cc:{p} " + ", ".join(v.format(i) for i in range(k)) for p, v in (
        ("inProvision", "<http://127.0.0.1:8000/eli/vn/qd/2099/9999/test/dieu_{}>"), ("quote", '"Căn cứ thử nghiệm {}"'),
        ("charStart", '"{}"^^xsd:integer'), ("charEnd", '"1{}"^^xsd:integer')))
    return f"""@prefix cc: <https://w3id.org/cancu/ontology#> . @prefix eli: <http://data.europa.eu/eli/ontology#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
<http://127.0.0.1:8000/eli/vn/qd/2099/9999/test> {{
  <http://127.0.0.1:8000/eli/vn/qd/2099/9999/test> a cc:LegalDocument, cc:Decision ; cc:number "9999/QĐ-TEST" ;
      eli:based_on <http://127.0.0.1:8000/eli/vn/qd/2099/9998/test> ; cc:qualifiedLink {link} .
  {link} cc:linkRelation eli:based_on ; cc:linkTarget <http://127.0.0.1:8000/eli/vn/qd/2099/9998/test> ; {values} .
}}
"""


def test_a_link_of_too_many_combinations_is_refused_naming_it(tmp_path: Path) -> None:
    """A link's provenance is every combination of its values: 3 each on four of them (81 rows, fictional) is
    refused with one line naming the file and the link, on a load and on a new store's build; 2 each (16) loads.
    The gazette's and the corpus's links have one value each."""
    few, many = tmp_path / "few.trig", tmp_path / "many.trig"
    few.write_text(_link_trig(2), encoding="utf-8")
    many.write_text(_link_trig(3), encoding="utf-8")
    store = OxigraphStore(None)
    report = load_files(store, [many, few], tmp_path / "state")
    assert report.files == 1 and len(report.errors) == 1
    assert "many.trig" in report.errors[0] and "link/1" in report.errors[0] and "81 combinations" in report.errors[0]
    [row] = store.links_from("http://127.0.0.1:8000/eli/vn/qd/2099/9999/test")
    assert len(row.provenance) == 16
    assert main(["load", "--path", str(tmp_path / "bulk"), str(many)]) == 1  # nothing else to build a store from
    repeated = tmp_path / "repeated.nq"  # 16 distinct, each line four times: counted once
    repeated.write_bytes(store.nquads() * 4)
    assert load_files(OxigraphStore(None), [repeated], tmp_path / "state2").errors == []
