"""Acknowledgments (issue 18): --format 999 and 277ca, the API, PHI, -j, and pyx12.

Every 999 and 277CA written here is validated with pyx12's own maps (999.5010X231.A1
and 277.5010.X214). The golden files are regenerated like tests/test_golden.py's:
``EDI_LINT_UPDATE_GOLDEN=1 python -m pytest tests/test_ack.py``.
"""
from __future__ import annotations

import contextlib
import io
import json
import logging
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from clirun import run_cli

from edi_lint.engine import Options, lint
from edi_lint.ack import NotCollected, write_277ca, write_999
from edi_lint.engine import UsageError
from edi_lint.findings import Finding
from edi_lint.testing import Claim, Line, build_837
from edi_lint.testing.ack999 import compare

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = ROOT / "tests" / "golden" / "ack"
UPDATE = os.environ.get("EDI_LINT_UPDATE_GOLDEN") == "1"
MISTAKES = ROOT / "fixtures" / "837" / "ecm_mistakes.x12"
TAR = ROOT / "fixtures" / "278" / "ecm_tar_mistakes_request.x12"
DATE = "202506301200"
CORPUS = ROOT.parent / "shared" / "corpus" / "837p"


def pyx12_errors(text: str) -> list:
    """pyx12's errors validating ``text`` (an acknowledgment) with its own map."""
    from pyx12.params import ParamsBase
    from pyx12.x12n_document import x12n_document
    out = io.StringIO()
    logger = logging.getLogger("pyx12")
    logger.setLevel(logging.CRITICAL)
    with contextlib.redirect_stdout(io.StringIO()):
        valid = x12n_document(ParamsBase(), io.StringIO(text), None, None, fd_json=out)
    found = []

    def walk(node):
        if isinstance(node, dict):
            found.extend(e.get("err_str") for e in node.get("errors", ()))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)
    walk(json.loads(out.getvalue() or "{}"))
    return found or ([] if valid else ["pyx12 rejected it without an error"])


def _lint(*paths, **options):
    return lint([str(p) for p in paths], Options(ack=True, ack_date=DATE, **options))


