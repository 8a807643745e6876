"""The fast 837P implementation-guide pass (SNIP 2), on by default: pyx12's map, walked here.

``Ig837`` sees each segment of an 837P transaction set (ST..SE) once, as edi-lint's reader
yields it, and reports what pyx12 would: a segment the map has no place for at this point
(out of order, in the wrong loop, unknown), a segment or loop marked not used, a required
segment or loop missing (per instance of its parent loop), a segment past its max use, a
loop past its repeat, and, in each segment, element usage, data type, length, codes
(with the external code lists pyx12 ships), composites and the map's syntax rules
(P, R, C, E, L). The tables come from ``igmap.py``.

The walk is a port of pyx12's ``map_walker.walk_tree`` over those tables, so positions
and error codes agree with pyx12 (``tests/test_igcheck.py`` holds it to that; the cases
where pyx12 is wrong are listed in docs/ig.md). Its structural part depends only on the
map node the previous segment matched and on the segment's id and qualifier, so each
(node, segment key) is walked once and replayed as a short trace of count checks.
The element checks run only on a segment that one compiled regex per map node (which
matches only texts the checks find clean) and the syntax predicate do not pass, and not
again on a text already found clean.

Every finding's ``data`` carries the 999 codes: ``ik304`` (segment) and, for element
problems, ``ik403`` with ``element`` (``SV101-2``), ``element_position``,
``component_position`` and ``data_element``.
"""
from __future__ import annotations

import functools
import re

from .findings import shown_id

# Loops of pyx12's map that are envelopes or tables, not 837P loops (as ig.py names them).
_NOT_LOOPS = {"ISA_LOOP": None, "GS_LOOP": None, "ST_LOOP": None, "HEADER": "header",
              "DETAIL": None, "FOOTER": None}
_EMPTY: dict = {}
_TRACE_LIMIT = 4096  # walk traces kept per (node, segment id): bounded memory
_KEY_POSITIONS: dict = {}  # segment id -> where its qualifier is read (IgMap fills it)  # walk traces and clean segment texts kept (bounded memory)

_N_RE = re.compile(r"-?[0-9]+\Z")
_R_RE = re.compile(r"-?[0-9]*(\.[0-9]+)?\Z")
# pyx12's 5010 extended character set (charset E, ICVN 00501): what AN/ID may hold.
_BAD_CHAR = re.compile(r"""[^A-Z0-9!"&'()*+,\-./:;?= a-z%~@\[\]_{}\\|<>^`#$]""")
_DIGITS = re.compile(r"[0-9]+\Z")
_CONTROL = {chr(c): name for c, name in (
    (0x07, "BEL"), (0x09, "HT"), (0x0A, "LF"), (0x0B, "VT"), (0x0C, "FF"), (0x0D, "CR"),
    (0x1C, "FS"), (0x1D, "GS"), (0x1E, "RS"), (0x1F, "US"), (0x01, "SOH"), (0x02, "STX"),
    (0x03, "ETX"), (0x04, "EOT"), (0x05, "ENQ"), (0x06, "ACK"), (0x11, "DC1"), (0x12, "DC2"),
    (0x13, "DC3"), (0x14, "DC4"), (0x15, "NAK"), (0x16, "SYN"), (0x17, "ETB"))}
_CONTROL_RE = re.compile("[" + "".join(re.escape(c) for c in _CONTROL) + "]")

# rule code of each problem: segment level (pyx12's IK304 code) and element level (IK403)
SEG_CODES = {"1": "I101", "2": "I101", "3": "I103", "3L": "I104", "4": "I105", "5": "I106"}
ELE_CODES = {"1": "I110", "10": "I111", "3": "I112", "4": "I114", "5": "I115", "6": "I116",
             "7": "I117", "8": "I118", "9": "I119"}
# Problems pyx12 reports at segment level with IK304 8 (no element to point at).
SYNTAX_CODES = {"P": "I120", "R": "I121", "C": "I122", "E": "I123", "L": "I124"}
COMPOSITE_MISSING, COMPOSITE_NOT_USED, TOO_MANY_COMPONENTS, TOO_MANY_ELEMENTS = (
    "I125", "I126", "I113", "I112")


# Where pyx12's map departs from the 005010X222A1 guide (docs/ig.md): (segment path,
# element, the guide's usage). The guide requires ST03 (the implementation convention
# reference); pyx12's map marks it situational.
CORRECTIONS = (("/ISA_LOOP/GS_LOOP/ST_LOOP/ST", "ST03", "R"),)


# --------------------------------------------------------------------------- the map

class _Loop:
    __slots__ = ("id", "name", "usage", "repeat", "pos", "path", "parent", "children",
                 "first", "wrappers", "loop_id", "is_loop", "is_root")

    def __init__(self, d, parent):
        self.id, self.name, self.usage = d.get("id"), d.get("name"), d.get("usage")
        self.repeat, self.pos, self.path = d.get("repeat"), d.get("pos", 0), d.get("path", "")
        self.parent = parent
        self.is_loop, self.is_root = parent is not None, parent is None
        self.loop_id = _NOT_LOOPS.get(self.id, self.id) if parent is not None else None


