"""278 (005010X217) structure: required segments and code values (no tip ids).

S205 (ST03) runs in the envelope tracker (``x12/envelope.py``); HL04 (S004) is shared with
the 837P and registered in ``rules/structure.py``.

pyx12 has no 5010 278 map, so edi-lint checks the 278 itself (billing-rules.md §8,
x12-notes.md §3). Most checks run in the streaming builder (``model/build278.py``)
and are reported through its ``report`` callback; this module registers their
codes and documentation. UM02 of the 2000E is checked here, on the whole patient
event, because UM02 ``E`` on an ECM TAR is ECMTAR-01's finding, not this one's.
"""
from __future__ import annotations

from ..model.codes278 import element_data
from ..model.tars import TarRequest, is_ecm_tar
from .base import Rule, table_rule
from .registry import register

# 005010 certification type codes (UM02); there is no "E" (extension is "4").
UM02_CODES = frozenset({"I", "R", "S", "4", "3", "1", "2", "N"})

_TABLE = [
    ("S201", "tar-name-missing", "error", "A 278 HL level 2000A-2000D has no NM1.",
     "Each of the UMO (2000A), requester (2000B), subscriber (2000C) and dependent (2000D)"
     " levels needs its NM1 loop (2010A-2010D) before the next HL.",
     "Without the NM1 the payer, provider or member of the TAR is unknown; the 278 is rejected.",
     "HL*3*2*22*1~HL*4*3*EV*1~", "HL*3*2*22*1~NM1*IL*1*DOE*JANE****MI*M1~HL*4*3*EV*1~"),
    ("S202", "tar-um-missing", "error", "A 2000E patient event of a 278 request has no UM.",
     "UM (review category UM01, certification type UM02) is required in each 2000E of a"
     " request (BHT02 13).",
     "The UM says what kind of review is asked for (initial, renewal...); a TAR without it is"
     " not reviewed.", "HL*4*3*EV*1~DTP*AAH*RD8*20250601-20251130~",
     "HL*4*3*EV*1~UM*HS*I~DTP*AAH*RD8*20250601-20251130~"),
    ("S203", "tar-hcr-missing", "error", "A 2000E patient event of a 278 response has no HCR.",
     "A response (BHT02 11) gives its decision in HCR (HCR01 action, HCR02 certification"
     " number) at each 2000E, unless an AAA segment rejects the request there.",
     "Without HCR there is no decision and no certification number to bill under.",
     "HL*4*3*EV*1~UM*HS*I~DTP*AAH*RD8*20250601-20251130~",
     "HL*4*3*EV*1~UM*HS*I~HCR*A1*AUTH0001~DTP*AAH*RD8*20250601-20251130~"),
    ("S204", "tar-service-missing", "error",
     "A 2000F service level of a 278 request has no SV1, SV2 or SV3.",
     "Each 2000F of a request names the service requested in SV1 (professional), SV2"
     " (institutional) or SV3 (dental).",
     "A service level without a service requests nothing; the TAR's codes cannot be checked.",
     "HL*5*4*SS*0~DTP*472*RD8*20250601-20251130~",
     "HL*5*4*SS*0~DTP*472*RD8*20250601-20251130~SV1*HC:H0043:U6*2316*UN*6~"),
    ("S205", "tar-st03-missing", "error", "A 278 transaction set has no ST03.",
     "ST03, the implementation convention reference (005010X217), is required in every 278"
     " ST; without it the version is read from GS08.",
     "Receivers route and validate a 278 by ST03; a set without it is rejected (999 IK403 1).",
     "ST*278*0001~", "ST*278*0001*005010X217~"),
    ("S206", "tar-bht01-code", "error", "A 278 BHT01 that is not 0007.",
     "BHT01, the hierarchical structure code, is 0007 in every 278 (information source,"
     " receiver, subscriber, dependent, event, services).",
     "Another structure code tells the receiver to read another HL tree; the 278 is rejected.",
     "BHT*0019*13*TRN0001*20250701*1200~", "BHT*0007*13*TRN0001*20250701*1200~"),
    ("S210", "tar-um01-code", "error", "UM01 is not a valid request category for its level.",
     "2000E UM01 is AR (admission review), HS (health services review), IN (individual) or SC"
     " (specialty care review); 2000F UM01 is HS or SC.",
     "An unknown request category is rejected by the payer's 278 translator.",
     "UM*XX*I~", "UM*HS*I~"),
    ("S212", "tar-hcr01-code", "error", "HCR01 is not a valid action code for its level.",
     "2000E HCR01 is A1, A2, A3, A4, A6, C, CT or NA; 2000F HCR01 is the same list without A2"
     " (certified-partial applies to the whole event only).",
     "An unknown decision code makes the certification unusable: claims cannot be matched to it.",
     "HCR*A9*AUTH0001~", "HCR*A1*AUTH0001~"),
    ("S213", "tar-pwk01-code", "error", "PWK01 is not a 005010X217 report type code.",
     "Checks each 2000E/2000F PWK01 against the guide's attachment types (B4 referral form, 08"
     " plan of treatment, 55 rental agreement, 77 support data for verification, ...).",
     "Documents sent under an unknown report type are not matched to the TAR; the TAR is pended.",
     "PWK*ZZ*EL~", "PWK*B4*EL~"),
    ("S214", "tar-pwk02-code", "error", "PWK02 is not a valid attachment transmission code.",
     "Request PWK02 is AA, BM, EL, EM, FX or VO; response PWK02 is BM, EL, EM, FX or VO.",
     "The reviewer cannot find a document whose transmission method is unknown.",
     "PWK*B4*XX~", "PWK*B4*EL~"),
    ("S215", "tar-dtp-qualifier", "error", "A 278 DTP qualifier that is not valid for its level.",
     "2000E: 439, 484, ABC, 431, AAH (event date), 435, 096, and in a response 102, 036, 007."
     " 2000F: 472 (service date), and in a response 102, 036, 007.",
     "A date under an unknown qualifier is ignored: the TAR's period is then unknown.",
     "HL*5*4*SS*0~DTP*AAH*RD8*20250601-20251130~", "HL*5*4*SS*0~DTP*472*RD8*20250601-20251130~"),
    ("S217", "tar-nm101-code", "error", "NM101 is not a valid entity code for its 278 loop.",
     "2010A (UMO) X3, PR, 2B or 36; 2010B (requester) 1P or FA, and in a request also 2B, 36 or"
     " PR; 2010C IL; 2010D QC; 2010E (event provider, transport, other UMO) 71, 72, 73, 77, AAJ,"
     " DD, DK, DN, FA, G3, P3, QB, QV, SJ, 45, FS, ND, PW, R3, 00, CA or GG; 2010F (service"
     " provider) 1T, 72, 73, 77, DD, DK, DQ, FA, G3, P3, QB, QV or SJ.",
     "A party of the wrong kind in a loop (a member where the payer belongs) sends the review"
     " to the wrong place or rejects the TAR.",
     "HL*3*2*22*1~NM1*QC*1*DOE*JANE****MI*M1~", "HL*3*2*22*1~NM1*IL*1*DOE*JANE****MI*M1~"),
    ("S218", "tar-trn01-code", "error", "TRN01 of a 2000E/2000F is not a valid trace type.",
     "A request's trace is TRN01 1 (current transaction trace); a response has 1 (its own) or 2"
     " (the request's trace, referenced).",
     "The response is matched to its request by the referenced trace; a wrong type breaks it.",
     "HL*4*3*EV*1~TRN*2*TRN0001*9123456789~ (a request)",
     "HL*4*3*EV*1~TRN*1*TRN0001*9123456789~"),
    ("S219", "tar-hsd01-code", "error", "HSD01 is not a valid quantity qualifier.",
     "HSD01 of a 2000E/2000F is DY (days), FL (units), HS (hours), MN (month) or VS (visits);"
     " it may be empty.",
     "The requested or approved quantity cannot be read without its unit: the frequency is"
     " unknown.", "HSD*UN*6~", "HSD*VS*6~"),
    ("S220", "tar-sv101-qualifier", "error", "SV101-1 of a 278 SV1 is not HC, IV, N4 or WK.",
     "The service's product/service id qualifier: HC (HCPCS and CPT), IV, N4 (NDC) or WK.",
     "A procedure code under an unknown qualifier cannot be reviewed or matched to a claim.",
     "SV1*ZZ:H0043:U6**UN*6~", "SV1*HC:H0043:U6**UN*6~"),
    ("S221", "tar-hi-qualifier", "error", "An HI diagnosis qualifier of a 278 that is not valid.",
     "HI01-1 of the 2000E is ABK, BK, ABF, BF, ABJ, BJ, APR, DR or PR; HI02-HI12 take the same"
     " list without the principal-diagnosis ABK and BK.",
     "A diagnosis under an unknown qualifier (or a second principal) is not read; the medical"
     " necessity behind the TAR is lost.", "HI*ABK:Z029*ABK:Z599~", "HI*ABK:Z029*ABF:Z599~"),
    ("S222", "tar-ref-qualifier", "error", "REF01 of a 2000E/2000F is not BB or NT.",
     "A 278 patient event or service level carries REF*BB (previous review authorization number)"
     " or REF*NT (administrative reference number) only.",
     "A reference under another qualifier is not read: a renewal loses the authorization it"
     " renews.", "HL*4*3*EV*1~REF*G1*AUTH1~", "HL*4*3*EV*1~REF*BB*AUTH1~"),
    ("S216", "tar-dtp-date", "error", "A 278 DTP date that is not a valid D8 or RD8 date.",
     "DTP02 must be D8 (CCYYMMDD) or RD8 (CCYYMMDD-CCYYMMDD); the dates must be real calendar"
     " dates and an RD8 range must not end before it starts.",
     "An unreadable or reversed period cannot be reviewed; the TAR is rejected.",
     "DTP*472*RD8*20251130-20250601~", "DTP*472*RD8*20250601-20251130~"),
]


