"""SPARQL queries run in a small pool of worker processes, so that a slow or crashing query costs one worker.

Why: pyoxigraph cannot cancel a query, and a query that overflows its stack kills the process it runs in.
In a thread, an abandoned query kept its CPU and its slot until it ended (four slow queries disabled
/sparql until restart) and a crash took the API down. Here each worker holds its own read-only store
handle; the API sends it one query at a time and waits up to CANCU_QUERY_TIMEOUT. Past that the worker
is killed (SIGKILL: the query stops at once) and a fresh one started; a worker that dies on a query is
replaced the same way. Either way that query answers 503 and the API stays up. The result is serialised
in the worker under a byte cap, so a huge result fails there, not in the API's memory.

Workers are forked from a fork server (multiprocessing "forkserver") that has imported the store code:
a replacement starts in milliseconds, and no worker inherits the API's threads or open store. A worker
reopens its store when the pool's generation changes (after an upload, or a reopened store), and reads
an in-memory store (tests) as an N-Quads copy sent with its first query.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing as mp
import signal
import threading
import weakref
from contextlib import asynccontextmanager
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import AsyncIterator, Callable, Union

import pyoxigraph as ox

from graph.oxigraph_store import OxigraphStore
from graph.store import NotAcceptable, ResultTooLarge, SparqlFormats, SparqlResult, StoreUnavailable

from api.errors import ApiError

log = logging.getLogger("cancu.api")

# Where a worker finds the store: ("path", directory) for one on disk, ("nquads", bytes) for a copy.
Source = tuple[str, Union[str, bytes]]


@dataclass(frozen=True)
class Job:
    query: str
    formats: SparqlFormats
    default_graph: list[str] | None
    named_graphs: list[str] | None
    max_bytes: int
    from_graphs: tuple[str, ...] = ()  # the query's own FROM / FROM NAMED graphs (api.sparql_guard.dataset)
    from_named: tuple[str, ...] = ()


class GraphNotInStore(ValueError):
    """The query's dataset names a graph the store does not hold: a public endpoint answers from its data only."""


# What a worker answers: ("ok", body, media type) or (error kind, message); kinds map back to exceptions.
_ERRORS: dict[str, type[Exception]] = {"forbidden": PermissionError, "not_acceptable": NotAcceptable,
                                        "outside": GraphNotInStore, "invalid": ValueError,
                                        "unavailable": StoreUnavailable, "too_large": ResultTooLarge}


def _kind(exc: Exception) -> str:
    for kind, cls in _ERRORS.items():  # NotAcceptable, GraphNotInStore before their base ValueError: dict order
        if isinstance(exc, cls):
            return kind
    return "internal"


def _open(source: Source) -> OxigraphStore:
    kind, value = source
    if kind == "path":
        return OxigraphStore(value, read_only=True)  # type: ignore[arg-type]
    store = OxigraphStore(None)
    store._store.load(value, format=ox.RdfFormat.N_QUADS)  # noqa: SLF001 - a copy of the API's in-memory store
    return store


def check_dataset(store: OxigraphStore, job: Job) -> None:
    """GraphNotInStore naming the first graph of the request's dataset (FROM, FROM NAMED, default-graph-uri,
    named-graph-uri) that is not a named graph of `store`. A key look-up per graph in this worker's own
    handle (pyoxigraph's contains_named_graph): no set to build or keep fresh after an upload."""
    given = (*(job.default_graph or ()), *(job.named_graphs or ()), *job.from_graphs, *job.from_named)
    for iri in dict.fromkeys(given):
        try:
            node = ox.NamedNode(iri)
        except ValueError:
            raise GraphNotInStore(f"{iri!r} is not an IRI") from None
        if not store._store.contains_named_graph(node):  # noqa: SLF001 - the worker's own handle
            raise GraphNotInStore(f"<{iri}> is not a graph of this store")


