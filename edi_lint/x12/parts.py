"""Cut a big file into parts at envelope boundaries, for ``-j``.

A part begins at an ST whose previous segment is an SE, at a GS after a GE, or at
an ISA after an IEA (a file of many interchanges of one transaction set each has
only the last two), so no transaction set spans two parts. For each part the plan
knows what a reader and an envelope tracker would know on reaching its first
segment: the segment index, physical line and line start (counted over the bytes
before it, in C), the delimiters, and the open ISA and GS (none at an ISA cut, no GS
at a GS cut; an ISA cut reads its own delimiters). The groups and sets read in those
before the cut are not counted here: the part's tracker counts from its start and
leaves the IEA01 and GE01 checks that need them to the merge, which adds the earlier
parts' counts (``EnvelopeTracker.deferred``).

The plan reads segment boundaries as the first terminator shows them (the
terminator, then no newline, LF or CR LF). Each part's checking then proves the
plan: its tracker and reader must end in the state the next part began with
(``proves``). A file whose layout misled the plan is checked again whole, in one
process, so the findings are always those of an unsplit run.
"""
from __future__ import annotations

import mmap

from .delimiters import ISA_LENGTH, read_isa
from .reader import BOM, Resume, Segment, find_isa

SCAN_CHUNK = 8 << 20  # bytes counted at a time: the plan never holds the file


class Part:
    """Bytes ``start:end`` of a file, and the state its first segment is read in."""

    __slots__ = ("start", "end", "resume", "envelope", "last", "reached")

    def __init__(self, start, end, resume=None, envelope=None, last=False):
        self.start, self.end = start, end
        self.resume = resume  # None for the first part: it is read like a whole file
        self.envelope = envelope  # (isa, gs) open at the start, for the tracker, or None
        self.last = last
        # after checking: (tracker state, segments read, delimiters, the tracker's counts,
        # its deferred count checks); see ``EnvelopeTracker``
        self.reached = None

    def begins(self):
        """The state this part assumed, in the terms of ``reached[:3]``; the delimiters
        are None at an ISA cut, which reads its own (any the part before ended with do)."""
        isa, gs = self.envelope
        return ((isa.index if isa is not None else None, gs.index if gs is not None else None),
                self.resume.index, self.resume.delimiters if isa is not None else None)

    def __repr__(self):
        return f"Part({self.start}:{self.end})"


def proves(parts) -> bool:
    """Whether every part ended where the next one began (after checking them all)."""
    return all(prev.reached is not None and _ended_as_begun(prev.reached[:3], part.begins())
               for prev, part in zip(parts, parts[1:]))


def _ended_as_begun(reached, begins) -> bool:
    if begins[2] is None:  # an ISA cut: its own delimiters
        return reached[:2] == begins[:2]
    return reached == begins


def plan(path: str, jobs: int, min_part: int) -> list[Part] | None:
    """Cut ``path`` into parts for ``jobs`` processes, or None (one part would do, or the
    file's layout is not one the plan can read).

    Parts shrink as the file goes on: each is ``1 / (2 * jobs)`` of what is left, and
    at least ``min_part`` bytes. Processes take the next part when they are done, so the
    last parts, small, keep them all busy to the end (guided self-scheduling).
    """
    if jobs < 2:
        return None
    try:
        with open(path, "rb") as fh, mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as mm:
            return _plan(mm, jobs, min_part)
    except (OSError, ValueError):  # unreadable, empty (mmap refuses), not a regular file
        return None


