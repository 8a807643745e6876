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
