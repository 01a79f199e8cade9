"""The embedded store: `graph.store.Store` over pyoxigraph (RocksDB on disk, or in memory for tests).

Why each choice:
- A file is parsed completely before anything is written, so bad input changes nothing; then its
  graphs are dropped and the new quads go in with one atomic `extend` (a SPARQL DROP + INSERT DATA
  update was fully atomic but ten times slower). Only an I/O failure between the two steps can leave
  a document missing, never half-written; re-running the load repairs it.
- Queries start from the bound IRI: FILTER rather than VALUES joins, the document's own graph before
  the union. A hub law described by thousands of citing graphs then stays cheap.
- Queries use the union of all named graphs as the default graph: a cited document's stub (in the
  citing document's graph) and its full record (in its own graph) are one node with one IRI.
- Where graphs disagree on a document property (a stub says issuer "Chính phủ", the document itself
  "Chính phủ Thử nghiệm"), graph.own_facts decides, for the Neo4j store too, so both answer alike.
- Summaries of link ends are remembered per handle (SummaryMemo, least recently used dropped): a chain
  meets its frontier again at the next level, and chains share their hub laws. `load` forgets them.
- Only one process may open the store for writing; the API opens it with `read_only=True`. A
  read-only handle is a snapshot: it does not see later loads, and RocksDB may fail it once a writer
  compacts files away (reported as StoreUnavailable; the API then reopens). Load, then serve.
"""

from __future__ import annotations

import csv
import io
import os
import re
import threading
import time
from collections import OrderedDict, defaultdict
from functools import partial
from itertools import islice, product
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable, Iterator

import pyoxigraph as ox

from cancu.registry import CC, CLAIM, ELI, ORG, PROV, RDF, RDF_TYPE, SKOS, XSD
from cancu.text import fold
from graph.store import (ROLE_PROPERTIES, DocSummary, Materialised, EntityDetail, EntityRole, EntitySummary, LinkRow,
                         NotAcceptable, Provenance, ProvisionRow, ResultTooLarge, SparqlFormats, SparqlResult,
                         StoreStatus, StoreUnavailable, provision_order, role_names, role_order)
from graph.own_facts import (CLAIM_OF, CLAIMED, DESCRIPTIVE, LEGAL_DOCUMENT, MULTI_VALUED, SOURCE_FILE, VIEW_GRAPH,
                             cited_pairs, is_claim, resolve_stub)
from graph.rdf_files import read_quads
from graph.shared import (ATTRIBUTES, DETAIL_KINDS, DOC_PROPS, ENTITY_KINDS, LABEL_PROPERTIES, NODE_KINDS,
                          PART_KINDS, RELATION_BY_IRI, RELATIONS, ROLE_IRIS, ROW_KINDS, doc_summary, int_or_none,
                          kind_of, number_order, ordered, pick, relation_names, sort_links)

if TYPE_CHECKING:
    from cancu.config import Settings
    from graph.store import BuildReport

PREFIXES = {"cc": CC, "claim": CLAIM, "eli": ELI, "skos": SKOS, "org": ORG, "prov": PROV, "xsd": XSD, "rdf": RDF}


_LINK_PREDICATES = ", ".join(f"<{CC}{p}>" for p in ("linkRelation", "linkTarget", "inProvision", "quote", "charStart",
                                                   "charEnd"))  # what `_provenance` reads of a cc:Link
_SUMMARY_PREDICATE_NODES = [ox.NamedNode(p) for p in (*DOC_PROPS, RDF_TYPE)]  # what `_summaries` reads
_SUMMARY_PREDICATES = ", ".join(str(p) for p in _SUMMARY_PREDICATE_NODES)
# What `provisions` reads of each part, by property IRI -> its key ("t": the types `kind_of` chooses from).
_PROVISION_PROPS = {RDF_TYPE: "t", ELI + "is_part_of": "parent", CC + "label": "label", CC + "heading": "heading",
                    CC + "ordinal": "ordinal"}
_DESCRIPTIVE = ", ".join(f"<{p}>" for p in DESCRIPTIVE)  # for FILTER(?p IN (…)): graph.own_facts' properties
_CLAIMED = ", ".join(f"<{c}>" for c in CLAIMED)  # the claim: predicates, for FILTER(?p IN (…))
_CLAIM_TYPE = ox.NamedNode(CLAIM_OF[RDF_TYPE])  # every document a graph cites has its type claimed there
# Kept in the view graph while it holds anything: a view without it was built when claims lived in graphs
# `G#claims`, which the plain union would now show as facts.
_LAYOUT = ox.Quad(ox.NamedNode(VIEW_GRAPH), ox.NamedNode(CC + "storeLayout"), ox.Literal("claims-as-predicates"),
                  ox.NamedNode(VIEW_GRAPH))
_UPDATE_KEYWORDS = re.compile(
    r"^\s*(INSERT|DELETE|LOAD|CLEAR|CREATE|DROP|COPY|MOVE|ADD|WITH)\b", re.IGNORECASE
)


class _CappedBuffer:
    """A file-like sink that refuses to grow past `cap` bytes: the serialiser stops at the first write over it."""

    def __init__(self, cap: int | None) -> None:
        self.cap, self.size, self.parts = cap, 0, []  # type: list[bytes]

    def write(self, data: bytes) -> int:
        self.size += len(data)
        if self.cap is not None and self.size > self.cap:
            raise ResultTooLarge(f"the result is larger than {self.cap} bytes; narrow the query or add LIMIT")
        self.parts.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        pass

    def value(self) -> bytes:
        return b"".join(self.parts)


def is_update(query: str) -> bool:
    """True if `query` is a SPARQL Update (after its prologue); the read-only endpoint refuses those."""
    text = re.sub(r"#[^\n]*", " ", query)  # comments (a '#' inside an IRI only matters in the prologue)
    text = re.sub(r"^\s*((PREFIX\s+[\w.-]*:\s*<[^>]*>|BASE\s+<[^>]*>)\s*)*", "", text, flags=re.IGNORECASE)
    return bool(_UPDATE_KEYWORDS.match(text))


LINK_END_MEMO = 4096  # summaries of link ends kept (a few MB); see OxigraphStore._link_ends


class SummaryMemo:
    """Document summaries recently read (None: not a document), the least recently used dropped past `size`.

    Only what one store handle read: a read-only handle is a snapshot, and `load` clears it.
    """

    def __init__(self, size: int) -> None:
        self._size = size
        self._items: OrderedDict[str, DocSummary | None] = OrderedDict()
        self._lock = threading.Lock()  # sync routes call the store from the thread pool

    def get_many(self, iris: Iterable[str]) -> tuple[dict[str, DocSummary | None], list[str]]:
        """(what is known, by IRI; the IRIs that are not), each IRI once."""
        known: dict[str, DocSummary | None] = {}
        missing: list[str] = []
        with self._lock:
            for iri in dict.fromkeys(iris):
                if iri in self._items:
                    self._items.move_to_end(iri)
                    known[iri] = self._items[iri]
                else:
                    missing.append(iri)
        return known, missing

    def put_many(self, found: dict[str, DocSummary | None]) -> None:
        with self._lock:
            self._items.update(found)
            while len(self._items) > self._size:
                self._items.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


