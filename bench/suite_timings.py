#!/usr/bin/env python3
"""Timings that were once thresholds in the test suite, reported here instead.

    python bench/suite_timings.py                       # both, default sizes
    python bench/suite_timings.py --lines 200000 --claims 10000

``batch rules``: the limit rules (ECM and CS limits) over a synthetic batch of ``--lines``
service lines spread over 20,000 members (no reading: the facts are made in memory), the
time of ``Linter.finish``. ``builder``: ``edi_lint.testing.x12build.build_837`` of
``--claims`` two-line claims. Wall-clock seconds, best of ``--repeat``; a slow machine
gives a slow number, never a failure (the suite asserts findings, not seconds).
"""
from __future__ import annotations

import argparse
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from edi_lint.batch import Batch  # noqa: E402
from edi_lint.engine import Linter, Options  # noqa: E402
from edi_lint.model.common import Pos  # noqa: E402
from edi_lint.model.facts import FactLocation, LineFact  # noqa: E402
from edi_lint.profiles import load_profile  # noqa: E402
from edi_lint.testing.x12build import Claim, Line, build_837  # noqa: E402

LIMIT_RULES = ("B101", "B103", "B104", "B105", "B201", "B202", "B203", "B204", "B205", "B206",
               "B207", "B208", "B209", "B211")
CODES = [("G9008", ("U8",)), ("G9008", ("U1",)), ("S5170", ("U6",)), ("S9977", ("U6",)),
         ("T2033", ("U6",)), ("T2040", ("U6",)), ("H0044", ("U2",))]


def batch_rules(lines: int) -> tuple[float, int]:
    """Seconds of the limit rules over ``lines`` synthetic lines; the number of findings."""
    profile = load_profile()
    batch = Batch(profile)
    start = date(2025, 1, 1)
    for i in range(lines):
        code, mods = CODES[i % len(CODES)]
        d = start + timedelta(days=(i * 7) % 365)
        entry = profile.match(code, frozenset(mods), d)
        pos = Pos(i + 1, i + 1, 1, 0, "SV1", "2400", "")
        batch.lines.append(LineFact(f"M{i % 20_000}", code, frozenset(mods), code, entry.group,
                                    d, d, 1.0, 10000, "UN", ("npi", f"C{i}"), f"C{i}", "1",
                                    (0, i), (), FactLocation("big.x12", pos, pos, f"C{i}", 1), 1))
    linter = Linter(Options(select=LIMIT_RULES), profile=profile)
    linter.ctx.batch = batch
    t0 = time.perf_counter()
    findings = linter.finish().findings
    return time.perf_counter() - t0, len(findings)


def builder(claims: int) -> tuple[float, int]:
    """Seconds of building ``claims`` two-line claims; the characters built."""
    items = [Claim(f"C{i}", [Line("G9008", ["U1"], g1="ECM1"), Line("G9012", charge="150.00")],
                   member=f"M{i % 500}") for i in range(claims)]
    t0 = time.perf_counter()
    text = build_837(items, st_per_transaction=1000)
    return time.perf_counter() - t0, len(text)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--lines", type=int, default=100_000)
    ap.add_argument("--claims", type=int, default=5000)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    best, found = min(batch_rules(args.lines) for _ in range(args.repeat))
    print(f"batch rules: {args.lines:,} lines, 20,000 members: {best:.2f} s ({found:,} findings)")
    best, size = min(builder(args.claims) for _ in range(args.repeat))
    print(f"builder: {args.claims:,} claims ({size / 1e6:.1f} MB): {best:.2f} s")


if __name__ == "__main__":
    main()
