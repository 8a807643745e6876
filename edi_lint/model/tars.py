"""278 TAR requests and responses (one 2000E patient event each)."""
from __future__ import annotations


class TarService:
    """A 2000F service level: SV1/SV2/SV3, its dates, documents and decision."""

    __slots__ = ("qualifier", "code", "modifiers", "modifier_set", "amount_cents", "amount_raw",
                 "unit_basis", "units", "units_raw", "period", "pwk", "pos", "hl_pos",
                 "hcr01", "hcr02", "hcr_pos", "hsd_quantity", "dates")

    def __init__(self, hl_pos):
        self.hl_pos = hl_pos
        self.qualifier = ""
        self.code = ""
        self.modifiers: tuple[str, ...] = ()
        self.modifier_set: frozenset[str] = frozenset()
        self.amount_cents = None
        self.amount_raw = ""
        self.unit_basis = ""
        self.units = None
        self.units_raw = ""
        self.period = None  # (from, to) of DTP*472
        self.dates: dict[str, tuple] = {}  # every DTP qualifier -> (from, to)
        self.pwk: list[tuple[str, object]] = []  # (PWK01, Pos)
        self.pos = None  # the service segment
        self.hcr01 = None
        self.hcr02 = None
        self.hcr_pos = None
        self.hsd_quantity = None

    @property
    def label(self) -> str:
        return "-".join((self.code,) + self.modifiers)

    @property
    def where(self):
        return self.pos or self.hl_pos

    @property
    def quantity(self):
        """Approved (response) or requested quantity: SV104, else HSD02."""
        return self.units if self.units is not None else self.hsd_quantity


class _Event:
    __slots__ = ("tx", "member", "hl_pos", "um_pos", "um01", "um02", "trace", "event_period",
                 "dates", "pwk", "services", "ordinal")

    def __init__(self, tx, hl_pos, member, ordinal):
        self.tx = tx
        self.hl_pos = hl_pos
        self.member = member
        self.ordinal = ordinal  # 1-based 2000E number within its transaction set
        self.um_pos = None
        self.um01 = None
        self.um02 = None
        self.trace = None
        self.event_period = None  # DTP*AAH (from, to)
        self.dates: dict[str, tuple] = {}
        self.pwk: list[tuple[str, object]] = []
        self.services: list[TarService] = []

    @property
    def where(self):
        return self.um_pos or self.hl_pos


class TarRequest(_Event):
    """A 278 request (BHT02 13): one 2000E with its 2000F lines."""

    __slots__ = ()

    @property
    def period(self):
        """Earliest 2000F DTP*472 start to latest end, else the 2000E DTP*AAH."""
        spans = [s.period for s in self.services if s.period]
        if spans:
            return (min(p[0] for p in spans), max(p[1] for p in spans))
        return self.event_period

    @property
    def all_pwk_codes(self) -> set[str]:
        codes = {c for c, _ in self.pwk}
        for s in self.services:
            codes.update(c for c, _ in s.pwk)
        return codes


class TarResponse(_Event):
    """A 278 response (BHT02 11): the decision HCR for a 2000E and its 2000F lines."""

    __slots__ = ("hcr01", "hcr02", "hcr_pos")

    def __init__(self, tx, hl_pos, member, ordinal):
        super().__init__(tx, hl_pos, member, ordinal)
        self.hcr01 = None
        self.hcr02 = None
        self.hcr_pos = None

    @property
    def covered_period(self):
        """2000E DTP*AAH, else DTP*007."""
        return self.dates.get("AAH") or self.dates.get("007")
