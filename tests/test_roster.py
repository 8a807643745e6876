"""The eligibility roster (--roster): loading, validation (exit 2 through the CLI), lookups."""
from __future__ import annotations

import subprocess
import sys
from datetime import date

import pytest

from edi_lint.engine import UsageError
from edi_lint.roster import Roster, load_roster
from edi_lint.testing import Line, wrap_lines

HEADER = "member_id,month,status,other_coverage\n"


def write(tmp_path, text, name="roster.csv", encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def test_load_and_lookup(tmp_path):
    path = write(tmp_path, HEADER + "M1,2025-06,eligible,\nM1,2025-07,ineligible,\n"
                 "M2,2025-06,eligible,kaiser\n\nM3,2025-06,eligible,dsnp\n")
    roster = load_roster(path)
    assert len(roster) == 4
    assert roster.lookup("M1", "2025-06") == ("eligible", "")
    assert roster.lookup("M1", date(2025, 7, 15)) == ("ineligible", "")
    assert roster.lookup("M2", "2025-06") == ("eligible", "kaiser")
    assert roster.lookup("M3", "2025-06") == ("eligible", "dsnp")
    assert roster.lookup("M1", "2025-08") is None
    assert roster.lookup(None, "2025-06") is None
    assert roster.is_eligible("M1", "2025-06")
    assert not roster.is_eligible("M1", "2025-07")
    assert not roster.is_eligible("M1", "2025-08")  # absent from a non-empty roster
    assert not roster.is_eligible("M9", "2025-06")


def test_empty_roster_makes_nobody_ineligible(tmp_path):
    roster = load_roster(write(tmp_path, HEADER))
    assert len(roster) == 0
    assert roster.is_eligible("M1", "2025-06")
    assert Roster().is_eligible("M1", "2025-06")


def test_bom_crlf_spaces_and_quotes_are_read(tmp_path):
    text = "\ufeffmember_id,month,status,other_coverage\r\n\"M1\", 2025-06 ,eligible, kaiser\r\n"
    roster = load_roster(write(tmp_path, text))
    assert roster.lookup("M1", "2025-06") == ("eligible", "kaiser")


def test_repeated_identical_row_is_fine(tmp_path):
    roster = load_roster(write(tmp_path, HEADER + "M1,2025-06,eligible,\nM1,2025-06,eligible,\n"))
    assert len(roster) == 1


BAD = [
    ("bad-header", "member,month,status,coverage\nM1,2025-06,eligible,\n", 1, "header"),
    ("missing-column", "member_id,month,status\nM1,2025-06,eligible\n", 1, "header"),
    ("bad-month", HEADER + "M1,2025-06,eligible,\nM1,2025-13,eligible,\n", 3, "month '2025-13'"),
    ("month-format", HEADER + "M1,06/2025,eligible,\n", 2, "is not YYYY-MM"),
    ("unknown-status", HEADER + "M1,2025-06,active,\n", 2, "unknown status 'active'"),
    ("unknown-coverage", HEADER + "M1,2025-06,eligible,medicare\n", 2,
     "unknown other_coverage 'medicare'"),
    ("too-few-fields", HEADER + "M1,2025-06,eligible\n", 2, "3 fields"),
    ("too-many-fields", HEADER + "M1,2025-06,eligible,,x\n", 2, "5 fields"),
    ("empty-member", HEADER + ",2025-06,eligible,\n", 2, "empty member_id"),
    ("conflicting-row", HEADER + "M1,2025-06,eligible,\nM1,2025-06,ineligible,\n", 3,
     "already on line 2"),
]


@pytest.mark.parametrize("name,text,line,words", BAD, ids=[b[0] for b in BAD])
def test_malformed_roster_names_file_and_line(tmp_path, name, text, line, words):
    path = write(tmp_path, text)
    with pytest.raises(UsageError) as exc:
        load_roster(path)
    message = str(exc.value)
    assert message.startswith(f"{path}: line {line}: "), message
    assert words in message
    assert "\n" not in message


def test_empty_file_and_unreadable_file(tmp_path):
    with pytest.raises(UsageError, match="header"):
        load_roster(write(tmp_path, ""))
    with pytest.raises(UsageError, match="cannot read roster"):
        load_roster(tmp_path / "missing.csv")
    with pytest.raises(UsageError, match="not UTF-8"):
        load_roster(write(tmp_path, HEADER + "M\xe9,2025-06,eligible,\n", encoding="latin-1"))


# --------------------------------------------------------------------------- the real CLI


def cli(*args, cwd):
    return subprocess.run([sys.executable, "-m", "edi_lint", *map(str, args)], cwd=cwd,
                          capture_output=True, text=True)


@pytest.fixture
def claim_file(tmp_path):
    path = tmp_path / "claims.x12"
    path.write_text(wrap_lines(Line("G9008", ["U1"]), g1="ECM250601", member="MBR0001"),
                    encoding="utf-8")
    return path


@pytest.mark.parametrize("name,text,line,words", BAD, ids=[b[0] for b in BAD])
def test_cli_malformed_roster_exits_2(tmp_path, claim_file, name, text, line, words):
    roster = write(tmp_path, text, name="bad.csv")
    proc = cli("check", "--roster", roster, claim_file, cwd=tmp_path)
    assert proc.returncode == 2, (proc.stdout, proc.stderr)
    assert f"{roster}: line {line}: " in proc.stderr
    assert words in proc.stderr
    assert "Traceback" not in proc.stderr
    assert proc.stdout == ""


def test_cli_missing_roster_exits_2(tmp_path, claim_file):
    proc = cli("check", "--roster", tmp_path / "nope.csv", claim_file, cwd=tmp_path)
    assert proc.returncode == 2
    assert "nope.csv: cannot read roster" in proc.stderr


def test_cli_roster_findings(tmp_path, claim_file):
    ok = write(tmp_path, HEADER + "MBR0001,2025-06,eligible,\n", name="ok.csv")
    proc = cli("check", "--roster", ok, claim_file, cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    bad = write(tmp_path, HEADER + "MBR0001,2025-06,ineligible,kaiser\n", name="ineligible.csv")
    proc = cli("check", "--roster", bad, "--format", "json", claim_file, cwd=tmp_path)
    assert proc.returncode == 1, proc.stderr
    import json
    found = sorted((f["rule"], f["tip"], f["severity"], f["claim_id"], f["service_line"])
                   for f in json.loads(proc.stdout)["findings"])
    assert ("B302", "GEN-02", "error", "C1", 1) in found
    assert ("B304", "GEN-04", "error", "C1", 1) in found
    assert "MBR0001" not in proc.stdout
