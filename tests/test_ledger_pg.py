"""PostgreSQL-only ledger cases: the URL's password, the missing driver, schemas, and writers
racing on the same claim keys (replacements and voids), checks racing with adds.

The rest of the ledger suite runs on both backends (test_ledger.py, test_ledger_cli.py).
Cases that need a server skip when none answers (conftest.py); the driver cases need none.
"""
from __future__ import annotations

import itertools
import json
import os
import subprocess
import sys
import textwrap
import time
from urllib.parse import urlsplit, urlunsplit

import pytest
from click.testing import CliRunner

from conftest import pg_connect, schema_of, shown, with_schema
from edi_lint.cli import main
from edi_lint.engine import UsageError
from edi_lint.ledger import open_ledger
from edi_lint.ledger.postgres import LOCK_BUCKETS, Target, key_bucket
from edi_lint.testing import x12build as xb

PASSWORD = "Pw-0f-the-ledger"


def run(*args, timeout=120, env=None):
    proc = subprocess.run([sys.executable, "-m", "edi_lint", *args], capture_output=True,
                          text=True, timeout=timeout, env=env)
    return proc.returncode, proc.stdout, proc.stderr


def cli(*args):
    return CliRunner().invoke(main, list(args))


def one_error_line(stderr: str) -> str:
    lines = stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in stderr, stderr
    assert lines[0].startswith("edi-lint: ")
    return lines[0]


def with_password(url: str) -> tuple[str, str]:
    """(url with a password, that password): the server's own if the URL has one, else one
    that trust authentication ignores."""
    parts = urlsplit(url)
    userinfo, _, hostport = parts.netloc.rpartition("@")
    if ":" in userinfo:
        return url, userinfo.partition(":")[2]
    user = userinfo or "postgres"
    return urlunsplit(parts._replace(netloc=f"{user}:{PASSWORD}@{hostport}")), PASSWORD


def other_port(url: str) -> str:
    parts = urlsplit(url)
    userinfo, at, _ = parts.netloc.rpartition("@")
    return urlunsplit(parts._replace(netloc=f"{userinfo}{at}127.0.0.1:1"))


def other_path(url: str, database: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path="/" + database))


def claims(prefix, n, member="M{i}", dos="20250603", freq="1", clm01="{prefix}{i}"):
    return [xb.Claim(clm01.format(prefix=prefix, i=i),
                     [xb.Line("G9008", ["U1"], dos=dos, g1=["ECM1"])],
                     member=member.format(i=i), freq=freq) for i in range(n)]


@pytest.fixture
def x12(tmp_path):
    def make(name, items):
        path = tmp_path / f"{name}.x12"
        path.write_text(xb.build_837(items))
        return str(path)
    return make


@pytest.fixture
def url(pg_schema_url):
    return pg_schema_url


@pytest.fixture
def procs(pg_server):
    """Processes a test starts; any still running at its end is killed (before the schema
    is dropped: an open add would hold its locks)."""
    started: list = []
    yield started
    for proc in started:
        if proc.poll() is None:
            proc.kill()
        proc.communicate(timeout=60)


# --------------------------------------------------------------------------- the URL


def test_target_masks_the_password_everywhere():
    t = Target("postgresql://ann:p%40ss%3Aw0rd@db.example:5433/claims?schema=led&sslmode=require"
               "&password=other-secret")
    assert t.display == ("postgresql://ann:***@db.example:5433/claims?schema=led&sslmode=require"
                         "&password=***")
    assert t.schema == "led"
    assert "schema=" not in t.conninfo and "sslmode=require" in t.conninfo
    for secret in ("p%40ss%3Aw0rd", "p@ss:w0rd", "other-secret"):
        assert t.mask(f"x {secret} y") == "x *** y"
    assert Target("postgresql://ann@db/claims").display == "postgresql://ann@db/claims"


