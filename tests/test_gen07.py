"""GEN-07 (B307): claim lines against the approved TARs of the batch and the ledger.

Table-driven cases in ``tests/cases/tar_gen07.toml`` (run by ``tests/test_cases.py``),
plus the ledger side: history responses are TAR data, history lines count first.
"""
from __future__ import annotations

import pytest

from edi_lint.engine import Linter, Options
from edi_lint.model.facts import LineFact
from edi_lint.rules import get
from edi_lint.testing import x12build as xb



def test_gen07_rule_metadata():
    rule = get("B307")
    assert rule.tips == ("GEN-07",) and rule.scope == "batch" and rule.severity == "error"
    doc = type(rule).doc()
    for part in ("What it does:", "Why it matters:", "Example that fails:",
                 "Example that passes:"):
        assert part in doc


def _write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8", newline="")
    return str(path)


def _responses(tmp_path, text):
    linter = Linter(Options())
    linter.run([_write(tmp_path, "resp.x12", text)])
    return linter.ctx.batch.responses


def _history_fact(member, code, mods, dos, units, g1):
    return LineFact(member, code, frozenset(mods), "-".join([code, *mods]), "cs-housing-tenancy",
                    dos, dos, units, 22200, "UN", ("1234567893", "H1"), "H1", "1", (-1, 0),
                    (g1,), None, 1)


def _run_with_history(tmp_path, claims_text, history_responses, history_lines=()):
    linter = Linter(Options(select=("B307",)))
    linter._attach_history = lambda: None
    files = [_write(tmp_path, "claims.x12", claims_text)]
    for n, path in enumerate(files):
        with open(path, "rb") as stream:
            linter.ctx.path = path
            linter.lint_stream(stream, path, n)
    linter.ctx.batch.history_responses = list(history_responses)
    linter.ctx.batch.history = list(history_lines)
    return linter.finish().findings


def test_ledger_responses_are_tar_data_and_history_lines_count_first(tmp_path):
    from datetime import date

    response = xb.build_278_response(member="M1", cert="CS5", lines=[
        xb.TarLine("T2040", ["U6"], units="3", period=("20250601", "20251130"))])
    history = _responses(tmp_path, response)
    assert len(history) == 1
    claims = xb.build_837([xb.Claim("C1", [
        xb.Line("T2040", ["U6"], charge="222.00", dos="20250705", g1=["CS5"]),
        xb.Line("T2040", ["U6"], charge="222.00", dos="20250805", g1=["CS5"]),
        xb.Line("T2040", ["U6"], charge="222.00", dos="20250905", g1=["CS9"]),
    ], member="M1")])
    # without history: member M1 has no TAR data, nothing is checked
    assert _run_with_history(tmp_path, claims, []) == []
    # the ledger's response makes CS9 unknown; two history units under CS5 count first
    lines = [_history_fact("M1", "T2040", ["U6"], date(2025, 6, 5), 2.0, "CS5")]
    findings = _run_with_history(tmp_path, claims, history, lines)
    got = [(f.rule, f.tip, f.claim_id, f.service_line, f.segment_id) for f in findings]
    assert got == [("B307", "GEN-07", "C1", 2, "SV1"), ("B307", "GEN-07", "C1", 3, "SV1")]
    assert "to 4, above the approved quantity 3" in findings[0].message
    assert "certification CS9 is not in this member's 278 responses" in findings[1].message
    # ledger lines are never reported
    assert all(f.path.endswith("claims.x12") for f in findings)


def test_gen07_message_names_no_member(tmp_path):
    resp = xb.build_278_response(member="SECRET42", cert="ECM1", lines=[
        xb.TarLine("G9008", ["U1"], units="12", period=("20250601", "20260531"))])
    claims = xb.build_837([xb.Claim("C1", [xb.Line("G9012", ["U2"], g1=["ECM1"])],
                                    member="SECRET42")])
    paths = [_write(tmp_path, "r.x12", resp), _write(tmp_path, "c.x12", claims)]
    findings = Linter(Options(select=("GEN-07",))).run(paths).findings
    assert [f.rule for f in findings] == ["B307"]
    assert "SECRET42" not in findings[0].message
