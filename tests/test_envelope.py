"""Envelopes, HL/LX structure and the model, from small built files.

Each structural code is provoked by one mutation of a valid file and asserted with its
exact position (physical line, segment index, segment id). The model tests check the
claims and TARs the builders make: members, lines, modifier sets, REF*G1, 2320 payers,
2000C patients, 278 request and response fields.
"""
from __future__ import annotations

from datetime import date

import pytest

from edi_lint.testing import x12build as xb
from structhelp import lint, model, where

CLAIMS = [
    xb.Claim("C1", [xb.Line("G9008", ["U1"], charge="400.00", g1=["LINEAUTH1"]),
                    xb.Line("99213", ["GT", "25"], charge="100.50", units="2",
                            dos=("20250601", "20250603"))],
             member="M1", g1="AUTH1",
             other_payers=[xb.OtherPayer("P", "CI", "KAISER FOUNDATION HEALTH PLAN", "94134")]),
    xb.Claim("C2", [xb.Line("H0043", ["U6"], charge="75.00", basis="MJ", units="30")],
             member="M1", patient="P2", freq="7", f8="ORIG123", pos="12"),
]
BASE = xb.build_837(CLAIMS)  # LF after each terminator: line number == segment index


def mutate(text: str, old: str, new: str, count: int = 1) -> str:
    assert old in text, old
    return text.replace(old, new, count)


def structural(text, prefixes=("X0", "S0", "S2")):
    result = lint(text)
    return [(f.rule, f.line, f.segment_index, f.segment_id) for f in result.findings
            if f.rule.startswith(prefixes)]


def at(text, needle, code, nth=1):
    index, line, _ = where(text, needle, nth)
    return (code, line, index, needle.split("*")[0])


def test_the_base_file_is_structurally_clean():
    assert [f for f in lint(BASE).findings if f.tip is None] == []


CASES = {
    "X011-after-iea": (lambda t: t + "NM1*85*2*STRAY~\n", "NM1*85*2*STRAY", "X011"),
    "X011-between-ge-and-iea": (lambda t: mutate(t, "GE*1*1~\n", "GE*1*1~\nREF*ZZ*STRAY~\n"),
                                "REF*ZZ*STRAY", "X011"),
    "X020-iea02": (lambda t: mutate(t, "IEA*1*000000001", "IEA*1*000000009"), "IEA", "X020"),
    "X021-iea01": (lambda t: mutate(t, "IEA*1*", "IEA*2*"), "IEA", "X021"),
    "X022-ge02": (lambda t: mutate(t, "GE*1*1~", "GE*1*7~"), "GE", "X022"),
    "X023-ge01": (lambda t: mutate(t, "GE*1*1~", "GE*3*1~"), "GE", "X023"),
    "X024-se02": (lambda t: mutate(t, "*0001~\nGE", "*0002~\nGE"), "SE", "X024"),
    "X025-se01": (lambda t: t.replace(t[t.index("SE*"):t.index("*0001~\nGE")], "SE*7"), "SE",
                  "X025"),
    "X040-837i": (lambda t: t.replace("005010X222A1", "005010X223A2"), "ST", "X040"),
    "X041-a2": (lambda t: t.replace("005010X222A1", "005010X222A2"), "ST", "X041"),
    "X042-st03": (lambda t: mutate(t, "ST*837*0001*005010X222A1", "ST*837*0001*005010X222"),
                  "ST", "X042"),
    "S001-hl01": (lambda t: mutate(t, "HL*3*2*23*0", "HL*4*2*23*0"), "HL*4", "S001"),
    "S002-hl02": (lambda t: mutate(t, "HL*3*2*23*0", "HL*3*9*23*0"), "HL*3", "S002"),
    "S003-hl-level": (lambda t: mutate(t, "HL*3*2*23*0", "HL*3*1*23*0"), "HL*3", "S003"),
    "S004-hl04-0-with-child": (lambda t: mutate(t, "HL*2*1*22*1", "HL*2*1*22*0"), "HL*2",
                               "S004"),
    "S004-hl04-1-without-child": (lambda t: mutate(t, "HL*3*2*23*0", "HL*3*2*23*1"), "HL*3",
                                  "S004"),
    "S010-lx": (lambda t: mutate(t, "LX*2~", "LX*3~"), "LX*3", "S010"),
    "S011-lx-before-clm": (lambda t: mutate(t, "NM1*PR*2", "LX*1~\nNM1*PR*2"), "LX*1", "S011"),
    "S012-sv1-without-lx": (lambda t: mutate(t, "DTP*472*D8*20250603~\nREF*G1*LINEAUTH1~",
                                             "DTP*472*D8*20250603~\nREF*G1*LINEAUTH1~\n"
                                             "SV1*HC:G9008:U1*0*UN*1***1~"), "SV1", "S012", 2),
}