class _Seg:
    __slots__ = ("id", "name", "usage", "pos", "max_use", "path", "parent", "key", "raw",
                 "specs", "syntax", "loop_id", "index", "clean", "traces", "min_have", "fast")

    def __init__(self, d, parent):
        for name in ("id", "name", "usage", "pos", "max_use", "path", "key", "syntax"):
            setattr(self, name, d[name])
        self.raw = d["elements"]
        self.specs = None  # built at first use: a file meets a few dozen of the map's segments
        self.clean: set = set()  # segment texts seen clean here (bounded)
        self.traces: dict = {}  # the walks from here (see Ig837.segment)
        required = [i + 1 for i, t in enumerate(self.raw) if t[4] == "R"]
        self.min_have = max(required) + 1 if required else 1
        self.fast: dict = {}  # (element separator, component separator) -> fullmatch or None
        self.parent = parent
        self.loop_id = parent.loop_id

    @property
    def elements(self):
        specs = self.specs
        if specs is None:
            specs = self.specs = tuple(_Spec(t) for t in self.raw)
            for spec in specs:  # checked against another element: never remembered
                spec.special = spec.data_ele == "1251" or (self.id == "DTP" and spec.seq == 3)
        return specs



class IgMap:
    """The runtime form of the compiled tables: linked nodes and a few indexes."""

    def __init__(self, tables):
        self.external = tables["external"]
        self.segments: list[_Seg] = []
        self.root = _Loop({}, None)
        self.root.children = self._build(tables["root"], self.root)
        self.root.first = self.root.children[0][1][0] if self.root.children else None
        keys: dict[str, set] = {}
        for seg in self.segments:
            if seg.key is not None:
                keys.setdefault(seg.id, set()).add(seg.key[:2])
        self.key_positions = {tag: tuple(sorted(v)) for tag, v in keys.items()}
        self.gs = self.find("/ISA_LOOP/GS_LOOP/GS")
        for path, ref, usage in CORRECTIONS:
            seg = self.find(path)
            for spec in seg.elements:
                if spec.ref == ref:
                    spec.usage = usage
            required = [i + 1 for i, spec in enumerate(seg.elements) if spec.usage == "R"]
            seg.min_have = max(required) + 1 if required else 1
        # where each segment id's qualifier is read: an element index, or (element,
        # component) pairs when the map's places for the id differ
        _KEY_POSITIONS.clear()
        _KEY_POSITIONS.update({tag: (pos[0][0] if len(pos) == 1 and not pos[0][1] else pos)
                               for tag, pos in self.key_positions.items()})

    def _build(self, children, parent):
        out = []
        for pos, nodes in children:
            built = []
            for d in nodes:
                if d["kind"] == "L":
                    node = _Loop(d, parent)
                    node.children = self._build(d["children"], node)
                    node.first = node.children[0][1][0] if node.children else None
                    node.wrappers = tuple(_wrappers(node))
                else:
                    node = _Seg(d, parent)
                    node.index = len(self.segments)
                    self.segments.append(node)
                built.append(node)
            out.append((pos, built))
        return out

    def find(self, path):
        for seg in self.segments:
            if seg.path == path:
                return seg
        raise KeyError(path)


def _wrappers(loop):
    """The loops under ``loop`` whose first child is a loop: pyx12 never enters them."""
    for _, nodes in loop.children:
        for node in nodes:
            if isinstance(node, _Loop):
                if isinstance(node.first, _Loop):
                    yield node
                yield from _wrappers(node)


def _iter_children(loop):
    for _, nodes in loop.children:
        yield from nodes


_MAP: IgMap | None = None


def get_map() -> IgMap:
    """The 837P map (compiled or loaded from the cache once a process)."""
    global _MAP
    if _MAP is None:
        from .igmap import load_tables
        _MAP = IgMap(load_tables())
    return _MAP


# --------------------------------------------------------------------------- segment values

def _value(elements, ele, comp, sep):
    """pyx12's ``get_value`` of element ``ele`` (component ``comp``, 0 = whole) or None."""
    if ele >= len(elements):
        return None
    text = elements[ele]
    if not comp:
        return text.rstrip(sep) if sep in text else text
    parts = text.split(sep)
    return parts[comp - 1] if comp <= len(parts) else None


def _matches(node, elements, sep):
    key = node.key
    if key is None:
        return True
    return _value(elements, key[0], key[1], sep) in key[2]


# --------------------------------------------------------------------------- the walk

