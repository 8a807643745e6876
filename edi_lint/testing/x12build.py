"""Build valid X12 text for tests, fixtures and benchmarks (pure stdlib).

Two transaction kinds are covered: the 837P professional claim (005010X222A1) and the
278 service review request/response (005010X217), as described in
``shared/spec/x12-notes.md`` sections 1-3.

The builder is deliberately plain: segments are strings joined with the element
separator, a transaction is a list of such strings and an interchange joins them with
the segment terminator. There is no object per element, so generating a 100 MB
benchmark file takes seconds.

Quick start::

    from edi_lint.testing import Claim, Line, build_837

    text = build_837([
        Claim("C100", [Line("G9008", ["U1"], g1=["ECM250601"])], member="MBR000001"),
    ])

Everything the envelope needs is computed: ISA (106 characters, delimiters read from
:class:`Delims`), GS/GE and ISA/IEA counts and control numbers, ST/SE segment counts,
HL numbering and parents, LX numbering per claim and CLM02 = sum of SV102.

Several groups or interchanges in one file: build :class:`Transaction` values with
:func:`transaction_837` / :func:`transaction_278_request` /
:func:`transaction_278_response` and pass them to :func:`interchange`; concatenate the
strings of several interchanges.

Speed: the model classes are plain slotted dataclasses and lines are never copied, so a
generator can share one :class:`Line` between many claims; :func:`write_837` streams a
claims generator to a file (about 6 s per 100 MB on one core, construction included).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from itertools import islice
from typing import IO, Iterable, Iterator, NamedTuple, Sequence

__all__ = [
    "Delims",
    "ONE_LINE",
    "CRLF",
    "Line",
    "OtherPayer",
    "Claim",
    "TarLine",
    "Event",
    "Transaction",
    "npi",
    "transaction_837",
    "transaction_278_request",
    "transaction_278_response",
    "interchange",
    "iter_837",
    "write_837",
    "build_837",
    "build_278_request",
    "build_278_response",
    "wrap_claims",
    "wrap_lines",
]

DEFAULT_NPI = "1234567893"
DEFAULT_EIN = "123456789"
PLAN_NAME = "SAMPLE MEDI-CAL HEALTH PLAN"
PLAN_ID = "MEDICAL"
PROVIDER_NAME = "SAMPLE COMMUNITY CARE PARTNERS"

def _tuple(value) -> tuple:
    """None -> (), a string -> (string,), any other iterable -> tuple."""
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,) if value else ()
    return tuple(value)


def _money(value) -> str:
    """An amount as X12 text: strings pass unchanged, numbers get two decimals."""
    if isinstance(value, str):
        return value
    if isinstance(value, int):
        return str(value)
    return f"{Decimal(str(value)):.2f}"


def _qty(value) -> str:
    """A quantity as X12 text: strings pass unchanged, numbers lose trailing zeros."""
    if isinstance(value, str):
        return value
    return format(Decimal(str(value)).normalize(), "f")


def npi(base9: str) -> str:
    """Return the 10-digit NPI for 9 digits: Luhn check digit over the ``80840`` prefix.

    >>> npi("123456789")
    '1234567893'
    """
    if len(base9) != 9 or not base9.isdigit():
        raise ValueError(f"npi() wants exactly 9 digits, got {base9!r}")
    total = 0
    # The check digit will be appended on the right, so the rightmost payload digit is doubled.
    for i, ch in enumerate(reversed("80840" + base9)):
        d = ord(ch) - 48
        if i % 2 == 0:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return base9 + str((10 - total % 10) % 10)


# --------------------------------------------------------------------------- delimiters


@dataclass(frozen=True)
class Delims:
    """Delimiters of an interchange, and what follows each segment terminator.

    ``newline`` is written after every terminator: ``""`` (one line), ``"\\n"`` or
    ``"\\r\\n"``. The terminator itself may be ``"\\n"`` or ``"\\r"`` (then ``newline`` must
    not repeat it). Control bytes 0x1C-0x1F are allowed as delimiters.
    """

    element: str = "*"
    component: str = ":"
    repetition: str = "^"
    segment: str = "~"
    newline: str = "\n"

    def __post_init__(self) -> None:
        seps = (self.element, self.component, self.repetition, self.segment)
        for name, sep in zip(("element", "component", "repetition", "segment"), seps):
            if len(sep) != 1:
                raise ValueError(f"{name} separator must be one character, got {sep!r}")
            if sep.isalnum() or sep == " ":
                raise ValueError(f"{name} separator {sep!r} would clash with data")
        if len(set(seps)) != 4:
            raise ValueError(f"delimiters must be distinct, got {seps!r}")
        if any(ch not in " \t\r\n" for ch in self.newline):
            raise ValueError(f"newline may hold only blanks, CR and LF, got {self.newline!r}")
        if any(ch in self.newline for ch in seps):
            raise ValueError(
                f"newline {self.newline!r} repeats a delimiter (segment {self.segment!r})"
            )

    @property
    def terminator(self) -> str:
        """The text written after each segment: terminator + newline."""
        return self.segment + self.newline


ONE_LINE = Delims(newline="")
CRLF = Delims(newline="\r\n")


# --------------------------------------------------------------------------- 837P model


@dataclass(slots=True)
class Line:
    """One 837P 2400 service line: LX, SV1, DTP*472 and one REF*G1 per ``g1`` value.

    ``dos`` is a ``CCYYMMDD`` string (DTP*472*D8) or a ``(from, to)`` tuple (RD8).
    ``modifiers`` go to SV101-3..6 in the given order.
    """

    code: str
    modifiers: Sequence[str] = ()
    charge: str = "400.00"
    units: str = "1"
    basis: str = "UN"
    dos: str | tuple[str, str] = "20250603"
    g1: Sequence[str] = ()
    qualifier: str = "HC"

    def __post_init__(self) -> None:
        # Fast path first: the benchmark generator builds millions of lines.
        if type(self.modifiers) is not tuple:
            self.modifiers = _tuple(self.modifiers)
        if type(self.g1) is not tuple:
            self.g1 = _tuple(self.g1)
        if type(self.charge) is not str:
            self.charge = _money(self.charge)
        if type(self.units) is not str:
            self.units = _qty(self.units)
        if len(self.modifiers) > 4:
            raise ValueError("SV101 takes at most 4 modifiers")


@dataclass(slots=True)
class OtherPayer:
    """A 2320 other-subscriber loop (SBR + OI) with 2330A (NM1*IL) and 2330B (NM1*PR).

    ``subscriber_id`` defaults to the claim's member id.
    """

    sbr01: str = "P"
    sbr09: str = "CI"
    name: str = "KAISER FOUNDATION HEALTH PLAN"
    payer_id: str = "94134"
    sbr02: str = "18"
    subscriber_id: str | None = None


@dataclass(slots=True)
class Claim:
    """One 837P 2300 claim with its 2400 lines.

    ``charge`` None means the sum of the line charges (two decimals). ``patient`` is a
    dependent's member id: the claim then sits in a 2000C/2010CA patient loop under the
    subscriber ``member``. ``g1`` is the claim-level REF*G1, ``f8`` the REF*F8 payer
    claim control number of a replacement (freq 7) or void (freq 8).
    """

    clm01: str
    lines: Sequence[Line] = ()
    member: str = "MBR0001"
    charge: str | None = None
    pos: str = "11"
    freq: str = "1"
    g1: str | None = None
    f8: str | None = None
    other_payers: Sequence[OtherPayer] = ()
    patient: str | None = None
    billing_npi: str = DEFAULT_NPI
    name: tuple[str, str] = ("DOE", "JANE")
    patient_name: tuple[str, str] = ("DOE", "JAMIE")
    dx: Sequence[str] = ("Z029",)

    def __post_init__(self) -> None:
        if type(self.lines) is not tuple:
            self.lines = tuple(self.lines)
        if type(self.other_payers) is not tuple:
            self.other_payers = tuple(self.other_payers)
        if type(self.dx) is not tuple:
            self.dx = _tuple(self.dx)
        if self.charge is not None and type(self.charge) is not str:
            self.charge = _money(self.charge)
        if not self.lines:
            raise ValueError(f"claim {self.clm01}: an 837P claim needs at least one line")

    @property
    def total(self) -> str:
        """CLM02: ``charge`` if given, else the sum of SV102 to the cent."""
        if self.charge is not None:
            return self.charge
        return f"{sum(Decimal(ln.charge) for ln in self.lines):.2f}"


# --------------------------------------------------------------------------- 278 model


@dataclass(slots=True)
class TarLine:
    """One 278 2000F service line: DTP*472, SV1 and PWK per ``pwk`` code.

    ``period`` is a ``(from, to)`` tuple (RD8) or one date (D8). In a response, ``units``
    is the approved quantity (SV104; ``""`` leaves SV104 empty), ``hsd`` adds
    ``HSD*FL*<hsd>``, ``hcr01``/``cert`` override the event's HCR for this line
    (``cert=""`` writes HCR without HCR02 so the line inherits the event's number).
    ``trace`` adds a 2000F TRN.
    """

    code: str
    modifiers: Sequence[str] = ()
    amount: str = ""
    basis: str = "UN"
    units: str = "1"
    period: str | tuple[str, str] = ("20250601", "20251231")
    pwk: Sequence[str] = ()
    hcr01: str | None = None
    cert: str | None = None
    hsd: str | None = None
    trace: str | None = None
    qualifier: str = "HC"

    def __post_init__(self) -> None:
        self.modifiers = _tuple(self.modifiers)
        self.pwk = _tuple(self.pwk)
        self.amount = _money(self.amount)
        self.units = _qty(self.units)
        if self.hsd is not None:
            self.hsd = _qty(self.hsd)


@dataclass(slots=True)
class Event:
    """One 278 2000E patient event (one TAR) with its 2000F lines.

    ``member``/``dependent`` None take the transaction's. Request: TRN*1, UM, REF*BB
    (``previous_cert``), DTP*AAH (``event_period``), HI, PWK*<code>*EL per ``pwk``.
    Response: TRN*2, UM, HCR*<hcr01>*<cert>[*<hcr03>], DTP*<date_qualifier>.
    """

    lines: Sequence[TarLine] = ()
    um01: str = "HS"
    um02: str = "I"
    pwk: Sequence[str] = ()
    event_period: str | tuple[str, str] | None = None
    trace: str = "TRN0001"
    member: str | None = None
    dependent: str | None = None
    previous_cert: str | None = None
    dx: Sequence[str] = ("Z029",)
    hcr01: str = "A1"
    cert: str = "AUTH0001"
    hcr03: str = ""
    date_qualifier: str = "AAH"

    def __post_init__(self) -> None:
        self.lines = tuple(self.lines)
        self.pwk = _tuple(self.pwk)
        self.dx = _tuple(self.dx)


class Transaction(NamedTuple):
    """One ST..SE transaction set, ready for :func:`interchange`."""

    gs01: str  # functional identifier: HC (837) or HI (278)
    version: str  # GS08 / ST03
    segments: list[str]  # ST..SE, elements already joined with ``delims.element``
    delims: Delims


# --------------------------------------------------------------------------- helpers


def _date(value) -> tuple[str, str]:
    """(format qualifier, date text) for a D8 string or an RD8 tuple."""
    if isinstance(value, str):
        return "D8", value
    start, end = value
    return "RD8", f"{start}-{end}"


def _seg(e: str, *elements: str) -> str:
    """Join elements, dropping trailing empty ones."""
    parts = list(elements)
    while parts and parts[-1] == "":
        parts.pop()
    return e.join(parts)


def _close(segments: list[str], d: Delims, st02: str) -> list[str]:
    segments.append(f"SE{d.element}{len(segments) + 1}{d.element}{st02}")
    return segments


# --------------------------------------------------------------------------- 837P


def _claim_segments(c: Claim, d: Delims, out: list[str]) -> None:
    e, k = d.element, d.component
    out.append(
        f"CLM{e}{c.clm01}{e}{c.total}{e}{e}{e}{c.pos}{k}B{k}{c.freq}{e}Y{e}A{e}Y{e}Y"
    )
    if c.g1:
        out.append(f"REF{e}G1{e}{c.g1}")
    if c.f8:
        out.append(f"REF{e}F8{e}{c.f8}")
    if c.dx:
        hi = [f"ABK{k}{c.dx[0]}"] + [f"ABF{k}{x}" for x in c.dx[1:]]
        out.append("HI" + e + e.join(hi))
    for op in c.other_payers:
        out.append(_seg(e, "SBR", op.sbr01, op.sbr02, "", "", "", "", "", "", op.sbr09))
        out.append(f"OI{e}{e}{e}Y{e}P{e}{e}Y")
        last, first = c.name
        out.append(
            f"NM1{e}IL{e}1{e}{last}{e}{first}{e}{e}{e}{e}MI{e}{op.subscriber_id or c.member}"
        )
        out.append(f"NM1{e}PR{e}2{e}{op.name}{e}{e}{e}{e}{e}PI{e}{op.payer_id}")
    for n, ln in enumerate(c.lines, 1):
        out.append(f"LX{e}{n}")
        sv101 = k.join((ln.qualifier, ln.code) + ln.modifiers)
        out.append(f"SV1{e}{sv101}{e}{ln.charge}{e}{ln.basis}{e}{ln.units}{e}{e}{e}1")
        if isinstance(ln.dos, str):
            out.append(f"DTP{e}472{e}D8{e}{ln.dos}")
        else:
            out.append(f"DTP{e}472{e}RD8{e}{ln.dos[0]}-{ln.dos[1]}")
        for ref in ln.g1:
            out.append(f"REF{e}G1{e}{ref}")


def transaction_837(
    claims: Iterable[Claim],
    *,
    delims: Delims = Delims(),
    st_control: str = "0001",
    date: str = "20250701",
    version: str = "005010X222A1",
    bht03: str | None = None,
    sender: str = "SENDER",
    receiver: str = "MEDICAL",
    submitter_name: str = PROVIDER_NAME,
    receiver_name: str = PLAN_NAME,
    billing_name: str = PROVIDER_NAME,
    payer_name: str = PLAN_NAME,
    payer_id: str = PLAN_ID,
    patient_nm109: bool = True,
    filing_code: str = "MC",
) -> Transaction:
    """One 837P transaction set (ST..SE) holding ``claims``.

    Claims are grouped by billing NPI (2000A), then by member (2000B), then by patient
    (2000C), each group placed where its first claim appears; claim order is kept inside
    a group. The 2000B SBR01 is ``S`` when a claim of the member has a primary (``P``)
    other payer, else ``P``.

    ``filing_code``: the 2000B SBR09 claim filing indicator (MC: Medicaid; CI: commercial).

    ``patient_nm109``: write the dependent's id in 2010CA ``NM1*QC...*MI*<patient>``,
    where billing-rules.md section 1 reads the member from. The X222A1 guide marks
    2010CA NM108/NM109 "Not Used" (pyx12 reports them); pass False for a strictly
    guide-conformant 2010CA (name only).
    """
    d = delims
    e = d.element
    providers: dict[str, dict[str, dict]] = {}
    for c in claims:
        members = providers.setdefault(c.billing_npi, {})
        m = members.get(c.member)
        if m is None:
            m = members[c.member] = {"first": c, "own": [], "patients": {}}
        if c.patient is None:
            m["own"].append(c)
        else:
            m["patients"].setdefault(c.patient, []).append(c)

    out: list[str] = [
        f"ST{e}837{e}{st_control}{e}{version}",
        f"BHT{e}0019{e}00{e}{bht03 or st_control}{e}{date}{e}1200{e}CH",
        f"NM1{e}41{e}2{e}{submitter_name}{e}{e}{e}{e}{e}46{e}{sender}",
        f"PER{e}IC{e}BILLING OFFICE{e}TE{e}7075550100",
        f"NM1{e}40{e}2{e}{receiver_name}{e}{e}{e}{e}{e}46{e}{receiver}",
    ]
    hl = 0
    for billing_npi, members in providers.items():
        hl += 1
        hl_a = hl
        out.append(f"HL{e}{hl_a}{e}{e}20{e}1")
        out.append(f"NM1{e}85{e}2{e}{billing_name}{e}{e}{e}{e}{e}XX{e}{billing_npi}")
        out.append(f"N3{e}100 MAIN ST")
        out.append(f"N4{e}SANTA ROSA{e}CA{e}954010000")
        out.append(f"REF{e}EI{e}{DEFAULT_EIN}")
        for member, m in members.items():
            hl += 1
            hl_b = hl
            own, patients = m["own"], m["patients"]
            group = own + [c for cs in patients.values() for c in cs]
            sbr01 = "S" if any(op.sbr01 == "P" for c in group for op in c.other_payers) else "P"
            last, first = m["first"].name
            out.append(f"HL{e}{hl_b}{e}{hl_a}{e}22{e}{1 if patients else 0}")
            out.append(_seg(e, "SBR", sbr01, "18" if own else "", "", "", "", "", "", "",
                            filing_code))
            out.append(f"NM1{e}IL{e}1{e}{last}{e}{first}{e}{e}{e}{e}MI{e}{member}")
            out.append(f"N3{e}1 SAMPLE WAY")
            out.append(f"N4{e}SANTA ROSA{e}CA{e}95401")
            out.append(f"DMG{e}D8{e}19800101{e}U")
            out.append(f"NM1{e}PR{e}2{e}{payer_name}{e}{e}{e}{e}{e}PI{e}{payer_id}")
            for c in own:
                _claim_segments(c, d, out)
            for patient, pclaims in patients.items():
                hl += 1
                plast, pfirst = pclaims[0].patient_name
                out.append(f"HL{e}{hl}{e}{hl_b}{e}23{e}0")
                out.append(f"PAT{e}19")
                if patient_nm109:
                    out.append(f"NM1{e}QC{e}1{e}{plast}{e}{pfirst}{e}{e}{e}{e}MI{e}{patient}")
                else:
                    out.append(f"NM1{e}QC{e}1{e}{plast}{e}{pfirst}")
                out.append(f"N3{e}1 SAMPLE WAY")
                out.append(f"N4{e}SANTA ROSA{e}CA{e}95401")
                out.append(f"DMG{e}D8{e}20150101{e}U")
                for c in pclaims:
                    _claim_segments(c, d, out)
    return Transaction("HC", version, _close(out, d, st_control), d)


# --------------------------------------------------------------------------- 278


def _tx_278(
    events: Sequence[Event],
    *,
    response: bool,
    member: str,
    dependent: str | None,
    member_name: tuple[str, str],
    dependent_name: tuple[str, str],
    delims: Delims,
    st_control: str,
    date: str,
    version: str,
    requester_npi: str,
    requester_name: str,
    umo_name: str,
    umo_id: str,
) -> Transaction:
    d = delims
    e, k = d.element, d.component
    if not events:
        raise ValueError("a 278 needs at least one 2000E event")
    # subscriber -> dependent (None = the subscriber is the patient) -> events
    tree: dict[str, dict[str | None, list[Event]]] = {}
    for ev in events:
        sub = ev.member or member
        dep = ev.dependent if ev.member else (ev.dependent or dependent)
        tree.setdefault(sub, {}).setdefault(dep, []).append(ev)

    bht02, bht06 = ("11", "18") if response else ("13", "")
    out: list[str] = [
        f"ST{e}278{e}{st_control}{e}{version}",
        _seg(e, "BHT", "0007", bht02, events[0].trace, date, "1200", bht06),
        f"HL{e}1{e}{e}20{e}1",
        f"NM1{e}X3{e}2{e}{umo_name}{e}{e}{e}{e}{e}PI{e}{umo_id}",
        f"HL{e}2{e}1{e}21{e}1",
        f"NM1{e}1P{e}2{e}{requester_name}{e}{e}{e}{e}{e}XX{e}{requester_npi}",
    ]
    hl = 2
    last, first = member_name
    dlast, dfirst = dependent_name
    for sub, deps in tree.items():
        hl += 1
        hl_c = hl
        out.append(f"HL{e}{hl_c}{e}2{e}22{e}1")
        out.append(f"NM1{e}IL{e}1{e}{last}{e}{first}{e}{e}{e}{e}MI{e}{sub}")
        # events of the subscriber first, then each dependent's
        order = sorted(deps.items(), key=lambda kv: kv[0] is not None)
        for dep, evs in order:
            parent = hl_c
            if dep is not None:
                hl += 1
                parent = hl
                out.append(f"HL{e}{hl}{e}{hl_c}{e}23{e}1")
                out.append(f"NM1{e}QC{e}1{e}{dlast}{e}{dfirst}{e}{e}{e}{e}MI{e}{dep}")
            for ev in evs:
                hl += 1
                hl_e = hl
                out.append(f"HL{e}{hl_e}{e}{parent}{e}EV{e}{1 if ev.lines else 0}")
                out.append(f"TRN{e}{2 if response else 1}{e}{ev.trace}{e}9{DEFAULT_EIN}")
                out.append(f"UM{e}{ev.um01}{e}{ev.um02}")
                if response:
                    out.append(_seg(e, "HCR", ev.hcr01, ev.cert, ev.hcr03))
                if ev.previous_cert:
                    out.append(f"REF{e}BB{e}{ev.previous_cert}")
                if ev.event_period is not None:
                    fmt, val = _date(ev.event_period)
                    out.append(f"DTP{e}{ev.date_qualifier}{e}{fmt}{e}{val}")
                if ev.dx and not response:
                    hi = [f"ABK{k}{ev.dx[0]}"] + [f"ABF{k}{x}" for x in ev.dx[1:]]
                    out.append("HI" + e + e.join(hi))
                if not response:
                    for code in ev.pwk:
                        out.append(f"PWK{e}{code}{e}EL")
                for ln in ev.lines:
                    hl += 1
                    out.append(f"HL{e}{hl}{e}{hl_e}{e}SS{e}0")
                    if ln.trace:
                        out.append(f"TRN{e}{2 if response else 1}{e}{ln.trace}{e}9{DEFAULT_EIN}")
                    if response:
                        cert = ev.cert if ln.cert is None else ln.cert
                        out.append(_seg(e, "HCR", ln.hcr01 or ev.hcr01, cert))
                    fmt, val = _date(ln.period)
                    out.append(f"DTP{e}472{e}{fmt}{e}{val}")
                    sv101 = k.join((ln.qualifier, ln.code) + ln.modifiers)
                    out.append(_seg(e, "SV1", sv101, ln.amount, ln.basis, ln.units))
                    if ln.hsd:
                        out.append(f"HSD{e}FL{e}{ln.hsd}")
                    if not response:
                        for code in ln.pwk:
                            out.append(f"PWK{e}{code}{e}EL")
    return Transaction("HI", version, _close(out, d, st_control), d)


def _events(events, **single) -> list[Event]:
    if events is not None:
        return list(events)
    return [Event(**single)]


def transaction_278_request(
    *,
    member: str,
    um01: str = "HS",
    um02: str = "I",
    lines: Sequence[TarLine] = (),
    pwk: Sequence[str] = (),
    event_period: str | tuple[str, str] | None = None,
    trace: str = "TRN0001",
    events: Sequence[Event] | None = None,
    dependent: str | None = None,
    previous_cert: str | None = None,
    member_name: tuple[str, str] = ("DOE", "JANE"),
    dependent_name: tuple[str, str] = ("DOE", "JAMIE"),
    delims: Delims = Delims(),
    st_control: str = "0001",
    date: str = "20250701",
    version: str = "005010X217",
    requester_npi: str = DEFAULT_NPI,
    requester_name: str = PROVIDER_NAME,
    umo_name: str = PLAN_NAME,
    umo_id: str = PLAN_ID,
) -> Transaction:
    """One 278 request transaction set (BHT02 13). See :func:`build_278_request`."""
    evs = _events(
        events, lines=lines, um01=um01, um02=um02, pwk=pwk, event_period=event_period,
        trace=trace, previous_cert=previous_cert,
    )
    return _tx_278(
        evs, response=False, member=member, dependent=dependent, member_name=member_name,
        dependent_name=dependent_name, delims=delims, st_control=st_control, date=date,
        version=version, requester_npi=requester_npi, requester_name=requester_name,
        umo_name=umo_name, umo_id=umo_id,
    )


def transaction_278_response(
    *,
    member: str,
    hcr01: str = "A1",
    cert: str = "AUTH0001",
    hcr03: str = "",
    lines: Sequence[TarLine] = (),
    event_period: str | tuple[str, str] | None = None,
    date_qualifier: str = "AAH",
    um01: str = "HS",
    um02: str = "I",
    trace: str = "TRN0001",
    events: Sequence[Event] | None = None,
    dependent: str | None = None,
    member_name: tuple[str, str] = ("DOE", "JANE"),
    dependent_name: tuple[str, str] = ("DOE", "JAMIE"),
    delims: Delims = Delims(),
    st_control: str = "0001",
    date: str = "20250701",
    version: str = "005010X217",
    requester_npi: str = DEFAULT_NPI,
    requester_name: str = PROVIDER_NAME,
    umo_name: str = PLAN_NAME,
    umo_id: str = PLAN_ID,
) -> Transaction:
    """One 278 response transaction set (BHT02 11). See :func:`build_278_response`."""
    evs = _events(
        events, lines=lines, um01=um01, um02=um02, event_period=event_period, trace=trace,
        hcr01=hcr01, cert=cert, hcr03=hcr03, date_qualifier=date_qualifier,
    )
    return _tx_278(
        evs, response=True, member=member, dependent=dependent, member_name=member_name,
        dependent_name=dependent_name, delims=delims, st_control=st_control, date=date,
        version=version, requester_npi=requester_npi, requester_name=requester_name,
        umo_name=umo_name, umo_id=umo_id,
    )


# --------------------------------------------------------------------------- envelope


def _isa(d: Delims, control: str, sender: str, receiver: str, date: str, time: str, usage: str) -> str:
    if len(sender) > 15 or len(receiver) > 15:
        raise ValueError("ISA06/ISA08 hold at most 15 characters")
    if not (control.isdigit() and len(control) <= 9):
        raise ValueError(f"interchange control number must be 1-9 digits, got {control!r}")
    e = d.element
    blank = " " * 10
    return (
        f"ISA{e}00{e}{blank}{e}00{e}{blank}{e}ZZ{e}{sender:<15}{e}ZZ{e}{receiver:<15}"
        f"{e}{date[2:8]}{e}{time}{e}{d.repetition}{e}00501{e}{int(control):09d}{e}0{e}{usage}"
        f"{e}{d.component}"
    )


def _iter_interchange(
    groups: Iterable[tuple[str, str, Iterable[list[str]]]],
    *,
    delims: Delims,
    control: str,
    sender: str,
    receiver: str,
    date: str,
    time: str,
    usage: str,
    bom: bool,
) -> Iterator[str]:
    """Yield the text of one interchange, one chunk per transaction set."""
    d = delims
    e, t = d.element, d.terminator
    head = _isa(d, control, sender, receiver, date, time, usage) + t
    yield ("\ufeff" + head) if bom else head
    n_groups = 0
    for gs01, version, transactions in groups:
        n_groups += 1
        gs06 = str(int(control) + n_groups - 1)
        yield f"GS{e}{gs01}{e}{sender}{e}{receiver}{e}{date}{e}{time}{e}{gs06}{e}X{e}{version}{t}"
        n_st = 0
        for segments in transactions:
            n_st += 1
            yield t.join(segments) + t
        yield f"GE{e}{n_st}{e}{gs06}{t}"
    yield f"IEA{e}{n_groups}{e}{int(control):09d}{t}"


def interchange(
    groups: Sequence[Sequence[Transaction]],
    *,
    delims: Delims = Delims(),
    control: str = "000000001",
    sender: str = "SENDER",
    receiver: str = "MEDICAL",
    date: str = "20250701",
    time: str = "1200",
    usage: str = "T",
    bom: bool = False,
) -> str:
    """One ISA..IEA interchange: one GS..GE group per item of ``groups``.

    Each group holds transactions of one kind (GS01 and GS08 come from them); every
    transaction must have been built with the same ``delims``. GS06 is the interchange
    control number plus the group's index (0, 1, ...).
    """
    plan = []
    for txs in groups:
        if not txs:
            raise ValueError("a functional group needs at least one transaction")
        gs01, version = txs[0].gs01, txs[0].version
        for tx in txs:
            if tx.delims != delims:
                raise ValueError("transaction built with other delimiters than the interchange")
            if (tx.gs01, tx.version) != (gs01, version):
                raise ValueError("one functional group cannot mix transaction kinds")
        plan.append((gs01, version, [tx.segments for tx in txs]))
    return "".join(
        _iter_interchange(
            plan, delims=delims, control=control, sender=sender, receiver=receiver,
            date=date, time=time, usage=usage, bom=bom,
        )
    )


def iter_837(
    claims: Iterable[Claim],
    *,
    delims: Delims = Delims(),
    control: str = "000000001",
    sender: str = "SENDER",
    receiver: str = "MEDICAL",
    date: str = "20250701",
    bom: bool = False,
    version: str = "005010X222A1",
    st_per_transaction: int | None = None,
    usage: str = "T",
    **tx_kw,
) -> Iterator[str]:
    """Yield :func:`build_837`'s text in chunks (one per transaction set).

    With ``st_per_transaction`` the claims iterable is consumed lazily, so a generator of
    claims can produce a file far larger than memory (see :func:`write_837`).
    """
    if st_per_transaction is not None and st_per_transaction < 1:
        raise ValueError("st_per_transaction must be at least 1")

    def chunks() -> Iterator[list[Claim]]:
        if st_per_transaction is None:
            yield list(claims)
            return
        it = iter(claims)
        while batch := list(islice(it, st_per_transaction)):
            yield batch

    def transactions() -> Iterator[list[str]]:
        for n, batch in enumerate(chunks(), 1):
            st02 = f"{n:04d}"
            yield transaction_837(
                batch, delims=delims, st_control=st02, date=date, version=version,
                bht03=f"{int(control)}{st02}", sender=sender, receiver=receiver, **tx_kw,
            ).segments

    return _iter_interchange(
        [("HC", version, transactions())], delims=delims, control=control, sender=sender,
        receiver=receiver, date=date, time="1200", usage=usage, bom=bom,
    )


def build_837(
    claims: Iterable[Claim],
    *,
    delims: Delims = Delims(),
    control: str = "000000001",
    sender: str = "SENDER",
    receiver: str = "MEDICAL",
    date: str = "20250701",
    bom: bool = False,
    version: str = "005010X222A1",
    st_per_transaction: int | None = None,
    **kw,
) -> str:
    """A complete 837P interchange (one ISA, one GS) holding ``claims``.

    ``st_per_transaction`` splits the claims into transaction sets of that many claims
    (ST02 0001, 0002, ...); by default there is one ST. Further keywords
    (``usage``, ``billing_name``, ``payer_name``, ``payer_id`` ...) go to
    :func:`transaction_837` / the ISA.
    """
    return "".join(
        iter_837(
            claims, delims=delims, control=control, sender=sender, receiver=receiver,
            date=date, bom=bom, version=version, st_per_transaction=st_per_transaction, **kw,
        )
    )


def write_837(fp: IO[str], claims: Iterable[Claim], **kw) -> int:
    """Stream :func:`build_837` to a text file; returns the number of characters written.

    Open the file with ``newline=""`` so CR/LF are written as built.
    """
    n = 0
    for chunk in iter_837(claims, **kw):
        n += fp.write(chunk)
    return n


def _build_278(tx: Transaction, *, delims, control, sender, receiver, date, bom, usage) -> str:
    return interchange(
        [[tx]], delims=delims, control=control, sender=sender, receiver=receiver, date=date,
        bom=bom, usage=usage,
    )


def build_278_request(
    *,
    member: str,
    um01: str = "HS",
    um02: str = "I",
    lines: Sequence[TarLine] = (),
    pwk: Sequence[str] = (),
    event_period: str | tuple[str, str] | None = None,
    trace: str = "TRN0001",
    events: Sequence[Event] | None = None,
    dependent: str | None = None,
    delims: Delims = Delims(),
    control: str = "000000001",
    sender: str = "SENDER",
    receiver: str = "MEDICAL",
    date: str = "20250701",
    bom: bool = False,
    usage: str = "T",
    **kw,
) -> str:
    """A complete 278 request interchange (a TAR): BHT02 13.

    2000A UMO (NM1*X3), 2000B requester (NM1*1P, XX NPI), 2000C subscriber (NM1*IL, MI
    ``member``), 2000D dependent (NM1*QC) when ``dependent`` is given, 2000E event (TRN*1,
    UM ``um01``/``um02``, DTP*AAH ``event_period``, HI, PWK*<code>*EL per ``pwk``) and one
    2000F per :class:`TarLine`. ``events`` replaces the single event to put several
    2000E in one ST. Further keywords go to :func:`transaction_278_request`.
    """
    tx = transaction_278_request(
        member=member, um01=um01, um02=um02, lines=lines, pwk=pwk, event_period=event_period,
        trace=trace, events=events, dependent=dependent, delims=delims, date=date, **kw,
    )
    return _build_278(tx, delims=delims, control=control, sender=sender, receiver=receiver,
                      date=date, bom=bom, usage=usage)


def build_278_response(
    *,
    member: str,
    hcr01: str = "A1",
    cert: str = "AUTH0001",
    lines: Sequence[TarLine] = (),
    event_period: str | tuple[str, str] | None = None,
    date_qualifier: str = "AAH",
    um01: str = "HS",
    um02: str = "I",
    trace: str = "TRN0001",
    events: Sequence[Event] | None = None,
    dependent: str | None = None,
    delims: Delims = Delims(),
    control: str = "000000001",
    sender: str = "MEDICAL",
    receiver: str = "SENDER",
    date: str = "20250701",
    bom: bool = False,
    usage: str = "T",
    **kw,
) -> str:
    """A complete 278 response interchange: BHT02 11, the UMO's decision.

    2000E carries TRN*2, UM, ``HCR*<hcr01>*<cert>`` and ``DTP*<date_qualifier>``
    (``AAH`` or ``007``) over ``event_period``; each 2000F carries HCR (the line's
    ``hcr01``/``cert`` override, else the event's), DTP*472, SV1 with the approved
    quantity in SV104 (``TarLine.units``) and ``HSD*FL*<hsd>`` when ``TarLine.hsd`` is set.
    """
    tx = transaction_278_response(
        member=member, hcr01=hcr01, cert=cert, lines=lines, event_period=event_period,
        date_qualifier=date_qualifier, um01=um01, um02=um02, trace=trace, events=events,
        dependent=dependent, delims=delims, date=date, **kw,
    )
    return _build_278(tx, delims=delims, control=control, sender=sender, receiver=receiver,
                      date=date, bom=bom, usage=usage)


def wrap_claims(*claims: Claim, **kw) -> str:
    """Shorthand: ``build_837(claims, **kw)``."""
    return build_837(claims, **kw)


_CLAIM_FIELDS = {
    "clm01", "member", "charge", "pos", "freq", "g1", "f8", "other_payers", "patient",
    "billing_npi", "name", "patient_name", "dx",
}


def wrap_lines(*lines: Line, **kw) -> str:
    """Shorthand: one claim (``clm01`` default ``"C1"``) holding ``lines``, in an envelope.

    Keywords naming a :class:`Claim` field go to the claim, the rest to :func:`build_837`.
    """
    claim_kw = {k: kw.pop(k) for k in list(kw) if k in _CLAIM_FIELDS}
    claim_kw.setdefault("clm01", "C1")
    return build_837([Claim(lines=lines, **claim_kw)], **kw)
