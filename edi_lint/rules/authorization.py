"""GEN-07: a claim line matches the approved TAR it cites (billing-rules.md §7, §9).

The TAR data are the 278 responses of the batch and of the ledger
(``batch.responses``, ``batch.history_responses``). A member without any is not
checked: the plan's TAR file is then unknown to edi-lint.
"""
from __future__ import annotations

from ..messages import days, quantity, span
from ..model.tars import Authorization
from .base import Rule
from .registry import register

IGNORED_MODIFIERS = frozenset({"GQ"})  # GQ (telehealth) is never on a TAR (ECMTAR-03)


def _mods(modifier_set) -> frozenset[str]:
    return frozenset(modifier_set) - IGNORED_MODIFIERS


def _covers_dos(item: Authorization, fact) -> bool:
    if item.period is None:
        return True  # no dates in the decision: nothing to hold the DOS against
    start, end = item.period
    dos_to = fact.dos_to or fact.dos_from
    return start <= fact.dos_from and dos_to <= end


class _Index:
    """The authorizations of the batch and the ledger, by member and certification number.

    With a ``shard`` (``Batch.shard``: -j), ``by_member`` holds that shard's members only;
    every certification number stays known (``issued``), read when first asked.
    """

    def __init__(self, responses, shard=None):
        self.by_member: dict = {}
        self._responses = responses
        self._certs = None  # every certification number, built when first asked
        k, n = shard or (0, 1)
        for response in responses:
            member = response.member
            if n > 1 and hash(member) % n != k:
                continue
            member_certs = self.by_member.setdefault(member, {})
            for item in response.authorizations():
                if item.cert:
                    member_certs.setdefault(item.cert, []).append(item)

    def issued(self, cert) -> bool:
        """Whether any response of the batch or the ledger (any member) issued ``cert``."""
        if self._certs is None:
            self._certs = {item.cert for response in self._responses
                           for item in response.authorizations() if item.cert}
        return cert in self._certs


class _Check:
    """The outcome of holding one line against one certification."""

    __slots__ = ("ok", "reason", "item")

    def __init__(self, ok, reason="", item=None):
        self.ok = ok
        self.reason = reason
        self.item = item  # the authorization the line's units count under


