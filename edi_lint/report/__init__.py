"""Output formats: each turns a Result into text (no printing here).

``render`` returns the whole text; ``write`` puts the same text on a stream, in
pieces where the format can (JSON: a big batch's report never exists as one string).
Both show ``result.shown()``: the findings at or above ``options.min_severity``, with
the summary still counting all of them. Acknowledgments are answers, not displays: they
always read every finding.
"""
from __future__ import annotations

import importlib
from dataclasses import replace

FORMATS = ("text", "json")


def _module(fmt: str):
    if fmt in ("999", "277ca"):  # acknowledgments: X12, written by edi_lint.ack
        from .. import ack
        return _Ack(ack, fmt)
    if fmt == "json":
        from . import json_format as module
    elif fmt == "text":
        from . import text as module
    else:
        module = importlib.import_module(f"{__name__}.{fmt}_format")
    return module


class _Ack:
    """An acknowledgment format as a report module (``write`` only)."""

    def __init__(self, ack, fmt):
        self.ack, self.fmt = ack, fmt

    def write(self, result, stream):
        if result.counted is not None:  # --min-severity shapes displays, not answers
            result = replace(result, findings=result.counted, counted=None)
        self.ack.write(result, self.fmt, stream)

    def render(self, result):
        from io import StringIO
        out = StringIO()
        self.write(result, out)
        return out.getvalue()


def render(result, fmt: str) -> str:
    return _module(fmt).render(result.shown())


def write(result, fmt: str, stream) -> None:
    """Write what ``render`` returns to ``stream`` (a text stream)."""
    module = _module(fmt)
    result = result.shown()
    if hasattr(module, "write"):
        module.write(result, stream)
    else:
        stream.write(module.render(result))
