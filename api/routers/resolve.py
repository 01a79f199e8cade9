"""/resolve: a number as people write it -> the document, or every candidate when it is ambiguous.

Ambiguity answers 300 Multiple Choices (RFC 9110 §15.4.1: "the target resource has more than one
representation … the user can select a preferred one"), not 409: nothing conflicts, the caller must
choose. The body lists every candidate with id, date and year; `year=` narrows the choice.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query
from fastapi.responses import JSONResponse

from graph.search_index import SearchIndex
from graph.store import Store

from api.convert import doc_fields
from api.deps import get_index, get_store, run_store
from api.lookup import resolve
from api.schemas import AmbiguousReference, Candidate, ResolvedDocument, errors

router = APIRouter(tags=["resolve"])


@router.get(
    "/resolve", response_model=ResolvedDocument,
    responses={300: {"model": AmbiguousReference, "description": "Several documents share this number"},
               **errors(400, 404, 503)},
    summary="Find a document by its number as written: 749/QĐ-TTg, 749/QD-TTg, Quyết định số 749/QĐ-TTg, QĐ 749",
)
async def resolve_ref(
    ref: Annotated[str, Query(min_length=1, max_length=200, description="the number as written")],
    year: Annotated[int | None, Query(ge=1945, le=2100, description="keep only documents of this year")] = None,
    store: Store = Depends(get_store), index: SearchIndex = Depends(get_index),
):
    # async: a `def` route would add a thread-pool hop for validation; run_store makes at most one, and none when
    # the pages are attached (the number keys and summaries are theirs).
    found = await run_store(store, lambda: resolve(ref, year, store, index), paged=True)
    if len(found.candidates) == 1:
        d = found.candidates[0]
        return ResolvedDocument(ref=ref, key=found.key, **doc_fields(d))  # (its model leaves source_file out)
    years = sorted({str(d.year or (d.date or "")[:4] or "?") for d in found.candidates})
    body = AmbiguousReference(
        ref=ref, key=found.key,
        message=(f"{ref!r} is ambiguous: {len(found.candidates)} documents match (years {', '.join(years)}); "
                 "choose one by id, or add year="),
        candidates=[Candidate(**doc_fields(d)) for d in found.candidates],
    )
    return JSONResponse(body.model_dump(), status_code=300)
