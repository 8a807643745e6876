"""Community Supports TAR rules (billing-rules.md §6): 278 requests with a CS line.

A CS TAR is a TAR with a 2000F line whose code is in a CS row of the code table,
whatever its modifiers. Period limits, exclusive groups, documents, amounts and the
referral form are profile data (``[tar]``); the rules only read them.
"""
from __future__ import annotations

import weakref

from ..dates import inclusive_days, latest_end
from ..messages import money, ordinal, quantity, span
from ..model.tars import is_cs_service, is_cs_tar, service_group, service_start
from .base import Rule
from .ecm_tar import month_end_message
from .registry import register


def cs_groups(tar, profile) -> dict[str, list]:
    """The CS groups of a TAR's lines, in line order: group -> its 2000F lines."""
    out: dict[str, list] = {}
    for s in tar.services:
        if is_cs_service(s, profile):
            group = service_group(profile, s, tar)
            if group is not None:
                out.setdefault(group, []).append(s)
    return out


def _label(profile, group) -> str:
    g = profile.groups.get(group)
    return g.label if g is not None else group


class _CsTarRule(Rule):
    scope = "tar"

    def check_tar(self, tar, ctx):
        if is_cs_tar(tar, ctx.profile):
            yield from self.check_cs(tar, ctx)

    def check_cs(self, tar, ctx):  # pragma: no cover - overridden
        return ()


@register
class CsTarPeriod(_CsTarRule):
    """A CS TAR's period is longer than its service allows.

    What it does: for each CS group on the TAR with a period limit in the profile
    (``[tar.groups.<group>]``), checks the TAR period (earliest 2000F DTP*472 start to
    latest end, else the 2000E DTP*AAH): housing navigation, housing tenancy and
    short-term post-hospitalization at most 6 months by the month arithmetic of §1
    (6/1/26-12/31/26 passes); recuperative care at most 90 days; meals and grocery box
    at most 12 weeks (84 days), days counted inclusively. One finding per TAR, at its UM,
    naming each limit exceeded.

    Why it matters: the plan approves these services for those periods only; a longer
    request is cut or denied, and claims past the approved end are denied.

    Example that fails: ``SV1*HC:T2033:U6*19380*UN*95~`` with
    ``DTP*472*RD8*20250601-20250903`` (95 days, limit 90)

    Example that passes: ``SV1*HC:H0043:U6*2316*UN*6~`` with
    ``DTP*472*RD8*20260601-20261231``
    """

    code = "B501"
    name = "cs-tar-period"
    summary = "CS TAR periods: navigation, tenancy, post-hospitalization 6 months; others in days."
    severity = "error"
    tips = ("CSTAR-01",)

    def check_cs(self, tar, ctx):
        period = tar.period
        if period is None:
            return
        profile = ctx.profile
        reasons = []
        days = inclusive_days(*period)
        for group in cs_groups(tar, profile):
            limits = profile.tar.groups.get(group)
            if limits is None:
                continue
            label = _label(profile, group)
            if limits.max_months is not None:
                last = latest_end(period[0], limits.max_months)
                if period[1] > last:
                    reasons.append(f"{label} runs at most {limits.max_months} months (latest end"
                                   f" {last.isoformat()} for a start in {period[0]:%Y-%m})")
            if limits.max_days is not None and days > limits.max_days:
                reasons.append(f"{label} runs at most {limits.max_days} days ({days} requested)")
        if reasons:
            yield ctx.tar_finding(self, tar, f"CS TAR {span(*period)} is too long: "
                                  + "; ".join(reasons))


class _ExclusiveRule(_CsTarRule):
    """At most one group of each of the profile's ``[[tar.exclusive]]`` sets of this tip."""

    def check_cs(self, tar, ctx):
        profile = ctx.profile
        present = cs_groups(tar, profile)
        for rule in profile.tar.exclusive:
            if rule.tip != self.tip:
                continue
            found = [g for g in present if g in rule.groups]
            if len(found) < 2:
                continue
            parts = []
            for g in found:
                labels = ", ".join(dict.fromkeys(s.label for s in present[g]))
                parts.append(f"{_label(profile, g)} ({labels})")
            yield ctx.tar_finding(self, tar, "one TAR requests " + " and ".join(parts)
                                  + ": these are never on the same TAR; submit one TAR per"
                                  " service")


