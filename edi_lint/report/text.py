"""`path:line:col: RULE [TIP] message`, then one summary line."""
from __future__ import annotations


def _plural(n, word):
    return f"{n} {word}" + ("" if n == 1 or word == "info" else "s")


def render(result) -> str:
    out = []
    for f in result.findings:
        tip = f" [{f.tip}]" if f.tip else ""
        out.append(f"{f.path}:{f.line}:{f.col}: {f.rule}{tip} {f.message}")
    s = result.summary
    out.append(f"{_plural(s['error'], 'error')}, {_plural(s['warning'], 'warning')}, "
               f"{_plural(s['info'], 'info')} in {_plural(s['files'], 'file')} "
               f"({_plural(s['claims'], 'claim')}, {_plural(s['tar_requests'], 'TAR request')}, "
               f"{_plural(s['tar_responses'], 'TAR response')})"
               + _out_of_scope(result))
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
