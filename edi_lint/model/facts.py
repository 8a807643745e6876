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
field does not fit. They are unpacked only when asked (``loc``, ``claim_id``).
The segment text of a finding is read back from the file then (only findings
need it); for stdin, from the copy ``x12.stdin`` keeps of it. The attributes are the same as a
plain record's: ``fact.code``, ``fact.member``, ``fact.order``...
"""
from __future__ import annotations

import struct
from operator import attrgetter

from ..x12.stdin import copying, read_back
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


# -- where a claim sits -----------------------------------------------------------------
# A batch claim's ``where``: the CLM's offset (40 bits), column, line (32 bits each), index
# (40 bits, < 2**32), file number (24 bits), then CLM01's Latin-1 bytes and a 1 byte on top
# (so that its length is known): 64 bytes for a CLM01 of up to 12 characters, where a str
# and an int of their own took 96. Other claims (ledger, hand-made) keep the plain tuple
# (claim_id, file_no, index).
_M24, _M32, _M40, _M64 = (1 << 24) - 1, (1 << 32) - 1, (1 << 40) - 1, (1 << 64) - 1
_ORDER_SHIFT = 104  # (file number << 40 | CLM index) is ``where >> 104 & _M64``
_TEXT_SHIFT = 168


def pack_claim(claim_id, file_no, pos) -> int | None:
    """A claim's CLM01, file number and CLM position as one int, or None if they do not fit."""
    index, line, col, offset = pos[:4]
    if not (type(claim_id) is str and 0 <= file_no <= _M24 and 0 <= index <= _M32
            and 0 <= line <= _M32 and 0 <= col <= _M32 and 0 <= offset <= _M40):
        return None
    try:
        text = int.from_bytes(claim_id.encode("latin-1") + b"\x01", "little")
    except UnicodeEncodeError:
        return None
    return (text << _TEXT_SHIFT | file_no << 144 | index << _ORDER_SHIFT | line << 72
            | col << 40 | offset)


