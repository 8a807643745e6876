"""Meta-tests: the registry against the spec, and every rule documented and tested."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from edi_lint.rules import all_rules

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


def _test_text() -> str:
    parts = []
    for path in (ROOT / "tests").rglob("*"):
        if path.is_file() and path.suffix in (".py", ".toml", ".json", ".yaml", ".yml") \
                and path.name != "test_meta.py" and "golden" not in path.parts:
            parts.append(path.read_text(encoding="utf-8", errors="replace"))
    return "\n".join(parts)


@pytest.mark.parametrize("rule", all_rules(), ids=lambda r: r.code)
def test_every_rule_is_exercised_by_a_test(rule):
    """A rule's code (or its tip id) appears in the tests: its cases name it."""
    text = _TEXT
    assert rule.code in text or any(t in text for t in rule.tips), \
        f"{rule.code} is named by no test or case file"


_TEXT = _test_text()
