"""What a loadable RDF file is, for every store: N-Quads or TriG, every triple inside a named graph
(the graph is the unit a re-load replaces). Checked as the file is read, with errors naming the file."""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

import pyoxigraph as ox

from graph.store import LoadError

MAX_LINE = 16 * 1024 * 1024  # pyoxigraph's parser refuses a longer line (a literal must fit in one)
FORMATS = {".nq": ox.RdfFormat.N_QUADS, ".nquads": ox.RdfFormat.N_QUADS, ".trig": ox.RdfFormat.TRIG}


def read_quads(path: Path) -> Iterator[ox.Quad]:
    """The quads of an N-Quads/TriG file; LoadError (naming the file) for syntax, a triple outside a named graph or
    a triple term."""
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise LoadError(f"{path}: unsupported file type {path.suffix!r} (expected .nq or .trig)")
    try:
        for q in ox.parse(path=str(path), format=fmt):
            if not isinstance(q.graph_name, ox.NamedNode):
                raise LoadError(
                    f"{path}: triple outside a named graph ({q.subject} {q.predicate} …); "
                    "every triple must be in its document's graph so it can be replaced on re-load"
                )
            if type(q.object) is ox.Triple:  # RDF 1.2: no store reader takes a statement for a value
                raise LoadError(f"{path}: a triple term as a value ({q.subject} {q.predicate} <<( … )>>); "
                                "RDF 1.2 triple terms are not supported")
            yield q
    except LoadError:
        raise
    except FileNotFoundError as exc:
        raise LoadError(f"{path}: no such file") from exc
    except (SyntaxError, ValueError, OSError) as exc:
        raise LoadError(f"{path}: {exc}") from exc
    except MemoryError as exc:  # the parser's line buffer: a literal (or line) over what Oxigraph stores
        raise LoadError(f"{path}: a line or literal is longer than Oxigraph's limit of {MAX_LINE // (1 << 20)} MiB "
                        f"({exc})") from exc
