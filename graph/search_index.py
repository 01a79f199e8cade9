"""Full-text search over documents and entities: SQLite FTS5 (standard library), diacritics folded.

Why not SPARQL: a title CONTAINS/regex scans the whole store (~180 ms on 1.6M triples), while FTS5
answers in 1–2 ms (GUIDE §4). Text is folded with cancu.text.fold before indexing and querying,
because 'đ' is a letter of its own that Unicode does not decompose ("bo thong tin" must find
"Bộ Thông tin và Truyền thông", "dien" must find "Điện"). The index is derived data: rebuilt from the
store after every load (`build_index`), written to a temporary file and swapped in atomically so a
running API never reads a half-built index.

Broad queries ('thu nghiem' matches every document) would otherwise cost O(matches) per request: a
COUNT(*) and a bm25 sort over all of them (~25 ms at 100k documents). So a search looks at no more
than MATCH_CAP matches, taken in index order (named entities first, then documents newest first);
the API then says the total is a lower bound. A prefix index makes the short last word ("3"*) cheap.
"""

from __future__ import annotations

import os
import re
import sqlite3
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable, Protocol, TypeVar

from cancu.config import Settings, current
from cancu.text import fold
from graph import link_pages, provision_pages, role_index
from graph.elsewhere import Elsewhere, build_connection
from graph.elsewhere import fill as elsewhere_fill
from graph.elsewhere import start as start_elsewhere
from graph.link_pages import LinkSource
from graph.provision_pages import ProvisionSource
from graph.role_index import RoleSource
from graph.shared import document_order
from graph.store import DocSummary, EntityDetail, EntityRole, EntitySummary, LinkRow, ProvisionRow, SourcePage

T = TypeVar("T")
MATCH_CAP = 1000  # matches a search counts and ranks at most (see the module docstring)

SCHEMA = """
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE docs(iri TEXT PRIMARY KEY, key TEXT, number TEXT, type TEXT, issuer TEXT,
                  date TEXT, year INTEGER, title TEXT, ingested INTEGER);
CREATE INDEX docs_key ON docs(key);
CREATE VIRTUAL TABLE fts USING fts5(kind UNINDEXED, iri UNINDEXED, label UNINDEXED,
                                    number UNINDEXED, body, tokenize='unicode61', prefix='1 2 3');
"""


class IndexSource(RoleSource, LinkSource, ProvisionSource, Protocol):
    """What the index needs from a store: every document and every named entity, the role edges, the links and
    the parts."""

    location: str

    def documents(self) -> list[DocSummary]: ...

    def entities(self, kind: str | None = None) -> list[Any]: ...  # objects with iri, kind, label, alt_labels


@dataclass(frozen=True)
class SearchHit:
    kind: str  # document | agency | unit | enterprise | person | platform | programme
    iri: str
    label: str
    number: str | None
    score: float


@dataclass(frozen=True)
class KeyedDoc:
    iri: str
    key: str
    number: str | None
    year: int | None


def build_index(store: IndexSource, path: Path | None, parallel: bool | None = None,
                pages: bool = True) -> "SearchIndex":
    """(Re)build the index from the store; `path=None` builds it in memory (tests, a missing file). `parallel`:
    read the page tables in processes of their own (graph.elsewhere; None: for large stores). `pages=False`: the
    search alone, without the pages materialised from the store (the store then answers from scratch; the load
    benchmark's baseline)."""
    if path is None:
        conn = build_connection(":memory:")
        _fill(conn, store, None, False, pages)
        return SearchIndex(conn, None)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + f".tmp{os.getpid()}")
    tmp.unlink(missing_ok=True)
    conn = build_connection(str(tmp))
    try:
        _fill(conn, store, tmp.with_name(tmp.name + ".elsewhere"), parallel, pages)
        conn.close()
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return SearchIndex.open(path)


