"""/programmes, /platforms and /tasks: each item with everything connected to it, with provenance.

A programme's legal basis is the document that approves it (cc:approves) and that document's own
legal bases; a platform's is first the documents that establish or regulate it (cc:regulates: its title,
Phạm vi điều chỉnh or an article heading names it), then what is reached through the programme that names
it (cc:namesPlatform), then the documents that state one of its roles (an annex row, a sentence). That can be hundreds of catalogue documents, so the legal
basis comes in pages (limit/offset) with its total. A task is an annex row; its legal basis is the
document the annex belongs to.
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Request

from cancu.iri import DocId
from graph.shared import TASK_KINDS, task_listing
from graph.store import EntityDetail, EntityRole, EntitySummary, Provenance, Store

from api.convert import doc_id, doc_out
from api.deps import get_index, get_role_store, get_store
from api.errors import ApiError
from api.graph_schemas import EntityPage, ItemOut, ProvisionOut, TaskOut, TaskPage, TaskSummaryOut
from api.graph_views import PROVENANCE_CAP, legal_bases, role_out
from api.ids import KINDS_BY_PATH, ROW_KINDS, ROW_ROLES, find_entity, near_entities, task_id
from api.lookup import get_document, near_ids
from api.routers.common import ERRORS, RDF_CONTENT, Filter, Format, Limit, LinkOffset, Offset, as_rdf, entity_page, get_task, list_entities
from graph.search_index import SearchIndex

router = APIRouter(tags=["programmes, platforms, tasks"])
AGENCY_KINDS = KINDS_BY_PATH["agencies"]  # agencies and their units
ENTERPRISE_KINDS = KINDS_BY_PATH["enterprises"]


Basis = tuple[str, str, list[Provenance]]  # (document IRI, role, provenance) of one legal-basis entry


def _approving(in_roles: list[EntityRole], seen: set[str], role: str = "approves") -> list[Basis]:
    """The documents that approve (or, `role` = regulates, regulate) the subject of `in_roles`, those in
    `seen` left out."""
    return [(r.entity_iri, r.role, list(r.provenance)) for r in in_roles
            if r.entity_kind == "document" and r.role == role and r.entity_iri not in seen]


def _heads(store: Store, kind: str, in_roles: list[EntityRole], related: list[EntityRole]) -> list[Basis]:
    """The legal-basis entries before the listing documents: regulating documents (a platform's), then approving
    documents (for a platform also those approving the programmes that name it). One store call per naming
    programme."""
    bases = _approving(in_roles, set(), "regulates")
    bases += _approving(in_roles, {b[0] for b in bases})
    if kind == "platform":
        for r in related:
            bases += _approving(store.roles(r.entity_iri, "in", ["approves"]), {b[0] for b in bases})
    return bases


def _item(store: Store, ent: EntityDetail, limit: int, offset: int) -> ItemOut:
    """The item with one page of its legal basis, every other part whole. The legal basis is `_heads`, then the
    documents listing the item or stating one of its roles, each with its first such link (Store.role_sources,
    paged by the store with their count and annex rows), so a platform listed by thousands of catalogues costs
    one page of them; summaries and legal bases are read for the page only."""
    iri = ent.iri  # read once by the caller: an item named in thousands of graphs costs ~80 ms to read at 100k
    counts, kind_totals = store.role_counts(iri, "out"), store.role_kind_counts(iri, "out")
    in_roles = store.roles(iri, "in", ["approves", "names_platform", "regulates"])
    related = store.roles(iri, "out", ["names_platform"]) + [r for r in in_roles if r.role == "names_platform"]
    agencies = store.roles(iri, "out", None, limit, offset, AGENCY_KINDS, PROVENANCE_CAP)
    enterprises = store.roles(iri, "out", None, limit, offset, ENTERPRISE_KINDS, PROVENANCE_CAP)
    heads = _heads(store, ent.kind, in_roles, related)
    page = heads[offset:offset + limit]
    sources = store.role_sources(iri, "out", [d for d, _, _ in heads], limit - len(page), max(0, offset - len(heads)))
    page += [(d, "lists", [p]) for d, p in sources.page]
    docs = store.documents_many([d for d, _, _ in page])
    tasks = sum(store.row_counts([d for d, _, _ in heads]).values()) + sources.rows
    if heads or not sources.total:
        first = heads[0][0] if heads else None
    else:  # the first listing document, on this page or not
        first = (sources.page if offset == 0 else store.role_sources(iri, "out", [], 1).page)[0][0]
    first_id = doc_id(first) if first else None
    return ItemOut(id=iri.rsplit("/", 1)[1], iri=iri, kind=ent.kind, label=ent.label, alt_labels=list(ent.alt_labels),
                   legal_basis=legal_bases(store, [(docs[d], role, prov) for d, role, prov in page]),
                   legal_basis_total=len(heads) + sources.total, limit=limit, offset=offset,
                   agencies=[role_out(r, iri) for r in agencies], enterprises=[role_out(r, iri) for r in enterprises],
                   agencies_total=sum(kind_totals.get(k, 0) for k in AGENCY_KINDS),
                   enterprises_total=sum(kind_totals.get(k, 0) for k in ENTERPRISE_KINDS), counts=dict(sorted(counts.items())),
                   related=[role_out(r) for r in related], tasks_total=tasks,
                   tasks_href=f"/tasks?document={first_id}" if first_id and tasks else None)


def _list(kind: str):
    def handler(store: Store = Depends(get_store), q: Filter = None, limit: Limit = 50, offset: Offset = 0) -> EntityPage:
        return list_entities(store, [kind], q, limit, offset)
    return handler


ITEM_PAGE = 20  # default page of an item's legal basis, agencies and enterprises: each legal-basis entry carries
# its own legal bases and every row up to PROVENANCE_CAP quotes, so 50 made a ~0.5 MB answer (~40 ms at 100k)


def _detail(kind: str, what: str):
    async def handler(item_id: str, request: Request, store: Store = Depends(get_role_store),
                      index: SearchIndex = Depends(get_index), format: Format = None, limit: Limit = ITEM_PAGE,
                      offset: Offset = 0):
        return await entity_page(request, store, index, format, item_id, [kind], what,
                                 lambda ent: _item(store, ent, limit, offset), offset)
    return handler


for _kind, _path, _what in (("programme", "programmes", "programme"), ("platform", "platforms", "platform")):
    router.add_api_route(f"/{_path}", _list(_kind), methods=["GET"], response_model=EntityPage, responses=ERRORS,
                         summary=f"List {_path} (q= filters by name)")
    router.add_api_route(f"/{_path}/{{item_id}}", _detail(_kind, _what), methods=["GET"], response_model=ItemOut,
                         responses={**ERRORS, 200: {"content": RDF_CONTENT}},
                         summary=f"One {_what}: legal basis in pages (limit/offset; legal_basis_total counts all), "
                                 f"agencies and enterprises with their roles, with provenance")


def _agency(store: Store, name: str, role: str) -> str:
    known = [e for k in AGENCY_KINDS for e in store.entities(k)]
    found = find_entity(name, known)
    if found is None:
        raise ApiError(404, "not_found", f"no agency called {name!r} (filter {role}=)", near_entities(name, known))
    return found.iri


@router.get("/tasks", response_model=TaskPage, responses=ERRORS,
            summary="Annex rows (tasks, indicators): filter by document and by lead / coordinating / monitoring agency")
def list_tasks(
    store: Store = Depends(get_role_store), index: SearchIndex = Depends(get_index),
    document: Annotated[str | None, Query(max_length=200, description="document id: nq-2025-03-cp")] = None,
    lead: Annotated[str | None, Query(max_length=300, description="agency id or name: 'Bộ Khoa học và Công nghệ'")] = None,
    coordinating: Annotated[str | None, Query(max_length=300, description="agency id or name")] = None,
    monitoring: Annotated[str | None, Query(max_length=300, description="agency id or name")] = None,
    kind: Annotated[Literal["task", "indicator", "all"], Query(description="task rows, indicator rows, or both")] = "all",
    limit: Limit = 50, offset: Offset = 0,
) -> TaskPage:
    kinds = list(TASK_KINDS) if kind == "all" else [kind]
    iris: set[str] | None = None
    for role, name in zip(ROW_ROLES, (lead, coordinating, monitoring)):
        if name:
            held = {r.entity_iri for r in store.roles(_agency(store, name, role), "in", [role], kinds=kinds,
                                                      max_provenance=0)}  # the rows only: no quote is read
            iris = held if iris is None else iris & held
    home = get_document(document, store, index).iri if document else None
    if iris is None:  # every row, or a document's: one page from the store
        total, page = store.task_rows(kinds, home, limit, offset)
    else:
        ordered = task_listing(iris, home)
        total, page = len(ordered), ordered[offset:offset + limit]
    items = []
    for iri in page:
        ent = store.entity(iri)
        roles = store.roles(iri, "out", list(ROW_ROLES))
        names = {role: [r.entity_label or r.entity_iri for r in roles if r.role == role] for role in ROW_ROLES}
        attrs = dict(ent.attributes) if ent else {}
        tid = task_id(iri) or iri
        items.append(TaskSummaryOut(
            id=tid, iri=iri, kind=ent.kind if ent else "row", row_label=(attrs.get("row_label") or (None,))[0],
            text=ent.label if ent else None, document_id=tid.split("~", 1)[0] if "~" in tid else None,
            deadline=list(attrs.get("deadline", ())), **names))
    return TaskPage(total=total, limit=limit, offset=offset, items=items)


def near_tasks(raw: str, store: Store, index: SearchIndex, n: int = 5) -> list[str]:
    """Task ids close to `raw` among the annex rows of its document, or of the documents near its id when that one
    is unknown: comparing every row of the store cost ~14 s a miss at 100k documents."""
    did = DocId.parse(raw.strip().lower().split("~", 1)[0])  # task_iri has parsed it
    homes = [did.iri()] if store.document(did.iri()) else [DocId.parse(i).iri() for i in near_ids(did, index)]
    rows = [EntitySummary(p.iri, p.kind) for home in homes for p in store.provisions(home) if p.kind in ROW_KINDS]
    return near_entities(raw.replace("~", " "), rows, n, id_of=task_id)


@router.get("/tasks/{task_id}", response_model=TaskOut, responses={**ERRORS, 200: {"content": RDF_CONTENT}},
            summary="One annex row: its text, agencies by role with the quoted row, its document and legal bases")
def read_task(task_id: str, request: Request, store: Store = Depends(get_role_store),
              index: SearchIndex = Depends(get_index), format: Format = None, offset: LinkOffset = 0):
    ent, doc = get_task(store, task_id, lambda: near_tasks(task_id, store, index))
    iri = ent.iri
    if (answer := as_rdf(request, format, store, iri, offset)) is not None:
        return answer
    parts = [p for p in store.provisions(doc.iri) if p.iri == ent.parent] if doc is not None and ent.parent else []
    annex = ProvisionOut(**vars(parts[0])) if parts else None
    attrs = {k: list(v) for k, v in ent.attributes}
    return TaskOut(id=task_id.strip().lower(), iri=iri, kind=ent.kind, row_label=(attrs.pop("row_label", None) or [None])[0],
                   text=ent.label, annex=annex, document=doc_out(doc) if doc else None, attributes=attrs,
                   agencies=[role_out(r) for r in store.roles(iri, "out")],
                   legal_basis=legal_bases(store, [(doc, "contains", [])]) if doc else [])
