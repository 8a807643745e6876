"""Ledger benchmark: `ledger add` throughput and the cost of `check --ledger`.

    python bench/ledger_bench.py [--lines 200000] [--claims 10000] [--members 20000]

1. Generates (edi_lint.testing.x12build) 837P files holding ``--lines`` history lines
   (Jan-May 2025: ECM monthly, outreach, engagement, housing tenancy, meals ...) over
   ``--members`` members, and a batch of ``--claims`` claims (June 2025) whose members
   all have history.
2. Times `edi-lint ledger add` of the history files into a new SQLite ledger (one
   process, as a user runs it; best of ``--repeat``): lines/s of wall time, and of
   CPU time (what a busy machine does not change).
3. Times `edi-lint check` of the batch without and with `--ledger` (best of
   ``--repeat`` runs each, real processes): the slowdown the ledger costs.

Aims (issue 5): add >= 20,000 lines/s; check slowdown < 2x.
"""
from __future__ import annotations

import argparse
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta

from edi_lint.testing import x12build as xb

# (code, modifiers, charge per unit, units) of the lines a member's history is made of
MONTHLY = ("G9008", ("U1",), "400.00", "1")
OUTREACH = ("G9012", ("U8",), "5.00", "1")
ENGAGEMENT = ("G9012", (), "150.00", "1")
TENANCY = ("T2040", ("U6",), "222.00", "1")
MEALS = ("S5170", ("U6",), "10.00", "2")
OTHER = ("99213", (), "80.00", "1")  # not in the profile: recorded, never counted


def member_id(i: int) -> str:
    return f"MBR{i:07d}"


def _line(kind, day: date, g1=()):
    code, mods, rate, units = kind
    charge = f"{float(rate) * float(units):.2f}"
    return xb.Line(code, mods, charge=charge, units=units, dos=day.strftime("%Y%m%d"), g1=g1)


def history_claims(n_lines: int, n_members: int, seed: int = 5):
    """Claims totalling ``n_lines`` lines, 1-5 lines each, spread over the members."""
    rng = random.Random(seed)
    made = 0
    number = 0
    while made < n_lines:
        m = number % n_members
        month = 1 + (number // n_members) % 5
        first = date(2025, month, 1)
        size = min(rng.randint(1, 5), n_lines - made)
        kinds = [MONTHLY] + rng.choices([OUTREACH, TENANCY, MEALS, OTHER, ENGAGEMENT],
                                        weights=[4, 2, 2, 2, 1], k=size - 1)
        lines = [_line(k, first + timedelta(days=rng.randrange(27)), ("AUTH1",)) for k in kinds]
        number += 1
        made += size
        yield xb.Claim(f"H{number:08d}", lines, member=member_id(m),
                       billing_npi=xb.npi(f"{100000000 + m % 50:09d}"))


def batch_claims(n_claims: int, n_members: int, seed: int = 7):
    rng = random.Random(seed)
    june = date(2025, 6, 1)
    for c in range(n_claims):
        m = rng.randrange(n_members)
        kinds = [MONTHLY, OUTREACH, TENANCY][: rng.randint(1, 3)]
        lines = [_line(k, june + timedelta(days=rng.randrange(28)), ("AUTH1",)) for k in kinds]
        yield xb.Claim(f"B{c:08d}", lines, member=member_id(m),
                       billing_npi=xb.npi(f"{100000000 + m % 50:09d}"))


def write(path, claims) -> None:
    with open(path, "w", newline="") as fh:
        xb.write_837(fh, claims, st_per_transaction=5000)


def timed(args) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of one edi-lint process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "edi_lint", *args], capture_output=True,
                          text=True)
    elapsed = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode not in (0, 1):
        raise SystemExit(f"edi-lint {' '.join(args)} failed ({proc.returncode}): {proc.stderr}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return elapsed, cpu


def fresh(ledger: str) -> str:
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(ledger + suffix):
            os.remove(ledger + suffix)
    return ledger


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--lines", type=int, default=200_000, help="history lines to add")
    parser.add_argument("--claims", type=int, default=10_000, help="claims in the checked batch")
    parser.add_argument("--members", type=int, default=20_000)
    parser.add_argument("--files", type=int, default=4, help="history files (one add)")
    parser.add_argument("--repeat", type=int, default=3, help="runs of add and check, best kept")
    parser.add_argument("--workdir", default=None,
                        help="generate (and keep) the files here; default: a temporary directory")
    opts = parser.parse_args(argv)

    if opts.workdir is None:
        with tempfile.TemporaryDirectory(prefix="edi-lint-ledger-bench-") as work:
            return run(opts, work)
    os.makedirs(opts.workdir, exist_ok=True)
    return run(opts, opts.workdir)


def run(opts, work: str) -> int:
    ledger = os.path.join(work, "bench.ledger")

    started = time.perf_counter()
    all_claims = list(history_claims(opts.lines, opts.members))
    per_file = -(-len(all_claims) // opts.files)
    history_files = []
    for i in range(opts.files):
        path = os.path.join(work, f"history{i}.x12")
        write(path, all_claims[i * per_file:(i + 1) * per_file])
        history_files.append(path)
    batch = os.path.join(work, "batch.x12")
    write(batch, batch_claims(opts.claims, opts.members))
    n_lines = sum(len(c.lines) for c in all_claims)
    print(f"generated {n_lines} history lines in {len(all_claims)} claims ({opts.files} files)"
          f" and a batch of {opts.claims} claims in {time.perf_counter() - started:.1f} s"
          f" [{work}]")

    add_s, add_cpu = min(timed(["ledger", "add", "--ledger", fresh(ledger), *history_files])
                         for _ in range(opts.repeat))
    print(f"add:   {n_lines} lines in {add_s:.2f} s = {n_lines / add_s:,.0f} lines/s"
          f" ({n_lines / add_cpu:,.0f} lines per CPU second; aim >= 20,000/s);"
          f" ledger {os.path.getsize(ledger) / 1e6:.1f} MB")

    check = ["check", "--exit-zero", "--format", "json", "--output", os.devnull, batch]
    runs = []
    for _ in range(opts.repeat):  # interleaved, so a busy machine weighs on both alike
        runs.append((timed(check), timed(["check", "--ledger", ledger, *check[1:]])))
    without = min(r[0] for r in runs)
    with_ledger = min(r[1] for r in runs)
    print(f"check: {opts.claims} claims without ledger {without[0]:.2f} s, with ledger"
          f" {with_ledger[0]:.2f} s: slowdown {with_ledger[0] / without[0]:.2f}x"
          f" (CPU {with_ledger[1] / without[1]:.2f}x; aim < 2x)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
