"""The one finding type every layer produces, and its deterministic order."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

SEVERITIES = ("error", "warning", "info")
SEVERITY_RANK = {"error": 3, "warning": 2, "info": 1}


def shown_id(tag: str) -> str:
    """A segment's id as findings show it. Ids are 2 or 3 characters; a longer "id" is a
    segment whose element separator is not the file's, i.e. its data (a member's name
    and id, perhaps): only its first 3 characters are shown."""
    return tag if len(tag) <= 3 else f"{tag[:3]}..."


NO_ID = "a segment without an id (it begins with the element separator)"


def named_segment(tag: str) -> str:
    """A segment as a message names it: '<id> segment', or ``NO_ID`` when it has no id."""
    return f"{shown_id(tag)} segment" if tag else NO_ID


_QUOTED = re.compile(r"'(?:[^'\\]|\\.)*'" "|" r'"(?:[^"\\]|\\.)*"')  # repr()s of str
_SPILL = ("\\n", "\\r", "~")  # as a quoted value shows them (repr: a line break escaped)


def without_spill(message: str) -> str:
    """``message`` with each quoted value cut where it runs on into another segment.

    Messages quote element values (``!r``). A segment whose terminator was lost (or an
    interchange whose delimiters were misread) holds the next segments in its last
    element: the value then runs on past a line break or a ``~`` into text that can
    name a member. It is cut there ('0050...').
    """
    if "\\" not in message and "~" not in message:
        return message

    def cut(match):
        text = match.group()
        body = text[1:-1]
        for mark in _SPILL:
            at = body.find(mark)
            if 0 <= at < len(body) - len(mark):  # more text after it: another segment
                body = body[:at] + "..."
        return text[0] + body + text[0]
    return _QUOTED.sub(cut, message)


@dataclass(slots=True)
class Finding:
    """A problem found at one place of one file.

    ``segment_index`` is the 1-based index of the segment in the file (0 for a
    file-level problem before the first segment); ``line``/``col`` are physical.
    """

    rule: str
    message: str
    path: str = ""
    line: int = 1
    col: int = 1
    segment_index: int = 0
    segment_id: str | None = None
    offset: int = 0
    tip: str | None = None
    severity: str = "error"
    loop: str | None = None
    claim_id: str | None = None
    service_line: int | None = None
    trace: str | None = None  # TAR trace number (278), for baselines
    content: str = field(default="", repr=False)  # segment text, for baselines and HTML
    # Acknowledgment codes for 999/277CA writers (not in the JSON contract; SARIF
    # properties carry it). Keys, each optional: "ik304" (segment syntax error code),
    # "ik403" (element syntax error code), "element" (a reference such as "SV101-2"),
    # "element_position", "component_position", "repeat_position" (ints),
    # "data_element" (the X12 data element number, str), "ik502" (transaction set syntax
    # error code), "ak905" (functional group syntax error code), "ta105" (TA1 interchange
    # note code, for interchange-level findings), "missing_segment" (with ik304 "3": the id
    # of the required segment missing before this one, which a 999's IK301 names).
    data: dict | None = field(default=None, repr=False)

    def sort_key(self):
        return (self.path, self.segment_index, self.offset, self.rule, self.tip or "", self.message)

    def as_dict(self) -> dict:
        """The JSON contract's finding object (exact keys, in order)."""
        return {
            "rule": self.rule,
            "tip": self.tip,
            "severity": self.severity,
            "message": self.message,
            "path": self.path,
            "line": self.line,
            "segment_index": self.segment_index,
            "segment_id": self.segment_id,
            "loop": self.loop,
            "claim_id": self.claim_id,
            "service_line": self.service_line,
        }


def sort_findings(findings):
    """Sort in place by path, position, rule (the order of every output)."""
    findings.sort(key=Finding.sort_key)
    return findings
