"""The --ig pass: pyx12 on each 837P transaction set, with loop ids and file positions.

Also the agreement test over ../shared/corpus/837p: where pyx12 (through the --ig pass)
accepts a file the fast checks report no structural error, and where it rejects one they
report at least one. Disagreements are written up in docs/pyx12-agreement.md.
"""
from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest

from edi_lint.testing import x12build as xb
from structhelp import CORPUS, lint, where

CLAIMS = [xb.Claim("C1", [xb.Line("99213", charge="100.00")], other_payers=[xb.OtherPayer()]),
          xb.Claim("C2", [xb.Line("G9008", ["U1"], charge="400.00")], member="M2")]
BASE = xb.build_837(CLAIMS)
IG = ("X201", "X202")


def ig_findings(text, **kw):
    return [f for f in lint(text, ig=True, **kw).findings if f.rule in IG]


def test_pyx12_is_imported_only_with_ig(tmp_path):
    path = tmp_path / "c.x12"
    path.write_text(BASE, newline="")
    code = ("import sys; from edi_lint.engine import lint, Options; "
            f"lint([{str(path)!r}], Options(ig={{}})); print('pyx12' in sys.modules)")
    for ig, expected in ((False, "False"), (True, "True")):
        out = subprocess.run([sys.executable, "-c", code.format(ig)], capture_output=True,
                             text=True, check=True)
        assert out.stdout.strip() == expected


def test_a_clean_file_passes():
    assert ig_findings(BASE) == []


def test_an_ig_error_has_its_position_loop_and_claim():
    text = BASE.replace("OI***Y*P**Y", "OI***Y*B**Y")
    [f] = ig_findings(text)
    index, line, col = where(text, "OI")
    assert (f.rule, f.severity, f.segment_index, f.line, f.col) == ("X201", "error", index, line,
                                                                    col)
    assert (f.segment_id, f.loop, f.claim_id) == ("OI", "2320", "C1")
    assert "(B) is not a valid code for Patient Signature Source Code (OI04)" in f.message


def test_loop_ids_come_from_pyx12_map_nodes():
    text = BASE.replace("NM1*85*2*", "NM1*85*3*")
    [f] = ig_findings(text)
    assert (f.segment_id, f.loop, f.claim_id) == ("NM1", "2010AA", None)
    text = BASE.replace("DMG*D8*19800101*U", "DMG*D8*19800101*Q", 1)
    [f] = ig_findings(text)
    assert (f.segment_id, f.loop) == ("DMG", "2010BA")


def test_patient_loop_ids_are_not_used_in_x222a1():
    """x12build writes NM108/NM109 in 2010CA (the model reads the patient's member id
    there, as issue 2 asks); 005010X222A1 marks both Not Used, and pyx12 says so."""
    text = xb.build_837([xb.Claim("C9", [xb.Line("99213", charge="1.00")], patient="P9")])
    found = ig_findings(text)
    assert {(f.segment_id, f.loop) for f in found} == {("NM1", "2010CA")}
    assert all("is marked as Not Used" in f.message for f in found)


@pytest.mark.parametrize("layout", ["bom-crlf-indented", "narrative-prefix", "cr-terminator",
                                    "collapsed-isa", "x222a2", "one-line"])
def test_layout_quirks_never_reach_pyx12(layout):
    text = BASE
    if layout == "bom-crlf-indented":
        data = b"\xef\xbb\xbf" + text.replace("~\n", "~\r\n    ").encode()
    elif layout == "narrative-prefix":
        data = b"Example 1 - a claim\n\n" + text.encode()
    elif layout == "cr-terminator":
        data = xb.build_837(CLAIMS, delims=xb.Delims(segment="\r", newline="\n")).encode()
        data = data.rstrip(b"\r\n")  # the final IEA without its terminator
    elif layout == "collapsed-isa":
        isa = text.split("~", 1)[0]
        data = (re.sub(r" +\*", " *", isa) + text[len(isa):]).encode()
    elif layout == "x222a2":
        data = text.replace("005010X222A1", "005010X222A2").encode()
    else:
        data = xb.build_837(CLAIMS, delims=xb.Delims(newline="")).encode()
    assert ig_findings(data) == []


def test_duplicates_of_the_fast_checks_are_dropped():
    text = BASE.replace("HL*3*1*22*0", "HL*4*1*22*0")
    se = text.index("SE*")
    text = text[:se] + "SE*99" + text[text.index("*", se + 3):]
    rules = {f.rule for f in lint(text, ig=True).findings}
    assert {"S001", "X025"} <= rules
    assert not [f for f in ig_findings(text) if "count" in f.message.lower() or "HL" in f.message]


def test_repeated_control_numbers_are_the_fast_checks_only():
    same = [xb.transaction_837(CLAIMS, st_control="0007"), xb.transaction_837(CLAIMS,
                                                                              st_control="0007")]
    text = xb.interchange([same, same[:1]])
    text = text.replace("*1200*2*X*", "*1200*1*X*").replace("GE*1*2~", "GE*1*1~")
    rules = [f.rule for f in lint(text, ig=True).findings if f.rule.startswith("X")]
    assert sorted(rules) == ["X027", "X028"]


def test_a_truncated_transaction_is_validated_without_crash():
    text = BASE[:BASE.index("SV1*HC:G9008")]
    rules = {f.rule for f in lint(text, ig=True).findings}
    assert "X030" in rules and "X202" not in rules