for _row in _TABLE:
    register(table_rule(_row, __name__, "Structure"))


@register
class Um02Code(Rule):
    """UM02 is not a 005010 certification type code.

    What it does: checks UM02 of each 2000E (and of a 2000F UM) of a 278 request or
    response against the 005010 certification types: I initial, R renewal, S revised,
    4 extension, 3 cancel, 1 and 2 appeals, N reconsideration. An empty 2000E UM02 is
    flagged too. UM02 ``E`` on an ECM TAR request is left to ECMTAR-01 (B401), which
    reports it with the ECM tip.

    Why it matters: there is no ``E`` (nor any other value) in 005010; a TAR sent with
    it is rejected before review. Extension is ``4``.

    Example that fails: ``UM*HS*E~`` (a CS TAR)

    Example that passes: ``UM*HS*4~``
    """

    code = "S211"
    name = "tar-um02-code"
    summary = "UM02 is not a 005010 certification type code."
    severity = "error"
    scope = "tar"
    tar_kinds = ("request", "response")

    def check_tar(self, tar, ctx):
        um02 = tar.um02
        if tar.um_pos is not None and um02 not in UM02_CODES:
            ecm_e = um02 == "E" and isinstance(tar, TarRequest) and is_ecm_tar(tar, ctx.profile)
            if not ecm_e:
                yield ctx.tar_finding(self, tar, _message(um02, "2000E"), data=_um02_data(um02))
        for s in tar.services:
            if s.um_pos is not None and s.um02 and s.um02 not in UM02_CODES:
                yield ctx.at(self, s.um_pos, _message(s.um02, "2000F"), path=tar.tx.path,
                             trace=tar.trace, data=_um02_data(s.um02))


def _um02_data(um02) -> dict:
    """999 codes of a bad UM02: missing (IK403 1) or not a valid code (7)."""
    return element_data("UM02", "7" if um02 else "1", number="1322")


def _message(um02, loop):
    if not um02:
        return f"{loop} UM02 (certification type) is empty: use I (initial), R (renewal), S" \
               " (revised) or 4 (extension)"
    hint = " (an extension is 4)" if um02 == "E" else ""
    return (f"{loop} UM02 certification type {um02!r} is not a 005010 code{hint}: use I, R, S,"
            " 4, 3, 1, 2 or N")
