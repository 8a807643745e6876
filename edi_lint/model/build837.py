"""Build 837P claims from the segments of one transaction set, streaming.

A claim is emitted as soon as it is complete (at the next CLM, HL or SE), so
memory holds one claim, not the file. Loop ids follow 005010X222A1.
"""
from __future__ import annotations

from ..dates import parse_period
from ..findings import NO_ID, shown_id
from .hl import ChildCodes
from .claims import Claim, OtherPayer, ServiceLine
from .common import Pos, money_cents, quantity
from ..x12.values import to_int as _int

# NM101 entity code -> loop id, by the region the NM1 appears in.
NM1_LOOPS = {
    "header": {"41": "1000A", "40": "1000B"},
    "2000A": {"85": "2010AA", "87": "2010AB", "PE": "2010AC"},
    "2000B": {"IL": "2010BA", "PR": "2010BB"},
    "2000C": {"QC": "2010CA"},
    "2300": {"DN": "2310A", "P3": "2310A", "82": "2310B", "77": "2310C", "DQ": "2310D",
             "PW": "2310E", "45": "2310F"},
    "2320": {"IL": "2330A", "PR": "2330B", "DN": "2330C", "P3": "2330C", "82": "2330D",
             "77": "2330E", "DQ": "2330F", "85": "2330G"},
    "2400": {"82": "2420A", "QB": "2420B", "77": "2420C", "DQ": "2420D", "DK": "2420E",
             "DN": "2420F", "P3": "2420F", "PW": "2420G", "45": "2420H"},
}
HL_LEVELS = {"20": "2000A", "22": "2000B", "23": "2000C"}
HL_PARENT = {"20": (None,), "22": ("20",), "23": ("22",)}

# X104: the segment ids each region may hold (005010X222A1). HL, LX and SV1 are allowed
# everywhere: their misplacement is S001-S003, S011 and S012.
_ANY = ("HL", "LX", "SV1")
_PARTY = ("NM1", "N3", "N4", "REF", "PER", "PRV")
ALLOWED = {region: frozenset(_ANY + _PARTY + tuple(extra.split())) for region, extra in {
    "header": "BHT",
    "2000A": "CUR",
    "2000B": "SBR PAT DMG CLM",
    "2000C": "PAT DMG CLM",
    "2300": "CLM DTP PWK CN1 AMT K3 NTE CR1 CR2 CRC HI HCP SBR",
    "2320": "CLM SBR CAS AMT OI MOA DTP",
    "2400": "CLM SV5 PWK CR1 CR3 CRC DTP QTY MEA CN1 AMT K3 NTE PS1 HCP LIN CTP SVD CAS LQ FRM",
}.items()}
ALLOWED["header"] = ALLOWED["header"] - {"N3", "N4", "REF", "PRV"}
KNOWN = frozenset().union(*ALLOWED.values())
REGION_NAMES = {"header": "the header (before the first HL)", "2000A": "2000A billing provider",
                "2000B": "2000B subscriber", "2000C": "2000C patient", "2300": "2300 claim",
                "2320": "2320 other subscriber", "2400": "2400 service line"}
# X105: loops every 837P transaction set needs at least once.
REQUIRED_LOOPS = (("BHT", "BHT (beginning of hierarchical transaction)"),
                  ("1000A", "1000A submitter (NM1*41)"), ("1000B", "1000B receiver (NM1*40)"),
                  ("2000A", "2000A billing provider (HL level 20)"),
                  ("2010AA", "2010AA billing provider name (NM1*85)"),
                  ("2000B", "2000B subscriber (HL level 22)"),
                  ("2010BA", "2010BA subscriber name (NM1*IL)"),
                  ("2010BB", "2010BB payer name (NM1*PR)"))


