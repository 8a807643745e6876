"""The 999 implementation acknowledgment (005010X231A1) of a run.

One 999 interchange answers each input interchange that holds a functional group: one
ST*999 per input group (AK1), one AK2 per transaction set with an IK3 per segment in
error (an IK4 per element in error, a CTX naming the claim's CLM01 or the TAR's trace),
IK5 (A accepted, E accepted with errors, R rejected) and AK9 with the group's counts.
A set is rejected by a finding at or above ``--fail-on`` or by an envelope error
(IK502); findings below it make it E. Billing findings are not here (see codes.py).
"""
from __future__ import annotations

import re
from bisect import bisect_left, bisect_right

from ..findings import SEVERITY_RANK
from . import codes
from .x12out import UNSAFE, Segments, clean, close_interchange, open_interchange

VERSION = "005010X231A1"
# AK201: the transaction sets a 005010X231A1 999 acknowledges
SET_IDS = frozenset(("270", "271", "276", "277", "278", "820", "834", "835", "837"))
# AK101: the functional identifier code of each; a GS01 that is none of them is read
# from the group's first set
GROUP_IDS = {"270": "HS", "271": "HB", "276": "HR", "277": "HN", "278": "HI", "820": "RA",
             "834": "BE", "835": "HP", "837": "HC"}
_SEGMENT_ID = re.compile(r"[A-Z][A-Z0-9]{1,2}")


def write(result, stream, when, facts_of) -> None:
    """Write the 999s of ``result`` to ``stream`` (``when``: (CCYYMMDD, HHMM);
    ``facts_of(summary)``: the collected facts of one file)."""
    fail = SEVERITY_RANK[result.options.fail_on]
    show_phi = result.options.show_phi
    by_path = findings_by_path(result.findings)
    out = Segments(stream)
    for summary in result.files:
        found = by_path.get(summary.path, _EMPTY)
        for ic in facts_of(summary):
            if not ic.groups:  # nothing a 999 can answer (an ISA alone is a TA1's)
                continue
            control = open_interchange(out, ic, when, "FA", VERSION)
            for number, group in enumerate(ic.groups, 1):
                _group(out, number, group, ic, found, fail, show_phi)
            close_interchange(out, len(ic.groups), control)


_EMPTY = ([], [])


def findings_by_path(findings) -> dict:
    """path -> (segment indexes, findings), in file order (findings are sorted)."""
    out: dict = {}
    for f in findings:
        indexes, listed = out.setdefault(f.path, ([], []))
        indexes.append(f.segment_index)
        listed.append(f)
    return out


def _between(found, first, last):
    indexes, listed = found
    return listed[bisect_left(indexes, first):bisect_right(indexes, last)]


def syntax(finding) -> tuple[str, str] | None:
    """(level, code) of a finding in a 999: level 'ik304', 'ik403', 'ik502' or 'ak905';
    None for a finding that is not a syntax error (billing) or not the 999's."""
    data = finding.data
    if data:
        for level in ("ik502", "ak905", "ik403", "ik304"):
            if data.get(level):
                return level, str(data[level])
    if finding.tip:
        return None
    mapped = codes.SYNTAX.get(finding.rule)
    if mapped is not None and finding.rule == "X103" and "short" in finding.message:
        return "ik403", codes.TOO_SHORT
    return mapped


def element_refs(finding) -> list[tuple[int, int | None, int | None, str]]:
    """(element, component, repeat, data element number) of each element in error."""
    data = finding.data or {}
    seg_id = finding.segment_id or ""
    if data.get("element_position"):
        element, component = data["element_position"], data.get("component_position")
        refs = [(int(element), int(component) if component else None)]
        repeat = data.get("repeat_position")
    else:
        named = codes.elements_named(seg_id, str(data.get("element", ""))) if data else []
        refs = named or codes.elements_named(seg_id, finding.message)
        if not refs and not data:
            default = codes.DEFAULT_ELEMENTS.get(finding.rule, {}).get(seg_id)
            refs = [default] if default else []
        repeat = None
    number = str(data.get("data_element") or "")
    return [(e, c, int(repeat) if repeat else None, number or codes.data_element(seg_id, e, c))
            for e, c in refs]


def _group(out, number, group, ic, found, fail, show_phi) -> None:
    start = out.count
    out.seg("ST", "999", f"{number:04d}", VERSION)
    version = group.version or next((tx.version for tx in group.sets if tx.version), "")
    fic = group.fic if group.fic in GROUP_IDS.values() else next(
        (GROUP_IDS[tx.st01] for tx in group.sets if tx.st01 in GROUP_IDS), "HC")
    control = group.control.strip()  # AK102 is numeric: a GS06 that is not is 0
    out.seg("AK1", fic, control[:9] if control.isdigit() and control.isascii() else "0",
            clean(version, 12) or "005010")
    group_codes = group_errors(group, found)
    accepted = errors = 0
    for tx in group.sets:
        status = _set(out, tx, ic, _between(found, tx.index, tx.end), fail, show_phi)
        accepted += status != "R"
        errors += status == "E"
    received = len(group.sets)
    declared = group.declared if (group.declared or "").isdigit() else str(received)
    if group_codes or not accepted:
        ak901 = "R"
    else:
        ak901 = "P" if accepted < received else ("E" if errors else "A")
    out.seg("AK9", ak901, str(int(declared)), str(received), str(accepted),
            *sorted(group_codes, key=_numeric)[:5])
    out.seg("SE", str(out.count - start + 1), f"{number:04d}")


