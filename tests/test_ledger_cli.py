"""`edi-lint ledger add|init|show|stats` and `check --ledger` as a user runs them.

Real processes where it matters: several `ledger add` at once on one new ledger, a writer
killed in the middle of its transaction, and every broken ledger (missing, not a ledger,
corrupt, newer schema) giving exit 2 with one line on stderr and never a traceback.

Every test runs on both backends (``ledger_target`` in conftest.py); where a case is about
files (mode 0600, a text file, a directory, torn pages) the PostgreSQL run checks its
counterpart (a schema of something else, an empty schema, a damaged schema) or skips.
"""
from __future__ import annotations

import json
import os
import signal
import sqlite3
import stat
import subprocess
import sys
import textwrap

import pytest
from click.testing import CliRunner

from conftest import is_postgres, pg_connect, schema_of, shown
from edi_lint.cli import main
from edi_lint.ledger import open_ledger, schema
from edi_lint.testing import x12build as xb


def run(*args, timeout=120):
    """edi-lint in a real process: (exit code, stdout, stderr)."""
    proc = subprocess.run([sys.executable, "-m", "edi_lint", *args], capture_output=True,
                          text=True, timeout=timeout)
    return proc.returncode, proc.stdout, proc.stderr


def cli(*args):
    return CliRunner().invoke(main, list(args))


def claims(prefix, n, member="M{i}", dos="20250603"):
    return [xb.Claim(f"{prefix}{i}", [xb.Line("G9008", ["U1"], dos=dos, g1=["ECM1"])],
                     member=member.format(i=i)) for i in range(n)]


@pytest.fixture
def x12(tmp_path):
    def make(name, items):
        path = tmp_path / f"{name}.x12"
        path.write_text(xb.build_837(items))
        return str(path)
    return make


@pytest.fixture
def ledger(ledger_target):
    """The test's ledger: an SQLite path or a PostgreSQL URL (conftest.py)."""
    return ledger_target


def sqlite_only(target, why):
    if is_postgres(target):
        pytest.skip(f"SQLite only: {why}")


def shown_target(target):
    return shown(target) if is_postgres(target) else target


def one_error_line(stderr: str) -> str:
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    assert "Traceback" not in stderr
    assert lines[0].startswith("edi-lint: ")
    return lines[0]


def counts(target):
    """(claims, lines, TAR responses) recorded, whichever backend."""
    with open_ledger(target) as led:
        data = led.stats()
    return data["claims"], data["lines"], data["tar_responses"]


def adds(target):
    with open_ledger(target) as led:
        return led.stats()["adds"]


def integrity_ok(target):
    if is_postgres(target):
        return True  # the server's business (no torn pages to look for)
    conn = sqlite3.connect(target)
    try:
        return conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        conn.close()


# --------------------------------------------------------------------------- add, show, stats


def test_add_creates_the_ledger_with_mode_0600_and_prints_counts(x12, ledger, tmp_path):
    tar = tmp_path / "tar.x12"
    tar.write_text(xb.build_278_response(member="M1", cert="ECM1", lines=[
        xb.TarLine("G9008", ["U1"], units="6")]))
    result = cli("ledger", "add", "--ledger", ledger, x12("a", claims("C", 3)), str(tar))
    assert result.exit_code == 0, result.output
    assert result.output == ("recorded 3 lines of 3 claims and 1 TAR response from 2 files"
                             " (0 already recorded)\n")
    assert counts(ledger) == (3, 3, 1)
    if is_postgres(ledger):
        return  # no file: who may read the schema is the server's GRANTs
    assert stat.S_IMODE(os.stat(ledger).st_mode) == 0o600
    for suffix in ("-wal", "-shm"):
        if os.path.exists(ledger + suffix):
            assert stat.S_IMODE(os.stat(ledger + suffix).st_mode) == 0o600


