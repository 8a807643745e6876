"""278 (005010X217) structure: required segments and code values (no tip ids).

pyx12 has no 5010 278 map, so edi-lint checks the 278 itself (billing-rules.md §8,
x12-notes.md §3). Most checks run in the streaming builder (``model/build278.py``)
and are reported through its ``report`` callback; this module registers their
codes and documentation. UM02 of the 2000E is checked here, on the whole patient
event, because UM02 ``E`` on an ECM TAR is ECMTAR-01's finding, not this one's.
"""
from __future__ import annotations

from ..model.tars import TarRequest, is_ecm_tar
from .base import Rule
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
    ("S216", "tar-dtp-date", "error", "A 278 DTP date that is not a valid D8 or RD8 date.",
     "DTP02 must be D8 (CCYYMMDD) or RD8 (CCYYMMDD-CCYYMMDD); the dates must be real calendar"
     " dates and an RD8 range must not end before it starts.",
     "An unreadable or reversed period cannot be reviewed; the TAR is rejected.",
     "DTP*472*RD8*20251130-20250601~", "DTP*472*RD8*20250601-20251130~"),
]


def _make(code, name, severity, summary, what, why, bad, good):
    doc = (f"{summary}\n\nWhat it does: {what}\n\nWhy it matters: {why}\n\n"
           f"Example that fails: ``{bad}``\n\nExample that passes: ``{good}``")
    cls = type(f"Structure{code}", (Rule,), {
        "__doc__": doc, "code": code, "name": name, "severity": severity, "summary": summary,
        "scope": "structure", "__module__": __name__, "examples": (bad, good)})
    return register(cls)


STRUCTURE_278_RULES = [_make(*row) for row in _TABLE]


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
                yield ctx.tar_finding(self, tar, _message(um02, "2000E"))
        for s in tar.services:
            if s.um_pos is not None and s.um02 and s.um02 not in UM02_CODES:
                yield ctx.at(self, s.um_pos, _message(s.um02, "2000F"), path=tar.tx.path,
                             trace=tar.trace)


def _message(um02, loop):
    if not um02:
        return f"{loop} UM02 (certification type) is empty: use I (initial), R (renewal), S" \
               " (revised) or 4 (extension)"
    hint = " (an extension is 4)" if um02 == "E" else ""
    return (f"{loop} UM02 certification type {um02!r} is not a 005010 code{hint}: use I, R, S,"
            " 4, 3, 1, 2 or N")
