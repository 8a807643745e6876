"""The fused SNIP segment guards only skip work: findings are the same with and without them.

``edi_lint/rules/segment_guards.py`` compiles, from the ``guard`` each SNIP segment rule
declares, one predicate per segment id (``segment_guard``) that the engine calls instead of
the SNIP segment rules when it holds. Every fixture and corpus file,
and element-level mutations of their segments (emptied, lengthened, lower-cased, non-ASCII,
non-numeric, reversed ranges, bad check digits), is linted with the guards on and off: the
findings must be equal, in the same order. The rules' memos are cleared before each run.
"""
from __future__ import annotations

import random
from pathlib import Path

import pytest

from edi_lint.engine import Linter, Options
from edi_lint.rules import segment_guards, snip, snip1_required, snip5, snip_common

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
    monkeypatch.setattr(segment_guards, "GUARDS", guards)
    for memo in (snip_common.CODES_OK, snip_common.MODIFIERS_OK, snip5.NPI_OK, snip5.D8_OK):
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
        with_guards = _findings(path, segment_guards.GUARDS, monkeypatch)
        without = _findings(path, {}, monkeypatch)
        assert with_guards == without, (src.name, n)


def test_guards_cover_the_hot_segments():
    assert snip1_required.RequiredElement in snip.SEGMENT_RULES  # snip.py installs them
    for tag in ("NM1", "REF", "SV1", "DTP", "CLM", "HI", "HL", "N3", "N4", "DMG", "SBR", "LX"):
        assert tag in segment_guards.GUARDS
    assert snip1_required.RequiredElement().segment_guard("NM1") is segment_guards.GUARDS["NM1"]

    class Stricter(snip1_required.RequiredElement):  # a subclass may check more: no shortcut
        pass
    assert Stricter().segment_guard("NM1") is None


def test_a_segment_id_one_rule_does_not_cover_gets_no_guard():
    # X504 declares DTP and DMG terms only: BHT, GS and ISA run their rules every time
    assert set(snip5.DateValid.guard.terms) == {"DTP", "DMG"}
    for tag in ("BHT", "GS", "ISA"):
        assert tag not in segment_guards.GUARDS
        assert snip5.DateValid().segment_guard(tag) is None


class _Seg:
    def __init__(self, *elements):
        self.elements = ("X",) + elements


class _Tx:
    kind, component = "837P", ":"


class _Builder:
    tx = _Tx()


def test_compiled_guards_fuse_the_rules_terms_in_rule_order():
    class First:
        segment_ids = ("AA", "BB")
        guard = segment_guards.Guard({"AA": ("len(e) > 2", "e[1]", "e[2]"), "BB": ()})

    class Second:
        segment_ids = ("AA", "BB", "CC")
        guard = segment_guards.Guard({"AA": ("(len(e) <= 2 or not e[2] or e[2] in ok)",),
                                      "BB": ("e[1] == 'Y'",)}, {"ok": {"GOOD"}})

    guards = segment_guards.compile_guards((First, Second))
    assert sorted(guards) == ["AA", "BB"]  # CC: First does not check it, Second does not cover it
    assert guards["AA"](_Seg("1", "GOOD"), _Builder()) is True
    assert guards["AA"](_Seg("1", "BAD"), _Builder()) is False
    assert guards["AA"](_Seg("1"), _Builder()) is False  # First's required e[2] is missing
    assert guards["AA"](_Seg("1", "GOOD"), None) is False  # outside a transaction set
    assert guards["BB"](_Seg("Y"), _Builder()) is True and not guards["BB"](_Seg("N"), _Builder())


def test_a_guard_name_meaning_two_things_is_refused():
    class One:
        segment_ids = ("AA",)
        guard = segment_guards.Guard({"AA": ("e[1] in ok",)}, {"ok": {"A"}})

    class Two:
        segment_ids = ("AA",)
        guard = segment_guards.Guard({"AA": ("e[1] in ok",)}, {"ok": {"B"}})

    with pytest.raises(ValueError, match="guard name 'ok' of Two means two things"):
        segment_guards.compile_guards((One, Two))
