"""What the document reader shows: metadata, outline, the text with every link placed at its span,
annex tables with their agencies linked, relations both ways. Built from Store primitives only, so it
reads the same on every backend.

The store is asked a fixed number of times, plus once per annex row that stands on no table line (then
its span, read from its role edges, places its anchor: `roles` has no batched form). Agencies in annex
cells are linked by reading the cells again with ingest's own splitter and naming rule (one call per
row would cost ~1 ms each, most of a 200-row page such as 03/NQ-CP: bench/reader_page.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from markupsafe import Markup

from cancu.config import base_iri
from cancu.text import fold, sort_number
from graph.store import DocSummary, EntityRole, LinkRow, ProvisionRow, Store

from api.convert import RELATION_LABELS
from api.graph_schemas import EntityOut
from api.graph_views import ROLE_LABELS, split_label
from api.line_tables import LOOKAHEAD, RowFacts, line_tables
from api.marked_text import Anchor, Link, Table, cell_text, find_tables, render
from api.ids import ROW_ROLES
from api.page_urls import ROW_KINDS, anchor_id, entity_href, place_href, read_href
from api.routers.common import labels
from api.source_text import Placed, SourceText, source_text, span_matches

AGENCY_COLUMNS = {"lead": "cơ quan chủ trì (lead)", "coordinating": "cơ quan phối hợp (coordinating)"}
MAX_OUTLINE = 2000


@dataclass
class OutlineItem:
    anchor: str
    label: str
    heading: str
    depth: int


@dataclass
class RelationItem:
    doc: DocSummary
    href: str | None
    places: list[tuple[str, str | None]]  # (quote, href to the place it was read)

    @property
    def name(self) -> str:
        return doc_name(self.doc)


@dataclass
class RelationGroup:
    relation: str
    label_vi: str
    label_en: str
    outgoing: list[RelationItem] = field(default_factory=list)
    incoming: list[RelationItem] = field(default_factory=list)


@dataclass
class FallbackBlock:
    """A provision shown from the store's own text (no source text): its own words and its links."""

    anchor: str
    label: str
    text: str
    depth: int
    links: list[tuple[str, str | None, str]]  # (relation label, href, quote)


@dataclass
class Reader:
    doc: DocSummary
    roles: list[EntityRole]
    outline: list[OutlineItem]
    body: Markup | None  # the marked full text, when the source text could be verified
    fallback: list[FallbackBlock]
    preamble_links: list[tuple[str, str | None, str]]
    relations: list[RelationGroup]
    placed_links: int
    unplaced_links: int


def doc_name(d: DocSummary) -> str:
    """'Quyết định 749/QĐ-TTg'; a law cited by name: its name ('Luật Tổ chức Chính phủ')."""
    if d.number:
        return " ".join(p for p in (d.type, d.number) if p)
    return d.title or d.type or d.iri.rsplit("/", 1)[-1]


def _depths(provisions: list[ProvisionRow], doc_iri: str) -> dict[str, int]:
    depth: dict[str, int] = {}
    for p in provisions:
        depth[p.iri] = 0 if p.parent in (None, doc_iri) else depth.get(p.parent or "", 0) + 1
    return depth


def _relations(out_rows: list[LinkRow], in_rows: list[LinkRow]) -> list[RelationGroup]:
    groups: dict[str, RelationGroup] = {}
    for rows, outgoing in ((out_rows, True), (in_rows, False)):
        for r in rows:
            vi, en = split_label(RELATION_LABELS.get(r.relation, r.relation))
            g = groups.setdefault(r.relation, RelationGroup(r.relation, vi, en))
            other = r.target if outgoing else r.source
            places = [(p.quote or "", place_href(p)) for p in r.provenance]
            (g.outgoing if outgoing else g.incoming).append(RelationItem(other, read_href(other.iri), places))
    order = list(RELATION_LABELS)
    return sorted(groups.values(), key=lambda g: order.index(g.relation) if g.relation in order else len(order))


