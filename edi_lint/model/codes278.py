"""The 278's code values (005010X217) and 999 data that the 278 builder checks against."""
from __future__ import annotations

HL_LEVELS = {"20": "2000A", "21": "2000B", "22": "2000C", "23": "2000D", "EV": "2000E",
             "SS": "2000F"}
HL_PARENT = {"20": (None,), "21": ("20",), "22": ("21",), "23": ("22",), "EV": ("22", "23"),
             "SS": ("EV", "SS")}  # SS under SS: accepted, as in the TR3's transport example
NM1_LOOP = {"2000A": "2010A", "2000B": "2010B", "2000C": "2010C", "2000D": "2010D",
            "2000E": "2010E", "2000F": "2010F"}
PURPOSES = {"13": "request", "11": "response"}
LEVEL_NAMES = {"20": "2000A UMO", "21": "2000B requester", "22": "2000C subscriber",
               "23": "2000D dependent", "EV": "2000E patient event", "SS": "2000F service"}

# Code values of 005010X217 (x12-notes.md §3.2-3.4). PWK01 adds B4 (referral form), the code
# billing-rules.md §6 and the profile use for the CS referral form.
UM01_CODES = {"EV": frozenset({"AR", "HS", "IN", "SC"}), "SS": frozenset({"HS", "SC"})}
HCR01_CODES = {"EV": frozenset({"A1", "A2", "A3", "A4", "A6", "C", "CT", "NA"}),
               "SS": frozenset({"A1", "A3", "A4", "A6", "C", "CT", "NA"})}
PWK01_CODES = frozenset(
    "03 04 05 06 07 08 09 10 15 21 48 55 59 77 A3 A4 AM AS AT B2 B3 B4 BR BS BT CB CK D2 DA DB"
    " DG DJ DS FM HC HR I5 IR LA M1 NN OB OC OD OE OX P4 P5 P6 P7 PE PN PO PQ PY PZ QC QR"
    " RB RR RT RX SG V5 XP".split())
PWK02_CODES = {"request": frozenset({"AA", "BM", "EL", "EM", "FX", "VO"}),
               "response": frozenset({"BM", "EL", "EM", "FX", "VO"})}
_EV_DTP = frozenset({"439", "484", "ABC", "431", "AAH", "435", "096"})
_DECISION_DTP = frozenset({"102", "036", "007"})
# Entity codes (NM101) of each 2010 loop; 2010E joins 2010EA (provider), EB (transport) and
# EC (other UMO). The requester (2010B) of a response is a provider or facility only.
NM101_CODES = {
    "2010A": frozenset({"X3", "PR", "2B", "36"}),
    ("2010B", "request"): frozenset({"1P", "FA", "2B", "36", "PR"}),
    ("2010B", "response"): frozenset({"1P", "FA"}),
    "2010C": frozenset({"IL"}),
    "2010D": frozenset({"QC"}),
    "2010E": frozenset("71 72 73 77 AAJ DD DK DN FA G3 P3 QB QV SJ 45 FS ND PW R3 00 CA GG"
                       .split()),
    "2010F": frozenset("1T 72 73 77 DD DK DQ FA G3 P3 QB QV SJ".split()),
}
TRN01_CODES = {"request": frozenset({"1"}), "response": frozenset({"1", "2"})}
HSD01_CODES = frozenset({"DY", "FL", "HS", "MN", "VS"})
SV101_QUALIFIERS = frozenset({"HC", "IV", "N4", "WK"})
HI_QUALIFIERS = frozenset({"ABK", "BK", "ABF", "BF", "ABJ", "BJ", "APR", "DR", "PR"})
HI_PRINCIPAL = frozenset({"ABK", "BK"})  # HI01 only
REF_QUALIFIERS = frozenset({"BB", "NT"})  # 2000E and 2000F

# 999 codes: a required segment missing (IK304 3); an element's bad value (IK304 8, then
# IK403 7 invalid code value, 8 invalid date, 1 required element missing).
MISSING_SEGMENT = {"ik304": "3"}
# X12 data element numbers of the elements checked here
DATA_ELEMENTS = {"BHT01": "1005", "BHT02": "353", "ST03": "1705", "UM01": "1525",
                 "HCR01": "306", "PWK01": "755", "PWK02": "756", "DTP01": "374",
                 "DTP02": "1250", "DTP03": "1251", "NM101": "98", "TRN01": "481",
                 "HSD01": "673", "REF01": "128"}


def element_data(ref: str, ik403: str = "7", component=None, number=None) -> dict:
    """A finding's ``data`` for a bad value of element ``ref`` ('UM01', 'SV101' with
    ``component``): IK304 8 and IK403 ``ik403`` (7 invalid code value by default)."""
    data = {"ik304": "8", "ik403": ik403, "element_position": int(ref[-2:]),
            "element": ref if component is None else f"{ref}-{component}",
            "data_element": number or DATA_ELEMENTS[ref]}
    if component is not None:
        data["component_position"] = component
    return data


DTP_QUALIFIERS = {("request", "EV"): _EV_DTP,
                  ("response", "EV"): _EV_DTP | _DECISION_DTP,
                  ("request", "SS"): frozenset({"472"}),
                  ("response", "SS"): frozenset({"472"}) | _DECISION_DTP}