def _plan(mm, jobs: int, min_part: int) -> list[Part] | None:
    size = len(mm)
    if size < 2 * min_part:
        return None
    origin = 3 if mm[:3] == BOM else 0
    head = mm[origin:origin + (1 << 20)].decode("latin-1")
    start = find_isa(head, 0)
    if start < 0:
        return None
    reading = read_isa(head, start)
    delims = reading.delimiters
    if delims is None or not reading.fixed_width or delims.segment in "\r\n":
        return None
    isa0 = origin + start
    after = head[start + ISA_LENGTH:start + ISA_LENGTH + 2]
    newline = "\r\n" if after == "\r\n" else "\n" if after[:1] == "\n" else ""
    glue = (delims.segment + newline).encode("latin-1")
    sep = delims.element.encode("latin-1")
    cuts = _cuts(mm, glue, sep, size, jobs, min_part)
    if not cuts:
        return None
    tally = _Tally(mm, isa0, origin, delims.segment.encode("latin-1"))
    envelopes = _Envelopes(mm, tally, glue, sep, delims.element)
    found: list[Part] = [Part(0, cuts[0][0])]
    ends = [cut for cut, _ in cuts[1:]] + [size]
    for (cut, kind), end in zip(cuts, ends):
        envelope = envelopes.at(cut, kind)
        own = delims
        if kind == "ISA":  # its own delimiters, read as a reader reads a later ISA
            reading = read_isa(mm[cut:cut + ISA_LENGTH + 2].decode("latin-1"), 0)
            own = reading.delimiters if reading.fixed_width else None
        if envelope is None or own is None:  # not inside an open ISA and GS (ST), not
            found[-1].end = end  # after an ISA (GS), an ISA of odd width: no cut here
            continue
        index, line, line_start = tally.position(cut)
        found.append(Part(cut, end, Resume(cut, index, line, line_start, own), envelope))
    if len(found) < 2:
        return None
    found[-1].last = True
    return found


