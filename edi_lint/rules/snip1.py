"""SNIP 1 (syntax) segment and claim checks beside X101: numbers, lengths, separators, ASCII,
claims without lines.

Each segment rule declares ``guard``, its share of the fused SNIP guard
(``segment_guards.py``), beside its own fast path.
"""
from __future__ import annotations

from ..x12.values import is_decimal
from .base import Rule
from .registry import register
from .segment_guards import Guard
from .snip_common import NONE, finding_at, sv101_parts, sv1_known_good

# Elements of type R (decimal) in either transaction kind.
_DECIMAL = {"CLM": (2,), "SV1": (2, 4), "AMT": (2,), "SVD": (2, 5), "HSD": (2,), "CTP": (4,),
            "QTY": (2,), "MEA": (3,), "SV2": (3, 5),
            "CAS": (3, 4, 6, 7, 9, 10, 12, 13, 15, 16, 18, 19)}
# Elements of type N0 (unsigned integer) not already compared by the envelope checks.
_INTEGER = {"ISA": (13,), "GS": (6,)}


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
    guard = Guard({tag: tuple(
        [f"(len(e) <= {i} or not e[{i}] or (e[{i}].replace('.', '', 1).isdigit()"
         f" and e[{i}].isascii()))" for i in _DECIMAL.get(tag, ())]
        + [f"(len(e) <= {i} or not e[{i}] or (e[{i}].isdigit() and e[{i}].isascii()))"
           for i in _INTEGER.get(tag, ())]) for tag in segment_ids})

    def check_segment(self, seg, handler, ctx):
        tag = seg.tag
        els = seg.elements
        n = len(els)
        bad = None
        for i in _DECIMAL.get(tag, NONE):
            if i < n:
                value = els[i]
                if value and not (value.replace(".", "", 1).isdigit() and value.isascii()) \
                        and not is_decimal(value):
                    bad = (bad or []) + [f"{tag}{i:02d} {value[:20]!r}"]
        for i in _INTEGER.get(tag, NONE):
            if i < n and els[i] and not (els[i].isdigit() and els[i].isascii()):
                bad = (bad or []) + [f"{tag}{i:02d} {els[i][:20]!r}"]
        if bad is None:
            return NONE
        return (finding_at(self, ctx, seg, handler, f"not a number: {', '.join(bad)}"),)


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
    guard = Guard({"NM1": ("(len(e) < 10 or not e[9] or 2 <= len(e[9]) <= 80)",),
                   "REF": ("(len(e) < 3 or len(e[2]) <= 50)",),
                   "CLM": ("(len(e) < 2 or len(e[1]) <= 20)",),
                   "SV1": ("sv1_known_good(seg, h)",)}, {"sv1_known_good": sv1_known_good})

    def check_segment(self, seg, handler, ctx):
        if handler is None:
            return NONE
        tag = seg.tag
        els = seg.elements
        if tag == "NM1":  # the frequent case first: NM109 2 to 80
            if len(els) < 10 or 2 <= len(els[9]) <= 80 or not els[9]:
                return NONE
        elif tag == "REF":
            if len(els) < 3 or len(els[2]) <= 50:
                return NONE
        if tag == "CLM":
            value = seg.get(1)
            if handler.tx.kind == "837P" and len(value) > 20:
                return (finding_at(self, ctx, seg, handler, f"CLM01 is {len(value)} characters"
                                   " long; the 837P allows at most 20"),)
        elif tag == "SV1":
            mods = sv101_parts(seg, handler)[2]
            if not mods:
                return NONE
            bad = [f"SV101-{j} {m!r}" for j, m in enumerate(mods, 3) if len(m) != 2]
            if bad:
                return (finding_at(self, ctx, seg, handler, f"modifier{'s' if len(bad) > 1 else ''}"
                                   f" {', '.join(bad)} must be exactly 2 characters"),)
        elif tag == "NM1":
            value = seg.get(9)
            if value and not 2 <= len(value) <= 80:
                return (finding_at(self, ctx, seg, handler, f"NM109 is {len(value)} characters"
                                   " long; identifiers run 2 to 80"),)
        else:  # REF
            value = seg.get(2)
            if len(value) > 50:
                return (finding_at(self, ctx, seg, handler, f"REF02 is {len(value)} characters"
                                   " long; at most 50 are allowed"),)
        return NONE


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
    guard = Guard({"CLM": ("(len(e) <= 5 or not e[5] or h.tx.component in e[5])",),
                   "SV1": ("(len(e) <= 1 or not e[1] or h.tx.component in e[1])",)})

    def __init__(self):
        self._warned_tx = None  # the transaction set already warned about

    def check_segment(self, seg, handler, ctx):
        if handler is None:
            return NONE
        tx = handler.tx
        comp = tx.component
        value = seg.get(5) if seg.tag == "CLM" else seg.get(1)
        if not value or comp in value or tx is self._warned_tx:
            return NONE
        for c in _CANDIDATES:
            if c != comp and c in value:
                head = value.split(c, 1)[0]
                if len(head) == 2 and head.isalnum():
                    self._warned_tx = tx
                    where = "CLM05" if seg.tag == "CLM" else "SV101"
                    return (finding_at(self, ctx, seg, handler,
                                       f"{where} {value[:30]!r} holds no ISA16 component separator"
                                       f" {comp!r} but splits on {c!r}: ISA16 should probably be"
                                       f" {c!r}; composites of this transaction set cannot be read"
                                       " (reported once per transaction set)"),)
        return NONE


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
    guard = Guard({tag: ("seg.text.isascii()",) for tag in segment_ids})

    MORE = "; further segments of this file are not reported"

    def __init__(self):
        self._stream = None  # the file (or part of a file) being counted
        self._count = 0

    def check_segment(self, seg, handler, ctx):
        text = seg.text
        if text.isascii():
            return NONE
        if ctx.stream is not self._stream:
            self._stream, self._count = ctx.stream, 0
        self._count += 1
        if self._count > _NON_ASCII_LIMIT:
            return NONE
        at = next(i for i, ch in enumerate(text) if ch > "\x7f")
        byte = ord(text[at])
        hint = " (UTF-8?)" if 0xC2 <= byte <= 0xF4 and at + 1 < len(text) \
            and 0x80 <= ord(text[at + 1]) <= 0xBF else " (Windows-1252 or Latin-1?)"
        more = self.MORE if self._count == _NON_ASCII_LIMIT else ""
        return (finding_at(self, ctx, seg, handler,
                           f"{seg.tag} holds byte 0x{byte:02X}{hint} at column {at + 1} of the"
                           f" segment: X12 data must be ASCII{more}"),)

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
            return NONE
        return (ctx.claim_finding(self, claim, "claim has no service line: at least one 2400"
                                  " loop (LX, SV1) is required"),)
