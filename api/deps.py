"""Dependencies injected with `Depends`: the store and the search index.

The store lives on `app.state` so tests pass an in-memory store to `create_app(store)` and never
patch anything. The default store is opened lazily and read-only (only `cancu load` writes): if it
cannot be opened, requests answer 503 and the next request tries again.
"""

from __future__ import annotations

import threading
from typing import Callable

from fastapi import Request

from graph.search_index import SearchIndex, build_index, default_index_path
from graph.store import Store, StoreUnavailable


class StoreHolder:
    """Opens the store on first use (and again after a failure), then keeps it."""

    def __init__(self, store: Store | None, opener: Callable[[], Store] | None) -> None:
        self._store, self._opener = store, opener
        self._index: SearchIndex | None = None
        self._lock = threading.Lock()
        self.index_source = "not loaded"

    def store(self) -> Store:
        if self._store is None:
            with self._lock:
                if self._store is None:
                    if self._opener is None:
                        raise StoreUnavailable("no store configured")
                    self._store = self._opener()
        return self._store

    def index(self) -> SearchIndex:
        """The on-disk index beside the store if it exists (default store), else one built in memory."""
        if self._index is None:
            store = self.store()
            with self._lock:
                if self._index is None:
                    if self._opener is not None:
                        try:
                            self._index = SearchIndex.open(default_index_path())
                            self.index_source = str(default_index_path())
                            return self._index
                        except FileNotFoundError:
                            pass
                    self._index = build_index(store, None)  # type: ignore[arg-type]
                    self.index_source = "built in memory from the store"
        return self._index

    def reset(self) -> None:
        """Forget a store that failed (only one we opened ourselves) so the next request reopens it."""
        if self._opener is not None:
            with self._lock:
                self._store = None

    def close(self) -> None:
        if self._index is not None:
            self._index.close()
        if self._store is not None and self._opener is not None:
            self._store.close()


def get_holder(request: Request) -> StoreHolder:
    return request.app.state.holder


def get_store(request: Request) -> Store:
    """The store for this request; StoreUnavailable (-> 503) if it cannot be opened."""
    return get_holder(request).store()


def get_index(request: Request) -> SearchIndex:
    return get_holder(request).index()
