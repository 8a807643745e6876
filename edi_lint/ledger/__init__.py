"""The history ledger: billed lines and TAR decisions recorded by earlier runs.

One interface (:class:`edi_lint.ledger.base.Ledger`), one backend per store:
SQLite (a file path, the embedded default) today; a ``postgresql://`` URL is
the place for a second backend. Callers only ever use :func:`open_ledger`.

This module stays light (``edi_lint.batch`` imports ``digest`` from this
package): backends are imported when a ledger is opened.
"""
from __future__ import annotations

__all__ = ["open_ledger"]

_URL_SCHEMES = ("postgresql://", "postgres://")


def open_ledger(target: str, create: bool = False):
    """Open the ledger at ``target`` (an SQLite file path).

    ``create=True`` (``ledger add``, ``ledger init``) creates a missing ledger and
    migrates an older schema forward; ``create=False`` (``check``, ``show``,
    ``stats``) opens read-only and fails when the ledger does not exist.
    Every problem is an ``edi_lint.engine.UsageError`` (exit 2, one line).
    """
    from ..engine import UsageError

    target = str(target)
    if not target:
        raise UsageError("--ledger: empty ledger path")
    if target.lower().startswith(_URL_SCHEMES):
        raise UsageError("--ledger: PostgreSQL ledgers are not supported yet; give an SQLite"
                         " file path")
    from .sqlite import SqliteLedger
    return SqliteLedger.open(target, create=create)
