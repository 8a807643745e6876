#!/usr/bin/env python3
"""What each layer of a check costs, one process, by taking layers away.

    python bench/layers.py FILE            # the table (runs itself once a layer, best of 3)
    python bench/layers.py FILE --mode M   # one measurement: CPU seconds of mode M

Each mode runs in a fresh process and times, with ``time.process_time``, only the work
on the file (no start-up, no imports): ``split`` the bare split of ``bench/run.py``;
``stream`` the reader, envelopes and 837P model with every rule taken away; ``full`` the
default rules; ``no-ig``, ``no-segment``, ``no-claim`` and ``no-facts`` the default with the
implementation-guide pass, the segment rules, the claim rules or the batch facts (and so the
batch rules) taken away. A layer's
cost is ``full`` minus the mode without it. This is how issue 7's 5x-the-split target was
judged: the rules and facts alone, set beside the split, bound what a faster reader could
ever give.
"""
from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

MODES = ("split", "stream", "no-ig", "no-segment", "no-claim", "no-facts", "full")


def measure(mode: str, path: str) -> float:
    """CPU seconds of one mode on ``path``, in this process."""
    if mode == "split":
        from run import SPLIT_PROGRAM
        code = compile(SPLIT_PROGRAM, "split", "exec")
        sys.argv = ["split", path]
        t0 = time.process_time()
        exec(code, {"__name__": "split"})
        return time.process_time() - t0
    from edi_lint.engine import Linter, Options
    linter = Linter(Options(ig="off" if mode in ("stream", "no-ig") else "fast"))
    if mode in ("stream", "no-segment"):
        linter.segment_rules = {}
    if mode in ("stream", "no-claim"):
        linter.claim_rules = []
    if mode in ("stream", "no-facts"):
        linter.ctx.batch.add_claim = lambda claim, path, file_no: None
    t0 = time.process_time()
    with open(path, "rb") as fh:
        linter.lint_stream(fh, path, 0)
    linter.finish()
    return time.process_time() - t0


def layer_times(path: Path, repeat: int = 3) -> dict:
    """mode -> best CPU seconds of ``repeat`` fresh processes (modes alternate)."""
    seconds = {mode: float("inf") for mode in MODES}
    for _ in range(repeat):
        for mode in MODES:
            out = subprocess.run([sys.executable, __file__, str(path), "--mode", mode],
                                 check=True, capture_output=True, text=True).stdout
            seconds[mode] = min(seconds[mode], float(out))
    return seconds


def table(path: Path, repeat: int = 3) -> list[str]:
    """The report: each layer's seconds and its multiple of the bare split."""
    s = layer_times(path, repeat)
    split = s["split"]
    rows = [("bare split (read, decode, segments, elements)", split),
            ("reader + envelopes + 837P model, no rules", s["stream"]),
            ("implementation-guide pass (I1xx)", s["full"] - s["no-ig"]),
            ("segment rules (guards and checks)", s["full"] - s["no-segment"]),
            ("claim rules", s["full"] - s["no-claim"]),
            ("batch facts and batch rules (finish)", s["full"] - s["no-facts"]),
            ("all: the default rules", s["full"])]
    rules = s["full"] - s["stream"]
    lines = [f"layers of one process on {path.name} (CPU seconds, best of {repeat}; x: over the"
             " bare split):"]
    lines += [f"  {name:<48} {secs:6.2f} s {secs / split:6.1f}x" for name, secs in rows]
    best = (split + rules) / 2 / split  # the stream at the split's cost, two perfect halves
    lines.append(f"  the rules and their facts alone: {rules:.2f} s = {rules / split:.1f}x the split;"
                 f" with a reader, envelopes and model no dearer than the split itself, two"
                 f" processes could at best reach {best:.1f}x")
    return lines


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("file")
    ap.add_argument("--mode", choices=MODES)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args(argv)
    if args.mode:
        print(f"{measure(args.mode, args.file):.4f}")
        return 0
    print("\n".join(table(Path(args.file), args.repeat)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
