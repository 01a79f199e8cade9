"""`cancu parse` on every corpus file against tests/gold/citations.json, field by field.

Runs the real CLI (a subprocess), so it tests what a user gets. Every difference is printed.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from cancu.text import fold

ROOT = Path(__file__).resolve().parent.parent
GOLD = json.loads((ROOT / "tests/gold/citations.json").read_text(encoding="utf-8"))
HEADER_FIELDS = ["number", "type", "issuer", "signer", "date_issued", "date_in_force"]


@pytest.fixture(scope="module")
def parsed() -> dict[str, dict]:
    files = [str(ROOT / g["file"]) for g in GOLD]
    out = subprocess.run([sys.executable, "-m", "cancu.cli", "parse", *files], capture_output=True, text=True,
                         cwd=ROOT)
    assert out.returncode == 0, out.stderr
    records = [json.loads(line) for line in out.stdout.splitlines()]
    return {Path(r["source"]).name: r for r in records}


def ref_label(ref: dict) -> str:
    """How the gold names a legal basis: the number, or a law by title + year."""
    if ref.get("title"):
        year = (ref.get("date") or "")[:4] or str(ref.get("year") or "")
        return f"{ref['title']} {year}".strip()
    return ref["number"]


def _gold_number(doc: str) -> str:
    return re.sub(r"\s*\(.*\)$", "", doc)


def compare(gold: dict, got: dict) -> list[str]:
    """Differences between one gold record and one parse record, as readable lines."""
    diffs = []
    expected = {"number": _gold_number(gold["doc"]), **{f: gold.get(f) for f in HEADER_FIELDS[1:]}}
    for f in HEADER_FIELDS:
        if f == "date_in_force" and f not in gold:
            continue
        if expected[f] != got.get(f):
            diffs.append(f"{gold['file']}: {f}: expected {expected[f]!r}, got {got.get(f)!r}")
    want = Counter(fold(x) for x in gold["legal_bases"])
    have = Counter(fold(ref_label(r)) for r in got["legal_bases"])
    for missing in want - have:
        diffs.append(f"{gold['file']}: legal basis missed: {missing}")
    for extra in have - want:
        diffs.append(f"{gold['file']}: legal basis wrongly found: {extra}")
    for detail in gold.get("legal_bases_detail", []):
        match = [r for r in got["legal_bases"] if fold(ref_label(r)) == fold(detail["ref"])
                 and (r.get("date") == detail.get("date") or detail.get("date") is None)]
        if not match:
            diffs.append(f"{gold['file']}: legal basis {detail['ref']} ({detail.get('date')}) not found with that date")
            continue
        if "issuer" in detail and match[0].get("issuer") != detail["issuer"]:
            diffs.append(f"{gold['file']}: legal basis {detail['ref']}: issuer expected {detail['issuer']!r}, "
                         f"got {match[0].get('issuer')!r}")
    return diffs


def test_every_corpus_file_matches_gold(parsed: dict[str, dict]) -> None:
    diffs: list[str] = []
    for gold in GOLD:
        got = parsed.get(Path(gold["file"]).name)
        if got is None:
            diffs.append(f"{gold['file']}: no parse record")
            continue
        diffs += compare(gold, got)
    print("\n".join(diffs) or "all fields match")
    assert not diffs, "\n" + "\n".join(diffs)


def test_nested_references_are_citations_not_bases(parsed: dict[str, dict]) -> None:
    """'… thực hiện Nghị quyết số 52-NQ/TW …' inside the 50/NQ-CP line of 749/QĐ-TTg is a citation."""
    rec = parsed["749-QD-TTg-2020.txt"]
    nested = [c for c in rec["cites"] if c.get("nested")]
    assert [c["number"] for c in nested] == ["52-NQ/TW"]
    assert "50/NQ-CP" in nested[0]["text"]


def test_same_number_different_year_stay_two_documents(parsed: dict[str, dict]) -> None:
    bases = [r for r in parsed["411-QD-TTg-2022.txt"]["legal_bases"] if r.get("number") == "50/NQ-CP"]
    assert sorted(r["doc_id"] for r in bases) == ["nq-2020-50-cp", "nq-2021-50-cp"]


def test_body_citation_gets_year_from_sentence_date(parsed: dict[str, dict]) -> None:
    """2390/BTTTT-THH: 'Ngày 03/6/2020, Thủ tướng Chính phủ đã ban hành Quyết định số 749/QĐ-TTg …'."""
    cites = parsed["2390-BTTTT-THH-2020.txt"]["cites"]
    assert [c["doc_id"] for c in cites if c["number"] == "749/QĐ-TTg"] == ["qd-2020-749-ttg"]


def test_repeal_wording_gives_repeals(parsed: dict[str, dict]) -> None:
    rec = parsed["20-2021-TT-BLDTBXH.txt"]
    repealed = {c["number"] for c in rec["cites"] if c["relation"] == "repeals"}
    assert repealed == {"35/2017/TT-BLĐTBXH"}
    assert all(c["relation"] == "cites" for c in parsed["29-2026-TT-BTC.txt"]["cites"])
