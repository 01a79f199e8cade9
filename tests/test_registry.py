"""cancu.registry is the one table of relation kinds and roles: ontology.ttl, shapes.ttl and context.jsonld agree
with it, and a kind added there alone reaches the citations grammar, the RDF, the API's labels and the graph pages."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import rdflib
from rdflib import Literal, URIRef
from rdflib.namespace import RDFS, SH, SKOS

from cancu.registry import CC, ELI, RELATION_KINDS, ROLES

ROOT = Path(__file__).resolve().parent.parent
PREFIXES = {"cc": CC, "eli": ELI}


def _curie(iri: str) -> str:
    return next(f"{p}:{iri[len(ns):]}" for p, ns in PREFIXES.items() if iri.startswith(ns))


def test_context_maps_every_kind_to_its_property() -> None:
    ctx = json.loads((ROOT / "context.jsonld").read_text(encoding="utf-8"))["@context"]
    for k in RELATION_KINDS:
        assert ctx.get(k.code) == {"@id": _curie(k.prop), "@type": "@id"}, k.code


def test_shapes_list_exactly_the_kinds() -> None:
    shapes = rdflib.Graph().parse(ROOT / "shapes.ttl")
    edge = URIRef("https://w3id.org/cancu/shapes#RelationEdgeShape")
    assert set(shapes.objects(edge, SH.targetSubjectsOf)) == {URIRef(k.prop) for k in RELATION_KINDS}
    checked = {shapes.value(p, SH.path) for p in shapes.objects(edge, SH.property)}
    assert checked == {URIRef(k.prop) for k in RELATION_KINDS}
    allowed = set()
    for node in shapes.objects(None, SH["in"]):
        allowed |= set(rdflib.collection.Collection(shapes, node))
    assert {URIRef(k.prop) for k in RELATION_KINDS} <= allowed  # a cc:Link may assert every kind


def test_ontology_names_and_maps_every_kind_as_the_registry_does() -> None:
    onto = rdflib.Graph().parse(ROOT / "ontology.ttl")
    for k in RELATION_KINDS:
        concept = next(onto.subjects(SKOS.notation, Literal(k.code)), None)
        assert concept is not None, f"no concept with notation {k.code!r}"
        assert (concept, SKOS.exactMatch, URIRef(k.prop)) in onto, k.code
        assert {(lit.language, str(lit)) for lit in onto.objects(concept, SKOS.prefLabel)} == {("vi", k.vi), ("en", k.en)}
        assert k.prop == k.eli or (URIRef(k.prop), RDFS.subPropertyOf, URIRef(k.eli)) in onto, k.code


def _iri(curie: str) -> URIRef:
    prefix, local = curie.split(":", 1)
    return URIRef(PREFIXES[prefix] + local)


def test_roles_are_declared_in_ontology_context_and_shapes() -> None:
    onto = rdflib.Graph().parse(ROOT / "ontology.ttl")
    ctx = json.loads((ROOT / "context.jsonld").read_text(encoding="utf-8"))["@context"]
    shapes = rdflib.Graph().parse(ROOT / "shapes.ttl")
    link_relations = set()
    for node in shapes.objects(None, SH["in"]):
        link_relations |= set(rdflib.collection.Collection(shapes, node))
    for role in ROLES:
        steps = [_iri(step) for step in role.path.split("/")]
        assert all(set(onto.predicate_objects(p)) for p in steps), f"{role.path} is not declared in ontology.ttl"
        if role.asserted:  # stated with provenance: a cc:Link may carry it, and JSON-LD names it
            assert steps[-1] in link_relations, role.code
            assert ctx.get(role.edge) == {"@id": role.path, "@type": "@id"}, role.code


FLOW = r'''
import json, sys, tempfile
from pathlib import Path
from cancu import registry

registry.RELATION_KINDS.append(registry.RelationKind(
    "tests_fictionally", "thử nghiệm hóa", "test-ifies", "https://example.org/fictional#testifies",
    registry.ELI + "changes", "thử nghiệm hóa (test-ifies)", acting=r"thử nghiệm hóa", colour="#123456", dashed=True,
    rank=50))

# imported only now: every table of relation kinds is built from the registry
import pyoxigraph as ox
from fastapi.testclient import TestClient
from api.app import create_app
from graph.oxigraph_store import OxigraphStore
from ingest.pipeline import parse_path
from ingest.resolve import registry_of, resolve
from ingest.to_rdf import document_quads

folder = Path(tempfile.mkdtemp())
(folder / "gia-lap.txt").write_text(sys.argv[1], encoding="utf-8")
doc = parse_path(folder / "gia-lap.txt")
resolve(doc, registry_of([doc]))
quads = document_quads(doc)
(folder / "doc.nq").write_bytes(ox.serialize(quads, format=ox.RdfFormat.N_QUADS))
store = OxigraphStore(None)
store.load(folder / "doc.nq")
with TestClient(create_app(store)) as c:
    relations = c.get(f"/documents/{sys.argv[2]}/relations").json()
    page = c.get(f"/viz/documents/{sys.argv[2]}").text
print(json.dumps({
    "refs": sorted({r.relation for r in doc.legal_bases + doc.cites}),
    "rdf": any(q.predicate.value == "https://example.org/fictional#testifies" for q in quads),
    "groups": [(g["relation"], g["label_vi"], g["label_en"], [o["relation_label"] for o in g["outgoing"]])
               for g in relations["groups"]],
    "page_style": "#123456" in page, "page_label": "thử nghiệm hóa" in page,
}, ensure_ascii=False))
'''

TEXT = """VĂN BẢN GIẢ LẬP — KHÔNG CÓ THẬT

