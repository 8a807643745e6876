"""The SQLite ledger backend: one file, WAL, one IMMEDIATE transaction per add.

- Created with mode 0600 (it holds member ids), marked with an SQLite
  ``application_id`` and versioned by the ``ledger_schema`` table (``schema.py``).
- Writers: ``BEGIN IMMEDIATE`` takes the write lock up front, a long busy timeout
  queues concurrent ``ledger add`` processes instead of failing them, and a writer
  killed mid-add leaves no trace (its transaction never commits).
- Readers (``check``, ``show``, ``stats``) open the file read-only and read one
  snapshot; the batch's members are looked up in chunks of IN lists, through the
  ``(member, dos_from)`` index.
"""
from __future__ import annotations

import contextlib
import os
import sqlite3
import time
from datetime import datetime, timezone
from itertools import islice
from urllib.parse import quote

from ..engine import UsageError
from . import schema
from .base import AddReport, Ledger
from .reading import Dialect, LedgerReader

BUSY_TIMEOUT_S = 300.0  # how long a writer waits for another writer's add to commit
IN_CHUNK = 900  # members per IN list (below SQLite's oldest variable limit, 999)
CLAIM_CHUNK = 5_000  # claims per look-up and executemany
DIALECT = Dialect("sqlite", mark="?", true="1", in_chunk=IN_CHUNK)


@contextlib.contextmanager
def _errors(display: str):
    """sqlite3 errors -> one-line UsageErrors that name the ledger (never a traceback)."""
    try:
        yield
    except sqlite3.Error as exc:
        raise UsageError(describe_error(display, exc)) from None


def describe_error(display: str, exc: Exception) -> str:
    text = str(exc)
    low = text.lower()
    if "file is not a database" in low or "not a database" in low:
        return f"{display}: not an edi-lint ledger (not an SQLite database)"
    if "malformed" in low or "corrupt" in low:
        return f"{display}: the ledger is corrupt ({text}); restore it from a backup"
    if "locked" in low or "busy" in low:
        return (f"{display}: the ledger stayed locked by another writer for more than"
                f" {BUSY_TIMEOUT_S:.0f} s; try again")
    if "unable to open" in low:
        return f"{display}: cannot open the ledger ({text})"
    if "readonly" in low or "read-only" in low:
        return f"{display}: the ledger is read-only ({text})"
    return f"{display}: ledger error: {text}"


def _now() -> str:
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat()


