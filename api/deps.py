"""Dependencies injected with `Depends`: the store and the search index.

The store lives on `app.state` so tests pass an in-memory store to `create_app(store)` and never
patch anything. The default store is opened lazily and read-only (only `cancu load` writes): if it
cannot be opened, requests answer 503 and the next request tries again. Requests check that the directory
at the store's path is still the one opened (reads at most every PLACE_CHECK seconds, /health and uploads
always): a store moved, removed or replaced under the server answers 503 (then the next request opens what
is there, if anything), and an upload never creates a store.
"""

from __future__ import annotations

import gc
import os
import threading
from typing import Callable, TypeVar

from fastapi import Request
from starlette.concurrency import run_in_threadpool

from cancu.config import Settings
from graph.search_index import SearchIndex, build_index, default_index_path
from graph.store import OnDiskStore, SparqlStore, Store, StoreUnavailable, supports

from api.sparql_pool import Source, SparqlPool

T = TypeVar("T")


class WriteConflict(RuntimeError):
    """The store cannot be written now (read-only backend, or another process holds the writer lock): 409."""


class StoreHolder:
    """Opens the store on first use (and again after a failure), then keeps it."""

    def __init__(self, store: Store | None, opener: Callable[[], Store] | None, settings: Settings,
                 settle: bool = False) -> None:
        self._store, self._opener, self.settings, self._settle = store, opener, settings, settle
        self._index: SearchIndex | None = None
        self._lock = threading.Lock()
        self._write_lock = threading.Lock()
        self._disk_index_stale = False
        self._pool: SparqlPool | None = None
        self.index_source = "not loaded"

    def write(self, fn: Callable[[Store], T]) -> T:
        """Run `fn` on a writable store, one writer at a time, then serve what it wrote.

        The API reads Oxigraph through a read-only RocksDB handle, which takes no lock and never sees
        later writes. So a write opens a second, writable handle on the same directory (RocksDB allows
        one writer beside read-only handles), runs `fn`, closes it, and swaps in a fresh read-only
        handle; requests already running finish on the old snapshot. If another process (`cancu load`)
        holds the writer lock, this raises WriteConflict (409) and nothing is written. A store opened
        read-write (in-memory tests, Neo4j) is written directly.
        """
        with self._write_lock:
            store = self.store()
            if not store.read_only:
                result = fn(store)
            elif supports(store, OnDiskStore) and store.path is not None:
                try:
                    writer = store.writer()
                except StoreUnavailable as exc:
                    raise WriteConflict(f"the store is being written by another process; try again later ({exc})") from exc
                try:
                    result = fn(writer)
                finally:
                    writer.close()
                    del writer
                fresh = store.reader()
                with self._lock:
                    self._store = fresh
            else:
                raise WriteConflict(f"the {store.name} store is open read-only and cannot be written through the API")
            with self._lock:  # the search index is derived from the store: rebuilt in memory on next use
                self._index, self._disk_index_stale = None, True  # (the old one is left to requests using it)
            if self._pool is not None:
                self._pool.refresh()
            return result

    def opened_store(self) -> Store | None:
        """The store if it is already open (no blocking), else None; StoreUnavailable if it was moved away
        (checked at most every PLACE_CHECK seconds here; `store()`, used by /health and uploads, always checks)."""
        store = self._store
        if store is not None:
            _check_place(store, PLACE_CHECK)
        return store

    def opened_index(self) -> SearchIndex | None:
        """The search index if it is already open (no blocking), else None."""
        return self._index

    def store(self) -> Store:
        if self._store is None:
            with self._lock:
                if self._store is None:
                    if self._opener is None:
                        raise StoreUnavailable("no store configured")
                    self._store = self._opener()
        _check_place(self._store)
        return self._store

    def sparql_pool(self) -> SparqlPool:
        """The query worker processes (started on first use; api.sparql_pool)."""
        if self._pool is None:
            with self._lock:
                if self._pool is None:
                    self._pool = SparqlPool(self.settings.query_slots, self._sparql_source)
        return self._pool

    def _sparql_source(self) -> Source:
        """Where a query worker finds this store: its directory, or a copy of an in-memory store."""
        store = self.store()
        if supports(store, OnDiskStore) and store.path is not None:
            return ("path", os.path.abspath(store.path))
        if not supports(store, SparqlStore):
            raise StoreUnavailable(f"the {store.name} store has no SPARQL access")
        return ("nquads", store.nquads())

    def index(self) -> SearchIndex:
        """The on-disk index beside the store if it exists (default store), else one built in memory. Its role
        pages were built from this store's state, so the store's `roles` reads them (graph.role_index)."""
        if self._index is None:
            store = self.store()
            with self._lock:
                if self._index is None:
                    index = None
                    if self._opener is not None and not self._disk_index_stale:
                        try:
                            index = SearchIndex.open(default_index_path(self.settings))
                            self.index_source = str(default_index_path(self.settings))
                        except FileNotFoundError:
                            pass
                        if index is not None and index.meta("source") != store.location:  # built from another store
                            index.close()
                            index = None
                    if index is None:
                        index = build_index(store, None)  # type: ignore[arg-type]
                        self.index_source = "built in memory from the store"
                    if index.has_roles:
                        store.role_pages = index
                    self._index = index
                    if self._settle:
                        settle_heap()
        return self._index

    def reset(self) -> None:
        """Forget a store that failed (only one we opened ourselves) and the index derived from it, so the next
        request reopens both: `cancu load` replaces the two together (the old index is left to requests using it)."""
        if self._opener is not None:
            with self._lock:
                self._store, self._index = None, None
            if self._pool is not None:
                self._pool.refresh()

    def close(self) -> None:
        if self._pool is not None:
            self._pool.close()
        if self._index is not None:
            if self._store is not None and self._store.role_pages is self._index:
                self._store.role_pages = None  # a store passed in outlives the app
            self._index.close()
        if self._store is not None and self._opener is not None:
            self._store.close()


