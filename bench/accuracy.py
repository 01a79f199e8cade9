"""Parse quality against the hand-made answers (GUIDE §7), eyecite-style: found / missed / wrong.

    python bench/accuracy.py            # prints the tables
    python bench/accuracy.py --diff     # also lists every difference

Annex rows: tests/gold/03-NQ-CP-annex.json (fields stt, task, lead, coordinating, product, deadline).
175/NQ-CP Phụ lục I: ../shared/gold/175-NQ-CP-annex.json, read from the Công báo PDF's geometry and
from the text copy (where no row may be stored: its layout cannot be read), when ../shared is there.
Header fields and legal bases: tests/gold/citations.json, if `ingest.pipeline.parse_path` exists.
The computations are importable (`annex_scores`, `header_scores`, `legal_base_scores`) so tests
can hold the thresholds.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from cancu.text import fold, nfc, squash  # noqa: E402
from ingest.models import AnnexRow  # noqa: E402
from ingest.tables import parse_annexes  # noqa: E402

CORPUS = ROOT / "corpus"
GOLD = ROOT / "tests" / "gold"
SHARED = ROOT.parent / "shared"
GOLD_175 = SHARED / "gold" / "175-NQ-CP-annex.json"
PDF_175 = SHARED / "gazette" / "pdf" / "bhxh" / "nghi-quyet-so-175-nq-cp-40286.pdf"
ANNEX_FIELDS = ("stt", "task", "lead", "coordinating", "product", "deadline")
HEADER_FIELDS = ("number", "type", "issuer", "signer", "date_issued", "date_in_force")


@dataclass
class Score:
    """Counts for one field: found (true positives), missed, wrongly found."""

    found: int = 0
    missed: int = 0
    wrong: int = 0
    diffs: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        d = self.found + self.wrong
        return self.found / d if d else 1.0

    @property
    def recall(self) -> float:
        d = self.found + self.missed
        return self.found / d if d else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def add(self, other: "Score") -> None:
        self.found += other.found
        self.missed += other.missed
        self.wrong += other.wrong
        self.diffs += other.diffs

    def count(self, gold: Counter, got: Counter) -> bool:
        """Add a multiset comparison: items in both found, only in the gold missed, only got wrong; True if equal."""
        self.found += sum((gold & got).values())
        self.missed += sum((gold - got).values())
        self.wrong += sum((got - gold).values())
        return gold == got

    def judge(self, same: bool, gold: object, got: object) -> bool:
        """Add one value: found when `same` (an empty gold counts nothing), else wrong if `got` is non-empty and
        missed if `gold` is; returns `same`."""
        if same:
            self.found += bool(gold)
        else:
            self.wrong += bool(got)
            self.missed += bool(gold)
        return same

    @classmethod
    def total(cls, scores: Iterable["Score"]) -> "Score":
        """The counts of `scores` summed (their differences stay with them)."""
        out = cls()
        for s in scores:
            out.add(Score(s.found, s.missed, s.wrong))
        return out


def annex_scores(rows: list[AnnexRow] | None = None, gold_path: Path | None = None) -> dict[str, Score]:
    """Per-field scores of parsed 03/NQ-CP annex rows against the gold; key 'overall' sums them.

    A row is matched by (annex label, STT). Text fields: equal after trimming and collapsing
    spaces → found; otherwise a non-empty prediction is wrong and a non-empty gold value missed.
    Agency lists: compared as multisets of items. Columns absent from an annex (gold null) are skipped.
    """
    gold = json.loads((gold_path or GOLD / "03-NQ-CP-annex.json").read_text(encoding="utf-8"))
    if rows is None:
        rows = parse_annexes(nfc((CORPUS / "03-NQ-CP-2025.txt").read_text(encoding="utf-8")))[1]
    pred = {(r.annex, r.stt): r for r in rows}
    scores = {f: Score() for f in ANNEX_FIELDS}
    seen = set()
    for annex in gold["annexes"]:
        label = annex["id"]
        for g in annex["rows"]:
            key = (label, g["stt"])
            seen.add(key)
            p = pred.get(key)
            where = f"{label} {g['stt']} (line {g['line']})"
            if p is None:
                scores["stt"].missed += 1
                scores["stt"].diffs.append(f"MISSED row {where}")
                for f in ANNEX_FIELDS[1:]:
                    scores[f].missed += _items(g.get(f))
                continue
            scores["stt"].found += 1
            for f in ANNEX_FIELDS[1:]:
                gv = g.get(f)
                if gv is None:
                    continue
                pv = getattr(p, f)
                s = scores[f]
                if isinstance(gv, list):
                    gc, pc = Counter(squash(x) for x in gv), Counter(squash(x) for x in (pv or []))
                    if not s.count(gc, pc):
                        s.diffs.append(f"{f} {where}: gold {sorted(gc)} got {sorted(pc)}")
                else:
                    gs, ps = squash(gv), squash(pv or "")
                    s.found += gs == ps == ""  # an empty cell read as empty counts as found here
                    if not s.judge(gs == ps, gs, ps):
                        s.diffs.append(f"{f} {where}: gold {gs[-80:]!r} got {ps[-80:]!r}")
    for key, p in pred.items():
        if key not in seen:
            scores["stt"].wrong += 1
            scores["stt"].diffs.append(f"EXTRA row {key[0]} {key[1]} (lines {p.lines})")
    scores["overall"] = Score.total(scores.values())
    return scores


def _items(value: Any) -> int:
    """How many gold items a value holds: a list's length, else 1 if non-empty."""
    return len(value) if isinstance(value, list) else int(bool(value))


