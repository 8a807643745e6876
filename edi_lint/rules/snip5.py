"""SNIP 5 (code formats): procedure codes, modifiers, NPIs, dates, frequency, unit basis, quantity.

Each segment rule declares ``guard``, its share of the fused SNIP guard
(``segment_guards.py``), beside its own fast path.
"""
from __future__ import annotations

from ..dates import parse_d8
from ..x12.values import is_decimal
from .base import Rule
from .registry import register
from .segment_guards import Guard
from .snip_common import (CODES_OK, MODIFIERS_OK, NONE, finding_at, sv101_parts, sv1_known_good,
                          transaction_kind)

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



_SV101_QUALIFIERS_837 = frozenset({"HC", "ER", "IV", "WK"})


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
    guard = Guard({"SV1": ("sv1_known_good(seg, h)",)}, {"sv1_known_good": sv1_known_good})

    def check_segment(self, seg, handler, ctx):
        if handler is None:
            return NONE
        kind = handler.tx.kind
        qualifier, code, _ = sv101_parts(seg, handler)
        if qualifier == "HC":
            if not code or code in CODES_OK:
                return NONE  # an empty code is X101's
            if procedure_code_valid(code):
                if len(CODES_OK) < 50_000:
                    CODES_OK.add(code)
                return NONE
            return (finding_at(self, ctx, seg, handler, f"procedure code {code[:20]!r} is neither"
                               " HCPCS (a letter and 4 digits) nor CPT (5 digits, or 4 digits and"
                               " F or T)"),)
        if kind == "837P" and qualifier and qualifier not in _SV101_QUALIFIERS_837:
            return (finding_at(self, ctx, seg, handler, f"SV101-1 qualifier {qualifier[:10]!r}"
                               " is not HC, ER, IV or WK"),)
        return NONE


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
    guard = Guard({"SV1": ("sv1_known_good(seg, h)",)}, {"sv1_known_good": sv1_known_good})

    def check_segment(self, seg, handler, ctx):
        if handler is None:
            return NONE
        mods = sv101_parts(seg, handler)[2]
        if not mods:
            return NONE
        ok = MODIFIERS_OK
        bad = None
        for j, m in enumerate(mods, 3):
            if m in ok or len(m) != 2:
                continue
            if m.isascii() and m.isalnum() and m == m.upper():
                ok.add(m)
            else:
                bad = (bad or []) + [f"SV101-{j} {m!r}"]
        if not bad:
            return NONE
        return (finding_at(self, ctx, seg, handler, f"modifier{'s' if len(bad) > 1 else ''}"
                           f" {', '.join(bad)} must be upper-case letters or digits"),)


_NPI_LOOPS = {"2010AA": "billing provider", "2310B": "rendering provider",
              "2420A": "rendering provider"}
NPI_OK: set[str] = set()  # NPIs already found valid (a memo)


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
    guard = Guard({"NM1": ("(len(e) < 10 or e[8] != 'XX' or not e[9] or e[9] in npi_ok"
                           " or h.loop not in npi_loops)",)},
                  {"npi_ok": NPI_OK, "npi_loops": _NPI_LOOPS})

    def check_segment(self, seg, handler, ctx):
        if handler is None or seg.get(8) != "XX":
            return NONE
        role = _NPI_LOOPS.get(handler.loop)
        if role is None or handler.tx.kind != "837P":
            return NONE
        npi = seg.get(9)
        if not npi or npi in NPI_OK:
            return NONE
        if npi_valid(npi):
            if len(NPI_OK) < 50_000:
                NPI_OK.add(npi)
            return NONE
        if len(npi) != 10 or not npi.isdigit():
            why = "is not 10 digits"
        else:
            why = "fails the check digit (Luhn over 80840 + the first 9 digits)"
        return (finding_at(self, ctx, seg, handler, f"{role} NPI {npi[:20]!r} {why}"),)


