"""Batch-wide Community Supports rules (billing-rules.md §5): CS-01 ... CS-09, CS-11.

Their numbers are the profile's ``[[limits]]`` of each tip, counted by the one
mechanism of ``limits.py``; the per-line parts of a tip (CS-01 one unit, CS-03 line
amount, CS-04/CS-05 units equal days) read the profile's groups and entries.
"""
from __future__ import annotations

from ..messages import dos_text, money
from .base import Rule
from .limit_messages import groups_label, number, where_text
from .limits import LimitRule, limit_index
from .registry import register


def _units(fact) -> str:
    if fact.units is None:
        return "no units (SV104 empty)"
    return f"{number(fact.units)} unit" + ("" if fact.units == 1 else "s")


def _units_equal_days(fact, ctx):
    """(warning) A per-diem line (group unit ``day``) bills one unit per day of service."""
    group = ctx.profile.groups.get(fact.group)
    if group is None or group.unit != "day":
        return
    days = fact.days
    if fact.units is None or abs(fact.units - days) > 1e-9:
        yield ("warning", f"bills {_units(fact)} for {days} day{'s' if days != 1 else ''} of "
                          f"service ({group.label} is per diem: units equal days)")


@register
class CsHousingNavigationMonthly(LimitRule):
    """Housing navigation (H0043-U6 / H2016-U6) bills 1 unit, one line per member per month.

    What it does: (1) flags an H0043-U6 or H2016-U6 line whose SV104 is not the group's
    ``units_per_line`` (1); (2) counts the lines of the profile's CS-01 limit (group
    ``cs-housing-navigation``, both codes together) per member and service month, ledger
    first, then the batch in DOS order, and flags every line after the first. A line with
    both problems gets one finding giving both reasons.

    Why it matters: housing transition/navigation is paid per member per month (PMPM);
    extra units or a second line in the month are denied.

    Example that fails: ``H0043-U6 on 2025-06-02`` and ``H2016-U6 on 2025-06-20`` for the
    same member: the 06-20 line is flagged.

    Example that passes: ``H0043-U6 x 1 on 2025-06-02`` and ``H2016-U6 x 1 on 2025-07-01``.
    """

    code = "B201"
    name = "cs-housing-navigation-monthly"
    summary = "Housing navigation (H0043-U6/H2016-U6): 1 unit, one line per member per month."
    severity = "error"
    tips = ("CS-01",)

    def check_line(self, fact, ctx):
        group = ctx.profile.groups.get(fact.group)
        want = group.units_per_line if group is not None else None
        if want is not None and (fact.units is None or abs(fact.units - want) > 1e-9):
            yield ("error", f"bills {_units(fact)} ({group.label} bills {want} unit"
                            f"{'' if want == 1 else 's'} per line)")


@register
class CsHousingTenancyUnits(LimitRule):
    """Housing tenancy (T2040-U6 + T2041-U6): at most 2 units per member per month together.

    What it does: sums the units of the profile's CS-02 limit (group
    ``cs-housing-tenancy``) per member and service month, ledger first, then the batch in
    DOS order; each line that brings the month above the limit is flagged at its SV1.

    Why it matters: housing tenancy and sustaining services are capped per month; units
    above the cap are denied.

    Example that fails: ``T2040-U6 x 2 on 2025-06-05`` and ``T2041-U6 x 1 on 2025-06-20``:
    the 06-20 line (3 units in 2025-06) is flagged.

    Example that passes: ``T2040-U6 x 1 on 2025-06-10`` and ``T2041-U6 x 1 on 2025-06-20``.
    """

    code = "B202"
    name = "cs-housing-tenancy-units"
    summary = "Housing tenancy (T2040-U6 + T2041-U6): at most 2 units per member per month."
    severity = "error"
    tips = ("CS-02",)


@register
class CsHousingDepositAmount(LimitRule):
    """Housing deposit (H0044-U2): at most $5,000.00 on a line (error) and per member (warning).

    What it does: (error) flags an H0044-U2 line whose charge (SV102) is above the profile
    entry's ``max_amount``; (warning) sums the member's housing deposit charges (profile
    CS-03 limit, ledger first, then the batch in DOS order) and flags each line that
    brings the total above the limit. The two severities are separate findings.

    Why it matters: the housing deposit benefit is paid as billed up to $5,000.00 per
    member; a larger amount is denied or cut back.

    Example that fails: ``SV1*HC:H0044:U2*5200.00*UN*1***1~``

    Example that passes: ``SV1*HC:H0044:U2*1800.00*UN*1***1~`` (and no other deposit for
    the member above $3,200.00).
    """

    code = "B203"
    name = "cs-housing-deposit-amount"
    summary = "Housing deposit (H0044-U2): at most $5,000.00 per line (error) and per member (warning)."
    severity = "error"
    tips = ("CS-03",)

    def check_line(self, fact, ctx):
        entry = ctx.profile.match(fact.code, fact.modifier_set, fact.dos_from)
        cap = entry.max_amount_cents if entry is not None else None
        if cap is not None and fact.charge_cents is not None and fact.charge_cents > cap:
            yield ("error", f"bills {money(fact.charge_cents)} on one line (limit "
                            f"{money(cap)} per line)")


