"""Rules for both programs, per claim (billing-rules.md §7): GEN-01 .. GEN-06.

GEN-07 (TAR data) lives with the TAR rules. The line helpers these rules share with ``ecm.py``
and ``cs.py`` (which profile entry a line matches, money and modifier formatting) live in
``claim_lines.py``.
"""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from ..dates import month_key
from ..messages import dos_text, money
from .base import Rule
from .claim_lines import (
    NO_FINDINGS,
    decimal_of,
    is_cs_line,
    is_ecm_line,
    line_entry,
    line_group,
    qty,
    units_text,
)
from .registry import register


def _to_the_cent(raw: str) -> bool:
    """True when an amount has at most two decimals ('400', '400.5', '0.04')."""
    dot = raw.find(".")
    return dot < 0 or len(raw) - dot <= 3


# --------------------------------------------------------------------------- rules


@register
class GeneralNoSpan(Rule):
    """No date span on PMPM and once-only lines (ECM monthly, engagement, housing navigation).

    What it does: flags a line of a profile group marked ``no_span`` (ECM monthly
    G9008-U1/G9012-U2, ECM engagement G9012, housing navigation H0043-U6/H2016-U6)
    whose ``DTP*472`` is an RD8 range whose from and to dates differ. An RD8 whose from
    equals its to is one day, not a span. The finding points at the ``DTP*472``.

    Why it matters: the billing tips say "do not bill a date span" for per member per
    month codes: the plan pays them once per month on one date of service.

    Example that fails: ``SV1*HC:G9008:U1*400*UN*1***1~DTP*472*RD8*20250601-20250630~``

    Example that passes: ``SV1*HC:G9008:U1*400*UN*1***1~DTP*472*D8*20250603~``
    """

    code = "B301"
    name = "no-date-span"
    summary = "PMPM and once-only lines (ECM monthly, engagement, housing navigation) bill no date span."
    severity = "error"
    tips = ("GEN-01",)

    def check_claim(self, claim, ctx):
        found = []
        profile = ctx.profile
        for line in claim.lines:
            if not line.is_span:
                continue
            _, group = line_group(profile, line)
            if group is None or not group.no_span:
                continue
            length = (f"{line.days} days" if line.dos_to > line.dos_from
                      else "its to-date before its from-date")
            found.append(ctx.line_finding(
                self, line,
                f"{line.label} bills the date span {dos_text(line)} ({length}): "
                f"{group.label} is billed on one date of service (DTP*472*D8), never a span",
                at_dtp=True))
        return found or NO_FINDINGS


@register
class GeneralKaiserPrimary(Rule):
    """ECM and CS of a member with Kaiser as primary payer go through Kaiser.

    What it does: on a claim with ECM or CS lines, flags each ECM line (G9007, G9008,
    G9012, any modifiers) and each CS line when a 2320 other payer has SBR01 ``P`` and
    its 2330B payer name contains a Kaiser name, or its payer id is in the profile's
    Kaiser list. With ``--roster``, also flags those lines of a member-month whose other
    coverage is ``kaiser``. When both say so, one finding gives both reasons.

    Why it matters: "If a member has Kaiser as primary, ECM & CS services will be
    coordinated through Kaiser, not Partnership": the plan denies the claim.

    Example that fails: ``SBR*P*18*******CI~...NM1*PR*2*KAISER FOUNDATION HEALTH PLAN*****PI*94134~``
    on a claim with ``SV1*HC:G9008:U1*400*UN*1***1~``

    Example that passes: the same claim with ``SBR*S*...`` (Kaiser secondary) or no 2320 loop.
    """

    code = "B302"
    name = "kaiser-primary"
    summary = "ECM and CS lines of a member with Kaiser as primary payer (claim COB or roster)."
    severity = "error"
    tips = ("GEN-02",)

    def check_claim(self, claim, ctx):
        found = []
        profile, roster = ctx.profile, ctx.roster
        kaiser = next((op for op in claim.other_payers
                       if op.sbr01 == "P" and profile.is_kaiser(op.name, op.payer_id)), None)
        if kaiser is None and roster is None:
            return NO_FINDINGS
        targets = [ln for ln in claim.lines
                   if is_ecm_line(profile, ln) or is_cs_line(profile, ln)]
        if not targets:
            return NO_FINDINGS
        cob = None
        if kaiser is not None:
            payer = " ".join(p for p in (kaiser.name, kaiser.payer_id and
                                         f"(payer id {kaiser.payer_id})") if p)
            cob = f"the claim's primary payer (2320 SBR01 P) is {payer or 'Kaiser'}"
        who = ctx.member_label(claim.member)
        for line in targets:
            reasons = [cob] if cob else []
            if roster is not None and line.dos_from is not None:
                month = month_key(line.dos_from)
                row = roster.lookup(claim.member, month)
                if row is not None and row[1] == "kaiser":
                    reasons.append(f"the eligibility roster lists Kaiser coverage for {who} "
                                   f"in {month}")
            if not reasons:
                continue
            found.append(ctx.line_finding(
                self, line,
                f"{line.label} on {dos_text(line)}: {' and '.join(reasons)}; ECM and CS for a "
                f"member with Kaiser as primary are coordinated through Kaiser, not this plan"))
        return found or NO_FINDINGS


