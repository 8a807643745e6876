"""SNIP 1: X101, required elements and components, with the tables of what each segment requires.

Its fast path is one compiled predicate per segment id (and 837P NM1 loop); its share of
the fused SNIP guard is the same predicate's terms (``guard``).
"""
from __future__ import annotations

from .base import Rule
from .registry import register
from .segment_guards import Guard
from .snip_common import NONE, finding_at, transaction_kind

# Elements required in every use of the segment (1-based positions), per transaction kind.
_REQUIRED_ENVELOPE = {"ST": (1, 2), "SE": (1, 2), "GS": (1, 2, 3, 4, 5, 6, 7, 8),
                      "GE": (1, 2), "IEA": (1, 2)}
_REQUIRED_BOTH = {"NM1": (1, 2), "HL": (1, 3, 4), "REF": (1, 2), "DTP": (1, 2, 3), "N3": (1,),
                  "PER": (1,), "PRV": (1, 2, 3), "PWK": (1, 2), "HI": (1,), "AMT": (1, 2),
                  "CAS": (1, 2, 3)}
_REQUIRED_837 = {**_REQUIRED_BOTH,
                 "BHT": (1, 2, 3, 4, 5, 6), "N4": (1,), "DMG": (1, 2, 3),
                 "SBR": (1,), "CLM": (1, 2, 5, 6, 7, 8, 9), "LX": (1,), "SV1": (1, 2, 3, 4, 7),
                 "OI": (3, 6), "SVD": (1, 2, 3, 5), "LIN": (2, 3), "CTP": (4, 5), "NTE": (1, 2),
                 "K3": (1,), "QTY": (1, 2), "CN1": (1,), "HCP": (1, 2), "LQ": (1, 2),
                 "FRM": (1,), "CRC": (1, 2, 3), "PS1": (1, 2), "CR3": (1, 2, 3)}
_REQUIRED_278 = {**_REQUIRED_BOTH, "BHT": (1, 2, 3, 4), "TRN": (1, 2, 3), "SV1": (1,)}
# 837P NM1 by loop (the builder's loop after the NM1): NM103 is not used in the pay-to
# address, ambulance locations and most 2330x loops; NM108/NM109 are required in a few.
_NM1_837 = {
    **{loop: (1, 2, 3) for loop in ("2010AA", "2310A", "2310B", "2310C", "2310D", "2420A",
                                     "2420C", "2420D", "2420E", "2420F", "2010CA")},
    **{loop: (1, 2, 3, 8, 9) for loop in ("1000A", "1000B", "2010AC", "2010BA", "2010BB",
                                           "2330A", "2330B")},
}
# Required components of composites: (segment, element) -> component positions.
_COMPONENTS_837 = {"CLM": ((5, (1, 2, 3)),), "SV1": ((1, (1, 2)), (7, (1,))),
                   "HI": ((1, (1, 2)),)}
_COMPONENTS_278 = {"SV1": ((1, (1, 2)),)}
# X12 paired elements (P relational conditions): both or neither.
_PAIRED = {"NM1": ((8, 9),), "PER": ((3, 4), (5, 6), (7, 8))}


def _first(value: str, comp: str, k: int) -> bool:
    """True when the first ``k`` components of a composite are all present."""
    parts = value.split(comp, k)
    return len(parts) >= k and all(parts[:k])


def _predicate(tag, required, composites=(), pairs=()):
    """A compiled ``ok(elements, handler)``: True when nothing required is missing."""
    terms = _required_terms(tag, required, composites, pairs)
    return eval(f"lambda e, h: bool({' and '.join(terms)})", {"_first": _first})  # noqa: S307


def _required_terms(tag, required, composites=(), pairs=(), inline=False):
    """The terms of ``_predicate`` (Python expressions over ``e`` and ``h``); ``inline``
    spells ``_first`` out (for the fused guards, which may assign ``_p``)."""
    top = max(required, default=0)
    terms = [f"len(e) > {top}"] + [f"e[{i}]" for i in required]
    if tag == "HL":
        terms.append("(e[3] == '20' or not e[3] or e[2])")
    for i, parts in composites:
        assert parts == tuple(range(1, len(parts) + 1)) and i in required
        k = len(parts)
        if not inline:
            terms.append(f"_first(e[{i}], h.tx.component, {k})")
        elif k == 1:  # e[i] is not empty (required): its first component is not
            terms.append(f"not e[{i}].startswith(h.tx.component)")
        else:
            terms.append(f"(len(_p := e[{i}].split(h.tx.component, {k})) >= {k} and "
                         + " and ".join(f"_p[{j}]" for j in range(k)) + ")")
    for a, b in pairs:
        terms.append(f"(len(e) <= {a} or bool(e[{a}]) == (len(e) > {b} and bool(e[{b}])))")
    return terms


def _fast_table(required, composites):
    return {tag: _predicate(tag, req, composites.get(tag, ()), _PAIRED.get(tag, ()))
            for tag, req in {**required, **_REQUIRED_ENVELOPE}.items()}


