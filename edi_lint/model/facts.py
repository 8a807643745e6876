"""Compact facts the batch-wide rules count: one per service line, one per claim.

Facts hold what the limits need (member, group, dates, units, money) and where
to point a finding; never parsed segments. The ledger stores and returns the
same facts for history (``loc`` None, never reported).

A batch of 100 MB holds some 400,000 lines, so a fact is small: what lines bill
in common (code, modifiers, group, units, charge) is one shared ``LineKind``,
what the lines of a claim share (member, NPI, CLM01, frequency, file) one
``ClaimFact``, dates and authorization tuples are shared objects, and where a
line sits (its SV1 and DTP*472: index, line, column, offset, length) is one
packed integer, unpacked into a ``FactLocation`` only when a rule asks for
``loc``. The segment text of a finding is read back from the file then (only
findings need it); lines read from stdin keep theirs. The attributes are the
same as a plain record's: ``fact.code``, ``fact.member``, ``fact.order``...
"""
from __future__ import annotations

import struct
from operator import attrgetter

from .common import Pos


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


class ClaimFact:
    """One claim of the batch, shared by its line facts.

    Iterates as the tuple ``(claim_key, frequency, order, claim_id)`` that
    ``Batch.claims`` documents, so ``key, freq, order, clm01 = claim`` works.
    """

    __slots__ = ("member", "npi", "claim_id", "frequency", "file_no", "index", "path")

    def __init__(self, member, npi, claim_id, frequency, file_no, index, path):
        self.member = member
        self.npi = npi
        self.claim_id = claim_id
        self.frequency = frequency
        self.file_no = file_no
        self.index = index  # segment index of the CLM (None for ledger lines)
        self.path = path

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
        return (ClaimFact, (self.member, self.npi, self.claim_id, self.frequency, self.file_no,
                            self.index, self.path))


def _kind_field(name):
    get = attrgetter(f"kind.{name}")  # in C: rules read these a lot

    def set(self, value):  # copy on write: the kind is shared
        k = self.kind
        values = {f: getattr(k, f) for f in LineKind.__slots__}
        values[name] = value
        self.kind = LineKind(**values)
    return property(get, set)


class LineFact:
    """One billed service line, from the batch or from the ledger."""

    __slots__ = ("kind", "claim", "dos_from", "dos_to", "authorizations", "where", "status",
                 "service_line")

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
        self.where = (order, loc)  # batch lines built by ``FactMaker``: a packed int
        self.status = "active"  # active | superseded | void
        self.service_line = service_line

    code = _kind_field("code")
    modifier_set = _kind_field("modifier_set")
    label = _kind_field("label")
    group = _kind_field("group")
    unit_basis = _kind_field("unit_basis")
    units = _kind_field("units")
    charge_cents = _kind_field("charge_cents")

    member = property(attrgetter("claim.member"))

    @property
    def claim_key(self):
        """(billing NPI, CLM01)."""
        return self.claim.claim_key

    claim_id = property(attrgetter("claim.claim_id"))
    frequency = property(attrgetter("claim.frequency"))

    @property
    def order(self):
        """(file number, segment index); history: (-1, n)."""
        where = self.where
        if type(where) is int:
            return (self.claim.file_no, (where >> _INDEX_SHIFT) & _INDEX_MASK)
        return where[0]

    @property
    def loc(self):
        """Where findings point (``FactLocation``); None for ledger history."""
        where = self.where
        if type(where) is int:
            return PackedLocation(self, where)
        return where[1]

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
                           self.where, self.status, self.service_line))

    def __repr__(self):
        return (f"LineFact({self.label} {self.dos_from} claim {self.claim_id}"
                f" line {self.service_line} {self.status})")


def _rebuild(kind, claim, dos_from, dos_to, authorizations, where, status, service_line):
    fact = LineFact.__new__(LineFact)
    fact.kind, fact.claim, fact.dos_from, fact.dos_to = kind, claim, dos_from, dos_to
    fact.authorizations, fact.where, fact.status = authorizations, where, status
    fact.service_line = service_line
    return fact


class _KeyedClaim(ClaimFact):
    """A hand-made fact whose claim_key is not (NPI, CLM01) (tests, history)."""

    __slots__ = ("_key",)

    def __init__(self, claim, key):
        super().__init__(claim.member, claim.npi, claim.claim_id, claim.frequency, claim.file_no,
                         claim.index, claim.path)
        self._key = key

    @property
    def claim_key(self):
        return self._key

    def __reduce__(self):
        return (_KeyedClaim, (ClaimFact(self.member, self.npi, self.claim_id, self.frequency,
                                        self.file_no, self.index, self.path), self._key))


