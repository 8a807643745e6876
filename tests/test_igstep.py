"""The 837P pass's per-segment step in C (``edi_lint/_igstep.c``, when built) reports
exactly what its Python step (``igcheck.PyIg837``) reports, and the fast plans both read
(``igfast.FastPatterns._fast_plan``) pass no segment the element checks would report.

The documents: every 837P fixture and corpus file, implementation-guide mutations of
three of them (tests/igagree.py), the same with other delimiters, and character-level
fuzz of every element of a built claim file.
"""
from __future__ import annotations

import io
import random
import re

import pytest

from edi_lint import igcheck, igfast
from edi_lint.igcheck import IgFeed, PyIg837
from edi_lint.x12.reader import SegmentReader
from compiled import built
from igagree import BASE, canonical, join, mutations
from structhelp import CORPUS, FIXTURES

COMPILED = built("edi_lint._igstep")
C_STEP = COMPILED is not None
CIg837 = type("Ig837", (COMPILED.Walker, igcheck._Checks), {}) if C_STEP else None
FUZZ_CHARS = "0123456789.-: *AZaz^~|>é\x01"


@pytest.mark.skipif(not C_STEP, reason="the C step was not built (no compiler at install)")
def test_the_c_step_reads_the_layout_python_writes():
    assert COMPILED.FORMAT == igfast.STEP_FORMAT
    if igcheck._CStep is not None:  # the checkout's own build: the pass uses it
        assert igcheck.Ig837.__mro__[1] is igcheck._CStep


def test_a_c_step_built_from_other_sources_is_not_used():
    class Old:  # a module built before the layout changed
        FORMAT = igfast.STEP_FORMAT - 1
        Walker = object
    assert igcheck.c_step(Old) is None
    assert igcheck.c_step(None) is None
    Old.FORMAT = igfast.STEP_FORMAT
    assert igcheck.c_step(Old) is object


def _files():
    paths = sorted(FIXTURES.joinpath("837").glob("*.x12"))
    if CORPUS.joinpath("837p").is_dir():
        paths += sorted(CORPUS.joinpath("837p").glob("*.x12"))
    return paths


def _other_delimiters(text: str) -> str:
    """``text`` (``*``, ``:``, ``~``) with ``|``, ``>`` and ``~`` (ISA16 and every use)."""
    return text.replace("*", "|").replace(":", ">")


def _documents():
    docs = [(p.name, p.read_bytes()) for p in _files()]
    sources = [BASE.encode()] + [(FIXTURES / "837" / n).read_bytes()
                                 for n in ("cob_kaiser_dsnp.x12", "replacement_void.x12")]
    for n, data in enumerate(sources):
        texts, d = canonical(data)
        for name, new in mutations(texts, d, seed=n)[:250]:
            text = join(new, d)
            docs.append((f"{n}-{name}", text.encode("latin-1")))
            if n == 0 and len(docs) % 4 == 0:
                docs.append((f"{n}-{name}-delims", _other_delimiters(text).encode("latin-1")))
    return docs


def _fuzz():
    """Each element of BASE with one character changed, three times over (seeded)."""
    rng = random.Random(17)
    texts, d = canonical(BASE.encode())
    out = []
    for i, text in enumerate(texts):
        if text[:3].rstrip("*") in ("ISA", "GS", "ST", "SE", "GE", "IEA"):
            continue
        els = text.split("*")
        for k in range(1, len(els)):
            for _ in range(3):
                value = els[k] or "1"
                at = rng.randrange(len(value) + 1)
                new = value[:at] + rng.choice(FUZZ_CHARS) + value[at + 1:]
                out.append(texts[:i] + ["*".join(els[:k] + [new] + els[k + 1:])] + texts[i + 1:])
    return [join(t, d).encode("latin-1") for t in out]


def _findings(data: bytes, cls) -> list:
    found = []

    def report(code, message, seg, loop, claim, extra):
        found.append((code, message, seg.index, loop, claim, extra))
    reader = SegmentReader(io.BytesIO(data), "doc")
    feed = IgFeed(report, reader)
    saved = igcheck.Ig837
    igcheck.Ig837 = cls
    try:
        for _ in feed.watch(reader):
            pass
    finally:
        igcheck.Ig837 = saved
    return found


