"""Every table-driven case of ``tests/cases/*.toml``, run by one runner.

A test id is ``<RULE or TIP>-<case name>``: ``pytest -k B101`` runs the cases of B101.
Each case asserts the exact findings (codes, tips, severities, claims, lines, segments);
how a case runs is told by its file (``rulecase.py``, ``poscase.py``).
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from poscase import run_positioned_case
from rulecase import check_case, load_cases, run_case, run_history_case

POSITIONED = ("tar_", "x12_")


def run_and_check(case: dict[str, Any], tmp_path: Path):
    """Run a case the way its file asks (``rulecase.py``), assert; the findings."""
    if case["source"].startswith(POSITIONED):
        return run_positioned_case(case, tmp_path)
    if "history" in case or "history_responses" in case:
        findings = run_history_case(case, tmp_path)
    else:
        findings = run_case(case, tmp_path)
    check_case(case, findings)
    return findings


def case_rules(case: dict[str, Any]) -> list[str]:
    """The rule codes a case is about: its ``rule``, else the codes it expects, else its
    selection."""
    if case.get("rule"):
        return [case["rule"]]
    expected = sorted({e["rule"] for e in case.get("expect", ())})
    return expected or list(case.get("select") or ["all"])


def case_id(case: dict[str, Any]) -> str:
    """``<RULE or TIP>-<case name>``: ``pytest -k B101`` selects a rule's cases."""
    return f"{'+'.join(case_rules(case))}-{case['name']}"


CASES = load_cases("*.toml")


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_case(case, tmp_path):
    run_and_check(case, tmp_path)
