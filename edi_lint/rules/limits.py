"""The one frequency-limit mechanism: (member, group, date) facts counted against profile limits.

Every ``[[limits]]`` table of the payer profile is read here and nowhere else
(billing-rules.md §1 "Batch", §9 "History first, then the batch" and "Counting").

Counting order: the ledger's history first (whatever its dates; never reported),
then the batch's counted lines (``LineFact.counts``) in DOS order, ties by file
then segment order (``Batch.counted_lines``). A batch line is flagged when,
counted with the history and the batch lines before it, it breaks the limit in
any period that contains it. Flagged lines still count for later lines.

Periods (``Limit.period``):

- ``month``: the service month (month of the from-date) takes the whole line.
- ``lifetime``: one total per member.
- ``day``: a span's measure is spread evenly over its days; every day of the line
  is checked.
- ``window``: any ``days`` consecutive days that hold the line's from-date. A line is
  indivisible (spec §9 "Counting": ECM-04 and CS-07 count lines, boxes for CS-07; only
  the per-day caps spread a span): it counts whole on its from-date, 1 in ``lines``
  (ECM-04), its units in ``units`` (CS-07 boxes).
- ``run``: a continuous run of billed days (next DOS at most the previous end + 1)
  lasts at most ``days`` days.
- ``stay``: no DOS later than the member's first DOS + ``days`` - 1.

Measures (``Limit.measure``): ``lines`` (1 per line), ``units`` (SV104),
``days`` (days of service), ``amount`` (SV102, in cents).

Facts are grouped by (group, member) once per batch (:func:`limit_index`) and
each member's sequence is walked once per limit: dicts for months and days,
sorted day lists with ``bisect`` for windows and runs.
"""
from __future__ import annotations

from bisect import bisect_left, bisect_right, insort
from calendar import monthrange
from datetime import date
from operator import attrgetter

from ..messages import dos_text, money, ordinal, span
from ..model.facts import counting_key
from .base import Rule

EPS = 1e-9
SEVERITY_ORDER = ("error", "warning", "info")
MAX_SPREAD_DAYS = 3660  # a span longer than this (a typo) is spread over its first days only


# --------------------------------------------------------------------------- the index


class LimitIndex:
    """Counted facts of a batch grouped by (group, member), in counting order.

    ``counted[group][member]`` is a plain list of facts in counting order (history
    first, then batch lines in DOS order), built once and shared by every limit rule.
    ``batch_lines(groups)`` lists the batch lines of the groups that are not void
    (superseded ones included), in DOS order, for per-line checks of a batch rule.
    """

    def __init__(self, batch):
        self.size = (len(batch.lines), len(batch.history))
        self.shard = getattr(batch, "shard", None)  # (k, n): members whose hash % n is k (-j)
        self._batch = batch
        self._counted = batch.counted_lines(copy=False)  # the batch's cached list: no copy
        counted: dict[str, dict[object, list]] = {}
        k, n = self.shard or (0, 1)
        for fact in self._counted:
            group = fact.group
            if group is None or fact.dos_from is None:
                continue
            member = fact.member
            if n > 1 and hash(member) % n != k:
                continue
            by_member = counted.get(group)
            if by_member is None:
                by_member = counted[group] = {}
            facts = by_member.get(member)
            if facts is None:
                by_member[member] = [fact]
            else:
                facts.append(fact)
        self.counted = counted

    def sequences(self, groups):
        """(member, [facts in counting order]) for every member with a fact in ``groups``.

        One group: the index's own lists (shared by every rule; callers only read them).
        Several: one pass over the counted lines, members in the order of the groups.
        """
        groups = tuple(dict.fromkeys(groups))
        if len(groups) == 1:
            yield from self.counted.get(groups[0], {}).items()
            return
        merged: dict[object, list] = {}
        for group in groups:  # members in the order the per-group walk would meet them
            for member in self.counted.get(group, ()):
                if member not in merged:
                    merged[member] = []
        if not merged:
            return
        wanted = frozenset(g for g in groups if g in self.counted)
        for fact in self._counted:
            group = fact.group
            if group in wanted and fact.dos_from is not None:
                facts = merged.get(fact.member)
                if facts is not None:  # None: another shard's member
                    facts.append(fact)
        yield from merged.items()

    def batch_lines(self, groups):
        """Batch lines (not void) of ``groups``, in DOS order (built on demand, not kept)."""
        wanted = set(groups)
        out = [f for f in self._batch.lines
               if f.group in wanted and f.status != "void" and f.dos_from is not None]
        if self.shard is not None:
            k, n = self.shard
            out = [f for f in out if hash(f.member) % n == k]
        if getattr(self._batch, "in_order", False):  # in batch order: a stable sort by DOS
            out.sort(key=_DOS)
            return out
        try:  # the order of _sort_key, one int per line
            out.sort(key=counting_key)
        except ValueError:
            out.sort(key=_sort_key)
        return out


