"""The full text of each uploaded document, kept with the store, for the reader and the Akoma Ntoso export.

Why: a corpus document's text is read again from its cc:sourceFile (api.source_text), but an upload's file
lives only in a temporary directory for the request. So the text the parser saw (Document.text, which every
span indexes into) is kept here: in a `cancu-texts` folder inside an on-disk store's own directory (it goes
with the store when `cancu load` builds a new one), in memory beside a store without a directory (in-memory
tests, Neo4j). A file is named by a hash of the document IRI, never by anything the request chose, so no
request can write outside that folder; it is written whole to a temporary file before the graph is loaded
and moved into place only after the load succeeded (`kept_with`), so a refused upload changes nothing and
a replaced document's text is replaced with its graph. Readers still verify it against the graph
(api.source_text), as they do a corpus file.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import weakref
from functools import lru_cache
from pathlib import Path
from typing import Callable, TypeVar

from graph.store import OnDiskStore, Store, supports

TEXTS_DIR = "cancu-texts"
T = TypeVar("T")

_memory: weakref.WeakKeyDictionary[object, dict[str, str]] = weakref.WeakKeyDictionary()


def texts_dir(store: Store) -> Path | None:
    """The folder of uploaded texts inside the store's directory; None for a store without one."""
    if supports(store, OnDiskStore) and getattr(store, "path", None) is not None:
        return Path(store.path) / TEXTS_DIR  # type: ignore[arg-type]
    return None


def file_name(doc_iri: str) -> str:
    """A fixed-form name ('<sha256 hex>.txt') from the IRI alone: no separator or dot can reach a path."""
    return hashlib.sha256(doc_iri.encode("utf-8")).hexdigest() + ".txt"


def kept_with(store: Store, doc_iri: str, text: str, load: Callable[[], T], max_chars: int) -> T:
    """Run `load` (the graph's replacement) and keep `text` as the document's text if it succeeds.

    A text over `max_chars` (CANCU_MAX_CHARS, the reader's own bound) is not kept, nor is one whose folder
    is not a plain directory; the reader then shows the stored provisions, as before."""
    folder = texts_dir(store)
    if folder is None:
        result = load()
        kept = _memory.setdefault(store, {})
        if len(text) <= max_chars:
            kept[doc_iri] = text
        else:
            kept.pop(doc_iri, None)
        return result
    tmp = _write_aside(folder, text) if len(text) <= max_chars else None
    try:
        result = load()
    except BaseException:
        if tmp is not None:
            tmp.unlink(missing_ok=True)
        raise
    target = folder / file_name(doc_iri)
    if tmp is not None:
        os.replace(tmp, target)
    else:
        target.unlink(missing_ok=True)  # an earlier text of this IRI must not outlive its graph
    return result


def _write_aside(folder: Path, text: str) -> Path | None:
    """`text` in a new temporary file inside `folder` (created if missing), flushed to disk; None if the
    folder is a link or not a directory (nothing is written outside the store's directory)."""
    if folder.is_symlink() or (folder.exists() and not folder.is_dir()):
        return None
    folder.mkdir(exist_ok=True)
    fd, name = tempfile.mkstemp(dir=folder, prefix=".incoming-", suffix=".txt")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
    except BaseException:
        Path(name).unlink(missing_ok=True)
        raise
    return Path(name)


def read_kept(store: Store, doc_iri: str, max_chars: int) -> str | None:
    """The kept text of an uploaded document, or None (none kept, unreadable, or over `max_chars`)."""
    folder = texts_dir(store)
    if folder is None:
        return _memory.get(store, {}).get(doc_iri)
    path = folder / file_name(doc_iri)
    try:
        st = path.stat()
    except OSError:
        return None
    if folder.is_symlink() or st.st_size > 4 * max_chars:  # UTF-8: at most 4 bytes a character
        return None
    text = _read(str(path), st.st_mtime_ns, st.st_size)
    return text if text is not None and len(text) <= max_chars else None


@lru_cache(maxsize=8)
def _read(path: str, mtime_ns: int, size: int) -> str | None:
    """A kept text, cached by (path, mtime, size): a replaced text is a new file, read again."""
    try:
        with open(path, encoding="utf-8", newline="") as f:
            return f.read()
    except (OSError, UnicodeDecodeError):
        return None
