"""Baselines through the real CLI: record, hide, survive edits elsewhere, show new findings."""
from __future__ import annotations

import hashlib
import json
import re
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from edi_lint.cli import main
from edi_lint.testing import Claim, Line, build_837

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE / "data" / "plugin_pkg"))
from edi_lint_example_plugin.testing import PHI, registered, write_batch  # noqa: E402

SELECT = ["--select", "ZX,X025", "--format", "json"]


@pytest.fixture
def batch(tmp_path, monkeypatch):
    write_batch(tmp_path)
    monkeypatch.chdir(tmp_path)
    with registered():
        yield tmp_path


def run(*args):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def findings(result):
    return [(f["path"], f["rule"], f["claim_id"], f["line"])
            for f in json.loads(result.stdout)["findings"]]


def test_write_then_check_hides_recorded_findings(batch):
    before = run("check", *SELECT, "claims", "tars")
    assert before.exit_code == 1 and len(findings(before)) == 10
    wrote = run("check", *SELECT, "--write-baseline", "baseline.json", "claims", "tars")
    assert wrote.exit_code == 0
    assert "wrote 10 finding(s) to baseline baseline.json" in wrote.stderr
    assert findings(wrote) == []
    after = run("check", *SELECT, "--baseline", "baseline.json", "claims", "tars")
    assert after.exit_code == 0
    assert findings(after) == []
    assert json.loads(after.stdout)["summary"]["error"] == 0


def test_baseline_file_is_stable_json_without_phi(batch):
    run("check", *SELECT, "--write-baseline", "baseline.json", "claims", "tars")
    text = (batch / "baseline.json").read_text()
    doc = json.loads(text)
    assert doc["edi_lint_baseline"] == 1
    entries = doc["entries"]
    assert sum(e["count"] for e in entries) == 10
    for value in PHI + ("NM1*IL", "DMG*D8"):
        assert value not in text
    assert all(set(e) == {"path", "claim_id", "trace", "code", "rule", "segment_id",
                          "segment_sha256", "count"} for e in entries)
    assert all(re.fullmatch(r"[0-9a-f]{64}", e["segment_sha256"]) for e in entries)
    assert not any("line" in e for e in entries)
    keys = [(e["path"], e["claim_id"] or "", e["trace"] or "", e["code"], e["segment_sha256"])
            for e in entries]
    assert keys == sorted(keys)
    big = next(e for e in entries if e["code"] == "ZX-01")
    assert big == {"path": "claims/june.x12", "claim_id": "C1", "trace": None, "code": "ZX-01",
                   "rule": "ZX001", "segment_id": "CLM",
                   "segment_sha256": hashlib.sha256(
                       b"CLM*C1*1200.00***11:B:1*Y*A*Y*Y").hexdigest(),
                   "count": 1}
    tar = next(e for e in entries if e["code"] == "ZX-04")
    assert (tar["trace"], tar["claim_id"]) == ("TRN0001", None)
    untipped = next(e for e in entries if e["rule"] == "X025")
    assert untipped["code"] == "X025"
    # the same findings write the same file, byte for byte
    run("check", *SELECT, "--write-baseline", "again.json", "claims", "tars")
    assert (batch / "again.json").read_text() == text


def _june(claims):
    return build_837(claims)


def _claim(clm01, charge, dos="20250603"):
    return Claim(clm01, [Line("G9008", ["U1"], charge=charge, dos=dos, g1=["ECM1"])],
                 member="MBRZQ77", name=("ZEBRAFISH", "QUINTESSA"))


