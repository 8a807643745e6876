"""Ledger benchmark: `ledger add` throughput and the cost of `check --ledger`, per backend.

    python bench/ledger_bench.py [--backend sqlite|postgresql|both] [--lines 200000]
                                 [--claims 10000] [--members 20000] [--pg-url URL]

1. Generates (edi_lint.testing.x12build) 837P files holding ``--lines`` history lines
   (Jan-May 2025: ECM monthly, outreach, engagement, housing tenancy, meals ...) over
   ``--members`` members, in ``--files`` files, and a batch of ``--claims`` claims (June
   2025) whose members all have history.
2. For each backend, times `edi-lint ledger add` into a new ledger (real processes, best
   of ``--repeat``): all history files in ONE process (1 writer), then one process per
   file all started at once (``--files`` concurrent writers): lines/s of wall time, and
   of CPU time (what a busy machine does not change).
3. Times `edi-lint check` of the batch without and with `--ledger` (the ledger the
   concurrent writers filled; best of ``--repeat`` interleaved runs): the slowdown.

SQLite: a file in the work directory. PostgreSQL: ``--pg-url`` (default: the environment
variable EDI_LINT_TEST_PG_URL, else postgresql://postgres@127.0.0.1:5432/test), in a
throwaway schema ``edi_lint_bench_<pid>`` (the URL's ``schema=`` parameter), dropped at
the end. With ``--backend both`` and no server answering, PostgreSQL is reported skipped.

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


def timed_together(argvs) -> tuple[float, float]:
    """(wall seconds until the last one ends, CPU seconds of all) of processes run at once."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    procs = [subprocess.Popen([sys.executable, "-m", "edi_lint", *args], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for args in argvs]
    results = [(p, *p.communicate()) for p in procs]
    elapsed = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    for proc, _, err in results:
        if proc.returncode != 0:
            raise SystemExit(f"edi-lint {' '.join(proc.args[3:])} failed ({proc.returncode}):"
                             f" {err}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return elapsed, cpu


PG_URL_ENV = "EDI_LINT_TEST_PG_URL"
PG_URL_DEFAULT = "postgresql://postgres@127.0.0.1:5432/test"


class SqliteStore:
    name = "sqlite"

    def __init__(self, work: str):
        self.target = os.path.join(work, "bench.ledger")

    def fresh(self) -> str:
        for suffix in ("", "-wal", "-shm"):
            if os.path.exists(self.target + suffix):
                os.remove(self.target + suffix)
        return self.target

    def size(self) -> str:
        return f"{os.path.getsize(self.target) / 1e6:.1f} MB file"

    def close(self) -> None:
        pass


class PgStore:
    """A throwaway schema on a PostgreSQL server (dropped by ``fresh`` and ``close``)."""

    name = "postgresql"

    def __init__(self, url: str):
        from edi_lint.ledger.postgres import Target
        self.schema = f"edi_lint_bench_{os.getpid()}"
        self.target = f"{url}{'&' if '?' in url else '?'}schema={self.schema}"
        self.display = Target(self.target).display
        self._conninfo = Target(url).conninfo
        self._sql("SELECT 1")  # fails here when no server answers

    def _sql(self, statement: str):
        import psycopg
        with psycopg.connect(self._conninfo, autocommit=True, connect_timeout=5) as conn:
            cur = conn.execute(statement)
            return cur.fetchall() if cur.description else []

    def fresh(self) -> str:
        self._sql(f'DROP SCHEMA IF EXISTS "{self.schema}" CASCADE')
        return self.target

    def size(self) -> str:
        [(size,)] = self._sql(
            "SELECT COALESCE(SUM(pg_total_relation_size(c.oid)), 0) FROM pg_class c JOIN"
            f" pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = '{self.schema}'"
            " AND c.relkind = 'r'")
        return f"{int(size) / 1e6:.1f} MB in schema {self.schema}"

    def close(self) -> None:
        self._sql(f'DROP SCHEMA IF EXISTS "{self.schema}" CASCADE')


def stores(opts, work: str):
    """(name, store or the reason it is skipped) per backend asked for."""
    names = ["sqlite", "postgresql"] if opts.backend == "both" else [opts.backend]
    out = []
    for name in names:
        if name == "sqlite":
            out.append((name, SqliteStore(work)))
            continue
        url = opts.pg_url or os.environ.get(PG_URL_ENV) or PG_URL_DEFAULT
        try:
            out.append((name, PgStore(url)))
        except ImportError:
            out.append((name, "psycopg is not installed (pip install 'edi-lint[postgres]')"))
        except Exception as exc:  # noqa: BLE001 - no server: report, go on with SQLite
            from edi_lint.ledger.postgres import Target
            out.append((name, f"no PostgreSQL server answers at {Target(url).display}"
                              f" ({' '.join(str(exc).split())})"))
    if opts.backend != "both":
        for name, store in out:
            if isinstance(store, str):
                raise SystemExit(f"{name}: {store}")
    return out


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--lines", type=int, default=200_000, help="history lines to add")
    parser.add_argument("--claims", type=int, default=10_000, help="claims in the checked batch")
    parser.add_argument("--members", type=int, default=20_000)
    parser.add_argument("--files", type=int, default=4, help="history files (one add)")
    parser.add_argument("--repeat", type=int, default=3, help="runs of add and check, best kept")
    parser.add_argument("--workdir", default=None,
                        help="generate (and keep) the files here; default: a temporary directory")
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="both",
                        help="ledger backend(s) to measure (default: both)")
    parser.add_argument("--pg-url", default=None,
                        help=f"PostgreSQL server URL (default: ${PG_URL_ENV}, else"
                             f" {PG_URL_DEFAULT}); a throwaway schema is used and dropped")
    opts = parser.parse_args(argv)

    if opts.workdir is None:
        with tempfile.TemporaryDirectory(prefix="edi-lint-ledger-bench-") as work:
            return run(opts, work)
    os.makedirs(opts.workdir, exist_ok=True)
    return run(opts, opts.workdir)


