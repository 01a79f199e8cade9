"""First load of a new Neo4j database, offline: graph.neo4j_load's very graph, written as CSV and stored by
Neo4j's own bulk importer (`neo4j-admin database import full`).

Why: a transactional loader pays the server for every node look-up, lock and log record; measured here,
even a writer of prepared rows with nothing else to do stays under 3x rdflib-neo4j over Bolt. The importer
writes the store files directly. When: a database that does not exist yet, on a server whose files you
can reach, stopped (or never started). Not for a cluster or Aura, nor to add to a loaded database: the
importer refuses a database that exists (nothing is overwritten); `cancu load --neo4j` does those.

How: (1) per file, in worker processes, parse and group exactly as graph.neo4j_load does, write the
relationships (with provenance) and the ASSERTS records as CSV, and put each node's per-graph records in
one of a few buckets by a hash of its IRI; (2) per bucket, merge each node's records from every file and
compute labels, properties and `_view` with graph.neo4j_mapping's functions (so a node named by many
files is one node, exactly as the online loader leaves it), written as CSV grouped by property types;
(3) run the importer. One thing CSV cannot say: a list holding one empty string (`provision` [""] is a
preamble link). Such values are left out and recorded on a `:CancuImport` node; the first Neo4jStore
open puts them back (`settle`), right after it creates the schema, before anything reads.
"""

from __future__ import annotations

import datetime as dt
import gc
import hashlib
import json
import multiprocessing as mp
import os
import pickle
import re
import shutil
import subprocess
import tempfile
import time
import zlib
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

import orjson
from neo4j import Driver

from cancu.config import current
from graph import neo4j_mapping as nm
from graph.store import LoadError, StoreUnavailable

ARRAY = "\x1f"  # array delimiter in the CSV (unit separator): a value holding it cannot be imported
SETTLE_LABEL = "CancuImport"
_CTX = mp.get_context("fork")  # see graph.neo4j_load._CTX
_MULTILINE = re.compile(r"[\n\r]")  # rows holding these go to `-ml` files: only those are parsed the slow way
ML_PART_BYTES = 3 << 20  # the importer's multi-line reader cannot follow a row across its 4 MiB read buffer


class _Parts:
    """Rows with line breaks, in files of at most ML_PART_BYTES (`<stem>-ml<n>.csv`), opened on first use."""

    def __init__(self, out: Path, stem: str) -> None:
        self.out, self.stem, self.n, self.size, self.f = out, stem, 0, 0, None

    def write(self, row: str) -> None:
        data = row.encode("utf-8")
        if self.f is None or self.size + len(data) > ML_PART_BYTES:
            self.close()
            self.f = open(self.out / f"{self.stem}-ml{self.n}.csv", "wb")
            self.n, self.size = self.n + 1, 0
        self.f.write(data)
        self.size += len(data)

    def close(self) -> None:
        if self.f is not None:
            self.f.close()
            self.f = None

    def __enter__(self) -> "_Parts":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


@dataclass
class ImportReport:
    """What an import wrote: counts from our side, and the importer's own summary."""

    files: int
    graphs: int
    quads: int
    nodes: int
    relationships: int
    seconds_prepare: float = 0.0
    seconds_import: float = 0.0
    importer: str = ""
    settle_types: list[str] = field(default_factory=list)
    phases: dict[str, float] = field(default_factory=dict)


def _q(s: str) -> str:
    return '"' + s.replace('"', '""') + '"'


_TYPES = {str: "string", int: "long", dt.date: "date"}  # what graph.neo4j_load's properties hold


def _type_of(v: Any) -> str:
    """The importer's type of a property value; TypeError for anything else (never made by the loader)."""
    try:
        return _TYPES[type(v[0])] + "[]" if type(v) is list else _TYPES[type(v)]
    except KeyError:
        raise TypeError(type(v).__name__) from None


def _scalar(v: Any) -> str:
    if isinstance(v, int):  # 64 bits at most: graph.neo4j_mapping keeps a larger one as text
        return str(v)
    if isinstance(v, dt.date):
        return v.isoformat()
    return v


