"""Acknowledgment codes: what each finding says in a 999 and in a 277CA.

A finding whose ``data`` carries 999 codes (``ik304``, ``ik403``, ``ik502``, ``ak905``:
the implementation-guide validator and the envelope checks fill them) is written with
those. A finding without them falls back to ``SYNTAX`` by rule code: today's structural
checks. Billing findings (B-codes, tip rules) are not syntax errors: they are not in the
999 but reject claims in the 277CA, with the claim status code of ``STATUS``.
"""
from __future__ import annotations

import re

# rule code -> the 999 codes of its findings when ``Finding.data`` has none:
#   ("ik502", code)  the transaction set (IK5); ("ak905", code)  the group (AK9);
#   ("ik304", code)  the segment (IK3); ("ik403", code)  the elements its message names (IK4).
# Rules not listed (interchange-level ones: TA1 territory; numbering ones pyx12 leaves out
# of its 999 as well) are not in the 999. docs/acknowledgments.md explains each.
SYNTAX: dict[str, tuple[str, str]] = {
    "X022": ("ak905", "4"),   # GE02 does not match GS06
    "X023": ("ak905", "5"),   # GE01 is not the number of sets
    "X024": ("ik502", "3"),   # SE02 does not match ST02
    "X025": ("ik502", "4"),   # SE01 is not the number of segments
    "X040": ("ik502", "1"),   # not an 837P or 278 5010: not supported
    "X101": ("ik403", "1"),   # required element missing
    "X102": ("ik403", "6"),   # a number that is not one: invalid character
    "X103": ("ik403", "5"),   # too long (or too short: the message says which)
    "X104": ("ik304", "2"),   # unexpected segment
    "X105": ("ik304", "3"),   # required segment (of a loop) missing
    "X106": ("ik304", "3"),   # a claim without its 2400 loop: LX missing
    "X111": ("ik403", "6"),   # bytes outside ASCII
    "X501": ("ik403", "7"),   # invalid code value
    "X502": ("ik403", "7"),
    "X503": ("ik403", "7"),   # an NPI whose check digit fails
    "X504": ("ik403", "8"),   # invalid date
    "X505": ("ik403", "8"),
    "X506": ("ik403", "7"),
    "X507": ("ik403", "7"),
    "S011": ("ik304", "2"),   # a service line before any CLM
    "S012": ("ik304", "3"),   # an SV1 without its LX
    "S201": ("ik304", "3"),   # a 278 level without its NM1
    "S202": ("ik304", "3"),
    "S203": ("ik304", "3"),
    "S204": ("ik304", "3"),
    "S210": ("ik403", "7"),
    "S211": ("ik403", "7"),
    "S212": ("ik403", "7"),
    "S213": ("ik403", "7"),
    "S214": ("ik403", "7"),
    "S215": ("ik403", "7"),
    "S216": ("ik403", "8"),
}

# X030 (a trailer missing) says which in its message: SE -> IK502 2, GE -> AK905 3.
MISSING_TRAILER = {"SE": ("ik502", "2"), "GE": ("ak905", "3")}
# X103 says "too short" or "too long": IK403 4 or 5.
TOO_SHORT = "4"

# The element in error of rules whose message names none: rule -> segment id -> (element,
# component or None).
DEFAULT_ELEMENTS = {
    "X501": {"SV1": (1, 2)}, "X503": {"NM1": (9, None)},
    "X504": {"DTP": (3, None), "DMG": (2, None)}, "X505": {"DTP": (3, None)},
}

# The X12 data element numbers (IK402) of elements the fallback names.
DATA_ELEMENTS = {
    "CLM01": "1028", "CLM02": "782", "CLM05-1": "1331", "CLM05-3": "1325",
    "SV101-1": "235", "SV101-2": "234", "SV101-3": "1339", "SV101-4": "1339",
    "SV101-5": "1339", "SV101-6": "1339", "SV102": "782", "SV103": "355", "SV104": "380",
    "NM101": "98", "NM102": "1065", "NM103": "1035", "NM108": "66", "NM109": "67",
    "REF01": "128", "REF02": "127", "DTP01": "374", "DTP02": "1250", "DTP03": "1251",
    "DMG02": "1251", "HL01": "628", "HL02": "734", "HL03": "735", "LX01": "554",
    "UM01": "1525", "UM02": "1322", "HCR01": "306", "PWK01": "755", "PWK02": "756",
    "SBR09": "1032", "N301": "166", "N401": "19", "N402": "156", "N403": "116",
}

_ELEMENT = re.compile(r"\b([A-Z][A-Z0-9]{1,2})(\d{2})(?:-(\d{1,2}))?\b")


def elements_named(segment_id: str, message: str) -> list[tuple[int, int | None]]:
    """(element position, component position or None) of each element of ``segment_id``
    that ``message`` names (``SV101-2``, ``NM109``), in order, once each."""
    found = []
    for tag, element, component in _ELEMENT.findall(message):
        if tag != segment_id:
            continue
        ref = (int(element), int(component) if component else None)
        if ref not in found:
            found.append(ref)
    return found


def data_element(segment_id: str, element: int, component: int | None) -> str:
    """IK402 for an element the fallback names, '' when not in ``DATA_ELEMENTS``."""
    name = f"{segment_id}{element:02d}"
    return DATA_ELEMENTS.get(f"{name}-{component}" if component else name,
                             DATA_ELEMENTS.get(name, "") if not component else "")


# 277CA: rule code -> (STC01-2 claim status code, STC01-3 entity identifier or "").
# 21 is "Missing or invalid information", for findings no more specific code fits.
# Entities: 85 billing provider, 82 rendering provider (the 2200D/2220D list of X214).
STATUS: dict[str, tuple[str, str]] = {
    "X301": ("400", ""),  # claim is out of balance
    "X501": ("454", ""),  # procedure code for services rendered
    "X502": ("453", ""),  # procedure code modifier(s) for services rendered
    "X503": ("562", "85"),  # entity's National Provider Identifier (NPI)
    "X504": ("187", ""),  # date(s) of service
    "X505": ("187", ""),
    "X506": ("535", ""),  # claim frequency code
    "B101": ("21", ""), "B102": ("21", ""), "B103": ("21", ""), "B104": ("21", ""),
    "B105": ("187", ""), "B106": ("178", ""),  # submitted charges
    "B107": ("453", ""),
    "B201": ("21", ""), "B202": ("21", ""), "B203": ("178", ""), "B204": ("21", ""),
    "B205": ("21", ""), "B206": ("21", ""), "B207": ("21", ""), "B208": ("21", ""),
    "B209": ("21", ""), "B210": ("21", ""), "B211": ("21", ""), "B212": ("453", ""),
    "B301": ("187", ""),
    "B302": ("116", ""),  # claim submitted to incorrect payer
    "B303": ("116", ""),
    "B304": ("88", ""),  # entity not eligible for benefits for submitted dates of service
    "B305": ("178", ""),
    "B306": ("21", ""), "B307": ("21", ""),
}
DEFAULT_STATUS = ("21", "")


def status_of(rule: str) -> tuple[str, str]:
    """(STC01-2, STC01-3) for a finding of ``rule`` that rejects a claim."""
    return STATUS.get(rule, DEFAULT_STATUS)
