"""What the acknowledgment writers need of each file, collected while it is read.

A ``Collector`` watches the segments the reader yields (only when acknowledgments are
asked for) and keeps compact facts: per interchange its ISA ids and control number, per
functional group its GS, per transaction set its ST, where it starts and ends, and for an
837P per claim what a 277CA says of it (CLM01, charge, billing provider, dates, lines).
No segment is kept. Patient names and ids are kept only with ``--show-phi``. The facts are
plain slotted objects: they travel from ``-j`` worker processes in their ``FileSummary``.
"""
from __future__ import annotations

_ENVELOPE = frozenset(("ISA", "IEA", "GS", "GE", "ST", "SE"))
_WATCHED = _ENVELOPE | {"BHT", "HL", "NM1", "CLM", "LX", "SV1", "DTP", "REF"}


class Line:
    """A 2400 service line: its number, SV1 position and what the 277CA's SVC repeats."""

    __slots__ = ("number", "index", "procedure", "charge", "units", "dos", "control")

    def __init__(self, number, index):
        self.number = number  # 1-based, in its claim
        self.index = index  # segment index of its LX (of its SV1 once read)
        self.procedure: tuple[str, ...] = ()  # SV101's components: qualifier, code, modifiers
        self.charge = ""
        self.units = ""
        self.dos = ""  # DTP*472 as read: CCYYMMDD or CCYYMMDD-CCYYMMDD
        self.control = ""  # REF*6R line item control number


class Claim:
    """A 2300 loop: CLM01, CLM02, its billing provider, patient (with --show-phi), lines."""

    __slots__ = ("clm01", "charge", "index", "end", "billing", "patient", "lines", "dos")

    def __init__(self, clm01, charge, index, billing, patient):
        self.clm01 = clm01
        self.charge = charge
        self.index = index  # segment index of the CLM
        self.end = index  # last segment index of the claim
        self.billing = billing  # (name, NPI) of the 2010AA billing provider
        self.patient = patient  # (last, first, id) or None (no PHI is kept without --show-phi)
        self.lines: list[Line] = []
        self.dos = ""  # claim-level DTP*472 or DTP*434, as read


class TxSet:
    """One ST..SE: its id, control number, version and segment span (file indexes)."""

    __slots__ = ("st01", "control", "version", "st03", "index", "end", "complete", "bht",
                 "submitter", "receiver", "claims")

    def __init__(self, st01, control, st03, version, index):
        self.st01 = st01
        self.control = control
        self.st03 = st03
        self.version = version  # ST03, else GS08
        self.index = index  # segment index of the ST
        self.end = index  # segment index of its SE, or of its last segment
        self.complete = False  # its SE was read
        self.bht = ("", "")  # BHT03 reference, BHT04 date
        self.submitter = ("", "")  # 1000A NM1*41 (name, id)
        self.receiver = ("", "")  # 1000B NM1*40 (name, id)
        self.claims: list[Claim] = []


class Group:
    """One GS..GE."""

    __slots__ = ("fic", "sender", "receiver", "control", "version", "index", "end", "declared",
                 "complete", "sets")

    def __init__(self, seg):
        self.fic, self.sender, self.receiver = seg.get(1), seg.get(2), seg.get(3)
        self.control, self.version = seg.get(6), seg.get(8)
        self.index = self.end = seg.index  # GS, and GE (or the last segment read)
        self.declared = None  # GE01 as read
        self.complete = False
        self.sets: list[TxSet] = []


class Interchange:
    """One ISA..IEA: sender and receiver (qualifier, id), control number, usage."""

    __slots__ = ("sender", "receiver", "control", "usage", "index", "delimiters", "groups")

    def __init__(self, seg, delimiters):
        self.sender = (seg.get(5).strip(), seg.get(6).strip())
        self.receiver = (seg.get(7).strip(), seg.get(8).strip())
        self.control = seg.get(13).strip()
        self.usage = seg.get(15).strip()
        self.index = seg.index
        # element, component separators (to cut a finding's segment text for IK404)
        self.delimiters = (delimiters.element, delimiters.component) if delimiters else ("*", ":")
        self.groups: list[Group] = []


