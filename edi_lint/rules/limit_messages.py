"""The words of a limit breach: what the line does wrong, with the numbers."""
from __future__ import annotations

from ..messages import dos_text, money, ordinal, span
from .limit_periods import EPS, Breach


# what an ordinal counts: lines in counting order (history, then the batch by DOS), which is
# not the order of the report (by path and position), so a "3rd" may print after a "4th"
COUNTED = "by date of service"


def number(x: float) -> str:
    """12 -> '12', 2.3333 -> '2.33'."""
    if abs(x - round(x)) < 1e-6:
        return str(int(round(x)))
    return f"{x:.2f}"


def where_text(fact) -> str:
    """'claim C200', or 'claim C200 in the ledger' for history."""
    claim = f"claim {fact.claim_id}" if fact.claim_id else "a claim"
    return f"{claim} in the ledger" if fact.loc is None else claim


def ref_text(ref, word="first") -> str:
    return f"{word} on {dos_text(ref)}, {where_text(ref)}" if ref is not None else ""


def groups_label(profile, groups) -> str:
    labels = [profile.groups[g].label if g in profile.groups else g for g in groups]
    return " / ".join(dict.fromkeys(labels))


def amount_text(limit, x) -> str:
    measure = limit.measure
    if measure == "amount":
        return money(x)
    if measure == "days":
        return f"{number(x)} days"
    if measure == "units":
        return f"{number(x)} unit" + ("" if abs(x - 1) < EPS else "s")
    return f"{number(x)} line" + ("" if abs(x - 1) < EPS else "s")


def limit_text(limit) -> str:
    return money(limit.max) if limit.measure == "amount" else number(limit.max)


def reason(b: Breach, ctx) -> str:
    """What the line does wrong, as a verb phrase: 'is, by date of service, the 2nd ECM
    monthly service ...'."""
    limit, f = b.limit, b.fact
    what = groups_label(ctx.profile, limit.groups)
    who = ctx.member_label(f.member)
    period = limit.period
    lim = limit_text(limit)
    counted_lines = limit.measure == "lines" and abs(b.total - round(b.total)) < 1e-6
    nth = f"is, {COUNTED}, the {ordinal(round(b.total))} {what} service for {who}"

    def tail(extra=""):
        parts = [f"limit {lim}{extra}"]
        ref = ref_text(b.ref)
        if ref:
            parts.append(ref)
        return "(" + "; ".join(parts) + ")"

    if period == "month":
        scope = f"in {b.start.year:04d}-{b.start.month:02d}"
        if counted_lines:
            return f"{nth} {scope} {tail()}"
        return f"brings {what} to {amount_text(limit, b.total)} for {who} {scope} {tail()}"
    if period == "lifetime":
        if counted_lines:
            return f"{nth} {tail(' per lifetime')}"
        return f"brings {what} to {amount_text(limit, b.total)} for {who} in total {tail()}"
    if period == "day":
        spread = "; a span's units are spread evenly over its days" if f.dos_to != f.dos_from else ""
        others = f"; also {dos_text(b.ref)}, {where_text(b.ref)}" if b.ref is not None else ""
        return (f"brings {what} to {amount_text(limit, b.total)} for {who} on "
                f"{b.start.isoformat()} (limit {lim} per day{spread}{others})")
    if period == "window":
        scope = f"in the {limit.days} days {span(b.start, b.end)}"
        if counted_lines:
            return f"{nth} {scope} {tail()}"
        return f"brings {what} to {amount_text(limit, b.total)} for {who} {scope} {tail()}"
    if period == "run":
        began = (f"; the run began on {b.ref.dos_from.isoformat()}, {where_text(b.ref)}"
                 if b.ref is not None else "")
        return (f"makes a continuous {what} run of {number(b.total)} days for {who}, "
                f"{span(b.start, b.end)} (limit {limit.days} days{began})")
    # stay
    other = ""
    if b.ref is not None:
        other = "; " + ref_text(b.ref, "first" if b.ref.dos_from == b.start else "latest")
    return (f"falls outside the one {what} stay of {limit.days} days for {who}: counted with it,"
            f" the days of service run {span(b.start, b.end)}"
            f" ({number(b.total)} days; limit {limit.days} days{other})")


def join_reasons(reasons) -> str:
    reasons = list(dict.fromkeys(reasons))
    if len(reasons) <= 1:
        return "".join(reasons)
    return ", ".join(reasons[:-1]) + " and " + reasons[-1]
