"""Rules registered with ``@register`` on import (entry point: a module)."""
from edi_lint.rules import Rule, register


@register
class BigClaim(Rule):
    """A claim whose total charge is over $1,000.00.

    What it does: compares CLM02 with $1,000.00.

    Why it matters: this example payer reviews large claims by hand.

    Example that fails: ``CLM*C1*1200.00***11:B:1*Y*A*Y*Y~``

    Example that passes: ``CLM*C1*400.00***11:B:1*Y*A*Y*Y~``
    """

    code = "ZX001"
    name = "big-claim"
    summary = "A claim over $1,000.00 is reviewed by hand."
    severity = "warning"
    tips = ("ZX-01",)
    scope = "claim"

    def check_claim(self, claim, ctx):
        if claim.charge_cents is not None and claim.charge_cents > 100_000:
            yield ctx.claim_finding(
                self, claim,
                f"claim {claim.clm01} totals ${claim.charge_cents / 100:,.2f}, over $1,000.00")
