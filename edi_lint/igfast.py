"""The 837P pass's fast path: per map node, a plan that only clean segments pass.

A plan describes, element by element, values the element checks (``igelements.py``) find
clean: a list of good codes, text of a length, numbers, dates, times, composites, DTP's
date and its format. It is conservative: what it does not pass goes to the checks. The C
step (``_igstep_plan.c``, when built) reads the plan directly; without it the plan is turned
into one regex per map node, ``fullmatch``-ed on the segment text.
"""
from __future__ import annotations

import functools
import re

from .igelements import CONTROL_RE, bad_type

# The layout of the walk traces and plans the C step reads (``_igstep.h``'s IGSTEP_FORMAT):
# bump both when it changes, so that a module built from older sources is not used.
STEP_FORMAT = 1
# Plan kinds and usages, as ``_igstep.h`` numbers them.
CODES, TEXT, NUM, REAL, DATE8, TIME, COMPOSITE, DTP, EMPTY = range(9)
REQUIRED, OPTIONAL, NOT_USED = range(3)
_USAGE = {"R": REQUIRED, "N": NOT_USED}  # anything else: optional

_SPACE = frozenset(" ")
_ALTERNATION_LIMIT = 40  # codes a regex spells out; a longer list is checked apart
_E5_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!\"&'()*+,-./:;?= "
                      "abcdefghijklmnopqrstuvwxyz%~@[]_{}\\|<>^`#$")
# D8 dates pyx12 accepts (a 29 February goes to the checks), HHMM[SS[d[d]]] times
_DATE8 = ("(?:1[89][0-9]{2}|2[0-9]{3})(?:(?:0[13578]|1[02])(?:0[1-9]|[12][0-9]|3[01])"
          "|(?:0[469]|11)(?:0[1-9]|[12][0-9]|30)|02(?:0[1-9]|1[0-9]|2[0-8]))")
_TIME = "(?:[01][0-9]|2[0-3])[0-5][0-9](?:[0-5][0-9](?:[0-9]{1,2})?)?"


class FastPatterns:
    """``Ig837``'s fast path: plans (and their regexes) built once per map node and pair
    of delimiters."""

    def _fast_plan(self, node, elsep, sep):
        """(min elements, pieces, syntax rules) or None. Piece k is element k+1's
        (usage, value plan), or None when DTP's date format took it in with the date."""
        seps = elsep + sep
        pieces: list = []
        specs = node.elements
        i = 0
        while i < len(specs):
            spec = specs[i]
            if node.id == "DTP" and i == 1 and len(specs) > 2:  # DTP02 names DTP03's form
                if spec.usage != "R" or specs[2].usage != "R":
                    return None
                pieces += [(REQUIRED, (DTP, "D8" in spec.codes, "RD8" in spec.codes)), None]
                i += 2
                continue
            if spec.data_ele == "1251":
                before = [s for s in specs[:i] if s.data_ele == "1250"]
                if not before or tuple(before[-1].codes) != ("D8",):
                    return None
                value = (DATE8,)
            elif spec.composite:
                value = self._composite_plan(spec, seps)
            else:
                value = self._value_plan(spec, seps)
            if value is None:
                return None
            pieces.append((_USAGE.get(spec.usage, OPTIONAL), value))
            i += 1
        syntax = tuple(rule for rule in node.syntax if len(rule) > 2)
        return node.min_have, tuple(pieces), syntax

    def _value_plan(self, spec, seps):
        """The plan of non-empty values of ``spec`` that its checks find clean, or None."""
        if spec.regex is not None or spec.special:
            return None
        dtype, lo, hi = spec.type, spec.min, spec.max
        if spec.coded:
            codes = set(spec.codes)
            if spec.external:
                codes |= self.map.external.get(spec.external, frozenset())
            return CODES, frozenset(c for c in codes if c and self._clean_value(spec, c, seps))
        if dtype in ("AN", "ID"):
            return None if hi < 1 else (TEXT, lo, hi)
        if dtype and dtype[0] == "N":
            return NUM, lo, hi
        if dtype == "R":
            return REAL, lo, hi
        if dtype in ("DT", "D8") and lo == hi == 8:
            return (DATE8,)
        if dtype == "TM" and lo <= 4 and hi >= 8:
            return (TIME,)
        return None

    def _clean_value(self, spec, value, seps):
        """True when ``value`` (one of the element's codes) passes its other checks."""
        if any(c in value for c in seps) or value[-1] == " " or CONTROL_RE.search(value):
            return False
        n = len(value.replace("-", "").replace(".", "")) if spec.numeric else len(value)
        return spec.min <= n <= spec.max and bad_type(value, spec.type) is None

    def _composite_plan(self, spec, seps):
        if spec.usage == "N":
            return (EMPTY,)
        kids = spec.kids
        if not kids or kids[0].usage != "R":
            return None  # an all-empty composite: left to the checks
        plans = []
        for kid in kids:
            value = self._value_plan(kid, seps)
            if value is None:
                return None
            plans.append((_USAGE.get(kid.usage, OPTIONAL), value))
        return COMPOSITE, tuple(plans)

    # -- without the C step: the plan as one regex -----------------------------------
    def _fast_pattern(self, node, elsep, sep):
        """(``fullmatch`` of the plan's regex, the code lists checked after the match,
        the syntax rules' predicate or None), or None. A code list too long to spell out
        is matched as any text and checked after: ``(element, component or None, codes)``."""
        plan = self._fast_plan(node, elsep, sep)
        if plan is None:
            return None
        min_have, pieces, syntax = plan
        post: list = []
        bodies: list = []
        for k, piece in enumerate(pieces):
            if piece is None:
                bodies.append(None)
                continue
            usage, value = piece
            bodies.append((usage, _regex(value, elsep, sep, post, k + 1)))
        tail = ""
        esc = re.escape(elsep)
        for k in range(len(bodies), 0, -1):
            piece = bodies[k - 1]
            if piece is None:  # folded into the previous element
                continue
            usage, value = piece
            body = (value if usage == REQUIRED else "" if usage == NOT_USED
                    else f"(?:{value})?")
            width = 2 if k < len(bodies) and bodies[k] is None else 1
            if k + width - 1 >= min_have:
                tail = f"(?:{esc}{body}{tail})?"
            else:
                tail = f"{esc}{body}{tail}"
        try:
            fullmatch = re.compile(re.escape(node.id) + tail, re.S).fullmatch
        except re.error:
            return None
        return fullmatch, tuple(post), _syntax_function(syntax)


