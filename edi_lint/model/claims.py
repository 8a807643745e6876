"""837P claims, their service lines and other payers."""
from __future__ import annotations


class ServiceLine:
    """A 2400 loop: LX, SV1, DTP*472, REF*G1..."""

    __slots__ = ("claim", "lx", "qualifier", "code", "modifiers", "modifier_set", "charge_cents",
                 "charge_raw", "unit_basis", "units", "units_raw", "dos_from", "dos_to",
                 "dos_qualifier", "dos_raw", "g1", "pos", "dtp_pos", "lx_pos", "number", "matched")

    def __init__(self, claim, number, lx=None, lx_pos=None):
        self.claim = claim
        self.number = number  # 1-based position of the line in its claim
        self.lx = lx
        self.lx_pos = lx_pos
        self.qualifier = ""
        self.code = ""
        self.modifiers: tuple[str, ...] = ()
        self.modifier_set: frozenset[str] = frozenset()
        self.charge_cents = None
        self.charge_raw = ""
        self.unit_basis = ""
        self.units = None
        self.units_raw = ""
        self.dos_from = None
        self.dos_to = None
        self.dos_qualifier = ""
        self.dos_raw = ""
        self.g1: list[str] = []
        self.pos = None  # SV1
        self.dtp_pos = None
        self.matched = None  # (profile, entry, group) once a rule asked (``rules.claim_lines.line_group``)

    @property
    def label(self) -> str:
        """'G9012-U2-GQ' as billed (modifiers in file order)."""
        return "-".join((self.code,) + self.modifiers)

    @property
    def is_span(self) -> bool:
        return self.dos_from is not None and self.dos_to is not None and self.dos_from != self.dos_to

    @property
    def days(self) -> int:
        if self.dos_from is None or self.dos_to is None:
            return 1
        return max(1, (self.dos_to - self.dos_from).days + 1)

    @property
    def authorizations(self) -> list[str]:
        """REF*G1 numbers of the line, else of the claim (empty values ignored)."""
        return [a for a in self.g1 if a.strip()] or [a for a in self.claim.g1 if a.strip()]

    @property
    def where(self):
        return self.pos or self.lx_pos or self.claim.pos


class OtherPayer:
    """A 2320 loop with its 2330B payer."""

    __slots__ = ("sbr01", "sbr09", "name", "payer_id", "pos")

    def __init__(self, sbr01, sbr09, pos):
        self.sbr01 = sbr01
        self.sbr09 = sbr09
        self.name = ""
        self.payer_id = ""
        self.pos = pos


class Claim:
    """A 2300 loop and what surrounds it: member, billing provider, payers, lines."""

    __slots__ = ("tx", "clm01", "charge_cents", "charge_raw", "place_of_service", "frequency",
                 "g1", "f8", "member", "billing_npi", "other_payers", "lines", "pos",
                 "subscriber_sbr01", "ordinal", "payer", "filing_code")

    def __init__(self, tx, pos, ordinal):
        self.tx = tx
        self.pos = pos
        self.ordinal = ordinal  # order of the claim within its file
        self.clm01 = ""
        self.charge_cents = None
        self.charge_raw = ""
        self.place_of_service = ""
        self.frequency = ""
        self.g1: list[str] = []
        self.f8: list[str] = []
        self.member = None
        self.billing_npi = None
        self.other_payers: list[OtherPayer] = []
        self.lines: list[ServiceLine] = []
        self.subscriber_sbr01 = None
        self.payer = None  # (NM103, NM109, Pos of the NM1) of the 2010BB payer, if any
        self.filing_code = None  # 2000B SBR09 claim filing indicator

    @property
    def first_dos(self):
        """The earliest date of service of the claim's lines, or None."""
        dates = [line.dos_from for line in self.lines if line.dos_from is not None]
        return min(dates) if dates else None

    @property
    def is_void(self) -> bool:
        return self.frequency == "8"