@register
class CsPostHospitalizationStay(LimitRule):
    """Short-term post-hospitalization (H0044-U3): at most 180 days, all in one stay.

    What it does: (error) sums the member's days of service of the profile's CS-04 limits
    (ledger first, then the batch in DOS order) and flags each line that brings the total
    above 180 days, and each line with a DOS later than 179 days after the member's first
    H0044-U3 DOS; a line breaking both gets one finding. (warning, separate finding) a
    per-diem line whose units differ from its days of service (a span of n days bills n
    units).

    Why it matters: the benefit is one stay of up to 180 days per lifetime; days beyond
    it are denied.

    Example that fails: ``H0044-U3 2025-01-01..2025-06-29 x 180`` then ``H0044-U3 on
    2025-06-30 x 1``: the second line (day 181) is flagged.

    Example that passes: ``H0044-U3 2025-01-01..2025-06-29 x 180`` alone.
    """

    code = "B204"
    name = "cs-post-hospitalization-stay"
    summary = "Short-term post-hospitalization (H0044-U3): at most 180 days in one stay; units equal days."
    severity = "error"
    tips = ("CS-04",)

    def check_line(self, fact, ctx):
        return _units_equal_days(fact, ctx)


@register
class CsRecuperativeCareRun(LimitRule):
    """Recuperative care (T2033-U6): a continuous run of billed days lasts at most 90 days.

    What it does: (error) joins the member's T2033-U6 dates of service (ledger first, then
    the batch in DOS order) into continuous runs, a next DOS at most one day after the
    previous end; each line that makes its run longer than the profile's CS-05 limit (90
    days) is flagged. A gap of one day (next DOS = previous end + 2) starts a new run.
    (warning, separate finding) a line whose units differ from its days of service.

    Why it matters: recuperative care is authorized for at most 90 continuous days;
    further days are denied.

    Example that fails: ``T2033-U6 2025-06-01..2025-08-29 x 90`` then ``T2033-U6 on
    2025-08-30 x 1``: day 91 is flagged.

    Example that passes: ``T2033-U6 2025-06-01..2025-08-29 x 90`` then ``T2033-U6 on
    2025-08-31 x 1`` (a one-day gap ends the run).
    """

    code = "B205"
    name = "cs-recuperative-care-run"
    summary = "Recuperative care (T2033-U6): continuous runs of at most 90 days; units equal days."
    severity = "error"
    tips = ("CS-05",)

    def check_line(self, fact, ctx):
        return _units_equal_days(fact, ctx)


@register
class CsMealsPerDay(LimitRule):
    """Medically supportive meals (S5170-U6): at most 2 units per member per day.

    What it does: spreads each line's units evenly over its days of service (a span of n
    days may bill 2n) and adds them per member and day, ledger first, then the batch in
    DOS order; each line that brings one of its days above the profile's CS-06 limit is
    flagged.

    Why it matters: the benefit is up to two meals a day; more are denied.

    Example that fails: ``S5170-U6 2025-06-09..2025-06-11 x 7`` (2.33 a day).

    Example that passes: ``S5170-U6 2025-06-09..2025-06-11 x 6``.
    """

    code = "B206"
    name = "cs-meals-per-day"
    summary = "Medically supportive meals (S5170-U6): at most 2 units per member per day."
    severity = "error"
    tips = ("CS-06",)


@register
class CsGroceryBoxWindow(LimitRule):
    """Grocery box (S9977-U6): at most 1 box per member in any 7 consecutive days.

    What it does: counts the member's grocery boxes (SV104 units; a line counts whole on
    its from-date, spans included: spec §9 "Counting") in every window of 7 consecutive
    days holding the line, ledger first, then the batch in DOS order; each line that
    brings a window above the profile's CS-07 limit is flagged.

    Why it matters: the benefit is one box a week; a second box within 7 days is denied.

    Example that fails: ``S9977-U6 on 2025-06-02`` and ``S9977-U6 on 2025-06-08`` (6 days
    apart): the 06-08 line is flagged.

    Example that passes: ``S9977-U6 on 2025-06-02`` and ``S9977-U6 on 2025-06-09``.
    """

    code = "B207"
    name = "cs-grocery-box-window"
    summary = "Grocery box (S9977-U6): at most 1 box per member in any 7 consecutive days."
    severity = "error"
    tips = ("CS-07",)