class _Walk:
    """Record one structural walk of pyx12's walker: its trace of count checks.

    Within one instance of a loop the walk only moves forward, and entering a loop
    starts a new instance: so a child after the place a level is scanned from has
    count 0 (a required one is missing, whatever the counts), the node scanned from has
    count 1 or more, and only the other children at that same place need their count
    looked up when the trace is replayed. Ops: (0, seg) / (1, first, loop) look the
    count up; (5, seg) / (6, first, loop) are missing; (2, seg) a match; (3, loop,
    first) a loop entered; (4, node) nothing matched.
    """

    def __init__(self, elements, sep):
        self.elements, self.sep = elements, sep
        self.ops: list[tuple] = []

    def run(self, node, tag):
        orig = present = node
        node_pos = node.pos
        if not isinstance(node, _Loop):
            node = node.parent
        while True:
            found = self._scan(node, node_pos, tag, present)
            if found is not None:
                return found
            if node.is_root:
                self.ops.append((4, orig))
                return None
            node_pos = node.pos
            present = node
            node = node.parent

    def _scan(self, node, node_pos, tag, present):
        ops = self.ops
        for pos, children in node.children:
            if pos < node_pos:
                continue
            for child in children:
                if isinstance(child, _Seg):
                    if child.id == tag and _matches(child, self.elements, self.sep):
                        if node.is_loop and self._is_loop_match(node, tag, None):
                            return self._goto(node, tag)
                        ops.append((2, child))
                        return child
                    if child.usage == "R" and child is not present:
                        ops.append((5, child) if pos > node_pos else (0, child))
                elif self._is_loop_match(child, tag, (present, pos > node_pos)):
                    return self._goto(child, tag)
        return None

    def _is_loop_match(self, loop, tag, place):
        """``place``: None for the loop being scanned (entered: never missing), else
        (the node known present, whether the loop lies after the scan's start)."""
        first = loop.first
        if first is None:
            return False
        if isinstance(first, _Loop):
            for child in _iter_children(loop):
                if isinstance(child, _Loop) and self._is_loop_match(child, tag, (None, False)):
                    return True
            return False
        if first.id == tag and _matches(first, self.elements, self.sep):
            return True
        if loop.usage == "R" and place is not None and loop is not place[0]:
            self.ops.append((6, first, loop) if place[1] else (1, first, loop))
        return False

    def _goto(self, loop, tag):
        first = loop.first
        if isinstance(first, _Seg) and first.id == tag and _matches(first, self.elements,
                                                                      self.sep):
            self.ops.append((3, loop, first))
            return first
        for child in _iter_children(loop):
            if isinstance(child, _Loop):
                found = self._goto(child, tag)
                if found is not None:
                    return found
        return None


def _trace(node, tag, elements, sep):
    """(found node, and when counting it is all there is to do: its loop, its x12 path and
    the count past which it is a problem (0 when it is not used); the ops)."""
    walk = _Walk(elements, sep)
    found = walk.run(node, tag)
    ops = tuple(walk.ops)
    if len(ops) == 1 and ops[0][0] == 2:
        child = ops[0][1]
        return found, child.parent, child.path, 0 if child.usage == "N" else child.max_use, ops
    return found, None, None, 0, ops


# --------------------------------------------------------------------------- the pass

