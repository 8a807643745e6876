"""Tests of edi_lint.testing.x12build and of the committed fixtures.

The X12 text is parsed here with the standard library only (split by the delimiters the
ISA declares), never with edi_lint's own reader, so the builder is checked independently.
"""

from __future__ import annotations

import importlib.util
import io
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import pytest

from edi_lint.testing import (
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
    npi,
    transaction_837,
    wrap_claims,
    wrap_lines,
    write_837,
)

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
BLANKS = " \t\r\n"  # never str.strip(): it also strips the 0x1C-0x1F delimiters


# --------------------------------------------------------------------------- stdlib parser


class Parsed:
    def __init__(self, text: str):
        if text.startswith("\ufeff"):
            text = text[1:]
        assert text.startswith("ISA"), text[:20]
        self.isa_text = text[:106]
        self.element = text[3]
        self.repetition = text[82]
        self.component = text[104]
        self.segment = text[105]
        self.segments: list[list[str]] = []
        for raw in text.split(self.segment):
            raw = raw.strip(BLANKS)
            if raw:
                self.segments.append(raw.split(self.element))

    def tags(self) -> list[str]:
        return [s[0] for s in self.segments]

    def transactions(self) -> list[list[list[str]]]:
        out, cur = [], None
        for seg in self.segments:
            if seg[0] == "ST":
                cur = [seg]
            elif cur is not None:
                cur.append(seg)
                if seg[0] == "SE":
                    out.append(cur)
                    cur = None
        return out


def parse(text: str) -> Parsed:
    return Parsed(text)


def check_envelope(p: Parsed) -> None:
    """ISA/IEA, GS/GE, ST/SE control numbers and counts."""
    isa = p.isa_text
    assert len(isa) == 106
    fields = isa[:-1].split(p.element)
    assert len(fields) == 17
    widths = [3, 2, 10, 2, 10, 2, 15, 2, 15, 6, 4, 1, 5, 9, 1, 1, 1]
    assert [len(f) for f in fields] == widths
    assert fields[12] == "00501" and fields[11] == p.repetition and fields[16] == p.component
    seps = {p.element, p.component, p.repetition, p.segment}
    assert len(seps) == 4
    isa_stack = gs = st = None
    n_gs = n_st = n_seg = 0
    for seg in p.segments:
        tag = seg[0]
        if st is not None:
            n_seg += 1
        if tag == "ISA":
            assert isa_stack is None
            isa_stack, n_gs = seg, 0
        elif tag == "GS":
            assert gs is None and isa_stack is not None
            gs, n_st = seg, 0
            n_gs += 1
        elif tag == "ST":
            assert st is None and gs is not None
            st, n_seg = seg, 1
            n_st += 1
            assert st[3] == gs[8], "ST03 = GS08"
        elif tag == "SE":
            assert st is not None
            assert seg[2] == st[2], "ST02 = SE02"
            assert int(seg[1]) == n_seg, f"SE01 {seg[1]} != {n_seg} segments"
            st = None
        elif tag == "GE":
            assert st is None and gs is not None
            assert seg[2] == gs[6], "GS06 = GE02"
            assert int(seg[1]) == n_st, "GE01 = number of ST"
            gs = None
        elif tag == "IEA":
            assert gs is None and isa_stack is not None
            assert seg[2] == isa_stack[13], "ISA13 = IEA02"
            assert int(seg[1]) == n_gs, "IEA01 = number of GS"
            isa_stack = None
        else:
            assert st is not None, f"{tag} outside ST..SE"
    assert isa_stack is None and gs is None and st is None


PARENT_LEVELS = {
    "837": {"20": None, "22": {"20"}, "23": {"22"}},
    "278": {"20": None, "21": {"20"}, "22": {"21"}, "23": {"22"}, "EV": {"22", "23"}, "SS": {"EV"}},
}


