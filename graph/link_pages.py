"""Document links computed once, read per request: the legal-basis and citation adjacency with its provenance.

A chain walk, a platform's legal-basis page and a document's relations read links level by level, and each
level cost the store a query for the edges, one for their cc:Link provenance and the summaries of both
ends (~10 ms for a depth-3 walk at 100k documents, 77 % of it index seeks inside Oxigraph). Here every link
is read once, when the search index is built after a load, by the store's own link rules (`link_rows`), and kept
in SQLite beside every document's summary (`documents()`).

Links are kept clustered by source with the target's summary in the row (`link_page`), so a level of a walk up (legal
bases, what a platform page and a chain read most) is one range scan per document of the frontier, most often one
leaf page. Read through an index, then the row, then the target's summary (three seeks a link), a depth-3 walk took
2.0x as long at 100k documents as at 1k (1.07 against 0.53 ms) for 1.7x the documents: each seek's page is a cache
miss in tables that no longer fit the CPU's caches. Clustered, 1.7x (0.88 against 0.52 ms): per document what it
costs at 1k. A walk down reads by an index on the target, then each source's summary, as before. Kept twice (also
clustered by target) the build cost ~16 s more at 100k and the load its 1.3x; once, from rows the reading process
sorts, ~1.6 s more than the two indexes it replaced (a 100k load then cost 1.30x the load without pages).

The rows are the store's own answers, rebuilt with the search index after every load or upload, so they are
exact by construction; tests compare them with the store's answers on both stores.
"""

from __future__ import annotations

import json
import sqlite3
from typing import Iterable, Protocol

from cancu.text import fold
from graph.elsewhere import Elsewhere, Reopenable, Table
from graph.elsewhere import fill as elsewhere_fill
from graph.shared import number_order, relation_names, sort_links
from graph.store import DocSummary, LinkRow, Provenance

# A document's summary after its IRI, in DocSummary's field order (`_summary` reads them by position): the columns of
# doc_summary and of the copy of the target's summary in each link_page row.
SUMMARY_COLUMNS = {"number": "TEXT", "type": "TEXT", "issuer": "TEXT", "date": "TEXT", "year": "INTEGER", "title": "TEXT",
                   "ingested": "INTEGER NOT NULL", "source_file": "TEXT"}
SUMMARY = tuple(SUMMARY_COLUMNS)
DOC_SUMMARY = (f"CREATE TABLE doc_summary(iri TEXT PRIMARY KEY, {', '.join(f'{c} {t}' for c, t in SUMMARY_COLUMNS.items())})"
               " WITHOUT ROWID")
# A listing's filters and order (graph.shared.listing, the rule the store applies without pages) as columns:
# type and issuer folded, each document's place in document_order, and its cc:field values folded.
DOC_ORDER = """CREATE TABLE doc_order(ord INTEGER PRIMARY KEY, iri TEXT NOT NULL, type TEXT NOT NULL, issuer TEXT NOT NULL,
                                      year INTEGER, ingested INTEGER NOT NULL)"""
DOC_KEY = "CREATE TABLE doc_key(key TEXT NOT NULL, iri TEXT NOT NULL, PRIMARY KEY (key, iri)) WITHOUT ROWID"
# A link with its target's summary (NULLs when the target is no document). Unique by construction:
# LinkSource.link_rows gives each (source, relation, target) once.
LINK_PAGE = f"""CREATE TABLE link_page(source TEXT NOT NULL, relation TEXT NOT NULL, target TEXT NOT NULL,
                provenance TEXT NOT NULL, {', '.join(SUMMARY)}, PRIMARY KEY (source, relation, target)) WITHOUT ROWID"""
INDEXES = ("CREATE INDEX link_page_to ON link_page(target, relation)", "CREATE INDEX doc_field_iri ON doc_field(iri)")
BATCH = 500  # IRIs per IN (…) while reading
VERSION = "5"


