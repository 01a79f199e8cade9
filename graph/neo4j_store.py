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
literals by compacted predicate and "@type"), one small relationship per (graph, node). graph.neo4j_load
writes them: whole graphs per transaction (a lost connection never leaves half a document; re-running the
load finishes the job), touching only the statements of the graphs it replaces.

Reading: documents and entities are found by label (token index) and `uri` (unique constraint), their
values taken from the node's `_view` (what its own graph says and the union over all graphs, kept by the
loader from the ASSERTS records) so the own-graph rule and lexical forms match the Oxigraph store exactly
at the cost of one property per node, however many graphs mention it; provisions walk `is_part_of` in,
roles follow the relationship types of graph.store.ROLE_PROPERTIES. Lists are sorted with graph.shared's
keys, so answers equal the Oxigraph store's (contract tests). There is no SPARQL here: the API answers
501 for /sparql and serves JSON only for this backend.
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections import Counter, defaultdict
from contextlib import contextmanager
from functools import partial
from itertools import islice
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

from neo4j import READ_ACCESS, GraphDatabase, unit_of_work
from neo4j.exceptions import (AuthError, ClientError, ConfigurationError, CypherSyntaxError, DriverError,
                              Neo4jError, ServiceUnavailable, SessionExpired)

from cancu.config import current
from cancu.text import fold
from graph import neo4j_import, neo4j_load
from graph import neo4j_mapping as nm
from graph.neo4j_load import one_line
from graph.neo4j_mapping import CC
from graph.own_facts import LEGAL_DOCUMENT
from graph.shared import ATTRIBUTES as ATTRIBUTE_IRIS
from graph.shared import (DETAIL_KINDS, DOC_PROPS, ENTITY_KINDS, LABEL_PROPERTIES, NODE_KINDS, PART_KINDS,
                          RELATIONS, ROLE_IRIS, ROW_KINDS, doc_summary, int_or_none, kind_of, number_order, ordered, pick,
                          relation_names, sort_links)
from graph.store import (DocSummary, Materialised, EntityDetail, EntityRole, EntitySummary, LinkRow, Provenance,
                         ProvisionRow, StoreStatus, StoreUnavailable, provision_order, role_names, role_order)

RELATION_TYPES = {nm.local(iri): name for name, iri in RELATIONS.items()}  # relationship type -> relation name
LABEL_KEYS = tuple(nm.compact(p) for p in LABEL_PROPERTIES)  # as keyed in ASSERTS records
DOC_KEYS = {p: nm.compact(p) for p in DOC_PROPS}  # DocSummary's properties, likewise
_WRITE_CLAUSE = re.compile(r"\b(CREATE|MERGE|DELETE|DETACH|SET|REMOVE|DROP|LOAD\s+CSV|FOREACH|IN\s+TRANSACTIONS|"
                           r"ALTER|GRANT|DENY|REVOKE|RENAME|TERMINATE|ENABLE|DEALLOCATE|REALLOCATE)\b", re.I)
SCHEMA = (
    "CREATE CONSTRAINT resource_uri IF NOT EXISTS FOR (n:Resource) REQUIRE n.uri IS UNIQUE",
    "CREATE CONSTRAINT named_graph_uri IF NOT EXISTS FOR (g:NamedGraph) REQUIRE g.iri IS UNIQUE",
    "CREATE INDEX resource_number_key IF NOT EXISTS FOR (n:Resource) ON (n.numberKey)",
    "CREATE INDEX resource_number IF NOT EXISTS FOR (n:Resource) ON (n.number)",
    "CREATE INDEX resource_source_file IF NOT EXISTS FOR (n:Resource) ON (n.sourceFile)",
)