def _fix_counts(text: str) -> str:
    """Recompute SE01 after a mutation that added or removed body segments."""
    st = text.index("ST*")
    se = text.index("SE*")
    n = text[st:se].count("~") + 1
    end = text.index("*", se + 3)
    return text[:se] + f"SE*{n}" + text[end:]


@pytest.mark.parametrize("name", sorted(CASES))
def test_structural_code_at_its_exact_position(name):
    change, needle, code, *nth = CASES[name]
    text = change(BASE)
    if name.startswith(("S011", "S012")):
        text = _fix_counts(text)
    got = [f for f in structural(text) if f[0] == code]
    assert got == [at(text, needle, code, *(nth or [1]))], structural(text)
    others = [f for f in structural(text) if f[0] != code]
    if code not in ("X040", "X041", "X042"):
        assert others == [], others


def _last_segment(text):
    segs = [s for s in text.split("~\n") if s.strip()]
    return len(segs), segs[-1].split("*")[0]  # index == line in this layout


@pytest.mark.parametrize("cut_before", ["SV1*HC:H0043", "HI*ABK:Z029~\nLX", "SE*"])
def test_truncation_is_reported_at_the_last_segment_read(cut_before):
    text = BASE[:BASE.rindex(cut_before)]
    n, tag = _last_segment(text)
    assert structural(text) == [("X030", n, n, tag)]
    [finding] = [f for f in lint(text).findings if f.rule == "X030"]
    assert "file ends without SE, GE, IEA" in finding.message
    assert lint(text).files[0].claims == 2  # the cut claim is still read


def test_second_isa_before_iea_closes_the_first_interchange():
    second = xb.build_837(CLAIMS[:1], control="000000002")
    text = BASE[:BASE.index("IEA")] + second
    found = structural(text)
    assert found == [at(text, "ISA", "X030", 2)]
    assert lint(text).files[0].claims == 3


def test_278_bht02_purpose():
    text = xb.build_278_request(member="M9", lines=[xb.TarLine("G9008", ["U1"])])
    text = mutate(text, "BHT*0007*13", "BHT*0007*01")
    assert [f for f in structural(text) if f[0] == "S020"] == [at(text, "BHT", "S020")]


# --------------------------------------------------------------------------- the model

def test_837_model_claims_lines_members_payers():
    claims, tars, findings = model(BASE)
    assert findings == [] and tars == []
    c1, c2 = claims
    assert (c1.clm01, c1.charge_cents, c1.place_of_service, c1.frequency) == ("C1", 50050, "11",
                                                                             "1")
    assert (c1.member, c1.billing_npi, c1.g1, c1.f8) == ("M1", "1234567893", ["AUTH1"], [])
    assert c1.subscriber_sbr01 == "S"  # a primary other payer makes the plan secondary
    [op] = c1.other_payers
    assert (op.sbr01, op.sbr09, op.name, op.payer_id) == ("P", "CI",
                                                         "KAISER FOUNDATION HEALTH PLAN", "94134")
    l1, l2 = c1.lines
    assert (l1.lx, l1.code, l1.modifiers, l1.modifier_set) == (1, "G9008", ("U1",),
                                                              frozenset({"U1"}))
    assert (l1.charge_cents, l1.unit_basis, l1.units, l1.g1) == (40000, "UN", 1.0, ["LINEAUTH1"])
    assert (l1.dos_from, l1.dos_to) == (date(2025, 6, 3), date(2025, 6, 3))
    assert l2.modifiers == ("GT", "25") and l2.modifier_set == frozenset({"25", "GT"})
    assert (l2.dos_from, l2.dos_to, l2.units, l2.g1) == (date(2025, 6, 1), date(2025, 6, 3), 2.0,
                                                        [])
    assert l2.authorizations == ["AUTH1"]  # no line REF*G1: the claim's
    assert l1.pos.line == where(BASE, "SV1", 1)[1]
    assert l2.dtp_pos.line == where(BASE, "DTP*472", 2)[1]
    # 2000C: the patient loop's member id, not the subscriber's.
    assert (c2.member, c2.frequency, c2.f8, c2.place_of_service) == ("P2", "7", ["ORIG123"], "12")
    assert (c2.lines[0].unit_basis, c2.lines[0].units) == ("MJ", 30.0)
    assert c2.pos.index == where(BASE, "CLM", 2)[0]