@register
class TarMatch(Rule):
    """A claim line does not match the approved TAR it cites.

    What it does: for a member with TAR data (a 278 response in the batch or the
    ledger), each line that needs a TAR (profile ``tar_required``) and cites one or more
    ``REF*G1`` is held against the responses: the certification (HCR02 at the 2000E,
    inherited by its 2000F lines, or at the 2000F) must exist for the member, be
    approved (HCR01 A1, A2 or A6; a 2000F HCR01 overrides the event's), cover the
    line's code and modifier set (GQ ignored), cover its DOS (the 2000F DTP*472, else
    the 2000E DTP*AAH, else DTP*007), and the member's units billed under it, counted
    in DOS order after the ledger's lines, must stay within the approved quantity
    (2000F SV104, else HSD02). One finding per failing line at its SV1 names every check
    that failed, with the TAR's period or quantity; with several REF*G1, one passing is
    enough.
    Voided lines are skipped; superseded lines are checked but count toward no quantity.

    Why it matters: the tips ask providers to verify the codes and modifiers they bill
    match an approved TAR; a line outside the TAR's codes, dates or units is denied.

    Example that fails: ``SV1*HC:G9012:U2*400*UN*1~DTP*472*D8*20250603~REF*G1*ECM250601~``
    when response ECM250601 approves only G9008-U1 (``HCR*A1*ECM250601~``)

    Example that passes: ``SV1*HC:G9008:U1:GQ*400*UN*1~DTP*472*D8*20250603~REF*G1*ECM250601~``
    when ECM250601 approves G9008-U1 from 2025-06-01 to 2026-05-31, 12 units
    """

    code = "B307"
    name = "tar-match"
    summary = "A claim line matches its approved TAR: approved, its code, DOS and units covered."
    severity = "error"
    tips = ("GEN-07",)
    scope = "batch"
    by_member = True  # -j: each process checks the lines of its half of the members

    def check_batch(self, batch, ctx):
        responses = list(batch.history_responses) + list(batch.responses)
        if not responses:
            return
        index = _Index(responses, getattr(batch, "shard", None))
        by_member = index.by_member  # -j: the members of this process's half
        profile = ctx.profile
        approved = profile.tar.approved_hcr01
        tar_groups = frozenset(name for name, group in profile.groups.items()
                               if group.tar_required)
        used: dict[int, float] = {}  # id(Authorization) -> units billed under it so far
        # (member, certs, code, modifiers) -> the approved items of the certs for that code
        # and modifier set (GQ ignored), certs in the line's order and items in the
        # responses' order: computed once per key, not per line
        matching: dict[tuple, list] = {}

        def candidates(member, certs, code, modifier_set):
            mods = _mods(modifier_set)
            member_certs = by_member[member]
            return [i for cert in certs for i in member_certs.get(cert) or ()
                    if i.hcr01 in approved and i.code == code and _mods(i.modifier_set) == mods]

        def passing_item(fact, member, units, quantities):
            """The first item the line passes (``_check`` ok), or None: the first cert's
            first item that covers the DOS and, with ``quantities``, has the units left."""
            kind = fact.kind
            certs = fact.authorizations
            if type(certs) is not tuple:  # hand-made facts may hold a list
                certs = tuple(certs)
            key = (member, certs, kind.code, kind.modifier_set)
            items = matching.get(key)
            if items is None:
                items = matching[key] = candidates(*key)
            dos_from = fact.dos_from
            dos_to = fact.dos_to or dos_from
            for item in items:
                period = item.period  # _covers_dos, inline
                if period is not None and not (period[0] <= dos_from and dos_to <= period[1]):
                    continue
                if quantities is None or item.quantity is None or \
                        quantities.get(id(item), 0.0) + units <= item.quantity + 1e-9:
                    return item
            return None

        def checked(facts):
            """(fact, member) of the lines GEN-07 holds against the TARs: a dated line of
            a group that needs a TAR, citing one, of a member with TAR data (in this
            process's half). A generator: it sees every counted line, one resume each."""
            for fact in facts:
                if fact.kind.group in tar_groups and fact.authorizations \
                        and fact.dos_from is not None:
                    member = fact.claim.member
                    if member in by_member:
                        yield fact, member

        # history first (never reported), then the batch in DOS order: counted lines only
        for fact, member in checked(batch.counted_lines(copy=False)):
            units = fact.kind.units or 0.0
            item = passing_item(fact, member, units, used)
            if item is not None:
                used[id(item)] = used.get(id(item), 0.0) + units
                continue
            # no cert passes: the full checks, for the message and the units counted
            checks = [self._check(index, approved, fact, cert, used)
                      for cert in dict.fromkeys(fact.authorizations)]
            counted = next((c for c in checks if c.item is not None), None)
            if counted is not None:
                used[id(counted.item)] = used.get(id(counted.item), 0.0) + units
            if not fact.from_ledger:
                yield ctx.fact_finding(self, fact, self._message(fact, checks))
        # superseded batch lines: their own match, without quantities
        for fact, member in checked(f for f in batch.lines if f.status == "superseded"):
            if passing_item(fact, member, 0.0, None) is not None:
                continue
            checks = [self._check(index, approved, fact, cert, None)
                      for cert in dict.fromkeys(fact.authorizations)]
            yield ctx.fact_finding(self, fact, self._message(fact, checks))

    @staticmethod
    def _message(fact, checks) -> str:
        reasons = "; ".join(c.reason for c in checks)
        return f"{fact.label} on {fact.dos_from.isoformat()} does not match its TAR: {reasons}"

    @staticmethod
    def _check(index, approved, fact, cert, used) -> _Check:
        items = index.by_member.get(fact.member, {}).get(cert)
        if not items:
            if index.issued(cert):
                return _Check(False, f"certification {cert} was issued for another member")
            return _Check(False, f"certification {cert} is not in this member's 278 responses"
                          " (unknown certification number)")
        # every check that fails is named (spec §7: "the finding says which of these failed"):
        # approval, then the code against what the certification approves (else lists), then
        # the DOS against the periods of the items of the code (else of the certification)
        reasons = []
        pool = [i for i in items if i.hcr01 in approved]
        if not pool:
            codes = ", ".join(sorted({i.hcr01 or "(none)" for i in items}))
            reasons.append(f"certification {cert} is not approved (HCR01 {codes}; approved"
                           f" is {', '.join(sorted(approved))})")
        listed = pool or items
        mods = _mods(fact.modifier_set)
        same = [i for i in listed if i.code == fact.code and _mods(i.modifier_set) == mods]
        if not same:
            covered = ", ".join(dict.fromkeys(i.label for i in listed))
            reasons.append(f"certification {cert} does not cover {fact.label} (it"
                           f" {'approves' if pool else 'lists'} {covered})")
        dated = [i for i in same or listed if _covers_dos(i, fact)]
        if not dated:
            periods = ", ".join(dict.fromkeys(span(*i.period) for i in same or listed))
            reasons.append(f"DOS {days(fact.dos_from, fact.dos_to)} is outside certification {cert}'s period {periods}")
        if reasons:
            return _Check(False, "; ".join(reasons))
        if used is None:
            return _Check(True, item=dated[0])
        units = fact.units or 0.0
        for item in dated:
            if item.quantity is None or used.get(id(item), 0.0) + units <= item.quantity + 1e-9:
                return _Check(True, item=item)
        item = dated[0]
        total = used.get(id(item), 0.0) + units
        verb = "unit brings" if units == 1 else "units bring"
        period = span(*item.period) if item.period else "its period"
        return _Check(False, f"{quantity(units)} {verb} this member's total under certification"
                      f" {cert} ({item.label}) to {quantity(total)}, above the approved quantity"
                      f" {quantity(item.quantity)} for {period}",
                      item=item)
