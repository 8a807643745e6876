"""SNIP 1 (syntax), 3 (balancing) and 5 (code formats) checks, on by default; no tip ids.

Codes carry the WEDI SNIP type in their hundreds digit: ``X1xx`` syntax, ``X3xx``
balancing, ``X5xx`` code formats (``X2xx``, the implementation-guide pass, lives in
``edi_lint/ig.py``). Segment rules are dispatched by segment id and read the builder's
state after the segment was fed (its loop, claim and service line). Their fast path
returns an empty tuple: no generator, no regex, a few ``str`` methods.

A few codes are emitted where the segments stream past and are only registered here:
X104 and X105 (``model/build837.py``) and X107 (``x12/envelope.py``).
"""
from __future__ import annotations

import re

from ..dates import parse_d8
from ..model.common import Pos
from ..x12.values import is_decimal
from .base import Rule
from .registry import register

_NONE = ()


# --------------------------------------------------------------------------- helpers

def _kind(handler):
    """'837P', '278' or None (outside a transaction, or one that is not checked)."""
    return handler.tx.kind if handler is not None else None


def _find(rule, ctx, seg, handler, message):
    """A finding at ``seg``, with the builder's loop, claim and service line."""
    loop = claim_id = line_no = None
    if handler is not None:
        loop = handler.loop
        claim = getattr(handler, "claim", None)
        if claim is not None:
            claim_id = claim.clm01
            line = handler.line
            if line is not None and handler.region == "2400":
                line_no = line.number
    return ctx.at(rule, Pos.of(seg, loop), message, claim_id=claim_id, service_line=line_no)


def _sv101(seg, handler):
    """(qualifier, code, modifiers) of an SV1: the builder's, else split here."""
    line = getattr(handler, "line", None)  # 837P service line
    if line is not None and line.pos is not None and line.pos.index == seg.index:
        return line.qualifier, line.code, line.modifiers
    service = getattr(handler, "service", None)  # 278 service level
    if service is not None and service.pos is not None and service.pos.index == seg.index:
        return service.qualifier, service.code, service.modifiers
    parts = seg.get(1).split(handler.tx.component)
    return parts[0], parts[1] if len(parts) > 1 else "", tuple(m for m in parts[2:6] if m)


def npi_valid(npi: str) -> bool:
    """10 ASCII digits whose last is the Luhn check digit over '80840' + the first 9."""
    if len(npi) != 10 or not npi.isdigit() or not npi.isascii():
        return False
    total = 24  # the Luhn sum of the 80840 prefix, as positioned before 9 digits
    for i, ch in enumerate(reversed(npi[:9])):
        d = ord(ch) - 48
        if i % 2 == 0:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return (10 - total % 10) % 10 == ord(npi[9]) - 48


def procedure_code_valid(code: str) -> bool:
    """HCPCS (letter + 4 digits) or CPT (5 digits; 4 digits + F or T for categories II/III)."""
    if len(code) != 5 or not code.isascii():
        return False
    head, tail = code[0], code[1:]
    if "A" <= head <= "Z":
        return tail.isdigit()
    if code.isdigit():
        return True
    return code[:4].isdigit() and code[4] in "FT"


def _doc(summary, what, why, bad, good):
    return (f"{summary}\n\nWhat it does: {what}\n\nWhy it matters: {why}\n\n"
            f"Example that fails: ``{bad}``\n\nExample that passes: ``{good}``")


# --------------------------------------------------------------------------- SNIP 1 tables

# Elements required in every use of the segment (1-based positions), per transaction kind.
_REQUIRED_ENVELOPE = {"ST": (1, 2), "SE": (1, 2), "GS": (1, 2, 3, 4, 5, 6, 7, 8),
                      "GE": (1, 2), "IEA": (1, 2)}
_REQUIRED_BOTH = {"NM1": (1, 2), "HL": (1, 3, 4), "REF": (1, 2), "DTP": (1, 2, 3), "N3": (1,),
                  "PER": (1,), "PRV": (1, 2, 3), "PWK": (1, 2), "HI": (1,), "AMT": (1, 2),
                  "CAS": (1, 2, 3)}
_REQUIRED_837 = {**_REQUIRED_BOTH,
                 "BHT": (1, 2, 3, 4, 5, 6), "N4": (1,), "DMG": (1, 2, 3),
                 "SBR": (1,), "CLM": (1, 2, 5, 6, 7, 8, 9), "LX": (1,), "SV1": (1, 2, 3, 4, 7),
                 "OI": (3, 6), "SVD": (1, 2, 3, 5), "LIN": (2, 3), "CTP": (4, 5), "NTE": (1, 2),
                 "K3": (1,), "QTY": (1, 2), "CN1": (1,), "HCP": (1, 2), "LQ": (1, 2),
                 "FRM": (1,), "CRC": (1, 2, 3), "PS1": (1, 2), "CR3": (1, 2, 3)}
_REQUIRED_278 = {**_REQUIRED_BOTH, "BHT": (1, 2, 3, 4), "TRN": (1, 2, 3), "SV1": (1,)}
# 837P NM1 by loop (the builder's loop after the NM1): NM103 is not used in the pay-to
# address, ambulance locations and most 2330x loops; NM108/NM109 are required in a few.
_NM1_837 = {
    **{loop: (1, 2, 3) for loop in ("2010AA", "2310A", "2310B", "2310C", "2310D", "2420A",
                                     "2420C", "2420D", "2420E", "2420F", "2010CA")},
    **{loop: (1, 2, 3, 8, 9) for loop in ("1000A", "1000B", "2010AC", "2010BA", "2010BB",
                                           "2330A", "2330B")},
}
# Required components of composites: (segment, element) -> component positions.
_COMPONENTS_837 = {"CLM": ((5, (1, 2, 3)),), "SV1": ((1, (1, 2)), (7, (1,))),
                   "HI": ((1, (1, 2)),)}
_COMPONENTS_278 = {"SV1": ((1, (1, 2)),)}
# X12 paired elements (P relational conditions): both or neither.
_PAIRED = {"NM1": ((8, 9),), "PER": ((3, 4), (5, 6), (7, 8))}

