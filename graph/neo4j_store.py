"""`graph.store.Store` over Neo4j (Bolt), mapped the way neosemantics / rdflib-neo4j do it.

Mapping (why: users of n10s feel at home, and the API's look-ups hit indexes):
- every IRI is a `:Resource {uri}` node (unique); `rdf:type` adds the class's local name as a label
  (`Decision`, `LegalDocument`, `Link`, `Agency` …);
- literals are properties keyed by the predicate's local name (`number`, `numberKey`, `date_document`);
  xsd:integer -> integer, xsd:date -> Neo4j DATE, everything else its lexical string; several values
  -> a sorted list. `cc:linkRelation` (its object is a vocabulary term) is kept as an IRI string;
- other IRI objects are relationships typed by the predicate's local name (`based_on`, `cites`,
  `is_part_of`, `qualifiedLink` …), one per (subject, predicate, object, graph) with a `graph` property;
  document links also carry their provenance as parallel lists `quote`, `provision` ("" = preamble),
  `start`, `end` (-1 = unknown), taken from the graph's `cc:Link` nodes (which are kept too).

Named graphs (one per source document): `(:NamedGraph {iri, triples})` records each loaded graph, and
`(:NamedGraph)-[:ASSERTS {src}]->(:Resource)` holds what that graph says about that node (`src`: JSON,
literals by compacted predicate and "@type"), one small relationship per (graph, node). Loading a graph
touches only its own statements: its ASSERTS and relationships are replaced, and the nodes it names get
the union of what all graphs say, merged into their current properties (a graph that only adds never
reads other graphs' records); a node whose record from a replaced graph changed is recomputed from its
remaining ASSERTS. So cost grows with the graph loaded, not with how many graphs cite a hub node. A node
nobody asserts or references is deleted. Each transaction holds whole graphs only, so a lost connection
never leaves half a document, and re-running the load finishes the job. Per transaction (default up to
50,000 quads of whole graphs) each node is looked up once by `uri`, new nodes are created grouped by label
set, relationships by type between node ids; the next chunk's rows are prepared while one is written.

Reading: documents and entities are found by label (token index) and `uri` (unique constraint), their
values taken from the ASSERTS records so the own-graph rule and lexical forms match the Oxigraph store
exactly; provisions walk `is_part_of` in, roles follow the relationship types of graph.store.ROLE_PROPERTIES.
There is no SPARQL here: the API answers 501 for /sparql and serves JSON only for this backend.

Answers equal the Oxigraph store's (contract tests): where graphs disagree on a document property, the
document's own graph wins, else the smallest value; lists are sorted with the same keys.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import product
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

import pyoxigraph as ox
from neo4j import READ_ACCESS, GraphDatabase
from neo4j.exceptions import (AuthError, ClientError, ConfigurationError, CypherSyntaxError, DriverError,
                              Neo4jError, ServiceUnavailable, SessionExpired)

from cancu.text import fold
from cancu.vocab import RELATION_PROPERTIES
from graph.shared import ATTRIBUTES as ATTRIBUTE_IRIS
from graph.shared import ENTITY_KINDS, PROVISION_KINDS, ROW_KINDS, document_order, kind_of, link_key, pick, provenance_key
from graph.store import (ROLE_PROPERTIES, DocSummary, EntityDetail, EntityRole, EntitySummary, LinkRow, LoadError,
                         Provenance, ProvisionRow, StoreStatus, StoreUnavailable, provision_order)

CC = "https://w3id.org/cancu/ontology#"
ELI = "http://data.europa.eu/eli/ontology#"
XSD = "http://www.w3.org/2001/XMLSchema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
PREFIXES = {"cc": CC, "eli": ELI, "skos": "http://www.w3.org/2004/02/skos/core#", "org": "http://www.w3.org/ns/org#",
            "prov": "http://www.w3.org/ns/prov#", "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
            "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#", "dcterms": "http://purl.org/dc/terms/"}
INT_TYPES = {XSD + t for t in ("integer", "int", "long", "short", "byte", "nonNegativeInteger", "positiveInteger",
                               "negativeInteger", "nonPositiveInteger", "unsignedInt", "unsignedLong", "gYear")}
IRI_AS_PROPERTY = {CC + "linkRelation"}  # objects are vocabulary terms, not things worth a node
RESERVED = {"uri", "graphs", "_src"}
RELATION_TYPES = {iri.split("#")[-1]: name for name, iri in ((n, str(p)) for n, p in RELATION_PROPERTIES.items())}
DOC_PROPS = {"cc:number": "number", "cc:typeName": "type", "cc:issuerName": "issuer",
             "eli:date_document": "date", "cc:year": "year", "eli:title": "title", "cc:sourceFile": "source_file"}
NODE_KINDS = {CC + "LegalDocument": "document", **ROW_KINDS, **ENTITY_KINDS}
LABEL_KEYS = ("skos:prefLabel", "cc:number", "eli:title", "cc:text", "cc:label")  # Store.roles label order
_FORMATS = {".nq": ox.RdfFormat.N_QUADS, ".nquads": ox.RdfFormat.N_QUADS, ".trig": ox.RdfFormat.TRIG}
_WRITE_CLAUSE = re.compile(r"\b(CREATE|MERGE|DELETE|DETACH|SET|REMOVE|DROP|LOAD\s+CSV|FOREACH|IN\s+TRANSACTIONS|"
                           r"ALTER|GRANT|DENY|REVOKE|RENAME|TERMINATE|ENABLE|DEALLOCATE|REALLOCATE)\b", re.I)
BATCH = 10_000  # rows per UNWIND
SCHEMA = (
    "CREATE CONSTRAINT resource_uri IF NOT EXISTS FOR (n:Resource) REQUIRE n.uri IS UNIQUE",
    "CREATE CONSTRAINT named_graph_uri IF NOT EXISTS FOR (g:NamedGraph) REQUIRE g.iri IS UNIQUE",
    "CREATE INDEX resource_number_key IF NOT EXISTS FOR (n:Resource) ON (n.numberKey)",
    "CREATE INDEX resource_number IF NOT EXISTS FOR (n:Resource) ON (n.number)",
    "CREATE INDEX resource_source_file IF NOT EXISTS FOR (n:Resource) ON (n.sourceFile)",
)


@dataclass
class _GraphData:
    """What one named graph asserts, ready to write: per-subject contributions and edges with provenance."""

    iri: str
    triples: int = 0
    contrib: dict[str, dict[str, list[Any]]] = field(default_factory=lambda: defaultdict(lambda: defaultdict(list)))
    edges: dict[tuple[str, str, str], list[tuple[str, str, int, int]]] = field(default_factory=dict)


def one_line(exc: BaseException) -> str:
    """A driver error as one short line (the driver's messages span lines and repeat GQL boilerplate)."""
    msg = exc.message if isinstance(exc, Neo4jError) and exc.message else str(exc)
    return re.sub(r"\s+", " ", msg).strip()[:300] or type(exc).__name__


class Neo4jStore:
    """`graph.store.Store` over a Neo4j server (5.x; a single server, a cluster or Aura via neo4j+s://)."""

    name = "neo4j"

    def __init__(self, uri: str | None = None, user: str | None = None, password: str | None = None,
                 database: str | None = None, *, ensure_schema: bool = True, tx_quads: int = 50_000) -> None:
        self.uri = uri or os.environ.get("NEO4J_URI") or ""
        if not self.uri:
            raise StoreUnavailable("no Neo4j address: pass bolt://HOST:PORT or set NEO4J_URI")
        self.user = user or os.environ.get("NEO4J_USER", "neo4j")
        self.database = database or os.environ.get("NEO4J_DATABASE") or None
        self.tx_quads = tx_quads
        if not re.match(r"(bolt|neo4j)(\+s|\+ssc)?://", self.uri):
            raise StoreUnavailable(f"bad Neo4j address {self.uri!r}: expected bolt://, neo4j:// or neo4j+s:// …")
        password = password if password is not None else os.environ.get("NEO4J_PASSWORD", "")
        try:
            self._driver = GraphDatabase.driver(self.uri, auth=(self.user, password), connection_timeout=10,
                                                max_transaction_retry_time=5, notifications_min_severity="OFF")
            self._driver.verify_connectivity()
        except (ConfigurationError, ValueError) as exc:
            raise StoreUnavailable(f"bad Neo4j address {self.uri!r}: {one_line(exc)}") from None
        except AuthError:
            self._driver.close()
            raise StoreUnavailable(f"Neo4j at {self.uri} refused user {self.user!r}: wrong NEO4J_USER or "
                                   "NEO4J_PASSWORD") from None
        except (DriverError, Neo4jError, OSError) as exc:
            self._driver.close()
            raise StoreUnavailable(f"cannot reach Neo4j at {self.uri}: {one_line(exc)}") from None
        if ensure_schema:
            with self._guard():
                for stmt in SCHEMA:
                    self._driver.execute_query(stmt, database_=self.database)

    @contextmanager
    def _guard(self, what: str = "") -> Iterator[None]:
        """Turn connection and auth failures into StoreUnavailable with a one-line message."""
        try:
            yield
        except AuthError as exc:
            raise StoreUnavailable(f"Neo4j at {self.uri} refused user {self.user!r}: {one_line(exc)}") from None
        except (ServiceUnavailable, SessionExpired, OSError) as exc:
            raise StoreUnavailable(f"lost Neo4j at {self.uri}{what}: {one_line(exc)}") from None

    # ---- loading -------------------------------------------------------------------------

    def load(self, path: Path, progress: Callable[[int, int], None] | None = None) -> int:
        """Load N-Quads/TriG, replacing each named graph in it (whole graphs per transaction); return quads read.

        `progress(graphs_done, graphs_total)` is called after each commit.
        """
        path = Path(path)
        quads = _parse(path)
        graphs = _group(quads)
        done, total = 0, len(graphs)
        chunks = _chunks_by_size(graphs, self.tx_quads)
        with ThreadPoolExecutor(1) as pool:  # prepare the next chunk's rows while this one is written
            following = pool.submit(_prepare, first) if (first := next(chunks, None)) else None
            while following is not None:
                prep = following.result()
                following = pool.submit(_prepare, c) if (c := next(chunks, None)) else None
                self._commit(prep, path, done, total)
                done += len(prep.graphs)
                if progress:
                    progress(done, total)
        return len(quads)

    def _commit(self, prep: _Prepared, path: Path, done: int, total: int) -> None:
        """Write one prepared chunk in one transaction (errors name the file and what was committed)."""
        try:
            with self._driver.session(database=self.database) as session:
                with session.begin_transaction() as tx:
                    _write_chunk(tx, prep)
                    tx.commit()
        except (ServiceUnavailable, SessionExpired, OSError, DriverError) as exc:
            raise StoreUnavailable(
                f"lost Neo4j at {self.uri} while loading {path}: {done} of {total} graphs committed, none "
                f"half-written; re-run the load to finish ({one_line(exc)})") from None
        except AuthError as exc:
            raise StoreUnavailable(f"Neo4j at {self.uri} refused user {self.user!r}: {one_line(exc)}") from None
        except Neo4jError as exc:
            raise LoadError(f"{path}: Neo4j rejected graph {prep.graphs[0].iri}: {one_line(exc)}") from None

    # ---- reading -------------------------------------------------------------------------

    def _read(self, query: str, **params: Any) -> list[Any]:
        with self._guard():
            records, _, _ = self._driver.execute_query(query, params, database_=self.database, routing_="r")
            return records

    def status(self) -> StoreStatus:
        """Backend state and counts: documents = ingested (cc:sourceFile), triples = quads of all loaded graphs."""
        try:
            docs = self._read("MATCH (n:Resource) WHERE n.sourceFile IS NOT NULL RETURN count(n) AS n")[0]["n"]
            triples = self._read("MATCH (g:NamedGraph) RETURN coalesce(sum(g.triples), 0) AS n")[0]["n"]
        except (StoreUnavailable, Neo4jError, DriverError) as exc:
            return StoreStatus(self.name, False, one_line(exc))
        return StoreStatus(self.name, True, f"{self.uri} (database {self.database or 'default'})", docs, triples)

    def documents_by_key(self, number_key: str) -> list[DocSummary]:
        """Documents whose cc:numberKey equals `number_key`, sorted by (year, date, iri)."""
        rows = self._read("MATCH (n:Resource) WHERE n.numberKey = $k RETURN n.uri AS uri, " + _SRC("n"), k=number_key)
        docs = [d for r in rows if (d := _summary(r["uri"], r["src"]))]
        return sorted(docs, key=lambda d: (d.year or 0, d.date or "", d.iri))

    def document(self, iri: str) -> DocSummary | None:
        """The document (ingested or stub) with this IRI, or None if nothing typed cc:LegalDocument has it."""
        return self._summaries([iri]).get(iri)

    def _summaries(self, iris: Iterable[str]) -> dict[str, DocSummary]:
        rows = self._read("UNWIND $us AS u MATCH (n:Resource {uri: u}) RETURN u, " + _SRC("n"), us=sorted(set(iris)))
        return {r["u"]: d for r in rows if (d := _summary(r["u"], r["src"]))}

    def links_from(self, iri: str, relations: list[str] | None = None) -> list[LinkRow]:
        """Outgoing document links of `iri` (its legal bases, citations …), provenance included."""
        return self._links(iri, relations, outgoing=True)

    def links_to(self, iri: str, relations: list[str] | None = None) -> list[LinkRow]:
        """Incoming document links (who is based on / cites / amends `iri`)."""
        return self._links(iri, relations, outgoing=False)

    def _links(self, iri: str, relations: list[str] | None, outgoing: bool) -> list[LinkRow]:
        types = _relation_types(relations)
        pattern = "(me)-[r]->(other)" if outgoing else "(me)<-[r]-(other)"
        rows = self._read(
            f"MATCH (me:Resource {{uri: $iri}}) MATCH {pattern} WHERE type(r) IN $types "
            "RETURN type(r) AS t, other.uri AS other, r.quote AS q, r.provision AS p, r.start AS s, r.end AS e",
            iri=iri, types=types)
        prov: dict[tuple[str, str], set[Provenance]] = defaultdict(set)
        for r in rows:
            key = (r["t"], r["other"])
            prov.setdefault(key, set())  # an edge without provenance still makes a row
            for q, p, s, e in zip(r["q"] or [], r["p"] or [], r["s"] or [], r["e"] or []):
                prov[key].add(Provenance(document=iri if outgoing else r["other"], provision=p or None,
                                         quote=q or None, start=None if s < 0 else s, end=None if e < 0 else e))
        docs = self._summaries([iri, *(o for _, o in prov)])
        me = docs.get(iri, DocSummary(iri=iri))
        out = []
        for (t, other), provs in prov.items():
            you = docs.get(other, DocSummary(iri=other))
            src, dst = (me, you) if outgoing else (you, me)
            out.append(LinkRow(src, RELATION_TYPES[t], dst, tuple(sorted(provs, key=provenance_key))))
        return sorted(out, key=lambda row: link_key(row.target if outgoing else row.source, row.relation))

    # ---- browsing: documents by filter, provisions, entities, roles -----------------------

    def _doc_srcs(self) -> list[tuple[str, dict[str, Any]]]:
        """(uri, per-graph record) of every node typed cc:LegalDocument in some graph, sorted by uri."""
        rows = self._read("MATCH (n:LegalDocument) RETURN n.uri AS u, " + _SRC("n") + " ORDER BY u")
        return [(r["u"], src) for r in rows if CC + "LegalDocument" in _types(src := _src_map(r["src"]))]

    def documents(self) -> list[DocSummary]:
        """Every document node, stubs included, sorted by IRI (for the search index and listings)."""
        return [d for u, src in self._doc_srcs() if _is_iri(u) and (d := _summary_of(u, src))]

    def entities(self, kind: str | None = None) -> list[EntitySummary]:
        """See Store.entities: named entities by labels (sorted by IRI), or annex rows for "task" / "indicator"."""
        if kind in ("task", "indicator"):
            cls = CC + ("Task" if kind == "task" else "Indicator")
            out = []
            for r in self._read(f"MATCH (n:{_local(cls)}) RETURN n.uri AS u, " + _SRC("n") + " ORDER BY u"):
                src = _src_map(r["src"])
                if cls not in _types(src):
                    continue
                texts, labels = _all(src, "cc:text"), _all(src, "cc:label")
                out.append(EntitySummary(r["u"], kind, min(texts) if texts else None, tuple(sorted(labels))))
            return out
        wanted = {cls: k for cls, k in ENTITY_KINDS.items() if kind is None or k == kind}
        if not wanted:
            return []
        labels = "|".join(sorted(_local(c) for c in wanted))
        out = []
        for r in self._read(f"MATCH (n:{labels}) RETURN n.uri AS u, " + _SRC("n") + " ORDER BY u"):
            src = _src_map(r["src"])
            kinds = [k for cls, k in wanted.items() if cls in _types(src)]
            if not kinds:
                continue
            label = pick(_by_graph(src, "skos:prefLabel"), r["u"])
            alts = (_all(src, "skos:altLabel") | _all(src, "cc:abbreviation")) - {label}
            out.append(EntitySummary(r["u"], min(kinds), label, tuple(sorted(alts))))
        return out

    def list_documents(self, type: str | None = None, issuer: str | None = None, year: int | None = None,
                       field: str | None = None, ingested: bool | None = None, limit: int = 50,
                       offset: int = 0) -> tuple[int, list[DocSummary]]:
        """See Store.list_documents (folded filters applied in Python, like the Oxigraph store)."""
        t, i, f = fold(type or ""), fold(issuer or ""), fold(field or "")
        keep = []
        for u, src in self._doc_srcs():
            d = _summary_of(u, src) if _is_iri(u) else None
            if d is None:
                continue
            if ((not t or fold(d.type or "") == t) and (not i or i in fold(d.issuer or ""))
                    and (year is None or d.year == year) and (ingested is None or d.ingested == ingested)
                    and (not f or any(f in fold(v) for v in _all(src, "cc:field")))):
                keep.append(d)
        keep.sort(key=document_order)
        return len(keep), keep[offset:offset + limit]

    def provisions(self, iri: str, with_text: bool = False) -> list[ProvisionRow]:
        """See Store.provisions: every part under `iri` over is_part_of, in document order."""
        rows = self._read(
            "MATCH (d:Resource {uri: $iri}) MATCH (x:Resource)-[:is_part_of*1..]->(d) WITH DISTINCT x "
            "RETURN x.uri AS u, " + _SRC("x") + ", [(x)-[:is_part_of]->(p) | p.uri] AS parents", iri=iri)
        out = []
        for r in rows:
            src = _src_map(r["src"])
            types = _types(src)
            if not types or not r["parents"]:
                continue
            vals = {k: _all(src, k) for k in ("cc:label", "cc:heading", "cc:ordinal", "cc:text")}
            ordinal = min(vals["cc:ordinal"]) if vals["cc:ordinal"] else None
            out.append(ProvisionRow(
                iri=r["u"], kind=kind_of(types, {**ROW_KINDS, **PROVISION_KINDS}, "provision"),
                parent=min(r["parents"]), label=_min(vals["cc:label"]), heading=_min(vals["cc:heading"]),
                ordinal=_int_or_none(ordinal) if ordinal is not None else None,
                text=_min(vals["cc:text"]) if with_text else None))
        return provision_order(out)

    def entity(self, iri: str) -> EntityDetail | None:
        """See Store.entity: a named entity or an annex row with what hangs on it directly."""
        rows = self._read(
            "MATCH (n:Resource {uri: $iri}) RETURN " + _SRC("n") + ", "
            "[(n)-[r:is_part_of|subOrganizationOf|successor]->(m) | [type(r), r.graph, m.uri]] AS out, "
            "[(u)-[:subOrganizationOf]->(n) | u.uri] AS units", iri=iri)
        if not rows:
            return None
        src = _src_map(rows[0]["src"])
        kind = kind_of(_types(src), {**ROW_KINDS, **ENTITY_KINDS}, "")
        if not kind:
            return None
        edges: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
        for t, g, m in rows[0]["out"]:
            edges[t][g].append(m)
        is_row = kind in ("task", "indicator", "row")
        label = pick(_by_graph(src, "cc:text" if is_row else "skos:prefLabel"), iri)
        attrs = tuple((name, tuple(sorted(vals))) for name, key in ATTRIBUTES if (vals := _all(src, key)))
        return EntityDetail(
            iri=iri, kind=kind, label=label, alt_labels=tuple(sorted(_all(src, "skos:altLabel") - {label})),
            parent=pick(edges["is_part_of" if is_row else "subOrganizationOf"], iri),
            units=tuple(sorted(set(rows[0]["units"]))), successor=pick(edges["successor"], iri),
            succession_date=pick(_by_graph(src, "cc:successionDate"), iri), attributes=attrs)

    def roles(self, iri: str, direction: str = "out", roles: list[str] | None = None) -> list[EntityRole]:
        """See Store.roles: role edges of `iri` with the provenance their cc:Link nodes carry."""
        if direction not in ("out", "in"):
            raise ValueError(f"direction must be 'out' or 'in', not {direction!r}")
        names = sorted(ROLE_PROPERTIES) if roles is None else sorted(set(roles))
        unknown = [r for r in names if r not in ROLE_PROPERTIES]
        if unknown:
            raise ValueError(f"unknown role(s) {unknown}; known: {sorted(ROLE_PROPERTIES)}")
        simple = {ROLE_TYPES[n]: n for n in names if n != "signed"}
        arrow = ("-[r]->", "-[:signature]->(:Resource)-[:signer]->") if direction == "out" else \
                ("<-[r]-", "<-[:signer]-(:Resource)<-[:signature]-")
        provenance: dict[tuple[str, str], set[Provenance]] = defaultdict(set)
        if simple:
            for r in self._read(
                    f"MATCH (me:Resource {{uri: $iri}}){arrow[0]}(o:Resource) WHERE type(r) IN $types "
                    "RETURN type(r) AS t, o.uri AS o, r.graph AS g, r.quote AS q, r.provision AS p, r.start AS s, "
                    "r.end AS e", iri=iri, types=sorted(simple)):
                key = (simple[r["t"]], r["o"])
                provenance.setdefault(key, set())
                for q, p, s, e in zip(r["q"] or [], r["p"] or [], r["s"] or [], r["e"] or []):
                    provenance[key].add(Provenance(document=r["g"], provision=p or None, quote=q or None,
                                                   start=None if s < 0 else s, end=None if e < 0 else e))
        if "signed" in names:
            for r in self._read(f"MATCH (me:Resource {{uri: $iri}}){arrow[1]}(o:Resource) RETURN DISTINCT o.uri AS o",
                                iri=iri):
                provenance.setdefault(("signed", r["o"]), set())
        pairs = sorted(k for k in provenance if _is_iri(k[1]))
        info = self._node_info([o for _, o in pairs])
        out = [EntityRole(role=n, entity_iri=o, entity_label=info.get(o, ("other", None))[1],
                          entity_kind=info.get(o, ("other", None))[0],
                          provenance=tuple(sorted(provenance[(n, o)], key=provenance_key)))
               for n, o in pairs]
        return sorted(out, key=lambda e: (e.role, e.entity_label or "", e.entity_iri))

    def _node_info(self, iris: list[str]) -> dict[str, tuple[str, str | None]]:
        """(kind, label) of each IRI, by the label order of Store.roles."""
        out = {}
        for batch in _batches(sorted(set(iris))):
            for r in self._read("UNWIND $us AS u MATCH (n:Resource {uri: u}) RETURN u, " + _SRC("n"), us=batch):
                src = _src_map(r["src"])
                types = _types(src)
                label = next((lab for k in LABEL_KEYS if (lab := pick(_by_graph(src, k), r["u"])) is not None), None)
                if types or label is not None:
                    out[r["u"]] = (kind_of(types, NODE_KINDS, "other"), label)
        return out

    def cypher_read(self, query: str, params: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        """Run a read-only Cypher query (READ access mode; write clauses refused before sending)."""
        stripped = re.sub(r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"|`[^`]*`|//[^\n]*|/\*.*?\*/", " ", query, flags=re.S)
        if m := _WRITE_CLAUSE.search(stripped):
            raise PermissionError(f"read-only Cypher: {m.group(1).upper()} is not allowed here")
        try:
            with self._guard(), self._driver.session(database=self.database, default_access_mode=READ_ACCESS) as s:
                return s.execute_read(lambda tx: [rec.data() for rec in tx.run(query, params or {})])
        except CypherSyntaxError as exc:
            raise ValueError(f"Cypher syntax error: {one_line(exc)}") from None
        except ClientError as exc:
            if "AccessMode" in (exc.code or "") or "Forbidden" in (exc.code or ""):
                raise PermissionError(f"read-only Cypher: {one_line(exc)}") from None
            raise ValueError(f"Cypher error: {one_line(exc)}") from None

    def counts(self) -> tuple[int, int]:
        """(nodes, relationships) in the database: what idempotence tests compare."""
        n = self._read("MATCH (n) RETURN count(n) AS n")[0]["n"]
        r = self._read("MATCH ()-[r]->() RETURN count(r) AS n")[0]["n"]
        return n, r

    def close(self) -> None:
        self._driver.close()


# ---- RDF -> rows ---------------------------------------------------------------------------------


def _parse(path: Path) -> list[ox.Quad]:
    """Same input rules as the Oxigraph store: .nq/.trig, every triple inside a named graph."""
    fmt = _FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise LoadError(f"{path}: unsupported file type {path.suffix!r} (expected .nq or .trig)")
    try:
        quads = list(ox.parse(path=str(path), format=fmt))
    except FileNotFoundError:
        raise LoadError(f"{path}: no such file") from None
    except (SyntaxError, ValueError, OSError) as exc:
        raise LoadError(f"{path}: {exc}") from None
    stray = next((q for q in quads if not isinstance(q.graph_name, ox.NamedNode)), None)
    if stray is not None:
        raise LoadError(f"{path}: triple outside a named graph ({stray.subject} {stray.predicate} …); every triple "
                        "must be in its document's graph so it can be replaced on re-load")
    return quads


@lru_cache(maxsize=4096)
def _compact(iri: str) -> str:
    for prefix, ns in PREFIXES.items():
        if iri.startswith(ns) and len(iri) > len(ns):
            return f"{prefix}:{iri[len(ns):]}"
    return iri


@lru_cache(maxsize=4096)
def _local(iri: str) -> str:
    name = re.split(r"[#/:]", iri.rstrip("/#"))[-1] or iri
    return name + "_" if name in RESERVED else name


def _node(term: Any, graph: str) -> str:
    if isinstance(term, ox.NamedNode):
        return term.value
    if isinstance(term, ox.BlankNode):  # scoped to its graph, so re-loading the graph replaces it
        return f"{graph}#_:{term.value}"
    raise LoadError(f"unsupported term {term} (RDF-star triples cannot be loaded into Neo4j)")


def _value(lit: ox.Literal) -> Any:
    """A literal as a JSON value: int for canonical integers, {"@d"} for dates, else the lexical form."""
    dtype, lex = lit.datatype.value, lit.value
    if dtype in INT_TYPES and re.fullmatch(r"-?(0|[1-9]\d*)", lex):
        return int(lex)
    if dtype == XSD + "date":
        return {"@d": lex}
    return lex


def _group(quads: list[ox.Quad]) -> list[_GraphData]:
    by_graph: dict[str, set[ox.Quad]] = defaultdict(set)
    for q in quads:
        by_graph[q.graph_name.value].add(q)
    out = []
    for g in sorted(by_graph):
        data = _GraphData(g, len(by_graph[g]))
        objects: dict[tuple[str, str], list[str]] = defaultdict(list)
        for q in by_graph[g]:
            s, p, o = _node(q.subject, g), q.predicate.value, q.object
            props = data.contrib[s]
            if isinstance(o, ox.Literal):
                props[_compact(p)].append(_value(o))
            elif p == RDF_TYPE:
                props["@type"].append(_node(o, g))
            elif p in IRI_AS_PROPERTY:
                props[_compact(p)].append({"@id": _node(o, g)})
            else:
                data.edges[(s, p, _node(o, g))] = []
                objects[(s, p)].append(_node(o, g))
        _attach_provenance(data, objects)
        out.append(data)
    return out


def _attach_provenance(data: _GraphData, objects: dict[tuple[str, str], list[str]]) -> None:
    """Copy each cc:Link's (provision, quote, start, end) onto the direct edge it qualifies, in this graph."""
    for (s, p), links in list(objects.items()):
        if p != CC + "qualifiedLink":
            continue
        for link in links:
            props = data.contrib.get(link, {})
            rels = [v["@id"] for v in props.get("cc:linkRelation", [])]
            targets = objects.get((link, CC + "linkTarget"), [])
            provisions = objects.get((link, CC + "inProvision")) or [""]
            quotes = [str(v) for v in props.get("cc:quote", [])] or [""]
            starts = [v for v in props.get("cc:charStart", []) if isinstance(v, int)] or [-1]
            ends = [v for v in props.get("cc:charEnd", []) if isinstance(v, int)] or [-1]
            for rel, target in product(rels, targets):
                if (s, rel, target) in data.edges:
                    data.edges[(s, rel, target)].extend(product(provisions, quotes, starts, ends))


def _chunks_by_size(graphs: list[_GraphData], limit: int) -> Iterator[list[_GraphData]]:
    chunk: list[_GraphData] = []
    size = 0
    for g in graphs:
        if chunk and size + g.triples > limit:
            yield chunk
            chunk, size = [], 0
        chunk.append(g)
        size += g.triples
    if chunk:
        yield chunk


def _labels(records: Iterable[dict[str, list[Any]]]) -> set[str]:
    return {"Resource"} | {_local(t) for per in records for t in per.get("@type", [])}


def _prop_value(v: Any) -> Any:
    if isinstance(v, dict):
        if "@d" in v:
            try:
                return dt.date.fromisoformat(v["@d"])
            except ValueError:
                return v["@d"]
        return v["@id"]
    return v


def _value_key(v: Any) -> tuple:
    """A cheap total order over the loader's JSON values (int, str, {"@d"}, {"@id"}) for stable _src records."""
    if isinstance(v, dict):
        return (2, v.get("@d") or v.get("@id") or "")
    return (0, v, "") if isinstance(v, int) else (1, v)


def _cypher_name(name: str) -> str:
    return "`" + name.replace("`", "``") + "`"


def _native(v: Any) -> Any:
    """A property value read back from Neo4j as the loader's Python value (neo4j DATE -> datetime.date)."""
    if isinstance(v, list):
        return [_native(x) for x in v]
    return v.to_native() if hasattr(v, "to_native") else v


def _finish(uri: str, merged: dict[str, list[Any]]) -> dict[str, Any]:
    """One value as a scalar, several as a sorted list (homogeneous: mixed types become lexical strings)."""
    props: dict[str, Any] = {"uri": uri}
    for key, values in merged.items():
        if not values:
            continue
        if len({type(v) for v in values}) > 1:  # Neo4j lists are homogeneous
            values = [v.isoformat() if isinstance(v, dt.date) else str(v) for v in values]
        uniq = sorted(set(values))
        props[key] = uniq[0] if len(uniq) == 1 else uniq
    return props


def _add_records(merged: dict[str, list[Any]], records: Iterable[dict[str, list[Any]]]) -> None:
    for per in records:
        for key, values in per.items():
            if key != "@type":
                merged[_local(key)].extend(_prop_value(v) for v in values)


def _properties(uri: str, records: Iterable[dict[str, list[Any]]]) -> dict[str, Any]:
    """The node's property map from the per-graph records: the union over graphs (see _finish)."""
    merged: dict[str, list[Any]] = defaultdict(list)
    _add_records(merged, records)
    return _finish(uri, merged)


def _merged_properties(uri: str, current: dict[str, Any], records: Iterable[dict[str, list[Any]]]) -> dict[str, Any]:
    """`current` (the node's properties, i.e. _properties over the graphs already stored) plus more records.

    Equal to _properties over all records: union, de-duplication and lexical fallback are idempotent.
    """
    merged: dict[str, list[Any]] = defaultdict(list)
    for key, value in current.items():
        if key not in RESERVED:
            merged[key].extend(value if isinstance(value, list) else [value])
    _add_records(merged, records)
    return _finish(uri, merged)


def _record_json(per: dict[str, list[Any]]) -> str:
    return json.dumps(per, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


@dataclass
class _Prepared:
    """A chunk's rows, computed without the database (so the next chunk is prepared while one is written)."""

    graphs: list[_GraphData]
    records: dict[str, dict[str, str]]  # subject -> graph -> record JSON
    parsed: dict[str, list[dict[str, list[Any]]]]  # subject -> the chunk's records
    objects: set[str]  # edge targets that are no subject of the chunk
    rels: list[tuple[str, str, str, dict[str, Any]]]  # (subject, type, object, properties)


def _prepare(chunk: list[_GraphData]) -> _Prepared:
    records: dict[str, dict[str, str]] = defaultdict(dict)
    parsed: dict[str, list[dict[str, list[Any]]]] = defaultdict(list)
    for g in chunk:
        for s, per in g.contrib.items():
            rec = {k: sorted(v, key=_value_key) for k, v in per.items()}
            records[s][g.iri] = _record_json(rec)
            parsed[s].append(rec)
    rels = []
    for g in chunk:
        for (s, p, o), prov in g.edges.items():
            props: dict[str, Any] = {"graph": g.iri}
            if prov:
                prov = sorted(set(prov), key=lambda x: (x[2], x[0], x[1], x[3]))
                props.update(provision=[x[0] for x in prov], quote=[x[1] for x in prov],
                             start=[x[2] for x in prov], end=[x[3] for x in prov])
            rels.append((s, _local(p), o, props))
    objects = {o for g in chunk for (_, _, o) in g.edges} - records.keys()
    return _Prepared(chunk, records, parsed, objects, rels)


def _write_chunk(tx: Any, prep: _Prepared) -> None:
    """Replace the chunk's graphs: drop what they said before, write what they say now, delete orphans.

    Touches only the chunk's statements: the per-graph records of the chunk's graphs (ASSERTS
    relationships), the nodes they name, and their relationships. A node's properties are the union over
    graphs, so a graph that only adds (a new one, or one saying the same again) merges into the node's
    current properties; only a node whose record from a replaced graph changed is recomputed from its
    records. Nodes are written only when their properties or labels change. Each node is looked up once
    (by `uri`); relationships are then created between node ids, all types in one statement.
    """
    chunk, new, new_recs = prep.graphs, prep.records, prep.parsed
    gs = [g.iri for g in chunk]
    old: dict[str, dict[str, str]] = defaultdict(dict)  # subject -> graph -> record JSON (chunk graphs only)
    for r in tx.run("UNWIND $gs AS g MATCH (:NamedGraph {iri: g})-[a:ASSERTS]->(n:Resource) "
                    "RETURN g, n.uri AS u, a.src AS src", gs=gs):
        old[r["u"]][r["g"]] = r["src"]
    old_objects: set[str] = set()
    if old:
        old_rows = [[u, g] for u, per in old.items() for g in per]
        for batch in _batches(old_rows):
            old_objects.update(r["o"] for r in tx.run(
                "UNWIND $rows AS r MATCH (n:Resource {uri: r[0]})-[x]->(m) WHERE x.graph = r[1] "
                "WITH x, m.uri AS o DELETE x RETURN DISTINCT o", rows=batch))
        tx.run("UNWIND $gs AS g MATCH (:NamedGraph {iri: g})-[a:ASSERTS]->() DELETE a", gs=gs)
    subjects = sorted(set(old) | new.keys())
    objects = sorted(prep.objects - old.keys())
    ids: dict[str, int] = {}
    current: dict[str, tuple[set[str], dict[str, Any]]] = {}
    for batch in _batches(subjects):
        for r in tx.run("UNWIND $us AS u MATCH (n:Resource {uri: u}) RETURN u, id(n) AS i, labels(n) AS l, "
                        "properties(n) AS p", us=batch):
            ids[r["u"]] = r["i"]
            current[r["u"]] = (set(r["l"]), r["p"])
    for batch in _batches(objects):
        ids.update((r["u"], r["i"]) for r in tx.run("UNWIND $us AS u MATCH (n:Resource {uri: u}) RETURN u, id(n) AS i",
                                                    us=batch))
    recompute = sorted(s for s in old if old[s] != new.get(s, {}))  # a replaced graph now says something else
    others: dict[str, list[dict[str, list[Any]]]] = defaultdict(list)
    for batch in _batches(recompute):
        for r in tx.run("UNWIND $us AS u MATCH (n:Resource {uri: u})<-[a:ASSERTS]-(:NamedGraph) RETURN u, a.src AS src",
                        us=batch):  # the chunk's own records were deleted above: these are the other graphs'
            others[r["u"]].append(json.loads(r["src"]))
    creates: list[list[Any]] = []
    updates: list[list[Any]] = []
    for s in subjects:
        if s in old and old[s] == new.get(s, {}):
            continue  # same records as before: same properties and labels
        recs = new_recs.get(s, [])
        if s not in current:
            creates.append([sorted(_labels(recs) - {"Resource"}), _properties(s, recs)])
            continue
        labels_before, props_before = current[s]
        props_before = {k: _native(v) for k, v in props_before.items()}
        if s in old:  # recompute from every graph's record
            all_recs = others.get(s, []) + recs
            labels, props = _labels(all_recs), _properties(s, all_recs)
        else:  # only adding: merge into what the node has
            labels, props = labels_before | _labels(recs), _merged_properties(s, props_before, recs)
        if labels != labels_before or props != props_before:
            updates.append([ids[s], props, sorted(labels - labels_before), sorted(labels_before - labels)])
    creates += [[[], {"uri": o}] for o in objects if o not in ids]  # objects no graph says anything about yet
    by_labels: dict[tuple[str, ...], list[dict[str, Any]]] = defaultdict(list)
    for labels, props in creates:
        by_labels[tuple(labels)].append(props)
    for labels, rows in sorted(by_labels.items()):  # static labels: planned once per label set
        query = "UNWIND $rows AS r CREATE (n:Resource" + "".join(f":{_cypher_name(x)}" for x in labels) + ") SET n = r"
        for batch in _batches(rows):
            ids.update(zip((r["uri"] for r in batch), (r["i"] for r in tx.run(query + " RETURN id(n) AS i", rows=batch))))
    for batch in _batches(updates):
        tx.run("UNWIND $rows AS r MATCH (n) WHERE id(n) = r[0] SET n = r[1] SET n:$(r[2]) REMOVE n:$(r[3])",
               rows=batch)
    gids = {r["g"]: r["i"] for r in tx.run(
        "UNWIND $rows AS r MERGE (x:NamedGraph {iri: r[0]}) SET x.triples = r[1] RETURN r[0] AS g, id(x) AS i",
        rows=[[g.iri, g.triples] for g in chunk])}
    rels: list[list[Any]] = [[gids[g], ids[s], "ASSERTS", {"src": src}] for s, per in new.items() for g, src in per.items()]
    rels += [[ids[s], ids[o], t, props] for s, t, o, props in prep.rels]
    by_type: dict[tuple[str, tuple[str, ...]], list[list[Any]]] = defaultdict(list)
    for a, b, t, props in rels:
        keys = tuple(props)
        by_type[(t, keys)].append([a, b, *props.values()])
    for (t, keys), rows in sorted(by_type.items()):  # static types and property keys: planned once
        sets = ", ".join(f"{_cypher_name(k)}: r[{i + 2}]" for i, k in enumerate(keys))
        query = (f"UNWIND $rows AS r MATCH (a) WHERE id(a) = r[0] MATCH (b) WHERE id(b) = r[1] "
                 f"CREATE (a)-[:{_cypher_name(t)} {{{sets}}}]->(b)")
        for batch in _batches(rows):
            tx.run(query, rows=batch)
    gone = sorted(set(old) | old_objects)
    for batch in _batches(gone):  # nodes no graph asserts or references any more
        tx.run("UNWIND $us AS u MATCH (n:Resource {uri: u}) WHERE NOT (n)--() DELETE n", us=batch)


def _batches(rows: list[Any]) -> Iterator[list[Any]]:
    for i in range(0, len(rows), BATCH):
        yield rows[i:i + BATCH]


# ---- rows -> answers -----------------------------------------------------------------------------


def _lexical(v: Any) -> str:
    if isinstance(v, dict):
        return v.get("@d") or v.get("@id") or ""
    return str(v)


def _SRC(var: str) -> str:  # noqa: N802 - a Cypher fragment
    """Cypher returning node `var`'s per-graph records as `src`: [[graph IRI, record JSON], …]."""
    return f"[({var})<-[src_a:ASSERTS]-(src_g:NamedGraph) | [src_g.iri, src_a.src]] AS src"


def _src_map(rows: list[list[str]] | None) -> dict[str, dict[str, list[Any]]]:
    """graph IRI -> what that graph says about the node (literals by compacted predicate, "@type")."""
    return {g: json.loads(rec) for g, rec in rows or []}


def _summary(iri: str, rows: list[list[str]] | None) -> DocSummary | None:
    """DocSummary from a node's per-graph records, with the Oxigraph store's rule for disagreeing graphs."""
    return _summary_of(iri, _src_map(rows))


def _summary_of(iri: str, src: dict[str, Any]) -> DocSummary | None:
    """DocSummary from a node's parsed per-graph record; None unless some graph types it cc:LegalDocument."""
    if not any(CC + "LegalDocument" in per.get("@type", []) for per in src.values()):
        return None
    fields: dict[str, Any] = {}
    for key, name in DOC_PROPS.items():
        by_graph = {g: [_lexical(v) for v in per[key]] for g, per in src.items() if per.get(key)}
        if not by_graph:
            continue
        pool = by_graph.get(iri) or [v for vs in by_graph.values() for v in vs]
        value = min(pool)
        if name == "year":
            try:
                fields[name] = int(value)
            except ValueError:
                fields[name] = None
        else:
            fields[name] = value
    return DocSummary(iri=iri, ingested=fields.get("source_file") is not None, **fields)


def _relation_types(relations: list[str] | None) -> list[str]:
    by_name = {name: t for t, name in RELATION_TYPES.items()}
    if relations is None:
        return sorted(by_name.values())
    unknown = [r for r in relations if r not in by_name]
    if unknown:
        raise ValueError(f"unknown relation(s) {unknown}; known: {sorted(by_name)}")
    return sorted({by_name[r] for r in relations})


def _types(src: dict[str, Any]) -> set[str]:
    """Class IRIs asserted for a node in any graph."""
    return {t for per in src.values() for t in per.get("@type", [])}


def _by_graph(src: dict[str, Any], key: str) -> dict[str, list[str]]:
    """Lexical values of one property, by asserting graph."""
    return {g: [_lexical(v) for v in per[key]] for g, per in src.items() if per.get(key)}


def _all(src: dict[str, Any], key: str) -> set[str]:
    """Lexical values of one property over all graphs."""
    return {_lexical(v) for per in src.values() for v in per.get(key, [])}


def _min(values: set[str]) -> str | None:
    return min(values) if values else None


def _int_or_none(value: str) -> int | None:
    try:
        return int(value)
    except ValueError:
        return None


def _is_iri(uri: str) -> bool:
    """False for the graph-scoped names the loader gives blank nodes (the Oxigraph store answers IRIs only)."""
    return "#_:" not in uri


ROLE_TYPES: dict[str, str] = {  # role name -> relationship type of its (first) property
    name: _local(PREFIXES[curie.split(":", 1)[0]] + curie.split(":", 1)[1])
    for name, curie in ROLE_PROPERTIES.items() if "/" not in curie}
# EntityDetail.attributes: (short name, compacted literal property as keyed in ASSERTS records), sorted by short name.
ATTRIBUTES = sorted((name, _compact(iri)) for iri, name in ATTRIBUTE_IRIS.items())
