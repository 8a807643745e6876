#!/usr/bin/env python3
"""The edi-lint benchmark: one run, one machine, every number side by side.

    python bench/run.py                 # 1, 10 and 100 MB 837P, batch, 278, pyx12, start-up
    python bench/run.py --quick         # 1 and 10 MB only, fewer repeats (about a minute)
    python bench/run.py --sizes 1 --no-pyx12 --no-batch --isas 20   # -j on one-set interchanges
    python bench/run.py --sizes 1,10,50 --repeat 5
    python bench/run.py --rule-times    # also: where the time of a check goes, rule by rule
    python bench/run.py --layers        # also: each layer's CPU time beside the bare split

Input files come from ``bench/generate.py`` (made on first use, in ``bench/out/``).
Timings are wall-clock, best of ``--repeat`` runs (the machine may be shared: the best
run is the least disturbed one). ``edi-lint check`` runs as a subprocess, exactly as a
user or a CI job runs it (``--format json``, default rules, output to /dev/null); its peak
RSS is the child's own ``ru_maxrss`` (``os.wait4``). The bare split is the least any
Python X12 reader does: read the file in 1 MB chunks, decode Latin-1, split into
segments, split each segment into elements (dropped); it is timed both as a program
(the same ``python`` start-up as edi-lint pays) and in-process (no start-up at all).
"""
from __future__ import annotations

import argparse
import compileall
import io
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import generate  # noqa: E402

SMALL = ROOT / "fixtures" / "837" / "ecm_cs_clean_month.x12"
SPLIT_PROGRAM = r"""
import sys
with open(sys.argv[1], "rb") as fh:
    rest = ""
    while True:
        data = fh.read(1 << 20)
        if not data:
            break
        text = rest + data.decode("latin-1")
        cut = text.rfind("~")
        for seg in text[:cut].split("~"):
            seg.split("*")
        rest = text[cut + 1:]
    for seg in rest.split("~"):
        seg.split("*")
"""


# -- measuring ---------------------------------------------------------------------------------

def edi_lint_cmd() -> list[str]:
    """The ``edi-lint`` script of this interpreter's environment (not a version manager's
    shim on PATH, which adds its own start-up), else ``python -m edi_lint``."""
    beside = Path(sys.executable).with_name("edi-lint")
    if beside.exists():
        return [str(beside)]
    exe = shutil.which("edi-lint")
    return [exe] if exe else [sys.executable, "-m", "edi_lint"]


# Linux hands a child the ru_maxrss of its parent at fork (exec keeps it): a child of this
# big benchmark process would report the benchmark's own peak. So every measured command is
# started by this small launcher, which forks it, times it and reports its ru_maxrss.
LAUNCHER = r"""
import os, sys, time
t0 = time.perf_counter()
pid = os.fork()
if pid == 0:
    os.execvp(sys.argv[2], sys.argv[2:])
_, status, usage = os.wait4(pid, 0)
with open(sys.argv[1], "w") as fh:
    fh.write(f"{time.perf_counter() - t0} {usage.ru_maxrss}")
sys.exit(os.waitstatus_to_exitcode(status))
"""


def run_child(cmd, stdout=subprocess.DEVNULL):
    """Run ``cmd``; return (wall seconds, peak RSS in MB, exit code, stdout bytes or None)."""
    with tempfile.TemporaryFile() as err, tempfile.NamedTemporaryFile("r") as stats:
        proc = subprocess.Popen([sys.executable, "-c", LAUNCHER, stats.name, *map(str, cmd)],
                                stdout=stdout, stderr=err, cwd=ROOT)
        out = proc.stdout.read() if stdout is subprocess.PIPE else None
        code = proc.wait()
        if code not in (0, 1):
            err.seek(0)
            raise SystemExit(f"{' '.join(map(str, cmd))} failed ({code}):\n"
                             f"{err.read().decode(errors='replace')}")
        wall, maxrss = stats.read().split()
    return float(wall), int(maxrss) / 1024, code, out


def best(cmd, repeat, stdout=subprocess.DEVNULL):
    runs = [run_child(cmd, stdout) for _ in range(repeat)]
    return min(runs, key=lambda r: r[0])


