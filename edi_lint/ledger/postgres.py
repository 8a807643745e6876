"""The PostgreSQL ledger backend: one schema, shared by many edi-lint processes and machines.

``--ledger postgresql://[user[:password]@]host[:port]/dbname[?schema=NAME&...]``

- ``schema=NAME`` (an edi-lint parameter, taken out of the URL before libpq sees it)
  puts the ledger in its own schema, created by ``ledger init`` / the first ``add``;
  without it the ledger lives in the connection's current schema (``public``, or
  whatever ``options=-csearch_path%3D...`` says). Every other parameter is libpq's.
- The password (in the URL or as ``password=``) never appears in output or errors:
  ``display`` masks it and every error message is scrubbed of it.
- Without psycopg 3 (the ``postgres`` extra) a URL ledger is a one-line usage error.

Semantics (the SQLite backend's, under concurrency; see ``record``):

- one READ COMMITTED transaction per add; idempotency by the unique keys and
  ``INSERT ... ON CONFLICT DO NOTHING`` (never a read-then-write in Python);
- replacements/voids: every add takes transaction-scoped advisory locks on the
  buckets (``LOCK_BUCKETS``, by CRC-32) of its claims' (billing NPI, CLM01) keys --
  exclusive where it records a frequency 7 or 8 claim, shared elsewhere -- before it
  draws claim ids. Adds of originals only share their locks and run side by side; an add
  that could change the status of another's claims runs before or after it, never
  interleaved, and ids (recording order) follow that order; the supersede/void UPDATE
  runs inside the transaction. Buckets, not one lock per key: the server's shared lock
  table is small (max_locks_per_transaction x max_connections) and an add may hold
  100,000 keys. The outcome is the serial one, rule included: a 7 or 8 acts on the claims
  of its key recorded BEFORE it, so an original recorded after its replacement stays
  active (as on SQLite);
- readers (``check``, ``show``, ``stats``) read one REPEATABLE READ, READ ONLY snapshot;
  the batch's members are looked up with one ``= ANY(array)`` query per table.
"""
from __future__ import annotations

import contextlib
import zlib
from datetime import datetime, timezone

try:  # the optional ``postgres`` extra
    import psycopg
    from psycopg import sql as _sql
except ImportError:  # pragma: no cover - exercised by a test that hides psycopg
    psycopg = None

from ..engine import UsageError
from . import pg_schema
from .base import AddReport, Ledger
from .pg_target import LOCK_TIMEOUT_S, Target, describe_error
from .reading import SERVICE_FIELDS, Dialect, LedgerReader

INSTALL_HINT = "pip install 'edi-lint[postgres]'"
CONNECT_TIMEOUT_S = 10
LOCK_BUCKETS = 64  # advisory lock buckets of (billing NPI, CLM01) keys (bounded lock count)
MIGRATION_SLOT = 0xFFFF  # the lock slot of schema creation and migration
LOCK_CLASS = 0x45444C47  # "EDLG", as SQLite's application_id
RETRIES = 3  # an add that hits a deadlock is rolled back and run again (inputs are kept)
DIALECT = Dialect("postgresql", mark="%s", true="TRUE", array_types=True)
CLAIM_FIELDS = ("id", "billing_npi", "clm01", "digest", "frequency", "member", "charge_cents",
                "g1", "status", "add_id")
LINE_FIELDS = ("claim_id", "member", "n", "code", "modifiers", "grp", "dos_from", "dos_to",
               "unit_basis", "units", "charge_cents", "g1")
RESPONSE_FIELDS = ("id", "certification", "digest", "member", "um01", "um02", "hcr01", "hcr02",
                   "trace", "dates", "hsd_quantity", "add_id")


@contextlib.contextmanager
def _errors(target: Target, connecting: bool = False):
    """psycopg errors -> one-line UsageErrors (never a traceback, never the password)."""
    try:
        yield
    except psycopg.Error as exc:
        raise UsageError(describe_error(target, exc, connecting)) from None


def _now() -> str:
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat()