@register
class CsTarHousingTogether(_ExclusiveRule):
    """Housing navigation, housing deposit and housing tenancy are on the same TAR.

    What it does: flags a CS TAR (one 2000E) whose lines belong to more than one of the
    profile's CSTAR-02 groups: housing transition/navigation (H0043-U6, H2016-U6),
    housing deposit (H0044-U2) and housing tenancy (T2040-U6, T2041-U6). At the TAR's UM.

    Why it matters: the tips say these three should not be submitted on the same TAR;
    the plan reviews each on its own and returns a combined request.

    Example that fails: one 2000E with ``SV1*HC:H0043:U6...~`` and ``SV1*HC:H0044:U2...~``

    Example that passes: the housing navigation and the housing deposit on two TARs
    """

    code = "B502"
    name = "cs-tar-housing-together"
    summary = "Housing navigation, deposit and tenancy are never on the same TAR."
    severity = "error"
    tips = ("CSTAR-02",)


@register
class CsTarDepositDocuments(_CsTarRule):
    """A housing deposit TAR lacks a required document or asks for more than $5,000.

    What it does: a TAR with a housing deposit line (H0044-U2) must carry, as PWK
    segments at 2000E or 2000F, each document the profile lists: the CS referral form
    (PWK01 B4), the housing support plan (08), the copy of the lease (55) and the list
    of items (77). One finding at the UM names every missing one. Each deposit line's
    requested amount (SV102, cumulated over the TAR's deposit lines) must not exceed
    the profile's maximum ($5,000.00): a finding at that line's SV1.

    Why it matters: the tips require this documentation on every deposit TAR; without
    it the TAR is pended or denied. Deposits are approved up to $5,000.

    Example that fails: ``PWK*B4*EL~PWK*08*EL~`` and ``SV1*HC:H0044:U2*5200*UN*1~``

    Example that passes: ``PWK*B4*EL~PWK*08*EL~PWK*55*EL~PWK*77*EL~`` and
    ``SV1*HC:H0044:U2*4500*UN*1~``
    """

    code = "B503"
    name = "cs-tar-deposit-documents"
    summary = "A housing deposit TAR carries its four documents and asks at most $5,000."
    severity = "error"
    tips = ("CSTAR-03",)

    def check_cs(self, tar, ctx):
        profile = ctx.profile
        present = cs_groups(tar, profile)
        have = tar.all_pwk_codes
        missing: dict[str, str] = {}
        labels = []
        for group, services in present.items():
            limits = profile.tar.groups.get(group)
            if limits is None:
                continue
            lacking = {code: name for code, name in limits.documents.items() if code not in have}
            if lacking:
                missing.update(lacking)
                labels.append(_label(profile, group))
        if missing:
            docs = ", ".join(f"{name} (PWK01 {code})" for code, name in missing.items())
            yield ctx.tar_finding(self, tar, f"{' and '.join(labels)} TAR lacks {docs}: send each"
                                  " as a PWK segment")
        for group, services in present.items():
            limits = profile.tar.groups.get(group)
            if limits is None or limits.max_amount_cents is None:
                continue
            total = 0
            for s in services:
                if s.amount_cents is None:
                    continue
                total += s.amount_cents
                if total > limits.max_amount_cents:
                    extra = ("" if total == s.amount_cents
                             else f" (total {money(total)} on this TAR)")
                    yield ctx.tar_finding(self, tar, f"{s.label} requests {money(s.amount_cents)}"
                                          f"{extra}: {_label(profile, group)} is approved up to"
                                          f" {money(limits.max_amount_cents)}", service=s)