def check_hl(tx: list[list[str]]) -> None:
    """HL01 runs 1..n, HL02 names an earlier HL of the right level, HL04 tells children."""
    kind = tx[0][1]
    levels: dict[str, str] = {}
    has_child: dict[str, bool] = {}
    hl04: dict[str, str] = {}
    n = 0
    for seg in tx:
        if seg[0] != "HL":
            continue
        n += 1
        hl01, hl02, hl03, hl04v = (seg + ["", "", "", ""])[1:5]
        assert hl01 == str(n)
        allowed = PARENT_LEVELS[kind][hl03]
        if allowed is None:
            assert hl02 == ""
        else:
            assert hl02 in levels, f"HL {hl01}: parent {hl02} unknown"
            assert levels[hl02] in allowed, f"HL {hl01} level {hl03} under {levels[hl02]}"
            has_child[hl02] = True
        levels[hl01], hl04[hl01] = hl03, hl04v
    for hl, code in hl04.items():
        assert code == ("1" if has_child.get(hl) else "0"), f"HL {hl} HL04"


def claims_of(tx: list[list[str]], component: str) -> list[dict]:
    """Claims with their lines: {'clm': seg, 'refs': [...], 'lines': [{'lx','sv1','dtp','g1'}]}."""
    claims, cur, line = [], None, None
    for seg in tx:
        tag = seg[0]
        if tag == "CLM":
            cur = {"clm": seg, "refs": [], "lines": [], "sbr2320": [], "nm1": []}
            claims.append(cur)
            line = None
        elif cur is None:
            continue
        elif tag in ("HL", "SE"):
            cur = line = None
        elif tag == "LX":
            line = {"lx": seg[1], "g1": []}
            cur["lines"].append(line)
        elif tag == "SV1":
            line["sv1"] = seg
            line["sv101"] = seg[1].split(component)
        elif tag == "DTP" and line is not None:
            line["dtp"] = seg
        elif tag == "REF" and line is not None and seg[1] == "G1":
            line["g1"].append(seg[2])
        elif tag == "REF":
            cur["refs"].append(seg)
        elif tag == "SBR":
            cur["sbr2320"].append(seg)
        elif tag == "NM1":
            cur["nm1"].append(seg)
    return claims


def check_claims(tx: list[list[str]], component: str) -> None:
    for c in claims_of(tx, component):
        assert [ln["lx"] for ln in c["lines"]] == [str(i) for i in range(1, len(c["lines"]) + 1)]
        total = sum(Decimal(ln["sv1"][2]) for ln in c["lines"])
        assert Decimal(c["clm"][2]) == total, f"CLM02 of {c['clm'][1]}"


def check_all(text: str) -> Parsed:
    p = parse(text)
    check_envelope(p)
    for tx in p.transactions():
        check_hl(tx)
        if tx[0][1] == "837":
            check_claims(tx, p.component)
    return p


# --------------------------------------------------------------------------- builder: 837


def sample_claims() -> list[Claim]:
    return [
        Claim("C1", [Line("G9008", ["U1"], g1="ECM1"), Line("G9012", charge="150.00", dos="20250602")],
              member="M1", g1="ECM1"),
        Claim("C2", [Line("T2033", ["U6"], "1020.00", "5", dos=("20250601", "20250605"), g1=["A", "B"])],
              member="M2"),
        Claim("C3", [Line("G9007", charge="0.04", units="4")], member="M1"),
        Claim("C4", [Line("S9977", ["U6"], "66.00")], member="M2", patient="D1"),
        Claim("C5", [Line("H0043", ["U6"], "386.00")], member="M3", other_payers=[OtherPayer()]),
        Claim("C6", [Line("G9008", ["U1"])], member="M1", freq="7", f8="PCN1"),
    ]


DELIM_STYLES = {
    "default": (Delims(), False),
    "oneline": (Delims(newline=""), False),
    "crlf_bom": (Delims(newline="\r\n"), True),
    "lf_terminator": (Delims(segment="\n", newline=""), False),
    "cr_terminator": (Delims(segment="\r", newline="\n"), False),
    "control_bytes": (Delims(element="\x1d", component="\x1f", repetition="\x1c", segment="\x1e",
                             newline=""), False),
    "pipe_bang": (Delims(element="|", component="!", repetition=">"), False),
}