def _cell(v: Any, typ: str, where: str) -> str:
    """One CSV field: strings always quoted (an unquoted empty field means "no property")."""
    if typ.endswith("[]"):
        parts = [_scalar(x) for x in v]
        if any(ARRAY in p for p in parts):
            raise LoadError(f"{where}: a list value holds U+001F, which the import format cannot carry; "
                            "load with `cancu load --neo4j` instead")
        joined = ARRAY.join(parts)
        return _q(joined) if typ == "string[]" else joined
    s = _scalar(v)
    return _q(s) if typ == "string" else s


_LONG_DIGITS = re.compile(r"\d{19}")


def _loads(src: str) -> Any:
    """A record back from its JSON: orjson, but json where a number may pass 64 bits (orjson makes it a float)."""
    return json.loads(src) if _LONG_DIGITS.search(src) else orjson.loads(src)


def _bucket(uri: str, buckets: int) -> int:
    return zlib.crc32(uri.encode("utf-8", "surrogatepass")) % buckets


REL_HEADER = '":START_ID(R)",":END_ID(R)",":TYPE","graph"'
PROV_HEADER = REL_HEADER + ',"provision:string[]","quote:string[]","start:long[]","end:long[]"'
ASSERTS_HEADER = '":START_ID(G)",":END_ID(R)","src"'
GRAPHS_HEADER = '"iri:ID(G)",":LABEL","triples:long","mapping:long"'


def _split_file(job: tuple[int, str, str, int]) -> dict[str, Any]:
    """Phase 1, one file: relationship and ASSERTS CSV, node records into buckets; what the parent needs back."""
    idx, path_s, out_s, buckets = job
    path, out = Path(path_s), Path(out_s)
    by_graph = nm.parse(path)
    graphs = [(g, len(q)) for g, q in by_graph.items()]
    per_bucket: list[dict[str, dict[str, str]]] = [defaultdict(dict) for _ in range(buckets)]  # IRI -> graph -> src
    settle: set[str] = set()
    rels = 0
    prov_ml = _Parts(out, f"prov-{idx}")
    with prov_ml, open(out / f"rel-{idx}.csv", "w", encoding="utf-8", newline="") as plain, \
            open(out / f"prov-{idx}.csv", "w", encoding="utf-8", newline="") as prov, \
            open(out / f"asserts-{idx}.csv", "w", encoding="utf-8", newline="") as asserts:
        for g in list(by_graph):
            data = nm.graph_data(g, by_graph.pop(g))
            gq = _q(g)
            for s, per in data.contrib.items():
                src = nm.record_json(nm.record(per))  # the ASSERTS record; as text, it also pickles fast
                per_bucket[_bucket(s, buckets)][s][g] = src
                asserts.write(f"{gq},{_q(s)},{_q(src)}\n")
            for (s, p, o), provenance in data.edges.items():
                per_bucket[_bucket(o, buckets)].setdefault(o, {})
                props = nm.rel_props(g, provenance)
                t = nm.local(p)
                head = f"{_q(s)},{_q(o)},{_q(t)},{gq}"
                rels += 1
                if "provision" not in props:
                    plain.write(head + "\n")
                    continue
                where = f"{path}: graph {g}, {s} {t} {o}"
                cells = []
                for key, typ in (("provision", "string[]"), ("quote", "string[]")):
                    if props[key] == [""]:  # CSV cannot say it: left out, put back by settle()
                        settle.add(t)
                        cells.append("")
                    else:
                        cells.append(_cell(props[key], typ, where))
                cells += [_cell(props["start"], "long[]", where), _cell(props["end"], "long[]", where)]
                row = head + "," + ",".join(cells) + "\n"
                (prov_ml if _MULTILINE.search(row, 0, len(row) - 1) else prov).write(row)
    for k, part in enumerate(per_bucket):
        with open(out / f"b{k}" / f"f{idx}.pkl", "wb") as f:
            pickle.dump(dict(part), f, protocol=pickle.HIGHEST_PROTOCOL)
    asserted = sum(len(recs) for part in per_bucket for recs in part.values())
    return {"idx": idx, "path": path_s, "graphs": graphs, "rels": rels + asserted, "settle": sorted(settle)}