def _cite_link(row: LinkRow, start: int, end: int, pinpoint: str | None = None) -> Link:
    """A citation in place: to the cited document's reader, at the provision it names when the text names one."""
    t = row.target
    label = RELATION_LABELS.get(row.relation, row.relation)
    state = "" if t.ingested else " — chưa có toàn văn (stub)"
    anchor = anchor_id(t.iri, pinpoint)
    href = (read_href(t.iri) or "#") + (f"#{anchor}" if anchor and read_href(t.iri) else "")
    where = f" ({anchor})" if anchor else ""
    return Link(start, end, href, f"{doc_name(t)}{where}: {label}{state}",
                f"cite rel-{row.relation}" + ("" if t.ingested else " stub"))


def _pinpoints(store: Store, provisions: list[ProvisionRow]) -> dict[tuple[int, int], str]:
    """(start, end) of a citation -> the cited provision's IRI, for citations that name one ("khoản 2 Điều 18 của …")."""
    out: dict[tuple[int, int], str] = {}
    by_prov = store.links_from_many([p.iri for p in provisions], ["cites"]) if provisions else {}
    for rows in by_prov.values():
        for r in rows:
            for p in r.provenance:
                if p.start is not None and p.end is not None:
                    out[(p.start, p.end)] = r.target.iri
    return out


@lru_cache(maxsize=4096)
def cell_agencies(cell: str, base: str) -> tuple[tuple[str, str], ...]:
    """(name, IRI) of each agency an annex cell names, split and resolved by ingest's own code
    (ingest.tables.split_agencies, ingest.to_rdf's entity naming), so a name gets the IRI its role edge got."""
    from ingest.tables import split_agencies
    from ingest.to_rdf import _entity, _Graph

    scratch = _Graph(base + "/scratch")
    return tuple((name, _entity(scratch, "agency", name, base).value) for name in split_agencies(cell))


@lru_cache(maxsize=4096)
def _name_pattern(name: str) -> re.Pattern[str]:
    """A name as printed, its words broken over lines or not (a one-cell-per-line copy wraps its cells)."""
    return re.compile(r"\s+".join(re.escape(w) for w in name.split()))


def _agency_links(text: str, table: Table, fields: list[str | None], known: dict[str, EntityOut]) -> list[Link]:
    """The agencies named in the lead / coordinating cells of every row, linked to their pages when the
    graph knows them."""
    base = base_iri()
    out: list[Link] = []
    for cells in table.lines[1:]:
        for col, fld in enumerate(fields):
            role = AGENCY_COLUMNS.get(fld or "")
            if not role or col >= len(cells):
                continue
            c0, c1 = cells[col]
            at = c0
            for name, iri in cell_agencies(text[c0:c1], base):
                i = text.find(name, at, c1)
                if i < 0:
                    continue
                at = i + len(name)
                ent = known.get(iri)
                href = entity_href(ent.kind, iri) if ent else None
                if href:
                    out.append(Link(i, at, href, f"{ent.label}: {role}", "agency"))
    return out


def _row_agency_links(text: str, cell: tuple[int, int], edges: list[EntityRole]) -> list[Link]:
    """The agencies of a row drawn as one cell (a one-cell-per-line copy: api.line_tables), linked where the
    cell prints them: each name ingest read in the row's cells (the quote of its role edges), split and
    named as in the other tables, that is one of the row's own role edges, at its last place in the cell
    (the agency columns follow the task's)."""
    base = base_iri()
    roles = {e.entity_iri: e for e in edges}
    quotes = {p.quote for e in edges for p in e.provenance if p.quote}
    out: list[Link] = []
    done: set[str] = set()
    for quote in sorted(quotes):
        for part in quote.split(" | "):
            for name, iri in cell_agencies(part, base):
                e = roles.get(iri)
                href = entity_href(e.entity_kind, iri) if e else None
                if not href or iri in done:
                    continue
                last = None
                for last in _name_pattern(name).finditer(text, cell[0], cell[1]):
                    pass
                if last is not None:
                    done.add(iri)
                    role = AGENCY_COLUMNS.get(e.role, ROLE_LABELS.get(e.role, e.role))
                    out.append(Link(last.start(), last.end(), href, f"{e.entity_label}: {role}", "agency"))
    return out


