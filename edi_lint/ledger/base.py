"""The one ledger interface: what ``check`` and the ``ledger`` commands may ask of a store.

A backend (``sqlite.SqliteLedger``, ``postgres.PgLedger``) implements the
storage primitives: open/create/migrate, ``record`` (one transaction per add,
idempotent by unique keys, replacements and voids applied) and a snapshot to read
from; the read queries (``_fetch_history``, ``show``, ``stats``) are written once in
``reading.py`` over each backend's SQL dialect. Everything above storage lives here,
once, so that both backends feed the rules identical history: ``add_files`` and
``load_into``.
"""
from __future__ import annotations

import gc
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from datetime import date
from typing import Iterable

from ..model import facts as _facts
from ..model.facts import LineFact
from .digest import response_digest
from .record import MOD_SEP, SEP, history_response, read_files

# The model shares one claim object and one "kind" per repeated value across facts; history
# facts do the same when the model offers it (fast, small), else use the plain constructor.
_SHARED = hasattr(_facts, "LineKind") and hasattr(_facts, "ClaimFact") and \
    {"kind", "claim", "where"} <= set(getattr(LineFact, "__slots__", ()))
if _SHARED:
    from ..model.facts import ClaimFact, LineKind

# Column order of the rows ``_fetch_history`` returns.
CLAIM_COLUMNS = ("claim_row", "billing_npi", "clm01", "digest", "frequency", "member", "g1",
                 "status")
LINE_COLUMNS = ("dos_from", "claim_row", "n", "code", "modifiers", "dos_to", "unit_basis",
                "units", "charge_cents", "g1")  # lines with a DOS only
RESPONSE_COLUMNS = ("id", "member", "um01", "um02", "hcr01", "hcr02", "trace", "dates",
                    "hsd_quantity", "digest")
SERVICE_COLUMNS = ("response_id", "n", "code", "modifiers", "hcr01", "hcr02", "um01", "um02",
                   "dates", "unit_basis", "units", "hsd_quantity", "amount_cents")


@dataclass
class AddReport:
    """What one ``ledger add`` recorded (counts only: no PHI)."""

    files: int = 0
    claims: int = 0
    lines: int = 0
    responses: int = 0
    already: int = 0  # claims and responses found already recorded
    superseded: int = 0  # earlier recorded claims a new replacement superseded
    voided: int = 0  # earlier recorded claims a new void cancelled
    unrecorded: list = field(default_factory=list)  # files with no claim and no response

    def summary(self) -> str:
        text = (f"recorded {self.lines} line{_s(self.lines)} of {self.claims} claim"
                f"{_s(self.claims)} and {self.responses} TAR response{_s(self.responses)} from"
                f" {self.files} file{_s(self.files)} ({self.already} already recorded)")
        if self.superseded or self.voided:
            text += (f"; {self.superseded} earlier claim{_s(self.superseded)} superseded,"
                     f" {self.voided} voided")
        return text


def _s(n: int) -> str:
    return "" if n == 1 else "s"


