"""Third-party rules through the `edi_lint.rules` entry points, and `rules` / `explain`.

The plugin package (tests/data/plugin_pkg) is "installed" the way pip leaves it: a
``.dist-info`` directory with its entry points, on PYTHONPATH of a real
``python -m edi_lint`` process, so importlib.metadata finds it exactly as in use.
"""
from __future__ import annotations

import configparser
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from edi_lint.cli import main

HERE = Path(__file__).parent
REPO = HERE.parent
PLUGIN = HERE / "data" / "plugin_pkg"
sys.path.insert(0, str(PLUGIN))
from edi_lint_example_plugin.testing import PHI, write_batch  # noqa: E402


def install(site: Path, name: str, entry_points: dict[str, str]) -> None:
    """A minimal .dist-info for ``name`` with ``entry_points`` in the edi_lint.rules group."""
    info = site / f"{name.replace('-', '_')}-0.1.0.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: 0.1.0\n")
    lines = "".join(f"{k} = {v}\n" for k, v in entry_points.items())
    (info / "entry_points.txt").write_text(f"[edi_lint.rules]\n{lines}")


def plugin_entry_points() -> dict[str, str]:
    """The entry points the plugin package declares in its setup.cfg."""
    cfg = configparser.ConfigParser()
    cfg.read(PLUGIN / "setup.cfg")
    raw = cfg.get("options.entry_points", "edi_lint.rules")
    return dict(tuple(p.strip() for p in line.split("=", 1)) for line in raw.splitlines()
                if line.strip())