D8_OK: set[str] = set()  # DMG02 birth dates already found real (a memo)


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
    guard = Guard({  # BHT, GS and ISA: not covered (rare segments, no guard)
        "DTP": ("(len(e) < 4 or not e[3] or (h.line is not None and h.line.dos_from is not None"
                " and h.line.dtp_pos is not None and h.line.dtp_pos.index == seg.index))",),
        "DMG": ("(len(e) < 3 or e[1] != 'D8' or not e[2] or e[2] in d8_ok)",)},
        {"d8_ok": D8_OK})

    def check_segment(self, seg, handler, ctx):
        tag = seg.tag
        if tag == "DTP":
            if transaction_kind(handler) != "837P":
                return NONE
            line = handler.line
            if line is not None and line.dos_from is not None and line.dtp_pos is not None \
                    and line.dtp_pos.index == seg.index:
                return NONE  # DTP*472 the builder read as a real date
            qualifier, value = seg.get(2), seg.get(3)
            if not value:
                return NONE
            why = _bad_date(qualifier, value)
            where = f"DTP*{seg.get(1)} {qualifier}"
        elif tag == "DMG":
            if handler is None or seg.get(1) != "D8" or not seg.get(2):
                return NONE
            value = seg.get(2)
            if value in D8_OK:
                return NONE
            why, where = _bad_date("D8", value), "DMG02 (D8)"
            if why is None and len(D8_OK) < 50_000:
                D8_OK.add(value)
        elif tag == "BHT":
            value = seg.get(4)
            if handler is None or not value:
                return NONE
            why, where = _bad_date("D8", value), "BHT04"
        elif tag == "GS":
            value = seg.get(4)
            if not value:
                return NONE
            why, where = _bad_date("D8", value), "GS04"
        else:  # ISA09 YYMMDD: any century will do for existence, but pick one that has Feb 29
            value = seg.get(9)
            why = None if len(value) == 6 and parse_d8("20" + value) else "is not a date (YYMMDD)"
            where = "ISA09"
        if why is None:
            return NONE
        if tag == "DMG" and not ctx.options.show_phi:  # a birth date: PHI
            return (finding_at(self, ctx, seg, handler, f"{where}, the birth date, {why}"),)
        return (finding_at(self, ctx, seg, handler, f"{where} {value[:20]!r} {why}"),)


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
    guard = Guard({"DTP": ("(len(e) < 4 or e[2] != 'RD8' or len(e[3]) != 17"
                           " or e[3][:8] <= e[3][9:])",)})

    def check_segment(self, seg, handler, ctx):
        if seg.get(2) != "RD8" or transaction_kind(handler) != "837P":
            return NONE
        value = seg.get(3)
        if len(value) != 17 or value[:8] <= value[9:]:
            return NONE
        start, end = parse_d8(value[:8]), parse_d8(value[9:])
        if start is None or end is None or start <= end:
            return NONE  # unreadable dates are X504's
        return (finding_at(self, ctx, seg, handler, f"DTP*{seg.get(1)} range {value!r} ends before"
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
    guard = Guard({"CLM": ("(len(e) < 6 or e[5].split(h.tx.component)[2:3] in ([], [''], ['1'],"
                           " ['7'], ['8']))",)})

    def check_segment(self, seg, handler, ctx):
        if transaction_kind(handler) != "837P":
            return NONE
        parts = seg.get(5).split(handler.tx.component)
        freq = parts[2] if len(parts) > 2 else ""
        if not freq or freq in ("1", "7", "8"):
            return NONE
        return (finding_at(self, ctx, seg, handler, f"CLM05-3 frequency code {freq[:10]!r} is not 1"
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
    guard = Guard({"SV1": ("(len(e) < 4 or e[3] in ('', 'UN', 'MJ'))",)})

    def check_segment(self, seg, handler, ctx):
        basis = seg.get(3)
        if not basis or basis in ("UN", "MJ") or transaction_kind(handler) != "837P":
            return NONE
        return (finding_at(self, ctx, seg, handler, f"SV103 unit basis {basis[:10]!r} is not UN"
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
    guard = Guard({"SV1": ("(len(e) < 5 or not e[4] or (e[4].isdigit() and e[4].isascii()"
                           " and e[4].strip('0') != ''))",)})

    def check_segment(self, seg, handler, ctx):
        units = seg.get(4)
        if not units or transaction_kind(handler) != "837P" or not is_decimal(units):
            return NONE
        if float(units) > 0:
            return NONE
        return (finding_at(self, ctx, seg, handler, f"SV104 quantity {units[:15]!r} is not greater"
                           " than zero"),)
