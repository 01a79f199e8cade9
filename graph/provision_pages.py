"""A document's parts computed once, read per request: the look-up's provisions.

A look-up at 100k documents spent ~1.1 ms of its ~1.2 ms reading its ~9 provisions from Oxigraph: about
twenty index scans at ~60 µs each, whatever the query's form. Here every is_part_of edge is read once, when the
search index is built after a load, with its part's kind, label, heading and ordinal by the store's own rules
(`ProvisionSource.part_rows`), and kept in SQLite by parent: a document's parts are then a recursive walk down
an index, tens of microseconds. Texts stay in the store (`Store.provisions(with_text=True)` reads them there):
they are most of the bytes and only the reader and a provision page ask for them.

The rows are the store's own answers, rebuilt with the search index after every load or upload, so they are
exact by construction; tests compare them with the store's answers on both stores.
"""

from __future__ import annotations

import sqlite3
from typing import Iterable, Protocol

from graph.elsewhere import Reopenable, Table
from graph.shared import int_or_none
from graph.store import ProvisionRow, provision_order

VERSION = "2"  # 1 had no index by part: each walk then scanned the table
INDEXES = ("CREATE INDEX part_parent ON part(parent)", "CREATE INDEX part_iri ON part(iri)")  # after the rows: a sort each
# Every part under ?1 over is_part_of (UNION: each once, a cycle ends), then each typed one with its smallest
# parent: the rule of Store.provisions.
_UNDER = """WITH RECURSIVE under(x) AS (SELECT iri FROM part WHERE parent = ?1
                                        UNION SELECT p.iri FROM part p JOIN under u ON p.parent = u.x)
            SELECT iri, kind, MIN(parent), label, heading, ordinal FROM part
            WHERE iri IN (SELECT x FROM under) AND kind IS NOT NULL GROUP BY iri"""


class ProvisionSource(Reopenable, Protocol):
    def part_rows(self) -> Iterable[tuple[str, str, str | None, str | None, str | None, str | None]]:
        """(part, parent, kind, label, heading, ordinal) for every distinct eli:is_part_of edge over all graphs:
        the kind by `kind_of` over the part's classes (None for a part no graph types: it is walked through but is
        no provision), label, heading and ordinal the smallest lexical value any graph gives (None: none)."""


def _part_rows(store: ProvisionSource) -> Iterable[tuple]:
    return store.part_rows()


PARTS = Table("part", "CREATE TABLE part(iri TEXT NOT NULL, parent TEXT NOT NULL, kind TEXT, label TEXT, heading TEXT, "
              "ordinal TEXT)", _part_rows)


def finish(conn: sqlite3.Connection) -> None:
    """Index the rows PARTS wrote and mark the file as holding them."""
    for sql in INDEXES:
        conn.execute(sql)
    conn.execute("INSERT INTO meta VALUES ('provision_pages', ?)", (VERSION,))


def has_parts(conn: sqlite3.Connection) -> bool:
    """Whether this index file holds the part table (one built before it does not)."""
    return conn.execute("SELECT value FROM meta WHERE key = 'provision_pages'").fetchall() == [(VERSION,)]


def provisions(conn: sqlite3.Connection, iri: str) -> list[ProvisionRow]:
    """See Store.provisions without texts: the rows and order the store gave."""
    return provision_order([ProvisionRow(iri=x, kind=kind, parent=parent, label=label, heading=heading,
                                         ordinal=int_or_none(ordinal))
                            for x, kind, parent, label, heading, ordinal in conn.execute(_UNDER, (iri,))])
