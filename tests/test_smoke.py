"""Subprocess smoke tests: ``python -m edi_lint`` as a user or a CI job runs it.

The spec scenarios run the CLI in process (``tests/clirun.py``). Here a few run in a
process of their own, where ``check`` ends with ``os._exit`` once the report is flushed:
each gives the same exit code, stdout and stderr as in process (stdin, ``-j``, a ledger,
a roster, a 278, the formats, a usage error and a missing file included).
"""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from clirun import run_cli

from edi_lint.testing.x12build import Claim, Line, build_837

ROOT = Path(__file__).resolve().parents[1]
F837 = ROOT / "fixtures" / "837"
F278 = ROOT / "fixtures" / "278"


def both(*args, cwd=ROOT, stdin: str | None = None):
    """Run ``edi-lint *args`` in a process and in this one; they must agree. The process's."""
    proc = subprocess.run([sys.executable, "-m", "edi_lint", *map(str, args)], cwd=cwd,
                          input=stdin, capture_output=True, text=True, timeout=120)
    assert "Traceback" not in proc.stderr, proc.stderr
    here = run_cli(*args, cwd=cwd, input=stdin)
    assert (proc.returncode, proc.stdout, proc.stderr) == \
        (here.returncode, here.stdout, here.stderr)
    return proc


def test_clean_month_exits_0_and_mistakes_exit_1():
    assert both("check", "--format", "json", "fixtures/837/ecm_cs_clean_month.x12").returncode == 0
    proc = both("check", "--format", "json", "fixtures/837/ecm_mistakes.x12")
    assert proc.returncode == 1 and '"rule": "B102"' in proc.stdout


def test_stdin_gives_the_findings_of_the_file():
    text = (F837 / "cs_mistakes.x12").read_text(encoding="latin-1")
    proc = both("check", "--format", "text", "-", stdin=text)
    assert proc.returncode == 1 and "CS-" in proc.stdout


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_jobs_give_the_same_report(jobs):
    args = ("check", "--format", "json", "-j", jobs, "fixtures/837", "fixtures/278")
    proc = both(*args)
    assert proc.returncode == 1
    assert proc.stdout == both("check", "--format", "json", "fixtures/837",
                               "fixtures/278").stdout


def test_ledger_add_then_check_across_files(tmp_path):
    first = tmp_path / "june1.x12"
    first.write_text(build_837([Claim("C1", [Line("G9008", ["U1"], dos="20250603", g1=["ECM1"])],
                                      member="M1")]), encoding="utf-8", newline="")
    second = tmp_path / "june2.x12"
    second.write_text(build_837([Claim("D1", [Line("G9012", ["U2"], dos="20250620",
                                                   g1=["ECM1"])], member="M1")]),
                      encoding="utf-8", newline="")
    ledger = tmp_path / "ledger.sqlite"
    proc = subprocess.run([sys.executable, "-m", "edi_lint", "ledger", "add", "--ledger",
                           str(ledger), str(first)], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    copy = tmp_path / "copy.sqlite"  # the in-process run must see the same ledger
    shutil.copy(ledger, copy)
    out = subprocess.run([sys.executable, "-m", "edi_lint", "check", "--format", "json",
                          "--select", "B101", "--ledger", str(ledger), str(second)],
                         capture_output=True, text=True, timeout=120)
    here = run_cli("check", "--format", "json", "--select", "B101", "--ledger", copy, second)
    assert out.returncode == here.returncode == 1
    assert out.stdout.replace(str(ledger), "L") == here.stdout.replace(str(copy), "L")
    assert '"rule": "B101"' in out.stdout and '"claim_id": "D1"' in out.stdout


def test_a_278_request_with_mistakes_in_sarif():
    proc = both("check", "--format", "sarif", "fixtures/278/ecm_tar_mistakes_request.x12")
    assert proc.returncode == 1 and "ECMTAR-" in proc.stdout


def test_fail_on_and_exit_zero():
    assert both("check", "--fail-on", "warning", "--exit-zero",
                "fixtures/837/ecm_mistakes.x12").returncode == 0


def test_a_large_report_is_flushed_before_the_process_ends(tmp_path):
    claims = [Claim(f"C{i}", [Line("G9008", ["U1"], units="2", dos="20250603", g1=["ECM1"])],
                    member=f"M{i}") for i in range(3000)]
    path = tmp_path / "big.x12"
    path.write_text(build_837(claims), encoding="utf-8", newline="")
    proc = both("check", "--format", "text", path.name, cwd=tmp_path)
    assert proc.returncode == 1 and proc.stdout.count(" B102 ") >= 3000


def test_a_usage_error_is_one_line_and_exit_2():
    proc = both("check", "--no-such-option", "x.x12")
    assert proc.returncode == 2 and proc.stdout == "" and len(proc.stderr.splitlines()) == 1


def test_a_missing_file_is_exit_2(tmp_path):
    proc = both("check", "missing.x12", cwd=tmp_path)
    assert proc.returncode == 2 and proc.stdout == ""
    assert proc.stderr.startswith("edi-lint: ") and "missing.x12" in proc.stderr
