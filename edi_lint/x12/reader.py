"""A streaming X12 segment reader: bytes in, positioned segments out.

Memory stays flat: the file is read in chunks, decoded as Latin-1 (one byte is
one character, so offsets are byte offsets and no byte can fail to decode), and
cut at segment terminators. Delimiters come from each ISA by position.
"""
from __future__ import annotations

from typing import BinaryIO, Iterator

from ..findings import Finding
import re

from .delimiters import ISA_LENGTH, WHITESPACE, Delimiters, misalignment, read_isa

CHUNK_SIZE = 1 << 20
BOM = b"\xef\xbb\xbf"


class Segment:
    """One segment: its id, elements (``elements[0]`` is the id) and position."""

    __slots__ = ("tag", "elements", "index", "line", "col", "offset", "text")

    def __init__(self, tag, elements, index, line, col, offset, text):
        self.tag = tag
        self.elements = elements
        self.index = index  # 1-based index in the file
        self.line = line  # 1-based physical line
        self.col = col  # 1-based column
        self.offset = offset  # byte offset in the file
        self.text = text

    def get(self, i: int) -> str:
        """Element ``i`` (1-based, as in X12 names like SV104), or ''."""
        els = self.elements
        return els[i] if i < len(els) else ""

    def __repr__(self):
        return f"Segment({self.tag} #{self.index} line {self.line})"


try:  # the fast path's loops in C, when the install could build them (setup.py)
    from . import _speedups
    _speedups.prepare(Segment)
except (ImportError, TypeError):
    _speedups = None


class Resume:
    """Where a reader takes up a file in the middle (``-j``: one part of a big file).

    The stream then starts at byte ``offset`` of the file, at the first character
    of a segment. ``index`` segments came before it; it lies on physical line
    ``line``, which starts at byte ``line_start``; ``delimiters`` are the
    interchange's.
    """

    __slots__ = ("offset", "index", "line", "line_start", "delimiters")

    def __init__(self, offset, index, line, line_start, delimiters):
        self.offset, self.index, self.line = offset, index, line
        self.line_start, self.delimiters = line_start, delimiters


