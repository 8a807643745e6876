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

The value classes live in :mod:`edi_lint.testing.x12values`, the transaction sets in
:mod:`edi_lint.testing.x12build837` and :mod:`edi_lint.testing.x12build278`; this module
adds the envelope and the ``build_*`` entry points and re-exports the rest.
"""

from __future__ import annotations

from itertools import islice
from typing import IO, Iterable, Iterator, Sequence

from edi_lint.testing.x12build278 import transaction_278_request, transaction_278_response
from edi_lint.testing.x12build837 import transaction_837
from edi_lint.testing.x12values import (
    CRLF,
    DEFAULT_NPI,
    ONE_LINE,
    Claim,
    Delims,
    Event,
    Line,
    OtherPayer,
    TarLine,
    Transaction,
    npi,
)

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
