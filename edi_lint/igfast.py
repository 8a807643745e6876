"""The 837P pass's fast path: one regex per map node that only clean segments match."""
from __future__ import annotations

import functools
import re

from .igelements import CONTROL_RE, bad_type

_SPACE = frozenset(" ")
_ALTERNATION_LIMIT = 40  # codes a fast pattern spells out; a longer list is checked apart
_E5_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!\"&'()*+,-./:;?= "
                      "abcdefghijklmnopqrstuvwxyz%~@[]_{}\\|<>^`#$")
# D8 dates pyx12 accepts (a 29 February goes to the checks), HHMM[SS[d[d]]] times
_DATE8 = ("(?:1[89][0-9]{2}|2[0-9]{3})(?:(?:0[13578]|1[02])(?:0[1-9]|[12][0-9]|3[01])"
          "|(?:0[469]|11)(?:0[1-9]|[12][0-9]|30)|02(?:0[1-9]|1[0-9]|2[0-8]))")
_TIME = "(?:[01][0-9]|2[0-3])[0-5][0-9](?:[0-5][0-9](?:[0-9]{1,2})?)?"


class FastPatterns:
    """``Ig837``'s fast patterns: built once per map node and pair of delimiters."""

    def _fast_pattern(self, node, elsep, sep):
        """``fullmatch`` of a regex that only segment texts the element checks find
        clean can match (a conservative one: what it misses goes to the checks), or
        None; with the element positions whose long code lists are checked after the match,
        and the syntax rules' predicate (None without rules)."""
        try:
            seps = elsep + sep
            pieces = []
            post: list = []  # (element position, valid values) checked after the match
            specs = node.elements
            i = 0
            while i < len(specs):
                spec = specs[i]
                if node.id == "DTP" and i == 1 and len(specs) > 2:  # DTP02 names DTP03's form
                    forms = [c for c in ("D8", "RD8") if c in spec.codes]
                    if not forms or spec.usage != "R" or specs[2].usage != "R":
                        return None
                    date = _DATE8
                    alts = [f"D8{re.escape(elsep)}{date}" if c == "D8" else
                            f"RD8{re.escape(elsep)}{date}-{date}" for c in forms]
                    pieces.append(("R", "(?:" + "|".join(alts) + ")"))
                    pieces.append(None)  # consumed with DTP02
                    i += 2
                    continue
                if spec.data_ele == "1251":
                    before = [s for s in specs[:i] if s.data_ele == "1250"]
                    if not before or tuple(before[-1].codes) != ("D8",):
                        return None
                    value = _DATE8
                elif spec.composite:
                    value = self._composite_pattern(spec, seps, sep)
                else:
                    value = self._value_pattern(spec, seps)
                if value is None:
                    return None
                if value.__class__ is tuple:  # a big code list: checked after the match
                    value, codes = value
                    post.append((i + 1, codes))
                pieces.append((spec.usage, value))
                i += 1
            tail = ""
            esc = re.escape(elsep)
            for k in range(len(pieces), 0, -1):
                piece = pieces[k - 1]
                if piece is None:  # folded into the previous element
                    continue
                usage, value = piece
                body = value if usage == "R" else "" if usage == "N" else f"(?:{value})?"
                width = 2 if k < len(pieces) and pieces[k] is None else 1
                if k + width - 1 >= node.min_have:
                    tail = f"(?:{esc}{body}{tail})?"
                else:
                    tail = f"{esc}{body}{tail}"
            return (re.compile(re.escape(node.id) + tail, re.S).fullmatch, tuple(post),
                    _syntax_function(node.syntax))
        except re.error:
            return None

    def _value_pattern(self, spec, seps):
        """A regex of non-empty values of ``spec`` that its checks find clean, or None."""
        if spec.regex is not None or spec.special:
            return None
        dtype, lo, hi = spec.type, spec.min, spec.max
        if spec.coded:
            codes = set(spec.codes)
            if spec.external:
                codes |= self.map.external.get(spec.external, frozenset())
            good = [c for c in codes if c and self._clean_value(spec, c, seps)]
            if not good:
                return "(?!)"
            if len(good) > _ALTERNATION_LIMIT:  # a generic form here, the list after
                return (_char_class(_E5_CHARS - frozenset(seps)) + "+"), frozenset(good)
            return "(?:" + "|".join(re.escape(c) for c in sorted(good, key=lambda c: (-len(c), c))) + ")"
        if dtype in ("AN", "ID"):
            chars = _E5_CHARS - frozenset(seps)
            if hi < 1:
                return None
            full = _char_class(chars)
            last = _char_class(chars - _SPACE)
            return f"{full}{{{max(lo - 1, 0)},{hi - 1}}}{last}"
        if dtype and dtype[0] == "N":
            return f"-?[0-9]{{{lo},{hi}}}"
        if dtype == "R":
            end = _char_class(frozenset(seps))
            return (f"-?(?:[0-9]{{{lo},{hi}}}|(?=[0-9.]{{{lo + 1},{hi}}}(?:{end}|$))"
                    r"[0-9]*\.[0-9]+)")
        if dtype in ("DT", "D8") and lo == hi == 8:
            return _DATE8
        if dtype == "TM" and lo <= 4 and hi >= 8:
            return _TIME
        return None

    def _clean_value(self, spec, value, seps):
        """True when ``value`` (one of the element's codes) passes its other checks."""
        if any(c in value for c in seps) or value[-1] == " " or CONTROL_RE.search(value):
            return False
        n = len(value.replace("-", "").replace(".", "")) if spec.numeric else len(value)
        return spec.min <= n <= spec.max and bad_type(value, spec.type) is None

    def _composite_pattern(self, spec, seps, sep):
        kids = spec.kids
        if spec.usage == "N":
            return ""
        values = []
        for kid in kids:
            value = self._value_pattern(kid, seps)
            if value is None or value.__class__ is tuple:
                return None
            values.append(value)
        if not kids or kids[0].usage != "R":
            return None  # an all-empty composite: left to the checks
        esc = re.escape(sep)
        tail = ""
        for j in range(len(kids) - 1, 0, -1):
            kid = kids[j]
            body = (values[j] if kid.usage == "R" else "" if kid.usage == "N"
                    else f"(?:{values[j]})?")
            required_after = any(k.usage == "R" for k in kids[j:])
            tail = f"{esc}{body}{tail}" if required_after else f"(?:{esc}{body}{tail})?"
        return values[0] + tail


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
        if len(idx) < 2:
            continue
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