class Neo4jStore(Materialised):
    """`graph.store.Store` over a Neo4j server (5.x; a single server, a cluster or Aura via neo4j+s://)."""

    name = "neo4j"
    embedded = False  # every call is a Bolt round trip
    read_only = False  # writes go through the server

    def __init__(self, uri: str | None = None, user: str | None = None, password: str | None = None,
                 database: str | None = None, *, ensure_schema: bool = True, tx_quads: int = 50_000,
                 counts_seconds: float = 0.0) -> None:
        """`counts_seconds`: how old `status`' counts may be (0: counted on every call); see `status`."""
        env = current()  # what was not passed comes from NEO4J_URI, NEO4J_USER, NEO4J_PASSWORD, NEO4J_DATABASE
        self.uri = uri or env.neo4j_uri
        if not self.uri:
            raise StoreUnavailable("no Neo4j address: pass bolt://HOST:PORT or set NEO4J_URI")
        self.user = user or env.neo4j_user
        self.database = database or env.neo4j_database or None
        self.location = f"{self.uri} (database {self.database or 'default'})"
        self.tx_quads = tx_quads
        self._counts = Recent(self._count, counts_seconds)
        if not re.match(r"(bolt|neo4j)(\+s|\+ssc)?://", self.uri):
            raise StoreUnavailable(f"bad Neo4j address {self.uri!r}: expected bolt://, neo4j:// or neo4j+s:// …")
        password = password if password is not None else env.neo4j_password
        self._password = password  # for `reopener`
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
                neo4j_import.settle(self._driver, self.database)  # a fresh import's last step, if one is pending
        self._check_mapping()

    def _check_mapping(self) -> None:
        """Refuse a database holding graphs another loader version wrote: its nodes lack what reads need."""
        old = self._read("MATCH (g:NamedGraph) WHERE g.mapping IS NULL OR g.mapping <> $m RETURN g.iri AS g LIMIT 1",
                         m=nm.MAPPING)
        if old:
            self._driver.close()
            raise StoreUnavailable(
                f"Neo4j at {self.uri} holds graphs written by another cancu loader version (e.g. {old[0]['g']}): "
                "empty the database (MATCH (n) CALL (n) {DETACH DELETE n} IN TRANSACTIONS) and load again")

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
        """See graph.neo4j_load.load: each named graph in the file replaced, whole graphs per transaction."""
        self.role_pages = None  # they describe the database before this load
        try:
            return neo4j_load.load(self._driver, path, uri=self.uri, user=self.user, database=self.database,
                                   tx_quads=self.tx_quads, progress=progress)
        finally:  # even a load cut short has committed whole graphs
            self._counts.forget()

    # ---- reading -------------------------------------------------------------------------

    def _read(self, query: str, **params: Any) -> list[Any]:
        with self._guard():
            records, _, _ = self._driver.execute_query(query, params, database_=self.database, routing_="r")
            return records

    def status(self) -> StoreStatus:
        """Backend state and counts: documents = ingested (cc:sourceFile), triples = quads of all loaded graphs.

        Counting reads every node (0.6 s at 100k documents, per /health request). With `counts_seconds` the counts
        are at most that old, counted by one caller at a time, and counted again after this handle's own loads;
        whether the server answers is asked on every call (a one-row query)."""
        try:
            if self._counts.seconds:
                self._read("RETURN 1 AS alive")
            docs, triples = self._counts.get()
        except (StoreUnavailable, Neo4jError, DriverError) as exc:
            return StoreStatus(self.name, False, one_line(exc))
        return StoreStatus(self.name, True, self.location, docs, triples)

    def _count(self) -> tuple[int, int]:
        docs = self._read("MATCH (n:Resource) WHERE n.sourceFile IS NOT NULL RETURN count(n) AS n")[0]["n"]
        triples = self._read("MATCH (g:NamedGraph) RETURN coalesce(sum(g.triples), 0) AS n")[0]["n"]
        return docs, triples

    def _documents_by_key(self, number_key: str) -> list[DocSummary]:
        """See Store.documents_by_key: the nodes whose numberKey is `number_key` (not a list holding it), each a
        document."""
        rows = self._read("MATCH (n:Resource) WHERE n.numberKey = $k RETURN DISTINCT n.uri AS uri", k=number_key)
        return sorted(self._summaries([r["uri"] for r in rows]).values(), key=number_order)

    def number_keys(self) -> Iterator[tuple[str, str]]:
        """See graph.link_pages.LinkSource: what `_documents_by_key` matches, every (node, key) at once."""
        rows = self._read("MATCH (n:Resource) WHERE n.numberKey IS NOT NULL RETURN DISTINCT n.uri AS uri, n.numberKey AS k")
        return ((r["uri"], r["k"]) for r in rows if isinstance(r["k"], str))

    def _records_of(self, iris: Iterable[str]) -> Iterator[tuple[str, dict[str, Any]]]:
        """(uri, per-graph record) of each of `iris` that names a node, a batch of IRIs a query."""
        for batch in nm.batches(sorted(set(iris))):
            for r in self._read("UNWIND $us AS u MATCH (n:Resource {uri: u}) RETURN u, " + _SRC("n"), us=batch):
                yield r["u"], _src_map(r["src"], r["u"])

    def _summaries(self, iris: Iterable[str]) -> dict[str, DocSummary]:
        return {u: d for u, src in self._records_of(iris) if (d := _summary_of(u, src))}

    def _links(self, iris: list[str], relations: list[str] | None, outgoing: bool) -> dict[str, list[LinkRow]]:
        """Links of every IRI in one UNWIND query (each IRI found by its unique `uri`) plus the summaries."""
        out: dict[str, list[LinkRow]] = {i: [] for i in iris}
        prov = self._link_edges(sorted(out), relations, outgoing) if out else {}
        docs = self._summaries([*out, *(o for _, _, o in prov)])
        for (iri, t, other), provs in prov.items():
            me, you = docs.get(iri, DocSummary(iri=iri)), docs.get(other, DocSummary(iri=other))
            src, dst = (me, you) if outgoing else (you, me)
            out[iri].append(LinkRow(src, RELATION_TYPES[t], dst, ordered(provs)))
        return sort_links(out, outgoing)

    def _link_edges(self, iris: list[str], relations: list[str] | None,
                    outgoing: bool) -> dict[tuple[str, str, str], set[Provenance]]:
        """Provenance by (IRI, relationship type, other end's uri) of every link of `iris`; an edge without
        provenance is there with none."""
        pattern = "(me)-[r]->(other)" if outgoing else "(me)<-[r]-(other)"
        rows = self._read(
            f"UNWIND $iris AS iri MATCH (me:Resource {{uri: iri}}) MATCH {pattern} WHERE type(r) IN $types "
            f"RETURN iri, type(r) AS t, other.uri AS other, {_PROVENANCE}", iris=iris, types=_relation_types(relations))
        prov: dict[tuple[str, str, str], set[Provenance]] = defaultdict(set)
        for r in rows:  # an edge without provenance still makes a row (an empty set)
            prov[(r["iri"], r["t"], r["other"])].update(_provenances(r))
        return prov

    def link_rows(self) -> Iterator[tuple[str, str, str, tuple[Provenance, ...]]]:
        """See graph.link_pages.LinkSource: `_links`' edges and provenance, for every node with an outgoing
        relationship of a relation's type, a batch at a time."""
        subjects = sorted(r["u"] for r in self._read(
            "MATCH (me:Resource)-[r]->() WHERE type(r) IN $types RETURN DISTINCT me.uri AS u", types=sorted(RELATION_TYPES)))
        for batch in nm.batches(subjects):
            for (iri, t, other), provs in sorted(self._link_edges(batch, None, True).items()):
                yield iri, RELATION_TYPES[t], other, ordered(provs)

    # ---- browsing: documents by filter, provisions, entities, roles -----------------------

    def _typed(self, classes: Iterable[str]) -> list[tuple[str, dict[str, Any]]]:
        """(uri, per-graph record) of every node some graph types with one of `classes`, sorted by uri (found by
        label, a class's local name only, then checked)."""
        classes = set(classes)
        labels = "|".join(sorted(nm.local(c) for c in classes))
        rows = self._read(f"MATCH (n:{labels}) RETURN n.uri AS u, " + _SRC("n") + " ORDER BY u")
        return [(r["u"], src) for r in rows if classes & _types(src := _src_map(r["src"], r["u"]))]

    def documents(self) -> list[DocSummary]:
        """Every document node, stubs included, sorted by IRI (for the search index and listings)."""
        return [d for u, src in self._typed([LEGAL_DOCUMENT]) if _is_iri(u) and (d := _summary_of(u, src))]

    def _entities(self, kind: str | None = None) -> list[EntitySummary]:
        """See Store.entities: named entities by labels (sorted by IRI), or annex rows for "task" / "indicator"."""
        if kind in ("task", "indicator"):
            cls = CC + ("Task" if kind == "task" else "Indicator")
            out = []
            for u, src in self._typed([cls]):
                texts, labels = _all(src, "cc:text"), _all(src, "cc:label")
                out.append(EntitySummary(u, kind, min(texts) if texts else None, tuple(sorted(labels))))
            return out
        wanted = {cls: k for cls, k in ENTITY_KINDS.items() if kind is None or k == kind}
        if not wanted:
            return []
        out = []
        for u, src in self._typed(wanted):
            kinds = [k for cls, k in wanted.items() if cls in _types(src)]
            label = pick(_by_graph(src, "skos:prefLabel"), u)
            alts = (_all(src, "skos:altLabel") | _all(src, "cc:abbreviation")) - {label}
            out.append(EntitySummary(u, min(kinds), label, tuple(sorted(alts))))
        return out

    def document_fields(self) -> Iterator[tuple[str, str]]:
        """See Materialised.document_fields."""
        return ((u, fold(v)) for u, src in self._typed([LEGAL_DOCUMENT]) for v in _all(src, "cc:field"))

    def _provisions(self, iri: str, with_text: bool = False) -> list[ProvisionRow]:
        """See Store.provisions: every part under `iri` over is_part_of, in document order."""
        rows = self._read(
            "MATCH (d:Resource {uri: $iri}) MATCH (x:Resource)-[:is_part_of*1..]->(d) WITH DISTINCT x "
            "RETURN x.uri AS u, " + _SRC("x") + ", [(x)-[:is_part_of]->(p) | p.uri] AS parents", iri=iri)
        out = []
        for r in rows:
            src = _src_map(r["src"], r["u"])
            types = _types(src)
            if not types or not r["parents"]:
                continue
            vals = {k: _all(src, k) for k in ("cc:label", "cc:heading", "cc:ordinal", "cc:text")}
            ordinal = min(vals["cc:ordinal"]) if vals["cc:ordinal"] else None
            out.append(ProvisionRow(
                iri=r["u"], kind=kind_of(types, PART_KINDS, "provision"),
                parent=min(r["parents"]), label=_min(vals["cc:label"]), heading=_min(vals["cc:heading"]),
                ordinal=int_or_none(ordinal),
                text=_min(vals["cc:text"]) if with_text else None))
        return provision_order(out)

    def part_rows(self) -> Iterator[tuple[str, str, str | None, str | None, str | None, str | None]]:
        """See graph.provision_pages.ProvisionSource, by `_provisions`' rules: every node with a parent, once."""
        for r in self._read("MATCH (x:Resource)-[:is_part_of]->(p:Resource) WITH x, collect(DISTINCT p.uri) AS parents "
                            "RETURN x.uri AS u, " + _SRC("x") + ", parents"):
            src = _src_map(r["src"], r["u"])
            types = _types(src)
            kind = kind_of(types, PART_KINDS, "provision") if types else None
            label, heading, ordinal = (_min(_all(src, k)) for k in ("cc:label", "cc:heading", "cc:ordinal"))
            for parent in sorted(r["parents"]):
                yield r["u"], parent, kind, label, heading, ordinal

    def _entity(self, iri: str) -> EntityDetail | None:
        """See Store.entity: a named entity or an annex row with what hangs on it directly."""
        rows = self._read(
            "MATCH (n:Resource {uri: $iri}) RETURN " + _SRC("n") + ", "
            "[(n)-[r:is_part_of|subOrganizationOf|successor]->(m) | [type(r), r.graph, m.uri]] AS out, "
            "[(u)-[:subOrganizationOf]->(n) | u.uri] AS units", iri=iri)
        if not rows:
            return None
        src = _src_map(rows[0]["src"], iri)
        kind = kind_of(_types(src), DETAIL_KINDS, "")
        if not kind:
            return None
        edges: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
        for t, g, m in rows[0]["out"]:
            edges[t][g].append(m)
        is_row = kind in ROW_KINDS.values()
        label = pick(_by_graph(src, "cc:text" if is_row else "skos:prefLabel"), iri)
        attrs = tuple((name, tuple(sorted(vals))) for name, key in ATTRIBUTES if (vals := _all(src, key)))
        return EntityDetail(
            iri=iri, kind=kind, label=label, alt_labels=tuple(sorted(_all(src, "skos:altLabel") - {label})),
            parent=pick(edges["is_part_of" if is_row else "subOrganizationOf"], iri),
            units=tuple(sorted(set(rows[0]["units"]))), successor=pick(edges["successor"], iri),
            succession_date=pick(_by_graph(src, "cc:successionDate"), iri), attributes=attrs)

    def _roles(self, iri: str, direction: str = "out", roles: list[str] | None = None, limit: int | None = None,
               offset: int = 0) -> list[EntityRole]:
        """See Store.roles: every candidate's label is read (the order needs it), provenance only for the page."""
        names = role_names(direction, roles)
        pairs = self._role_pairs(iri, direction, names)
        info = self.node_info([o for _, o in pairs])
        pairs.sort(key=lambda p: role_order(p[0], info.get(p[1], ("other", None))[1], p[1]))
        page = pairs[offset:] if limit is None else pairs[offset:offset + limit]
        provenance = self.role_provenance(iri, direction, page)
        return [EntityRole(role=n, entity_iri=o, entity_label=info.get(o, ("other", None))[1],
                           entity_kind=info.get(o, ("other", None))[0], provenance=provenance.get((n, o), ()))
                for n, o in page]

    def role_provenance(self, iri: str, direction: str, page: list[tuple[str, str]],
                        cut: bool = True) -> dict[tuple[str, str], tuple[Provenance, ...]]:
        """See graph.role_index.RoleSource (`cut` is Oxigraph's planning hint; the page's ends are always bound here)."""
        provenance: dict[tuple[str, str], set[Provenance]] = defaultdict(set)
        for role, _, o, prov in self._role_links(
                {n for n, _ in page}, f"MATCH (me:Resource {{uri: $iri}}){_ROLE_ARROWS[direction][0]}(o:Resource) "
                f"WHERE type(r) IN $types AND o.uri IN $others AND {_not_a_claim(direction)} ",
                iri=iri, others=sorted({o for _, o in page})):
            provenance[(role, o)].add(prov)
        return {k: ordered(v) for k, v in provenance.items()}

    def role_links(self) -> Iterator[tuple[str, str, str, Provenance]]:
        """See graph.role_index.RoleSource: (role, subject, object, provenance) of every role edge's cc:Link."""
        for role, s, o, prov in self._role_links(
                set(ROLE_TYPES), f"MATCH (me:Resource)-[r]->(o:Resource) WHERE type(r) IN $types AND {_not_a_claim('out')} "):
            if _is_iri(s) and _is_iri(o):
                yield role, s, o, prov

    def _role_links(self, names: set[str], match: str, **params: Any) -> Iterator[tuple[str, str, str, Provenance]]:
        """The provenance lists of the role relationships `r` from `me` to `o` that `match` binds (cc:signature/
        cc:signer carries none)."""
        simple = {ROLE_TYPES[n]: n for n in names if n in ROLE_TYPES}
        if not simple:
            return
        for r in self._read(f"{match}RETURN type(r) AS t, me.uri AS s, o.uri AS o, {_PROVENANCE}", types=sorted(simple),
                            **params):
            for prov in _provenances(r):
                yield simple[r["t"]], r["s"], r["o"], prov

    def role_edges(self) -> Iterator[tuple[str, str, str]]:
        """See graph.role_index.RoleSource: every role edge (role, subject, object) between named ends, distinct."""
        names = {t: n for n, t in ROLE_TYPES.items()}
        for r in self._read(
                f"MATCH (me:Resource)-[r]->(o:Resource) WHERE type(r) IN $types AND {_not_a_claim('out')} "
                "RETURN DISTINCT type(r) AS t, me.uri AS s, o.uri AS o", types=sorted(names)):
            if _is_iri(r["s"]) and _is_iri(r["o"]):
                yield names[r["t"]], r["s"], r["o"]
        for r in self._read(f"MATCH (me:Resource){_ROLE_ARROWS['out'][1]}(o:Resource) RETURN DISTINCT me.uri AS s, o.uri AS o"):
            if _is_iri(r["s"]) and _is_iri(r["o"]):
                yield "signed", r["s"], r["o"]

    def _role_counts(self, iri: str, direction: str = "out") -> dict[str, int]:
        """See Store.role_counts: counted over the pairs `roles` pages through."""
        return dict(Counter(n for n, _ in self._role_pairs(iri, direction, role_names(direction, None))))

    def _role_pairs(self, iri: str, direction: str, names: list[str]) -> list[tuple[str, str]]:
        """(role, other end's IRI) of each role edge of `iri`, distinct, named ends only."""
        simple = {ROLE_TYPES[n]: n for n in names if n in ROLE_TYPES}
        arrow, signer = _ROLE_ARROWS[direction]
        pairs: set[tuple[str, str]] = set()
        if simple:
            pairs |= {(simple[r["t"]], r["o"]) for r in self._read(
                f"MATCH (me:Resource {{uri: $iri}}){arrow}(o:Resource) WHERE type(r) IN $types "
                f"AND {_not_a_claim(direction)} RETURN DISTINCT type(r) AS t, o.uri AS o", iri=iri, types=sorted(simple))}
        if "signed" in names:
            pairs |= {("signed", r["o"]) for r in self._read(
                f"MATCH (me:Resource {{uri: $iri}}){signer}(o:Resource) RETURN DISTINCT o.uri AS o", iri=iri)}
        return [p for p in pairs if _is_iri(p[1])]

    def annex_rows(self) -> Iterator[tuple[str, str]]:
        """See graph.role_index.RoleSource: every annex row with each of its kinds (its labels name a task,
        indicator or row type)."""
        kinds = {nm.local(t): k for t, k in ROW_KINDS.items()}
        for r in self._read("MATCH (x:Resource) WHERE any(l IN labels(x) WHERE l IN $rows) "
                            "RETURN DISTINCT x.uri AS x, [l IN labels(x) WHERE l IN $rows] AS kinds", rows=sorted(kinds)):
            if _is_iri(r["x"]):
                yield from ((r["x"], kinds[label]) for label in r["kinds"])

    def node_info(self, iris: list[str]) -> dict[str, tuple[str, str | None]]:
        """See graph.role_index.RoleSource: (kind, label) by the label order of Store.roles, for IRIs with either."""
        out = {}
        for u, src in self._records_of(iris):
            types = _types(src)
            label = next((lab for k in LABEL_KEYS if (lab := pick(_by_graph(src, k), u)) is not None), None)
            if types or label is not None:
                out[u] = (kind_of(types, NODE_KINDS, "other"), label)
        return out

    def cypher_read(self, query: str, params: dict[str, Any] | None = None, timeout: float | None = None,
                    max_rows: int | None = None) -> list[dict[str, Any]]:
        """Run a read-only Cypher query (READ access mode; write clauses refused before sending). `timeout`
        is a server-side transaction timeout (the server stops the query: TimeoutError); at most
        `max_rows` + 1 rows are read (one more than the cap, so the caller can say it cut)."""
        stripped = re.sub(r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"|`[^`]*`|//[^\n]*|/\*.*?\*/", " ", query, flags=re.S)
        if m := _WRITE_CLAUSE.search(stripped):
            raise PermissionError(f"read-only Cypher: {m.group(1).upper()} is not allowed here")
        try:
            with self._guard(), self._driver.session(database=self.database, default_access_mode=READ_ACCESS) as s:
                @unit_of_work(timeout=timeout)
                def rows(tx: Any) -> list[dict[str, Any]]:
                    result = tx.run(query, params or {})
                    return [rec.data() for rec in (result if max_rows is None else islice(result, max_rows + 1))]

                return s.execute_read(rows)
        except CypherSyntaxError as exc:
            raise ValueError(f"Cypher syntax error: {one_line(exc)}") from None
        except ClientError as exc:
            if "AccessMode" in (exc.code or "") or "Forbidden" in (exc.code or ""):
                raise PermissionError(f"read-only Cypher: {one_line(exc)}") from None
            if "TransactionTimedOut" in (exc.code or ""):
                raise TimeoutError(f"the query passed its time limit and Neo4j stopped it: {one_line(exc)}") from None
            raise ValueError(f"Cypher error: {one_line(exc)}") from None

    def counts(self) -> tuple[int, int]:
        """(nodes, relationships) in the database: what idempotence tests compare."""
        n = self._read("MATCH (n) RETURN count(n) AS n")[0]["n"]
        r = self._read("MATCH ()-[r]->() RETURN count(r) AS n")[0]["n"]
        return n, r

    def close(self) -> None:
        self._driver.close()

    def reopener(self) -> Callable[[], Neo4jStore]:
        """See graph.link_pages.LinkSource: another driver on the same database."""
        return partial(Neo4jStore, self.uri, self.user, self._password, self.database, ensure_schema=False)

    # ---- batched look-ups for pages listing many documents -------------------------------------

    def _row_counts(self, iris: list[str]) -> dict[str, int]:
        """See Store.row_counts: `provisions`' walk, counted in Cypher. A row is told by its labels (the local
        names of its rdf:types) rather than by decoding every part's records."""
        out = {i: 0 for i in iris}
        for batch in nm.batches(sorted(out)):
            for r in self._read(
                    "UNWIND $ds AS d MATCH (doc:Resource {uri: d}) MATCH (x:Resource)-[:is_part_of*1..]->(doc) "
                    "WHERE any(l IN labels(x) WHERE l IN $rows) RETURN d, count(DISTINCT x) AS n",
                    ds=batch, rows=sorted(nm.local(t) for t in ROW_KINDS)):
                out[r["d"]] = r["n"]
        return out


