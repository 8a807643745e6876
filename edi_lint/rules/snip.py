"""The SNIP family: its rules' fused segment guard, and the SNIP codes emitted elsewhere.

SNIP 1 (syntax), 3 (balancing) and 5 (code formats) checks are on by default and carry no
tip ids. Codes carry the WEDI SNIP type in their hundreds digit: ``X1xx`` syntax
(``snip1_required.py``, ``snip1.py``), ``X3xx`` balancing (``snip3.py``), ``X5xx`` code
formats (``snip5.py``); ``X2xx``, the implementation-guide pass, lives in
``edi_lint/ig.py``. Segment rules are dispatched by segment id and read the builder's
state after the segment was fed (its loop, claim and service line). Their fast path
returns an empty tuple: no generator, no regex, a few ``str`` methods.

A few codes are emitted where the segments stream past and are only registered here:
X104 and X105 (``model/build837.py``) and X107 (``x12/envelope.py``).
"""
from __future__ import annotations

from .base import Rule
from .registry import register
from .segment_guards import install_guards
from .snip1 import ComponentSeparatorUnused, ElementLength, NonAsciiData, NumericElement
from .snip1_required import RequiredElement
from .snip5 import (ClaimFrequency, DateRangeOrder, DateValid, ModifierFormat, NpiCheckDigit,
                    ProcedureCode, QuantityPositive, UnitBasis)
from .snip_common import rule_doc

# The SNIP segment rules whose guards are fused, one predicate per segment id (the order
# of their terms: X101's first, so the others' redundant alternatives are dropped).
SEGMENT_RULES = (RequiredElement, NumericElement, ElementLength, ComponentSeparatorUnused,
                 NonAsciiData, ProcedureCode, ModifierFormat, NpiCheckDigit, DateValid,
                 DateRangeOrder, ClaimFrequency, UnitBasis, QuantityPositive)
install_guards(SEGMENT_RULES)


# --------------------------------------------------------------------------- emitted elsewhere

_ELSEWHERE = [
    ("X104", "segment-misplaced", "error", "A segment stands where the 837P allows none.",
     "While reading an 837P, checks each segment id against the loop it appears in (header,"
     " 2000A billing provider, 2000B subscriber, 2000C patient, 2300 claim, 2320 other"
     " subscriber, 2400 service line): REF in the header, CLM under a billing provider,"
     " or a segment no 837P uses (SV2, CL1, UM...) is reported at its position.",
     "A segment out of place is a SNIP 1/2 rejection (999 IK3 code 2 or 3): the translator"
     " cannot tell which loop it belongs to.",
     "ST*837*0001*005010X222A1~BHT*0019*00*1*20250701*1200*CH~REF*87*004010X098A1~",
     "ST*837*0001*005010X222A1~BHT*0019*00*1*20250701*1200*CH~NM1*41*2*SUBMITTER*****46*S1~"),
    ("X105", "required-loop-missing", "error", "An 837P transaction set lacks a required loop.",
     "At SE, reports the required loops an 837P transaction set never had: BHT, 1000A"
     " submitter (NM1*41), 1000B receiver (NM1*40), 2000A billing provider (HL level 20) with"
     " 2010AA (NM1*85), 2000B subscriber (HL level 22) with 2010BA (NM1*IL) and 2010BB (NM1*PR).",
     "Without them the claim has no submitter, provider, member or payer; the transaction"
     " set is rejected (999 IK3 code 3).",
     "ST*837*0001*005010X222A1~BHT*...~REF*BB*X~SE*4*0001~",
     "ST*837*0001*005010X222A1~BHT*...~NM1*41*...~PER*...~NM1*40*...~HL*1**20*1~...~SE*...~"),
    ("X107", "isa-version", "error", "ISA12 is not 00501 in an interchange of 5010 transactions.",
     "For each interchange holding an 837P or 278 005010 transaction set, ISA12 (the"
     " interchange control version) must be 00501; reported once, at the ISA.",
     "Translators pick the envelope syntax (repetition separator, ISA11) from ISA12; a 4010"
     " envelope around 5010 content is rejected (TA1 code 017).",
     "ISA*00*...*U*00401*000000001*0*T*:~ ... ST*837*0001*005010X222A1~",
     "ISA*00*...*^*00501*000000001*0*T*:~ ... ST*837*0001*005010X222A1~"),
    ("X201", "ig-error", "error", "pyx12 reports an 837P implementation-guide error (--ig).",
     "With --ig, each 837P transaction set is validated by pyx12 against the 005010X222A1"
     " map (code values, element usage, loop and segment repeats, situational rules); each"
     " error becomes a finding at the segment it concerns, with the loop id of pyx12's map"
     " node and the claim. Errors the fast checks already report (SE01, SE02, missing SE, HL"
     " and LX numbering) are dropped. X222 and X222A2 transaction sets are validated against"
     " the A1 map (X041 says they are variants).",
     "This is SNIP type 2, what a payer's front end runs: a claim that passes the fast"
     " checks can still be rejected for a code value or a missing situational segment.",
     "OI*Y*B*Y~ (with --ig: OI04 B is not a valid patient signature source code)",
     "OI***Y*P**Y~"),
    ("X202", "ig-not-run", "warning", "pyx12 could not validate an interchange's 837P sets (--ig).",
     "With --ig, reports an interchange whose 837P transaction sets pyx12 could not validate:"
     " an ISA pyx12 cannot read even after re-padding, an unknown map, or any exception"
     " raised inside pyx12. edi-lint never crashes on it; the fast checks still ran.",
     "A file that was not validated must not look validated.",
     "ISA*00*...(13 elements)~ with --ig", "ISA*00*          *00*          *ZZ*...*:~ with --ig"),
]


def _make(code, name, severity, summary, what, why, bad, good):
    cls = type(f"Snip{code}", (Rule,), {
        "__doc__": rule_doc(summary, what, why, bad, good), "code": code, "name": name,
        "severity": severity, "summary": summary, "scope": "structure",
        "__module__": __name__, "examples": (bad, good)})
    return register(cls)


SNIP_ELSEWHERE = [_make(*row) for row in _ELSEWHERE]
