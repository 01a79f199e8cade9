"""Parse quality on the Official Gazette (Công báo) texts, per document type, against each file's metadata.

    python -m bench.gazette_accuracy [DIR] [--diff]     # DIR: ../shared/gazette by default

The metadata JSON beside each text (`loai`, `nam`, the number in `so_hieu` or the `slug`) has known
defects (gazette README): `nam` is 0 or equals the number of a consolidated text, a slug drops leading
zeros, "Khác" names no type. Such values count as unknown, never as wrong. Writes
bench/results/gazette_accuracy.json; `scores(dir)` is importable so tests hold the targets.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
import traceback
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from bench.common import RESULTS, ROOT
from cancu.numbers import find_numbers
from cancu.text import fold, slug
from ingest.pipeline import parse_path
from ingest.readers import ReadError

DEFAULT_DIR = ROOT.parent / "shared" / "gazette"
# The metadata's `loai` -> the type cancu should give (None: the metadata does not say)
LOAI = {"Thông tư": "Thông tư", "VB HN": "Văn bản hợp nhất", "Nghị định": "Nghị định", "NQ": "Nghị quyết",
        "Nghị quyết": "Nghị quyết", "QĐ": "Quyết định", "Quyết định": "Quyết định", "Luật": "Luật",
        "Bộ luật": "Bộ luật", "TT Liên tịch": "Thông tư liên tịch", "Khác": None}
_CAN_CU = re.compile(r"^\s*Căn cứ\b", re.MULTILINE)


@dataclass
class Expected:
    """What the metadata says, each field None where it is unknown."""

    type: str | None
    number_key: str | None
    year: int | None


def expected(meta: dict[str, Any]) -> Expected:
    """Expected type, number and year from one metadata record, its known defects treated as unknown."""
    found = next(find_numbers(meta.get("so_hieu") or ""), None)  # so_hieu is sometimes the slug, or "Nghị định số …"
    key = number_key(str(found[0])) if found else _slug_number(meta.get("slug", ""))
    num = key.split("-")[0] if key else None
    nam = meta.get("nam")
    year = nam if isinstance(nam, int) and 1945 <= nam <= 2100 and str(nam) != num else None
    return Expected(LOAI.get(meta.get("loai", ""), None), key, year)


def number_key(number: str) -> str:
    """Slug of a number with leading zeros dropped ('07/2026/TT-BNV' -> '7-2026-tt-bnv'), the slug's own form."""
    key = slug(re.sub(r"^(\d+)\.(\d+)", r"\1\2", number))  # the slug drops the dot of "66.17/2026/NQ-CP"
    return re.sub(r"^0+(?=\d)", "", key)


def _slug_number(s: str) -> str | None:
    """The number inside a slug: 'nghi-dinh-so-158-2025-nd-cp-45240' -> '158-2025-nd-cp'."""
    m = re.search(r"(?:^|-)so-(\d+(?:-[a-z0-9]+)+)-\d+$", s)
    return re.sub(r"^0+(?=\d)", "", m[1]) if m else None


@dataclass
class TypeScore:
    files: int = 0
    parsed: int = 0
    tracebacks: int = 0
    number: list[int] = field(default_factory=lambda: [0, 0])  # right, known
    type: list[int] = field(default_factory=lambda: [0, 0])
    year: list[int] = field(default_factory=lambda: [0, 0])
    date: int = 0
    with_can_cu: int = 0
    with_bases: int = 0
    legal_bases: int = 0
    diffs: list[str] = field(default_factory=list)


