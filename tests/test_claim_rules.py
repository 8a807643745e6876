"""Per-claim billing rules of ecm.py, cs.py and general.py; their cases are tests/cases/claim_*
(run by tests/test_cases.py).

Each case builds a valid 837P with edi_lint.testing.x12build, runs the real engine and asserts
the exact findings: rule code, tip id, severity, claim id, service line and segment.
"""
from __future__ import annotations

import pytest

from edi_lint.rules.registry import all_rules, get
from rulecase import load_cases, run_case

CASES = load_cases("claim_*")

MINE = {"B102": "ECM-02", "B106": "ECM-06", "B107": "ECM-07", "B210": "CS-10", "B212": "CS-12",
        "B301": "GEN-01", "B302": "GEN-02", "B303": "GEN-03", "B304": "GEN-04", "B305": "GEN-05",
        "B306": "GEN-06"}


@pytest.mark.parametrize("code", sorted(MINE))
def test_rule_metadata(code):
    rule = get(code)
    assert rule is not None, code
    assert rule.tips == (MINE[code],)
    assert rule.scope == "claim"
    doc = rule.doc()
    for part in ("What it does:", "Why it matters:", "Example that fails:", "Example that passes:"):
        assert part in doc, (code, part)


def test_severities():
    sev = {r.code: r.severity for r in all_rules() if r.code in MINE}
    assert sev == {"B102": "error", "B106": "error", "B107": "error", "B210": "error",
                   "B212": "error", "B301": "error", "B302": "error", "B303": "warning",
                   "B304": "error", "B305": "warning", "B306": "error"}


@pytest.mark.parametrize("case", CASES, ids=[f"{c['rule']}-{c['name']}" for c in CASES])
def test_case_files_are_valid_x12(case, tmp_path):
    """The builder's files raise no envelope or loop finding (X/S codes) in any case."""
    case = {**case, "select": ("X", "S")}
    assert [(f.rule, f.message) for f in run_case(case, tmp_path)] == []


def test_gen01_on_a_reversed_range_says_so(tmp_path):
    """An RD8 whose to-date is before its from-date differs from it: GEN-01 flags it (and
    X505 the range itself), without a day count of "1 days"."""
    case = {"rule": "B301", "name": "reversed", "select": ("B301", "X505"), "claims": [
        {"clm01": "G3", "g1": "T1",
         "lines": [{"code": "G9008", "modifiers": ["U1"], "dos": ["20250605", "20250601"]}]}]}
    found = [(f.rule, f.tip, f.segment_id, f.service_line, f.message)
             for f in run_case(case, tmp_path)]
    assert [f[:4] for f in found] == [("B301", "GEN-01", "DTP", 1), ("X505", None, "DTP", 1)]
    assert "the date span 2025-06-05..2025-06-01 (its to-date before its from-date)" in found[0][4]