class OxigraphStore(Materialised):
    """`graph.store.Store` over pyoxigraph; `path=None` keeps everything in memory (tests)."""

    name = "oxigraph"
    embedded = True  # in-process: calls hold the GIL and never wait on a network (see api.deps.run_store)

    def __init__(self, path: Path | None = None, read_only: bool = False, create: bool = True) -> None:
        """`create=False`: open only a store that exists (the API writes into the store it serves, never a new one)."""
        self.path = Path(path) if path is not None else None
        self.read_only = read_only
        self._counts: tuple[int, int] | None = None
        self._memo = SummaryMemo(LINK_END_MEMO)
        try:
            if self.path is None:
                self._store = ox.Store()
            elif read_only or not create:
                if not (self.path / "CURRENT").is_file():  # RocksDB's marker of a database
                    raise StoreUnavailable(f"no Oxigraph store at {self.path}; run `cancu load` first")
                self._store = ox.Store.read_only(str(self.path)) if read_only else ox.Store(str(self.path))
            else:
                self._store = ox.Store(str(self.path))
        except (OSError, RuntimeError) as exc:  # RocksDB reports a locked or changing store as RuntimeError
            raise StoreUnavailable(f"cannot open Oxigraph store at {self.path}: {exc}") from exc
        view = self._store.quads_for_pattern(None, None, None, _LAYOUT.graph_name) if self.path is not None else iter(())
        if next(view, None) is not None and _LAYOUT not in self._store:
            raise StoreUnavailable(f"the Oxigraph store at {self.path} was built by an earlier cancu, which kept "
                                   f"documents' claims in other graphs; remove {self.path} and run `cancu load` to build it again")
        self._place = _place(self.path)
        self._place_checked = 0.0  # time.monotonic() of the last check that found it in place
        self.location = "memory" if self.path is None else str(self.path.resolve())

    @classmethod
    def needs_build(cls, settings: Settings) -> bool:
        """See graph.store.BulkBuildStore: no store at settings.oxigraph_path yet."""
        return not settings.oxigraph_path.exists()

    @classmethod
    def bulk_build(cls, settings: Settings, files: list[Path],
                   on_error: Callable[[str], None] | None = None) -> BuildReport:
        """See graph.store.BulkBuildStore: graph.oxigraph_bulk.build in a staging directory, renamed into place."""
        from graph.oxigraph_bulk import build

        return build(settings.oxigraph_path, files, on_error=on_error)

    def check_place(self, max_age: float = 0.0) -> None:
        """StoreUnavailable if the directory at `path` is no longer the one this handle opened (moved, removed,
        or replaced: a handle keeps reading the old files, and a writer would create a new store there).
        A stat and a 40-byte read (~10 µs); `max_age`: skip it if it passed less than that many seconds ago."""
        if self.path is None:
            return
        now = time.monotonic()
        if max_age and now - self._place_checked < max_age:
            return
        if _place(self.path) == self._place:
            self._place_checked = now
        else:
            self._place_checked = 0.0
            raise StoreUnavailable(f"the store at {self.path} was moved, removed or replaced after it was opened; "
                                   "put it back, or build one with `cancu load`")

    def writer(self) -> OxigraphStore:
        """See graph.store.OnDiskStore: RocksDB allows one writer beside read-only handles."""
        return OxigraphStore(self.path, read_only=False, create=False)

    def reader(self) -> OxigraphStore:
        """See graph.store.OnDiskStore."""
        return OxigraphStore(self.path, read_only=True)

    def reopener(self) -> Callable[[], OxigraphStore] | None:
        """See graph.link_pages.LinkSource: a read-only handle on the same directory (none for a store in memory)."""
        return None if self.path is None else partial(OxigraphStore, self.path, True)

    # ---- writing -------------------------------------------------------------------------

    def load(self, path: Path) -> int:
        """Load N-Quads/TriG, replacing each named graph in the file; return quads loaded. Parsed whole first,
        then one atomic `extend` (the module docstring says why)."""
        if self.read_only:
            raise PermissionError("this Oxigraph store was opened read-only")
        self.role_pages = None  # they describe the store before this load
        path = Path(path)
        quads = list(read_quads(path))  # all of it first: bad input never reaches the store
        graphs = sorted({q.graph_name for q in quads}, key=lambda g: g.value)
        cited = cited_in(quads)
        try:
            affected = {q.subject.value for g in graphs  # the documents whose claims are replaced
                        for q in self._store.quads_for_pattern(None, _CLAIM_TYPE, None, g)}
            for g in graphs:  # each graph is replaced whole (its claims too): drop it, then one atomic insert
                self._store.remove_graph(g)
            self._store.extend([as_stored(q, cited) for q in quads])
            self._refresh_view(affected | {d for d, _ in cited} | {g.value for g in graphs})
        except OSError as exc:
            raise StoreUnavailable(f"writing {path} to the store failed: {exc}; re-run the load") from exc
        self._forget()
        return len(quads)

    def _forget(self) -> None:
        self._counts = None
        self._memo.clear()

    def build_view(self) -> None:
        """Build the view of every cited document: after a bulk load, which writes quads `as_stored` but, unlike
        `load`, does not keep the view as it goes."""
        self.role_pages = None
        self._store.remove_graph(ox.NamedNode(VIEW_GRAPH))
        self._refresh_view({q.subject.value for q in self._store.quads_for_pattern(None, _CLAIM_TYPE, None, None)})
        self._forget()

    def _refresh_view(self, docs: set[str]) -> None:
        """Rewrite the view graph's description of `docs`: for each one not ingested, the claims about it
        resolved by `graph.own_facts.resolve_stub` (its own graph, if it has one, wins per property)."""
        view = ox.NamedNode(VIEW_GRAPH)
        docs_sorted = sorted(d for d in docs if _valid_iri(d))
        for d in docs_sorted:
            for q in list(self._store.quads_for_pattern(ox.NamedNode(d), None, None, view)):
                self._store.remove(q)
        claims: dict[str, dict[str, list[ox.Term]]] = defaultdict(lambda: defaultdict(list))
        own: dict[str, dict[str, list[ox.Term]]] = defaultdict(lambda: defaultdict(list))
        for values in _values(docs_sorted):
            _, rows = self._rows(
                f"SELECT ?d ?p ?o ?g WHERE {{ VALUES ?d {{ {values} }} GRAPH ?g {{ ?d ?p ?o }} "
                f"FILTER(((?g = ?d && ?p IN ({_DESCRIPTIVE})) || ?p IN ({_CLAIMED})) && !isBlank(?o)) "
                f"FILTER NOT EXISTS {{ GRAPH ?d {{ ?d cc:sourceFile ?f }} }} }}")
            for d, p, o, g in rows:
                by, prop = (own, p.value) if g == d and p.value not in CLAIMED else (claims, CLAIMED.get(p.value))
                if prop is not None and o not in by[d.value][prop]:
                    by[d.value][prop].append(o)
        quads = []
        for d, values in claims.items():
            resolved = resolve_stub(values, lambda t: t.value)
            for p, vals in own.get(d, {}).items():
                if p not in MULTI_VALUED:
                    resolved[p] = vals
            quads += [ox.Quad(ox.NamedNode(d), ox.NamedNode(p), o, view) for p, vals in resolved.items() for o in vals]
        self._store.extend(quads)
        if any(q != _LAYOUT for q in islice(self._store.quads_for_pattern(None, None, None, view), 2)):
            self._store.add(_LAYOUT)
        else:
            self._store.remove(_LAYOUT)

    # ---- reading -------------------------------------------------------------------------

    def _select(self, query: str) -> list[dict[str, ox.NamedNode | ox.BlankNode | ox.Literal]]:
        """Rows as {variable: term}, unbound variables left out (callers test them with `in`)."""
        names, rows = self._rows(query)
        return [{n: t for n, t in zip(names, row) if t is not None} for row in rows]

    def _rows(self, query: str) -> tuple[list[str], list[tuple[ox.NamedNode | ox.BlankNode | ox.Literal | None, ...]]]:
        """The variable names once, then each solution as a tuple in their order (None where unbound):
        `tuple(solution)` converts a row ~10x faster than `solution[variable]` per variable."""
        try:
            solutions = self._store.query(query, prefixes=PREFIXES, use_default_graph_as_union=True)
            return [v.value for v in solutions.variables], [tuple(sol) for sol in solutions]
        except (OSError, RuntimeError) as exc:
            raise StoreUnavailable(f"Oxigraph query failed: {exc}") from exc

    def status(self) -> StoreStatus:
        """Backend state and counts: documents = ingested documents (with cc:sourceFile), triples = quads stored."""
        try:
            if self._counts is None:
                rows = self._select("SELECT (COUNT(DISTINCT ?d) AS ?n) WHERE { ?d cc:sourceFile ?f }")
                docs = int(rows[0]["n"].value) if rows else 0
                view = sum(1 for _ in self._store.quads_for_pattern(None, None, None, ox.NamedNode(VIEW_GRAPH)))
                self._counts = (docs, len(self._store) - view)  # the quads loaded; the view is derived
        except (StoreUnavailable, OSError) as exc:
            return StoreStatus(self.name, False, str(exc))
        where = "in memory" if self.path is None else str(self.path)
        mode = "read-only" if self.read_only else "read-write"
        return StoreStatus(self.name, True, f"{where} ({mode})", self._counts[0], self._counts[1])

    def _documents_by_key(self, number_key: str) -> list[DocSummary]:
        """See Store.documents_by_key: the named subjects of `number_key` as a plain string, each a document."""
        rows = self._select(f"SELECT DISTINCT ?d WHERE {{ ?d cc:numberKey {ox.Literal(number_key)} }}")
        docs = self._summaries([r["d"].value for r in rows if isinstance(r.get("d"), ox.NamedNode)])
        return sorted(docs.values(), key=number_order)

    def number_keys(self) -> Iterator[tuple[str, str]]:
        """See graph.link_pages.LinkSource: what `_documents_by_key` matches, every (subject, key) at once."""
        _, rows = self._rows(f"SELECT DISTINCT ?d ?k WHERE {{ ?d cc:numberKey ?k "
                             f"FILTER(isIRI(?d) && isLiteral(?k) && datatype(?k) = <{XSD}string>) }}")
        return ((d.value, k.value) for d, k in rows)  # type: ignore[union-attr]

    def documents(self) -> list[DocSummary]:
        """Every document node, stubs included, sorted by IRI (for the search index and listings)."""
        rows = self._select("SELECT DISTINCT ?d WHERE { ?d a cc:LegalDocument }")
        docs = self._summaries([r["d"].value for r in rows if isinstance(r.get("d"), ox.NamedNode)])
        return sorted(docs.values(), key=lambda d: d.iri)

    def _entities(self, kind: str | None = None) -> list[EntitySummary]:
        """Every named entity with its labels (skos:prefLabel, skos:altLabel, cc:abbreviation), sorted by IRI.
        `kind` keeps one kind; "task" / "indicator" list annex rows (label = cc:text, alt = cc:label)."""
        if kind in ("task", "indicator"):
            cls = "cc:Task" if kind == "task" else "cc:Indicator"
            rows = self._select(f"SELECT ?e ?t ?l WHERE {{ ?e a {cls} FILTER(isIRI(?e)) "  # a row has an id (annex_rows)
                                f"OPTIONAL {{ ?e cc:text ?t }} OPTIONAL {{ ?e cc:label ?l }} }}")
            texts: dict[str, set[str]] = defaultdict(set)
            labels: dict[str, set[str]] = defaultdict(set)
            for r in rows:
                texts[r["e"].value].update([r["t"].value] if "t" in r else [])
                labels[r["e"].value].update([r["l"].value] if "l" in r else [])
            return [EntitySummary(e, kind, min(texts[e]) if texts[e] else None, tuple(sorted(labels[e])))
                    for e in sorted({r["e"].value for r in rows})]
        wanted = {k: v for k, v in ENTITY_KINDS.items() if kind is None or v == kind}
        if not wanted:
            return []
        kinds = " ".join(f"<{k}>" for k in wanted)
        kind: dict[str, str] = {}
        for r in self._select(f"SELECT DISTINCT ?e ?t WHERE {{ VALUES ?t {{ {kinds} }} ?e a ?t }}"):
            e = r["e"].value
            kind[e] = min(kind.get(e, "~"), wanted[r["t"].value])
        # Distinct first, then aggregate: an agency named in thousands of graphs stays a handful of rows.
        typed = f"{{ SELECT DISTINCT ?e WHERE {{ VALUES ?t {{ {kinds} }} ?e a ?t }} }}"
        labels = {r["e"].value: r["v"].value for r in self._select(
            f"SELECT ?e (MIN(STR(?o)) AS ?v) WHERE {{ {typed} ?e skos:prefLabel ?o FILTER(!isBlank(?o)) }} GROUP BY ?e")}
        alts: dict[str, set[str]] = defaultdict(set)
        for r in self._select(f"SELECT DISTINCT ?e ?o WHERE {{ {typed} ?e skos:altLabel|cc:abbreviation ?o FILTER(!isBlank(?o)) }}"):
            alts[r["e"].value].add(r["o"].value)
        out = []
        for e in sorted(kind):
            label = labels.get(e)
            out.append(EntitySummary(e, kind[e], label, tuple(sorted(alts[e] - {label} if label else alts[e]))))
        return out

    def _summaries(self, iris: Iterable[str]) -> dict[str, DocSummary]:
        """Summaries by IRI: an ingested document's own graph alone; else per property its own graph (if any)
        wins, else the view graph's canonical value of the claims (graph.own_facts).

        The own graph is one scan per document: for one document by quad pattern (no SPARQL to parse and
        plan: the look-up endpoint's cost), for several by `GRAPH ?d { ?d ?p ?o }` under VALUES (one index
        seek each, where a look-up per property cost nine). Other graphs are read only where the own graph is
        silent, aggregated in SPARQL, so a stub described by thousands of citing graphs stays one row per
        property.
        """
        docs = sorted({i for i in iris if _valid_iri(i)})
        own: dict[str, dict[str, str]] = defaultdict(dict)
        typed: set[str] = set()  # typed cc:LegalDocument in their own graph
        for d, p, o in self._own_statements(docs):
            if p.value == RDF_TYPE:
                if o.value == LEGAL_DOCUMENT:
                    typed.add(d.value)
            elif p.value not in own[d.value] or o.value < own[d.value][p.value]:
                own[d.value][p.value] = o.value
        typed |= self._typed_documents([d for d in docs if d not in typed])
        rest = [d for d in docs if d in typed and SOURCE_FILE not in own[d] and len(own[d]) < len(DOC_PROPS)]
        props = ", ".join(f"<{p}>" for p in DOC_PROPS)
        for values in _values(rest):  # known only from citations (graph.own_facts): the view's values
            for r in self._select(
                f"SELECT ?d ?p (MIN(STR(?o)) AS ?v) WHERE {{ VALUES ?d {{ {values} }} "
                f"GRAPH <{VIEW_GRAPH}> {{ ?d ?p ?o }} FILTER(?p IN ({props}) && !isBlank(?o)) }} GROUP BY ?d ?p"
            ):
                own[r["d"].value].setdefault(r["p"].value, r["v"].value)
        return {iri: doc_summary(iri, own[iri]) for iri in docs if iri in typed}

    def _own_statements(self, docs: list[str]) -> Iterable[tuple[ox.NamedNode, ox.NamedNode, ox.Term]]:
        """(document, predicate, object) of what each document's own graph says of it, summary predicates only,
        blank objects left out (as MIN(STR(?o)) would: a blank node has no STR)."""
        if len(docs) == 1:  # one index look-up per predicate: a document's own graph says much else of it
            node = ox.NamedNode(docs[0])
            try:
                quads = [q for p in _SUMMARY_PREDICATE_NODES for q in self._store.quads_for_pattern(node, p, None, node)]
            except (OSError, RuntimeError) as exc:
                raise StoreUnavailable(f"Oxigraph read failed: {exc}") from exc
            return [(node, q.predicate, q.object) for q in quads if not isinstance(q.object, ox.BlankNode)]
        out: list[tuple[ox.NamedNode, ox.NamedNode, ox.Term]] = []
        for values in _values(docs):
            _, rows = self._rows(f"SELECT ?d ?p ?o WHERE {{ VALUES ?d {{ {values} }} GRAPH ?d {{ ?d ?p ?o }} "
                                 f"FILTER(?p IN ({_SUMMARY_PREDICATES}) && !isBlank(?o)) }}")
            out.extend(rows)
        return out

    def _typed_documents(self, iris: list[str]) -> set[str]:
        """Those of `iris` typed cc:LegalDocument in any graph (a stub is typed only by the documents citing it)."""
        found: set[str] = set()
        for values in _values(iris):
            _, rows = self._rows(f"SELECT DISTINCT ?d WHERE {{ VALUES ?d {{ {values} }} ?d a cc:LegalDocument }}")
            found.update(d.value for d, in rows)
        return found

    def _link_ends(self, iris: Iterable[str]) -> dict[str, DocSummary]:
        """`_summaries` through the memo of recent link ends: a breadth-first walk asks next for the documents
        it has just found, and most chains end in the same few hub laws."""
        known, missing = self._memo.get_many(iris)
        found = self._summaries(missing)
        self._memo.put_many({i: found.get(i) for i in missing})
        return {**{i: d for i, d in known.items() if d is not None}, **found}

    def _links(self, iris: list[str], relations: list[str] | None, outgoing: bool) -> dict[str, list[LinkRow]]:
        """Links of every IRI in two queries (edges, provenance) plus the summaries of both ends (`_link_ends`).

        VALUES binds ?me first, so each IRI is an index look-up as a constant would be. Edges are one UNION
        branch per relation (subject or object and predicate bound): `?me ?rel ?other FILTER(...)` would read
        every statement about ?me, and a hub is described in thousands of citing graphs (50x slower).
        """
        rel_iris = [RELATIONS[r] for r in relation_names(relations)]
        out: dict[str, list[LinkRow]] = {i: [] for i in iris}
        mine = sorted(i for i in out if _valid_iri(i))
        if not mine or not rel_iris:
            return out
        me = "VALUES ?me { " + " ".join(f"<{i}>" for i in mine) + " }"
        edge = "?me <{0}> ?other" if outgoing else "?other <{0}> ?me"
        union = " UNION ".join(f"{{ {edge.format(r)} BIND(<{r}> AS ?rel) }}" for r in rel_iris)
        edges = self._select(f"SELECT DISTINCT ?me ?rel ?other WHERE {{ {me} {{ {union} }} }}")
        found = [(r["me"].value, r["rel"].value, r["other"].value) for r in edges
                 if isinstance(r.get("other"), ox.NamedNode)]
        provenance = self._provenance(me, outgoing, set(rel_iris))
        summaries = self._link_ends([*mine, *(o for _, _, o in found)])
        for m, rel, other in found:
            me_doc, other_doc = summaries.get(m, DocSummary(iri=m)), summaries.get(other, DocSummary(iri=other))
            prov = ordered(provenance.get((m, rel, other), ()))
            src, dst = (me_doc, other_doc) if outgoing else (other_doc, me_doc)
            out[m].append(LinkRow(source=src, relation=RELATION_BY_IRI[rel], target=dst, provenance=prov))
        return sort_links(out, outgoing)

    def _provenance(self, me: str, outgoing: bool, allowed: set[str]) -> dict[tuple[str, str, str], set[Provenance]]:
        """Provenance by (me, relation IRI, other) from the cc:Link nodes of the ?me that `me` binds (VALUES)
        (every link at once: `_every_link`, by the same rules).

        The asserting document is the named graph the link sits in, not the link's subject: 982/QĐ-TTg may
        state a relation of 71/NQ-CP, and the quote and span are then 982's.

        Each link node is one scan of its statements, packed into one string per link in SPARQL (`_unpack`):
        an OPTIONAL per property cost an index seek each per link, and a row per combination of them to
        decode (~1.3x cheaper). A property with several values gives every combination, as the OPTIONALs
        did; a blank-node value counts as absent (it has no STR, which would void the link's whole row).
        """
        link, group = (("?me cc:qualifiedLink ?l .", "?me ?g ?l") if outgoing else
                       ("?l cc:linkTarget ?me . ?other cc:qualifiedLink ?l .", "?me ?g ?other ?l"))
        _, rows = self._rows(
            f"SELECT {group} (GROUP_CONCAT(CONCAT(STR(?p), ' ', STR(STRLEN(STR(?o))), ' ', STR(?o)); separator='') "
            f"AS ?v) WHERE {{ {me} GRAPH ?g {{ {link} ?l ?p ?o }} FILTER(?p IN ({_LINK_PREDICATES}) && !isBlank(?o)) }} "
            f"GROUP BY {group}")
        provenance: dict[tuple[str, str, str], set[Provenance]] = defaultdict(set)
        for row in rows:
            m, graph, vals = row[0].value, row[1].value, _unpack(row[-1].value)
            rels = vals[CC + "linkRelation"] & allowed
            if not rels:
                continue
            others = vals[CC + "linkTarget"] if outgoing else {row[2].value}
            combos = list(product(*(vals[CC + p] or {None} for p in ("inProvision", "quote", "charStart", "charEnd"))))
            for rel in rels:
                for other in others:
                    provenance[(m, rel, other)].update(
                        Provenance(document=graph, provision=prov, quote=quote,
                                   start=int_or_none(start), end=int_or_none(end))
                        for prov, quote, start, end in combos)
        return provenance

    # ---- browsing: documents by filter, provisions, entities, roles -------------------------

    def document_fields(self) -> Iterator[tuple[str, str]]:
        """See Materialised.document_fields."""
        _, rows = self._rows("SELECT ?d ?f WHERE { ?d cc:field ?f }")
        return ((d.value, fold(f.value)) for d, f in rows)

    def _provisions(self, iri: str, with_text: bool = False) -> list[ProvisionRow]:
        """See Store.provisions. Parts are walked over the union of graphs, as the Neo4j store walks
        is_part_of in every graph (and a provision's own parts live in its document's graph, not in one
        named after it). Each part's properties are then one subject scan filtered by predicate: an
        OPTIONAL per property cost an index seek each per part, and their cross product with the two
        rdf:types doubled the rows to decode (this is ~2.5x cheaper)."""
        if not _valid_iri(iri):
            return []
        props = {**_PROVISION_PROPS, CC + "text": "text"} if with_text else _PROVISION_PROPS
        wanted = ", ".join(f"<{p}>" for p in props)
        _, rows = self._rows(f"SELECT ?x ?p ?o WHERE {{ ?x eli:is_part_of+ <{iri}> . ?x ?p ?o FILTER(?p IN ({wanted})) }}")
        by_iri: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
        for x, p, o in rows:
            by_iri[x.value][props[p.value]].add(o.value)
        return provision_order([ProvisionRow(
            iri=x, kind=kind_of(vals["t"], PART_KINDS, "provision"), parent=min(vals["parent"], default=None),
            label=min(vals["label"], default=None), heading=min(vals["heading"], default=None),
            ordinal=int_or_none(min(vals["ordinal"], default=None)),
            text=min(vals["text"], default=None)) for x, vals in by_iri.items() if vals["t"]])  # untyped: no part

    def part_rows(self) -> Iterator[tuple[str, str, str | None, str | None, str | None, str | None]]:
        """See graph.provision_pages.ProvisionSource, by `_provisions`' rules. One scan per property and per class,
        written as CSV by Oxigraph and split by the csv module (~40 s at 100k documents): the same read as terms
        in Python was 40-161 s, and the classes joined to the parts in one query 49 s."""
        parents: dict[str, set[str]] = defaultdict(set)
        for x, y in self._csv(f"SELECT ?x ?y WHERE {{ ?x <{ELI}is_part_of> ?y FILTER(!isLiteral(?y)) }}"):  # CSV: a literal reads as an IRI
            parents[_csv_node(x)].add(_csv_node(y))
        kinds: dict[str, str] = {}
        for cls, kind in PART_KINDS.items():  # `kind_of`'s order: the first class wins
            for (x,) in self._csv(f"SELECT ?x WHERE {{ ?x a <{cls}> }}"):
                if (x := _csv_node(x)) in parents:
                    kinds.setdefault(x, kind)
        rest = [x for x in parents if x not in kinds]  # typed by some other class, or by none
        for i in range(0, len(rest), 500):
            nodes = " ".join(f"<{x}>" for x in rest[i:i + 500] if _valid_iri(x))
            for (x,) in self._csv(f"SELECT DISTINCT ?x WHERE {{ VALUES ?x {{ {nodes} }} ?x a ?t }}"):
                kinds[_csv_node(x)] = "provision"
        facts: dict[str, dict[str, str]] = {}
        for prop in ("label", "heading", "ordinal"):
            least = facts[prop] = {}
            for x, value in self._csv(f"SELECT ?x ?o WHERE {{ ?x <{CC}{prop}> ?o }}"):
                if (x := _csv_node(x)) in kinds and (x not in least or value < least[x]):
                    least[x] = value
        for x, ps in parents.items():
            kind = kinds.get(x)
            label, heading, ordinal = (facts[p].get(x) for p in ("label", "heading", "ordinal"))
            for parent in sorted(ps):
                yield x, parent, kind, label, heading, ordinal

    def _csv(self, query: str) -> Iterator[list[str]]:
        """A SELECT's rows as lexical values (SPARQL CSV: IRIs bare, literals without datatype or language, blank
        nodes `_:id`, unbound ""), written by Oxigraph and split by the csv module: no Python object per term.

        pyoxigraph 0.5.13 writes an IRI bare even when it holds a comma (allowed in an IRI), which then spills into
        the next cells. Such a row is the only one of the wrong width: it is set aside, and the rows with such an
        IRI are read again as terms, after the others (so the rows come in no set order)."""
        try:
            solutions = self._store.query(query, prefixes=PREFIXES, use_default_graph_as_union=True)
            width = len(solutions.variables)
            written = solutions.serialize(format=ox.QueryResultsFormat.CSV)
        except (OSError, RuntimeError) as exc:
            raise StoreUnavailable(f"Oxigraph query failed: {exc}") from exc
        rows = csv.reader(io.StringIO(written.decode("utf-8"), newline=""))
        next(rows, None)  # the variable names
        spilt = False
        for row in rows:
            if len(row) == width:
                yield row
            else:
                spilt = True
        if spilt:
            for terms in self._rows(query)[1]:
                if any(isinstance(t, ox.NamedNode) and "," in t.value for t in terms):
                    yield [_csv_cell(t) for t in terms]

    def _entity(self, iri: str) -> EntityDetail | None:
        """See Store.entity."""
        if not _valid_iri(iri):
            return None
        # Distinct values, own graph or not (all `pick` needs): an agency named in thousands of graphs
        # is a few rows, not one per graph. A blank node is no value (Neo4j keeps no property for it).
        rows = self._select(f"SELECT DISTINCT ?p ?o ?own WHERE {{ GRAPH ?g {{ <{iri}> ?p ?o }} "
                            f"FILTER(!isBlank(?o)) BIND(?g = <{iri}> AS ?own) }}")
        props: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
        for r in rows:
            props[r["p"].value][iri if r["own"].value == "true" else ""].append(r["o"].value)
        types = {v for vs in props.get(RDF_TYPE, {}).values() for v in vs}
        kind = kind_of(types, DETAIL_KINDS, "")
        if not kind:
            return None
        is_row = kind in ROW_KINDS.values()
        label = pick(props.get(CC + "text" if is_row else SKOS + "prefLabel", {}), iri)
        alts = {v for vs in props.get(SKOS + "altLabel", {}).values() for v in vs} - {label}
        parent = pick(props.get(ELI + "is_part_of" if is_row else ORG + "subOrganizationOf", {}), iri)
        units = sorted({r["u"].value for r in self._select(f"SELECT ?u WHERE {{ ?u org:subOrganizationOf <{iri}> }}")})
        attrs = tuple((name, tuple(sorted({v for vs in props[p].values() for v in vs})))
                      for p, name in ATTRIBUTES.items() if p in props)
        return EntityDetail(iri=iri, kind=kind, label=label, alt_labels=tuple(sorted(alts)), parent=parent,
                            units=tuple(units), successor=pick(props.get(CC + "successor", {}), iri),
                            succession_date=pick(props.get(CC + "successionDate", {}), iri), attributes=attrs)

    def _roles(self, iri: str, direction: str = "out", roles: list[str] | None = None, limit: int | None = None,
               offset: int = 0) -> list[EntityRole]:
        """See Store.roles. Every candidate's label is read (the order needs it), kinds and provenance only
        for the page: that is what an agency with thousands of documents costs."""
        names = role_names(direction, roles)
        if not _valid_iri(iri) or not names:
            return []
        rows = self._select(f"SELECT DISTINCT ?role ?other WHERE {{ {_role_pattern(iri, direction, names)} }}")
        pairs = [(r["role"].value, r["other"].value) for r in rows]
        labels = self._labels([o for _, o in pairs])
        pairs.sort(key=lambda p: role_order(p[0], labels.get(p[1]), p[1]))
        page = pairs[offset:] if limit is None else pairs[offset:offset + limit]
        provenance = self.role_provenance(iri, direction, page, len(page) < len(pairs))
        kinds = self._kinds([o for _, o in page])
        return [EntityRole(role=n, entity_iri=o, entity_label=labels.get(o), entity_kind=kinds.get(o, "other"),
                           provenance=provenance.get((n, o), ())) for n, o in page]

    def role_provenance(self, iri: str, direction: str, page: list[tuple[str, str]],
                        cut: bool = True) -> dict[tuple[str, str], tuple[Provenance, ...]]:
        """See graph.role_index.RoleSource: the cc:Link provenance of each (role, other end) in `page`;
        `cut` False when the page holds every role edge asked for (no filter on the other ends needed)."""
        names = {n for n, _ in page}
        if not _valid_iri(iri) or not names:
            return {}
        others = ", ".join(sorted({f"<{o}>" for _, o in page}))
        other = "?o" if direction == "out" else "?s"
        subject, target = (f"<{iri}>", "?o") if direction == "out" else ("?s", f"<{iri}>")
        provenance: dict[tuple[str, str], set[Provenance]] = defaultdict(set)
        for role, s, o, prov in self._role_links(names, subject, target, f"FILTER({other} IN ({others}))" if cut else ""):
            provenance[(role, o if direction == "out" else s)].add(prov)
        return {k: ordered(v) for k, v in provenance.items()}

    def role_links(self) -> Iterator[tuple[str, str, str, Provenance]]:
        """See graph.role_index.RoleSource: (role, subject, object, provenance) of every role edge's cc:Link, by
        `_role_links`' rules (a blank-node value counts; both ends named), read all at once by `_every_link`."""
        by_prop = {iri: name for name, iri in ROLE_IRIS.items()}
        for g, rel, s, o, prov, quote, start, end in self._every_link(by_prop, blank_values=True):
            if isinstance(s, ox.NamedNode) and isinstance(o, ox.NamedNode):
                yield by_prop[rel.value], s.value, o.value, Provenance(  # type: ignore[union-attr]
                    document=g.value, provision=_str(prov), quote=_str(quote), start=_int(start), end=_int(end))  # type: ignore[union-attr]

    def _role_links(self, names: set[str], subject: str, target: str,
                    filters: str) -> Iterator[tuple[str, str, str, Provenance]]:
        """The cc:Link nodes of the roles `names` from `subject` to `target` (an IRI or ?s / ?o), in any graph.
        VALUES on ?rel and a FILTER on the other end: a VALUES join on both is planned far worse."""
        by_prop = {ROLE_IRIS[n]: n for n in names if n in ROLE_IRIS}
        if not by_prop:
            return
        values = " ".join(f"<{p}>" for p in by_prop)
        _, rows = self._rows(
            f"""SELECT ?g ?rel ?s ?o ?prov ?quote ?start ?end WHERE {{ VALUES ?rel {{ {values} }}
                GRAPH ?g {{ {subject} cc:qualifiedLink ?l . ?l cc:linkRelation ?rel ; cc:linkTarget {target} .
                OPTIONAL {{ ?l cc:inProvision ?prov }} OPTIONAL {{ ?l cc:quote ?quote }}
                OPTIONAL {{ ?l cc:charStart ?start }} OPTIONAL {{ ?l cc:charEnd ?end }} }}
                {"BIND(" + subject + " AS ?s)" if subject != "?s" else ""}
                {"BIND(" + target + " AS ?o)" if target != "?o" else ""} {filters} }}""")
        for g, rel, s, o, prov, quote, start, end in rows:
            yield by_prop[rel.value], s.value, o.value, Provenance(  # type: ignore[union-attr]
                document=g.value, provision=_str(prov), quote=_str(quote), start=_int(start), end=_int(end))  # type: ignore[union-attr]

    def role_edges(self) -> Iterator[tuple[str, str, str]]:
        """See graph.role_index.RoleSource: every role edge (role, subject, object) between named ends, distinct."""
        for name in sorted(ROLE_PROPERTIES):
            for s, o in self._csv(f"SELECT DISTINCT ?s ?o WHERE {{ ?s {ROLE_PROPERTIES[name]} ?o "
                                  f"FILTER(isIRI(?s) && isIRI(?o)) }}"):
                yield name, s, o

    def annex_rows(self) -> Iterator[tuple[str, str]]:
        """See graph.role_index.RoleSource: every annex row with each of its kinds (typed task, indicator or row)."""
        types = " ".join(f"<{t}>" for t in ROW_KINDS)
        for x, t in self._rows(f"SELECT DISTINCT ?x ?t WHERE {{ VALUES ?t {{ {types} }} ?x a ?t FILTER(isIRI(?x)) }}")[1]:
            yield x.value, ROW_KINDS[t.value]  # type: ignore[union-attr]

    def link_rows(self) -> Iterator[tuple[str, str, str, tuple[Provenance, ...]]]:
        """See graph.link_pages.LinkSource: `_links`' edges, and their provenance by `_provenance`'s rules (a
        blank-node target or value counts as absent) read all at once by `_every_link`."""
        provenance: dict[tuple[str, str, str], set[Provenance]] = defaultdict(set)
        for g, rel, me, other, prov, quote, start, end in self._every_link(RELATIONS.values(), blank_values=False):
            provenance[(me.value, rel.value, other.value)].add(Provenance(  # type: ignore[union-attr]
                document=g.value, provision=_str(prov), quote=_str(quote), start=_int(start), end=_int(end)))  # type: ignore[union-attr]
        for name, rel in sorted(RELATIONS.items()):
            for me, other in self._rows(f"SELECT DISTINCT ?me ?other WHERE {{ ?me <{rel}> ?other "
                                        f"FILTER(isIRI(?me) && isIRI(?other)) }}")[1]:
                m, o = me.value, other.value  # type: ignore[union-attr]
                if _valid_iri(m):
                    yield m, name, o, ordered(provenance.pop((m, rel, o), ()))

    def _every_link(self, relations: Iterable[str], blank_values: bool
                    ) -> Iterator[tuple[ox.NamedNode | ox.BlankNode | ox.Literal | None, ...]]:
        """(graph, relation, subject, target, provision, quote, start, end) of every cc:Link of `relations` in any
        named graph, a row per combination of its values (None where it has none); `blank_values`: whether a
        blank-node target or value counts (else it is absent, as in `_provenance`).

        For reading them all at once (the pages): each property is a subquery, and Oxigraph joins a subquery by
        hash, not by a loop of index seeks, so each property is one scan and only the answer is decoded. At 100k
        documents ~60 us a link against ~180 us link by link (`_provenance`, `_role_links`); the price is its hash
        tables, every cc:Link's properties at once (~2.5 GB at 100k)."""
        def prop(p: str, var: str, subject: str = "?l") -> str:
            kept = "" if blank_values else f"FILTER(!isBlank({var}))"
            return f"{{ SELECT ?g {subject} {var} WHERE {{ GRAPH ?g {{ {subject} cc:{p} {var} }} {kept} }} }}"
        values = " ".join(f"<{r}>" for r in sorted(relations))
        query = (f"SELECT ?g ?rel ?me ?other ?prov ?quote ?start ?end WHERE {{ "
                 f"{{ SELECT ?g ?l ?rel WHERE {{ VALUES ?rel {{ {values} }} GRAPH ?g {{ ?l cc:linkRelation ?rel }} }} }} "
                 f"{prop('qualifiedLink', '?l', '?me')} {prop('linkTarget', '?other')} "
                 f"OPTIONAL {prop('inProvision', '?prov')} OPTIONAL {prop('quote', '?quote')} "
                 f"OPTIONAL {prop('charStart', '?start')} OPTIONAL {prop('charEnd', '?end')} }}")
        try:  # streamed: ~700k rows at 100k
            for solution in self._store.query(query, prefixes=PREFIXES):
                yield tuple(solution)
        except (OSError, RuntimeError) as exc:
            raise StoreUnavailable(f"Oxigraph query failed: {exc}") from exc

    def node_info(self, iris: list[str]) -> dict[str, tuple[str, str | None]]:
        """See graph.role_index.RoleSource: (kind, label) by the order of Store.roles, for IRIs with either."""
        labels, kinds = self._labels(iris), self._kinds(iris)
        return {x: (kinds.get(x, "other"), labels.get(x)) for x in set(labels) | set(kinds)}

    def _role_counts(self, iri: str, direction: str = "out") -> dict[str, int]:
        """See Store.role_counts: one aggregate query."""
        names = role_names(direction, None)
        if not _valid_iri(iri):
            return {}
        rows = self._select(f"SELECT ?role (COUNT(DISTINCT ?other) AS ?n) WHERE {{ "
                            f"{_role_pattern(iri, direction, names)} }} GROUP BY ?role")
        return {r["role"].value: int(r["n"].value) for r in rows}

    def _labels(self, iris: list[str]) -> dict[str, str]:
        """The label of each IRI that has one, by the label order of Store.roles (the first property any graph
        gives it; per property the own graph wins, else the smallest value; a blank node is no label, as in Neo4j,
        where it is no property; claims are under other predicates). One bound
        predicate per query, asked only for the IRIs no earlier property labelled: a document costs two
        index seeks, not five, and one cited in thousands of graphs stays a few rows (aggregated in SPARQL)."""
        left = sorted(set(iris))
        out: dict[str, str] = {}
        for p in LABEL_PROPERTIES:
            found: dict[str, dict[bool, str]] = defaultdict(dict)
            for values in _values(left):
                for x, own, v in self._csv(
                        f"SELECT ?x ?own (MIN(STR(?o)) AS ?v) WHERE {{ VALUES ?x {{ {values} }} GRAPH ?g {{ ?x <{p}> ?o }} "
                        f"FILTER(!isBlank(?o)) BIND(?g = ?x AS ?own) }} GROUP BY ?x ?own"):
                    found[x][own == "true"] = v
            for x, by_own in found.items():
                out[x] = by_own[True] if True in by_own else by_own[False]
            left = [x for x in left if x not in found]
            if not left:
                break
        return out

    def _kinds(self, iris: list[str]) -> dict[str, str]:
        """The kind of each typed IRI (document, task, agency …, else other), over the types of all graphs."""
        types: dict[str, set[str]] = defaultdict(set)
        for values in _values(sorted(set(iris))):
            for x, t in self._csv(f"SELECT DISTINCT ?x ?t WHERE {{ VALUES ?x {{ {values} }} ?x a ?t }}"):
                types[x].add(t)
        return {x: kind_of(ts, NODE_KINDS, "other") for x, ts in types.items()}

    # ---- SPARQL endpoint -----------------------------------------------------------------

    def sparql(self, query: str, accept: str | SparqlFormats = "*/*", default_graph: list[str] | None = None,
               named_graphs: list[str] | None = None, max_bytes: int | None = None) -> SparqlResult:
        """Run a read-only SPARQL query, written in `accept` (see graph.store.SparqlStore). PermissionError for
        updates, ValueError for syntax errors, NotAcceptable (a ValueError) for a kind `accept` does not serve,
        ResultTooLarge as soon as the result passes `max_bytes` (serialised; graphs counted as they are read)."""
        formats = SparqlFormats.of(accept)
        if is_update(query):
            raise PermissionError("SPARQL Update is not allowed on this endpoint (read-only)")
        kwargs: dict[str, object] = {"prefixes": PREFIXES}
        if default_graph:
            kwargs["default_graph"] = [ox.NamedNode(g) for g in default_graph]
        else:  # the union of the graphs: documents' own facts, the view; claims are claim:* (graph.own_facts)
            kwargs["use_default_graph_as_union"] = True
        if named_graphs:
            kwargs["named_graphs"] = [ox.NamedNode(g) for g in named_graphs]
        try:
            result = self._store.query(query, **kwargs)  # type: ignore[arg-type]
        except SyntaxError as exc:
            raise ValueError(f"SPARQL syntax error: {exc}") from exc
        except (OSError, RuntimeError) as exc:
            raise StoreUnavailable(f"Oxigraph query failed: {exc}") from exc
        out = _CappedBuffer(max_bytes)
        if isinstance(result, ox.QueryTriples):
            # read whole and dropped here: pyoxigraph's result may not be freed on another thread, which it would be
            # if an exception raised while reading it carried it away in a traceback
            failure = None
            try:
                triples, too_big = _read_capped(result, max_bytes)
            except OSError as exc:  # its files changed under this read-only handle (a load since it was opened)
                failure = f"Oxigraph query failed while reading: {exc}; reopen the store (restart the API) after a load"
            del result
            if failure:
                raise StoreUnavailable(failure)
            if too_big:
                raise ResultTooLarge(f"the result is larger than {max_bytes} bytes; narrow the query or add LIMIT")
            fmt = ox.RdfFormat.from_media_type(formats.graph or "")
            if fmt is None:
                raise NotAcceptable(f"a graph cannot be written as {formats.graph!r}")
            out.write(_serialize_triples(triples, fmt))
            return SparqlResult(out.value(), fmt.media_type)
        rfmt = ox.QueryResultsFormat.from_media_type(formats.results or "")
        if rfmt is None:
            raise NotAcceptable(f"query results cannot be written as {formats.results!r}")
        if isinstance(result, ox.QueryBoolean):
            return SparqlResult(result.serialize(format=rfmt), rfmt.media_type)
        try:
            result.serialize(output=out, format=rfmt)
        finally:
            del result  # freed on this thread even when the cap stops the writing (see above)
        return SparqlResult(out.value(), rfmt.media_type)

    def graph_size(self, iri: str) -> int:
        """Quads the document graph `iri` was loaded with, its claims included (what an upload replacing it logs)."""
        return sum(1 for _ in self._store.quads_for_pattern(None, None, None, ox.NamedNode(iri)))

    def nquads(self) -> bytes:
        """Every quad as N-Quads: how an in-memory store is copied into a query worker process."""
        return self._store.dump(format=ox.RdfFormat.N_QUADS)

    def close(self) -> None:
        """Flush and drop the handle; RocksDB releases its lock when the object is collected."""
        store = getattr(self, "_store", None)
        if store is not None and not self.read_only and self.path is not None:
            try:
                store.flush()
            except OSError:
                pass
        self._store = None  # type: ignore[assignment]

    # ---- batched look-ups for pages listing many documents -------------------------------------

    def _row_counts(self, iris: list[str]) -> dict[str, int]:
        """See Store.row_counts: one aggregate per 500 IRIs. The row types are tested with FILTER EXISTS,
        not joined on VALUES (which Oxigraph plans from every typed node: 100x slower)."""
        out = {i: 0 for i in iris}
        types = ", ".join(f"<{t}>" for t in ROW_KINDS)
        for values in _values(sorted(i for i in out if _valid_iri(i))):
            for r in self._select(f"SELECT ?d (COUNT(DISTINCT ?x) AS ?n) WHERE {{ VALUES ?d {{ {values} }} "
                                  f"?x eli:is_part_of+ ?d FILTER(isIRI(?x) && EXISTS {{ ?x a ?t FILTER(?t IN ({types})) }}) }} GROUP BY ?d"):
                out[r["d"].value] = int(r["n"].value)
        return out