def lock_key(schema: str, slot: int) -> int:
    """The advisory lock id of ``slot`` in the ledger of ``schema`` (a positive bigint)."""
    return (LOCK_CLASS << 32) | ((zlib.crc32(schema.encode()) & 0xFFFF) << 16) | slot


def key_bucket(billing_npi: str, clm01: str) -> int:
    return zlib.crc32(f"{billing_npi}\x1f{clm01}".encode("utf-8", "surrogatepass")) % LOCK_BUCKETS


# -- the backend -----------------------------------------------------------------------------

class PgLedger(LedgerReader, Ledger):
    """A ledger in one PostgreSQL schema."""

    dialect = DIALECT

    def __init__(self, target: Target, conn, schema: str, readonly: bool, version: int):
        self.target = target
        self.display = target.display
        self.conn = conn
        self.schema = schema
        self.readonly = readonly
        self._version = version

    # -- opening -------------------------------------------------------------------------
    @classmethod
    def open(cls, url: str, create: bool = False) -> "PgLedger":
        target = Target(url)
        if psycopg is None:
            raise UsageError(f"{target.display}: a PostgreSQL ledger needs the psycopg driver"
                             f" (the postgres extra): {INSTALL_HINT}")
        if target.schema is not None and not target.schema:
            raise UsageError(f"{target.display}: empty schema= parameter")
        extra = {}
        if "connect_timeout" not in target.params:
            extra["connect_timeout"] = CONNECT_TIMEOUT_S
        if "application_name" not in target.params:
            extra["application_name"] = "edi-lint"
        with _errors(target, connecting=True):
            conn = psycopg.connect(target.conninfo, autocommit=True, **extra)
        try:
            with _errors(target):
                schema = cls._settle_schema(conn, target)
                if create:
                    conn.execute(f"SET lock_timeout = '{LOCK_TIMEOUT_S}s'")
                    version = _prepare_writer(conn, target, schema)
                else:
                    conn.execute("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY")
                    version = _identify(conn.cursor(), target, schema, fresh_ok=False)
                    if version < pg_schema.LATEST:
                        raise UsageError(
                            f"{target.display}: ledger schema version {version} is older than"
                            f" this edi-lint's ({pg_schema.LATEST}); migrate it with `edi-lint"
                            " ledger init --ledger URL`")
        except BaseException:
            with contextlib.suppress(Exception):
                conn.close()
            raise
        return cls(target, conn, schema, readonly=not create, version=version)

    @staticmethod
    def _settle_schema(conn, target: Target) -> str:
        """The ledger's schema; the session's search_path is set to it (and only it)."""
        schema = target.schema
        if schema is None:
            schema = conn.execute("SELECT current_schema()").fetchone()[0]
            if schema is None:
                raise UsageError(f"{target.display}: the connection's search_path names no"
                                 " existing schema; give the ledger one with ?schema=NAME")
        conn.execute(_sql.SQL("SET search_path TO {}").format(_sql.Identifier(schema)))
        return schema

    @property
    def schema_version(self) -> int:
        return self._version

    def close(self) -> None:
        if self.conn is not None:
            with contextlib.suppress(Exception):
                self.conn.close()
            self.conn = None

    # -- writing -------------------------------------------------------------------------
    def record(self, claims, responses, files: int = 0) -> AddReport:
        """Record claims and responses in ONE transaction (see the module docstring).

        Steps: dedupe the add's own repeats in memory; lock the key buckets (sorted, so
        writers never deadlock on them); COPY the claims into a temporary table; draw ids,
        in file order, for those not recorded yet; ``INSERT ... SELECT ... ORDER BY key
        ON CONFLICT DO NOTHING RETURNING id`` (the unique key decides what lands; one
        global insertion order, so concurrent adds of overlapping files never deadlock on
        the unique index); COPY the lines of the claims that landed; apply the new
        replacements/voids to the claims of their key recorded before them, in one UPDATE;
        the same for 278 responses (no lock: they supersede nothing). A deadlock all the
        same (another program's locks) rolls back and runs the add again, up to RETRIES.
        """
        if self.readonly:
            raise UsageError(f"{self.display}: opened read-only; nothing recorded")
        claims = claims if isinstance(claims, list) else list(claims)
        held = _Replay(responses)
        with _errors(self.target):
            for attempt in range(1, RETRIES + 1):
                report = AddReport(files=files)
                try:
                    self._record_once(claims, held, report)
                    return report
                except (psycopg.errors.DeadlockDetected, psycopg.errors.SerializationFailure):
                    if attempt == RETRIES:
                        raise
        raise AssertionError("unreachable")  # pragma: no cover

    def _record_once(self, claims, held, report) -> None:
        cur = self.conn.cursor()
        cur.execute("BEGIN")
        try:
            _check_version(cur, self.display)
            seen: set = set()
            fresh = []
            for c in claims:
                key = (c.billing_npi, c.clm01, c.digest)
                if key in seen:
                    report.already += 1
                    continue
                seen.add(key)
                fresh.append(c)
            self._lock_keys(cur, fresh)
            add_id = cur.execute(
                "INSERT INTO adds(recorded_at, files, claims, lines, responses)"
                " VALUES (%s, %s, 0, 0, 0) RETURNING id", (_now(), report.files)).fetchone()[0]
            self._record_claims(cur, fresh, add_id, report)
            self._record_responses(cur, held.items(), add_id, report)
            if report.claims or report.responses:
                cur.execute("UPDATE adds SET claims = %s, lines = %s, responses = %s"
                            " WHERE id = %s",
                            (report.claims, report.lines, report.responses, add_id))
            else:
                cur.execute("DELETE FROM adds WHERE id = %s", (add_id,))
            cur.execute("COMMIT")
        except BaseException:
            with contextlib.suppress(Exception):
                cur.execute("ROLLBACK")
            raise

    def _lock_keys(self, cur, claims) -> None:
        """Advisory locks on the key buckets of ``claims``, in bucket order, until commit."""
        modes: dict = {}
        for c in claims:
            bucket = key_bucket(c.billing_npi, c.clm01)
            modes[bucket] = modes.get(bucket, False) or c.frequency in ("7", "8")
        if not modes:
            return
        calls = [("pg_advisory_xact_lock" if modes[b] else "pg_advisory_xact_lock_shared",
                  lock_key(self.schema, b)) for b in sorted(modes)]
        # one statement: its target list runs left to right, so the locks come in order
        cur.execute("SELECT " + ", ".join(f"{fn}({key})" for fn, key in calls))

    @staticmethod
    def _stage(cur, table: str, like: str, fields, rows, key: str) -> tuple[list, list]:
        """COPY ``rows`` (``fields`` after their position) into a temporary table; return the
        positions of those not recorded yet and ids drawn for them, both ascending.

        The look-up only keeps ids dense (a claim already recorded draws no id); the unique
        key and ON CONFLICT DO NOTHING decide what lands, also against concurrent adds.
        """
        cur.execute(f"CREATE TEMP TABLE {table} ON COMMIT DROP AS"
                    f" SELECT 0::integer AS pos, {', '.join(fields)} FROM {like} WITH NO DATA")
        with cur.copy(f"COPY {table} (pos, {', '.join(fields)}) FROM STDIN") as copy:
            write = copy.write_row
            for pos, row in enumerate(rows):
                write((pos,) + row)
        match = " AND ".join(f"r.{k} = t.{k}" for k in key.split(", "))
        positions = [row[0] for row in cur.execute(
            f"SELECT pos FROM {table} t WHERE NOT EXISTS"
            f" (SELECT 1 FROM {like} r WHERE {match}) ORDER BY pos")]
        ids = [row[0] for row in cur.execute(
            f"SELECT nextval('{like}_id_seq') FROM generate_series(1, %s)", (len(positions),))]
        ids.sort()  # drawn in one statement: already ascending
        return positions, ids

    @staticmethod
    def _insert_staged(cur, table: str, into: str, fields, key: str, positions, ids) -> dict:
        """INSERT the staged rows at ``positions`` with ``ids``, in key order (one global
        order: concurrent adds never deadlock on the unique index), ON CONFLICT DO NOTHING;
        return {position: id} of the rows that landed."""
        columns = ", ".join(fields)
        landed = {row[0] for row in cur.execute(
            f"INSERT INTO {into} (id, {columns})"
            f" SELECT m.id, {', '.join('t.' + f for f in fields)} FROM {table} t"
            " JOIN unnest(%s::integer[], %s::bigint[]) AS m(pos, id) ON m.pos = t.pos"
            f" ORDER BY {', '.join('t.' + k for k in key.split(', '))}"
            f" ON CONFLICT ({key}) DO NOTHING RETURNING id", (positions, ids))}
        cur.execute(f"DROP TABLE {table}")
        return {pos: i for pos, i in zip(positions, ids) if i in landed}

    def _record_claims(self, cur, claims, add_id, report) -> None:
        if not claims:
            return
        key = "billing_npi, clm01, digest"
        fields = CLAIM_FIELDS[1:]
        positions, ids = self._stage(cur, "edi_lint_claims_in", "claims", fields, (
            (c.billing_npi, c.clm01, c.digest, c.frequency, c.member, c.charge_cents, c.g1,
             "void" if c.frequency == "8" else "active", add_id) for c in claims), key)
        landed = self._insert_staged(cur, "edi_lint_claims_in", "claims", fields, key,
                                     positions, ids)
        report.already += len(claims) - len(landed)
        changes = ([], [], [], [])  # ids, billing NPIs, CLM01s, frequencies of new 7s and 8s
        n_lines = 0
        with cur.copy(f"COPY lines ({', '.join(LINE_FIELDS)}) FROM STDIN") as copy:
            write = copy.write_row
            for pos, claim_id in landed.items():  # position order: ids ascending
                c = claims[pos]
                if c.frequency in ("7", "8"):
                    for column, value in zip(changes, (claim_id, c.billing_npi, c.clm01,
                                                        c.frequency)):
                        column.append(value)
                head = (claim_id, c.member)
                for line in c.lines:
                    write(head + line)
                n_lines += len(c.lines)
        report.claims += len(landed)
        report.lines += n_lines
        if changes[0]:
            self._apply_changes(cur, changes, report)

    @staticmethod
    def _apply_changes(cur, changes, report) -> None:
        """Each active claim of a changed key is marked by the first new 7/8 recorded after
        it (smallest larger id): what applying the changes one by one, in id order, gives."""
        for (status,) in cur.execute(
                """WITH x AS (
                       SELECT * FROM unnest(%s::bigint[], %s::text[], %s::text[], %s::text[])
                                AS x(id, npi, clm01, freq)),
                   target AS (
                       SELECT DISTINCT ON (c.id) c.id AS claim_id, x.id AS by_id, x.freq
                       FROM claims c
                       JOIN x ON c.billing_npi = x.npi AND c.clm01 = x.clm01 AND c.id < x.id
                       WHERE c.status = 'active'
                       ORDER BY c.id, x.id)
                   UPDATE claims c
                   SET status = CASE WHEN t.freq = '8' THEN 'void' ELSE 'superseded' END,
                       status_by = t.by_id
                   FROM target t WHERE c.id = t.claim_id
                   RETURNING c.status""", changes):
            if status == "void":
                report.voided += 1
            else:
                report.superseded += 1

    def _record_responses(self, cur, responses, add_id, report) -> None:
        seen: set = set()
        fresh = []
        for r in responses:
            key = (r.certification, r.digest)
            if key in seen:
                report.already += 1
                continue
            seen.add(key)
            fresh.append(r)
        if not fresh:
            return
        key = "certification, digest"
        fields = RESPONSE_FIELDS[1:]
        positions, ids = self._stage(cur, "edi_lint_responses_in", "responses", fields, (
            (r.certification, r.digest, r.member, r.um01, r.um02, r.hcr01, r.hcr02, r.trace,
             r.dates, r.hsd_quantity, add_id) for r in fresh), key)
        landed = self._insert_staged(cur, "edi_lint_responses_in", "responses", fields, key,
                                     positions, ids)
        report.already += len(fresh) - len(landed)
        report.responses += len(landed)
        with cur.copy("COPY response_services (response_id, " + ", ".join(SERVICE_FIELDS)
                      + ") FROM STDIN") as copy:
            for pos, rid in landed.items():
                for s in fresh[pos].services:
                    copy.write_row((rid,) + tuple(s))

    # -- reading -------------------------------------------------------------------------
    @contextlib.contextmanager
    def _snapshot(self):
        """One REPEATABLE READ, READ ONLY transaction: every query sees one snapshot."""
        with _errors(self.target):
            cur = self.conn.cursor()
            cur.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            try:
                yield cur
            finally:
                with contextlib.suppress(Exception):
                    cur.execute("COMMIT")


