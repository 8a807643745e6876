"""Shared fixtures: the ledger suite runs on both backends.

``ledger_target`` is parametrized over ``sqlite`` (a file in the test's tmp_path) and
``postgresql`` (a URL). The PostgreSQL server is taken from the environment variable
``EDI_LINT_TEST_PG_URL`` (default ``postgresql://postgres@127.0.0.1:5432/test``); every
test gets a throwaway schema of its own, named in the URL with the ``schema=`` parameter
that edi-lint's PostgreSQL backend understands (it creates the schema on ``ledger init``
or the first ``add`` and strips the parameter before libpq sees the URL), e.g.

    postgresql://postgres@127.0.0.1:5432/test?schema=edi_lint_test_1234_ab12_7

The schema does not exist when the test starts (a "missing ledger"); it is dropped after
the test, and whatever this run left behind is dropped at its end. Without psycopg, or
when no server answers, the ``postgresql`` cases skip with the reason: a machine without
PostgreSQL still passes the README's test command.
"""
from __future__ import annotations

import itertools
import os
import secrets

import pytest

PG_URL_ENV = "EDI_LINT_TEST_PG_URL"
PG_URL_DEFAULT = "postgresql://postgres@127.0.0.1:5432/test"
RUN = f"edi_lint_test_{os.getpid()}_{secrets.token_hex(2)}"
_numbers = itertools.count(1)


def pg_base_url() -> str:
    return os.environ.get(PG_URL_ENV) or PG_URL_DEFAULT


def shown(url: str) -> str:
    """A URL as edi-lint shows it (password masked)."""
    from edi_lint.ledger.postgres import Target
    return Target(url).display


def with_schema(url: str, schema: str) -> str:
    return f"{url}{'&' if '?' in url else '?'}schema={schema}"


def is_postgres(target: str) -> bool:
    return str(target).startswith(("postgresql://", "postgres://"))


def pg_connect(url: str | None = None, schema: str | None = None):
    """A psycopg connection (autocommit) to the test server, search_path set to ``schema``."""
    import psycopg
    from psycopg import sql
    from edi_lint.ledger.postgres import Target
    conn = psycopg.connect(Target(url or pg_base_url()).conninfo, autocommit=True,
                           connect_timeout=5)
    if schema:
        conn.execute(sql.SQL("SET search_path TO {}").format(sql.Identifier(schema)))
    return conn


def schema_of(target: str) -> str:
    from edi_lint.ledger.postgres import Target
    return Target(target).schema


@pytest.fixture(scope="session")
def pg_server():
    """The test server's base URL, or a skip with the reason."""
    try:
        import psycopg  # noqa: F401
    except ImportError:
        pytest.skip("psycopg is not installed (pip install 'edi-lint[postgres]'): PostgreSQL"
                    " ledger tests skipped")
    url = pg_base_url()
    try:
        conn = pg_connect(url)
    except Exception as exc:  # noqa: BLE001 - any failure to connect means "no server"
        reason = " ".join(str(exc).split())
        pytest.skip(f"no PostgreSQL server answers at {shown(url)} ({reason});"
                    f" set {PG_URL_ENV} to run the PostgreSQL ledger tests")
    conn.close()
    yield url
    try:  # whatever this run left behind
        conn = pg_connect(url)
    except Exception:  # noqa: BLE001
        return
    with conn:
        for (name,) in conn.execute("SELECT nspname FROM pg_namespace WHERE nspname LIKE %s",
                                    (RUN.replace("_", r"\_") + "%",)).fetchall():
            _drop_schema(conn, name)


def _drop_schema(conn, name: str) -> None:
    from psycopg import sql
    conn.execute(sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(sql.Identifier(name)))


@pytest.fixture
def pg_schema_url(pg_server):
    """A URL naming a fresh (not yet existing) schema; the schema is dropped afterwards."""
    schema = f"{RUN}_{next(_numbers)}"
    yield with_schema(pg_server, schema)
    try:
        conn = pg_connect(pg_server)
    except Exception:  # noqa: BLE001
        return
    with conn:
        _drop_schema(conn, schema)


@pytest.fixture(params=["sqlite", "postgresql"])
def ledger_target(request, tmp_path):
    """Where the test's ledger lives: an SQLite path, or a PostgreSQL URL with its own schema."""
    if request.param == "sqlite":
        return str(tmp_path / "history.ledger")
    return request.getfixturevalue("pg_schema_url")


@pytest.fixture
def ledger_sql(ledger_target):
    """sql(statement, params=()) -> rows: raw SQL on the test's ledger, whichever backend.

    Write statements with ``?`` placeholders (turned into ``%s`` for PostgreSQL); every
    call is its own committed transaction."""
    def run(statement: str, params=()):
        if is_postgres(ledger_target):
            with pg_connect(schema=schema_of(ledger_target)) as conn:
                cur = conn.execute(statement.replace("?", "%s"), params)
                return cur.fetchall() if cur.description else []
        import sqlite3
        conn = sqlite3.connect(ledger_target)
        try:
            with conn:
                return conn.execute(statement, params).fetchall()
        finally:
            conn.close()
    return run
