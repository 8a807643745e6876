"""ECM rules per claim (billing-rules.md §3): ECM-02, ECM-06, ECM-07.

The batch-wide ECM limits (ECM-01, ECM-03, ECM-04, ECM-05) count lines across the batch and
the ledger and live in ``ecm_limits.py``. Which lines a rule looks at comes from the profile
(groups and entries), never from codes written here.
"""
from __future__ import annotations

from .base import Rule
from ..messages import dos_text, money
from .claim_lines import NO_FINDINGS, line_group, qty, units_text, wrong_modifier_finding
from .registry import register


@register
class EcmOneUnit(Rule):
    """ECM monthly, engagement and outreach lines bill exactly one unit (SV104 1, SV103 UN).

    What it does: flags an ECM line of a profile group with ``units_per_line`` (ECM monthly
    G9008-U1/G9012-U2, engagement G9012, outreach G9008-U8/G9012-U8, with or without GQ)
    whose SV104 is not that number or whose SV103 is not ``UN``. Both problems of one
    line are reported in one finding.

    Why it matters: the billing tips price these codes "X 1 unit"; a monthly payment
    billed as 2 units, or in minutes, is denied or cut back.

    Example that fails: ``SV1*HC:G9012:U2*800.00*UN*2***1~``

    Example that passes: ``SV1*HC:G9012:U2*400.00*UN*1***1~``
    """

    code = "B102"
    name = "ecm-one-unit"
    summary = "ECM monthly, engagement and outreach lines bill exactly 1 unit with SV103 UN."
    severity = "error"
    tips = ("ECM-02",)

    def check_claim(self, claim, ctx):
        found = []
        profile = ctx.profile
        for line in claim.lines:
            _, group = line_group(profile, line)
            if group is None or group.program != "ECM" or group.units_per_line is None:
                continue
            want = group.units_per_line
            problems = []
            if line.units != want:
                problems.append(f"SV104 is {units_text(qty(line))}, not {want}")
            if line.unit_basis != "UN":
                problems.append(f"SV103 is {line.unit_basis or '(empty)'}, not UN")
            if not problems:
                continue
            found.append(ctx.line_finding(
                self, line,
                f"{line.label} on {dos_text(line)}: {'; '.join(problems)}: {group.label} "
                f"lines bill exactly {units_text(str(want))} (SV103 UN, SV104 {want})"))
        return found or NO_FINDINGS


@register
class EcmTeamConference(Rule):
    """G9007 (team conference) carries a charge above zero, and is not reimbursable.

    What it does: on a line of a profile entry marked ``reimbursable = false`` (the ECM
    multidisciplinary team conference, G9007 with no modifier): (error) flags a charge
    (SV102) of zero, negative or missing; (info) notes that the service is not reimbursed.
    The two severities are separate findings. Its rate, $0.01 per 15-minute unit, is
    checked by GEN-05, which also flags a zero charge: the error does not repeat the rate.

    Why it matters: "The services are not reimbursable. Providers must bill a charge
    amount for these services": a zero charge is rejected.

    Example that fails: ``SV1*HC:G9007*0.00*UN*4***1~``

    Example that passes: ``SV1*HC:G9007*0.04*UN*4***1~`` (the info finding only)
    """

    code = "B106"
    name = "ecm-team-conference"
    summary = "G9007 team conference: the charge must be above zero (error); not reimbursable (info)."
    severity = "error"
    tips = ("ECM-06",)

    def check_claim(self, claim, ctx):
        found = []
        profile = ctx.profile
        for line in claim.lines:
            entry, group = line_group(profile, line)
            if entry is None or entry.reimbursable or group.program != "ECM":
                continue
            label = line.label
            if line.charge_cents is None or line.charge_cents <= 0:
                # the amount to bill is GEN-05's finding (spec: "Its rate ... is GEN-05's")
                billed = money(line.charge_cents) if line.charge_cents is not None else "no amount"
                found.append(ctx.line_finding(
                    self, line,
                    f"{label} is billed at {billed}: {group.label}s must carry a charge above"
                    f" zero (GEN-05 gives the contract amount)",
                    severity="error"))
            found.append(ctx.line_finding(
                self, line,
                f"{label} ({group.label}) is not reimbursable: it is billed for information "
                f"and pays nothing", severity="info"))
        return found or NO_FINDINGS


@register
class EcmModifiers(Rule):
    """Only the profile's modifier sets are valid on ECM codes.

    What it does: flags a line whose code the profile knows as ECM (G9008, G9012, G9007)
    with a modifier set (compared as a set: ``U1:GQ`` = ``GQ:U1``) that no ECM entry of
    the code has: valid are G9008 {U1} {U1,GQ} {U8} {U8,GQ}; G9012 {} {U2} {U2,GQ} {U8}
    {U8,GQ}; G9007 {}. Such a line matches no rate, so GEN-05 does not price it.

    Why it matters: "Partnership will only reimburse either G9008-U1 or G9012-U2"; any
    other combination (G9008-U2, G9012-U1, G9008 alone, G9008-U1-U8) is denied.

    Example that fails: ``SV1*HC:G9012:U1*400.00*UN*1***1~``

    Example that passes: ``SV1*HC:G9012:GQ:U2*400.00*UN*1***1~``
    """

    code = "B107"
    name = "ecm-modifier-set"
    summary = "An ECM code billed with a modifier set the profile does not list (matches no rate)."
    severity = "error"
    tips = ("ECM-07",)

    def check_claim(self, claim, ctx):
        found = []
        for line in claim.lines:
            if not line.code:
                continue
            finding = wrong_modifier_finding(self, line, ctx, "ECM", "ECM")
            if finding is not None:
                found.append(finding)
        return found or NO_FINDINGS
