"""Akoma Ntoso 3.0 (OASIS LegalDocML) export of one ingested document, valid against akomantoso30.xsd.

Layout: <meta> with FRBR work / expression / manifestation IRIs (AKN naming convention, the cancu ELI
IRI as an FRBRalias) and the issuer as a TLCOrganization; <preface> the header lines; <preamble> the
Căn cứ lines; <body> the provisions as AKN hierarchy (Phần → part, Chương → chapter, Mục → section,
Điều → article, Khoản → paragraph, Điểm → point, dash items → indent), each with an eId built from its
cancu path (dieu_1/khoan_2 → art_1__para_2); annexes as <hcontainer name="annex"> with their tables, a
row's <tr> carrying its eId. Every citation span the graph holds becomes a <ref> to the cited work's
AKN IRI at that span. Needs the document's verified source text (api.source_text).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lxml import etree

from cancu.iri import DocId
from graph.store import DocSummary, LinkRow, ProvisionRow, Store

from api.marked_text import Table, find_tables
from api.page_urls import ROW_KINDS, anchor_id
from api.reader import place_rows
from api.source_text import Placed, SourceText, source_text, span_matches

NS = "http://docs.oasis-open.org/legaldocml/ns/akn/3.0"
MEDIA_TYPE = "application/akn+xml"
ELEMENT = {"part": "part", "chapter": "chapter", "section": "section", "article": "article", "clause": "paragraph",
           "point": "point", "item": "indent"}
EID_PREFIX = {"phan": "part", "chuong": "chp", "muc": "sec", "dieu": "art", "khoan": "para", "diem": "point",
              "gach": "indent", "phu_luc": "annex", "hang": "row"}


# What XML 1.0 allows (its Char production): tab, line feed, carriage return, U+0020 on, no surrogates,
# no U+FFFE/U+FFFF.
_NOT_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


class AknUnavailable(ValueError):
    """The document cannot be exported (a stub, its source text is not on this machine, or its IRI is no
    ELI document IRI, so it has no AKN name)."""


def xml_chars(s: str) -> str:
    """`s` without the characters XML 1.0 does not allow: lxml refuses a whole title, label or text for one
    control character (\\u0001, \\u000B) in it, and valid RDF may hold them."""
    return _NOT_XML.sub("", s)


def _q(tag: str) -> str:
    return f"{{{NS}}}{tag}"


def _sub(parent: etree._Element, tag: str, **attrs: str) -> etree._Element:
    return etree.SubElement(parent, _q(tag), {k.rstrip("_"): xml_chars(v) for k, v in attrs.items()})


def _doc_id(d: DocSummary) -> DocId:
    """The ELI id of `d`; AknUnavailable if its IRI is none (a stored document may have any IRI)."""
    try:
        return DocId.from_iri(d.iri)
    except ValueError as exc:
        raise AknUnavailable(f"{d.iri} is not an ELI document IRI, so it has no Akoma Ntoso name") from exc


def eid(path: str) -> str:
    """cancu provision path -> AKN eId: 'dieu_1/khoan_2/diem_a' -> 'art_1__para_2__point_a'."""
    out = []
    for seg in path.split("/"):
        m = re.fullmatch(r"([a-z]+(?:_luc)?)_(.+)", seg)
        prefix, rest = (m[1], m[2]) if m else (seg, "")
        out.append(f"{EID_PREFIX.get(prefix, prefix)}_{rest}" if rest else EID_PREFIX.get(prefix, prefix))
    return "__".join(out)


def work_uri(d: DocSummary) -> str:
    """AKN work IRI: /akn/vn/act/{type}/{date or year}/{number}-{issuer} (a law: /akn/vn/act/luat/{date}/{name})."""
    did = _doc_id(d)
    when = d.date or did.year
    return f"/akn/vn/act/{did.type}/{when}/" + "-".join(p for p in (did.number, did.issuer) if p)


def _cited_work(d: DocSummary) -> str | None:
    """The AKN work IRI a <ref> to `d` points to; None for an IRI that has none (the ref is left out)."""
    try:
        return work_uri(d)
    except AknUnavailable:
        return None


def _date(d: DocSummary) -> tuple[str, str]:
    """(xsd:date, what it is) for FRBRdate: the date of issue, else 1 January of the year, said so."""
    if d.date:
        return d.date, "Generation"
    year = d.year or 1900
    return f"{year:04d}-01-01", "year-only"


@dataclass(frozen=True)
class _Ref:
    start: int
    end: int
    href: str


class _Writer:
    def __init__(self, text: str, refs: list[_Ref], tables: list[Table], row_eid: dict[str, str]):
        self.text = text
        self.refs = sorted(refs, key=lambda r: (r.start, -r.end))
        self.tables, self.row_eid = tables, row_eid

    def inline(self, el: etree._Element, a: int, b: int) -> None:
        """text[a:b] into `el` as mixed content, with a <ref> at every citation span inside it (clipped)."""
        pos, last = a, None
        for r in self.refs:
            if r.end <= a or r.start >= b or r.start < pos:
                continue
            self._append(el, last, self.text[pos:r.start])
            ref = _sub(el, "ref", href=r.href)
            ref.text = xml_chars(self.text[r.start:min(r.end, b)])
            last, pos = ref, min(r.end, b)
        self._append(el, last, self.text[pos:b])

    @staticmethod
    def _append(el: etree._Element, last: etree._Element | None, s: str) -> None:
        if last is None:
            el.text = (el.text or "") + xml_chars(s)
        else:
            last.tail = (last.tail or "") + xml_chars(s)

    def blocks(self, parent: etree._Element, a: int, b: int) -> int:
        """Lines of text[a:b] as <p>, runs of table lines as <table>; returns how many blocks were written."""
        n, pos = 0, a
        for t in [t for t in self.tables if a <= t.start and t.end <= b]:
            n += self._lines(parent, pos, t.start)
            table = _sub(parent, "table")
            for i, cells in enumerate(t.lines):
                rid = t.row_ids.get(i)
                tr = _sub(table, "tr", **({"eId": self.row_eid[rid]} if rid and rid in self.row_eid else {}))
                for c0, c1 in cells:
                    self.inline(_sub(_sub(tr, "th" if i == 0 else "td"), "p"), c0, c1)
            n, pos = n + 1, t.end
        return n + self._lines(parent, pos, b)

    def optional(self, parent: etree._Element, tag: str, a: int, b: int) -> None:
        """A <preface>, <intro> … of text[a:b] appended to `parent`, left out when that holds no text."""
        el = etree.Element(_q(tag))
        if self.blocks(el, a, b):
            parent.append(el)

    def content(self, parent: etree._Element, a: int, b: int) -> None:
        """A <content> of text[a:b], an empty <p> in it when that holds no text (the schema wants a block)."""
        content = _sub(parent, "content")
        if not self.blocks(content, a, b):
            _sub(content, "p")

    def _lines(self, parent: etree._Element, a: int, b: int) -> int:
        n, pos = 0, a
        for line in self.text[a:b].splitlines(keepends=True):
            s, e = pos + len(line) - len(line.lstrip()), pos + len(line.rstrip())
            if e > s:
                self.inline(_sub(parent, "p"), s, e)
                n += 1
            pos += len(line)
        return n


def _identification(meta: etree._Element, d: DocSummary) -> None:
    work = work_uri(d)
    date, date_name = _date(d)
    expr = f"{work}/vie@{d.date or ''}"
    ident = _sub(meta, "identification", source="#cancu")
    w = _sub(ident, "FRBRWork")
    _sub(w, "FRBRthis", value=f"{work}/!main")
    _sub(w, "FRBRuri", value=work)
    _sub(w, "FRBRalias", value=d.iri, name="eli")
    _sub(w, "FRBRdate", date=date, name=date_name)
    _sub(w, "FRBRauthor", href="#issuer")
    _sub(w, "FRBRcountry", value="vn")
    if d.number:
        _sub(w, "FRBRnumber", value=d.number)
    if d.type:
        _sub(w, "FRBRname", value=d.type)
    e = _sub(ident, "FRBRExpression")
    _sub(e, "FRBRthis", value=f"{expr}/!main")
    _sub(e, "FRBRuri", value=expr)
    _sub(e, "FRBRdate", date=date, name=date_name)
    _sub(e, "FRBRauthor", href="#issuer")
    _sub(e, "FRBRlanguage", language="vie")
    m = _sub(ident, "FRBRManifestation")
    _sub(m, "FRBRthis", value=f"{expr}/!main.xml")
    _sub(m, "FRBRuri", value=f"{expr}.akn")
    _sub(m, "FRBRdate", date=date, name=date_name)
    _sub(m, "FRBRauthor", href="#cancu")
    refs = _sub(meta, "references", source="#cancu")
    _sub(refs, "TLCOrganization", eId="cancu", href="/ontology/organization/cancu", showAs="cancu")
    _sub(refs, "TLCOrganization", eId="issuer", href="/ontology/organization/vn/" + (_doc_id(d).issuer or "unknown"),
         showAs=d.issuer or "unknown")


def _children(placed: list[Placed], doc_iri: str) -> dict[str, list[Placed]]:
    kids: dict[str, list[Placed]] = {}
    for p in placed:
        kids.setdefault(p.row.parent or doc_iri, []).append(p)
    return kids


def _element(parent: etree._Element, p: Placed, doc_iri: str) -> etree._Element:
    """The AKN element of one provision with its <num>, appended to `parent`."""
    el = _sub(parent, ELEMENT.get(p.row.kind, "hcontainer"), eId=eid(anchor_id(doc_iri, p.row.iri) or ""),
              **({"name": p.row.kind} if p.row.kind not in ELEMENT else {}))
    _sub(el, "num").text = xml_chars(p.row.label or "")
    return el


def _hier(w: _Writer, parent: etree._Element, top: Placed, kids: dict[str, list[Placed]], doc_iri: str) -> None:
    """`top` and the provisions under it as nested AKN elements. Walked with a stack, not by recursion: stored
    nesting has no depth limit (1200 levels overflowed Python's), and a provision seen once is not written again
    (a part of itself would never end)."""
    stack: list[tuple[etree._Element, Placed] | tuple[etree._Element, int, int]] = [(parent, top)]
    seen: set[str] = set()
    while stack:
        item = stack.pop()
        if len(item) == 3:  # the wrapUp of an element whose children are written
            w.optional(item[0], "wrapUp", item[1], item[2])
            continue
        into, p = item
        if p.row.iri in seen:
            continue
        seen.add(p.row.iri)
        el = _element(into, p, doc_iri)
        own_start = p.start + len(p.row.label or "")
        children = kids.get(p.row.iri, [])
        if not children:
            w.content(el, own_start, p.end)
            continue
        w.optional(el, "intro", own_start, children[0].start)
        stack.append((el, children[-1].end, p.end))
        stack.extend((el, c) for c in reversed(children))


def build(d: DocSummary, src: SourceText, provisions: list[ProvisionRow], links: list[LinkRow],
          targets: dict[str, DocSummary]) -> etree._Element:
    """The <akomaNtoso> element of document `d` over its verified source text."""
    text = src.text
    refs = [_Ref(p.start, p.end, href) for r in links if (href := _cited_work(targets.get(r.target.iri, r.target)))
            for p in r.provenance if span_matches(text, p)]
    rows = [p for p in provisions if p.kind in ROW_KINDS]
    tables = find_tables(text)
    place_rows(text, tables, src.placed, rows, d.iri)
    w = _Writer(text, refs, tables, {anchor_id(d.iri, r.iri) or "": eid(anchor_id(d.iri, r.iri) or "") for r in rows})
    body_parts = [p for p in src.placed if p.row.kind != "annex"]
    annexes = [p for p in src.placed if p.row.kind == "annex"]
    first = min((p.start for p in src.placed), default=len(text))
    basis = [p.start for r in links if r.relation == "based_on" for p in r.provenance
             if p.provision is None and span_matches(text, p) and p.start < first]
    pre = text.rfind("\n", 0, min(basis)) + 1 if basis else first

    root = etree.Element(_q("akomaNtoso"), nsmap={None: NS})
    act = _sub(root, "act", name=_doc_id(d).type)
    _identification(_sub(act, "meta"), d)
    w.optional(act, "preface", 0, pre)
    w.optional(act, "preamble", pre, first)
    body = _sub(act, "body")
    kids = _children(body_parts, d.iri)
    for p in kids.get(d.iri, []):
        _hier(w, body, p, kids, d.iri)
    body_end = max((p.end for p in body_parts), default=first)
    for i, a in enumerate(annexes):
        end = annexes[i + 1].start if i + 1 < len(annexes) else len(text)
        el = _sub(body, "hcontainer", eId=eid(anchor_id(d.iri, a.row.iri) or ""), name="annex")
        _sub(el, "num").text = xml_chars(a.row.label or "")
        if a.row.heading:
            _sub(el, "heading").text = xml_chars(a.row.heading)
        w.content(el, max(a.end, body_end) if a.start < body_end else a.end, end)
    if not len(body):
        w.content(_sub(body, "hcontainer", eId="body_text", name="text"), first, len(text))
    return root


def export(store: Store, d: DocSummary) -> bytes:
    """The document as Akoma Ntoso XML bytes; AknUnavailable if it is a stub or its text is not here."""
    if not d.ingested:
        raise AknUnavailable(f"{d.number or d.iri} is known only from citations: there is no text to export")
    provisions = store.provisions(d.iri, with_text=True)
    links = store.links_from(d.iri)
    src = source_text(store, d, provisions, links)
    if src is None:
        raise AknUnavailable(f"the source text of {d.number or d.iri} ({d.source_file}) is not on this machine "
                             "or no longer matches the graph: Akoma Ntoso export needs it")
    targets = store.documents_many([r.target.iri for r in links])
    root = build(d, src, provisions, links, targets)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
