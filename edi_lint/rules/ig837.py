"""The 837P implementation-guide pass (SNIP 2, ``edi_lint/igcheck.py``): its codes and docs.

On by default for 837P transaction sets (``--no-ig`` skips it). The checks run where the
segments stream past, against pyx12's 005010X222A1 map; this module registers their
codes. Each finding's ``data`` carries the 999 codes (``ik304``, and ``ik403`` with the
element reference for element problems). Where an older default check already reported
the same kind of problem at the same segment (X101-X105), the I1xx finding is dropped.
"""
from __future__ import annotations

from .base import table_rule
from .registry import register

_TABLE = [
    ("I100", "ig-pass-unavailable", "warning", "The implementation-guide pass could not run.",
     "pyx12 (an install requirement) or its 837P map cannot be found; the 837P transaction"
     " sets of the file were checked without the implementation-guide pass.",
     "Without it, missing, misplaced and malformed segments reach the payer unchecked.",
     "(pyx12 uninstalled)", "(pyx12 installed)"),
    ("I101", "ig-segment-not-expected", "error",
     "A segment stands where the implementation guide has no place for it.",
     "Walks the 837P map from the previous segment's place: a segment that no later place of"
     " the current loop or its parents accepts is out of order, in the wrong loop (a"
     " qualifier the loop does not allow, such as DTP*472 at 2300), or unknown. IK304 1; a"
     " segment or loop the map marks not used would be IK304 2 (the X222A1 map marks none"
     " that a segment can reach).",
     "The payer's front door rejects the transaction set (999 IK304 1).",
     "CLM*C1*100***11:B:1*Y*A*Y*Y~DTP*472*D8*20250603~", "LX*1~SV1*...~DTP*472*D8*20250603~"),
    ("I103", "ig-required-segment-missing", "error",
     "A required segment of a loop is missing.",
     "Checks each instance of each loop for its required segments (N3 and N4 of 2010AA, PER"
     " of 1000A, HI of 2300...), reported at the segment where the walk left the place the"
     " missing one belongs to. IK304 3.",
     "A loop without its required segments is rejected.",
     "NM1*85*2*CLINIC*****XX*1234567893~REF*EI*123456789~",
     "NM1*85*2*CLINIC*****XX*1234567893~N3*1 MAIN ST~N4*CITY*CA*94000~REF*EI*123456789~"),
    ("I104", "ig-required-loop-missing", "error", "A required loop is missing.",
     "Checks each instance of a parent loop for its required child loops (2010BA in every"
     " subscriber, 2330B under every 2320, 2010AA in every billing provider). IK304 3.",
     "The payer cannot identify the subscriber, payer or provider: the claim is rejected.",
     "HL*2*1*22*0~SBR*P*18*******CI~CLM*C1*...~", "HL*2*1*22*0~SBR*P*18*******CI~"
     "NM1*IL*1*DOE*JANE****MI*M1~...~CLM*C1*...~"),
    ("I105", "ig-loop-repeat-exceeded", "error",
     "A loop repeats more often than the guide allows in its parent.",
     "Counts each loop per instance of its parent (2010AA once per billing provider, 2400 at"
     " most 50 per claim). IK304 4.", "Extra loop instances are rejected.",
     "NM1*85*2*A*****XX*1234567893~...NM1*85*2*B*****XX*1234567893~",
     "NM1*85*2*A*****XX*1234567893~..."),
    ("I106", "ig-segment-max-use", "error",
     "A segment is used more often than its maximum use in the loop.",
     "Counts each segment per loop instance against its max use (REF*EI once in 2010AA)."
     " IK304 5.", "Repeated segments are rejected.",
     "REF*EI*123456789~REF*EI*123456789~", "REF*EI*123456789~"),
    ("I107", "ig-trailing-separator", "error", "A segment ends with an element separator.",
     "Reports trailing empty elements (``HL*1**20*~``), as pyx12's reader does.",
     "X12 requires trailing empty elements to be left out; strict translators reject them.",
     "HL*1**20*~", "HL*1**20*1~"),
    ("I108", "ig-segment-empty", "error", "A segment holds no data: only its id.",
     "Reports a segment whose elements are all empty (``N3*~``). IK304 8.",
     "An empty segment is rejected.", "N3*~", "N3*1 MAIN ST~"),
    ("I110", "ig-required-element-missing", "error", "A required element or component is empty.",
     "Checks every element and component the guide marks required (ST03, CLM05-3...). IK403 1.",
     "Translators reject segments without their required elements.",
     "ST*837*0001~", "ST*837*0001*005010X222A1~"),
    ("I111", "ig-element-not-used", "error", "An element the guide marks not used holds data.",
     "Reports a value in an element or component of usage N. IK403 10.",
     "Not-used elements are rejected.", "PRV*BI*PXC*207Q00000X*X~", "PRV*BI*PXC*207Q00000X~"),
    ("I112", "ig-too-many-elements", "error", "A segment has more elements than the guide defines.",
     "Compares the element count with the map's. IK304 8, IK403 3.",
     "Extra elements are rejected.", "LX*1*2~", "LX*1~"),
    ("I113", "ig-too-many-components", "error",
     "A composite has more components than the guide defines.",
     "Compares a composite's component count with the map's. IK304 8, IK403 3.",
     "Extra components are rejected.", "CLM*C1*100***11:B:1:9*Y*A*Y*Y~",
     "CLM*C1*100***11:B:1*Y*A*Y*Y~"),
    ("I114", "ig-element-too-short", "error", "An element is shorter than its minimum length.",
     "Checks the data element's minimum length (numbers without sign and decimal point)."
     " IK403 4.", "Short values are rejected.", "N4*CITY*CA*9~", "N4*CITY*CA*94000~"),
    ("I115", "ig-element-too-long", "error", "An element is longer than its maximum length.",
     "Checks the data element's maximum length. IK403 5.", "Long values are rejected.",
     "LX*1234567~", "LX*1~"),
    ("I116", "ig-bad-character", "error",
     "An element holds characters its data type does not allow.",
     "Numbers (N, R), the extended character set of AN and ID, control characters, trailing"
     " spaces, and a component separator in a simple element. IK403 6.",
     "Malformed values are rejected.", "SV1*HC:99213*1O0*UN*1***1~", "SV1*HC:99213*100*UN*1***1~"),
    ("I117", "ig-invalid-code", "error", "A code value the guide does not allow in this element.",
     "Checks codes against the map's code list for the element and the external lists pyx12"
     " ships (states, countries, places of service...): PRV02 ZZ (not PXC), PWK02 AD, an id"
     " in NM108, DTP02 RD9. IK403 7.", "Invalid codes are rejected.",
     "PRV*BI*ZZ*207Q00000X~", "PRV*BI*PXC*207Q00000X~"),
    ("I118", "ig-invalid-date", "error", "A date element holds no valid date.",
     "Checks D8/RD8/DT dates, and DTP03 against the format DTP02 names. IK403 8.",
     "Invalid dates are rejected.", "DTP*472*D8*20250631~", "DTP*472*D8*20250630~"),
    ("I119", "ig-invalid-time", "error", "A time element holds no valid time.",
     "Checks TM values (HHMM, HHMMSS). IK403 9.", "Invalid times are rejected.",
     "BHT*0019*00*1*20250603*2561*CH~", "BHT*0019*00*1*20250603*1200*CH~"),
    ("I120", "ig-syntax-paired", "error", "Paired elements: one is present without the other.",
     "X12 syntax rule P of the segment (NM108/NM109, PER03/PER04...). IK403 2.",
     "Half of a pair is rejected.", "NM1*85*2*CLINIC*****XX~", "NM1*85*2*CLINIC*****XX*1234567893~"),
    ("I121", "ig-syntax-required", "error", "None of a set of elements is present; one is required.",
     "X12 syntax rule R of the segment. IK403 2.", "The segment is rejected.",
     "(none of the R-set present)", "(one of them present)"),
    ("I122", "ig-syntax-conditional", "error",
     "An element is present without the elements it requires.",
     "X12 syntax rule C of the segment (if the first is present, all others are required)."
     " IK403 2.", "The segment is rejected.", "DMG*D8~", "DMG*D8*19661231*M~"),
    ("I123", "ig-syntax-exclusive", "error", "Elements that exclude each other are both present.",
     "X12 syntax rule E of the segment (at most one of them). IK403 10.",
     "The segment is rejected.", "(two of an E-set present)", "(one present)"),
    ("I124", "ig-syntax-list-conditional", "error",
     "An element is present without at least one of the elements it requires.",
     "X12 syntax rule L of the segment. IK403 2.", "The segment is rejected.",
     "(the first of an L-set alone)", "(the first and one other)"),
    ("I125", "ig-required-composite-missing", "error", "A required composite is empty or missing.",
     "Checks composites the guide marks required (CLM05, SV101, HI01). IK304 8, IK403 1.",
     "A claim or line without it is rejected.", "HI~", "HI*ABK:J449~"),
    ("I126", "ig-composite-not-used", "error", "A composite the guide marks not used holds data.",
     "Reports data in a composite of usage N. IK304 8, IK403 5.", "The segment is rejected.",
     "PRV*BI*PXC*207Q00000X**X:Y~", "PRV*BI*PXC*207Q00000X~"),
]


IG_RULES = [register(table_rule(row, __name__, "Ig")) for row in _TABLE]
