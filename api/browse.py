"""What the home page and the entity pages show, from Store primitives only (every backend alike).

The home page's counts and most-cited list cost a pass over the ingested documents' links, so they are
computed once per search index (the API builds a new index after every write, so a write refreshes
them) and over at most MOST_CITED_SCAN documents, newest first; the page says when it looked at fewer.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass, field

from cancu.registry import ENTITY_KINDS
from graph.search_index import SearchIndex
from graph.store import EntityDetail, EntityRole, Store

from api.graph_views import ROLE_LABELS, split_label
from api.page_urls import entity_href, place_href, read_href
from api.reader import doc_name

MOST_CITED_SCAN = 5000
MOST_CITED = 10
LIST_CAP = 50
ROLE_PAGE = 100
SECTIONS = [(k.code, k.path, f"{k.vi} ({k.path})") for k in sorted(ENTITY_KINDS, key=lambda k: k.home)
            if k.home and k.path]
KIND_LABELS = {k.code: k.label for k in ENTITY_KINDS}


@dataclass
class DocLink:
    name: str
    href: str | None
    title: str | None
    date: str | None
    ingested: bool


@dataclass
class Home:
    counts: list[tuple[str, int]]
    most_cited: list[tuple[DocLink, int]]
    cited_note: str | None
    documents: list[DocLink]
    more_documents: int
    sections: list[dict]


_HOME: "weakref.WeakKeyDictionary[SearchIndex, Home]" = weakref.WeakKeyDictionary()


def _doc_link(d) -> DocLink:  # noqa: ANN001 (DocSummary)
    return DocLink(doc_name(d), read_href(d.iri), d.title, d.date, d.ingested)


def home(store: Store, index: SearchIndex) -> Home:
    """Counts, most-cited documents, ingested documents and the entity lists (cached per index)."""
    cached = _HOME.get(index)
    if cached is not None:
        return cached
    total_docs = index.count()
    n_ingested, ingested = store.list_documents(ingested=True, limit=MOST_CITED_SCAN)
    links = store.links_from_many([d.iri for d in ingested])
    by_target: dict[str, set[str]] = {}
    for src, rows in links.items():
        for r in rows:
            by_target.setdefault(r.target.iri, set()).add(src)
    top = sorted(by_target.items(), key=lambda kv: (-len(kv[1]), kv[0]))[:MOST_CITED]
    docs = store.documents_many([iri for iri, _ in top])
    entities = {kind: store.entities(kind) for kind in {"agency", "unit", "platform", "programme",
                                                         *(k for k, _, _ in SECTIONS)}}
    sections = []
    for kind, path, title in SECTIONS:
        items = sorted(entities[kind], key=lambda e: (e.label or "", e.iri))
        sections.append({"id": path, "title": title, "total": len(items), "api": f"/{path}",
                         "items": [{"label": e.label or e.iri, "href": entity_href(e.kind, e.iri)} for e in items[:LIST_CAP]]})
    counts = [("văn bản (documents, cited ones included)", total_docs), ("văn bản có toàn văn (ingested)", n_ingested),
              ("cơ quan và đơn vị (agencies, units)", len(entities["agency"]) + len(entities["unit"])),
              ("nền tảng (platforms)", len(entities["platform"])), ("chương trình (programmes)", len(entities["programme"])),
              ("nhiệm vụ phụ lục (annex tasks)", store.task_rows(["task"], None, 0, 0)[0])]
    note = (f"Tính trên {len(ingested):,} văn bản mới nhất trong {n_ingested:,} (counted over the newest {len(ingested):,})."
            if n_ingested > len(ingested) else None)
    out = Home(counts=counts, most_cited=[(_doc_link(docs[iri]), len(srcs)) for iri, srcs in top if iri in docs],
               cited_note=note, documents=[_doc_link(d) for d in ingested[:LIST_CAP]],
               more_documents=max(n_ingested - LIST_CAP, 0), sections=sections)
    _HOME[index] = out
    return out


@dataclass
class RoleItem:
    label: str
    href: str | None
    kind: str
    places: list[tuple[str, str | None]]


@dataclass
class RoleGroup:
    role: str
    title: str
    total: int
    items: list[RoleItem] = field(default_factory=list)
    more: str = ""


def _item(r: EntityRole) -> RoleItem:
    return RoleItem(r.entity_label or r.entity_iri.rsplit("/", 1)[-1], entity_href(r.entity_kind, r.entity_iri),
                    r.entity_kind or "other", [(p.quote or "", place_href(p)) for p in r.provenance])


def role_groups(store: Store, iri: str, page_path: str, offset: int = 0) -> list[RoleGroup]:
    """What connects to `iri` (in) and what it connects to (out), one group per role, a page each."""
    groups: list[RoleGroup] = []
    for direction in ("out", "in"):
        counts = store.role_counts(iri, direction)
        for role in sorted(counts):
            vi, en = split_label(ROLE_LABELS.get(role, role))
            title = f"{vi} ({en})" if direction == "out" else f"là {vi} của … (is {en} of)"
            rows = store.roles(iri, direction, [role], ROLE_PAGE, offset) if offset < counts[role] else []
            more = f"{page_path}?offset={offset + ROLE_PAGE}"
            groups.append(RoleGroup(f"{direction}:{role}", title, counts[role], [_item(r) for r in rows], more))
    return groups


def entity_facts(store: Store, ent: EntityDetail) -> list[tuple[str, dict]]:
    """Parent, units, successor, attributes (abbreviation, product, deadline …) as label -> value rows."""
    facts: list[tuple[str, dict]] = []
    for key, values in ent.attributes:
        for v in values:
            facts.append((key, {"text": v}))
    for label, target in (("trực thuộc (part of)", ent.parent), ("kế thừa bởi (successor)", ent.successor)):
        if target:
            other = store.entity(target) or store.document(target)
            if other is not None and hasattr(other, "kind"):
                facts.append((label, {"text": other.label or target, "href": entity_href(other.kind, target)}))
            elif other is not None:
                facts.append((label, {"text": doc_name(other), "href": read_href(target)}))
    if ent.succession_date:
        facts.append(("ngày kế thừa (succession date)", {"text": ent.succession_date}))
    for u in ent.units[:LIST_CAP]:
        unit = store.entity(u)
        facts.append(("đơn vị (unit)", {"text": unit.label if unit else u, "href": entity_href("unit", u)}))
    return facts


__all__ = ["home", "role_groups", "entity_facts", "KIND_LABELS"]
