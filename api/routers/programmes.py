"""/programmes, /platforms and /tasks: each item with everything connected to it, with provenance.

A programme's legal basis is the document that approves it (cc:approves) and that document's own
legal bases; a platform's is reached through the programme that names it (cc:namesPlatform). A task
is an annex row; its legal basis is the document the annex belongs to.
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Request

from cancu.iri import DocId
from graph.store import EntityRole, Store

from api.convert import doc_out
from api.deps import get_index, get_store
from api.errors import ApiError
from api.graph_schemas import EntityPage, ItemOut, LegalBasisOut, ProvisionOut, TaskOut, TaskPage, TaskSummaryOut
from api.graph_views import legal_basis, role_out
from api.ids import find_entity, near_entities, task_id, task_iri
from api.lookup import get_document
from api.routers.common import ERRORS, RDF_CONTENT, Filter, Format, Limit, Offset, get_entity, list_entities, rdf, wants_rdf
from graph.search_index import SearchIndex

router = APIRouter(tags=["programmes, platforms, tasks"])
ROW_KINDS = ("task", "indicator", "row")
AGENCY_KINDS = ("agency", "unit")


def _approving(store: Store, in_roles: list[EntityRole]) -> list[LegalBasisOut]:
    out = []
    for r in in_roles:
        if r.entity_kind == "document" and r.role == "approves":
            doc = store.document(r.entity_iri)
            if doc is not None:
                out.append(legal_basis(store, doc, r.role, list(r.provenance)))
    return out


def _item(store: Store, iri: str) -> ItemOut:
    ent = store.entity(iri)
    assert ent is not None
    out_roles, in_roles = store.roles(iri, "out"), store.roles(iri, "in")
    bases = _approving(store, in_roles)
    related = [r for r in out_roles + in_roles if r.role == "names_platform"]
    if ent.kind == "platform":  # through the programmes that name it
        for r in related:
            bases += [b for b in _approving(store, store.roles(r.entity_iri, "in", ["approves"]))
                      if b.document.iri not in {x.document.iri for x in bases}]
    listed = sorted({p.document for r in out_roles for p in r.provenance} - {b.document.iri for b in bases})
    for d in listed:  # the document whose annex row lists it (a platform in a catalogue)
        doc = store.document(d)
        if doc is not None:
            prov = [p for r in out_roles for p in r.provenance if p.document == d]
            bases.append(legal_basis(store, doc, "lists", sorted(set(prov), key=lambda p: (p.start or 0, p.provision or ""))[:1]))
    rows = 0
    for b in bases:
        rows += sum(1 for p in store.provisions(b.document.iri) if p.kind in ROW_KINDS)
    first = bases[0].document.id if bases else None
    return ItemOut(id=iri.rsplit("/", 1)[1], iri=iri, kind=ent.kind, label=ent.label, alt_labels=list(ent.alt_labels),
                   legal_basis=bases,
                   agencies=[role_out(r) for r in out_roles if r.entity_kind in AGENCY_KINDS],
                   enterprises=[role_out(r) for r in out_roles if r.entity_kind == "enterprise"],
                   related=[role_out(r) for r in related], tasks_total=rows,
                   tasks_href=f"/tasks?document={first}" if first and rows else None)


def _list(kind: str):
    def handler(store: Store = Depends(get_store), q: Filter = None, limit: Limit = 50, offset: Offset = 0) -> EntityPage:
        return list_entities(store, [kind], q, limit, offset)
    return handler


def _detail(kind: str, what: str):
    def handler(item_id: str, request: Request, store: Store = Depends(get_store), format: Format = None):
        ent = get_entity(store, item_id, [kind], what)
        rdf_kind = wants_rdf(request, format)
        return rdf(store, ent.iri, rdf_kind) if rdf_kind else _item(store, ent.iri)
    return handler


for _kind, _path, _what in (("programme", "programmes", "programme"), ("platform", "platforms", "platform")):
    router.add_api_route(f"/{_path}", _list(_kind), methods=["GET"], response_model=EntityPage, responses=ERRORS,
                         summary=f"List {_path} (q= filters by name)")
    router.add_api_route(f"/{_path}/{{item_id}}", _detail(_kind, _what), methods=["GET"], response_model=ItemOut,
                         responses={**ERRORS, 200: {"content": RDF_CONTENT}},
                         summary=f"One {_what}: legal basis, agencies and enterprises with their roles, with provenance")


def _row_key(iri: str) -> tuple:
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in iri.replace("/", "_").split("_"))


def _agency(store: Store, name: str, role: str) -> str:
    known = [e for k in AGENCY_KINDS for e in store.entities(k)]
    found = find_entity(name, known)
    if found is None:
        raise ApiError(404, "not_found", f"no agency called {name!r} (filter {role}=)", near_entities(name, known))
    return found.iri


@router.get("/tasks", response_model=TaskPage, responses=ERRORS,
            summary="Annex rows (tasks, indicators): filter by document and by lead / coordinating / monitoring agency")
def list_tasks(
    store: Store = Depends(get_store), index: SearchIndex = Depends(get_index),
    document: Annotated[str | None, Query(max_length=200, description="document id: nq-2025-03-cp")] = None,
    lead: Annotated[str | None, Query(max_length=300, description="agency id or name: 'Bộ Khoa học và Công nghệ'")] = None,
    coordinating: Annotated[str | None, Query(max_length=300, description="agency id or name")] = None,
    monitoring: Annotated[str | None, Query(max_length=300, description="agency id or name")] = None,
    kind: Annotated[Literal["task", "indicator", "all"], Query(description="task rows, indicator rows, or both")] = "all",
    limit: Limit = 50, offset: Offset = 0,
) -> TaskPage:
    kinds = ["task", "indicator"] if kind == "all" else [kind]
    iris: set[str] | None = None
    for role, name in (("lead", lead), ("coordinating", coordinating), ("monitoring", monitoring)):
        if name:
            held = {r.entity_iri for r in store.roles(_agency(store, name, role), "in", [role])
                    if r.entity_kind in kinds}
            iris = held if iris is None else iris & held
    if iris is None:
        iris = {e.iri for k in kinds for e in store.entities(k)}
    if document:
        doc = get_document(document, store, index)
        iris = {i for i in iris if i.startswith(doc.iri + "/")}
    ordered = sorted(iris, key=_row_key)
    items = []
    for iri in ordered[offset:offset + limit]:
        ent = store.entity(iri)
        roles = store.roles(iri, "out", ["lead", "coordinating", "monitoring"])
        attrs = dict(ent.attributes) if ent else {}
        tid = task_id(iri) or iri
        items.append(TaskSummaryOut(
            id=tid, iri=iri, kind=ent.kind if ent else "row", row_label=(attrs.get("row_label") or (None,))[0],
            text=ent.label if ent else None, document_id=tid.split("~", 1)[0] if "~" in tid else None,
            lead=[r.entity_label or r.entity_iri for r in roles if r.role == "lead"],
            coordinating=[r.entity_label or r.entity_iri for r in roles if r.role == "coordinating"],
            monitoring=[r.entity_label or r.entity_iri for r in roles if r.role == "monitoring"],
            deadline=list(attrs.get("deadline", ()))))
    return TaskPage(total=len(ordered), limit=limit, offset=offset, items=items)


@router.get("/tasks/{task_id}", response_model=TaskOut, responses={**ERRORS, 200: {"content": RDF_CONTENT}},
            summary="One annex row: its text, agencies by role with the quoted row, its document and legal bases")
def read_task(task_id: str, request: Request, store: Store = Depends(get_store), format: Format = None):
    iri = task_iri(task_id)
    ent = store.entity(iri)
    if ent is None or ent.kind not in ROW_KINDS:
        from api.ids import task_id as tid_of

        known = [e for k in ("task", "indicator") for e in store.entities(k)]
        raise ApiError(404, "not_found", f"no task with id {task_id!r}",
                       near_entities(task_id.replace("~", " "), known, id_of=tid_of))
    rdf_kind = wants_rdf(request, format)
    if rdf_kind:
        return rdf(store, iri, rdf_kind)
    doc = store.document(DocId.parse(task_id.strip().lower().split("~", 1)[0]).iri())
    annex = None
    if doc is not None and ent.parent:
        parts = [p for p in store.provisions(doc.iri) if p.iri == ent.parent]
        if parts:
            p = parts[0]
            annex = ProvisionOut(iri=p.iri, kind=p.kind, parent=p.parent, label=p.label, heading=p.heading, ordinal=p.ordinal)
    attrs = {k: list(v) for k, v in ent.attributes}
    return TaskOut(id=task_id.strip().lower(), iri=iri, kind=ent.kind, row_label=(attrs.pop("row_label", None) or [None])[0],
                   text=ent.label, annex=annex, document=doc_out(doc) if doc else None, attributes=attrs,
                   agencies=[role_out(r) for r in store.roles(iri, "out")],
                   legal_basis=[legal_basis(store, doc, "contains", [])] if doc else [])



