"""The command line's contract (issue 2): exit codes, inputs, text order, JSON keys, `parse`."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

from edi_lint import __version__
from edi_lint.testing import Claim, Line, build_837

from clirun import run_cli

ROOT = Path(__file__).resolve().parents[1]
CLEAN = ROOT / "fixtures" / "837" / "ecm_cs_clean_month.x12"
MISTAKES = ROOT / "fixtures" / "837" / "ecm_mistakes.x12"


def run_process(*args, stdin=None, cwd=ROOT):
    """``python -m edi_lint *args`` in a process of its own (what only a process shows)."""
    proc = subprocess.run([sys.executable, "-m", "edi_lint", *map(str, args)], input=stdin,
                          capture_output=True, cwd=cwd)
    assert b"Traceback" not in proc.stderr, proc.stderr.decode()
    return proc


def run(*args, stdin=None, cwd=ROOT):
    """``edi-lint *args`` in this process (tests/clirun.py), with a process's bytes."""
    ran = run_cli(*args, cwd=cwd, input=stdin)
    return SimpleNamespace(returncode=ran.returncode, stdout=ran.stdout.encode(),
                           stderr=ran.stderr.encode())


def test_version():
    proc = run("--version")
    assert proc.returncode == 0
    assert proc.stdout.decode().strip() == f"edi-lint, version {__version__}"


def test_clean_file_exits_0_and_mistakes_exit_1():
    assert run("check", CLEAN).returncode == 0
    assert run("check", MISTAKES).returncode == 1


def test_fail_on_and_exit_zero():
    # the clean month has one info finding (G9007 is not reimbursable): info fails only at 'info'
    assert run("check", "--fail-on", "warning", CLEAN).returncode == 0
    assert run("check", "--fail-on", "info", CLEAN).returncode == 1
    assert run("check", "--exit-zero", MISTAKES).returncode == 0


@pytest.mark.parametrize("args", [("check", "no/such/file.x12"), ("check",),
                                  ("check", "--format", "xml", "x"), ("check", "--bogus", "x")])
def test_usage_and_io_errors_exit_2_with_one_line(args):
    proc = run(*args)
    assert proc.returncode == 2
    assert proc.stdout == b""
    last = proc.stderr.decode().strip().splitlines()[-1]
    assert last.startswith(("Error: ", "edi-lint: "))  # click's usage block ends in one line


def test_missing_path_message_names_it():
    proc = run("check", "no/such/file.x12")
    assert proc.stderr.decode().strip() == "edi-lint: no/such/file.x12: no such file or directory"


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_stdin_is_read_as_path_dash(jobs):
    proc = run("check", "-j", jobs, "--format", "json", "-", stdin=MISTAKES.read_bytes())
    data = json.loads(proc.stdout)
    assert data["files"] == [{"path": "-", "transactions": 1, "claims": 13, "tar_requests": 0,
                              "tar_responses": 0}]
    assert {f["path"] for f in data["findings"]} == {"-"}


def test_stdin_is_streamed_with_compact_facts_and_the_same_findings(monkeypatch):
    """stdin is read in chunks and copied to a temporary file: its batch facts are the
    packed ints of a file's, and findings read their segment text back from the copy."""
    import io
    import types

    from edi_lint.engine import Linter, Options
    from edi_lint.x12 import stdin as stdin_copy

    def findings(linter, paths):
        result = linter.run(paths)
        return [(f.rule, f.tip, f.severity, f.line, f.col, f.content, f.message)
                for f in result.findings]

    from_file = findings(Linter(Options()), [str(MISTAKES)])
    monkeypatch.setattr(sys, "stdin", types.SimpleNamespace(
        buffer=io.BufferedReader(io.BytesIO(MISTAKES.read_bytes()), buffer_size=64)))
    linter = Linter(Options())
    from_stdin = findings(linter, ["-"])
    assert from_stdin == from_file
    b101 = next(f for f in from_stdin if f[0] == "B101")  # a batch rule: text read back
    assert b101[3:6] == (29, 1, "SV1*HC:G9012:U2*400.00*UN*1***1")
    assert linter.ctx.batch.lines and all(type(fact.where) is int
                                          for fact in linter.ctx.batch.lines)
    assert not stdin_copy.copying()  # the copy is gone with the run


