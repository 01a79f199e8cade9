"""Document -> quads in the document's own named graph (shape: docs/rdf-shape.md).

Quads are built as pyoxigraph terms (fast to serialise; the vocabulary still comes from
cancu.vocab), so a re-ingest of the same text yields the same IRIs and the same quads.
"""

from __future__ import annotations

from typing import Any, Iterator

from pyoxigraph import Literal, NamedNode, Quad
from rdflib.namespace import ORG, RDF, SKOS, XSD

from cancu.config import base_iri
from cancu.registry import PROVISION_CLASSES, named_kinds
from cancu.iri import DocId, entity_iri
from cancu.numbers import number_of
from cancu.vocab import CC, ELI, RELATION_PROPERTIES, ROLE_PROPERTIES, TYPE_CLASSES
from ingest.models import AnnexRow, Document, Role


class _Terms:
    """A vocabulary's terms as pyoxigraph NamedNodes, each built on first use and then a plain attribute:
    rdflib's DefinedNamespace look-up and a NamedNode per call cost more than the quad itself."""

    def __init__(self, ns: Any):
        self._ns = ns

    def __getattr__(self, name: str) -> NamedNode:
        node = NamedNode(str(getattr(self._ns, name)))
        setattr(self, name, node)
        return node


cc, eli, rdf, skos, xsd, org = (_Terms(ns) for ns in (CC, ELI, RDF, SKOS, XSD, ORG))
_RELATION = {name: NamedNode(str(p)) for name, p in RELATION_PROPERTIES.items()}
_ROLE = {name: NamedNode(str(p)) for name, p in ROLE_PROPERTIES.items()}
_TYPE_CLASS = {name: NamedNode(str(c)) for name, c in TYPE_CLASSES.items()}
_PROVISION_CLASS = {k: NamedNode(c) for k, c in PROVISION_CLASSES.items()}
_ENTITY_CLASS = {**{k.code: NamedNode(k.cls) for k in named_kinds()}, "collective": cc.Agency}
GAZETTEER_GRAPH = "graph/gazetteer"


def _lit(value: str, datatype: NamedNode | None = None, lang: str | None = None) -> Literal:
    if lang:
        return Literal(value, language=lang)
    return Literal(value, datatype=datatype) if datatype else Literal(value)


class _Graph:
    """Collects quads of one named graph, skipping duplicates, in insertion order."""

    def __init__(self, name: str):
        self.name = NamedNode(name)
        self.quads: dict[Quad, None] = {}
        self.labelled: set[NamedNode] = set()
        self.entities: dict[tuple[str, str], NamedNode] = {}  # (kind, name as written) -> node, described once
        self.links = 0

    def add(self, s: NamedNode, p: NamedNode, o: NamedNode | Literal | str | int) -> None:
        if isinstance(o, str):
            o = Literal(o)
        elif isinstance(o, int):
            o = Literal(str(o), datatype=xsd.integer)
        self.quads[Quad(s, p, o, self.name)] = None

    def link(self, subject: NamedNode, prop: NamedNode, target: NamedNode, provision: NamedNode | None, quote: str,
             start: int, end: int) -> None:
        """The provenance of one edge, numbered in the order links are made: `<graph>/link/<n>`."""
        self.links += 1
        link = NamedNode(f"{self.name.value}/link/{self.links}")
        self.add(subject, cc.qualifiedLink, link)
        self.add(link, rdf.type, cc.Link)
        self.add(link, cc.linkRelation, prop)
        self.add(link, cc.linkTarget, target)
        if provision:
            self.add(link, cc.inProvision, provision)
        self.add(link, cc.quote, quote)
        self.add(link, cc.charStart, start)
        self.add(link, cc.charEnd, end)


