"""The compiler of fused segment guards: each rule's ``Guard`` share, one predicate per segment id.

The engine calls each segment rule's ``check_segment`` for every segment of its ids; most
segments are valid, and on those every rule returns nothing. So a family of segment rules
(the SNIP rules, ``snip.py``) gets one compiled predicate per segment id: True only when
none of them would report anything for the segment (or change any state), and then the
engine skips the rules' calls. When it says False (a problem, a 278, a segment outside a
transaction set, a value not seen before), the rules run as ever and decide: the guard
only ever skips work, it never makes a finding.

Each rule declares its share beside its own fast path: ``guard = Guard({tag: terms})``,
Python expressions over ``seg``, ``e`` (its elements) and ``h`` (an 837P builder) that
are all true only when the rule returns nothing for ``seg``. A segment id that one of its
rules does not cover (no entry in its ``terms``) gets no guard.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Mapping


@dataclass(frozen=True)
class Guard:
    """A rule's share of the fused guards: segment id -> terms, and the names they read."""

    terms: Mapping[str, tuple[str, ...]]
    names: Mapping[str, object] = field(default_factory=dict)


GUARDS: dict = {}  # segment id -> compiled predicate ``ok(seg, h)``, of the installed family

_LONGER = re.compile(r"^len\(e\) > (\d+)$")
_PRESENT = re.compile(r"^e\[(\d+)\]$")
_SHORT = re.compile(r"len\(e\) (<=|<) (\d+) or ")
_EMPTY_OR = re.compile(r"not e\[(\d+)\] or ")


def simplified(terms: list[str]) -> list[str]:
    """``terms`` without the alternatives the required-element terms already rule out.

    The X101 terms come first: ``len(e) > N`` and ``e[i]`` for each required element.
    After them, ``len(e) <= k or ...`` (k <= N), ``len(e) < k or ...`` (k <= N + 1) and
    ``not e[i] or ...`` (i required) can never be true, so they are dropped: same
    predicate, fewer operations on every segment.
    """
    longer = next((int(m.group(1)) for t in terms if (m := _LONGER.match(t))), -1)
    present = {int(m.group(1)) for t in terms if (m := _PRESENT.match(t))}

    def short(m):
        k = int(m.group(2))
        return "" if k <= longer + (m.group(1) == "<") else m.group(0)

    out = []
    for term in terms:
        if not _LONGER.match(term) and not _PRESENT.match(term):
            term = _SHORT.sub(short, term)
            term = _EMPTY_OR.sub(lambda m: "" if int(m.group(1)) in present else m.group(0), term)
        out.append(term)
    return out


def compile_guards(rules) -> dict:
    """One predicate per segment id every rule of ``rules`` covers (terms in rule order)."""
    by_tag: dict[str, list] = {}
    names: dict = {}
    for cls in rules:
        for tag in cls.segment_ids:
            by_tag.setdefault(tag, []).append(cls.guard)
        for name, value in cls.guard.names.items():
            if names.setdefault(name, value) is not value:
                raise ValueError(f"guard name {name!r} of {cls.__name__} means two things")
    source = []
    for tag, guards in by_tag.items():
        terms: list[str] = []
        for guard in guards:
            more = guard.terms.get(tag)
            if more is None:
                break
            terms += [t for t in more if t not in terms]
        else:
            body = " and ".join(simplified(terms)) or "True"
            tx = "tx = h.tx"
            if "h.tx.component" in body:  # read once, not once a term
                body = body.replace("h.tx.component", "c")
                tx += "; c = tx.component"
            source.append(f"def guard_{tag}(seg, h):\n"
                          f"    if h is None:\n"
                          f"        return False\n"
                          f"    {tx}\n"
                          f"    if tx.kind != '837P':\n"
                          f"        return False\n"
                          f"    e = seg.elements\n"
                          f"    return {body}\n")
    space: dict = {}
    exec("\n".join(source), names, space)  # noqa: S102  (one compile at import)
    return {name[len("guard_"):]: fn for name, fn in space.items()}


def install_guards(rules) -> None:
    """Compile the guards of ``rules`` into ``GUARDS`` and give each rule ``segment_guard``.

    A subclass of one of them may check more: it gets no shortcut.
    """
    GUARDS.update(compile_guards(rules))
    fused = frozenset(rules)

    def segment_guard(self, tag):
        if type(self) not in fused:
            return None
        return GUARDS.get(tag)

    for cls in rules:
        cls.segment_guard = segment_guard
