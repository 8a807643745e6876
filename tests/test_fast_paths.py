"""The reader's fast path gives exactly what the general loop gives, and its C loops
(``edi_lint/x12/_speedups.c``, when built) exactly what its Python loops give.

Every fixture and corpus file, and mutations of them (blank lines, CR LF, spaces around
segments, empty segments, a second ISA, no final terminator), is read with the fast
path on and off, at several chunk sizes that cut segments anywhere: the segments
(every slot: id, elements, index, line, column, offset, text) and the findings must be
equal.
"""
from __future__ import annotations

import io
import random
from pathlib import Path

import pytest

from edi_lint.x12 import reader as reader_mod
from compiled import built
from edi_lint.x12.reader import Segment, SegmentReader

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus"  # ../shared beside the checkout
_REAL = reader_mod._plain_chunk
FILES = sorted(ROOT.glob("fixtures/**/*.x12")) + sorted(CORPUS.glob("**/*.x12"))
BIG = 64_000  # a file this large is cut at the larger chunk sizes only: the small files and
# the mutations cut every kind of segment at 7 and 64 bytes already, in a fraction of the time


def _chunks(data: bytes, sizes: tuple[int, ...]) -> tuple[int, ...]:
    return sizes if len(data) < BIG else tuple(size for size in sizes if size >= 333)


def _read(data: bytes, chunk: int, fast: bool, monkeypatch):
    monkeypatch.setattr(reader_mod, "_plain_chunk", _REAL if fast else (lambda *a: None))
    r = SegmentReader(io.BytesIO(data), "f.x12", chunk_size=chunk)
    segs = [tuple(getattr(s, name) for name in Segment.__slots__) for s in r]
    return segs, [(f.rule, f.message, f.line, f.col, f.offset, f.segment_index) for f in r.findings]


def _mutations(data: bytes, seed: int):
    rng = random.Random(seed)
    yield data
    yield data.replace(b"~\n", b"~")
    yield data.replace(b"~\n", b"~\r\n")
    yield data.replace(b"~", b"~\n") if b"~\n" not in data else data
    yield data.rstrip(b"\n").rstrip(b"~")  # no final terminator
    yield data + b"\n\n"
    yield data + data  # a second interchange
    for _ in range(6):
        pieces = data.split(b"~")
        if len(pieces) < 4:
            return
        i = rng.randrange(1, len(pieces) - 1)
        kind = rng.randrange(6)
        if kind == 0:
            pieces[i] = b"\n" + pieces[i]  # a blank line
        elif kind == 1:
            pieces[i] = pieces[i] + b"  "  # trailing spaces
        elif kind == 2:
            pieces[i] = b"\n  " + pieces[i].lstrip(b"\n")  # indented
        elif kind == 3:
            pieces.insert(i, b"\n")  # an empty segment
        elif kind == 4:
            pieces[i] = pieces[i].replace(b"*", b"*\n", 1)  # a wrapped segment
        else:
            pieces[i] = pieces[i] + b"\r"
        yield b"~".join(pieces)


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_fast_path_matches_general_loop(path, monkeypatch):
    data = path.read_bytes()
    for n, variant in enumerate(_mutations(data, len(data))):
        for chunk in _chunks(variant, (7, 64, 333, 1 << 20)):
            slow = _read(variant, chunk, False, monkeypatch)
            fast = _read(variant, chunk, True, monkeypatch)
            assert fast == slow, f"variant {n}, chunk {chunk}"


def test_fast_path_is_taken():
    data = (ROOT / "fixtures/837/ecm_cs_clean_month.x12").read_bytes()
    calls = []
    real = reader_mod._plain_chunk

    def spy(*a):
        out = real(*a)
        calls.append(out is not None)
        return out

    reader_mod._plain_chunk = spy
    try:
        list(SegmentReader(io.BytesIO(data), "f"))
    finally:
        reader_mod._plain_chunk = real
    assert any(calls)


def _compiled():
    """The C fast path (tests/compiled.py: the checkout's or site-packages'), or None."""
    if reader_mod._speedups is not None:
        return reader_mod._speedups
    return built("edi_lint.x12._speedups")


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_compiled_loops_match_the_python_loops(path, monkeypatch):
    compiled = _compiled()
    if compiled is None:
        pytest.skip("the C fast path was not built here (no compiler at install)")
    compiled.prepare(Segment)
    data = path.read_bytes()
    for n, variant in enumerate(_mutations(data, len(data))):
        for chunk in _chunks(variant, (64, 333, 1 << 20)):
            monkeypatch.setattr(reader_mod, "_speedups", None)
            python = _read(variant, chunk, True, monkeypatch)
            monkeypatch.setattr(reader_mod, "_speedups", compiled)
            assert _read(variant, chunk, True, monkeypatch) == python, f"variant {n}, {chunk}"


def test_compiled_loops_check_the_segment_class():
    compiled = _compiled()
    if compiled is None:
        pytest.skip("the C fast path was not built here (no compiler at install)")

    class Other:
        __slots__ = ("tag", "elements")
    with pytest.raises(TypeError, match="index is not a slot"):
        compiled.prepare(Other)
    with pytest.raises(TypeError, match="prepare"):
        compiled.segments(Other, ["ST*837"], "*", 0, 1, 0, 0, 2, True)
    compiled.prepare(Segment)
    seg, = compiled.segments(Segment, ["ST*837*0001"], "*", 4, 9, 120, 100, 2, False)
    assert (seg.tag, seg.elements, seg.index, seg.line, seg.col, seg.offset, seg.text) == \
        ("ST", ["ST", "837", "0001"], 5, 9, 21, 120, "ST*837*0001")