def _merge_bucket(job: tuple[int, str, int]) -> dict[str, Any]:
    """Phase 2, one bucket: every node whose IRI hashes here, merged over all files, as CSV by property types."""
    k, out_s, files = job
    out = Path(out_s)
    nodes: dict[str, dict[str, str]] = {}  # IRI -> graph -> record JSON ({} for a node only referenced)
    for i in range(files):
        with open(out / f"b{k}" / f"f{i}.pkl", "rb") as f:
            for uri, recs in pickle.load(f).items():
                nodes.setdefault(uri, {}).update(recs)
    shutil.rmtree(out / f"b{k}")
    shapes: dict[str, tuple[tuple[str, str], ...]] = {}
    sids: dict[tuple[tuple[str, str], ...], str] = {}
    handles: dict[str, Any] = {}
    multiline: dict[str, _Parts] = {}
    try:
        for uri, recs in nodes.items():
            labels, props = nm.node_row(uri, {g: _loads(src) for g, src in recs.items()}) if recs else \
                ([], {"uri": uri})
            where = f"node {uri}"
            try:
                shape = tuple(sorted((key, _type_of(v)) for key, v in props.items() if key != "uri"))
            except TypeError:
                raise LoadError(f"{where}: a property value of a type the import cannot carry") from None
            sid = sids.get(shape)
            if sid is None:  # a name that is the same in every bucket, so the parent can group the parts
                sid = sids[shape] = hashlib.blake2s(repr(shape).encode(), digest_size=6).hexdigest()
                shapes[sid] = shape
            if any(ARRAY in x for x in labels):
                raise LoadError(f"{where}: a type name holds U+001F, which the import format cannot carry")
            cells = [_q(uri), _q(ARRAY.join(["Resource", *labels]))] + [_cell(props[key], typ, where) for key, typ in shape]
            row = ",".join(cells)
            if _MULTILINE.search(row):
                if sid not in multiline:
                    multiline[sid] = _Parts(out, f"nodes-{sid}-b{k}")
                multiline[sid].write(row + "\n")
                continue
            if sid not in handles:
                handles[sid] = open(out / f"nodes-{sid}-b{k}.csv", "w", encoding="utf-8", newline="")
            handles[sid].write(row + "\n")
    finally:
        for h in [*handles.values(), *multiline.values()]:
            h.close()
    return {"bucket": k, "nodes": len(nodes), "shapes": shapes}


def _graphs_once(split: list[dict[str, Any]]) -> list[tuple[str, int]]:
    """(graph, triples) of every file, in file order; LoadError for a graph found in two files."""
    seen: dict[str, str] = {}
    graphs: list[tuple[str, int]] = []
    for r in split:
        for g, n in r["graphs"]:
            if g in seen:
                raise LoadError(f"{r['path']}: graph {g} is also in {seen[g]}; an import needs each graph in "
                                "one file (or load them one after another with `cancu load --neo4j`)")
            seen[g] = r["path"]
            graphs.append((g, n))
    return graphs