class Ledger(ABC):
    """A history store. Open one with ``edi_lint.ledger.open_ledger``."""

    #: how the ledger is named in messages (a path; a URL without its password)
    display: str = ""

    # -- storage primitives (each backend) ---------------------------------------------------
    @abstractmethod
    def record(self, claims: Iterable, responses: Iterable, files: int = 0) -> AddReport:
        """Record ClaimRecords and ResponseRecords in ONE transaction.

        Already recorded ones (same unique key) are counted in ``already`` and left
        alone; a new replacement (frequency 7) or void (8) marks the earlier recorded
        claims with its billing NPI and CLM01 superseded or void. Either everything
        lands or nothing does.
        """

    @abstractmethod
    def _fetch_history(self, members: list[str]) -> tuple[list, list, list, list]:
        """Claims, lines, responses and response services of ``members``, in one snapshot.

        Rows are tuples in ``CLAIM_COLUMNS``, ``LINE_COLUMNS``, ``RESPONSE_COLUMNS`` and
        ``SERVICE_COLUMNS`` order. One bulk look-up per member set (or per chunk of it),
        never one query per member or line.
        """

    @abstractmethod
    def find_claims(self, member: str | None = None, clm01: str | None = None) -> list[dict]:
        """Recorded claims of a member and/or with a CLM01, each with its ``lines``."""

    @abstractmethod
    def find_responses(self, member: str | None = None,
                       certification: str | None = None) -> list[dict]:
        """Recorded 278 responses of a member and/or certification, with ``services``."""

    @abstractmethod
    def stats(self) -> dict:
        """Counts and ranges (no PHI)."""

    @property
    @abstractmethod
    def schema_version(self) -> int:
        """The schema version of the open ledger."""

    @abstractmethod
    def close(self) -> None:
        """Release the connection."""

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    # -- shared behaviour --------------------------------------------------------------------
    def add_files(self, paths, profile: str | None = None, payers=()) -> AddReport:
        """Read ``paths`` with the engine's pipeline and record them in one transaction
        (only claims and responses of the payer scope: ``payers``, else the profile's)."""
        gc_was_enabled = gc.isenabled()
        gc.disable()  # records are many small tuples, no cycles: as the engine's hot loop
        try:
            read = read_files(paths, profile, payers)
            report = self.record(read.claims, read.responses, files=read.files)
        finally:
            if gc_was_enabled:
                gc.enable()
        report.files = read.files
        report.unrecorded = read.unrecorded
        return report

    def load_into(self, batch) -> None:
        """Fill ``batch.history`` and ``batch.history_responses`` for the batch's members.

        - Only the members of the batch are looked up (in bulk).
        - A recorded claim identical to a batch claim (billing NPI, CLM01, content
          digest) is left out: a claim is never its own duplicate. When the ledger
          knows that claim as superseded or void, the batch's copy gets that status.
        - A batch replacement (7) or void (8) with no recorded twin supersedes or
          cancels every recorded claim with its billing NPI and CLM01.
        - History lines come in DOS order, then recording order, with order (-1, i);
          lines the batch's profile does not know, or without a DOS, are left out.
        """
        members = {f.member for f in batch.lines if f.member}
        members.update(r.member for r in batch.responses if r.member)
        if not members:
            batch.history, batch.history_responses = [], []
            return
        gc_was_enabled = gc.isenabled()
        gc.disable()  # hundreds of thousands of short-lived tuples, no cycles (as the engine)
        try:
            claim_rows, line_rows, response_rows, service_rows = self._fetch_history(
                sorted(members))
            batch.history = self._history_lines(batch, claim_rows, line_rows)
            batch.history_responses = self._history_responses(batch, response_rows,
                                                              service_rows)
        finally:
            if gc_was_enabled:
                gc.enable()

    # -- load_into, in parts ---------------------------------------------------------------
    def _history_lines(self, batch, claim_rows, line_rows) -> list[LineFact]:
        digests = getattr(batch, "claim_digests", None) or ()
        twins: dict = {}  # (npi, clm01, digest) -> the batch's claim
        for claim, digest in zip(batch.claims, digests):
            (npi, clm01), _, _, _ = claim
            twins[(npi or "", clm01 or "", digest)] = claim
        recorded = {(r[1], r[2], r[3]) for r in claim_rows}
        overrides: dict = {}  # (npi, clm01) -> status, from a batch 7/8 with no recorded twin
        for index, claim in enumerate(batch.claims):
            (npi, clm01), freq, _, _ = claim
            if freq not in ("7", "8"):
                continue
            npi_clm = (npi or "", clm01 or "")
            if index < len(digests) and npi_clm + (digests[index],) in recorded:
                continue  # recorded earlier: the ledger applied this replacement/void then
            if freq == "8" or overrides.get(npi_clm) != "void":
                overrides[npi_clm] = "void" if freq == "8" else "superseded"

        make = _FactMaker()
        claims: dict = {}  # claim_row -> (claim fact, claim g1, status); twins left out
        dead_twins: list = []  # (batch claim, status) the ledger knows as superseded/void
        for claim_row, npi, clm01, digest, freq, member, g1, status in claim_rows:
            twin = twins.get((npi, clm01, digest))
            if twin is not None:
                if status != "active":
                    dead_twins.append((twin, status))
                continue
            if status == "active":
                status = overrides.get((npi, clm01), "active")
            claims[claim_row] = (make.claim(member, npi or None, clm01, freq), g1, status)

        # Hot: one pass over every history line of the batch's members. Rows come as
        # (dos_from, claim_row, n, ...), so a plain sort is DOS then recording order.
        line_rows.sort()
        kind_of = make.kind_getter(batch.profile.match)
        day = make.day
        new_fact = make.fact
        claims_get = claims.get
        facts = []
        for dos_from, claim_row, n, code, mods, dos_to, basis, units, charge, g1 in line_rows:
            held = claims_get(claim_row)
            if held is None:
                continue
            kind = kind_of(code, mods, dos_from, basis, units, charge)
            if kind is None:
                continue  # not a line the batch's profile knows
            claim_fact, claim_g1, status = held
            d_from = day(dos_from)
            facts.append(new_fact(kind, claim_fact, d_from,
                                  d_from if dos_to == dos_from else day(dos_to),
                                  g1 or claim_g1, (-1, len(facts)), status, n))
        if dead_twins:
            _mark_batch_twins(batch, dead_twins)
        return facts

    def _history_responses(self, batch, rows, service_rows) -> list:
        in_batch = {response_digest(r) for r in batch.responses}
        services: dict = {}
        for srow in service_rows:
            services.setdefault(srow[0], []).append(srow)
        out = []
        for row in sorted(rows, key=lambda r: r[0]):
            if row[9] in in_batch:
                continue
            svc = [s[2:] for s in sorted(services.get(row[0], ()), key=lambda s: s[1])]
            out.append(history_response(row[:9], svc, len(out) + 1))
        return out


