"""Re-resolution at load time: the order in which graphs are loaded never changes the stored graph (issue 14).

`cancu ingest` points every citation at the one id its batch knows for the cited document (cancu.identity).
A later batch may bring the document itself, or another citation that joins two forms ("Luật Việc làm số
38/2013/QH13" and "Luật Việc làm ngày 16/11/2013"): the graphs loaded before still name the stub ids of
their own batch. So a load keeps, beside the store, what every loaded graph says of identities (its own
facts, the laws it cites by name, the document and provision ids it refers to) and a copy of each file as
it was loaded. The catalogue of everything loaded is built from that with cancu.identity.build_from (the
one stub -> real rule), each incoming graph is rewritten with it, and every stored graph whose references
the new catalogue moves is rewritten from its copy and put back through the store's ordinary
`load` (replace a named graph), so whatever the store derives from its quads stays exact.

A stored graph is therefore always rewrite(graph as ingested, catalogue of every graph loaded): a function
of the set of loaded graphs, not of their order. Two ingested documents of one identity, or one graph
claimed by two source files, are reported naming both files and never merged.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import tempfile
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable

import pyoxigraph as ox

from cancu.config import Settings
from cancu.iri import ELI_PATH, DocId, split_provision
from cancu.registry import CC, ELI, RDF_TYPE
from graph.rdf_files import read_quads
from graph.store import LoadError, OnDiskStore, Store, supports
from cancu.identity import PARTS, Catalogue, Described, build_from, different_parts, part_name, pinpoint_ids

_PROPS = {CC + "typeName": "type", ELI + "title": "title", ELI + "date_document": "date", CC + "year": "year",
          CC + "number": "number", CC + "sourceFile": "source", CC + "continuedFrom": "continued_from",
          CC + "continuedIn": "continued_in"}
# A cc:Link gives a provenance row for every combination of these values (graph.store's rule): a few values each
# on a fictional link made K^4 rows at load (K=30: 800 MB from 129 quads), so a file with more is refused.
LINK_VALUES = frozenset(CC + p for p in ("linkRelation", "linkTarget", "inProvision", "quote", "charStart", "charEnd"))
MAX_LINK_COMBINATIONS = 64
STATE_VERSION = 1
BATCH_QUADS = 200_000  # re-pointed graphs are put back in files of about this many quads


@dataclass
class GraphIdentity:
    """What one loaded graph says of identities, and where its file as loaded is kept."""

    base: str  # the IRI base of its documents ("http://127.0.0.1:8000")
    source: str | None  # its document's cc:sourceFile (None: not a document's graph, e.g. the gazetteer)
    loaded_from: str  # the file it was loaded from, as named to `load`
    described: list[list[Any]] = field(default_factory=list)  # Described fields, as lists
    pinpoints: dict[str, str] = field(default_factory=dict)  # its own provisions a pinpoint can name
    refs: list[str] = field(default_factory=list)  # other documents' ids ("luat-2024-x") and provisions ("…/dieu_1")
    applied: dict[str, str] = field(default_factory=dict)  # ref -> the ref it was re-pointed to, where they differ
    copy: str = ""  # the kept copy of its file, relative to the state directory
    part: list[str | None] = field(default_factory=lambda: [None, None])  # gazette issues it continues from, in


@dataclass
class LoadReport:
    files: int = 0
    quads: int = 0
    repointed: int = 0  # stored graphs put back with references moved
    errors: list[str] = field(default_factory=list)  # one line per file not loaded
    conflicts: list[str] = field(default_factory=list)  # one line per identity two ingested documents claim


# ---- one graph --------------------------------------------------------------------------------------


def _doc_id(iri: str) -> str | None:
    """The id of the document an IRI names ('qd-2020-749-ttg'); None for any other IRI (a graph may be named
    anything)."""
    try:
        return DocId.from_iri(iri).id if ELI_PATH in iri else None
    except ValueError:
        return None


def _doc_ref(iri: str, graph: str) -> str | None:
    """The ref an IRI is ('luat-2024-06-29-x' or 'luat-2024-06-29-x/dieu_18/khoan_2') when it names another
    document or a part of one; None for this graph's own document and parts, entities and vocabulary."""
    if ELI_PATH not in iri:
        return None
    doc, provision = split_provision(iri)
    if doc == graph:
        return None
    try:
        doc_id = DocId.from_iri(doc).id
        DocId.parse(doc_id)
    except ValueError:
        return None
    return f"{doc_id}/{provision}" if provision else doc_id