# ---- helpers shared with the API and the tests -----------------------------------------------


def _read_capped(triples: Iterable[ox.Triple], max_bytes: int | None) -> tuple[list[ox.Triple], bool]:
    """The triples as a list, and whether their N-Triples text passed `max_bytes` (reading stops there)."""
    out: list[ox.Triple] = []
    size = 0
    for t in triples:
        if max_bytes is not None:
            size += len(str(t)) + 3
            if size > max_bytes:
                return out, True
        out.append(t)
    return out, False


def _csv_cell(term: ox.NamedNode | ox.BlankNode | ox.Literal | None) -> str:
    """A term as SPARQL CSV writes it (see OxigraphStore._csv)."""
    if term is None:
        return ""
    return "_:" + term.value if isinstance(term, ox.BlankNode) else term.value


def _csv_node(value: str) -> str:
    """A subject's `.value` from its CSV cell: a blank node's id without `_:` (no IRI starts so)."""
    return value[2:] if value.startswith("_:") else value


def _serialize_triples(triples: Iterable[ox.Triple], fmt: ox.RdfFormat) -> bytes:
    unique = sorted(set(triples), key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))
    prefixes = PREFIXES if fmt in (ox.RdfFormat.TURTLE, ox.RdfFormat.N3, ox.RdfFormat.TRIG) else None
    if fmt.supports_datasets:  # N-Quads / TriG: the triples go to the default graph
        unique = [ox.Quad(t.subject, t.predicate, t.object) for t in unique]  # type: ignore[misc]
    return ox.serialize(unique, format=fmt, prefixes=prefixes)


