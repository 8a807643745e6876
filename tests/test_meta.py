"""Meta-tests: the registry against the spec, and every rule documented and tested by cases."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from edi_lint.rules import all_rules
from rulecase import load_cases

ROOT = Path(__file__).resolve().parents[1]
SPEC = ROOT.parent / "shared" / "spec" / "billing-rules.md"

# Every tip id of ../shared/spec/billing-rules.md (kept here so the test runs on a fresh clone).
SPEC_TIPS = (
    [f"ECM-{i:02d}" for i in range(1, 8)] + [f"ECMTAR-{i:02d}" for i in range(1, 5)]
    + [f"CS-{i:02d}" for i in range(1, 13)] + [f"CSTAR-{i:02d}" for i in range(1, 10)]
    + [f"GEN-{i:02d}" for i in range(1, 8)]
)


def test_spec_tip_list_is_current():
    if not SPEC.exists():
        pytest.skip("../shared/spec/billing-rules.md is not beside the checkout")
    found = set(re.findall(r"\*\*([A-Z]+-\d{2})\*\*", SPEC.read_text(encoding="utf-8")))
    assert found == set(SPEC_TIPS)


@pytest.mark.parametrize("tip", SPEC_TIPS)
def test_every_tip_is_enforced_by_a_registered_rule(tip):
    assert any(tip in rule.tips for rule in all_rules()), f"no rule enforces {tip}"


def test_rule_codes_are_unique_and_well_formed():
    codes = [r.code for r in all_rules()]
    assert len(codes) == len(set(codes))
    assert all(re.fullmatch(r"[A-Z]{1,4}\d{3}", c) for c in codes)


@pytest.mark.parametrize("rule", all_rules(), ids=lambda r: r.code)
def test_every_rule_is_documented(rule):
    doc = type(rule).doc()
    assert rule.summary and doc
    assert "fail" in doc.lower() and "pass" in doc.lower(), "docstring lacks failing/passing examples"


# Codes no case file can make fire, and the tests that cover them instead.
NO_CASE = {
    "X005": "test_cli.py::test_an_unreadable_file_and_directory_in_a_walk_are_x005",
    "X201": "test_ig.py (pyx12's pass runs under --ig only, which no case sets)",
    "X202": "test_ig.py (pyx12's pass runs under --ig only, which no case sets)",
}
CASES = load_cases("*.toml")


def _targets(case: dict, rule) -> bool:
    """The case is about ``rule``: named by its ``rule`` or its selection (codes, prefixes, tips)."""
    if case.get("rule") == rule.code:
        return True
    return any(rule.code.startswith(s) or any(t.startswith(s) for t in rule.tips)
               for s in case.get("select") or ())


def _fires(case: dict, code: str) -> bool:
    return any(e["rule"] == code for e in case.get("expect", ()))


CHECKED = [r for r in all_rules() if r.code[0] in "BXS" and r.code not in NO_CASE]


@pytest.mark.parametrize("rule", CHECKED, ids=lambda r: r.code)
def test_every_billing_and_structural_rule_has_a_failing_and_a_passing_case(rule):
    """A case (run by test_cases.py, exact findings) where the rule fires, and a case about
    the rule (its ``rule`` or selection) where it does not."""
    failing = [c["name"] for c in CASES if _fires(c, rule.code)]
    passing = [c["name"] for c in CASES if _targets(c, rule) and not _fires(c, rule.code)]
    assert failing, f"{rule.code}: no case in tests/cases expects it"
    assert passing, f"{rule.code}: no case selects it without expecting it"


@pytest.mark.parametrize("code", sorted(NO_CASE))
def test_no_case_exceptions_are_registered_rules(code):
    assert any(r.code == code for r in all_rules()), code


def test_optional_hooks_are_declared_on_rule_with_their_defaults():
    """What the engine and -j read of a rule beyond its check method is declared on Rule."""
    from edi_lint.rules.base import Rule
    rule = Rule()
    assert (rule.tar_kinds, rule.by_member, rule.segment_guard("SV1")) == (("request",), False,
                                                                          None)
    assert rule.join_parts([["a"], [], ["b", "c"]]) == ["a", "b", "c"]
    joined = {r.code for r in all_rules() if type(r).join_parts is not Rule.join_parts}
    assert joined == {"X111"}