def describe(graph: str, quads: list[ox.Quad], loaded_from: str) -> GraphIdentity:
    """What the quads of one graph say of identities (the graph's own document and the documents it cites)."""
    values: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    documents: set[str] = set()
    provisions: list[str] = []
    refs: set[str] = set()
    seen: set[str] = set()  # IRIs looked at: a graph names the same few nodes again and again
    link_values: set[tuple[str, str, object]] = set()  # distinct: a file may repeat a line
    for q in quads:
        s, p, o = q.subject.value, q.predicate.value, q.object
        if p in LINK_VALUES:
            link_values.add((s, p, o))
        if p == RDF_TYPE and o.value == CC + "LegalDocument":
            documents.add(s)
        elif p == RDF_TYPE and o.value == CC + "Provision" and s.startswith(graph + "/"):
            provisions.append(s[len(graph) + 1:])
        elif p in _PROPS and isinstance(o, ox.Literal):
            values[s][_PROPS[p]].append(o.value)
        for iri in (s, o.value if isinstance(o, ox.NamedNode) else None):
            if iri and iri not in seen:
                seen.add(iri)
                ref = _doc_ref(iri, graph)
                if ref:
                    refs.add(ref)
    _check_links(graph, link_values, loaded_from)
    base = graph.split(ELI_PATH, 1)[0] if ELI_PATH in graph else ""
    own = values.get(graph, {})
    info = GraphIdentity(base, min(own["source"]) if own.get("source") else None, loaded_from,
                         refs=sorted(refs), part=[min(own[k]) if own.get(k) else None for k in ("continued_from", "continued_in")])
    for d in sorted(documents):
        v = values.get(d, {})
        ingested = d == graph
        doc_id = _doc_ref(d, "") if ELI_PATH in d else None
        if not doc_id or "/" in doc_id or (ingested and not info.source):
            continue
        for title in sorted(set(v.get("title", []))) or [None]:
            if not ingested and not title:
                continue  # a document cited by number alone: its id is all there is to join
            first = {k: min(v[k]) if v.get(k) else None for k in ("type", "date", "year", "number")}
            info.described.append(list(asdict(Described.of_values(
                doc_id, first["type"], title, first["date"], first["year"], first["number"], ingested)).values()))
    if info.source:
        info.pinpoints = pinpoint_ids(provisions)
    return info


def _check_links(graph: str, link_values: set[tuple[str, str, object]], loaded_from: str) -> None:
    """LoadError for a link whose values give more than MAX_LINK_COMBINATIONS provenance rows."""
    combinations: dict[str, int] = defaultdict(lambda: 1)
    for (link, _), n in Counter((s, p) for s, p, _ in link_values).items():
        combinations[link] *= n
    worst = max(combinations.items(), key=lambda kv: kv[1], default=("", 0))
    if worst[1] > MAX_LINK_COMBINATIONS:
        raise LoadError(f"{loaded_from}: the link {worst[0]} in graph {graph} gives {worst[1]} combinations of its "
                        f"values (relation, target, provision, quote, start, end); at most {MAX_LINK_COMBINATIONS}")


def target(ref: str, cat: Catalogue, own: str | None) -> str:
    """Where `ref` points under `cat`: its document's one id, and for a provision the full id the ingested
    document gives it ('dieu_18/khoan_2' -> 'chuong_iv/dieu_18/khoan_2'). Never the citing graph's own document."""
    doc, _, provision = ref.partition("/")
    new = cat.resolve(doc) or doc
    if new == own:
        new = doc
    if provision:
        provision = cat.provisions.get(new, {}).get(provision, provision)
        return f"{new}/{provision}"
    return new