# --- 175/NQ-CP Phụ lục I (rows and cells against the hand-made reading of the PDF) -------------

GRID_FIELDS = ("lead", "coordinating", "deadline")


def annex_rows_of_source(path: Path) -> tuple[list[AnnexRow], list[str]]:
    """Annex rows of one file as ingest stores them (a PDF through its geometry), and the warnings."""
    from ingest.readers import read_text

    errors: list[str] = []
    return parse_annexes(read_text(path), errors, str(path))[1], errors


def _lead_cell(row: AnnexRow) -> str:
    from ingest.tables import column_field

    return next((squash(v) for h, v in row.cells.items() if column_field(h) == "lead"), "")


def grid_scores(rows: list[AnnexRow], gold_path: Path | None = None) -> dict[str, Score]:
    """Rows and cells of 175/NQ-CP's Phụ lục I task table against the gold.

    A row is found when a stored row has the gold row's STT and task text (spaces collapsed); cells are
    compared on found rows: the lead cell as written (gold 'unit'), coordinating items as a multiset,
    the deadline as written. A stored row the gold lacks counts its cells wrong; a gold row not stored
    counts its cells missed. 'cells' sums lead, coordinating and deadline (the issue's F1 target).
    """
    gold = json.loads((gold_path or GOLD_175).read_text(encoding="utf-8"))
    pool = [r for r in rows if r.annex == gold["annex"]]
    scores = {f: Score() for f in ("rows", *GRID_FIELDS)}
    for g in gold["rows"]:
        key = (g["stt"], squash(g["task"]))
        p = next((r for r in pool if (r.stt, squash(r.task)) == key), None)
        where = f"{g['stt']} {g['task'][:40]!r} (p{g['page']})"
        gold_cells = {"lead": g["unit"], "coordinating": g["coordinating"], "deadline": g["deadline"]}
        if p is None:
            scores["rows"].missed += 1
            scores["rows"].diffs.append(f"MISSED row {where}")
            for f, gv in gold_cells.items():
                scores[f].missed += _items(gv)
            continue
        pool.remove(p)
        scores["rows"].found += 1
        got = {"lead": _lead_cell(p), "coordinating": p.coordinating, "deadline": p.deadline or ""}
        for f, gv in gold_cells.items():
            s, pv = scores[f], got[f]
            if isinstance(gv, list):
                same = s.count(Counter(map(squash, gv)), Counter(map(squash, pv)))
            else:
                same = s.judge(squash(gv) == squash(pv), gv, pv)
            if not same:
                s.diffs.append(f"{f} {where}: gold {gv!r} got {pv!r}")
    for p in pool:
        scores["rows"].wrong += 1
        scores["rows"].diffs.append(f"EXTRA row {p.stt} {p.task[:40]!r}")
        scores["lead"].wrong += int(bool(_lead_cell(p)))
        scores["coordinating"].wrong += len(p.coordinating)
        scores["deadline"].wrong += int(bool(p.deadline))
    scores["cells"] = Score.total(scores[f] for f in GRID_FIELDS)
    return scores


# --- platform roles (tests/gold/platforms.json, by hand from the corpus) -----------------------

STORED_PLATFORM_ROLES = ("governing_agency", "lead", "coordinating", "focal_unit", "ministry_focal_unit", "core_enterprise",
                         "operating", "connecting")


def platform_scores(docs: list[Any] | None = None) -> Score:
    """(platform, role, agency) triples the corpus yields against the hand-written answers; agencies
    compared by slug (punctuation and case aside), only the roles that reach the graph."""
    from cancu.text import slug
    from ingest.pipeline import parse_path

    gold = json.loads((GOLD / "platforms.json").read_text(encoding="utf-8"))["platforms"]
    if docs is None:
        docs = [parse_path(p) for p in sorted(CORPUS.glob("*.txt"))]
    want = Counter((p["label"], a["role"], slug(a["agency"])) for p in gold for a in p["agencies"])
    got = Counter({(r.subject, r.relation, slug(r.object)) for d in docs for r in d.roles
                   if r.subject_kind == "platform" and r.relation in STORED_PLATFORM_ROLES})
    s = Score()
    s.count(want, got)
    s.diffs += [f"MISSED {k}" for k in want - got] + [f"WRONG {k}" for k in got - want]
    return s


# --- header fields and legal bases (need ingest.pipeline.parse_path) ---------------------------


