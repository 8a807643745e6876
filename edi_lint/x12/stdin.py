"""stdin read like a file: in chunks, each chunk also written to an anonymous temporary file.

A file's batch facts keep where their segments sit (a few bytes) and read a finding's
segment text back from the file when a batch rule reports it (``model.facts``). stdin
cannot be read back, so it used to keep every line's segment texts: 309 MB at the peak
for 60 MB of input, against 94 MB from a file. The copy lets stdin's facts be the same
small ones: ``read_back`` reads from it. It is deleted when it is closed (and by the
system if the process dies); it takes disk (or tmpfs) space, not memory.
"""
from __future__ import annotations

import tempfile

_copy = None  # the StdinCopy of this run, while it is open


class StdinCopy:
    """A read-only stream over ``stream`` that keeps a copy of what was read."""

    def __init__(self, stream):
        self.stream = stream
        self.copy = tempfile.TemporaryFile(prefix="edi-lint-stdin-")
        self.size = 0

    def read(self, size: int = -1) -> bytes:
        data = self.stream.read(size)
        if data:
            self.copy.write(data)
            self.size += len(data)
        return data

    def text(self, offset: int, length: int) -> str:
        """The bytes ``offset .. offset + length`` of what was read, as Latin-1."""
        if offset < 0 or offset >= self.size:
            return ""
        copy = self.copy
        copy.flush()
        copy.seek(offset)
        data = copy.read(length)
        copy.seek(0, 2)  # the end again, where the next chunk goes
        return data.decode("latin-1")

    def close(self) -> None:
        self.copy.close()


def open_copy(stream) -> StdinCopy:
    """The copy of this run (one, however often '-' is named: later reads find stdin at
    its end and add nothing)."""
    global _copy
    if _copy is None:
        _copy = StdinCopy(stream)
    return _copy


def copying() -> bool:
    """Whether stdin is read through a copy now (else its facts keep their texts)."""
    return _copy is not None


def read_back(offset: int, length: int) -> str:
    """A segment's text read back from stdin's copy ('' when there is none)."""
    return _copy.text(offset, length) if _copy is not None else ""


def close_copy() -> None:
    """Delete the copy (the end of the run)."""
    global _copy
    if _copy is not None:
        _copy.close()
        _copy = None