class SegmentReader:
    """Iterate the segments of one file; reader problems land in ``findings``.

    With ``resume`` the stream holds a part of a file that begins at a segment
    (see ``Resume``): positions are the file's, and no ISA is looked for first.
    """

    def __init__(self, stream: BinaryIO, path: str = "-", chunk_size: int = CHUNK_SIZE,
                 resume: Resume | None = None):
        self.stream = stream
        self.path = path
        self.chunk_size = chunk_size
        self.resume = resume
        self.findings: list[Finding] = []
        self.delimiters: Delimiters | None = resume.delimiters if resume else None
        self.segment_count = 0

    # -- helpers -----------------------------------------------------------
    def _problem(self, rule, message, line, col, offset, index=0, seg_id=None):
        self.findings.append(Finding(rule=rule, message=message, path=self.path, line=line,
                                     col=col, segment_index=index, segment_id=seg_id,
                                     offset=offset))

    def _read(self) -> str:
        return self.stream.read(self.chunk_size).decode("latin-1")

    # -- the reader --------------------------------------------------------
    def __iter__(self) -> Iterator[Segment]:
        if self.resume is not None:  # a part of a file: its first segment is at text[0]
            resume = self.resume
            text, pos, base, eof = self._read(), 0, resume.offset, False
            line, line_start, index = resume.line, resume.line_start, resume.index
            delims = resume.delimiters
            if not text:
                return
        else:
            found = self._find_first_isa()
            if found is None:
                return
            text, pos, base, line, line_start, eof = found
            index, delims = 0, None
        while True:
            # -- (re)read delimiters at an ISA -----------------------------
            if text.startswith("ISA", pos):
                while len(text) - pos < 600 and not eof:
                    more = self._read()
                    if not more:
                        eof = True
                    text += more
                reading = read_isa(text, pos)
                if reading.delimiters is None:
                    self._problem("X004", f"{reading.problem}; the rest of the file is not read",
                                  line, base + pos - line_start + 1, base + pos, index + 1, "ISA")
                    return
                if not reading.fixed_width:
                    self._problem("X003", _not_fixed(text, pos, reading), line,
                                  base + pos - line_start + 1, base + pos, index + 1, "ISA")
                delims = reading.delimiters
                self.delimiters = delims
            sep, term = delims.element, delims.segment
            ws = delims.whitespace
            term_is_break = term in "\r\n"
            skip_lf = term == "\r"
            # -- cut the buffer at its last terminator ---------------------
            cut = text.rfind(term, pos)
            while cut < 0 and not eof:
                more = self._read()
                if not more:
                    eof = True
                    break
                text += more
                cut = text.rfind(term, pos)
            if cut < 0:
                cut = len(text)
            # -- fast path: a chunk of plain segments, one layout throughout --
            fast = None if term_is_break else _plain_chunk(text, pos, cut, term, ws, index)
            if fast is not None and fast[1] and fast[0] == pos and base + pos != line_start:
                fast = None  # the first segment does not start its line: general loop
            if fast is not None:
                start, nl, parts = fast
                if start > pos:  # the newline after the previous chunk's last terminator
                    line += 1
                    line_start = base + start
                off = base + start
                step = len(nl) + 1
                if _speedups is not None:  # the same loops, in C
                    yield from _speedups.segments(Segment, parts, sep, index, line, off,
                                                  line_start, step, bool(nl))
                    index += len(parts)
                    if nl:  # on the last segment's line, which it starts
                        line += len(parts) - 1
                        line_start = off + sum(map(len, parts)) - len(parts[-1]) \
                            + step * (len(parts) - 1)
                elif nl:  # one segment a line: column 1
                    for part in parts:
                        index += 1
                        els = part.split(sep)
                        yield Segment(els[0], els, index, line, 1, off, part)
                        line += 1
                        off += len(part) + step
                    line -= 1
                    line_start = off - len(parts[-1]) - step
                else:
                    for part in parts:
                        index += 1
                        els = part.split(sep)
                        yield Segment(els[0], els, index, line, off - line_start + 1, off, part)
                        off += len(part) + step
                parts = ()
            else:
                parts = text[pos:cut].split(term)
            p = pos
            restart = None
            for part in parts:
                plen = len(part)
                stripped = part.lstrip(ws)
                lead = plen - len(stripped)
                if lead:
                    nls = part.count("\n", 0, lead)
                    if skip_lf and part[0] == "\n":
                        nls -= 1  # the LF of the CR LF that ended the previous segment
                        line_start = base + p + 1
                    if nls:
                        line += nls
                        line_start = base + p + part.rfind("\n", 0, lead) + 1
                seg = stripped.rstrip(ws)
                if seg:
                    index += 1
                    off = base + p + lead
                    end = seg.find(sep)
                    tag = seg if end < 0 else seg[:end]
                    if index > 1 and seg.startswith("ISA") and (tag == "ISA" or _isa_at(seg)):
                        tag = "ISA"  # also an ISA whose element separator is another one
                        again = read_isa(text, p + lead)
                        if again.delimiters != delims:
                            index -= 1
                            restart = p + lead
                            break
                        if not again.fixed_width:
                            self._problem("X003", _not_fixed(text, p + lead, again), line,
                                          off - line_start + 1, off, index, "ISA")
                    yield Segment(tag, seg.split(sep), index, line, off - line_start + 1, off, seg)
                    if plen - lead != len(seg) or "\n" in seg:
                        nls = part.count("\n", lead)
                        if nls:
                            line += nls
                            line_start = base + p + part.rfind("\n") + 1
                elif not term_is_break and p + plen < len(text):
                    index += 1
                    off = base + p + lead
                    self._problem("X010", "empty segment (two terminators in a row)", line,
                                  off - line_start + 1, off, index, None)
                p += plen + 1
                if term_is_break:
                    line += 1
                    line_start = base + p
            if restart is not None:
                pos = restart
                continue
            # -- next chunk ------------------------------------------------
            if cut >= len(text):
                break  # no terminator left: the last segment lacked one
            rest = text[cut + 1:]
            base += cut + 1
            pos = 0
            more = "" if eof else self._read()
            if not more:
                eof = True
            text = rest + more
            while not eof and not text.strip(ws):  # only blanks so far: read on
                more = self._read()
                eof = not more
                text += more
            if not text.strip(ws):
                break
        self.segment_count = index

    def _find_first_isa(self):
        """Skip to the first ISA, reporting what came before it (X002) or that there is
        none (X001): (text, its position, base, line, line start, eof), or None."""
        first = self.stream.read(self.chunk_size)
        base = 0  # byte offset of text[0] in the file
        if first.startswith(BOM):
            first, base = first[3:], 3
        text = first.decode("latin-1")
        head = text[:HINT_SPAN]  # what X001's hints look at
        eof = not first
        while not eof and not text.strip(WHITESPACE):  # blank so far: is there more?
            more = self._read()
            eof = not more
            text += more
        if not text.strip(WHITESPACE):
            self._problem("X001", "file is empty: no X12 data", 1, 1, 0)
            return
        origin = base
        line, line_start = 1, base
        pos = 0
        junk = None  # (line, col, offset) of the first non-blank character before the ISA
        skipped = 0  # characters dropped before the ISA while looking for it
        # Find the first ISA; anything before it is reported, then skipped.
        while True:
            start = find_isa(text, pos)
            if start >= 0 or eof:
                break
            more = self._read()
            if not more:
                eof = True
                continue
            keep = max(0, len(text) - 3)
            if junk is None:
                junk = _first_text(text, pos, keep, line, line_start, base)
            line += text.count("\n", pos, keep)
            nl = text.rfind("\n", pos, keep)
            if nl >= 0:
                line_start = base + nl + 1
            skipped += keep - pos
            base += keep
            text = text[keep:] + more
            pos = 0
        if start < 0:
            why, at = _no_isa_hint(head)
            line, col = _line_col(head, at)
            self._problem("X001", f"no ISA segment found: {why}", line, col, origin + at)
            return
        if junk is None:
            junk = _first_text(text, pos, start, line, line_start, base)
        if junk is not None:
            self._problem("X002", f"{skipped + start - pos} characters of text before the ISA"
                          " segment; skipped", *junk)
        line += text.count("\n", pos, start)
        nl = text.rfind("\n", pos, start)
        if nl >= 0:
            line_start = base + nl + 1
        return text, start, base, line, line_start, eof