def test_directory_walk_takes_x12_extensions_only(tmp_path):
    text = build_837([Claim("C1", [Line("G9008", ["U1"], g1=["A1"])])])
    for name in ("a.x12", "b.edi", "c.837", "d.278", "e.txt", "notes.md", "f.json",
                 "NOAUTH.X12", "G.Edi", "h.TXT", "a.x12.bak"):
        (tmp_path / "sub" / name).parent.mkdir(exist_ok=True)
        (tmp_path / "sub" / name).write_text(text)
    (tmp_path / "sub" / "bom.txt").write_bytes(b"\xef\xbb\xbf\r\n  " + text.encode())
    (tmp_path / "sub" / "notes.txt").write_text("Claims for June: see the .x12 files\n")
    (tmp_path / "sub" / "empty.txt").write_bytes(b"")
    proc = run("check", "--format", "json", tmp_path)
    paths = [Path(f["path"]).name for f in json.loads(proc.stdout)["files"]]
    assert paths == ["G.Edi", "NOAUTH.X12", "a.x12", "b.edi", "bom.txt", "c.837", "d.278",
                     "e.txt", "h.TXT"]


def test_a_named_txt_file_is_read_unless_sniffed(tmp_path):
    notes = tmp_path / "notes.txt"
    notes.write_text("Claims for June\n")
    proc = run("check", "--format", "json", notes)
    found = json.loads(proc.stdout)["findings"]
    assert proc.returncode == 1
    assert [(f["rule"], f["line"], f["segment_index"]) for f in found] == [("X001", 1, 0)]
    sniffed = run("check", "--format", "json", "--sniff-txt", notes)
    assert sniffed.returncode == 0
    assert json.loads(sniffed.stdout)["files"] == []
    claims = tmp_path / "claims.TXT"
    claims.write_text(build_837([Claim("C1", [Line("G9008", ["U1"], g1=["A1"])])]))
    kept = run("check", "--format", "json", "--sniff-txt", notes, claims)
    assert [f["path"] for f in json.loads(kept.stdout)["files"]] == [str(claims)]


def test_a_dangling_symlink_in_a_directory_is_x005_and_the_rest_is_checked(tmp_path):
    (tmp_path / "a.x12").write_bytes(MISTAKES.read_bytes())
    (tmp_path / "old").mkdir()
    os.symlink(tmp_path / "nowhere.x12", tmp_path / "old" / "gone.x12")
    os.symlink(tmp_path / "nowhere.md", tmp_path / "old" / "gone.md")  # not an X12 name
    proc = run("check", "--format", "json", "--select", "X,B101", tmp_path)
    assert proc.returncode == 1
    data = json.loads(proc.stdout)
    assert [f["path"] for f in data["files"]] == [str(tmp_path / "a.x12")]
    assert [(Path(f["path"]).name, f["rule"], f["line"], f["segment_index"], f["severity"])
            for f in data["findings"]] == [("a.x12", "B101", 29, 29, "error"),
                                           ("gone.x12", "X005", 1, 0, "error")]
    assert data["findings"][1]["message"] == (
        "cannot read this file: it is a symbolic link to a file that does not exist;"
        " the rest of the batch was checked")
    text = run("check", "--select", "X", tmp_path)
    assert text.stdout.decode().splitlines()[0] == (
        f"{tmp_path / 'old' / 'gone.x12'}:1:1: error X005 cannot read this file: it is a symbolic"
        " link to a file that does not exist; the rest of the batch was checked")
    named = run("check", tmp_path / "old" / "gone.x12")
    assert named.returncode == 2 and named.stdout == b""
    assert named.stderr.decode().splitlines() == [
        f"edi-lint: {tmp_path / 'old' / 'gone.x12'}: no such file or directory"]


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0,
                    reason="root reads every file")