class Ig837:
    """Check the 837P transaction sets of one stream against pyx12's map.

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
        self.frames: dict = {}  # loop -> {x12 path of a child: count}
        self.seps = None
        self.fast: dict = {}  # node -> its fast pattern for ``seps`` (see _fast_pattern)
        self.claim = None

    def start(self, elsep="*", sep=":") -> None:
        """A new transaction set: the walk starts again after GS, with fresh counts."""
        if (elsep, sep) != self.seps:  # another interchange's delimiters
            self.seps = (elsep, sep)
            self.fast = {}
        gs = self.map.gs
        self.node = gs
        gs_loop = gs.parent
        self.frames = {gs_loop: {gs.path: 1}, gs_loop.parent: {gs_loop.path: 1}}
        self.claim = None

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
        # The walk from ``node`` depends on the segment id and its qualifier only: each
        # node keeps the traces of the walks from it (id -> trace, or id -> {qualifier:
        # trace}), shared by every file of the process.
        where = _KEY_POSITIONS.get(tag)
        if where is None:
            trace = node.traces.get(tag)
            if trace is None:
                trace = node.traces[tag] = _trace(node, tag, elements, sep)
        else:
            if where.__class__ is int:  # the usual qualifier: a simple element
                value = elements[where] if where < len(elements) else None
                if value is not None and sep in value:
                    value = value.rstrip(sep)
            else:
                value = tuple(_value(elements, e, c, sep) for e, c in where)
            by_value = node.traces.get(tag)
            if by_value is None:
                by_value = node.traces[tag] = {}
            trace = by_value.get(value)
            if trace is None:
                if len(by_value) > _TRACE_LIMIT:
                    by_value.clear()
                trace = by_value[value] = _trace(node, tag, elements, sep)
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
        text = seg.text
        clean = found.clean
        if text in clean:
            return
        fast = self.fast.get(found, _UNBUILT)
        if fast is _UNBUILT:
            key = (elsep, sep)
            fast = found.fast.get(key, _UNBUILT)
            if fast is _UNBUILT:
                fast = found.fast[key] = self._fast_pattern(found, elsep, sep)
            self.fast[found] = fast
        if fast is not None and fast[0](text) is not None and (
                fast[2] is None or fast[2](elements)) and (
                not fast[1] or all(elements[i] in codes for i, codes in fast[1]
                                   if i < len(elements) and elements[i])):
            return
        if self._elements(found, seg, elements, sep) and len(clean) < _OK_LIMIT:
            clean.add(text)

    # -- the fast path of the element checks ------------------------------------------
    def _fast_pattern(self, node, elsep, sep):
        """``fullmatch`` of a regex that only segment texts the element checks find
        clean can match (a conservative one: what it misses goes to the checks), or
        None; with the element positions whose long code lists are checked after the match,
        and the syntax rules' predicate (None without rules)."""
        try:
            seps = elsep + sep
            pieces = []
            post: list = []  # (element position, valid values) checked after the match
            specs = node.elements
            i = 0
            while i < len(specs):
                spec = specs[i]
                if node.id == "DTP" and i == 1 and len(specs) > 2:  # DTP02 names DTP03's form
                    forms = [c for c in ("D8", "RD8") if c in spec.codes]
                    if not forms or spec.usage != "R" or specs[2].usage != "R":
                        return None
                    date = _DATE8
                    alts = [f"D8{re.escape(elsep)}{date}" if c == "D8" else
                            f"RD8{re.escape(elsep)}{date}-{date}" for c in forms]
                    pieces.append(("R", "(?:" + "|".join(alts) + ")"))
                    pieces.append(None)  # consumed with DTP02
                    i += 2
                    continue
                if spec.data_ele == "1251":
                    before = [s for s in specs[:i] if s.data_ele == "1250"]
                    if not before or tuple(before[-1].codes) != ("D8",):
                        return None
                    value = _DATE8
                elif spec.composite:
                    value = self._composite_pattern(spec, seps, sep)
                else:
                    value = self._value_pattern(spec, seps)
                if value is None:
                    return None
                if value.__class__ is tuple:  # a big code list: checked after the match
                    value, codes = value
                    post.append((i + 1, codes))
                pieces.append((spec.usage, value))
                i += 1
            tail = ""
            esc = re.escape(elsep)
            for k in range(len(pieces), 0, -1):
                piece = pieces[k - 1]
                if piece is None:  # folded into the previous element
                    continue
                usage, value = piece
                body = value if usage == "R" else "" if usage == "N" else f"(?:{value})?"
                width = 2 if k < len(pieces) and pieces[k] is None else 1
                if k + width - 1 >= node.min_have:
                    tail = f"(?:{esc}{body}{tail})?"
                else:
                    tail = f"{esc}{body}{tail}"
            return (re.compile(re.escape(node.id) + tail, re.S).fullmatch, tuple(post),
                    _syntax_function(node.syntax))
        except re.error:
            return None

    def _value_pattern(self, spec, seps):
        """A regex of non-empty values of ``spec`` that its checks find clean, or None."""
        if spec.regex is not None or spec.special:
            return None
        dtype, lo, hi = spec.type, spec.min, spec.max
        if spec.coded:
            codes = set(spec.codes)
            if spec.external:
                codes |= self.map.external.get(spec.external, frozenset())
            good = [c for c in codes if c and self._clean_value(spec, c, seps)]
            if not good:
                return "(?!)"
            if len(good) > _ALTERNATION_LIMIT:  # a generic form here, the list after
                return (_char_class(_E5_CHARS - frozenset(seps)) + "+"), frozenset(good)
            return "(?:" + "|".join(re.escape(c) for c in sorted(good, key=lambda c: (-len(c), c))) + ")"
        if dtype in ("AN", "ID"):
            chars = _E5_CHARS - frozenset(seps)
            if hi < 1:
                return None
            full = _char_class(chars)
            last = _char_class(chars - _SPACE)
            return f"{full}{{{max(lo - 1, 0)},{hi - 1}}}{last}"
        if dtype and dtype[0] == "N":
            return f"-?[0-9]{{{lo},{hi}}}"
        if dtype == "R":
            end = _char_class(frozenset(seps))
            return (f"-?(?:[0-9]{{{lo},{hi}}}|(?=[0-9.]{{{lo + 1},{hi}}}(?:{end}|$))"
                    r"[0-9]*\.[0-9]+)")
        if dtype in ("DT", "D8") and lo == hi == 8:
            return _DATE8
        if dtype == "TM" and lo <= 4 and hi >= 8:
            return _TIME
        return None

    def _clean_value(self, spec, value, seps):
        """True when ``value`` (one of the element's codes) passes its other checks."""
        if any(c in value for c in seps) or value[-1] == " " or _CONTROL_RE.search(value):
            return False
        n = len(value.replace("-", "").replace(".", "")) if spec.numeric else len(value)
        return spec.min <= n <= spec.max and _bad_type(value, spec.type) is None

    def _composite_pattern(self, spec, seps, sep):
        kids = spec.kids
        if spec.usage == "N":
            return ""
        values = []
        for kid in kids:
            value = self._value_pattern(kid, seps)
            if value is None or value.__class__ is tuple:
                return None
            values.append(value)
        if not kids or kids[0].usage != "R":
            return None  # an all-empty composite: left to the checks
        esc = re.escape(sep)
        tail = ""
        for j in range(len(kids) - 1, 0, -1):
            kid = kids[j]
            body = (values[j] if kid.usage == "R" else "" if kid.usage == "N"
                    else f"(?:{values[j]})?")
            required_after = any(k.usage == "R" for k in kids[j:])
            tail = f"{esc}{body}{tail}" if required_after else f"(?:{esc}{body}{tail})?"
        return values[0] + tail

    def _empty(self, seg, elements, elsep):
        tag = shown_id(seg.tag)
        if not any(elements[1:]):
            self.report("I108", f"{tag} holds no data", seg, None, self.claim, {"ik304": "8"})
        if len(elements) > 1 and seg.text.endswith(elsep):
            self.report("I107", f"{tag} ends with an element separator: trailing empty elements"
                        " must be left out", seg, None, self.claim, {})

    # -- counts: pyx12's NodeCounter ------------------------------------------------
    # pyx12 counts by x12 path and, entering a loop, deletes the counts of everything
    # under it. Here each loop has a frame (path -> count) for its direct children:
    # entering a loop empties its frame (and those of the wrapper loops under it, which
    # are never entered themselves); a deeper loop's frame is emptied when it is entered,
    # before anything in it is counted again.
    def _replay(self, ops, seg):
        frames = self.frames
        missing: list[tuple] = []
        pending: list[tuple] = []
        for op in ops:
            kind = op[0]
            if kind == 0:
                child = op[1]
                if frames.get(child.parent, _EMPTY).get(child.path, 0) < 1:
                    missing.append(("3", child, None))
            elif kind == 1:
                first, loop = op[1], op[2]
                if frames.get(loop.parent, _EMPTY).get(loop.path, 0) < 1:
                    missing.append(("3L", first, loop))
            elif kind == 5:
                missing.append(("3", op[1], None))
            elif kind == 6:
                missing.append(("3L", op[1], op[2]))
            elif kind == 2:
                child = op[1]
                frame = frames.get(child.parent)
                if frame is None:
                    frame = frames[child.parent] = {}
                n = frame[child.path] = frame.get(child.path, 0) + 1
                if child.usage == "N":
                    pending.append(("2", child, None))
                elif n > child.max_use:
                    pending.append(("5", child, n))
                if missing:
                    keep = []
                    for m in missing:
                        if m[1] is not child:
                            (keep if m[1].pos == child.pos else pending).append(m)
                    missing = keep
            elif kind == 3:
                loop, first = op[1], op[2]
                if loop.usage == "N":
                    pending.append(("2L", loop, None))
                else:
                    frames[loop] = {}
                    for wrapper in loop.wrappers:
                        frames[wrapper] = {}
                    frame = frames.get(loop.parent)
                    if frame is None:
                        frame = frames[loop.parent] = {}
                    n = frame[loop.path] = frame.get(loop.path, 0) + 1
                    if n > loop.repeat:
                        pending.append(("4", loop, n))
                frame = frames.get(loop)
                if frame is None:
                    frame = frames[loop] = {}
                frame[first.path] = frame.get(first.path, 0) + 1
                pending.extend(missing)
                missing = []
            else:
                pending.append(("1", op[1], None))
        for item in pending:
            self._segment_problem(item, seg)

    def _segment_problem(self, item, seg):
        code, node, extra = item
        tag = shown_id(seg.tag)
        if code == "1":
            message = (f"{tag} is not expected here: the 837P (005010X222A1) has no place for it"
                       f" after {node.id} of {_loop_name(node)} (out of order, in the wrong loop,"
                       " or not a segment of this guide)")
            loop = node.loop_id
        elif code == "2":
            message = f"{node.id} ({node.name}) is marked not used in {_loop_name(node)}"
            loop = node.loop_id
        elif code == "2L":
            message = f"loop {node.id} ({node.name}) is marked not used here"
            code, loop = "2", node.parent.loop_id
        elif code == "3":
            message = (f"required segment {node.id} ({node.name}) of {_loop_name(node)} is"
                       f" missing before this {tag}")
            loop = node.loop_id
        elif code == "3L":
            missing_loop = extra
            message = (f"required loop {missing_loop.id} ({missing_loop.name}) is missing"
                       f" before this {tag}")
            loop = missing_loop.parent.loop_id
        elif code == "4":
            message = (f"loop {node.id} ({node.name}) repeats {extra} times here; the guide"
                       f" allows {node.repeat}")
            loop = node.loop_id
        else:  # "5"
            message = (f"{node.id} ({node.name}) is used {extra} times in {_loop_name(node)};"
                       f" the guide allows {node.max_use}")
            loop = node.loop_id
        data = {"ik304": "3" if code == "3L" else code}
        if code in ("3", "3L"):  # the 999's IK301 names the missing segment, not this one
            data["missing_segment"] = node.id
        self.report(SEG_CODES[code], message, seg, loop, self.claim, data)

    # -- elements: pyx12's segment_if / element_if / composite_if -------------------------
    def _elements(self, node, seg, elements, sep) -> bool:
        """Check the elements of ``seg`` against ``node``; True when nothing was found."""
        specs = node.elements
        count = len(specs)
        have = len(elements) - 1
        problems: list[tuple] = []  # (rule, message, data)
        if have > count:
            problems.append((TOO_MANY_ELEMENTS,
                             f"{node.id} has {have} elements; the guide defines {count}",
                             {"ik304": "8", "ik403": "3", "element_position": count + 1}))
        dtype = None
        type_list: list = []
        is_dtp = node.id == "DTP"
        relaxed = False
        for i in range(min(have, count)):
            spec = specs[i]
            text = elements[i + 1]
            if spec.composite:
                if text not in spec.ok:
                    self._composite(spec, text, sep, i + 1, problems)
                continue
            if is_dtp and i == 1 and text in ("RD8", "D8", "D6", "DT", "TM"):
                dtype = text
            if spec.data_ele == "1250":
                type_list.extend(spec.codes)
            if is_dtp and i == 2:
                types = (dtype,) if dtype else ()
            elif spec.data_ele == "1251" and type_list:
                types = tuple(type_list)
            else:
                if text in spec.ok:
                    continue
                types = ()
            if sep in text:
                problems.append(_ele(spec, "6", f"{spec.ref} ({spec.name}) holds components"
                                     " but is not a composite", i + 1))
                continue
            if spec.usage == "N" and text and (node.loop_id, spec.ref) in self.allowed:
                relaxed = True  # the payer's data, allowed by its profile: not cached clean
                continue
            self._element(spec, text, types, i + 1, 0, problems)
        for i in range(min(have, count), count):
            spec = specs[i]
            if spec.usage == "R":
                if spec.composite:
                    problems.append(_composite_missing(spec, i + 1))
                else:
                    problems.append(_ele(spec, "1", f"required element {spec.ref} ({spec.name})"
                                         " is missing", i + 1))
        for syn in node.syntax:
            problem = _syntax(syn, node.id, elements)
            if problem is not None:
                problems.append(problem)
        for rule, message, data in problems:
            self.report(rule, message, seg, node.loop_id, self.claim, data)
        return not problems and not relaxed

    def _composite(self, spec, text, sep, position, problems):
        usage = spec.usage
        parts = text.split(sep)
        empty = not any(parts)
        if empty and usage in ("N", "S"):
            return
        if usage == "R" and empty:
            problems.append(_composite_missing(spec, position))
            return
        if usage == "N":
            problems.append((COMPOSITE_NOT_USED, f"composite {spec.ref} ({spec.name}) is marked"
                             " not used here", {"ik304": "8", "ik403": "5", "element": spec.ref,
                                                "element_position": position}))
            return
        kids = spec.kids
        before = len(problems)
        if len(parts) > len(kids):
            problems.append((TOO_MANY_COMPONENTS, f"composite {spec.ref} ({spec.name}) has"
                             f" {len(parts)} components; the guide defines {len(kids)}",
                             {"ik304": "8", "ik403": "3", "element": spec.ref,
                              "element_position": position,
                              "component_position": len(kids) + 1}))
        for j, kid in enumerate(kids):
            value = parts[j] if j < len(parts) else ""
            if value == "":
                if kid.usage == "R" and (kid.seq != 1 or usage == "R"):
                    problems.append(_ele(kid, "1", f"required component {kid.ref} ({kid.name})"
                                         " is missing", position, j + 1))
                continue
            if value not in kid.ok:
                self._element(kid, value, (), position, j + 1, problems)
        if len(problems) == before:
            _remember(spec.ok, text)

    def _element(self, spec, value, types, position, component, problems):
        """pyx12's element checks of a non-empty ``value``, in its order."""
        if value == "":
            if spec.usage == "R":
                problems.append(_ele(spec, "1", f"required element {spec.ref} ({spec.name}) is"
                                     " missing", position, component))
            else:
                _remember(spec.ok, value)
            return
        if spec.usage == "N":
            problems.append(_ele(spec, "10", f"{spec.ref} ({spec.name}) is marked not used"
                                 " here", position, component))
            return
        before = len(problems)
        dtype, lo, hi = spec.type, spec.min, spec.max
        n = len(value.replace("-", "").replace(".", "")) if spec.numeric else len(value)
        if n < lo:
            problems.append(_ele(spec, "4", f"{spec.ref} ({spec.name}) is too short:"
                                 f" {n} characters, at least {lo}", position, component))
        if n > hi:
            problems.append(_ele(spec, "5", f"{spec.ref} ({spec.name}) is too long:"
                                 f" {n} characters, at most {hi}", position, component))
        control = _CONTROL_RE.search(value)
        if control:
            problems.append(_ele(spec, "6", f"{spec.ref} ({spec.name}) holds a control"
                                 f" character (<{_CONTROL[control.group()]}>)", position,
                                 component))
            return
        if dtype in ("AN", "ID") and value[-1] == " " and len(value.rstrip()) >= lo:
            problems.append(_ele(spec, "6", f"{spec.ref} ({spec.name}) has trailing spaces",
                                 position, component))
        if spec.coded and value not in spec.codes and not (
                spec.external and value in self.map.external.get(spec.external, ())):
            shown = value if self.show_phi or len(value) <= 3 else "..."
            problems.append(_ele(spec, "7", f"{spec.ref} ({spec.name}): {shown!r} is not a"
                                 " valid code here", position, component))
        bad = _bad_type(value, dtype)
        if bad is not None:
            problems.append(_ele(spec, bad, f"{spec.ref} ({spec.name}) {_TYPE_TEXT[bad]} for"
                                 f" its type {dtype}", position, component))
        if types:
            if not any(t and _bad_type(value, t) is None for t in types):
                if "TM" in types:
                    problems.append(_ele(spec, "9", f"{spec.ref} ({spec.name}) is not a valid"
                                         f" time ({'/'.join(types)})", position, component))
                elif any(t in ("RD8", "DT", "D8", "D6") for t in types):
                    problems.append(_ele(spec, "8", f"{spec.ref} ({spec.name}) is not a valid"
                                         f" date ({'/'.join(types)})", position, component))
        if spec.regex is not None and not spec.regex.search(value):
            problems.append(_ele(spec, "7", f"{spec.ref} ({spec.name}) does not have the form"
                                 " the guide requires", position, component))
        if len(problems) == before and not spec.special and spec.usage != "N":
            _remember(spec.ok, value)