def write_csv(files: Iterable[Path], out: Path, workers: int | None = None) -> tuple[ImportReport, list[str]]:
    """Every file as importer input in `out` (a new or empty directory); the report and the importer's arguments.

    A graph found in two files is refused (the online loader would let the later file replace it; an
    import has no "later").
    """
    files = [Path(f) for f in files]
    workers = max(1, min(workers or os.cpu_count() or 1, max(1, len(files))))
    buckets = max(4, 4 * workers)
    if out.exists() and any(out.iterdir()):
        raise ValueError(f"{out}: not empty (write_csv writes into a directory of its own)")
    for k in range(buckets):
        (out / f"b{k}").mkdir(parents=True)
    jobs = [(i, str(f), str(out), buckets) for i, f in enumerate(files)]
    t0 = time.perf_counter()
    with _CTX.Pool(workers, initializer=gc.disable) as pool:  # see graph.neo4j_load._produce
        split = sorted(pool.imap_unordered(_split_file, jobs), key=lambda r: r["idx"])
        graphs = _graphs_once(split)
        t1 = time.perf_counter()
        merged = list(pool.imap_unordered(_merge_bucket, [(k, str(out), len(files)) for k in range(buckets)]))
    t2 = time.perf_counter()
    with open(out / "graphs.csv", "w", encoding="utf-8", newline="") as f:
        f.write(GRAPHS_HEADER + "\n")
        f.writelines(f'{_q(g)},"NamedGraph",{n},{nm.MAPPING}\n' for g, n in graphs)
    settle = sorted({t for r in split for t in r["settle"]})
    args = [f"--nodes={out / 'graphs.csv'}"]
    if settle:
        (out / "settle.csv").write_text(f'":ID(X)",":LABEL","types:string[]"\n"1",{_q(SETTLE_LABEL)},'
                                        f'{_cell(settle, "string[]", "settle")}\n', encoding="utf-8")
        args.append(f"--nodes={out / 'settle.csv'}")
    by_shape: dict[str, tuple[tuple[str, str], ...]] = {}
    for m in merged:
        by_shape.update(m["shapes"])
    for sid, shape in sorted(by_shape.items()):
        header = out / f"nodes-{sid}-header.csv"
        header.write_text(",".join([_q("uri:ID(R)"), _q(":LABEL")] + [_q(f"{k}:{t}") for k, t in shape]) + "\n",
                          encoding="utf-8")
        args.append("--nodes=" + ",".join(str(p) for p in [header, *sorted(out.glob(f"nodes-{sid}-b*.csv"))]))
    for name, header in (("rel", REL_HEADER), ("prov", PROV_HEADER)):
        (out / f"{name}-header.csv").write_text(header + "\n", encoding="utf-8")
        parts = [p for p in sorted(out.glob(f"{name}-*.csv")) if p.name != f"{name}-header.csv" and p.stat().st_size]
        if parts:
            args.append(f"--relationships={out / f'{name}-header.csv'}," + ",".join(str(p) for p in parts))
    (out / "asserts-header.csv").write_text(ASSERTS_HEADER + "\n", encoding="utf-8")
    args.append(f"--relationships=ASSERTS={out / 'asserts-header.csv'}," + ",".join(
        str(out / f"asserts-{i}.csv") for i in range(len(files))))
    multiline = sorted(str(p) for p in out.glob("*-ml*.csv"))
    if multiline:  # v2: only these files are read as multi-line CSV (v1 slows the whole import ~3x)
        args += ["--multiline-fields-format=v2", "--multiline-fields=" + ",".join(multiline)]
    report = ImportReport(files=len(files), graphs=len(graphs), quads=sum(n for _, n in graphs),
                          nodes=sum(m["nodes"] for m in merged) + len(graphs),
                          relationships=sum(r["rels"] for r in split), settle_types=settle,
                          phases={"split": round(t1 - t0, 2), "merge": round(t2 - t1, 2),
                                  "write_rest": round(time.perf_counter() - t2, 2)})
    return report, args


def _java() -> str:
    home = current().java_home
    java = str(Path(home) / "bin" / "java") if home else shutil.which("java")
    if not java or not Path(java).exists():
        raise StoreUnavailable("the Neo4j import needs Java 17+ (`java` on PATH or JAVA_HOME)")
    return java


