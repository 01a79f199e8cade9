"""Fuzz (Hypothesis): the document reader and the citation grammar on random and mutated real input.

What must hold for any input: the reader raises nothing but ReadError (its documented refusal), the
number grammar nothing but DocNumber.parse's ValueError, and find_refs / parse_text nothing at all; every
example finishes within its deadline (a regex gone quadratic or a reader looping shows up as a deadline
error). Real text comes from corpus/; containers (HTML, DOCX, PDF) are built from the fictional reader
fixtures. The whole module runs in well under a minute (max_examples below).
"""

from __future__ import annotations

import sys
import tempfile
from datetime import timedelta
from functools import lru_cache
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).parent / "fixtures"))
import make_inputs as mk  # noqa: E402

from cancu.numbers import DocNumber, find_numbers  # noqa: E402
from ingest.citations import find_refs  # noqa: E402
from ingest.pipeline import parse_text  # noqa: E402
from ingest.readers import ReadError, read_text  # noqa: E402

CORPUS = sorted((Path(__file__).resolve().parents[1] / "corpus").glob("*.txt"))
FAST = dict(deadline=timedelta(seconds=2), suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
# Pieces of the citation grammar, so that random text often comes close to a citation.
GRAMMAR = ["Căn cứ ", "Nghị định số ", "Luật ", "số ", "/", "-", "NĐ-CP", "QĐ-TTg", "TT-BTTTT", "QH15", "năm ",
           "ngày ", " tháng ", "Điều ", "khoản ", "điểm ", "của ", "Chính phủ", "; ", ", ", "\n", "(", ")", "Đ",
           "được sửa đổi, bổ sung bởi", "9999", "2020", "12", "a", " ", "văn bản hợp nhất", "kèm theo", "VBHN"]


@lru_cache(maxsize=None)
def real_text(i: int) -> str:
    return CORPUS[i % len(CORPUS)].read_text(encoding="utf-8")


@lru_cache(maxsize=1)
def containers() -> dict[str, bytes]:
    """One real or fictional file per container the reader knows, to mutate."""
    lines = [line for line in mk.document_text().splitlines() if line.strip()]
    return {".txt": CORPUS[0].read_bytes(), ".html": mk.html_page().encode("utf-8"), ".docx": mk.docx_bytes(),
            ".pdf": mk.text_pdf([lines[:20], lines[20:40]])}


@st.composite
def mutated(draw: st.DrawFn, data: bytes | str, pieces: st.SearchStrategy) -> bytes | str:
    """`data` after a few random edits: flip, delete, insert, duplicate a span, or cut the end."""
    for _ in range(draw(st.integers(1, 8))):
        n = len(data)
        at = draw(st.integers(0, max(0, n - 1)))
        span = draw(st.integers(0, 64))
        op = draw(st.sampled_from(["flip", "delete", "insert", "duplicate", "cut"]))
        if op == "flip" and n:
            data = data[:at] + draw(pieces)[:1] + data[at + 1:]
        elif op == "delete":
            data = data[:at] + data[at + span:]
        elif op == "insert":
            data = data[:at] + draw(pieces) + data[at:]
        elif op == "duplicate":
            data = data[:at] + data[at:at + span] * draw(st.integers(2, 50)) + data[at:]
        elif op == "cut" and n:
            data = data[:at]
    return data


def _read(data: bytes, suffix: str) -> None:
    with tempfile.TemporaryDirectory(prefix="cancu-fuzz-") as tmp:
        path = Path(tmp) / f"fuzz{suffix}"
        path.write_bytes(data)
        try:
            assert isinstance(read_text(path), str)
        except ReadError as exc:
            assert str(path) in str(exc) and "\n" not in str(exc)  # one line naming the file


@settings(max_examples=60, **FAST)
@given(data=st.binary(max_size=4096), suffix=st.sampled_from([".txt", ".html", ".docx", ".pdf", ".bin"]))
def test_reader_on_random_bytes(data: bytes, suffix: str) -> None:
    _read(data, suffix)


@settings(max_examples=80, **FAST)
@given(st.sampled_from(sorted(containers())).flatmap(
    lambda kind: st.tuples(st.just(kind), mutated(containers()[kind], st.binary(min_size=1, max_size=32)))))
def test_reader_on_mutated_files(case: tuple[str, bytes]) -> None:
    suffix, data = case
    _read(data, suffix)


grammar_text = st.lists(st.one_of(st.sampled_from(GRAMMAR), st.text(max_size=8)), max_size=60).map("".join)


def _numbers(text: str) -> None:
    for number, start, end in find_numbers(text):
        assert 0 <= start < end <= len(text) and isinstance(number, DocNumber)
    try:
        DocNumber.parse(text)
    except ValueError:
        pass


@settings(max_examples=300, **FAST)
@given(grammar_text)
def test_number_grammar_on_random_text(text: str) -> None:
    _numbers(text)
    for found in find_refs(text, 7):
        assert 7 <= found.start <= found.end <= len(text) + 7


@settings(max_examples=100, **FAST)
@given(st.integers(0, 10_000).flatmap(lambda i: st.tuples(st.just(i), st.integers(0, 50_000))).flatmap(
    lambda ij: mutated(real_text(ij[0])[ij[1] % 40_000: ij[1] % 40_000 + 3000], grammar_text)))
def test_citation_grammar_on_mutated_real_text(text: str) -> None:
    _numbers(text)
    for found in find_refs(text):
        assert 0 <= found.start <= found.end <= len(text)


@settings(max_examples=40, **{**FAST, "deadline": timedelta(seconds=5)})
@given(st.integers(0, 10_000).flatmap(lambda i: mutated(real_text(i), grammar_text)))
def test_parse_text_on_mutated_real_documents(text: str) -> None:
    doc = parse_text(text, "fuzz")
    for ref in (*doc.legal_bases, *doc.cites, *doc.related):
        assert 0 <= ref.start <= ref.end <= len(doc.text)


@settings(max_examples=60, **FAST)
@given(grammar_text)
def test_parse_text_on_random_text(text: str) -> None:
    assert parse_text(text, "fuzz").errors  # random text is never a whole document: its problems are listed


# ---- what the fuzzing found, kept as plain regression tests --------------------------------------

def test_a_damaged_site_number_gives_way_to_the_document_own_number_line() -> None:
    """A page copy whose 'Số hiệu' field reads '03NQ-CP' (the slash lost) failed the whole parse."""
    text = real_text(CORPUS.index(next(p for p in CORPUS if p.name == "03-NQ-CP-2025.txt")))
    doc = parse_text(text.replace("Số hiệu 03/NQ-CP", "Số hiệu 03NQ-CP", 1), "fuzz")
    assert doc.number == "03/NQ-CP" and doc.doc_id == parse_text(text, "x").doc_id


def test_a_docx_whose_directory_points_before_the_file_is_a_read_error() -> None:
    """A central directory offset one past the truth puts the first member at -1: zipfile's
    "negative seek value" escaped the reader."""
    data = bytearray(mk.docx_bytes())
    end = data.rindex(b"PK\x05\x06")  # end of central directory: its offset field is at +16
    offset = int.from_bytes(data[end + 16:end + 20], "little")
    data[end + 16:end + 20] = (offset + 1).to_bytes(4, "little")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "hong.docx"
        path.write_bytes(bytes(data))
        try:
            read_text(path)
        except ReadError as exc:
            assert "corrupt DOCX" in str(exc)
        else:
            raise AssertionError("a damaged DOCX was read")