def rewrite(graph: str, quads: Iterable[ox.Quad], moves: dict[str, str], base: str) -> list[ox.Quad]:
    """The graph's quads with every reference in `moves` (ref -> ref) re-pointed; duplicates dropped."""
    if not moves:
        return list(quads)

    def iri(ref: str) -> str:
        doc, _, provision = ref.partition("/")
        return DocId.parse(doc).iri(base) + (f"/{provision}" if provision else "")

    nodes: dict[str, ox.NamedNode] = {}

    def term(t: Any) -> Any:
        if not isinstance(t, ox.NamedNode):
            return t
        if t.value not in nodes:
            ref = _doc_ref(t.value, graph)
            nodes[t.value] = ox.NamedNode(iri(moves[ref])) if ref in moves else t
        return nodes[t.value]

    out: dict[ox.Quad, None] = {}
    for q in quads:
        out[ox.Quad(term(q.subject), q.predicate, term(q.object), q.graph_name)] = None
    return list(out)


# ---- what is kept beside a store --------------------------------------------------------------------


class State:
    """The identities of every graph loaded into one store, and the copies their files are kept as."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self.graphs: dict[str, GraphIdentity] = {}
        if path and (path / "index.json").exists():
            data = json.loads((path / "index.json").read_text(encoding="utf-8"))
            if data.get("version") == STATE_VERSION:
                self.graphs = {g: GraphIdentity(**v) for g, v in data["graphs"].items()}

    def catalogue(self) -> Catalogue:
        """The catalogue of every graph held (cancu.identity.build_from)."""
        items = (Described(*d) for info in self.graphs.values() for d in info.described)
        provisions = {i: info.pinpoints for g, info in self.graphs.items() if info.pinpoints and (i := _doc_id(g))}
        return build_from(items, provisions)

    def keep(self, file: Path) -> str:
        """A copy of `file` as it is loaded now (the stored graphs are rewritten from it later)."""
        if self.path is None:
            return str(file)
        st = Path(file).stat()  # one copy per version of a file: a graph read from an older one keeps it
        digest = hashlib.sha256(f"{Path(file).resolve()}\0{st.st_mtime_ns}\0{st.st_size}".encode()).hexdigest()[:20]
        name = f"files/{digest[:2]}/{digest}{Path(file).suffix}"
        dest = self.path / name
        dest.parent.mkdir(parents=True, exist_ok=True)
        tmp = dest.with_suffix(dest.suffix + ".tmp")
        shutil.copyfile(file, tmp)
        tmp.replace(dest)
        return name

    def copy_of(self, info: GraphIdentity) -> Path:
        return Path(info.copy) if self.path is None else self.path / info.copy

    def save(self) -> None:
        if self.path is None:
            return
        self.path.mkdir(parents=True, exist_ok=True)
        tmp = self.path / "index.json.tmp"
        data = {"version": STATE_VERSION, "graphs": {g: asdict(v) for g, v in sorted(self.graphs.items())}}
        tmp.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
        tmp.replace(self.path / "index.json")
        used = {v.copy for v in self.graphs.values()}
        for f in (self.path / "files").rglob("*"):
            if f.is_file() and str(f.relative_to(self.path)) not in used:
                f.unlink()  # a copy no graph is read from any more


def state_path(store_path: Path | None) -> Path | None:
    """Where the identities of the store at `store_path` are kept: beside it ('data/oxigraph.identity')."""
    return store_path.with_name(store_path.name + ".identity") if store_path else None


def identity_dir(kind: str, settings: Settings, database: str | None = None) -> Path | None:
    """Where the identities of the configured store of `kind` are kept: beside an Oxigraph store, in the data
    folder for a Neo4j database (`database` overrides the configured one)."""
    if kind == "oxigraph":
        return state_path(settings.oxigraph_path)
    return Path(settings.data_dir) / f"neo4j-{database or settings.neo4j_database or 'neo4j'}.identity"


def identity_dir_of(store: Store, settings: Settings) -> Path | None:
    """`identity_dir` of an open store: none for a store held in memory (its identities live as long as it)."""
    if supports(store, OnDiskStore):
        return state_path(store.path)
    return identity_dir(store.name, settings)


# ---- loading ----------------------------------------------------------------------------------------


def _graphs_of(file: Path) -> dict[str, list[ox.Quad]]:
    by_graph: dict[str, list[ox.Quad]] = defaultdict(list)
    for q in read_quads(file):
        by_graph[q.graph_name.value].append(q)
    return by_graph


def _moves(info: GraphIdentity, graph: str, cat: Catalogue) -> dict[str, str]:
    own = _doc_id(graph)
    return {ref: to for ref in info.refs if (to := target(ref, cat, own)) != ref}


def _write(quads: list[ox.Quad], out: Path) -> Path:
    out.write_bytes(ox.serialize(quads, format=ox.RdfFormat.N_QUADS))
    return out


class Batch:
    """Files checked and described against what a store already holds, before any of them is written."""

    def __init__(self, state: State, files: Iterable[Path], on_error: Callable[[str], None],
                 replacing: Iterable[str] = ()) -> None:
        self.state = state
        replacing = set(replacing)
        self.report = LoadReport()
        self.files: list[tuple[Path, dict[str, GraphIdentity]]] = []
        claimed: dict[str, GraphIdentity] = {}
        for f in map(Path, files):
            try:
                infos = {g: describe(g, qs, str(f)) for g, qs in _graphs_of(f).items()}
            except LoadError as exc:
                self._error(str(exc), on_error)
                continue
            clash = next(((g, other) for g, info in infos.items() if info.source and g not in replacing
                          for other in (claimed.get(g), state.graphs.get(g))
                          if other and other.source and Path(other.source).name != Path(info.source).name), None)
            if clash:  # the same file ingested from another folder is a re-load; another file is another document
                g, other = clash
                parts = f" ({PARTS}: {part_name(*infos[g].part)}, {part_name(*other.part)})" \
                    if different_parts([infos[g].part[0], other.part[0]]) else ""
                self._error(f"{f}: {infos[g].source} has the identity of {other.source} (loaded from {other.loaded_from}"
                            f"): {g}{parts}; not loaded, the stored document kept", on_error)
                continue
            claimed.update(infos)
            self.files.append((f, infos))
        self.previous = dict(state.graphs)  # what the store held before this batch (`forget` puts it back)
        self.before = {g: dict(info.applied) for g, info in self.previous.items()}
        state.graphs = {**self.previous, **claimed}
        self.catalogue = state.catalogue()
        sources = {i: (info.source, info.loaded_from, info.part[0])
                   for g, info in state.graphs.items() if info.source and (i := _doc_id(g))}
        for ids in self.catalogue.conflicts:
            named = "; ".join(f"{i} ({sources[i][0]}, loaded from {sources[i][1]})" for i in ids if i in sources)
            kind = PARTS if different_parts(sources[i][2] for i in ids if i in sources) \
                else "two ingested documents claim one identity"
            line = f"{kind}, both kept and neither merged: {named}"
            self.report.conflicts.append(line)
            on_error(line)

    def _error(self, line: str, on_error: Callable[[str], None]) -> None:
        self.report.errors.append(line)
        on_error(line)

    def resolved(self, tmp: Path) -> list[tuple[Path, Path]]:
        """(file as named, file to load) for every incoming file: rewritten into `tmp` where references move."""
        out = []
        for i, (f, infos) in enumerate(self.files):
            moves = {g: _moves(info, g, self.catalogue) for g, info in infos.items()}
            for g, info in infos.items():
                info.applied = moves[g]
            if not any(moves.values()):
                out.append((f, f))
                continue
            quads = [q for g, qs in _graphs_of(f).items() for q in rewrite(g, qs, moves[g], infos[g].base)]
            out.append((f, _write(quads, tmp / f"in-{i}.nq")))
        return out

    def stale(self) -> dict[str, list[str]]:
        """Stored graphs (not in this batch) whose references the catalogue moves: kept copy -> graphs."""
        incoming = {g for _, infos in self.files for g in infos}
        by_copy: dict[str, list[str]] = defaultdict(list)
        for g, info in self.state.graphs.items():
            if g in incoming:
                continue
            moves = _moves(info, g, self.catalogue)
            if moves != self.before.get(g, {}):
                info.applied = moves
                by_copy[info.copy].append(g)
        return by_copy

    def stale_files(self, tmp: Path, on_error: Callable[[str], None]) -> Iterable[tuple[list[str], Path]]:
        """The stale stored graphs rewritten from their kept copies, in files of about BATCH_QUADS quads."""
        quads: list[ox.Quad] = []
        graphs: list[str] = []
        n = 0
        for copy, names in sorted(self.stale().items()):
            wanted = set(names)
            first = self.state.graphs[names[0]]
            try:
                kept = _graphs_of(self.state.copy_of(first))
            except LoadError as exc:  # the copy was removed by hand: the stored graphs stay as they are
                for g in names:
                    self.state.graphs[g].applied = self.before.get(g, {})
                self._error(f"cannot re-point the references of {len(names)} stored graphs ({exc}): load "
                            f"{first.loaded_from} again", on_error)
                continue
            for g, qs in kept.items():
                if g in wanted:
                    info = self.state.graphs[g]
                    quads += rewrite(g, qs, info.applied, info.base)
                    graphs.append(g)
            if len(quads) >= BATCH_QUADS:
                n += 1
                yield graphs, _write(quads, tmp / f"stale-{n}.nq")
                quads, graphs = [], []
        if graphs:
            yield graphs, _write(quads, tmp / f"stale-{n + 1}.nq")

    def _infos(self, f: Path) -> dict[str, GraphIdentity]:
        return next(i for p, i in self.files if p == f)

    def kept(self, f: Path) -> None:
        """`f` is in the store: keep its copy and its graphs' identities."""
        copy = self.state.keep(f)
        for info in self._infos(f).values():
            info.copy = copy

    def forget(self, f: Path) -> None:
        """`f` could not be loaded: its graphs are what the store held before (or nothing)."""
        for g in self._infos(f):
            if g in self.previous:
                self.state.graphs[g] = self.previous[g]
            else:
                self.state.graphs.pop(g, None)


