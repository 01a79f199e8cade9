"""Graph stores behind one interface (graph.store.Store); `open_store` picks the backend."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from graph.store import Store, StoreUnavailable

if TYPE_CHECKING:
    from cancu.config import Settings


def store_class(settings: Settings | None = None, kind: str | None = None) -> type[Store]:
    """The backend class `open_store` opens: "oxigraph" (embedded default) or "neo4j"; `kind` overrides
    settings.store. Asked before any store is open for what a backend can do then (graph.store.BulkBuildStore)."""
    from cancu.config import current

    kind = (kind or (settings or current()).store).lower()
    if kind == "oxigraph":
        from graph.oxigraph_store import OxigraphStore

        return OxigraphStore
    if kind == "neo4j":
        try:
            from graph.neo4j_store import Neo4jStore  # imported lazily (needs the driver)
        except ImportError as exc:
            raise StoreUnavailable(f"the Neo4j backend is not available: {exc}") from exc
        return Neo4jStore
    raise ValueError(f"unknown store kind {kind!r}; expected 'oxigraph' or 'neo4j'")


def open_store(kind: str | None = None, read_only: bool = False, settings: Settings | None = None,
               counts_seconds: float = 0.0) -> Store:
    """Open the configured store: "oxigraph" (embedded default, at settings.oxigraph_path)
    or "neo4j" (settings.neo4j_*). `kind` overrides settings.store. `counts_seconds`: how old Neo4j's status counts
    may be (Oxigraph keeps its own per handle). Raises StoreUnavailable if it cannot be opened."""
    from cancu.config import current

    settings = settings or current()
    cls: Any = store_class(settings, kind)  # the constructors differ: a directory, or a Bolt address
    if cls.name == "oxigraph":
        return cls(settings.oxigraph_path, read_only=read_only)
    return cls(uri=settings.neo4j_uri or "bolt://127.0.0.1:7687", user=settings.neo4j_user,
               password=settings.neo4j_password, database=settings.neo4j_database or None, counts_seconds=counts_seconds)


__all__ = ["open_store", "store_class", "Store", "StoreUnavailable"]