def _role_pattern(iri: str, direction: str, names: list[str]) -> str:
    """Binds ?role and ?other (named ends only) for each role edge of `iri`: one UNION branch per role."""
    me = f"<{iri}>"
    subject, target = (me, "?other") if direction == "out" else ("?other", me)
    union = " UNION ".join(f'{{ {subject} {ROLE_PROPERTIES[n]} {target} BIND("{n}" AS ?role) }}'
                           for n in names)
    return f"{union} FILTER(isIRI(?other))"


def cited_in(quads: Iterable[ox.Quad]) -> set[tuple[str, str]]:
    """graph.own_facts.cited_pairs of a stream of whole graphs (what `as_stored` needs to know first)."""
    return cited_pairs(quads, _parts)


def as_stored(q: ox.Quad, cited: set[tuple[str, str]]) -> ox.Quad:
    """The quad as this store keeps it: a claim about a cited document under its claim predicate."""
    if is_claim(q.subject.value, q.predicate.value, q.graph_name.value, cited):
        return ox.Quad(q.subject, ox.NamedNode(CLAIM_OF[q.predicate.value]), q.object, q.graph_name)
    return q


def _parts(q: ox.Quad) -> tuple[str, str, bool]:
    return q.subject.value, q.graph_name.value, q.predicate.value == RDF_TYPE and q.object.value == LEGAL_DOCUMENT


