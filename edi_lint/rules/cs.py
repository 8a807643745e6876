"""Community Supports rules per claim (billing-rules.md §5): CS-10, CS-12.

The batch-wide CS limits (CS-01 .. CS-09, CS-11) live in ``cs_limits.py``. A CS line is a line
whose code *and* modifier set are in a CS entry of the profile; a CS code with another
modifier set is CS-12's, and no other CS rule counts it.
"""
from __future__ import annotations

from .base import Rule
from ..messages import dos_text
from .claim_lines import NO_FINDINGS, line_group, qty, wrong_modifier_finding
from .registry import register


@register
class CsQuarterHourUnits(Rule):
    """The 15-minute CS codes bill whole 15-minute units with unit basis UN.

    What it does: flags a CS line of a profile group whose unit is ``15min`` (S5130,
    T1019, H0045, S5151, S9125 with U6) billed in minutes (SV103 ``MJ``, or any basis
    other than ``UN``) or with a quantity that is not a whole number. Both problems of
    one line are one finding. GEN-05 does not price lines billed in minutes.

    Why it matters: "units should be billed in increments of 15 minutes" at $8.25 a unit;
    60 minutes billed as 60 units, or half units, are denied or mispaid.

    Example that fails: ``SV1*HC:T1019:U6*99.00*MJ*60***1~`` or ``SV1*HC:T1019:U6*103.13*UN*12.5***1~``

    Example that passes: ``SV1*HC:T1019:U6*99.00*UN*12***1~``
    """

    code = "B210"
    name = "cs-quarter-hour-units"
    summary = "CS 15-minute services bill whole units with SV103 UN (not minutes, not fractions)."
    severity = "error"
    tips = ("CS-10",)

    def check_claim(self, claim, ctx):
        found = []
        profile = ctx.profile
        for line in claim.lines:
            _, group = line_group(profile, line)
            if group is None or group.program != "CS" or group.unit != "15min":
                continue
            problems = []
            if line.unit_basis != "UN":
                if line.unit_basis == "MJ":
                    problems.append(f"it is billed in minutes (SV103 MJ, {qty(line)} minutes)")
                else:
                    problems.append(f"SV103 is {line.unit_basis or '(empty)'}, not UN")
            units = line.units
            if units is None:
                problems.append(f"SV104 {line.units_raw or '(empty)'} is not a number of units")
            elif units != int(units) and line.unit_basis == "UN":
                problems.append(f"{qty(line)} is not a whole number of units")
            elif units != int(units):
                problems.append(f"SV104 {qty(line)} is not a whole number")
            if not problems:
                continue
            hint = ""
            if line.unit_basis == "MJ" and units is not None and units > 0:
                whole = int(units // 15)
                hint = f" ({qty(line)} minutes = {whole} whole 15-minute unit{'s' if whole != 1 else ''})"
            found.append(ctx.line_finding(
                self, line,
                f"{line.label} on {dos_text(line)}: {'; '.join(problems)}: {group.label}s are "
                f"billed in whole 15-minute units with SV103 UN{hint}"))
        return found or NO_FINDINGS


@register
class CsModifiers(Rule):
    """A CS code billed with a modifier set the profile does not list for it.

    What it does: flags a line whose code the profile knows as CS (H0043, H2016, T2040,
    T2041, H0044, T2033, S5170, S9470, S9977, T2020, H0014, S5130, T1019, H0045, S5151,
    S9125) with a modifier set (compared as a set) no CS entry of the code has: H0043
    alone, T2033-U2, H0044 with no modifier, H0043-U6-GQ ... Such a line is not a CS
    line: it matches no rate and no other CS rule counts it.

    Why it matters: "Please use the CPT code grid with appropriate modifier"; a CS code
    without its modifier matches no contract rate and is denied.

    Example that fails: ``SV1*HC:H0043*386.00*UN*1***1~``

    Example that passes: ``SV1*HC:H0043:U6*386.00*UN*1***1~``
    """

    code = "B212"
    name = "cs-modifier-set"
    summary = "A CS code billed with a modifier set the profile does not list (matches no rate)."
    severity = "error"
    tips = ("CS-12",)

    def check_claim(self, claim, ctx):
        found = []
        for line in claim.lines:
            if not line.code:
                continue
            finding = wrong_modifier_finding(self, line, ctx, "CS", "CS")
            if finding is not None:
                found.append(finding)
        return found or NO_FINDINGS