def group_errors(group, found) -> set[str]:
    """The AK905 codes of a functional group (``found``: ``_by_path``'s of its file)."""
    codes_ = {"3"} if not group.complete else set()
    for f in _between(found, group.index, group.end):
        level = syntax(f)
        if level is not None and level[0] == "ak905":
            codes_.add(level[1])
    return codes_


def accepted_sets(group, found, fail) -> list:
    """The transaction sets of ``group`` that its 999 accepts (IK5 A or E): none when the
    group itself is in error (AK905)."""
    if group_errors(group, found):
        return []
    return [tx for tx in group.sets
            if _status(tx, _between(found, tx.index, tx.end), fail)[0] != "R"]


def _status(tx, found, fail):
    """(IK501, IK502 codes, {segment index: [(finding, level, code)]}) of one set."""
    set_codes = set() if tx.complete else {"2"}
    rejected = not tx.complete
    problems: dict[int, list] = {}  # segment index -> [(finding, level, code)]
    for f in found:
        level = syntax(f)
        if level is None or level[0] == "ak905":
            continue
        if SEVERITY_RANK[f.severity] >= fail:
            rejected = True
        if level[0] == "ik502":
            set_codes.add(level[1])
            rejected = True
        else:
            problems.setdefault(f.segment_index, []).append((f, *level))
    return "R" if rejected else ("E" if problems else "A"), set_codes, problems


def _set(out, tx, ic, found, fail, show_phi) -> str:
    """AK2..IK5 of one transaction set; returns its IK501. A set whose ST01 is none of the
    ids AK201 takes (a mangled ST) gets no AK2: AK9 counts it received, not accepted."""
    if tx.st01 not in SET_IDS:
        return "R"
    # AK202 takes 4 to 9 characters: a shorter ST02 is padded with zeros
    out.seg("AK2", tx.st01, clean(tx.control, 9).rjust(4, "0"), clean(tx.st03, 35))
    status, set_codes, problems = _status(tx, found, fail)
    written = False
    for index, items in problems.items():
        written |= _segment(out, index - tx.index + 1, items, ic, show_phi)
    if written:
        set_codes.add("5")
    out.seg("IK5", status, *sorted(set_codes, key=_numeric)[:5])
    return status


def _segment(out, position, items, ic, show_phi) -> bool:
    """IK3 (and IK4, CTX) for the problems of one segment; False when its id cannot be
    named (a segment whose element separator was lost)."""
    first = items[0][0]
    seg_id = (first.segment_id or "").rstrip(".")
    if not _SEGMENT_ID.fullmatch(seg_id):
        return False
    seg_codes: list[str] = []
    missing: list[str] = []  # ids of required segments missing before this one (IK304 3)
    elements: list[tuple] = []
    for f, level, code in items:
        if level == "ik304":
            named = (f.data or {}).get("missing_segment") if code == "3" else None
            if named and _SEGMENT_ID.fullmatch(named):
                if named not in missing:
                    missing.append(named)
            elif code not in seg_codes:
                seg_codes.append(code)
            continue
        refs = element_refs(f)
        if not refs and "8" not in seg_codes:
            seg_codes.append("8")
        for element, component, repeat, number in refs:
            entry = (element, component, repeat, number, code, _bad_value(f, element, component,
                                                                        ic, show_phi))
            if entry not in elements:
                elements.append(entry)
    if elements and "8" not in seg_codes:
        seg_codes.append("8")
    seg_codes.sort(key=lambda c: c == "8")  # the IK3 that its IK4s follow comes last
    unit = _business_unit(first)
    for named in missing:
        out.seg("IK3", named, str(position), "", "3")
        if unit:
            out.seg("CTX", unit)
    for code in seg_codes:
        out.seg("IK3", seg_id, str(position), "", code)
        if unit:
            out.seg("CTX", unit)
        if code == "8":
            for element, component, repeat, number, ik403, bad in elements:
                ref = str(element)
                if component or repeat:
                    ref += f":{component or ''}"
                if repeat:
                    ref += f":{repeat}"
                out.seg("IK4", ref, number, ik403, bad)
    return True


def _business_unit(finding) -> str:
    """CTX01 naming the claim (CLM01) or the TAR (TRN02) of a finding, '' when none."""
    for name, value in (("CLM01", finding.claim_id), ("TRN02", finding.trace)):
        value = clean(value, 35)
        if value:
            return f"{name}:{value}"
    return ""


def _bad_value(finding, element, component, ic, show_phi) -> str:
    """IK404, the value in error as read: only with --show-phi (it can be PHI)."""
    if not show_phi or not finding.content:
        return ""
    parts = finding.content.split(ic.delimiters[0])
    value = parts[element] if element < len(parts) else ""
    if component:
        pieces = value.split(ic.delimiters[1])
        value = pieces[component - 1] if component <= len(pieces) else ""
    value = value.strip()[:99]
    printable = value.isascii() and value.isprintable()
    return value if printable and not UNSAFE.search(value) else ""


def _numeric(code: str):
    return (not code.isdigit(), int(code) if code.isdigit() else 0, code)
