"""Acknowledgments of a run: the 999 (005010X231A1) and the 277CA (005010X214).

A run collects what they need only when asked: ``Options(ack=True)`` (the CLI's
``--format 999`` and ``--format 277ca`` set it). Then::

    from edi_lint.engine import Options, lint
    from edi_lint.ack import write_999, write_277ca

    result = lint(["claims.x12"], Options(ack=True, ack_date="202506301200"))
    text = write_999(result)                 # the 999s as a string
    write_277ca(result, stream=sys.stdout)   # or written to a text stream

``ack_date`` (``YYYYMMDD`` or ``YYYYMMDDHHMM``) fixes the dates written, for output that
does not change between runs; without it (here or in the options) the clock's are used.
See docs/acknowledgments.md.
"""
from __future__ import annotations

import io

from . import write277ca, write999
from .x12out import parse_ack_date, stamp

__all__ = ["write_999", "write_277ca", "parse_ack_date", "FORMATS"]

FORMATS = ("999", "277ca")


class NotCollected(ValueError):
    """The result was linted without ``Options(ack=True)``: no facts to acknowledge."""


def _facts_of(summary):
    facts = getattr(summary, "ack", None)
    if facts is None:
        raise NotCollected(f"{summary.path}: linted without Options(ack=True); lint again"
                           " with it to write acknowledgments")
    return facts


def _write(module, result, stream, ack_date):
    when = stamp(ack_date or result.options.ack_date)
    target = io.StringIO() if stream is None else stream
    module.write(result, target, when, _facts_of)
    return target.getvalue() if stream is None else None


def write_999(result, stream=None, ack_date: str | None = None) -> str | None:
    """The 999 of each input interchange of ``result``, concatenated in input order:
    returned as a string, or written to ``stream`` (a text stream; then None)."""
    return _write(write999, result, stream, ack_date)


def write_277ca(result, stream=None, ack_date: str | None = None) -> str | None:
    """The 277CA of each input interchange holding 837P claims (see ``write_999``)."""
    return _write(write277ca, result, stream, ack_date)


def write(result, fmt: str, stream) -> None:
    """The report formats' entry (``report.write``): ``fmt`` is '999' or '277ca'."""
    (write_999 if fmt == "999" else write_277ca)(result, stream)
