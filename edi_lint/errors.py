"""The one error every layer raises for a usage, configuration or I/O problem.

Low in the layers (it imports nothing): the ledger, the profile loader's callers,
plugins, config, baseline and roster raise it without importing the engine. The
severity list lives beside ``Finding`` (``edi_lint.findings``), as low.
"""


class UsageError(Exception):
    """A usage, configuration or I/O problem: exit 2 with this one-line message."""
