"""The 837P pass's element checks: usage, type, length, codes, composites, syntax rules."""
from __future__ import annotations

import re

_N_RE = re.compile(r"-?[0-9]+\Z")
_R_RE = re.compile(r"-?[0-9]*(\.[0-9]+)?\Z")
# pyx12's 5010 extended character set (charset E, ICVN 00501): what AN/ID may hold.
_BAD_CHAR = re.compile(r"""[^A-Z0-9!"&'()*+,\-./:;?= a-z%~@\[\]_{}\\|<>^`#$]""")
_DIGITS = re.compile(r"[0-9]+\Z")
_CONTROL = {chr(c): name for c, name in (
    (0x07, "BEL"), (0x09, "HT"), (0x0A, "LF"), (0x0B, "VT"), (0x0C, "FF"), (0x0D, "CR"),
    (0x1C, "FS"), (0x1D, "GS"), (0x1E, "RS"), (0x1F, "US"), (0x01, "SOH"), (0x02, "STX"),
    (0x03, "ETX"), (0x04, "EOT"), (0x05, "ENQ"), (0x06, "ACK"), (0x11, "DC1"), (0x12, "DC2"),
    (0x13, "DC3"), (0x14, "DC4"), (0x15, "NAK"), (0x16, "SYN"), (0x17, "ETB"))}
CONTROL_RE = re.compile("[" + "".join(re.escape(c) for c in _CONTROL) + "]")

# rule code of each element-level problem (pyx12's IK403 code)
ELE_CODES = {"1": "I110", "10": "I111", "3": "I112", "4": "I114", "5": "I115", "6": "I116",
             "7": "I117", "8": "I118", "9": "I119"}
# Problems pyx12 reports at segment level with IK304 8 (no element to point at).
SYNTAX_CODES = {"P": "I120", "R": "I121", "C": "I122", "E": "I123", "L": "I124"}
COMPOSITE_MISSING, COMPOSITE_NOT_USED, TOO_MANY_COMPONENTS, TOO_MANY_ELEMENTS = (
    "I125", "I126", "I113", "I112")
OK_LIMIT = 4096  # clean values remembered per element of the map