def _cuts(mm, glue: bytes, sep: bytes, size: int, jobs: int, min_part: int) -> list[tuple]:
    """(offset, "ISA" | "GS" | "ST") of the segments that begin parts: each the first
    ISA after an IEA, GS after a GE or ST after an SE at or past its target, the part
    before it ``(size - start) / (2 * jobs)`` bytes or more, and at least ``min_part``."""
    kinds = [_Boundary(mm, glue, sep, tag, before) for tag, before in _BOUNDARIES]
    cuts: list[tuple] = []
    at = 0
    while True:
        target = at + max(min_part, (size - at) // (2 * jobs))
        if target > size - min_part:
            break
        best, kind = -1, None
        window = _WINDOW
        while best < 0:  # a window that doubles: no kind is searched far past the nearest
            limit = min(size, target + window)
            for boundary in kinds:
                i = boundary.next(target, best if best >= 0 else limit)
                if i >= 0:
                    best, kind = i, boundary.tag
            if limit >= size:
                break
            window *= 2
        if best < 0 or best + len(glue) > size - min_part:
            break
        at = best + len(glue)
        cuts.append((at, kind))
    return cuts


# a part begins at this segment when the one before it is that one
_BOUNDARIES = (("ST", b"SE"), ("GS", b"GE"), ("ISA", b"IEA"))
_WINDOW = 1 << 20  # bytes searched past a target first, then twice as many...
_TRAILER_MAX = 256  # bytes: an SE, GE or IEA longer than this is not looked for


class _Boundary:
    """The next ``glue + tag`` (at a terminator) whose previous segment is ``before``.

    Targets only grow: what was searched is remembered (the first boundary from ``lo``,
    or none up to ``hi``), so no byte is searched twice for one kind."""

    def __init__(self, mm, glue: bytes, sep: bytes, tag: str, before: bytes):
        self.mm, self.glue, self.tag = mm, glue, tag
        self.pattern = glue + tag.encode("latin-1") + sep
        self.before = before + sep
        self.lo = self.hi = 0
        self.hit = -1  # the first boundary's terminator at or after ``lo`` (below ``hi``)

    def next(self, target: int, limit: int) -> int:
        """The first boundary's terminator in ``target:limit``, else -1."""
        start = target
        if self.lo <= target:
            if self.hit >= target:
                return self.hit if self.hit < limit else -1
            if self.hit < 0 and target < self.hi:
                start = self.hi  # none from target to there
        if start >= limit:
            return -1
        mm, glue, before = self.mm, self.glue, self.before
        end = limit + len(self.pattern)
        i = mm.find(self.pattern, start, end)
        while i >= 0:
            # SE, GE and IEA are short: the glue before one is near (a longer segment is
            # some other, or no cut is made there)
            prev = mm.rfind(glue, max(0, i - _TRAILER_MAX), i)
            if prev >= 0 and mm[prev + len(glue):prev + len(glue) + len(before)] == before:
                break
            i = mm.find(self.pattern, i + 1, end)
        if i >= 0:
            self.lo, self.hi, self.hit = target, i + 1, i
        elif start == target:
            self.lo, self.hi, self.hit = target, limit, -1
        else:
            self.hi = limit
        return i


class _Envelopes:
    """The ISA and GS last opened before each cut, found by searching only the bytes since
    the previous cut (a file's one GS may lie 100 MB back). Whether they are still open
    (no IEA or GE after them) is not searched: the part before the cut proves it."""

    def __init__(self, mm, tally, glue: bytes, sep: bytes, element: str):
        self.mm, self.tally, self.element = mm, tally, element
        self.glue = len(glue)
        self.isa_p, self.gs_p = glue + b"ISA" + sep, glue + b"GS" + sep
        self.scanned = tally.isa0
        self.isa = tally.isa0  # the first ISA has no glue before it
        self.gs = None

    def at(self, cut: int, kind: str = "ST"):
        """(isa, gs) open at a cut of ``kind``: (None, None) at an ISA, (isa, None) at a
        GS; None when no GS (at an ST) or no ISA (at a GS) follows the last ISA."""
        mm, glue = self.mm, self.glue
        lo = max(0, self.scanned - glue)
        self.scanned = cut
        i = mm.rfind(self.isa_p, lo, cut)
        if i >= 0:
            self.isa, self.gs = i + glue, None
        i = mm.rfind(self.gs_p, max(lo, self.isa), cut)
        if i >= 0:
            self.gs = i + glue
        if kind == "ISA":
            return None, None
        if kind == "GS":
            return self.tally.segment(self.isa, self.element), None
        if self.gs is None:
            return None
        return self.tally.segment(self.isa, self.element), self.tally.segment(self.gs, self.element)


class _Tally:
    """Terminators (from the first ISA) and newlines counted from the file's start, read
    once, in order, a chunk at a time (positions asked for never go back)."""

    def __init__(self, mm, isa0, origin, term):
        self.mm, self.isa0, self.origin, self.term = mm, isa0, origin, term
        self.at = 0
        self.terms = 0  # terminators in isa0:at
        self.newlines = 0  # in 0:at
        self.marks: dict[int, tuple] = {}  # position -> (terms, newlines) there
        self.segments: dict[int, Segment] = {}

    def _advance(self, to: int) -> tuple:
        mark = self.marks.get(to)
        if mark is not None:
            return mark
        if to < self.at:
            raise ValueError("positions out of order")  # the plan gives up: no split
        mm, term, isa0 = self.mm, self.term, self.isa0
        while self.at < to:
            end = min(to, self.at + SCAN_CHUNK)
            chunk = mm[self.at:end]
            self.newlines += chunk.count(b"\n")
            self.terms += chunk.count(term, max(0, isa0 - self.at))
            self.at = end
        mark = self.marks[to] = (self.terms, self.newlines)
        return mark

    def position(self, at: int) -> tuple[int, int, int]:
        """(segments before ``at``, line of ``at``, offset of that line's start)."""
        terms, newlines = self._advance(at)
        nl = self.mm.rfind(b"\n", 0, at)
        return terms, newlines + 1, nl + 1 if nl >= 0 else self.origin

    def segment(self, at: int, element: str) -> Segment:
        """The envelope segment starting at ``at``, with its position."""
        seg = self.segments.get(at)
        if seg is None:
            index, line, line_start = self.position(at)
            end = self.mm.find(self.term, at)
            text = self.mm[at:end if end >= 0 else len(self.mm)].decode("latin-1")
            els = text.split(element)
            seg = Segment(els[0], els, index + 1, line, at - line_start + 1, at, text)
            self.segments[at] = seg
        return seg