def _claim_text(where: int) -> str:
    text = where >> _TEXT_SHIFT
    return text.to_bytes((text.bit_length() + 7) // 8, "little")[:-1].decode("latin-1")


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
            bits.add(int.from_bytes(claim_id.encode("latin-1") + b"\x01", "little"))
        except (AttributeError, UnicodeEncodeError):  # never packed: compared as text
            pass
    found = []
    for claim in claims:
        where = claim.where
        if type(where) is int:
            if where >> _TEXT_SHIFT in bits:
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
        return _claim_text(where) if type(where) is int else where[0]

    @property
    def file_no(self):
        where = self.where
        return where >> 144 & _M24 if type(where) is int else where[1]

    @property
    def index(self):
        """Segment index of the CLM (None for ledger lines)."""
        where = self.where
        return where >> _ORDER_SHIFT & _M40 if type(where) is int else where[2]

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
            return (self.claim.file_no, where >> _WIDE_INDEX_SHIFT & _M32)
        order = (self.claim.where >> _ORDER_SHIFT & _M64) + (where >> _DI1_SHIFT & 511)
        return (order >> 40, order & _M40)

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


# -- where a line sits ------------------------------------------------------------------
# Compact (bit 0 clear; at most 59 bits), from the low bits: 0, layout (1 bit), the SV1 and
# DTP (segment id, loop) numbers (2 bits each), the line number (6), SV1 index minus CLM
# index (9), SV1 offset minus CLM offset (16), SV1 text length (8), DTP index minus SV1
# index (3), DTP offset minus the end of SV1's text (5), DTP text length (6). Lines and
# columns follow from the layout: 0, all three on the CLM's physical line (columns move
# with offsets); 1, one segment a line (column 1, lines move with indexes).
# Wide (bit 0 set), when a compact field does not fit: the line number (16 bits) above it,
# then the little-endian bytes of SV1 and DTP text lengths, the two (segment id, loop)
# numbers, SV1 index, line, column (32 bits each), DTP minus SV1 index, line, column,
# offset (16 bits each), then the SV1 offset (64 bits) on top.
# Positions that fit neither keep their ``Pos`` objects (``where`` a tuple).
_TAG_NO = {("SV1", "2400"): 0, ("DTP", "2400"): 1, ("LX", "2400"): 2, ("CLM", "2300"): 3}
_TAGS = sorted(_TAG_NO, key=_TAG_NO.get)
_TAG_PAIRS = {t1 + t2: n2 << 2 | n1 for t1, n1 in _TAG_NO.items() for t2, n2 in _TAG_NO.items()}
_DI1_SHIFT = 12
_PACK = struct.Struct("<IIBIIIHHHHQ")
_WIDE_INDEX_SHIFT = 17 + 9 * 8  # where SV1's index sits in a wide int


def claim_base(claim_where: int) -> tuple:
    """(index, line, column, offset) of the CLM of a packed claim."""
    return (claim_where >> _ORDER_SHIFT & _M32, claim_where >> 72 & _M32,
            claim_where >> 40 & _M32, claim_where & _M40)


def pack_location(sv1, dtp, number, base=None) -> int | None:
    """A line's SV1 and DTP positions and number as one int, or None when they do not fit.

    ``base`` is its claim's ``claim_base`` (None: only the wide form).
    """
    i1, l1, c1, o1, s1, p1, t1 = sv1
    i2, l2, c2, o2, s2, p2, t2 = dtp
    tags = _TAG_PAIRS.get((s1, p1, s2, p2))
    if tags is None or type(number) is not int:
        return None
    n1, n2 = len(t1), len(t2)
    if base is not None:
        i0, l0, c0, o0 = base
        di1, do1, di2, gap = i1 - i0, o1 - o0, i2 - i1, o2 - o1 - n1
        if l1 == l0 + di1 and l2 == l1 + di2 and c1 == c2 == 1:
            layout = 2  # one segment a line
        elif l1 == l0 == l2 and c1 == c0 + do1 and c2 == c1 + o2 - o1:
            layout = 0  # all on the CLM's line
        else:
            layout = -1
        # x >> w is 0 exactly when 0 <= x < 2**w: every field fits its width
        if layout >= 0 and not (number >> 6 | di1 >> 9 | do1 >> 16 | n1 >> 8 | di2 >> 3
                                | gap >> 5 | n2 >> 6):
            return (layout | tags << 2 | number << 6 | di1 << _DI1_SHIFT | do1 << 21 | n1 << 37
                    | di2 << 45 | gap << 48 | n2 << 53)
    if not 0 <= number <= 0xFFFF:
        return None
    try:
        data = _PACK.pack(n1, n2, tags, i1, l1, c1, i2 - i1, l2 - l1, c2 - c1, o2 - o1, o1)
    except struct.error:  # a negative delta, or a number too big for its field
        return None
    return (int.from_bytes(data, "little") << 16 | number) << 1 | 1


def _unpack(bits, which, fact) -> Pos:
    path = fact.claim.source.path
    if bits & 1:
        n1, n2, tags, i1, l1, c1, di, dl, dc, do, o1 = _PACK.unpack(
            (bits >> 17).to_bytes(_PACK.size, "little"))
        if which == 0:
            return Pos(i1, l1, c1, o1, *_TAGS[tags & 3], segment_text(path, o1, n1))
        return Pos(i1 + di, l1 + dl, c1 + dc, o1 + do, *_TAGS[tags >> 2],
                   segment_text(path, o1 + do, n2))
    i0, l0, c0, o0 = claim_base(fact.claim.where)
    one_a_line = bits >> 1 & 1
    di1, do1, n1 = bits >> _DI1_SHIFT & 511, bits >> 21 & 0xFFFF, bits >> 37 & 255
    i1, o1 = i0 + di1, o0 + do1
    l1, c1 = (l0 + di1, 1) if one_a_line else (l0, c0 + do1)
    if which == 0:
        return Pos(i1, l1, c1, o1, *_TAGS[bits >> 2 & 3], segment_text(path, o1, n1))
    di2, gap, n2 = bits >> 45 & 7, bits >> 48 & 31, bits >> 53 & 63
    o2 = o1 + n1 + gap
    l2, c2 = (l1 + di2, 1) if one_a_line else (l1, c1 + o2 - o1)
    return Pos(i1 + di2, l2, c2, o2, *_TAGS[bits >> 4 & 3], segment_text(path, o2, n2))


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
        return _unpack(self._bits, 0, self._fact)

    @property
    def dtp(self):
        return _unpack(self._bits, 1, self._fact)


_LANE = 1 << 40


def counting_key(fact) -> int:
    """``sort_key`` as one int: (DOS, file number, segment index); ValueError if it cannot be."""
    where = fact.where
    if type(where) is int and not where & 1:  # a compact batch line
        return ((fact.dos_from.toordinal() << 80) + (fact.claim.where >> _ORDER_SHIFT & _M64)
                + (where >> _DI1_SHIFT & 511))
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