class ElementChecks:
    """``Ig837``'s element checks: pyx12's segment_if / element_if / composite_if."""

    def _elements(self, node, seg, elements, sep) -> bool:
        """Check the elements of ``seg`` against ``node``; True when nothing was found."""
        specs = node.elements
        count = len(specs)
        have = len(elements) - 1
        problems: list[tuple] = []  # (rule, message, data)
        if have > count:
            problems.append((TOO_MANY_ELEMENTS,
                             f"{node.id} has {have} elements; the guide defines {count}",
                             {"ik304": "8", "ik403": "3", "element_position": count + 1}))
        dtype = None
        type_list: list = []
        is_dtp = node.id == "DTP"
        relaxed = False
        for i in range(min(have, count)):
            spec = specs[i]
            text = elements[i + 1]
            if spec.composite:
                if text not in spec.ok:
                    self._composite(spec, text, sep, i + 1, problems)
                continue
            if is_dtp and i == 1 and text in ("RD8", "D8", "D6", "DT", "TM"):
                dtype = text
            if spec.data_ele == "1250":
                type_list.extend(spec.codes)
            if is_dtp and i == 2:
                types = (dtype,) if dtype else ()
            elif spec.data_ele == "1251" and type_list:
                types = tuple(type_list)
            else:
                if text in spec.ok:
                    continue
                types = ()
            if sep in text:
                problems.append(_ele(spec, "6", f"{spec.ref} ({spec.name}) holds components"
                                     " but is not a composite", i + 1))
                continue
            if spec.usage == "N" and text and (node.loop_id, spec.ref) in self.allowed:
                relaxed = True  # the payer's data, allowed by its profile: not cached clean
                continue
            self._element(spec, text, types, i + 1, 0, problems)
        for i in range(min(have, count), count):
            spec = specs[i]
            if spec.usage == "R":
                if spec.composite:
                    problems.append(_composite_missing(spec, i + 1))
                else:
                    problems.append(_ele(spec, "1", f"required element {spec.ref} ({spec.name})"
                                         " is missing", i + 1))
        for syn in node.syntax:
            problem = _syntax(syn, node.id, elements)
            if problem is not None:
                problems.append(problem)
        for rule, message, data in problems:
            self.report(rule, message, seg, node.loop_id, self.claim, data)
        return not problems and not relaxed

    def _composite(self, spec, text, sep, position, problems):
        usage = spec.usage
        parts = text.split(sep)
        empty = not any(parts)
        if empty and usage in ("N", "S"):
            return
        if usage == "R" and empty:
            problems.append(_composite_missing(spec, position))
            return
        if usage == "N":
            problems.append((COMPOSITE_NOT_USED, f"composite {spec.ref} ({spec.name}) is marked"
                             " not used here", {"ik304": "8", "ik403": "5", "element": spec.ref,
                                                "element_position": position}))
            return
        kids = spec.kids
        before = len(problems)
        if len(parts) > len(kids):
            problems.append((TOO_MANY_COMPONENTS, f"composite {spec.ref} ({spec.name}) has"
                             f" {len(parts)} components; the guide defines {len(kids)}",
                             {"ik304": "8", "ik403": "3", "element": spec.ref,
                              "element_position": position,
                              "component_position": len(kids) + 1}))
        for j, kid in enumerate(kids):
            value = parts[j] if j < len(parts) else ""
            if value == "":
                if kid.usage == "R" and (kid.seq != 1 or usage == "R"):
                    problems.append(_ele(kid, "1", f"required component {kid.ref} ({kid.name})"
                                         " is missing", position, j + 1))
                continue
            if value not in kid.ok:
                self._element(kid, value, (), position, j + 1, problems)
        if len(problems) == before:
            _remember(spec.ok, text)

    def _element(self, spec, value, types, position, component, problems):
        """pyx12's element checks of a non-empty ``value``, in its order."""
        if value == "":
            if spec.usage == "R":
                problems.append(_ele(spec, "1", f"required element {spec.ref} ({spec.name}) is"
                                     " missing", position, component))
            else:
                _remember(spec.ok, value)
            return
        if spec.usage == "N":
            problems.append(_ele(spec, "10", f"{spec.ref} ({spec.name}) is marked not used"
                                 " here", position, component))
            return
        before = len(problems)
        dtype, lo, hi = spec.type, spec.min, spec.max
        n = len(value.replace("-", "").replace(".", "")) if spec.numeric else len(value)
        if n < lo:
            problems.append(_ele(spec, "4", f"{spec.ref} ({spec.name}) is too short:"
                                 f" {n} characters, at least {lo}", position, component))
        if n > hi:
            problems.append(_ele(spec, "5", f"{spec.ref} ({spec.name}) is too long:"
                                 f" {n} characters, at most {hi}", position, component))
        control = CONTROL_RE.search(value)
        if control:
            problems.append(_ele(spec, "6", f"{spec.ref} ({spec.name}) holds a control"
                                 f" character (<{_CONTROL[control.group()]}>)", position,
                                 component))
            return
        if dtype in ("AN", "ID") and value[-1] == " " and len(value.rstrip()) >= lo:
            problems.append(_ele(spec, "6", f"{spec.ref} ({spec.name}) has trailing spaces",
                                 position, component))
        if spec.coded and value not in spec.codes and not (
                spec.external and value in self.map.external.get(spec.external, ())):
            shown = value if self.show_phi or len(value) <= 3 else "..."
            problems.append(_ele(spec, "7", f"{spec.ref} ({spec.name}): {shown!r} is not a"
                                 " valid code here", position, component))
        bad = bad_type(value, dtype)
        if bad is not None:
            problems.append(_ele(spec, bad, f"{spec.ref} ({spec.name}) {_TYPE_TEXT[bad]} for"
                                 f" its type {dtype}", position, component))
        if types:
            if not any(t and bad_type(value, t) is None for t in types):
                if "TM" in types:
                    problems.append(_ele(spec, "9", f"{spec.ref} ({spec.name}) is not a valid"
                                         f" time ({'/'.join(types)})", position, component))
                elif any(t in ("RD8", "DT", "D8", "D6") for t in types):
                    problems.append(_ele(spec, "8", f"{spec.ref} ({spec.name}) is not a valid"
                                         f" date ({'/'.join(types)})", position, component))
        if spec.regex is not None and not spec.regex.search(value):
            problems.append(_ele(spec, "7", f"{spec.ref} ({spec.name}) does not have the form"
                                 " the guide requires", position, component))
        if len(problems) == before and not spec.special and spec.usage != "N":
            _remember(spec.ok, value)


def _remember(ok: set, value: str) -> None:
    if len(ok) < OK_LIMIT:
        ok.add(value)


class Spec:
    """An element or composite of a segment of the map (``igmap`` tuples, unpacked)."""

    __slots__ = ("composite", "seq", "ref", "name", "usage", "data_ele", "type", "min", "max",
                 "codes", "external", "coded", "regex", "numeric", "kids", "ok", "special")

    def __init__(self, t):
        self.composite = t[0] == "C"
        self.seq, self.name, self.usage = t[1], t[3], t[4]
        self.ref = _ref(t[2])
        self.ok: set = set()  # values seen clean here (bounded)
        self.special = False  # checked against another element's value: never remembered
        if self.composite:
            self.kids = tuple(Spec(k) for k in t[5])
            self.data_ele = self.type = self.external = self.regex = None
            self.codes, self.coded, self.numeric, self.min, self.max = (), False, False, 0, 0
            return
        self.kids = ()
        self.data_ele, self.type, self.min, self.max = t[5], t[6], t[7], t[8]
        self.codes, self.external = frozenset(t[9]), t[10]
        self.coded = bool(t[9] or t[10])
        self.regex = re.compile(t[11], re.S) if t[11] else None
        self.numeric = bool(self.type) and (self.type == "R" or self.type[0] == "N")


