"""Configuration files through the real CLI: discovery, keys, merging, errors (exit 2)."""
from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from edi_lint.cli import main
from edi_lint.config import find_config, load_config

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE / "data" / "plugin_pkg"))
from edi_lint_example_plugin.testing import registered, write_batch  # noqa: E402


@pytest.fixture
def project(tmp_path, monkeypatch):
    """A project dir holding the example batch; the cwd is the project's 'work' subdirectory."""
    write_batch(tmp_path)
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(tmp_path)
    with registered():
        yield tmp_path


def run(*args):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def codes(result):
    return sorted({f["rule"] for f in json.loads(result.stdout)["findings"]})


def json_check(*args):
    return run("check", "--format", "json", *args)


# -- discovery ----------------------------------------------------------------------

@pytest.mark.parametrize("name, text", [
    ("setup.cfg", "[metadata]\nname = x\n\n[edi_lint]\nselect = ZX001, X025\n"),
    ("tox.ini", "[tox]\nenvlist = py311\n\n[edi_lint]\nselect =\n    ZX001\n    X025\n"),
    ("pyproject.toml", '[project]\nname = "x"\n\n[tool.edi-lint]\nselect = ["ZX001", "X025"]\n'),
])
def test_config_found_by_walking_up(project, monkeypatch, name, text):
    (project / name).write_text(text)
    monkeypatch.chdir(project / "work")
    result = json_check("../claims")
    assert result.exit_code == 1
    assert codes(result) == ["X025", "ZX001"]
    assert find_config() == str(project / name)


def test_files_without_our_section_are_passed_over(project, monkeypatch):
    (project / "setup.cfg").write_text("[edi_lint]\nselect = X025\n")
    (project / "work" / "setup.cfg").write_text("[flake8]\nmax-line-length = 100\n")
    (project / "work" / "pyproject.toml").write_text('[tool.black]\nline-length = 100\n')
    monkeypatch.chdir(project / "work")
    assert codes(json_check("../claims")) == ["X025"]


def test_setup_cfg_before_tox_ini_before_pyproject(project):
    (project / "pyproject.toml").write_text('[tool.edi-lint]\nselect = "ZX002"\n')
    (project / "tox.ini").write_text("[edi_lint]\nselect = ZX001\n")
    assert codes(json_check("claims")) == ["ZX001"]
    (project / "setup.cfg").write_text("[edi_lint]\nselect = X025\n")
    assert codes(json_check("claims")) == ["X025"]


def test_explicit_config_path(project):
    (project / "setup.cfg").write_text("[edi_lint]\nselect = X025\n")
    other = project / "other.toml"
    other.write_text('[tool.edi-lint]\nselect = ["ZX002"]\n')
    assert codes(json_check("--config", str(other), "claims")) == ["ZX002"]


def test_broken_unrelated_file_does_not_stop_discovery(project, monkeypatch):
    (project / "setup.cfg").write_text("[edi_lint]\nselect = X025\n")
    (project / "work" / "tox.ini").write_text("this is [not ini\n")
    monkeypatch.chdir(project / "work")
    assert codes(json_check("../claims")) == ["X025"]


# -- keys -------------------------------------------------------------------------------

def test_ignore_by_tip_prefix_and_code(project):
    (project / "setup.cfg").write_text("[edi_lint]\nselect = ZX, X\nignore = ZX-0, X025\n")
    assert codes(json_check("claims", "tars")) == ["ZX002"]


def test_severity_overrides(project):
    (project / "setup.cfg").write_text(
        "[edi_lint]\nselect = ZX001, ZX002\nseverity = ZX-01=error, ZX002=warning\n")
    result = json_check("claims/june.x12")
    assert result.exit_code == 1
    sev = {f["rule"]: f["severity"] for f in json.loads(result.stdout)["findings"]}
    assert sev == {"ZX001": "error", "ZX002": "warning"}


def test_severity_table_in_pyproject(project):
    (project / "pyproject.toml").write_text(
        '[tool.edi-lint]\nselect = ["ZX001"]\nseverity = {"ZX-01" = "info"}\n')
    result = json_check("claims/june.x12")
    assert result.exit_code == 0
    assert json.loads(result.stdout)["findings"][0]["severity"] == "info"


