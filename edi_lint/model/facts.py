"""Compact facts the batch-wide rules count: one per service line, one per claim.

Facts hold what the limits need (member, group, dates, units, money) and where
to point a finding; never parsed segments. The ledger stores and returns the
same facts for history (``loc`` None, never reported).

A batch of 100 MB holds some 400,000 lines and 220,000 claims, so facts are
small: what lines bill in common (code, modifiers, group, units, charge) is one
shared ``LineKind``; what the lines of a claim share (member, NPI, CLM01,
frequency, file, status) one ``ClaimFact``, whose NPI, frequency and file are one
shared ``ClaimSource``; dates and authorization tuples are shared objects.
Where a claim sits (file number, CLM index, line, column, offset) and its CLM01
are one int; where a line sits (its SV1 and DTP*472: index, line, column,
offset, length) and its number are one int of at most 59 bits (two CPython
digits, 32 bytes) holding deltas from its claim's CLM, or a wider int when a
field does not fit (the layouts: ``packing.py``). They are unpacked only when asked
(``loc``, ``claim_id``).
The segment text of a finding is read back from the file then (only findings
need it); for stdin, from the copy ``x12.stdin`` keeps of it. The attributes are the same as a
plain record's: ``fact.code``, ``fact.member``, ``fact.order``...
"""
from __future__ import annotations

from operator import attrgetter

from ..x12.stdin import copying, read_back
from .common import Pos
from .packing import (DI1_SHIFT, M24, M32, M40, M64, ORDER_SHIFT, TEXT_SHIFT, WIDE_INDEX_SHIFT,
                      claim_base, claim_text, claim_text_bits, pack_claim, pack_location,
                      unpack_position)


class LineKind:
    """What a line bills; shared by every line of the batch billing the same."""

    __slots__ = ("code", "modifier_set", "label", "group", "unit_basis", "units", "charge_cents")

    def __init__(self, code, modifier_set, label, group, unit_basis, units, charge_cents):
        self.code = code
        self.modifier_set = modifier_set
        self.label = label  # "G9012-U2" as billed
        self.group = group  # profile group name, or None when the profile does not know it
        self.unit_basis = unit_basis
        self.units = units
        self.charge_cents = charge_cents

    def __reduce__(self):
        return (LineKind, (self.code, self.modifier_set, self.label, self.group, self.unit_basis,
                           self.units, self.charge_cents))


def claims_billed_as(claims, claim_ids) -> list:
    """The claims whose CLM01 is in ``claim_ids``, in their order.

    Compares a packed claim's CLM01 bits with those of the wanted ids instead of
    decoding every claim's CLM01 (a batch holds hundreds of thousands of claims and
    few replacements or voids).
    """
    wanted = set(claim_ids)
    bits = set()
    for claim_id in wanted:
        try:
            bits.add(claim_text_bits(claim_id))
        except (AttributeError, UnicodeEncodeError):  # never packed: compared as text
            pass
    found = []
    for claim in claims:
        where = claim.where
        if type(where) is int:
            if where >> TEXT_SHIFT in bits:
                found.append(claim)
        elif claim.claim_id in wanted:
            found.append(claim)
    return found


class ClaimSource:
    """Billing NPI, frequency and file of a claim; shared by the claims that have the same."""

    __slots__ = ("npi", "frequency", "path")

    def __init__(self, npi, frequency, path):
        self.npi = npi
        self.frequency = frequency
        self.path = path

    def __reduce__(self):
        return (ClaimSource, (self.npi, self.frequency, self.path))


class ClaimFact:
    """One claim of the batch, shared by its line facts.

    Iterates as the tuple ``(claim_key, frequency, order, claim_id)`` that
    ``Batch.claims`` documents, so ``key, freq, order, clm01 = claim`` works.
    ``status`` is the claim's and so its lines': a replacement or a void
    supersedes or voids a whole claim.
    """

    __slots__ = ("member", "source", "where", "status")  # four slots: 64 bytes an object

    def __init__(self, member, npi, claim_id, frequency, file_no, index, path):
        self.member = member
        self.source = ClaimSource(npi, frequency, path)
        self.where = (claim_id, file_no, index)  # index: of the CLM (None for ledger lines)
        self.status = "active"  # active | superseded | void

    npi = property(attrgetter("source.npi"))
    frequency = property(attrgetter("source.frequency"))
    path = property(attrgetter("source.path"))

    @property
    def claim_id(self):
        where = self.where
        return claim_text(where) if type(where) is int else where[0]

    @property
    def file_no(self):
        where = self.where
        return where >> 144 & M24 if type(where) is int else where[1]

    @property
    def index(self):
        """Segment index of the CLM (None for ledger lines)."""
        where = self.where
        return where >> ORDER_SHIFT & M40 if type(where) is int else where[2]

    @property
    def claim_key(self):
        """(billing NPI, CLM01)."""
        return (self.npi, self.claim_id)

    @property
    def order(self):
        """(file number, CLM segment index)."""
        return (self.file_no, self.index)

    def __iter__(self):
        return iter((self.claim_key, self.frequency, self.order, self.claim_id))

    def __reduce__(self):
        return (_claim, (self.member, self.source, self.where, self.status))