def _mark_batch_twins(batch, dead_twins) -> None:
    """Give the lines of batch claims whose recorded twin is superseded/void that status."""
    dead = {id(claim): status for claim, status in dead_twins}
    for fact in batch.lines:
        status = dead.get(id(getattr(fact, "claim", None)))
        if status is not None and fact.status == "active":
            fact.status = status
    batch.statuses_changed()


class _FactMaker:
    """History facts with shared values: one claim object per recorded claim, one kind per
    distinct (code, modifiers, group, basis, units, charge), one object per date and per
    authorization tuple.

    Uses the model's sharing classes (``LineKind``, ``ClaimFact``) when it has them, else
    the plain ``LineFact`` constructor.
    """

    def __init__(self):
        self.days: dict = {}
        self.auths: dict = {}

    def day(self, text):
        if text is None:
            return None
        d = self.days.get(text)
        if d is None:
            d = self.days[text] = date.fromisoformat(text)
        return d

    def authorizations(self, g1):
        found = self.auths.get(g1)
        if found is None:
            found = self.auths[g1] = tuple(v for v in g1.split(SEP) if v) if g1 else ()
        return found

    def kind_getter(self, match):
        """kind(code, mods, dos_from, basis, units, charge) -> the shared kind, or None when
        the profile matches no entry at that DOS."""
        kinds: dict = {}
        get = kinds.get
        day = self.day

        def kind(code, mods, dos_from, basis, units, charge):
            key = (code, mods, dos_from, basis, units, charge)
            found = get(key, False)
            if found is False:
                modifiers = tuple(m for m in mods.split(MOD_SEP) if m)
                entry = match(code, frozenset(modifiers), day(dos_from))
                found = kinds[key] = None if entry is None else self._kind(
                    code, modifiers, entry.group, basis, units, charge)
            return found
        return kind

    if _SHARED:
        def claim(self, member, npi, clm01, freq):
            return ClaimFact(member, npi, clm01, freq, -1, None, None)

        def _kind(self, code, modifiers, group, basis, units, charge):
            return LineKind(code, frozenset(modifiers), "-".join((code,) + modifiers), group,
                            basis, units, charge)

        def fact(self, kind, claim, d_from, d_to, g1, order, status, n):
            fact = LineFact.__new__(LineFact)
            fact.kind, fact.claim, fact.dos_from, fact.dos_to = kind, claim, d_from, d_to
            fact.authorizations = self.authorizations(g1)
            fact.where = (order, None)
            fact.status = status
            fact.service_line = n
            return fact
    else:  # pragma: no cover - a model without shared facts
        def claim(self, member, npi, clm01, freq):
            return (member, npi, clm01, freq)

        def _kind(self, code, modifiers, group, basis, units, charge):
            return (code, frozenset(modifiers), "-".join((code,) + modifiers), group, basis,
                    units, charge)

        def fact(self, kind, claim, d_from, d_to, g1, order, status, n):
            code, modifier_set, label, group, basis, units, charge = kind
            member, npi, clm01, freq = claim
            fact = LineFact(member, code, modifier_set, label, group, d_from, d_to, units, charge,
                            basis, (npi, clm01), clm01, freq, order, self.authorizations(g1),
                            None, n)
            fact.status = status
            return fact