# Elements of type R (decimal) in either transaction kind.
_DECIMAL = {"CLM": (2,), "SV1": (2, 4), "AMT": (2,), "SVD": (2, 5), "HSD": (2,), "CTP": (4,),
            "QTY": (2,), "MEA": (3,), "SV2": (3, 5),
            "CAS": (3, 4, 6, 7, 9, 10, 12, 13, 15, 16, 18, 19)}
# Elements of type N0 (unsigned integer) not already compared by the envelope checks.
_INTEGER = {"ISA": (13,), "GS": (6,)}


@register
class RequiredElement(Rule):
    """A required element (or component of a composite) is empty.

    What it does: checks the elements that 005010X222A1 (837P) or 005010X217 (278) require
    in every use of a segment: NM101/NM102 (and NM103, NM108, NM109 in the 837P loops that
    require them), CLM01/02/05/06-09 and CLM05-1..3, SV101-1/-2,
    SV102-SV104 and SV107, HL01/HL03/HL04 (and HL02 below the first level), DTP01-03,
    REF01/02, the GS and ST/SE elements, and X12's paired elements (NM108 with NM109, PER03
    with PER04...). Reports one finding per segment naming every element missing.

    Why it matters: a missing required element is a SNIP 1/2 rejection (999 IK4 code 1);
    the payer's translator refuses the transaction set before any claim is read.

    Example that fails: ``NM1*85*2****XX*1234567893~`` (NM103, the organization name, empty)

    Example that passes: ``NM1*85*2*SAMPLE CLINIC*****XX*1234567893~``
    """

    code = "X101"
    name = "required-element-missing"
    summary = "A required element or component is empty."
    severity = "error"
    scope = "segment"
    segment_ids = tuple(sorted(set(_REQUIRED_ENVELOPE) | set(_REQUIRED_837) | set(_REQUIRED_278)))

    def check_segment(self, seg, handler, ctx):
        # Fast path: one compiled predicate per segment id (and 837P NM1 loop).
        if handler is None:
            ok = _FAST_ENVELOPE.get(seg.tag)
        elif seg.tag == "NM1" and handler.tx.kind == "837P":
            ok = _FAST_NM1_837.get(handler.loop, _FAST_NM1_BASE)
        else:
            ok = _FAST[handler.tx.kind].get(seg.tag)
        if ok is None or ok(seg.elements, handler):
            return _NONE
        return self._analyse(seg, handler, ctx)

    def _analyse(self, seg, handler, ctx):
        """Which elements are missing, named (the slow path, on failure only)."""
        tag = seg.tag
        kind = _kind(handler)
        required = _REQUIRED_ENVELOPE.get(tag)
        if required is None:
            if kind == "837P":
                if tag == "NM1":
                    required, composites = _NM1_837.get(handler.loop, (1, 2)), None
                else:
                    required, composites = _REQUIRED_837.get(tag), _COMPONENTS_837.get(tag)
            elif kind == "278":
                required, composites = _REQUIRED_278.get(tag), _COMPONENTS_278.get(tag)
            else:
                return _NONE
            if required is None:
                return _NONE
        else:
            composites = None
        els = seg.elements
        n = len(els)
        missing = None
        for i in required:
            if i >= n or not els[i]:
                if missing is None:
                    missing = []
                missing.append(f"{tag}{i:02d}")
        if tag == "HL" and n > 3 and els[3] and els[3] != "20" and not els[2]:
            missing = (missing or []) + ["HL02"]
        if composites:
            comp = handler.tx.component
            for i, parts in composites:
                if i < n and els[i]:
                    values = els[i].split(comp)
                    for j in parts:
                        if j > len(values) or not values[j - 1]:
                            missing = (missing or []) + [f"{tag}{i:02d}-{j}"]
        pairs = _PAIRED.get(tag)
        if pairs:
            for a, b in pairs:
                has_a, has_b = a < n and bool(els[a]), b < n and bool(els[b])
                if has_a != has_b:
                    gone, there = (b, a) if has_a else (a, b)
                    if f"{tag}{gone:02d}" not in (missing or ()):
                        missing = (missing or []) + [f"{tag}{gone:02d} (paired with"
                                                     f" {tag}{there:02d})"]
        if missing is None:
            return _NONE
        names = ", ".join(missing)
        return (_find(self, ctx, seg, handler,
                      f"{tag} lacks required element{'s' if len(missing) > 1 else ''} {names}"),)


def _first(value: str, comp: str, k: int) -> bool:
    """True when the first ``k`` components of a composite are all present."""
    parts = value.split(comp, k)
    return len(parts) >= k and all(parts[:k])


def _predicate(tag, required, composites=(), pairs=()):
    """A compiled ``ok(elements, handler)``: True when nothing required is missing."""
    terms = _required_terms(tag, required, composites, pairs)
    return eval(f"lambda e, h: bool({' and '.join(terms)})", {"_first": _first})  # noqa: S307


def _required_terms(tag, required, composites=(), pairs=(), inline=False):
    """The terms of ``_predicate`` (Python expressions over ``e`` and ``h``); ``inline``
    spells ``_first`` out (for the fused guards, which may assign ``_p``)."""
    top = max(required, default=0)
    terms = [f"len(e) > {top}"] + [f"e[{i}]" for i in required]
    if tag == "HL":
        terms.append("(e[3] == '20' or not e[3] or e[2])")
    for i, parts in composites:
        assert parts == tuple(range(1, len(parts) + 1)) and i in required
        k = len(parts)
        if not inline:
            terms.append(f"_first(e[{i}], h.tx.component, {k})")
        elif k == 1:  # e[i] is not empty (required): its first component is not
            terms.append(f"not e[{i}].startswith(h.tx.component)")
        else:
            terms.append(f"(len(_p := e[{i}].split(h.tx.component, {k})) >= {k} and "
                         + " and ".join(f"_p[{j}]" for j in range(k)) + ")")
    for a, b in pairs:
        terms.append(f"(len(e) <= {a} or bool(e[{a}]) == (len(e) > {b} and bool(e[{b}])))")
    return terms