def load_files(store: Store, files: Iterable[Path], state_path: Path | None,
               on_error: Callable[[str], None] = lambda line: None, replacing: Iterable[str] = ()) -> LoadReport:
    """Load `files` into `store`, re-pointing references as the catalogue of everything loaded says (incoming
    files and stored graphs alike), each through `store.load`. One line per bad file; the batch goes on.
    `replacing`: graphs the caller has decided to replace even when another source file holds them (an
    upload with replace=true)."""
    state = State(state_path)
    batch = Batch(state, files, on_error, replacing)
    report = batch.report
    with tempfile.TemporaryDirectory(prefix="cancu-reresolve-") as tmp:
        for f, path in batch.resolved(Path(tmp)):
            try:
                report.quads += store.load(path)
            except LoadError as exc:
                batch.forget(f)
                report.errors.append(str(exc).replace(str(path), str(f)))
                on_error(report.errors[-1])
                continue
            batch.kept(f)
            report.files += 1
        state.save()  # stopped before the stored graphs are re-pointed: the same load again finishes it
        batch.catalogue = state.catalogue()  # files that failed no longer count
        for graphs, path in batch.stale_files(Path(tmp), on_error):
            store.load(path)
            report.repointed += len(graphs)
    state.save()
    return report


def resolve_files(files: Iterable[Path], state_path: Path | None, tmp: Path,
                  on_error: Callable[[str], None] = lambda line: None) -> tuple[list[Path], Batch]:
    """A whole first load known up front (a bulk build, Neo4j's offline import): every file checked and
    rewritten with the catalogue of all of them; the files to load, and the batch to `commit` once loaded."""
    batch = Batch(State(None), files, on_error)  # a new store: what an old one held does not count
    batch.state.path = state_path
    return [path for _, path in batch.resolved(tmp)], batch


def commit(batch: Batch) -> None:
    """The files of `batch` are in a new store: keep their copies and identities beside it (in place of
    whatever a store that stood there before kept)."""
    if batch.state.path is not None and batch.state.path.exists():
        shutil.rmtree(batch.state.path)
    for f, _ in batch.files:
        batch.kept(f)
    batch.state.save()
