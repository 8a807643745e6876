"""Positions and transaction identity shared by claims and TARs."""
from __future__ import annotations

from typing import NamedTuple

from ..x12.values import to_number


class Pos(NamedTuple):
    """Where a segment sits: index in file, line, column, byte offset, id, loop."""

    index: int
    line: int
    col: int
    offset: int
    segment_id: str
    loop: str | None
    text: str = ""

    @classmethod
    def of(cls, seg, loop):
        # tuple.__new__ directly: the generated NamedTuple __new__ is a Python frame, and
        # the builders make a Pos for most segments they read
        return _new(cls, (seg.index, seg.line, seg.col, seg.offset, seg.tag, loop, seg.text))


_new = tuple.__new__


class Transaction:
    """One ST..SE transaction set of one file."""

    __slots__ = ("path", "file_no", "kind", "version", "control", "pos", "purpose", "component",
                 "repetition")

    def __init__(self, path, file_no, kind, version, control, pos, component=":",
                 repetition=None, purpose=None):
        self.component = component
        self.repetition = repetition
        self.path = path
        self.file_no = file_no  # order of the file in the batch
        self.kind = kind  # "837P" or "278"
        self.version = version
        self.control = control
        self.pos = pos
        self.purpose = purpose  # 278: "request" (BHT02 13) or "response" (11)


def money_cents(raw: str) -> int | None:
    """'400', '400.5', '400.00' -> cents; None when not an X12 number (X102 says so)."""
    value = to_number(raw)
    return None if value is None else round(value * 100)


quantity = to_number  # '2', '1.5' -> a float; None when not an X12 number (X102 says so)
