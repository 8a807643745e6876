"""ISA/GS/ST envelopes: control numbers, counts, truncation, and dispatch.

The tracker feeds the segments of each ST..SE to a handler chosen when the ST
arrives (an 837P or 278 builder, or none for transactions this tool does not
check). Problems are reported through ``report(code, message, segment, data=...)``,
``data`` holding the acknowledgment code a receiver would answer with (``ACK``): TA105
for the interchange (TA1), AK905 for the group and IK502 for the transaction set (999).

Control numbers must be unique in their scope: ISA13 in the file (X026), GS06 in the
interchange (X027), ST02 in the group (X028); the finding stands at the later one and
names the first. A part of a file (``-j``) cannot see the earlier parts: it hands the
control numbers whose first use may lie elsewhere to the merge (``deferred``, checked by
``duplicate_problem``), so a split run finds what a whole one does.
"""
from __future__ import annotations

import re
from typing import Callable
from ..findings import named_segment
from .values import to_int as _int

IMPLEMENTED = {
    ("837", "005010X222A1"): ("837P", None),
    ("837", "005010X222"): ("837P", "005010X222 (the base guide, not errata A1)"),
    ("837", "005010X222A2"): ("837P", "005010X222A2 (not the HIPAA-adopted A1)"),
    ("278", "005010X217"): ("278", None),
}


# The acknowledgment code of each envelope finding (Finding.data): TA1's TA105, the 999's
# AK905 (functional group) and IK502 (transaction set), per the 999's code lists
# (pyx12/map/999.5010X231.A1.xml, elements 716 and 618).
ACK = {
    "X020": {"ta105": "001"},  # interchange control numbers of header and trailer differ
    "X021": {"ta105": "021"},  # invalid number of included groups
    "X022": {"ak905": "4"},  # group control numbers of header and trailer differ
    "X023": {"ak905": "5"},  # number of included transaction sets does not match
    "X024": {"ik502": "3"},  # transaction set control numbers of header and trailer differ
    "X025": {"ik502": "4"},  # number of included segments does not match
    "X026": {"ta105": "025"},  # duplicate interchange control number
    "X027": {"ak905": "19"},  # group control number not unique within the interchange
    "X028": {"ik502": "23"},  # transaction set control number not unique within the group
    "X029": {"ak905": "6"},  # group control number violates syntax
}
MISSING_TRAILER = {"SE": {"ik502": "2"}, "GE": {"ak905": "3"}, "IEA": {"ta105": "023"}}
_CONTROL = {"X026": ("ISA13", 13, "interchange", "a file"),
            "X027": ("GS06", 6, "functional group", "an interchange"),
            "X028": ("ST02", 2, "transaction set", "a functional group")}


def ack(code: str) -> dict | None:
    """A fresh copy of ``code``'s acknowledgment codes (a finding's ``data``), or None."""
    found = ACK.get(code)
    return dict(found) if found is not None else None