def _write(tmp_path, text, name="in.x12"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _claims():
    return [Claim("C1", [Line("G9008", ["U1"], g1=["T1"])], member="MBR0001"),
            Claim("C2", [Line("G9012", ["U2"], g1=["T2"]),
                         Line("G9012", ["U2"], g1=["T2"], dos="20250610")], member="MBR0002")]


# -- golden files, validated with pyx12 ---------------------------------------------------

@pytest.mark.parametrize("fixture,fmt", [
    ("fixtures/837/ecm_mistakes.x12", "999"),
    ("fixtures/837/ecm_mistakes.x12", "277ca"),
    ("fixtures/837/multi_isa_gs_st.x12", "277ca"),
    ("fixtures/278/ecm_tar_mistakes_request.x12", "999"),
])
def test_golden_acknowledgment(fixture, fmt):
    proc = run_cli("check", "--format", fmt, "--ack-date", DATE, fixture, cwd=ROOT)
    assert proc.returncode in (0, 1), proc.stderr
    golden = GOLDEN / f"{Path(fixture).stem}.{fmt}"
    if UPDATE or not golden.exists():
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(proc.stdout, encoding="utf-8")
        if not UPDATE:
            pytest.fail(f"{golden.name} did not exist and was written: review and commit it")
    assert proc.stdout == golden.read_text(encoding="utf-8")
    assert pyx12_errors(proc.stdout) == []


def test_exit_codes_do_not_change_with_the_format():
    for fmt in ("999", "277ca"):
        proc = subprocess.run([sys.executable, "-m", "edi_lint", "check", "--format", fmt,
                               "--ack-date", DATE, str(MISTAKES)], capture_output=True)
        assert proc.returncode == 1
        proc = subprocess.run([sys.executable, "-m", "edi_lint", "check", "--format", fmt,
                               "--exit-zero", str(MISTAKES)], capture_output=True)
        assert proc.returncode == 0 and proc.stdout.startswith(b"ISA*00*")


def test_the_format_can_come_from_a_configuration_file(tmp_path):
    config = tmp_path / "setup.cfg"
    config.write_text("[edi_lint]\nformat = 277ca\n")
    proc = subprocess.run([sys.executable, "-m", "edi_lint", "check", "--config", str(config),
                           "--ack-date", DATE, str(MISTAKES)], capture_output=True, text=True)
    assert proc.returncode == 1, proc.stderr
    assert proc.stdout == (GOLDEN / "ecm_mistakes.277ca").read_text()


def test_a_bad_ack_date_is_a_usage_error():
    proc = subprocess.run([sys.executable, "-m", "edi_lint", "check", "--format", "999",
                           "--ack-date", "20250231", str(MISTAKES)], capture_output=True, text=True)
    assert proc.returncode == 2
    assert proc.stderr == "edi-lint: ack date '20250231' is not a real date and time\n"
    with pytest.raises(UsageError, match="not YYYYMMDD or YYYYMMDDHHMM"):
        Options(ack=True, ack_date="2025-06-30")


# -- the 999 ------------------------------------------------------------------------------

def test_999_answers_each_interchange_with_swapped_ids_and_input_control_numbers(tmp_path):
    first = build_837(_claims(), control="000000007")
    second = build_837(_claims(), control="000000008", sender="OTHER")
    result = _lint(_write(tmp_path, first + second))
    text = write_999(result)
    isas = [s for s in text.splitlines() if s.startswith("ISA")]
    assert [s[90:99] for s in isas] == ["000000007", "000000008"]
    assert isas[1][51:69] == "ZZ*OTHER          "  # the input's sender, now the receiver
    assert isas[0][32:50] == "ZZ*MEDICAL        "
    assert "GS*FA*MEDICAL*SENDER*20250630*1200*7*X*005010X231A1~" in text
    assert "AK1*HC*7*005010X222A1~" in text and "AK1*HC*8*005010X222A1~" in text
    assert pyx12_errors(text) == []


def test_one_output_never_repeats_an_interchange_control_number(tmp_path):
    text = build_837(_claims(), control="000000005")
    result = _lint(_write(tmp_path, text, "a.x12"), _write(tmp_path, text, "b.x12"))
    for ack in (write_999(result), write_277ca(result)):
        assert re.findall(r"IEA\*1\*(\d+)~", ack) == ["000000005", "000000006"]
        assert "GE*1*6~" in ack
        assert pyx12_errors(ack) == []


def test_every_fixture_and_corpus_file_is_acknowledged_validly():
    paths = [ROOT / "fixtures"] + [p for p in (CORPUS, CORPUS.parent / "278") if p.is_dir()]
    result = _lint(*paths, jobs=2)
    for ack in (write_999(result), write_277ca(result)):
        assert ack.count("ISA*00*") > 10
        assert pyx12_errors(ack) == []


def test_999_segment_and_element_errors(tmp_path):
    text = build_837(_claims()).replace("CLM*C1*", "CLM**", 1).replace(
        "D8*20250603", "D8*20250631", 1)
    ack = write_999(_lint(_write(tmp_path, text)))
    body = ack.split("AK2*837*0001*005010X222A1~\n")[1].split("AK9")[0]
    assert body == ("IK3*CLM*18**8~\nIK4*1*1028*1~\n"  # no CLM01: no business unit
                    "IK3*DTP*22**8~\nIK4*3*1251*8~\nIK5*R*5~\n")
    assert "AK9*R*1*1*0~" in ack
    assert pyx12_errors(ack) == []


def test_999_business_unit_names_the_claim(tmp_path):
    text = build_837(_claims()).replace("SV1*HC:G9012:U2", "SV1*HC:G90$2:U2", 1)
    ack = write_999(_lint(_write(tmp_path, text)))
    assert "IK3*SV1*34**8~\nCTX*CLM01:C2~\nIK4*1:2*234*7~\nIK5*R*5~\n" in ack
    assert pyx12_errors(ack) == []


def test_ik404_copies_the_bad_value_only_with_show_phi(tmp_path):
    text = build_837(_claims()).replace("D8*20250603", "D8*20250631", 1)
    path = _write(tmp_path, text)
    assert "IK4*3*1251*8~" in write_999(_lint(path))
    shown = write_999(_lint(path, show_phi=True))
    assert "IK4*3*1251*8*20250631~" in shown
    assert pyx12_errors(shown) == []


def test_999_envelope_errors_and_counts(tmp_path):
    text = build_837(_claims(), st_per_transaction=1)
    text = re.sub(r"SE\*(\d+)\*0002", lambda m: f"SE*{int(m.group(1)) + 1}*0002", text)
    text = text.replace("GE*2*1~", "GE*3*1~")
    ack = write_999(_lint(_write(tmp_path, text)))
    assert "AK2*837*0001*005010X222A1~\nIK5*A~\nAK2*837*0002*005010X222A1~\nIK5*R*4~\n" in ack
    assert "AK9*R*3*2*1*5~" in ack  # GE01 3, 2 received, 1 accepted; AK905 5
    assert pyx12_errors(ack) == []


@pytest.mark.parametrize("name,mutate,expected", [
    ("ST03 holds our component separator", lambda t: t.replace(
        "ST*837*0001*005010X222A1", "ST*837*0001*0050:10X222A1"), "AK2*837*0001*005010X222A1~"),
    ("ST01 mangled", lambda t: t.replace("ST*837*", "ST*8X7*"), "AK9*R*1*1*0~"),
    ("GS01 missing", lambda t: t.replace("GS*HC*", "GS**"), "AK1*HC*1*005010X222A1~"),
    ("GS06 not a number", lambda t: t.replace("*1*X*005010X222A1~", "*X*X*005010X222A1~"),
     "AK1*HC*0*005010X222A1~"),
    ("a byte outside ASCII in ISA06", lambda t: t.replace("ZZ*SENDER ", "ZZ*SEN\x85DER", 1),
     "ZZ*SENDER         *250630"),
    ("ST02 of 3 characters", lambda t: t.replace("ST*837*0001*", "ST*837*009*").replace(
        "*0001~\nGE", "*009~\nGE"), "AK2*837*0009*005010X222A1~"),
    ("an ISA qualifier that is none", lambda t: t.replace("*ZZ*SENDER ", "*SE*SENDER ", 1),
     "*ZZ*SENDER         *250630"),
    ("an ISA read without its ids",
     lambda t: t.replace("ISA*00*          ", "ISA*00* ~        ", 1),
     "*ZZ*MEDICAL        *ZZ*SENDER         *250630"),
])
def test_broken_envelopes_still_give_a_valid_999(tmp_path, name, mutate, expected):
    path = tmp_path / "in.x12"
    path.write_bytes(mutate(build_837(_claims())).encode("latin-1"))
    ack = write_999(_lint(path, show_phi=True))
    assert expected in ack
    assert pyx12_errors(ack) == []


def test_an_amount_x12_cannot_carry_is_0_in_the_277ca(tmp_path):
    text = build_837(_claims()).replace("CLM*C1*400.00", "CLM*C1*1E400")
    ack = write_277ca(_lint(_write(tmp_path, text), select=("B",)))  # X102 aside
    assert "TRN*2*C1~\nSTC*A2:20*20250630*WQ*0~" in ack
    assert pyx12_errors(ack) == []


def test_finding_data_wins_over_the_fallback_table():
    from edi_lint.ack.write999 import element_refs, syntax
    f = Finding("X101", "NM1 lacks required element NM109", segment_id="NM1")
    assert syntax(f) == ("ik403", "1") and element_refs(f) == [(9, None, None, "67")]
    f.data = {"ik403": "7", "element_position": 1, "component_position": 2,
              "repeat_position": 1, "data_element": "234"}
    assert syntax(f) == ("ik403", "7") and element_refs(f) == [(1, 2, 1, "234")]
    f.data = {"ik502": "4"}
    assert syntax(f) == ("ik502", "4")
    assert syntax(Finding("B101", "limit", tip="ECM-01")) is None  # billing: the 277CA's


def test_278_sets_are_acknowledged_too():
    ack = write_999(_lint(TAR))
    assert "AK1*HI*311*005010X217~" in ack and ack.count("AK2*278*") == 5
    assert "AK9*A*5*5*5~" in ack  # its findings are billing ones: not in the 999


def test_api_without_collection_says_so():
    result = lint([str(MISTAKES)])
    with pytest.raises(NotCollected, match="Options\\(ack=True\\)"):
        write_999(result)


def test_jobs_write_the_same_acknowledgments(tmp_path):
    paths = [_write(tmp_path, build_837(_claims(), control=f"00000000{n}"), f"f{n}.x12")
             for n in range(1, 4)] + [MISTAKES]
    one, two = _lint(*paths), _lint(*paths, jobs=2)
    assert write_999(one) == write_999(two)
    assert write_277ca(one) == write_277ca(two)


# -- the 277CA ----------------------------------------------------------------------------

def test_277ca_accepts_and_rejects_claims_by_fail_on(tmp_path):
    text = build_837(_claims()).replace("SV1*HC:G9012:U2*400.00", "SV1*HC:G9012:U2*450.00", 1)
    path = _write(tmp_path, text)
    # C2: CLM02 800 is not 450 + 400 (X301), its second G9012-U2 in June is over ECM-01's
    # limit (B101, on line 2) and line 1 is billed above the rate (B305, a warning)
    ack = write_277ca(_lint(path))
    assert "TRN*2*C1~\nSTC*A2:20*20250630*WQ*400~\nDTP*472*D8*20250603~\n" in ack
    assert ("TRN*2*C2~\nSTC*A7:400*20250630*U*800~\nSTC*A7:21*20250630*U*800~\n"
            "DTP*472*RD8*20250603-20250610~\n"
            "SVC*HC:G9012:U2*400*****1~\nSTC*A7:21*20250630*U~\nDTP*472*D8*20250610~\n"
            "SE*38*0001~\n") in ack
    assert "QTY*90*1~\nQTY*AA*1~\nAMT*YU*400~\nAMT*YY*800~\n" in ack
    assert pyx12_errors(ack) == []
    warned = write_277ca(_lint(path, fail_on="warning"))
    assert ("SVC*HC:G9012:U2*450*****1~\nSTC*A7:178*20250630*U~\nDTP*472*D8*20250603~\n"
            in warned)
    assert pyx12_errors(warned) == []


def test_min_severity_shapes_displays_not_acknowledgments(tmp_path):
    """--min-severity error hides the B305 warning from reports; the 277CA of a run with
    --fail-on warning still rejects its line (178), as without the display filter."""
    from edi_lint.report import render
    text = build_837(_claims()).replace("SV1*HC:G9012:U2*400.00", "SV1*HC:G9012:U2*450.00", 1)
    path = _write(tmp_path, text)
    shown = _lint(path, fail_on="warning", min_severity="error")
    assert "B305" not in render(shown, "text")
    ack = render(shown, "277ca")
    assert "SVC*HC:G9012:U2*450*****1~\nSTC*A7:178*20250630*U~\n" in ack
    assert ack == render(_lint(path, fail_on="warning"), "277ca")


def test_277ca_leaves_out_the_sets_the_999_rejects(tmp_path):
    text = build_837(_claims(), st_per_transaction=1).replace("CLM*C2*", "CLM**", 1)
    result = _lint(_write(tmp_path, text))
    assert "IK5*A~" in write_999(result) and "IK5*R*5~" in write_999(result)
    ack = write_277ca(result)
    assert ack.count("ST*277*") == 1 and "TRN*2*C1~" in ack and "CLM" not in ack
    assert "GE*1*1~" in ack
    assert pyx12_errors(ack) == []
    rejected_only = build_837(_claims()[1:]).replace("CLM*C2*", "CLM**", 1)
    assert write_277ca(_lint(_write(tmp_path, rejected_only, "r.x12"))) == ""


def test_277ca_masks_the_patient_without_show_phi(tmp_path):
    path = _write(tmp_path, build_837(_claims()))
    masked = write_277ca(_lint(path))
    assert masked.count("NM1*QC*1*MASKED*****MI*MASKED~") == 2
    assert "DOE" not in masked and "MBR000" not in masked
    shown = write_277ca(_lint(path, show_phi=True))
    assert "NM1*QC*1*DOE*JANE****MI*MBR0001~" in shown
    assert pyx12_errors(shown) == []


def test_no_phi_in_either_acknowledgment(tmp_path):
    result = _lint(MISTAKES, ROOT / "fixtures" / "837" / "cs_mistakes.x12", TAR)
    members = set(re.findall(r"\*MI\*([A-Z0-9]+)", MISTAKES.read_text()))
    assert members
    for text in (write_999(result), write_277ca(result)):
        assert not any(m in text for m in members)
        assert "DOE" not in text and "19800101" not in text


def test_277ca_status_table_is_documented():
    from edi_lint.ack.codes import STATUS
    doc = (ROOT / "docs" / "acknowledgments.md").read_text()
    for rule, (code, entity) in STATUS.items():
        assert re.search(rf"\| {rule} \|[^\n]*\| {code} \| {entity or '-'} \|", doc), rule


# -- edi-lint's 999 beside pyx12's --------------------------------------------------------

@pytest.mark.parametrize("name,mutate", [
    ("clean", lambda t: t),
    ("SE01 count", lambda t: re.sub(r"SE\*(\d+)\*", lambda m: f"SE*{int(m[1]) + 2}*", t)),
    ("SE02 control", lambda t: re.sub(r"SE\*(\d+)\*0001", r"SE*\1*0009", t)),
    ("CLM01 missing", lambda t: t.replace("CLM*C1*", "CLM**", 1)),
    ("DTP03 not a date", lambda t: t.replace("D8*20250603", "D8*20250631", 1)),
    ("2010AA N3 missing", lambda t: t.replace("N3*100 MAIN ST~\n", "", 1)),
    ("2010BA missing", lambda t: re.sub(r"NM1\*IL\*[^~]*~\s*N3\*[^~]*~\s*N4\*[^~]*~\s*DMG\*[^~]*~\s*",
                                        "", t, count=1)),
])
def test_999_agrees_with_pyx12(name, mutate):
    sets = compare(mutate(build_837(_claims())))
    assert sets and all(v["edi_lint"] == v["pyx12"] for v in sets.values()), sets


def test_999_documented_difference_missing_se():
    """A set without SE: IK502 2 (the 999 guide's "trailer missing"); pyx12 writes an IK3
    for the SE instead (docs/acknowledgments.md)."""
    sets = compare(re.sub(r"SE\*[^~]*~", "", build_837(_claims())))
    (both,) = sets.values()
    assert both["edi_lint"]["ik5"] == ("R", ("2",))
    assert [(i[0], i[2]) for i in both["pyx12"]["ik3"]] == [("SE", "3")]


EXPECTED = ROOT / "tests" / "data" / "ack999_corpus.json"


def _differences(path) -> dict:
    sets = compare(path.read_bytes().decode("utf-8", "replace"))
    out = {}
    for (group, control), both in sets.items():
        ours, theirs = both["edi_lint"], both["pyx12"]
        if ours == theirs:
            continue
        if theirs is None:
            out[f"{group}/{control}"] = "pyx12 wrote no 999"
            continue
        if ours is None:
            out[f"{group}/{control}"] = "edi-lint wrote no 999"
            continue
        out[f"{group}/{control}"] = {
            "edi_lint_only": sorted("/".join(x) for k in ("ik3", "ik4")
                                    for x in ours[k] - theirs[k]),
            "pyx12_only": sorted("/".join(x) for k in ("ik3", "ik4") for x in theirs[k] - ours[k]),
            "ik5": ["/".join((s, ",".join(c))) for s, c in (ours["ik5"], theirs["ik5"])]}
    return out


@pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus is absent")
def test_999_beside_pyx12_on_the_corpus():
    """Every difference between edi-lint's 999 and pyx12's on the corpus 837P files is the
    recorded one (tests/data/ack999_corpus.json; its kinds: docs/acknowledgments.md)."""
    found = {p.name: _differences(p) for p in sorted(CORPUS.glob("*.x12"))
             if p.stat().st_size < 100_000}
    if UPDATE:
        EXPECTED.write_text(json.dumps(found, indent=1, sort_keys=True) + "\n")
    assert found == json.loads(EXPECTED.read_text())