def test_add_reads_directories_and_warns_about_files_with_nothing_to_record(ledger, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.x12").write_text(xb.build_837(claims("C", 2)))
    (folder / "b.x12").write_text(xb.build_278_request(member="M1", lines=[
        xb.TarLine("G9008", ["U1"])]))
    code, out, err = run("ledger", "add", "--ledger", ledger, str(folder))
    assert code == 0, err
    assert out == "recorded 2 lines of 2 claims and 0 TAR responses from 2 files (0 already" \
        " recorded)\n"
    assert err.strip() == f"edi-lint: warning: {folder / 'b.x12'}: no 837P claim or 278 response" \
        " to record"


def test_add_with_a_missing_input_fails_before_creating_the_ledger(ledger, tmp_path):
    code, out, err = run("ledger", "add", "--ledger", ledger, str(tmp_path / "nope.x12"))
    assert code == 2
    assert "no such file" in one_error_line(err)
    assert not exists(ledger)


def exists(target):
    if is_postgres(target):
        with pg_connect() as conn:
            return bool(conn.execute("SELECT 1 FROM pg_namespace WHERE nspname = %s",
                                     (schema_of(target),)).fetchone())
    return os.path.exists(target)


def test_init_creates_an_empty_ledger(ledger):
    result = cli("ledger", "init", "--ledger", ledger)
    assert result.exit_code == 0
    assert result.output == (f"ledger {shown_target(ledger)} ready (schema version"
                             f" {schema.LATEST})\n")
    assert counts(ledger) == (0, 0, 0)


def test_show_member_and_claim(x12, ledger, tmp_path):
    cli("ledger", "add", "--ledger", ledger,
        x12("a", [xb.Claim("C100", [xb.Line("G9008", ["U1"], dos="20250603", g1=["ECM1"]),
                                    xb.Line("G9012", [], charge="150.00", dos="20250604")],
                           member="MBR777")]))
    tar = tmp_path / "tar.x12"
    tar.write_text(xb.build_278_response(member="MBR777", cert="ECM1", lines=[
        xb.TarLine("G9008", ["U1"], units="6", period=("20250601", "20251231"))]))
    cli("ledger", "add", "--ledger", ledger, str(tar))
    result = cli("ledger", "show", "--ledger", ledger, "--member", "MBR777")
    assert result.exit_code == 0
    text = result.output.splitlines()
    assert text[0].startswith("claim C100 (ledger claim #1): billing NPI 1234567893, frequency 1,"
                              " member MBR777, charge 550.00; active; recorded ")
    assert text[1] == ("  line 1: G9008-U1 2025-06-03, 1 UN, charge 400.00, REF*G1 ECM1,"
                       " group ecm-monthly")
    assert text[2] == "  line 2: G9012 2025-06-04, 1 UN, charge 150.00, group ecm-engagement"
    assert text[3].startswith("TAR response ECM1 (ledger response #1): member MBR777, UM HS/I,"
                              " HCR A1; recorded ")
    assert text[4] == ("  service 1: G9008-U1, HCR A1 ECM1, DTP*472 2025-06-01..2025-12-31,"
                       " quantity 6")
    as_json = json.loads(cli("ledger", "show", "--ledger", ledger, "--claim", "C100",
                             "--format", "json").output)
    assert [c["clm01"] for c in as_json["claims"]] == ["C100"]
    assert as_json["claims"][0]["lines"][0]["g1"] == ["ECM1"]
    assert cli("ledger", "show", "--ledger", ledger, "--claim", "C999").output == \
        "nothing recorded for this query\n"


def test_show_needs_a_query(ledger):
    cli("ledger", "init", "--ledger", ledger)
    code, _, err = run("ledger", "show", "--ledger", ledger)
    assert code == 2 and "give --member ID and/or --claim ID" in one_error_line(err)


def test_stats_counts_without_member_ids(x12, ledger):
    cli("ledger", "add", "--ledger", ledger, x12("a", claims("C", 3, member="SECRET{i}")))
    cli("ledger", "add", "--ledger", ledger,
        x12("v", [xb.Claim("C0", [xb.Line("G9008", ["U1"], dos="20250603", g1=["ECM1"])],
                           member="SECRET0", freq="8")]))
    result = cli("ledger", "stats", "--ledger", ledger)
    assert result.exit_code == 0
    assert "SECRET" not in result.output
    lines = result.output.splitlines()
    backend = "postgresql" if is_postgres(ledger) else "sqlite"
    assert lines[0] == f"ledger {shown_target(ledger)} ({backend}, schema version {schema.LATEST})"
    assert lines[1:4] == [
        "claims: 4 (2 active, 0 superseded, 2 void)",
        "lines: 4 (2 counted) of 3 members, DOS 2025-06-03 to 2025-06-03",
        "TAR responses: 0 (0 approved)"]
    data = json.loads(cli("ledger", "stats", "--ledger", ledger, "--format", "json").output)
    assert (data["claims"], data["claims_void"], data["members"], data["adds"]) == (4, 2, 3, 2)


# --------------------------------------------------------------------------- check --ledger


def test_check_with_a_ledger_flags_across_files_and_exits_1(x12, ledger):
    first = x12("a", claims("C", 1, member="M1"))
    second = x12("b", [xb.Claim("D0", [xb.Line("G9012", ["U2"], dos="20250620",
                                               g1=["ECM1"])], member="M1")])
    assert cli("ledger", "add", "--ledger", ledger, first).exit_code == 0
    code, out, err = run("check", "--ledger", ledger, "--select", "B101", "--format", "json",
                         second)
    assert code == 1, err
    assert [(f["rule"], f["claim_id"], f["service_line"]) for f in json.loads(out)["findings"]] \
        == [("B101", "D0", 1)]
    code, out, _ = run("check", "--select", "B101", second)
    assert code == 0


def test_check_with_a_missing_ledger_is_exit_2_and_creates_nothing(x12, ledger):
    code, out, err = run("check", "--ledger", ledger, x12("a", claims("C", 1)))
    assert code == 2 and out == ""
    kind = "URL" if is_postgres(ledger) else "PATH"
    assert one_error_line(err) == (f"edi-lint: {shown_target(ledger)}: no such ledger (record"
                                   f" files first with `edi-lint ledger add --ledger {kind}"
                                   " FILES...`)")
    assert not exists(ledger)


# --------------------------------------------------------------------------- broken ledgers


def _not_sqlite(path):
    with open(path, "w") as fh:
        fh.write("member_id,month\nM1,2025-06\n")


def _other_sqlite(path):
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE notes (body TEXT)")
    conn.commit()
    conn.close()


def _empty(path):
    open(path, "wb").close()


def _other_schema(url):
    with pg_connect() as conn:
        conn.execute(f'CREATE SCHEMA "{schema_of(url)}"')
        conn.execute(f'CREATE TABLE "{schema_of(url)}".notes (body text)')


def _pg_contents(url):
    with pg_connect(schema=schema_of(url)) as conn:
        return conn.execute("SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid ="
                            " c.relnamespace WHERE n.nspname = %s ORDER BY 1",
                            (schema_of(url),)).fetchall(), conn.execute(
                                "SELECT * FROM notes").fetchall()


@pytest.mark.parametrize("make, message", [
    (_not_sqlite, "not an edi-lint ledger (not an SQLite database)"),
    (_other_sqlite, "not an edi-lint ledger (an SQLite database of something else)"),
], ids=["text-file", "other-sqlite"])
@pytest.mark.parametrize("command", ["check", "show", "stats", "add"])
def test_not_a_ledger_is_exit_2_one_line(x12, ledger, tmp_path, make, message, command):
    if is_postgres(ledger):  # a schema holding something else
        if make is _not_sqlite:
            pytest.skip("a text file has no PostgreSQL counterpart")
        path = ledger
        _other_schema(path)
        message = (f"not an edi-lint ledger (schema {schema_of(path)!r} holds other tables;"
                   " give the ledger a schema of its own with ?schema=NAME)")
        contents = _pg_contents
    else:
        path = str(tmp_path / "other.db")
        make(path)

        def contents(p):
            return open(p, "rb").read()
    before = contents(path)
    source = x12("a", claims("C", 1))
    args = {"check": ["check", "--ledger", path, source],
            "show": ["ledger", "show", "--ledger", path, "--member", "M0"],
            "stats": ["ledger", "stats", "--ledger", path],
            "add": ["ledger", "add", "--ledger", path, source]}[command]
    code, out, err = run(*args)
    assert code == 2 and out == ""
    assert one_error_line(err) == f"edi-lint: {shown_target(path)}: {message}"
    assert contents(path) == before


def test_an_empty_file_is_not_a_ledger_for_check(x12, ledger, tmp_path):
    if is_postgres(ledger):  # an empty schema is no ledger (yet): check creates nothing
        with pg_connect() as conn:
            conn.execute(f'CREATE SCHEMA "{schema_of(ledger)}"')
        code, _, err = run("check", "--ledger", ledger, x12("a", claims("C", 1)))
        assert code == 2
        assert one_error_line(err).startswith(f"edi-lint: {shown(ledger)}: no such ledger")
        with pg_connect() as conn:
            assert conn.execute("SELECT COUNT(*) FROM pg_class c JOIN pg_namespace n ON n.oid ="
                                " c.relnamespace WHERE n.nspname = %s",
                                (schema_of(ledger),)).fetchone()[0] == 0
        return
    path = str(tmp_path / "empty.db")
    _empty(path)
    code, _, err = run("check", "--ledger", path, x12("a", claims("C", 1)))
    assert code == 2
    assert one_error_line(err) == f"edi-lint: {path}: not an edi-lint ledger (an empty file)"


def test_a_directory_is_not_a_ledger(ledger, tmp_path):
    sqlite_only(ledger, "a directory is a file-system matter")
    code, _, err = run("ledger", "stats", "--ledger", str(tmp_path))
    assert code == 2 and "is a directory" in one_error_line(err)


def test_damaged_pg_ledger_is_exit_2_one_line(x12, ledger):
    """The PostgreSQL counterpart of a corrupt file: a ledger schema missing a table."""
    if not is_postgres(ledger):
        pytest.skip("PostgreSQL only: SQLite's torn pages are test_corrupt_ledger_is_exit_2")
    source = x12("a", claims("C", 30))
    assert cli("ledger", "add", "--ledger", ledger, source).exit_code == 0
    with pg_connect(schema=schema_of(ledger)) as conn:
        conn.execute("DROP TABLE lines")
    for args in (["ledger", "stats", "--ledger", ledger],
                 ["check", "--ledger", ledger, source],
                 ["ledger", "show", "--ledger", ledger, "--claim", "C1"],
                 ["ledger", "add", "--ledger", ledger, x12("b", claims("D", 3))]):
        code, out, err = run(*args)
        assert code == 2, (args, out, err)
        assert one_error_line(err) == (f"edi-lint: {shown(ledger)}: the ledger is damaged"
                                       ' (relation "lines" does not exist); restore it from a'
                                       " backup")


@pytest.mark.parametrize("damage", ["pages", "truncated"])
def test_corrupt_ledger_is_exit_2_one_line(x12, ledger, damage):
    sqlite_only(ledger, "torn pages (PostgreSQL: test_damaged_pg_ledger_is_exit_2_one_line)")
    source = x12("a", claims("C", 3000))
    assert cli("ledger", "add", "--ledger", ledger, source).exit_code == 0
    size = os.path.getsize(ledger)
    if damage == "pages":
        with open(ledger, "r+b") as fh:
            fh.seek(4096 * 3)
            fh.write(bytes(range(256)) * 16 * 20)
    else:
        os.truncate(ledger, size // 2)
    for args in (["ledger", "stats", "--ledger", ledger],
                 ["check", "--ledger", ledger, source],
                 ["ledger", "add", "--ledger", ledger, source]):
        code, out, err = run(*args)
        assert code == 2, (args, out, err)
        assert one_error_line(err) == (f"edi-lint: {ledger}: the ledger is corrupt (database disk"
                                       " image is malformed); restore it from a backup")


def test_newer_schema_is_exit_2(x12, ledger, ledger_sql):
    cli("ledger", "init", "--ledger", ledger)
    ledger_sql("INSERT INTO ledger_schema VALUES (?, 'future', 'x')", (schema.LATEST + 7,))
    for args in (["check", "--ledger", ledger, x12("a", claims("C", 1))],
                 ["ledger", "add", "--ledger", ledger, x12("a", claims("C", 1))],
                 ["ledger", "stats", "--ledger", ledger]):
        code, _, err = run(*args)
        assert code == 2
        assert one_error_line(err) == (
            f"edi-lint: {shown_target(ledger)}: ledger schema version {schema.LATEST + 7} is"
            " newer than this"
            f" edi-lint understands ({schema.LATEST}); upgrade edi-lint")


# --------------------------------------------------------------------------- concurrency


def test_concurrent_adds_from_four_processes_all_land(x12, ledger):
    shared = xb.Claim("SHARED", [xb.Line("G9008", ["U1"], dos="20250603")], member="MS")
    sources = [x12(f"part{p}", claims(f"P{p}-", 400, member=f"M{p}-{{i}}") + [shared])
               for p in range(4)]
    procs = [subprocess.Popen([sys.executable, "-m", "edi_lint", "ledger", "add", "--ledger",
                               ledger, src], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True) for src in sources]
    outputs = [p.communicate(timeout=300) for p in procs]
    assert [p.returncode for p in procs] == [0, 0, 0, 0], outputs
    assert counts(ledger) == (4 * 400 + 1, 4 * 400 + 1, 0)
    already = sorted("(1 already recorded)" in out for out, _ in outputs)
    assert already == [False, True, True, True]  # the shared claim landed exactly once
    assert integrity_ok(ledger) and adds(ledger) == 4
    if not is_postgres(ledger):
        assert stat.S_IMODE(os.stat(ledger).st_mode) == 0o600


# Both backends read the responses after writing the claims, inside the add's transaction:
# a responses iterable that stops there stops the writer with every claim row written and
# nothing committed.
KILLED_WRITER = textwrap.dedent("""
    import sys, time
    from edi_lint.ledger import open_ledger
    from edi_lint.ledger.record import read_files

    path, source = sys.argv[1], sys.argv[2]
    read = read_files([source])

    def stalled_responses():
        print("inside the transaction", flush=True)
        time.sleep(120)
        yield from read.responses

    with open_ledger(path, create=True) as ledger:
        ledger.record(iter(read.claims), stalled_responses())
    print("committed", flush=True)
""")


def pg_writer_state(application_name):
    """[(state, whether its transaction wrote)] of the sessions named ``application_name``."""
    with pg_connect() as conn:
        return conn.execute("SELECT state, backend_xid IS NOT NULL FROM pg_stat_activity"
                            " WHERE application_name = %s", (application_name,)).fetchall()


def test_a_writer_killed_mid_add_leaves_the_ledger_as_before(x12, ledger, tmp_path):
    before_file = x12("before", claims("B", 50))
    assert cli("ledger", "add", "--ledger", ledger, before_file).exit_code == 0
    before = counts(ledger)
    script = tmp_path / "writer.py"
    script.write_text(KILLED_WRITER)
    big = x12("big", claims("K", 12_000))
    writer_target = ledger
    if is_postgres(ledger):  # a session name of its own, to find it in pg_stat_activity
        session = f"edi-lint-killed-{schema_of(ledger)}"
        writer_target = f"{ledger}&application_name={session}"
    proc = subprocess.Popen([sys.executable, str(script), writer_target, big],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert proc.stdout.readline().strip() == "inside the transaction", proc.stderr.read()
        if is_postgres(ledger):  # the writer's transaction is open and has written rows
            assert pg_writer_state(session) == [("idle in transaction", True)]
    finally:
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=60)
        proc.stdout.close()
        proc.stderr.close()
    assert proc.returncode == -signal.SIGKILL
    assert counts(ledger) == before
    assert integrity_ok(ledger)
    code, out, err = run("ledger", "stats", "--ledger", ledger)
    assert code == 0 and "claims: 50 (50 active" in out, err
    code, out, err = run("ledger", "add", "--ledger", ledger, big, before_file)
    assert code == 0, err
    assert out == ("recorded 12000 lines of 12000 claims and 0 TAR responses from 2 files"
                   " (50 already recorded)\n")