@register
class GeneralDsnp(Rule):
    """D-SNP members get ECM from their D-SNP.

    What it does: (warning) flags each ECM line (G9007, G9008, G9012, any modifiers) of a
    claim with a 2320 other payer whose SBR09 is ``16`` (Medicare risk HMO, as D-SNPs
    report); (error) with ``--roster``, flags each ECM line of a member-month the roster
    marks ``dsnp``. The two severities stay separate findings.

    Why it matters: "Members covered by D-SNP receive ECM services through their plan,
    not Partnership": the plan denies the ECM claim.

    Example that fails: ``SBR*P*18*******16~...NM1*PR*2*SAMPLE DSNP*****PI*DSNP01~`` on a
    claim with ``SV1*HC:G9008:U1*400*UN*1***1~``

    Example that passes: the same claim with its other payer's ``SBR09`` ``CI``, or no 2320.
    """

    code = "B303"
    name = "dsnp-member-ecm"
    summary = "ECM lines of a D-SNP member (2320 SBR09 16: warning; roster dsnp: error)."
    severity = "warning"
    tips = ("GEN-03",)

    def check_claim(self, claim, ctx):
        found = []
        profile, roster = ctx.profile, ctx.roster
        dsnp = next((op for op in claim.other_payers if op.sbr09 == "16"), None)
        if dsnp is None and roster is None:
            return NO_FINDINGS
        targets = [ln for ln in claim.lines if is_ecm_line(profile, ln)]
        if not targets:
            return NO_FINDINGS
        who = ctx.member_label(claim.member)
        for line in targets:
            if dsnp is not None:
                payer = dsnp.name or dsnp.payer_id or "an other payer"
                found.append(ctx.line_finding(
                    self, line,
                    f"{line.label} on {dos_text(line)}: the claim's other payer {payer} has "
                    f"SBR09 16 (Medicare risk HMO, as D-SNPs report); D-SNP members get ECM "
                    f"from their D-SNP, not this plan", severity="warning"))
            if roster is not None and line.dos_from is not None:
                month = month_key(line.dos_from)
                row = roster.lookup(claim.member, month)
                if row is not None and row[1] == "dsnp":
                    found.append(ctx.line_finding(
                        self, line,
                        f"{line.label} on {dos_text(line)}: the eligibility roster marks {who} "
                        f"D-SNP in {month}; D-SNP members get ECM from their D-SNP, not this "
                        f"plan", severity="error"))
        return found or NO_FINDINGS


@register
class GeneralEligibility(Rule):
    """Eligibility every month: with a roster, every line's member is eligible in its service month.

    What it does: with ``--roster``, flags every line (whatever its code) whose member is
    ``ineligible`` in the line's service month (the month of its from-date), or whose
    member-month is absent from a roster that lists other member-months. Without a
    roster, or with an empty one, it reports nothing.

    Why it matters: "Verify eligibility every month ... even when an approved TAR is on
    file": services to a member who is not eligible that month are denied.

    Example that fails: roster ``MBR1,2025-06,ineligible,`` and a line of MBR1 on
    ``DTP*472*D8*20250603~``

    Example that passes: roster ``MBR1,2025-06,eligible,`` and the same line.
    """

    code = "B304"
    name = "member-not-eligible"
    summary = "A line whose member is not eligible in its service month (eligibility roster)."
    severity = "error"
    tips = ("GEN-04",)

    def check_claim(self, claim, ctx):
        found = []
        roster = ctx.roster
        if roster is None or not len(roster):
            return NO_FINDINGS
        who = ctx.member_label(claim.member)
        for line in claim.lines:
            if line.dos_from is None:
                continue
            month = month_key(line.dos_from)
            if roster.is_eligible(claim.member, month):
                continue
            row = roster.lookup(claim.member, month)
            why = (f"the eligibility roster marks {who} ineligible in {month}" if row is not None
                   else f"{who} is not on the eligibility roster for {month}")
            label = line.label or "the line"
            found.append(ctx.line_finding(
                self, line,
                f"{label} on {dos_text(line)}: {why}; verify eligibility every month before "
                f"billing"))
        return found or NO_FINDINGS


