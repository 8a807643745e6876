"""Writing acknowledgment X12: segments, the answering ISA/GS, and the date stamp.

An acknowledgment answers one input interchange: its ISA and GS swap the input's
sender and receiver, its ISA13 is the input's (so the submitter matches the two; another
number when one output would repeat it), and its dates come from ``--ack-date`` or the
clock. Separators are fixed: ``*`` elements,
``:`` components, ``^`` repetitions, ``~`` ending each segment, one a line.
"""
from __future__ import annotations

import datetime as _dt
import re

_STAMP = re.compile(r"\d{8}(\d{4})?")
UNSAFE = re.compile(r"[*:~^\r\n]")  # our separators: a value holding one is not written


_NOT_COPIED = re.compile(r"[*:~^]|[^ -~]")  # our separators, what is not printable ASCII


def clean(value: str, limit: int) -> str:
    """An input value copied into an acknowledgment: without our separators (an input with
    other delimiters can hold them as data) or bytes X12's basic and extended character
    sets lack, spaces trimmed, at most ``limit`` characters."""
    return _NOT_COPIED.sub("", value or "").strip()[:limit]


def parse_ack_date(text: str) -> tuple[str, str]:
    """'YYYYMMDD' or 'YYYYMMDDHHMM' -> (CCYYMMDD, HHMM); ValueError when it is neither
    or names no real date and time (a date alone is at 0000)."""
    if not _STAMP.fullmatch(text or ""):
        raise ValueError(f"ack date {text!r} is not YYYYMMDD or YYYYMMDDHHMM")
    hhmm = text[8:] or "0000"
    try:
        _dt.datetime.strptime(text[:8] + hhmm, "%Y%m%d%H%M")
    except ValueError:
        raise ValueError(f"ack date {text!r} is not a real date and time") from None
    return text[:8], hhmm


def stamp(ack_date: str | None) -> tuple[str, str]:
    """(CCYYMMDD, HHMM) of ``ack_date``, else of the local clock now."""
    if ack_date:
        return parse_ack_date(ack_date)
    now = _dt.datetime.now()
    return now.strftime("%Y%m%d"), now.strftime("%H%M")


class Segments:
    """Segments written to a text stream, counted for SE01; the interchange control numbers
    used so far (one output never repeats one)."""

    def __init__(self, stream):
        self.write = stream.write
        self.count = 0
        self.used: set[int] = set()

    def seg(self, *elements) -> None:
        """One segment; trailing empty elements are left out."""
        values = list(elements)
        while values and values[-1] == "":
            values.pop()
        self.write("*".join(values) + "~\n")
        self.count += 1

    def control_number(self, isa13: str) -> str:
        """The acknowledgment's ISA13: the input's when it is 9 digits and not used yet in
        this output, else the next number after the highest used (from 000000001)."""
        number = int(isa13) if len(isa13) == 9 and isa13.isdigit() else 0
        if not number or number in self.used:
            number = max(self.used, default=0) + 1
        self.used.add(number)
        return f"{number:09d}"


def open_interchange(out: Segments, ic, when, gs01: str, version: str) -> str:
    """ISA and GS answering interchange ``ic`` (its first group's GS ids, swapped);
    returns the control number used (ISA13, IEA02, and as a number GS06 and GE02)."""
    date, time = when
    control = out.control_number(ic.control)
    first = ic.groups[0]
    # an ISA read without its ids: ZZ and the ids of its first GS
    receiver = clean(ic.receiver[1], 15) or _id(first.receiver)
    sender = clean(ic.sender[1], 15) or _id(first.sender)
    out.seg("ISA", "00", " " * 10, "00", " " * 10, _qualifier(ic.receiver[0]),
            receiver.ljust(15), _qualifier(ic.sender[0]), sender.ljust(15),
            date[2:], time, "^", "00501", control, "0",
            ic.usage if ic.usage in ("P", "T") else "P", ":")
    out.seg("GS", gs01, _id(first.receiver), _id(first.sender), date, time, str(int(control)),
            "X", version)
    return control


def close_interchange(out: Segments, sets: int, control: str) -> None:
    out.seg("GE", str(sets), str(int(control)))
    out.seg("IEA", "1", control)


_QUALIFIERS = frozenset(("01", "14", "20", "27", "28", "29", "30", "33", "ZZ"))


def _qualifier(value: str) -> str:
    """ISA05/ISA07 as read when it is a 005010 qualifier (I05), else ZZ (mutually defined)."""
    return value if value in _QUALIFIERS else "ZZ"


def _id(value: str) -> str:
    """A GS02/GS03 application id (2 to 15 characters)."""
    value = clean(value, 15)
    return value if len(value) >= 2 else (value or "NA").ljust(2, "0")
