"""Role pages computed once, read per request: who holds which role towards whom, in page order.

An agency at national scale holds tens of thousands of role edges (documents issued, tasks led), and
`Store.roles` orders them by the other end's label, so every request read every candidate's label over every
graph that names the agency (46 s at 100k documents on one Oxigraph worker). Here the edges and the labels
are read from the store once, when the search index is built after a load, and kept in SQLite sorted by
(entity, direction, role, label, other end): a page is an index range scan, a count an index count, and each row's
provenance (the cc:Link quotes) is read beside it: a page costs the same at 1k and 100k documents.

The rows are derived data with the store's own rules (`RoleSource`: the backend's role edges, kinds and
labels), rebuilt with the search index after every load or upload, so they are exact by construction;
tests compare them with `Store.roles` after loads, replaces and uploads on both stores.
"""

from __future__ import annotations

import sqlite3
from itertools import groupby
from typing import Iterable, Protocol

from graph.shared import provenance_key
from graph.store import EntityRole, Provenance, role_names

SCHEMA = """
CREATE TABLE role_node(iri TEXT PRIMARY KEY, kind TEXT NOT NULL, label TEXT) WITHOUT ROWID;
CREATE TABLE role_page(me TEXT NOT NULL, dir TEXT NOT NULL, role TEXT NOT NULL, label TEXT NOT NULL,
                       other TEXT NOT NULL, PRIMARY KEY (me, dir, role, label, other)) WITHOUT ROWID;
CREATE TABLE role_link(s TEXT NOT NULL, role TEXT NOT NULL, o TEXT NOT NULL, document TEXT NOT NULL,
                       provision TEXT, quote TEXT, start INTEGER, end INTEGER);
"""
LINK_INDEX = "CREATE INDEX role_link_edge ON role_link(s, role, o)"  # after the rows: one sort, not a B-tree per insert
BATCH = 5000  # IRIs per node_info call while building


class RoleSource(Protocol):
    """What the role pages are built from: a backend's own role rules (Store.roles is built on the same)."""

    def role_edges(self) -> Iterable[tuple[str, str, str]]:
        """Every role edge (role, subject, object) between named ends, distinct."""

    def node_info(self, iris: list[str]) -> dict[str, tuple[str, str | None]]:
        """(kind, label) of each IRI that has a type or a label, by the label order of Store.roles."""

    def role_links(self) -> Iterable[tuple[str, str, str, Provenance]]:
        """(role, subject, object, provenance) of every cc:Link of a role edge between named ends."""


def fill(conn: sqlite3.Connection, store: RoleSource) -> int:
    """Write the role tables from the store; returns the edges written."""
    conn.executescript(SCHEMA)
    edges = sorted(set(store.role_edges()))
    ends = sorted({s for _, s, _ in edges} | {o for _, _, o in edges})
    info: dict[str, tuple[str, str | None]] = {}
    for i in range(0, len(ends), BATCH):
        info.update(store.node_info(ends[i:i + BATCH]))
    conn.executemany("INSERT INTO role_node VALUES (?,?,?)", ((x, k, lab) for x, (k, lab) in info.items()))

    def label(x: str) -> str:
        return (info.get(x) or ("", None))[1] or ""

    conn.executemany("INSERT INTO role_page VALUES (?,?,?,?,?)",
                     ((s, d, role, label(other), other) for role, s, o in edges
                      for d, s, other in (("out", s, o), ("in", o, s))))
    conn.executemany("INSERT INTO role_link VALUES (?,?,?,?,?,?,?,?)",
                     ((s, r, o, p.document, p.provision, p.quote, p.start, p.end) for r, s, o, p in store.role_links()))
    conn.execute(LINK_INDEX)
    return len(edges)


def has_roles(conn: sqlite3.Connection) -> bool:
    """Whether this index file holds the role tables (one built before they existed does not)."""
    return bool(conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'role_page'").fetchall())


def role_counts(conn: sqlite3.Connection, iri: str, direction: str) -> dict[str, int]:
    """See Store.role_counts."""
    role_names(direction, None)
    rows = conn.execute("SELECT role, COUNT(*) FROM role_page WHERE me = ? AND dir = ? GROUP BY role",
                        (iri, direction)).fetchall()
    return dict(rows)


def roles(conn: sqlite3.Connection, iri: str, direction: str, roles: list[str] | None, limit: int | None,
          offset: int) -> list[EntityRole]:
    """See Store.roles: one page in its order, with each row's kind, label and provenance."""
    names = role_names(direction, roles)
    if not names:
        return []
    marks = ",".join("?" * len(names))
    me, other = ("p.me", "p.other") if direction == "out" else ("p.other", "p.me")
    rows = conn.execute(
        f"WITH p AS (SELECT me, role, label, other FROM role_page WHERE me = ? AND dir = ? AND role IN ({marks}) "
        f"           ORDER BY role, label, other LIMIT ? OFFSET ?) "
        f"SELECT DISTINCT p.role, p.other, COALESCE(n.kind, 'other'), n.label, l.document, l.provision, l.quote, "
        f"       l.start, l.end, p.label FROM p LEFT JOIN role_node n ON n.iri = p.other "
        f"LEFT JOIN role_link l ON l.s = {me} AND l.role = p.role AND l.o = {other} "
        f"ORDER BY p.role, p.label, p.other",
        (iri, direction, *names, -1 if limit is None else limit, offset)).fetchall()
    out: list[EntityRole] = []
    for (role, o), group in groupby(rows, key=lambda r: (r[0], r[1])):
        group = list(group)
        provenance = sorted((Provenance(d, p, q, st, e) for *_, d, p, q, st, e, _ in group if d is not None),
                            key=provenance_key)
        out.append(EntityRole(role=role, entity_iri=o, entity_label=group[0][3], entity_kind=group[0][2],
                              provenance=tuple(provenance)))
    return out