def _fast_table(required, composites):
    return {tag: _predicate(tag, req, composites.get(tag, ()), _PAIRED.get(tag, ()))
            for tag, req in {**required, **_REQUIRED_ENVELOPE}.items()}


_FAST_ENVELOPE = {tag: _predicate(tag, req) for tag, req in _REQUIRED_ENVELOPE.items()}
_FAST = {"837P": _fast_table(_REQUIRED_837, _COMPONENTS_837),
         "278": _fast_table(_REQUIRED_278, _COMPONENTS_278)}
_FAST_NM1_837 = {loop: _predicate("NM1", req, (), _PAIRED["NM1"]) for loop, req in _NM1_837.items()}
_FAST_NM1_BASE = _predicate("NM1", (1, 2), (), _PAIRED["NM1"])


@register
class NumericElement(Rule):
    """A numeric element holds something other than a number.

    What it does: checks that amounts and quantities (type R: CLM02, SV102, SV104, AMT02,
    CAS03/04..., SVD02/05, HSD02, CTP04, QTY02) are decimal numbers (an optional minus,
    digits, at most one decimal point) and that the ISA13 and GS06 control numbers are
    unsigned integers. Empty elements are left to X101.

    Why it matters: a non-numeric amount or quantity fails SNIP 1 (999 IK4 code 6,
    invalid character); the line cannot be priced or balanced.

    Example that fails: ``SV1*HC:99213*$100.00*UN*1***1~``

    Example that passes: ``SV1*HC:99213*100.00*UN*1***1~``
    """

    code = "X102"
    name = "element-not-numeric"
    summary = "A numeric element (amount, quantity, control number) is not a number."
    severity = "error"
    scope = "segment"
    segment_ids = tuple(sorted(set(_DECIMAL) | set(_INTEGER)))

    def check_segment(self, seg, handler, ctx):
        tag = seg.tag
        els = seg.elements
        n = len(els)
        bad = None
        for i in _DECIMAL.get(tag, _NONE):
            if i < n:
                value = els[i]
                if value and not (value.replace(".", "", 1).isdigit() and value.isascii()) \
                        and not is_decimal(value):
                    bad = (bad or []) + [f"{tag}{i:02d} {value[:20]!r}"]
        for i in _INTEGER.get(tag, _NONE):
            if i < n and els[i] and not (els[i].isdigit() and els[i].isascii()):
                bad = (bad or []) + [f"{tag}{i:02d} {els[i][:20]!r}"]
        if bad is None:
            return _NONE
        return (_find(self, ctx, seg, handler, f"not a number: {', '.join(bad)}"),)


@register
class ElementLength(Rule):
    """An element is longer or shorter than the implementation guide allows.

    What it does: checks the lengths the guides fix: CLM01 (patient control number) at most
    20 characters in an 837P (X222A1 narrows the base standard's 38), each procedure
    modifier (SV101-3 to SV101-6) exactly 2 characters, NM109 identifiers 2 to 80 and REF02
    at most 50.

    Why it matters: a too-long CLM01 is truncated or rejected (999 IK4 code 5), and a payer
    matches remittances and replacements on it; a 1- or 3-character modifier is not a
    modifier at all.

    Example that fails: ``CLM*ACCOUNT-2025-06-000000123*400***11:B:1*Y*A*Y*Y~`` (26 characters)

    Example that passes: ``CLM*A2025060123*400***11:B:1*Y*A*Y*Y~``
    """

    code = "X103"
    name = "element-length"
    summary = "An element's length is outside what the implementation guide allows."
    severity = "error"
    scope = "segment"
    segment_ids = ("CLM", "SV1", "NM1", "REF")

    def check_segment(self, seg, handler, ctx):
        if handler is None:
            return _NONE
        tag = seg.tag
        els = seg.elements
        if tag == "NM1":  # the frequent case first: NM109 2 to 80
            if len(els) < 10 or 2 <= len(els[9]) <= 80 or not els[9]:
                return _NONE
        elif tag == "REF":
            if len(els) < 3 or len(els[2]) <= 50:
                return _NONE
        if tag == "CLM":
            value = seg.get(1)
            if handler.tx.kind == "837P" and len(value) > 20:
                return (_find(self, ctx, seg, handler, f"CLM01 is {len(value)} characters long;"
                              " the 837P allows at most 20"),)
        elif tag == "SV1":
            mods = _sv101(seg, handler)[2]
            if not mods:
                return _NONE
            bad = [f"SV101-{j} {m!r}" for j, m in enumerate(mods, 3) if len(m) != 2]
            if bad:
                return (_find(self, ctx, seg, handler, f"modifier{'s' if len(bad) > 1 else ''}"
                              f" {', '.join(bad)} must be exactly 2 characters"),)
        elif tag == "NM1":
            value = seg.get(9)
            if value and not 2 <= len(value) <= 80:
                return (_find(self, ctx, seg, handler, f"NM109 is {len(value)} characters long;"
                              " identifiers run 2 to 80"),)
        else:  # REF
            value = seg.get(2)
            if len(value) > 50:
                return (_find(self, ctx, seg, handler, f"REF02 is {len(value)} characters long;"
                              " at most 50 are allowed"),)
        return _NONE


# Likely component separators when the one of ISA16 is not used (checked in this order).
_CANDIDATES = ":>^|\\!`~+<{}"


