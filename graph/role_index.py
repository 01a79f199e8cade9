"""Role pages computed once, read per request: who holds which role towards whom, in page order.

An agency at national scale holds tens of thousands of role edges (documents issued, tasks led), and
`Store.roles` orders them by the other end's label, so every request read every candidate's label over every
graph that names the agency (46 s at 100k documents on one Oxigraph worker). Here the edges and the labels
are read from the store once, when the search index is built after a load, and kept in SQLite sorted by
(entity, direction, role, label, other end): a page is an index range scan, and each row's provenance (the cc:Link
quotes) is read beside it. The counts by role and by the other end's kind are kept too: counting a hub's range cost
~10 ms (role) and ~75 ms (kind) at 100k documents. So a page costs the same at 1k and 100k documents.

The rows are derived data with the store's own rules (`RoleSource`: the backend's role edges, kinds and
labels), rebuilt with the search index after every load or upload, so they are exact by construction;
tests compare them with the store's own answers after loads and replaces, on both stores.
"""

from __future__ import annotations

import json
import sqlite3
from collections import Counter, defaultdict
from dataclasses import asdict
from itertools import groupby
from typing import Iterable, Iterator, Protocol

from cancu.iri import split_provision
from cancu.registry import named_kinds
from graph.elsewhere import Elsewhere, Reopenable, Table
from graph.elsewhere import fill as elsewhere_fill
from graph.shared import TASK_KINDS, row_order
from graph.store import EntityDetail, EntityRole, EntitySummary, Provenance, SourcePage, role_names

SCHEMA = """
CREATE TABLE role_node(iri TEXT PRIMARY KEY, kind TEXT NOT NULL, label TEXT) WITHOUT ROWID;
CREATE TABLE role_page(me TEXT NOT NULL, dir TEXT NOT NULL, role TEXT NOT NULL, label TEXT NOT NULL,
                       other TEXT NOT NULL, PRIMARY KEY (me, dir, role, label, other)) WITHOUT ROWID;
CREATE TABLE role_count(me TEXT NOT NULL, dir TEXT NOT NULL, role TEXT NOT NULL, kind TEXT NOT NULL, n INTEGER NOT NULL,
                        PRIMARY KEY (me, dir, role, kind)) WITHOUT ROWID;
CREATE TABLE entity_detail(iri TEXT PRIMARY KEY, detail TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE entity_list(k TEXT NOT NULL, iri TEXT NOT NULL, kind TEXT NOT NULL, label TEXT, alt_labels TEXT NOT NULL,
                         PRIMARY KEY (k, iri)) WITHOUT ROWID;
CREATE TABLE doc_rows(iri TEXT PRIMARY KEY, n INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE task_row(k TEXT NOT NULL, iri TEXT NOT NULL, task INTEGER NOT NULL, indicator INTEGER NOT NULL,
                      PRIMARY KEY (k, iri)) WITHOUT ROWID;
"""
# After the rows (one sort, not a B-tree per insert): each edge's distinct provenance ranked in provenance order
# (graph.shared.provenance_key) with its total, and each entity's first link per asserting document
# (Store.role_sources, by graph.store.source_order), so a page reads its first few and a platform its sources.
_PROVENANCE_ORDER = ("document, COALESCE(start, -1), COALESCE(provision, ''), COALESCE(quote, ''), "
                     "CASE WHEN end IS NULL OR end = 0 THEN -1 ELSE end END")
DERIVED = f"""
CREATE TABLE role_prov AS SELECT *, ROW_NUMBER() OVER w AS k, COUNT(*) OVER (PARTITION BY s, role, o) AS total
    FROM (SELECT DISTINCT s, role, o, document, provision, quote, start, end FROM role_link)
    WINDOW w AS (PARTITION BY s, role, o ORDER BY {_PROVENANCE_ORDER});
CREATE INDEX role_prov_edge ON role_prov(s, role, o, k);
CREATE TABLE role_source AS SELECT me, dir, document, provision, quote, start, end FROM (
    SELECT *, ROW_NUMBER() OVER (PARTITION BY me, dir, document
                                 ORDER BY COALESCE(start, 0), COALESCE(provision, ''), {_PROVENANCE_ORDER}) AS k
    FROM (SELECT DISTINCT s AS me, 'out' AS dir, document, provision, quote, start, end FROM role_link
          UNION SELECT DISTINCT o, 'in', document, provision, quote, start, end FROM role_link)
    WHERE document IN (SELECT iri FROM docs)) WHERE k = 1;
CREATE INDEX role_source_me ON role_source(me, dir, document);
DROP TABLE role_link;
"""
BATCH = 5000  # IRIs per node_info call while building
NAMED_KINDS = [k.code for k in named_kinds()]  # the kinds whose lists are kept (Store.entities(kind))
VERSION = "6"  # of the tables below; an index file with another (or none) is not read for role pages


