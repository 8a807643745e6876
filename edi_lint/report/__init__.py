"""Output formats: each turns a Result into text (no printing here).

``render`` returns the whole text; ``write`` puts the same text on a stream, in
pieces where the format can (JSON: a big batch's report never exists as one string).
Both show ``result.shown()``: the findings at or above ``options.min_severity``, with
the summary still counting all of them.
"""
from __future__ import annotations

import importlib

FORMATS = ("text", "json")


def _module(fmt: str):
    if fmt == "json":
        from . import json_format as module
    elif fmt == "text":
        from . import text as module
    else:
        module = importlib.import_module(f"{__name__}.{fmt}_format")
    return module


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