@register
class ComponentSeparatorUnused(Rule):
    """The body's composites use another component separator than ISA16 declares.

    What it does: looks at the composites every 837P has (CLM05 place of service, SV101
    procedure): when one holds none of ISA16's separator but splits on another likely
    separator (``>`` when ISA16 says ``:``, for instance) into a 2-character qualifier and
    more, it warns once per transaction set.

    Why it matters: composites are read with ISA16; with the wrong one ``HC>99213>25`` is a
    single value, so the procedure code, modifiers, place of service and frequency code are
    all unreadable and the claim is rejected.

    Example that fails: ``ISA*...*:~ ... SV1*HC>99213>25*100*UN*1***1~``

    Example that passes: ``ISA*...*>~ ... SV1*HC>99213>25*100*UN*1***1~``
    """

    code = "X110"
    name = "component-separator-unused"
    summary = "Composites use a component separator other than ISA16's."
    severity = "warning"
    scope = "segment"
    segment_ids = ("CLM", "SV1")

    def __init__(self):
        self._warned_tx = None  # the transaction set already warned about

    def check_segment(self, seg, handler, ctx):
        if handler is None:
            return _NONE
        tx = handler.tx
        comp = tx.component
        value = seg.get(5) if seg.tag == "CLM" else seg.get(1)
        if not value or comp in value or tx is self._warned_tx:
            return _NONE
        for c in _CANDIDATES:
            if c != comp and c in value:
                head = value.split(c, 1)[0]
                if len(head) == 2 and head.isalnum():
                    self._warned_tx = tx
                    where = "CLM05" if seg.tag == "CLM" else "SV101"
                    return (_find(self, ctx, seg, handler,
                                  f"{where} {value[:30]!r} holds no ISA16 component separator"
                                  f" {comp!r} but splits on {c!r}: ISA16 should probably be"
                                  f" {c!r}; composites of this transaction set cannot be read"
                                  " (reported once per transaction set)"),)
        return _NONE


# Segments that carry free text (names, addresses, notes, identifiers).
_TEXT_SEGMENTS = ("NM1", "N2", "N3", "N4", "PER", "NTE", "REF", "K3", "MSG", "CLM", "DMG", "TRN")
_NON_ASCII_LIMIT = 20


@register
class NonAsciiData(Rule):
    """A segment holds bytes outside ASCII (Windows-1252 or UTF-8 letters).

    What it does: reports segments that carry free text (NM1, N2-N4, PER, NTE, REF, K3,
    MSG, CLM, DMG, TRN) holding bytes above 0x7F, such as Windows-1252 ``\xdc`` or UTF-8
    ``\xc3\x9c`` for Ü in a name; at most 20 per file. The reader never fails on such
    bytes: it reads every byte as one character.

    Why it matters: X12's basic and extended character sets are ASCII; payers reject such
    bytes or garble the name, and member and provider matching then fails.

    Example that fails: ``NM1*IL*1*M\xdcLLER*ANNA****MI*M1~``

    Example that passes: ``NM1*IL*1*MUELLER*ANNA****MI*M1~``
    """

    code = "X111"
    name = "non-ascii-data"
    summary = "A segment holds bytes outside ASCII (Windows-1252 or UTF-8 text)."
    severity = "warning"
    scope = "segment"
    segment_ids = _TEXT_SEGMENTS

    MORE = "; further segments of this file are not reported"

    def __init__(self):
        self._stream = None  # the file (or part of a file) being counted
        self._count = 0

    def check_segment(self, seg, handler, ctx):
        text = seg.text
        if text.isascii():
            return _NONE
        if ctx.stream is not self._stream:
            self._stream, self._count = ctx.stream, 0
        self._count += 1
        if self._count > _NON_ASCII_LIMIT:
            return _NONE
        at = next(i for i, ch in enumerate(text) if ch > "\x7f")
        byte = ord(text[at])
        hint = " (UTF-8?)" if 0xC2 <= byte <= 0xF4 and at + 1 < len(text) \
            and 0x80 <= ord(text[at + 1]) <= 0xBF else " (Windows-1252 or Latin-1?)"
        more = self.MORE if self._count == _NON_ASCII_LIMIT else ""
        return (_find(self, ctx, seg, handler,
                      f"{seg.tag} holds byte 0x{byte:02X}{hint} at column {at + 1} of the segment:"
                      f" X12 data must be ASCII{more}"),)

    def join_parts(self, parts: list[list]) -> list:
        """The findings of a file checked in parts (``-j``), each part's in a list: the
        first 20 of the file, the 20th saying that no more are reported."""
        joined = [f for found in parts for f in found][:_NON_ASCII_LIMIT]
        for n, finding in enumerate(joined, 1):
            message = finding.message.removesuffix(self.MORE)
            finding.message = message + self.MORE if n == _NON_ASCII_LIMIT else message
        return joined


@register
class ClaimWithoutLines(Rule):
    """An 837P claim has no service line.

    What it does: reports a 2300 claim (CLM) followed by no 2400 service line (LX/SV1)
    before the next claim, hierarchical level or the end of the transaction set.

    Why it matters: the 2400 loop is required (at least one per claim); a claim without
    lines has nothing to pay and is rejected by the implementation guide.

    Example that fails: ``CLM*C1*100***11:B:1*Y*A*Y*Y~HI*ABK:Z029~HL*3*1*22*0~``

    Example that passes: ``CLM*C1*100***11:B:1*Y*A*Y*Y~HI*ABK:Z029~LX*1~SV1*HC:99213*100*UN*1***1~``
    """

    code = "X106"
    name = "claim-without-lines"
    summary = "An 837P claim has no service line (2400)."
    severity = "error"
    scope = "claim"

    def check_claim(self, claim, ctx):
        if claim.lines:
            return _NONE
        return (ctx.claim_finding(self, claim, "claim has no service line: at least one 2400"
                                  " loop (LX, SV1) is required"),)


# --------------------------------------------------------------------------- SNIP 3

@register
class ClaimBalance(Rule):
    """CLM02 does not equal the sum of the claim's SV102 line charges.

    What it does: adds the SV102 charges of the claim's service lines and compares the sum
    with the CLM02 total claim charge, to the cent. Claims with a non-numeric amount are
    left to X102.

    Why it matters: this is the SNIP type 3 balancing edit; clearinghouses (Stedi, for
    one) reject the whole claim when the total does not balance.

    Example that fails: ``CLM*C1*500***11:B:1*Y*A*Y*Y~ ... SV1*HC:99213*400*UN*1***1~``

    Example that passes: ``CLM*C1*400***11:B:1*Y*A*Y*Y~ ... SV1*HC:99213*400*UN*1***1~``
    """

    code = "X301"
    name = "claim-charge-balance"
    summary = "CLM02 does not equal the sum of SV102 to the cent."
    severity = "error"
    scope = "claim"

    def check_claim(self, claim, ctx):
        total = claim.charge_cents
        if total is None or not claim.lines:
            return _NONE
        lines = 0
        for line in claim.lines:
            if line.charge_cents is None:
                return _NONE
            lines += line.charge_cents
        if lines == total:
            return _NONE
        n = len(claim.lines)
        return (ctx.claim_finding(
            self, claim, f"CLM02 total {_cents(total)} does not equal the sum of SV102 line"
            f" charges {_cents(lines)} ({n} line{'s' if n > 1 else ''}): CLM02 is"
            f" {_cents(abs(total - lines))} {'more' if total > lines else 'less'} than the lines"),)