def test_an_unreadable_file_and_directory_in_a_walk_are_x005(tmp_path):
    (tmp_path / "a.x12").write_bytes(CLEAN.read_bytes())
    (tmp_path / "secret.x12").write_bytes(CLEAN.read_bytes())
    (tmp_path / "secret.x12").chmod(0)
    (tmp_path / "shut").mkdir()
    (tmp_path / "shut").chmod(0)
    try:
        proc = run("check", "--format", "json", "--select", "X", tmp_path)
    finally:
        (tmp_path / "shut").chmod(0o755)
        (tmp_path / "secret.x12").chmod(0o644)
    data = json.loads(proc.stdout)
    assert proc.returncode == 1
    assert [(Path(f["path"]).name, f["rule"], f["line"]) for f in data["findings"]] == [
        ("secret.x12", "X005", 1), ("shut", "X005", 1)]
    assert data["findings"][0]["message"].startswith("cannot read this file: permission denied")
    assert data["findings"][1]["message"].startswith("cannot list this directory: permission")


def test_a_named_pipe_in_a_directory_is_one_line_exit_2_not_a_hang(tmp_path):
    (tmp_path / "a.x12").write_text(build_837([Claim("C1", [Line("G9008", ["U1"], g1=["A1"])])]))
    os.mkfifo(tmp_path / "pipe.x12")  # no writer: opening it would block for ever
    proc = subprocess.run([sys.executable, "-m", "edi_lint", "check", str(tmp_path)],
                          capture_output=True, timeout=60)
    assert proc.returncode == 2 and proc.stdout == b""
    assert proc.stderr.decode().splitlines() == [
        f"edi-lint: {tmp_path / 'pipe.x12'}: not a regular file (a pipe, socket or device);"
        " name it on its own to read it"]


@pytest.mark.parametrize("args, line", [
    (["check", "-j", "0", "x.x12"], "edi-lint: Invalid value for '-j' / '--jobs': '0' is not"
     " 'auto' or a whole number of at least 1 (see 'edi-lint check -h')"),
    (["check", "--fail-on", "fatal", "x.x12"], "edi-lint: Invalid value for '--fail-on': 'fatal'"
     " is not one of 'error', 'warning', 'info' (see 'edi-lint check -h')"),
    (["check"], "edi-lint: Missing argument 'PATHS...' (see 'edi-lint check -h')"),
    (["chek", "x.x12"], "edi-lint: No such command 'chek'. Did you mean 'check'?"
     " (see 'edi-lint -h')"),
])
def test_a_bad_command_line_is_one_line_and_exit_2(args, line):
    proc = run(*args)
    assert proc.returncode == 2 and proc.stdout == b""
    assert proc.stderr.decode().splitlines() == [line]


def test_text_format_is_sorted_and_summarised():
    lines = run("check", MISTAKES).stdout.decode().splitlines()
    body, summary = lines[:-1], lines[-1]
    positions = [int(line.split(":")[1]) for line in body]
    assert positions == sorted(positions)
    assert body[0].startswith("fixtures/837/ecm_mistakes.x12:") is False  # absolute path as given
    first = body[0].split(": ", 1)[1]
    assert first.startswith("error B101 [ECM-01] G9012-U2 on 2025-06-20 is, by date of service,"
                            " the 2nd ECM monthly")
    assert summary == "10 errors, 2 warnings, 1 info in 1 file (13 claims, 0 TAR requests, 0 TAR responses)"


def test_each_text_line_names_its_severity():
    lines = run("check", CLEAN).stdout.decode().splitlines()
    assert lines == [
        f"{CLEAN}:32:1: info B106 [ECM-06] G9007 (ECM multidisciplinary team conference) is not"
        " reimbursable: it is billed for information and pays nothing",
        "0 errors, 0 warnings, 1 info in 1 file (13 claims, 0 TAR requests, 0 TAR responses)"]


def test_min_severity_hides_findings_but_not_their_count_or_the_exit_code():
    proc = run("check", "--min-severity", "warning", MISTAKES)
    assert proc.returncode == 1
    *body, summary = proc.stdout.decode().splitlines()
    assert [line.split(": ", 1)[1].split()[:2] for line in body if ":156:" in line] == [
        ["error", "B106"], ["warning", "B305"]]  # the info B106 at line 156 is not shown
    assert {line.split(": ", 1)[1].split()[0] for line in body} == {"error", "warning"}
    assert len(body) == 12
    assert summary == ("10 errors, 2 warnings, 1 info in 1 file (13 claims, 0 TAR requests,"
                       " 0 TAR responses); 1 below warning not shown (--min-severity)")
    # an info finding still fails the run at --fail-on info, shown or not
    quiet = run("check", "--min-severity", "error", "--fail-on", "info", CLEAN)
    assert quiet.returncode == 1
    assert quiet.stdout.decode().splitlines() == [
        "0 errors, 0 warnings, 1 info in 1 file (13 claims, 0 TAR requests, 0 TAR responses);"
        " 1 below error not shown (--min-severity)"]


