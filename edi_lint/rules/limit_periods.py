"""Count one member's facts against one limit, period by period, yielding each breach."""
from __future__ import annotations

from bisect import bisect_left, bisect_right, insort
from calendar import monthrange
from datetime import date

EPS = 1e-9
MAX_SPREAD_DAYS = 3660  # a span longer than this (a typo) is spread over its first days only


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
