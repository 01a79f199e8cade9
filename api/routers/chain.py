"""/documents/{id}/chain (legal bases up, documents built on it down, transitively) and
/documents/{id}/relations (every relation kind, both ways)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query

from graph.search_index import SearchIndex
from graph.shared import RELATIONS
from graph.store import Store

from api.convert import doc_out
from api.deps import get_index, get_store, run_store
from api.errors import ApiError
from api.graph_schemas import ChainOut, RelationsOut
from api.graph_views import MAX_DEPTH, MAX_NODES, chain, relation_groups
from api.lookup import get_document
from api.schemas import errors

router = APIRouter(prefix="/documents", tags=["documents"])
ERRORS = errors(400, 404, 503)


def _relations(relations: list[str] | None, default: list[str]) -> list[str]:
    chosen = [r.strip() for item in relations or [] for r in item.split(",") if r.strip()] or default
    unknown = [r for r in chosen if r not in RELATIONS]
    if unknown:
        raise ApiError(400, "invalid_relation", f"unknown relation kind(s): {', '.join(unknown)}", sorted(RELATIONS))
    return sorted(set(chosen))


@router.get("/{doc_id}/chain", response_model=ChainOut, responses=ERRORS,
            summary="Legal bases up (direction=up) or documents built on it down (direction=down), transitively")
async def document_chain(
    doc_id: str, store: Store = Depends(get_store), index: SearchIndex = Depends(get_index),
    direction: Annotated[Literal["up", "down"], Query(description="up: its bases; down: what is based on it")] = "up",
    depth: Annotated[int, Query(ge=1, le=MAX_DEPTH, description="hops (1–5)")] = 2,
    relations: Annotated[list[str] | None, Query(description="relation kinds to follow (default based_on); "
                                                            "repeat or comma-separate: based_on,implements")] = None,
    max_nodes: Annotated[int, Query(ge=1, le=MAX_NODES, description="stop adding documents past this many")] = 200,
) -> ChainOut:
    # async: the embedded store runs on the event loop (through the thread pool the API served ~25% fewer
    # chains under load), and chain() lets the loop run between levels
    rels = _relations(relations, ["based_on"])
    doc = await run_store(store, lambda: get_document(doc_id, store, index), paged=True)
    return await chain(store, doc, direction == "up", depth, rels, max_nodes)


@router.get("/{doc_id}/relations", response_model=RelationsOut, responses=ERRORS,
            summary="Every relation kind (căn cứ, dẫn chiếu, sửa đổi …) both ways, grouped, with provenance")
def document_relations(doc_id: str, store: Store = Depends(get_store),
                       index: SearchIndex = Depends(get_index)) -> RelationsOut:
    doc = get_document(doc_id, store, index)
    return RelationsOut(document=doc_out(doc), groups=relation_groups(store, doc, sorted(RELATIONS)))
