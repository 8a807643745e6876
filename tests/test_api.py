"""The Python API: edi_lint.lint(paths, **options), as docs/api.md documents it."""
from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

import edi_lint
from edi_lint.engine import FileSummary, Options, Result, UsageError
from edi_lint.findings import Finding
from edi_lint.testing import Claim, Line, build_837

HERE = Path(__file__).parent
DOC = HERE.parent / "docs" / "api.md"
sys.path.insert(0, str(HERE / "data" / "plugin_pkg"))
from edi_lint_example_plugin.testing import registered, write_batch  # noqa: E402


@pytest.fixture
def batch(tmp_path, monkeypatch):
    write_batch(tmp_path)
    monkeypatch.chdir(tmp_path)
    with registered():
        yield tmp_path


def test_lint_returns_findings_and_files(batch):
    result = edi_lint.lint(["claims", "tars"], select=["ZX", "X025"])
    assert isinstance(result, Result)
    assert [(fs.path, fs.claims, fs.tar_requests) for fs in result.files] == [
        ("claims/broken.837", 1, 0), ("claims/june.x12", 2, 0), ("tars/request.278", 0, 1)]
    big = next(f for f in result.findings if f.rule == "ZX001")
    assert (big.rule, big.tip, big.severity, big.path, big.line, big.claim_id) == (
        "ZX001", "ZX-01", "warning", "claims/june.x12", 20, "C1")
    assert big.message == "claim C1 totals $1,200.00, over $1,000.00"
    tar = next(f for f in result.findings if f.rule == "ZX004")
    assert (tar.trace, tar.claim_id) == ("TRN0001", None)
    assert result.findings == sorted(result.findings, key=Finding.sort_key)
    assert result.summary == {"files": 3, "claims": 3, "tar_requests": 1, "tar_responses": 0,
                              "error": 7, "warning": 1, "info": 2}
    assert result.failed
    assert result.as_dict()["summary"] == result.summary


def test_one_path_str_or_pathlib(batch):
    by_str = edi_lint.lint("claims/june.x12", select=["ZX001"])
    by_path = edi_lint.lint(Path("claims/june.x12"), select=["ZX001"])
    assert [f.as_dict() for f in by_str.findings] == [f.as_dict() for f in by_path.findings]
    assert len(by_str.files) == 1


def test_options(batch):
    result = edi_lint.lint("claims/june.x12", select=["ZX"], ignore=["ZX-03"],
                           severity={"ZX-01": "error"}, fail_on="warning")
    assert [(f.rule, f.severity) for f in result.findings] == [
        ("ZX001", "error"), ("ZX002", "info"), ("ZX002", "info")]
    quiet = edi_lint.lint("claims", select=["ZX002"], fail_on="warning")
    assert quiet.findings and not quiet.failed
    ignored = edi_lint.lint("claims", select=["ZX", "X"],
                            per_file_ignores=(("*.837", ("X025", "ZX0")),))
    assert {f.path for f in ignored.findings} == {"claims/june.x12"}


def test_api_reads_no_config_file(batch):
    (batch / "setup.cfg").write_text("[edi_lint]\nselect = X025\n")
    assert {f.rule for f in edi_lint.lint("claims", select=["ZX001"]).findings} == {"ZX001"}


def test_errors(batch):
    with pytest.raises(UsageError, match="nope.x12: no such file or directory"):
        edi_lint.lint("nope.x12")
    with pytest.raises(TypeError):
        edi_lint.lint("claims", selectt=["ZX"])


def test_no_paths_is_a_usage_error_as_on_the_command_line(batch):
    with pytest.raises(UsageError, match=r"^no paths to check: name files, directories or '-'"):
        edi_lint.lint([])
    with pytest.raises(UsageError, match="no paths to check"):
        edi_lint.lint(())


@pytest.mark.parametrize("entries, message", [
    ({"select": ["ECM01"]}, "select: 'ECM01' matches no rule code or tip id (did you mean ECM-01"),
    ({"select": "X25"}, "select: 'X25' matches no rule code or tip id"),
    ({"ignore": ["GEN", "GEN-6"]}, "ignore: 'GEN-6' matches no rule code or tip id"),
    ({"per_file_ignores": (("*.837", ("ZX9",)),)}, "per-file-ignores: 'ZX9' matches no"),
    ({"severity": {"GEN": "error"}}, "severity: 'GEN' is no rule code or tip id"),
])
def test_entries_naming_no_rule_are_usage_errors(batch, entries, message):
    with pytest.raises(UsageError, match="^" + re.escape(message)):
        edi_lint.lint("claims", **entries)