class Claim837Builder:
    """Turns one 837P transaction set's segments into Claim objects."""

    def __init__(self, tx, emit, report):
        self.tx = tx
        self.emit = emit  # called with each finished Claim
        self.report = report  # report(code, message, seg, loop=..., claim=..., line=...)
        self.region = "header"  # header, 2000A, 2000B, 2000C, 2300, 2320, 2400
        self.route = _ROUTES["header"]  # the region's steps: always set with the region
        self.loop = "header"
        self.hl_levels: dict[str, str] = {}
        self.hl_expected = 1
        self.child_codes = ChildCodes(report)
        self.billing_npi = None
        self.subscriber = None
        self.patient = None
        self.sbr01 = None
        self.sbr09 = None
        self.payer = None  # (NM103, NM109, Pos) of the 2010BB payer of the subscriber
        self.claim: Claim | None = None
        self.line: ServiceLine | None = None
        self.other: OtherPayer | None = None
        self.claims = 0
        self.lx_expected = 1
        self.seen: set[str] = set()  # loop ids met (X105)

    # -- dispatch ------------------------------------------------------------
    def segment(self, seg):
        # One lookup a segment: the region's route says what to build and whether the
        # segment is out of place (X104); see ``_routes``.
        step = self.route.get(seg.tag, self.UNROUTED)
        if step is not None:
            step(self, seg)

    def _enter(self, region):
        self.region = region
        self.route = _ROUTES[region]

    def finish(self, seg, complete):
        self._close_claim()
        if complete:
            self.child_codes.finish()
            missing = [name for loop, name in REQUIRED_LOOPS if loop not in self.seen]
            if missing:
                self.report("X105", f"the transaction set has no {'; no '.join(missing)}", seg)

    def _misplaced(self, seg):
        tag = seg.tag
        if tag in KNOWN:
            message = f"{tag} cannot appear in {REGION_NAMES[self.region]} of an 837P"
        elif tag:
            message = f"{shown_id(tag)} is not a segment of the 837P (005010X222A1)"
        else:
            message = f"{NO_ID}: not a segment of the 837P (005010X222A1)"
        self.report("X104", message, seg, loop=self.loop, claim=self.claim)

    def _bht(self, seg):
        self.seen.add("BHT")

    # -- hierarchy -------------------------------------------------------------
    def _hl(self, seg):
        self._close_claim()
        _, hl_id, parent, level = _padded(seg.elements, 4)
        loop = HL_LEVELS.get(level, "2000?")
        if loop != "2000?":
            self._enter(loop)
        self.loop = self.region
        self.seen.add(loop)
        if hl_id != str(self.hl_expected):
            self.report("S001", f"HL01 is {hl_id!r}; expected {self.hl_expected} (HL ids run 1, 2,"
                        " 3... in order)", seg, loop=loop)
        self.hl_expected = (_int(hl_id) or self.hl_expected) + 1
        sound = False
        if parent and parent not in self.hl_levels:
            self.report("S002", f"HL02 parent {parent!r} is not an earlier HL id", seg, loop=loop)
        elif level in HL_PARENT and self.hl_levels.get(parent) not in HL_PARENT[level]:
            want = "no parent" if HL_PARENT[level] == (None,) else f"a level {HL_PARENT[level][0]} parent"
            self.report("S003", f"HL level {level} ({loop}) needs {want}", seg, loop=loop)
        elif level not in HL_PARENT:
            self.report("S003", f"HL03 level code {level!r} is not used in an 837P", seg, loop=loop)
        else:
            sound = True
        self.hl_levels[hl_id] = level
        self.child_codes.hl(seg, hl_id, parent, loop, sound)
        if level == "20":
            self.billing_npi = None
        elif level == "22":
            self.subscriber = self.patient = self.sbr01 = self.sbr09 = self.payer = None
        elif level == "23":
            self.patient = None

    def _nm1(self, seg):
        els = seg.elements
        if len(els) < 10:
            els = _padded(els, 10)
        loops = NM1_LOOPS.get(self.region)
        loop = loops.get(els[1], self.loop) if loops else self.loop
        self.loop = loop
        self.seen.add(loop)
        if loop == "2010AA" and els[8] == "XX":
            self.billing_npi = els[9]
        elif loop == "2010BA":
            self.subscriber = els[9]
        elif loop == "2010CA":
            self.patient = els[9]
        elif loop == "2010BB":
            self.payer = (els[3], els[9], Pos.of(seg, loop))
        elif loop == "2330B" and self.other is not None:
            self.other.name = els[3]
            self.other.payer_id = els[9]

    def _sbr(self, seg):
        if self.claim is None:
            self.sbr01 = seg.get(1)
            self.sbr09 = seg.get(9)
            self.loop = self.region if self.region.startswith("2000") else self.loop
            return
        self._enter("2320")
        self.loop = "2320"
        self.line = None
        self.other = OtherPayer(seg.get(1), seg.get(9), Pos.of(seg, "2320"))
        self.claim.other_payers.append(self.other)

    # -- claim -----------------------------------------------------------------
    def _clm(self, seg):
        self._close_claim()
        self.claims += 1
        claim = Claim(self.tx, Pos.of(seg, "2300"), self.claims)
        _, claim.clm01, claim.charge_raw, _, _, clm05 = _padded(seg.elements, 6)
        claim.charge_cents = money_cents(claim.charge_raw)
        parts = clm05.split(self.tx.component) if self.tx.component else [clm05]
        claim.place_of_service = parts[0]
        claim.frequency = parts[2] if len(parts) > 2 else ""
        claim.member = self.patient if self.region == "2000C" and self.patient else self.subscriber
        claim.billing_npi = self.billing_npi
        claim.subscriber_sbr01 = self.sbr01
        claim.filing_code = self.sbr09
        claim.payer = self.payer
        self.claim = claim
        self.line = self.other = None
        self._enter("2300")
        self.loop = "2300"
        self.lx_expected = 1

    def _close_claim(self):
        if self.claim is not None:
            claim, self.claim = self.claim, None
            self.line = self.other = None
            self.emit(claim)
        if self.region in ("2300", "2320", "2400"):
            self._enter("2000C" if self.patient else "2000B")

    def _ref(self, seg):
        claim = self.claim
        if claim is None:
            return
        els = seg.elements
        qual = els[1] if len(els) > 1 else ""
        if qual != "G1" and qual != "F8":
            return  # REF*D9, REF*6R...: nothing the rules read
        number = els[2] if len(els) > 2 else ""
        if self.region == "2400" and self.line is not None:
            if qual == "G1" and self.loop == "2400":
                self.line.g1.append(number)
        elif self.region == "2300" and self.loop == "2300":
            if qual == "G1":
                claim.g1.append(number)
            else:
                claim.f8.append(number)

    # -- service line ------------------------------------------------------------
    def _lx(self, seg):
        claim = self.claim
        if claim is None:
            self.report("S011", "LX service line outside a claim (no CLM before it)", seg, loop="2400")
            return
        self._enter("2400")
        self.loop = "2400"
        els = seg.elements
        lx = els[1] if len(els) > 1 else ""
        if lx != str(self.lx_expected):
            self.report("S010", f"LX01 is {lx!r}; expected {self.lx_expected} (service lines of a"
                        " claim are numbered 1, 2, 3...)", seg, loop="2400", claim=claim)
        self.lx_expected = (_int(lx) or self.lx_expected) + 1
        self.line = ServiceLine(claim, len(claim.lines) + 1, _int(lx), Pos.of(seg, "2400"))
        claim.lines.append(self.line)

    def _sv1(self, seg):
        claim = self.claim
        if claim is None:
            self.report("S011", "SV1 outside a claim (no CLM before it)", seg, loop="2400")
            return
        line = self.line
        if line is None or line.pos is not None:
            self.report("S012", "SV1 without its own LX", seg, loop="2400", claim=claim)
            line = self.line = ServiceLine(claim, len(claim.lines) + 1)
            claim.lines.append(line)
            self._enter("2400")
        self.loop = "2400"
        line.pos = Pos.of(seg, "2400")
        _, sv101, line.charge_raw, line.unit_basis, line.units_raw = _padded(seg.elements, 5)
        comp = sv101.split(self.tx.component)
        line.qualifier = comp[0]
        line.code = comp[1] if len(comp) > 1 else ""
        mods = tuple(filter(None, comp[2:6]))  # the non-empty SV101-3..6
        line.modifiers = mods
        line.modifier_set = frozenset(mods)
        line.charge_cents = money_cents(line.charge_raw)
        line.units = quantity(line.units_raw)

    def _dtp(self, seg):
        if self.region == "2400" and self.line is not None and self.loop == "2400":
            _, dtp01, dtp02, dtp03 = _padded(seg.elements, 4)
            if dtp01 != "472":
                return
            line = self.line
            line.dtp_pos = Pos.of(seg, "2400")
            line.dos_qualifier, line.dos_raw = dtp02, dtp03
            period = parse_period(line.dos_qualifier, line.dos_raw)
            if period:
                line.dos_from, line.dos_to = period

    def _lin(self, seg):
        if self.region == "2400":
            self.loop = "2410"

    def _svd(self, seg):
        if self.region == "2400":
            self.loop = "2430"