def check(paths, repeat, jobs=1, extra=()):
    """Best wall time, its peak RSS and the JSON summary of ``edi-lint check``
    (``jobs`` None: the default, ``-j auto``; ``extra``: more options, such as --no-ig)."""
    cmd = edi_lint_cmd() + ["check", "--format", "json", *extra, *map(str, paths)]
    if jobs is not None:
        cmd += ["-j", str(jobs)]
    wall, rss, _, out = best(cmd, repeat, subprocess.PIPE)
    report = json.loads(out)
    return wall, rss, report


def one_and_many(path, jobs, n):
    """The best of ``n`` ``check`` runs with ``-j 1`` and with ``-j jobs``, alternating:
    other work on the machine hits both alike."""
    ones, manys = [], []
    for _ in range(n):
        ones.append(check([path], 1))
        manys.append(check([path], 1, jobs=jobs))
    return min(ones, key=lambda run: run[0]), min(manys, key=lambda run: run[0])


def split_in_process(path: Path, repeat: int) -> float:
    """Seconds for the bare split of one file, in this process (best of ``repeat``)."""
    code = compile(SPLIT_PROGRAM, "split", "exec")
    times = []
    for _ in range(repeat):
        argv, sys.argv = sys.argv, ["split", str(path)]
        t0 = time.perf_counter()
        exec(code, {"__name__": "split"})
        times.append(time.perf_counter() - t0)
        sys.argv = argv
    return min(times)


def split_program(path: Path, repeat: int) -> float:
    return best([sys.executable, "-c", SPLIT_PROGRAM, str(path)], repeat)[0]


def pyx12_validate(path: Path) -> float:
    """Seconds for pyx12's full validation of one file (in-process, map loading included)."""
    import logging

    import pyx12.error_handler  # noqa: F401
    import pyx12.params
    import pyx12.x12n_document
    logging.getLogger("pyx12").setLevel(logging.CRITICAL)
    param = pyx12.params.params()
    t0 = time.perf_counter()
    pyx12.x12n_document.x12n_document(param=param, src_file=str(path), fd_997=io.StringIO(),
                                      fd_html=None, fd_xmldoc=None, map_path=None)
    return time.perf_counter() - t0


def _spin(n: int) -> float:
    t0 = time.perf_counter()
    x = 0
    for i in range(n):
        x += i
    return time.perf_counter() - t0


def parallel_capacity(jobs: int) -> float:
    """How much faster ``jobs`` processes run pure Python than one, on this machine, now."""
    import multiprocessing
    n = 4_000_000
    one = min(_spin(n) for _ in range(2))
    with multiprocessing.Pool(jobs) as pool:
        t0 = time.perf_counter()
        pool.map(_spin, [n] * (2 * jobs), chunksize=1)
        many = time.perf_counter() - t0
    return 2 * jobs * one / many


def rule_times(path: Path) -> list[tuple]:
    """In-process: seconds spent in the reader+model, in each rule, and in finish()."""
    from edi_lint.engine import Linter, Options
    clock = time.perf_counter
    spent: dict = {}

    def timed(rule, name):
        fn = getattr(rule, name)

        def wrapper(*args):
            t0 = clock()
            out = fn(*args)
            if not isinstance(out, (tuple, list)):
                out = list(out)
            spent[rule.code] = spent.get(rule.code, 0.0) + clock() - t0
            return out
        setattr(rule, name, wrapper)

    linter = Linter(Options())
    done = set()
    for rule in linter.claim_rules:
        timed(rule, "check_claim")
    for rule in linter.tar_rules:
        timed(rule, "check_tar")
    for rule in linter.batch_rules:
        timed(rule, "check_batch")
    for rules in linter.segment_rules.values():
        for rule in rules:
            if rule.code not in done:
                done.add(rule.code)
                timed(rule, "check_segment")
    t0 = clock()
    with open(path, "rb") as fh:
        linter.lint_stream(fh, str(path), 0)
    t1 = clock()
    linter.finish()
    t2 = clock()
    in_rules = sum(spent.values())
    batch_codes = {r.code for r in linter.batch_rules}
    stream_rules = sum(v for k, v in spent.items() if k not in batch_codes)
    rows = [("read + envelopes + model + facts", t1 - t0 - stream_rules),
            ("finish (batch rules, sort, select)", t2 - t1)]
    rows += sorted(((f"  rule {k}", v) for k, v in spent.items()), key=lambda r: -r[1])
    return rows, t2 - t0, in_rules


# -- the report --------------------------------------------------------------------------------