_OK_LIMIT = 4096  # clean values remembered per element of the map
_UNBUILT = object()
_SPACE = frozenset(" ")
_ALTERNATION_LIMIT = 40  # codes a fast pattern spells out; a longer list is checked apart
_E5_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!\"&'()*+,-./:;?= "
                      "abcdefghijklmnopqrstuvwxyz%~@[]_{}\\|<>^`#$")
# D8 dates pyx12 accepts (a 29 February goes to the checks), HHMM[SS[d[d]]] times
_DATE8 = ("(?:1[89][0-9]{2}|2[0-9]{3})(?:(?:0[13578]|1[02])(?:0[1-9]|[12][0-9]|3[01])"
          "|(?:0[469]|11)(?:0[1-9]|[12][0-9]|30)|02(?:0[1-9]|1[0-9]|2[0-8]))")
_TIME = "(?:[01][0-9]|2[0-3])[0-5][0-9](?:[0-5][0-9](?:[0-9]{1,2})?)?"


@functools.lru_cache(maxsize=64)
def _char_class(chars: frozenset) -> str:
    return "[" + "".join(re.escape(c) for c in sorted(chars)) + "]"


def _syntax_function(rules):
    """One compiled predicate: True when ``elements`` meet every syntax rule of ``rules``."""
    if not rules:
        return None
    terms = []
    for rule in rules:
        kind, idx = rule[0], rule[1:]
        if len(idx) < 2:
            continue
        have = [f'(n > {i} and e[{i}] != "")' for i in idx]
        if kind == "P":
            terms.append(f"({' + '.join(have)}) in (0, {len(idx)})")
        elif kind == "R":
            terms.append(f"({' or '.join(have)})")
        elif kind == "E":
            terms.append(f"({' + '.join(have)}) <= 1")
        elif kind == "C":
            terms.append(f"(not {have[0]} or ({' and '.join(have[1:])}))")
        elif kind == "L":
            terms.append(f"(not {have[0]} or ({' or '.join(have[1:])}))")
    source = "def ok(e):\n    n = len(e)\n    return " + (" and ".join(terms) or "True")
    scope: dict = {}
    exec(source, scope)  # noqa: S102 - built from the map's syntax notes, digits only
    return scope["ok"]


