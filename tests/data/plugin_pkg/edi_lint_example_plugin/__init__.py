"""A tiny edi-lint plugin: two rules with the ZX prefix (tests load it through entry points)."""
