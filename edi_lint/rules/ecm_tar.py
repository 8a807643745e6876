"""ECM TAR rules (billing-rules.md §4): 278 requests whose 2000F lines carry G9008/G9012.

Every number (12 and 6 months, the forbidden modifiers, the six-month threshold)
comes from the profile's ``[tar]`` table; the ECM codes from its ECM groups.
"""
from __future__ import annotations

from datetime import timedelta

from ..dates import inclusive_days, is_last_day_of_month, latest_end
from ..messages import quantity, span
from ..model.tars import is_ecm_tar, service_group
from .base import Rule
from .registry import register

INITIAL = "I"
REAUTH = ("R", "4", "S")  # renewal, extension, revised
ENGAGEMENT_GROUP = "ecm-engagement"  # the profile group of G9012 with no modifier


def kind_label(um02: str) -> str:
    return "initial" if um02 == INITIAL else "re-authorization"


class _EcmTarRule(Rule):
    scope = "tar"

    def check_tar(self, tar, ctx):
        if is_ecm_tar(tar, ctx.profile):
            yield from self.check_ecm(tar, ctx)

    def check_ecm(self, tar, ctx):  # pragma: no cover - overridden
        return ()


@register
class EcmTarPeriod(_EcmTarRule):
    """An ECM TAR runs longer than its kind allows, or UM02 is ``E``.

    What it does: on an ECM TAR (a 278 request with a G9008 or G9012 line) reads UM02:
    ``I`` (initial) may run 12 months, ``R``/``4``/``S`` (re-authorization) 6 months, by
    the month arithmetic of billing-rules.md §1: the period (earliest 2000F DTP*472
    start to latest end, else the 2000E DTP*AAH) may end on the last day of the month N
    months after the start month. UM02 ``E`` is not a 005010 code and is flagged.

    Why it matters: the plan approves initial ECM TARs for one year and
    re-authorizations for up to six months; a longer request is cut or denied. ``E`` is
    rejected outright (an extension is ``4``).

    Example that fails: ``UM*HS*I~`` with ``DTP*472*RD8*20250601-20260731`` (latest end
    2026-06-30), or ``UM*HS*E~``

    Example that passes: ``UM*HS*I~`` with ``DTP*472*RD8*20250601-20260630``;
    ``UM*HS*R~`` with ``DTP*472*RD8*20250601-20251231``
    """

    code = "B401"
    name = "ecm-tar-period"
    summary = "An initial ECM TAR runs at most 12 months, a re-authorization 6; UM02 E is invalid."
    severity = "error"
    tips = ("ECMTAR-01",)

    def check_ecm(self, tar, ctx):
        um02 = tar.um02
        if um02 == "E":
            yield ctx.tar_finding(self, tar, "UM02 certification type 'E' is not a valid code:"
                                  " use R (renewal), 4 (extension) or S (revised) for a"
                                  " re-authorization, I for an initial ECM TAR")
            return
        tset = ctx.profile.tar
        if um02 == INITIAL:
            months = tset.ecm_initial_max_months
        elif um02 in REAUTH:
            months = tset.ecm_reauth_max_months
        else:
            return
        period = tar.period
        if period is None:
            return
        last = latest_end(period[0], months)
        if period[1] > last:
            yield ctx.tar_finding(self, tar, f"{kind_label(um02)} ECM TAR {span(*period)} runs past"
                                  f" {months} months: for a start in {period[0]:%Y-%m} the"
                                  f" latest end is {last.isoformat()}")


