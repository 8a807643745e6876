"""The ledger's SQLite schema, as numbered forward migrations.

``ledger_schema`` holds one row per applied migration; the ledger's version is
its highest ``version``. A ledger is migrated forward (inside the writer's
transaction) by ``edi-lint ledger add`` / ``ledger init``; a ledger newer than
``LATEST`` is refused. The PostgreSQL backend keeps the same tables, columns,
keys and version numbers in its own dialect (``pg_schema.py``).

Tables (version 1)
  adds               one row per ``ledger add`` that recorded something: when, counts
  claims             one 837P claim: key (billing_npi, clm01, digest), frequency,
                     member, charge, claim REF*G1, status active|superseded|void and
                     the recorded claim (status_by) that replaced or voided it
  lines              its service lines (claim_id, n): member, code, modifiers, profile
                     group, DOS from/to (ISO), unit basis, units, charge, line REF*G1;
                     indexed by (member, dos_from) for the batch look-up
  responses          one 278 response (2000E): key (certification, digest), member,
                     UM01/UM02, HCR01/HCR02, TRN, dates (JSON), HSD02
  response_services  its 2000F lines (response_id, n): code, modifiers, HCR01/HCR02,
                     UM01/UM02, dates (JSON), unit basis, SV104 units, HSD02, amount
"""
from __future__ import annotations

APPLICATION_ID = 0x45444C47  # "EDLG" in the SQLite header: an edi-lint ledger file

MIGRATIONS: list[tuple[int, str, tuple[str, ...]]] = [
    (1, "claims, lines, TAR responses", (
        """CREATE TABLE adds (
               id INTEGER PRIMARY KEY,
               recorded_at TEXT NOT NULL,
               files INTEGER NOT NULL,
               claims INTEGER NOT NULL,
               lines INTEGER NOT NULL,
               responses INTEGER NOT NULL)""",
        """CREATE TABLE claims (
               id INTEGER PRIMARY KEY,
               billing_npi TEXT NOT NULL,
               clm01 TEXT NOT NULL,
               digest TEXT NOT NULL,
               frequency TEXT NOT NULL,
               member TEXT,
               charge_cents INTEGER,
               g1 TEXT NOT NULL DEFAULT '',
               status TEXT NOT NULL DEFAULT 'active'
                   CHECK (status IN ('active', 'superseded', 'void')),
               status_by INTEGER REFERENCES claims(id),
               add_id INTEGER NOT NULL REFERENCES adds(id),
               UNIQUE (billing_npi, clm01, digest))""",
        "CREATE INDEX claims_clm01 ON claims(clm01)",
        "CREATE INDEX claims_member ON claims(member)",
        """CREATE TABLE lines (
               claim_id INTEGER NOT NULL REFERENCES claims(id),
               n INTEGER NOT NULL,
               member TEXT,
               code TEXT NOT NULL,
               modifiers TEXT NOT NULL,
               grp TEXT,
               dos_from TEXT,
               dos_to TEXT,
               unit_basis TEXT NOT NULL,
               units REAL,
               charge_cents INTEGER,
               g1 TEXT NOT NULL DEFAULT '',
               PRIMARY KEY (claim_id, n)) WITHOUT ROWID""",
        "CREATE INDEX lines_member_dos ON lines(member, dos_from)",
        """CREATE TABLE responses (
               id INTEGER PRIMARY KEY,
               certification TEXT NOT NULL,
               digest TEXT NOT NULL,
               member TEXT,
               um01 TEXT,
               um02 TEXT,
               hcr01 TEXT,
               hcr02 TEXT,
               trace TEXT,
               dates TEXT NOT NULL,
               hsd_quantity REAL,
               add_id INTEGER NOT NULL REFERENCES adds(id),
               UNIQUE (certification, digest))""",
        "CREATE INDEX responses_member ON responses(member)",
        """CREATE TABLE response_services (
               response_id INTEGER NOT NULL REFERENCES responses(id),
               n INTEGER NOT NULL,
               code TEXT NOT NULL,
               modifiers TEXT NOT NULL,
               hcr01 TEXT,
               hcr02 TEXT,
               um01 TEXT,
               um02 TEXT,
               dates TEXT NOT NULL,
               unit_basis TEXT NOT NULL,
               units REAL,
               hsd_quantity REAL,
               amount_cents INTEGER,
               PRIMARY KEY (response_id, n)) WITHOUT ROWID""",
    )),
]

LATEST = MIGRATIONS[-1][0]

VERSION_TABLE = """CREATE TABLE IF NOT EXISTS ledger_schema (
    version INTEGER PRIMARY KEY,
    description TEXT NOT NULL,
    applied_at TEXT NOT NULL)"""


def pending(current: int):
    """The migrations to apply to a ledger at version ``current`` (0: a new file), in order."""
    return [m for m in MIGRATIONS if m[0] > current]
