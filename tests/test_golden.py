"""Golden CLI output: `edi-lint check --format json` of a few fixtures, byte for byte.

Each fixture is linted alone through the real CLI (in process, ``tests/clirun.py``), from
the repository root (so paths in the output are stable), and its JSON document is compared with
``tests/golden/<fixture>.json``. The tool version is left out of the comparison.

After an intended change of findings, regenerate and review the diff::

    EDI_LINT_UPDATE_GOLDEN=1 python -m pytest tests/test_golden.py
"""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from clirun import run_cli

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = ROOT / "tests" / "golden"
FIXTURES = [
    "fixtures/837/ecm_cs_clean_month.x12",
    "fixtures/837/cs_mistakes.x12",
    "fixtures/837/cob_kaiser_dsnp.x12",
    "fixtures/837/delims_control_bytes.x12",
    "fixtures/278/ecm_tar_mistakes_request.x12",
    "fixtures/278/cs_tar_response_approved.x12",
    "fixtures/837/ecm_mistakes.x12",
    "fixtures/837/replacement_void.x12",
    "fixtures/278/cs_tar_mistakes_request.x12",
    "fixtures/278/cs_tar_bulk_request.x12",
]
UPDATE = os.environ.get("EDI_LINT_UPDATE_GOLDEN") == "1"


def _run(fixture: str) -> tuple[int, dict]:
    out = run_cli("check", "--format", "json", fixture, cwd=ROOT)
    assert out.returncode in (0, 1), out.stderr
    doc = json.loads(out.stdout)
    doc["tool"].pop("version")
    return out.returncode, doc


@pytest.mark.parametrize("fixture", FIXTURES)
def test_golden(fixture):
    assert (ROOT / fixture).exists(), f"{fixture} is not in this checkout"
    code, doc = _run(fixture)
    golden = GOLDEN / (Path(fixture).stem + ".json")
    text = json.dumps({"exit_code": code, "output": doc}, indent=2, sort_keys=False) + "\n"
    if UPDATE or not golden.exists():
        GOLDEN.mkdir(exist_ok=True)
        golden.write_text(text, encoding="utf-8")
        if not UPDATE:
            pytest.fail(f"{golden.name} did not exist and was written: review and commit it")
        return
    assert text == golden.read_text(encoding="utf-8"), (
        f"{fixture}: output differs from {golden.relative_to(ROOT)}; if the change is"
        " intended, run with EDI_LINT_UPDATE_GOLDEN=1 and review the diff")
