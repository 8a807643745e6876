"""278 structure (no tip): required segments and code values the project checks itself
(pyx12 has no 5010 278 map), HL order and parents, and the real-world 278 corpus.

Cases: ``tests/cases/tar_structure.toml`` (run by ``tests/test_cases.py``).
"""
from __future__ import annotations

from pathlib import Path

import pytest

from edi_lint.engine import Linter, Options
from edi_lint.rules import all_rules, get
from edi_lint.testing import x12build as xb

STRUCTURE_278 = ("S201", "S202", "S203", "S204", "S205", "S206", "S210", "S211", "S212",
                 "S213", "S214", "S215", "S216", "S217", "S218", "S219", "S220", "S221", "S222")


@pytest.mark.parametrize("code", STRUCTURE_278)
def test_structure278_codes_registered_and_documented(code):
    rule = get(code)
    assert rule is not None and not rule.tips and rule.severity == "error"
    assert rule.scope in ("structure", "tar")
    if rule.scope == "tar":
        assert rule.tar_kinds == ("request", "response")
    doc = type(rule).doc()
    for part in ("What it does:", "Why it matters:", "Example that fails:",
                 "Example that passes:"):
        assert part in doc


def test_names_are_unique_among_all_rules():
    names = [r.name for r in all_rules()]
    assert len(names) == len(set(names))


def _lint_text(tmp_path, text, **options):
    path = tmp_path / "t.x12"
    path.write_text(text, encoding="utf-8", newline="")
    return Linter(Options(**options)).run([str(path)]).findings


def test_hl_order_and_parents_in_a_278(tmp_path):
    text = xb.build_278_request(member="M1", lines=[xb.TarLine("H0043", ["U6"], units="6")])
    # an SS under an SS is accepted (the TR3's transport example)
    nested = xb.build_278_request(member="M1", lines=[
        xb.TarLine("H0043", ["U6"], units="6"), xb.TarLine("T2040", ["U6"], units="6")]
    ).replace("HL*6*4*SS*0", "HL*6*5*SS*0")
    assert [f.rule for f in _lint_text(tmp_path, nested, select=("S",))] == []
    broken = text.replace("HL*4*3*EV*1", "HL*7*2*EV*1")
    got = [(f.rule, f.segment_id) for f in _lint_text(tmp_path, broken, select=("S",))]
    assert ("S001", "HL") in got and ("S003", "HL") in got
    dangling = text.replace("HL*5*4*SS*0", "HL*5*9*SS*0")
    got = [(f.rule, f.segment_id, f.loop) for f in _lint_text(tmp_path, dangling, select=("S",))]
    assert got == [("S002", "HL", "2000F")]


def test_a_builder_error_is_a_finding_not_a_crash(tmp_path):
    text = xb.build_278_request(member="M1", lines=[xb.TarLine("H0043", ["U6"], units="6")])
    for old, new in (("SV1*HC:H0043:U6**UN*6", "SV1"), ("UM*HS*I", "UM"),
                     ("DTP*472*RD8*20250601-20251231", "DTP"), ("PWK", "PWK")):
        findings = _lint_text(tmp_path, text.replace(old, new))
        assert all(f.rule for f in findings)


# --------------------------------------------------------------------------- the corpus

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
CORPUS_278 = SHARED / "corpus" / "278"

# SOURCES.md, 278 section: the known defects (ISA12 00401 / ISA11 'U' / GS08 005010X279 in the
# six OopFactory files, wrong SE01 in two stupidedi files) are envelope findings (X codes).
KNOWN = {
    **{f"oopfactory_x217_ex3_{n}_{k}_{kind}_bom_crlf.x12": "X042"
       for n, k, kind in ((1, 1, "request"), (1, 2, "response"), (2, 1, "request"),
                          (2, 2, "response"), (3, 1, "request"), (3, 2, "response"))},
    "stupidedi_x217_admission_request_oneline.x12": "X025",
    "stupidedi_x217_home_health_request_g0154_b4184_oneline.x12": "X025",
}


def _corpus_files():
    if not CORPUS_278.is_dir():
        return []
    return sorted(CORPUS_278.glob("*.x12"))


def test_corpus_is_present_or_skipped():
    if not CORPUS_278.is_dir():
        pytest.skip("../shared/corpus/278 is not beside the checkout")
    assert len(_corpus_files()) == 17


@pytest.mark.parametrize("path", _corpus_files(), ids=lambda p: p.name)
def test_corpus_278_reads_without_structural_errors(path):
    result = Linter(Options()).run([str(path)])
    detail = "\n".join(f"{f.rule} {f.segment_id} #{f.segment_index}: {f.message}"
                       for f in result.findings)
    codes = {f.rule for f in result.findings}
    known = KNOWN.get(path.name)
    if known is None:
        assert codes == set(), detail
    else:
        assert known in codes, detail  # the listed defect is reported ...
        assert all(c.startswith("X") for c in codes), detail  # ... by envelope codes only
    summary = result.summary
    assert summary["tar_requests"] + summary["tar_responses"] == 1  # one 2000E per file


def test_bht02_neither_request_nor_response_is_s020(tmp_path):
    text = xb.build_278_request(member="M1", um02="E", lines=[
        xb.TarLine("H0043", [], units="6", period=("20250601", "20270101"))])
    findings = _lint_text(tmp_path, text.replace("BHT*0007*13*", "BHT*0007*01*"))
    # the events of a 278 of unknown purpose are not checked: S020 only, no TAR tips
    assert [(f.rule, f.segment_id, f.loop) for f in findings] == [("S020", "BHT", "header")]


def test_278_findings_carry_their_999_codes(tmp_path):
    text = xb.build_278_request(member="M1", lines=[xb.TarLine("H0043", ["U6"], units="6")])
    text = (text.replace("UM*HS*I~", "UM*XX*~").replace("NM1*IL*1*DOE*JANE****MI*M1~\n", "")
            .replace("DTP*472*RD8*20250601-20251231", "DTP*472*RD8*20251231-20250601")
            .replace("SV1*HC:", "SV1*ZZ:"))
    got = {f.rule: (f.segment_id, f.data) for f in _lint_text(tmp_path, text, select=("S",))}
    assert got == {
        "S201": ("HL", {"ik304": "3"}),
        "S210": ("UM", {"ik304": "8", "ik403": "7", "element": "UM01", "element_position": 1,
                        "data_element": "1525"}),
        "S211": ("UM", {"ik304": "8", "ik403": "1", "element": "UM02", "element_position": 2,
                        "data_element": "1322"}),
        "S216": ("DTP", {"ik304": "8", "ik403": "8", "element": "DTP03", "element_position": 3,
                         "data_element": "1251"}),
        "S220": ("SV1", {"ik304": "8", "ik403": "7", "element": "SV101-1", "element_position": 1,
                         "component_position": 1, "data_element": "235"}),
    }
