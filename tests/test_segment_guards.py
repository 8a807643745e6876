"""The fused SNIP segment guards only skip work: findings are the same with and without them.

``edi_lint/rules/snip.py`` compiles one predicate per segment id (``segment_guard``) that the
engine calls instead of the SNIP segment rules when it holds. Every fixture and corpus file,
and element-level mutations of their segments (emptied, lengthened, lower-cased, non-ASCII,
non-numeric, reversed ranges, bad check digits), is linted with the guards on and off: the
findings must be equal, in the same order. The rules' memos are cleared before each run.
"""
from __future__ import annotations

import random
from pathlib import Path

import pytest

from edi_lint.engine import Linter, Options
from edi_lint.rules import snip

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus"  # ../shared beside the checkout
FILES = sorted(ROOT.glob("fixtures/837/*.x12")) + sorted(CORPUS.glob("**/*.x12"))[:20]
_EDITS = (lambda v: "", lambda v: v + "X" * 60, lambda v: v.lower(), lambda v: v + "\xdc",
          lambda v: v + "A", lambda v: "-" + v, lambda v: v[:-1] + ("0" if v[-1:] != "0" else "1"),
          lambda v: v[::-1], lambda v: "0", lambda v: v.replace(":", ">"), lambda v: v + ":u1",
          lambda v: "RD8", lambda v: "20250631-20250601", lambda v: "XX")


def _mutations(data: str, seed: int):
    rng = random.Random(seed)
    yield data
    pieces = data.split("~")
    if len(pieces) < 4 or "*" not in data:
        return  # other delimiters: the file as it is
    for _ in range(40):
        i = rng.randrange(1, max(2, len(pieces) - 1))
        els = pieces[i].split("*")
        if len(els) < 2 or els[0].strip() in ("ISA", "IEA", "GS", "GE", "ST", "SE"):
            continue
        j = rng.randrange(1, len(els))
        els[j] = rng.choice(_EDITS)(els[j])
        yield "~".join(pieces[:i] + ["*".join(els)] + pieces[i + 1:])


def _findings(path, guards, monkeypatch):
    monkeypatch.setattr(snip, "_GUARDS", guards)
    for memo in (snip._CODES_OK, snip._MODIFIERS_OK, snip._NPI_OK, snip._D8_OK):
        memo.clear()
    result = Linter(Options()).run([str(path)])
    return [f.as_dict() for f in result.findings]


@pytest.mark.parametrize("src", FILES, ids=lambda p: p.name)
def test_guards_change_no_finding(src, tmp_path, monkeypatch):
    data = src.read_bytes().decode("latin-1")
    for n, text in enumerate(_mutations(data, hash(src.name) & 0xFFFF)):
        if n > 8 and len(data) > 64_000:  # a large file: 8 mutations (each lints it twice)
            break
        path = tmp_path / f"m{n}.x12"
        path.write_bytes(text.encode("latin-1"))
        with_guards = _findings(path, snip._GUARDS, monkeypatch)
        without = _findings(path, {}, monkeypatch)
        assert with_guards == without, (src.name, n)


def test_guards_cover_the_hot_segments():
    for tag in ("NM1", "REF", "SV1", "DTP", "CLM", "HI", "HL", "N3", "N4", "DMG", "SBR", "LX"):
        assert tag in snip._GUARDS
    assert snip.RequiredElement().segment_guard("NM1") is snip._GUARDS["NM1"]

    class Stricter(snip.RequiredElement):  # a subclass may check more: no shortcut
        pass
    assert Stricter().segment_guard("NM1") is None
