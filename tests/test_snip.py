"""SNIP 1, 3 and 5 rules (X1xx, X3xx, X5xx): a failing and a passing case for each code.

Every case is a valid built 837P (or 278) with one change. A failing case must give
exactly the expected findings of its code, at the expected segment (found in the bytes
by ``structhelp.where``); a passing case must give no SNIP finding at all.
"""
from __future__ import annotations

import pytest

from edi_lint.rules import all_rules
from edi_lint.rules.snip5 import npi_valid, procedure_code_valid
from edi_lint.x12.values import is_decimal, to_number
from edi_lint.testing import x12build as xb
from structhelp import lint, where

SNIP = ("X1", "X3", "X5")


def claim(**kw):
    lines = kw.pop("lines", None) or [xb.Line("99213", charge="100.00")]
    return xb.Claim(kw.pop("clm01", "C1"), lines, **kw)


def build(*claims, **kw):
    return xb.build_837(list(claims) or [claim()], **kw)


def swap(text, old, new, count=1):
    assert old in text, old
    return text.replace(old, new, count)


def recount(text):
    """SE01 after segments were added or removed (one ST, '~' terminator)."""
    st, se = text.index("ST*"), text.index("SE*")
    end = text.index("*", se + 3)
    return text[:se] + f"SE*{text[st:se].count('~') + 1}" + text[end:]


def drop(text, segment):
    return recount(swap(text, segment + "~\n", ""))


BASE = build()
RENDERING = "NM1*82*1*KILDARE*BEN****XX*"


def with_rendering(npi):
    return recount(swap(BASE, "LX*1~", f"{RENDERING}{npi}~\nLX*1~"))


