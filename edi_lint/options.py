"""Options: everything that shapes one run, checked as it is made."""
from __future__ import annotations

from dataclasses import dataclass, field

from .errors import UsageError
from .findings import SEVERITIES, SEVERITY_RANK
from .x12.files import DEFAULT_EXTENSIONS

IG_MODES = ("fast", "off", "pyx12")  # Options.ig: the implementation-guide pass


@dataclass
class Options:
    """Everything that shapes one run (the CLI, config files and the API fill it)."""

    fail_on: str = "error"
    # what reports show: findings below it are left out of every format, still counted in
    # the summary and still failing the run per ``fail_on`` (``Result.shown``)
    min_severity: str = "info"
    show_phi: bool = False
    profile: str | None = None
    ledger: str | None = None
    roster: str | None = None
    # payer ids or parts of payer names: the billing rules govern only their claims and
    # TARs (replaces the profile's [[scope]]; empty: the profile's scope)
    payers: tuple[str, ...] = ()
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()
    severity: dict[str, str] = field(default_factory=dict)
    extensions: tuple[str, ...] = DEFAULT_EXTENSIONS
    jobs: int | str = 1  # processes, or "auto" (one a core, for a big enough batch)
    ig: str | bool = "fast"  # "fast" (the built-in 837P IG pass), "off", "pyx12"

    sniff_txt: bool = False  # named .txt files too are read only when they start with an ISA
    ack: bool = False  # collect what 999 and 277CA acknowledgments need (edi_lint.ack)
    ack_date: str | None = None  # their date, YYYYMMDD[HHMM]; None: the clock's

    def __post_init__(self):
        """Bad values are a UsageError (the CLI's exit 2), as the CLI and config files say."""
        for name in ("fail_on", "min_severity"):
            if getattr(self, name) not in SEVERITY_RANK:
                raise UsageError(f"{name} {getattr(self, name)!r} is not one of"
                                 f" {', '.join(SEVERITIES)}")
        for name in ("select", "ignore", "payers"):
            value = getattr(self, name)
            if isinstance(value, str):  # one prefix, not its characters
                value = (value,)
            if not all(isinstance(p, str) for p in value):
                what = "payer ids or names" if name == "payers" else "rule codes or tip ids"
                raise UsageError(f"{name} takes {what} (strings), not {value!r}")
            setattr(self, name, tuple(value))
        for code, level in dict(self.severity).items():
            if level not in SEVERITY_RANK:
                raise UsageError(f"severity {code}={level!r} is not one of {', '.join(SEVERITIES)}")
        ig = {True: "pyx12", False: "off", None: "off"}.get(self.ig, self.ig)
        if ig not in IG_MODES:
            raise UsageError(f"ig {self.ig!r} is not one of {', '.join(IG_MODES)}")
        self.ig = ig
        if self.ack_date is not None:
            from .ack.x12out import parse_ack_date
            try:
                parse_ack_date(self.ack_date)
            except ValueError as exc:
                raise UsageError(str(exc)) from None
        jobs = self.jobs
        if jobs != "auto" and (type(jobs) is not int or jobs < 1):
            raise UsageError(f"jobs {jobs!r} is not a number of processes (1 or more) or 'auto'")