class RoleSource(Reopenable, Protocol):
    """What the role pages are built from: a backend's own role rules (Store.roles is built on the same)."""

    def role_edges(self) -> Iterable[tuple[str, str, str]]:
        """Every role edge (role, subject, object) between named ends, distinct."""

    def node_info(self, iris: list[str]) -> dict[str, tuple[str, str | None]]:
        """(kind, label) of each IRI that has a type or a label, by the label order of Store.roles."""

    def role_links(self) -> Iterable[tuple[str, str, str, Provenance]]:
        """(role, subject, object, provenance) of every cc:Link of a role edge between named ends."""

    def entities(self, kind: str | None = None) -> list[EntitySummary]:
        """Every named entity, or those of one kind (Store.entities)."""

    def entity(self, iri: str) -> EntityDetail | None:
        """A named entity with what hangs on it (Store.entity)."""

    def annex_rows(self) -> Iterable[tuple[str, str]]:
        """Every annex row with each of its kinds (typed task, indicator or row: Store.entities' "task" and
        "indicator" lists); its document is the head of its IRI (cancu.iri)."""


def _role_link_rows(store: RoleSource) -> Iterator[tuple[str, str, str, str, str | None, str | None, int | None, int | None]]:
    return ((s, r, o, p.document, p.provision, p.quote, p.start, p.end) for r, s, o, p in store.role_links())


ROLE_LINKS = Table("role_link", "CREATE TABLE role_link(s TEXT NOT NULL, role TEXT NOT NULL, o TEXT NOT NULL, "
                   "document TEXT NOT NULL, provision TEXT, quote TEXT, start INTEGER, end INTEGER)", _role_link_rows)


Ends = tuple[list[tuple[str, str, str]], dict[str, tuple[str, str | None]]]


def read_ends(store: RoleSource) -> Ends:
    """Every role edge, sorted, and its ends' (kind, label): the role pages' longest read (~60 s at 100k
    documents, most of it inside the store), which the index build runs beside its other work (graph.search_index)."""
    edges = sorted(set(store.role_edges()))
    ends = sorted({s for _, s, _ in edges} | {o for _, _, o in edges})
    info: dict[str, tuple[str, str | None]] = {}
    for i in range(0, len(ends), BATCH):
        info.update(store.node_info(ends[i:i + BATCH]))
    return edges, info


def fill_ends(conn: sqlite3.Connection, ends: Ends) -> int:
    """The role tables, and in them the edges in page order with their ends' kinds and labels; returns the edges."""
    conn.executescript(SCHEMA)
    edges, info = ends
    conn.executemany("INSERT INTO role_node VALUES (?,?,?)", ((x, k, lab) for x, (k, lab) in info.items()))

    def label(x: str) -> str:
        return (info.get(x) or ("", None))[1] or ""

    def rows() -> Iterator[tuple[str, str, str, str]]:  # (me, direction, role, other end): each edge seen from both ends
        return ((me, d, role, other) for role, s, o in edges for d, me, other in (("out", s, o), ("in", o, s)))

    conn.executemany("INSERT INTO role_page VALUES (?,?,?,?,?)", ((me, d, role, label(o), o) for me, d, role, o in rows()))
    counts = Counter((me, d, role, (info.get(o) or ("other",))[0]) for me, d, role, o in rows())
    conn.executemany("INSERT INTO role_count VALUES (?,?,?,?,?)", ((*k, n) for k, n in sorted(counts.items())))
    return len(edges)