def scores(folder: Path, pattern: str = "*.txt") -> tuple[dict[str, TypeScore], float]:
    """Per expected type: files, parsed, number/type/year right of known, legal bases; and bytes read per second."""
    from ingest.parse_worker import warm

    by_type: dict[str, TypeScore] = defaultdict(TypeScore)
    size, clock = 0, 0.0
    warm()  # spaCy's import and the gazetteer load once per process (as `cancu ingest` does before its workers)
    for path in sorted(folder.rglob(pattern)):
        meta_path = path.with_suffix(".json")
        if not meta_path.exists():
            continue
        exp = expected(json.loads(meta_path.read_text(encoding="utf-8")))
        s = by_type[exp.type or "(unknown)"]
        s.files += 1
        size += path.stat().st_size
        t0 = time.process_time()  # CPU time: "per core" on a shared machine
        try:
            doc = parse_path(path)
        except ReadError as exc:
            s.diffs.append(f"{path.name}: unreadable: {exc.problem}")
            continue
        except Exception:  # a traceback is what this script exists to count
            s.tracebacks += 1
            s.diffs.append(f"{path.name}: TRACEBACK {traceback.format_exc(limit=3)}")
            continue
        finally:
            clock += time.process_time() - t0
        if doc.doc_id and not any(e.startswith("header truncated") for e in doc.errors):
            s.parsed += 1
        else:
            s.diffs.append(f"{path.name}: not parsed: {'; '.join(doc.errors)}")
        got_key = number_key(doc.number) if doc.number else None
        for name, want, got in (("number", exp.number_key, got_key), ("type", exp.type, doc.type),
                                ("year", exp.year, int(doc.date_issued[:4]) if doc.date_issued else None)):
            if want is None:
                continue
            tally = getattr(s, name)
            tally[1] += 1
            if (fold(str(got)) if got else None) == fold(str(want)):
                tally[0] += 1
            else:
                s.diffs.append(f"{path.name}: {name} {got!r}, metadata {want!r}")
        s.date += bool(doc.date_issued)
        preamble_has_can_cu = bool(_CAN_CU.search(doc.text[: max(3000, len(doc.text) // 3)]))
        s.with_can_cu += preamble_has_can_cu
        s.with_bases += preamble_has_can_cu and bool(doc.legal_bases)
        if preamble_has_can_cu and not doc.legal_bases:
            s.diffs.append(f"{path.name}: Căn cứ lines but no legal basis")
        s.legal_bases += len(doc.legal_bases)
    return dict(by_type), size / clock / 1e6 if clock else 0.0


def identity_scores(folder: Path, pattern: str = "*.txt") -> dict[str, Any]:
    """Issue 14 over a batch as `cancu ingest` resolves it: real laws left as several nodes, laws of one name and
    year kept apart (each its own node), and of the legal bases whose target is itself in the folder, how many
    land on its ingested node."""
    from cancu.identity import date_of_id, name_key
    from cancu.numbers import LAW_TYPES
    from ingest import identity
    from ingest.pipeline import unstorable
    from ingest.resolve import number_of, registry_of, resolve

    docs = []
    for path in sorted(folder.rglob(pattern)):
        try:
            doc = parse_path(path)
        except Exception:  # counted by scores()
            continue
        if not unstorable(doc):
            docs.append(doc)
    registry = registry_of(docs)
    catalogue = identity.build(docs)
    for doc in docs:
        resolve(doc, registry)
        identity.apply(doc, catalogue)
    law_nodes: dict[tuple[str, Any], set[str]] = defaultdict(set)
    for doc in docs:
        for ref in doc.legal_bases + doc.cites:
            if ref.title and ref.type in LAW_TYPES and ref.doc_id:
                law_nodes[(name_key(ref.title), int(ref.date[:4]) if ref.date else ref.year)].add(ref.doc_id)
    # a split: one real law with several nodes (a name-and-year citation left unresolved between two is not one);
    # kept apart: two real laws of one name and year, each with its own node
    split, apart = [], []
    for (name, year), ids in sorted(law_nodes.items(), key=str):
        by_law, stray = real_laws(name, year, ids - set(catalogue.ambiguous))
        line = f"{name} ({year}): " + "; ".join([f"{law}: {nodes}" for law, nodes in by_law.items()] + (
            [f"{'no law of this date or number' if by_law else 'not checked'}: {stray}"] if stray else []))
        if any(len(nodes) > 1 for nodes in by_law.values()) or (stray and len(stray) + len(by_law) > 1):
            split.append(line)
        if len(by_law) > 1:
            apart.append(line)
    # the folder's own documents, by number and year, and laws by name and year (what the texts say of themselves)
    own_number = {(number_of(d.number).key, int(d.date_issued[:4]) if d.date_issued else None): d.doc_id
                  for d in docs if d.number}
    own_law = {(name_key(d.title), int(d.date_issued[:4])): d.doc_id
               for d in docs if d.type in LAW_TYPES and d.title and d.date_issued}
    in_folder, landed, misses = 0, 0, []
    for doc in docs:
        for ref in doc.legal_bases:
            want = own_number.get((number_of(ref.number).key, ref.year)) if ref.number else None
            if not want and ref.title:
                want = own_law.get((name_key(ref.title), int(ref.date[:4]) if ref.date else ref.year))
            if want:
                in_folder += 1
                landed += ref.doc_id == want
                if ref.doc_id != want:
                    misses.append(f"{doc.doc_id}: {ref.text[:80]} -> {ref.doc_id}, not {want}")
    # citations by name and a date the one law of that name and year does not have, taken for that law
    despite = [f"{i}: cited with {date_of_id(i)}, the law's date {', '.join(dates)} -> {catalogue.resolve(i)}"
               for i, dates in sorted(catalogue.despite_date.items())]
    return {"laws_cited_by_name": len(law_nodes), "laws_split": len(split), "split": split,
            "laws_apart": len(apart), "apart": apart, "resolved_despite_date": despite,
            "ambiguous": len(catalogue.ambiguous), "bases_to_folder": in_folder,
            "landed_on_ingested": landed / in_folder if in_folder else 1.0, "misses": misses}


KNOWN_LAWS = ROOT / "bench" / "known_laws.json"  # checked by hand: which laws of one name and year are real


def real_laws(name: str, year: int, ids: set[str]) -> tuple[dict[str, list[str]], list[str]]:
    """Nodes of one law name and year by the real law each is the node of (bench/known_laws.json, by date or
    number), and the nodes of no law listed: a citation's other date, or a name and year the file does not list."""
    from cancu.identity import date_of_id, number_of_id
    from cancu.numbers import number_of

    laws = _known_laws().get((name, year), [])
    by_law: dict[str, list[str]] = defaultdict(list)
    stray = []
    for i in sorted(ids):
        date, number = date_of_id(i), number_of_id(i)
        law = next((f"{law['number']} of {law['date']}" for law in laws if date == law["date"] or (
            number and number_of(number).key == number_of(law["number"]).key)), None)
        if law:
            by_law[law].append(i)
        else:
            stray.append(i)
    return dict(by_law), stray


@lru_cache(maxsize=1)
def _known_laws() -> dict[tuple[str, int], list[dict[str, str]]]:
    from cancu.identity import name_key

    out: dict[tuple[str, int], list[dict[str, str]]] = defaultdict(list)
    for law in json.loads(KNOWN_LAWS.read_text(encoding="utf-8"))["laws"]:
        out[(name_key(law["name"]), int(law["date"][:4]))].append(law)
    return dict(out)


def _ratio(pair: list[int]) -> float:
    return pair[0] / pair[1] if pair[1] else 1.0


def summary(by_type: dict[str, TypeScore], mb_s: float) -> dict[str, Any]:
    """Totals and per-type rows, as written to the results file."""
    rows = {}
    total = TypeScore()
    for name, s in sorted(by_type.items()):
        rows[name] = {"files": s.files, "parsed": s.parsed, "tracebacks": s.tracebacks,
                      "number": s.number, "type": s.type, "year": s.year, "date_found": s.date,
                      "with_can_cu": s.with_can_cu, "with_legal_bases": s.with_bases, "legal_bases": s.legal_bases}
        for f in ("files", "parsed", "tracebacks", "date", "with_can_cu", "with_bases", "legal_bases"):
            setattr(total, f, getattr(total, f) + getattr(s, f))
        for f in ("number", "type", "year"):
            setattr(total, f, [a + b for a, b in zip(getattr(total, f), getattr(s, f))])
    return {"by_type": rows, "total": {
        "files": total.files, "parsed": total.parsed / total.files if total.files else 0.0,
        "number": _ratio(total.number), "type": _ratio(total.type), "year": _ratio(total.year),
        "date_found": total.date / total.files if total.files else 0.0, "tracebacks": total.tracebacks,
        "can_cu_with_bases": total.with_bases / total.with_can_cu if total.with_can_cu else 1.0,
        "legal_bases": total.legal_bases, "parse_mb_s_one_core": round(mb_s, 2)}}


def table(result: dict[str, Any]) -> str:
    lines = ["| type | files | parsed | number | type | year | date found | Căn cứ → bases | legal bases |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for name, r in result["by_type"].items():
        lines.append(f"| {name} | {r['files']} | {r['parsed']} | {r['number'][0]}/{r['number'][1]} | "
                     f"{r['type'][0]}/{r['type'][1]} | {r['year'][0]}/{r['year'][1]} | {r['date_found']} | "
                     f"{r['with_legal_bases']}/{r['with_can_cu']} | {r['legal_bases']} |")
    t = result["total"]
    lines.append(f"| **all** | {t['files']} | {t['parsed']:.3f} | {t['number']:.3f} | {t['type']:.3f} | "
                 f"{t['year']:.3f} | {t['date_found']:.3f} | {t['can_cu_with_bases']:.3f} | {t['legal_bases']} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("folder", nargs="?", default=str(DEFAULT_DIR))
    ap.add_argument("--diff", action="store_true", help="list every difference")
    ap.add_argument("--out", default=str(RESULTS / "gazette_accuracy.json"))
    args = ap.parse_args(argv)
    folder = Path(args.folder)
    if not folder.is_dir():
        print(f"gazette_accuracy: no folder {folder}", file=sys.stderr)
        return 2
    by_type, mb_s = scores(folder)
    result = summary(by_type, mb_s)
    result["identity"] = ident = identity_scores(folder)
    print(table(result))
    print(f"identity: {ident['laws_split']} of {ident['laws_cited_by_name']} law names and years left as several "
          f"nodes of one law ({ident['ambiguous']} name-and-year citations with two candidates, kept unresolved); "
          f"legal bases to a document of the folder: {ident['bases_to_folder']}, "
          f"{ident['landed_on_ingested']:.3f} on its ingested node")
    for line in ident["split"] + ident["misses"]:
        print("  " + line)
    print(f"laws of one name and year, distinct dates (kept apart, correct): {ident['laws_apart']}")
    for line in ident["apart"]:
        print("  " + line)
    print(f"cited with a date the law does not have, taken for the one law of that name and year: "
          f"{len(ident['resolved_despite_date'])}")
    for line in ident["resolved_despite_date"]:
        print("  " + line)
    print(f"tracebacks: {result['total']['tracebacks']}; parse speed {mb_s:.2f} MB/s on one core")
    if args.diff:
        for s in by_type.values():
            for d in s.diffs:
                print("  " + d)
    Path(args.out).write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
