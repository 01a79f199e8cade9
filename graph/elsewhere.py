"""Page tables read from the store by processes of their own while this one builds the rest of the search index.

Each of the pages' reads is one core's work (Oxigraph evaluates a query on one thread, and the rows are Python's).
So the largest (the cc:Link provenance of role edges and of document links, the parts, the document fields) are
each read by a process that opens the same store read-only (`reopener`) and writes its table to a SQLite file of
its own; the index build copies a table in when it reaches it. The processes and the build share the cores as
the system schedules, so on two cores a load's pages take about half their summed work rather than all of it,
with no plan of who does what. If a
process cannot open the store or dies, the build says so in one line and reads that table itself: the rows are
the same either way (tested).
"""

from __future__ import annotations

import sqlite3
import sys
import time
from dataclasses import dataclass
from multiprocessing import get_context
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import Any, Callable, Iterable, Protocol

MIN_DOCUMENTS = 5000  # below this a process costs more to start (~1 s) than it saves
# A page file is written whole and then swapped in (or copied from), so a crash leaves only a file to delete: no
# journal, no syncs, and a 256 MB page cache for its index sorts (sorts stay in temporary files: in memory they
# took the build's peak from 1.3 to 2.1 GB at 100k).
BUILD_PRAGMAS = ("PRAGMA journal_mode=OFF", "PRAGMA synchronous=OFF", "PRAGMA cache_size=-262144")


def build_connection(target: str) -> sqlite3.Connection:
    """A connection to a page file being built (see BUILD_PRAGMAS)."""
    conn = sqlite3.connect(target, check_same_thread=False)
    for pragma in BUILD_PRAGMAS:
        conn.execute(pragma)
    return conn


class Reopenable(Protocol):
    def reopener(self) -> Callable[[], Any] | None:
        """A picklable call that opens this same store read-only in another process; None if none can (a store
        in memory)."""


@dataclass(frozen=True)
class Table:
    """A table of the index whose rows come from one store read: `rows(store)` must be a module-level function
    (it is sent to the process reading it)."""

    name: str
    schema: str  # CREATE TABLE …
    rows: Callable[[Any], Iterable[tuple]]

    def fill(self, conn: sqlite3.Connection, store: Any) -> int:
        before = conn.total_changes
        conn.executemany(f"INSERT INTO {self.name} VALUES ({','.join('?' * self._width(conn))})", self.rows(store))
        return conn.total_changes - before

    def _width(self, conn: sqlite3.Connection) -> int:
        return len(conn.execute(f"SELECT * FROM {self.name} LIMIT 0").description)


class Elsewhere:
    """`tables` being read by processes of their own, one each; `copy` waits for one and puts its rows in."""

    def __init__(self, opener: Callable[[], Any], target: Path, tables: list[Table]) -> None:
        ctx = get_context("spawn")  # fork would copy the open store handles
        self._readers: dict[str, tuple[BaseProcess, Connection, Path]] = {}
        for table in tables:
            file = target.with_name(f"{target.name}.{table.name}")
            file.unlink(missing_ok=True)
            answer, send = ctx.Pipe(duplex=False)
            process = ctx.Process(target=_read_elsewhere, args=(opener, str(file), table, send), daemon=True)
            process.start()
            send.close()
            self._readers[table.name] = (process, answer, file)

    def copy(self, conn: sqlite3.Connection, table: Table) -> int | None:
        """Wait until `table` is read, and insert its rows into the same table of `conn` (created by the caller);
        None if its process failed (one line on stderr): the caller then reads the rows itself."""
        _, answer, file = self._readers[table.name]
        try:
            seconds = answer.recv()  # EOFError if the process died
            if isinstance(seconds, str):
                raise RuntimeError(seconds)
        except (EOFError, OSError, RuntimeError) as exc:
            print(f"page tables: the process reading {table.name} failed ({type(exc).__name__}: {exc}); "
                  "reading it here", file=sys.stderr)
            return None
        conn.execute("ATTACH DATABASE ? AS elsewhere", (str(file),))
        try:
            before = conn.total_changes
            conn.execute(f"INSERT INTO {table.name} SELECT * FROM elsewhere.{table.name}")
            written = conn.total_changes - before
            conn.commit()
        finally:
            conn.execute("DETACH DATABASE elsewhere")
        conn.execute("INSERT INTO meta VALUES (?, ?)", (f"seconds_elsewhere_{table.name}", f"{seconds:.3f}"))
        return written

    def stop(self) -> None:
        """End the processes (if the build stopped early) and remove their files."""
        for process, answer, file in self._readers.values():
            if process.is_alive():
                process.terminate()
            process.join()
            answer.close()
            file.unlink(missing_ok=True)


def start(store: Reopenable, documents: int, target: Path | None, tables: list[Table],
          parallel: bool | None = None) -> Elsewhere | None:
    """Start reading `tables`, each in a process of its own (`parallel`: always, never, or by default from MIN_DOCUMENTS
    documents on), when the store can be opened there and the index is a file."""
    if target is None or parallel is False or (parallel is None and documents < MIN_DOCUMENTS):
        return None
    opener = store.reopener()
    return Elsewhere(opener, target, tables) if opener is not None else None


def fill(conn: sqlite3.Connection, store: Any, table: Table, elsewhere: Elsewhere | None) -> int:
    """The rows of `table` (created by the caller) from its process if one read them, else read here."""
    copied = elsewhere.copy(conn, table) if elsewhere is not None else None
    return table.fill(conn, store) if copied is None else copied


def _read_elsewhere(opener: Callable[[], Any], target: str, table: Table, send: Connection) -> None:
    """A reading process: `table` into the file `target`; sends its seconds, or one line saying why it failed."""
    t0 = time.perf_counter()
    try:
        store = opener()
        try:
            conn = build_connection(target)
            conn.execute(table.schema)
            table.fill(conn, store)
            conn.commit()
            conn.close()
        finally:
            store.close()
        send.send(time.perf_counter() - t0)
    except Exception as exc:  # any failure is the parent's one line, and it reads the table itself
        send.send(f"{type(exc).__name__}: {exc}")
