"""The 837P pass's counts (pyx12's NodeCounter) and the segment-level problems they find."""
from __future__ import annotations

from .findings import shown_id

_EMPTY: dict = {}

# rule code of each segment-level problem (pyx12's IK304 code)
SEG_CODES = {"1": "I101", "2": "I101", "3": "I103", "3L": "I104", "4": "I105", "5": "I106"}


class WalkCounts:
    """``Ig837``'s counts: replay a walk trace against the open loops' frames, report problems."""

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


def _loop_name(node):
    loop = node.parent
    while loop is not None and not loop.is_root and loop.loop_id is None:
        loop = loop.parent
    if loop is None or loop.is_root:
        return "the transaction set"
    return "the header" if loop.loop_id == "header" else f"loop {loop.loop_id}"
