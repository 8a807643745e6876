"""What the SNIP rule modules share: where a finding points, SV101's parts, the SV1 memos.

``finding_at`` places a finding at a segment with the builder's loop, claim and
service line; ``sv1_known_good`` is the guard share of the SV1 rules (X103, X501,
X502): a qualifier, code and modifiers already found well-formed.
"""
from __future__ import annotations

from ..model.common import Pos

NONE = ()  # the fast path's answer: no finding (no generator, no list)
CODES_OK: set[str] = set()  # procedure codes already found well-formed (a memo)
MODIFIERS_OK: set[str] = set()  # the same for modifiers (at most 36 * 36 entries)


def transaction_kind(handler):
    """'837P', '278' or None (outside a transaction, or one that is not checked)."""
    return handler.tx.kind if handler is not None else None


def finding_at(rule, ctx, seg, handler, message):
    """A finding at ``seg``, with the builder's loop, claim and service line."""
    loop = claim_id = line_no = None
    if handler is not None:
        loop = handler.loop
        claim = getattr(handler, "claim", None)
        if claim is not None:
            claim_id = claim.clm01
            line = handler.line
            if line is not None and handler.region == "2400":
                line_no = line.number
    return ctx.at(rule, Pos.of(seg, loop), message, claim_id=claim_id, service_line=line_no)


def sv101_parts(seg, handler):
    """(qualifier, code, modifiers) of an SV1: the builder's, else split here."""
    line = getattr(handler, "line", None)  # 837P service line
    if line is not None and line.pos is not None and line.pos.index == seg.index:
        return line.qualifier, line.code, line.modifiers
    service = getattr(handler, "service", None)  # 278 service level
    if service is not None and service.pos is not None and service.pos.index == seg.index:
        return service.qualifier, service.code, service.modifiers
    parts = seg.get(1).split(handler.tx.component)
    return parts[0], parts[1] if len(parts) > 1 else "", tuple(m for m in parts[2:6] if m)


def sv1_known_good(seg, handler) -> bool:
    """X103/X501/X502 on an SV1: HC qualifier, a known-good code and known-good modifiers."""
    qualifier, code, mods = sv101_parts(seg, handler)
    if qualifier != "HC" or (code and code not in CODES_OK):
        return False
    for m in mods:
        if m not in MODIFIERS_OK:  # holds 2-character, well-formed modifiers only
            return False
    return True


def rule_doc(summary, what, why, bad, good):
    """A rule docstring in the house template, for rules made from a table."""
    return (f"{summary}\n\nWhat it does: {what}\n\nWhy it matters: {why}\n\n"
            f"Example that fails: ``{bad}``\n\nExample that passes: ``{good}``")