def _padded(elements, n):
    """The first ``n`` elements (the segment id first), '' for those the segment lacks."""
    return elements[:n] if len(elements) >= n else elements + [""] * (n - len(elements))



_HANDLERS = {
    "BHT": Claim837Builder._bht,
    "HL": Claim837Builder._hl,
    "NM1": Claim837Builder._nm1,
    "SBR": Claim837Builder._sbr,
    "CLM": Claim837Builder._clm,
    "REF": Claim837Builder._ref,
    "LX": Claim837Builder._lx,
    "SV1": Claim837Builder._sv1,
    "DTP": Claim837Builder._dtp,
    "LIN": Claim837Builder._lin,
    "SVD": Claim837Builder._svd,
}


def _misplaced_then(handler):
    def step(builder, seg):
        builder._misplaced(seg)
        handler(builder, seg)
    return step


def _routes() -> dict:
    """region -> {segment id: step}: the handler of an allowed segment (None when there
    is nothing to build), X104 then the handler for a misplaced segment that has one.
    A segment id absent from the table is misplaced with nothing to build."""
    routes = {}
    for region, allowed in ALLOWED.items():
        table = {tag: _HANDLERS.get(tag) for tag in allowed}
        for tag, handler in _HANDLERS.items():
            if tag not in allowed:
                table[tag] = _misplaced_then(handler)
        routes[region] = table
    return routes


_ROUTES = _routes()
# the step of an id a route lacks (a plain function, like the routes' steps: step(builder, seg))
Claim837Builder.UNROUTED = staticmethod(Claim837Builder._misplaced)
