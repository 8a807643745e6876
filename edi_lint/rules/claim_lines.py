"""The claim rules' line helpers: profile entry and group; amounts, units and modifiers as text."""
from __future__ import annotations

from decimal import Decimal

from ..messages import dos_text
from ..x12.values import is_decimal

NO_FINDINGS = ()  # what a rule returns when it finds nothing (no generator, no list)

_MATCHES: dict = {}  # (code, modifier set, DOS) -> entry, for _MATCHES_OF only
_MATCHES_OF = [None]  # the profile _MATCHES holds matches of (one at a time)


def profile_match(profile, code, modifier_set, dos):
    """``profile.match(code, modifier_set, dos)``, remembered: the claim rules ask it of
    every line, several times, and a batch bills few codes on few dates."""
    if _MATCHES_OF[0] is not profile:
        _MATCHES.clear()
        _MATCHES_OF[0] = profile
    key = (code, modifier_set, dos)
    try:
        return _MATCHES[key]
    except KeyError:
        pass
    entry = profile.match(code, modifier_set, dos)
    if len(_MATCHES) >= 100_000:
        _MATCHES.clear()
    _MATCHES[key] = entry
    return entry


def line_entry(profile, line):
    """The profile entry of the line's code and modifier set (as a set) at its DOS.

    A line whose DOS cannot be read matches the first entry of its code with that
    modifier set, whatever its dates (so that its modifiers, units and spans are
    still checked); rates need the DOS, see ``GeneralRate``.
    """
    return line_group(profile, line)[0]


def line_group(profile, line):
    """(entry, group) of the line, or (None, None) when the profile does not know it.

    Every claim rule asks this of every line: the answer is kept on the line (a line
    does not change once its claim is built), so the profile is searched once a line.
    """
    matched = line.matched
    if matched is not None and matched[0] is profile:
        return matched[1]
    dos = line.dos_from
    entry = None
    if dos is not None:
        entry = profile_match(profile, line.code, line.modifier_set, dos)
    else:
        for candidate in profile.entries_for_code(line.code):
            if line.modifier_set in candidate.modifier_sets:
                entry = candidate
                break
    found = (None, None) if entry is None else (entry, profile.groups[entry.group])
    line.matched = (profile, found)
    return found


def is_ecm_line(profile, line) -> bool:
    """An ECM line for GEN-02/GEN-03: an ECM code of the profile, any modifiers."""
    return "ECM" in profile.program_of_code(line.code)


def is_cs_line(profile, line) -> bool:
    """A CS line (§5): code *and* modifier set in a CS row of the profile."""
    _, group = line_group(profile, line)
    return group is not None and group.program == "CS"


def decimal_of(raw: str):
    """An X12 type R value as a Decimal; None when it is not one ('1E5', ' 1': X102's) or is
    longer than the guides' longest number (18 characters), which no rate prices."""
    if not raw or len(raw) > 18 or not is_decimal(raw):
        return None
    return Decimal(raw)


def qty(line) -> str:
    """The line's SV104 as billed, without needless zeros: '4', '12.5'."""
    value = decimal_of(line.units_raw)
    if value is None:
        return line.units_raw[:20] or "(none)"
    text = format(value.normalize(), "f")
    return text


def units_text(n: str) -> str:
    return f"{n} unit" if n == "1" else f"{n} units"


def _mod_key(m: str):
    return (m == "GQ", m)


def code_label(code: str, mods) -> str:
    """'G9008-U1-GQ' for a code and a modifier set (GQ last); 'G9012 (no modifier)'."""
    if not mods:
        return f"{code} (no modifier)"
    return "-".join([code] + sorted(mods, key=_mod_key))


def valid_sets(profile, line, program: str):
    """Valid modifier sets of the line's code in ``program`` (None when the code is not its).

    The entries effective at the DOS decide; when none is (or the DOS is unknown), every
    entry of the code does.
    """
    if program not in profile.program_of_code(line.code):
        return None
    entries = ()
    if line.dos_from is not None:
        entries = profile.entries_for_code(line.code, line.dos_from)
    if not entries:
        entries = profile.entries_for_code(line.code)
    sets = []
    for entry in entries:
        if profile.groups[entry.group].program != program:
            continue
        for mods in entry.modifier_sets:
            if mods not in sets:
                sets.append(mods)
    return sets


def wrong_modifier_finding(rule, line, ctx, program: str, what: str):
    """The ECM-07 / CS-12 finding of a line whose code ``program`` knows with other modifiers."""
    profile = ctx.profile
    if program not in profile.program_of_code(line.code):
        return None
    entry = line_entry(profile, line)
    if entry is not None and profile.groups[entry.group].program == program:
        return None  # the common case: a set of the table
    sets = valid_sets(profile, line, program)
    if not sets or line.modifier_set in sets:
        return None
    valid = ", ".join(code_label(line.code, s) for s in
                      sorted(sets, key=lambda s: sorted(s, key=_mod_key)))
    mods = (f"modifiers {', '.join(line.modifiers)}" if len(line.modifiers) > 1
            else f"modifier {line.modifiers[0]}" if line.modifiers else "no modifier")
    return ctx.line_finding(
        rule, line,
        f"{line.label} on {dos_text(line)}: {mods} is not a valid modifier set for {what} code "
        f"{line.code} (valid: {valid}); the line matches no rate")