def _fill(conn: sqlite3.Connection, store: IndexSource, elsewhere_file: Path | None, parallel: bool | None,
          pages: bool) -> None:
    conn.executescript(SCHEMA)
    # The role edges and their ends are read by a thread while this one reads the documents: both wait mostly
    # inside the store, which lets go of the GIL (pyoxigraph, the Neo4j driver's sockets).
    with ThreadPoolExecutor(1, thread_name_prefix="role-ends") as pool:
        ends = pool.submit(role_index.read_ends, store) if pages else None
        _fill_rest(conn, store, elsewhere_file, parallel, ends)


def _fill_rest(conn: sqlite3.Connection, store: IndexSource, elsewhere_file: Path | None, parallel: bool | None,
               ends: Future[role_index.Ends] | None) -> None:
    """The search tables, then the pages when `ends` is being read (None: the search alone)."""
    from cancu.numbers import DocNumber

    docs, rows = [], []
    documents = sorted(store.documents(), key=document_order)
    # The readers start after this read, not before: started at once after a 100k bulk build, one read-only handle
    # lost a file to the writer's compaction (RocksDB's read-only mode lists them at open), and its table was read
    # here instead (the fallback, tested). Later on it has not happened, which is timing, not a guarantee.
    elsewhere = start_elsewhere(store, len(documents), elsewhere_file,
                                [role_index.ROLE_LINKS, link_pages.LINKS, link_pages.FIELDS, provision_pages.PARTS],
                                parallel) if ends is not None else None
    try:
        for e in store.entities():  # entities first, then documents newest first: the order a capped search sees
            labels = [x for x in (e.label, *e.alt_labels) if x]
            rows.append((e.kind, e.iri, e.label or e.iri, None, " ".join(fold(x) for x in labels)))
        for d in documents:
            key = None
            if d.number:
                try:
                    key = DocNumber.parse(d.number).key
                except ValueError:
                    key = fold(d.number)
            docs.append((d.iri, key, d.number, d.type, d.issuer, d.date, d.year, d.title, int(d.ingested)))
            label = d.number or d.title or d.iri
            body = " ".join(fold(x) for x in (d.number, d.type, d.title, d.issuer, str(d.year or "")) if x)
            rows.append(("document", d.iri, label, d.number, body))
        conn.executemany("INSERT INTO docs VALUES (?,?,?,?,?,?,?,?,?)", docs)
        conn.executemany("INSERT INTO fts(kind, iri, label, number, body) VALUES (?,?,?,?,?)", rows)
        conn.execute("INSERT INTO meta VALUES ('documents', ?)", (str(len(docs)),))
        conn.execute("INSERT INTO meta VALUES ('source', ?)", (store.location,))
        if ends is not None:
            _fill_pages(conn, store, documents, elsewhere, ends.result)
        conn.commit()
    finally:
        if elsewhere is not None:
            elsewhere.stop()


def _fill_pages(conn: sqlite3.Connection, store: IndexSource, documents: list[DocSummary],
                elsewhere: Elsewhere | None, ends: Callable[[], role_index.Ends]) -> None:
    """The page tables: first the role edges and ends (`ends`: read by a thread while the documents were; this
    thread waits for them rather than read the store beside it, as each row read hands the GIL over), then each
    table read by a process when that process is done."""
    t0 = time.perf_counter()
    role_index.fill_ends(conn, ends())
    role_index.fill_links(conn, store, elsewhere)
    t1 = time.perf_counter()
    link_pages.fill(conn, store, documents, elsewhere)
    t2 = time.perf_counter()
    conn.execute(provision_pages.PARTS.schema)
    elsewhere_fill(conn, store, provision_pages.PARTS, elsewhere)
    provision_pages.finish(conn)
    conn.executemany("INSERT INTO meta VALUES (?, ?)", [("seconds_roles", f"{t1 - t0:.3f}"), ("seconds_links", f"{t2 - t1:.3f}"),
                                                         ("seconds_parts", f"{time.perf_counter() - t2:.3f}")])


def fts_query(text: str) -> str | None:
    """User text -> FTS5 query: folded words, all required, the last one as a prefix. None if no words."""
    words = re.findall(r"[a-z0-9]+", fold(text))
    if not words:
        return None
    return " ".join(f'"{w}"' for w in words[:-1]) + (" " if len(words) > 1 else "") + f'"{words[-1]}"*'