def run(opts, work: str) -> int:
    backends = stores(opts, work)

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

    check = ["check", "--exit-zero", "--format", "json", "--output", os.devnull, batch]
    summary = []
    for name, store in backends:
        if isinstance(store, str):
            print(f"{name}: skipped: {store}")
            summary.append((name, None))
            continue
        try:
            one_s, one_cpu = min(timed(["ledger", "add", "--ledger", store.fresh(),
                                        *history_files]) for _ in range(opts.repeat))
            print(f"{name} add, 1 writer:   {n_lines} lines in {one_s:.2f} s ="
                  f" {n_lines / one_s:,.0f} lines/s ({n_lines / one_cpu:,.0f} lines per CPU"
                  f" second; aim >= 20,000/s); ledger {store.size()}")
            runs = []
            for _ in range(opts.repeat):
                target = store.fresh()
                runs.append(timed_together([["ledger", "add", "--ledger", target, path]
                                            for path in history_files]))
            many_s, many_cpu = min(runs)
            print(f"{name} add, {opts.files} writers:  {n_lines} lines in {many_s:.2f} s ="
                  f" {n_lines / many_s:,.0f} lines/s ({n_lines / many_cpu:,.0f} lines per CPU"
                  f" second, all writers)")
            pairs = []
            for _ in range(opts.repeat):  # interleaved, so a busy machine weighs on both alike
                pairs.append((timed(check), timed(["check", "--ledger", store.target,
                                                   *check[1:]])))
            without = min(r[0] for r in pairs)
            with_ledger = min(r[1] for r in pairs)
            slowdown = with_ledger[0] / without[0]
            print(f"{name} check: {opts.claims} claims without ledger {without[0]:.2f} s, with"
                  f" the {n_lines}-line ledger {with_ledger[0]:.2f} s: slowdown {slowdown:.2f}x"
                  f" (CPU {with_ledger[1] / without[1]:.2f}x; aim < 2x)")
            summary.append((name, (n_lines / one_s, n_lines / many_s, slowdown)))
        finally:
            store.close()

    print(f"\n{'backend':<11} {'add 1 writer':>14} {f'add {opts.files} writers':>15}"
          f" {'check slowdown':>15}")
    for name, numbers in summary:
        if numbers is None:
            print(f"{name:<11} {'skipped':>14}")
            continue
        one, many, slowdown = numbers
        print(f"{name:<11} {one:>9,.0f} l/s {many:>10,.0f} l/s {slowdown:>14.2f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
