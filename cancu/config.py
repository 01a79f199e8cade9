"""Run-time settings: one typed `Settings`, built once per entry point (CLI flags over environment over defaults).

The CLI and `cancu serve` build it from their flags and pass it down (`graph.open_store(settings=)`,
`api.app.create_app(settings=)`); no module writes `os.environ`, and this is the only module that reads
the project's variables. Library code called without settings (a notebook minting IRIs, a reader
checking its size limits) asks `current()`, which reads the environment as it is now.
"""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Mapping

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def _env(name: str, parse: Callable[[str], Any] = str, floor: float | None = None, clamp: bool = True) -> Any:
    """Field metadata: the variable that sets it, how its text is read, and the least value it may take
    (a value under `floor` is raised to it, or with clamp=False ignored)."""
    return {"env": name, "parse": parse, "floor": floor, "clamp": clamp}


def _flag(raw: str) -> bool:
    return raw.strip().lower() not in ("", "0", "false", "no")


@dataclass(frozen=True)
class Settings:
    """Every setting of a run; the variable names and defaults are those the README lists."""

    base: str = field(default="http://127.0.0.1:8000", metadata=_env("CANCU_BASE"))
    data_dir: Path = field(default=PROJECT_ROOT / "data", metadata=_env("CANCU_DATA", Path))
    oxigraph: Path | None = field(default=None, metadata=_env("CANCU_OXIGRAPH", Path))  # None: data_dir/oxigraph
    store: str = field(default="oxigraph", metadata=_env("CANCU_STORE", str.lower))
    neo4j_uri: str = field(default="", metadata=_env("NEO4J_URI"))
    neo4j_user: str = field(default="neo4j", metadata=_env("NEO4J_USER"))
    neo4j_password: str = field(default="", metadata=_env("NEO4J_PASSWORD"))
    neo4j_database: str = field(default="", metadata=_env("NEO4J_DATABASE"))
    neo4j_conf: Path | None = field(default=None, metadata=_env("NEO4J_CONF", Path))
    java_home: Path | None = field(default=None, metadata=_env("JAVA_HOME", Path))
    api_key: str = field(default="", metadata=_env("CANCU_API_KEY"))
    admin_key: str = field(default="", metadata=_env("CANCU_ADMIN_KEY"))  # may replace corpus / CLI documents
    read_only_api: bool = field(default=False, metadata=_env("CANCU_READ_ONLY_API", _flag))
    max_upload: int = field(default=20 * 1024 * 1024, metadata=_env("CANCU_MAX_UPLOAD", int))
    cypher_max_rows: int = field(default=10_000, metadata=_env("CANCU_CYPHER_MAX_ROWS", int))
    query_timeout: float = field(default=30.0, metadata=_env("CANCU_QUERY_TIMEOUT", float))
    query_slots: int = field(default=4, metadata=_env("CANCU_QUERY_SLOTS", lambda s: int(float(s)), 1))
    # how long a query waits for a free slot before it answers 503 "busy" (the wait holds no thread)
    query_queue_wait: float = field(default=10.0, metadata=_env("CANCU_QUERY_QUEUE_WAIT", float))
    # rendered agency, platform and programme pages kept per worker and search index (api.rendered); 0: none
    page_cache_mb: float = field(default=64.0, metadata=_env("CANCU_PAGE_CACHE_MB", float, 0))
    sparql_max_depth: int = field(default=64, metadata=_env("CANCU_SPARQL_MAX_DEPTH", lambda s: int(float(s)), 1))
    sparql_max_patterns: int = field(default=1000, metadata=_env("CANCU_SPARQL_MAX_PATTERNS",
                                                                 lambda s: int(float(s)), 1))
    sparql_max_result: int = field(default=50_000_000, metadata=_env("CANCU_SPARQL_MAX_RESULT",
                                                                     lambda s: int(float(s)), 1024))
    max_bytes: int = field(default=20 * 1024 * 1024, metadata=_env("CANCU_MAX_BYTES", int, 1, clamp=False))
    max_pdf_pages: int = field(default=2000, metadata=_env("CANCU_MAX_PDF_PAGES", int, 1, clamp=False))
    max_inflated: int = field(default=50_000_000, metadata=_env("CANCU_MAX_INFLATED", int, 1, clamp=False))
    # every literal we store is a piece of the text: 4M characters stay under Oxigraph's 16 MiB per
    # literal even at 4 UTF-8 bytes each; the longest gazette text has 1.2M
    max_chars: int = field(default=4_000_000, metadata=_env("CANCU_MAX_CHARS", int, 1, clamp=False))
    # what one document may become (ingest.limits); in corpus/ the most is 36 citations, 6,656 quads, 2.4 s
    # (the first parse, which loads the name finder)
    max_citations: int = field(default=20_000, metadata=_env("CANCU_MAX_CITATIONS", int, 1, clamp=False))
    max_quads: int = field(default=2_000_000, metadata=_env("CANCU_MAX_QUADS", int, 1, clamp=False))
    max_parse_seconds: float = field(default=120.0, metadata=_env("CANCU_MAX_PARSE_SECONDS", float, 0.1, clamp=False))

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **flags: Any) -> Settings:
        """Defaults, overridden by the environment, overridden by `flags` (None = not given).

        A value that does not parse, or is under its floor (a size of 0), keeps the default: a typo in
        a limit must not switch the limit off."""
        env = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        for f in dataclasses.fields(cls):
            raw = env.get(f.metadata["env"], "")
            if not raw.strip():
                continue
            try:
                value = f.metadata["parse"](raw.strip() if f.name != "neo4j_password" else raw)
            except ValueError:
                continue
            floor = f.metadata["floor"]
            if floor is not None and value < floor:
                if not f.metadata["clamp"]:
                    continue
                value = type(value)(floor)
            values[f.name] = value
        values.update({k: v for k, v in flags.items() if v is not None})
        return cls(**values)

    @property
    def base_iri(self) -> str:
        """Base of every data IRI; defaults to the demo server so IRIs dereference there."""
        return self.base.rstrip("/")

    @property
    def oxigraph_path(self) -> Path:
        return Path(self.oxigraph) if self.oxigraph is not None else Path(self.data_dir) / "oxigraph"

    def as_env(self) -> dict[str, str]:
        """The variables that rebuild these settings in another process (`cancu serve --workers`)."""
        out = {}
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            if value not in (None, "", False):
                out[f.metadata["env"]] = "1" if value is True else str(value)
        return out


def current() -> Settings:
    """The settings the environment gives now, for library code called without any."""
    return Settings.from_env()


def base_iri() -> str:
    """Base of every data IRI; defaults to the demo server so IRIs dereference there."""
    return os.environ.get("CANCU_BASE", "").strip().rstrip("/") or Settings.base
