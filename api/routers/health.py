"""/health: which backend, whether it answers, and what it holds."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from api.deps import StoreHolder, get_holder
from api.errors import ApiError
from api.schemas import HealthOut, errors

router = APIRouter(tags=["health"])


@router.get("/health", response_model=HealthOut, responses=errors(503),
            summary="Store backend, state and counts (503 when the store is down)")
def health(holder: StoreHolder = Depends(get_holder)) -> HealthOut:
    status = holder.store().status()  # StoreUnavailable -> 503
    if not status.ok:
        raise ApiError(503, "store_unavailable", f"{status.backend}: {status.detail}")
    try:
        holder.index()
    except Exception as exc:  # the index is derived data: report, do not fail health
        holder.index_source = f"unavailable: {exc}"
    return HealthOut(**vars(status), state="ok", search_index=holder.index_source)  # (status.ok: not a field)
