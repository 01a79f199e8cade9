"""`cancu`: parse, ingest, load, serve and export. One line per bad file, and the batch goes on.

Exit status: 0 when every file went through, 1 when some file failed (the others are still
done), 2 for a usage error or an unreachable store.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Iterator, Sequence

from cancu import config
from ingest.readers import INPUT_SUFFIXES

if TYPE_CHECKING:
    from graph.store import BulkBuildStore

SKIP_NAMES = {"SOURCES.md", "README.md"}


def _settings(args: argparse.Namespace) -> config.Settings:
    """This run's settings: the command's flags over the environment over the defaults."""
    neo4j = getattr(args, "neo4j", None)
    path = getattr(args, "path", None)
    return config.Settings.from_env(store="neo4j" if neo4j else getattr(args, "store", None), neo4j_uri=neo4j,
                                    oxigraph=Path(path) if path else None)


def _err(msg: str) -> None:
    print(f"cancu: {msg}", file=sys.stderr, flush=True)


def input_files(paths: Sequence[str]) -> Iterator[Path]:
    """Files named, and the input files inside folders named (sorted, so runs are repeatable)."""
    for p in map(Path, paths):
        if p.is_dir():  # a broken link is yielded too, so that it is reported rather than skipped
            yield from sorted(f for f in p.rglob("*") if (f.is_file() or f.is_symlink()) and f.suffix.lower()
                              in INPUT_SUFFIXES and f.name not in SKIP_NAMES)
        else:
            yield p


def _parse_all(files: list[Path], progress: bool) -> tuple[list, list[str]]:
    """Parse every file, each in a worker stopped past CANCU_MAX_PARSE_SECONDS (ingest.parse_worker); a file
    that fails gives one error line and the rest go on."""
    import os

    from ingest import parts
    from ingest.limits import LimitExceeded
    from ingest.models import Document
    from ingest.parse_worker import ParsePool, warm
    from ingest.pipeline import unstorable
    from ingest.readers import ReadError

    docs, errors, storable = [], [], []
    warm()  # once here: the workers are forked warm (before any thread, e.g. the progress bar's, starts)
    pool = ParsePool(min(os.cpu_count() or 1, 4) if len(files) > 50 else 1, config.current(), start="fork")
    bar = None
    if progress and len(files) > 20:
        from tqdm import tqdm

        bar = tqdm(total=len(files), unit="doc", file=sys.stderr)
    for f, doc in zip(files, pool.parse_many(files)):
        if isinstance(doc, Exception):
            exc, doc = doc, None
            if isinstance(exc, (ReadError, LimitExceeded, OSError)):  # the message names the problem
                errors.append(f"{f}: {exc}" if str(f) not in str(exc) else str(exc))
            else:  # a parser bug must not stop the batch; it is reported like bad input
                errors.append(f"{f}: cannot parse ({type(exc).__name__}: {exc})")
        if doc is not None:
            problem = unstorable(doc)
            if problem:  # nothing trustworthy to store
                errors.append(f"{f}: {problem}")
            else:
                storable.append((f, doc))
        if bar:
            bar.update()
    pool.close()
    if bar:
        bar.close()
    seen: dict[str, Document] = {}
    for f, doc in sorted(storable, key=lambda fd: parts.begins_first(fd[1])):  # a text's first part whatever the order
        if doc.doc_id in seen:
            errors.append(f"{f}: {parts.second_copy(doc, seen[doc.doc_id])}")
            continue
        for problem in doc.errors:
            _err(f"{f}: warning: {problem}")
        seen[doc.doc_id] = doc
        docs.append(doc)
    for e in errors:
        _err(e)
    return docs, errors


def cmd_parse(args: argparse.Namespace) -> int:
    files = list(input_files(args.files))
    docs, errors = _parse_all(files, progress=False)
    for doc in docs:
        print(json.dumps(doc.to_json(), ensure_ascii=False))
    print(f"parsed {len(docs)} documents, {len(errors)} errors", file=sys.stderr)
    return 1 if errors else 0


def cmd_ingest(args: argparse.Namespace) -> int:
    import pyoxigraph

    from ingest import identity, parts
    from ingest.limits import LimitExceeded, check_quads
    from ingest.resolve import registry_of, resolve
    from ingest.to_rdf import document_quads, gazetteer_quads

    files = list(input_files(args.paths))
    if not files:
        _err("no input files found in " + ", ".join(args.paths))
        return 2
    docs, errors = _parse_all(files, progress=True)
    registry = registry_of(docs)
    catalogue = identity.build(docs)
    by_id = {d.doc_id: d for d in docs}
    for ids in catalogue.conflicts:  # kept apart (ingest.identity), so the reader hears of it once here
        _err("warning: " + parts.claim_line([by_id[i] for i in ids]))
    out = Path(args.output) if args.output else Path(_settings(args).data_dir) / "rdf"
    out.mkdir(parents=True, exist_ok=True)
    triples, written = 0, 0
    for doc in docs:
        target = out / f"{doc.doc_id}.nq"
        tmp = target.with_suffix(".nq.tmp")
        try:
            resolve(doc, registry)
            identity.apply(doc, catalogue)
            quads = document_quads(doc)
            check_quads(len(quads))
            tmp.write_bytes(pyoxigraph.serialize(quads, format=pyoxigraph.RdfFormat.N_QUADS))
            tmp.replace(target)  # a reader never sees half a file
        except LimitExceeded as exc:
            errors.append(f"{doc.source}: {exc}")
            _err(errors[-1])
            continue
        except Exception as exc:  # one document's bug or a full disk must not stop the batch
            tmp.unlink(missing_ok=True)
            errors.append(f"{doc.source}: cannot write its graph ({type(exc).__name__}: {exc})")
            _err(errors[-1])
            continue
        triples += len(quads)
        written += 1
    gaz = list(gazetteer_quads())
    (out / "gazetteer.nq").write_bytes(pyoxigraph.serialize(gaz, format=pyoxigraph.RdfFormat.N_QUADS))
    print(f"ingested {written} documents, {triples} triples (+{len(gaz)} gazetteer), "
          f"{len(errors)} errors -> {out}", file=sys.stderr)
    return 1 if errors else 0


def cmd_load(args: argparse.Namespace) -> int:
    from graph import open_store, store_class
    from graph.reresolve import identity_dir, load_files
    from graph.store import BulkBuildStore, supports

    settings = _settings(args)
    paths = args.paths or [str(Path(settings.data_dir) / "rdf")]
    files = sorted(f for p in map(Path, paths) for f in ([p] if p.is_file() else sorted(p.glob("*.nq")) + sorted(p.glob("*.trig"))))
    if not files:
        _err(f"nothing to load in {', '.join(paths)} (run `cancu ingest` first)")
        return 2
    if args.neo4j_import:
        return _import_neo4j(files, args, settings)
    backend = store_class(settings)
    if supports(backend, BulkBuildStore) and backend.needs_build(settings):
        return _bulk_build(backend, files, settings)
    store = open_store(settings=settings)
    try:
        report = load_files(store, files, identity_dir(settings.store, settings), on_error=_err)
        status = store.status()
        from graph.search_index import build_index, default_index_path

        build_index(store, default_index_path(settings))  # the API opens it for this store (api.deps)
    finally:
        store.close()
    print(f"loaded {report.files} files, {report.quads} quads into {status.backend}: "
          f"{status.documents} documents, {status.triples} triples; {report.repointed} stored graphs re-pointed; "
          f"{len(report.errors)} errors, {len(report.conflicts)} identity conflicts", file=sys.stderr)
    return 1 if report.errors or report.conflicts else 0


def _import_neo4j(files: list[Path], args: argparse.Namespace, settings: config.Settings) -> int:
    """A new Neo4j database from every file, offline (graph.neo4j_import): all files or none, references
    resolved over all of them first (graph.reresolve)."""
    import tempfile

    from graph.neo4j_import import import_files
    from graph.reresolve import commit, identity_dir, resolve_files
    from graph.store import LoadError

    with tempfile.TemporaryDirectory(prefix="cancu-resolved-") as tmp:
        resolved, batch = resolve_files(files, identity_dir("neo4j", settings, args.neo4j_database), Path(tmp),
                                        on_error=_err)
        if batch.report.errors:
            _err("some files cannot be loaded (above): nothing imported")
            return 1
        try:
            r = import_files(resolved, Path(args.neo4j_import), lib=args.neo4j_lib and Path(args.neo4j_lib),
                             database=args.neo4j_database)
        except LoadError as exc:
            _err(f"{exc} (nothing imported)")
            return 1
        commit(batch)
    print(f"imported {r.files} files, {r.quads} quads, {r.graphs} graphs into database {args.neo4j_database} of "
          f"{args.neo4j_import}: {r.nodes} nodes, {r.relationships} relationships in "
          f"{r.seconds_prepare + r.seconds_import:.1f} s; start Neo4j: its first cancu open builds the indexes",
          file=sys.stderr)
    return 1 if batch.report.conflicts else 0


def _bulk_build(backend: type[BulkBuildStore], files: list[Path], settings: config.Settings) -> int:
    """No store yet: references resolved over every file (graph.reresolve), then the backend builds the store in
    one bulk pass (graph.store.BulkBuildStore), then the search index."""
    import tempfile

    from graph import open_store
    from graph.reresolve import commit, identity_dir, resolve_files
    from graph.search_index import build_index, default_index_path

    with tempfile.TemporaryDirectory(prefix="cancu-resolved-") as tmp:
        resolved, batch = resolve_files(files, identity_dir(settings.store, settings), Path(tmp), on_error=_err)
        report = backend.bulk_build(settings, resolved, on_error=_err)
        if not report.files:
            _err(f"no file could be loaded: no store built at {settings.oxigraph_path}")
            return 1
        commit(batch)
    store = open_store(settings=settings)
    try:
        build_index(store, default_index_path(settings))
        status = store.status()
    finally:
        store.close()
    errors = batch.report.errors + report.errors
    print(f"built a new store from {report.files} files, {report.quads} quads: {status.documents} documents, "
          f"{status.triples} triples; {len(errors)} errors, {len(batch.report.conflicts)} identity conflicts",
          file=sys.stderr)
    return 1 if errors or batch.report.conflicts else 0


def cmd_serve(args: argparse.Namespace) -> int:
    from api.server import serve

    serve(_settings(args), args.host, args.port, args.workers, args.access_log)
    return 0


def _akn_of_file(path: Path) -> tuple[str, bytes]:
    """(doc id, Akoma Ntoso) of a file not in the store: parsed as `cancu ingest` would, into a scratch store."""
    import tempfile

    import pyoxigraph as ox

    from api.akn import export
    from graph.oxigraph_store import OxigraphStore
    from ingest.pipeline import parse_path, unstorable
    from ingest.to_rdf import document_quads

    doc = parse_path(path)
    problem = unstorable(doc)
    if problem:
        raise ValueError(problem)
    store = OxigraphStore(None)
    with tempfile.TemporaryDirectory(prefix="cancu-akn-") as tmp:
        nq = Path(tmp) / "doc.nq"
        nq.write_bytes(ox.serialize(document_quads(doc), format=ox.RdfFormat.N_QUADS))
        store.load(nq)
    from cancu.iri import DocId

    summary = store.document(DocId.parse(doc.doc_id).iri())
    assert summary is not None
    return doc.doc_id, export(store, summary)


def cmd_export(args: argparse.Namespace) -> int:
    """Akoma Ntoso 3.0 of each document named by API id, IRI or file; one line per failure, the rest go on."""
    from api.akn import AknUnavailable, export
    from api.convert import doc_id
    from cancu.iri import DocId
    from graph.store import StoreUnavailable
    from ingest.readers import ReadError

    out = Path(args.output) if args.output else None
    if len(args.items) > 1 and (out is None or not out.is_dir()):
        _err("several documents: name an existing folder with -o")
        return 2
    store, store_error = None, None
    failed = 0
    try:
        for item in args.items:
            try:
                if Path(item).is_file():
                    did, xml = _akn_of_file(Path(item))
                elif "://" not in item and (Path(item).suffix.lower() in INPUT_SUFFIXES or "/" in item):
                    raise ValueError("no such file")
                else:
                    iri = item if "://" in item else DocId.parse(item.strip().lower()).iri()
                    if store is None and store_error is None:
                        from graph import open_store

                        try:
                            store = open_store(read_only=True, settings=_settings(args))
                        except StoreUnavailable as exc:
                            store_error = str(exc)
                    if store is None:
                        raise ValueError(store_error)
                    doc = store.document(iri)
                    if doc is None:
                        raise ValueError(f"no such document in the store ({iri})")
                    did, xml = doc_id(doc.iri) or item.rsplit("/", 1)[-1], export(store, doc)
            except (AknUnavailable, ReadError, ValueError, OSError, StoreUnavailable) as exc:
                _err(f"{item}: {exc}")
                failed += 1
                continue
            if out is None:
                sys.stdout.buffer.write(xml)
            else:
                (out / f"{did}.akn.xml" if out.is_dir() else out).write_bytes(xml)
    finally:
        if store is not None:
            store.close()
    return 1 if failed else 0


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="cancu", description="Vietnamese legal documents -> knowledge graph -> API.")
    sub = p.add_subparsers(dest="command", required=True)
    sp = sub.add_parser("parse", help="print one JSON object per document (README: 'Parse output')")
    sp.add_argument("files", nargs="+", help="files or folders (txt, html, docx, pdf)")
    sp.set_defaults(func=cmd_parse)
    si = sub.add_parser("ingest", help="files or folders -> RDF, one named graph per document (N-Quads)")
    si.add_argument("paths", nargs="+")
    si.add_argument("-o", "--output", help="output folder (default: data/rdf, or $CANCU_DATA/rdf)")
    si.set_defaults(func=cmd_ingest)
    sl = sub.add_parser("load", help="load RDF into the store (Oxigraph on disk by default, or Neo4j)")
    sl.add_argument("paths", nargs="*", help="folders or files of RDF (default: data/rdf, or $CANCU_DATA/rdf)")
    sl.add_argument("--store", choices=["oxigraph", "neo4j"], default=None, help="default: $CANCU_STORE or oxigraph")
    sl.add_argument("--path", help="Oxigraph folder (default: data/oxigraph, or $CANCU_OXIGRAPH)")
    sl.add_argument("--neo4j", metavar="BOLT_URI", help="load into Neo4j at this URI (NEO4J_USER, NEO4J_PASSWORD)")
    sl.add_argument("--neo4j-import", metavar="NEO4J_HOME",
                    help="first load of a new Neo4j database, offline, with neo4j-admin import (server stopped; "
                         "an existing database is refused; conf from $NEO4J_CONF or NEO4J_HOME/conf)")
    sl.add_argument("--neo4j-lib", metavar="DIR", help="Neo4j jars for --neo4j-import (default NEO4J_HOME/lib)")
    sl.add_argument("--neo4j-database", default="neo4j", help="database for --neo4j-import (default neo4j)")
    sl.set_defaults(func=cmd_load)
    sv = sub.add_parser("serve", help="serve the API (default http://127.0.0.1:8000)")
    sv.add_argument("--host", default="127.0.0.1")
    sv.add_argument("--port", type=int, default=8000)
    sv.add_argument("--store", choices=["oxigraph", "neo4j"], default=None, help="default: $CANCU_STORE or oxigraph")
    sv.add_argument("--path", help="Oxigraph folder")
    sv.add_argument("--workers", type=int, default=1, help="worker processes (reads scale across cores; uploads need 1)")
    sv.add_argument("--access-log", action="store_true", help="log every request (off: a proxy in front usually does)")
    sv.set_defaults(func=cmd_serve)
    se = sub.add_parser("export", help="a document as Akoma Ntoso 3.0 XML (from the store, or straight from a file)")
    se.add_argument("--akn", action="store_true", required=True, help="Akoma Ntoso 3.0 (the one format for now)")
    se.add_argument("items", nargs="+", metavar="ID_OR_FILE", help="API id (qd-2022-186-btttt), IRI, or a file to parse")
    se.add_argument("-o", "--output", help="file (one document) or existing folder (<id>.akn.xml each); default stdout")
    se.set_defaults(func=cmd_export)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    from graph.store import StoreUnavailable

    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except StoreUnavailable as exc:  # a store that cannot be opened or was lost: its one line, exit 2
        _err(str(exc))
        return 2


if __name__ == "__main__":
    sys.exit(main())