class SearchIndex:
    """Read side of the index; safe to share between the API's worker threads (one lock)."""

    def __init__(self, conn: sqlite3.Connection, path: Path | None) -> None:
        self._conn = conn
        self.path = path
        self._lock = threading.Lock()
        # an index file built before the role or link pages has none: the store then answers from scratch
        self.has_roles = role_index.has_roles(conn) and link_pages.has_links(conn) and provision_pages.has_parts(conn)

    @classmethod
    def open(cls, path: Path) -> "SearchIndex":
        """Open an index file read-only; FileNotFoundError if it was never built."""
        path = Path(path)
        if not path.exists():
            raise FileNotFoundError(f"no search index at {path}; run `cancu load`")
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
        return cls(conn, path)

    def _rows(self, sql: str, args: tuple = ()) -> list[tuple]:
        with self._lock:
            return self._conn.execute(sql, args).fetchall()

    def _locked(self, read: Callable[..., T], *args: Any) -> T:
        """`read(connection, *args)` of graph.role_index or graph.link_pages, one thread at a time."""
        with self._lock:
            return read(self._conn, *args)

    def search(self, text: str, limit: int = 20, offset: int = 0, kinds: list[str] | None = None) -> tuple[int, list[SearchHit]]:
        """(total, one page of hits) ranked by bm25, ties in index order (entities, then documents newest first).

        Only the first MATCH_CAP matches in index order are counted and ranked: a total of MATCH_CAP means
        "at least MATCH_CAP", and a page past it is empty. The columns are read for the page only.
        """
        query = fts_query(text)
        if query is None:
            return 0, []
        where, args = "fts MATCH ?", [query]
        if kinds:
            where += f" AND kind IN ({','.join('?' * len(kinds))})"
            args += kinds
        total = self._rows(f"SELECT COUNT(*) FROM (SELECT 1 FROM fts WHERE {where} LIMIT {MATCH_CAP})", tuple(args))[0][0]
        page = self._rows(  # full-text matches come in rowid (index) order, so LIMIT keeps the first ones
            f"SELECT id, r FROM (SELECT rowid AS id, bm25(fts) AS r FROM fts WHERE {where} LIMIT {MATCH_CAP}) "
            "ORDER BY r, id LIMIT ? OFFSET ?", (*args, limit, offset))
        if not page:
            return total, []
        cols = {row[0]: row[1:] for row in self._rows(
            f"SELECT rowid, kind, iri, label, number FROM fts WHERE rowid IN ({','.join('?' * len(page))})",
            tuple(i for i, _ in page))}
        return total, [SearchHit(*cols[i], round(-r, 6)) for i, r in page]

    def keyed_documents(self, key_prefix: str = "") -> list[KeyedDoc]:
        """Documents with a number key starting with `key_prefix` ("749/" for "QĐ 749"), by key, year, IRI."""
        escaped = key_prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        rows = self._rows(
            "SELECT iri, key, number, year FROM docs WHERE key LIKE ? ESCAPE '\\' ORDER BY key, year, iri",
            (escaped + "%",))
        return [KeyedDoc(*r) for r in rows]

    def document_iris(self, prefix: str = "") -> list[str]:
        """Document IRIs starting with `prefix`, sorted: a range of the primary key, not a scan."""
        return [r[0] for r in self._rows("SELECT iri FROM docs WHERE iri >= ? AND iri < ? ORDER BY iri",
                                         (prefix, prefix + "\U0010ffff"))]

    def numbers_like(self, key: str) -> dict[str, str | None]:
        """Number key -> number as written, of the documents whose key has `key`'s form (the same type and issuer,
        another number): what a mistyped number is compared with."""
        rest = key.split("/", 1)[-1].replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        return dict(self._rows("SELECT key, number FROM docs WHERE key LIKE ? ESCAPE '\\'", ("%/" + rest,)))

    def count(self) -> int:
        return int(self._rows("SELECT value FROM meta WHERE key = 'documents'")[0][0])

    def meta(self, key: str) -> str | None:
        """A fact about the build: 'source' (the location of the store it was built from), 'seconds_roles',
        'seconds_links', 'seconds_parts' (here), 'seconds_elsewhere_role_link', '…_doc_link' and '…_part' (when
        processes of their own read those tables: each one's seconds)."""
        rows = self._rows("SELECT value FROM meta WHERE key = ?", (key,))
        return rows[0][0] if rows else None

    def role_counts(self, iri: str, direction: str = "out") -> dict[str, int]:
        """See Store.role_counts, from the materialised role pages."""
        return self._locked(role_index.role_counts, iri, direction)

    def roles(self, iri: str, direction: str = "out", roles: list[str] | None = None, limit: int | None = None,
              offset: int = 0, kinds: list[str] | None = None, max_provenance: int | None = None) -> list[EntityRole]:
        """See Store.roles, from the materialised role pages."""
        return self._locked(role_index.roles, iri, direction, roles, limit, offset, kinds, max_provenance)

    def role_kind_counts(self, iri: str, direction: str = "out") -> dict[str, int]:
        """See Store.role_kind_counts, from the materialised role pages."""
        return self._locked(role_index.role_kind_counts, iri, direction)

    def role_sources(self, iri: str, direction: str = "out", exclude: Iterable[str] = (), limit: int | None = None,
                     offset: int = 0) -> SourcePage:
        """See Store.role_sources, from the materialised first sources."""
        return self._locked(role_index.role_sources, iri, direction, list(exclude), limit, offset)

    def entities(self, kind: str | None) -> list[EntitySummary] | None:
        """The named entities of one kind, or of every named kind (None), as the store listed them when the index
        was built (None: another kind)."""
        return self._locked(role_index.entities, kind)

    def entity(self, iri: str) -> EntityDetail | None:
        """A named entity as the store gave it when the index was built (None: not one of them)."""
        return self._locked(role_index.entity, iri)

    def row_counts(self, iris: list[str]) -> dict[str, int]:
        """See Store.row_counts, from the materialised row counts."""
        return self._locked(role_index.row_counts, iris)

    def task_rows(self, kinds: list[str], document: str | None, limit: int, offset: int) -> tuple[int, list[str]]:
        """See Store.task_rows, from the materialised annex rows."""
        return self._locked(role_index.task_rows, kinds, document, limit, offset)

    def links(self, iris: list[str], relations: list[str] | None, outgoing: bool) -> dict[str, list[LinkRow]]:
        """See Store.links_from_many / links_to_many, from the materialised links."""
        return self._locked(link_pages.links, iris, relations, outgoing)

    def summaries(self, iris: list[str]) -> dict[str, DocSummary]:
        """See Store.documents_many, from the materialised summaries."""
        return self._locked(link_pages.summaries, iris)

    def documents_by_key(self, number_key: str) -> list[DocSummary]:
        """See Store.documents_by_key, from the materialised number keys and summaries."""
        return self._locked(link_pages.documents_by_key, number_key)

    def list_documents(self, type: str | None, issuer: str | None, year: int | None, field: str | None,
                       ingested: bool | None, limit: int, offset: int) -> tuple[int, list[DocSummary]]:
        """See Store.list_documents, from the materialised summaries."""
        return self._locked(link_pages.list_documents, type, issuer, year, field, ingested, limit, offset)

    def provisions(self, iri: str) -> list[ProvisionRow]:
        """See Store.provisions without texts, from the materialised parts."""
        return self._locked(provision_pages.provisions, iri)

    def close(self) -> None:
        with self._lock:
            self._conn.close()


def default_index_path(settings: Settings | None = None) -> Path:
    """In the data folder (CANCU_DATA), one per kind of store: search.sqlite for Oxigraph, search-neo4j.sqlite."""
    settings = settings or current()
    name = "search.sqlite" if settings.store == "oxigraph" else f"search-{settings.store}.sqlite"
    return Path(settings.data_dir) / name