def _cents(cents: int) -> str:
    sign = "-" if cents < 0 else ""
    cents = abs(cents)
    return f"{sign}{cents // 100}.{cents % 100:02d}"


# --------------------------------------------------------------------------- SNIP 5

_SV101_QUALIFIERS_837 = frozenset({"HC", "ER", "IV", "WK"})
_CODES_OK: set[str] = set()  # procedure codes already found well-formed (a memo)
_MODIFIERS_OK: set[str] = set()  # the same for modifiers (at most 36 * 36 entries)


@register
class ProcedureCode(Rule):
    """A procedure code that is not HCPCS or CPT shaped, or an unknown qualifier.

    What it does: with SV101-1 ``HC``, SV101-2 must be a HCPCS Level II code (a letter and
    4 digits, ``G9008``) or a CPT code (5 digits, ``99213``; 4 digits and ``F`` or ``T`` for
    categories II and III). In an 837P, SV101-1 itself must be HC, ER, IV or WK. Applies to
    837P lines and 278 SV1 service levels.

    Why it matters: an ill-formed code is a SNIP 5 (external code set) rejection; the line
    cannot be priced, authorized or counted.

    Example that fails: ``SV1*HC:478331*100*UN*1***1~`` (6 digits)

    Example that passes: ``SV1*HC:99211*100*UN*1***1~``
    """

    code = "X501"
    name = "procedure-code-format"
    summary = "SV101 is not a HCPCS or CPT shaped code, or its qualifier is unknown."
    severity = "error"
    scope = "segment"
    segment_ids = ("SV1",)

    def check_segment(self, seg, handler, ctx):
        if handler is None:
            return _NONE
        kind = handler.tx.kind
        qualifier, code, _ = _sv101(seg, handler)
        if qualifier == "HC":
            if not code or code in _CODES_OK:
                return _NONE  # an empty code is X101's
            if procedure_code_valid(code):
                if len(_CODES_OK) < 50_000:
                    _CODES_OK.add(code)
                return _NONE
            return (_find(self, ctx, seg, handler, f"procedure code {code[:20]!r} is neither"
                          " HCPCS (a letter and 4 digits) nor CPT (5 digits, or 4 digits and"
                          " F or T)"),)
        if kind == "837P" and qualifier and qualifier not in _SV101_QUALIFIERS_837:
            return (_find(self, ctx, seg, handler, f"SV101-1 qualifier {qualifier[:10]!r} is not"
                          " HC, ER, IV or WK"),)
        return _NONE


@register
class ModifierFormat(Rule):
    """A procedure modifier that is not 2 upper-case letters or digits.

    What it does: checks each 2-character modifier of SV101-3 to SV101-6 (837P lines and
    278 SV1) for upper-case letters and digits only (``25``, ``GQ``, ``U1``). Wrong lengths
    are X103's.

    Why it matters: payers match modifiers exactly; ``u1`` or ``G-`` is no modifier and the
    line is denied or priced wrongly.

    Example that fails: ``SV1*HC:G9008:u1*400*UN*1***1~``

    Example that passes: ``SV1*HC:G9008:U1*400*UN*1***1~``
    """

    code = "X502"
    name = "modifier-format"
    summary = "A procedure modifier is not two upper-case letters or digits."
    severity = "error"
    scope = "segment"
    segment_ids = ("SV1",)

    def check_segment(self, seg, handler, ctx):
        if handler is None:
            return _NONE
        mods = _sv101(seg, handler)[2]
        if not mods:
            return _NONE
        ok = _MODIFIERS_OK
        bad = None
        for j, m in enumerate(mods, 3):
            if m in ok or len(m) != 2:
                continue
            if m.isascii() and m.isalnum() and m == m.upper():
                ok.add(m)
            else:
                bad = (bad or []) + [f"SV101-{j} {m!r}"]
        if not bad:
            return _NONE
        return (_find(self, ctx, seg, handler, f"modifier{'s' if len(bad) > 1 else ''}"
                      f" {', '.join(bad)} must be upper-case letters or digits"),)


_NPI_LOOPS = {"2010AA": "billing provider", "2310B": "rendering provider",
              "2420A": "rendering provider"}
_NPI_OK: set[str] = set()  # NPIs already found valid (a memo)


@register
class NpiCheckDigit(Rule):
    """A billing or rendering provider NPI fails the check digit.

    What it does: for NM1 with NM108 ``XX`` in loops 2010AA (billing provider), 2310B and
    2420A (rendering provider) of an 837P, NM109 must be 10 digits whose last is the Luhn
    check digit computed over ``80840`` and the first 9 digits.

    Why it matters: a mistyped NPI is the most common provider-level rejection; the check
    digit catches almost every single-digit typo and transposition before the payer does.

    Example that fails: ``NM1*85*2*SAMPLE CLINIC*****XX*1234567890~``

    Example that passes: ``NM1*85*2*SAMPLE CLINIC*****XX*1234567893~``
    """

    code = "X503"
    name = "npi-check-digit"
    summary = "A billing or rendering provider NPI fails the Luhn check digit."
    severity = "error"
    scope = "segment"
    segment_ids = ("NM1",)

    def check_segment(self, seg, handler, ctx):
        if handler is None or seg.get(8) != "XX":
            return _NONE
        role = _NPI_LOOPS.get(handler.loop)
        if role is None or handler.tx.kind != "837P":
            return _NONE
        npi = seg.get(9)
        if not npi or npi in _NPI_OK:
            return _NONE
        if npi_valid(npi):
            if len(_NPI_OK) < 50_000:
                _NPI_OK.add(npi)
            return _NONE
        if len(npi) != 10 or not npi.isdigit():
            why = "is not 10 digits"
        else:
            why = "fails the check digit (Luhn over 80840 + the first 9 digits)"
        return (_find(self, ctx, seg, handler, f"{role} NPI {npi[:20]!r} {why}"),)


