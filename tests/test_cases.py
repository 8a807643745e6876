"""Every table-driven case of ``tests/cases/*.toml``, run by one runner (``rulecase.py``).

A test id is ``<RULE or TIP>-<case name>``: ``pytest -k B101`` runs the cases of B101.
Each case asserts the exact findings (codes, tips, severities, claims, lines, segments).
"""
from __future__ import annotations

import pytest
from rulecase import case_id, load_cases, run_and_check

CASES = load_cases("*.toml")


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_case(case, tmp_path):
    run_and_check(case, tmp_path)