def _remember(ok: set, value: str) -> None:
    if len(ok) < _OK_LIMIT:
        ok.add(value)


class _Spec:
    """An element or composite of a segment of the map (``igmap`` tuples, unpacked)."""

    __slots__ = ("composite", "seq", "ref", "name", "usage", "data_ele", "type", "min", "max",
                 "codes", "external", "coded", "regex", "numeric", "kids", "ok", "special")

    def __init__(self, t):
        self.composite = t[0] == "C"
        self.seq, self.name, self.usage = t[1], t[3], t[4]
        self.ref = _ref(t[2])
        self.ok: set = set()  # values seen clean here (bounded)
        self.special = False  # checked against another element's value: never remembered
        if self.composite:
            self.kids = tuple(_Spec(k) for k in t[5])
            self.data_ele = self.type = self.external = self.regex = None
            self.codes, self.coded, self.numeric, self.min, self.max = (), False, False, 0, 0
            return
        self.kids = ()
        self.data_ele, self.type, self.min, self.max = t[5], t[6], t[7], t[8]
        self.codes, self.external = frozenset(t[9]), t[10]
        self.coded = bool(t[9] or t[10])
        self.regex = re.compile(t[11], re.S) if t[11] else None
        self.numeric = bool(self.type) and (self.type == "R" or self.type[0] == "N")