_FAST_ENVELOPE = {tag: _predicate(tag, req) for tag, req in _REQUIRED_ENVELOPE.items()}
_FAST = {"837P": _fast_table(_REQUIRED_837, _COMPONENTS_837),
         "278": _fast_table(_REQUIRED_278, _COMPONENTS_278)}
_FAST_NM1_837 = {loop: _predicate("NM1", req, (), _PAIRED["NM1"]) for loop, req in _NM1_837.items()}
_FAST_NM1_BASE = _predicate("NM1", (1, 2), (), _PAIRED["NM1"])


def _guard_terms(tag) -> tuple[str, ...]:
    """X101's share of the fused guard of ``tag`` (837P): nothing required is missing."""
    if tag == "NM1":
        return ("nm1_ok_by_loop.get(h.loop, nm1_ok)(e, h)",)
    required = {**_REQUIRED_837, **_REQUIRED_ENVELOPE}.get(tag)
    if required is None:
        return ()
    return tuple(_required_terms(tag, required, _COMPONENTS_837.get(tag, ()),
                                 _PAIRED.get(tag, ()), inline=True))


@register
class RequiredElement(Rule):
    """A required element (or component of a composite) is empty.

    What it does: checks the elements that 005010X222A1 (837P) or 005010X217 (278) require
    in every use of a segment: NM101/NM102 (and NM103, NM108, NM109 in the 837P loops that
    require them), CLM01/02/05/06-09 and CLM05-1..3, SV101-1/-2,
    SV102-SV104 and SV107, HL01/HL03/HL04 (and HL02 below the first level), DTP01-03,
    REF01/02, the GS and ST/SE elements, and X12's paired elements (NM108 with NM109, PER03
    with PER04...). Reports one finding per segment naming every element missing.

    Why it matters: a missing required element is a SNIP 1/2 rejection (999 IK4 code 1);
    the payer's translator refuses the transaction set before any claim is read.

    Example that fails: ``NM1*85*2****XX*1234567893~`` (NM103, the organization name, empty)

    Example that passes: ``NM1*85*2*SAMPLE CLINIC*****XX*1234567893~``
    """

    code = "X101"
    name = "required-element-missing"
    summary = "A required element or component is empty."
    severity = "error"
    scope = "segment"
    segment_ids = tuple(sorted(set(_REQUIRED_ENVELOPE) | set(_REQUIRED_837) | set(_REQUIRED_278)))
    guard = Guard({tag: _guard_terms(tag) for tag in segment_ids},
                  {"nm1_ok_by_loop": _FAST_NM1_837, "nm1_ok": _FAST_NM1_BASE})

    def check_segment(self, seg, handler, ctx):
        # Fast path: one compiled predicate per segment id (and 837P NM1 loop).
        if handler is None:
            ok = _FAST_ENVELOPE.get(seg.tag)
        elif seg.tag == "NM1" and handler.tx.kind == "837P":
            ok = _FAST_NM1_837.get(handler.loop, _FAST_NM1_BASE)
        else:
            ok = _FAST[handler.tx.kind].get(seg.tag)
        if ok is None or ok(seg.elements, handler):
            return NONE
        return self._analyse(seg, handler, ctx)

    def _analyse(self, seg, handler, ctx):
        """Which elements are missing, named (the slow path, on failure only)."""
        tag = seg.tag
        kind = transaction_kind(handler)
        required = _REQUIRED_ENVELOPE.get(tag)
        if required is None:
            if kind == "837P":
                if tag == "NM1":
                    required, composites = _NM1_837.get(handler.loop, (1, 2)), None
                else:
                    required, composites = _REQUIRED_837.get(tag), _COMPONENTS_837.get(tag)
            elif kind == "278":
                required, composites = _REQUIRED_278.get(tag), _COMPONENTS_278.get(tag)
            else:
                return NONE
            if required is None:
                return NONE
        else:
            composites = None
        els = seg.elements
        n = len(els)
        missing = None
        for i in required:
            if i >= n or not els[i]:
                if missing is None:
                    missing = []
                missing.append(f"{tag}{i:02d}")
        if tag == "HL" and n > 3 and els[3] and els[3] != "20" and not els[2]:
            missing = (missing or []) + ["HL02"]
        if composites:
            comp = handler.tx.component
            for i, parts in composites:
                if i < n and els[i]:
                    values = els[i].split(comp)
                    for j in parts:
                        if j > len(values) or not values[j - 1]:
                            missing = (missing or []) + [f"{tag}{i:02d}-{j}"]
        pairs = _PAIRED.get(tag)
        if pairs:
            for a, b in pairs:
                has_a, has_b = a < n and bool(els[a]), b < n and bool(els[b])
                if has_a != has_b:
                    gone, there = (b, a) if has_a else (a, b)
                    if f"{tag}{gone:02d}" not in (missing or ()):
                        missing = (missing or []) + [f"{tag}{gone:02d} (paired with"
                                                     f" {tag}{there:02d})"]
        if missing is None:
            return NONE
        names = ", ".join(missing)
        plural = "s" if len(missing) > 1 else ""
        return (finding_at(self, ctx, seg, handler,
                           f"{tag} lacks required element{plural} {names}"),)