@register
class EcmTarEngagement(_EcmTarRule):
    """An initial ECM TAR lacks the G9012 x 1 successful-engagement line.

    What it does: an initial ECM TAR (UM02 ``I``) must include a 2000F line with the
    successful-engagement code (G9012 with no modifier) and quantity 1 (SV104, else
    HSD02). The finding is on the TAR's UM and says whether the line is missing or
    requests another quantity.

    Why it matters: the billing tips ask providers to include G9012 x 1 on every
    initial TAR; without it the engagement claim has no authorization to bill under.

    Example that fails: an initial TAR with only ``SV1*HC:G9008:U1*4800*UN*12~``

    Example that passes: the same TAR plus a 2000F ``SV1*HC:G9012*150*UN*1~``
    """

    code = "B402"
    name = "ecm-tar-engagement"
    summary = "An initial ECM TAR includes G9012 (no modifier) x 1 for successful engagement."
    severity = "error"
    tips = ("ECMTAR-02",)

    def check_ecm(self, tar, ctx):
        if tar.um02 != INITIAL:
            return
        profile = ctx.profile
        engagement = [s for s in tar.services
                      if service_group(profile, s, tar) == ENGAGEMENT_GROUP and not s.modifier_set]
        if any(s.quantity == 1 for s in engagement):
            return
        codes = sorted({e.code for e in profile.entries if e.group == ENGAGEMENT_GROUP})
        code = "/".join(codes) or "G9012"
        if engagement:
            got = ", ".join(quantity(s.quantity) for s in engagement)
            msg = (f"initial ECM TAR requests {code} (successful engagement, no modifier) with"
                   f" quantity {got}: request exactly 1 unit")
        else:
            msg = (f"initial ECM TAR has no {code} line with no modifier x 1 (successful"
                   " engagement): add it")
        yield ctx.tar_finding(self, tar, msg)


@register
class EcmTarModifiers(_EcmTarRule):
    """An ECM TAR line carries modifier U8 or GQ.

    What it does: flags each 2000F line of an ECM TAR whose SV101 modifiers include one
    of the profile's forbidden ECM TAR modifiers (U8 outreach, GQ telehealth), at the
    line's SV1.

    Why it matters: outreach is billed before enrollment without a TAR, and GQ only
    says how a service was delivered; the tips say TARs do not include them, so a TAR
    line with them does not match the codes the plan authorizes.

    Example that fails: ``SV1*HC:G9008:U1:GQ*4800*UN*12~`` on an ECM TAR

    Example that passes: ``SV1*HC:G9008:U1*4800*UN*12~``
    """

    code = "B403"
    name = "ecm-tar-modifiers"
    summary = "No ECM TAR line carries modifier U8 or GQ."
    severity = "error"
    tips = ("ECMTAR-03",)

    def check_ecm(self, tar, ctx):
        forbidden = ctx.profile.tar.ecm_forbidden_modifiers
        for s in tar.services:
            bad = [m for m in s.modifiers if m in forbidden]
            if bad:
                mods = " and ".join(dict.fromkeys(bad))
                keep = "-".join([s.code] + [m for m in s.modifiers if m not in forbidden])
                yield ctx.tar_finding(self, tar, f"ECM TAR line {s.label} carries {mods}: TARs do"
                                      f" not include {', '.join(sorted(forbidden))}; request"
                                      f" {keep}", service=s)


@register
class EcmTarMonthEnd(_EcmTarRule):
    """A six-month ECM re-authorization does not end on the last day of a month.

    What it does: on an ECM re-authorization TAR (UM02 ``R``, ``4`` or ``S``) whose
    period is longer than the profile's six-month threshold (150 days), warns when the
    period's end is not the last day of its month.

    Why it matters: the tips say a six-month TAR ends on the last day of the month
    (6/1/25-12/31/25); an end date mid-month leaves days of the last month unauthorized.

    Example that fails: ``UM*HS*R~`` with ``DTP*472*RD8*20250615-20251220``

    Example that passes: ``UM*HS*R~`` with ``DTP*472*RD8*20250601-20251231``
    """

    code = "B404"
    name = "ecm-tar-month-end"
    summary = "A six-month ECM re-authorization TAR ends on the last day of a month."
    severity = "warning"
    tips = ("ECMTAR-04",)

    def check_ecm(self, tar, ctx):
        if tar.um02 not in REAUTH:
            return
        msg = month_end_message(tar.period, ctx.profile.tar.six_month_threshold_days,
                                ctx.profile.tar.ecm_reauth_max_months, "ECM re-authorization TAR")
        if msg:
            yield ctx.tar_finding(self, tar, msg)


def month_end_message(period, threshold_days, max_months, what) -> str | None:
    """The finding's message when a six-month TAR does not end on a month's last day."""
    if period is None or inclusive_days(*period) <= threshold_days:
        return None
    end = period[1]
    if is_last_day_of_month(end):
        return None
    suggestion = latest_end(end, 0)
    if max_months is not None and suggestion > latest_end(period[0], max_months):
        suggestion = end.replace(day=1) - timedelta(days=1)
    return (f"six-month {what} {span(*period)} ends on {end.isoformat()}, not on the last day"
            f" of a month: end it on the last day of the month (e.g. {suggestion.isoformat()})")