def machine() -> str:
    cpu = ""
    try:
        out = subprocess.run(["lscpu"], capture_output=True, text=True).stdout
        cpu = next((ln.split(":", 1)[1].strip() for ln in out.splitlines()
                    if ln.startswith("Model name")), "")
    except OSError:
        pass
    try:
        import pyx12
        pyx12_version = pyx12.__version__
    except Exception:
        pyx12_version = "?"
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    return (f"{platform.node()}: {os.cpu_count()} CPUs ({cpu or platform.processor()}), "
            f"{platform.system()} {platform.release()}, Python {platform.python_version()}, "
            f"pyx12 {pyx12_version}; C fast paths: {compiled_parts()};"
            f" load average at start {load:.2f}")


def compiled_parts() -> str:
    """Which optional C modules the measured ``edi-lint`` imports (asked of its own
    interpreter, outside the checkout, so the installed package answers)."""
    probe = ("import edi_lint.igcheck as ig, edi_lint.x12.reader as r;"
             "print('reader ' + ('yes' if r._speedups else 'no') +"
             " ', IG step ' + ('yes' if ig._CStep else 'no'))")
    python = Path(sys.executable)
    try:
        out = subprocess.run([str(python), "-c", probe], capture_output=True, text=True,
                             cwd=tempfile.gettempdir(), timeout=60)
    except (OSError, subprocess.SubprocessError):
        return "?"
    return out.stdout.strip() or "?"