def post_ok(elements, post, sep) -> bool:
    """The code lists ``_fast_pattern`` left to after the match: each value present is
    one of its codes."""
    n = len(elements)
    for i, j, codes in post:
        if i < n and elements[i]:
            value = elements[i]
            if j is not None:
                parts = value.split(sep)
                value = parts[j] if j < len(parts) else ""
            if value and value not in codes:
                return False
    return True


def _regex(value, elsep, sep, post, position, component=None):
    """The regex of a value plan. A code list too long to spell out becomes any text of
    the element's characters, and ``(position, component, codes)`` goes to ``post``."""
    kind = value[0]
    if kind == CODES:
        good = value[1]
        if len(good) > _ALTERNATION_LIMIT:
            post.append((position, component, good))
            return _char_class(_E5_CHARS - frozenset(elsep + sep)) + "+"
        if not good:
            return "(?!)"
        return "(?:" + "|".join(re.escape(c) for c in sorted(good, key=lambda c: (-len(c), c))) + ")"
    if kind == TEXT:
        chars = _E5_CHARS - frozenset(elsep + sep)
        lo, hi = value[1], value[2]
        return f"{_char_class(chars)}{{{max(lo - 1, 0)},{hi - 1}}}{_char_class(chars - _SPACE)}"
    if kind == NUM:
        return f"-?[0-9]{{{value[1]},{value[2]}}}"
    if kind == REAL:
        lo, hi = value[1], value[2]
        end = _char_class(frozenset(elsep + sep))
        return (f"-?(?:[0-9]{{{lo},{hi}}}|(?=[0-9.]{{{lo + 1},{hi}}}(?:{end}|$))"
                r"[0-9]*\.[0-9]+)")
    if kind == DATE8:
        return _DATE8
    if kind == TIME:
        return _TIME
    if kind == EMPTY:
        return ""
    if kind == DTP:
        esc = re.escape(elsep)
        alts = ([f"D8{esc}{_DATE8}"] if value[1] else []) + (
            [f"RD8{esc}{_DATE8}-{_DATE8}"] if value[2] else [])
        return "(?:" + "|".join(alts) + ")" if alts else "(?!)"
    # a composite
    kids = value[1]
    texts = [_regex(kid, elsep, sep, post, position, j) for j, (_, kid) in enumerate(kids)]
    esc = re.escape(sep)
    tail = ""
    for j in range(len(kids) - 1, 0, -1):
        usage = kids[j][0]
        body = texts[j] if usage == REQUIRED else "" if usage == NOT_USED else f"(?:{texts[j]})?"
        required_after = any(u == REQUIRED for u, _ in kids[j:])
        tail = f"{esc}{body}{tail}" if required_after else f"(?:{esc}{body}{tail})?"
    return texts[0] + tail


@functools.lru_cache(maxsize=64)
def _char_class(chars: frozenset) -> str:
    return "[" + "".join(re.escape(c) for c in sorted(chars)) + "]"


def _syntax_function(rules):
    """One compiled predicate: True when ``elements`` meet every syntax rule of ``rules``."""
    if not rules:
        return None
    terms = []
    for rule in rules:
        kind, idx = rule[0], rule[1:]
        have = [f'(n > {i} and e[{i}] != "")' for i in idx]
        if kind == "P":
            terms.append(f"({' + '.join(have)}) in (0, {len(idx)})")
        elif kind == "R":
            terms.append(f"({' or '.join(have)})")
        elif kind == "E":
            terms.append(f"({' + '.join(have)}) <= 1")
        elif kind == "C":
            terms.append(f"(not {have[0]} or ({' and '.join(have[1:])}))")
        elif kind == "L":
            terms.append(f"(not {have[0]} or ({' or '.join(have[1:])}))")
    source = "def ok(e):\n    n = len(e)\n    return " + (" and ".join(terms) or "True")
    scope: dict = {}
    exec(source, scope)  # noqa: S102 - built from the map's syntax notes, digits only
    return scope["ok"]