def test_entries_are_case_insensitive_and_plugin_codes_count(batch):
    lower = edi_lint.lint("claims", select=["zx00", "x025"], ignore=["zx-03"],
                          severity={"zx-01": "error"})
    upper = edi_lint.lint("claims", select=["ZX00", "X025"], ignore=["ZX-03"],
                          severity={"ZX-01": "error"})
    assert [(f.rule, f.path, f.line, f.severity) for f in lower.findings] == \
        [(f.rule, f.path, f.line, f.severity) for f in upper.findings]
    assert [(f.rule, f.line, f.severity) for f in lower.findings if f.path.endswith("june.x12")] \
        == [("ZX001", 20, "error"), ("ZX002", 23, "info"), ("ZX002", 29, "info")]
    prefixes = edi_lint.lint("claims", select=["gen", "B1"], ignore=["gen-06"])
    assert [(f.rule, f.tip, f.path, f.line) for f in prefixes.findings] == [
        ("B305", "GEN-05", "claims/broken.837", 23), ("B101", "ECM-01", "claims/june.x12", 23),
        ("B305", "GEN-05", "claims/june.x12", 23)]


def test_a_plugin_code_is_unknown_without_its_plugin(tmp_path):
    write_batch(tmp_path)
    with pytest.raises(UsageError, match="select: 'ZX001' matches no rule code or tip id"):
        edi_lint.lint(str(tmp_path / "claims"), select=["ZX001"])


@pytest.mark.parametrize("options, message", [
    ({"fail_on": "fatal"}, "fail_on 'fatal' is not one of error, warning, info"),
    ({"fail_on": None}, "fail_on None is not one of error, warning, info"),
    ({"min_severity": "notice"}, "min_severity 'notice' is not one of error, warning, info"),
    ({"severity": {"GEN-05": "fatal"}}, "severity GEN-05='fatal' is not one of"),
    ({"select": [1]}, "select takes rule codes or tip ids (strings), not [1]"),
    ({"ignore": [None]}, "ignore takes rule codes or tip ids (strings), not [None]"),
    ({"jobs": 0}, "jobs 0 is not a number of processes (1 or more) or 'auto'"),
    ({"jobs": 2.5}, "jobs 2.5 is not"),
    ({"jobs": True}, "jobs True is not"),
])
def test_bad_option_values_are_usage_errors(options, message):
    with pytest.raises(UsageError, match=re.escape(message)):
        Options(**options)


def test_min_severity_shapes_reports_not_the_result(batch):
    from edi_lint.report import render
    result = edi_lint.lint(["claims"], select=["ZX001", "ZX002"], min_severity="warning")
    assert [(f.rule, f.severity, f.line) for f in result.findings] == [
        ("ZX001", "warning", 20), ("ZX002", "info", 23), ("ZX002", "info", 29)]
    shown = result.shown()
    assert [(f.rule, f.line) for f in shown.findings] == [("ZX001", 20)]
    assert shown.summary == result.summary and shown.summary["info"] == 2
    assert render(result, "text").splitlines()[0] == (
        "claims/june.x12:20:1: warning ZX001 [ZX-01] claim C1 totals $1,200.00, over $1,000.00")
    assert not result.failed
    strict = edi_lint.lint(["claims"], select=["ZX002"], min_severity="error", fail_on="info")
    assert strict.shown().findings == [] and strict.shown().failed  # hidden info still fails


def test_one_prefix_given_as_a_string_is_one_prefix(batch):
    assert Options(select="ECM-01").select == ("ECM-01",)
    assert {f.rule for f in edi_lint.lint("claims", select="ZX001").findings} == {"ZX001"}


def test_clean_fixture_example(tmp_path):
    """The docs' pytest example, on a fixture made with edi_lint.testing."""
    path = tmp_path / "clean_june.x12"
    path.write_text(build_837([Claim("C1", [Line("G9008", ["U1"], g1=["ECM250601"])])]))
    result = edi_lint.lint(path, select=["X", "S"])
    assert [f"{f.line}: {f.rule} [{f.tip}] {f.message}" for f in result.findings] == []
    assert result.files[0].claims == 1


def test_docs_name_only_real_attributes():
    """Every f.X / fs.X / result.X in docs/api.md exists (the doc cannot drift)."""
    text = DOC.read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", text, re.S)
    assert len(blocks) == 2
    for block in blocks:
        compile(block, str(DOC), "exec")
    finding = Finding(rule="X025", message="m")
    fields = {"rule", "tip", "severity", "message", "path", "line", "col", "claim_id", "trace",
              "segment_id", "loop", "service_line", "content"}
    assert all(hasattr(finding, name) for name in fields)
    for name in set(re.findall(r"\bf\.([a-z_]+)", text)) | set(re.findall(r"`\.([a-z_]+)`", text)):
        assert name in fields, name
    summary = FileSummary("x")
    for name in set(re.findall(r"\bfs\.([a-z_]+)", text)):
        assert hasattr(summary, name), name
    for name in set(re.findall(r"\bresult\.([a-z_]+)", text)):
        assert hasattr(Result, name) or name in ("findings", "files"), name
    for name in re.findall(r"`(\w+)`", text.split("**Options**")[1].split("\n- ")[0]):
        if name not in ("edi_lint", "engine", "Options", "TypeError"):
            assert name in Options.__dataclass_fields__, name