@register
class CsTarFifteenMinuteUnits(_CsTarRule):
    """A homemaker, personal care or respite TAR line does not request whole 15-minute units.

    What it does: each 2000F line of a CS group whose unit is 15 minutes (S5130, T1019,
    H0045, S5151, S9125) must request units: SV103 ``UN`` and a whole-number quantity
    (SV104, else HSD02). ``MJ`` (minutes) or 2.5 units is flagged at the line's SV1.

    Why it matters: the tips say quantity for these TARs is requested in increments of
    15 minutes per unit; a request in minutes is read as 4 times too many units or denied.

    Example that fails: ``SV1*HC:T1019:U6*792*MJ*1440~``

    Example that passes: ``SV1*HC:T1019:U6*792*UN*96~``
    """

    code = "B504"
    name = "cs-tar-fifteen-minute-units"
    summary = "Homemaker, personal care and respite TARs request whole 15-minute units (UN)."
    severity = "error"
    tips = ("CSTAR-04",)

    def check_cs(self, tar, ctx):
        profile = ctx.profile
        for group, services in cs_groups(tar, profile).items():
            g = profile.groups.get(group)
            if g is None or g.unit != "15min" or g.program != "CS":
                continue
            for s in services:
                reasons = []
                if s.unit_basis != "UN":
                    basis = repr(s.unit_basis) if s.unit_basis else "empty"
                    reasons.append(f"SV103 is {basis}" + (" (minutes)" if s.unit_basis == "MJ"
                                                          else ""))
                qty = s.quantity
                if qty is not None and not float(qty).is_integer():
                    reasons.append(f"the quantity {quantity(qty)} is not a whole number of units")
                if reasons:
                    yield ctx.tar_finding(self, tar, f"{s.label} ({g.label}): "
                                          + " and ".join(reasons) + ": request whole 15-minute"
                                          " units with SV103 UN", service=s)


@register
class CsTarMealsAndGrocery(_ExclusiveRule):
    """Medically supportive meals and grocery box are on the same TAR.

    What it does: flags a CS TAR whose lines belong to more than one of the profile's
    CSTAR-05 groups: meals (S5170) and grocery box (S9977). At the TAR's UM.

    Why it matters: the tips say a request must be either meals or grocery box, never
    both; a combined TAR is returned.

    Example that fails: one 2000E with ``SV1*HC:S5170:U6...~`` and ``SV1*HC:S9977:U6...~``

    Example that passes: a TAR with only ``SV1*HC:S9977:U6*792*UN*12~``
    """

    code = "B505"
    name = "cs-tar-meals-and-grocery"
    summary = "Meals (S5170) and grocery box (S9977) are never on the same TAR."
    severity = "error"
    tips = ("CSTAR-05",)


@register
class CsTarModifier(_CsTarRule):
    """A CS TAR line's modifiers are not those of the code table.

    What it does: each 2000F line whose code is in a CS row must carry exactly one of the
    modifier sets the profile lists for that code (H0043-U6, H0044-U2 or H0044-U3, ...),
    compared as a set. H0043 with no modifier, H0044 alone and H0043-U6-GQ are flagged at
    the line's SV1.

    Why it matters: the tips ask for the code grid with its modifier on every
    authorization; a TAR line without it matches no rate and no claim line.

    Example that fails: ``SV1*HC:H0043*2316*UN*6~``

    Example that passes: ``SV1*HC:H0043:U6*2316*UN*6~``
    """

    code = "B506"
    name = "cs-tar-modifier"
    summary = "Every CS TAR line carries the modifier of the code table."
    severity = "error"
    tips = ("CSTAR-06",)

    def check_cs(self, tar, ctx):
        profile = ctx.profile
        for s in tar.services:
            if not is_cs_service(s, profile):
                continue
            dos = service_start(s, tar)
            entries = [e for e in profile.entries_for_code(s.code)
                       if "CS" == profile.groups[e.group].program]
            if dos is not None:
                entries = [e for e in entries if e.effective_at(dos)] or entries
            sets = {m for e in entries for m in e.modifier_sets}
            if s.modifier_set in sets:
                continue
            wants = " or ".join(sorted("-".join([s.code] + sorted(m)) for m in sets))
            has = "no modifier" if not s.modifiers else f"modifiers {'-'.join(s.modifiers)}"
            yield ctx.tar_finding(self, tar, f"CS TAR line {s.label} has {has}: the code table"
                                  f" wants {wants}", service=s)