def run_importer(args: list[str], home: Path, *, lib: Path | None = None, conf: Path | None = None,
                 database: str = "neo4j", report_file: Path | None = None) -> str:
    """`neo4j-admin database import full` into `home`'s data directory; the importer's summary, or a one-line error.

    `lib`: the Neo4j jars (default `home/lib`, as in a server install); `conf`: the directory of neo4j.conf
    (default $NEO4J_CONF, else `home/conf`).
    """
    lib = Path(lib) if lib else Path(home) / "lib"
    if not any(lib.glob("neo4j-import-tool-*.jar")):
        raise StoreUnavailable(f"no Neo4j import tool in {lib} (pass the Neo4j jars' directory)")
    conf = Path(conf) if conf else Path(current().neo4j_conf or Path(home) / "conf")
    cmd = [_java(), "-cp", f"{lib}/*", "org.neo4j.cli.AdminTool", "database", "import", "full", database,
           "--verbose", "--id-type=string", f"--array-delimiter=U+{ord(ARRAY):04X}", "--bad-tolerance=0",
           "--skip-bad-entries-logging=true", *args]
    scratch = None if report_file else tempfile.TemporaryDirectory(prefix="cancu-import-")
    cmd.append(f"--report-file={report_file or Path(scratch.name) / 'import.report'}")  # else it lands in the cwd
    home = Path(home).resolve()
    made = [d for d in (home / "data" / "databases" / database, home / "data" / "transactions" / database)
            if not d.exists()]
    env = {**os.environ, "NEO4J_HOME": str(home), "NEO4J_CONF": str(conf.resolve())}
    try:
        res = subprocess.run(cmd, capture_output=True, text=True, env=env)
    finally:
        if scratch:
            scratch.cleanup()
    text = (res.stdout + "\n" + res.stderr).strip()
    if res.returncode != 0:
        for d in made:  # a failed import leaves unusable store files: remove what it created, nothing else
            shutil.rmtree(d, ignore_errors=True)
        if re.search(r"already exist", text):
            raise LoadError(f"Neo4j database {database} already exists in {home}: an import only makes a new one "
                            "(to add to it, use `cancu load --neo4j`)")
        raise LoadError(f"Neo4j import into {home} (database {database}) failed: {_reason(text, res.returncode)}")
    return text[text.rfind("IMPORT DONE"):] if "IMPORT DONE" in text else text[-500:]


def _reason(text: str, code: int) -> str:
    """The importer's cause in one line (it prints a generic line last and the cause in the stack trace)."""
    lines = text.splitlines()
    causes = [ln.split(":", 1)[1] for ln in lines if ln.startswith("Caused by:")]
    errors = [ln for ln in lines if re.search(r"error|exception", ln, re.I) and not ln.lstrip().startswith("at ")]
    last = [ln for ln in lines if ln.strip() and not ln.lstrip().startswith("at ")][-1:]
    reason = (causes[-1:] or errors[:1] or last or [f"exit code {code}"])[0]
    return re.sub(r"\s+", " ", reason).strip()[:300]


def import_files(files: Iterable[Path], home: Path, *, lib: Path | None = None, conf: Path | None = None,
                 database: str = "neo4j", workdir: Path | None = None, workers: int | None = None) -> ImportReport:
    """Write the CSV (in a new directory under `workdir`, default `home`, deleted after) and run the importer."""
    if not Path(home).is_dir():
        raise StoreUnavailable(f"{home}: no such directory (NEO4J_HOME of the Neo4j to import into)")
    work = Path(tempfile.mkdtemp(prefix="cancu-import-", dir=workdir or home))
    t0 = time.perf_counter()
    try:
        report, args = write_csv(files, work, workers)
        t1 = time.perf_counter()
        report.importer = run_importer(args, Path(home), lib=lib, conf=conf, database=database,
                                       report_file=work / "import.report")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    report.seconds_prepare, report.seconds_import = round(t1 - t0, 2), round(time.perf_counter() - t1, 2)
    return report


def settle(driver: Driver, database: str | None = None) -> int:
    """Finish an import on first open: put back the values CSV could not carry; relationships mended.

    Idempotent (two API workers may open at once): only relationships still missing a value change.
    """
    recs = driver.execute_query(f"MATCH (x:{SETTLE_LABEL}) RETURN x.types AS t", database_=database).records
    if not recs:
        return 0
    mended = 0
    with driver.session(database=database) as session:
        for t in sorted({t for r in recs for t in (r["t"] or [])}):
            summary = session.run(
                f"MATCH ()-[r:{nm.cypher_name(t)}]->() WHERE r.start IS NOT NULL AND "
                "(r.provision IS NULL OR r.quote IS NULL) CALL (r) { SET r.provision = coalesce(r.provision, ['']), "
                "r.quote = coalesce(r.quote, ['']) } IN TRANSACTIONS OF 10000 ROWS").consume()
            mended += summary.counters.properties_set // 2
        session.run(f"MATCH (x:{SETTLE_LABEL}) DELETE x").consume()
    return mended
