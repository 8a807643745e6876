"""Run the ``edi-lint`` command inside the test process, as a subprocess would see it.

``run_cli`` invokes the click command (``edi_lint.cli.main``) with click's test runner,
in ``cwd`` when given, and returns the exit code, stdout and stderr. An exception the
command does not turn into a one-line error propagates (a traceback fails the test).
The subprocess smoke tests (``tests/test_smoke.py``) cover what only a process shows.
"""
from __future__ import annotations

import contextlib
from dataclasses import dataclass
from pathlib import Path

from click.testing import CliRunner

from edi_lint.cli import main


@dataclass(frozen=True)
class Ran:
    returncode: int
    stdout: str
    stderr: str


def run_cli(*args, cwd: Path | str | None = None, input: str | bytes | None = None) -> Ran:
    """``edi-lint *args`` in this process; exit code, stdout and stderr."""
    where = contextlib.chdir(cwd) if cwd is not None else contextlib.nullcontext()
    with where:
        result = CliRunner().invoke(main, [str(a) for a in args], input=input,
                                    catch_exceptions=False, prog_name="edi-lint")
    return Ran(result.exit_code, result.stdout, result.stderr)