class LinkSource(Reopenable, Protocol):
    """What the link pages are built from: the backend's own link rules (Store.links_from_many reads the same)."""

    def link_rows(self) -> Iterable[tuple[str, str, str, tuple[Provenance, ...]]]:
        """Every link (source IRI, relation, target IRI, its provenance in provenance order), as `links_from_many`
        gives it; sources are documents and provisions citing by pinpoint."""

    def document_fields(self) -> Iterable[tuple[str, str]]:
        """(document IRI, cc:field value folded), as Store.list_documents filters on them."""

    def number_keys(self) -> Iterable[tuple[str, str]]:
        """(IRI, number key) of every node Store.documents_by_key would find by that key (a document or not)."""


def _link_rows(store: LinkSource) -> list[tuple[str, str, str, str]]:
    """In link_page's key order (code-point order is SQLite's byte order of UTF-8), so that filling it appends: sorted
    here, by the reading process, rather than by the build (a sort of ~700k wide rows at 100k)."""
    return sorted((s, r, o, _pack(p)) for s, r, o, p in store.link_rows())


def _field_rows(store: LinkSource) -> Iterable[tuple[str, str]]:
    return store.document_fields()


LINKS = Table("doc_link", "CREATE TABLE doc_link(source TEXT NOT NULL, relation TEXT NOT NULL, target TEXT NOT NULL, "
              "provenance TEXT NOT NULL)", _link_rows)
FIELDS = Table("doc_field", "CREATE TABLE doc_field(iri TEXT NOT NULL, value TEXT NOT NULL)", _field_rows)  # ~6 s at 100k


def fill(conn: sqlite3.Connection, store: LinkSource, documents: list[DocSummary],
         elsewhere: Elsewhere | None = None) -> int:
    """Write the link tables from the store (`documents`: its every document, as `Store.documents` gives
    them, in document_order; `elsewhere`: processes reading LINKS and FIELDS, graph.elsewhere); returns the links
    written."""
    for sql in (DOC_SUMMARY, DOC_ORDER, DOC_KEY, FIELDS.schema, LINKS.schema):
        conn.execute(sql)
    conn.executemany("INSERT OR IGNORE INTO doc_key VALUES (?,?)", ((k, i) for i, k in store.number_keys()))
    conn.executemany(f"INSERT INTO doc_summary VALUES ({','.join('?' * (1 + len(SUMMARY)))})",
                     ((d.iri, d.number, d.type, d.issuer, d.date, d.year, d.title, int(d.ingested), d.source_file)
                      for d in documents))
    conn.executemany("INSERT INTO doc_order VALUES (?,?,?,?,?,?)",
                     ((k, d.iri, fold(d.type or ""), fold(d.issuer or ""), d.year, int(d.ingested))
                      for k, d in enumerate(documents)))
    elsewhere_fill(conn, store, FIELDS, elsewhere)
    written = elsewhere_fill(conn, store, LINKS, elsewhere)
    conn.execute(LINK_PAGE)
    conn.execute(f"INSERT INTO link_page SELECT l.*, {', '.join(f's.{c}' for c in SUMMARY)} FROM doc_link l "
                 "LEFT JOIN doc_summary s ON s.iri = l.target")  # doc_link's rows are in key order (_link_rows)
    conn.execute("DROP TABLE doc_link")  # the pages written next reuse its space
    for sql in INDEXES:
        conn.execute(sql)
    conn.execute("INSERT INTO meta VALUES ('link_pages', ?)", (VERSION,))
    return written


def has_links(conn: sqlite3.Connection) -> bool:
    """Whether this index file holds these link tables (one built before them does not)."""
    return conn.execute("SELECT value FROM meta WHERE key = 'link_pages'").fetchall() == [(VERSION,)]


