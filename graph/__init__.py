"""Graph stores behind one interface (graph.store.Store); `open_store` picks the backend."""

from __future__ import annotations

import os

from graph.store import Store, StoreUnavailable


def open_store(kind: str | None = None, read_only: bool = False) -> Store:
    """Open the configured store: "oxigraph" (embedded default, at cancu.config.oxigraph_path())
    or "neo4j" (NEO4J_URI / NEO4J_USER / NEO4J_PASSWORD). Raises StoreUnavailable if it cannot be opened."""
    from cancu import config

    kind = (kind or config.store_kind()).lower()
    if kind == "oxigraph":
        from graph.oxigraph_store import OxigraphStore

        return OxigraphStore(config.oxigraph_path(), read_only=read_only)
    if kind == "neo4j":
        try:
            from graph.neo4j_store import Neo4jStore  # written separately; imported lazily (needs the driver)
        except ImportError as exc:
            raise StoreUnavailable(f"the Neo4j backend is not available: {exc}") from exc
        return Neo4jStore(  # type: ignore[call-arg]
            uri=os.environ.get("NEO4J_URI", "bolt://127.0.0.1:7687"),
            user=os.environ.get("NEO4J_USER", "neo4j"),
            password=os.environ.get("NEO4J_PASSWORD", ""),
        )
    raise ValueError(f"unknown store kind {kind!r}; expected 'oxigraph' or 'neo4j'")


__all__ = ["open_store", "Store", "StoreUnavailable"]