@pytest.mark.parametrize("style", DELIM_STYLES)
def test_837_round_trip_every_delimiter_style(style):
    d, bom = DELIM_STYLES[style]
    text = build_837(sample_claims(), delims=d, bom=bom)
    assert text.startswith("\ufeff") == bom
    body = text[1:] if bom else text
    isa = body[:106]
    assert isa[3] == d.element and isa[82] == d.repetition
    assert isa[104] == d.component and isa[105] == d.segment
    assert body[106:106 + len(d.newline)] == d.newline
    p = check_all(text)
    assert p.tags()[:3] == ["ISA", "GS", "ST"] and p.tags()[-3:] == ["SE", "GE", "IEA"]
    (tx,) = p.transactions()
    claims = claims_of(tx, d.component)
    assert [c["clm"][1] for c in claims] == ["C1", "C3", "C6", "C2", "C4", "C5"]
    c1 = claims[0]
    assert c1["clm"][2] == "550.00"
    assert c1["clm"][5].split(d.component) == ["11", "B", "1"]
    assert c1["lines"][0]["sv101"] == ["HC", "G9008", "U1"]
    assert c1["lines"][0]["sv1"][3:5] == ["UN", "1"] and c1["lines"][0]["sv1"][7] == "1"
    assert c1["lines"][0]["g1"] == ["ECM1"] and ["REF", "G1", "ECM1"] in c1["refs"]
    c2 = claims[3]
    assert c2["lines"][0]["dtp"] == ["DTP", "472", "RD8", "20250601-20250605"]
    assert c2["lines"][0]["g1"] == ["A", "B"]
    c6 = claims[2]
    assert c6["clm"][5].split(d.component)[2] == "7" and ["REF", "F8", "PCN1"] in c6["refs"]
    c5 = claims[5]
    assert c5["sbr2320"] == [["SBR", "P", "18", "", "", "", "", "", "", "CI"]]
    assert c5["nm1"][-1][1:4] == ["PR", "2", "KAISER FOUNDATION HEALTH PLAN"]
    assert c5["nm1"][-1][-1] == "94134"


def test_837_hl_tree_groups_members_and_patients():
    p = check_all(build_837(sample_claims()))
    (tx,) = p.transactions()
    hls = [s for s in tx if s[0] == "HL"]
    assert [h[1:5] for h in hls] == [
        ["1", "", "20", "1"],
        ["2", "1", "22", "0"],  # M1: C1, C3, C6
        ["3", "1", "22", "1"],  # M2: C2, then 2000C D1 with C4
        ["4", "3", "23", "0"],
        ["5", "1", "22", "0"],  # M3 with Kaiser primary
    ]
    sbrs = [s for s in tx if s[0] == "SBR"]
    assert sbrs[0][1:3] == ["P", "18"] and sbrs[0][9] == "MC"
    assert sbrs[-2][1] == "S"  # M3's 2000B: the plan is secondary to Kaiser
    nm1 = [s for s in tx if s[0] == "NM1"]
    assert any(s[1] == "QC" and s[9] == "D1" for s in nm1)
    assert any(s[1] == "85" and s[8:10] == ["XX", "1234567893"] for s in nm1)
    assert tx[1][:3] == ["BHT", "0019", "00"]


def test_patient_nm109_switch():
    claims = [Claim("C1", [Line("S9977", ["U6"], "66.00")], member="M1", patient="D1")]
    qc = [s for s in parse(build_837(claims)).segments if s[:2] == ["NM1", "QC"]]
    assert qc == [["NM1", "QC", "1", "DOE", "JAMIE", "", "", "", "MI", "D1"]]
    strict = parse(build_837(claims, patient_nm109=False))
    assert [s for s in strict.segments if s[:2] == ["NM1", "QC"]] == [["NM1", "QC", "1", "DOE", "JAMIE"]]