def fill_links(conn: sqlite3.Connection, store: RoleSource, elsewhere: Elsewhere | None = None) -> None:
    """The rest of the role tables (after `fill_ends`): provenance, entity lists and details, annex rows."""
    conn.execute(ROLE_LINKS.schema)
    elsewhere_fill(conn, store, ROLE_LINKS, elsewhere)
    conn.executescript(DERIVED)
    named = {k: store.entities(k) for k in NAMED_KINDS}  # per kind: an entity typed twice is listed under both
    conn.executemany("INSERT INTO entity_list VALUES (?,?,?,?,?)",
                     ((k, e.iri, e.kind, e.label, json.dumps(e.alt_labels, ensure_ascii=False))
                      for k, found in named.items() for e in found))
    conn.executemany("INSERT INTO entity_detail VALUES (?,?)",
                     ((i, json.dumps(asdict(d), ensure_ascii=False)) for i in sorted({e.iri for f in named.values() for e in f})
                      if (d := store.entity(i)) is not None))
    kinds: dict[str, set[str]] = defaultdict(set)
    for x, kind in store.annex_rows():
        kinds[x].add(kind)
    conn.executemany("INSERT INTO doc_rows VALUES (?,?)", sorted(Counter(split_provision(x)[0] for x in kinds).items()))
    conn.executemany("INSERT INTO task_row VALUES (?,?,?,?)", sorted(
        (row_order(x), x, "task" in k, "indicator" in k) for x, k in kinds.items() if k & set(TASK_KINDS)))
    conn.execute("CREATE INDEX task_row_iri ON task_row(iri)")
    conn.execute("INSERT INTO meta VALUES ('role_pages', ?)", (VERSION,))


def has_roles(conn: sqlite3.Connection) -> bool:
    """Whether this index file holds these role tables (one built before them, or with others, does not)."""
    return conn.execute("SELECT value FROM meta WHERE key = 'role_pages'").fetchall() == [(VERSION,)]


def role_counts(conn: sqlite3.Connection, iri: str, direction: str) -> dict[str, int]:
    """See Store.role_counts."""
    role_names(direction, None)
    return dict(conn.execute("SELECT role, SUM(n) FROM role_count WHERE me = ? AND dir = ? GROUP BY role",
                             (iri, direction)).fetchall())


def roles(conn: sqlite3.Connection, iri: str, direction: str, roles: list[str] | None, limit: int | None,
          offset: int, kinds: list[str] | None = None, max_provenance: int | None = None) -> list[EntityRole]:
    """See Store.roles: one page in its order, with each row's kind, label and provenance (the first
    `max_provenance` in provenance order, and their total)."""
    names = role_names(direction, roles)
    if not names or kinds == []:
        return []
    args: list[object] = [iri, direction, *names]
    kind_filter = ""
    if kinds is not None:
        kind_filter = f"AND COALESCE(n.kind, 'other') IN ({','.join('?' * len(kinds))})"
        args += kinds
    me, other = ("p.me", "p.other") if direction == "out" else ("p.other", "p.me")
    rows = conn.execute(
        f"WITH p AS (SELECT p.me, p.role, p.label, p.other, COALESCE(n.kind, 'other') AS kind, n.label AS name "
        f"           FROM role_page p LEFT JOIN role_node n ON n.iri = p.other "
        f"           WHERE p.me = ? AND p.dir = ? AND p.role IN ({','.join('?' * len(names))}) {kind_filter} "
        f"           ORDER BY p.role, p.label, p.other LIMIT ? OFFSET ?), "
        f"r AS (SELECT p.role, p.other, l.document, l.provision, l.quote, l.start, l.end, l.k, l.total FROM p "
        f"      JOIN role_prov l ON l.s = {me} AND l.role = p.role AND l.o = {other} AND l.k <= ?) "
        f"SELECT p.role, p.other, p.kind, p.name, r.document, r.provision, r.quote, r.start, r.end, r.total "
        f"FROM p LEFT JOIN r ON r.role = p.role AND r.other = p.other "
        f"ORDER BY p.role, p.label, p.other, r.k",
        (*args, -1 if limit is None else limit, offset, 1 << 62 if max_provenance is None else max_provenance)).fetchall()
    out: list[EntityRole] = []
    for (role, o), group in groupby(rows, key=lambda r: (r[0], r[1])):
        group = list(group)
        provenance = tuple(Provenance(*r[4:9]) for r in group if r[4] is not None)
        total = group[0][9] or 0
        out.append(EntityRole(role=role, entity_iri=o, entity_label=group[0][3], entity_kind=group[0][2],
                              provenance=provenance,
                              provenance_total=total if max_provenance is not None and total > max_provenance else None))
    return out


