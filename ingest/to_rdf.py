"""Document -> quads in the document's own named graph (shape: docs/rdf-shape.md).

Quads are built as pyoxigraph terms (fast to serialise; the vocabulary still comes from
cancu.vocab), so a re-ingest of the same text yields the same IRIs and the same quads.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Iterator

from pyoxigraph import Literal, NamedNode, Quad
from rdflib.namespace import ORG, RDF, SKOS, XSD

from cancu.config import base_iri
from cancu.iri import DocId, entity_iri
from cancu.numbers import DocNumber
from cancu.vocab import CC, ELI, RELATION_PROPERTIES, ROLE_PROPERTIES, TYPE_CLASSES
from ingest.models import AnnexRow, Document, Role

_PROVISION_CLASS = {
    "part": CC.Part, "chapter": CC.Chapter, "section": CC.Section, "article": CC.Article,
    "clause": CC.Clause, "point": CC.Point, "item": CC.Item, "annex": CC.Annex,
}
_ENTITY_CLASS = {
    "agency": CC.Agency, "unit": CC.Unit, "enterprise": CC.Enterprise, "person": CC.Person,
    "platform": CC.Platform, "programme": CC.Programme, "collective": CC.Agency,
}
GAZETTEER_GRAPH = "graph/gazetteer"


@lru_cache(maxsize=4096)
def _n(term: str) -> NamedNode:
    return NamedNode(str(term))


def _lit(value: str | int, datatype: str | None = None, lang: str | None = None) -> Literal:
    if isinstance(value, int):
        return Literal(str(value), datatype=_n(XSD.integer))
    if lang:
        return Literal(value, language=lang)
    return Literal(value, datatype=_n(datatype)) if datatype else Literal(value)


class _Graph:
    """Collects quads of one named graph, skipping duplicates, in insertion order."""

    def __init__(self, name: str):
        self.name = NamedNode(name)
        self.quads: dict[Quad, None] = {}
        self.labelled: set[NamedNode] = set()

    def add(self, s: NamedNode, p: str, o: NamedNode | Literal | str) -> None:
        obj = o if isinstance(o, (NamedNode, Literal)) else _lit(o)
        self.quads[Quad(s, _n(p), obj, self.name)] = None


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
    g.add(d, CC.sourceFile, doc.source)
    if doc.date_in_force:
        g.add(d, ELI.first_date_entry_in_force, _lit(doc.date_in_force, XSD.date))
    for pred, value in ((CC.place, doc.place), (CC.field, doc.field), (CC.proposedBy, doc.proposed_by)):
        if value:
            g.add(d, pred, value)
    if doc.signature:
        s = NamedNode(f"{d_iri}/signature")
        sig = doc.signature
        g.add(d, CC.signature, s)
        g.add(d, CC.signerName, sig.name)
        g.add(s, RDF.type, _n(CC.Signature))
        person = NamedNode(entity_iri("person", sig.name, base))
        g.add(s, CC.signer, person)
        g.add(person, RDF.type, _n(CC.Person))
        g.add(person, SKOS.prefLabel, _lit(sig.name, lang="vi"))
        for pred, value in ((CC.signerRole, sig.role), (CC.signingMode, sig.mode), (CC.signedFor, sig.on_behalf_of)):
            if value:
                g.add(s, pred, value)
    elif doc.signer:
        g.add(d, CC.signerName, doc.signer)
    for i, prov in enumerate(doc.provisions):
        p = NamedNode(f"{d_iri}/{prov.id}")
        g.add(p, RDF.type, _n(CC.Provision))
        g.add(p, RDF.type, _n(_PROVISION_CLASS.get(prov.kind, CC.Item)))
        g.add(p, ELI.is_part_of, NamedNode(f"{d_iri}/{prov.parent}") if prov.parent else d)
        g.add(p, CC.label, prov.label)
        g.add(p, CC.ordinal, i + 1)
        if prov.heading:
            g.add(p, CC.heading, prov.heading)
        if prov.text:
            g.add(p, CC.text, prov.text)
    links = 0
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
        prop = RELATION_PROPERTIES[ref.relation]
        g.add(subject, prop, t)
        links += 1
        _link(g, subject, f"{d_iri}/link/{links}", prop, t, ref.provision and NamedNode(f"{d_iri}/{ref.provision}"),
              ref.text, ref.start, ref.end)
    for row in doc.annex_rows:
        links = _annex_row(g, d, d_iri, row, links, base)
    for role in doc.roles:
        links = _role(g, d, d_iri, role, links, base)
    for m in doc.mentions:
        if m.kind in ("agency", "unit") and m.name:
            g.add(d, CC.mentions, _entity(g, m.kind, m.name, base))
    return list(g.quads)


def _year(doc: Document) -> int | None:
    if doc.date_issued:
        return int(doc.date_issued[:4])
    return int(DocId.parse(doc.doc_id).year) if doc.doc_id and DocId.parse(doc.doc_id).year.isdigit() else None


def _describe(g: _Graph, d: NamedNode, *, number: str | None, type_name: str | None, issuer: str | None,
              date: str | None, title: str | None, year: int | None, base: str, stub: bool = False) -> None:
    g.add(d, RDF.type, _n(CC.LegalDocument))
    if type_name in TYPE_CLASSES:
        cls = CC.PartyResolution if number and DocNumber.parse(number).party and type_name == "Nghị quyết" else TYPE_CLASSES[type_name]
        g.add(d, RDF.type, _n(cls))
        g.add(d, CC.typeName, type_name)
    if number and not (stub and title):
        g.add(d, CC.number, number)
        g.add(d, ELI.id_local, number)
        g.add(d, CC.numberKey, DocNumber.parse(number).key)
    if title:
        g.add(d, ELI.title, _lit(title, lang="vi"))
    if year:
        g.add(d, CC.year, year)
    if date:
        g.add(d, ELI.date_document, _lit(date, XSD.date))
    if issuer:
        g.add(d, CC.issuerName, issuer)
        g.add(d, ELI.passed_by, _entity(g, "agency", issuer, base))


def _link(g: _Graph, subject: NamedNode, iri: str, prop: str, target: NamedNode, provision: NamedNode | None,
          quote: str, start: int, end: int) -> None:
    link = NamedNode(iri)
    g.add(subject, CC.qualifiedLink, link)
    g.add(link, RDF.type, _n(CC.Link))
    g.add(link, CC.linkRelation, _n(prop))
    g.add(link, CC.linkTarget, target)
    if provision:
        g.add(link, CC.inProvision, provision)
    g.add(link, CC.quote, quote)
    g.add(link, CC.charStart, start)
    g.add(link, CC.charEnd, end)


def _entity(g: _Graph, kind: str, name: str, base: str) -> NamedNode:
    from ingest.names import resolve_agency

    node = None
    if kind in ("agency", "unit", "collective"):
        known = resolve_agency(name)
        if known:
            kind, name = known.kind, known.name
            node = NamedNode(f"{base}/id/{kind}/{known.id}")
    node = node or NamedNode(entity_iri(kind if kind != "collective" else "agency", name, base))
    g.add(node, RDF.type, _n(_ENTITY_CLASS.get(kind, CC.Agency)))
    label = name[:1].upper() + name[1:]  # one prefLabel per entity: "các bộ, ngành" and "Các bộ ngành" are one
    if node not in g.labelled:
        g.labelled.add(node)
        g.add(node, SKOS.prefLabel, _lit(label, lang="vi"))
    elif Quad(node, _n(SKOS.prefLabel), _lit(label, lang="vi"), g.name) not in g.quads:
        g.add(node, SKOS.altLabel, _lit(label, lang="vi"))
    if label != name:
        g.add(node, SKOS.altLabel, _lit(name, lang="vi"))
    return node


def _annex_row(g: _Graph, d: NamedNode, d_iri: str, row: AnnexRow, links: int, base: str) -> int:
    r = NamedNode(f"{d_iri}/{row.id}")
    g.add(r, RDF.type, _n(CC.AnnexRow))
    g.add(r, RDF.type, _n(CC.Indicator if row.kind == "indicator" else CC.Task))
    g.add(r, ELI.is_part_of, NamedNode(f"{d_iri}/{row.annex_id}"))
    g.add(r, CC.label, row.stt)
    if row.task:
        g.add(r, CC.text, row.task)
    for pred, value in ((CC.product if row.kind != "indicator" else CC.target, row.product),
                        (CC.deadline, row.deadline), (CC.unitOfMeasure, row.unit)):
        if value:
            g.add(r, pred, value)
    lead_prop = CC.monitoringAgency if row.kind == "indicator" else CC.leadAgency
    for prop, names in ((lead_prop, row.lead), (CC.coordinatingAgency, row.coordinating)):
        for name in names:
            a = _entity(g, "agency", name, base)
            g.add(r, prop, a)
            links += 1
            quote = " | ".join(v for v in row.cells.values()) if row.cells else name
            _link(g, r, f"{d_iri}/link/{links}", prop, a, r, quote, row.start, row.end)
    return links


def _role(g: _Graph, d: NamedNode, d_iri: str, role: Role, links: int, base: str) -> int:
    if role.relation == "short_name":  # "(gọi tắt là …)": another label of the same programme
        g.add(_entity(g, role.subject_kind, role.subject, base), SKOS.altLabel, _lit(role.object, lang="vi"))
        return links
    prop = ROLE_PROPERTIES.get(role.relation)
    if prop is None:
        return links
    if role.subject_kind == "document":
        subject = d
    elif role.subject_kind == "task":
        subject = NamedNode(f"{d_iri}/{role.subject}")
    else:
        subject = _entity(g, role.subject_kind, role.subject, base)
    obj = _entity(g, role.object_kind, role.object, base)
    g.add(subject, prop, obj)
    if role.subject_kind == "platform":
        g.add(d, CC.mentions, subject)
    links += 1
    prov = NamedNode(f"{d_iri}/{role.provision}") if role.provision else None
    _link(g, subject, f"{d_iri}/link/{links}", prop, obj, prov, role.quote, role.start, role.end)
    return links


def gazetteer_quads(base: str | None = None) -> Iterator[Quad]:
    """Agencies, their units and succession, in their own graph (replaced whole on each ingest)."""
    from ingest.names import load_gazetteer

    base = base or base_iri()
    g = _Graph(f"{base}/{GAZETTEER_GRAPH}")
    by_id = {e.id: e for e in load_gazetteer()}
    for e in by_id.values():
        node = NamedNode(f"{base}/id/{e.kind}/{e.id}")
        g.add(node, RDF.type, _n(CC.Unit if e.kind == "unit" else CC.Agency))
        g.add(node, SKOS.prefLabel, _lit(e.name, lang="vi"))
        for alias in e.aliases:
            if alias != e.name:
                g.add(node, SKOS.altLabel, _lit(alias, lang="vi"))
        if e.abbreviation:
            g.add(node, CC.abbreviation, e.abbreviation)
        if e.parent and e.parent in by_id:
            g.add(node, ORG.subOrganizationOf, NamedNode(f"{base}/id/{by_id[e.parent].kind}/{e.parent}"))
        if e.successor and e.successor in by_id:
            g.add(node, CC.successor, NamedNode(f"{base}/id/{by_id[e.successor].kind}/{e.successor}"))
            if e.succession_date:
                g.add(node, CC.successionDate, _lit(e.succession_date, XSD.date))
    yield from g.quads