def _row_order(r: ProvisionRow) -> tuple[int, ...]:
    """Table order of annex rows: the numbers of their id ('hang_g2_1' -> (2, 1), 'hang_11_2' -> (11, 2));
    provision_order puts a restarted numbering (12/NQ-CP's groups) by row number first."""
    return tuple(sort_number(n) for n in re.findall(r"[0-9]+", r.iri.rsplit("/", 1)[-1]))


def place_rows(text: str, tables: list[Table], placed: tuple[Placed, ...], rows: list[ProvisionRow],
               doc_iri: str) -> set[str]:
    """Put each annex row on its table line: by its number in the first cell, in order, within the annex the
    table stands in (sets Table.row_ids); returns the anchors of the rows placed."""
    annex_at = sorted((p.start, anchor_id(doc_iri, p.row.iri) or "") for p in placed if p.row.kind == "annex")
    by_annex: dict[str, list[ProvisionRow]] = {}
    for r in sorted(rows, key=_row_order):
        by_annex.setdefault(anchor_id(doc_iri, r.parent) or "", []).append(r)
    done: set[str] = set()
    for t in tables:
        annex = next((a for s, a in reversed(annex_at) if s <= t.start), "")
        queue = [r for r in by_annex.get(annex, []) if (anchor_id(doc_iri, r.iri) or "") not in done]
        qi = 0
        for n, cells in enumerate(t.lines[1:], start=1):
            first = cell_text(text, cells[0]).rstrip(".").strip()
            # the next row, or one a little further when a row has no line of its own (its text was cut)
            hit = next((j for j in range(qi, min(qi + LOOKAHEAD, len(queue)))
                        if first and first == (queue[j].label or "").rstrip(".").strip()), None)
            if hit is not None:
                rid = anchor_id(doc_iri, queue[hit].iri) or ""
                t.row_ids[n] = rid
                done.add(rid)
                qi = hit + 1
    return done


def _annex_spans(text: str, placed: tuple[Placed, ...], doc_iri: str) -> dict[str, tuple[int, int]]:
    """Each annex's anchor -> (start, end): from its label to the next annex's, or the end of the text."""
    heads = sorted((p.start, anchor_id(doc_iri, p.row.iri) or "") for p in placed if p.row.kind == "annex")
    ends = [s for s, _ in heads[1:]] + [len(text)]
    return {a: (s, e) for (s, a), e in zip(heads, ends)}


def _tables(store: Store, text: str, src: SourceText, rows: list[ProvisionRow],
            doc_iri: str) -> tuple[list[Table], list[Link], list[Anchor]]:
    """Tables of the text with the annex rows on their lines (`place_rows`), the agencies of their lead /
    coordinating cells linked. The rows on no ' | ' line (a table printed one cell per line) are drawn as a
    table where the lines allow (api.line_tables), their agencies linked from their role edges (one store
    call per row); a row still on no table line gets an anchor at the span the graph gives it."""
    from ingest.tables import column_field

    tables = find_tables(text)
    placed = place_rows(text, tables, src.placed, rows, doc_iri)
    left = sorted((r for r in rows if (anchor_id(doc_iri, r.iri) or "") not in placed), key=_row_order)
    edges = {r.iri: store.roles(r.iri, "out", sorted(ROW_ROLES)) for r in left}
    spans = _annex_spans(text, src.placed, doc_iri)
    by_annex: dict[tuple[int, int], list[RowFacts]] = {}
    for r in left:
        span = spans.get(anchor_id(doc_iri, r.parent) or "")
        if span is not None:
            by_annex.setdefault(span, []).append(RowFacts(anchor_id(doc_iri, r.iri) or "", r.label or ""))
    lined = line_tables(text, sorted(by_annex), by_annex, [(t.start, t.end) for t in tables])
    links: list[Link] = []
    known = labels(store)
    for t in tables:
        header = [cell_text(text, c) for c in t.lines[0]]
        indicator = any(column_field(h) == "task" and fold(h).startswith("chi tieu") for h in header)
        links += _agency_links(text, t, [column_field(h, indicator) for h in header], known)
    by_anchor = {anchor_id(doc_iri, r.iri) or "": r for r in left}
    for t in lined:
        for n, rid in t.row_ids.items():
            placed.add(rid)
            links += _row_agency_links(text, t.lines[n][-1], edges[by_anchor[rid].iri])
    tables = sorted(tables + lined, key=lambda t: t.start)
    anchors = []
    for r in left:
        rid = anchor_id(doc_iri, r.iri) or ""
        if rid not in placed:
            starts = [p.start for role in edges[r.iri] for p in role.provenance if p.start is not None]
            if starts:
                anchors.append(Anchor(min(starts), rid, "anchor row"))
    return tables, links, anchors