def test_837_segment_shapes():
    p = parse(wrap_lines(Line("G9008", ["U1"]), clm01="X1", member="MBR9"))
    tags = p.tags()
    assert tags[:12] == ["ISA", "GS", "ST", "BHT", "NM1", "PER", "NM1", "HL", "NM1", "N3", "N4", "REF"]
    gs = p.segments[1]
    assert gs[1] == "HC" and gs[7:9] == ["X", "005010X222A1"]
    assert p.segments[2] == ["ST", "837", "0001", "005010X222A1"]
    hi = next(s for s in p.segments if s[0] == "HI")
    assert hi == ["HI", "ABK:Z029"]


def test_charge_override_and_numbers():
    text = wrap_claims(Claim("C1", [Line("T1019", ["U6"], 99, 12)], charge="1.00"))
    (tx,) = parse(text).transactions()
    (c,) = claims_of(tx, ":")
    assert c["clm"][2] == "1.00" and c["lines"][0]["sv1"][2:5] == ["99", "UN", "12"]
    assert Claim("C", [Line("X0001", charge=Decimal("0.1")), Line("X0002", charge="0.2")]).total == "0.30"


def test_st_per_transaction_splits_and_counts():
    claims = [Claim(f"C{i}", [Line("G9008", ["U1"])], member=f"M{i % 3}") for i in range(7)]
    p = check_all(build_837(claims, st_per_transaction=3, control="42"))
    txs = p.transactions()
    assert [tx[0][2] for tx in txs] == ["0001", "0002", "0003"]
    assert [len(claims_of(tx, ":")) for tx in txs] == [3, 3, 1]
    assert p.segments[0][13] == "000000042" and p.segments[-1] == ["IEA", "1", "000000042"]
    assert p.segments[-2] == ["GE", "3", "42"]


def test_write_837_streams_a_generator():
    def gen():
        for i in range(25):
            yield Claim(f"C{i}", [Line("G9008", ["U1"], dos=f"202506{i % 28 + 1:02d}")], member=f"M{i}")

    buf = io.StringIO()
    n = write_837(buf, gen(), st_per_transaction=10)
    assert n == len(buf.getvalue())
    p = check_all(buf.getvalue())
    assert len(p.transactions()) == 3


def test_multi_group_interchange():
    t1 = transaction_837([Claim("A", [Line("G9008", ["U1"])])], st_control="0001")
    t2 = transaction_837([Claim("B", [Line("G9008", ["U1"])], member="M2")], st_control="0002")
    text = interchange([[t1, t2], [t1]], control="7") + interchange([[t2]], control="8", bom=False)
    p = check_all(text)
    assert p.tags().count("ISA") == 2 and p.tags().count("GS") == 3
    with pytest.raises(ValueError):
        interchange([[t1]], delims=Delims(newline=""))
    with pytest.raises(ValueError):
        interchange([[]])


def test_delims_validation():
    for bad in (
        dict(element="**"),
        dict(element=":", component=":"),
        dict(segment="\n", newline="\n"),
        dict(segment="\r", newline="\r\n"),
        dict(element="A"),
        dict(newline="x"),
    ):
        with pytest.raises(ValueError):
            Delims(**bad)
    assert Delims(segment="\n", newline="").terminator == "\n"


def test_isa_fixed_width_and_errors():
    text = build_837([Claim("C", [Line("G9008", ["U1"])])], sender="S", receiver="R", control="12",
                     date="20250102")
    isa = text[:106]
    assert isa[3] == "*" and isa[82] == "^" and isa[104] == ":" and isa[105] == "~"
    f = isa[:-1].split("*")
    assert f[6] == "S" + " " * 14 and f[9] == "250102" and f[13] == "000000012"
    with pytest.raises(ValueError):
        build_837([Claim("C", [Line("G9008")])], sender="X" * 16)
    with pytest.raises(ValueError):
        build_837([Claim("C", [Line("G9008")])], control="ABC")
    with pytest.raises(ValueError):
        Claim("C", [])


