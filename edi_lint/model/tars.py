"""278 TAR requests and responses (one 2000E patient event each).

Also the profile-driven reading of a TAR that the TAR rules and GEN-07 share:
which profile group a 2000F line belongs to, whether a TAR is an ECM or a CS TAR
(billing-rules.md §4, §6), and the authorizations a response grants (§9).
"""
from __future__ import annotations

from functools import lru_cache


class TarService:
    """A 2000F service level: SV1/SV2/SV3, its dates, documents and decision."""

    __slots__ = ("qualifier", "code", "modifiers", "modifier_set", "amount_cents", "amount_raw",
                 "unit_basis", "units", "units_raw", "period", "pwk", "pos", "hl_pos",
                 "hcr01", "hcr02", "hsd_quantity", "dates", "um01", "um02",
                 "um_pos", "ordinal")

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
        self.hsd_quantity = None
        self.um01 = None  # 2000F UM (situational)
        self.um02 = None
        self.um_pos = None
        self.ordinal = 0  # 1-based number of the 2000F within its 2000E

    @property
    def label(self) -> str:
        return "-".join((self.code,) + self.modifiers) if self.code else "(no code)"

    @property
    def where(self):
        return self.pos or self.hl_pos

    @property
    def quantity(self):
        """Approved (response) or requested quantity: SV104, else HSD02."""
        return self.units if self.units is not None else self.hsd_quantity


class _Event:
    __slots__ = ("tx", "member", "hl_pos", "um_pos", "um01", "um02", "trace", "event_period",
                 "dates", "pwk", "services", "ordinal", "hsd_quantity", "payer")

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
        self.hsd_quantity = None  # 2000E HSD02
        self.payer = None  # (NM103, NM109, Pos of the NM1) of the 2010A UMO, if any

    @property
    def where(self):
        return self.um_pos or self.hl_pos

    @property
    def first_day(self):
        """The first day of the TAR's lines (DTP*472), else of its event (a request's
        DTP*AAH, a response's DTP*AAH or 007), or None: the date its payer is scoped at."""
        starts = [s.period[0] for s in self.services if s.period]
        if starts:
            return min(starts)
        period = self.covered_period if isinstance(self, TarResponse) else self.event_period
        return period[0] if period else None


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

    __slots__ = ("hcr01", "hcr02")

    def __init__(self, tx, hl_pos, member, ordinal):
        super().__init__(tx, hl_pos, member, ordinal)
        self.hcr01 = None
        self.hcr02 = None

    @property
    def covered_period(self):
        """2000E DTP*AAH, else DTP*007."""
        return self.dates.get("AAH") or self.dates.get("007")

    def authorizations(self) -> list["Authorization"]:
        """What this decision grants, one item per 2000F line (billing-rules.md §9).

        The certification is the line's HCR02, else the event's; the line's HCR01
        overrides the event's. Covered dates: the line's DTP*472, else the event's
        DTP*AAH, else DTP*007. Quantity: the line's SV104, else its HSD02, else the
        event's HSD02. An event without 2000F lines (or whose lines all carry their
        own HCR02) also grants one item with no code under the event's HCR02.
        """
        event_period = self.covered_period
        if not self.services:
            return [Authorization(self, None, self.hcr02, self.hcr01, event_period,
                                  self.hsd_quantity)]
        items = []
        for s in self.services:
            qty = s.quantity
            items.append(Authorization(self, s, s.hcr02 or self.hcr02, s.hcr01 or self.hcr01,
                                       s.period or event_period,
                                       qty if qty is not None else self.hsd_quantity))
        if self.hcr02 and all(i.cert != self.hcr02 for i in items):
            # every line has its own number: the event's certification exists, covering no line
            items.append(Authorization(self, None, self.hcr02, self.hcr01, event_period,
                                       self.hsd_quantity))
        return items


class Authorization:
    """One approved-or-not item of a 278 response: a certification for one 2000F line."""

    __slots__ = ("response", "service", "cert", "hcr01", "period", "quantity")

    def __init__(self, response, service, cert, hcr01, period, quantity):
        self.response = response
        self.service = service  # TarService, or None for an event without 2000F lines
        self.cert = cert
        self.hcr01 = hcr01
        self.period = period  # (from, to) or None
        self.quantity = quantity  # float or None

    @property
    def member(self):
        return self.response.member

    @property
    def code(self):
        return self.service.code if self.service is not None else None

    @property
    def modifier_set(self) -> frozenset[str]:
        return self.service.modifier_set if self.service is not None else frozenset()

    @property
    def label(self) -> str:
        return self.service.label if self.service is not None else "no service line"


# -- reading a TAR through the profile --------------------------------------------------

def service_start(service, tar):
    """The date a 2000F line's profile entry is looked up at: its DTP*472 start, else the TAR's."""
    if service.period:
        return service.period[0]
    period = tar.period if isinstance(tar, TarRequest) else tar.covered_period
    return period[0] if period else None


def service_group(profile, service, tar=None) -> str | None:
    """The profile group of a 2000F line.

    The entry with the line's exact modifier set when there is one; else, whatever
    the modifiers, the one group that knows the code (H0043 alone is housing
    navigation); None when the code is unknown or belongs to several groups
    (H0044 alone: deposit or post-hospitalization).
    """
    dos = service_start(service, tar) if tar is not None else (
        service.period[0] if service.period else None)
    entries = profile.entries_for_code(service.code)
    if dos is not None:
        entries = profile.entries_for_code(service.code, dos) or entries
    exact = [e for e in entries if service.modifier_set in e.modifier_sets]
    groups = {e.group for e in (exact or entries)}
    return groups.pop() if len(groups) == 1 else None


@lru_cache(maxsize=8)
def ecm_tar_codes(profile) -> frozenset[str]:
    """Codes that make a TAR an ECM TAR: those of the ECM groups that need a TAR (G9008, G9012)."""
    return frozenset(e.code for e in profile.entries
                     if profile.groups[e.group].program == "ECM"
                     and profile.groups[e.group].tar_required)


def is_ecm_tar(tar, profile) -> bool:
    """An ECM TAR: a 2000F line carries an ECM code (billing-rules.md §4)."""
    codes = ecm_tar_codes(profile)
    return any(s.code in codes for s in tar.services)


def is_cs_service(service, profile) -> bool:
    """A 2000F line whose code is in a CS row, whatever its modifiers (§6)."""
    return "CS" in profile.program_of_code(service.code)


def is_cs_tar(tar, profile) -> bool:
    return any(is_cs_service(s, profile) for s in tar.services)