_D8_OK: set[str] = set()  # DMG02 birth dates already found real (a memo)


def _bad_date(qualifier: str, value: str) -> str | None:
    """Why a D8/RD8/DT value is not a real date, or None when it is."""
    if qualifier == "D8":
        return None if parse_d8(value) else "is not a calendar date (D8, CCYYMMDD)"
    if qualifier == "RD8":
        if len(value) != 17 or value[8] != "-":
            return "is not a date range (RD8, CCYYMMDD-CCYYMMDD)"
        if parse_d8(value[:8]) is None or parse_d8(value[9:]) is None:
            return "holds a date that does not exist (RD8, CCYYMMDD-CCYYMMDD)"
        return None
    if qualifier == "DT":
        ok = len(value) == 12 and parse_d8(value[:8]) and value[8:].isdigit() \
            and value[8:10] < "24" and value[10:] < "60"
        return None if ok else "is not a date and time (DT, CCYYMMDDHHMM)"
    return None


@register
class DateValid(Rule):
    """A date that does not exist or is not in its declared format.

    What it does: checks 837P DTP dates (D8 ``CCYYMMDD``, RD8 ``CCYYMMDD-CCYYMMDD``, DT
    ``CCYYMMDDHHMM``), DMG02 birth dates (D8), BHT04 (``CCYYMMDD``), GS04 (``CCYYMMDD``) and
    ISA09 (``YYMMDD``): the digits must form real calendar dates (no June 31st, no
    February 29th outside leap years). 278 DTP dates are S216's.

    Why it matters: an impossible date is a SNIP 5 rejection and makes every date rule
    (months, spans, authorizations) unreliable.

    Example that fails: ``DTP*472*D8*20250631~``

    Example that passes: ``DTP*472*D8*20250630~``
    """

    code = "X504"
    name = "date-invalid"
    summary = "A date does not exist or does not match its format qualifier."
    severity = "error"
    scope = "segment"
    segment_ids = ("DTP", "DMG", "BHT", "GS", "ISA")

    def check_segment(self, seg, handler, ctx):
        tag = seg.tag
        if tag == "DTP":
            if _kind(handler) != "837P":
                return _NONE
            line = handler.line
            if line is not None and line.dos_from is not None and line.dtp_pos is not None \
                    and line.dtp_pos.index == seg.index:
                return _NONE  # DTP*472 the builder read as a real date
            qualifier, value = seg.get(2), seg.get(3)
            if not value:
                return _NONE
            why = _bad_date(qualifier, value)
            where = f"DTP*{seg.get(1)} {qualifier}"
        elif tag == "DMG":
            if handler is None or seg.get(1) != "D8" or not seg.get(2):
                return _NONE
            value = seg.get(2)
            if value in _D8_OK:
                return _NONE
            why, where = _bad_date("D8", value), "DMG02 (D8)"
            if why is None and len(_D8_OK) < 50_000:
                _D8_OK.add(value)
        elif tag == "BHT":
            value = seg.get(4)
            if handler is None or not value:
                return _NONE
            why, where = _bad_date("D8", value), "BHT04"
        elif tag == "GS":
            value = seg.get(4)
            if not value:
                return _NONE
            why, where = _bad_date("D8", value), "GS04"
        else:  # ISA09 YYMMDD: any century will do for existence, but pick one that has Feb 29
            value = seg.get(9)
            why = None if len(value) == 6 and parse_d8("20" + value) else "is not a date (YYMMDD)"
            where = "ISA09"
        if why is None:
            return _NONE
        if tag == "DMG" and not ctx.options.show_phi:  # a birth date: PHI
            return (_find(self, ctx, seg, handler, f"{where}, the birth date, {why}"),)
        return (_find(self, ctx, seg, handler, f"{where} {value[:20]!r} {why}"),)


@register
class DateRangeOrder(Rule):
    """An RD8 date range that ends before it starts.

    What it does: for 837P DTP segments with format RD8, the from-date must be on or before
    the to-date (278 ranges are S216's).

    Why it matters: a reversed service period has no days; payers reject it and the
    linter's own month and span rules cannot place the line.

    Example that fails: ``DTP*472*RD8*20250630-20250601~``

    Example that passes: ``DTP*472*RD8*20250601-20250630~``
    """

    code = "X505"
    name = "date-range-reversed"
    summary = "An RD8 date range ends before it starts."
    severity = "error"
    scope = "segment"
    segment_ids = ("DTP",)

    def check_segment(self, seg, handler, ctx):
        if seg.get(2) != "RD8" or _kind(handler) != "837P":
            return _NONE
        value = seg.get(3)
        if len(value) != 17 or value[:8] <= value[9:]:
            return _NONE
        start, end = parse_d8(value[:8]), parse_d8(value[9:])
        if start is None or end is None or start <= end:
            return _NONE  # unreadable dates are X504's
        return (_find(self, ctx, seg, handler, f"DTP*{seg.get(1)} range {value!r} ends before"
                      " it starts"),)


@register
class ClaimFrequency(Rule):
    """CLM05-3 claim frequency code is not 1, 7 or 8.

    What it does: an 837P claim's frequency code (CLM05-3) must be 1 (original), 7
    (replacement of a prior claim) or 8 (void/cancel of a prior claim). Missing is X101's.

    Why it matters: other frequency codes belong to institutional claims; professional
    payers (and Stedi's edits) reject them, and the linter cannot tell an original from
    a replacement.

    Example that fails: ``CLM*C1*100***11:B:6*Y*A*Y*Y~``

    Example that passes: ``CLM*C1*100***11:B:1*Y*A*Y*Y~``
    """

    code = "X506"
    name = "claim-frequency-code"
    summary = "CLM05-3 claim frequency code is not 1, 7 or 8."
    severity = "error"
    scope = "segment"
    segment_ids = ("CLM",)

    def check_segment(self, seg, handler, ctx):
        if _kind(handler) != "837P":
            return _NONE
        parts = seg.get(5).split(handler.tx.component)
        freq = parts[2] if len(parts) > 2 else ""
        if not freq or freq in ("1", "7", "8"):
            return _NONE
        return (_find(self, ctx, seg, handler, f"CLM05-3 frequency code {freq[:10]!r} is not 1"
                      " (original), 7 (replacement) or 8 (void)"),)