_TYPE_TEXT = {"6": "holds a character not allowed", "8": "is not a valid date",
              "9": "is not a valid time"}


def _bad_type(value, dtype):
    """None when ``value`` is valid for pyx12's data type ``dtype``, else the IK403 code."""
    if not dtype:
        return None
    if dtype[0] == "N":
        return None if _N_RE.match(value) else "6"
    if dtype == "R":
        return None if _R_RE.match(value) else "6"
    if dtype in ("ID", "AN"):
        return "6" if _BAD_CHAR.search(value) else None
    if dtype == "RD8":
        parts = value.split("-")
        if len(parts) == 2 and _valid_date("D8", parts[0]) and _valid_date("D8", parts[1]):
            return None
        return "8"
    if dtype in ("DT", "D8", "D6"):
        return None if _valid_date(dtype, value) else "8"
    if dtype == "TM":
        return None if _valid_time(value) else "9"
    return None


def _valid_date(dtype, val):
    if (dtype == "D8" and len(val) != 8) or (dtype == "D6" and len(val) != 6):
        return False
    if not _DIGITS.match(val) or len(val) not in (6, 8, 12):
        return False
    if len(val) == 6:
        val = ("20" if int(val[:2]) < 50 else "19") + val
    year, month, day = int(val[:4]), int(val[4:6]), int(val[6:8])
    if year < 1800 or not 1 <= month <= 12:
        return False
    if month in (1, 3, 5, 7, 8, 10, 12):
        last = 31
    elif month in (4, 6, 9, 11):
        last = 30
    else:
        last = 29 if not year % 4 and not (not year % 100 and year % 400) else 28
    if not 1 <= day <= last:
        return False
    return len(val) != 12 or _valid_time(val[8:12])