# (code, case name, text, [(needle, nth), ...] expected findings of the code; [] = pass)
CASES = [
    ("X101", "nm103-empty", swap(BASE, "NM1*85*2*SAMPLE COMMUNITY CARE PARTNERS", "NM1*85*2*"),
     [("NM1*85", 1)]),
    ("X101", "clm05-3-missing", swap(BASE, "*11:B:1*", "*11:B*"), [("CLM", 1)]),
    ("X101", "nm108-without-nm109", swap(BASE, "*MI*MBR0001", "*MI"), [("NM1*IL", 1)]),
    ("X101", "sv107-missing", swap(BASE, "*UN*1***1", "*UN*1"), [("SV1", 1)]),
    ("X101", "hl02-missing", swap(BASE, "HL*2*1*22", "HL*2**22"), [("HL*2", 1)]),
    ("X101", "pay-to-nm1-needs-no-name", recount(swap(BASE, "REF*EI*123456789~",
                                                      "REF*EI*123456789~\nNM1*87*2~\n"
                                                      "N3*PO BOX 1~\nN4*SANTA ROSA*CA*95401~")),
     []),
    ("X101", "base", BASE, []),
    ("X102", "sv102-dollar-sign", build(claim(charge="100.00", lines=[
        xb.Line("99213", charge="$100.00")])), [("SV1", 1)]),
    ("X102", "amt-comma", recount(swap(BASE, "LX*1~", "AMT*F5*1,000~\nLX*1~")), [("AMT", 1)]),
    ("X102", "decimals-and-negatives", build(claim(charge="-0.50", lines=[
        xb.Line("99213", charge="-0.50", units="1.5")])), []),
    ("X103", "clm01-21-characters", build(claim(clm01="A" * 21)), [("CLM", 1)]),
    ("X103", "modifier-of-one-character", build(claim(lines=[xb.Line("99213", ["2"],
                                                                       charge="100.00")])),
     [("SV1", 1)]),
    ("X103", "clm01-20-characters", build(claim(clm01="A" * 20)), []),
    ("X104", "ref-in-header", recount(swap(BASE, "NM1*41", "REF*87*004010X098A1~\nNM1*41")),
     [("REF*87", 1)]),
    ("X104", "clm-under-billing-provider", recount(swap(
        BASE, "HL*2*1*22*0~", "CLM*C0*1***11:B:1*Y*A*Y*Y~\nHL*2*1*22*0~")), [("CLM*C0", 1)]),
    ("X104", "sv2-is-not-837p", recount(swap(BASE, "DTP*472", "SV2*0100**10*UN*1~\nDTP*472")),
     [("SV2", 1)]),
    ("X104", "dmg-in-2320", recount(swap(build(claim(other_payers=[xb.OtherPayer()])), "OI*",
                                         "DMG*D8*19800101*F~\nOI*")), [("DMG", 2)]),
    ("X104", "prv-cur-in-2000a", recount(swap(BASE, "REF*EI", "PRV*BI*PXC*251S00000X~\n"
                                              "CUR*85*USD~\nREF*EI")), []),
    ("X105", "no-receiver", drop(BASE, "NM1*40*2*SAMPLE MEDI-CAL HEALTH PLAN*****46*MEDICAL"),
     [("SE", 1)]),
    ("X105", "all-loops", BASE, []),
    ("X106", "every-claim-has-lines", build(claim(), claim(clm01="C2")), []),
    ("X107", "isa12-00501", BASE, []),
    ("X111", "ascii-name", swap(BASE, "NM1*IL*1*DOE", "NM1*IL*1*MUELLER"), []),
    ("X106", "claim-without-lines", recount(swap(
        build(claim(), claim(clm01="C2")), "LX*1~\nSV1*HC:99213*100.00*UN*1***1~\n"
        "DTP*472*D8*20250603~\nCLM*C2", "CLM*C2")), [("CLM*C1", 1)]),
    ("X107", "isa12-00401", swap(BASE, "*00501*", "*00401*"), [("ISA", 1)]),
    ("X110", "isa16-colon-body-gt", swap(
        build(claim(), claim(clm01="C2"), delims=xb.Delims(component=">")), ">~\nGS", ":~\nGS"),
     [("CLM", 1)]),
    ("X110", "isa16-gt-body-gt", build(claim(), delims=xb.Delims(component=">")), []),
    ("X111", "windows-1252-name", swap(BASE, "NM1*IL*1*DOE", "NM1*IL*1*M\xdcLLER"),
     [("NM1*IL", 1)]),
    ("X111", "utf8-name", swap(BASE, "NM1*IL*1*DOE", "NM1*IL*1*M\xc3\x9cLLER"), [("NM1*IL", 1)]),
    ("X301", "clm02-off-by-a-cent", build(claim(charge="100.01")), [("CLM", 1)]),
    ("X301", "two-lines-balance", build(claim(lines=[xb.Line("99213", charge="0.10"),
                                                     xb.Line("99214", charge="0.20")],
                                              charge="0.30")), []),
    ("X501", "six-digits", build(claim(lines=[xb.Line("478331", charge="100.00")])),
     [("SV1", 1)]),
    ("X501", "four-digits", build(claim(lines=[xb.Line("9921", charge="100.00")])),
     [("SV1", 1)]),
    ("X501", "bad-qualifier", build(claim(lines=[xb.Line("99213", charge="100.00",
                                                         qualifier="XX")])), [("SV1", 1)]),
    ("X501", "hcpcs-cpt-cat2-cat3", build(claim(lines=[
        xb.Line(c, charge="1.00") for c in ("G9008", "99213", "0001F", "0042T")])), []),
    ("X502", "lower-case-modifier", build(claim(lines=[xb.Line("G9008", ["u1"],
                                                               charge="100.00")])),
     [("SV1", 1)]),
    ("X502", "four-modifiers", build(claim(lines=[xb.Line("G9008", ["U1", "GQ", "25", "HE"],
                                                          charge="100.00")])), []),
    ("X503", "billing-npi-check-digit", build(claim(billing_npi="1234567890")),
     [("NM1*85", 1)]),
    ("X503", "rendering-npi-check-digit", with_rendering("1999996666"), [("NM1*82", 1)]),
    ("X503", "rendering-npi-ok", with_rendering(xb.npi("199999666")), []),
    ("X504", "june-31", build(claim(lines=[xb.Line("99213", charge="100.00",
                                                   dos="20250631")])), [("DTP*472", 1)]),
    ("X504", "feb-29-not-leap", swap(BASE, "DMG*D8*19800101", "DMG*D8*19810229"),
     [("DMG", 1)]),
    ("X504", "bht04", swap(BASE, "*20250701*1200*CH", "*20251301*1200*CH"), [("BHT", 1)]),
    ("X504", "feb-29-leap", swap(BASE, "DMG*D8*19800101", "DMG*D8*19800229"), []),
    ("X505", "rd8-reversed", build(claim(lines=[xb.Line("99213", charge="100.00",
                                                        dos=("20250630", "20250601"))])),
     [("DTP*472", 1)]),
    ("X505", "rd8-one-day", build(claim(lines=[xb.Line("99213", charge="100.00",
                                                       dos=("20250601", "20250601"))])), []),
    ("X506", "frequency-6", build(claim(freq="6")), [("CLM", 1)]),
    ("X506", "frequency-7-and-8", build(claim(freq="7", f8="X1"),
                                        claim(clm01="C2", freq="8", f8="X2")), []),
    ("X507", "unit-basis-da", build(claim(lines=[xb.Line("99213", charge="100.00",
                                                         basis="DA")])), [("SV1", 1)]),
    ("X507", "unit-basis-mj", build(claim(lines=[xb.Line("00142", charge="100.00",
                                                         basis="MJ", units="45")])), []),
    ("X508", "zero-units", build(claim(lines=[xb.Line("99213", charge="100.00", units="0")])),
     [("SV1", 1)]),
    ("X508", "negative-units", build(claim(lines=[xb.Line("99213", charge="100.00",
                                                          units="-1")])), [("SV1", 1)]),
    ("X508", "half-unit", build(claim(lines=[xb.Line("99213", charge="100.00",
                                                     units="0.5")])), []),
]


@pytest.mark.parametrize("code,name,text,expected", CASES,
                         ids=[f"{c[0]}-{c[1]}" for c in CASES])