def test_per_file_ignores_relative_to_the_config_file(project, monkeypatch):
    (project / "setup.cfg").write_text(
        "[edi_lint]\nselect = ZX, X\nper-file-ignores =\n"
        "    claims/broken.837: ZX-03, X025\n    *.278: ZX0\n")
    monkeypatch.chdir(project / "work")
    found = json.loads(json_check("../claims", "../tars").stdout)["findings"]
    paths = {(f["path"], f["rule"]) for f in found}
    assert not any(p.endswith("broken.837") for p, _ in paths)
    assert not any(p.endswith(".278") for p, _ in paths)
    assert ("../claims/june.x12", "ZX001") in paths
    # the same patterns match absolute paths given on the command line
    found = json.loads(json_check(str(project / "claims")).stdout)["findings"]
    assert not any(f["path"].endswith("broken.837") for f in found)


def test_per_file_ignores_table_in_pyproject(project):
    (project / "pyproject.toml").write_text(
        '[tool.edi-lint]\nselect = ["ZX", "X"]\n'
        '[tool.edi-lint.per-file-ignores]\n"claims/*.837" = ["X025", "ZX-03"]\n')
    found = json.loads(json_check("claims").stdout)["findings"]
    assert {f["path"] for f in found} == {"claims/june.x12"}


def test_min_severity_from_config_and_the_command_line_wins(project):
    (project / "setup.cfg").write_text("[edi_lint]\nselect = ZX001, ZX002\n"
                                       "min-severity = warning\n")
    shown = run("check", "claims/june.x12")
    assert shown.stdout.splitlines()[0] == (
        "claims/june.x12:20:1: warning ZX001 [ZX-01] claim C1 totals $1,200.00, over $1,000.00")
    assert "info ZX002" not in shown.stdout
    assert shown.stdout.splitlines()[-1].endswith("; 2 below warning not shown (--min-severity)")
    everything = run("check", "--min-severity", "info", "claims/june.x12")
    assert everything.stdout.count(": info ZX002 ") == 2


def test_fail_on_and_format_from_config(project):
    (project / "setup.cfg").write_text("[edi_lint]\nselect = ZX002\nfail-on = info\n"
                                       "format = github\n")
    result = run("check", "claims/june.x12")
    assert result.exit_code == 1
    assert result.stdout.startswith("::notice file=claims/june.x12,")


def test_jobs_from_config(project):
    (project / "setup.cfg").write_text("[edi_lint]\nselect = X025\njobs = 2\n")
    assert run("check", "claims").exit_code == 1
    (project / "setup.cfg").write_text("[edi_lint]\nselect = X025\njobs = auto\n")
    assert run("check", "claims").exit_code == 1


def test_jobs_default_and_values():
    from edi_lint.config import Config, merge, parse_jobs
    assert [parse_jobs(v) for v in ("auto", " AUTO ", "3", 2, "0", "-1", "x", True, None)] == \
        ["auto", "auto", 3, 2, None, None, None, None, None]
    assert merge(Config())["jobs"] == "auto"  # the command line's default
    assert merge(Config(), jobs=1)["jobs"] == 1


@pytest.mark.parametrize("value", ["0", "many", "-2"])
def test_bad_jobs_on_the_command_line_is_exit_2(project, value):
    result = run("check", "-j", value, "claims")
    assert result.exit_code == 2
    assert f"{value!r} is not 'auto' or a whole number of at least 1" in result.output


def test_profile_roster_and_ledger_paths_are_relative_to_the_config_file(project, monkeypatch):
    (project / "setup.cfg").write_text("[edi_lint]\nprofile = payer/profile.toml\n"
                                       "roster = data/roster.csv\nledger = history.sqlite\n")
    monkeypatch.chdir(project / "work")
    cfg = load_config()
    assert cfg.profile == str(project / "payer" / "profile.toml")
    assert cfg.roster == str(project / "data" / "roster.csv")
    assert cfg.ledger == str(project / "history.sqlite")
    result = run("check", "../claims")
    assert result.exit_code == 2
    assert str(project / "payer" / "profile.toml") in result.stderr


def test_profile_from_config_is_used(project, monkeypatch):
    from importlib import resources
    default = resources.files("edi_lint.profiles").joinpath("default.toml").read_text()
    (project / "payer").mkdir()
    (project / "payer" / "profile.toml").write_text(default)
    (project / "setup.cfg").write_text("[edi_lint]\nselect = X025\nprofile = payer/profile.toml\n")
    monkeypatch.chdir(project / "work")
    assert codes(json_check("../claims")) == ["X025"]


def test_ledger_url_is_kept_as_is():
    from edi_lint.config import _relative_to
    assert _relative_to("/base", "postgresql://host/db", "ledger") == "postgresql://host/db"


# -- the command line wins ---------------------------------------------------------------

