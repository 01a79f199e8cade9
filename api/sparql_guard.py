"""Refuse a SPARQL query that would harm the engine before the engine sees it.

Why: pyoxigraph parses and plans recursively on the native stack. A query a few KB long, with group
patterns, expressions or property paths nested some thousands deep, or a few thousand OPTIONAL / UNION /
BIND / triple patterns in a row, overflows it and kills the process (measured on pyoxigraph 0.5: braces
nested ~2,200 deep, ~2,600 MINUS or BIND in a row, ~5,000 object-list items). And `SERVICE` makes the
engine send HTTP requests to any address the query names: a public endpoint must not be a proxy into
the network it runs in (pyoxigraph 0.5 has no option to turn SERVICE off, so it is refused here).

`dataset` reads the graphs a query's FROM / FROM NAMED clauses name, so the endpoint can refuse a
dataset outside the store (api.sparql_pool checks them) and honour the ones inside it.

This is a lexer, not a parser: it skips strings (with SPARQL's escapes only) and comments as SPARQL does
and measures what is left.
Where it cannot tell how the engine will read some text, it counts more, never less: brackets inside
`<...>` count (the engine may read `<` as less-than: `?a<((((1))))>2` is an expression to it), and a
`)` there never lowers the depth.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Mapping
from urllib.parse import urljoin

_TOKEN = re.compile(
    r"""(?P<ws>\s+)
      | (?P<comment>\#[^\n\r]*)
      | (?P<string>\"\"\"(?:[^"\\]|\\[tbnrf"'\\]|"(?!""))*\"\"\"|'''(?:[^'\\]|\\[tbnrf"'\\]|'(?!''))*'''
                  |"(?:[^"\\\n\r]|\\[tbnrf"'\\])*"|'(?:[^'\\\n\r]|\\[tbnrf"'\\])*')
      | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
      | (?P<var>[?$][^\s{}()\[\].,;'"<>=!|&+*/^\#-]*)
      | (?P<number>\d+\.\d*[eE][+-]?\d+|\.?\d+[eE][+-]?\d+|\d*\.\d+|\d+)
      | (?P<name>(?:[^\W\d][\w.\-%\\]*)?:(?:[\w.\-:%\\]*[\w\-:%\\])?|[^\W\d]\w*)
      | (?P<open>[{(\[])
      | (?P<close>[})\]])
      | (?P<op>\|\||&&|!=|<=|>=|\^\^|[=<>+\-*/|^!])
      | (?P<sep>[.;,])
      | (?P<other>.)""",
    re.X | re.S,
)
# Keywords that add a node to the query's algebra (a sub-select, an optional part, a filter …).
_PATTERN_KEYWORDS = {"OPTIONAL", "UNION", "MINUS", "BIND", "FILTER", "GRAPH", "SERVICE", "VALUES", "SELECT", "EXISTS"}
_OPENS, _CLOSES = "{([", "})]"


@dataclass(frozen=True)
class QueryShape:
    """What the guard measures of a query: bracket nesting, algebra size, whether it calls a SERVICE."""

    depth: int  # deepest nesting of { } ( ) [ ] outside strings and comments
    patterns: int  # triple patterns, pattern keywords (OPTIONAL, UNION, BIND …) and expression operators
    service: bool  # the SERVICE keyword appears outside strings, IRIs and comments


def shape(query: str) -> QueryShape:
    """Measure `query` (any text: an unterminated string or stray character is measured as code)."""
    stack: list[str] = []  # open brackets (only their kind matters: a separator counts inside { or [)
    depth = patterns = 0
    service = False
    for m in _TOKEN.finditer(query):
        kind, text = m.lastgroup, m.group()
        if kind == "open":
            stack.append(text)
            depth = max(depth, len(stack))
        elif kind == "close":
            if stack:
                stack.pop()
        elif kind == "iri":
            peak, left = _brackets(text)
            depth = max(depth, len(stack) + peak)
            stack.extend("(" * left)
        elif kind == "name":
            word = text.upper()
            if word in _PATTERN_KEYWORDS:
                patterns += 1
                service = service or word == "SERVICE"
        elif kind == "op":
            patterns += 1
        elif kind == "sep" and (not stack or stack[-1] != "("):  # a triple pattern ends (not an argument list)
            patterns += 1
    return QueryShape(depth=depth, patterns=patterns, service=service)


def _brackets(text: str) -> tuple[int, int]:
    """(the deepest bracket nesting inside `text`, the brackets it leaves open), read as code; a close with
    nothing open does not lower the depth."""
    level = peak = 0
    for ch in text:
        if ch in _OPENS:
            level += 1
            peak = max(peak, level)
        elif ch in _CLOSES:
            level = max(0, level - 1)
    return peak, level


@dataclass(frozen=True)
class Dataset:
    """The graphs a query's own dataset clauses name: FROM (default) and FROM NAMED (named), as IRIs."""

    default: tuple[str, ...] = ()
    named: tuple[str, ...] = ()


def dataset(query: str, prefixes: Mapping[str, str]) -> Dataset:
    """The IRIs after FROM and FROM NAMED, prefixed names expanded by the query's PREFIX declarations over
    `prefixes`, relative IRIs resolved against its BASE. A name it cannot expand is kept as written: it
    then names no graph of the store, and the query is refused rather than run on a guess."""
    known = dict(prefixes)
    base = ""
    default: list[str] = []
    named: list[str] = []
    tokens = [m for m in _TOKEN.finditer(query) if m.lastgroup not in ("ws", "comment")]
    for i, m in enumerate(tokens):
        word = m.group().upper() if m.lastgroup == "name" else ""
        nxt = tokens[i + 1] if i + 1 < len(tokens) else None
        if word == "BASE" and nxt is not None and nxt.lastgroup == "iri":
            base = urljoin(base, nxt.group()[1:-1])
        elif word == "PREFIX" and i + 2 < len(tokens) and nxt is not None and nxt.group().endswith(":") \
                and tokens[i + 2].lastgroup == "iri":
            known[nxt.group()[:-1]] = urljoin(base, tokens[i + 2].group()[1:-1])
        elif word == "FROM" and nxt is not None:
            into = default
            if nxt.lastgroup == "name" and nxt.group().upper() == "NAMED":
                into, nxt = named, tokens[i + 2] if i + 2 < len(tokens) else None
            if nxt is not None:
                into.append(_iri(nxt.group(), nxt.lastgroup, known, base))
    return Dataset(tuple(default), tuple(named))


def _iri(text: str, kind: str | None, prefixes: Mapping[str, str], base: str) -> str:
    if kind == "iri":
        return urljoin(base, text[1:-1]) if base else text[1:-1]
    prefix, colon, local = text.partition(":")
    if kind == "name" and colon and prefix in prefixes:
        return prefixes[prefix] + local
    return text