def _norm_number(s: str | None) -> str:
    return fold(s).replace(" ", "").replace("–", "-") if s else ""


def _law_key(title: str | None, year: int | str | None) -> str:
    return f"{fold(title or '')} {year or ''}".strip()


def _ref_keys(ref: Any) -> set[str]:
    keys = set()
    if getattr(ref, "number", None):
        keys.add(_norm_number(ref.number))
    title = getattr(ref, "title", None)
    year = getattr(ref, "year", None) or (ref.date[:4] if getattr(ref, "date", None) else None)
    if title:
        keys.add(_law_key(title, year))
    return keys


def _gold_ref_key(g: str) -> str:
    m = re.match(r"^(Luật|Bộ luật)\s.*\s(\d{4})$", g)
    if m:
        return _law_key(g[: -5], g[-4:])
    return _norm_number(g)


def _citations_gold(docs: list[Any] | None) -> tuple[list[dict[str, Any]], list[Any]]:
    """tests/gold/citations.json, and `docs` or else the documents it names, parsed."""
    from ingest.pipeline import parse_path

    gold = json.loads((GOLD / "citations.json").read_text(encoding="utf-8"))
    return gold, docs if docs is not None else [parse_path(str(ROOT / g["file"])) for g in gold]


def header_scores(docs: list[Any] | None = None) -> dict[str, Score]:
    """Per-field header scores against gold/citations.json."""
    gold, docs = _citations_gold(docs)
    scores = {f: Score() for f in HEADER_FIELDS}
    for g, d in zip(gold, docs):
        for f in HEADER_FIELDS:
            if f != "number" and f not in g:
                continue  # field not judged in the gold for this document
            gv = g.get("doc") if f == "number" else g.get(f)
            pv = getattr(d, f, None)
            s = scores[f]
            if f == "number":
                gv = re.sub(r"\s*\(.*\)$", "", gv or "")
                same = _norm_number(gv) == _norm_number(pv)
            else:
                same = fold(gv or "") == fold(pv or "")
            if not s.judge(same, gv, pv):
                s.diffs.append(f"{f} {g['doc']}: gold {gv!r} got {pv!r}")
    scores["overall"] = Score.total(scores.values())
    return scores


def legal_base_scores(docs: list[Any] | None = None) -> Score:
    """Legal bases against the gold: by canonical number, or law title + year."""
    gold, docs = _citations_gold(docs)
    s = Score()
    for g, d in zip(gold, docs):
        gk = Counter(_gold_ref_key(x) for x in g.get("legal_bases", []))
        pk: Counter[str] = Counter()
        for ref in getattr(d, "legal_bases", []):
            keys = _ref_keys(ref)
            hit = next((k for k in keys if k in gk), None)
            pk[hit or next(iter(keys), "?")] += 1
        s.count(gk, pk)
        if gk != pk:
            s.diffs.append(f"{g['doc']}: missed {sorted(gk - pk)} wrong {sorted(pk - gk)}")
    return s


def _table(title: str, scores: dict[str, Score]) -> str:
    out = [title, f"{'field':<14}{'found':>7}{'missed':>8}{'wrong':>7}{'P':>8}{'R':>8}{'F1':>8}"]
    for k, s in scores.items():
        out.append(f"{k:<14}{s.found:>7}{s.missed:>8}{s.wrong:>7}{s.precision:>8.3f}{s.recall:>8.3f}{s.f1:>8.3f}")
    return "\n".join(out)


def _print_diffs(scores: Iterable[Score]) -> None:
    """Every difference behind `scores` (a total carries none of its own: Score.total)."""
    for s in scores:
        for d in s.diffs:
            print("  ", d)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--diff", action="store_true", help="list every difference")
    args = ap.parse_args(argv)
    a = annex_scores()
    print(_table("03/NQ-CP annex rows (tests/gold/03-NQ-CP-annex.json)", a))
    if args.diff:
        _print_diffs(a.values())
    if GOLD_175.exists():
        for title, path in (("PDF geometry", PDF_175), ("text copy", CORPUS / "175-NQ-CP-2023.txt")):
            if not path.exists():
                continue
            rows, warnings = annex_rows_of_source(path)
            g = grid_scores(rows)
            print("\n" + _table(f"175/NQ-CP Phụ lục I from the {title} ({path.name}; ../shared/gold/175-NQ-CP-annex.json)", g))
            for w in warnings:
                print("  warning:", w)
            if args.diff:
                _print_diffs(g.values())
    ps = platform_scores()
    print("\n" + _table("Platform roles on corpus/ (tests/gold/platforms.json)", {"platform_roles": ps}))
    if args.diff:
        _print_diffs([ps])
    h = header_scores()
    print("\n" + _table("Header fields (tests/gold/citations.json)", h))
    lb = legal_base_scores()
    print("\n" + _table("Legal bases (tests/gold/citations.json)", {"legal_bases": lb}))
    if args.diff:
        _print_diffs([*h.values(), lb])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