@register
class CsTarReferral(_CsTarRule):
    """A CS TAR does not include the completed referral form.

    What it does: every CS TAR must carry a PWK whose PWK01 is the profile's referral
    document code (``B4``, referral form) at its 2000E or any 2000F. At the TAR's UM.

    Why it matters: the tips say all TARs must include a completed referral form; a TAR
    without it is pended until the form arrives.

    Example that fails: a CS TAR whose only PWK is ``PWK*08*EL~``

    Example that passes: ``PWK*B4*EL~`` in the 2000E
    """

    code = "B507"
    name = "cs-tar-referral"
    summary = "Every CS TAR includes the completed referral form (PWK01 B4)."
    severity = "error"
    tips = ("CSTAR-07",)

    def check_cs(self, tar, ctx):
        code = ctx.profile.tar.referral_document
        if code not in tar.all_pwk_codes:
            yield ctx.tar_finding(self, tar, f"CS TAR has no referral form: add PWK*{code} (the"
                                  " completed CS referral form) at the 2000E")


@register
class CsTarMonthEnd(_CsTarRule):
    """A six-month housing or post-hospitalization CS TAR does not end on a month's last day.

    What it does: on a CS TAR with a line of a group whose period is limited in months
    (housing navigation, housing tenancy, short-term post-hospitalization) and a period
    longer than the profile's six-month threshold (150 days), warns when the period's end
    is not the last day of its month.

    Why it matters: the tips say to end a six-month TAR on the last day of the month
    (6/1/26-12/31/26); a mid-month end leaves the month's last days without authorization.

    Example that fails: ``SV1*HC:T2040:U6...~`` with ``DTP*472*RD8*20260601-20261215``

    Example that passes: ``SV1*HC:T2040:U6...~`` with ``DTP*472*RD8*20260601-20261231``
    """

    code = "B508"
    name = "cs-tar-month-end"
    summary = "A six-month housing or post-hospitalization CS TAR ends on the last day of a month."
    severity = "warning"
    tips = ("CSTAR-08",)

    def check_cs(self, tar, ctx):
        profile = ctx.profile
        months = [profile.tar.groups[g].max_months for g in cs_groups(tar, profile)
                  if g in profile.tar.groups and profile.tar.groups[g].max_months is not None]
        if not months:
            return
        msg = month_end_message(tar.period, profile.tar.six_month_threshold_days, min(months),
                                "CS TAR")
        if msg:
            yield ctx.tar_finding(self, tar, msg)


_SEEN: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()


@register
class CsTarBulk(_CsTarRule):
    """CS TARs are submitted in bulk: several per transaction set or file.

    What it does: one 278 transaction set carries one TAR (one 2000E) and one file
    carries one 278 request transaction set. Each CS TAR that is not the first 2000E of
    its transaction set, or whose transaction set is not the first 278 request
    transaction set of its file, gets one warning at its UM.

    Why it matters: the tips say not to bulk submit TARs or TAR corrections; the CS
    helpdesk handles them one by one, and bulk files are returned.

    Example that fails: ``ST*278*0001~...HL*4*3*EV*1~...HL*7*6*EV*1~...SE~`` (two 2000E)

    Example that passes: one file, one ``ST*278``, one ``HL*4*3*EV*1``
    """

    code = "B509"
    name = "cs-tar-bulk"
    summary = "One CS TAR per 278 transaction set, one 278 request transaction set per file."
    severity = "warning"
    tips = ("CSTAR-09",)

    def check_tar(self, tar, ctx):
        # every request transaction set counts, CS or not; only CS TARs are flagged
        files = _SEEN.setdefault(ctx, {})
        tx = tar.tx
        seen = files.setdefault(ctx.stream, {})  # this file's (or part's) request sets
        entry = seen.get(id(tx))
        if entry is None or entry[0] is not tx:
            entry = seen[id(tx)] = (tx, len(seen) + 1)  # the tx is kept: its id stays unique
        tx_number = entry[1]
        if not is_cs_tar(tar, ctx.profile):
            return
        reasons = []
        if tar.ordinal > 1:
            reasons.append(f"it is the {ordinal(tar.ordinal)} 2000E (TAR) of transaction set"
                           f" {tx.control}: one 278 transaction set carries one TAR")
        if tx_number > 1:
            reasons.append(f"transaction set {tx.control} is the {ordinal(tx_number)} 278 request"
                           " transaction set of this file: one file carries one")
        if reasons:
            yield ctx.tar_finding(self, tar, "bulk TAR submission: " + "; ".join(reasons)
                                  + " (contact the CS helpdesk instead of bulk submitting)")
