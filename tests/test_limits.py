"""Batch-wide limit rules (rules/limits.py, ecm_limits.py, cs_limits.py).

Their table-driven cases are tests/cases/limits_*.toml (run by tests/test_cases.py, history
injected into the batch as a ledger would). Here: the metadata, the mechanism on its own and
the fixtures. The speed of the batch rules is reported by bench/suite_timings.py.
"""
from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from edi_lint.engine import Linter, Options
from edi_lint.model.facts import FactLocation, LineFact
from edi_lint.profiles.loader import Limit
from edi_lint.messages import money, ordinal
from edi_lint.rules import limit_messages
from edi_lint.rules.limit_periods import evaluate
from edi_lint.rules.registry import get

ROOT = Path(__file__).resolve().parents[1]

MINE = {"B101": ("ECM-01", "error"), "B103": ("ECM-03", "error"), "B104": ("ECM-04", "error"),
        "B105": ("ECM-05", "error"), "B201": ("CS-01", "error"), "B202": ("CS-02", "error"),
        "B203": ("CS-03", "error"), "B204": ("CS-04", "error"), "B205": ("CS-05", "error"),
        "B206": ("CS-06", "error"), "B207": ("CS-07", "error"), "B208": ("CS-08", "error"),
        "B209": ("CS-09", "error"), "B211": ("CS-11", "warning")}


# --------------------------------------------------------------------------- metadata


@pytest.mark.parametrize("code", sorted(MINE))
def test_rule_metadata(code):
    rule = get(code)
    assert rule is not None, code
    tip, severity = MINE[code]
    assert rule.tips == (tip,)
    assert rule.scope == "batch"
    assert rule.severity == severity
    doc = rule.doc()
    for part in ("What it does:", "Why it matters:", "Example that fails:", "Example that passes:"):
        assert part in doc, (code, part)


def test_no_number_of_the_limits_is_written_in_rule_code():
    """Limits are data: the rule modules name no limit number of the profile."""
    for name in ("limits.py", "ecm_limits.py", "cs_limits.py"):
        text = (ROOT / "edi_lint" / "rules" / name).read_text(encoding="utf-8")
        code = "\n".join(line.split("#")[0] for line in text.splitlines()
                         if not line.lstrip().startswith(("Example", "``", "-")))
        for number in ("= 90", "= 180", "= 30", "5000", "= 5\n", "max=1"):
            assert number not in code, (name, number)


# --------------------------------------------------------------------------- the mechanism


def _fact(dos, to=None, units=1.0, charge=0, member="M", n=0, ledger=False):
    d_from = date.fromisoformat(dos)
    d_to = date.fromisoformat(to) if to else d_from
    loc = None if ledger else FactLocation("f", None, None, f"C{n}", 1)
    return LineFact(member, "X0001", frozenset(), "X0001", "g", d_from, d_to, units, charge,
                    "UN", ("npi", f"C{n}"), f"C{n}", "1", (-1 if ledger else 0, n), (), loc, 1)


def _limit(period, measure="lines", max=1, days=None):
    return Limit("X-01", ("g",), measure, period, days, max, "error", date.min, date.max)


def _flagged(limit, facts):
    return [b.fact.claim_id for b in evaluate(limit, facts)]


def test_window_counts_flagged_lines_and_counts_a_span_whole_on_its_from_date():
    lim = _limit("window", max=5, days=30)
    days = [f"2025-07-{d:02d}" for d in (1, 2, 3, 4, 5, 6, 31)]
    assert _flagged(lim, [_fact(d, n=i) for i, d in enumerate(days)]) == ["C5", "C6"]
    boxes = _limit("window", "units", max=1, days=7)
    # spec §9 "Counting": CS-07 counts boxes as ECM-04 counts lines; only per-day caps spread
    assert _flagged(boxes, [_fact("2025-06-01", "2025-06-14", units=2)]) == ["C0"]
    assert _flagged(boxes, [_fact("2025-06-01", "2025-06-07", units=2)]) == ["C0"]
    week_then_box = [_fact("2025-06-01", "2025-06-07", n=1), _fact("2025-06-08", n=2)]
    assert _flagged(boxes, week_then_box) == []
    box_inside_week = [_fact("2025-06-01", "2025-06-07", n=1), _fact("2025-06-05", n=2)]
    assert _flagged(boxes, box_inside_week) == ["C2"]
    outreach = [_fact("2025-06-25", "2025-07-10", n=i) for i in range(5)] + [_fact("2025-07-25", n=5)]
    assert _flagged(lim, outreach) == []  # the spans to 07-10 count on 06-25, 30 days before