def test_278_is_not_sent_to_pyx12():
    text = xb.build_278_request(member="M1", lines=[xb.TarLine("G9008", ["U1"])])
    assert ig_findings(text) == []


def test_an_exception_inside_pyx12_is_a_finding(monkeypatch):
    import pyx12.x12n_document

    def boom(*args, **kwargs):
        raise RuntimeError("internal pyx12 failure")

    monkeypatch.setattr(pyx12.x12n_document, "x12n_document", boom)
    [f] = ig_findings(BASE)
    assert (f.rule, f.severity, f.segment_id) == ("X202", "warning", "ST")
    assert "RuntimeError: internal pyx12 failure" in f.message


def test_an_unknown_map_is_a_finding(monkeypatch):
    import pyx12.map_index
    monkeypatch.setattr(pyx12.map_index.map_index, "get_filename", lambda self, *a, **k: None)
    [f] = ig_findings(BASE)
    assert f.rule == "X202" and "pyx12 has no map" in f.message


def test_an_isa_pyx12_cannot_read_is_a_finding():
    isa = BASE.split("~", 1)[0]
    wide = isa.replace("*SENDER         *", "*SENDER-WITH-A-VERY-LONG-ID*")
    [f] = ig_findings(wide + BASE[len(isa):])
    assert (f.rule, f.segment_id, f.line) == ("X202", "ISA", 1)
    assert "ISA06 is 26 characters, not 15" in f.message


def test_values_that_may_be_phi_stay_out_of_messages():
    long_name = "X" * 70
    text = BASE.replace("NM1*IL*1*DOE*JANE", f"NM1*IL*1*{long_name}*JANE", 1)
    messages = [f.message for f in ig_findings(text)]
    assert messages and all(long_name not in m for m in messages)
    shown = [f.message for f in ig_findings(text, show_phi=True)]
    assert any(long_name in m for m in shown)


def test_a_segment_that_lost_its_first_separator_stays_out_of_messages():
    # "N31 SAMPLE WAY": pyx12 quotes the whole text as the segment's identifier
    text = BASE.replace("N3*1 SAMPLE WAY", "N31 SAMPLE WAY", 1)
    messages = [f.message for f in ig_findings(text)]
    assert any('Segment identifier "N31..." is invalid' in m for m in messages), messages
    assert all("SAMPLE" not in m for m in messages)
    assert any("SAMPLE" in f.message for f in ig_findings(text, show_phi=True))


def test_pyx12_parses_each_map_once_a_run_not_once_an_interchange(monkeypatch):
    import pyx12.map_if
    import edi_lint.ig as ig_module

    monkeypatch.setattr(ig_module, "_MAPS", {})
    loaded = []
    real = pyx12.map_if.load_map_file

    def counting(map_file, param, map_path=None):
        loaded.append(map_file)
        return real(map_file, param, map_path)

    monkeypatch.setattr(pyx12.map_if, "load_map_file", counting)
    three = "".join(xb.build_837(CLAIMS, control=str(n)) for n in (1, 2, 3))
    bad = three.replace("OI***Y*P**Y", "OI***Y*B**Y")
    found = ig_findings(bad)
    assert sorted(loaded) == ["837.5010.X222.A1.xml", "x12.control.00501.xml"]
    assert [f.segment_index for f in found] == [i for i, s in enumerate(
        bad.split("~"), 1) if s.strip().startswith("OI*")]
    assert pyx12.map_if.load_map_file is counting  # restored after each call


def test_cli_ig_end_to_end(tmp_path):
    path = tmp_path / "c.x12"
    path.write_text(BASE.replace("OI***Y*P**Y", "OI***Y*B**Y"), newline="")
    out = subprocess.run([sys.executable, "-m", "edi_lint", "check", "--ig", "--format", "json",
                          str(path)], capture_output=True, text=True)
    assert out.returncode == 1 and out.stderr == ""
    data = json.loads(out.stdout)
    assert [(f["rule"], f["loop"]) for f in data["findings"] if f["rule"] == "X201"] == [
        ("X201", "2320")]


# --------------------------------------------------------------------------- agreement

AGREEMENT_FILES = sorted((CORPUS / "837p").glob("*.x12")) if CORPUS.exists() else []
STRUCTURAL = re.compile(r"^(X0|X1|S0)\d\d$")
# File -> why pyx12's verdict and the fast checks' differ (see docs/pyx12-agreement.md).
EXPECTED_DISAGREEMENTS: dict[str, str] = {}


@pytest.mark.skipif(not AGREEMENT_FILES, reason="../shared/corpus is not beside the checkout")
@pytest.mark.parametrize("path", AGREEMENT_FILES, ids=[p.name for p in AGREEMENT_FILES])
def test_agreement_with_pyx12(path):
    result = lint(path.read_bytes(), path.name, ig=True)
    assert not [f for f in result.findings if f.rule == "X202"], "pyx12 did not run"
    rejected = any(f.rule == "X201" for f in result.findings)
    structural = sorted({f.rule for f in result.findings
                         if f.severity == "error" and STRUCTURAL.match(f.rule)})
    if path.name in EXPECTED_DISAGREEMENTS:
        assert rejected != bool(structural)
    elif rejected:
        assert structural, "pyx12 rejects the file; the fast checks see nothing structural"
    else:
        assert structural == [], "pyx12 accepts the file; the fast checks reject it"