def test_the_password_never_appears_in_output_or_errors(pg_schema_url, x12, tmp_path):
    url, password = with_password(pg_schema_url)
    masked = shown(url)
    assert password not in masked and "***" in masked
    tar = tmp_path / "tar.x12"
    tar.write_text(xb.build_278_response(member="M1", cert="ECM1", lines=[
        xb.TarLine("G9008", ["U1"], units="6")]))
    first, second = x12("a", claims("C", 3)), x12("b", claims("D", 3, dos="20250620"))
    runs = [run("ledger", "init", "--ledger", url),
            run("ledger", "add", "--ledger", url, first, str(tar)),
            run("ledger", "stats", "--ledger", url),
            run("ledger", "stats", "--ledger", url, "--format", "json"),
            run("ledger", "show", "--ledger", url, "--member", "M1"),
            run("ledger", "show", "--ledger", url, "--member", "M1", "--format", "json"),
            run("check", "--ledger", url, second),
            run("check", "--ledger", url, "--format", "json", second)]
    assert all(code in (0, 1) for code, _, _ in runs), runs
    assert runs[0][1] == f"ledger {masked} ready (schema version 1)\n"
    assert runs[2][1].startswith(f"ledger {masked} (postgresql, schema version 1)\n")
    failing = {
        "unreachable": other_port(url),
        "no database": other_path(url, "no_such_database_here"),
        "no role": url.replace("postgres:", "no_such_role_here:", 1),
        "bad parameter": url + "&no_such_parameter=1",
        "no ledger": with_schema(url.split("?")[0], schema_of(url) + "_none"),
        "query password": url.split("?")[0].replace(f":{password}@", "@")
        + f"?password={password}&schema={schema_of(url)}_q",
    }
    for name, bad in failing.items():
        for args in (["ledger", "stats", "--ledger", bad], ["check", "--ledger", bad, second]):
            code, out, err = run(*args)
            assert code == 2, (name, args, out, err)
            line = one_error_line(err)
            assert line.startswith(f"edi-lint: {shown(bad)}: ") and "***" in line, line
            runs.append((code, out, err))
    try:
        for bad in (failing["unreachable"], failing["query password"]):
            runs.append(run("ledger", "add", "--ledger", bad, first))
    finally:
        with pg_connect() as conn:
            conn.execute(f'DROP SCHEMA IF EXISTS "{schema_of(url)}_q" CASCADE')
    assert [code for code, _, _ in runs[-2:]] == [2, 0]
    for code, out, err in runs:
        assert password not in out and password not in err, (out, err)


def test_connection_problems_are_one_line_exit_2(pg_server):
    url, _ = with_password(with_schema(pg_server, "x"))
    for bad, expect in ((other_port(url), "cannot connect to the ledger: connection failed"),
                        (other_path(url, "no_such_database_here"),
                         'database "no_such_database_here" does not exist')):
        code, out, err = run("ledger", "stats", "--ledger", bad)
        assert code == 2 and out == ""
        assert expect in one_error_line(err)


# --------------------------------------------------------------------------- the driver

HIDE_PSYCOPG = textwrap.dedent("""
    import sys
    sys.modules["psycopg"] = None  # as if the postgres extra were not installed
    from edi_lint.cli import main
    sys.argv = ["edi-lint", *sys.argv[1:]]
    main()
""")


@pytest.mark.parametrize("command", ["add", "init", "stats", "show", "check"])
def test_without_psycopg_a_url_ledger_is_exit_2_naming_the_extra(command, tmp_path):
    url = f"postgresql://ann:{PASSWORD}@db.example/claims?schema=led"
    source = tmp_path / "a.x12"
    source.write_text(xb.build_837(claims("C", 1)))
    args = {"add": ["ledger", "add", "--ledger", url, str(source)],
            "init": ["ledger", "init", "--ledger", url],
            "stats": ["ledger", "stats", "--ledger", url],
            "show": ["ledger", "show", "--ledger", url, "--member", "M0"],
            "check": ["check", "--ledger", url, str(source)]}[command]
    proc = subprocess.run([sys.executable, "-c", HIDE_PSYCOPG, *args], capture_output=True,
                          text=True, timeout=60)
    assert proc.returncode == 2 and proc.stdout == ""
    assert one_error_line(proc.stderr) == (
        "edi-lint: postgresql://ann:***@db.example/claims?schema=led: a PostgreSQL ledger needs"
        " the psycopg driver (the postgres extra): pip install 'edi-lint[postgres]'")


def test_without_psycopg_in_process(monkeypatch):
    from edi_lint.ledger import postgres
    monkeypatch.setattr(postgres, "psycopg", None)
    with pytest.raises(UsageError, match=r"pip install 'edi-lint\[postgres\]'"):
        open_ledger("postgres://db/claims")


# --------------------------------------------------------------------------- schemas


def test_a_search_path_option_instead_of_the_schema_parameter(pg_server, pg_schema_url, x12):
    schema = schema_of(pg_schema_url)
    with pg_connect() as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    url = f"{pg_server}{'&' if '?' in pg_server else '?'}options=-csearch_path%3D{schema}"
    assert cli("ledger", "add", "--ledger", url, x12("a", claims("C", 2))).exit_code == 0
    with open_ledger(pg_schema_url) as led:  # the same ledger, named by schema=
        assert led.stats()["claims"] == 2