def test_npi_luhn():
    assert npi("123456789") == "1234567893"
    assert npi("124531959") == "1245319599"

    def luhn_ok(n10: str) -> bool:
        digits = [int(c) for c in "80840" + n10]
        total = 0
        for i, dgt in enumerate(reversed(digits)):
            if i % 2 == 1:
                dgt *= 2
                dgt -= 9 if dgt > 9 else 0
            total += dgt
        return total % 10 == 0

    for base in ("000000000", "987654321", "199999666", "158123456", "111111111"):
        assert luhn_ok(npi(base))
    with pytest.raises(ValueError):
        npi("12345")


# --------------------------------------------------------------------------- builder: 278


def test_278_request_shape():
    text = build_278_request(
        member="M1", um02="R", trace="T1", event_period=("20250601", "20251231"), pwk=("B4", "08"),
        lines=[TarLine("G9008", ["U1"], units="7", period=("20250601", "20251231")),
               TarLine("H0044", ["U2"], amount="4500.00", pwk=("55", "77"), period="20250615")],
        dependent="D1",
    )
    p = check_all(text)
    (tx,) = p.transactions()
    assert p.segments[1][1] == "HI" and p.segments[1][8] == "005010X217"
    assert tx[0] == ["ST", "278", "0001", "005010X217"]
    assert tx[1][:3] == ["BHT", "0007", "13"]
    hls = [s[1:5] for s in tx if s[0] == "HL"]
    assert hls == [["1", "", "20", "1"], ["2", "1", "21", "1"], ["3", "2", "22", "1"],
                   ["4", "3", "23", "1"], ["5", "4", "EV", "1"], ["6", "5", "SS", "0"],
                   ["7", "5", "SS", "0"]]
    nm1 = {s[1]: s for s in tx if s[0] == "NM1"}
    assert nm1["X3"] and nm1["1P"][8:10] == ["XX", "1234567893"]
    assert nm1["IL"][8:10] == ["MI", "M1"] and nm1["QC"][9] == "D1"
    assert ["UM", "HS", "R"] in tx and ["TRN", "1", "T1", "9123456789"] in tx
    assert ["DTP", "AAH", "RD8", "20250601-20251231"] in tx
    pwk = [s[1:3] for s in tx if s[0] == "PWK"]
    assert pwk == [["B4", "EL"], ["08", "EL"], ["55", "EL"], ["77", "EL"]]
    assert ["SV1", "HC:G9008:U1", "", "UN", "7"] in tx
    assert ["SV1", "HC:H0044:U2", "4500.00", "UN", "1"] in tx
    assert ["DTP", "472", "D8", "20250615"] in tx


def test_278_several_events_and_members():
    text = build_278_request(member="M1", events=[
        Event(trace="T1", lines=[TarLine("T2020", ["U6"], units="400")]),
        Event(trace="T2", lines=[TarLine("H0014", ["U6"])]),
        Event(member="M2", trace="T3", lines=[TarLine("S9470", ["U6"])]),
        Event(member="M2", dependent="D2", trace="T4"),
    ])
    p = check_all(text)
    (tx,) = p.transactions()
    levels = [s[3] for s in tx if s[0] == "HL"]
    assert levels == ["20", "21", "22", "EV", "SS", "EV", "SS", "22", "EV", "SS", "23", "EV"]
    assert [s[2] for s in tx if s[0] == "TRN"] == ["T1", "T2", "T3", "T4"]


def test_278_response_shape():
    text = build_278_response(
        member="M1", cert="ECM250601", event_period=("20250601", "20260531"),
        lines=[TarLine("G9008", ["U1"], units="12"),
               TarLine("G9012", units="", hsd="1", cert=""),
               TarLine("G9012", ["U2"], hcr01="A3", cert="X9")],
    )
    p = check_all(text)
    (tx,) = p.transactions()
    assert tx[1][:3] == ["BHT", "0007", "11"] and tx[1][6] == "18"
    hcr = [s for s in tx if s[0] == "HCR"]
    assert hcr == [["HCR", "A1", "ECM250601"], ["HCR", "A1", "ECM250601"], ["HCR", "A1"],
                   ["HCR", "A3", "X9"]]
    assert ["TRN", "2", "TRN0001", "9123456789"] in tx
    assert ["SV1", "HC:G9008:U1", "", "UN", "12"] in tx
    assert ["SV1", "HC:G9012", "", "UN"] in tx and ["HSD", "FL", "1"] in tx
    assert not any(s[0] == "PWK" for s in tx)
    p2 = parse(build_278_response(member="M1", hcr01="A3", date_qualifier="007",
                                  event_period=("20250601", "20250630")))
    assert ["DTP", "007", "RD8", "20250601-20250630"] in p2.segments
    assert ["HCR", "A3", "AUTH0001"] in p2.segments


