"""ontology.ttl, shapes.ttl and context.jsonld: they load, agree with cancu.vocab, map to ELI, and validate.

Fixtures are plainly fictional ("Quyết định 9001/QĐ-TEST", "Nền tảng thử nghiệm A").
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pyoxigraph
import pytest
import rdflib
import rdflib.compare
from rdflib import OWL, RDF, RDFS, Literal, URIRef
from rdflib.namespace import SKOS

from cancu.config import PROJECT_ROOT
from cancu.registry import DOC_TYPES
from cancu.vocab import CC, CC_IRI, ELI, RELATION_PROPERTIES, TYPE_CLASSES
from graph.validate import validate

ONTOLOGY = PROJECT_ROOT / "ontology.ttl"
SHAPES = PROJECT_ROOT / "shapes.ttl"
CONTEXT = PROJECT_ROOT / "context.jsonld"
ELI_NS = str(ELI)
ORG = rdflib.Namespace("http://www.w3.org/ns/org#")
PROV = rdflib.Namespace("http://www.w3.org/ns/prov#")
KINDS = {OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty, SKOS.ConceptScheme}


@pytest.fixture(scope="module")
def onto() -> rdflib.Graph:
    return rdflib.Graph().parse(ONTOLOGY)


def cc_terms() -> list[str]:
    return sorted(CC.__annotations__)


# --- (a) loading -------------------------------------------------------------------------------


@pytest.mark.parametrize("path", [ONTOLOGY, SHAPES], ids=lambda p: p.name)
def test_loads_in_rdflib_and_oxigraph(path: Path) -> None:
    g = rdflib.Graph().parse(path)
    store = pyoxigraph.Store()
    store.load(path=str(path), format=pyoxigraph.RdfFormat.TURTLE)
    assert len(g) == len(store) > 100


def test_ontology_is_versioned(onto: rdflib.Graph) -> None:
    o = URIRef("https://w3id.org/cancu/ontology")
    assert (o, RDF.type, OWL.Ontology) in onto
    assert onto.value(o, OWL.versionInfo) is not None
    assert str(onto.value(o, OWL.versionIRI)).startswith(str(o) + "/")


# --- (b) code and ontology agree ---------------------------------------------------------------


@pytest.mark.parametrize("name", cc_terms())
def test_every_cc_term_is_defined_with_labels(onto: rdflib.Graph, name: str) -> None:
    term = URIRef(CC_IRI + name)
    kinds = set(onto.objects(term, RDF.type)) & KINDS
    assert kinds, f"cc:{name} is in cancu.vocab.CC but not defined in ontology.ttl"
    expected = {OWL.Class, SKOS.ConceptScheme} if name[0].isupper() else {
        OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty}
    assert kinds <= expected, f"cc:{name} has the wrong kind {kinds}"
    langs = {lit.language for lit in onto.objects(term, RDFS.label)}
    assert {"vi", "en"} <= langs, f"cc:{name} needs rdfs:label @vi and @en"
    assert any(d.language == "en" for d in onto.objects(term, SKOS.definition)), f"cc:{name} needs skos:definition @en"


def test_ontology_defines_nothing_outside_cc(onto: rdflib.Graph) -> None:
    defined = {str(s)[len(CC_IRI):] for k in KINDS for s in onto.subjects(RDF.type, k) if str(s).startswith(CC_IRI)}
    assert defined - set(cc_terms()) == set(), "terms in ontology.ttl missing from cancu.vocab.CC"


def test_type_classes_are_legal_documents(onto: rdflib.Graph) -> None:
    for name, cls in TYPE_CLASSES.items():
        supers = set(onto.transitive_objects(cls, RDFS.subClassOf))
        assert CC.LegalDocument in supers and ELI.LegalResource in supers, name


def test_alignments(onto: rdflib.Graph) -> None:
    def supers(c):
        return set(onto.transitive_objects(c, RDFS.subClassOf))

    assert ELI.LegalResourceSubdivision in supers(CC.Provision)
    assert ELI.LegalResourceSubdivision in supers(CC.AnnexRow)
    for c in (CC.Agency, CC.Unit, CC.Enterprise):
        assert ORG.Organization in supers(c), c
    assert ORG.OrganizationalUnit in supers(CC.Unit)
    assert PROV.Influence in supers(CC.Link)
    assert PROV.Person in supers(CC.Person)


def test_document_type_scheme_matches_the_registry(onto: rdflib.Graph) -> None:
    """Every row of cancu.registry.DOC_TYPES is a concept dt:<slug> with its code, names and class; every alias a
    narrower concept of it, labelled with the alias, matching the same class."""
    dt = "https://w3id.org/cancu/ontology/doctype/"
    concepts = set(onto.subjects(SKOS.inScheme, CC.DocumentTypes))
    for t in DOC_TYPES:
        c = URIRef(dt + t.slug)
        assert c in concepts, f"no concept dt:{t.slug} for {t.code}"
        assert str(onto.value(c, SKOS.notation)) == t.code, t.code
        assert {(lit.language, str(lit)) for lit in onto.objects(c, SKOS.prefLabel)} == {("vi", t.vi), ("en", t.en)}
        assert (c, SKOS.exactMatch, URIRef(t.cls)) in onto or (c, SKOS.broadMatch, URIRef(t.cls)) in onto, t.code
        for alias in t.aliases:
            narrower = [n for n in onto.subjects(SKOS.broader, c) if Literal(alias, lang="vi") in set(onto.objects(n, SKOS.prefLabel))]
            assert narrower and (narrower[0], SKOS.broadMatch, URIRef(t.cls)) in onto, alias
    notations = {str(onto.value(c, SKOS.notation)) for c in concepts if onto.value(c, SKOS.notation)}
    assert notations == {t.code for t in DOC_TYPES}


# --- (c) every relation kind maps to ELI -------------------------------------------------------


@pytest.mark.parametrize("relation", sorted(RELATION_PROPERTIES))
def test_relation_kind_maps_to_eli(onto: rdflib.Graph, relation: str) -> None:
    prop = RELATION_PROPERTIES[relation]
    reach = set(onto.transitive_objects(prop, RDFS.subPropertyOf)) | set(onto.objects(prop, OWL.equivalentProperty))
    assert any(str(p).startswith(ELI_NS) for p in reach), f"{relation} ({prop}) reaches no ELI property"
    concept = next((c for c in onto.subjects(SKOS.notation, Literal(relation))
                    if (c, SKOS.inScheme, CC.RelationKinds) in onto), None)
    assert concept is not None, f"no cc:RelationKinds concept with notation {relation!r}"
    assert (concept, SKOS.exactMatch, prop) in onto
    assert {lit.language for lit in onto.objects(concept, SKOS.prefLabel)} >= {"vi", "en"}


# --- (d) a valid and a broken graph ------------------------------------------------------------

B = "http://127.0.0.1:8000"
D = f"{B}/eli/vn/qd/2024/9001/test"
PREFIXES = f"""
@prefix cc: <{CC_IRI}> . @prefix eli: <{ELI_NS}> . @prefix org: <http://www.w3.org/ns/org#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> . @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
"""
VALID = PREFIXES + f"""
<{D}> {{
  <{D}> a cc:LegalDocument, cc:Decision ;
    cc:number "9001/QĐ-TEST" ; eli:id_local "9001/QĐ-TEST" ; cc:numberKey "9001/qd-test" ; cc:year 2024 ;
    cc:typeName "Quyết định" ; cc:issuerName "Bộ Thử nghiệm" ; eli:passed_by id:agency/bo-thu-nghiem ;
    eli:title "Quyết định phê duyệt Chương trình thử nghiệm A"@vi ;
    eli:date_document "2024-01-02"^^xsd:date ; eli:first_date_entry_in_force "2024-01-02"^^xsd:date ;
    cc:place "Hà Nội" ; cc:sourceFile "tests/fixtures/9001-QD-TEST.txt" ; cc:signerName "Nguyễn Văn Thử" ;
    cc:signature d:signature ;
    eli:based_on <{B}/eli/vn/nd/2023/8001/test> ; cc:approves id:programme/chuong-trinh-thu-nghiem-a ;
    cc:mentions id:agency/bo-thu-nghiem ;
    cc:qualifiedLink d:link/1, d:link/2 .
  d:signature a cc:Signature ; cc:signer id:person/nguyen-van-thu ; cc:signerRole "THỨ TRƯỞNG" ;
    cc:signingMode "KT." ; cc:signedFor "BỘ TRƯỞNG" .
  id:person/nguyen-van-thu a cc:Person ; skos:prefLabel "Nguyễn Văn Thử"@vi .
  <{B}/eli/vn/nd/2023/8001/test> a cc:LegalDocument, cc:Decree ; cc:number "8001/2023/NĐ-TEST" ;
    cc:numberKey "8001/nd-test" ; cc:year 2023 ; cc:typeName "Nghị định" .
  d:link/1 a cc:Link ; cc:linkRelation eli:based_on ; cc:linkTarget <{B}/eli/vn/nd/2023/8001/test> ;
    cc:quote "Căn cứ Nghị định số 8001/2023/NĐ-TEST (văn bản thử nghiệm);" ; cc:charStart 120 ; cc:charEnd 178 .
  d:link/2 a cc:Link ; cc:linkRelation cc:approves ; cc:linkTarget id:programme/chuong-trinh-thu-nghiem-a ;
    cc:inProvision d:dieu_1 ; cc:quote "Phê duyệt Chương trình thử nghiệm A" ; cc:charStart 300 ; cc:charEnd 335 .
  d:dieu_1 a cc:Provision, cc:Article ; eli:is_part_of <{D}> ; cc:label "Điều 1" ; cc:heading "Phê duyệt" ;
    cc:text "Phê duyệt Chương trình thử nghiệm A." ; cc:ordinal 1 .
  d:dieu_1/khoan_1 a cc:Provision, cc:Clause ; eli:is_part_of d:dieu_1 ; cc:label "1." ; cc:ordinal 2 .
  d:phu_luc_1 a cc:Provision, cc:Annex ; eli:is_part_of <{D}> ; cc:label "Phụ lục I" ; cc:heading "NHIỆM VỤ" .
  d:phu_luc_1/hang_1 a cc:AnnexRow, cc:Task ; eli:is_part_of d:phu_luc_1 ; cc:label "1" ;
    cc:text "Xây dựng Nền tảng thử nghiệm A" ; cc:leadAgency id:agency/bo-thu-nghiem ;
    cc:coordinatingAgency id:unit/cuc-thu-nghiem ; cc:product "Nền tảng thử nghiệm A" ; cc:deadline "12/2024" ;
    cc:qualifiedLink d:link/3, d:link/4 .
  d:link/3 a cc:Link ; cc:linkRelation cc:leadAgency ; cc:linkTarget id:agency/bo-thu-nghiem ;
    cc:inProvision d:phu_luc_1/hang_1 ; cc:quote "Bộ Thử nghiệm" ; cc:charStart 900 ; cc:charEnd 913 .
  d:link/4 a cc:Link ; cc:linkRelation cc:coordinatingAgency ; cc:linkTarget id:unit/cuc-thu-nghiem ;
    cc:inProvision d:phu_luc_1/hang_1 ; cc:quote "Cục Thử nghiệm" ; cc:charStart 914 ; cc:charEnd 928 .
  d:phu_luc_1/hang_2 a cc:AnnexRow, cc:Indicator ; eli:is_part_of d:phu_luc_1 ; cc:label "2" ;
    cc:text "Tỷ lệ thử nghiệm" ; cc:monitoringAgency id:agency/bo-thu-nghiem ; cc:unitOfMeasure "%" ;
    cc:target "100" ; cc:qualifiedLink d:link/5 .
  d:link/5 a cc:Link ; cc:linkRelation cc:monitoringAgency ; cc:linkTarget id:agency/bo-thu-nghiem ;
    cc:inProvision d:phu_luc_1/hang_2 ; cc:quote "Bộ Thử nghiệm" ; cc:charStart 950 ; cc:charEnd 963 .
  id:programme/chuong-trinh-thu-nghiem-a a cc:Programme ; skos:prefLabel "Chương trình thử nghiệm A"@vi ;
    cc:namesPlatform id:platform/nen-tang-thu-nghiem-a .
  id:platform/nen-tang-thu-nghiem-a a cc:Platform ; skos:prefLabel "Nền tảng thử nghiệm A"@vi ;
    cc:governingAgency id:agency/bo-thu-nghiem ; cc:focalUnit id:unit/cuc-thu-nghiem ;
    cc:coreEnterprise id:enterprise/cong-ty-thu-nghiem-b ; cc:qualifiedLink d:link/6, d:link/7, d:link/8 .
  d:link/6 a cc:Link ; cc:linkRelation cc:governingAgency ; cc:linkTarget id:agency/bo-thu-nghiem ;
    cc:inProvision d:dieu_1 ; cc:quote "cơ quan chủ quản: Bộ Thử nghiệm" ; cc:charStart 400 ; cc:charEnd 431 .
  d:link/7 a cc:Link ; cc:linkRelation cc:focalUnit ; cc:linkTarget id:unit/cuc-thu-nghiem ;
    cc:inProvision d:dieu_1 ; cc:quote "đơn vị đầu mối: Cục Thử nghiệm" ; cc:charStart 432 ; cc:charEnd 462 .
  d:link/8 a cc:Link ; cc:linkRelation cc:coreEnterprise ; cc:linkTarget id:enterprise/cong-ty-thu-nghiem-b ;
    cc:inProvision d:dieu_1 ; cc:quote "doanh nghiệp nòng cốt: Công ty Thử nghiệm B" ; cc:charStart 463 ; cc:charEnd 506 .
  id:enterprise/cong-ty-thu-nghiem-b a cc:Enterprise ; skos:prefLabel "Công ty Thử nghiệm B"@vi .
}}
<{B}/graph/gazetteer> {{
  id:agency/bo-thu-nghiem a cc:Agency ; skos:prefLabel "Bộ Thử nghiệm"@vi ; skos:altLabel "Bộ TN"@vi ;
    cc:abbreviation "BTN" ; cc:successor id:agency/bo-thu-nghiem-moi ; cc:successionDate "2024-06-01"^^xsd:date .
  id:agency/bo-thu-nghiem-moi a cc:Agency ; skos:prefLabel "Bộ Thử nghiệm Mới"@vi .
  id:unit/cuc-thu-nghiem a cc:Unit ; skos:prefLabel "Cục Thử nghiệm"@vi ; org:subOrganizationOf id:agency/bo-thu-nghiem .
}}
"""
BROKEN = PREFIXES + f"""
<{D}> {{
  <{D}> a cc:LegalDocument, cc:Decision ; cc:typeName "Quyết định" ; cc:sourceFile "tests/fixtures/broken.txt" ;
    eli:date_document "ngày 2 tháng 1 năm 2024"^^xsd:date ;
    eli:based_on <{B}/eli/vn/nd/2023/8001/test> ; cc:qualifiedLink d:link/1 .
  <{B}/eli/vn/nd/2023/8001/test> a cc:LegalDocument, cc:Decree ; cc:number "8001/2023/NĐ-TEST" ;
    cc:numberKey "8001/nd-test" .
  d:link/1 a cc:Link ; cc:linkRelation eli:based_on ; cc:quote "Căn cứ Nghị định số 8001/2023/NĐ-TEST;" ;
    cc:charStart 50 ; cc:charEnd 10 .
}}
"""


def dataset(trig: str) -> rdflib.Dataset:
    """Parse the fixture; d:… and id:… are shorthands for IRIs under the document and {base}/id/."""
    trig = re.sub(r"(?<![\w<])d:([\w/-]+)", rf"<{D}/\1>", trig)
    trig = re.sub(r"(?<![\w<])id:([\w/-]+)", rf"<{B}/id/\1>", trig)
    ds = rdflib.Dataset()
    ds.parse(data=trig, format="trig")
    return ds


def test_valid_graph_has_no_violations() -> None:
    ok, report = validate(dataset(VALID))
    assert ok, report
    assert "0 violation(s), 0 warning(s)" in report, report


def test_valid_graph_also_validates_as_one_plain_graph() -> None:
    plain = rdflib.Graph()
    for s, p, o, _g in dataset(VALID).quads((None, None, None, None)):
        plain.add((s, p, o))
    ok, report = validate(plain)
    assert ok, report


def test_broken_graph_fails_with_a_readable_report() -> None:
    ok, report = validate(dataset(BROKEN))
    assert not ok
    assert "exactly one cc:linkTarget" in report  # link without target
    assert "eli:date_document" in report and "xsd:date" in report  # date that is not a date
    assert "has neither" in report  # no number, no title
    assert "≤ cc:charEnd" in report  # charStart > charEnd
    assert "has no provenance" in report or "not asserted" in report or "no cc:Link" in report
    assert f"focus:  <{D}/link/1>" in report and f"focus:  <{D}>" in report


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("cc:linkRelation cc:approves", "cc:linkRelation cc:unknownRelation", "must be one of the relation"),
        ('cc:signingMode "KT."', 'cc:signingMode "KÝ THAY"', "cc:signingMode must be"),
        ("cc:successionDate \"2024-06-01\"^^xsd:date .", "cc:successor id:agency/bo-thu-nghiem .", "Succession cycle"),
        ("cc:coreEnterprise id:enterprise/cong-ty-thu-nghiem-b ;",
         "cc:coreEnterprise id:agency/bo-thu-nghiem ;", "cc:Enterprise"),
        ("d:dieu_1/khoan_1 a cc:Provision, cc:Clause ; eli:is_part_of d:dieu_1",
         "d:khoan_1 a cc:Provision, cc:Clause ; eli:is_part_of d:dieu_1", "does not extend the IRI"),
        ("cc:year 2024 ;", "cc:year 2023 ;", "does not match the year"),
        ("cc:charStart 120 ;", "cc:charStart \"120\" ;", "cc:charStart"),
        ("eli:based_on <" + B + "/eli/vn/nd/2023/8001/test> ; cc:approves",
         "eli:based_on <" + B + "/eli/vn/nd/2023/8001/test>, <" + B + "/eli/vn/nd/2023/8002/test> ; cc:approves",
         "has no cc:Link on its subject"),
    ],
    ids=["bad-relation", "bad-signing-mode", "succession-cycle", "enterprise-role", "unstable-provision-iri",
         "year-vs-date", "offset-not-integer", "edge-without-link"],
)
def test_each_shape_catches_its_problem(old: str, new: str, expected: str) -> None:
    assert old in VALID
    ok, report = validate(dataset(VALID.replace(old, new, 1)))
    assert not ok and expected in report, report


def test_missing_succession_date_is_only_a_warning() -> None:
    trig = VALID.replace(' ; cc:successionDate "2024-06-01"^^xsd:date .', " .")
    ok, report = validate(dataset(trig))
    assert ok and "1 warning(s)" in report and "cc:successionDate" in report, report
    assert validate(dataset(trig), allow_warnings=False)[0] is False


# --- JSON-LD context ---------------------------------------------------------------------------


def test_context_terms_are_known(onto: rdflib.Graph) -> None:
    ctx = json.loads(CONTEXT.read_text(encoding="utf-8"))["@context"]
    prefixes = {k: v for k, v in ctx.items() if isinstance(v, str) and v.endswith(("#", "/"))}
    declared = set(onto.subjects())
    for key, value in ctx.items():
        if key.startswith("@") or key in prefixes or value in ("@id", "@type", "@graph"):
            continue
        curie = value if isinstance(value, str) else value["@id"]
        prefix, local = curie.split(":", 1)
        iri = URIRef(prefixes[prefix] + local)
        assert iri in declared, f"context term {key!r} -> {iri} is not declared in ontology.ttl"
    for name in ("number", "title", "date", "based_on", "cites", "issuer"):
        assert name in ctx


def test_json_ld_round_trip_with_context() -> None:
    ctx = json.loads(CONTEXT.read_text(encoding="utf-8"))
    doc_graph = dataset(VALID).graph(URIRef(D))
    g = rdflib.Graph()
    for t in doc_graph:
        g.add(t)
    text = g.serialize(format="json-ld", context=ctx["@context"])
    assert '"based_on"' in text and '"date"' in text
    back = rdflib.Graph().parse(data=text, format="json-ld")
    assert rdflib.compare.isomorphic(g, back)


# --- the real corpus ---------------------------------------------------------------------------


def test_corpus_validates_with_zero_violations(tmp_path: Path) -> None:
    out = tmp_path / "rdf"
    run = subprocess.run([sys.executable, "-m", "cancu.cli", "ingest", str(PROJECT_ROOT / "corpus"), "-o", str(out)],
                         cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr[-3000:]
    ds = rdflib.Dataset()
    files = sorted(out.glob("*.nq"))
    assert len(files) > 20
    for f in files:
        ds.parse(f, format="nquads")
    ok, report = validate(ds)
    assert ok, report