BỘ THỬ NGHIỆM
-------

CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
---------------

Số: 9999/QĐ-TEST

Hà Nội, ngày 02 tháng 03 năm 2099

QUYẾT ĐỊNH

VỀ VIỆC THỬ NGHIỆM MỘT LOẠI QUAN HỆ GIẢ LẬP

BỘ TRƯỞNG BỘ THỬ NGHIỆM

Căn cứ Nghị định số 9998/2099/NĐ-TEST ngày 01 tháng 01 năm 2099 của Chính phủ;

QUYẾT ĐỊNH:

Điều 1. Quyết định này thử nghiệm hóa Quyết định số 9997/QĐ-TEST ngày 01 tháng 02 năm 2099 của Bộ Thử nghiệm.

Điều 2. Văn bản giả lập, mọi nội dung là hư cấu, chỉ dùng để kiểm thử.
"""


def test_a_kind_added_in_the_registry_alone_flows_to_rdf_api_and_pages() -> None:
    env = {**os.environ, "CANCU_BASE": "http://127.0.0.1:8000", "PYTHONPATH": str(ROOT)}
    out = subprocess.run([sys.executable, "-c", FLOW, TEXT, "qd-2099-9999-test"], cwd=ROOT, env=env,
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-3000:]
    got = json.loads(out.stdout.strip().splitlines()[-1])
    assert "tests_fictionally" in got["refs"] and "based_on" in got["refs"]  # the citations grammar knows its verb
    assert got["rdf"]  # its property is asserted
    groups = {g[0]: g[1:] for g in got["groups"]}
    assert groups["tests_fictionally"] == ["thử nghiệm hóa", "test-ifies", ["thử nghiệm hóa (test-ifies)"]], groups
    assert got["page_style"] and got["page_label"]


TYPE_FLOW = r'''
import json, sys, tempfile
from pathlib import Path
from cancu import registry

registry.DOC_TYPES.append(registry.DocType(
    "TEST", "Văn bản thử nghiệm", "Test document", "vbtn", "https://example.org/fictional#TestDocument"))

# imported only now: every table of document types is built from the registry
import pyoxigraph as ox
from fastapi.testclient import TestClient
from api.app import create_app
from cancu.iri import DocId
from cancu.numbers import DocNumber
from graph.oxigraph_store import OxigraphStore
from ingest.pipeline import parse_path
from ingest.resolve import registry_of, resolve
from ingest.to_rdf import document_quads

number = DocNumber.parse("9999/2026/TEST-BTC")
folder = Path(tempfile.mkdtemp())
(folder / "gia-lap.txt").write_text(sys.argv[1], encoding="utf-8")
doc = parse_path(folder / "gia-lap.txt")
resolve(doc, registry_of([doc]))
quads = document_quads(doc)
(folder / "doc.nq").write_bytes(ox.serialize(quads, format=ox.RdfFormat.N_QUADS))
store = OxigraphStore(None)
store.load(folder / "doc.nq")
with TestClient(create_app(store)) as c:
    shown = c.get(f"/documents/{doc.doc_id}").json()
print(json.dumps({
    "number": [number.type_code, number.type_name, number.issuer], "type": doc.type, "id": doc.doc_id,
    "bases": [(r.number, r.type) for r in doc.legal_bases],
    "classes": sorted(q.object.value for q in quads if q.subject.value == DocId.parse(doc.doc_id).iri()
                      and q.predicate.value == "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
    "api_type": shown.get("type"),
}, ensure_ascii=False))
'''

TYPE_TEXT = """VĂN BẢN GIẢ LẬP — KHÔNG CÓ THẬT

BỘ THỬ NGHIỆM
-------

CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
---------------

Số: 9999/2026/TEST-BTC

Hà Nội, ngày 02 tháng 03 năm 2026

VĂN BẢN THỬ NGHIỆM

VỀ VIỆC THỬ NGHIỆM MỘT LOẠI VĂN BẢN GIẢ LẬP

BỘ TRƯỞNG BỘ THỬ NGHIỆM

Căn cứ Văn bản thử nghiệm số 9998/BTC ngày 01 tháng 01 năm 2026 của Bộ Thử nghiệm;

Điều 1. Văn bản giả lập, mọi nội dung là hư cấu, chỉ dùng để kiểm thử.
"""


def test_a_document_type_added_in_the_registry_alone_flows_to_numbers_headers_rdf_and_api() -> None:
    env = {**os.environ, "CANCU_BASE": "http://127.0.0.1:8000", "PYTHONPATH": str(ROOT)}
    out = subprocess.run([sys.executable, "-c", TYPE_FLOW, TYPE_TEXT], cwd=ROOT, env=env,
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-3000:]
    got = json.loads(out.stdout.strip().splitlines()[-1])
    assert got["number"] == ["TEST", "Văn bản thử nghiệm", "BTC"]  # the number grammar knows its code
    assert got["type"] == "Văn bản thử nghiệm"  # its type line is read
    assert got["id"] == "vbtn-2026-9999-btc"  # its slug names it
    # the citation grammar reads its name before a number that carries no type code (else a letter's)
    assert got["bases"] == [["9998/BTC", "Văn bản thử nghiệm"]], got["bases"]
    assert "https://example.org/fictional#TestDocument" in got["classes"]  # its class is asserted
    assert got["api_type"] == "Văn bản thử nghiệm"
