"""The pre-commit hook: its definition, and a real `pre-commit try-repo` run.

try-repo needs the hook repository committed: the working tree (tracked and untracked,
not ignored) is copied to a temp directory and committed there, so uncommitted work is
what gets tested. pre-commit then builds its own virtualenv and pip-installs edi-lint
from that copy (this needs the package index, as any pre-commit user does).
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
HOOKS = REPO / ".pre-commit-hooks.yaml"
sys.path.insert(0, str(Path(__file__).parent / "data" / "plugin_pkg"))
from edi_lint_example_plugin.testing import PHI  # noqa: E402

from edi_lint.engine import DEFAULT_EXTENSIONS, expand_paths  # noqa: E402
from edi_lint.testing import Claim, Delims, Line, build_837  # noqa: E402

CONFIG_DOC = REPO / "docs" / "configuration.md"  # its pre-commit section


def test_hook_definition():
    yaml = pytest.importorskip("yaml")
    hooks = yaml.safe_load(HOOKS.read_text(encoding="utf-8"))
    assert len(hooks) == 1
    hook = hooks[0]
    assert hook["id"] == "edi-lint"
    assert hook["name"] == "edi-lint"
    assert hook["language"] == "python"
    assert hook["entry"] == "edi-lint check --sniff-txt"
    assert hook["files"] == r"(?i)\.(x12|edi|837|278|txt)$"
    assert hook["types"] == ["file"]
    assert hook.get("require_serial") is True  # one process sees the whole batch


def test_hook_files_pattern_takes_the_names_the_walk_takes(tmp_path):
    """One list of extensions (engine.DEFAULT_EXTENSIONS) for the walk and the hook, any case;
    a .txt file's content decides in both (the walk sniffs it; the hook's --sniff-txt)."""
    yaml = pytest.importorskip("yaml")
    hook = yaml.safe_load(HOOKS.read_text(encoding="utf-8"))[0]
    assert hook["files"] == "(?i)\\.(" + "|".join(e[1:] for e in DEFAULT_EXTENSIONS) + ")$"
    names = ["a.x12", "NOAUTH.X12", "b.Edi", "c.837", "d.278", "E.TXT", "claims.txt", ".x12",
             "notes.md", "f.json", "a.x12.bak", "x12", "a_x12", "archive.X12.gz", "g.EDI "]
    x12 = build_837([_member_claim("C1", "400.00", "20250603")])
    for name in names:
        (tmp_path / name).write_text(x12, newline="")
    walked = {os.path.basename(p) for p in expand_paths([str(tmp_path)])}
    hooked = {n for n in names if re.search(hook["files"], n)}
    assert walked == hooked == {"a.x12", "NOAUTH.X12", "b.Edi", "c.837", "d.278", "E.TXT",
                                "claims.txt", ".x12"}
    # a .txt without an ISA: the walk leaves it out; the hook names it, --sniff-txt drops it
    (tmp_path / "notes.txt").write_text("Claims for June\n")
    assert re.search(hook["files"], "notes.txt")
    assert "notes.txt" not in {os.path.basename(p) for p in expand_paths([str(tmp_path)])}
    named = [str(tmp_path / "notes.txt"), str(tmp_path / "E.TXT")]
    assert expand_paths(named, sniff_named="--sniff-txt" in hook["entry"].split()) == named[1:]
    assert expand_paths(named) == named


def _git(cwd, *args):
    env = dict(os.environ, GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@example.invalid",
               GIT_COMMITTER_NAME="t", GIT_COMMITTER_EMAIL="t@example.invalid",
               GIT_CONFIG_NOSYSTEM="1")
    return subprocess.run(["git", "-c", "commit.gpgsign=false", "-c", "init.defaultBranch=main",
                           *args], cwd=cwd, env=env, check=True, capture_output=True, text=True)


def _working_tree_files() -> list[str]:
    try:
        out = subprocess.run(["git", "ls-files", "-z", "--cached", "--others",
                              "--exclude-standard"], cwd=REPO, check=True,
                             capture_output=True).stdout
        return [p for p in out.decode().split("\0") if p and (REPO / p).is_file()]
    except (OSError, subprocess.CalledProcessError):
        skip = {".git", ".venv", "build", "dist", "__pycache__", ".pytest_cache"}
        return [str(p.relative_to(REPO)) for p in REPO.rglob("*")
                if p.is_file() and not skip & set(p.relative_to(REPO).parts)]


@pytest.fixture(scope="module")
def hook_repo(tmp_path_factory):
    pytest.importorskip("pre_commit")
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    dest = tmp_path_factory.mktemp("hook-repo")
    for rel in _working_tree_files():
        if rel.startswith(("bench/out/", "tests/data/plugin_pkg/build/")):
            continue
        target = dest / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(REPO / rel, target)
    _git(dest, "init", "-q")
    _git(dest, "add", "-A")
    _git(dest, "commit", "-q", "--no-verify", "-m", "snapshot of the working tree")
    return dest


def _member_claim(clm01, charge, dos):
    return Claim(clm01, [Line("G9008", ["U1"], charge=charge, dos=dos, g1=["ECM1"])],
                 member="MBRZQ77", name=("ZEBRAFISH", "QUINTESSA"))


def test_try_repo_on_a_throwaway_repository(hook_repo, tmp_path):
    target = tmp_path / "claims-repo"
    target.mkdir()
    good = build_837([_member_claim("C1", "400.00", "20250603")])
    # the SE count is wrong: an X025 error
    bad = build_837([_member_claim("C2", "400.00", "20250703")]).replace("SE*24*0001~",
                                                                         "SE*99*0001~")
    assert "SE*99*0001~" in bad
    # control bytes as delimiters: pre-commit calls this file binary; types [file] keeps it
    ctrl = build_837([_member_claim("C3", "400.00", "20250803")],
                     delims=Delims(element="\x1d", component="\x1f", repetition="\x1e",
                                   segment="\x1c", newline=""))
    ctrl = ctrl.replace("SE\x1d24\x1d0001\x1c", "SE\x1d98\x1d0001\x1c")
    assert "SE\x1d98" in ctrl
    (target / "good.x12").write_text(good, newline="")
    (target / "bad.837").write_text(bad, newline="")
    (target / "ctrl.edi").write_bytes(ctrl.encode("latin-1"))
    (target / "notes.txt").write_text("Claims for July: the SE count is off\n")  # no ISA
    (target / "CLAIMS.TXT").write_text(bad, newline="")  # X12 in a .txt, upper case
    # the hook reads the repository's configuration (and the test stays on envelope rules)
    (target / "setup.cfg").write_text("[edi_lint]\nselect = X, S\n")
    _git(target, "init", "-q")
    _git(target, "add", "-A")
    env = dict(os.environ, PRE_COMMIT_HOME=str(tmp_path / "pre-commit-home"),
               PIP_DISABLE_PIP_VERSION_CHECK="1")
    env.pop("PYTHONPATH", None)
    result = subprocess.run([sys.executable, "-m", "pre_commit", "try-repo", str(hook_repo),
                             "edi-lint", "--all-files", "--color", "never", "--verbose"],
                            cwd=target, env=env, capture_output=True, text=True, timeout=900)
    out = result.stdout + result.stderr
    if "An unexpected error has occurred" in out and "pip" in out and result.returncode == 3:
        pytest.fail(f"pre-commit could not install the hook:\n{out[-3000:]}")
    assert result.returncode == 1, out
    assert "edi-lint" in out and "Failed" in out
    assert "bad.837:26:1: error X025 " in out
    assert "ctrl.edi:1:" in out and "X025 SE01 says '98' segments" in out
    assert "notes.txt" not in out
    assert "CLAIMS.TXT:26:1: error X025 " in out
    assert "good.x12" not in out
    for value in PHI:
        assert value not in out, value


def _readme_hook_configs() -> list[str]:
    section = CONFIG_DOC.read_text(encoding="utf-8").split("\n## pre-commit\n")[1].split("\n## ")[0]
    return re.findall(r"```yaml\n(.*?)```", section, re.S)


def test_readme_pre_commit_examples_run(hook_repo, tmp_path):
    """Both documented configurations, as copied: a clone's path pinned to a commit, and
    `repo: local` running the edi-lint of this environment; --fail-on warning blocks a
    wrong charge (GEN-05, a warning)."""
    pinned, local = _readme_hook_configs()
    sha = _git(hook_repo, "rev-parse", "HEAD").stdout.strip()
    pinned = pinned.replace("<URL or path of an edi-lint clone>", str(hook_repo))
    pinned = pinned.replace("<full commit id>", sha)
    assert "<" not in pinned and "args: [--fail-on, warning]" in pinned
    yaml = pytest.importorskip("yaml")
    hook = yaml.safe_load(HOOKS.read_text(encoding="utf-8"))[0]
    own = yaml.safe_load(local)["repos"][0]["hooks"][0]
    assert own["entry"] == hook["entry"] + " --fail-on warning"
    assert (own["files"], own["types"], own["require_serial"]) == (
        hook["files"], hook["types"], hook["require_serial"])
    env = dict(os.environ, PRE_COMMIT_HOME=str(tmp_path / "pre-commit-home"),
               PIP_DISABLE_PIP_VERSION_CHECK="1",
               PATH=os.pathsep.join([str(Path(sys.executable).parent), os.environ["PATH"]]))
    env.pop("PYTHONPATH", None)
    for n, config in enumerate((pinned, local)):
        target = tmp_path / f"claims-{n}"
        target.mkdir()
        (target / "june.x12").write_text(build_837([_member_claim("C1", "401.50", "20250603")]),
                                         newline="")
        (target / ".pre-commit-config.yaml").write_text(config)
        _git(target, "init", "-q")
        _git(target, "add", "-A")
        result = subprocess.run([sys.executable, "-m", "pre_commit", "run", "--all-files",
                                 "--color", "never"], cwd=target, env=env,
                                capture_output=True, text=True, timeout=900)
        out = result.stdout + result.stderr
        assert result.returncode == 1, out
        assert "june.x12:23:1: warning B305 [GEN-05] G9008-U1 on 2025-06-03 is billed at $401.50" in out
        assert "0 errors, 1 warning" in out