# --------------------------------------------------------------------------- fixtures

FIXTURE_FILES = sorted(FIXTURES.glob("*/*.x12"))


def test_fixture_set_is_complete():
    names = {f"{p.parent.name}/{p.name}" for p in FIXTURE_FILES}
    expected = {
        "837/ecm_cs_clean_month.x12", "837/ecm_mistakes.x12", "837/cs_mistakes.x12",
        "837/cob_kaiser_dsnp.x12", "837/replacement_void.x12", "837/delims_crlf_bom.x12",
        "837/delims_oneline.x12", "837/delims_newline_terminator.x12", "837/delims_cr_terminator.x12",
        "837/delims_control_bytes.x12", "837/delims_pipe_bang.x12", "837/indented_blank_lines.x12",
        "837/multi_isa_gs_st.x12",
        "278/ecm_initial_tar_request.x12", "278/ecm_reauth_tar_request.x12",
        "278/ecm_tar_response_approved.x12", "278/cs_housing_deposit_tar_request.x12",
        "278/cs_tar_response_approved.x12", "278/ecm_tar_mistakes_request.x12",
        "278/cs_tar_mistakes_request.x12", "278/cs_tar_bulk_request.x12", "278/tar_response_denied.x12",
    }
    assert expected <= names
    for stem in ("837/ecm_mistakes", "837/cs_mistakes", "278/ecm_tar_mistakes_request",
                 "278/cs_tar_mistakes_request"):
        assert (FIXTURES / f"{stem}.md").is_file()