def test_a_check_session_is_read_only(url, x12):
    assert cli("ledger", "add", "--ledger", url, x12("a", claims("C", 1))).exit_code == 0
    import psycopg
    with open_ledger(url) as led:
        with pytest.raises(psycopg.errors.ReadOnlySqlTransaction):
            with led.conn.transaction():
                led.conn.execute("DELETE FROM lines")
        with pytest.raises(UsageError, match="read-only"):
            led.record([], [])


# --------------------------------------------------------------------------- racing writers

STALLED_WRITER = textwrap.dedent("""
    import sys
    from edi_lint.ledger import open_ledger
    from edi_lint.ledger.record import read_files

    target, source = sys.argv[1], sys.argv[2]
    read = read_files([source])

    def stalled_responses():  # read inside the add's transaction, after every claim row
        print("inside the transaction", flush=True)
        sys.stdin.readline()
        yield from read.responses

    with open_ledger(target, create=True) as ledger:
        report = ledger.record(iter(read.claims), stalled_responses())
    print(report.summary(), flush=True)
""")


class Stalled:
    """A writer stopped inside its add's transaction (claims written, locks held)."""

    def __init__(self, procs, tmp_path, target, source):
        script = tmp_path / "stalled_writer.py"
        script.write_text(STALLED_WRITER)
        self.proc = subprocess.Popen([sys.executable, str(script), target, source],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, text=True)
        procs.append(self.proc)
        line = self.proc.stdout.readline().strip()
        assert line == "inside the transaction", self.proc.stderr.read()

    def commit(self) -> str:
        out, err = self.proc.communicate("\n", timeout=120)
        assert self.proc.returncode == 0, err
        return out


def racer_name(target) -> str:
    return f"edi-lint-racer-{schema_of(target)}"


