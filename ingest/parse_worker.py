"""Parse documents in worker processes, each stopped once it runs past CANCU_MAX_PARSE_SECONDS.

Why: the parser is regular expressions and a name finder over text an uploader chose; Python cannot
interrupt a regex or native code in a thread, so a hostile text could hold a core (and an upload slot)
for as long as it likes. In a worker (pebble's ProcessPool) a document past its time is killed with its
process, which the pool replaces; the caller gets LimitExceeded for that document and goes on.
A server's workers are forked from a fork server that has imported the parser, and each warms it once;
the CLI's are forked from itself after warming it. The per-document cost is then pickling the Document
back and the pool's dispatch, ~0.5 ms a document (README, "Measured").
"""

from __future__ import annotations

import atexit
import multiprocessing as mp
import threading
from concurrent.futures import TimeoutError as FutureTimeout
from pathlib import Path
from typing import Iterable, Iterator

from pebble import ProcessPool
from pebble.common import ProcessExpired

from cancu.config import Settings
from ingest.limits import LimitExceeded, check_document, too_slow
from ingest.models import Document


# A plainly fictional text: its parse loads what the first parse of a worker would otherwise load (~1 s),
# so that time is not counted against the first document.
_WARM_TEXT = ("VĂN BẢN GIẢ LẬP\n\nBỘ THỬ NGHIỆM\n\nSố: 1/QĐ-TEST\n\nHà Nội, ngày 01 tháng 01 năm 2099\n\n"
              "QUYẾT ĐỊNH\n\nCăn cứ Nghị định số 1/2098/NĐ-TEST;\n\nQUYẾT ĐỊNH:\n\nĐiều 1. Nội dung hư cấu.\n")


def warm() -> None:
    """Load what a first parse loads (idempotent: a warm process returns at once)."""
    from ingest.pipeline import parse_text

    parse_text(_WARM_TEXT, "warm-up")


def parse_checked(path: str, settings: Settings) -> Document:
    """parse_path, then the citation limit (so a too-large document is refused before it is sent back)."""
    from ingest.pipeline import parse_path

    doc = parse_path(path)
    check_document(doc, settings)
    return doc


class ParsePool:
    """`workers` parse processes; `parse` / `parse_many` raise or yield LimitExceeded for a document past
    settings.max_parse_seconds or settings.max_citations.

    start="forkserver" (a server: its threads are not copied into workers); "fork" for the CLI, which warms
    the parser once in the parent (`warm()`) so every worker starts warm at no cost."""

    def __init__(self, workers: int, settings: Settings, start: str = "forkserver") -> None:
        ctx = mp.get_context(start)
        if start == "forkserver":
            ctx.set_forkserver_preload(["ingest.pipeline", "ingest.parse_worker"])
        self.settings, self.seconds = settings, settings.max_parse_seconds
        self._pool = ProcessPool(max_workers=workers, initializer=warm, context=ctx)

    def parse(self, path: Path | str) -> Document:
        """One document, or the exception its parse raised (ReadError, LimitExceeded …)."""
        future = self._pool.schedule(parse_checked, args=(str(path), self.settings), timeout=self.seconds)
        return _result(future, self.seconds)

    def parse_many(self, paths: Iterable[Path | str]) -> Iterator[Document | Exception]:
        """Each path's Document, or the exception its parse raised, in order; the batch always goes on.
        Every file is scheduled (and the workers started) before this returns."""
        futures = [self._pool.schedule(parse_checked, args=(str(p), self.settings), timeout=self.seconds)
                   for p in paths]
        return _results(futures, self.seconds)

    def close(self) -> None:
        self._pool.stop()
        self._pool.join()


def _results(futures: list, seconds: float) -> Iterator[Document | Exception]:
    for future in futures:
        try:
            yield _result(future, seconds)
        except Exception as exc:  # noqa: BLE001 - each file's failure is its own line
            yield exc


def _result(future: object, seconds: float) -> Document:
    try:
        return future.result()  # type: ignore[attr-defined]
    except FutureTimeout:
        raise too_slow(seconds) from None
    except ProcessExpired as exc:  # the worker died (out of memory, a crash in native code)
        raise RuntimeError(f"the parser process died ({exc})") from None


_shared: ParsePool | None = None
_shared_lock = threading.Lock()


def shared(settings: Settings) -> ParsePool:
    """One single-worker pool per process, for uploads (a parse at a time: uploads are rare and few)."""
    global _shared
    with _shared_lock:
        if _shared is None or _shared.settings != settings:
            if _shared is not None:
                _shared.close()
            _shared = ParsePool(1, settings)
            atexit.register(_shared.close)
        return _shared