_DOS = attrgetter("dos_from")


def _sort_key(fact):
    return (fact.dos_from, fact.order)


def limit_index(batch) -> LimitIndex:
    """The batch's index, built once and shared by every batch rule of the run."""
    index = getattr(batch, "_limit_index", None)
    if index is None or index.size != (len(batch.lines), len(batch.history)) \
            or index.shard != getattr(batch, "shard", None):
        index = LimitIndex(batch)
        batch._limit_index = index
    return index


# --------------------------------------------------------------------------- breaches


class Breach:
    """One batch line exceeding one limit in one period.

    ``total`` is the measure in the period (run/stay: its length in days); ``start``
    and ``end`` bound the period; ``ref`` is another line of the period (the
    earliest by DOS), or None when the line exceeds the limit on its own.
    """

    __slots__ = ("limit", "fact", "total", "start", "end", "ref")

    def __init__(self, limit, fact, total, start=None, end=None, ref=None):
        self.limit = limit
        self.fact = fact
        self.total = total
        self.start = start
        self.end = end
        self.ref = ref


def _span(fact):
    """(first, last) day ordinals of a fact; a reversed or missing end is one day."""
    t = fact.dos_from.toordinal()
    to = fact.dos_to
    u = to.toordinal() if to is not None else t
    return (t, u) if u >= t else (t, t)


def _value(limit, fact) -> float:
    measure = limit.measure
    if measure == "lines":
        return 1.0
    if measure == "units":
        return float(fact.units or 0)
    if measure == "days":
        t, u = _span(fact)
        return float(u - t + 1)
    return float(fact.charge_cents or 0)  # amount


def _reportable(limit, fact) -> bool:
    return fact.loc is not None and limit.effective_from <= fact.dos_from <= limit.effective_to


def _earlier(a, b):
    """The earlier of two facts by DOS (a wins ties: it was counted first)."""
    if a is None:
        return b
    if b is None:
        return a
    return b if b.dos_from < a.dos_from else a


def _month(limit, facts):
    totals: dict[tuple, list] = {}
    cap = limit.max + EPS
    for f in facts:
        d = f.dos_from
        key = (d.year, d.month)
        slot = totals.get(key)
        if slot is None:
            slot = totals[key] = [0.0, None]
        slot[0] += _value(limit, f)
        ref = slot[1]
        slot[1] = _earlier(slot[1], f)
        if slot[0] > cap and _reportable(limit, f):
            start = date(d.year, d.month, 1)
            end = date(d.year, d.month, monthrange(d.year, d.month)[1])
            yield Breach(limit, f, slot[0], start, end, ref)


def _lifetime(limit, facts):
    total, first = 0.0, None
    cap = limit.max + EPS
    for f in facts:
        total += _value(limit, f)
        ref = first
        first = _earlier(first, f)
        if total > cap and _reportable(limit, f):
            yield Breach(limit, f, total, ref=ref)


def _day(limit, facts):
    per_day: dict[int, list] = {}  # ordinal -> [total, earliest-counted fact of the day]
    cap = limit.max + EPS
    for f in facts:
        t, u = _span(f)
        v = _value(limit, f) / (u - t + 1)
        worst_day, worst = None, None
        for d in range(t, min(u, t + MAX_SPREAD_DAYS - 1) + 1):
            slot = per_day.get(d)
            if slot is None:
                slot = per_day[d] = [0.0, f]
            slot[0] += v
            if worst is None or slot[0] > worst[0] + EPS:
                worst_day, worst = d, slot
        if worst is not None and worst[0] > cap and _reportable(limit, f):
            day = date.fromordinal(worst_day)
            yield Breach(limit, f, worst[0], day, day, worst[1] if worst[1] is not f else None)


def _window(limit, facts):
    n_days = limit.days
    days: list[int] = []  # sorted ordinals with a measure
    vals: dict[int, float] = {}
    firsts: dict[int, list] = {}  # ordinal -> facts on that day, counting order
    cap = limit.max + EPS
    for f in facts:
        t = _span(f)[0]  # a line counts whole, on its from-date
        v = _value(limit, f)
        if t in vals:
            vals[t] += v
            firsts[t].append(f)
        else:
            insort(days, t)
            vals[t] = v
            firsts[t] = [f]
        if not _reportable(limit, f):
            continue
        a = t - n_days + 1  # window starts from a to t hold the line
        local = days[bisect_left(days, a):bisect_right(days, t + n_days - 1)]
        prefix = [0.0]
        for d in local:
            prefix.append(prefix[-1] + vals[d])
        best_start, best = None, None
        for s in [a] + [d - n_days + 1 for d in local if a < d - n_days + 1 <= t]:
            total = prefix[bisect_right(local, s + n_days - 1)] - prefix[bisect_left(local, s)]
            if best is None or total > best + EPS:
                best_start, best = s, total
        if best > cap:
            ref = None
            for d in local[bisect_left(local, best_start):bisect_right(local, best_start + n_days - 1)]:
                others = [g for g in firsts[d] if g is not f]
                if others:
                    ref = others[0]
                    break
            yield Breach(limit, f, best, date.fromordinal(best_start),
                         date.fromordinal(best_start + n_days - 1), ref)