def start_add(procs, target, source):
    """`edi-lint ledger add` in a process whose session is named ``racer_name(target)``."""
    proc = subprocess.Popen([sys.executable, "-m", "edi_lint", "ledger", "add", "--ledger",
                             f"{target}&application_name={racer_name(target)}", source],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    procs.append(proc)
    return proc


def waiting_on_a_lock(target, timeout=20.0) -> bool:
    """Whether the racer on ``target`` waits on an advisory lock (polls up to ``timeout``)."""
    deadline = time.monotonic() + timeout
    with pg_connect() as conn:
        while time.monotonic() < deadline:
            if conn.execute("SELECT 1 FROM pg_stat_activity WHERE application_name = %s"
                            " AND wait_event_type = 'Lock' AND wait_event = 'advisory'",
                            (racer_name(target),)).fetchone():
                return True
            time.sleep(0.05)
    return False


def finish(proc) -> str:
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err
    return out


def state(target):
    """{clm01: [(frequency, status, frequency of the claim it names in status_by)]}, in
    recording (id) order."""
    with open_ledger(target) as led:
        found = led.find_claims()
    freq_of = {c["id"]: c["frequency"] for c in found}
    out: dict = {}
    for c in found:
        out.setdefault(c["clm01"], []).append(
            (c["frequency"], c["status"], freq_of.get(c["status_by"])))
    return out


def test_a_replacement_waits_for_an_add_of_its_originals_and_then_supersedes_them(
        url, x12, tmp_path, procs):
    originals = x12("o", claims("C", 50))
    replacements = x12("r", claims("C", 50, dos="20250604", freq="7"))
    assert cli("ledger", "init", "--ledger", url).exit_code == 0
    writer = Stalled(procs, tmp_path, url, originals)  # originals written, not committed
    racer = start_add(procs, url, replacements)
    assert waiting_on_a_lock(url), "the replacements did not wait for the originals' add"
    assert racer.poll() is None
    writer.commit()
    assert finish(racer).strip().endswith("; 50 earlier claims superseded, 0 voided")
    assert set(map(tuple, state(url).values())) == {(("1", "superseded", "7"),
                                                    ("7", "active", None))}


def test_originals_wait_for_an_add_of_their_replacements(url, x12, tmp_path, procs):
    """The other serial order: replacement first, then the original (the defined outcome:
    both active, see test_ledger.py::test_a_replacement_recorded_before_its_original)."""
    originals = x12("o", claims("C", 50))
    replacements = x12("r", claims("C", 50, dos="20250604", freq="7"))
    assert cli("ledger", "init", "--ledger", url).exit_code == 0
    writer = Stalled(procs, tmp_path, url, replacements)
    racer = start_add(procs, url, originals)
    assert waiting_on_a_lock(url)
    writer.commit()
    finish(racer)
    assert set(map(tuple, state(url).values())) == {(("7", "active", None),
                                                    ("1", "active", None))}


def test_a_void_racing_a_replacement(url, x12, tmp_path, procs):
    assert cli("ledger", "add", "--ledger", url, x12("o", claims("C", 20))).exit_code == 0
    writer = Stalled(procs, tmp_path, url, x12("v", claims("C", 20, dos="20250605", freq="8")))
    racer = start_add(procs, url, x12("r", claims("C", 20, dos="20250604", freq="7")))
    assert waiting_on_a_lock(url)
    assert writer.commit().strip().endswith("; 0 earlier claims superseded, 20 voided")
    assert finish(racer).strip().endswith("(0 already recorded)")  # nothing active to replace
    assert set(map(tuple, state(url).values())) == {(("1", "void", "8"), ("8", "void", None),
                                                    ("7", "active", None))}


def test_writers_on_other_keys_do_not_wait(url, x12, tmp_path, procs):
    mine = next(f"X{i}" for i in range(1000) if key_bucket(xb.DEFAULT_NPI, f"X{i}") == 1)
    theirs = next(f"Y{i}" for i in range(1000) if key_bucket(xb.DEFAULT_NPI, f"Y{i}") == 2)
    assert LOCK_BUCKETS > 2
    assert cli("ledger", "init", "--ledger", url).exit_code == 0
    writer = Stalled(procs, tmp_path, url, x12("x", claims("", 1, clm01=mine, freq="7")))
    racer = start_add(procs, url, x12("y", claims("", 1, clm01=theirs, freq="7")))
    assert "recorded 1 line of 1 claim" in finish(racer)  # while the other add is open
    writer.commit()


def serial_outcomes(sources, tmp_path):
    """{signature: order} of every serial order of ``sources``, on the SQLite reference."""
    outcomes = {}
    for n, order in enumerate(itertools.permutations(range(len(sources)))):
        path = str(tmp_path / f"serial{n}.ledger")
        for i in order:
            with open_ledger(path, create=True) as led:
                led.add_files([sources[i]])
        signatures = set(map(tuple, state(path).values()))
        assert len(signatures) == 1
        outcomes.setdefault(signatures.pop(), order)
    return outcomes


def test_racing_originals_replacements_and_voids_end_as_some_serial_order(
        pg_server, x12, tmp_path, procs):
    n = 300
    sources = [x12("orig", claims("C", n)),
               x12("repl", claims("C", n, dos="20250604", freq="7")),
               x12("void", claims("C", n, dos="20250605", freq="8")),
               x12("orig2", claims("C", n))]  # the same originals again
    outcomes = serial_outcomes(sources, tmp_path)
    assert len(outcomes) > 2  # the order matters: the race is worth running
    seen = set()
    for round_no in range(4):
        target = with_schema(pg_server, f"edi_lint_race_{os.getpid()}_{round_no}")
        with pg_connect() as conn:
            conn.execute(f'DROP SCHEMA IF EXISTS "{schema_of(target)}" CASCADE')
        try:
            racers = [start_add(procs, target, src) for src in sources]
            reports = [finish(p) for p in racers]
            signatures = set(map(tuple, state(target).values()))
            assert len(signatures) == 1, signatures  # every key in the same serial order
            signature = signatures.pop()
            assert signature in outcomes, (signature, reports)
            seen.add(outcomes[signature])
            assert sum("(0 already" in r for r in reports) == 3  # the originals landed once
        finally:
            for proc in procs:
                if proc.poll() is None:
                    proc.kill()
            with pg_connect() as conn:
                conn.execute(f'DROP SCHEMA IF EXISTS "{schema_of(target)}" CASCADE')


# --------------------------------------------------------------------------- a check during an add


def test_a_check_during_an_add_sees_the_ledger_before_it_then_after_it(url, x12, tmp_path, procs):
    checked = x12("b", [xb.Claim("D0", [xb.Line("G9012", ["U2"], dos="20250620", g1=["ECM1"])],
                                 member="M0")])
    assert cli("ledger", "add", "--ledger", url, x12("z", claims("Z", 1, member="Z{i}"))) \
        .exit_code == 0
    writer = Stalled(procs, tmp_path, url, x12("a", claims("C", 200)))  # holds M0's June line

    def b101():
        code, out, err = run("check", "--ledger", url, "--select", "B101", "--format", "json",
                             checked)
        assert code in (0, 1), err
        return [f["claim_id"] for f in json.loads(out)["findings"]]
    assert b101() == []  # the open add is not seen (and does not block the check)
    writer.commit()
    assert b101() == ["D0"]  # the committed add is
