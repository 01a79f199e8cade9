"""SHACL validation of cancu RDF (shapes.ttl + ontology.ttl) with a report a person can read.

    ok, report = validate(dataset)      # rdflib Dataset / ConjunctiveGraph / Graph

A Dataset is validated one named graph at a time (each document graph together with the gazetteer
graph and the default graph), because the shapes state what ingest emits per source document: a
stub in one graph and the full document in another may carry different titles. No inference is
run; ontology.ttl is mixed into the data so that sh:class sees rdfs:subClassOf.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Iterator

import rdflib
from rdflib import RDF, BNode, Graph, Literal, URIRef
from rdflib.namespace import SH

from cancu.registry import CC, ELI, ORG, PROV, SKOS, XSD
from cancu.vocabulary_files import vocabulary_file

GAZETTEER_SUFFIX = "/graph/gazetteer"
ONTOLOGY_IRI = "https://w3id.org/cancu/ontology"
PREFIXES = {"cc": CC, "eli": ELI, "org": ORG, "prov": PROV, "skos": SKOS, "rdf": str(RDF), "xsd": XSD,
            "ccsh": "https://w3id.org/cancu/shapes#"}


@dataclass(frozen=True)
class Result:
    """One SHACL result, flattened to text."""

    severity: str  # Violation | Warning | Info
    focus: str
    path: str
    value: str
    message: str
    shape: str
    graph: str = ""


@lru_cache(maxsize=1)
def shapes_graph() -> Graph:
    return Graph().parse(data=vocabulary_file("shapes.ttl").read_text(encoding="utf-8"), format="turtle")


@lru_cache(maxsize=1)
def ontology_graph() -> Graph:
    return Graph().parse(data=vocabulary_file("ontology.ttl").read_text(encoding="utf-8"), format="turtle")


def validate(data: Graph, *, allow_warnings: bool = True) -> tuple[bool, str]:
    """Validate; return (conforms, readable report). Warnings fail only if allow_warnings is False."""
    results = check(data)
    failing = {"Violation"} if allow_warnings else {"Violation", "Warning"}
    ok = not any(r.severity in failing for r in results)
    return ok, format_report(results, graphs=_count_units(data))


def check(data: Graph) -> list[Result]:
    """All SHACL results over every validation unit, de-duplicated, in a stable order."""
    import pyshacl

    seen: dict[tuple[str, str, str, str], Result] = {}
    for label, unit in _units(data):
        _, report, _ = pyshacl.validate(
            unit,
            shacl_graph=shapes_graph(),
            ont_graph=ontology_graph(),
            inference="none",
            allow_warnings=True,
            advanced=False,
        )
        for r in _results(report, label):
            seen.setdefault((r.focus, r.path, r.value, r.message), r)
    order = {"Violation": 0, "Warning": 1, "Info": 2}
    return sorted(seen.values(), key=lambda r: (order.get(r.severity, 3), r.graph, r.focus, r.path))


def format_report(results: list[Result], graphs: int = 1) -> str:
    """Plain-text report: one block per result with graph, focus node, path, value and message."""
    counts = {s: sum(r.severity == s for r in results) for s in ("Violation", "Warning", "Info")}
    head = (
        f"SHACL validation of {graphs} graph(s): {counts['Violation']} violation(s), "
        f"{counts['Warning']} warning(s), {counts['Info']} info."
    )
    lines = [head]
    for i, r in enumerate(results, 1):
        lines.append("")
        lines.append(f"{i}. {r.severity}: {r.message}")
        if r.graph:
            lines.append(f"   graph:  {r.graph}")
        lines.append(f"   focus:  {r.focus}")
        if r.path:
            lines.append(f"   path:   {r.path}")
        if r.value:
            lines.append(f"   value:  {r.value}")
        lines.append(f"   shape:  {r.shape}")
    return "\n".join(lines)


# --- internals ---------------------------------------------------------------------------------


def _named_graphs(data: Graph) -> list[Graph] | None:
    if isinstance(data, rdflib.Dataset):
        return [g for g in data.graphs() if len(g)]
    if isinstance(data, rdflib.ConjunctiveGraph):
        return [g for g in data.contexts() if len(g)]
    return None


def _units(data: Graph) -> Iterator[tuple[str, Graph]]:
    """(label, graph) to validate: gazetteer alone first, then each document graph + gazetteer + default."""
    graphs = _named_graphs(data)
    if graphs is None:
        yield "", _merged(data)
        return
    shared = [g for g in graphs if _is_shared(g.identifier)]
    if shared:
        yield ", ".join(str(g.identifier) for g in shared), _merged(*shared)
    for g in graphs:
        if not _is_shared(g.identifier):
            yield str(g.identifier), _merged(g, *shared)


def _merged(*graphs: Graph) -> Graph:
    """One plain graph holding the triples of `graphs`."""
    out = Graph()
    for g in graphs:
        for t in g:
            out.add(t)
    return out


def _is_shared(identifier: object) -> bool:
    text = str(identifier)
    return text.endswith(GAZETTEER_SUFFIX) or text.startswith("urn:x-rdflib:") or isinstance(identifier, BNode)


def _count_units(data: Graph) -> int:
    graphs = _named_graphs(data)
    if graphs is None:
        return 1
    return max(1, sum(not _is_shared(g.identifier) for g in graphs) + any(_is_shared(g.identifier) for g in graphs))


def _results(report: Graph, label: str) -> Iterator[Result]:
    for node in report.subjects(RDF.type, SH.ValidationResult):
        severity = report.value(node, SH.resultSeverity)
        message = report.value(node, SH.resultMessage)
        yield Result(
            severity=_local(severity) if severity is not None else "Violation",
            focus=_focus(report.value(node, SH.focusNode)),
            path=_show_path(report, report.value(node, SH.resultPath)),
            value=_show(report.value(node, SH.value)),
            message=str(message) if message is not None else _default_message(report, node),
            shape=_shape_name(report.value(node, SH.sourceShape)),
            graph=label,
        )


def _focus(term) -> str:
    """Graph-wide checks are anchored on the ontology node; the offending node is in the message."""
    if str(term) == ONTOLOGY_IRI:
        return "(graph-wide check; the node is named in the message)"
    return _show(term)


def _shape_name(shape) -> str:
    """Named shape, or the named node shape that holds an inline property shape."""
    if isinstance(shape, BNode):
        parent = shapes_graph().value(predicate=SH.property, object=shape)
        return _curie(parent) + " (property)" if parent is not None else "(inline shape)"
    return _curie(shape) if shape is not None else ""


def _default_message(report: Graph, node) -> str:
    component = report.value(node, SH.sourceConstraintComponent)
    return f"constraint {_local(component)} failed" if component is not None else "constraint failed"


def _local(term) -> str:
    text = str(term)
    return text.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def _show(term) -> str:
    if term is None:
        return ""
    if isinstance(term, URIRef):
        return _curie(term)
    if isinstance(term, Literal):
        if term.language:
            return f'"{term}"@{term.language}'
        if term.datatype:
            return f'"{term}"^^{_curie(term.datatype)}'
        return f'"{term}"'
    if isinstance(term, BNode):
        return "(blank node: an inline shape)"
    return str(term)


def _show_path(g: Graph, term) -> str:
    if term is None:
        return ""
    if isinstance(term, BNode):
        inverse = g.value(term, SH.inversePath)
        if inverse is not None:
            return "^" + _curie(inverse) + " (inverse)"
        return "(complex path)"
    return _curie(term)


def _curie(iri) -> str:
    text = str(iri)
    for prefix, ns in PREFIXES.items():
        if text.startswith(ns) and "/" not in text[len(ns):]:
            return f"{prefix}:{text[len(ns):]}"
    return f"<{text}>"

