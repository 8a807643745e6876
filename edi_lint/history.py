"""Attach what a run knows beyond its files: ledger history and the roster."""
from __future__ import annotations


def attach(ctx, options) -> None:
    """Load the roster and the ledger's history for the batch (when given)."""
    if options.roster:
        from .roster import load_roster
        ctx.roster = load_roster(options.roster)
    if options.ledger:
        from .ledger import open_ledger
        ctx.ledger = open_ledger(options.ledger, create=False)


def load_batch_history(ctx) -> None:
    """Fill ``ctx.batch.history`` and ``history_responses`` from the ledger, in bulk.

    Implemented by the ledger (``edi_lint.ledger``): history lines of the batch's
    members (never the batch's own claims again), with recorded claims that a
    batch replacement or void supersedes marked so.
    """
    ctx.ledger.load_into(ctx.batch)
