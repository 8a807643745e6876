#!/usr/bin/env python3
"""Regenerate the X12 fixtures under ``fixtures/837`` and ``fixtures/278``.

Every fixture and its ``.md`` mistake map is generated here from the same data, with
:mod:`edi_lint.testing.x12build`, so the files stay structurally valid and the maps stay
in step with the claims they describe.

    python tools/make_fixtures.py            # write the files
    python tools/make_fixtures.py --check    # exit 1 if a committed file differs

The clean June 2025 month (``837/ecm_cs_clean_month.x12``) cites only certification
numbers approved in ``278/ecm_tar_response_approved.x12`` and
``278/cs_tar_response_approved.x12``, with dates of service inside the approved periods
and units within the approved quantities (a clean GEN-07 batch).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from edi_lint.testing.x12build import (  # noqa: E402
    Claim,
    Delims,
    Event,
    Line,
    OtherPayer,
    TarLine,
    build_278_request,
    build_278_response,
    build_837,
    interchange,
    transaction_278_request,
    transaction_278_response,
    transaction_837,
)

CLAIM_DATE = "20250701"  # 837 files are sent after the June 2025 services
TAR_DATE = "20250520"  # TARs are requested before the services
RESPONSE_DATE = "20250528"

NAMES = {
    "MBR000001": ("DOE", "JANE"),
    "MBR000002": ("ROE", "RICHARD"),
    "MBR000003": ("POE", "ALEX"),
    "MBR000004": ("MOE", "SAM"),
    "MBR000005": ("LOE", "PAT"),
    "MBR000006": ("DOE", "JOHN"),
    "MBR000007": ("DOE", "JAMIE"),
}


def name(member: str) -> tuple[str, str]:
    return NAMES.get(member, ("DOE", "JANE"))


def claim(clm01: str, member: str, lines, **kw) -> Claim:
    kw.setdefault("name", name(member))
    if kw.get("patient"):
        kw.setdefault("patient_name", name(kw["patient"]))
    return Claim(clm01, lines, member=member, **kw)


def L(code, mods=(), charge="400.00", units="1", dos="20250603", g1=(), basis="UN") -> Line:
    return Line(code, mods, charge=charge, units=units, basis=basis, dos=dos, g1=g1)


# =========================================================================== 837: clean month

ECM_INITIAL = ("20250601", "20260531")
ECM_REAUTH = ("20250601", "20251231")
SIX_MONTHS = ("20250601", "20251130")


def clean_month_claims() -> list[Claim]:
    return [
        # MBR000001: ECM initial TAR ECM250601 (engagement + clinical monthly), team conference
        claim("C1001", "MBR000001", [
            L("G9012", (), "150.00", dos="20250602"),
            L("G9008", ["U1"], "400.00", dos="20250603"),
        ], g1="ECM250601"),
        claim("C1002", "MBR000001", [L("G9007", (), "0.04", "4", dos="20250617")]),
        # MBR000002: not yet enrolled, three outreach attempts (no TAR needed)
        claim("C1003", "MBR000002", [
            L("G9008", ["U8"], "5.00", dos="20250605"),
            L("G9008", ["U8"], "5.00", dos="20250612"),
        ]),
        claim("C1004", "MBR000002", [L("G9008", ["U8", "GQ"], "5.00", dos="20250619")]),
        # MBR000003: ECM re-authorization ECM250602, non-clinical monthly
        claim("C1005", "MBR000003", [L("G9012", ["U2"], "400.00", dos="20250610", g1="ECM250602")]),
        # MBR000004: housing navigation, tenancy (2 units) and deposit, three TARs
        claim("C1006", "MBR000004", [L("H0043", ["U6"], "386.00", dos="20250602")], g1="CS250601"),
        claim("C1007", "MBR000004", [
            L("T2040", ["U6"], "222.00", dos="20250610"),
            L("T2041", ["U6"], "222.00", dos="20250620"),
        ], g1="CS250602"),
        claim("C1008", "MBR000004", [L("H0044", ["U2"], "1800.00", dos="20250615", g1="CS250603")]),
        # MBR000005: recuperative care span, meals, personal care
        claim("C1009", "MBR000005", [
            L("T2033", ["U6"], "1020.00", "5", dos=("20250601", "20250605"), g1="CS250604"),
        ]),
        claim("C1010", "MBR000005", [
            L("S5170", ["U6"], "140.00", "14", dos=("20250609", "20250615"), g1="CS250605"),
            L("T1019", ["U6"], "99.00", "12", dos="20250618", g1="CS250609"),
        ]),
        # MBR000006 (subscriber) with dependent MBR000007 (2000C patient loop): grocery boxes
        claim("C1011", "MBR000006", [L("S9977", ["U6"], "66.00", dos="20250605")],
              patient="MBR000007", g1="CS250606"),
        claim("C1012", "MBR000006", [L("S9977", ["U6"], "66.00", dos="20250612")],
              patient="MBR000007", g1="CS250606"),
        # MBR000006's own services: day habilitation, sobering center
        claim("C1013", "MBR000006", [
            L("T2020", ["U6"], "56.00", "8", dos="20250609", g1="CS250607"),
            L("H0014", ["U6"], "170.00", dos="20250621", g1="CS250608"),
        ]),
    ]


# =========================================================================== 837: mistakes
# (claim id, tip(s), what is wrong, [claims])


def ecm_mistakes() -> list[tuple[str, str, str, list[Claim]]]:
    return [
        ("E202", "ECM-01 (error) on E202 line 1",
         "second ECM monthly line in 2025-06: G9012-U2 on 06-20 after G9008-U1 on 06-03 (E201)",
         [claim("E201", "MBR000101", [L("G9008", ["U1"], dos="20250603", g1="ECM259101")]),
          claim("E202", "MBR000101", [L("G9012", ["U2"], dos="20250620", g1="ECM259101")])]),
        ("E203", "ECM-07 (error)", "G9012-U1 is not a valid ECM modifier set (matches no rate)",
         [claim("E203", "MBR000102", [L("G9012", ["U1"], dos="20250605", g1="ECM259102")])]),
        ("E204", "ECM-07 (error)", "G9008 with no modifier (matches no rate)",
         [claim("E204", "MBR000103", [L("G9008", (), dos="20250605", g1="ECM259103")])]),
        ("E206", "ECM-03 (error) on E206 line 1",
         "successful engagement G9012 billed twice for the member (first on E205, 06-02)",
         [claim("E205", "MBR000104", [L("G9012", (), "150.00", dos="20250602", g1="ECM259104")]),
          claim("E206", "MBR000104", [L("G9012", (), "150.00", dos="20250616", g1="ECM259104")])]),
        ("E207", "ECM-04 (error) on E207 line 6",
         "6 outreach attempts within 30 days (06-02 .. 06-20); the 6th (G9012-U8, 06-20) is flagged",
         [claim("E207", "MBR000105", [
             L("G9008", ["U8"], "5.00", dos="20250602"),
             L("G9008", ["U8"], "5.00", dos="20250605"),
             L("G9008", ["U8", "GQ"], "5.00", dos="20250609"),
             L("G9012", ["U8"], "5.00", dos="20250612"),
             L("G9008", ["U8"], "5.00", dos="20250616"),
             L("G9012", ["U8"], "5.00", dos="20250620"),
         ])]),
        ("E208", "ECM-05 (error) on E208 line 2",
         "outreach G9008-U8 on 06-10 after ECM enrollment (first monthly G9008-U1 on 06-02)",
         [claim("E208", "MBR000106", [
             L("G9008", ["U1"], dos="20250602", g1="ECM259106"),
             L("G9008", ["U8"], "5.00", dos="20250610"),
         ])]),
        ("E209", "GEN-01 (error, at DTP*472)", "date span 06-01..06-30 on ECM monthly G9008-U1",
         [claim("E209", "MBR000107", [
             L("G9008", ["U1"], dos=("20250601", "20250630"), g1="ECM259107")])]),
        ("E210", "ECM-02 (error)", "2 units on ECM monthly G9012-U2 (charge $800 = rate x units)",
         [claim("E210", "MBR000108", [
             L("G9012", ["U2"], "800.00", "2", dos="20250611", g1="ECM259108")])]),
        ("E211", "ECM-06 (error) + GEN-05 (warning); ECM-06 info",
         "G9007 x 4 billed at $0.00: a charge must be billed ($0.04 expected)",
         [claim("E211", "MBR000109", [L("G9007", (), "0.00", "4", dos="20250612")])]),
        ("E212", "GEN-05 (warning)", "wrong charge: G9008-U1 billed $450.00, contract rate $400.00",
         [claim("E212", "MBR000110", [L("G9008", ["U1"], "450.00", dos="20250604", g1="ECM259110")])]),
        ("E213", "GEN-06 (error)", "ECM monthly G9008-U1 without REF*G1 on the line or the claim",
         [claim("E213", "MBR000111", [L("G9008", ["U1"], dos="20250604")])]),
    ]


def cs_mistakes() -> list[tuple[str, str, str, list[Claim]]]:
    return [
        ("S301", "CS-12 (error)", "H0043 with no modifier (not a CS line, matches no rate)",
         [claim("S301", "MBR000201", [L("H0043", (), "386.00", dos="20250602", g1="CS259201")])]),
        ("S303", "CS-01 (error) on S303 line 1",
         "second housing navigation line in 2025-06: H2016-U6 on 06-20 after H0043-U6 on 06-02 (S302)",
         [claim("S302", "MBR000202", [L("H0043", ["U6"], "386.00", dos="20250602", g1="CS259202")]),
          claim("S303", "MBR000202", [L("H2016", ["U6"], "386.00", dos="20250620", g1="CS259202")])]),
        ("S304", "CS-02 (error) on S304 line 2",
         "3 tenancy units in 2025-06: T2040-U6 x 2 then T2041-U6 x 1 (limit 2 together)",
         [claim("S304", "MBR000203", [
             L("T2040", ["U6"], "444.00", "2", dos="20250605"),
             L("T2041", ["U6"], "222.00", "1", dos="20250619"),
         ], g1="CS259203")]),
        ("S305", "CS-03 (error, line) + CS-03 (warning, member total)",
         "housing deposit H0044-U2 billed $5,200.00 (limit $5,000.00)",
         [claim("S305", "MBR000204", [L("H0044", ["U2"], "5200.00", dos="20250615", g1="CS259204")])]),
        ("S306", "CS-05 (error) on S306 line 4",
         "recuperative care T2033-U6 continuous run 06-01..09-03 = 95 days (limit 90); line 4 "
         "(08-29..09-03) crosses it",
         [claim("S306", "MBR000205", [
             L("T2033", ["U6"], "6120.00", "30", dos=("20250601", "20250630")),
             L("T2033", ["U6"], "6324.00", "31", dos=("20250701", "20250731")),
             L("T2033", ["U6"], "5712.00", "28", dos=("20250801", "20250828")),
             L("T2033", ["U6"], "1224.00", "6", dos=("20250829", "20250903")),
         ], g1="CS259205")]),
        ("S307", "CS-06 (error)", "3 medically supportive meals S5170-U6 on one day (limit 2)",
         [claim("S307", "MBR000206", [L("S5170", ["U6"], "30.00", "3", dos="20250610", g1="CS259206")])]),
        ("S308", "CS-07 (error) on S308 line 2",
         "2 grocery boxes S9977-U6 in 5 days (06-02 and 06-06; limit 1 per 7 days)",
         [claim("S308", "MBR000207", [
             L("S9977", ["U6"], "66.00", dos="20250602"),
             L("S9977", ["U6"], "66.00", dos="20250606"),
         ], g1="CS259207")]),
        ("S309", "CS-08 (error)", "9 day habilitation units T2020-U6 on one day (limit 8)",
         [claim("S309", "MBR000208", [L("T2020", ["U6"], "63.00", "9", dos="20250611", g1="CS259208")])]),
        ("S310", "CS-09 (error)", "2 sobering center units H0014-U6 on one day (limit 1)",
         [claim("S310", "MBR000209", [L("H0014", ["U6"], "340.00", "2", dos="20250614", g1="CS259209")])]),
        ("S311", "CS-10 (error); no GEN-05 (MJ)",
         "personal care T1019-U6 billed in minutes (SV103 MJ, 60) instead of 15-minute units",
         [claim("S311", "MBR000210", [
             L("T1019", ["U6"], "33.00", "60", dos="20250616", g1="CS259210", basis="MJ")])]),
        ("S312", "CS-11 (warning) on S312 lines 1 and 2",
         "meals S5170-U6 and grocery box S9977-U6 for the same member in 2025-06",
         [claim("S312", "MBR000211", [
             L("S5170", ["U6"], "20.00", "2", dos="20250603"),
             L("S9977", ["U6"], "66.00", dos="20250617"),
         ], g1="CS259211")]),
        ("S313", "GEN-01 (error, at DTP*472)", "date span 06-01..06-30 on housing navigation H0043-U6",
         [claim("S313", "MBR000212", [
             L("H0043", ["U6"], "386.00", dos=("20250601", "20250630"), g1="CS259212")])]),
    ]


def cob_cases() -> list[tuple[str, str, str, list[Claim]]]:
    kaiser = OtherPayer()  # SBR*P ... CI, 2330B KAISER FOUNDATION HEALTH PLAN, PI 94134
    dsnp = OtherPayer(sbr01="P", sbr09="16", name="SAMPLE MEDICARE ADVANTAGE DSNP", payer_id="DSNP01")
    return [
        ("K401", "GEN-02 (error) on each line",
         "2320 SBR*P with 2330B KAISER FOUNDATION HEALTH PLAN: ECM and CS go through Kaiser",
         [claim("K401", "MBR000301", [
             L("G9008", ["U1"], dos="20250603"),
             L("H0043", ["U6"], "386.00", dos="20250604"),
         ], g1="KP250301", other_payers=[kaiser])]),
        ("K402", "GEN-03 (warning)",
         "2320 other payer with SBR09 16 (Medicare risk HMO, a D-SNP) on an ECM line",
         [claim("K402", "MBR000302", [L("G9008", ["U1"], dos="20250603", g1="ECM259302")],
                other_payers=[dsnp])]),
        ("K403", "none", "clean: ECM monthly G9012-U2 with no other payer",
         [claim("K403", "MBR000303", [L("G9012", ["U2"], dos="20250605", g1="ECM259303")])]),
    ]


def replacement_cases() -> list[tuple[str, str, str, list[Claim]]]:
    return [
        ("C300", "none",
         "original (freq 1) G9008-U1 on 06-03, then a replacement (freq 7, REF*F8) moving it to "
         "06-04; only the replacement counts (counting both would give ECM-01)",
         [claim("C300", "MBR000401", [L("G9008", ["U1"], dos="20250603", g1="ECM259401")]),
          claim("C300", "MBR000401", [L("G9008", ["U1"], dos="20250604", g1="ECM259401")],
                freq="7", f8="PCN2506030001")]),
        ("C301", "none",
         "original H0043-U6 on 06-02 then its void (freq 8, REF*F8): the void's lines get no "
         "findings and count nowhere",
         [claim("C301", "MBR000401", [L("H0043", ["U6"], "386.00", dos="20250602", g1="CS259401")]),
          claim("C301", "MBR000401", [L("H0043", ["U6"], "386.00", dos="20250602", g1="CS259401")],
                freq="8", f8="PCN2506030002")]),
        ("C302", "none",
         "H2016-U6 on 06-25: the member's only housing navigation line once C301 is voided "
         "(counting C301 would give CS-01 here)",
         [claim("C302", "MBR000401", [L("H2016", ["U6"], "386.00", dos="20250625", g1="CS259401")])]),
    ]


def flatten(cases) -> list[Claim]:
    return [c for case in cases for c in case[3]]


def mistake_map(title: str, x12: str, intro: str, cases) -> str:
    rows = [
        f"# {title}",
        "",
        f"Expected findings for `{x12}` (generated by `tools/make_fixtures.py`; rule ids from",
        "`shared/spec/billing-rules.md`). No 278 response is in the batch, so GEN-07 stays",
        "silent. " + intro,
        "",
        "| claim | expected tip | mistake |",
        "|---|---|---|",
    ]
    for cid, tip, what, _ in cases:
        rows.append(f"| {cid} | {tip} | {what} |")
    return "\n".join(rows) + "\n"


# =========================================================================== 837: delimiter styles


def delims_claims(n: int = 0) -> list[Claim]:
    """The same three claims in every delimiter style; file n gets its own members and claim ids,
    so that the fixtures linted as one batch do not count against each other."""
    return [
        claim(f"D5{n}1", f"MBR0005{n}1", [
            L("G9008", ["U1", "GQ"], dos="20250603"),
            L("G9012", (), "150.00", dos="20250603"),
        ], g1="ECM259501"),
        claim(f"D5{n}2", f"MBR0005{n}2", [
            L("T2040", ["U6"], "222.00", dos="20250610"),
            L("T2041", ["U6"], "222.00", dos="20250624"),
        ], g1="CS259502"),
        claim(f"D5{n}3", f"MBR0005{n}3", [
            L("T2033", ["U6"], "612.00", "3", dos=("20250611", "20250613"), g1="CS259503"),
        ]),
    ]


def indent_text(text: str) -> str:
    """Indent segments by envelope level and put a blank line before each HL and CLM."""
    segs = text.split("~\n")
    assert segs[-1] == ""
    out = []
    for seg in segs[:-1]:
        tag = seg.split("*", 1)[0]
        pad = {"ISA": "", "IEA": "", "GS": "  ", "GE": "  ", "ST": "    ", "SE": "    "}.get(tag, "      ")
        if tag in ("HL", "CLM"):
            out.append("")
        out.append(pad + seg + "~")
    return "\n".join(out) + "\n"


def multi_isa() -> str:
    d = Delims()
    g1 = [
        transaction_837([claim("M601", "MBR000601", [L("G9008", ["U1"], dos="20250603", g1="ECM259601")])],
                        st_control="0001", date=CLAIM_DATE),
        transaction_837([claim("M602", "MBR000602", [L("H0043", ["U6"], "386.00", dos="20250603",
                                                          g1="CS259602")])],
                        st_control="0002", date=CLAIM_DATE),
    ]
    g2 = [
        transaction_837([claim("M603", "MBR000603", [L("G9012", ["U2"], dos="20250605", g1="ECM259603")])],
                        st_control="0001", date=CLAIM_DATE),
    ]
    g3 = [
        transaction_837([claim("M604", "MBR000604", [L("S9977", ["U6"], "66.00", dos="20250609",
                                                          g1="CS259604")])],
                        st_control="0001", date=CLAIM_DATE),
        transaction_837([claim("M605", "MBR000605", [L("T2020", ["U6"], "56.00", "8", dos="20250610",
                                                          g1="CS259605")]),
                         claim("M606", "MBR000605", [L("H0014", ["U6"], "170.00", dos="20250611",
                                                          g1="CS259606")])],
                        st_control="0002", date=CLAIM_DATE),
    ]
    return (
        interchange([g1, g2], delims=d, control="000000710", date=CLAIM_DATE)
        + interchange([g3], delims=d, control="000000720", date=CLAIM_DATE)
    )


# =========================================================================== 278


def tl(code, mods=(), units="1", period=ECM_INITIAL, amount="", **kw) -> TarLine:
    return TarLine(code, mods, amount=amount, units=units, period=period, **kw)


def ecm_initial_lines():
    return [tl("G9008", ["U1"], "12", ECM_INITIAL, "4800.00"), tl("G9012", (), "1", ECM_INITIAL, "150.00")]


def ecm_reauth_lines():
    return [tl("G9012", ["U2"], "7", ECM_REAUTH, "2800.00")]



def req(member, **kw) -> str:
    kw.setdefault("member_name", name(member))
    return build_278_request(member=member, date=TAR_DATE, **kw)


def cs_approvals() -> list[dict]:
    """The CS TAR responses behind the clean month (one 278 transaction set each)."""
    nav = dict(member="MBR000004", cert="CS250601", trace="TAR25060004A", event_period=SIX_MONTHS,
               lines=[tl("H0043", ["U6"], "6", SIX_MONTHS, "2316.00")])
    tenancy = dict(member="MBR000004", cert="CS250602", trace="TAR25060004B", event_period=SIX_MONTHS,
                   lines=[tl("T2040", ["U6"], "12", SIX_MONTHS, "2664.00", cert=""),
                          tl("T2041", ["U6"], "12", SIX_MONTHS, "2664.00", cert="")])
    deposit = dict(member="MBR000004", cert="CS250603", trace="TAR25060004C",
                   event_period=("20250601", "20250831"),
                   lines=[tl("H0044", ["U2"], "1", ("20250601", "20250831"), "4500.00")])
    recup = dict(member="MBR000005", cert="CS250604", trace="TAR25060005A",
                 event_period=("20250601", "20250630"),
                 lines=[tl("T2033", ["U6"], "30", ("20250601", "20250630"), "6120.00")])
    meals = dict(member="MBR000005", cert="CS250605", trace="TAR25060005B",
                 event_period=("20250609", "20250831"), date_qualifier="007",
                 lines=[tl("S5170", ["U6"], "168", ("20250609", "20250831"))])
    personal = dict(member="MBR000005", cert="CS250609", trace="TAR25060005C", event_period=SIX_MONTHS,
                    lines=[tl("T1019", ["U6"], "96", SIX_MONTHS, "792.00")])
    grocery = dict(member="MBR000006", dependent="MBR000007", cert="CS250606", trace="TAR25060007A",
                   event_period=("20250602", "20250824"),
                   lines=[tl("S9977", ["U6"], "12", ("20250602", "20250824"), "792.00")])
    dayhab = dict(member="MBR000006", cert="CS250607", trace="TAR25060006A", event_period=SIX_MONTHS,
                  lines=[tl("T2020", ["U6"], "400", SIX_MONTHS, "2800.00")])
    sobering = dict(member="MBR000006", cert="CS250608", trace="TAR25060006B", event_period=SIX_MONTHS,
                    lines=[tl("H0014", ["U6"], "", SIX_MONTHS, "1700.00", hsd="10")])
    return [nav, tenancy, deposit, recup, meals, personal, grocery, dayhab, sobering]


def responses(items: list[dict], control: str) -> str:
    txs = []
    for n, kw in enumerate(items, 1):
        kw = dict(kw)
        kw.setdefault("member_name", name(kw["member"]))
        if kw.get("dependent"):
            kw.setdefault("dependent_name", name(kw["dependent"]))
        txs.append(transaction_278_response(st_control=f"{n:04d}", date=RESPONSE_DATE, **kw))
    return interchange([txs], control=control, sender="MEDICAL", receiver="SENDER", date=RESPONSE_DATE)


def ecm_approvals() -> list[dict]:
    return [
        dict(member="MBR000001", cert="ECM250601", trace="TAR25060001", event_period=ECM_INITIAL,
             lines=ecm_initial_lines()),
        dict(member="MBR000003", cert="ECM250602", trace="TAR25060003", um02="R",
             event_period=ECM_REAUTH, lines=ecm_reauth_lines()),
    ]


def requests(items: list[tuple[str, dict]], control: str) -> tuple[str, list[tuple[str, str, str]]]:
    """One 278 request transaction set per item; returns the text and (st02, trace, note) rows."""
    txs, rows = [], []
    for n, (note, kw) in enumerate(items, 1):
        kw = dict(kw)
        kw.setdefault("member_name", name(kw["member"]))
        st02 = f"{n:04d}"
        txs.append(transaction_278_request(st_control=st02, date=TAR_DATE, **kw))
        rows.append((st02, kw.get("trace", ""), note))
    return interchange([txs], control=control, date=TAR_DATE), rows


def ecm_tar_mistakes():
    return [
        ("ECMTAR-01 (error): UM02 `E` is not a valid certification type (extension is `4`)",
         dict(member="MBR000801", um02="E", trace="TAR25068001", event_period=ECM_INITIAL, pwk=["B4"],
              lines=ecm_initial_lines())),
        ("ECMTAR-01 (error): initial TAR 2025-06-01..2026-07-31 runs past 12 months (latest end 2026-06-30)",
         dict(member="MBR000802", trace="TAR25068002", event_period=("20250601", "20260731"), pwk=["B4"],
              lines=[tl("G9008", ["U1"], "14", ("20250601", "20260731"), "5600.00"),
                     tl("G9012", (), "1", ("20250601", "20260731"), "150.00")])),
        ("ECMTAR-02 (error): initial TAR without the G9012 (no modifier) x 1 engagement line",
         dict(member="MBR000803", trace="TAR25068003", event_period=ECM_INITIAL, pwk=["B4"],
              lines=[tl("G9008", ["U1"], "12", ECM_INITIAL, "4800.00")])),
        ("ECMTAR-03 (error) on 2000F lines 2 (G9008-U8) and 3 (G9008-U1-GQ)",
         dict(member="MBR000804", trace="TAR25068004", event_period=ECM_INITIAL, pwk=["B4"],
              lines=[tl("G9012", (), "1", ECM_INITIAL, "150.00"),
                     tl("G9008", ["U8"], "5", ECM_INITIAL, "25.00"),
                     tl("G9008", ["U1", "GQ"], "12", ECM_INITIAL, "4800.00")])),
        ("ECMTAR-04 (warning): six-month re-authorization 2025-06-15..2025-12-20 does not end on "
         "the last day of a month",
         dict(member="MBR000805", um02="R", trace="TAR25068005", event_period=("20250615", "20251220"),
              previous_cert="ECM240615",
              lines=[tl("G9008", ["U1"], "7", ("20250615", "20251220"), "2800.00")])),
    ]


def cs_tar_mistakes():
    deposit_period = ("20250601", "20250831")
    return [
        ("CSTAR-02 (error): housing navigation and housing deposit on one TAR",
         dict(member="MBR000901", trace="TAR25069001", event_period=SIX_MONTHS, pwk=["B4", "08", "55", "77"],
              lines=[tl("H0043", ["U6"], "6", SIX_MONTHS, "2316.00"),
                     tl("H0044", ["U2"], "1", SIX_MONTHS, "3000.00")])),
        ("CSTAR-03 (error): housing deposit TAR without the lease (PWK 55) and the item list (PWK 77)",
         dict(member="MBR000902", trace="TAR25069002", event_period=deposit_period, pwk=["B4", "08"],
              lines=[tl("H0044", ["U2"], "1", deposit_period, "2500.00")])),
        ("CSTAR-05 (error): meals S5170 and grocery box S9977 on one TAR",
         dict(member="MBR000903", trace="TAR25069003", event_period=("20250601", "20250823"), pwk=["B4"],
              lines=[tl("S5170", ["U6"], "168", ("20250601", "20250823")),
                     tl("S9977", ["U6"], "12", ("20250601", "20250823"), "792.00")])),
        ("CSTAR-04 (error): personal care T1019-U6 requested in minutes (SV103 MJ)",
         dict(member="MBR000904", trace="TAR25069004", event_period=deposit_period, pwk=["B4"],
              lines=[tl("T1019", ["U6"], "1440", deposit_period, "792.00", basis="MJ")])),
        ("CSTAR-06 (error): H0043 without the U6 modifier",
         dict(member="MBR000905", trace="TAR25069005", event_period=SIX_MONTHS, pwk=["B4"],
              lines=[tl("H0043", (), "6", SIX_MONTHS, "2316.00")])),
        ("CSTAR-07 (error): no referral form (no PWK B4 in 2000E or 2000F)",
         dict(member="MBR000906", trace="TAR25069006", event_period=deposit_period, pwk=["08"],
              lines=[tl("H0014", ["U6"], "10", deposit_period, "1700.00")])),
        ("CSTAR-01 (error): recuperative care T2033-U6 2025-06-01..2025-09-03 = 95 days (limit 90)",
         dict(member="MBR000907", trace="TAR25069007", event_period=("20250601", "20250903"), pwk=["B4"],
              lines=[tl("T2033", ["U6"], "95", ("20250601", "20250903"), "19380.00")])),
    ]


def tar_map(title: str, x12: str, intro: str, rows) -> str:
    out = [
        f"# {title}",
        "",
        f"Expected findings for `{x12}` (generated by `tools/make_fixtures.py`; rule ids from",
        "`shared/spec/billing-rules.md`). Each TAR is for its own member. " + intro,
        "",
        "| ST02 | TRN02 | expected finding |",
        "|---|---|---|",
    ]
    out += [f"| {st} | {trace} | {note} |" for st, trace, note in rows]
    return "\n".join(out) + "\n"


def cs_bulk() -> str:
    p1 = SIX_MONTHS
    p2 = ("20250601", "20250831")
    tx1 = transaction_278_request(
        member="MBR000911", st_control="0001", date=TAR_DATE,
        events=[
            Event(member="MBR000911", trace="TAR25069011", event_period=p1, pwk=["B4"],
                  lines=[tl("T2020", ["U6"], "400", p1, "2800.00")]),
            Event(member="MBR000912", trace="TAR25069012", event_period=p2, pwk=["B4"],
                  lines=[tl("H0014", ["U6"], "10", p2, "1700.00")]),
        ],
    )
    tx2 = transaction_278_request(
        member="MBR000913", st_control="0002", date=TAR_DATE, trace="TAR25069013", event_period=p2,
        pwk=["B4"], lines=[tl("S9470", ["U6"], "1", p2, "41.00")],
    )
    return interchange([[tx1, tx2]], control="000000213", date=TAR_DATE)


# =========================================================================== all files


def generate() -> dict[str, str]:
    files: dict[str, str] = {}
    f837 = lambda n: f"837/{n}"  # noqa: E731
    f278 = lambda n: f"278/{n}"  # noqa: E731

    files[f837("ecm_cs_clean_month.x12")] = build_837(clean_month_claims(), control="000000101",
                                                      date=CLAIM_DATE)
    for stem, title, cases, control, intro in (
        ("ecm_mistakes", "ECM billing mistakes", ecm_mistakes(), "000000102",
         "Each member appears in one case only; line numbers are LX01 within the claim."),
        ("cs_mistakes", "Community Supports billing mistakes", cs_mistakes(), "000000103",
         "Each member appears in one case only; line numbers are LX01 within the claim."),
        ("cob_kaiser_dsnp", "Coordination of benefits: Kaiser primary and D-SNP", cob_cases(),
         "000000104", "Each member appears in one case only. The 2000B SBR01 of K401 and K402 is `S` (the plan is secondary)."),
        ("replacement_void", "Replacements and voids", replacement_cases(), "000000105",
         "All claims are for one member (MBR000401) and one billing NPI. No error or warning is "
         "expected anywhere in the file."),
    ):
        files[f837(stem + ".x12")] = build_837(flatten(cases), control=control, date=CLAIM_DATE)
        files[f837(stem + ".md")] = mistake_map(title, stem + ".x12", intro, cases)

    styles = {
        "delims_crlf_bom.x12": (Delims(newline="\r\n"), True),
        "delims_oneline.x12": (Delims(newline=""), False),
        "delims_newline_terminator.x12": (Delims(segment="\n", newline=""), False),
        "delims_cr_terminator.x12": (Delims(segment="\r", newline="\n"), False),
        "delims_control_bytes.x12": (
            Delims(element="\x1d", component="\x1f", repetition="\x1c", segment="\x1e", newline=""), False),
        "delims_pipe_bang.x12": (Delims(element="|", component="!", repetition=">"), False),
    }
    for n, (fname, (d, bom)) in enumerate(styles.items()):
        files[f837(fname)] = build_837(delims_claims(n), delims=d, bom=bom, control=f"{201 + n:09d}",
                                       date=CLAIM_DATE)
    files[f837("indented_blank_lines.x12")] = indent_text(
        build_837(delims_claims(len(styles)), control="000000207", date=CLAIM_DATE))
    files[f837("multi_isa_gs_st.x12")] = multi_isa()

    # ---- 278
    files[f278("ecm_initial_tar_request.x12")] = req(
        "MBR000001", um02="I", trace="TAR25060001", event_period=ECM_INITIAL, pwk=["B4"],
        lines=ecm_initial_lines(), control="000000301")
    files[f278("ecm_reauth_tar_request.x12")] = req(
        "MBR000003", um02="R", trace="TAR25060003", event_period=ECM_REAUTH, previous_cert="ECM241201",
        lines=ecm_reauth_lines(), control="000000302")
    files[f278("ecm_tar_response_approved.x12")] = responses(ecm_approvals(), "000000303")
    files[f278("cs_housing_deposit_tar_request.x12")] = req(
        "MBR000004", trace="TAR25060004C", event_period=("20250601", "20250831"),
        pwk=["B4", "08", "55", "77"],
        lines=[tl("H0044", ["U2"], "1", ("20250601", "20250831"), "4500.00")], control="000000304")
    files[f278("cs_tar_response_approved.x12")] = responses(cs_approvals(), "000000305")

    text, rows = requests(ecm_tar_mistakes(), "000000311")
    files[f278("ecm_tar_mistakes_request.x12")] = text
    files[f278("ecm_tar_mistakes_request.md")] = tar_map(
        "ECM TAR mistakes", "ecm_tar_mistakes_request.x12",
        "One TAR (one 2000E) per transaction set. These are ECM TARs, so CSTAR-09 (bulk) does not apply.", rows)
    text, rows = requests(cs_tar_mistakes(), "000000312")
    files[f278("cs_tar_mistakes_request.x12")] = text
    files[f278("cs_tar_mistakes_request.md")] = tar_map(
        "Community Supports TAR mistakes", "cs_tar_mistakes_request.x12",
        "One TAR (one 2000E) per transaction set. The file holds 7 CS TAR transaction sets, so ST 0002..0007 each also get one CSTAR-09 "
        "(warning, bulk submission).", rows)
    files[f278("cs_tar_bulk_request.x12")] = cs_bulk()
    files[f278("cs_tar_bulk_request.md")] = tar_map(
        "Bulk CS TAR submission", "cs_tar_bulk_request.x12",
        "Two TARs (two members) share transaction set 0001, a third is in 0002. "
        "Otherwise valid TARs; only CSTAR-09 (warning) is expected.",
        [("0001", "TAR25069011", "none (first TAR of the file)"),
         ("0001", "TAR25069012", "CSTAR-09 (warning): second 2000E in one transaction set"),
         ("0002", "TAR25069013", "CSTAR-09 (warning): second 278 request transaction set in one file")])
    files[f278("tar_response_denied.x12")] = build_278_response(
        member="MBR000921", member_name=("ROE", "ROBIN"), hcr01="A3", cert="CS259921",
        trace="TAR25069021", event_period=SIX_MONTHS,
        lines=[tl("H0043", ["U6"], "6", SIX_MONTHS, "2316.00")],
        control="000000321", date=RESPONSE_DATE)
    return files


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", type=Path, default=ROOT / "fixtures", help="fixtures folder")
    ap.add_argument("--check", action="store_true", help="compare instead of writing")
    args = ap.parse_args(argv)
    stale = []
    for rel, text in generate().items():
        path = args.out / rel
        data = text.encode("utf-8")
        if args.check:
            if not path.exists() or path.read_bytes() != data:
                stale.append(rel)
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    if stale:
        print("out of date (run tools/make_fixtures.py):", *stale, sep="\n  ", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
