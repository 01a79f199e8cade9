"""/provenance: every place the text states one role edge, in pages (agency and platform pages show the
first few of each and link here: a platform's governing agency is stated in every catalogue listing it)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from graph.store import Store

from api.convert import provenance_out
from api.deps import get_role_store
from api.errors import ApiError
from api.graph_schemas import ProvenancePage
from api.routers.common import ERRORS, Limit, Offset

router = APIRouter(tags=["agencies, enterprises"])
Iri = Annotated[str, Query(max_length=2000, description="an IRI as the API gives it")]


@router.get("/provenance", response_model=ProvenancePage, responses=ERRORS,
            summary="Where the text states that `subject` holds `role` towards `object` (role edges' provenance, in pages)")
def provenance(subject: Iri, role: Annotated[str, Query(max_length=100)], object: Iri,
               store: Store = Depends(get_role_store), limit: Limit = 50, offset: Offset = 0) -> ProvenancePage:
    try:
        rows = [r for r in store.roles(subject, "out", [role]) if r.entity_iri == object]
    except ValueError as exc:  # an unknown role
        raise ApiError(400, "invalid_role", str(exc)) from exc
    if not rows:
        raise ApiError(404, "not_found", f"no {role} edge from {subject} to {object}")
    found = rows[0].provenance
    return ProvenancePage(subject=subject, role=role, object=object, total=len(found), limit=limit, offset=offset,
                          items=[provenance_out(p) for p in found[offset:offset + limit]])
