"""/agencies and /enterprises: what they issued or signed, the tasks and platforms they hold and in
which role (with counts and pages), their units, and who holds their role today (cc:successor)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request

from graph.search_index import SearchIndex
from graph.store import EntityDetail, Store

from api.deps import get_index, get_role_store, get_store
from api.graph_schemas import AgencyOut, EntityPage, RolePage
from api.graph_views import PROVENANCE_CAP, entity_out, role_out, succession
from api.ids import KINDS_BY_PATH, ROW_ROLES
from api.routers.common import ERRORS, RDF_CONTENT, Filter, Format, Limit, Offset, entity_page, labels, list_entities

router = APIRouter(tags=["agencies, enterprises"])
PLATFORM_ROLES = {"governing_agency", "focal_unit", "ministry_focal_unit", "core_enterprise", "names_platform",
                  "operating", "connecting"}


def _page(store: Store, iri: str, roles: set[str], counts: dict[str, int], limit: int, offset: int) -> RolePage:
    """One page of the roles `iri` holds in `roles`, cut by the store (an agency may hold thousands);
    the total comes from the counts, and an empty page costs no query."""
    total = sum(counts.get(r, 0) for r in roles)
    rows = store.roles(iri, "in", sorted(roles), limit, offset, max_provenance=PROVENANCE_CAP) if offset < total else []
    return RolePage(total=total, items=[role_out(r, iri, "in") for r in rows])


def agency_out(store: Store, ent: EntityDetail, limit: int, offset: int) -> AgencyOut:
    counts = store.role_counts(ent.iri, "in")
    names = labels(store)
    chain = succession(store, ent)
    me = entity_out(ent.iri, ent.kind, ent.label)
    attrs = dict(ent.attributes)
    return AgencyOut(
        id=me.id or ent.iri, iri=ent.iri, kind=ent.kind, label=ent.label, alt_labels=list(ent.alt_labels),
        abbreviation=list(attrs.get("abbreviation", ())),
        parent=names.get(ent.parent) or (entity_out(ent.parent, "agency", None) if ent.parent else None),
        units=[names.get(u) or entity_out(u, "unit", None) for u in ent.units],
        successors=chain, holds_role_today=chain[-1].entity if chain else me,
        counts=dict(sorted(counts.items())),
        documents_issued=_page(store, ent.iri, {"issued"}, counts, limit, offset),
        documents_signed=_page(store, ent.iri, {"signed"}, counts, limit, offset),
        tasks=_page(store, ent.iri, set(ROW_ROLES), counts, limit, offset),
        platforms=_page(store, ent.iri, PLATFORM_ROLES, counts, limit, offset),
        limit=limit, offset=offset)


@router.get("/agencies", response_model=EntityPage, responses=ERRORS, summary="List agencies and their units (q= filters by name)")
def list_agencies(store: Store = Depends(get_store), q: Filter = None, limit: Limit = 50, offset: Offset = 0) -> EntityPage:
    return list_entities(store, KINDS_BY_PATH["agencies"], q, limit, offset)


@router.get("/enterprises", response_model=EntityPage, responses=ERRORS, summary="List enterprises (q= filters by name)")
def list_enterprises(store: Store = Depends(get_store), q: Filter = None, limit: Limit = 50, offset: Offset = 0) -> EntityPage:
    return list_entities(store, KINDS_BY_PATH["enterprises"], q, limit, offset)


@router.get("/agencies/{agency_id}", response_model=AgencyOut, responses={**ERRORS, 200: {"content": RDF_CONTENT}},
            summary="One agency (or unit): documents issued, tasks and platforms by role, units, successors")
async def read_agency(agency_id: str, request: Request, store: Store = Depends(get_role_store),
                      index: SearchIndex = Depends(get_index), format: Format = None, limit: Limit = 50,
                      offset: Offset = 0):
    return await entity_page(request, store, index, format, agency_id, KINDS_BY_PATH["agencies"], "agency",
                             lambda ent: agency_out(store, ent, limit, offset), offset)


@router.get("/enterprises/{enterprise_id}", response_model=AgencyOut, responses={**ERRORS, 200: {"content": RDF_CONTENT}},
            summary="One enterprise: platforms it holds a role in, documents naming it, successors")
async def read_enterprise(enterprise_id: str, request: Request, store: Store = Depends(get_role_store),
                          index: SearchIndex = Depends(get_index), format: Format = None, limit: Limit = 50,
                          offset: Offset = 0):
    return await entity_page(request, store, index, format, enterprise_id, KINDS_BY_PATH["enterprises"], "enterprise",
                             lambda ent: agency_out(store, ent, limit, offset), offset)