@register
class UnitBasis(Rule):
    """SV103 unit basis is not UN (units) or MJ (minutes).

    What it does: an 837P service line's SV103 must be ``UN`` or ``MJ``, the only two values
    005010X222A1 allows. Missing is X101's.

    Why it matters: the quantity in SV104 means nothing without a known basis; the line is
    rejected.

    Example that fails: ``SV1*HC:99213*100*DA*1***1~``

    Example that passes: ``SV1*HC:99213*100*UN*1***1~``
    """

    code = "X507"
    name = "unit-basis"
    summary = "SV103 unit basis is not UN or MJ."
    severity = "error"
    scope = "segment"
    segment_ids = ("SV1",)

    def check_segment(self, seg, handler, ctx):
        basis = seg.get(3)
        if not basis or basis in ("UN", "MJ") or _kind(handler) != "837P":
            return _NONE
        return (_find(self, ctx, seg, handler, f"SV103 unit basis {basis[:10]!r} is not UN"
                      " (units) or MJ (minutes)"),)


@register
class QuantityPositive(Rule):
    """SV104 service quantity is zero or negative.

    What it does: an 837P service line's SV104 units (or minutes) must be greater than zero.
    Empty or non-numeric values are X101's and X102's.

    Why it matters: a line with no units bills nothing and is rejected; a negative quantity
    is never valid on a claim (voids use CLM05-3 = 8).

    Example that fails: ``SV1*HC:99213*100*UN*0***1~``

    Example that passes: ``SV1*HC:99213*100*UN*1***1~``
    """

    code = "X508"
    name = "quantity-not-positive"
    summary = "SV104 quantity is zero or negative."
    severity = "error"
    scope = "segment"
    segment_ids = ("SV1",)

    def check_segment(self, seg, handler, ctx):
        units = seg.get(4)
        if not units or _kind(handler) != "837P" or not is_decimal(units):
            return _NONE
        if float(units) > 0:
            return _NONE
        return (_find(self, ctx, seg, handler, f"SV104 quantity {units[:15]!r} is not greater"
                      " than zero"),)


# --------------------------------------------------------------------------- fused fast path

# The engine calls each segment rule's ``check_segment`` for every segment of its ids; most
# segments are valid, and on those every rule returns nothing. So each segment id gets one
# compiled predicate over all the SNIP segment rules above (``segment_guard``): True only
# when none of them would report anything for the segment (or change any state), and then
# the engine skips the rules' calls. When it says False (a problem, a 278, a segment outside
# a transaction set, a value not seen before), the rules run as ever and decide: the guard
# only ever skips work, it never makes a finding. Each rule's share of a guard is written
# next to its own fast path below; a segment id whose rules are not all covered gets none.

def _sv1_ok(seg, handler) -> bool:
    """X103/X501/X502 on an SV1: HC qualifier, a known-good code and known-good modifiers."""
    qualifier, code, mods = _sv101(seg, handler)
    if qualifier != "HC" or (code and code not in _CODES_OK):
        return False
    for m in mods:
        if m not in _MODIFIERS_OK:  # holds 2-character, well-formed modifiers only
            return False
    return True


def _guard_terms(code: str, tag: str):
    """Expressions over ``seg``, ``e`` (its elements) and ``h`` (an 837P builder) that are
    all true only when rule ``code`` returns nothing for ``seg``; None when not covered."""
    if code == "X101":
        if tag == "NM1":
            return ["_FAST_NM1_837.get(h.loop, _FAST_NM1_BASE)(e, h)"]
        required = {**_REQUIRED_837, **_REQUIRED_ENVELOPE}.get(tag)
        if required is None:
            return []
        return _required_terms(tag, required, _COMPONENTS_837.get(tag, ()), _PAIRED.get(tag, ()),
                               inline=True)
    if code == "X102":
        return ([f"(len(e) <= {i} or not e[{i}] or (e[{i}].replace('.', '', 1).isdigit()"
                 f" and e[{i}].isascii()))" for i in _DECIMAL.get(tag, ())]
                + [f"(len(e) <= {i} or not e[{i}] or (e[{i}].isdigit() and e[{i}].isascii()))"
                   for i in _INTEGER.get(tag, ())])
    if code == "X103":
        return {"NM1": ["(len(e) < 10 or not e[9] or 2 <= len(e[9]) <= 80)"],
                "REF": ["(len(e) < 3 or len(e[2]) <= 50)"],
                "CLM": ["(len(e) < 2 or len(e[1]) <= 20)"],
                "SV1": ["_sv1_ok(seg, h)"]}.get(tag)
    if code == "X110":
        i = 5 if tag == "CLM" else 1
        return [f"(len(e) <= {i} or not e[{i}] or h.tx.component in e[{i}])"]
    if code == "X111":
        return ["seg.text.isascii()"]
    if code in ("X501", "X502"):
        return ["_sv1_ok(seg, h)"]
    if code == "X503":
        return ["(len(e) < 10 or e[8] != 'XX' or not e[9] or e[9] in _NPI_OK"
                " or h.loop not in _NPI_LOOPS)"]
    if code == "X504":
        if tag == "DTP":
            return ["(len(e) < 4 or not e[3] or (h.line is not None and h.line.dos_from is not None"
                    " and h.line.dtp_pos is not None and h.line.dtp_pos.index == seg.index))"]
        if tag == "DMG":
            return ["(len(e) < 3 or e[1] != 'D8' or not e[2] or e[2] in _D8_OK)"]
        return None
    if code == "X505":
        return ["(len(e) < 4 or e[2] != 'RD8' or len(e[3]) != 17 or e[3][:8] <= e[3][9:])"]
    if code == "X506":
        return ["(len(e) < 6 or e[5].split(h.tx.component)[2:3] in ([], [''], ['1'], ['7'],"
                " ['8']))"]
    if code == "X507":
        return ["(len(e) < 4 or e[3] in ('', 'UN', 'MJ'))"]
    if code == "X508":
        return ["(len(e) < 5 or not e[4] or (e[4].isdigit() and e[4].isascii()"
                " and e[4].strip('0') != ''))"]
    return None


