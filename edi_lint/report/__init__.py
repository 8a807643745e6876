"""Output formats: each turns a Result into text (no printing here)."""
from __future__ import annotations

FORMATS = ("text", "json")


def render(result, fmt: str) -> str:
    if fmt == "json":
        from .json_format import render as r
    elif fmt == "text":
        from .text import render as r
    else:
        import importlib
        r = importlib.import_module(f"{__name__}.{fmt}_format").render
    return r(result)