class Collector:
    """Facts of one file for 999 and 277CA writers (``watch`` the reader's segments)."""

    def __init__(self, reader, show_phi=False):
        self.reader = reader
        self.show_phi = show_phi
        self.interchanges: list[Interchange] = []
        self.isa = self.gs = self.tx = self.claim = self.line = None
        self.hl = ""  # HL03 of the open HL
        self.billing = ("", "")
        self.subscriber = self.patient = None
        self.last = 0  # index of the last segment seen
        self.shared: dict = {}  # one object for equal values (codes, charges, dates repeat)
        self.envelope = {tag: getattr(self, "_" + tag) for tag in _ENVELOPE}
        self.body = {tag: getattr(self, "_" + tag) for tag in _WATCHED - _ENVELOPE}

    def watch(self, segments):
        """Yield ``segments`` unchanged, noting what the writers need."""
        envelope, body = self.envelope, self.body
        seg = None
        for seg in segments:
            step = envelope.get(seg.tag)
            if step is not None:
                step(seg)
            elif self.tx is not None and self.tx.st01 == "837":
                step = body.get(seg.tag)
                if step is not None:
                    step(seg)
            yield seg
        if seg is not None:
            self.last = seg.index

    def _share(self, value):
        return self.shared.setdefault(value, value)

    # -- envelopes -----------------------------------------------------------------
    def _ISA(self, seg):
        self._close_set(seg.index)
        self.isa = Interchange(seg, self.reader.delimiters)
        self.interchanges.append(self.isa)
        self.gs = None

    def _IEA(self, seg):
        self._close_set(seg.index)
        self.isa = self.gs = None

    def _GS(self, seg):
        self._close_set(seg.index)
        if self.isa is None:  # a group outside an interchange: acknowledged in none
            self.gs = None
            return
        self.gs = Group(seg)
        self.isa.groups.append(self.gs)

    def _GE(self, seg):
        self._close_set(seg.index)
        if self.gs is not None:
            self.gs.declared = seg.get(1)
            self.gs.end = seg.index
            self.gs.complete = True
        self.gs = None

    def _ST(self, seg):
        self._close_set(seg.index)
        if self.gs is None:
            return
        st03 = seg.get(3)
        self.tx = TxSet(seg.get(1), seg.get(2), st03, st03 or self.gs.version, seg.index)
        self.gs.sets.append(self.tx)
        self.billing, self.subscriber, self.patient, self.hl = ("", ""), None, None, ""

    def _SE(self, seg):
        if self.tx is not None:
            self.tx.complete = True
            self._close_set(seg.index + 1)

    def _close_set(self, index):
        """The open set (and claim) end before segment ``index``."""
        self._close_claim(index)
        if self.tx is not None:
            self.tx.end = index - 1
        if self.gs is not None:
            self.gs.end = index - 1
        self.tx = self.line = None

    def _close_claim(self, index):
        if self.claim is not None:
            self.claim.end = index - 1
        self.claim = self.line = None

    # -- 837P ----------------------------------------------------------------------
    def _BHT(self, seg):
        self.tx.bht = (seg.get(3), seg.get(4))

    def _HL(self, seg):
        self._close_claim(seg.index)
        self.hl = seg.get(3)
        if self.hl == "22":
            self.subscriber = self.patient = None
        elif self.hl == "23":
            self.patient = None

    def _NM1(self, seg):
        role = seg.get(1)
        if role == "85" and self.hl == "20":
            self.billing = (seg.get(3), seg.get(9))
        elif role == "41" and not self.hl:
            self.tx.submitter = (seg.get(3), seg.get(9))
        elif role == "40" and not self.hl:
            self.tx.receiver = (seg.get(3), seg.get(9))
        elif self.show_phi and role in ("IL", "QC") and self.claim is None:
            person = (seg.get(3), seg.get(4), seg.get(9))
            if role == "IL" and self.hl == "22":
                self.subscriber = person
            elif role == "QC":
                self.patient = person

    def _CLM(self, seg):
        self._close_claim(seg.index)
        self.claim = Claim(seg.get(1), self._share(seg.get(2)), seg.index, self.billing,
                           self.patient or self.subscriber)
        self.tx.claims.append(self.claim)

    def _LX(self, seg):
        if self.claim is not None:
            self.line = Line(len(self.claim.lines) + 1, seg.index)
            self.claim.lines.append(self.line)

    def _SV1(self, seg):
        line = self.line
        if line is None:
            return
        share = self._share
        line.index = seg.index
        line.procedure = share(tuple(seg.get(1).split(self.reader.delimiters.component)))
        line.charge, line.units = share(seg.get(2)), share(seg.get(4))

    def _DTP(self, seg):
        qualifier = seg.get(1)
        if self.line is not None:
            if qualifier == "472":
                self.line.dos = self._share(seg.get(3))
        elif self.claim is not None and qualifier in ("472", "434"):
            self.claim.dos = self._share(seg.get(3))

    def _REF(self, seg):
        if self.line is not None and seg.get(1) == "6R":
            self.line.control = seg.get(2)

    def facts(self) -> list[Interchange]:
        """The file's interchanges (once it was read to its end)."""
        self._close_set(self.last + 1)
        self.shared = {}
        return self.interchanges