HINT_SPAN = 4096  # characters at the start of a file that X001's hints look at
_UTF16_BOMS = ("\xff\xfe", "\xfe\xff")
_ODD_ISA = re.compile(r"(?i)(?<![A-Za-z0-9])ISA([ \t]*)([^A-Za-z0-9\s])")
_BARE_ST = re.compile(r"(?m)(?:^|(?<=[~'|!\x1c-\x1f\r\n]))[ \t]*(ST([^A-Za-z0-9\s])(\d{3})\2)")


def _not_fixed(text: str, pos: int, reading) -> str:
    """X003's message for the ISA at ``text[pos]``, read leniently (``reading``)."""
    where = misalignment(text, pos, reading)
    size = f"ISA is {reading.length} characters, not {ISA_LENGTH}" \
        if reading.length != ISA_LENGTH else f"ISA is {ISA_LENGTH} characters but not fixed width"
    return (f"{size} ({where}): receivers read its delimiters by position and reject it;"
            " delimiters read leniently")


def _no_isa_hint(head: str) -> tuple[str, int]:
    """Why a file has no ISA, from its first characters: (what to fix, where in ``head``)."""
    if head.startswith(_UTF16_BOMS) or (len(head) >= 8 and (
            head[1:8:2] == "\0\0\0\0" or head[0:8:2] == "\0\0\0\0")):
        how = "a UTF-16 byte order mark" if head.startswith(_UTF16_BOMS) else \
            "a NUL byte every other byte"
        return (f"the file is UTF-16 encoded ({how}); X12 is single-byte text: save it as"
                " ASCII or UTF-8", 0)
    odd = _ODD_ISA.search(head)
    if odd is not None:
        if odd.group(1):
            return (f"'ISA' is followed by {len(odd.group(1))} blank(s) before its element"
                    f" separator {odd.group(2)!r}: an ISA begins 'ISA{odd.group(2)}' and each"
                    f" field has its fixed width ({ISA_LENGTH} characters in all)",
                    odd.start())
        if odd.group(0)[:3] != "ISA":
            return (f"{odd.group(0)[:3]!r} is not upper case: the interchange header is 'ISA',"
                    " then fixed-width fields", odd.start())
    bare = _BARE_ST.search(head)
    if bare is not None:
        return (f"the file holds transaction sets (ST{bare.group(2)}{bare.group(3)}) without"
                " their envelope: the ISA and GS before them (and GE and IEA after) are"
                " missing", bare.start(1))
    return "not an X12 interchange", 0