def _claim(member, source, where, status) -> ClaimFact:
    claim = ClaimFact.__new__(ClaimFact)
    claim.member, claim.source, claim.where, claim.status = member, source, where, status
    return claim


class _KeyedClaim(ClaimFact):
    """A hand-made fact whose claim_key is not (NPI, CLM01) (tests, history)."""

    __slots__ = ("_key",)

    def __init__(self, claim, key):
        for name in ClaimFact.__slots__:
            setattr(self, name, getattr(claim, name))
        self._key = key

    @property
    def claim_key(self):
        return self._key

    def __reduce__(self):
        return (_KeyedClaim, (_claim(self.member, self.source, self.where, self.status),
                              self._key))


def _kind_field(name):
    get = attrgetter(f"kind.{name}")  # in C: rules read these a lot

    def set(self, value):  # copy on write: the kind is shared
        k = self.kind
        values = {f: getattr(k, f) for f in LineKind.__slots__}
        values[name] = value
        self.kind = LineKind(**values)
    return property(get, set)


def _set_status(fact, value):
    fact.claim.status = value


class LineFact:
    """One billed service line, from the batch or from the ledger.

    ``where`` is a packed int for batch lines (see "where a line sits"), else the
    tuple ``(order, loc, service_line)`` (``loc`` None for ledger history).
    """

    __slots__ = ("kind", "claim", "dos_from", "dos_to", "authorizations", "where")

    def __init__(self, member, code, modifier_set, label, group, dos_from, dos_to, units,
                 charge_cents, unit_basis, claim_key, claim_id, frequency, order, authorizations,
                 loc=None, service_line=None):
        npi = claim_key[0] if isinstance(claim_key, tuple) and len(claim_key) == 2 else None
        self.kind = LineKind(code, modifier_set, label, group, unit_basis, units, charge_cents)
        claim = ClaimFact(member, npi, claim_id, frequency, order[0], None,
                          loc.path if loc is not None else None)
        self.claim = claim if claim.claim_key == claim_key else _KeyedClaim(claim, claim_key)
        self.dos_from = dos_from
        self.dos_to = dos_to
        self.authorizations = authorizations  # tuple of REF*G1 numbers (line, else claim)
        self.where = (order, loc, service_line)

    code = _kind_field("code")
    modifier_set = _kind_field("modifier_set")
    label = _kind_field("label")
    group = _kind_field("group")
    unit_basis = _kind_field("unit_basis")
    units = _kind_field("units")
    charge_cents = _kind_field("charge_cents")

    member = property(attrgetter("claim.member"))
    status = property(attrgetter("claim.status"), _set_status)  # active | superseded | void

    @property
    def claim_key(self):
        """(billing NPI, CLM01)."""
        return self.claim.claim_key

    claim_id = property(attrgetter("claim.claim_id"))
    frequency = property(attrgetter("claim.source.frequency"))

    @property
    def order(self):
        """(file number, segment index); history: (-1, n)."""
        where = self.where
        if type(where) is not int:
            return where[0]
        if where & 1:
            return (self.claim.file_no, where >> WIDE_INDEX_SHIFT & M32)
        order = (self.claim.where >> ORDER_SHIFT & M64) + (where >> DI1_SHIFT & 511)
        return (order >> 40, order & M40)

    @property
    def loc(self):
        """Where findings point (``FactLocation``); None for ledger history."""
        where = self.where
        if type(where) is int:
            return PackedLocation(self, where)
        return where[1]

    @property
    def service_line(self):
        """The line's number in its claim (LX01's place)."""
        where = self.where
        if type(where) is not int:
            return where[2] if len(where) > 2 else None
        return where >> 1 & 0xFFFF if where & 1 else where >> 6 & 63

    @service_line.setter
    def service_line(self, value):
        where = self.where
        if type(where) is int:  # rare: keep the location unpacked
            loc = self.loc
            where = (self.order, FactLocation(loc.path, loc.sv1, loc.dtp, loc.claim_id, value))
        self.where = (where[0], where[1], value)

    @property
    def from_ledger(self) -> bool:
        return type(self.where) is not int and self.where[1] is None

    @property
    def counts(self) -> bool:
        """Whether the line counts toward limits (not superseded, not voided)."""
        return self.status == "active"

    @property
    def days(self) -> int:
        if self.dos_from is None or self.dos_to is None:
            return 1
        return max(1, (self.dos_to - self.dos_from).days + 1)

    def sort_key(self):
        """Batch order: DOS, then file order, then segment order."""
        return (self.dos_from, self.order)

    def __reduce__(self):  # compact and fast for ``-j`` (shared kinds and claims pickle once)
        return (_rebuild, (self.kind, self.claim, self.dos_from, self.dos_to, self.authorizations,
                           self.where))

    def __repr__(self):
        return (f"LineFact({self.label} {self.dos_from} claim {self.claim_id}"
                f" line {self.service_line} {self.status})")


