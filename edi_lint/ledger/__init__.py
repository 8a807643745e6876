"""The history ledger: billed lines and TAR decisions recorded by earlier runs.

One interface (:class:`edi_lint.ledger.base.Ledger`), one backend per store:
SQLite (a file path, the embedded default, ``sqlite.py``) and PostgreSQL (a
``postgresql://`` URL, ``postgres.py``, psycopg 3 from the ``postgres`` extra).
Callers only ever use :func:`open_ledger`.

This module stays light (``edi_lint.batch`` imports ``digest`` from this
package): backends are imported when a ledger is opened.
"""
from __future__ import annotations

from ..errors import UsageError

__all__ = ["open_ledger"]

_URL_SCHEMES = ("postgresql://", "postgres://")


def open_ledger(target: str, create: bool = False):
    """Open the ledger at ``target``: an SQLite file path or a ``postgresql://`` URL.

    ``create=True`` (``ledger add``, ``ledger init``) creates a missing ledger and
    migrates an older schema forward; ``create=False`` (``check``, ``show``,
    ``stats``) opens read-only and fails when the ledger does not exist.
    Every problem is an ``edi_lint.errors.UsageError`` (exit 2, one line).
    """
    target = str(target)
    if not target:
        raise UsageError("--ledger: empty ledger path")
    if target.lower().startswith(_URL_SCHEMES):
        from .postgres import PgLedger
        return PgLedger.open(target, create=create)
    scheme, sep, _ = target.partition("://")
    if sep and scheme.isalnum():
        raise UsageError(f"--ledger: unsupported ledger URL scheme {scheme!r}; give an SQLite"
                         " file path or a postgresql:// URL")
    from .sqlite import SqliteLedger
    return SqliteLedger.open(target, create=create)