class Recent:
    """A value computed again at most every `seconds` (0: on every call), by one caller at a time: the others take
    the last value meanwhile, or wait for the first. A failed computation keeps nothing and raises; one that
    `forget` overlapped is returned to its caller but not kept."""

    def __init__(self, compute: Callable[[], Any], seconds: float) -> None:
        self._compute, self.seconds = compute, seconds
        self._value: Any = None
        self._at = -float("inf")
        self._generation = 0  # of `forget` calls
        self._lock = threading.Lock()

    def get(self) -> Any:
        if not self.seconds:
            return self._compute()
        if time.monotonic() - self._at < self.seconds:
            return self._value
        if not self._lock.acquire(blocking=self._value is None):
            return self._value  # another caller is computing it
        try:
            if time.monotonic() - self._at >= self.seconds:
                generation = self._generation
                self._value = self._compute()
                self._at = time.monotonic() if generation == self._generation else -float("inf")
            return self._value
        finally:
            self._lock.release()

    def forget(self) -> None:
        self._generation += 1
        self._at = -float("inf")


# ---- rows -> answers -----------------------------------------------------------------------------


def _SRC(var: str) -> str:  # noqa: N802 - a Cypher fragment
    """Cypher returning node `var`'s resolved records (graph.neo4j_mapping.view) as `src`."""
    return f"{var}._view AS src"