@register
class CsDayHabilitationPerDay(LimitRule):
    """Day habilitation (T2020-U6): at most 8 units per member per day.

    What it does: spreads each line's units over its days of service and adds them per
    member and day, ledger first, then the batch in DOS order; each line that brings one
    of its days above the profile's CS-08 limit is flagged.

    Why it matters: day habilitation is capped at 8 units a day; more are denied.

    Example that fails: ``T2020-U6 x 9 on 2025-06-09``.

    Example that passes: ``T2020-U6 x 8 on 2025-06-09``.
    """

    code = "B208"
    name = "cs-day-habilitation-per-day"
    summary = "Day habilitation (T2020-U6): at most 8 units per member per day."
    severity = "error"
    tips = ("CS-08",)


@register
class CsSoberingCenterPerDay(LimitRule):
    """Sobering center (H0014-U6): at most 1 unit per member per day.

    What it does: spreads each line's units over its days of service and adds them per
    member and day, ledger first, then the batch in DOS order; each line that brings one
    of its days above the profile's CS-09 limit is flagged.

    Why it matters: a sobering center stay is under 24 hours and paid once a day; a
    second unit on the same day is denied.

    Example that fails: ``H0014-U6 x 2 on 2025-06-21``.

    Example that passes: ``H0014-U6 x 1 on 2025-06-21`` and ``H0014-U6 x 1 on 2025-06-22``.
    """

    code = "B209"
    name = "cs-sobering-center-per-day"
    summary = "Sobering center (H0014-U6): at most 1 unit per member per day."
    severity = "error"
    tips = ("CS-09",)


# The groups of CS-11 are those of the TAR rule it derives from (CSTAR-05), read from the
# profile's [[tar.exclusive]]; these names are the fallback when a profile has none.
MEALS_GROCERY_TIP = "CSTAR-05"
MEALS_GROCERY_GROUPS = ("cs-meals", "cs-grocery-box")


@register
class CsMealsAndGroceryMonth(Rule):
    """Meals (S5170-U6) and grocery box (S9977-U6) for the same member in the same month.

    What it does: for each member and service month, looks at the lines of the groups the
    profile declares exclusive on a TAR for CSTAR-05 (medically supportive meals and
    grocery box) in the ledger and the batch; when more than one of these groups is
    billed in the month, every batch line of them in that month gets one warning, naming
    a line of the other group.

    Why it matters: the plan authorizes meals or grocery boxes, never both on one TAR
    (CSTAR-05); both billed in one month is very likely a mistake.

    Example that fails: ``S5170-U6 2025-06-09..2025-06-15 x 14`` and ``S9977-U6 on
    2025-06-20`` for the same member: both lines are flagged.

    Example that passes: meals in 2025-06 and a grocery box in 2025-07.
    """

    code = "B211"
    name = "cs-meals-and-grocery-month"
    summary = "Warns when meals (S5170-U6) and grocery box (S9977-U6) share a member-month."
    severity = "warning"
    tips = ("CS-11",)
    scope = "batch"
    by_member = True  # reads the batch through ``limit_index`` only, member by member

    def check_batch(self, batch, ctx):
        profile = ctx.profile
        groups = next((x.groups for x in profile.tar.exclusive if x.tip == MEALS_GROCERY_TIP),
                      MEALS_GROCERY_GROUPS)
        index = limit_index(batch)
        for member, facts in index.sequences(groups):
            months: dict[tuple, dict] = {}  # (year, month) -> {group: [facts]}
            for fact in facts:
                key = (fact.dos_from.year, fact.dos_from.month)
                months.setdefault(key, {}).setdefault(fact.group, []).append(fact)
            who = ctx.member_label(member)
            for (year, month), by_group in months.items():
                if len(by_group) < 2:
                    continue
                for group, own in by_group.items():
                    others = [f for g, fs in by_group.items() if g != group for f in fs]
                    other = min(others, key=lambda f: f.dos_from)
                    what = groups_label(profile, (group,))
                    other_what = groups_label(profile, (other.group,))
                    for fact in own:
                        if fact.loc is None:
                            continue
                        yield ctx.fact_finding(
                            self, fact,
                            f"{fact.label} on {dos_text(fact)}: {what} and {other_what} are both "
                            f"billed for {who} in {year:04d}-{month:02d} ({other.label} on "
                            f"{dos_text(other)}, {where_text(other)}); a member gets one or "
                            f"the other")
