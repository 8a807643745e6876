"""Build 278 TAR requests and responses from one transaction set, streaming.

Each 2000E patient event becomes a TarRequest (BHT02 13) or TarResponse
(BHT02 11) holding its 2000F service levels; it is emitted when complete.

The builder also checks what pyx12 cannot (it has no 5010 278 map): HL order
and parents (S001-S003) and HL04 (S004), the required segments of each level
(S201-S204) and the code values of BHT01, UM01, HCR01, PWK01/PWK02, DTP, NM101,
TRN01, HSD01, SV101-1, HI01-1 and REF01 (S206, S210, S212-S222), per x12-notes.md §3.
Their codes are documented in ``rules/structure278.py``; each finding carries its 999
codes (``data``: IK304, and IK403 with the element for a bad value).
"""
from __future__ import annotations

from ..dates import parse_period
from .codes278 import (
    DTP_QUALIFIERS, HCR01_CODES, HI_PRINCIPAL, HI_QUALIFIERS, HL_LEVELS, HL_PARENT,
    HSD01_CODES, LEVEL_NAMES, MISSING_SEGMENT, NM1_LOOP, NM101_CODES, PURPOSES, PWK01_CODES,
    PWK02_CODES, REF_QUALIFIERS, SV101_QUALIFIERS, TRN01_CODES, UM01_CODES, element_data)
from .common import Pos, money_cents, quantity
from .hl import ChildCodes
from .tars import TarRequest, TarResponse, TarService
from ..x12.values import to_int as _int