def test_window_sees_ledger_lines_dated_after_the_batch_line():
    lim = _limit("window", max=1, days=7)
    facts = [_fact("2025-06-10", n=1, ledger=True), _fact("2025-06-04", n=2)]
    breaches = list(evaluate(lim, facts))
    assert [b.fact.claim_id for b in breaches] == ["C2"]
    assert (breaches[0].start, breaches[0].ref.claim_id) == (date(2025, 6, 4), "C1")


def test_ledger_lines_are_never_reported():
    lim = _limit("month")
    facts = [_fact("2025-06-01", n=1, ledger=True), _fact("2025-06-02", n=2, ledger=True)]
    assert _flagged(lim, facts) == []


def test_day_spreads_units_evenly():
    lim = _limit("day", "units", max=2)
    assert _flagged(lim, [_fact("2025-06-09", "2025-06-11", units=6)]) == []
    assert _flagged(lim, [_fact("2025-06-09", "2025-06-11", units=6.01)]) == ["C0"]


def test_run_merges_overlaps_and_adjacent_days_only():
    lim = Limit("X-01", ("g",), "days", "run", 10, 10, "error", date.min, date.max)
    facts = [_fact("2025-06-01", "2025-06-05", n=1), _fact("2025-06-03", "2025-06-06", n=2),
             _fact("2025-06-08", "2025-06-10", n=3), _fact("2025-06-07", n=4)]
    breaches = list(evaluate(lim, facts))
    assert [b.fact.claim_id for b in breaches] == []
    facts.append(_fact("2025-06-11", n=5))
    breaches = list(evaluate(lim, facts))
    assert [(b.fact.claim_id, b.total) for b in breaches] == [("C5", 11)]


def test_amount_and_effective_dates():
    lim = Limit("X-01", ("g",), "amount", "lifetime", None, 500000, "warning",
                date(2025, 7, 1), date.max)
    facts = [_fact("2025-06-01", charge=600000, n=1), _fact("2025-07-01", charge=1, n=2)]
    assert _flagged(lim, facts) == ["C2"]  # the June line is outside the limit's range


def test_messages_helpers():
    assert [ordinal(n) for n in (1, 2, 3, 4, 11, 12, 13, 21, 22, 101)] == \
        ["1st", "2nd", "3rd", "4th", "11th", "12th", "13th", "21st", "22nd", "101st"]
    assert limit_messages.number(7 / 3) == "2.33" and limit_messages.number(3.0) == "3"
    assert money(500001) == "$5,000.01"


# --------------------------------------------------------------------------- fixtures


SELECT = tuple(MINE)


def _lint(*names):
    return Linter(Options(select=SELECT)).run([str(ROOT / "fixtures" / n) for n in names])


def test_clean_month_gets_nothing_from_these_rules():
    result = _lint("837/ecm_cs_clean_month.x12", "278/ecm_tar_response_approved.x12",
                   "278/cs_tar_response_approved.x12")
    assert [(f.rule, f.claim_id, f.message) for f in result.findings] == []


def test_replacement_void_fixture_is_clean():
    assert _lint("837/replacement_void.x12").findings == []


def test_mistake_fixtures():
    got = sorted((f.rule, f.tip, f.severity, f.claim_id, f.service_line)
                 for f in _lint("837/ecm_mistakes.x12", "837/cs_mistakes.x12").findings)
    assert got == sorted([
        ("B101", "ECM-01", "error", "E202", 1), ("B103", "ECM-03", "error", "E206", 1),
        ("B104", "ECM-04", "error", "E207", 6), ("B105", "ECM-05", "error", "E208", 2),
        ("B201", "CS-01", "error", "S303", 1), ("B202", "CS-02", "error", "S304", 2),
        ("B203", "CS-03", "error", "S305", 1), ("B203", "CS-03", "warning", "S305", 1),
        ("B205", "CS-05", "error", "S306", 4), ("B206", "CS-06", "error", "S307", 1),
        ("B207", "CS-07", "error", "S308", 2), ("B208", "CS-08", "error", "S309", 1),
        ("B209", "CS-09", "error", "S310", 1), ("B211", "CS-11", "warning", "S312", 1),
        ("B211", "CS-11", "warning", "S312", 2),
    ])