# -- helpers --------------------------------------------------------------------------------

class _Replay:
    """An iterable read once, lazily (inside the transaction), and replayed on a retry."""

    def __init__(self, items):
        self._source = items
        self._items: list | None = items if isinstance(items, list) else None

    def items(self) -> list:
        if self._items is None:
            self._items = list(self._source)
        return self._items


def _identify(cur, target: Target, schema: str, fresh_ok: bool) -> int:
    """The schema version of the ledger in ``schema``; 0 for a missing or empty schema."""
    relations = {name: mark for name, mark in cur.execute(
        "SELECT c.relname, obj_description(c.oid, 'pg_class') FROM pg_class c"
        " JOIN pg_namespace n ON n.oid = c.relnamespace"
        " WHERE n.nspname = %s AND c.relkind IN ('r', 'p', 'v', 'm', 'f')", (schema,))}
    if relations.get("ledger_schema") == pg_schema.MARK:
        version = cur.execute("SELECT MAX(version) FROM ledger_schema").fetchone()[0] or 0
        if version > pg_schema.LATEST:
            raise UsageError(f"{target.display}: ledger schema version {version} is newer than"
                             f" this edi-lint understands ({pg_schema.LATEST}); upgrade edi-lint")
        return version
    if not relations:
        if fresh_ok:
            return 0
        raise UsageError(f"{target.display}: no such ledger (record files first with"
                         " `edi-lint ledger add --ledger URL FILES...`)")
    raise UsageError(f"{target.display}: not an edi-lint ledger (schema {schema!r} holds other"
                     " tables; give the ledger a schema of its own with ?schema=NAME)")


