"""Delimiters read from the ISA segment by position, never assumed."""
from __future__ import annotations

from dataclasses import dataclass

ISA_LENGTH = 106  # including the segment terminator
# Offsets of the 16 element separators in a fixed-width ISA.
ISA_SEPARATOR_OFFSETS = (3, 6, 17, 20, 31, 34, 50, 53, 69, 76, 81, 83, 89, 99, 101, 103)
WHITESPACE = " \t\r\n\x0b\x0c"
ISA_WIDTHS = (2, 10, 2, 10, 2, 15, 2, 15, 6, 4, 1, 5, 9, 1, 1, 1)  # ISA01..ISA16


@dataclass(frozen=True, slots=True)
class Delimiters:
    element: str
    component: str
    repetition: str | None
    segment: str

    @property
    def whitespace(self) -> str:
        """Whitespace that may surround segments, minus any delimiter."""
        used = (self.element, self.component, self.repetition, self.segment)
        return "".join(c for c in WHITESPACE if c not in used)


@dataclass(frozen=True, slots=True)
class IsaReading:
    """What reading an ISA found: delimiters, the ISA's length, and how."""

    delimiters: Delimiters | None
    length: int  # characters from 'I' up to and including the terminator
    fixed_width: bool
    problem: str | None = None  # why it could not be read, when delimiters is None


def read_isa(text: str, start: int) -> IsaReading:
    """Read the ISA beginning at ``text[start]``.

    A fixed-width ISA gives its delimiters by position. When its padding was
    collapsed, fall back to splitting on the element separator (and say so).
    """
    if len(text) - start < 4:
        return IsaReading(None, len(text) - start, False, "ISA segment is too short to read")
    sep = text[start + 3]
    if sep.isalnum() or sep in WHITESPACE:
        return IsaReading(None, 4, False, f"ISA element separator {sep!r} is not a delimiter")
    isa = text[start:start + ISA_LENGTH]
    if len(isa) == ISA_LENGTH and all(isa[i] == sep for i in ISA_SEPARATOR_OFFSETS):
        component, term = isa[104], isa[105]
        rep = isa[82] if isa[84:89] == "00501" else None
        delims = _checked(sep, component, rep, term)
        if delims:
            return IsaReading(delims, ISA_LENGTH, True)
    return _read_lenient(text, start, sep)


def _read_lenient(text: str, start: int, sep: str) -> IsaReading:
    pos = start
    for _ in range(16):
        pos = text.find(sep, pos + 1)
        if pos < 0 or pos - start > 400:
            return IsaReading(None, min(len(text) - start, 106), False,
                              "ISA segment is short or unreadable: fewer than 16 elements")
    if pos + 2 >= len(text):
        return IsaReading(None, len(text) - start, False, "ISA segment is truncated")
    component, term = text[pos + 1], text[pos + 2]
    fields = text[start:pos].split(sep)
    rep = fields[11][:1] if len(fields) > 12 and fields[12].strip() == "00501" else None
    delims = _checked(sep, component, rep, term)
    if delims is None:
        return IsaReading(None, pos + 3 - start, False, "ISA delimiters are not distinct")
    return IsaReading(delims, pos + 3 - start, False)


def _checked(sep, component, rep, term) -> Delimiters | None:
    if rep is not None and (rep.isalnum() or rep == " " or rep in (sep, component, term)):
        rep = None  # a 4010-style 'U' or a clash: no repetition separator
    if term.isalnum() or term == " " or len({sep, component, term}) < 3 or component.isalnum():
        return None
    return Delimiters(sep, component, rep, term)


def misalignment(text: str, start: int, reading: IsaReading) -> str:
    """Why the ISA at ``text[start]``, read leniently, is not fixed width: the fields whose
    width is not the guide's ('ISA06 is 16 characters, not 15'), or where the element
    separators stand instead of their fixed offsets."""
    isa = text[start:start + reading.length - 1]  # without the terminator
    fields = isa.split(reading.delimiters.element)[1:17]
    wrong = [f"ISA{i:02d} is {len(value)} characters, not {width}"
             for i, (value, width) in enumerate(zip(fields, ISA_WIDTHS), 1) if len(value) != width]
    if wrong:
        shown = wrong[:3] + ([f"{len(wrong) - 3} more"] if len(wrong) > 3 else [])
        return "; ".join(shown)
    return "its element separators are not at their fixed offsets"
