"""Batch-wide ECM rules (billing-rules.md §3): ECM-01, ECM-03, ECM-04, ECM-05.

ECM-01, ECM-03 and ECM-04 are frequency limits: their numbers are the profile's
``[[limits]]`` of the tip, counted by the one mechanism of ``limits.py``. ECM-05
compares outreach dates with the member's ECM enrollment (batch, ledger and TAR
decisions).
"""
from __future__ import annotations

from ..messages import dos_text
from .base import Rule
from .limit_messages import groups_label, where_text
from .limits import LimitRule, limit_index
from .registry import register

# Profile groups that ECM-05 reads (the default profile's names, billing-rules.md §2).
ENROLLMENT_GROUPS = ("ecm-monthly", "ecm-engagement")
OUTREACH_GROUPS = ("ecm-outreach",)


@register
class EcmMonthlyOncePerMonth(LimitRule):
    """At most one ECM monthly line per member per service month (G9008-U1 and G9012-U2 together).

    What it does: counts the lines of the profile's ECM-01 limit (group ``ecm-monthly``:
    G9008 {U1}/{U1,GQ} and G9012 {U2}/{U2,GQ}, in any mix) per member and service month,
    the ledger's history first, then the batch in DOS order. Each line beyond the first of
    a month is flagged at its SV1, naming the first line of the month. Replaced (CLM05-3
    ``7``) and voided (``8``) claims do not count.

    Why it matters: ECM is paid per member per month; a second monthly line in the same
    month (for instance a clinical G9008-U1 and a non-clinical G9012-U2) is denied as a
    duplicate.

    Example that fails: ``G9008-U1 on 2025-06-03 (claim C200)`` and
    ``G9012-U2-GQ on 2025-06-20 (claim C201)`` for the same member: C201 is flagged.

    Example that passes: ``G9008-U1 on 2025-06-03`` and ``G9008-U1 on 2025-07-01``.
    """

    code = "B101"
    name = "ecm-monthly-once-per-month"
    summary = "At most one ECM monthly line (G9008-U1 / G9012-U2, any mix) per member per month."
    severity = "error"
    tips = ("ECM-01",)


@register
class EcmEngagementOnce(LimitRule):
    """Successful engagement (G9012 with no modifier) is billed at most once per member, ever.

    What it does: counts the member's lines of the profile's ECM-03 limit (group
    ``ecm-engagement``) over the ledger and the batch; every line after the first is
    flagged at its SV1, naming the first one.

    Why it matters: the successful-engagement payment is a one-time payment per member;
    a second one is denied.

    Example that fails: ``G9012 on 2025-06-02 (claim E205)`` and ``G9012 on 2025-09-15
    (claim E206)`` for the same member: E206 is flagged.

    Example that passes: one ``G9012`` line for the member, then ``G9008-U1`` monthly lines.
    """

    code = "B103"
    name = "ecm-engagement-once"
    summary = "Successful engagement (G9012, no modifier) at most once per member lifetime."
    severity = "error"
    tips = ("ECM-03",)


@register
class EcmOutreachWindow(LimitRule):
    """At most 5 outreach lines per member in any 30 consecutive days.

    What it does: counts the member's outreach lines (profile ECM-04 limit, group
    ``ecm-outreach``: G9008/G9012 with {U8} or {U8,GQ}) in every window of 30 consecutive
    days (DOS - 29 ... DOS), the ledger first, then the batch in DOS order. The 6th and
    later lines of a window are flagged; a flagged line still counts for later windows
    (six on days 1-6 and one on day 31 flag day 6 and day 31).

    Why it matters: the billing tips allow at most five unsuccessful outreach attempts in
    30 days; more are denied.

    Example that fails: outreach on 2025-06-02, 06-05, 06-09, 06-12, 06-16 and 06-20: the
    6th (06-20) is flagged.

    Example that passes: five outreach lines on 2025-06-02 ... 06-16 and a sixth on
    2025-07-02 (30 days after 06-02: outside its window).
    """

    code = "B104"
    name = "ecm-outreach-window"
    summary = "At most 5 ECM outreach lines (U8) per member in any 30 consecutive days."
    severity = "error"
    tips = ("ECM-04",)


