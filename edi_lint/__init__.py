"""edi-lint: a fast pre-flight linter for X12 837P claims and 278 TARs."""
__version__ = "0.1.0"


def lint(paths, **options):
    """Lint files or directories as one batch; returns a Result.

    ``paths`` is a path or a list of paths; options are the fields of
    ``edi_lint.engine.Options`` (fail_on, profile, ledger, roster, select, ...).
    """
    from .engine import Options, lint as _lint
    if isinstance(paths, (str, bytes)) or hasattr(paths, "__fspath__"):
        paths = [paths]
    return _lint([str(p) for p in paths], Options(**options))