def serve(conn: Connection) -> None:
    """A worker's loop: (generation, source or None, Job) in, one answer out, until the API closes the pipe."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C stops the API, which then stops its workers
    store: OxigraphStore | None = None
    generation = None
    while True:
        try:
            gen, source, job = conn.recv()
        except (EOFError, OSError):
            return
        try:
            if gen != generation or store is None:
                if store is not None:
                    store.close()
                store, generation = None, None
                if source is None:
                    raise StoreUnavailable("the query worker has no store to open")
                store, generation = _open(source), gen
            check_dataset(store, job)
            # the protocol's default-graph-uri / named-graph-uri override the query's FROM / FROM NAMED (SPARQL
            # 1.1 Protocol §2.1.4); with neither, the store's default graph (the union of the documents' graphs)
            r = store.sparql(job.query, job.formats, default_graph=job.default_graph or list(job.from_graphs) or None,
                             named_graphs=job.named_graphs or list(job.from_named) or None, max_bytes=job.max_bytes)
            answer: tuple = ("ok", r.body, r.media_type)
        except Exception as exc:  # noqa: BLE001 - every failure goes back to the API as one line
            answer = (_kind(exc), str(exc) or type(exc).__name__)
        try:
            conn.send(answer)
        except (EOFError, OSError):
            return


class _Worker:
    def __init__(self, ctx: mp.context.BaseContext) -> None:
        self.conn, child = ctx.Pipe()
        self.process = ctx.Process(target=serve, args=(child,), name="cancu-sparql", daemon=True)
        self.process.start()
        child.close()
        self.generation: int | None = None

    def kill(self) -> None:
        self.process.kill()
        self.process.join(5)
        self.conn.close()


class SparqlPool:
    """At most `size` worker processes, each running one query at a time; see the module docstring."""

    def __init__(self, size: int, source: Callable[[], Source]) -> None:
        self._size, self._source = size, source
        self._idle: list[_Worker] = []
        self._running = 0  # workers alive (idle or busy)
        self._generation = 0
        self._cached: tuple[int, Source] | None = None
        self._lock = threading.Lock()
        # per event loop (one per API worker; tests run several): queries waiting for a slot, holding no thread
        self._gates: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Semaphore] = weakref.WeakKeyDictionary()
        self._ctx = mp.get_context("forkserver")
        self._ctx.set_forkserver_preload(["api.sparql_pool"])

    def refresh(self) -> None:
        """The store changed (written, or reopened): each worker reopens it before its next query."""
        with self._lock:
            self._generation += 1
            self._cached = None

    @asynccontextmanager
    async def slot(self, wait: float) -> AsyncIterator[None]:
        """Wait up to `wait` seconds for a free slot, then 503 "busy": 50 clients and 4 slots queue briefly instead
        of being refused at once (the queue is bounded by the wait; a refused client may retry)."""
        loop = asyncio.get_running_loop()
        with self._lock:
            gate = self._gates.setdefault(loop, asyncio.Semaphore(self._size))
        try:
            await asyncio.wait_for(gate.acquire(), wait)
        except asyncio.TimeoutError:
            raise ApiError(503, "busy", f"{self._size} queries kept every slot busy for {wait:g} s "
                                        "(CANCU_QUERY_QUEUE_WAIT); try again shortly") from None
        try:
            yield
        finally:
            gate.release()

    def run(self, job: Job, timeout: float) -> SparqlResult:
        """Run `job` in a free worker; the exceptions of OxigraphStore.sparql, or 503 if busy, late or crashed."""
        with self._lock:
            while self._idle and not self._idle[-1].process.is_alive():  # died while idle (e.g. out of memory)
                self._idle.pop().conn.close()
                self._running -= 1
            if self._idle:
                worker = self._idle.pop()
            elif self._running < self._size:
                worker = None
                self._running += 1
            else:
                raise ApiError(503, "busy", f"{self._size} queries are already running; try again shortly")
            generation = self._generation
        sent = False
        try:
            if worker is None:
                worker = _Worker(self._ctx)
            source = None if worker.generation == generation else self._source_for(generation)
            worker.conn.send((generation, source, job))
            sent, worker.generation = True, generation
            if not worker.conn.poll(timeout):
                self._replace(worker)
                raise ApiError(503, "query_timeout", f"the query ran longer than {timeout:g} s (CANCU_QUERY_TIMEOUT) "
                                                     "and was stopped; narrow it or add LIMIT")
            answer = worker.conn.recv()
        except (EOFError, OSError) as exc:  # the worker died on this query (or could not start)
            log.error("SPARQL worker failed (%s: %s); replaced", type(exc).__name__, exc)
            self._replace(worker)
            raise ApiError(503, "query_failed", "the query engine failed on this query and was restarted; "
                                                "simplify the query") from None
        except ApiError:
            raise
        except BaseException:  # e.g. the store cannot be found before sending: the worker is still good
            if worker is None:
                self._forget()
            elif sent:
                self._replace(worker)
            else:
                with self._lock:
                    self._idle.append(worker)
            raise
        if answer[0] == "unavailable":
            worker.generation = None  # it could not open the store: send the source again next time
        with self._lock:
            self._idle.append(worker)
        if answer[0] == "ok":
            return SparqlResult(answer[1], answer[2])
        cls = _ERRORS.get(answer[0])
        if cls is None:
            raise RuntimeError(f"query worker: {answer[1]}")
        raise cls(answer[1])

    def _source_for(self, generation: int) -> Source:
        """The store's source for this generation, computed once (an in-memory copy is serialised once)."""
        cached = self._cached
        if cached is not None and cached[0] == generation:
            return cached[1]
        source = self._source()
        with self._lock:
            if self._generation == generation:
                self._cached = (generation, source)
        return source

    def _replace(self, worker: _Worker | None) -> None:
        """Kill `worker` (freeing its slot at once) and start a fresh one for the next query."""
        if worker is not None:
            worker.kill()
        try:
            fresh = _Worker(self._ctx)
        except OSError as exc:
            log.error("cannot start a SPARQL worker: %s", exc)
            self._forget()
            return
        with self._lock:
            self._idle.append(fresh)

    def _forget(self) -> None:
        with self._lock:
            self._running -= 1

    def close(self) -> None:
        """Stop every idle worker (a busy one is killed by its own request's timeout, or at exit: daemon)."""
        with self._lock:
            idle, self._idle = self._idle, []
            self._running -= len(idle)
        for w in idle:
            w.conn.close()  # the worker sees EOF and returns
            w.process.join(2)
            if w.process.is_alive():
                w.kill()
