"""`path:line:col: severity RULE [TIP] message`, then one summary line.

The summary counts every finding of the run; when ``--min-severity`` left some out of
the lines above it, it says how many.
"""
from __future__ import annotations


def _plural(n, word):
    return f"{n} {word}" + ("" if n == 1 or word == "info" else "s")


def line(f) -> str:
    """One finding as a line: its position, severity word, rule, tip and message."""
    tip = f" [{f.tip}]" if f.tip else ""
    return f"{f.path}:{f.line}:{f.col}: {f.severity} {f.rule}{tip} {f.message}"


def summary_line(result) -> str:
    s = result.summary
    text = (f"{_plural(s['error'], 'error')}, {_plural(s['warning'], 'warning')}, "
            f"{_plural(s['info'], 'info')} in {_plural(s['files'], 'file')} "
            f"({_plural(s['claims'], 'claim')}, {_plural(s['tar_requests'], 'TAR request')}, "
            f"{_plural(s['tar_responses'], 'TAR response')})" + _out_of_scope(result))
    if result.counted is not None:
        hidden = len(result.counted) - len(result.findings)
        text += (f"; {hidden} below {result.options.min_severity} not shown"
                 f" (--min-severity)")
    return text


def render(result) -> str:
    out = [line(f) for f in result.findings]
    out.append(summary_line(result))
    return "\n".join(out) + "\n"


def _out_of_scope(result) -> str:
    """'; 2 claims and 1 TAR outside the payer scope (--payer)' when a scope is set."""
    source = getattr(result, "payer_scope", None)
    if source is None:
        return ""
    claims, tars = result.out_of_scope
    where = "--payer" if source == "--payer" else "the profile's [[scope]]"
    return (f"; {_plural(claims, 'claim')} and {_plural(tars, 'TAR')} outside the payer scope"
            f" ({where})")