def test_edits_elsewhere_keep_the_baseline_and_new_findings_show(batch):
    path = batch / "claims" / "june.x12"
    path.write_text(_june([_claim("C1", "1200.00")]))
    run("check", "--select", "ZX001", "--write-baseline", "b.json", "claims/june.x12")
    # a claim added before C1 moves every line of C1; C1's finding stays hidden
    path.write_text(_june([_claim("C0", "99.50"), _claim("C1", "1200.00")]))
    assert run("check", "--select", "ZX001", "--baseline", "b.json", "--format", "json",
               "claims/june.x12").exit_code == 0
    # a new big claim is new: shown, and only it
    path.write_text(_june([_claim("C0", "99.50"), _claim("C1", "1200.00"),
                           _claim("C5", "2500.00")]))
    result = run("check", "--select", "ZX001", "--baseline", "b.json", "--fail-on", "warning",
                 "--format", "json", "claims/june.x12")
    assert result.exit_code == 1
    assert [(r, c) for _, r, c, _ in findings(result)] == [("ZX001", "C5")]
    # changing the offending segment itself makes the finding new again
    path.write_text(_june([_claim("C1", "1300.00")]))
    result = run("check", "--select", "ZX001", "--baseline", "b.json", "--format", "json",
                 "claims/june.x12")
    assert [(r, c) for _, r, c, _ in findings(result)] == [("ZX001", "C1")]


def test_identical_findings_are_counted(batch):
    path = batch / "claims" / "june.x12"
    path.write_text(_june([_claim("C1", "1200.00")]))
    run("check", "--select", "ZX001", "--write-baseline", "b.json", "claims/june.x12")
    path.write_text(_june([_claim("C1", "1200.00"), _claim("C1", "1200.00")]))
    result = run("check", "--select", "ZX001", "--baseline", "b.json", "--format", "json",
                 "claims/june.x12")
    assert [(r, c) for _, r, c, _ in findings(result)] == [("ZX001", "C1")]


def test_baseline_paths_are_relative_to_the_baseline_file(batch, monkeypatch):
    run("check", *SELECT, "--write-baseline", "baseline.json", "claims", "tars")
    monkeypatch.chdir(batch / "claims")
    result = run("check", *SELECT, "--baseline", "../baseline.json", ".", "../tars",
                 str(batch / "claims" / "june.x12"))
    # june.x12 given twice: its second copy is not in the baseline's counts
    assert {p for p, *_ in findings(result)} == {str(batch / "claims" / "june.x12")}


def test_baseline_with_other_formats(batch):
    run("check", *SELECT, "--write-baseline", "baseline.json", "claims", "tars")
    out = {}
    for fmt in ("sarif", "junit", "github", "html", "text"):
        result = run("check", "--select", "ZX,X025", "--baseline", "baseline.json",
                     "--format", fmt, "claims", "tars")
        assert result.exit_code == 0, fmt
        out[fmt] = result.stdout
    assert json.loads(out["sarif"])["runs"][0]["results"] == []
    assert '<testsuites name="edi-lint" tests="3" failures="0"' in out["junit"]
    assert out["github"].startswith("0 errors, 0 warnings, 0 info in 3 files")
    assert "No findings." in out["html"]
    assert out["text"].startswith("0 errors")


@pytest.mark.parametrize("content, message", [
    (None, "cannot read baseline"),
    ("{not json", "not valid JSON"),
    ('{"entries": []}', "not an edi-lint baseline"),
    ('{"edi_lint_baseline": 1, "entries": [{"path": "x"}]}', "baseline entry 1 is malformed"),
    ('{"edi_lint_baseline": 1, "entries": [{"path": "x", "code": "X025", '
     '"segment_sha256": "ab", "count": 0}]}', "baseline entry 1 is malformed"),
])
def test_bad_baseline_is_exit_2(batch, content, message):
    if content is not None:
        (batch / "b.json").write_text(content)
    result = run("check", *SELECT, "--baseline", "b.json", "claims")
    assert result.exit_code == 2
    assert message in result.stderr
    assert "Traceback" not in result.output


def test_unwritable_baseline_is_exit_2(batch):
    result = run("check", *SELECT, "--write-baseline", str(batch / "no" / "b.json"), "claims")
    assert result.exit_code == 2
    assert "cannot write baseline" in result.stderr