def test_case(code, name, text, expected):
    result = lint(text)
    got = sorted((f.segment_index, f.line, f.segment_id) for f in result.findings
                 if f.rule == code)
    want = sorted((lambda i, ln, _c, n: (i, ln, n.split("*")[0]))(*where(text, needle, nth),
                                                                    needle)
                  for needle, nth in expected)
    detail = [(f.rule, f.line, f.segment_id, f.message) for f in result.findings]
    assert got == want, detail
    if not expected:  # a passing case is SNIP-clean
        assert [f for f in result.findings if f.rule.startswith(SNIP)] == [], detail
    for f in result.findings:
        if f.rule == code:
            assert f.tip is None
            assert f.severity == next(r for r in all_rules() if r.code == code).severity


def test_every_snip_code_has_a_failing_and_a_passing_case():
    registered = {r.code for r in all_rules() if r.code.startswith(SNIP)}
    failing = {c for c, _, _, exp in CASES if exp}
    passing = {c for c, _, _, exp in CASES if not exp}
    assert registered <= failing, registered - failing
    assert registered <= passing, registered - passing


def test_snip_rules_carry_no_tip_and_are_documented():
    for rule in all_rules():
        if rule.code.startswith(SNIP + ("X2",)):
            doc = type(rule).doc()
            assert rule.tips == ()
            for part in ("What it does:", "Why it matters:", "Example that fails:",
                         "Example that passes:"):
                assert part in doc, (rule.code, part)


def test_messages_locate_claims_and_lines():
    text = build(claim(clm01="CX1", lines=[xb.Line("99213", charge="100.00"),
                                           xb.Line("99214", ["u1"], charge="50.00")]))
    [f] = [f for f in lint(text).findings if f.rule == "X502"]
    assert (f.claim_id, f.service_line, f.loop, f.segment_id) == ("CX1", 2, "2400", "SV1")
    assert "SV101-3 'u1'" in f.message


@pytest.mark.parametrize("clm02, side", [("100.01", "0.01 more"), ("90.01", "9.99 less")])
def test_x301_says_which_side_is_larger(clm02, side):
    [f] = [f for f in lint(build(claim(charge=clm02))).findings if f.rule == "X301"]
    assert (f.segment_id, f.claim_id) == ("CLM", "C1")
    assert f.message == (f"CLM02 total {clm02} does not equal the sum of SV102 line charges"
                         f" 100.00 (1 line): CLM02 is {side} than the lines")


def test_component_separator_warning_is_once_per_transaction_set():
    text = build(claim(), claim(clm01="C2"), claim(clm01="C3"), st_per_transaction=2,
                 delims=xb.Delims(component=">"))
    text = swap(text, ">~\nGS", ":~\nGS")
    found = [f for f in lint(text).findings if f.rule == "X110"]
    assert [(f.segment_id, f.claim_id) for f in found] == [("CLM", "C1"), ("CLM", "C3")]
    assert "ISA16 should probably be '>'" in found[0].message


def test_non_ascii_is_reported_at_most_20_times_per_file():
    claims = [claim(clm01=f"C{i}", member=f"M{i}", name=("M\xdcLLER", "ANNA"))
              for i in range(25)]
    found = [f for f in lint(build(*claims)).findings if f.rule == "X111"]
    assert len(found) == 20
    assert "further segments of this file are not reported" in found[-1].message
    assert "\xdc" not in found[0].message and "LLER" not in found[0].message  # no PHI


def test_helpers():
    assert npi_valid("1234567893") and not npi_valid("1234567890")
    assert npi_valid(xb.npi("987654321")) and not npi_valid("12345678")
    assert not npi_valid("12345678\xb93")  # a Latin-1 superscript digit is no digit
    assert all(procedure_code_valid(c) for c in ("G9008", "99213", "0001F", "0042T", "A0428"))
    assert not any(procedure_code_valid(c) for c in ("G900", "478331", "g9008", "0001X",
                                                     "99 13", "G90O8"))
    assert all(is_decimal(v) for v in ("1", "1.5", "-2", ".5", "100.00", "5."))
    assert not any(is_decimal(v) for v in ("", "-", ".", "1.2.3", "$1", "1e5", "\xb2", " 1"))
    # the builders' numbers: X12 decimals a float holds, None for the rest
    assert [to_number(v) for v in ("1", "1.5", "-2", ".5", "-.5", "100.00", "5.")] == [
        1.0, 1.5, -2.0, 0.5, -0.5, 100.0, 5.0]
    assert not any(to_number(v) is not None for v in (
        "", "-", ".", "-.", "1.2.3", "$1", "1e5", "1E400", "nan", "inf", "\xb2", " 1", "1_0",
        "+1", "9" * 400))


def test_278_sv1_codes_are_checked_but_not_837p_only_rules():
    text = xb.build_278_request(member="M1", lines=[
        xb.TarLine("478331", ["U1"], units="0", basis="DA")])
    rules = {f.rule for f in lint(text).findings}
    assert "X501" in rules
    assert not rules & {"X507", "X508"}