def document_quads(doc: Document, base: str | None = None) -> list[Quad]:
    """All quads of one ingested document, in its own graph (graph IRI = document IRI)."""
    base = base or base_iri()
    if not doc.doc_id:
        raise ValueError(f"{doc.source}: no document id (no number, or a law without title and date)")
    d_iri = DocId.parse(doc.doc_id).iri(base)
    d = NamedNode(d_iri)
    g = _Graph(d_iri)
    _describe(g, d, number=doc.number, type_name=doc.type, issuer=doc.issuer, date=doc.date_issued,
              title=doc.title, year=_year(doc), base=base)
    g.add(d, cc.sourceFile, doc.source)
    for name in doc.co_issuers:
        g.add(d, cc.issuerName, name)
        g.add(d, eli.passed_by, _entity(g, "agency", name, base))
    if doc.date_in_force:
        g.add(d, eli.first_date_entry_in_force, _lit(doc.date_in_force, xsd.date))
    for pred, value in ((cc.place, doc.place), (cc.field, doc.field), (cc.proposedBy, doc.proposed_by),
                        (cc.continuedFrom, doc.continued_from), (cc.continuedIn, doc.continued_in)):
        if value:
            g.add(d, pred, value)
    if doc.signature:
        s = NamedNode(f"{d_iri}/signature")
        sig = doc.signature
        g.add(d, cc.signature, s)
        g.add(d, cc.signerName, sig.name)
        g.add(s, rdf.type, cc.Signature)
        person = NamedNode(entity_iri("person", sig.name, base))
        g.add(s, cc.signer, person)
        g.add(person, rdf.type, cc.Person)
        g.add(person, skos.prefLabel, _lit(sig.name, lang="vi"))
        for pred, value in ((cc.signerRole, sig.role), (cc.signingMode, sig.mode), (cc.signedFor, sig.on_behalf_of)):
            if value:
                g.add(s, pred, value)
    elif doc.signer:
        g.add(d, cc.signerName, doc.signer)
    for i, prov in enumerate(doc.provisions):
        p = NamedNode(f"{d_iri}/{prov.id}")
        g.add(p, rdf.type, cc.Provision)
        g.add(p, rdf.type, _PROVISION_CLASS.get(prov.kind, cc.Item))
        g.add(p, eli.is_part_of, NamedNode(f"{d_iri}/{prov.parent}") if prov.parent else d)
        g.add(p, cc.label, prov.label)
        g.add(p, cc.ordinal, i + 1)
        for pred, value in ((cc.heading, prov.heading), (cc.text, prov.text)):
            if value:
                g.add(p, pred, value)
    refs = [(d_iri, r) for r in sorted(doc.legal_bases + doc.cites, key=lambda r: r.start)]
    # "88/2025/NĐ-CP quy định chi tiết 193/2025/QH15": a relation this document states between two others
    refs += [(DocId.parse(r.via).iri(base), r) for r in doc.related if r.via]
    for subject_iri, ref in refs:
        if not ref.doc_id:
            continue
        t_iri = DocId.parse(ref.doc_id).iri(base)
        if t_iri == subject_iri:
            continue
        subject, t = NamedNode(subject_iri), NamedNode(t_iri)
        _describe(g, t, number=ref.number, type_name=ref.type, issuer=ref.issuer, date=ref.date,
                  title=ref.title, year=ref.year, base=base, stub=True)
        prop = _RELATION[ref.relation]
        g.add(subject, prop, t)
        g.link(subject, prop, t, ref.provision and NamedNode(f"{d_iri}/{ref.provision}"), ref.text, ref.start, ref.end)
    for row in doc.annex_rows:
        _annex_row(g, d_iri, row, base)
    for role in doc.roles:
        _role(g, d, d_iri, role, base)
    for m in doc.mentions:
        if m.kind in ("agency", "unit") and m.name:
            g.add(d, cc.mentions, _entity(g, m.kind, m.name, base))
    for ref in doc.self_refs:  # numbered after every other link, so adding them moved no existing link IRI
        here = NamedNode(f"{d_iri}/{ref.provision}") if ref.provision else None
        target = NamedNode(f"{d_iri}/{ref.target}") if ref.target else d
        g.add(here or d, cc.internalReference, target)
        g.link(here or d, cc.internalReference, target, here, ref.text, ref.start, ref.end)
    # "khoản 2 Điều 18 của Luật …" in a provision: that provision cites the cited document's provision (numbered
    # last, so no earlier link IRI moved); the document-level link above stays as it was
    for ref in sorted(doc.legal_bases + doc.cites, key=lambda r: r.start):
        if not (ref.pinpoint and ref.doc_id and ref.provision):
            continue
        here, target = NamedNode(f"{d_iri}/{ref.provision}"), NamedNode(f"{DocId.parse(ref.doc_id).iri(base)}/{ref.pinpoint}")
        g.add(target, rdf.type, eli.LegalResourceSubdivision)  # what the citation knows: a part of that document
        g.add(here, eli.cites, target)
        g.link(here, eli.cites, target, here, ref.text, ref.start, ref.end)
    return list(g.quads)


def _year(doc: Document) -> int | None:
    if doc.date_issued:
        return int(doc.date_issued[:4])
    return int(DocId.parse(doc.doc_id).year) if doc.doc_id and DocId.parse(doc.doc_id).year.isdigit() else None


def _describe(g: _Graph, d: NamedNode, *, number: str | None, type_name: str | None, issuer: str | None,
              date: str | None, title: str | None, year: int | None, base: str, stub: bool = False) -> None:
    g.add(d, rdf.type, cc.LegalDocument)
    if type_name in _TYPE_CLASS:
        cls = cc.PartyResolution if number and number_of(number).party and type_name == "Nghị quyết" else _TYPE_CLASS[type_name]
        g.add(d, rdf.type, cls)
        g.add(d, cc.typeName, type_name)
    if number and not (stub and title):
        g.add(d, cc.number, number)
        g.add(d, eli.id_local, number)
        g.add(d, cc.numberKey, number_of(number).key)
    if title:
        g.add(d, eli.title, _lit(title, lang="vi"))
    if year:
        g.add(d, cc.year, year)
    if date:
        g.add(d, eli.date_document, _lit(date, xsd.date))
    if issuer:
        g.add(d, cc.issuerName, issuer)
        g.add(d, eli.passed_by, _entity(g, "agency", issuer, base))


