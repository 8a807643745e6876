"""The fast 837P implementation-guide pass (SNIP 2), on by default: pyx12's map, walked here.

``Ig837`` sees each segment of an 837P transaction set (ST..SE) once, as edi-lint's reader
yields it, and reports what pyx12 would: a segment the map has no place for at this point
(out of order, in the wrong loop, unknown), a segment or loop marked not used, a required
segment or loop missing (per instance of its parent loop), a segment past its max use, a
loop past its repeat, and, in each segment, element usage, data type, length, codes
(with the external code lists pyx12 ships), composites and the map's syntax rules
(P, R, C, E, L). The tables come from ``igmap.py``; the map's nodes and the walk are in
``igwalk.py``, the counts in ``igcounts.py``, the element checks in ``igelements.py`` and
their fast path in ``igfast.py``.

The walk is a port of pyx12's ``map_walker.walk_tree`` over those tables, so positions
and error codes agree with pyx12 (``tests/test_igcheck.py`` holds it to that; the cases
where pyx12 is wrong are listed in docs/ig.md). Its structural part depends only on the
map node the previous segment matched and on the segment's id and qualifier, so each
(node, segment key) is walked once and replayed as a short trace of count checks.
The element checks run only on a segment that its map node's fast plan (``igfast.py``:
it passes only values the checks find clean) does not pass, and not again on a text
already found clean. That per-segment step is C when the install built ``_igstep.c``
(``Ig837``'s base, ``Walker``), else ``PyIg837.segment`` (the plans as regexes); both call
back here for anything rarer.

Every finding's ``data`` carries the 999 codes: ``ik304`` (segment) and, for element
problems, ``ik403`` with ``element`` (``SV101-2``), ``element_position``,
``component_position`` and ``data_element``.
"""
from __future__ import annotations

from .findings import shown_id
from .igcounts import WalkCounts
from .igelements import OK_LIMIT, ElementChecks
from .igfast import STEP_FORMAT, FastPatterns, post_ok
from .igwalk import KEY_POSITIONS, IgMap, get_map, get_value, walk_trace

_TRACE_LIMIT = 4096  # walk traces kept per (node, segment id): bounded memory
_UNBUILT = object()


def c_step(module):
    """The C step's ``Walker`` of a built ``_igstep`` module, or None when the module reads
    another layout of traces and plans (left from older sources: an editable checkout,
    pulled since) or is missing."""
    if module is None or getattr(module, "FORMAT", None) != STEP_FORMAT:
        return None
    return module.Walker


try:  # the per-segment step in C, when the install could build it (setup.py)
    from . import _igstep
except ImportError:
    _igstep = None
_CStep = c_step(_igstep)


