"""The FastAPI application: `create_app(store)` wires routers, errors and the injected store."""

from __future__ import annotations

from contextlib import asynccontextmanager
from typing import AsyncIterator

from fastapi import FastAPI

import cancu
from cancu.config import Settings
from graph.store import Store

from api import errors
from api.deps import COUNTS_SECONDS, StoreHolder, settle_heap
from api.routers import (agencies, chain, cypher, documents, eli, health, pages, programmes, provenance, resolve, search,
                         sparql, upload, viz)

DESCRIPTION = """cancu: Vietnamese legal documents as a knowledge graph — legal bases (căn cứ), citations,
agencies and platforms, each link with its provenance (document, provision, quoted text).

* Look a document up by its number as people write it: `/resolve?ref=749/QĐ-TTg`.
* Document ids are the IRI path after `/eli/vn/` with `/` as `-`: `qd-2020-749-ttg`.
* Every error has the shape `{"error": {"code", "message", "suggestions"}}`.
* `/resolve` answers **300 Multiple Choices** when a number is shared by several documents.
* Entity ids are the slug after `/id/{kind}/` (`/agencies/bo-thong-tin-va-truyen-thong`); task ids are the
  document id and the annex row's path with `~`: `/tasks/nq-2025-03-cp~phu_luc_2~hang_11`.
* `POST /documents` needs `X-API-Key` (= `CANCU_API_KEY`; unset: writes disabled, 403). Everything else is read-only.
"""


def create_app(store: Store | None = None, settings: Settings | None = None, settle: bool = False) -> FastAPI:
    """The API over `store` (tests pass an in-memory store); by default the store `settings` name (default:
    the environment's), opened read-only on first request so the API starts (and answers 503) even if it is missing.
    `settle`: the app owns its process (`cancu serve`): its long-lived heap is frozen (api.deps.settle_heap)."""
    settings = settings or Settings.from_env()
    opener = None
    if store is None:
        from graph import open_store

        def opener() -> Store:
            return open_store(read_only=True, settings=settings, counts_seconds=COUNTS_SECONDS)

    holder = StoreHolder(store, opener, settings, settle)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        if settle:
            settle_heap()
        yield
        holder.close()

    app = FastAPI(title="cancu", version=cancu.__version__, description=DESCRIPTION, lifespan=lifespan)
    app.state.holder = holder
    errors.install(app)
    for module in (resolve, upload, documents, chain, programmes, agencies, provenance, search, sparql, cypher, health, eli,
                   viz, pages):
        app.include_router(module.router)
    return app