def _entity(g: _Graph, kind: str, name: str, base: str) -> NamedNode:
    """The node of a named entity, described (type, labels) the first time this graph meets the name."""
    node = g.entities.get((kind, name))
    if node is None:
        node = g.entities[(kind, name)] = _describe_entity(g, kind, name, base)
    return node


def _describe_entity(g: _Graph, kind: str, name: str, base: str) -> NamedNode:
    from ingest.names import resolve_agency

    node = None
    if kind in ("agency", "unit", "collective"):
        known = resolve_agency(name)
        if known:
            kind, name = known.kind, known.name
            node = NamedNode(f"{base}/id/{kind}/{known.id}")
    node = node or NamedNode(entity_iri(kind if kind != "collective" else "agency", name, base))
    g.add(node, rdf.type, _ENTITY_CLASS.get(kind, cc.Agency))
    label = name[:1].upper() + name[1:]  # one prefLabel per entity: "các bộ, ngành" and "Các bộ ngành" are one
    if node not in g.labelled:
        g.labelled.add(node)
        g.add(node, skos.prefLabel, _lit(label, lang="vi"))
    elif Quad(node, skos.prefLabel, _lit(label, lang="vi"), g.name) not in g.quads:
        g.add(node, skos.altLabel, _lit(label, lang="vi"))
    if label != name:
        g.add(node, skos.altLabel, _lit(name, lang="vi"))
    return node


def _annex_row(g: _Graph, d_iri: str, row: AnnexRow, base: str) -> None:
    r = NamedNode(f"{d_iri}/{row.id}")
    g.add(r, rdf.type, cc.AnnexRow)
    g.add(r, rdf.type, cc.Indicator if row.kind == "indicator" else cc.Task)
    g.add(r, eli.is_part_of, NamedNode(f"{d_iri}/{row.annex_id}"))
    g.add(r, cc.label, row.stt)
    for pred, value in ((cc.text, row.task), (cc.product if row.kind != "indicator" else cc.target, row.product),
                        (cc.deadline, row.deadline), (cc.unitOfMeasure, row.unit)):
        if value:
            g.add(r, pred, value)
    lead_prop = cc.monitoringAgency if row.kind == "indicator" else cc.leadAgency
    for prop, names in ((lead_prop, row.lead), (cc.coordinatingAgency, row.coordinating)):
        for name in names:
            a = _entity(g, "agency", name, base)
            g.add(r, prop, a)
            g.link(r, prop, a, r, " | ".join(row.cells.values()) if row.cells else name, row.start, row.end)


def _role(g: _Graph, d: NamedNode, d_iri: str, role: Role, base: str) -> None:
    if role.relation == "short_name":  # "(gọi tắt là …)": another label of the same programme
        g.add(_entity(g, role.subject_kind, role.subject, base), skos.altLabel, _lit(role.object, lang="vi"))
        return
    prop = _ROLE.get(role.relation)
    if prop is None:
        return
    if role.subject_kind == "document":
        subject = d
    elif role.subject_kind == "task":
        subject = NamedNode(f"{d_iri}/{role.subject}")
    else:
        subject = _entity(g, role.subject_kind, role.subject, base)
    obj = _entity(g, role.object_kind, role.object, base)
    g.add(subject, prop, obj)
    if role.subject_kind == "platform":
        g.add(d, cc.mentions, subject)
    prov = NamedNode(f"{d_iri}/{role.provision}") if role.provision else None
    g.link(subject, prop, obj, prov, role.quote, role.start, role.end)


def gazetteer_quads(base: str | None = None) -> Iterator[Quad]:
    """Agencies, their units and succession, in their own graph (replaced whole on each ingest)."""
    from ingest.names import load_gazetteer

    base = base or base_iri()
    g = _Graph(f"{base}/{GAZETTEER_GRAPH}")
    by_id = {e.id: e for e in load_gazetteer()}
    for e in by_id.values():
        node = NamedNode(f"{base}/id/{e.kind}/{e.id}")
        g.add(node, rdf.type, _ENTITY_CLASS[e.kind])
        g.add(node, skos.prefLabel, _lit(e.name, lang="vi"))
        for alias in e.aliases:
            if alias != e.name:
                g.add(node, skos.altLabel, _lit(alias, lang="vi"))
        if e.abbreviation:
            g.add(node, cc.abbreviation, e.abbreviation)
        if e.parent and e.parent in by_id:
            g.add(node, org.subOrganizationOf, NamedNode(f"{base}/id/{by_id[e.parent].kind}/{e.parent}"))
        if e.successor and e.successor in by_id:
            g.add(node, cc.successor, NamedNode(f"{base}/id/{by_id[e.successor].kind}/{e.successor}"))
            if e.succession_date:
                g.add(node, cc.successionDate, _lit(e.succession_date, xsd.date))
    yield from g.quads