def _rebuild(kind, claim, dos_from, dos_to, authorizations, where):
    fact = LineFact.__new__(LineFact)
    fact.kind, fact.claim, fact.dos_from, fact.dos_to = kind, claim, dos_from, dos_to
    fact.authorizations, fact.where = authorizations, where
    return fact


class FactLocation:
    """Where a batch line's findings point (its SV1 and DTP*472)."""

    __slots__ = ("path", "sv1", "dtp", "claim_id", "service_line")

    def __init__(self, path, sv1, dtp, claim_id, service_line):
        self.path = path
        self.sv1 = sv1
        self.dtp = dtp
        self.claim_id = claim_id
        self.service_line = service_line


def segment_text(path, offset, length) -> str:
    """A segment's text read back from its file, or stdin's copy ('' when it cannot be)."""
    if not path or length <= 0:
        return ""
    if path == "-":
        return read_back(offset, length)
    try:
        with open(path, "rb") as fh:
            fh.seek(offset)
            return fh.read(length).decode("latin-1")
    except OSError:
        return ""


class PackedLocation:
    """The ``FactLocation`` of a batch line, unpacked on demand."""

    __slots__ = ("_fact", "_bits")

    def __init__(self, fact, bits):
        self._fact = fact
        self._bits = bits

    @property
    def path(self):
        return self._fact.claim.source.path

    @property
    def claim_id(self):
        return self._fact.claim.claim_id

    @property
    def service_line(self):
        return self._fact.service_line

    @property
    def sv1(self):
        return self._position(0)

    @property
    def dtp(self):
        return self._position(1)

    def _position(self, which) -> Pos:
        claim = self._fact.claim
        *fields, length = unpack_position(self._bits, which, claim.where)
        return Pos(*fields, segment_text(claim.source.path, fields[3], length))


_LANE = 1 << 40


def counting_key(fact) -> int:
    """``sort_key`` as one int: (DOS, file number, segment index); ValueError if it cannot be."""
    where = fact.where
    if type(where) is int and not where & 1:  # a compact batch line
        return ((fact.dos_from.toordinal() << 80) + (fact.claim.where >> ORDER_SHIFT & M64)
                + (where >> DI1_SHIFT & 511))
    file_no, index = fact.order
    if not (0 <= file_no < _LANE and 0 <= index < _LANE):
        raise ValueError("order out of range")
    return (fact.dos_from.toordinal() * _LANE + file_no) * _LANE + index


# -- making batch facts -------------------------------------------------------------------

class FactMaker:
    """Builds the facts of a batch's lines, sharing every value that repeats."""

    def __init__(self):
        self.kinds: dict = {}
        self.sources: dict = {}
        self.shared: dict = {}  # dates, members, authorization tuples: one object per value
        self._base = (None, None)  # (claim fact, its claim_base) of the last line made

    def claim(self, claim, path, file_no) -> ClaimFact:
        share = self.shared.setdefault
        member = claim.member
        if member is not None:
            member = share(member, member)
        key = (claim.billing_npi, claim.frequency, path)
        source = self.sources.get(key)
        if source is None:
            source = self.sources[key] = ClaimSource(*key)
        where = pack_claim(claim.clm01, file_no, claim.pos)
        if where is None:
            where = (claim.clm01, file_no, claim.pos.index)
        return _claim(member, source, where, "active")

    def line(self, line, group, claim_fact) -> LineFact:
        """The fact of one batch service line of ``claim_fact``'s claim."""
        share = self.shared.setdefault
        mods = line.modifiers
        key = (line.code, mods, group, line.unit_basis, line.units, line.charge_cents)
        kind = self.kinds.get(key)
        if kind is None:
            kind = self.kinds[key] = LineKind(line.code, line.modifier_set, line.label, group,
                                              line.unit_basis, line.units, line.charge_cents)
        where = line.where
        dtp = line.dtp_pos or where
        bits = None
        path = claim_fact.path
        if path != "-" or copying():  # stdin read without a copy keeps its texts
            last, base = self._base
            if last is not claim_fact:
                base = claim_base(claim_fact.where) if type(claim_fact.where) is int else None
                self._base = (claim_fact, base)
            bits = pack_location(where, dtp, line.number, base)
        if bits is None:
            bits = ((claim_fact.file_no, where.index),
                    FactLocation(path, where, dtp, claim_fact.claim_id, line.number),
                    line.number)
        d1, d2, auth = line.dos_from, line.dos_to, tuple(line.authorizations)
        return _rebuild(kind, claim_fact, share(d1, d1), share(d2, d2), share(auth, auth), bits)


def line_fact(line, group, path, file_no) -> LineFact:
    """The fact of one batch service line (unshared; ``FactMaker`` shares values)."""
    maker = FactMaker()
    return maker.line(line, group, maker.claim(line.claim, path, file_no))