def _check_version(cur, display: str) -> None:
    version = cur.execute("SELECT MAX(version) FROM ledger_schema").fetchone()[0] or 0
    if version != pg_schema.LATEST:
        raise UsageError(f"{display}: ledger schema version {version} changed under this"
                         f" process (expected {pg_schema.LATEST}); try again")


def _prepare_writer(conn, target: Target, schema: str) -> int:
    """Create the schema and tables, or migrate them forward, in one transaction.

    A transaction-scoped advisory lock serializes concurrent first adds (each one
    finds the work done by the one before it)."""
    cur = conn.cursor()
    cur.execute("BEGIN")
    try:
        cur.execute("SELECT pg_advisory_xact_lock(%s)", (lock_key(schema, MIGRATION_SLOT),))
        exists = cur.execute("SELECT 1 FROM pg_namespace WHERE nspname = %s",
                             (schema,)).fetchone()
        if not exists:
            cur.execute(_sql.SQL("CREATE SCHEMA {}").format(_sql.Identifier(schema)))
        version = _identify(cur, target, schema, fresh_ok=True)
        steps = pg_schema.pending(version)
        if steps:
            if version == 0:
                for statement in pg_schema.VERSION_TABLE:
                    cur.execute(statement)
            for number, description, statements in steps:
                for statement in statements:
                    cur.execute(statement)
                cur.execute("INSERT INTO ledger_schema(version, description, applied_at)"
                            " VALUES (%s, %s, %s)", (number, description, _now()))
            version = steps[-1][0]
        cur.execute("COMMIT")
    except BaseException:
        with contextlib.suppress(Exception):
            cur.execute("ROLLBACK")
        raise
    return version