class _Checks(ElementChecks, FastPatterns, WalkCounts):
    """What both steps share: the state, the walk's traces, the plans and the checks.

    ``report(code, message, seg, loop, claim_id, data)`` receives each problem.
    Feed every segment of a transaction set, ST to SE, to ``segment``; ``start`` resets
    the state at each ST (so a part of a file, cut at transaction sets, is checked alone).
    """

    def __init__(self, report, igmap: IgMap | None = None, show_phi=False,
                 allowed=frozenset()):
        self.map = igmap or get_map()
        self.report = report
        self.show_phi = show_phi
        # (loop id, element) the guide marks not used that the payer profile allows
        self.allowed = allowed
        self.node = None
        self.frames = {}  # loop -> {x12 path of a child: count}
        self.keys = KEY_POSITIONS  # segment id -> where its qualifier is read
        self.seps = None
        self.fast: dict = {}  # node -> its regex for ``seps`` (the Python step)
        self.plans = {}  # node -> its plan for ``seps`` (the C step)
        self.claim = None

    def start(self, elsep="*", sep=":") -> None:
        """A new transaction set: the walk starts again after GS, with fresh counts."""
        if (elsep, sep) != self.seps:  # another interchange's delimiters
            self.seps = (elsep, sep)
            self.fast = {}
            self.plans = {}
        gs = self.map.gs
        self.node = gs
        gs_loop = gs.parent
        self.frames = {gs_loop: {gs.path: 1}, gs_loop.parent: {gs_loop.path: 1}}
        self.claim = None

    def _trace(self, node, tag, elements, sep):
        """The walk from ``node`` for this segment. It depends on the segment id and its
        qualifier only: each node keeps the traces of the walks from it (id -> trace, or
        id -> {qualifier: trace}), shared by every file of the process."""
        where = KEY_POSITIONS.get(tag)
        if where is None:
            trace = node.traces.get(tag)
            if trace is None:
                trace = node.traces[tag] = walk_trace(node, tag, elements, sep)
            return trace
        if where.__class__ is int:  # the usual qualifier: a simple element
            value = elements[where] if where < len(elements) else None
            if value is not None and sep in value:
                value = value.rstrip(sep)
        else:
            value = tuple(get_value(elements, e, c, sep) for e, c in where)
        by_value = node.traces.get(tag)
        if by_value is None:
            by_value = node.traces[tag] = {}
        trace = by_value.get(value)
        if trace is None:
            if len(by_value) > _TRACE_LIMIT:
                by_value.clear()
            trace = by_value[value] = walk_trace(node, tag, elements, sep)
        return trace

    def _plan_for(self, found):
        """``found``'s plan for the open delimiters (built once a process)."""
        plan = found.plans.get(self.seps, _UNBUILT)
        if plan is _UNBUILT:
            plan = found.plans[self.seps] = self._fast_plan(found, *self.seps)
        return plan

    def _slow(self, found, seg, elements, sep) -> None:
        """The element checks of a segment the fast path did not pass."""
        text = seg.text
        clean = found.clean
        if text not in clean and self._elements(found, seg, elements, sep) and (
                len(clean) < OK_LIMIT):
            clean.add(text)

    def _empty(self, seg, elements, elsep):
        tag = shown_id(seg.tag)
        if not any(elements[1:]):
            self.report("I108", f"{tag} holds no data", seg, None, self.claim, {"ik304": "8"})
        if len(elements) > 1 and seg.text.endswith(elsep):
            self.report("I107", f"{tag} ends with an element separator: trailing empty elements"
                        " must be left out", seg, None, self.claim, {})


class PyIg837(_Checks):
    """The pass with its per-segment step in Python (``Ig837`` is this one or, when the
    install built it, the same step in C: ``_igstep.c``)."""

    def segment(self, seg, sep: str, elsep: str = "*") -> None:
        """Check one segment of the open 837P transaction set (component separator ``sep``,
        element separator ``elsep``). ``start`` comes first, at its ST."""
        tag = seg.tag
        elements = seg.elements
        if elements[-1] == "":  # pyx12's reader: trailing separators, an empty segment
            self._empty(seg, elements, elsep)
        node = self.node
        if node is None:  # after SE: the caller stops feeding; nothing to walk from
            return
        where = KEY_POSITIONS.get(tag)  # the usual cases of ``_trace``, inline
        if where is None:
            trace = node.traces.get(tag)
        elif where.__class__ is int and where < len(elements) and sep not in elements[where]:
            trace = node.traces.get(tag)
            if trace is not None:
                trace = trace.get(elements[where])
        else:
            trace = None
        if trace is None:
            trace = self._trace(node, tag, elements, sep)
        found, parent, path, limit, ops = trace
        if parent is not None:  # the usual step: the next segment of the same loop
            frames = self.frames
            frame = frames.get(parent)
            if frame is None:
                frame = frames[parent] = {}
            n = frame[path] = frame.get(path, 0) + 1
            if n > limit:
                self._segment_problem(("2", found, None) if found.usage == "N"
                                      else ("5", found, n), seg)
        else:
            self._replay(ops, seg)
            if found is None:
                return
            if tag == "HL":
                self.claim = None
        self.node = found
        if tag == "CLM":
            self.claim = elements[1] if len(elements) > 1 else None
        elif tag == "SE":
            self.node = None
        fast = self.fast.get(found, _UNBUILT)
        if fast is _UNBUILT:
            key = (elsep, sep)
            fast = found.fast.get(key, _UNBUILT)
            if fast is _UNBUILT:
                fast = found.fast[key] = self._fast_pattern(found, elsep, sep)
            self.fast[found] = fast
        if fast is not None and fast[0](seg.text) is not None and (
                fast[2] is None or fast[2](elements)) and (
                not fast[1] or post_ok(elements, fast[1], sep)):
            return
        self._slow(found, seg, elements, sep)