def _fallback(doc: DocSummary, provisions: list[ProvisionRow], links: list[LinkRow],
              depth: dict[str, int]) -> tuple[list[FallbackBlock], list[tuple[str, str | None, str]]]:
    """Each provision's own words (its text up to its first child's) and the links read in it."""
    by_prov: dict[str | None, list[tuple[str, str | None, str]]] = {}
    for r in links:
        for p in r.provenance:
            label = split_label(RELATION_LABELS.get(r.relation, r.relation))[0]
            by_prov.setdefault(p.provision, []).append((f"{label}: {doc_name(r.target)}", read_href(r.target.iri),
                                                        p.quote or ""))
    first_child: dict[str, ProvisionRow] = {}
    for p in provisions:
        if p.parent and p.parent not in first_child:
            first_child[p.parent] = p
    blocks = []
    for p in provisions:
        own = p.text or p.heading or ""
        child = first_child.get(p.iri)
        if child and child.text and child.text in own:
            own = own[:own.index(child.text)].rstrip()
        blocks.append(FallbackBlock(anchor_id(doc.iri, p.iri) or p.iri, p.label or "", own, depth.get(p.iri, 0),
                                    by_prov.get(p.iri, [])))
    return blocks, by_prov.get(None, [])


def build(store: Store, doc: DocSummary, hl: tuple[int, int] | None = None) -> Reader:
    """Everything the reader page shows for `doc` (ingested or stub)."""
    provisions = store.provisions(doc.iri, with_text=True) if doc.ingested else []
    out_rows, in_rows = store.links_from(doc.iri), store.links_to(doc.iri)
    roles = store.roles(doc.iri, "out", ["approves", "issued", "signed"])
    depth = _depths(provisions, doc.iri)
    outline = [OutlineItem(anchor_id(doc.iri, p.iri) or "", p.label or "", p.heading or "", depth[p.iri])
               for p in provisions if p.kind not in ROW_KINDS][:MAX_OUTLINE]
    rows = [p for p in provisions if p.kind in ROW_KINDS]
    src = source_text(store, doc, provisions, out_rows) if doc.ingested else None
    body, fallback, preamble, placed_n, unplaced_n = None, [], [], 0, 0
    if src is not None:
        tables, agency_links, row_anchors = _tables(store, src.text, src, rows, doc.iri)
        links = []
        pinned = _pinpoints(store, [p for p in provisions if p.kind not in ROW_KINDS])
        for r in out_rows:
            for p in r.provenance:
                if span_matches(src.text, p):
                    links.append(_cite_link(r, p.start, p.end, pinned.get((p.start, p.end))))  # type: ignore[arg-type]
                else:
                    unplaced_n += 1
        for r in roles:
            href = entity_href(r.entity_kind, r.entity_iri)
            for p in r.provenance:
                if href and p.document == doc.iri and span_matches(src.text, p):
                    links.append(Link(p.start, p.end, href, f"{r.entity_label}: {ROLE_LABELS.get(r.role, r.role)}",  # type: ignore[arg-type]
                                      "entity"))
        placed_n = len(links)
        anchors = [Anchor(p.start, anchor_id(doc.iri, p.row.iri) or "") for p in src.placed] + row_anchors
        body = render(src.text, links + agency_links, anchors, hl, tables)
    elif doc.ingested:
        fallback, preamble = _fallback(doc, [p for p in provisions if p.kind not in ROW_KINDS], out_rows, depth)
    return Reader(doc=doc, roles=roles, outline=outline, body=body, fallback=fallback, preamble_links=preamble,
                  relations=_relations(out_rows, in_rows), placed_links=placed_n, unplaced_links=unplaced_n)


__all__ = ["Reader", "build", "doc_name", "place_rows"]