def test_837_member_is_the_subscriber_without_a_patient_loop():
    claims, _, _ = model(xb.build_837([xb.Claim("C9", [xb.Line("G9008", ["U1"])],
                                                member="SUB9")]))
    assert claims[0].member == "SUB9"


def test_278_request_model():
    text = xb.build_278_request(
        member="M1", dependent="D1", um01="HS", um02="R", pwk=["03", "B4"], trace="TRACE1",
        event_period=("20250601", "20251130"), previous_cert="OLD1",
        lines=[xb.TarLine("H0043", ["U6", "GQ"], amount="2316", units="6",
                          period=("20250601", "20251130"), pwk=["08"]),
               xb.TarLine("G9008", ["U1"], units="1", period="20250615")])
    claims, tars, findings = model(text)
    assert claims == [] and [f["rule"] for f in findings] == []
    [tar] = tars
    assert type(tar).__name__ == "TarRequest"
    assert (tar.member, tar.um01, tar.um02, tar.trace) == ("D1", "HS", "R", "TRACE1")
    assert tar.event_period == (date(2025, 6, 1), date(2025, 11, 30))
    assert [c for c, _ in tar.pwk] == ["03", "B4"]
    assert tar.all_pwk_codes == {"03", "B4", "08"}
    s1, s2 = tar.services
    assert (s1.code, s1.modifier_set, s1.amount_cents, s1.unit_basis, s1.units) == (
        "H0043", frozenset({"U6", "GQ"}), 231600, "UN", 6.0)
    assert s1.period == (date(2025, 6, 1), date(2025, 11, 30))
    assert s2.period == (date(2025, 6, 15), date(2025, 6, 15))
    assert tar.period == (date(2025, 6, 1), date(2025, 11, 30))
    assert tar.where.index == where(text, "UM")[0]


def test_278_response_model():
    text = xb.build_278_response(
        member="M1", hcr01="A1", cert="CERT77", event_period=("20250601", "20251231"),
        lines=[xb.TarLine("G9008", ["U1"], units="6", hcr01="A3", cert="")])
    _, tars, findings = model(text)
    assert findings == []
    [resp] = tars
    assert type(resp).__name__ == "TarResponse"
    assert (resp.member, resp.hcr01, resp.hcr02) == ("M1", "A1", "CERT77")
    assert resp.covered_period == (date(2025, 6, 1), date(2025, 12, 31))
    [svc] = resp.services
    assert (svc.code, svc.hcr01, svc.units) == ("G9008", "A3", 6.0)


def test_member_of_278_is_the_subscriber_without_a_dependent():
    _, tars, _ = model(xb.build_278_request(member="SUB1", lines=[xb.TarLine("G9008", ["U1"])]))
    assert tars[0].member == "SUB1"


# ------------------------------------------------------------ control numbers, ack codes

ONE = [xb.Claim("C1", [xb.Line("99213", charge="100.00")], member="M1")]


def _found(text, codes):
    return [(f.rule, f.line, f.segment_index, f.segment_id, f.message, f.data)
            for f in lint(text).findings if f.rule in codes]


def test_duplicate_isa13_in_one_file_is_reported_at_the_later_isa():
    first = xb.build_837(ONE, control="000000005")
    text = first + xb.build_837(ONE, control="000000006") + first
    index, line, _ = where(text, "ISA", 3)
    assert _found(text, ("X026",)) == [
        ("X026", line, index, "ISA", "ISA13 '000000005' repeats the control number of the"
         " interchange at line 1 (segment 1); each interchange of a file needs its own",
         {"ta105": "025"})]
    assert _found(first + xb.build_837(ONE, control="000000006"), ("X026",)) == []


def test_duplicate_gs06_in_one_interchange_and_not_across_interchanges():
    tx = xb.transaction_837(ONE)
    text = xb.interchange([[tx], [tx]])  # GS06 1 and 2
    assert _found(text, ("X027",)) == []
    text = mutate(text, "*1200*2*X*", "*1200*1*X*").replace("GE*1*2~", "GE*1*1~")
    index, line, _ = where(text, "GS", 2)
    assert _found(text, ("X027",)) == [
        ("X027", line, index, "GS", "GS06 '1' repeats the control number of the functional"
         " group at line 2 (segment 2); each functional group of an interchange needs its own",
         {"ak905": "19"})]
    # the same GS06 in two interchanges is fine
    two = xb.build_837(ONE, control="000000001") + xb.build_837(ONE, control="000000002")
    two = two.replace("*1200*2*X*", "*1200*1*X*").replace("GE*1*2~", "GE*1*1~")
    assert _found(two, ("X027",)) == []


