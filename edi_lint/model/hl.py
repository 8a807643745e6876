"""HL04, the hierarchical child code, against the HL tree (S004), for 837P and 278.

HL04 is 1 when a child HL (one whose HL02 names this HL) follows, 0 when none does
(X12 element 736; x12-notes.md §3.1). An HL tree is written in pre-order: once an HL
that is not a descendant follows, a subtree is closed for good. So only the open path
(the ancestors of the current HL, a few deep) is kept, and each HL is judged when its
subtree closes: one list operation an HL, no memory per HL.
"""
from __future__ import annotations

# The 999 codes of an HL04 that contradicts the tree: a data element error (IK304 8),
# its value not valid here (IK403 7), element 736.
S004_DATA = {"ik304": "8", "ik403": "7", "element": "HL04", "element_position": 4,
             "data_element": "736"}


class ChildCodes:
    """Check each HL's HL04 as the tree closes (``hl`` at each HL, ``finish`` at SE)."""

    __slots__ = ("report", "path", "broken", "nested")

    def __init__(self, report, nested=()):
        self.report = report
        # loops whose HL04 stays 0 over a child HL of the same loop: the 278's 2000F, as
        # the X217 TR3's own transport example nests service levels (HL*6*5*SS*0)
        self.nested = frozenset(nested)
        self.path: list = []  # [HL segment, its HL01, loop, a child seen?] from the root down
        self.broken = False  # an HL02 named no open HL: which HL lacks a child is unknown

    def hl(self, seg, hl_id: str, parent: str, loop, sound: bool = True) -> None:
        """An HL; ``sound`` False when its parent is of the wrong level (S003): then, as for
        an unknown parent, which HL it meant is unknown."""
        path = self.path
        if not sound:
            self.broken = True
        depth = len(path) - 1
        if parent:
            while depth >= 0 and path[depth][1] != parent:
                depth -= 1
            if depth < 0:  # an unknown or closed parent: S002's; a 1 without a child
                self.broken = True  # may be the parent this HL meant, so no longer judged
                path.append([seg, hl_id, loop, False])
                return
        else:
            depth = -1
        while len(path) > depth + 1:
            self._closed(path.pop())
        if path:
            above = path[-1]
            if not above[3]:
                above[3] = True
                if above[0].get(4) == "0" and not (loop == above[2] and loop in self.nested):
                    self.report("S004", f"HL04 of HL {parent} is 0 (no child HL) but HL {hl_id}"
                                f" names it as its parent: HL04 must be 1", above[0],
                                loop=above[2], data=dict(S004_DATA))
        path.append([seg, hl_id, loop, False])

    def finish(self) -> None:
        """The transaction set ended: every open HL is closed."""
        while self.path:
            self._closed(self.path.pop())

    def _closed(self, entry) -> None:
        seg, hl_id, loop, has_child = entry
        if not has_child and not self.broken and seg.get(4) == "1":
            self.report("S004", f"HL04 of HL {hl_id} is 1 (a child HL follows) but no HL names"
                        f" it as its parent: HL04 must be 0", seg, loop=loop,
                        data=dict(S004_DATA))
