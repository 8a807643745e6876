"""SNIP 3 (balancing): X301, the claim total against its lines' charges."""
from __future__ import annotations

from .base import Rule
from .registry import register
from .snip_common import NONE


@register
class ClaimBalance(Rule):
    """CLM02 does not equal the sum of the claim's SV102 line charges.

    What it does: adds the SV102 charges of the claim's service lines and compares the sum
    with the CLM02 total claim charge, to the cent. Claims with a non-numeric amount are
    left to X102.

    Why it matters: this is the SNIP type 3 balancing edit; clearinghouses (Stedi, for
    one) reject the whole claim when the total does not balance.

    Example that fails: ``CLM*C1*500***11:B:1*Y*A*Y*Y~ ... SV1*HC:99213*400*UN*1***1~``

    Example that passes: ``CLM*C1*400***11:B:1*Y*A*Y*Y~ ... SV1*HC:99213*400*UN*1***1~``
    """

    code = "X301"
    name = "claim-charge-balance"
    summary = "CLM02 does not equal the sum of SV102 to the cent."
    severity = "error"
    scope = "claim"

    def check_claim(self, claim, ctx):
        total = claim.charge_cents
        if total is None or not claim.lines:
            return NONE
        lines = 0
        for line in claim.lines:
            if line.charge_cents is None:
                return NONE
            lines += line.charge_cents
        if lines == total:
            return NONE
        n = len(claim.lines)
        return (ctx.claim_finding(
            self, claim, f"CLM02 total {_cents(total)} does not equal the sum of SV102 line"
            f" charges {_cents(lines)} ({n} line{'s' if n > 1 else ''}): CLM02 is"
            f" {_cents(abs(total - lines))} {'more' if total > lines else 'less'} than the lines"),)


def _cents(cents: int) -> str:
    sign = "-" if cents < 0 else ""
    cents = abs(cents)
    return f"{sign}{cents // 100}.{cents % 100:02d}"

