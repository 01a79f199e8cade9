"""cancu.registry is the one table of relation kinds, roles, document types and entity kinds: ontology.ttl,
shapes.ttl, context.jsonld and the API's routes agree with it, and a kind added there alone reaches the citations
grammar (or the entity pages), the RDF, the API and the graph pages."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import rdflib
from rdflib import Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SH, SKOS

from cancu.registry import CC, ELI, ENTITY_KINDS, PROVISION_CLASSES, RELATION_KINDS, ROLES
from fictional_texts import ARTICLE, fictional_text

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

TEXT = fictional_text(
    "9999/QĐ-TEST", "ngày 02 tháng 03 năm 2099", "VỀ VIỆC THỬ NGHIỆM MỘT LOẠI QUAN HỆ GIẢ LẬP",
    ["Nghị định số 9998/2099/NĐ-TEST ngày 01 tháng 01 năm 2099 của Chính phủ"],
    "QUYẾT ĐỊNH:\n\nĐiều 1. Quyết định này thử nghiệm hóa Quyết định số 9997/QĐ-TEST ngày 01 tháng 02 năm 2099 của "
    "Bộ Thử nghiệm.\n\n" + ARTICLE.replace("Điều 1.", "Điều 2."))


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

TYPE_TEXT = fictional_text("9999/2026/TEST-BTC", "ngày 02 tháng 03 năm 2026", "VỀ VIỆC THỬ NGHIỆM MỘT LOẠI VĂN BẢN GIẢ LẬP",
                           ["Văn bản thử nghiệm số 9998/BTC ngày 01 tháng 01 năm 2026 của Bộ Thử nghiệm"], ARTICLE,
                           kind="VĂN BẢN THỬ NGHIỆM")


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


def test_entity_kinds_are_declared_in_ontology_context_and_shapes() -> None:
    onto = rdflib.Graph().parse(ROOT / "ontology.ttl")
    ctx = json.loads((ROOT / "context.jsonld").read_text(encoding="utf-8"))["@context"]
    shapes = rdflib.Graph().parse(ROOT / "shapes.ttl")
    for k in ENTITY_KINDS:
        cls = URIRef(k.cls)
        assert (cls, RDF.type, OWL.Class) in onto, k.code
        assert {lit.language for lit in onto.objects(cls, RDFS.label)} >= {"vi", "en"}, k.code
        local = k.cls[len(CC):]
        assert ctx.get(local) == f"cc:{local}", k.code
        if k.row:  # an annex row: a subclass of cc:AnnexRow, or the class itself
            assert cls == URIRef(CC + "AnnexRow") or (cls, RDFS.subClassOf, URIRef(CC + "AnnexRow")) in onto, k.code
    entity_shape = URIRef("https://w3id.org/cancu/shapes#EntityShape")
    assert set(shapes.objects(entity_shape, SH.targetClass)) == {URIRef(k.cls) for k in ENTITY_KINDS if not k.row}


def test_provision_classes_are_subdivisions_in_the_ontology() -> None:
    onto = rdflib.Graph().parse(ROOT / "ontology.ttl")
    for kind, cls in PROVISION_CLASSES.items():
        assert (URIRef(cls), RDF.type, OWL.Class) in onto, kind
        assert (URIRef(cls), RDFS.subClassOf, URIRef(CC + "Provision")) in onto, kind


def test_every_entity_kind_with_a_route_has_its_api_resource_and_graph_page() -> None:
    from api.app import create_app

    paths = set(create_app().openapi()["paths"])
    for k in ENTITY_KINDS:
        if k.path:
            assert any(p.startswith(f"/{k.path}/{{") for p in paths), f"no /{k.path}/{{id}} resource for {k.code}"
        if k.viz:
            assert any(p.startswith(f"/viz/{k.path}/{{") for p in paths), f"no /viz/{k.path}/{{id}} page for {k.code}"


ENTITY_FLOW = r'''
import json, re, sys, tempfile
from pathlib import Path
from urllib.parse import quote
from cancu import registry

registry.ENTITY_KINDS.append(registry.EntityKind(
    "testbody", "Tổ chức thử nghiệm", "test body", "https://example.org/fictional#TestBody", "Test body (fictional)",
    ("star", "#123456", "#654321", "#ffffff"), "test-bodies", home=9))

# imported only now: every table of entity kinds is built from the registry
import pyoxigraph as ox
from fastapi.testclient import TestClient
from api.app import create_app
from graph.oxigraph_store import OxigraphStore
from ingest.models import Role
from ingest.pipeline import parse_path
from ingest.resolve import registry_of, resolve
from ingest.to_rdf import document_quads

folder = Path(tempfile.mkdtemp())
(folder / "gia-lap.txt").write_text(sys.argv[1], encoding="utf-8")
doc = parse_path(folder / "gia-lap.txt")
resolve(doc, registry_of([doc]))
# what a rule for the new kind would find: a body connecting to the platform, quoted from Điều 1
quote_ = next(line for line in sys.argv[1].splitlines() if line.startswith("Điều 1."))
start = sys.argv[1].index(quote_)
doc.roles.append(Role("platform", "Nền tảng thử nghiệm A", "connecting", "testbody", "Tổ chức thử nghiệm X",
                      provision="dieu_1", quote=quote_, start=start, end=start + len(quote_)))
quads = document_quads(doc)
(folder / "doc.nq").write_bytes(ox.serialize(quads, format=ox.RdfFormat.N_QUADS))
store = OxigraphStore(None)
store.load(folder / "doc.nq")
body = next(q.subject.value for q in quads if q.object.value == "https://example.org/fictional#TestBody")
with TestClient(create_app(store)) as c:
    hits = c.get("/search", params={"q": "to chuc thu nghiem", "kind": "testbody"}).json()["items"]
    entity_page = c.get("/browse/test-bodies/to-chuc-thu-nghiem-x").text
    home = c.get("/").text
    platform_page = c.get("/browse/platforms/nen-tang-thu-nghiem-a").text
    viz = c.get("/viz", params={"iri": body}).text
print(json.dumps({
    "iri": body, "kind": store.entity(body).kind, "listed": [e.iri for e in store.entities("testbody")],
    "hits": [(h["kind"], h["iri"]) for h in hits],
    "entity_page": "Tổ chức thử nghiệm (test body)" in entity_page and "Nền tảng thử nghiệm A" in entity_page,
    "home": "Tổ chức thử nghiệm (test-bodies)" in home and "/browse/test-bodies/to-chuc-thu-nghiem-x" in home,
    "platform_links_it": "/browse/test-bodies/to-chuc-thu-nghiem-x" in platform_page,
    "viz_kind": re.search(r'"kind": "testbody"', viz) is not None, "viz_style": "#123456" in viz,
    "viz_legend": "Test body (fictional)" in viz,
}, ensure_ascii=False))
'''

ENTITY_TEXT = TEXT.replace("Điều 1. Quyết định này thử nghiệm hóa Quyết định số 9997/QĐ-TEST ngày 01 tháng 02 năm 2099 "
                           "của Bộ Thử nghiệm.",
                           "Điều 1. Tổ chức thử nghiệm X kết nối Nền tảng thử nghiệm A.")


def test_an_entity_kind_added_in_the_registry_alone_flows_to_rdf_store_api_and_pages() -> None:
    assert ENTITY_TEXT != TEXT
    env = {**os.environ, "CANCU_BASE": "http://127.0.0.1:8000", "PYTHONPATH": str(ROOT)}
    out = subprocess.run([sys.executable, "-c", ENTITY_FLOW, ENTITY_TEXT], cwd=ROOT, env=env,
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-3000:]
    got = json.loads(out.stdout.strip().splitlines()[-1])
    iri = "http://127.0.0.1:8000/id/testbody/to-chuc-thu-nghiem-x"
    assert got["iri"] == iri  # its class is asserted on an IRI named by its code
    assert got["kind"] == "testbody" and got["listed"] == [iri]  # the store reads its class as the kind
    assert got["hits"] == [["testbody", iri]]  # /search knows the kind and indexes it
    assert got["entity_page"] and got["home"] and got["platform_links_it"]  # its page, its home list, links to it
    assert got["viz_kind"] and got["viz_style"] and got["viz_legend"]  # the graph page draws it in its style
