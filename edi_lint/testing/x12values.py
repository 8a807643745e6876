"""Delimiters, 837P and 278 value classes and the segment helpers the X12 test builders share."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import NamedTuple, Sequence

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


def dtp_date(value) -> tuple[str, str]:
    """(format qualifier, date text) for a D8 string or an RD8 tuple."""
    if isinstance(value, str):
        return "D8", value
    start, end = value
    return "RD8", f"{start}-{end}"


def join_elements(e: str, *elements: str) -> str:
    """Join elements, dropping trailing empty ones."""
    parts = list(elements)
    while parts and parts[-1] == "":
        parts.pop()
    return e.join(parts)


def close_se(segments: list[str], d: Delims, st02: str) -> list[str]:
    segments.append(f"SE{d.element}{len(segments) + 1}{d.element}{st02}")
    return segments
