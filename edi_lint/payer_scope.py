"""The payer scope in a run: which claims and TARs the billing rules govern, and B001.

The scope itself is profile data (``profiles.loader.PayerScope``: the profile's
``[[scope]]`` or ``--payer``); the engine asks ``covered`` once a claim or TAR and, for a
file none of whose claims and TARs is in scope, reports B001 (``rules/payers.py``) at the
place ``scope_note`` kept: the first one's payer NM1.
"""
from __future__ import annotations

from .findings import Finding


def run_scope(profile, payers=()):
    """The payer scope of a run: ``payers`` (``--payer``) else the profile's
    ``[[scope]]``; None when it takes every payer (no claim or TAR is asked)."""
    from .profiles import PayerScope
    scope = PayerScope.of_values(payers) if payers else getattr(profile, "scope", None)
    return None if scope is None or scope.everyone else scope


def covered(covers, payer, filing_code, day) -> bool:
    """Whether the scope's ``covers`` takes ``payer`` ((NM103, NM109, Pos) of a claim's
    2010BB or a TAR's 2010A, or None: no payer named) at ``day``."""
    if payer is None:
        return covers("", "", filing_code, day)
    return covers(payer[1], payer[0], filing_code, day)


def scope_note(payer, pos, path, what) -> Finding:
    """B001's place and payer, kept until the file (or part) is read: the first
    out-of-scope claim's or TAR's payer NM1 (else ``pos``: its CLM, UM or HL)."""
    where = payer[2] if payer is not None else pos
    return Finding(rule="B001", message=_payer_label(payer, what), path=path,
                   line=where.line, col=where.col, segment_index=where.index,
                   segment_id=where.segment_id, offset=where.offset, severity="info",
                   loop=where.loop, content=where.text)


def _payer_label(payer, what) -> str:
    """The first out-of-scope object's payer, as B001 names it (payer names are no PHI)."""
    if payer is None:
        return f"the first {what} names no payer"
    name, pid = payer[0].strip()[:35], payer[1].strip()[:20]
    return f"the first {what}'s payer is {name or '(no name)'!r}" + (f" ({pid})" if pid else "")


def scope_finding(summary) -> Finding:
    """B001 (info) for a file none of whose claims and TARs is in the payer scope, at
    the place ``summary.scope_note`` kept."""
    note = summary.scope_note
    parts = []
    if summary.claims:
        parts.append(f"{summary.claims} claim" + ("" if summary.claims == 1 else "s"))
    tars = summary.tar_requests + summary.tar_responses
    if tars:
        parts.append(f"{tars} TAR" + ("" if tars == 1 else "s"))
    message = (f"none of the file's {' and '.join(parts)} is in the payer scope (--payer, or"
               f" the profile's [[scope]]): no billing rule checked them; {note.message}")
    return Finding(rule="B001", message=message, path=note.path, line=note.line, col=note.col,
                   segment_index=note.segment_index, segment_id=note.segment_id,
                   offset=note.offset, severity="info", loop=note.loop, content=note.content)