_UNION = ""  # the key of the union record in _src_map's answer: no graph IRI is empty


def _src_map(view: str | None, uri: str) -> dict[str, dict[str, list[Any]]]:
    """{own graph IRI: what it says, "": what all graphs say}: enough for every rule below (`pick`, `_all`,
    `_summary_of`) to give what the per-graph records would (own ⊆ union; no view: nothing asserted)."""
    if not view:
        return {}
    own, union = json.loads(view)
    return {uri: own, _UNION: union} if own else {_UNION: union}


def _summary_of(iri: str, src: dict[str, Any]) -> DocSummary | None:
    """DocSummary from a node's parsed per-graph record; None unless some graph types it cc:LegalDocument."""
    if LEGAL_DOCUMENT not in _types(src):
        return None
    return doc_summary(iri, {p: pick(_by_graph(src, key), iri) for p, key in DOC_KEYS.items()})


def _relation_types(relations: list[str] | None) -> list[str]:
    return sorted({nm.local(RELATIONS[r]) for r in relation_names(relations)})


_PROVENANCE = "r.graph AS g, r.quote AS q, r.provision AS p, r.start AS st, r.end AS e"  # what `_provenances` reads


def _provenances(r: Any) -> Iterator[Provenance]:
    """A relationship's provenance from its parallel lists (graph.neo4j_mapping.rel_props), read as `_PROVENANCE`."""
    for q, p, st, e in zip(r["q"] or [], r["p"] or [], r["st"] or [], r["e"] or []):
        yield Provenance(document=r["g"], provision=p or None,  # the asserting graph
                         quote=q or None, start=None if st < 0 else st, end=None if e < 0 else e)


