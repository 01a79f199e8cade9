"""graph.neo4j_mapping's node rows: the one-record shortcut gives what the general rule gives (pure, no server)."""

from __future__ import annotations

from typing import Any

import pytest

from graph import neo4j_mapping as nl

CC = nl.CC
X = "https://example.org/"  # fictional IRIs


def general(s: str, recs: dict[str, dict[str, list[Any]]]) -> list[Any]:
    return [sorted(nl.labels(recs.values()) - {"Resource"}),
            {**nl.properties(s, recs.values()), "_view": nl.view(recs.get(s), nl.union(recs.values()))}]


@pytest.mark.parametrize("s, recs", [
    (X + "a", {X + "a": {"@type": [CC + "Platform"], "skos:prefLabel": ["Nền tảng thử nghiệm A"]}}),
    (X + "a", {X + "g": {"@type": [CC + "Platform"], "skos:prefLabel": ["Nền tảng thử nghiệm A"]}}),
    (X + "d", {X + "d": {"@type": [CC + "Decision", CC + "LegalDocument"], "cc:number": ["1/QĐ-X"]}}),
    (X + "d", {X + "d": {"eli:date_document": [{"@d": "2022-03-01"}], "cc:year": [2022], "cc:number": ["1/QĐ-X"]}}),
    (X + "d", {X + "d": {"eli:date_document": [{"@d": "2022-02-30"}]}}),  # not a date: kept as text
    (X + "r", {X + "g": {"@type": [X + "Resource"], "cc:linkRelation": [{"@id": X + "rel"}]}}),
    (X + "c", {X + "g": {"cc:label": ["Công ty X"], "rdfs:label": ["Công ty Y"]}}),  # two keys, one local name
    (X + "m", {X + "g": {"cc:label": ["Công ty X", "Công ty Z"]}}),  # several values
    (X + "n", {X + "g": {"cc:label": ["Công ty X"]}, X + "h": {"cc:label": ["Công ty Y"], "cc:year": [2020]}}),
])
def test_node_row_equals_the_general_rule(s: str, recs: dict[str, dict[str, list[Any]]]) -> None:
    assert nl.node_row(s, recs) == general(s, recs)
