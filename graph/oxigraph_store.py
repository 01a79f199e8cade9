"""The embedded store: `graph.store.Store` over pyoxigraph (RocksDB on disk, or in memory for tests).

Why each choice:
- One SPARQL update per file (DROP SILENT GRAPH … ; INSERT DATA …): Oxigraph runs a whole update
  request in one transaction, so re-loading a file replaces its graphs atomically, and a file that
  fails half-way changes nothing. The file is parsed completely before anything is written.
- Queries use the union of all named graphs as the default graph: a cited document's stub (in the
  citing document's graph) and its full record (in its own graph) are one node with one IRI.
- Where graphs disagree on a document property (a stub says issuer "Chính phủ", the document itself
  "Chính phủ Thử nghiệm"), the value asserted in the document's own graph wins; otherwise the
  smallest value by string. The Neo4j store follows the same rule so both answer alike.
- Only one process may open the store for writing; the API opens it with `read_only=True`. A
  read-only handle is a snapshot: it does not see later loads, and RocksDB may fail it once a writer
  compacts files away (reported as StoreUnavailable; the API then reopens). Load, then serve.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

import pyoxigraph as ox

from graph.store import DocSummary, EntitySummary, LinkRow, LoadError, Provenance, StoreStatus, StoreUnavailable

CC = "https://w3id.org/cancu/ontology#"
ELI = "http://data.europa.eu/eli/ontology#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
PREFIXES = {"cc": CC, "eli": ELI, "skos": SKOS, "org": "http://www.w3.org/ns/org#",
            "prov": "http://www.w3.org/ns/prov#", "xsd": "http://www.w3.org/2001/XMLSchema#",
            "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#"}


def _relation_iris() -> dict[str, str]:
    from cancu.vocab import RELATION_PROPERTIES

    return {name: str(prop) for name, prop in RELATION_PROPERTIES.items()}


RELATIONS: dict[str, str] = _relation_iris()  # short name -> property IRI
RELATION_BY_IRI: dict[str, str] = {iri: name for name, iri in RELATIONS.items()}

# Document property IRI -> DocSummary field.
_DOC_PROPS = {
    CC + "number": "number", CC + "typeName": "type", CC + "issuerName": "issuer",
    ELI + "date_document": "date", CC + "year": "year", ELI + "title": "title",
    CC + "sourceFile": "source_file",
}
ENTITY_KINDS = {CC + "Agency": "agency", CC + "Unit": "unit", CC + "Enterprise": "enterprise",
                CC + "Person": "person", CC + "Platform": "platform", CC + "Programme": "programme"}

_FORMATS = {".nq": ox.RdfFormat.N_QUADS, ".nquads": ox.RdfFormat.N_QUADS, ".trig": ox.RdfFormat.TRIG}
_UPDATE_KEYWORDS = re.compile(
    r"^\s*(INSERT|DELETE|LOAD|CLEAR|CREATE|DROP|COPY|MOVE|ADD|WITH)\b", re.IGNORECASE
)


class NotAcceptable(ValueError):
    """No media type in the Accept header can serve this result (HTTP 406)."""


@dataclass(frozen=True)
class SparqlResult:
    body: bytes
    media_type: str


def is_update(query: str) -> bool:
    """True if `query` is a SPARQL Update (after its prologue); the read-only endpoint refuses those."""
    text = re.sub(r"#[^\n]*", " ", query)  # comments (a '#' inside an IRI only matters in the prologue)
    text = re.sub(r"^\s*((PREFIX\s+[\w.-]*:\s*<[^>]*>|BASE\s+<[^>]*>)\s*)*", "", text, flags=re.IGNORECASE)
    return bool(_UPDATE_KEYWORDS.match(text))


class OxigraphStore:
    """`graph.store.Store` over pyoxigraph; `path=None` keeps everything in memory (tests)."""

    name = "oxigraph"

    def __init__(self, path: Path | None = None, read_only: bool = False) -> None:
        self.path = Path(path) if path is not None else None
        self.read_only = read_only
        self._counts: tuple[int, int] | None = None
        try:
            if self.path is None:
                self._store = ox.Store()
            elif read_only:
                if not self.path.exists():
                    raise StoreUnavailable(f"no Oxigraph store at {self.path}; run `cancu load` first")
                self._store = ox.Store.read_only(str(self.path))
            else:
                self._store = ox.Store(str(self.path))
        except (OSError, RuntimeError) as exc:  # RocksDB reports a locked or changing store as RuntimeError
            raise StoreUnavailable(f"cannot open Oxigraph store at {self.path}: {exc}") from exc

    # ---- writing -------------------------------------------------------------------------

    def load(self, path: Path) -> int:
        """Load N-Quads/TriG, replacing each named graph in the file, in one transaction; return quads loaded."""
        if self.read_only:
            raise PermissionError("this Oxigraph store was opened read-only")
        path = Path(path)
        quads = self._parse(path)
        graphs = sorted({q.graph_name.value for q in quads})
        ops = [f"DROP SILENT GRAPH <{g}>" for g in graphs]
        if quads:
            body = "\n".join(f"GRAPH {q.graph_name} {{ {q.subject} {q.predicate} {q.object} }}" for q in quads)
            ops.append(f"INSERT DATA {{\n{body}\n}}")
        if ops:
            try:
                self._store.update(" ;\n".join(ops))
            except OSError as exc:
                raise StoreUnavailable(f"writing {path} to the store failed: {exc}") from exc
            except (SyntaxError, ValueError, RuntimeError) as exc:
                raise LoadError(f"{path}: the store rejected the data: {exc}") from exc
        self._counts = None
        return len(quads)

    @staticmethod
    def _parse(path: Path) -> list[ox.Quad]:
        fmt = _FORMATS.get(path.suffix.lower())
        if fmt is None:
            raise LoadError(f"{path}: unsupported file type {path.suffix!r} (expected .nq or .trig)")
        try:
            quads = list(ox.parse(path=str(path), format=fmt))
        except FileNotFoundError as exc:
            raise LoadError(f"{path}: no such file") from exc
        except (SyntaxError, ValueError, OSError) as exc:
            raise LoadError(f"{path}: {exc}") from exc
        stray = next((q for q in quads if not isinstance(q.graph_name, ox.NamedNode)), None)
        if stray is not None:
            raise LoadError(
                f"{path}: triple outside a named graph ({stray.subject} {stray.predicate} …); "
                "every triple must be in its document's graph so it can be replaced on re-load"
            )
        return quads

    # ---- reading -------------------------------------------------------------------------

    def _select(self, query: str) -> list[dict[str, ox.NamedNode | ox.BlankNode | ox.Literal]]:
        try:
            solutions = self._store.query(query, prefixes=PREFIXES, use_default_graph_as_union=True)
            out = []
            for sol in solutions:
                out.append({v.value: sol[v] for v in solutions.variables if sol[v] is not None})
            return out
        except (OSError, RuntimeError) as exc:
            raise StoreUnavailable(f"Oxigraph query failed: {exc}") from exc

    def status(self) -> StoreStatus:
        """Backend state and counts: documents = ingested documents (with cc:sourceFile), triples = quads stored."""
        try:
            if self._counts is None:
                rows = self._select("SELECT (COUNT(DISTINCT ?d) AS ?n) WHERE { ?d cc:sourceFile ?f }")
                docs = int(rows[0]["n"].value) if rows else 0
                self._counts = (docs, len(self._store))
        except (StoreUnavailable, OSError) as exc:
            return StoreStatus(self.name, False, str(exc))
        where = "in memory" if self.path is None else str(self.path)
        mode = "read-only" if self.read_only else "read-write"
        return StoreStatus(self.name, True, f"{where} ({mode})", self._counts[0], self._counts[1])

    def documents_by_key(self, number_key: str) -> list[DocSummary]:
        """Documents whose cc:numberKey equals `number_key`, sorted by (year, date, iri)."""
        rows = self._select(f"SELECT DISTINCT ?d WHERE {{ ?d cc:numberKey {ox.Literal(number_key)} }}")
        docs = self._summaries([r["d"].value for r in rows if isinstance(r.get("d"), ox.NamedNode)])
        return sorted(docs.values(), key=lambda d: (d.year or 0, d.date or "", d.iri))

    def document(self, iri: str) -> DocSummary | None:
        """The document (ingested or stub) with this IRI, or None if nothing typed cc:LegalDocument has it."""
        return self._summaries([iri]).get(iri)

    def documents(self) -> list[DocSummary]:
        """Every document node, stubs included, sorted by IRI (for the search index and listings)."""
        rows = self._select("SELECT DISTINCT ?d WHERE { ?d a cc:LegalDocument }")
        docs = self._summaries([r["d"].value for r in rows if isinstance(r.get("d"), ox.NamedNode)])
        return sorted(docs.values(), key=lambda d: d.iri)

    def entities(self) -> list[EntitySummary]:
        """Every named entity with its labels (skos:prefLabel, skos:altLabel, cc:abbreviation), sorted by IRI."""
        kinds = " ".join(f"<{k}>" for k in ENTITY_KINDS)
        rows = self._select(
            f"""SELECT ?e ?t ?g ?p ?o WHERE {{ VALUES ?t {{ {kinds} }} ?e a ?t .
                OPTIONAL {{ GRAPH ?g {{ ?e ?p ?o }} VALUES ?p {{ skos:prefLabel skos:altLabel cc:abbreviation }} }} }}"""
        )
        kind: dict[str, str] = {}
        pref: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
        alts: dict[str, set[str]] = defaultdict(set)
        for r in rows:
            e = r["e"].value
            kind[e] = min(kind.get(e, "~"), ENTITY_KINDS[r["t"].value])
            if "p" not in r:
                continue
            if r["p"].value == SKOS + "prefLabel":
                pref[e][r["g"].value].append(r["o"].value)
            else:
                alts[e].add(r["o"].value)
        out = []
        for e in sorted(kind):
            label = _pick(pref[e], e)
            out.append(EntitySummary(e, kind[e], label, tuple(sorted(alts[e] - {label} if label else alts[e]))))
        return out

    def _summaries(self, iris: Iterable[str]) -> dict[str, DocSummary]:
        iris = sorted({i for i in iris if _valid_iri(i)})
        if not iris:
            return {}
        props = " ".join(f"<{p}>" for p in (*_DOC_PROPS, RDF_TYPE))
        found: dict[str, dict[str, dict[str, list[ox.Literal | ox.NamedNode]]]] = {}
        for chunk in _chunks(iris, 500):
            values = " ".join(f"<{i}>" for i in chunk)
            for r in self._select(
                f"SELECT ?d ?g ?p ?o WHERE {{ VALUES ?d {{ {values} }} VALUES ?p {{ {props} }} GRAPH ?g {{ ?d ?p ?o }} }}"
            ):
                by_prop = found.setdefault(r["d"].value, defaultdict(lambda: defaultdict(list)))
                by_prop[r["p"].value][r["g"].value].append(r["o"])
        out = {}
        for iri, by_prop in found.items():
            types = {o.value for vals in by_prop.get(RDF_TYPE, {}).values() for o in vals}
            if CC + "LegalDocument" not in types:
                continue
            fields: dict[str, object] = {}
            for prop, name in _DOC_PROPS.items():
                if prop not in by_prop:
                    continue
                values_by_graph = {g: [o.value for o in os_] for g, os_ in by_prop[prop].items()}
                value = _pick(values_by_graph, iri)
                if name == "year":
                    try:
                        fields[name] = int(value) if value is not None else None
                    except ValueError:
                        fields[name] = None
                else:
                    fields[name] = value
            fields["ingested"] = fields.get("source_file") is not None
            out[iri] = DocSummary(iri=iri, **fields)  # type: ignore[arg-type]
        return out

    def links_from(self, iri: str, relations: list[str] | None = None) -> list[LinkRow]:
        """Outgoing links of `iri` (direct edges), each with the provenance of its cc:Link nodes."""
        return self._links(iri, relations, outgoing=True)

    def links_to(self, iri: str, relations: list[str] | None = None) -> list[LinkRow]:
        """Incoming links of `iri` (who is based on it, cites it, amends it …), with provenance."""
        return self._links(iri, relations, outgoing=False)

    def _links(self, iri: str, relations: list[str] | None, outgoing: bool) -> list[LinkRow]:
        rel_iris = _relation_filter(relations)
        if not _valid_iri(iri):
            return []
        values = " ".join(f"<{r}>" for r in rel_iris)
        me = f"<{iri}>"
        edge = f"{me} ?rel ?other" if outgoing else f"?other ?rel {me}"
        edges = self._select(f"SELECT DISTINCT ?rel ?other WHERE {{ VALUES ?rel {{ {values} }} {edge} }}")
        link_subject, link_target = (me, "?other") if outgoing else ("?other", me)
        prov_rows = self._select(
            f"""SELECT DISTINCT ?rel ?other ?prov ?quote ?start ?end WHERE {{
                VALUES ?rel {{ {values} }}
                {link_subject} cc:qualifiedLink ?l . ?l cc:linkRelation ?rel ; cc:linkTarget {link_target} .
                OPTIONAL {{ ?l cc:inProvision ?prov }} OPTIONAL {{ ?l cc:quote ?quote }}
                OPTIONAL {{ ?l cc:charStart ?start }} OPTIONAL {{ ?l cc:charEnd ?end }} }}"""
        )
        provenance: dict[tuple[str, str], set[Provenance]] = defaultdict(set)
        for r in prov_rows:
            other = r["other"].value
            provenance[(r["rel"].value, other)].add(Provenance(
                document=iri if outgoing else other,
                provision=r["prov"].value if "prov" in r else None,
                quote=r["quote"].value if "quote" in r else None,
                start=_int(r.get("start")), end=_int(r.get("end")),
            ))
        pairs = [(r["rel"].value, r["other"].value) for r in edges if isinstance(r.get("other"), ox.NamedNode)]
        summaries = self._summaries([iri, *(o for _, o in pairs)])
        me_doc = summaries.get(iri, DocSummary(iri=iri))
        rows = []
        for rel, other in pairs:
            other_doc = summaries.get(other, DocSummary(iri=other))
            prov = tuple(sorted(provenance.get((rel, other), ()), key=provenance_key))
            src, dst = (me_doc, other_doc) if outgoing else (other_doc, me_doc)
            rows.append(LinkRow(source=src, relation=RELATION_BY_IRI[rel], target=dst, provenance=prov))
        return sorted(rows, key=lambda row: link_key(row.target if outgoing else row.source, row.relation))

    # ---- SPARQL endpoint -----------------------------------------------------------------

    def sparql(self, query: str, accept: str = "*/*", default_graph: list[str] | None = None,
               named_graphs: list[str] | None = None) -> SparqlResult:
        """Run a read-only SPARQL query; serialise by the Accept header. PermissionError for updates,
        ValueError for syntax errors, NotAcceptable (a ValueError) for an Accept we cannot serve."""
        if is_update(query):
            raise PermissionError("SPARQL Update is not allowed on this endpoint (read-only)")
        kwargs: dict[str, object] = {"prefixes": PREFIXES}
        if default_graph:
            kwargs["default_graph"] = [ox.NamedNode(g) for g in default_graph]
        else:
            kwargs["use_default_graph_as_union"] = True
        if named_graphs:
            kwargs["named_graphs"] = [ox.NamedNode(g) for g in named_graphs]
        try:
            result = self._store.query(query, **kwargs)  # type: ignore[arg-type]
        except SyntaxError as exc:
            raise ValueError(f"SPARQL syntax error: {exc}") from exc
        except (OSError, RuntimeError) as exc:
            raise StoreUnavailable(f"Oxigraph query failed: {exc}") from exc
        if isinstance(result, ox.QueryTriples):
            fmt = negotiate_rdf(accept)
            return SparqlResult(_serialize_triples(result, fmt), fmt.media_type)
        rfmt = negotiate_results(accept)
        return SparqlResult(result.serialize(format=rfmt), rfmt.media_type)

    def close(self) -> None:
        """Flush and drop the handle; RocksDB releases its lock when the object is collected."""
        store = getattr(self, "_store", None)
        if store is not None and not self.read_only and self.path is not None:
            try:
                store.flush()
            except OSError:
                pass
        self._store = None  # type: ignore[assignment]


# ---- helpers shared with the API and the tests -----------------------------------------------

_RDF_BY_MEDIA = {
    "text/turtle": ox.RdfFormat.TURTLE, "application/x-turtle": ox.RdfFormat.TURTLE,
    "application/ld+json": ox.RdfFormat.JSON_LD, "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "application/rdf+xml": ox.RdfFormat.RDF_XML, "text/n3": ox.RdfFormat.N3,
    "application/n-quads": ox.RdfFormat.N_QUADS, "application/trig": ox.RdfFormat.TRIG,
}
_RESULTS_BY_MEDIA = {
    "application/sparql-results+json": ox.QueryResultsFormat.JSON, "application/json": ox.QueryResultsFormat.JSON,
    "application/sparql-results+xml": ox.QueryResultsFormat.XML, "application/xml": ox.QueryResultsFormat.XML,
    "text/csv": ox.QueryResultsFormat.CSV, "text/tab-separated-values": ox.QueryResultsFormat.TSV,
}


def accepted(accept: str) -> list[str]:
    """Media types of an Accept header, best first (by q, then order); '*/*' if empty."""
    items = []
    for pos, part in enumerate((accept or "*/*").split(",")):
        bits = [b.strip() for b in part.split(";")]
        q = 1.0
        for b in bits[1:]:
            if b.startswith("q="):
                try:
                    q = float(b[2:])
                except ValueError:
                    q = 0.0
        if bits[0] and q > 0:
            items.append((-q, pos, bits[0].lower()))
    return [m for _, _, m in sorted(items)]


def negotiate_rdf(accept: str) -> ox.RdfFormat:
    for media in accepted(accept):
        if media in _RDF_BY_MEDIA:
            return _RDF_BY_MEDIA[media]
        if media in ("*/*", "text/*", "application/json"):
            return ox.RdfFormat.TURTLE if media != "application/json" else ox.RdfFormat.JSON_LD
    raise NotAcceptable(f"cannot serve {accept!r} for a graph; use one of {', '.join(_RDF_BY_MEDIA)}")


def negotiate_results(accept: str) -> ox.QueryResultsFormat:
    for media in accepted(accept):
        if media in _RESULTS_BY_MEDIA:
            return _RESULTS_BY_MEDIA[media]
        if media in ("*/*", "application/*", "text/*"):
            return ox.QueryResultsFormat.JSON
    raise NotAcceptable(f"cannot serve {accept!r} for query results; use one of {', '.join(_RESULTS_BY_MEDIA)}")


def _serialize_triples(triples: Iterable[ox.Triple], fmt: ox.RdfFormat) -> bytes:
    unique = sorted(set(triples), key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))
    prefixes = PREFIXES if fmt in (ox.RdfFormat.TURTLE, ox.RdfFormat.N3, ox.RdfFormat.TRIG) else None
    if fmt.supports_datasets:  # N-Quads / TriG: the triples go to the default graph
        unique = [ox.Quad(t.subject, t.predicate, t.object) for t in unique]  # type: ignore[misc]
    return ox.serialize(unique, format=fmt, prefixes=prefixes)


def provenance_key(p: Provenance) -> tuple:
    """Provenance order: (document, start), then provision and quote to break ties."""
    return (p.document, p.start if p.start is not None else -1, p.provision or "", p.quote or "", p.end or -1)


def link_key(other: DocSummary, relation: str) -> tuple:
    """Link order: (other document's number or title, date, IRI), then the relation name."""
    return (other.number or other.title or "", other.date or "", other.iri, relation)


def _pick(values_by_graph: dict[str, list[str]], own_graph: str) -> str | None:
    """The value asserted in the subject's own graph wins; otherwise the smallest value."""
    own = values_by_graph.get(own_graph)
    pool = own if own else [v for vs in values_by_graph.values() for v in vs]
    return min(pool) if pool else None


def _relation_filter(relations: list[str] | None) -> list[str]:
    if relations is None:
        return [RELATIONS[r] for r in sorted(RELATIONS)]
    unknown = [r for r in relations if r not in RELATIONS]
    if unknown:
        raise ValueError(f"unknown relation(s) {unknown}; known: {sorted(RELATIONS)}")
    return [RELATIONS[r] for r in sorted(set(relations))]


def _valid_iri(iri: str) -> bool:
    try:
        ox.NamedNode(iri)
    except ValueError:
        return False
    return True


def _int(term: object) -> int | None:
    try:
        return int(term.value) if term is not None else None  # type: ignore[attr-defined]
    except (ValueError, AttributeError):
        return None


def _chunks(items: list[str], size: int) -> Iterable[list[str]]:
    for i in range(0, len(items), size):
        yield items[i:i + size]
