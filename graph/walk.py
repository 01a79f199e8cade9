"""The chain walk: documents reached from one document over chosen relation kinds, through the Store interface
only (links_from_many / links_to_many), so every backend, the API and the notebooks walk the same way.

Breadth-first with a depth limit, a visited set (a document reached twice is expanded once, so cycles end) and
a node cap (`truncated` says when it cut). One store call per level, not one per document.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from graph.store import DocSummary, LinkRow, Store

MAX_NODES = 500


@dataclass
class ChainWalk:
    """The walk's state; `step` advances it one level. A caller that must pause between levels (the API lets its
    event loop run) drives `step` itself; `walk_chain` drives it to the end."""

    start: DocSummary
    up: bool  # over links_from (what it is based on …) or links_to (what is based on it …)
    relations: list[str]
    max_nodes: int = MAX_NODES
    depth_of: dict[str, int] = field(default_factory=dict)  # document IRI -> the level it was reached at
    nodes: dict[str, DocSummary] = field(default_factory=dict)
    edges: dict[tuple[str, str, str], LinkRow] = field(default_factory=dict)  # (source, relation, target)
    frontier: list[str] = field(default_factory=list)
    level: int = 0
    truncated: bool = False

    def __post_init__(self) -> None:
        self.depth_of[self.start.iri] = 0
        self.nodes[self.start.iri] = self.start
        self.frontier = [self.start.iri]

    def fetch(self, store: Store) -> Callable[[], dict[str, list[LinkRow]]]:
        """The one store call the next level needs, not yet made."""
        links_many = store.links_from_many if self.up else store.links_to_many
        frontier, relations = list(self.frontier), self.relations
        return lambda: links_many(frontier, relations)

    def step(self, found: dict[str, list[LinkRow]]) -> None:
        """Take the next level from the links of the frontier (the answer of `fetch`)."""
        self.level += 1
        nxt: list[str] = []
        for iri in self.frontier:
            for row in found[iri]:
                other = row.target if self.up else row.source
                if other.iri not in self.depth_of:
                    if len(self.depth_of) >= self.max_nodes:
                        self.truncated = True
                        continue
                    self.depth_of[other.iri] = self.level
                    self.nodes[other.iri] = other
                    nxt.append(other.iri)
                self.edges.setdefault((row.source.iri, row.relation, row.target.iri), row)
        self.frontier = nxt


def walk_chain(store: Store, start: DocSummary, up: bool, depth: int, relations: list[str],
               max_nodes: int = MAX_NODES) -> ChainWalk:
    """The whole walk, `depth` levels at most."""
    walk = ChainWalk(start, up, relations, max_nodes)
    while walk.frontier and walk.level < depth:
        walk.step(walk.fetch(store)())
    return walk