def _run(limit, facts):
    starts: list[int] = []
    ends: list[int] = []
    firsts: list = []
    for f in facts:
        t, u = _span(f)
        i = bisect_right(starts, u + 1)  # runs starting at most one day after the line
        j = i
        while j > 0 and ends[j - 1] >= t - 1:  # ... and ending at most one day before it
            j -= 1
        start, end, first = t, u, None
        if j < i:
            start, end = min(t, starts[j]), max(u, ends[i - 1])
            for g in firsts[j:i]:
                first = _earlier(first, g)
        starts[j:i], ends[j:i] = [start], [end]
        firsts[j:i] = [_earlier(first, f)]
        length = end - start + 1
        if length > limit.days and _reportable(limit, f):
            yield Breach(limit, f, length, date.fromordinal(start), date.fromordinal(end), first)


def _stay(limit, facts):
    """Every counted day of the member must fit in one stay of ``days`` days.

    The stay runs from the earliest counted day to the latest; a line breaks it when,
    counted with the history and the batch lines before it, that span exceeds the
    limit (a history day dated after the line counts too: spec §9, history first).
    """
    first = latest = None
    last_end = None
    for f in facts:
        t, u = _span(f)
        first = _earlier(first, f)
        if last_end is None or u > last_end:
            last_end, latest = u, f
        start = first.dos_from.toordinal()
        length = last_end - start + 1
        if length > limit.days and _reportable(limit, f):
            ref = first if first is not f else (latest if latest is not f else None)
            yield Breach(limit, f, length, first.dos_from, date.fromordinal(last_end), ref)


PERIODS = {"month": _month, "lifetime": _lifetime, "day": _day, "window": _window,
           "run": _run, "stay": _stay}


def evaluate(limit, facts):
    """Breaches of ``limit`` by one member's facts (given in counting order)."""
    return PERIODS[limit.period](limit, facts)


def breaches(ctx, index: LimitIndex, tip: str):
    """Every breach of every limit of ``tip`` in the batch."""
    for limit in ctx.profile.limits_for(tip):
        for _member, facts in index.sequences(limit.groups):
            yield from evaluate(limit, facts)


# --------------------------------------------------------------------------- messages


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


# --------------------------------------------------------------------------- rule base


class LimitRule(Rule):
    """Base of the batch rules that read the profile's ``[[limits]]`` of their tip.

    Subclasses may add per-line checks (``check_line``) on the batch lines of the
    tip's groups; a line's limit breaches and line problems of one severity make
    one finding at its SV1, whose message gives every reason.
    """

    scope = "batch"
    by_member = True  # reads the batch through ``limit_index`` only, member by member
    extra_groups: tuple[str, ...] = ()  # groups checked by check_line besides the limits'

    def limit_groups(self, ctx) -> tuple[str, ...]:
        groups: list[str] = []
        for tip in self.tips:
            for limit in ctx.profile.limits_for(tip):
                groups.extend(limit.groups)
        groups.extend(self.extra_groups)
        return tuple(dict.fromkeys(groups))

    def check_line(self, fact, ctx):
        """Per-line problems: yield (severity, reason); reasons are verb phrases."""
        return ()

    def check_batch(self, batch, ctx):
        index = limit_index(batch)
        notes: dict[int, tuple] = {}  # id(fact) -> (fact, {severity: [reasons]})

        def note(fact, severity, text):
            entry = notes.get(id(fact))
            if entry is None:
                entry = notes[id(fact)] = (fact, {})
            entry[1].setdefault(severity, []).append(text)

        if type(self).check_line is not LimitRule.check_line:
            for fact in index.batch_lines(self.limit_groups(ctx)):
                for severity, text in self.check_line(fact, ctx):
                    note(fact, severity, text)
        for tip in self.tips:
            for b in breaches(ctx, index, tip):
                note(b.fact, b.limit.severity, reason(b, ctx))
        for fact, by_severity in notes.values():
            for severity in SEVERITY_ORDER:
                reasons = by_severity.get(severity)
                if reasons:
                    message = f"{fact.label} on {dos_text(fact)} {join_reasons(reasons)}"
                    yield ctx.fact_finding(self, fact, message, severity=severity)
