"""/search: full text over document numbers and titles and entity names, diacritics and case ignored."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query
from starlette.concurrency import run_in_threadpool

from cancu.registry import named_kinds
from graph.search_index import MATCH_CAP, SearchIndex, fts_query

from api.convert import doc_id
from api.deps import get_index
from api.errors import ApiError
from api.schemas import SearchHitOut, SearchPage, errors

router = APIRouter(tags=["search"])
KINDS = ["document", *(k.code for k in named_kinds())]


@router.get("/search", response_model=SearchPage, responses=errors(400, 503),
            summary="Ranked search: 'bo thong tin' finds 'Bộ Thông tin và Truyền thông'",
            description=f"Hits ranked by bm25, ties in index order (named entities, then documents newest first). "
                        f"At most the first {MATCH_CAP:,} matches in that order are counted and ranked: beyond that "
                        "`total_is_lower_bound` is true, so narrow a broad query rather than paging through it.")
async def search(
    q: Annotated[str, Query(min_length=1, max_length=300, description="words, with or without diacritics")],
    kind: Annotated[list[str] | None, Query(description=f"only these kinds: {', '.join(KINDS)}")] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    offset: Annotated[int, Query(ge=0, le=1_000_000_000)] = 0,
    index: SearchIndex = Depends(get_index),
) -> SearchPage:
    if fts_query(q) is None:
        raise ApiError(400, "invalid_query", "the query has no words to search for", ["bo thong tin", "749/QĐ-TTg"])
    bad = [k for k in kind or [] if k not in KINDS]
    if bad:
        raise ApiError(400, "invalid_kind", f"unknown kind(s): {', '.join(bad)}", KINDS)
    total, hits = await run_in_threadpool(index.search, q, limit=limit, offset=offset, kinds=kind)
    items = [SearchHitOut(**vars(h), id=doc_id(h.iri) if h.kind == "document" else None) for h in hits]
    return SearchPage(query=q, total=total, total_is_lower_bound=total >= MATCH_CAP, limit=limit, offset=offset,
                      items=items)
