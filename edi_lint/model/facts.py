"""Compact facts the batch-wide rules count: one per service line, one per claim.

Facts hold what the limits need (member, group, dates, units, money) and where
to point a finding; never parsed segments. The ledger stores and returns the
same facts for history (``loc`` None, never reported).
"""
from __future__ import annotations


class LineFact:
    """One billed service line, from the batch or from the ledger."""

    __slots__ = ("member", "code", "modifier_set", "label", "group", "dos_from", "dos_to",
                 "units", "charge_cents", "unit_basis", "claim_key", "claim_id", "frequency",
                 "order", "authorizations", "loc", "status", "service_line")

    def __init__(self, member, code, modifier_set, label, group, dos_from, dos_to, units,
                 charge_cents, unit_basis, claim_key, claim_id, frequency, order, authorizations,
                 loc=None, service_line=None):
        self.member = member
        self.code = code
        self.modifier_set = modifier_set
        self.label = label  # "G9012-U2" as billed
        self.group = group  # profile group name, or None when the profile does not know it
        self.dos_from = dos_from
        self.dos_to = dos_to
        self.units = units
        self.charge_cents = charge_cents
        self.unit_basis = unit_basis
        self.claim_key = claim_key  # (billing NPI, CLM01)
        self.claim_id = claim_id
        self.frequency = frequency
        self.order = order  # (file number, segment index); history: (-1, n)
        self.authorizations = authorizations  # tuple of REF*G1 numbers (line, else claim)
        self.loc = loc  # FactLocation for batch lines; None for ledger history
        self.status = "active"  # active | superseded | void
        self.service_line = service_line

    @property
    def from_ledger(self) -> bool:
        return self.loc is None

    @property
    def counts(self) -> bool:
        """Whether the line counts toward limits (not superseded, not voided)."""
        return self.status == "active"

    @property
    def days(self) -> int:
        if self.dos_from is None or self.dos_to is None:
            return 1
        return max(1, (self.dos_to - self.dos_from).days + 1)

    def sort_key(self):
        """Batch order: DOS, then file order, then segment order."""
        return (self.dos_from, self.order)


class FactLocation:
    """Where a batch line's findings point (its SV1 and DTP*472)."""

    __slots__ = ("path", "sv1", "dtp", "claim_id", "service_line")

    def __init__(self, path, sv1, dtp, claim_id, service_line):
        self.path = path
        self.sv1 = sv1
        self.dtp = dtp
        self.claim_id = claim_id
        self.service_line = service_line


def line_fact(line, group, path, file_no) -> LineFact:
    """The fact of one batch service line."""
    claim = line.claim
    where = line.where
    loc = FactLocation(path, where, line.dtp_pos or where, claim.clm01, line.number)
    return LineFact(
        claim.member, line.code, line.modifier_set, line.label, group, line.dos_from, line.dos_to,
        line.units, line.charge_cents, line.unit_basis, (claim.billing_npi, claim.clm01),
        claim.clm01, claim.frequency, (file_no, where.index), tuple(line.authorizations), loc,
        line.number)