def _unpack(packed: str) -> defaultdict[str, set[str]]:
    """Values by property IRI from what `_provenance` packs: "<property> <length> <value>" repeated, the
    length in characters (SPARQL STRLEN), so a value may hold any character."""
    out: defaultdict[str, set[str]] = defaultdict(set)
    i = 0
    while i < len(packed):
        j = packed.index(" ", i)
        k = packed.index(" ", j + 1)
        end = k + 1 + int(packed[j + 1:k])
        out[packed[i:j]].add(packed[k + 1:end])
        i = end
    return out


def _place(path: Path | None) -> tuple[int, int, bytes] | None:
    """What stays the same while the directory at `path` is the same store: its device and inode, and the
    unique id RocksDB writes in IDENTITY when it creates a database (an inode may be reused by a new one)."""
    if path is None:
        return None
    try:
        st = os.stat(path)
        with open(os.path.join(path, "IDENTITY"), "rb") as f:
            identity = f.read(256)
    except OSError:
        return None
    return (st.st_dev, st.st_ino, identity)


def _valid_iri(iri: str) -> bool:
    try:
        ox.NamedNode(iri)
    except ValueError:
        return False
    return True


def _int(term: ox.NamedNode | ox.BlankNode | ox.Literal | None) -> int | None:
    return int_or_none(term.value) if term is not None else None


def _str(term: ox.NamedNode | ox.BlankNode | ox.Literal | None) -> str | None:
    return term.value if term is not None else None


def _values(iris: list[str], size: int = 500) -> Iterable[str]:
    """The IRIs as the terms of SPARQL VALUES blocks of `size` each: a long VALUES list is planned badly."""
    for i in range(0, len(iris), size):
        yield " ".join(f"<{x}>" for x in iris[i:i + size])