class EnvelopeTracker:
    """Checks envelopes and routes transaction-set segments to a handler."""

    def __init__(self, report: Callable, open_transaction: Callable):
        self.report = report
        self.open_transaction = open_transaction  # (kind, version, st, gs) -> handler | None
        self.isa = self.gs = self.st = None
        self.gs_count = self.st_count = self.seg_count = 0
        self.handler = None
        self.last = None
        self.transactions = 0
        self._isa_version_checked = None  # the ISA whose ISA12 was checked (X107)
        # -j, a part of a file: the counts of the open GS and ISA start at 0 from the part,
        # not from the GS and ISA, until a new one opens; their checks wait in ``deferred``
        # as (code, segment, count from the part's start) for the merge (``count_problem``)
        self.sets_known = self.groups_known = True
        self.deferred: list = []
        # control numbers seen: ISA13 in the file, GS06 in the open ISA, ST02 in the open GS
        # (value -> the segment that used it first)
        self.isa_ids: dict = {}
        self.gs_ids: dict = {}
        self.st_ids: dict = {}
        self.in_part = False  # -j: duplicates whose first use may lie in another part wait

    # -- -j: one part of a big file ---------------------------------------------------
    def resume(self, isa, gs) -> None:
        """Take up a file between two transaction sets, inside ``isa`` and ``gs``; the
        groups and sets read in them before are not known here (see ``deferred``)."""
        self.isa, self.gs = isa, gs
        self.sets_known = self.groups_known = False
        self.in_part = True

    def handover(self) -> list:
        """A part's end (``-j``): its deferred checks, with the first use of each control
        number of the ISA and GS still open, which the next parts may repeat."""
        if self.isa is not None and self.groups_known:
            self.deferred.extend(("X027", seg, self.isa.index) for seg in self.gs_ids.values())
        if self.gs is not None and self.sets_known:
            self.deferred.extend(("X028", seg, self.gs.index) for seg in self.st_ids.values())
        self.gs_ids, self.st_ids = {}, {}
        return self.deferred

    @staticmethod
    def duplicate_problem(code: str, seg, first):
        """The message of X026-X028 for ``seg``, whose control number ``first`` used before."""
        name, i, what, scope = _CONTROL[code]
        value = seg.get(i).strip() if code == "X026" else seg.get(i)
        return (f"{name} {value!r} repeats the control number of the {what} at line"
                f" {first.line} (segment {first.index}); each {what} of {scope} needs its own")

    @staticmethod
    def control_value(code: str, seg) -> str:
        """The control number that ``code`` (X026-X028) compares, of ``seg``."""
        _, i, _, _ = _CONTROL[code]
        return seg.get(i).strip() if code == "X026" else seg.get(i)

    def _unique(self, code, seg, seen: dict, scope_index, known: bool) -> None:
        """X026-X028: report ``seg`` when its control number is in ``seen``, else keep it.
        In a part, a scope opened in an earlier part (``known`` False) is the merge's."""
        value = self.control_value(code, seg)
        if not value:
            return
        if not known:
            self.deferred.append((code, seg, scope_index))
            return
        first = seen.get(value)
        if first is None:
            seen[value] = seg
        else:
            self.report(code, self.duplicate_problem(code, seg, first), seg, data=ack(code))

    def state(self):
        """The open ISA and GS by segment index, or None while a transaction set is open:
        what a part must end with for the next part, which began with them."""
        if self.st is not None:
            return None
        return (self.isa.index if self.isa is not None else None,
                self.gs.index if self.gs is not None else None)

    def counts(self) -> tuple:
        """(sets in the open GS, known from its GS?, groups in the open ISA, known?)."""
        return self.st_count, self.sets_known, self.gs_count, self.groups_known

    @staticmethod
    def count_problem(code: str, seg, count: int):
        """The message of X021 (IEA01) or X023 (GE01) when ``seg`` declares another count
        than ``count``, else None."""
        if _int(seg.get(1)) == count:
            return None
        if code == "X023":
            return f"GE01 says {seg.get(1)!r} transaction sets; the group has {count}"
        return f"IEA01 says {seg.get(1)!r} functional groups; the interchange has {count}"

    def feed(self, seg) -> None:
        self.last = seg
        tag = seg.tag
        if self.st is not None and tag not in ("SE", "ST", "GS", "GE", "ISA", "IEA"):
            self.seg_count += 1
            if self.handler is not None:
                self.handler.segment(seg)
            return
        method = getattr(self, "_" + tag, None) if tag in _ENVELOPE else None
        if method is not None:
            method(seg)
        elif self.isa is None:
            self.report("X011", f"{named_segment(tag)} outside an interchange (no open ISA)", seg)
        else:
            self.report("X011", f"{named_segment(tag)} outside a transaction set (no open ST)", seg)

    def run(self, segments, after=None) -> None:
        """``feed`` every segment, with the transaction-set body inlined (the hot loop).

        Same effect as ``for seg in segments: feed(seg)``: a segment inside ST..SE is
        counted and handed to the handler; every other one goes through ``feed``.
        A handler with a ``route`` (segment id -> ``step(handler, seg)`` or None, read
        again before every segment) and an ``UNROUTED`` step for the ids it lacks is
        stepped here, one call a segment less than through ``handler.segment``.
        ``after`` maps segment ids to ``(guard, check)``, run once the segment was fed
        (the engine's segment rules): ``check(seg, handler)`` runs unless ``guard`` is
        given and ``guard(seg, handler)`` says the segment is clean. One call a valid
        segment: the guard is called here, not through a wrapper.
        """
        envelope = _ENVELOPE
        count = self.seg_count
        st_open = self.st is not None
        handler = self.handler
        segment, unrouted = _entry(handler)
        seg = None
        for seg in segments:
            tag = seg.tag
            if st_open and tag not in envelope:
                count += 1
                if unrouted is not None:
                    step = handler.route.get(tag, unrouted)
                    if step is not None:
                        step(handler, seg)
                elif segment is not None:
                    segment(seg)
            else:
                self.seg_count = count
                self.feed(seg)
                count = self.seg_count
                st_open = self.st is not None
                handler = self.handler
                segment, unrouted = _entry(handler)
            if after is not None:
                hook = after.get(tag)
                if hook is not None:
                    guard, check = hook
                    if guard is None or not guard(seg, handler):
                        check(seg, handler)
        self.seg_count = count
        if seg is not None:
            self.last = seg

    # -- interchange ---------------------------------------------------------
    def _ISA(self, seg):
        if self.isa is not None:
            self._close_gs(seg)
            self.report("X030", "interchange ends without IEA before the next ISA", seg,
                        data=dict(MISSING_TRAILER["IEA"]))
        self.isa, self.gs_count, self.groups_known = seg, 0, True
        self.gs_ids = {}
        self._unique("X026", seg, self.isa_ids, 0, not self.in_part)

    def _IEA(self, seg):
        if self.isa is None:
            self.report("X011", "IEA without an open ISA", seg)
            return
        self._close_gs(seg)
        if seg.get(2) != self.isa.get(13).strip() and seg.get(2).strip() != self.isa.get(13).strip():
            self.report("X020", f"IEA02 {seg.get(2)!r} does not match ISA13 {self.isa.get(13)!r}", seg,
                        data=ack("X020"))
        self._count_check("X021", seg, self.gs_count, self.groups_known)
        self.isa = None

    # -- functional group ----------------------------------------------------
    def _GS(self, seg):
        if self.isa is None:
            self.report("X011", "GS segment outside an interchange (no open ISA)", seg)
        self._close_gs(seg)
        self.gs, self.st_count, self.sets_known = seg, 0, True
        self.gs_count += 1
        self.st_ids = {}
        gs06 = seg.get(6)
        if not (gs06.isdigit() and len(gs06) <= 9):
            why = "is empty" if not gs06 else "is not 1 to 9 digits"
            self.report("X029", f"GS06 group control number {gs06[:20]!r} {why} (an unsigned"
                        " number of at most 9 digits)", seg, data=ack("X029"))
        if self.isa is not None:
            self._unique("X027", seg, self.gs_ids, self.isa.index, self.groups_known)

    def _GE(self, seg):
        if self.gs is None:
            self.report("X011", "GE without an open GS", seg)
            return
        self._close_st(seg)
        if seg.get(2) != self.gs.get(6):
            self.report("X022", f"GE02 {seg.get(2)!r} does not match GS06 {self.gs.get(6)!r}", seg,
                        data=ack("X022"))
        self._count_check("X023", seg, self.st_count, self.sets_known)
        self.gs = None

    def _count_check(self, code, seg, count, known):
        if not known:  # counted from a part's start: the merge adds what came before
            self.deferred.append((code, seg, count))
            return
        message = self.count_problem(code, seg, count)
        if message:
            self.report(code, message, seg, data=ack(code))

    def _close_gs(self, seg):
        if self.gs is not None:
            self._close_st(seg)
            self.report("X030", f"functional group {self.gs.get(6)!r} ends without GE", seg,
                        data=dict(MISSING_TRAILER["GE"]))
            self.gs = None

    # -- transaction set -----------------------------------------------------
    def _ST(self, seg):
        if self.gs is None:
            self.report("X011", "ST segment outside a functional group (no open GS)", seg,
                        data={"ik502": "18"})  # transaction set not in a functional group
        self._close_st(seg)
        self.st, self.seg_count = seg, 1
        self.st_count += 1
        if self.gs is not None:
            self._unique("X028", seg, self.st_ids, self.gs.index, self.sets_known)
        self.transactions += 1
        st01, st03 = seg.get(1), seg.get(3)
        gs08 = self.gs.get(8) if self.gs is not None else ""
        version = st03 or gs08
        if st03 and gs08 and st03 != gs08:
            self.report("X042", f"ST03 {st03!r} differs from GS08 {gs08!r}; read as {_code(st03)}",
                        seg)
        kind, note = IMPLEMENTED.get((st01, version), (None, None))
        if kind is None:
            shown = f"{_code(st01) or '?'} {_code(version) or '(no version)'}"
            self.report("X040", f"transaction set {shown} is not an 837P or 278 5010 transaction;"
                        " not checked", seg)
            self.handler = None
            return
        if kind == "278" and not st03:  # ST03 is required in 005010X217 (the 837P's: --ig)
            self.report("S205", f"ST03 (implementation convention reference) is missing: a 278"
                        f" needs 005010X217 (read from GS08 {_code(gs08) or '(empty)'!s})", seg,
                        data={"ik304": "8", "ik403": "1", "element": "ST03",
                              "element_position": 3, "data_element": "1705"})
        if note:
            self.report("X041", f"837 version {note}: read as 837P 005010X222A1", seg)
        isa = self.isa
        if isa is not None and isa is not self._isa_version_checked:
            self._isa_version_checked = isa
            if isa.get(12) != "00501":
                self.report("X107", f"ISA12 is {isa.get(12)[:10]!r}, not 00501, in an interchange"
                            f" holding {kind} 005010 transaction sets", isa)
        self.handler = self.open_transaction(kind, version, seg, self.gs)

    def _SE(self, seg):
        if self.st is None:
            self.report("X011", "SE without an open ST", seg)
            return
        self.seg_count += 1
        if _int(seg.get(1)) != self.seg_count:
            self.report("X025", f"SE01 says {seg.get(1)!r} segments; the transaction set has"
                        f" {self.seg_count}", seg, data=ack("X025"))
        if seg.get(2) != self.st.get(2):
            self.report("X024", f"SE02 {seg.get(2)!r} does not match ST02 {self.st.get(2)!r}", seg,
                        data=ack("X024"))
        self._end_handler(seg, complete=True)
        self.st = None

    def _close_st(self, seg):
        if self.st is not None:
            self.report("X030", f"transaction set {self.st.get(2)!r} ends without SE", seg,
                        data=dict(MISSING_TRAILER["SE"]))
            self._end_handler(seg, complete=False)
            self.st = None

    def _end_handler(self, seg, complete):
        if self.handler is not None:
            self.handler.finish(seg, complete)
            self.handler = None

    def finish(self) -> None:
        """At end of file: whatever is still open was truncated."""
        seg = self.last
        if seg is None:
            return
        missing = [name for name, open_ in (("SE", self.st), ("GE", self.gs), ("IEA", self.isa))
                   if open_ is not None]
        if missing:
            data = {}
            for name in missing:
                data.update(MISSING_TRAILER[name])
            self.report("X030", f"file ends without {', '.join(missing)}: truncated?", seg,
                        data=data)
        if self.st is not None:
            self._end_handler(seg, complete=False)
        self.isa = self.gs = self.st = None


_ENVELOPE = frozenset(("ISA", "IEA", "GS", "GE", "ST", "SE"))
_CODE = re.compile(r"[A-Za-z0-9]{0,15}")


def _code(value: str) -> str:
    """A code (ST01, a version) as a message shows it unquoted: its leading letters and
    digits, '...' for the rest (a segment that lost its terminator runs on into others)."""
    shown = _CODE.match(value).group()
    return shown if len(shown) == len(value) else shown + "..."


def _entry(handler):
    """(``handler.segment``, None) or, for a handler with a route, (None, its
    ``UNROUTED`` step); (None, None) without a handler."""
    if handler is None:
        return None, None
    unrouted = getattr(handler, "UNROUTED", None)
    return (None, unrouted) if unrouted is not None else (handler.segment, None)
