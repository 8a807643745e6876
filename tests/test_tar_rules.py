"""The TAR (278 request) rules: ECMTAR-01..04 (B401-B404), CSTAR-01..09 (B501-B509).

Their cases live in ``tests/cases/tar_ecm.toml`` and ``tests/cases/tar_cs.toml`` (run by
``tests/test_cases.py``, positioned cases of ``tests/rulecase.py``); here, the metadata,
responses and the fixtures.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from rulecase import lint_paths

from edi_lint.rules import all_rules
from edi_lint.testing import x12build as xb

# --------------------------------------------------------------------------- the tests


TAR_TIPS = {**{f"ECMTAR-{i:02d}": f"B40{i}" for i in range(1, 5)},
            **{f"CSTAR-{i:02d}": f"B50{i}" for i in range(1, 10)}}


@pytest.mark.parametrize("tip", sorted(TAR_TIPS))
def test_each_tar_tip_has_its_rule_and_cases(tip):
    code = TAR_TIPS[tip]
    rules = [r for r in all_rules() if r.code == code]
    assert rules and rules[0].tips == (tip,) and rules[0].scope == "tar"
    assert rules[0].tar_kinds == ("request",)
    doc = type(rules[0]).doc()
    for part in ("What it does:", "Why it matters:", "Example that fails:",
                 "Example that passes:"):
        assert part in doc, f"{code} docstring lacks {part!r}"


def test_tar_rules_ignore_responses(tmp_path):
    """The TAR tips judge requests only: a response with the same mistakes gets none."""
    text = xb.build_278_response(member="M1", um02="E", cert="C1", lines=[
        xb.TarLine("G9008", ["U8"], units="5", period=("20250615", "20260731")),
        xb.TarLine("H0043", [], units="6", period=("20250601", "20251215")),
        xb.TarLine("S5170", ["U6"], units="2", period=("20250601", "20251215")),
        xb.TarLine("S9977", ["U6"], units="2.5", period=("20250601", "20251215")),
    ])
    path = tmp_path / "resp.x12"
    path.write_text(text, encoding="utf-8", newline="")
    findings = lint_paths([path]).findings
    assert [f.rule for f in findings if f.tip] == []
    # UM02 E of a response is still a structure error (no tip)
    assert [(f.rule, f.segment_id) for f in findings] == [("S211", "UM")]


# --------------------------------------------------------------------------- fixtures/278

FIXTURES_278 = Path(__file__).resolve().parents[1] / "fixtures" / "278"
_ROW = re.compile(r"^\|\s*(\d{4})\s*\|\s*(\S+)\s*\|(.*)\|\s*$")
_TIP = re.compile(r"\b([A-Z]+-\d{2}) \((error|warning)\)")


def _fixture_files():
    return sorted(FIXTURES_278.glob("*.x12")) if FIXTURES_278.is_dir() else []


@pytest.mark.parametrize("path", _fixture_files(), ids=lambda p: p.name)
def test_fixture_278(path):
    """Clean 278 fixtures get no error or warning; mistake fixtures get what their .md maps."""
    findings = lint_paths([path]).findings
    notes = path.with_suffix(".md")
    if not notes.exists():
        bad = [f"{f.rule} {f.tip} {f.message}" for f in findings
               if f.severity in ("error", "warning")]
        assert bad == []
        return
    assert not [f for f in findings if f.rule.startswith(("S", "X"))]
    by_trace: dict = {}
    for f in findings:
        by_trace.setdefault(f.trace, set()).add((f.tip, f.severity))
    for line in notes.read_text(encoding="utf-8").splitlines():
        row = _ROW.match(line)
        if not row or not row.group(1).isdigit():
            continue
        trace, text = row.group(2), row.group(3)
        want = set(_TIP.findall(text))
        got = by_trace.get(trace, set())
        assert want <= got, f"{path.name} {trace}: expected {want}, got {got}"
        # bulk submission (CSTAR-09) comes on top where the notes say so in their preamble
        assert got - want <= {("CSTAR-09", "warning")}, f"{path.name} {trace}: got {got}"