@register
class GeneralRate(Rule):
    """The billed charge equals the contract rate × units (to the cent).

    What it does: for every line whose profile entry has a per-unit rate effective at its
    DOS, compares SV102 with rate × SV104, to the cent. Lines billed in minutes
    (SV103 ``MJ``) are left to CS-10; entries billed at the charged amount (housing
    deposit) or without a rate (meals) and lines that match no entry get no finding.

    Why it matters: "Billed amount for CS services should match contract rates"; a
    charge off the rate is a sign of a wrong code, modifier or unit count.

    Example that fails: ``SV1*HC:G9008:U1*450.00*UN*1***1~`` (rate $400.00)

    Example that passes: ``SV1*HC:G9007*0.04*UN*4***1~`` ($0.01 × 4 units)
    """

    code = "B305"
    name = "charge-not-contract-rate"
    summary = "The billed charge (SV102) differs from the contract rate × units."
    severity = "warning"
    tips = ("GEN-05",)

    def check_claim(self, claim, ctx):
        found = []
        profile = ctx.profile
        for line in claim.lines:
            if line.dos_from is None or line.unit_basis == "MJ":
                continue
            entry = line_entry(profile, line)
            if entry is None or entry.rate_type != "per_unit" or entry.rate_cents is None:
                continue
            units = line.units
            if (units is not None and units == int(units) and line.charge_cents is not None
                    and line.charge_cents == entry.rate_cents * int(units)
                    and _to_the_cent(line.charge_raw)):
                continue  # the common case: whole units, charge to the cent
            units = decimal_of(line.units_raw)
            charge = decimal_of(line.charge_raw)
            if units is None or charge is None:
                continue
            expected = (Decimal(entry.rate_cents) * units).quantize(Decimal(1), ROUND_HALF_UP)
            if charge * 100 == expected:
                continue
            n = qty(line)
            found.append(ctx.line_finding(
                self, line,
                f"{line.label} on {dos_text(line)} is billed at "
                f"{money(int((charge * 100).quantize(Decimal(1), ROUND_HALF_UP)))}: the contract "
                f"rate is {money(entry.rate_cents)} × {units_text(n)} = {money(int(expected))}"))
        return found or NO_FINDINGS


@register
class GeneralTarCited(Rule):
    """A line that needs a TAR cites one: REF*G1 on the line or on the claim.

    What it does: flags a line of a profile group marked ``tar_required`` (every CS line,
    ECM monthly and ECM engagement lines) when neither its 2400 nor its 2300 loop carries
    a ``REF*G1`` with a number.

    Why it matters: "A TAR is required for all CS services" and for ECM enrollment; a
    claim that cites no authorization is denied.

    Example that fails: ``CLM*C1*400***11:B:1*Y*A*Y*Y~...SV1*HC:G9008:U1*400*UN*1***1~``
    with no ``REF*G1``

    Example that passes: the same claim with ``REF*G1*ECM250601~`` after its CLM.
    """

    code = "B306"
    name = "tar-not-cited"
    summary = "A line that needs a TAR (CS, ECM monthly, ECM engagement) cites no REF*G1."
    severity = "error"
    tips = ("GEN-06",)

    def check_claim(self, claim, ctx):
        if any(a.strip() for a in claim.g1):
            return NO_FINDINGS  # the claim cites a TAR for all its lines
        found = []
        profile = ctx.profile
        for line in claim.lines:
            if any(a.strip() for a in line.g1):
                continue
            _, group = line_group(profile, line)
            if group is None or not group.tar_required:
                continue
            found.append(ctx.line_finding(
                self, line,
                f"{line.label} on {dos_text(line)} needs a TAR ({group.label}) but cites none: "
                f"add REF*G1 with the approved TAR number to the line or the claim"))
        return found or NO_FINDINGS