def _approved_ecm_start(response, approved, ecm_codes):
    """The start of an approved ECM TAR decision, or None (billing-rules.md §3 ECM-05).

    Approved: HCR01 of the 2000F line (else of the 2000E) is an approved code, on a line
    with an ECM code. Start: the earliest such line's DTP*472 start, else the event's
    DTP*AAH/007 (``covered_period``), else its DTP*AAH.
    """
    services = [s for s in response.services
                if s.code in ecm_codes and (s.hcr01 or response.hcr01) in approved]
    if not services:
        return None, None
    starts = [s.period[0] for s in services if s.period]
    cert = next((s.hcr02 for s in services if s.hcr02), None) or response.hcr02
    if starts:
        return min(starts), cert
    period = response.covered_period or response.event_period
    return (period[0] if period else None), cert


@register
class EcmOutreachAfterEnrollment(Rule):
    """Outreach is billed only before the member's ECM enrollment.

    What it does: the member's enrollment date is the earliest of the DOS of the first ECM
    monthly or successful-engagement line (batch and ledger) and the start of an approved
    ECM TAR (a 278 response, batch or ledger, whose HCR01 is A1/A2/A6 on a G9008/G9012
    line; start = the earliest approved line's DTP*472, else the event's DTP*AAH/007).
    Each outreach line (G9008/G9012 with U8) of the batch dated on or after that date is
    flagged at its SV1.

    Why it matters: unsuccessful outreach pays for reaching a member who is not yet
    enrolled; once the member is enrolled, outreach is not paid.

    Example that fails: ``G9008-U1 on 2025-06-02`` then ``G9008-U8 on 2025-06-10`` for the
    same member: the outreach line is flagged.

    Example that passes: ``G9008-U8 on 2025-05-20`` then ``G9008-U1 on 2025-06-02``.
    """

    code = "B105"
    name = "ecm-outreach-after-enrollment"
    summary = "ECM outreach (U8) must be dated before the member's ECM enrollment."
    severity = "error"
    tips = ("ECM-05",)
    scope = "batch"
    by_member = True  # reads the limit index and TAR responses member by member

    def check_batch(self, batch, ctx):
        profile = ctx.profile
        index = limit_index(batch)
        outreach = [(m, facts) for m, facts in index.sequences(OUTREACH_GROUPS)]
        if not outreach:
            return
        members = {m for m, _ in outreach}
        enrolled: dict = {}  # member -> (date, description)
        for member, facts in index.sequences(ENROLLMENT_GROUPS):
            if member not in members:
                continue
            first = min(facts, key=lambda f: f.dos_from)  # ties: counting order
            what = groups_label(profile, (first.group,))
            enrolled[member] = (first.dos_from, f"first {what} line {first.label} on "
                                f"{dos_text(first)}, {where_text(first)}")
        approved = profile.tar.approved_hcr01
        ecm_codes = {e.code for e in profile.entries
                     if e.group in ENROLLMENT_GROUPS + OUTREACH_GROUPS}
        for source, responses in (("in the ledger", batch.history_responses),
                                  ("", batch.responses)):
            for response in responses:
                if response.member not in members:
                    continue
                start, cert = _approved_ecm_start(response, approved, ecm_codes)
                if start is None:
                    continue
                known = enrolled.get(response.member)
                if known is None or start < known[0]:
                    name = f"approved ECM TAR {cert}" if cert else "an approved ECM TAR"
                    enrolled[response.member] = (
                        start, f"{name} starting on {start.isoformat()}"
                        + (f" {source}" if source else ""))
        for member, facts in outreach:
            known = enrolled.get(member)
            if known is None:
                continue
            start, why = known
            who = ctx.member_label(member)
            for fact in facts:
                if fact.loc is None:
                    continue  # history is never reported
                last_day = fact.dos_to if fact.dos_to and fact.dos_to > fact.dos_from \
                    else fact.dos_from
                if last_day >= start:
                    yield ctx.fact_finding(
                        self, fact,
                        f"{fact.label} on {dos_text(fact)} is outreach on or after the ECM "
                        f"enrollment of {who} on {start.isoformat()} ({why}); outreach is "
                        f"billed only before enrollment")