def test_command_line_wins(project):
    (project / "setup.cfg").write_text("[edi_lint]\nselect = ZX001\nfail-on = info\n"
                                       "format = github\n")
    result = run("check", "--select", "ZX002", "--fail-on", "error", "--format", "json",
                 "claims/june.x12")
    assert result.exit_code == 0  # ZX002 is info; --fail-on error beats the file's info
    assert codes(result) == ["ZX002"]


def test_command_line_ignore_replaces_config_ignore(project):
    (project / "setup.cfg").write_text("[edi_lint]\nselect = ZX00\nignore = ZX001, ZX003\n")
    assert codes(json_check("claims/june.x12")) == ["ZX002"]
    assert codes(json_check("--ignore", "ZX002", "claims/june.x12")) == ["ZX001", "ZX003"]


# -- errors: exit 2, naming the key ------------------------------------------------------

@pytest.mark.parametrize("name, text, message", [
    ("setup.cfg", "[edi_lint]\nselectt = ZX\n", "unknown key 'selectt'"),
    ("setup.cfg", "[edi_lint]\nfail_on = info\n",
     "unknown key 'fail_on' (did you mean 'fail-on'?)"),
    ("tox.ini", "[edi_lint]\nshow-phi = true\n", "unknown key 'show-phi'"),
    ("pyproject.toml", '[tool.edi-lint]\nbogus = 1\n', "unknown key 'bogus'"),
    ("setup.cfg", "[edi_lint]\nfail-on = fatal\n", "fail-on: 'fatal' is not one of"),
    ("setup.cfg", "[edi_lint]\nmin-severity = notice\n",
     "min-severity: 'notice' is not one of"),
    ("setup.cfg", "[edi_lint]\nformat = xml\n", "format: 'xml' is not one of"),
    ("setup.cfg", "[edi_lint]\njobs = 0\n", "jobs: '0' is not 'auto' or a whole number"),
    ("setup.cfg", "[edi_lint]\nseverity = ZX-01=fatal\n", "severity: ZX-01='fatal'"),
    ("setup.cfg", "[edi_lint]\nseverity = ZX-01\n", "is not CODE=severity"),
    ("setup.cfg", "[edi_lint]\nper-file-ignores = nocolon\n", "per-file-ignores:"),
    ("setup.cfg", "[edi_lint]\nselect = ZX 01\n", "select: 'ZX 01'"),
    ("setup.cfg", "[edi_lint]\nselect = ECM01\n",
     "select: 'ECM01' matches no rule code or tip id (did you mean ECM-01"),
    ("tox.ini", "[edi_lint]\nignore = X025, zx9\n", "ignore: 'ZX9' matches no rule code"),
    ("setup.cfg", "[edi_lint]\nper-file-ignores =\n    *.837: X025, XX\n",
     "per-file-ignores: 'XX' matches no rule code or tip id"),
    ("setup.cfg", "[edi_lint]\nseverity = ZX-1=error\n",
     "severity: 'ZX-1' is no rule code or tip id"),
    ("pyproject.toml", '[tool.edi-lint]\nselect = ["GEN-6"]\n', "select: 'GEN-6' matches no"),
    ("pyproject.toml", '[tool.edi-lint]\nselect = 5\n', "select: expected"),
    ("pyproject.toml", '[tool.edi-lint\nselect = "X"\n', "invalid TOML"),
    ("setup.cfg", "[edi_lint]\nselect = X\nselect = Y\n", "invalid configuration"),
])
def test_bad_configuration_is_exit_2_naming_it(project, name, text, message):
    (project / name).write_text(text)
    result = run("check", "claims")
    assert result.exit_code == 2
    assert message in result.stderr
    assert name in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.output


@pytest.mark.parametrize("args, message", [
    (("--select", "ECM01"), "select: 'ECM01' matches no rule code or tip id (did you mean ECM-01"),
    (("--select", "X025,ZX99"), "select: 'ZX99' matches no rule code or tip id"),
    (("--ignore", "GEN-6"), "ignore: 'GEN-6' matches no rule code or tip id"),
])
def test_select_or_ignore_entry_naming_no_rule_is_exit_2(project, args, message):
    result = run("check", *args, "claims")
    assert result.exit_code == 2
    assert result.stderr.startswith(f"edi-lint: {message}")
    assert len(result.stderr.strip().splitlines()) == 1