def _types(src: dict[str, Any]) -> set[str]:
    """Class IRIs asserted for a node in any graph."""
    return {t for per in src.values() for t in per.get("@type", [])}


def _by_graph(src: dict[str, Any], key: str) -> dict[str, list[str]]:
    """Lexical values of one property, by asserting graph."""
    return {g: [nm.lexical(v) for v in per[key]] for g, per in src.items() if per.get(key)}


def _all(src: dict[str, Any], key: str) -> set[str]:
    """Lexical values of one property over all graphs."""
    return {nm.lexical(v) for per in src.values() for v in per.get(key, [])}


def _min(values: set[str]) -> str | None:
    return min(values) if values else None


def _is_iri(uri: str) -> bool:
    """False for the graph-scoped names the loader gives blank nodes (the Oxigraph store answers IRIs only)."""
    return "#_:" not in uri


def _not_a_claim(direction: str) -> str:
    """Cypher keeping role edge `r` unless it is another graph's claim about an ingested document's issuer
    (graph.own_facts): `passed_by` counts from the document's own graph once it is ingested."""
    doc = "me" if direction == "out" else "o"
    return f"(type(r) <> 'passed_by' OR r.graph = {doc}.uri OR {doc}.sourceFile IS NULL)"


_ROLE_ARROWS = {  # direction -> (a role's relationship, cc:signature/cc:signer), from `me` to the other end
    "out": ("-[r]->", "-[:signature]->(:Resource)-[:signer]->"),
    "in": ("<-[r]-", "<-[:signer]-(:Resource)<-[:signature]-")}
ROLE_TYPES: dict[str, str] = {name: nm.local(iri) for name, iri in ROLE_IRIS.items()}  # role -> relationship type
# EntityDetail.attributes: (short name, compacted literal property as keyed in ASSERTS records), sorted by short name.
ATTRIBUTES = [(name, nm.compact(iri)) for iri, name in ATTRIBUTE_IRIS.items()]