@pytest.mark.parametrize("fmt", ["json", "sarif"])
def test_min_severity_filters_json_and_sarif_too(fmt):
    data = json.loads(run("check", "--format", fmt, "--min-severity", "error", MISTAKES).stdout)
    if fmt == "json":
        assert {f["severity"] for f in data["findings"]} == {"error"}
        assert len(data["findings"]) == 10
        assert data["summary"]["warning"] == 2 and data["summary"]["info"] == 1
    else:
        results = data["runs"][0]["results"]
        assert {r["level"] for r in results} == {"error"} and len(results) == 10


def test_json_contract_keys_are_exact():
    data = json.loads(run("check", "--format", "json", MISTAKES).stdout)
    assert list(data) == ["tool", "files", "findings", "summary"]
    assert data["tool"] == {"name": "edi-lint", "version": __version__}
    assert list(data["findings"][0]) == ["rule", "tip", "severity", "message", "path", "line",
                                          "segment_index", "segment_id", "loop", "claim_id",
                                          "service_line"]
    assert data["summary"] == {"files": 1, "claims": 13, "tar_requests": 0, "tar_responses": 0,
                               "error": 10, "warning": 2, "info": 1}
    first = data["findings"][0]
    assert (first["rule"], first["tip"], first["segment_id"], first["loop"], first["claim_id"],
            first["service_line"], first["line"]) == ("B101", "ECM-01", "SV1", "2400", "E202", 1, 29)


def test_no_member_id_without_show_phi():
    out = run("check", "--format", "json", MISTAKES).stdout.decode()
    assert "MBR000" not in out
    shown = run("check", "--show-phi", "--select", "ECM-01", MISTAKES).stdout.decode()
    assert "member MBR000101" in shown


def test_parse_prints_the_loop_tree_with_positions():
    proc = run("parse", ROOT / "fixtures" / "837" / "cob_kaiser_dsnp.x12")
    assert proc.returncode == 0
    rows = proc.stdout.decode().splitlines()
    assert rows[0].split() == ["1:1", "#1", "ISA", "ISA"]
    loops = {row.split()[-2] for row in rows}
    assert {"2000A", "2010AA", "2000B", "2010BA", "2010BB", "2300", "2320", "2330B", "2400"} <= loops
    clm = next(row for row in rows if row.split()[-1] == "CLM")
    assert clm.split()[-2] == "2300"
    assert "KAISER" not in proc.stdout.decode() and "MBR" not in proc.stdout.decode()


def test_parse_shows_no_data_of_a_segment_whose_id_is_its_whole_text(tmp_path):
    data = (ROOT / "fixtures" / "837" / "cob_kaiser_dsnp.x12").read_bytes()
    path = tmp_path / "odd.x12"
    path.write_bytes(data.replace(b"CLM*", b"NM1|IL|1|DOE|JANE||||MI|MBR000101~CLM*", 1))
    out = run("parse", path).stdout.decode()
    assert "NM1..." in out.split() and "DOE" not in out and "MBR000101" not in out


def test_the_command_ends_at_once_with_the_whole_report_and_its_exit_code(tmp_path):
    """``edi-lint`` ends with ``os._exit`` once ``check`` has flushed its report (``cli._exit``):
    the report piped out of the process is whole, and the exit code is ``check``'s."""
    from click.testing import CliRunner
    from edi_lint.cli import main
    args = ["check", "--format", "json", str(MISTAKES), str(CLEAN)]
    piped = run_process(*args)
    in_process = CliRunner().invoke(main, args)
    assert piped.returncode == in_process.exit_code == 1
    assert json.loads(piped.stdout) == json.loads(in_process.output)
    report = tmp_path / "report.json"
    written = run_process(*args, "--output", report, "--exit-zero")
    assert written.returncode == 0 and written.stdout == b""
    assert json.loads(report.read_text()) == json.loads(in_process.output)
