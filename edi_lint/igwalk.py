"""pyx12's 837P map as linked nodes (get_map) and the structural walk over them."""
from __future__ import annotations

from .igelements import Spec

# Loops of pyx12's map that are envelopes or tables, not 837P loops (as ig.py names them).
_NOT_LOOPS = {"ISA_LOOP": None, "GS_LOOP": None, "ST_LOOP": None, "HEADER": "header",
              "DETAIL": None, "FOOTER": None}
KEY_POSITIONS: dict = {}  # segment id -> where its qualifier is read (IgMap fills it)

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
                 "specs", "syntax", "loop_id", "index", "clean", "traces", "min_have", "fast",
                 "plans")

    def __init__(self, d, parent):
        for name in ("id", "name", "usage", "pos", "max_use", "path", "key", "syntax"):
            setattr(self, name, d[name])
        self.raw = d["elements"]
        self.specs = None  # built at first use: a file meets a few dozen of the map's segments
        self.clean: set = set()  # segment texts seen clean here (bounded)
        self.traces: dict = {}  # the walks from here (see Ig837.segment)
        required = [i + 1 for i, t in enumerate(self.raw) if t[4] == "R"]
        self.min_have = max(required) + 1 if required else 1
        self.fast: dict = {}  # (element separator, component separator) -> regex or None
        self.plans: dict = {}  # (element separator, component separator) -> plan or None
        self.parent = parent
        self.loop_id = parent.loop_id

    @property
    def elements(self):
        specs = self.specs
        if specs is None:
            specs = self.specs = tuple(Spec(t) for t in self.raw)
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
        KEY_POSITIONS.clear()
        KEY_POSITIONS.update({tag: (pos[0][0] if len(pos) == 1 and not pos[0][1] else pos)
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

def get_value(elements, ele, comp, sep):
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
    return get_value(elements, key[0], key[1], sep) in key[2]


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


def walk_trace(node, tag, elements, sep):
    """(found node, and when counting it is all there is to do: its loop, its x12 path and
    the count past which it is a problem (0 when it is not used); the ops)."""
    walk = _Walk(elements, sep)
    found = walk.run(node, tag)
    ops = tuple(walk.ops)
    if len(ops) == 1 and ops[0][0] == 2:
        child = ops[0][1]
        return found, child.parent, child.path, 0 if child.usage == "N" else child.max_use, ops
    return found, None, None, 0, ops
