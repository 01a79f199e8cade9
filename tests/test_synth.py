"""bench/synth.py: the synthetic corpus carries platform tables that the real ingest reads as roles,
without changing the other documents of a seed (benchmark corpora stay comparable)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench import synth
from graph.oxigraph_store import OxigraphStore

PLATFORM_ROLES = {"governing_agency", "focal_unit", "ministry_focal_unit", "core_enterprise"}


def test_platform_tables_give_roles_with_provenance(tmp_path: Path) -> None:
    manifest = synth.write_corpus(tmp_path, 200, 7)
    assert manifest["platform_tables"] >= 1
    info = synth.write_rdf(tmp_path, workers=1)
    assert info["errors"] == 0
    store = OxigraphStore(None)
    for f in sorted((tmp_path / "rdf").glob("*.nq")):
        store.load(f)
    platforms = store.entities("platform")
    assert platforms
    roles = [r for p in platforms for r in store.roles(p.iri, "out") if r.role in PLATFORM_ROLES]
    assert {"governing_agency", "focal_unit", "core_enterprise"} <= {r.role for r in roles}
    for r in roles:
        assert r.provenance, r
        assert all(p.document and p.provision and "/phu_luc/" in p.provision and p.quote for p in r.provenance), r
    kinds = {r.role: r.entity_kind for r in roles}
    assert kinds["governing_agency"] == "agency" and kinds["core_enterprise"] == "enterprise"


def test_platform_tables_leave_other_documents_unchanged(monkeypatch: pytest.MonkeyPatch) -> None:
    with_tables = list(synth.Generator(300, 3).documents())
    monkeypatch.setattr(synth, "PLATFORM_SHARE", 0.0)
    without = list(synth.Generator(300, 3).documents())
    changed = 0
    for (path, text), (path0, text0) in zip(with_tables, without, strict=True):
        assert path == path0
        if text != text0:
            changed += 1
            assert text.startswith(text0) and "Doanh nghiệp nòng cốt" in text[len(text0):]
    assert changed >= 1
