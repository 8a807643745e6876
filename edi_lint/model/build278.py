"""Build 278 TAR requests and responses from one transaction set, streaming.

Each 2000E patient event becomes a TarRequest (BHT02 13) or TarResponse
(BHT02 11) holding its 2000F service levels; it is emitted when complete.
"""
from __future__ import annotations

from ..dates import parse_period
from .common import Pos, money_cents, quantity
from .tars import TarRequest, TarResponse, TarService

HL_LEVELS = {"20": "2000A", "21": "2000B", "22": "2000C", "23": "2000D", "EV": "2000E",
             "SS": "2000F"}
HL_PARENT = {"20": (None,), "21": ("20",), "22": ("21",), "23": ("22",), "EV": ("22", "23"),
             "SS": ("EV", "SS")}  # SS under SS: accepted, as in the TR3's transport example
NM1_LOOP = {"2000A": "2010A", "2000B": "2010B", "2000C": "2010C", "2000D": "2010D",
            "2000E": "2010E", "2000F": "2010F"}
PURPOSES = {"13": "request", "11": "response"}


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
        self.subscriber = None
        self.dependent = None
        self.event = None
        self.service: TarService | None = None
        self.events = 0
        self.segments_seen: dict[str, list] = {}  # per-level required-segment tracking

    def segment(self, seg):
        handler = _HANDLERS.get(seg.tag)
        if handler is not None:
            handler(self, seg)

    def finish(self, seg, complete):
        self._close_event()

    # -- header ----------------------------------------------------------------
    def _bht(self, seg):
        purpose = PURPOSES.get(seg.get(2))
        self.tx.purpose = purpose
        if purpose is None:
            self.report("S020", f"BHT02 is {seg.get(2)!r}: a 278 is read as a request (13) or a"
                        " response (11); its patient events are not checked", seg, loop="header")

    # -- hierarchy -------------------------------------------------------------
    def _hl(self, seg):
        hl_id, parent, level = seg.get(1), seg.get(2), seg.get(3)
        loop = HL_LEVELS.get(level)
        if hl_id != str(self.hl_expected):
            self.report("S001", f"HL01 is {hl_id!r}; expected {self.hl_expected} (HL ids run 1, 2,"
                        " 3... in order)", seg, loop=loop)
        self.hl_expected = (_int(hl_id) or self.hl_expected) + 1
        if loop is None:
            self.report("S003", f"HL03 level code {level!r} is not a 278 level (20, 21, 22, 23, EV,"
                        " SS)", seg, loop=None)
        elif parent and parent not in self.hl_levels:
            self.report("S002", f"HL02 parent {parent!r} is not an earlier HL id", seg, loop=loop)
        elif self.hl_levels.get(parent or None) not in HL_PARENT[level]:
            wants = " or ".join(p or "none" for p in HL_PARENT[level])
            self.report("S003", f"HL level {level} ({loop}) needs a parent of level {wants}", seg,
                        loop=loop)
        self.hl_levels[hl_id] = level
        if level in ("20", "21", "22", "23", "EV"):
            self._close_event()
        if level == "22":
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
        elif level == "SS" and self.event is not None:
            self.service = TarService(pos)
            self.event.services.append(self.service)
        elif level == "SS":
            self.service = None

    def _close_event(self):
        if self.event is not None:
            event, self.event = self.event, None
            self.service = None
            self.emit(event)

    def _nm1(self, seg):
        self.loop = NM1_LOOP.get(HL_LEVELS.get(self.level), self.loop)
        if self.loop == "2010C" and seg.get(1) == "IL":
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
        if self.level == "EV" and self.event is not None and self.event.trace is None:
            self.event.trace = seg.get(2)

    def _um(self, seg):
        if self.level == "EV" and self.event is not None:
            self.event.um_pos = Pos.of(seg, "2000E")
            self.event.um01, self.event.um02 = seg.get(1), seg.get(2)

    def _hcr(self, seg):
        target = self._target()
        if target is not None and hasattr(target, "hcr01"):
            target.hcr01, target.hcr02 = seg.get(1), seg.get(2)
            target.hcr_pos = Pos.of(seg, self.loop)

    def _dtp(self, seg):
        target = self._target()
        if target is None or not self.loop.startswith("2000"):
            return
        period = parse_period(seg.get(2), seg.get(3))
        if period is None:
            return
        target.dates[seg.get(1)] = period
        if self.level == "SS" and seg.get(1) == "472":
            target.period = period
        elif self.level == "EV" and seg.get(1) == "AAH":
            target.event_period = period

    def _pwk(self, seg):
        target = self._target()
        if target is not None and self.loop.startswith("2000"):
            target.pwk.append((seg.get(1), Pos.of(seg, self.loop)))

    def _hsd(self, seg):
        if self.level == "SS" and self.service is not None:
            self.service.hsd_quantity = quantity(seg.get(2))

    def _service(self, seg):
        service = self.service
        if self.level != "SS" or service is None:
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


def _int(raw):
    try:
        return int(raw)
    except (TypeError, ValueError):
        return None


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
    "SV1": Tar278Builder._service,
    "SV2": Tar278Builder._service,
    "SV3": Tar278Builder._service,
}