def test_duplicate_st02_in_one_group_and_not_across_groups():
    same = [xb.transaction_837(ONE, st_control="0007"), xb.transaction_837(ONE, st_control="0007")]
    text = xb.interchange([same])
    index, line, _ = where(text, "ST", 2)
    assert _found(text, ("X028",)) == [
        ("X028", line, index, "ST", "ST02 '0007' repeats the control number of the transaction"
         " set at line 3 (segment 3); each transaction set of a functional group needs its own",
         {"ik502": "23"})]
    apart = xb.interchange([same[:1], same[1:]])
    assert _found(apart, ("X028",)) == []


@pytest.mark.parametrize("gs06,why", [("1234567890", "is not 1 to 9 digits"),
                                      ("A1", "is not 1 to 9 digits"), ("", "is empty")])
def test_gs06_must_be_1_to_9_digits(gs06, why):
    text = mutate(BASE, "*1200*1*X*", f"*1200*{gs06}*X*").replace("GE*1*1~", f"GE*1*{gs06}~")
    index, line, _ = where(text, "GS")
    assert _found(text, ("X029",)) == [
        ("X029", line, index, "GS", f"GS06 group control number {gs06!r} {why} (an unsigned"
         " number of at most 9 digits)", {"ak905": "6"})]
    ok = mutate(BASE, "*1200*1*X*", "*1200*123456789*X*").replace("GE*1*1~", "GE*1*123456789~")
    assert _found(ok, ("X029",)) == []


@pytest.mark.parametrize("name,data", [
    ("X020-iea02", {"ta105": "001"}), ("X021-iea01", {"ta105": "021"}),
    ("X022-ge02", {"ak905": "4"}), ("X023-ge01", {"ak905": "5"}),
    ("X024-se02", {"ik502": "3"}), ("X025-se01", {"ik502": "4"})])
def test_envelope_findings_carry_their_acknowledgment_code(name, data):
    change, _, code = CASES[name]
    [f] = [f for f in lint(change(BASE)).findings if f.rule == code]
    assert f.data == data


def test_missing_trailers_carry_the_code_of_each_level():
    cut = BASE[:BASE.index("SE*")]
    [f] = [f for f in lint(cut).findings if f.rule == "X030"]
    assert f.data == {"ik502": "2", "ak905": "3", "ta105": "023"}
    no_ge = BASE.replace("GE*1*1~\n", "")
    [f] = [f for f in lint(no_ge).findings if f.rule == "X030"]
    assert (f.segment_id, f.data) == ("IEA", {"ak905": "3"})
    no_se = BASE.replace(BASE[BASE.index("SE*"):BASE.index("GE*")], "")
    [f] = [f for f in lint(no_se).findings if f.rule == "X030"]
    assert (f.segment_id, f.data) == ("GE", {"ik502": "2"})


def test_a_segment_without_an_id_is_named_so():
    text = BASE + "*STRAY~\n"
    [f] = [f for f in lint(text).findings if f.rule == "X011"]
    assert f.message == ("a segment without an id (it begins with the element separator)"
                         " outside an interchange (no open ISA)")


def test_x104_names_a_segment_without_an_id():
    text = _fix_counts(mutate(BASE, "CLM*C1*", "*X*Y~\nCLM*C1*"))
    [f] = [f for f in lint(text).findings if f.rule == "X104"]
    index, line, _ = where(text, "*X*Y")
    assert (f.segment_index, f.line, f.segment_id) == (index, line, "")
    assert f.message == ("a segment without an id (it begins with the element separator): not a"
                         " segment of the 837P (005010X222A1)")


def test_s004_messages_and_codes():
    zero = mutate(BASE, "HL*2*1*22*1", "HL*2*1*22*0")
    [f] = [f for f in lint(zero).findings if f.rule == "S004"]
    assert (f.loop, f.message) == ("2000B", "HL04 of HL 2 is 0 (no child HL) but HL 3 names it"
                                   " as its parent: HL04 must be 1")
    assert f.data == {"ik304": "8", "ik403": "7", "element": "HL04", "element_position": 4,
                      "data_element": "736"}
    one = mutate(BASE, "HL*3*2*23*0", "HL*3*2*23*1")
    [f] = [f for f in lint(one).findings if f.rule == "S004"]
    assert (f.loop, f.message) == ("2000C", "HL04 of HL 3 is 1 (a child HL follows) but no HL"
                                   " names it as its parent: HL04 must be 0")
    # a truncated transaction set is not judged: its children may have been cut off
    cut = one[:one.index("SE*")]
    assert [f.rule for f in lint(cut).findings if f.rule == "S004"] == []
