"""What a run gives back: a summary of each file read, and the Result of the batch."""
from __future__ import annotations

from dataclasses import dataclass, field, replace

from . import __version__
from .findings import SEVERITY_RANK, Finding
from .options import Options


@dataclass
class FileSummary:
    path: str
    transactions: int = 0
    claims: int = 0
    tar_requests: int = 0
    tar_responses: int = 0
    # (ST segment index, ST02) of each 837P and 278 transaction set, in file order: the
    # HTML report tells apart claims of one CLM01 in different sets (not in the JSON)
    sets: list[tuple[int, str]] = field(default_factory=list, repr=False)
    # outside the JSON contract: claims and TARs (requests and responses) whose payer is
    # outside the payer scope, and B001 for this file (or this part of it) when none is in
    out_of_scope_claims: int = 0
    out_of_scope_tars: int = 0
    scope_note: Finding | None = None

    @property
    def all_out_of_scope(self) -> bool:
        """Claims or TARs were read and none of them is in the payer scope."""
        out = self.out_of_scope_claims + self.out_of_scope_tars
        return out > 0 and out == self.claims + self.tar_requests + self.tar_responses
    # with Options.ack: the file's interchanges as edi_lint.ack.model facts (not in the JSON)
    ack: list | None = field(default=None, repr=False)

    def as_dict(self) -> dict:
        return {"path": self.path, "transactions": self.transactions, "claims": self.claims,
                "tar_requests": self.tar_requests, "tar_responses": self.tar_responses}


@dataclass
class Result:
    """The outcome of a run: files read, findings (sorted), and totals.

    ``counted``: the findings of the summary and of ``failed`` when ``findings`` are
    fewer (``shown``: a report's findings at or above ``options.min_severity``);
    None when they are the same.
    """

    files: list[FileSummary]
    findings: list[Finding]
    options: Options
    # None when the billing rules govern every payer, else where the scope came from
    # ("profile": its [[scope]]; "--payer": options.payers); outside the JSON contract
    payer_scope: str | None = None

    @property
    def out_of_scope(self) -> tuple[int, int]:
        """(claims, TARs) whose payer is outside the payer scope."""
        return (sum(f.out_of_scope_claims for f in self.files),
                sum(f.out_of_scope_tars for f in self.files))

    counted: list[Finding] | None = field(default=None, repr=False)

    def shown(self) -> Result:
        """What reports show: the findings at or above ``options.min_severity``; the
        summary and ``failed`` still count every finding."""
        floor = SEVERITY_RANK[getattr(self.options, "min_severity", "info")]
        if floor <= SEVERITY_RANK["info"]:
            return self
        kept = [f for f in self.findings if SEVERITY_RANK[f.severity] >= floor]
        return replace(
            self, findings=kept,
            counted=self.findings if self.counted is None else self.counted)

    @property
    def summary(self) -> dict:
        counts = {"error": 0, "warning": 0, "info": 0}
        for f in (self.findings if self.counted is None else self.counted):
            counts[f.severity] += 1
        return {"files": len(self.files),
                "claims": sum(f.claims for f in self.files),
                "tar_requests": sum(f.tar_requests for f in self.files),
                "tar_responses": sum(f.tar_responses for f in self.files),
                **counts}

    @property
    def failed(self) -> bool:
        floor = SEVERITY_RANK[self.options.fail_on]
        found = self.findings if self.counted is None else self.counted
        return any(SEVERITY_RANK[f.severity] >= floor for f in found)

    def as_dict(self) -> dict:
        """The JSON contract (exact keys)."""
        return {"tool": {"name": "edi-lint", "version": __version__},
                "files": [f.as_dict() for f in self.files],
                "findings": [f.as_dict() for f in self.findings],
                "summary": self.summary}
