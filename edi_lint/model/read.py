"""One file's bytes -> 837P claims and 278 TARs: reader, envelopes and builders wired.

The one reading service of the project: the engine checks what it reads
(``edi_lint.engine.Linter.lint_stream``), the ledger records it
(``edi_lint.ledger.record.read_files``); neither runs the other.
"""
from __future__ import annotations

import gc
from contextlib import contextmanager

from ..x12.envelope import EnvelopeTracker
from ..x12.reader import SegmentReader
from .build278 import Tar278Builder
from .build837 import Claim837Builder
from .common import Pos, Transaction


class FileRead:
    """The reading of one file (or of a part of one, from ``resume``).

    ``on_claim`` gets each 837P claim, ``on_tar`` each 278 request or response, and
    ``report(code, message, seg, loop=None, claim=None, tip=None, data=None)`` each
    envelope and builder problem (the reader's own are ``reader.findings``). Drive it
    with ``tracker.run(segments, after)`` then ``tracker.finish()``.
    """

    __slots__ = ("reader", "tracker", "sets")

    def __init__(self, stream, path: str, file_no: int, report, on_claim, on_tar,
                 resume=None):
        reader = self.reader = SegmentReader(stream, path, resume=resume)
        # (ST segment index, ST02) of each 837P and 278 transaction set, in file order
        sets = self.sets = []

        def open_transaction(kind, version, st, gs):
            sets.append((st.index, st.get(2)))
            delims = reader.delimiters
            tx = Transaction(path, file_no, kind, version, st.get(2), Pos.of(st, "header"),
                             delims.component, delims.repetition)
            if kind == "837P":
                return Claim837Builder(tx, on_claim, report)
            return Tar278Builder(tx, on_tar, report)

        self.tracker = EnvelopeTracker(report, open_transaction)


@contextmanager
def collector_off():
    """The cyclic garbage collector off: reading allocates millions of short-lived
    objects and no cycle (a claim's lines are let go by the caller)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _ignore(*args, **fields) -> None:
    """A ``report`` that keeps nothing (reading for records, not for findings)."""


def read_objects(stream, path: str, file_no: int, on_claim, on_tar) -> None:
    """Read a whole file into ``on_claim``/``on_tar``, its problems left to ``check``.

    A claim is let go of once ``on_claim`` returns (its lines no longer refer to it).
    """
    claims = 0

    def claim_done(claim):
        nonlocal claims
        on_claim(claim)
        for line in claim.lines:  # a claim and its lines refer to each other: free it now
            line.claim = None
        claims += 1
        if not claims % 10000:
            gc.collect(1)  # any other cycle: young objects only, each looked at once

    read = FileRead(stream, path, file_no, _ignore, claim_done, on_tar)
    with collector_off():
        read.tracker.run(read.reader, None)
        read.tracker.finish()
