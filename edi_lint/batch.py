"""What one run remembers across its files for the batch-wide rules."""
from __future__ import annotations

from .model.facts import FactMaker, LineFact, claims_billed_as, counting_key


class Batch:
    """Facts of every file of a run: lines, claims, TAR decisions.

    Lines enter only when the profile knows their code (or, with a roster, all
    lines, since GEN-04 applies to every line). Voids and replacements are
    resolved once all files are read (``resolve_frequencies``).
    """

    def __init__(self, profile, keep_all_lines=False, keep_digests=True):
        self.profile = profile
        self.keep_all_lines = keep_all_lines
        self.keep_digests = keep_digests
        self.lines: list[LineFact] = []
        # one ClaimFact per claim; each iterates as (claim_key, frequency, order, claim_id)
        self.claims: list = []
        # content digest of each claim, parallel to ``claims``: the ledger leaves out a
        # recorded claim identical to a batch claim (a claim is never its own duplicate)
        self.claim_digests: list[str] = []
        self.responses: list = []  # TarResponse objects (few and small)
        self.history: list[LineFact] = []  # from the ledger, counted first
        self.history_responses: list = []
        self._facts = FactMaker()
        # (k, n) while ``-j`` runs the by-member batch rules in n processes: process k
        # checks the members whose hash % n is k (the limit index of ``rules.limits``,
        # GEN-07's authorizations in ``rules.authorization``)
        self.shard = None
        # (file number, CLM index) of the first and the last claim added, and whether
        # each came after the one before (always, from the engine): lines are then in
        # batch order already, and ``counted_lines`` only buckets them by DOS
        self.span = None
        self.in_order = True
        self._digest = None  # ledger.digest.claim_digest, imported when first needed
        self._counted = None  # (key, counted lines), see ``counted_lines``
        self._statuses = 0

    def add_claim(self, claim, path, file_no) -> None:
        claim_fact = self._facts.claim(claim, path, file_no)
        self.claims.append(claim_fact)
        order = (file_no, claim.pos.index)
        span = self.span
        if span is None:
            self.span = (order, order)
        else:
            if order <= span[1]:
                self.in_order = False
            self.span = (span[0], order)
        if self.keep_digests:
            if self._digest is None:  # hashlib and the ledger only for a ledger run
                from .ledger.digest import claim_digest
                self._digest = claim_digest
            self.claim_digests.append(self._digest(claim))
        match = self.profile.match
        make = self._facts.line
        for line in claim.lines:
            entry = match(line.code, line.modifier_set, line.dos_from) if line.dos_from else None
            if entry is None and not self.keep_all_lines:
                continue
            self.lines.append(make(line, entry.group if entry else None, claim_fact))

    def add_response(self, response) -> None:
        self.responses.append(response)

    # -- -j: what a worker's batch adds to the parent's ----------------------------------
    def empty_like(self) -> "Batch":
        """A new, empty batch with the same settings (a worker's, for one file), whose
        facts share their values (members, dates...) with this batch's."""
        batch = Batch(self.profile, keep_all_lines=self.keep_all_lines,
                      keep_digests=self.keep_digests)
        batch._facts = self._facts
        return batch

    MERGED = ("lines", "claims", "claim_digests", "responses", "span", "in_order")

    def contribution(self) -> dict:
        """What checking some files added (picklable), for ``merge`` in another process."""
        return {name: getattr(self, name) for name in self.MERGED}

    def merge(self, part: dict) -> None:
        """Add a worker's ``contribution``; parts are merged in file order."""
        span = part["span"]
        if span is not None:
            if not part["in_order"] or (self.span is not None and span[0] <= self.span[1]):
                self.in_order = False
            self.span = span if self.span is None else (self.span[0], span[1])
        for name, value in part.items():
            if name in ("span", "in_order"):
                continue
            if isinstance(value, int):
                setattr(self, name, getattr(self, name) + value)
            else:
                getattr(self, name).extend(value)

    def share_values(self, part: dict) -> None:
        """Make the facts of a ``contribution`` unpickled from another process share
        their members, dates and authorizations with this batch's (one object a value:
        each pickle had its own copies)."""
        share = self._facts.shared.setdefault
        for claim in part.get("claims", ()):
            member = claim.member
            if member is not None:
                claim.member = share(member, member)
        for line in part.get("lines", ()):
            d1, d2, auth = line.dos_from, line.dos_to, line.authorizations
            line.dos_from, line.dos_to = share(d1, d1), share(d2, d2)
            line.authorizations = share(auth, auth)

    def resolve_frequencies(self) -> None:
        """Mark lines of superseded (by a 7) and voided (by an 8, and the 8 itself) claims."""
        amended = {c.claim_key for c in self.claims if c.frequency in ("7", "8")}
        if not amended:
            return
        latest: dict = {}
        dead: dict = {}  # ClaimFact -> status
        # only claims that share a key with a replacement or a void can change status
        sharing = claims_billed_as(self.claims, {claim_id for _, claim_id in amended})
        for claim in sorted((c for c in sharing if c.claim_key in amended),
                            key=lambda c: c.order):
            key, freq = claim.claim_key, claim.frequency
            if freq in ("7", "8"):
                for earlier in latest.pop(key, []):
                    dead[earlier] = "superseded" if freq == "7" else "void"
            if freq == "8":
                dead[claim] = "void"
            else:
                latest.setdefault(key, []).append(claim)
        for claim, state in dead.items():  # a claim's status is its lines' (``ClaimFact``)
            claim.status = state
        self.statuses_changed()

    def statuses_changed(self) -> None:
        """Lines were voided or superseded (or revived): ``counted_lines`` is built again."""
        self._statuses += 1

    def counted_lines(self, copy=True) -> list[LineFact]:
        """History first (never reported), then active batch lines in DOS order.

        ``copy=False`` returns the cached list itself (the caller only reads it).
        """
        # Several batch rules ask: build it once, while the same lines are active (statuses
        # change only through ``statuses_changed``'s callers: asking costs no pass)
        key = (len(self.lines), id(self.history), len(self.history), self._statuses)
        cached = self._counted
        if cached is not None and cached[0] == key:
            return list(cached[1]) if copy else cached[1]
        batch = [f for f in self.lines if f.status == "active" and f.dos_from is not None]
        batch = _dos_order(batch, presorted=self.in_order)
        counted = [f for f in self.history if f.counts]
        counted += batch
        del batch
        self._counted = (key, counted)
        return list(counted) if copy else counted


def _dos_order(facts: list, presorted=False) -> list:
    """``facts`` sorted by ``LineFact.sort_key`` (stable), without a key object per fact.

    Facts are bucketed by DOS (shared date objects: no new object a line), then each
    day's bucket is sorted by ``counting_key`` (one int a line of that day only),
    unless the facts came ``presorted`` in batch order (file, then segment).
    """
    by_day: dict = {}
    for fact in facts:
        day = by_day.get(fact.dos_from)
        if day is None:
            by_day[fact.dos_from] = [fact]
        else:
            day.append(fact)
    out: list = []
    try:
        for dos in sorted(by_day):
            day = by_day[dos]
            if len(day) > 1 and not presorted:
                day.sort(key=counting_key)
            out += day
    except ValueError:  # hand-made facts with an unusual order: the plain key
        facts = list(facts)
        facts.sort(key=LineFact.sort_key)
        return facts
    return out
