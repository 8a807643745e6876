"""The shortcuts taken for speed give exactly what the plain ways give.

- ``report.write`` (the JSON report written as it is encoded) puts on the stream the
  text ``report.render`` returns, for every format;
- ``facts.claims_billed_as`` (CLM01 compared as packed bits) finds the claims a
  comparison of decoded CLM01s finds, packed or not;
- a line's profile match kept on the line (``rules.claim_lines.line_group``) is the
  profile's answer, and is asked again of another profile.
"""
from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import pytest

from edi_lint.engine import Linter, Options
from edi_lint.model import facts
from edi_lint.model.claims import ServiceLine
from edi_lint.model.common import Pos
from edi_lint import profiles as profiles_package
from edi_lint.profiles import load_profile
from edi_lint.report import render, write
from edi_lint.rules.claim_lines import line_entry, line_group

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


@pytest.fixture(scope="module")
def fixture_result():
    return Linter(Options()).run([str(FIXTURES)])


@pytest.mark.parametrize("fmt", ["json", "text", "sarif", "junit", "github", "html"])
def test_write_puts_out_what_render_returns(fixture_result, fmt):
    assert fixture_result.findings  # the mistake fixtures: a report with content
    stream = io.StringIO()
    write(fixture_result, fmt, stream)
    assert stream.getvalue() == render(fixture_result, fmt)


def test_json_write_hands_the_stream_pieces_not_one_string(fixture_result, monkeypatch):
    monkeypatch.setattr("edi_lint.report.json_format._PIECE", 1000)
    pieces = []

    class Recorder:
        def write(self, text):
            pieces.append(text)

    write(fixture_result, "json", Recorder())
    text = render(fixture_result, "json")
    assert "".join(pieces) == text
    assert len(text) > 20_000 and len(pieces) > 10
    assert max(len(p) for p in pieces) < 2000  # a piece is about _PIECE characters


def _claim_fact(maker, clm01, index, packed=True):
    class Claim:
        member, billing_npi, frequency = "M1", "1234567893", "1"
    claim = Claim()
    claim.clm01 = clm01
    claim.pos = Pos(index, index, 1, index * 40, "CLM", "2300", "")
    fact = maker.claim(claim, "f.x12", 0)
    if not packed:
        fact.where = (clm01, 0, index)
    return fact


def test_claims_billed_as_matches_decoded_claim_ids():
    maker = facts.FactMaker()
    ids = ["C1", "C10", "C1X", "", "C\xe91", "C2", "C10", "1C"]
    claims = [_claim_fact(maker, c, i + 1, packed=i % 3 != 2) for i, c in enumerate(ids)]
    assert any(type(c.where) is int for c in claims)
    assert any(type(c.where) is tuple for c in claims)
    for wanted in ({"C10"}, {"C1", "C\xe91"}, {""}, {"C3"}, {"C2", "1C", "C10"}, set()):
        found = facts.claims_billed_as(claims, wanted)
        assert found == [c for c in claims if c.claim_id in wanted]


def test_claims_billed_as_accepts_ids_that_cannot_be_packed():
    maker = facts.FactMaker()
    claims = [_claim_fact(maker, "C\u20ac1", 5, packed=False), _claim_fact(maker, "C1", 6)]
    assert facts.claims_billed_as(claims, {"C\u20ac1"}) == [claims[0]]


def test_line_group_is_the_profiles_match_and_kept_per_profile():
    profile = load_profile(None)
    line = ServiceLine(None, 1)
    line.code, line.modifier_set, line.modifiers = "G9008", frozenset({"U1"}), ("U1",)
    line.dos_from = line.dos_to = date(2025, 6, 3)
    entry, group = line_group(profile, line)
    assert entry is profile.match("G9008", frozenset({"U1"}), date(2025, 6, 3))
    assert entry is not None and group is profile.groups[entry.group]
    assert line_entry(profile, line) is entry
    assert line.matched == (profile, (entry, group))

    # another profile object (the default's file, read again): asked again, not kept
    other = load_profile(Path(profiles_package.__file__).parent / "default.toml")
    assert other is not profile
    entry2, _ = line_group(other, line)
    assert entry2 is other.match("G9008", frozenset({"U1"}), date(2025, 6, 3))
    assert entry2 is not entry
    assert line.matched[0] is other


def test_line_group_without_a_date_takes_the_codes_first_entry_with_those_modifiers():
    profile = load_profile(None)
    line = ServiceLine(None, 1)
    line.code, line.modifier_set = "G9008", frozenset({"U1"})
    entry, _ = line_group(profile, line)
    first = next(e for e in profile.entries_for_code("G9008")
                 if frozenset({"U1"}) in e.modifier_sets)
    assert entry is first