def links(conn: sqlite3.Connection, iris: list[str], relations: list[str] | None,
          outgoing: bool) -> dict[str, list[LinkRow]]:
    """See Store.links_from_many (outgoing) and Store.links_to_many: the rows and order the store gave."""
    names = relation_names(relations)
    out: dict[str, list[LinkRow]] = {i: [] for i in iris}
    if not names:
        return out
    keys, found = sorted(out), []
    for i in range(0, len(keys), BATCH):
        chunk = keys[i:i + BATCH]
        found += conn.execute(
            f"SELECT * FROM link_page WHERE {'source' if outgoing else 'target'} IN ({','.join('?' * len(chunk))}) "
            f"AND relation IN ({','.join('?' * len(names))})", (*chunk, *names)).fetchall()
    sources = summaries(conn, {row[0] for row in found})  # a target's is in its row
    for source, relation, target, packed, *end in found:
        row = LinkRow(sources.get(source) or DocSummary(iri=source), relation, _summary(target, end), _unpack(packed))
        out[source if outgoing else target].append(row)
    return sort_links(out, outgoing)


def list_documents(conn: sqlite3.Connection, type: str | None, issuer: str | None, year: int | None,
                   field: str | None, ingested: bool | None, limit: int, offset: int) -> tuple[int, list[DocSummary]]:
    """See Store.list_documents: graph.shared.listing's filters and order, in SQL over the columns kept for them."""
    if year is not None and abs(year) >= 1 << 63:  # no year SQLite can hold is any document's
        return 0, []
    tests = {"type = ?": fold(type or ""), "instr(issuer, ?) > 0": fold(issuer or ""), "year = ?": year,
             "ingested = ?": None if ingested is None else int(ingested),
             "EXISTS (SELECT 1 FROM doc_field f WHERE f.iri = doc_order.iri AND instr(f.value, ?) > 0)": fold(field or "")}
    kept = {sql: value for sql, value in tests.items() if value not in (None, "")}
    where = " AND ".join(kept) or "1"
    total = conn.execute(f"SELECT COUNT(*) FROM doc_order WHERE {where}", tuple(kept.values())).fetchone()[0]
    limit, offset = max(min(limit, total), 0), min(offset, total)  # a page of any size or place (SQLite's are 64-bit)
    iris = [iri for iri, in conn.execute(f"SELECT iri FROM doc_order WHERE {where} ORDER BY ord LIMIT ? OFFSET ?",
                                         (*kept.values(), limit, offset))]
    docs = summaries(conn, iris)
    return total, [docs[iri] for iri in iris]


def documents_by_key(conn: sqlite3.Connection, number_key: str) -> list[DocSummary]:
    """See Store.documents_by_key: the documents among the nodes of that key, in its order."""
    iris = [iri for iri, in conn.execute("SELECT iri FROM doc_key WHERE key = ?", (number_key,))]
    return sorted(summaries(conn, iris).values(), key=number_order)


def summaries(conn: sqlite3.Connection, iris: Iterable[str]) -> dict[str, DocSummary]:
    """See Store.documents_many: the summary of each of `iris` that is a document."""
    keys, out = sorted(set(iris)), {}
    for i in range(0, len(keys), BATCH):
        chunk = keys[i:i + BATCH]
        for row in conn.execute(f"SELECT * FROM doc_summary WHERE iri IN ({','.join('?' * len(chunk))})", chunk):
            out[row[0]] = _summary(row[0], row[1:])
    return out


def _summary(iri: str, row: list | tuple) -> DocSummary:
    """The summary of `iri` from SUMMARY's columns; a bare one when they are NULL (no document: `ingested` is
    never NULL in doc_summary)."""
    if row[6] is None:
        return DocSummary(iri=iri)
    return DocSummary(iri, *row[:6], ingested=bool(row[6]), source_file=row[7])


def _pack(provenance: tuple[Provenance, ...]) -> str:
    return json.dumps([[p.document, p.provision, p.quote, p.start, p.end] for p in provenance], ensure_ascii=False)


def _unpack(packed: str) -> tuple[Provenance, ...]:
    return tuple(Provenance(*p) for p in json.loads(packed))