def role_kind_counts(conn: sqlite3.Connection, iri: str, direction: str) -> dict[str, int]:
    """See Store.role_kind_counts."""
    role_names(direction, None)
    return dict(conn.execute("SELECT kind, SUM(n) FROM role_count WHERE me = ? AND dir = ? GROUP BY kind",
                             (iri, direction)).fetchall())


def role_sources(conn: sqlite3.Connection, iri: str, direction: str, exclude: list[str], limit: int | None,
                 offset: int) -> SourcePage:
    """See Store.role_sources: the documents among the graphs asserting `iri`'s role links (docs: the search
    index's table of every document, stubs included), each with its first link (ranked when built)."""
    where = f"s.me = ? AND s.dir = ? AND s.document NOT IN ({','.join('?' * len(exclude))})"
    args = (iri, direction, *exclude)
    total, rows = conn.execute(f"SELECT COUNT(*), COALESCE(SUM(r.n), 0) FROM role_source s "
                               f"LEFT JOIN doc_rows r ON r.iri = s.document WHERE {where}", args).fetchone()
    page = conn.execute(f"SELECT document, provision, quote, start, end FROM role_source s WHERE {where} "
                        f"ORDER BY document LIMIT ? OFFSET ?", (*args, -1 if limit is None else limit, offset))
    return SourcePage(total, rows, [(row[0], Provenance(*row)) for row in page])


def row_counts(conn: sqlite3.Connection, iris: list[str]) -> dict[str, int]:
    """See Store.row_counts."""
    out = {i: 0 for i in iris}
    unique = sorted(out)
    for i in range(0, len(unique), 500):
        chunk = unique[i:i + 500]
        out.update(conn.execute(f"SELECT iri, n FROM doc_rows WHERE iri IN ({','.join('?' * len(chunk))})", chunk))
    return out


def entities(conn: sqlite3.Connection, kind: str | None) -> list[EntitySummary] | None:
    """See Store.entities(kind) for a named kind, or for every named kind (None: an entity typed twice once, under
    the least of its kinds, as the backends list it), as the store listed them when the pages were built; None
    for another kind (annex rows are not kept here). Every named entity read from Oxigraph took 2.7 s at 100k."""
    if kind is None:
        rows = conn.execute("SELECT iri, MIN(kind), label, alt_labels FROM entity_list GROUP BY iri ORDER BY iri")
    elif kind in NAMED_KINDS:
        rows = conn.execute("SELECT iri, kind, label, alt_labels FROM entity_list WHERE k = ? ORDER BY iri", (kind,))
    else:
        return None
    return [EntitySummary(i, k, label, tuple(json.loads(alts))) for i, k, label, alts in rows]


def entity(conn: sqlite3.Connection, iri: str) -> EntityDetail | None:
    """The named entity as the store gave it at build time; None if the pages hold no such entity."""
    row = conn.execute("SELECT detail FROM entity_detail WHERE iri = ?", (iri,)).fetchone()
    if row is None:
        return None
    d = json.loads(row[0])
    return EntityDetail(**{**d, "alt_labels": tuple(d["alt_labels"]), "units": tuple(d["units"]),
                           "attributes": tuple((name, tuple(values)) for name, values in d["attributes"])})


def task_rows(conn: sqlite3.Connection, kinds: list[str], document: str | None, limit: int,
              offset: int) -> tuple[int, list[str]]:
    """The annex rows of `kinds` (task, indicator), of one document or all, in /tasks order (graph.shared.row_order):
    their total and one page. A page is an index range, where reading every row from the store cost ~13 s a
    request at 100k documents."""
    wanted = [k for k in TASK_KINDS if k in kinds]
    if not wanted:
        return 0, []
    where = " OR ".join(f"{k} = 1" for k in wanted)
    args: list[str] = []
    if document is not None:  # IRIs under `document`/: '0' follows '/'
        where, args = f"({where}) AND iri >= ? AND iri < ?", [document + "/", document + "0"]
    total = conn.execute(f"SELECT count(*) FROM task_row WHERE {where}", args).fetchone()[0]
    page = conn.execute(f"SELECT iri FROM task_row WHERE {where} ORDER BY k, iri LIMIT ? OFFSET ?",
                        [*args, max(0, min(limit, 1 << 62)), max(0, min(offset, 1 << 62))]).fetchall()
    return total, [x for (x,) in page]
