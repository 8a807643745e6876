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

The periods are counted in ``limit_periods.py``, the breaches worded in
``limit_messages.py``; this module holds the index and the rule base.
"""
from __future__ import annotations

from operator import attrgetter

from ..messages import dos_text
from ..model.facts import counting_key
from .base import Rule
from .limit_messages import join_reasons, reason
from .limit_periods import evaluate

SEVERITY_ORDER = ("error", "warning", "info")


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


def breaches(ctx, index: LimitIndex, tip: str):
    """Every breach of every limit of ``tip`` in the batch."""
    for limit in ctx.profile.limits_for(tip):
        for _member, facts in index.sequences(limit.groups):
            yield from evaluate(limit, facts)


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
