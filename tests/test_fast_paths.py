"""The reader's fast path gives exactly what the general loop gives.

Every fixture and corpus file, and mutations of them (blank lines, CR LF, spaces around
segments, empty segments, a second ISA, no final terminator), is read with the fast
path on and off, at several chunk sizes that cut segments anywhere: the segments
(id, elements, index, line, column, offset, text) and the findings must be equal.
"""
from __future__ import annotations

import io
import random
from pathlib import Path

import pytest

from edi_lint.x12 import reader as reader_mod
from edi_lint.x12.reader import SegmentReader

ROOT = Path(__file__).resolve().parent.parent
CORPUS = Path("/work/shared/corpus")
_REAL = reader_mod._plain_chunk
FILES = sorted(ROOT.glob("fixtures/**/*.x12")) + sorted(CORPUS.glob("**/*.x12"))


def _read(data: bytes, chunk: int, fast: bool, monkeypatch):
    monkeypatch.setattr(reader_mod, "_plain_chunk", _REAL if fast else (lambda *a: None))
    r = SegmentReader(io.BytesIO(data), "f.x12", chunk_size=chunk)
    segs = [(s.tag, s.elements, s.index, s.line, s.col, s.offset, s.text) for s in r]
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
        for chunk in (7, 64, 333, 1 << 20):
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