def _line_col(head: str, at: int) -> tuple[int, int]:
    """1-based (line, column) of ``head[at]``."""
    return head.count("\n", 0, at) + 1, at - (head.rfind("\n", 0, at) + 1) + 1


def _plain_chunk(text: str, pos: int, cut: int, term: str, ws: str, index: int):
    """Split ``text[pos:cut]`` at once when every segment in it is plain.

    Plain: each terminator is followed by the same newline ('', LF or CR LF), no
    segment is empty or has whitespace around it or a line break inside, and no
    ISA follows the first segment. Returns (start, newline, parts) or None, in
    which case the general loop reads the chunk (same results, segment by segment).
    A few scans of the chunk in C replace a strip and a count per segment.
    """
    first = text.find(term, pos, cut)
    if first < 0:
        nl = ""
    elif text.startswith("\r\n", first + 1) and "\r" in ws and "\n" in ws:
        nl = "\r\n"
    elif text.startswith("\n", first + 1) and "\n" in ws:
        nl = "\n"
    else:
        nl = ""
    start = pos + len(nl) if nl and text.startswith(nl, pos) else pos
    body = text[start:cut]
    if not body or (index and body.startswith("ISA")):
        return None
    glue = term + nl
    parts = body.split(glue)
    k = len(parts) - 1
    if (k and body.count(term) != k) or body.count("\n") != k * nl.count("\n") \
            or "" in parts or (glue + "ISA") in body:
        return None
    for w in ws:
        if w in body and (body[0] == w or body[-1] == w or (w + term) in body
                          or (glue + w) in body):
            return None
    if "\r" in ws and body.count("\r") != k * nl.count("\r"):
        return None
    return start, nl, parts


def find_isa(text: str, pos: int) -> int:
    """Index of the first 'ISA' followed by a delimiter-like character."""
    while True:
        i = text.find("ISA", pos)
        if i < 0 or i + 3 >= len(text):
            return -1 if i < 0 else (i if i + 3 < len(text) else -1)
        c = text[i + 3]
        if not c.isalnum() and c not in WHITESPACE:
            return i
        pos = i + 1


def _isa_at(seg: str) -> bool:
    """True when ``seg`` is an ISA written with another element separator than the current."""
    return len(seg) > 3 and not seg[3].isalnum() and seg[3] not in WHITESPACE


def _first_text(text, pos, end, line, line_start, base):
    """(line, col, offset) of the first non-blank character of text[pos:end], or None."""
    chunk = text[pos:end]
    rest = chunk.lstrip(WHITESPACE)
    if not rest:
        return None
    lead = len(chunk) - len(rest)
    nl = text.rfind("\n", pos, pos + lead)
    if nl >= 0:
        line += text.count("\n", pos, pos + lead)
        line_start = base + nl + 1
    off = base + pos + lead
    return line, off - line_start + 1, off