def _valid_time(val):
    if not _DIGITS.match(val):
        return False
    if val[0:2] > "23" or val[2:4] > "59":
        return False
    if len(val) > 4 and (len(val) < 6 or val[4:6] > "59" or len(val) > 8):
        return False
    return True


def _syntax(syn, tag, elements):
    kind, idx = syn[0], syn[1:]
    if len(idx) < 2:
        return None
    present = [i < len(elements) and elements[i] != "" for i in idx]
    names = [f"{tag}{i:02d}" for i in idx]
    rule = SYNTAX_CODES[kind]
    data = {"ik304": "8", "ik403": "10" if kind == "E" else "2", "element": names[0],
            "element_position": idx[0]}
    if kind == "P" and 0 < sum(present) < len(idx):
        return rule, f"{_or(names)}: if any is present, all are required ({_syn(syn)})", data
    if kind == "R" and not any(present):
        return rule, f"at least one of {_or(names)} is required ({_syn(syn)})", data
    if kind == "E" and sum(present) > 1:
        return rule, f"at most one of {_or(names)} may be present ({_syn(syn)})", data
    if kind == "C" and present[0] and not all(present[1:]):
        return rule, (f"{names[0]} is present, so {_or(names[1:], 'and')} "
                      f"{'are' if len(names) > 2 else 'is'} required ({_syn(syn)})"), data
    if kind == "L" and present[0] and not any(present[1:]):
        return rule, (f"{names[0]} is present, so at least one of {_or(names[1:])} is"
                      f" required ({_syn(syn)})"), data
    return None


def _syn(syn):
    return syn[0] + "".join(f"{i:02d}" for i in syn[1:])


def _or(names, word="or"):
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} {word} {names[-1]}"


def _ref(ref):
    """'SV101-2' for pyx12's 'SV101-02'; 'CLM05' stays."""
    ref = ref or ""
    head, dash, tail = ref.partition("-")
    return f"{head}-{int(tail)}" if dash and tail.isdigit() else ref


def _ele(spec, code, message, position, component=0):
    data = {"ik304": "8", "ik403": code, "element": spec.ref, "element_position": position,
            "data_element": spec.data_ele}
    if component:
        data["component_position"] = component
    return ELE_CODES[code], message, data


def _composite_missing(spec, position):
    return (COMPOSITE_MISSING, f"required composite {spec.ref} ({spec.name}) is missing",
            {"ik304": "8", "ik403": "1", "element": spec.ref, "element_position": position})


def _loop_name(node):
    loop = node.parent
    while loop is not None and not loop.is_root and loop.loop_id is None:
        loop = loop.parent
    if loop is None or loop.is_root:
        return "the transaction set"
    return "the header" if loop.loop_id == "header" else f"loop {loop.loop_id}"


# --------------------------------------------------------------------------- the stream

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