class SqliteLedger(LedgerReader, Ledger):
    """A ledger in one SQLite file."""

    dialect = DIALECT

    def __init__(self, path: str, conn: sqlite3.Connection, readonly: bool, version: int):
        self.path = path
        self.display = path
        self.conn = conn
        self.readonly = readonly
        self._version = version

    # -- opening -------------------------------------------------------------------------
    @classmethod
    def open(cls, path: str, create: bool = False) -> "SqliteLedger":
        if os.path.isdir(path):
            raise UsageError(f"{path}: is a directory, not an edi-lint ledger")
        if create:
            _create_file(path)
        elif not os.path.exists(path):
            raise UsageError(f"{path}: no such ledger (record files first with"
                             " `edi-lint ledger add --ledger PATH FILES...`)")
        with _errors(path):
            if create:
                conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_S, isolation_level=None,
                                       check_same_thread=False)
            else:
                conn = _connect_readonly(path)
            try:
                version = _identify(conn, path, fresh_ok=create)
                if create:
                    version = _prepare_writer(conn, path)
                elif version < schema.LATEST:
                    raise UsageError(
                        f"{path}: ledger schema version {version} is older than this edi-lint's"
                        f" ({schema.LATEST}); migrate it with `edi-lint ledger init --ledger"
                        " PATH`")
            except BaseException:
                conn.close()
                raise
        return cls(path, conn, readonly=not create, version=version)

    @property
    def schema_version(self) -> int:
        return self._version

    def close(self) -> None:
        if self.conn is not None:
            with contextlib.suppress(sqlite3.Error):
                self.conn.close()
            self.conn = None

    # -- writing -------------------------------------------------------------------------
    def record(self, claims, responses, files: int = 0) -> AddReport:
        if self.readonly:
            raise UsageError(f"{self.display}: opened read-only; nothing recorded")
        report = AddReport(files=files)
        conn = self.conn
        with _errors(self.display):
            cur = conn.cursor()
            cur.execute("BEGIN IMMEDIATE")
            try:
                _check_version(cur, self.display)
                cur.execute("INSERT INTO adds(recorded_at, files, claims, lines, responses)"
                            " VALUES (?, ?, 0, 0, 0)", (_now(), files))
                add_id = cur.lastrowid
                self._record_claims(cur, claims, add_id, report)
                self._record_responses(cur, responses, add_id, report)
                if report.claims or report.responses:
                    cur.execute("UPDATE adds SET claims = ?, lines = ?, responses = ? WHERE id = ?",
                                (report.claims, report.lines, report.responses, add_id))
                else:
                    cur.execute("DELETE FROM adds WHERE id = ?", (add_id,))
                cur.execute("COMMIT")
            except BaseException:
                with contextlib.suppress(sqlite3.Error):
                    cur.execute("ROLLBACK")
                raise
        return report

    @staticmethod
    def _record_claims(cur, claims, add_id, report) -> None:
        """Insert new claims and their lines, in chunks, under the add's write lock.

        Holding ``BEGIN IMMEDIATE``, this process is the only writer: it looks up which
        claims of a chunk are already recorded (one IN query per chunk), numbers the new
        ones itself and inserts them with ``executemany``. The UNIQUE key stays the
        guard. A replacement or void then marks the claims recorded before it (smaller id)
        with its billing NPI and CLM01 superseded or void: the same result as inserting
        one claim at a time, in file order.
        """
        insert = ("INSERT INTO claims(id, billing_npi, clm01, digest, frequency, member,"
                  " charge_cents, g1, status, add_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
        supersede = ("UPDATE claims SET status = ?, status_by = ? WHERE billing_npi = ?"
                     " AND clm01 = ? AND id < ? AND status = 'active'")
        insert_lines = ("INSERT INTO lines(claim_id, member, n, code, modifiers, grp, dos_from,"
                        " dos_to, unit_basis, units, charge_cents, g1)"
                        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
        next_id = cur.execute("SELECT COALESCE(MAX(id), 0) + 1 FROM claims").fetchone()[0]
        seen: set = set()  # keys recorded by this add so far
        it = iter(claims)
        while chunk := list(islice(it, CLAIM_CHUNK)):
            existing: set = set()
            clm01s = list({c.clm01 for c in chunk})
            for start in range(0, len(clm01s), IN_CHUNK):
                part = clm01s[start:start + IN_CHUNK]
                existing.update(cur.execute(
                    "SELECT billing_npi, clm01, digest FROM claims WHERE clm01 IN"
                    f" ({','.join('?' * len(part))})", part))
            rows, lines, changes = [], [], []
            for c in chunk:
                key = (c.billing_npi, c.clm01, c.digest)
                if key in existing or key in seen:
                    report.already += 1
                    continue
                seen.add(key)
                claim_id, next_id = next_id, next_id + 1
                freq = c.frequency
                rows.append((claim_id, c.billing_npi, c.clm01, c.digest, freq, c.member,
                             c.charge_cents, c.g1, "void" if freq == "8" else "active", add_id))
                if freq in ("7", "8"):
                    changes.append(("void" if freq == "8" else "superseded", claim_id,
                                    c.billing_npi, c.clm01, claim_id))
                head = (claim_id, c.member)
                lines.extend([head + ln for ln in c.lines])
            cur.executemany(insert, rows)
            cur.executemany(insert_lines, lines)
            for change in changes:
                cur.execute(supersede, change)
                if change[0] == "void":
                    report.voided += cur.rowcount
                else:
                    report.superseded += cur.rowcount
            report.claims += len(rows)
            report.lines += len(lines)

    @staticmethod
    def _record_responses(cur, responses, add_id, report) -> None:
        insert = ("INSERT INTO responses(certification, digest, member, um01, um02, hcr01, hcr02,"
                  " trace, dates, hsd_quantity, add_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                  " ON CONFLICT DO NOTHING")
        insert_services = ("INSERT INTO response_services(response_id, n, code, modifiers, hcr01,"
                           " hcr02, um01, um02, dates, unit_basis, units, hsd_quantity,"
                           " amount_cents) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
        for r in responses:
            cur.execute(insert, (r.certification, r.digest, r.member, r.um01, r.um02, r.hcr01,
                                 r.hcr02, r.trace, r.dates, r.hsd_quantity, add_id))
            if cur.rowcount != 1:
                report.already += 1
                continue
            rid = cur.lastrowid
            report.responses += 1
            cur.executemany(insert_services, [(rid,) + tuple(s) for s in r.services])

    # -- reading (queries in ``reading.LedgerReader``) ---------------------------------
    @contextlib.contextmanager
    def _snapshot(self):
        """One deferred transaction: every chunk and table is read from one snapshot."""
        with _errors(self.display):
            cur = self.conn.cursor()
            cur.execute("BEGIN")
            try:
                yield cur
            finally:
                with contextlib.suppress(sqlite3.Error):
                    cur.execute("COMMIT")


# -- helpers --------------------------------------------------------------------------------

def _create_file(path: str) -> None:
    """Create an empty ledger file with mode 0600 (unless it exists: then leave it)."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return
    except OSError as exc:
        raise UsageError(f"{path}: cannot create the ledger: {exc.strerror or exc}") from None
    try:
        os.fchmod(fd, 0o600)
    finally:
        os.close(fd)


def _connect_readonly(path: str) -> sqlite3.Connection:
    uri = "file:" + quote(os.path.abspath(path)) + "?mode=ro"
    return sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_S, isolation_level=None,
                           check_same_thread=False)


def _tables(conn) -> set[str]:
    return {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}


def _identify(conn, path: str, fresh_ok: bool) -> int:
    """The schema version of an edi-lint ledger; 0 for an empty file; else UsageError.

    The header's application id and the table list are read in one snapshot: read
    apart, a concurrent first ``ledger add`` could commit between the two reads and
    make a fresh ledger look like "an SQLite database of something else".
    """
    own = not conn.in_transaction
    if own:
        conn.execute("BEGIN")
    try:
        app_id = conn.execute("PRAGMA application_id").fetchone()[0]
        tables = _tables(conn)
    finally:
        if own:
            with contextlib.suppress(sqlite3.Error):
                conn.execute("COMMIT")
    if app_id == schema.APPLICATION_ID and "ledger_schema" in tables:
        return _version_of(conn, path)
    if app_id == 0 and not tables:
        if fresh_ok:
            return 0
        raise UsageError(f"{path}: not an edi-lint ledger (an empty file)")
    raise UsageError(f"{path}: not an edi-lint ledger (an SQLite database of something else)")


def _version_of(conn, path: str) -> int:
    version = conn.execute("SELECT MAX(version) FROM ledger_schema").fetchone()[0] or 0
    if version > schema.LATEST:
        raise UsageError(f"{path}: ledger schema version {version} is newer than this edi-lint"
                         f" understands ({schema.LATEST}); upgrade edi-lint")
    return version


def _check_version(cur, display: str) -> None:
    version = cur.execute("SELECT MAX(version) FROM ledger_schema").fetchone()[0] or 0
    if version != schema.LATEST:
        raise UsageError(f"{display}: ledger schema version {version} changed under this"
                         f" process (expected {schema.LATEST}); try again")


def _switch_to_wal(conn, path: str) -> None:
    """WAL mode, once for the file (it persists). The switch takes an exclusive lock and
    SQLite answers "database is locked" at once, without its busy handler, while another
    process holds any lock (four first adds at once): wait and ask again, up to the busy
    timeout; another process may have switched the file meanwhile."""
    deadline = time.monotonic() + BUSY_TIMEOUT_S
    pause = 0.01
    while True:
        mode = conn.execute("PRAGMA journal_mode").fetchone()[0]
        if mode.lower() == "wal":
            return
        try:
            mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc).lower() or time.monotonic() > deadline:
                raise
            time.sleep(pause)
            pause = min(pause * 2, 0.5)
            continue
        if mode.lower() != "wal":
            raise UsageError(f"{path}: cannot switch the ledger to WAL mode (got {mode!r})")
        return


def _prepare_writer(conn, path: str) -> int:
    """WAL mode, then create or migrate the schema in one IMMEDIATE transaction."""
    conn.execute("PRAGMA synchronous = NORMAL")
    _switch_to_wal(conn, path)
    cur = conn.cursor()
    cur.execute("BEGIN IMMEDIATE")
    try:
        version = _identify(conn, path, fresh_ok=True)  # again: another writer may have won
        steps = schema.pending(version)
        if steps:
            cur.execute(f"PRAGMA application_id = {schema.APPLICATION_ID}")
            cur.execute(schema.VERSION_TABLE)
            for number, description, statements in steps:
                for sql in statements:
                    cur.execute(sql)
                cur.execute("INSERT INTO ledger_schema(version, description, applied_at)"
                            " VALUES (?, ?, ?)", (number, description, _now()))
            version = steps[-1][0]
        cur.execute("COMMIT")
    except BaseException:
        with contextlib.suppress(sqlite3.Error):
            cur.execute("ROLLBACK")
        raise
    return version