def settle_heap() -> None:
    """Take what a worker keeps for its life (modules, the store, the index) out of the cyclic collector's walks.

    A full collection walks every tracked object, and it comes every few thousand requests: under load, that
    pause was the p99 of every endpoint (at 100k documents, 2 workers, 50 clients: /health 52-57 ms, frozen
    26 ms; a look-up 100-304 ms, frozen 85 ms). Frozen objects are still freed by reference counting (an
    index dropped after a write goes); only garbage cycles among them would stay until the worker exits."""
    gc.collect()
    gc.freeze()


PLACE_CHECK = 0.25  # seconds between two checks of the store's place by requests that only read
# how old /health's counts may be on a store that counts by reading every node (Neo4j: 0.6 s at 100k documents):
# a health check is asked often and by anyone, and must not be a way to load the database
COUNTS_SECONDS = 5.0


def _check_place(store: Store, max_age: float = 0.0) -> None:
    """StoreUnavailable (-> 503) if an on-disk store was moved, removed or replaced since it was opened."""
    if supports(store, OnDiskStore):
        store.check_place(max_age)


# The dependencies are `async def` so that FastAPI calls them on the event loop: a plain `def` costs a
# thread-pool round trip per dependency and request. Only the first use (opening the store or the
# index, which blocks) goes to the thread pool.

async def get_holder(request: Request) -> StoreHolder:
    return request.app.state.holder


def settings_of(request: Request) -> Settings:
    """The settings the app was built with (create_app)."""
    return request.app.state.holder.settings


async def get_settings(request: Request) -> Settings:
    return settings_of(request)


async def get_store(request: Request) -> Store:
    """The store for this request; StoreUnavailable (-> 503) if it cannot be opened."""
    holder: StoreHolder = request.app.state.holder
    store = holder.opened_store()
    return store if store is not None else await run_in_threadpool(holder.store)


async def get_index(request: Request) -> SearchIndex:
    holder: StoreHolder = request.app.state.holder
    index = holder.opened_index()
    return index if index is not None else await run_in_threadpool(holder.index)


async def get_role_store(request: Request) -> Store:
    """The store with the index's role pages attached (graph.role_index): for pages that list an entity's
    roles, which would otherwise read every candidate's label per request."""
    await get_index(request)
    return await get_store(request)


async def run_store(store: Store, fn: Callable[[], T], paged: bool = False) -> T:
    """Run short store work for a request. The embedded store answers in about a millisecond of CPU with
    the GIL held, so a thread hop (a quarter of a look-up's cost) buys nothing: run it on the loop. A
    network store waits on I/O: run it in the thread pool so the loop serves other requests meanwhile,
    unless `paged`: `fn` reads only what the attached pages hold (documents, number keys, links, parts), a local
    SQLite read."""
    if store.embedded or (paged and store.role_pages is not None):
        return fn()
    return await run_in_threadpool(fn)
