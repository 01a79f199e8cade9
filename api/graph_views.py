"""What the graph endpoints answer, built only from the Store primitives (links_from/links_to and
their batched *_many forms, entity, roles, provisions, entities), so Oxigraph and Neo4j answer identically.

The chain walk is graph.walk's, which the notebooks use too; here it becomes the API's answer.
"""

from __future__ import annotations

import asyncio
from urllib.parse import urlencode

from cancu.registry import ROLES
from graph.store import DocSummary, EntityDetail, EntityRole, Provenance, Store
from graph.walk import MAX_NODES, ChainWalk

from api.convert import RELATION_LABELS, doc_fields, doc_id, doc_out, link_out, provenance_out
from api.deps import run_store
from api.graph_schemas import (ChainEdgeOut, ChainNodeOut, ChainOut, EntityOut, LegalBasisOut, RelationGroupOut,
                               RoleOut, SuccessionOut)
from api.ids import ROW_KINDS, entity_href, entity_id, task_id

MAX_DEPTH = 5
MAX_SUCCESSION = 20

ROLE_LABELS: dict[str, str] = {r.code: r.label for r in ROLES}
PROVENANCE_CAP = 10  # provenance entries per role row on agency and platform pages; the rest at provenance_href


def split_label(label: str) -> tuple[str, str]:
    """'căn cứ ban hành (legal basis)' -> ('căn cứ ban hành', 'legal basis')."""
    if label.endswith(")") and " (" in label:
        vi, en = label[:-1].split(" (", 1)
        return vi, en
    return label, label


async def chain(store: Store, start: DocSummary, up: bool, depth: int, relations: list[str],
                max_nodes: int = MAX_NODES) -> ChainOut:
    """graph.walk's chain walk, as the API answers it.

    The embedded store runs on the event loop (api.deps.run_store), so the walk lets the loop run between
    levels: otherwise a response too large for the socket waits for the next loop turn, behind every
    queued chain (under 50 clients p99 went from ~0.7 s to ~2.5 s without these pauses)."""
    walk = ChainWalk(start, up, relations, max_nodes)
    while walk.frontier and walk.level < depth:
        if walk.level:
            await asyncio.sleep(0)
        walk.step(await run_store(store, walk.fetch(store), paged=True))
    node_out = [ChainNodeOut(**doc_fields(d), depth=walk.depth_of[i]) for i, d in walk.nodes.items()]
    node_out.sort(key=lambda n: (n.depth, n.number or n.title or "", n.iri))
    edge_out = [ChainEdgeOut(source=s, source_id=doc_id(s), target=t, target_id=doc_id(t), relation=r,
                             relation_label=RELATION_LABELS.get(r, r),
                             provenance=[provenance_out(p) for p in row.provenance])
                for (s, r, t), row in sorted(walk.edges.items())]
    return ChainOut(start=doc_out(start), direction="up" if up else "down", depth=depth, relations=relations,
                    max_nodes=max_nodes, truncated=walk.truncated, nodes=node_out, edges=edge_out)


def relation_groups(store: Store, doc: DocSummary, relations: list[str]) -> list[RelationGroupOut]:
    out_rows, in_rows = store.links_from(doc.iri), store.links_to(doc.iri)
    groups = []
    for rel in relations:
        vi, en = split_label(RELATION_LABELS.get(rel, rel))
        groups.append(RelationGroupOut(
            relation=rel, label_vi=vi, label_en=en,
            outgoing=[link_out(r, True) for r in out_rows if r.relation == rel],
            incoming=[link_out(r, False) for r in in_rows if r.relation == rel]))
    return groups


def entity_out(iri: str, kind: str | None, label: str | None) -> EntityOut:
    kind = kind or "other"
    eid = doc_id(iri) if kind == "document" else task_id(iri) if kind in ROW_KINDS else entity_id(iri)
    return EntityOut(id=eid, iri=iri, kind=kind, label=label, href=entity_href(kind, iri))


def role_out(r: EntityRole, me: str | None = None, direction: str = "out") -> RoleOut:
    """A role row seen from `me`; when its provenance was cut, a link to all of it (/provenance)."""
    href = None
    if r.provenance_total is not None and me is not None:
        subject, obj = (me, r.entity_iri) if direction == "out" else (r.entity_iri, me)
        href = "/provenance?" + urlencode({"subject": subject, "role": r.role, "object": obj})
    return RoleOut(role=r.role, role_label=ROLE_LABELS.get(r.role, r.role),
                   entity=entity_out(r.entity_iri, r.entity_kind, r.entity_label),
                   provenance=[provenance_out(p) for p in r.provenance], provenance_total=r.provenance_total,
                   provenance_href=href)


def legal_bases(store: Store, docs: list[tuple[DocSummary, str, list[Provenance]]]) -> list[LegalBasisOut]:
    """Each (document, role, provenance) with the document's own legal bases (one hop: /documents/{id}/chain
    goes further), read for all of them in one store call: an item may be listed in hundreds of documents."""
    found = store.links_from_many([d.iri for d, _, _ in docs], ["based_on"]) if docs else {}
    return [LegalBasisOut(document=doc_out(d), role=role, provenance=[provenance_out(p) for p in prov],
                          legal_bases=[link_out(r, True) for r in found[d.iri]]) for d, role, prov in docs]


def succession(store: Store, start: EntityDetail) -> list[SuccessionOut]:
    """cc:successor followed from `start` (already read by the caller) to the end (visited set: a loop in
    the data ends the walk)."""
    out: list[SuccessionOut] = []
    seen = {start.iri}
    current: EntityDetail | None = start
    while current is not None and current.successor and current.successor not in seen and len(out) < MAX_SUCCESSION:
        nxt = store.entity(current.successor)
        label = nxt.label if nxt else None
        out.append(SuccessionOut(entity=entity_out(current.successor, nxt.kind if nxt else "agency", label),
                                 date=current.succession_date))
        seen.add(current.successor)
        current = nxt
    return out
