"""The graph pages' walk reads only what a page can show, and shows what the whole walk showed.

graph.neighbourhood once read every triple touching the nodes it reached (minutes a page at 100k documents, where
an agency has ~10^5 neighbours) and cut them in Python. It now asks the store for one rank of relations at a
time, sorted and cut there, and for the edges and facts among the kept nodes only. The whole walk is kept here,
as it was, as the oracle: on every document, entity, annex and annex row of the bundled corpus, at several
depths, caps and with mentions, both give the same nodes, facts, edges, quotes and cut; how many neighbours the cut
left out is counted among those checked only (a lower bound, as the page says)."""

from __future__ import annotations

from collections import defaultdict
import pytest

from cancu.iri import split_provision
from cancu.registry import ENTITY_KINDS
from corpus_store import corpus_store  # noqa: F401  (fixture)
from graph.neighbourhood import (_DETAIL_PROPS, CC, SKIP_PREDICATES, VOCAB_PREFIXES, Edge, Neighbourhood, _node,
                                 _select, _values, relation_name, relation_order, walk_neighbourhood)


@pytest.fixture(scope="module")
def store(corpus_store):  # noqa: ANN001, ANN201
    return corpus_store


def _whole_filter(var: str, mentions: bool) -> str:
    skip = ", ".join(f"<{p}>" for p in SKIP_PREDICATES + (() if mentions else (CC + "mentions",)))
    vocab = " && ".join(f'!STRSTARTS(STR(?{var}), "{ns}")' for ns in VOCAB_PREFIXES)
    return f"FILTER(isIRI(?{var}) && ?p NOT IN ({skip}) && {vocab})"


def _whole_adjacent(store, iris: list[str], mentions: bool) -> list[tuple[str, str, str]]:
    out = set()
    for vals in _values(iris):
        q = f"""SELECT DISTINCT ?s ?p ?o WHERE {{
          {{ VALUES ?s {{ {vals} }} ?s ?p ?o . {_whole_filter('o', mentions)}
             FILTER NOT EXISTS {{ ?o a cc:Link }} FILTER NOT EXISTS {{ ?o a cc:Signature }} }}
          UNION
          {{ VALUES ?o {{ {vals} }} ?s ?p ?o . {_whole_filter('s', mentions)}
             FILTER NOT EXISTS {{ ?s a cc:Link }} FILTER NOT EXISTS {{ ?s a cc:Signature }}
             FILTER(?p != eli:is_part_of || EXISTS {{ ?s a cc:Annex }} || EXISTS {{ ?s a cc:AnnexRow }}
                    || EXISTS {{ ?o a cc:Provision }}) }}
          UNION {{ VALUES ?s {{ {vals} }} ?s cc:signature/cc:signer ?o . BIND(cc:signer AS ?p) }}
          UNION {{ VALUES ?o {{ {vals} }} ?s cc:signature/cc:signer ?o . BIND(cc:signer AS ?p) }}
        }}"""
        out.update((r["s"], r["p"], r["o"]) for r in _select(store, q))
    return sorted(out)


def _whole_describe(store, iris: list[str]) -> dict:
    props = " ".join(f"<{p}>" for p in _DETAIL_PROPS)
    found = defaultdict(lambda: defaultdict(lambda: defaultdict(list)))
    for vals in _values(iris):
        for r in _select(store, f"SELECT ?n ?g ?p ?o WHERE {{ VALUES ?n {{ {vals} }} VALUES ?p {{ {props} }} "
                                f"GRAPH ?g {{ ?n ?p ?o }} }}"):
            found[r["n"]][_DETAIL_PROPS[r["p"]]][r["g"]].append(r["o"])
    out = {}
    for iri, by_prop in found.items():
        info = {"types": {v for vs in by_prop.get("type", {}).values() for v in vs}}
        document, provision = split_provision(iri)
        for name, by_graph in by_prop.items():
            if name != "type":
                own = by_graph.get(iri) or (by_graph.get(document) if provision else None)
                info[name] = min(own or [v for vs in by_graph.values() for v in vs])
        out[iri] = info
    return out


def _whole_quotes(store, iris: list[str]) -> dict:
    out = defaultdict(set)
    for vals in _values(iris):
        for r in _select(store, f"""SELECT DISTINCT ?s ?rel ?o ?quote WHERE {{ VALUES ?s {{ {vals} }}
                ?s cc:qualifiedLink ?l . ?l cc:linkRelation ?rel ; cc:linkTarget ?o ; cc:quote ?quote }}"""):
            out[(r["s"], r["rel"], r["o"])].add(r["quote"])
    return out


def whole_walk(store, start: str, depth: int, cap: int, mentions: bool) -> Neighbourhood:
    """The walk as it was before it was bounded: every neighbour read, ranked and cut in Python."""
    out = Neighbourhood(start=start, depth=depth, cap=cap, mentions=mentions)
    level, frontier = {start: 0}, [start]
    for d in range(1, depth + 1):
        if not frontier or out.cut:
            break
        candidates: dict[str, tuple[int, str]] = {}
        for s, p, o in _whole_adjacent(store, frontier, mentions):
            other = o if s in frontier else s
            if other not in level:
                key = (relation_order(relation_name(p)), other)
                candidates[other] = min(candidates.get(other, key), key)
        ordered = sorted(candidates, key=lambda i: candidates[i])
        room = cap - len(level)
        if len(ordered) > room:
            out.cut, out.omitted, ordered = True, len(ordered) - room, ordered[:room]
        level.update((iri, d) for iri in ordered)
        frontier = ordered
    iris = list(level)
    triples = [t for t in _whole_adjacent(store, iris, mentions) if t[0] in level and t[2] in level]
    info, quotes = _whole_describe(store, iris), _whole_quotes(store, iris)
    out.nodes = [_node(iri, info.get(iri), level[iri]) for iri in iris]
    out.edges = sorted((Edge(s, relation_name(p), o, tuple(sorted(quotes.get((s, p, o), ())))) for s, p, o in triples),
                       key=lambda e: (relation_order(e.relation), e.source, e.target))
    return out


def starts(store) -> list[str]:
    """Every document (ingested or cited), named entity, annex and annex row of the corpus."""
    classes = " ".join(f"<{c}>" for c in (CC + "LegalDocument", CC + "Annex", *(k.cls for k in ENTITY_KINDS)))
    q = f"SELECT DISTINCT ?x WHERE {{ VALUES ?t {{ {classes} }} ?x a ?t FILTER(isIRI(?x)) }}"
    return sorted(r["x"] for r in _select(store, q))


@pytest.mark.parametrize("depth,cap,mentions", [(1, 150, False), (2, 12, False), (2, 30, True), (3, 20, False),
                                                (3, 3, True)])
def test_the_bounded_walk_is_the_whole_walk(store, depth: int, cap: int, mentions: bool) -> None:
    nodes = starts(store)
    assert len(nodes) > 300, len(nodes)
    cut = 0
    for start in nodes:
        got, want = walk_neighbourhood(store, start, depth, cap, mentions), whole_walk(store, start, depth, cap, mentions)
        assert (got.nodes, got.edges, got.cut) == (want.nodes, want.edges, want.cut), start
        if want.cut:  # how many the cut left out: those checked, a lower bound
            assert 1 <= got.omitted <= want.omitted, start
        else:
            assert got.omitted == 0, start
        cut += got.cut
    assert cut or cap == 150, "no walk was cut: the cap is not exercised"