@pytest.mark.skipif(not C_STEP, reason="the C step was not built (no compiler at install)")
def test_c_step_reports_what_the_python_step_reports():
    differ, reported = [], 0
    for name, data in _documents() + [(f"fuzz-{n}", d) for n, d in enumerate(_fuzz())]:
        c, py = _findings(data, CIg837), _findings(data, PyIg837)
        reported += bool(py)
        if c != py:
            differ.append((name, [f for f in c if f not in py], [f for f in py if f not in c]))
    assert differ == []
    assert reported > 500  # the documents do hold problems for both steps to find


class _NoRegexes(dict):
    def get(self, key, default=None):
        return None


class _Audit(PyIg837):
    """Every segment goes to the element checks; ``verdict``, the fast path's, is set
    beside theirs: a segment it passes must be one they find clean."""

    def __init__(self, report):
        super().__init__(report)
        self.passed = self.caught = 0
        self.wrong: list = []

    def start(self, elsep="*", sep=":"):
        super().start(elsep, sep)
        self.fast = _NoRegexes()  # the step's regexes off: every segment to _slow

    def verdict(self, found, seg, elements, sep) -> bool:
        raise NotImplementedError

    def _slow(self, found, seg, elements, sep):
        problems: list = []
        report, self.report = self.report, lambda *a: problems.append(a[:2])
        try:
            clean = self._elements(found, seg, elements, sep)
        finally:
            self.report = report
        ok = self.verdict(found, seg, elements, sep)
        if ok and (problems or not clean):
            self.wrong.append((seg.text, problems))
        self.passed += ok
        self.caught += bool(problems)


class _PlanAudit(_Audit):
    def verdict(self, found, seg, elements, sep):
        plan = self._plan_for(found)
        return plan is not None and COMPILED.plan_ok(plan, elements, sep)


class _RegexAudit(_Audit):
    regexes: dict = {}

    def verdict(self, found, seg, elements, sep):
        key = (found, self.seps)
        if key not in self.regexes:
            self.regexes[key] = PyIg837._fast_pattern(self, found, *self.seps)
        fast = self.regexes[key]
        return fast is not None and fast[0](seg.text) is not None and (
            fast[2] is None or fast[2](elements)) and igfast.post_ok(elements, fast[1], sep)


def _audit(cls):
    """(segments passed, segments with problems, segments passed wrongly) of every document."""
    audits = []

    def audit(report, **kw):
        audits.append(cls(report))
        return audits[-1]
    for data in [d for _, d in _documents()] + _fuzz():
        _findings(data, audit)
    return (sum(a.passed for a in audits), sum(a.caught for a in audits),
            [w for a in audits for w in a.wrong])


@pytest.mark.skipif(not C_STEP, reason="the C step was not built (no compiler at install)")
def test_plans_pass_no_segment_the_checks_report():
    passed, caught, wrong = _audit(_PlanAudit)
    assert wrong == []
    assert passed > 70_000  # the plans do pass most segments
    assert caught > 1_000  # and the documents hold problems


def test_regexes_pass_no_segment_the_checks_report():
    """The Python step's regexes, made from the same plans, on the same documents."""
    passed, caught, wrong = _audit(_RegexAudit)
    assert wrong == []
    assert passed > 50_000
    assert caught > 1_000


# --------------------------------------------------------------------------- the plans, read in C

def _random_values(rng, n):
    alphabet = "0123456789.- AZaz*:^é\x01"
    out = ["", "D8", "RD8", "20240131", "20240229", "20230230", "17991231", "20241131",
           "20240101-20240131", "1230", "2360", "123059", "1230599", "12305999", "1.5", "-1.5",
           "1.", ".5", "1.2.3", "-", "123456789012345678", "A ", " A", "AZ:az", "HC",
           "HC:A", "HC:A:1", "HC:A:1::ZZ", "HC::1", "AB:ABCDE:12:", "HC:A:1:X", "HC:A::",
           "A0", "HC:Z9", "HC:Q1", "Z0::A", "B9:", "HC:A0:12"]
    for _ in range(n):
        size = rng.randrange(0, 13)
        out.append("".join(rng.choice(alphabet) for _ in range(size)))
        if rng.random() < 0.3:  # dates, times, numbers made of their own characters
            out.append("".join(rng.choice("0123456789" if k != 8 else "-")
                               for k in range(rng.choice((4, 6, 7, 8, 17)))))
    return out