_TYPE_TEXT = {"6": "holds a character not allowed", "8": "is not a valid date",
              "9": "is not a valid time"}


def bad_type(value, dtype):
    """None when ``value`` is valid for pyx12's data type ``dtype``, else the IK403 code."""
    if not dtype:
        return None
    if dtype[0] == "N":
        return None if _N_RE.match(value) else "6"
    if dtype == "R":
        return None if _R_RE.match(value) else "6"
    if dtype in ("ID", "AN"):
        return "6" if _BAD_CHAR.search(value) else None
    if dtype == "RD8":
        parts = value.split("-")
        if len(parts) == 2 and _valid_date("D8", parts[0]) and _valid_date("D8", parts[1]):
            return None
        return "8"
    if dtype in ("DT", "D8", "D6"):
        return None if _valid_date(dtype, value) else "8"
    if dtype == "TM":
        return None if _valid_time(value) else "9"
    return None


def _valid_date(dtype, val):
    if (dtype == "D8" and len(val) != 8) or (dtype == "D6" and len(val) != 6):
        return False
    if not _DIGITS.match(val) or len(val) not in (6, 8, 12):
        return False
    if len(val) == 6:
        val = ("20" if int(val[:2]) < 50 else "19") + val
    year, month, day = int(val[:4]), int(val[4:6]), int(val[6:8])
    if year < 1800 or not 1 <= month <= 12:
        return False
    if month in (1, 3, 5, 7, 8, 10, 12):
        last = 31
    elif month in (4, 6, 9, 11):
        last = 30
    else:
        last = 29 if not year % 4 and not (not year % 100 and year % 400) else 28
    if not 1 <= day <= last:
        return False
    return len(val) != 12 or _valid_time(val[8:12])


def _valid_time(val):
    if not _DIGITS.match(val):
        return False
    if val[0:2] > "23" or val[2:4] > "59":
        return False
    if len(val) > 4 and (len(val) < 6 or val[4:6] > "59" or len(val) > 8):
        return False
    return True


def _syntax(syn, tag, elements):
    kind, idx = syn[0], syn[1:]
    if len(idx) < 2:
        return None
    present = [i < len(elements) and elements[i] != "" for i in idx]
    names = [f"{tag}{i:02d}" for i in idx]
    rule = SYNTAX_CODES[kind]
    data = {"ik304": "8", "ik403": "10" if kind == "E" else "2", "element": names[0],
            "element_position": idx[0]}
    if kind == "P" and 0 < sum(present) < len(idx):
        return rule, f"{_or(names)}: if any is present, all are required ({_syn(syn)})", data
    if kind == "R" and not any(present):
        return rule, f"at least one of {_or(names)} is required ({_syn(syn)})", data
    if kind == "E" and sum(present) > 1:
        return rule, f"at most one of {_or(names)} may be present ({_syn(syn)})", data
    if kind == "C" and present[0] and not all(present[1:]):
        return rule, (f"{names[0]} is present, so {_or(names[1:], 'and')} "
                      f"{'are' if len(names) > 2 else 'is'} required ({_syn(syn)})"), data
    if kind == "L" and present[0] and not any(present[1:]):
        return rule, (f"{names[0]} is present, so at least one of {_or(names[1:])} is"
                      f" required ({_syn(syn)})"), data
    return None


def _syn(syn):
    return syn[0] + "".join(f"{i:02d}" for i in syn[1:])


def _or(names, word="or"):
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} {word} {names[-1]}"


def _ref(ref):
    """'SV101-2' for pyx12's 'SV101-02'; 'CLM05' stays."""
    ref = ref or ""
    head, dash, tail = ref.partition("-")
    return f"{head}-{int(tail)}" if dash and tail.isdigit() else ref


def _ele(spec, code, message, position, component=0):
    data = {"ik304": "8", "ik403": code, "element": spec.ref, "element_position": position,
            "data_element": spec.data_ele}
    if component:
        data["component_position"] = component
    return ELE_CODES[code], message, data


def _composite_missing(spec, position):
    return (COMPOSITE_MISSING, f"required composite {spec.ref} ({spec.name}) is missing",
            {"ik304": "8", "ik403": "1", "element": spec.ref, "element_position": position})
