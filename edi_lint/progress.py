"""A progress bar on stderr for long batches: only on a terminal, only after a while.

Nothing is written when stderr is not a terminal (a pipe, a file, CI logs), when
``EDI_LINT_NO_PROGRESS`` is set or ``TERM`` is ``dumb``, or before the run has
taken ``DELAY`` seconds: a pre-commit hook on one small file never sees it. It
never touches stdout, where the report (text, JSON...) goes. The bar counts bytes:
the reader advances it once per chunk read (about 1 MB), ``-j`` once per file.
"""
from __future__ import annotations

import os
import sys
import time

DELAY = 2.0  # seconds before the bar appears
REFRESH = 0.2  # seconds between redraws
WIDTH = 30


def wanted(stream=None) -> bool:
    """Whether a progress bar may be drawn on ``stream`` (stderr by default)."""
    stream = stream if stream is not None else sys.stderr
    if os.environ.get("EDI_LINT_NO_PROGRESS") or os.environ.get("TERM") == "dumb":
        return False
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


class Progress:
    """Bytes done of ``total``, drawn as ``[#####.....]  42%  120.5/287.0 MB  2 of 9 files``."""

    def __init__(self, total: int, files: int, stream=None, clock=time.monotonic):
        self.total = max(total, 1)
        self.files = files
        self.stream = stream if stream is not None else sys.stderr
        self.clock = clock
        self.start = clock()
        self.done = 0
        self.files_done = 0
        self.drawn = False
        self.next_draw = self.start + DELAY
        self.note = ""

    def advance(self, nbytes: int) -> None:
        self.done += nbytes
        now = self.clock()
        if now >= self.next_draw:
            self.next_draw = now + REFRESH
            self._draw()

    def file_done(self) -> None:
        self.files_done += 1

    def files_read(self) -> None:
        """Every file is read; the batch-wide rules run now (shown when the bar is up)."""
        self.note = "batch-wide rules"
        if self.drawn:
            self._draw()

    def close(self) -> None:
        """Erase the bar (the report follows on a clean terminal)."""
        if self.drawn:
            self.stream.write("\r" + " " * 80 + "\r")
            self.stream.flush()

    def _draw(self) -> None:
        share = min(self.done / self.total, 1.0)
        bar = "#" * int(share * WIDTH)
        text = (f"\r[{bar:<{WIDTH}}] {share * 100:3.0f}%  {self.done / 1e6:.1f}/"
                f"{self.total / 1e6:.1f} MB")
        if self.note:
            text += f"  {self.note}..."
        elif self.files > 1:
            text += f"  {self.files_done} of {self.files} files"
        self.stream.write(f"{text[:80]:<80}")
        self.stream.flush()
        self.drawn = True


class CountingStream:
    """A binary stream that advances ``progress`` by the bytes each ``read`` returns."""

    def __init__(self, raw, progress: Progress):
        self.raw = raw
        self.progress = progress

    def read(self, size: int = -1) -> bytes:
        data = self.raw.read(size)
        self.progress.advance(len(data))
        return data

    def close(self) -> None:
        self.raw.close()


def for_files(paths) -> Progress | None:
    """A Progress over ``paths`` (bytes of the regular files), or None when not wanted."""
    if not wanted():
        return None
    total = 0
    for path in paths:
        if path == "-":
            continue
        try:
            total += os.path.getsize(path)
        except OSError:
            pass
    return Progress(total, len(paths))