BIG = frozenset(a + b for a in "ABHZ" for b in "0123456789CZ")  # past the regexes' 40 codes
VALUE_PLANS = [
    (igfast.CODES, BIG),
    (igfast.COMPOSITE, ((igfast.REQUIRED, (igfast.CODES, BIG)),
                        (igfast.OPTIONAL, (igfast.CODES, BIG)),
                        (igfast.OPTIONAL, (igfast.TEXT, 1, 3)))),
    (igfast.CODES, frozenset({"AB", "C", "D8"})), (igfast.CODES, frozenset()),
    (igfast.TEXT, 1, 5), (igfast.TEXT, 3, 3), (igfast.TEXT, 0, 2),
    (igfast.NUM, 1, 4), (igfast.NUM, 0, 2), (igfast.REAL, 1, 5), (igfast.REAL, 2, 18),
    (igfast.DATE8,), (igfast.TIME,), (igfast.EMPTY,),
    (igfast.COMPOSITE, ((igfast.REQUIRED, (igfast.CODES, frozenset({"HC", "AB"}))),
                        (igfast.REQUIRED, (igfast.TEXT, 1, 5)),
                        (igfast.OPTIONAL, (igfast.NUM, 1, 2)),
                        (igfast.NOT_USED, (igfast.TEXT, 1, 2)),
                        (igfast.OPTIONAL, (igfast.TEXT, 2, 2)))),
]


@pytest.mark.skipif(not C_STEP, reason="the C step was not built (no compiler at install)")
@pytest.mark.parametrize("usage", [igfast.REQUIRED, igfast.OPTIONAL, igfast.NOT_USED])
@pytest.mark.parametrize("value_plan", VALUE_PLANS, ids=lambda p: str(p[0]))
def test_c_reads_a_value_plan_as_its_regex_does(value_plan, usage):
    plan_ok = COMPILED.plan_ok
    rng = random.Random(7)
    post: list = []
    regex = igfast._regex(value_plan, "*", ":", post, 1)
    body = regex if usage == igfast.REQUIRED else "" if usage == igfast.NOT_USED else (
        f"(?:{regex})?")
    full = re.compile(r"X\*" + body, re.S).fullmatch
    plan = (1, ((usage, value_plan),), ())
    differ = [v for v in _random_values(rng, 3000) if "*" not in v and
              bool(full("X*" + v) and igfast.post_ok(["X", v], post, ":"))
              != plan_ok(plan, ["X", v], ":")]
    assert differ == []


@pytest.mark.skipif(not C_STEP, reason="the C step was not built (no compiler at install)")
def test_c_reads_segment_shapes_dtp_and_syntax_rules_as_the_regexes_do():
    plan_ok = COMPILED.plan_ok

    class Node:  # what _fast_pattern reads of a map node once the plan is made
        id = "X"
    rng = random.Random(11)
    text = (igfast.TEXT, 1, 3)
    shapes = [
        (2, ((igfast.REQUIRED, text), (igfast.OPTIONAL, text), (igfast.OPTIONAL, text),
             (igfast.OPTIONAL, text)), (("P", 2, 3), ("C", 1, 4))),
        (1, ((igfast.OPTIONAL, text), (igfast.OPTIONAL, text), (igfast.OPTIONAL, text)),
         (("R", 1, 2, 3), ("E", 1, 2))),
        (1, ((igfast.OPTIONAL, text), (igfast.OPTIONAL, text), (igfast.OPTIONAL, text)),
         (("L", 1, 2, 3),)),
        (3, ((igfast.REQUIRED, (igfast.CODES, frozenset({"472"}))),
             (igfast.REQUIRED, (igfast.DTP, True, True)), None), ()),
        (3, ((igfast.REQUIRED, (igfast.CODES, frozenset({"472"}))),
             (igfast.REQUIRED, (igfast.DTP, True, False)), None, (igfast.OPTIONAL, text)), ()),
    ]
    values = ["", "A", "AB", "ABCD", "472", "D8", "RD8", "20240105", "20240105-20240110",
              "2024010", "20240105-2024011", "D6"]
    differ = []
    for plan in shapes:
        checks = igfast.FastPatterns()
        checks._fast_plan = lambda node, elsep, sep, plan=plan: plan
        fullmatch, post, syntax = checks._fast_pattern(Node, "*", ":")
        assert post == ()
        for _ in range(4000):
            els = ["X"] + [rng.choice(values) for _ in range(rng.randrange(0, 6))]
            want = bool(fullmatch("*".join(els))) and (syntax is None or syntax(els))
            if want != plan_ok(plan, els, ":"):
                differ.append(("*".join(els), want))
    assert differ == []