def test_codes_and_tips_match_case_insensitively(project):
    (project / "setup.cfg").write_text("[edi_lint]\nselect = zx0\nseverity = zx-01=error\n"
                                       "per-file-ignores =\n    *.x12: zx-03\n")
    cfg = load_config()
    assert (cfg.select, cfg.severity, cfg.per_file_ignores) == (
        ("ZX0",), {"ZX-01": "error"}, (("*.x12", ("ZX-03",)),))
    result = json_check("claims/june.x12")
    assert [(f["rule"], f["severity"], f["line"]) for f in json.loads(result.stdout)["findings"]] \
        == [("ZX001", "error", 20), ("ZX002", "info", 23), ("ZX002", "info", 29)]
    assert codes(json_check("--select", "zx002,x025", "claims")) == ["X025", "ZX002"]


def test_unknown_option_is_exit_2_naming_it(project):
    result = run("check", "--selectt", "ZX", "claims")
    assert result.exit_code == 2
    assert "--selectt" in result.stderr


def test_missing_explicit_config_is_exit_2(project):
    result = run("check", "--config", "nope.cfg", "claims")
    assert result.exit_code == 2
    assert "nope.cfg" in result.stderr


def test_explicit_config_without_our_section_is_exit_2(project):
    (project / "other.cfg").write_text("[flake8]\nx = 1\n")
    result = run("check", "--config", "other.cfg", "claims")
    assert result.exit_code == 2
    assert "no [edi_lint] section" in result.stderr



# -- the documented example (docs/configuration.md), as a user copies it ---------------

CONFIG_DOC = HERE.parent / "docs" / "configuration.md"
FIXTURES = HERE.parent / "fixtures"


def _readme_ini_blocks() -> list[str]:
    section = CONFIG_DOC.read_text(encoding="utf-8").split("# Configuration\n", 1)[1]
    section = section.split("\n## ")[0]
    return re.findall(r"```ini\n(.*?)```", section, re.S)


def test_inline_comments_in_ini_values(tmp_path):
    (tmp_path / "tox.ini").write_text("[edi_lint]\nselect = B, X  ; the billing rules\n"
                                      "ignore =\n    # noisy\n    GEN-05  # the rates\n"
                                      "jobs = auto # as on the command line\n")
    cfg = load_config(start=str(tmp_path))
    assert (cfg.select, cfg.ignore, cfg.jobs) == (("B", "X"), ("GEN-05",), "auto")


def test_readme_example_config_runs_as_copied(tmp_path, monkeypatch):
    blocks = _readme_ini_blocks()
    assert len(blocks) == 1
    (tmp_path / "setup.cfg").write_text(blocks[0], encoding="utf-8")
    # what the example names: a profile, a roster, a recorded ledger
    (tmp_path / "payer").mkdir()
    (tmp_path / "payer" / "profile.toml").write_bytes(
        (HERE.parent / "edi_lint" / "profiles" / "default.toml").read_bytes())
    (tmp_path / "eligibility.csv").write_text("member_id,month,status,other_coverage\n")
    (tmp_path / "history").mkdir()
    monkeypatch.chdir(tmp_path)
    cfg = load_config()
    assert cfg.path == str(tmp_path / "setup.cfg")
    assert (cfg.select, cfg.ignore, cfg.severity, cfg.fail_on, cfg.format, cfg.jobs) == (
        ("B", "X"), ("GEN-05",), {"GEN-05": "error", "X025": "warning"}, "warning", "text", 2)
    assert cfg.per_file_ignores[0][1] == ("X0", "S0")
    assert (cfg.profile, cfg.roster, cfg.ledger) == (
        str(tmp_path / "payer" / "profile.toml"), str(tmp_path / "eligibility.csv"),
        str(tmp_path / "history" / "ledger.sqlite"))
    added = run("ledger", "add", "--ledger", "history/ledger.sqlite",
                str(FIXTURES / "837" / "ecm_cs_clean_month.x12"))
    assert added.exit_code == 0, added.output
    result = run("check", str(FIXTURES / "837" / "ecm_mistakes.x12"))
    assert result.exit_code == 1, result.output  # fail-on = warning; B301 is an error
    found = re.findall(r"^.*ecm_mistakes\.x12:(\d+):1: \w+ (\w+) ", result.stdout, re.M)
    assert found == [("29", "B101"), ("42", "B107"), ("55", "B107"), ("74", "B103"),
                     ("102", "B104"), ("118", "B105"), ("131", "B301"), ("143", "B102"),
                     ("156", "B106"), ("181", "B306")]  # B106's info: min-severity warning
    assert "1 below warning not shown (--min-severity)" in result.stdout
