"""Entity pages (an agency, a platform, a programme) rendered once per search index, in each worker.

Such a page gathers a few hundred rows from the pages built at load (roles with provenance, legal bases with
theirs) into a ~0.2 MB answer: ~15 ms of one worker's CPU at 100k documents, half of it building the response
models. Nothing in it depends on the request but its path and query, and everything in it comes from the store
state the search index was built from; the holder replaces the index whenever that state changes (an upload,
a store replaced under the server). So the JSON body is kept, keyed by path and query, beside that index
object, and goes with it. The bound is CANCU_PAGE_CACHE_MB per worker (0: render every time); the least
recently used page leaves first.
"""

from __future__ import annotations

import threading
import weakref
from collections import OrderedDict
from typing import Callable
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import Response
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool

from graph.search_index import SearchIndex
from graph.store import Store

from api.deps import run_store, settings_of


class RenderedPages:
    """JSON bodies by request key, least recently used first out past `max_bytes`."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes, self.size = max_bytes, 0
        self._bodies: OrderedDict[str, bytes] = OrderedDict()
        self._lock = threading.Lock()  # used from the event loop; safe from any thread all the same

    def get(self, key: str) -> bytes | None:
        with self._lock:
            body = self._bodies.get(key)
            if body is not None:
                self._bodies.move_to_end(key)
            return body

    def put(self, key: str, body: bytes) -> None:
        if len(body) > self.max_bytes:
            return
        with self._lock:
            old = self._bodies.pop(key, None)
            self.size += len(body) - (len(old) if old is not None else 0)
            self._bodies[key] = body
            while self.size > self.max_bytes:
                self.size -= len(self._bodies.popitem(last=False)[1])


_PAGES: "weakref.WeakKeyDictionary[SearchIndex, RenderedPages]" = weakref.WeakKeyDictionary()
_PAGES_LOCK = threading.Lock()


async def rendered(request: Request, store: Store, index: SearchIndex,
                   render: Callable[[], BaseModel]) -> Response | BaseModel:
    """The page for this request as kept beside `index`, else `render()`'s, kept; `render()` itself (the route's
    model, serialised by FastAPI) when the bound is 0. A page that raises (404) is not kept.

    Where each runs is measured (one worker, 50 clients, 100k documents). A kept page is answered on the event
    loop. A render goes where api.deps.run_store puts work the pages serve (the loop, on either store once the
    pages are attached): in the thread pool, a render held the GIL against the loop, which gives it up at every
    socket call and waits up to the switch interval to get it back, so the first renders after a load
    stalled thousands of kept answers (p99 5 s). With no pages kept (bound 0) every request renders, and then
    the thread pool is the better place: on the loop, the 0.2 MB answers already written waited behind every
    queued render to be flushed (p99 7.8 s against 2.7 s)."""
    max_mb = settings_of(request).page_cache_mb
    if max_mb <= 0:
        return await run_in_threadpool(render)
    with _PAGES_LOCK:
        pages = _PAGES.get(index)
        if pages is None:
            pages = _PAGES[index] = RenderedPages(int(max_mb * 1024 * 1024))
    key = request.url.path + "?" + urlencode(sorted(request.query_params.multi_items()))
    body = pages.get(key)
    if body is None:
        body = (await run_store(store, render, paged=True)).model_dump_json().encode()
        pages.put(key, body)
    return Response(body, media_type="application/json")