class Tar278Builder:
    """Turns one 278 transaction set's segments into TarRequest/TarResponse objects."""

    def __init__(self, tx, emit, report):
        self.tx = tx
        self.emit = emit
        self.report = report
        self.loop = "header"
        self.level = None
        self.hl_levels: dict[str, str] = {}
        self.hl_expected = 1
        self.child_codes = ChildCodes(report, nested=("2000F",))
        self.subscriber = None
        self.dependent = None
        self.umo = None  # (NM103, NM109, Pos) of the 2010A UMO
        self.event = None
        self.service: TarService | None = None
        self.events = 0
        self.hl_seg = None  # the current HL segment
        self.bht = None  # the transaction set's BHT, once read
        self.seen: set[str] = set()  # segment ids seen since the current HL

    def segment(self, seg):
        handler = _HANDLERS.get(seg.tag)
        if self.hl_seg is not None and seg.tag != "HL":
            self.seen.add(seg.tag)
        if handler is not None:
            handler(self, seg)

    def finish(self, seg, complete):
        self._close_level()
        self._close_event()
        if complete:
            self.child_codes.finish()

    # -- header ----------------------------------------------------------------
    def _bht(self, seg):
        if self.bht is None and seg.get(1) != "0007":
            self.report("S206", f"BHT01 hierarchical structure code {seg.get(1)[:10]!r} is not"
                        " 0007 (the 278's information source, receiver, subscriber, dependent,"
                        " event, service structure)", seg, loop="header",
                        data=element_data("BHT01"))
        if self.bht is not None:  # the first BHT made the events requests or responses
            self.report("S020", f"a second BHT (BHT02 {seg.get(2)[:10]!r}) in the transaction set:"
                        f" its purpose stays the first BHT's ({self.tx.purpose or 'unknown'})",
                        seg, loop="header")
            return
        self.bht = seg
        purpose = PURPOSES.get(seg.get(2))
        self.tx.purpose = purpose
        if purpose is None:
            self.report("S020", f"BHT02 is {seg.get(2)!r}: a 278 is read as a request (13) or a"
                        " response (11); its patient events are not checked", seg, loop="header",
                        data=element_data("BHT02"))

    # -- hierarchy -------------------------------------------------------------
    def _close_level(self):
        """Required segments of the level that ends (S201-S204)."""
        hl, level, seen = self.hl_seg, self.level, self.seen
        if hl is None:
            return
        self.hl_seg = None
        loop = HL_LEVELS.get(level)
        purpose = self.tx.purpose
        if level in ("20", "21", "22", "23"):
            if "NM1" not in seen:
                self.report("S201", f"{LEVEL_NAMES[level]} level has no NM1: loop"
                            f" {NM1_LOOP[loop]} (its name) is required", hl, loop=loop,
                            data=dict(MISSING_SEGMENT))
        elif level == "EV" and purpose == "request":
            if "UM" not in seen:
                self.report("S202", "2000E patient event of a request has no UM: the review"
                            " category and certification type (UM01, UM02) are required", hl,
                            loop=loop, data=dict(MISSING_SEGMENT))
        elif level == "EV" and purpose == "response":
            if "HCR" not in seen and "AAA" not in seen:
                self.report("S203", "2000E patient event of a response has no HCR: the"
                            " decision (HCR01) and certification number (HCR02) are required",
                            hl, loop=loop, data=dict(MISSING_SEGMENT))
        elif level == "SS" and purpose == "request":
            if not seen & {"SV1", "SV2", "SV3"}:
                self.report("S204", "2000F service level of a request has no SV1, SV2 or SV3:"
                            " the service requested is required", hl, loop=loop,
                            data=dict(MISSING_SEGMENT))

    def _hl(self, seg):
        self._close_level()
        self.hl_seg = seg
        self.seen = set()
        hl_id, parent, level = seg.get(1), seg.get(2), seg.get(3)
        loop = HL_LEVELS.get(level)
        if hl_id != str(self.hl_expected):
            self.report("S001", f"HL01 is {hl_id!r}; expected {self.hl_expected} (HL ids run 1, 2,"
                        " 3... in order)", seg, loop=loop)
        self.hl_expected = (_int(hl_id) or self.hl_expected) + 1
        sound = False
        if loop is None:
            self.report("S003", f"HL03 level code {level!r} is not a 278 level (20, 21, 22, 23, EV,"
                        " SS)", seg, loop=None)
        elif parent and parent not in self.hl_levels:
            self.report("S002", f"HL02 parent {parent!r} is not an earlier HL id", seg, loop=loop)
        elif self.hl_levels.get(parent or None) not in HL_PARENT[level]:
            wants = " or ".join(p or "none" for p in HL_PARENT[level])
            self.report("S003", f"HL level {level} ({loop}) needs a parent of level {wants}", seg,
                        loop=loop)
        else:
            sound = True
        self.hl_levels[hl_id] = level
        self.child_codes.hl(seg, hl_id, parent, loop, sound)
        if level in ("20", "21", "22", "23", "EV"):
            self._close_event()
        if level == "20":
            self.umo = None
        elif level == "22":
            self.subscriber = self.dependent = None
        elif level == "23":
            self.dependent = None
        self.level = level
        self.loop = loop or self.loop
        pos = Pos.of(seg, self.loop)
        if level == "EV" and self.tx.purpose in ("request", "response"):
            self.events += 1
            cls = TarRequest if self.tx.purpose == "request" else TarResponse
            self.event = cls(self.tx, pos, self.dependent or self.subscriber, self.events)
            self.event.payer = self.umo
        elif level == "SS" and self.event is not None:
            self.service = TarService(pos)
            self.event.services.append(self.service)
            self.service.ordinal = len(self.event.services)
        elif level == "SS":
            self.service = None

    def _close_event(self):
        if self.event is not None:
            event, self.event = self.event, None
            self.service = None
            self.emit(event)

    def _nm1(self, seg):
        self.loop = NM1_LOOP.get(HL_LEVELS.get(self.level), self.loop)
        allowed = NM101_CODES.get(self.loop) or NM101_CODES.get((self.loop, self.tx.purpose))
        if allowed is not None and seg.get(1) not in allowed:
            self.report("S217", f"NM101 entity code {seg.get(1)[:10]!r} is not valid in loop"
                        f" {self.loop} (expected {', '.join(sorted(allowed))})", seg,
                        loop=self.loop, data=element_data("NM101"))
        if self.loop == "2010A":
            self.umo = (seg.get(3), seg.get(9), Pos.of(seg, "2010A"))
        elif self.loop == "2010C" and seg.get(1) == "IL":
            self.subscriber = seg.get(9)
        elif self.loop == "2010D" and seg.get(1) == "QC":
            self.dependent = seg.get(9)

    # -- patient event and service level --------------------------------------------
    def _target(self):
        """The 2000F service when inside one, else the 2000E event."""
        if self.level == "SS" and self.service is not None:
            return self.service
        if self.level == "EV":
            return self.event
        return None

    def _trn(self, seg):
        allowed = TRN01_CODES.get(self.tx.purpose)
        if self._in_level() is not None and allowed is not None and seg.get(1) not in allowed:
            self.report("S218", f"TRN01 trace type {seg.get(1)[:10]!r} is not valid in a"
                        f" {self.tx.purpose} (expected {' or '.join(sorted(allowed))}: 1 current"
                        " trace, 2 referenced trace)", seg, loop=self.loop,
                        data=element_data("TRN01"))
        if self.level == "EV" and self.event is not None and self.event.trace is None:
            self.event.trace = seg.get(2)

    def _in_level(self):
        """The 2000E/2000F level id when the segment belongs to it (not to a 2010 loop)."""
        if self.level in ("EV", "SS") and self.loop.startswith("2000"):
            return self.level
        return None

    def _um(self, seg):
        level = self._in_level()
        um01 = seg.get(1)
        if level is not None and um01 not in UM01_CODES[level]:
            wants = ", ".join(sorted(UM01_CODES[level]))
            self.report("S210", f"UM01 request category {um01!r} is not valid in"
                        f" {HL_LEVELS[level]} (expected {wants})", seg, loop=self.loop,
                        data=element_data("UM01"))
        if self.level == "EV" and self.event is not None:
            self.event.um_pos = Pos.of(seg, "2000E")
            self.event.um01, self.event.um02 = um01, seg.get(2)
        elif self.level == "SS" and self.service is not None:
            self.service.um_pos = Pos.of(seg, "2000F")
            self.service.um01, self.service.um02 = um01, seg.get(2)

    def _hcr(self, seg):
        level = self._in_level()
        hcr01 = seg.get(1)
        if level is not None and hcr01 not in HCR01_CODES[level]:
            wants = ", ".join(sorted(HCR01_CODES[level]))
            self.report("S212", f"HCR01 action code {hcr01!r} is not valid in {HL_LEVELS[level]}"
                        f" (expected {wants})", seg, loop=self.loop, data=element_data("HCR01"))
        target = self._target()
        if target is not None and hasattr(target, "hcr01"):
            target.hcr01, target.hcr02 = hcr01, seg.get(2)

    def _dtp(self, seg):
        qualifier, fmt, value = seg.get(1), seg.get(2), seg.get(3)
        period = parse_period(fmt, value)
        if period is None:
            self._bad_date(seg, fmt, value)
        elif period[0] > period[1]:
            self.report("S216", f"DTP*{qualifier} range {value} ends before it starts (from"
                        " must be on or before to)", seg, loop=self.loop,
                        data=element_data("DTP03", "8"))
        level = self._in_level()
        purpose = self.tx.purpose
        if level is not None and purpose is not None:
            allowed = DTP_QUALIFIERS[(purpose, level)]
            if qualifier not in allowed:
                self.report("S215", f"DTP qualifier {qualifier!r} is not valid in the"
                            f" {HL_LEVELS[level]} of a {purpose} (expected"
                            f" {', '.join(sorted(allowed))})", seg, loop=self.loop,
                            data=element_data("DTP01"))
        target = self._target()
        if target is None or period is None or not self.loop.startswith("2000"):
            return
        target.dates[qualifier] = period
        if self.level == "SS" and qualifier == "472":
            target.period = period
        elif self.level == "EV" and qualifier == "AAH":
            target.event_period = period

    def _bad_date(self, seg, fmt, value):
        if fmt not in ("D8", "RD8"):
            why = f"DTP02 format {fmt!r} is not D8 (one date) or RD8 (a range)"
        elif fmt == "D8":
            why = f"D8 date {value!r} is not a valid CCYYMMDD calendar date"
        else:
            why = f"RD8 range {value!r} is not CCYYMMDD-CCYYMMDD with valid calendar dates"
        self.report("S216", f"DTP*{seg.get(1)}: {why}", seg, loop=self.loop,
                    data=element_data("DTP02") if fmt not in ("D8", "RD8")
                    else element_data("DTP03", "8"))

    def _pwk(self, seg):
        pwk01, pwk02 = seg.get(1), seg.get(2)
        if self.loop.startswith("2000") and self.level in ("EV", "SS"):
            if pwk01 not in PWK01_CODES:
                self.report("S213", f"PWK01 report type {pwk01!r} is not a 005010X217 attachment"
                            " type (e.g. B4 referral form, 08 plan of treatment, 55 rental"
                            " agreement, 77 support data for verification)", seg, loop=self.loop,
                            data=element_data("PWK01"))
            allowed = PWK02_CODES.get(self.tx.purpose, PWK02_CODES["request"])
            if pwk02 not in allowed:
                self.report("S214", f"PWK02 transmission code {pwk02!r} is not valid (expected"
                            f" {', '.join(sorted(allowed))})", seg, loop=self.loop,
                            data=element_data("PWK02"))
        target = self._target()
        if target is not None and self.loop.startswith("2000"):
            target.pwk.append((pwk01, Pos.of(seg, self.loop)))

    def _hsd(self, seg):
        if not self.loop.startswith("2000"):
            return
        hsd01 = seg.get(1)
        if hsd01 and hsd01 not in HSD01_CODES:
            self.report("S219", f"HSD01 quantity qualifier {hsd01[:10]!r} is not valid (expected"
                        f" {', '.join(sorted(HSD01_CODES))})", seg, loop=self.loop,
                        data=element_data("HSD01"))
        if self.level == "SS" and self.service is not None:
            self.service.hsd_quantity = quantity(seg.get(2))
        elif self.level == "EV" and self.event is not None:
            self.event.hsd_quantity = quantity(seg.get(2))

    def _sv1_qualifier(self, seg):
        """S220: SV101-1, the procedure code's qualifier."""
        qualifier = seg.get(1).split(self.tx.component, 1)[0]
        if qualifier not in SV101_QUALIFIERS:
            self.report("S220", f"SV101-1 product/service id qualifier {qualifier[:10]!r} is not"
                        f" valid (expected {', '.join(sorted(SV101_QUALIFIERS))}; HC for HCPCS"
                        " and CPT)", seg, loop=self.loop,
                        data=element_data("SV101", component=1, number="235"))

    def _hi(self, seg):
        """S221: each HI composite's qualifier; ABK/BK (principal) in HI01 only."""
        if self.level != "EV" or not self.loop.startswith("2000"):
            return
        for i, composite in enumerate(seg.elements[1:13], 1):
            if not composite:
                continue
            qualifier = composite.split(self.tx.component, 1)[0]
            allowed = HI_QUALIFIERS if i == 1 else HI_QUALIFIERS - HI_PRINCIPAL
            if qualifier not in allowed:
                why = " (a principal diagnosis: HI01 only)" if qualifier in HI_PRINCIPAL else ""
                self.report("S221", f"HI{i:02d}-1 diagnosis qualifier {qualifier[:10]!r} is not"
                            f" valid here{why} (expected {', '.join(sorted(allowed))})", seg,
                            loop=self.loop,
                            data=element_data(f"HI{i:02d}", component=1, number="1270"))

    def _ref(self, seg):
        """S222: REF01 of a 2000E or 2000F."""
        if self._in_level() is not None and seg.get(1) not in REF_QUALIFIERS:
            self.report("S222", f"REF01 qualifier {seg.get(1)[:10]!r} is not valid in"
                        f" {HL_LEVELS[self.level]} (expected BB previous review authorization"
                        " number or NT administrative reference number)", seg, loop=self.loop,
                        data=element_data("REF01"))

    def _service(self, seg):
        if seg.tag == "SV1" and self._in_level() == "SS":
            self._sv1_qualifier(seg)
        service = self.service
        if self.level != "SS" or service is None or service.pos is not None:
            return
        service.pos = Pos.of(seg, "2000F")
        tag = seg.tag
        if tag == "SV1":
            composite, amount, basis, units = seg.get(1), seg.get(2), seg.get(3), seg.get(4)
        elif tag == "SV2":
            composite, amount, basis, units = seg.get(2), seg.get(3), seg.get(4), seg.get(5)
        else:  # SV3
            composite, amount, basis, units = seg.get(1), seg.get(2), "", ""
        comp = composite.split(self.tx.component)
        service.qualifier = comp[0]
        service.code = comp[1] if len(comp) > 1 else ""
        service.modifiers = tuple(m for m in comp[2:6] if m)
        service.modifier_set = frozenset(service.modifiers)
        service.amount_raw = amount
        service.amount_cents = money_cents(amount)
        service.unit_basis = basis
        service.units_raw = units
        service.units = quantity(units)



_HANDLERS = {
    "BHT": Tar278Builder._bht,
    "HL": Tar278Builder._hl,
    "NM1": Tar278Builder._nm1,
    "TRN": Tar278Builder._trn,
    "UM": Tar278Builder._um,
    "HCR": Tar278Builder._hcr,
    "DTP": Tar278Builder._dtp,
    "PWK": Tar278Builder._pwk,
    "HSD": Tar278Builder._hsd,
    "HI": Tar278Builder._hi,
    "REF": Tar278Builder._ref,
    "SV1": Tar278Builder._service,
    "SV2": Tar278Builder._service,
    "SV3": Tar278Builder._service,
}
