"""What one run remembers across its files for the batch-wide rules."""
from __future__ import annotations

from .model.facts import LineFact, line_fact


class Batch:
    """Facts of every file of a run: lines, claims, TAR decisions.

    Lines enter only when the profile knows their code (or, with a roster, all
    lines, since GEN-04 applies to every line). Voids and replacements are
    resolved once all files are read (``resolve_frequencies``).
    """

    def __init__(self, profile, keep_all_lines=False):
        self.profile = profile
        self.keep_all_lines = keep_all_lines
        self.lines: list[LineFact] = []
        self.claims: list[tuple] = []  # (claim_key, frequency, order, claim_id)
        self.responses: list = []  # TarResponse objects (few and small)
        self.requests = 0
        self.history: list[LineFact] = []  # from the ledger, counted first
        self.history_responses: list = []

    def add_claim(self, claim, path, file_no) -> None:
        self.claims.append(((claim.billing_npi, claim.clm01), claim.frequency,
                            (file_no, claim.pos.index), claim.clm01))
        match = self.profile.match
        for line in claim.lines:
            entry = match(line.code, line.modifier_set, line.dos_from) if line.dos_from else None
            if entry is None and not self.keep_all_lines:
                continue
            self.lines.append(line_fact(line, entry.group if entry else None, path, file_no))

    def add_response(self, response) -> None:
        self.responses.append(response)

    def resolve_frequencies(self) -> None:
        """Mark lines of superseded (by a 7) and voided (by an 8, and the 8 itself) claims."""
        latest: dict = {}
        dead: dict = {}
        for key, freq, order, _ in sorted(self.claims, key=lambda c: c[2]):
            if freq in ("7", "8"):
                for earlier in latest.pop(key, []):
                    dead[earlier] = "superseded" if freq == "7" else "void"
            if freq == "8":
                dead[(key, order)] = "void"
            else:
                latest.setdefault(key, []).append((key, order))
        if not dead:
            return
        for fact in self.lines:
            claim_order = self._claim_order(fact)
            state = dead.get((fact.claim_key, claim_order))
            if state:
                fact.status = state

    def _claim_order(self, fact):
        # the claim that holds a line is the last CLM at or before the line
        if not hasattr(self, "_claim_index"):
            index: dict = {}
            for key, _, order, _ in self.claims:
                index.setdefault((key, order[0]), []).append(order)
            self._claim_index = index
        orders = self._claim_index.get((fact.claim_key, fact.order[0]), [])
        best = None
        for order in orders:
            if order <= fact.order and (best is None or order > best):
                best = order
        return best

    def counted_lines(self) -> list[LineFact]:
        """History first (never reported), then active batch lines in DOS order."""
        batch = sorted((f for f in self.lines if f.counts and f.dos_from is not None),
                       key=LineFact.sort_key)
        return [f for f in self.history if f.counts] + batch