if _CStep is not None:
    class Ig837(_CStep, _Checks):
        """Check the 837P transaction sets of one stream against pyx12's map, one
        segment at a time (``segment(seg, sep, elsep)``: PyIg837's, in C)."""
else:
    Ig837 = PyIg837  # type: ignore[misc]


# --------------------------------------------------------------------------- the stream

def preload_map() -> None:
    """Load the 837P map now (before ``-j`` forks its workers, which then share it); a map
    that cannot be loaded is reported later, where the pass meets its first 837P set."""
    try:
        get_map()
    except Exception:  # noqa: BLE001 - IgFeed reports it (I100) with its position
        pass


_WATCHED = frozenset(("ST", "SE", "GS", "GE", "ISA", "IEA"))


class IgFeed:
    """Watch the segments a reader yields; hand those of 837P transaction sets to ``Ig837``.

    ``report(code, message, seg, loop, claim_id, data)``. ``gs`` is the open GS when a
    part of a file is taken up inside a group (``-j``). Without pyx12's map the pass is
    skipped with one I100 warning at the first 837P transaction set of the stream.
    """

    def __init__(self, report, reader, show_phi=False, gs=None, allowed=frozenset()):
        from .x12.envelope import IMPLEMENTED
        self.implemented = IMPLEMENTED
        self.report = report
        self.reader = reader
        self.show_phi = show_phi
        self.gs = gs
        self.check = None
        self.allowed = allowed
        self.unavailable = False

    def watch(self, segments):
        """Yield ``segments`` unchanged, checking those of 837P transaction sets."""
        active = None  # the open 837P transaction set's checker, or None
        sep, elsep = ":", "*"
        watched = _WATCHED
        for seg in segments:
            tag = seg.tag
            if tag in watched:
                if active is not None and tag != "ST":
                    if tag == "SE":
                        active.segment(seg, sep, elsep)
                    active = None  # SE, or an unclosed set: GS/GE/ISA/IEA are not its own
                if tag == "ST":
                    active = self._open(seg)
                    if active is not None:
                        sep = self.reader.delimiters.component
                        elsep = self.reader.delimiters.element
                        active.start(elsep, sep)
                elif tag == "GS":
                    self.gs = seg
                elif tag in ("GE", "ISA"):
                    self.gs = None
            if active is not None:
                active.segment(seg, sep, elsep)
            yield seg

    def _open(self, st):
        version = st.get(3) or (self.gs.get(8) if self.gs is not None else "")
        kind, _ = self.implemented.get((st.get(1), version), (None, None))
        if kind != "837P" or self.reader.delimiters is None:
            return None
        if self.check is None and not self.unavailable:
            try:
                self.check = Ig837(self.report, show_phi=self.show_phi, allowed=self.allowed)
            except Exception as exc:  # no pyx12, an unreadable map: warn once, go on
                self.unavailable = True
                self.report("I100", f"the implementation-guide pass did not run: {exc}", st,
                            None, None, None)
        return self.check


# The older default checks that cover part of this pass's ground (rules/snip.py, the 837P
# builder): where one of them reports a segment, this pass's finding of the same kind
# there is dropped, so a problem is reported once.
TWINS = {"X101": ("I110", "I125"), "X102": ("I116",), "X103": ("I114", "I115"),
         "X104": ("I101",), "X105": ("I104",)}
_TWIN_OF = {code: old for old, codes in TWINS.items() for code in codes}


def drop_twins(findings):
    """``findings`` less the I1xx ones whose segment an older check reported the same way."""
    seen = {(f.path, f.segment_index, f.rule) for f in findings if f.rule in TWINS}
    if not seen:
        return findings
    return [f for f in findings
            if f.rule not in _TWIN_OF or (f.path, f.segment_index, _TWIN_OF[f.rule]) not in seen]