_SEGMENT_RULES = (RequiredElement, NumericElement, ElementLength, ComponentSeparatorUnused,
                  NonAsciiData, ProcedureCode, ModifierFormat, NpiCheckDigit, DateValid,
                  DateRangeOrder, ClaimFrequency, UnitBasis, QuantityPositive)


_LONGER = re.compile(r"^len\(e\) > (\d+)$")
_PRESENT = re.compile(r"^e\[(\d+)\]$")
_SHORT = re.compile(r"len\(e\) (<=|<) (\d+) or ")
_EMPTY_OR = re.compile(r"not e\[(\d+)\] or ")


def _simplified(terms: list[str]) -> list[str]:
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


def _build_guards() -> dict:
    by_tag: dict[str, list] = {}
    for cls in _SEGMENT_RULES:
        for tag in cls.segment_ids:
            by_tag.setdefault(tag, []).append(cls.code)
    source = []
    for tag, codes in by_tag.items():
        terms: list[str] = []
        for code in codes:
            more = _guard_terms(code, tag)
            if more is None:
                break
            terms += [t for t in more if t not in terms]
        else:
            body = " and ".join(_simplified(terms)) or "True"
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
    exec("\n".join(source), globals(), space)  # noqa: S102  (one compile at import)
    return {name[len("guard_"):]: fn for name, fn in space.items()}


_GUARDS = _build_guards()


def _segment_guard(self, tag):
    if type(self) not in _SEGMENT_RULES:  # a subclass may check more: no shortcut
        return None
    return _GUARDS.get(tag)


for _cls in _SEGMENT_RULES:
    _cls.segment_guard = _segment_guard


# --------------------------------------------------------------------------- emitted elsewhere

_ELSEWHERE = [
    ("X104", "segment-misplaced", "error", "A segment stands where the 837P allows none.",
     "While reading an 837P, checks each segment id against the loop it appears in (header,"
     " 2000A billing provider, 2000B subscriber, 2000C patient, 2300 claim, 2320 other"
     " subscriber, 2400 service line): REF in the header, CLM under a billing provider,"
     " or a segment no 837P uses (SV2, CL1, UM...) is reported at its position.",
     "A segment out of place is a SNIP 1/2 rejection (999 IK3 code 2 or 3): the translator"
     " cannot tell which loop it belongs to.",
     "ST*837*0001*005010X222A1~BHT*0019*00*1*20250701*1200*CH~REF*87*004010X098A1~",
     "ST*837*0001*005010X222A1~BHT*0019*00*1*20250701*1200*CH~NM1*41*2*SUBMITTER*****46*S1~"),
    ("X105", "required-loop-missing", "error", "An 837P transaction set lacks a required loop.",
     "At SE, reports the required loops an 837P transaction set never had: BHT, 1000A"
     " submitter (NM1*41), 1000B receiver (NM1*40), 2000A billing provider (HL level 20) with"
     " 2010AA (NM1*85), 2000B subscriber (HL level 22) with 2010BA (NM1*IL) and 2010BB (NM1*PR).",
     "Without them the claim has no submitter, provider, member or payer; the transaction"
     " set is rejected (999 IK3 code 3).",
     "ST*837*0001*005010X222A1~BHT*...~REF*BB*X~SE*4*0001~",
     "ST*837*0001*005010X222A1~BHT*...~NM1*41*...~PER*...~NM1*40*...~HL*1**20*1~...~SE*...~"),
    ("X107", "isa-version", "error", "ISA12 is not 00501 in an interchange of 5010 transactions.",
     "For each interchange holding an 837P or 278 005010 transaction set, ISA12 (the"
     " interchange control version) must be 00501; reported once, at the ISA.",
     "Translators pick the envelope syntax (repetition separator, ISA11) from ISA12; a 4010"
     " envelope around 5010 content is rejected (TA1 code 017).",
     "ISA*00*...*U*00401*000000001*0*T*:~ ... ST*837*0001*005010X222A1~",
     "ISA*00*...*^*00501*000000001*0*T*:~ ... ST*837*0001*005010X222A1~"),
    ("X201", "ig-error", "error", "pyx12 reports an 837P implementation-guide error (--ig).",
     "With --ig, each 837P transaction set is validated by pyx12 against the 005010X222A1"
     " map (code values, element usage, loop and segment repeats, situational rules); each"
     " error becomes a finding at the segment it concerns, with the loop id of pyx12's map"
     " node and the claim. Errors the fast checks already report (SE01, SE02, missing SE, HL"
     " and LX numbering) are dropped. X222 and X222A2 transaction sets are validated against"
     " the A1 map (X041 says they are variants).",
     "This is SNIP type 2, what a payer's front end runs: a claim that passes the fast"
     " checks can still be rejected for a code value or a missing situational segment.",
     "OI*Y*B*Y~ (with --ig: OI04 B is not a valid patient signature source code)",
     "OI***Y*P**Y~"),
    ("X202", "ig-not-run", "warning", "pyx12 could not validate an interchange's 837P sets (--ig).",
     "With --ig, reports an interchange whose 837P transaction sets pyx12 could not validate:"
     " an ISA pyx12 cannot read even after re-padding, an unknown map, or any exception"
     " raised inside pyx12. edi-lint never crashes on it; the fast checks still ran.",
     "A file that was not validated must not look validated.",
     "ISA*00*...(13 elements)~ with --ig", "ISA*00*          *00*          *ZZ*...*:~ with --ig"),
]


def _make(code, name, severity, summary, what, why, bad, good):
    cls = type(f"Snip{code}", (Rule,), {
        "__doc__": _doc(summary, what, why, bad, good), "code": code, "name": name,
        "severity": severity, "summary": summary, "scope": "structure",
        "__module__": __name__, "examples": (bad, good)})
    return register(cls)


SNIP_ELSEWHERE = [_make(*row) for row in _ELSEWHERE]