def edi_lint(site: Path, cwd: Path, *args):
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(REPO), str(site), str(PLUGIN)])
    return subprocess.run([sys.executable, "-m", "edi_lint", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=120)


@pytest.fixture
def batch(tmp_path):
    work = tmp_path / "work"
    work.mkdir()
    write_batch(work)
    return work


@pytest.fixture
def site(tmp_path):
    site = tmp_path / "site"
    install(site, "edi-lint-example-plugin", plugin_entry_points())
    return site


def test_plugin_findings_through_the_cli(site, batch):
    result = edi_lint(site, batch, "check", "--select", "ZX", "claims", "tars")
    assert result.returncode == 1, result.stderr
    assert result.stdout.splitlines() == [
        "claims/broken.837:15:1: error ZX003 [ZX-03] NM1 segment of this member",
        "claims/broken.837:18:1: error ZX003 [ZX-03] DMG segment of this member",
        "claims/june.x12:15:1: error ZX003 [ZX-03] NM1 segment of this member",
        "claims/june.x12:18:1: error ZX003 [ZX-03] DMG segment of this member",
        "claims/june.x12:20:1: warning ZX001 [ZX-01] claim C1 totals $1,200.00, over $1,000.00",
        "claims/june.x12:23:1: info ZX002 G9008-U1 is charged a round $1,200.00",
        "claims/june.x12:29:1: info ZX002 G9008-U1 is charged a round $400.00",
        "tars/request.278:10:1: error ZX003 [ZX-03] NM1 segment of this member",
        "tars/request.278:13:1: error ZX004 [ZX-04] TAR request has no PWK attachment",
        "6 errors, 1 warning, 2 info in 3 files (3 claims, 1 TAR request, 0 TAR responses)",
    ]
    assert result.stderr == ""


def test_plugin_rules_are_selected_and_graded_like_builtins(site, batch):
    (batch / "setup.cfg").write_text("[edi_lint]\nignore = ZX-03\nseverity = ZX002=error\n")
    result = edi_lint(site, batch, "check", "--select", "ZX00", "--format", "json",
                      "claims/june.x12")
    found = [(f["rule"], f["severity"]) for f in json.loads(result.stdout)["findings"]]
    assert found == [("ZX001", "warning"), ("ZX002", "error"), ("ZX002", "error")]


def test_plugin_rules_listed_and_explained(site, batch):
    listed = edi_lint(site, batch, "rules")
    assert listed.returncode == 0
    row = next(line for line in listed.stdout.splitlines() if line.startswith("ZX001"))
    assert row.split()[:3] == ["ZX001", "ZX-01", "warning"]
    assert row.endswith("A claim over $1,000.00 is reviewed by hand.")
    explained = edi_lint(site, batch, "explain", "zx-01")
    assert explained.returncode == 0
    assert explained.stdout.startswith("ZX001 big-claim (warning)  tips: ZX-01\n\n")
    assert "Example that fails: ``CLM*C1*1200.00" in explained.stdout


def test_without_the_plugin_its_rules_are_unknown(tmp_path, batch):
    result = edi_lint(tmp_path / "empty-site", batch, "explain", "ZX001")
    assert result.returncode == 2
    assert "unknown rule code or tip id 'ZX001'" in result.stderr


BROKEN = {
    "missing module": ({"broken": "no_such_module_for_edi_lint"}, {},
                       "plugin 'broken' (no_such_module_for_edi_lint) from edi-lint-broken 0.1.0 "
                       "cannot be loaded: ModuleNotFoundError: No module named "
                       "'no_such_module_for_edi_lint'"),
    "import raises": ({"broken": "boom_rules"}, {"boom_rules.py": "raise RuntimeError('boom')\n"},
                      "cannot be loaded: RuntimeError: boom"),
    "missing attribute": ({"broken": "edi_lint_example_plugin.extra:Nope"}, {},
                          "cannot be loaded: AttributeError:"),
    "not a rule": ({"broken": "edi_lint_example_plugin.testing:PHI"}, {},
                   "is neither a module nor an edi_lint Rule subclass (got tuple)"),
    "duplicate code": ({"broken": "dup_rules"}, {"dup_rules.py": (
        "from edi_lint.rules import Rule, register\n"
        "@register\nclass Dup(Rule):\n    '''Doc.'''\n    code = 'X025'\n    name = 'dup'\n"
        "    summary = 'A duplicate.'\n")},
        "cannot be loaded: ValueError: rule code X025 is registered twice"),
    "bad metadata": ({"broken": "bad_rules:Bad"}, {"bad_rules.py": (
        "from edi_lint.rules import Rule\n"
        "class Bad(Rule):\n    '''Doc.'''\n    code = 'bad'\n    name = 'bad'\n"
        "    summary = 'Bad.'\n")},
        "plugin 'broken' (bad_rules:Bad) from edi-lint-broken 0.1.0: ValueError: rule Bad: "
        "code 'bad' is not a prefix of letters + 3 digits"),
}


@pytest.mark.parametrize("case", sorted(BROKEN))
@pytest.mark.parametrize("command", [["check", "claims"], ["rules"], ["explain", "X025"]])
def test_broken_plugin_is_one_line_and_exit_2(tmp_path, batch, case, command):
    entry_points, modules, message = BROKEN[case]
    site = tmp_path / "site"
    install(site, "edi-lint-broken", entry_points)
    for name, text in modules.items():
        (site / name).write_text(text)
    result = edi_lint(site, batch, *command)
    assert result.returncode == 2, result.stderr
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("edi-lint: plugin 'broken' (")
    assert message in lines[0]


def test_plugin_findings_carry_no_phi(site, batch):
    for fmt in ("text", "json", "sarif", "junit", "github", "html"):
        out = edi_lint(site, batch, "check", "--format", fmt, "claims", "tars").stdout
        assert not [v for v in PHI if v in out], fmt


# -- `edi-lint rules` and `edi-lint explain` (built-in rules, in-process) --------------

def run(*args):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_rules_lists_every_rule():
    from edi_lint.rules.registry import all_rules
    result = run("rules")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["CODE", "TIPS", "SEVERITY", "SUMMARY"]
    rules = all_rules()
    assert len(lines) == len(rules) + 1
    for rule, line in zip(rules, lines[1:]):
        assert line.split()[:3] == [rule.code, ",".join(rule.tips) or "-", rule.severity]
        assert line.endswith(rule.summary)


def test_rules_as_json():
    from edi_lint.rules.registry import all_rules
    data = json.loads(run("rules", "--format", "json").stdout)
    assert [d["code"] for d in data] == [r.code for r in all_rules()]
    x025 = next(d for d in data if d["code"] == "X025")
    assert x025 == {"code": "X025", "name": "se-segment-count", "tips": [], "severity": "error",
                    "scope": "structure",
                    "summary": "SE01 is not the number of segments from ST to SE."}


def test_explain_by_code():
    result = run("explain", "x025")
    assert result.exit_code == 0
    text = result.stdout
    assert text.startswith("X025 se-segment-count (error)\n\n"
                           "SE01 is not the number of segments from ST to SE.\n")
    for part in ("What it does:", "Why it matters:", "Example that fails:",
                 "Example that passes:"):
        assert part in text


def test_explain_by_tip_prints_each_rule_of_the_tip():
    from edi_lint.rules.registry import all_rules
    tipped = [r for r in all_rules() if r.tips]
    assert tipped, "no rule with a tip id is registered"
    tip = tipped[0].tips[0]
    result = run("explain", tip)
    assert result.exit_code == 0
    for rule in tipped:
        if tip in rule.tips:
            assert f"{rule.code} {rule.name} ({rule.severity})" in result.stdout


def test_explain_unknown_is_exit_2():
    result = run("explain", "NOPE-99")
    assert result.exit_code == 2
    assert result.stderr == ("edi-lint: unknown rule code or tip id 'NOPE-99' "
                             "(run 'edi-lint rules' to list them)\n")


def test_the_cheap_look_finds_what_importlib_metadata_would(tmp_path):
    """``may_declare_plugins`` says False only when no distribution can declare the group:
    then ``importlib.metadata`` (30 ms of start-up) is not asked."""
    from importlib.machinery import PathFinder

    from edi_lint.plugins import may_declare_plugins
    site = tmp_path / "site"
    (site / "plain-1.0.dist-info").mkdir(parents=True)
    (site / "tool-1.0.dist-info").mkdir()
    (site / "tool-1.0.dist-info" / "entry_points.txt").write_text(
        "[console_scripts]\ntool = tool:main\n")
    (site / "single_file.egg-info").write_text("Metadata-Version: 1.0\n")
    finders = [PathFinder]
    assert may_declare_plugins([str(site), str(tmp_path / "missing")], finders) is False
    (site / "acme-1.0.egg-info").mkdir()
    (site / "acme-1.0.egg-info" / "entry_points.txt").write_text(
        "[edi_lint.rules]\nacme = acme.rules\n")
    assert may_declare_plugins([str(site)], finders) is True
    wheel = tmp_path / "bundle.zip"
    wheel.write_bytes(b"PK\x05\x06" + b"\0" * 18)
    assert may_declare_plugins([str(wheel)], finders) is True  # importlib reads zips

    class OwnFinder:
        @staticmethod
        def find_distributions(context=None):
            return iter(())
    assert may_declare_plugins([], [PathFinder, OwnFinder]) is True