@pytest.mark.parametrize("path", FIXTURE_FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_fixture_is_well_formed(path):
    text = path.read_bytes().decode("utf-8")
    p = check_all(text)
    kind = "837" if path.parent.name == "837" else "278"
    assert all(tx[0][1] == kind for tx in p.transactions())


def test_fixture_delimiter_styles():
    def raw(name):
        return (FIXTURES / "837" / name).read_bytes()

    assert raw("delims_crlf_bom.x12").startswith(b"\xef\xbb\xbfISA") and b"~\r\n" in raw("delims_crlf_bom.x12")
    assert b"\n" not in raw("delims_oneline.x12")
    nl = raw("delims_newline_terminator.x12")
    assert nl[105:106] == b"\n" and b"~" not in nl
    cr = raw("delims_cr_terminator.x12")
    assert cr[105:107] == b"\r\n"
    cb = raw("delims_control_bytes.x12")
    assert cb[3:4] == b"\x1d" and cb[104:106] == b"\x1f\x1e" and cb[82:83] == b"\x1c"
    pb = raw("delims_pipe_bang.x12")
    assert pb[3:4] == b"|" and pb[82:83] == b">" and pb[104:105] == b"!"
    ind = raw("indented_blank_lines.x12").decode()
    assert "\n\n" in ind and "\n      CLM*" in ind
    multi = parse((FIXTURES / "837" / "multi_isa_gs_st.x12").read_text())
    assert multi.tags().count("ISA") == 2 and multi.tags().count("GS") == 3
    assert len(multi.transactions()) >= 5


def test_fixtures_are_up_to_date():
    spec = importlib.util.spec_from_file_location("make_fixtures", ROOT / "tools" / "make_fixtures.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    generated = mod.generate()
    for rel, text in generated.items():
        assert (FIXTURES / rel).read_bytes() == text.encode("utf-8"), f"{rel}: run tools/make_fixtures.py"


def _approvals(paths) -> dict[str, dict]:
    """cert -> {member, status, lines: [(code, mods, from, to, qty)]} from 278 responses."""
    certs: dict[str, dict] = {}
    for path in paths:
        p = parse(path.read_text())
        for tx in p.transactions():
            assert tx[1][2] == "11"
            member = ev_cert = ev_status = None
            for seg in tx:
                if seg[0] == "NM1" and seg[1] in ("IL", "QC"):
                    member = seg[9]
                elif seg[0] == "HL":
                    level = seg[3]
                elif seg[0] == "HCR" and level == "EV":
                    ev_status, ev_cert = seg[1], seg[2]
                    certs.setdefault(ev_cert, {"member": member, "status": ev_status, "lines": []})
                elif seg[0] == "HCR" and level == "SS":
                    line_status = seg[1]
                    line_cert = seg[2] if len(seg) > 2 else ev_cert
                elif seg[0] == "DTP" and seg[1] == "472":
                    start, _, end = seg[3].partition("-")
                    period = (start, end or start)
                elif seg[0] == "SV1":
                    comp = seg[1].split(p.component)
                    qty = seg[4] if len(seg) > 4 and seg[4] else None
                    cur = [line_cert, line_status, comp[1], frozenset(comp[2:]) - {"GQ"}, period, qty]
                    certs[line_cert]["lines"].append(cur)
                elif seg[0] == "HSD" and cur[5] is None:
                    cur[5] = seg[2]
    return certs


def test_clean_month_is_covered_by_the_approved_tars():
    certs = _approvals(sorted((FIXTURES / "278").glob("*approved*.x12")))
    p = parse((FIXTURES / "837" / "ecm_cs_clean_month.x12").read_text())
    (tx,) = p.transactions()
    needs_tar = {("G9008", frozenset({"U1"})), ("G9012", frozenset({"U2"})), ("G9012", frozenset())}
    used: dict[tuple, Decimal] = defaultdict(Decimal)
    n_checked = 0
    lines_all: list[dict] = []
    member = claim_g1 = None
    in_lines = False
    for seg in tx:
        tag = seg[0]
        if tag == "NM1" and seg[1] in ("IL", "QC"):
            member = seg[9]
        elif tag == "CLM":
            claim_g1 = None
            in_lines = False
        elif tag == "LX":
            in_lines = True
            lines_all.append({"member": member, "claim_g1": claim_g1, "g1": []})
        elif tag == "REF" and seg[1] == "G1":
            if in_lines:
                lines_all[-1]["g1"].append(seg[2])
            else:
                claim_g1 = seg[2]
        elif tag == "SV1":
            comp = seg[1].split(p.component)
            lines_all[-1].update(code=comp[1], mods=frozenset(comp[2:]), units=Decimal(seg[4]))
        elif tag == "DTP" and seg[1] == "472":
            start, _, end = seg[3].partition("-")
            lines_all[-1]["dos"] = (start, end or start)
    for ln in lines_all:
        cites = ln["g1"] or ([ln["claim_g1"]] if ln["claim_g1"] else [])
        is_cs = "U6" in ln["mods"] or ln["code"] == "H0044"
        if (ln["code"], ln["mods"] - {"GQ"}) in needs_tar or is_cs:
            assert cites, f"{ln['code']} needs a TAR"
        for cert in cites:
            assert cert in certs, f"{cert} not approved"
            info = certs[cert]
            assert info["status"] in ("A1", "A2", "A6") and info["member"] == ln["member"]
            match = [x for x in info["lines"] if x[2] == ln["code"] and x[3] == ln["mods"] - {"GQ"}]
            assert match, f"{cert} does not cover {ln['code']}"
            (_, status, _, _, (start, end), qty), = match
            assert status in ("A1", "A6")
            assert start <= ln["dos"][0] and ln["dos"][1] <= end
            used[(cert, ln["code"])] += ln["units"]
            assert used[(cert, ln["code"])] <= Decimal(qty)
            n_checked += 1
    assert n_checked >= 14