class FactLocation:
    """Where a batch line's findings point (its SV1 and DTP*472)."""

    __slots__ = ("path", "sv1", "dtp", "claim_id", "service_line")

    def __init__(self, path, sv1, dtp, claim_id, service_line):
        self.path = path
        self.sv1 = sv1
        self.dtp = dtp
        self.claim_id = claim_id
        self.service_line = service_line


# -- packed locations -------------------------------------------------------------------
# One int made of the little-endian bytes of: SV1 and DTP text lengths, the two (segment
# id, loop) numbers, SV1 index, line, column (32 bits each), DTP minus SV1 index, line,
# column, offset (16 bits each), then the SV1 offset (64 bits) on top: about 60 bytes.
# Positions that do not fit (struct refuses them) keep their ``Pos`` objects instead.
_TAG_NO = {("SV1", "2400"): 0, ("DTP", "2400"): 1, ("LX", "2400"): 2, ("CLM", "2300"): 3}
_TAGS = sorted(_TAG_NO, key=_TAG_NO.get)
_PACK = struct.Struct("<IIBIIIHHHHQ")
_INDEX_SHIFT, _INDEX_MASK = 9 * 8, (1 << 32) - 1  # where SV1's index sits in the int


def pack_location(sv1, dtp) -> int | None:
    """The SV1 and DTP positions as one int, or None when they do not fit."""
    i1, l1, c1, o1, s1, p1, t1 = sv1
    i2, l2, c2, o2, s2, p2, t2 = dtp
    a, b = _TAG_NO.get((s1, p1)), _TAG_NO.get((s2, p2))
    if a is None or b is None:
        return None
    try:
        data = _PACK.pack(len(t1), len(t2), b << 2 | a, i1, l1, c1, i2 - i1, l2 - l1, c2 - c1,
                          o2 - o1, o1)
    except struct.error:  # a negative delta, or a number too big for its field
        return None
    return int.from_bytes(data, "little")


def _unpack(bits, which, path):
    n1, n2, tags, i1, l1, c1, di, dl, dc, do, o1 = _PACK.unpack(
        bits.to_bytes(_PACK.size, "little"))
    if which == 0:
        segment_id, loop = _TAGS[tags & 3]
        return Pos(i1, l1, c1, o1, segment_id, loop, segment_text(path, o1, n1))
    segment_id, loop = _TAGS[tags >> 2]
    return Pos(i1 + di, l1 + dl, c1 + dc, o1 + do, segment_id, loop,
               segment_text(path, o1 + do, n2))


def segment_text(path, offset, length) -> str:
    """A segment's text read back from its file ('' when it cannot be)."""
    if not path or path == "-" or length <= 0:
        return ""
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
        return self._fact.claim.path

    @property
    def claim_id(self):
        return self._fact.claim.claim_id

    @property
    def service_line(self):
        return self._fact.service_line

    @property
    def sv1(self):
        return _unpack(self._bits, 0, self.path)

    @property
    def dtp(self):
        return _unpack(self._bits, 1, self.path)


_LANE = 1 << 40


def counting_key(fact) -> int:
    """``sort_key`` as one int: (DOS, file number, segment index); ValueError if it cannot be."""
    where = fact.where
    if type(where) is int:  # a packed batch line
        return ((fact.dos_from.toordinal() * _LANE + fact.claim.file_no) * _LANE
                + (where >> _INDEX_SHIFT & _INDEX_MASK))
    file_no, index = fact.order
    if not (0 <= file_no < _LANE and 0 <= index < _LANE):
        raise ValueError("order out of range")
    return (fact.dos_from.toordinal() * _LANE + file_no) * _LANE + index


# -- making batch facts -------------------------------------------------------------------

class FactMaker:
    """Builds the facts of a batch's lines, sharing every value that repeats."""

    def __init__(self):
        self.kinds: dict = {}
        self.shared: dict = {}  # dates, members, authorization tuples: one object per value

    def claim(self, claim, path, file_no) -> ClaimFact:
        share = self.shared.setdefault
        member = claim.member
        return ClaimFact(share(member, member) if member is not None else None,
                         claim.billing_npi, claim.clm01, claim.frequency, file_no, claim.pos.index,
                         path)

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
        bits = None if claim_fact.path == "-" else pack_location(where, dtp)
        if bits is None:
            bits = ((claim_fact.file_no, where.index),
                    FactLocation(claim_fact.path, where, dtp, claim_fact.claim_id, line.number))
        d1, d2, auth = line.dos_from, line.dos_to, tuple(line.authorizations)
        return _rebuild(kind, claim_fact, share(d1, d1), share(d2, d2), share(auth, auth), bits,
                        "active", line.number)


def line_fact(line, group, path, file_no) -> LineFact:
    """The fact of one batch service line (unshared; ``FactMaker`` shares values)."""
    maker = FactMaker()
    return maker.line(line, group, maker.claim(line.claim, path, file_no))
