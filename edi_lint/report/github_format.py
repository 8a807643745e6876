"""GitHub Actions workflow commands: one annotation per finding.

    ::error file=claims/june.x12,line=29,col=1,title=B101 ECM-01::G9012-U2 on ...

``error`` -> ``::error``, ``warning`` -> ``::warning``, ``info`` -> ``::notice``.
Escaping follows the runner's rules: in the message ``%``, CR and LF become
``%25``, ``%0D``, ``%0A``; in properties ``:`` and ``,`` also become ``%3A``
and ``%2C``. A plain summary line closes the output.
"""
from __future__ import annotations

import os

from .text import summary_line

COMMANDS = {"error": "error", "warning": "warning", "info": "notice"}


def escape_data(text: str) -> str:
    return str(text).replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def _path(path: str) -> str:
    if path == "-" or not path:
        return "stdin"
    return os.path.relpath(os.path.abspath(path)).replace(os.sep, "/")


def render(result) -> str:
    out = []
    for f in result.findings:
        title = f"{f.rule} {f.tip}" if f.tip else f.rule
        props = (f"file={escape_property(_path(f.path))},line={max(1, f.line)},"
                 f"col={max(1, f.col)},title={escape_property(title)}")
        out.append(f"::{COMMANDS.get(f.severity, 'warning')} {props}::{escape_data(f.message)}")
    out.append(summary_line(result))  # the text summary line
    return "\n".join(out) + "\n"