def mb(path: Path) -> float:
    if path.is_dir():
        return sum(p.stat().st_size for p in path.iterdir() if p.is_file()) / 1e6
    return path.stat().st_size / 1e6


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default=None, help="837P sizes in MB (default 1,10,100)")
    ap.add_argument("--quick", action="store_true", help="1 and 10 MB, fewer repeats")
    ap.add_argument("--repeat", type=int, default=None, help="runs per timing (best kept)")
    ap.add_argument("--pyx12-claims", type=int, default=400,
                    help="claims in the slice pyx12 validates (default 400)")
    ap.add_argument("--no-pyx12", action="store_true")
    ap.add_argument("--no-batch", action="store_true", help="skip the -j batch")
    ap.add_argument("--jobs", type=int, default=2, help="-j for the batch (default 2)")
    ap.add_argument("--isas", type=float, default=None,
                    help="MB of the file of many one-set interchanges (default 20, --quick 10;"
                         " 0: skip)")
    ap.add_argument("--rule-times", action="store_true", help="time each rule (10 MB file)")
    ap.add_argument("--layers", action="store_true",
                    help="each layer's CPU time beside the bare split (10 MB file, bench/layers.py)")
    args = ap.parse_args(argv)
    sizes = [float(s) for s in (args.sizes or ("1,10" if args.quick else "1,10,100")).split(",")]
    repeat = args.repeat or (2 if args.quick else 3)
    if args.isas is None:
        args.isas = 10 if args.quick else 20
    out = generate.OUT
    out.mkdir(parents=True, exist_ok=True)
    # An installed package runs from bytecode that pip compiled at install; a checkout run
    # with PYTHONDONTWRITEBYTECODE set (as on these machines) would compile every module
    # on every start (~0.1 s). Compile once, so each run measures what users run.
    import edi_lint
    compileall.compile_dir(Path(edi_lint.__file__).parent, quiet=1)

    print("edi-lint benchmark")
    print(machine())
    print(f"command: {' '.join(edi_lint_cmd())} check --format json FILE"
          f"  (best of {repeat}; 100 MB and more: best of {min(repeat, 2)})")
    print()
    bpc = generate.bytes_per_claim()
    files = {size: generate.gen_837(size, out, bpc=bpc) for size in sizes}

    # -- start-up --------------------------------------------------------------------------
    wall, rss, _, _ = best(edi_lint_cmd() + ["check", str(SMALL)], max(repeat, 5))
    bare = best([sys.executable, "-c", "pass"], max(repeat, 5))[0]
    print(f"start-up: edi-lint check {SMALL.relative_to(ROOT)} ({SMALL.stat().st_size} bytes):"
          f" {wall:.3f} s wall, {rss:.0f} MB RSS (python -c pass: {bare:.3f} s)  [target <= 0.3 s]")
    print()

    # -- 837P sizes ------------------------------------------------------------------------
    print("Each size twice: the default (-j auto: one process a core for 4 MB or more, a big"
          " file cut between transaction sets or interchanges) and -j 1 (one process). Peak RSS:"
          " the largest process.")
    print(f"{'837P file':>14} {'claims':>8} {'lines':>8} {'-j':>5} {'check':>8} {'MB/s':>7}"
          f" {'claims/s':>9} {'peak RSS':>9} {'split prog':>10} {'split in-proc':>13}"
          f" {'x prog':>7} {'x in-proc':>9}")
    results = {}  # size -> (MB, wall, claims, rss, split prog, split in-proc, -j 1 wall)
    for size, path in files.items():
        n = 1 if size >= 100 else repeat
        size_mb = mb(path)
        data = path.read_bytes()
        lines = data.count(b"~LX*") + data.count(b"\nLX*")
        del data
        sp = split_program(path, n)
        si = split_in_process(path, n)
        # the default and -j 1, each with the IG pass and without, alternate, best of each:
        # other load hits all alike
        runs = {None: [], 1: [], "auto --no-ig": [], "1 --no-ig": []}
        for _ in range(min(n, 2) if size >= 100 else n):
            for jobs in runs:
                if jobs == "auto --no-ig":
                    runs[jobs].append(check([path], 1, jobs=None, extra=("--no-ig",)))
                elif jobs == "1 --no-ig":
                    runs[jobs].append(check([path], 1, jobs=1, extra=("--no-ig",)))
                else:
                    runs[jobs].append(check([path], 1, jobs=jobs))
        timed = {jobs: min(found, key=lambda run: run[0]) for jobs, found in runs.items()}
        no_ig = {None: timed.pop("auto --no-ig"), 1: timed.pop("1 --no-ig")}
        same = timed[None][2] == timed[1][2]
        for jobs, (wall, rss, report) in timed.items():
            claims = report["summary"]["claims"]
            print(f"{path.name:>14} {claims:>8} {lines:>8} {jobs or 'auto':>5} {wall:>7.2f}s"
                  f" {size_mb / wall:>7.1f} {claims / wall:>9.0f} {rss:>6.0f} MB"
                  f" {size_mb / sp:>6.0f} MB/s {size_mb / si:>8.0f} MB/s"
                  f" {wall / sp:>6.1f}x {wall / si:>8.1f}x")
        if not same:
            print("  THE REPORTS OF -j auto AND -j 1 DIFFER")
        for jobs in (None, 1):
            with_ig, without = timed[jobs][0], no_ig[jobs][0]
            print(f"{'':>7} -j {jobs or 'auto':<4} --no-ig {without:>7.2f}s"
                  f" {size_mb / without:>7.1f} MB/s: the IG pass (on by default) adds"
                  f" {100 * (with_ig - without) / without:.0f}% to the time and takes"
                  f" {100 * (1 - without / with_ig):.0f}% of the throughput (target <= 40%)")
        results[size] = (size_mb, timed[None][0], claims, timed[None][1], sp, si, timed[1][0])
    print("  (x prog / x in-proc: check time over bare-split time; targets <= 5x, aim 3x;"
          " peak RSS target <= 150 MB at 100 MB; the reports of both runs: equal)")
    print()

    # -- pyx12 -------------------------------------------------------------------------------
    if not args.no_pyx12:
        # pyx12 pays a fixed cost (imports, loading its X222A1 map) before its first claim:
        # a slice 4x as big gives the rate per MB beyond that (the marginal rate), which is
        # what a big file sees. Both rates are printed; the ratio uses the marginal one.
        # Each is the best of ``--repeat`` runs: the difference of two timings is noisy.
        slice_path = generate.gen_837_slice(args.pyx12_claims, out)
        big_path = generate.gen_837_slice(4 * args.pyx12_claims, out)
        slice_mb, big_mb = mb(slice_path), mb(big_path)
        seconds = min(pyx12_validate(slice_path) for _ in range(repeat))
        big_seconds = min(pyx12_validate(big_path) for _ in range(repeat))
        pyx_first = slice_mb / seconds
        pyx_rate = (big_mb - slice_mb) / max(big_seconds - seconds, 1e-9)
        ours = {s: r[0] / r[1] for s, r in results.items()}
        serial = {s: r[0] / r[6] for s, r in results.items()}
        slice_ours = check([slice_path], repeat, jobs=None)[0]
        print(f"pyx12 full validation of the first {args.pyx12_claims} claims of the same stream"
              f" ({slice_mb:.2f} MB): {seconds:.2f} s = {pyx_first:.3f} MB/s;"
              f" first {4 * args.pyx12_claims} ({big_mb:.2f} MB): {big_seconds:.2f} s;"
              f" marginal rate {pyx_rate:.3f} MB/s")
        print(f"  edi-lint check on the {args.pyx12_claims}-claim slice: {slice_ours:.2f} s"
              f" ({slice_mb / slice_ours:.2f} MB/s with start-up;"
              f" {seconds / slice_ours:.0f}x faster)")
        for s, rate in ours.items():
            print(f"  edi-lint {s:g} MB: {rate:.1f} MB/s = {rate / pyx_rate:.0f}x pyx12's marginal"
                  f" rate ({rate / pyx_first:.0f}x its {args.pyx12_claims}-claim rate)"
                  f"  [targets >= 50x (issue 7), >= 30x with the IG pass on (issue 17)];"
                  f" -j 1: {serial[s]:.1f} MB/s ="
                  f" {serial[s] / pyx_rate:.0f}x")
        print()

    # -- 278 ---------------------------------------------------------------------------------
    req_dir, resp = generate.gen_278(out)
    wall, rss, report = check([resp], repeat, jobs=None)
    print(f"278 responses {resp.name} ({mb(resp):.1f} MB, {report['summary']['tar_responses']}"
          f" TARs): {wall:.2f} s = {mb(resp) / wall:.1f} MB/s, {rss:.0f} MB RSS")
    wall, rss, report = check([req_dir], repeat, jobs=None)
    print(f"278 requests {req_dir.name}/ ({report['summary']['files']} files,"
          f" {mb(req_dir):.1f} MB):"
          f" {wall:.2f} s = {report['summary']['files'] / wall:.0f} files/s, {rss:.0f} MB RSS")
    print()

    # -- -j on a batch of many files -----------------------------------------------------------
    if not args.no_batch:
        folder = generate.gen_batch(out, files=12 if args.quick else 24, bpc=bpc)
        (w1, r1, one), (wj, rj, many) = one_and_many(folder, args.jobs, max(1, repeat - 1))
        same = one == many
        capacity = parallel_capacity(args.jobs)
        count = len(list(folder.glob("*.x12")))
        print(f"batch {folder.name}/ ({count} files, {mb(folder):.1f} MB,"
              f" {one['summary']['claims']} claims,"
              f" {one['summary']['tar_responses']} TAR responses,"
              f" {len(one['findings'])} findings)")
        print(f"  -j 1: {w1:.2f} s ({mb(folder) / w1:.1f} MB/s, {r1:.0f} MB RSS)   -j {args.jobs}:"
              f" {wj:.2f} s ({mb(folder) / wj:.1f} MB/s)   speed-up {w1 / wj:.2f}x"
              f"  [target >= 1.7x on 2 cores]; same findings: {'yes' if same else 'NO'}")
        print(f"  (this machine, now: {args.jobs} processes of pure Python run {capacity:.2f}x one;"
              " other load shows here)")
        print()

    # -- -j on one file of many interchanges of one transaction set each ------------------------
    if args.isas:
        path = generate.gen_837_interchanges(args.isas, out, bpc=bpc)
        (w1, r1, one), (wj, rj, many) = one_and_many(path, args.jobs, max(1, repeat - 1))
        print(f"{path.name} ({mb(path):.1f} MB, {one['files'][0]['transactions']} interchanges"
              f" of one transaction set, {one['summary']['claims']} claims)")
        print(f"  -j 1: {w1:.2f} s ({mb(path) / w1:.1f} MB/s, {r1:.0f} MB RSS)   -j {args.jobs}:"
              f" {wj:.2f} s ({mb(path) / wj:.1f} MB/s, {rj:.0f} MB RSS)   speed-up"
              f" {w1 / wj:.2f}x; same findings: {'yes' if one == many else 'NO'}")
        print(f"  (this machine, now: {args.jobs} processes of pure Python run"
              f" {parallel_capacity(args.jobs):.2f}x one)")
        print()

    if args.rule_times:
        path = files[10] if 10 in files else files[min(files)]
        rows, total, _ = rule_times(path)
        print(f"where the time goes, in-process, {path.name} ({total:.2f} s;"
              " timing adds overhead):")
        for name, secs in rows[:25]:
            print(f"  {name:<40} {secs:6.2f} s {secs / total * 100:5.1f}%")
    if args.layers:
        import layers
        print()
        print("\n".join(layers.table(files[10] if 10 in files else files[min(files)], repeat)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
