"""Build one 278 request or response transaction set (ST..SE) from :class:`Event` values."""

from __future__ import annotations

from typing import Sequence

from edi_lint.testing.x12values import (
    DEFAULT_EIN,
    DEFAULT_NPI,
    PLAN_ID,
    PLAN_NAME,
    PROVIDER_NAME,
    Delims,
    Event,
    TarLine,
    Transaction,
    close_se,
    dtp_date,
    join_elements,
)


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
        join_elements(e, "BHT", "0007", bht02, events[0].trace, date, "1200", bht06),
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
                    out.append(join_elements(e, "HCR", ev.hcr01, ev.cert, ev.hcr03))
                if ev.previous_cert:
                    out.append(f"REF{e}BB{e}{ev.previous_cert}")
                if ev.event_period is not None:
                    fmt, val = dtp_date(ev.event_period)
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
                        out.append(join_elements(e, "HCR", ln.hcr01 or ev.hcr01, cert))
                    fmt, val = dtp_date(ln.period)
                    out.append(f"DTP{e}472{e}{fmt}{e}{val}")
                    sv101 = k.join((ln.qualifier, ln.code) + ln.modifiers)
                    out.append(join_elements(e, "SV1", sv101, ln.amount, ln.basis, ln.units))
                    if ln.hsd:
                        out.append(f"HSD{e}FL{e}{ln.hsd}")
                    if not response:
                        for code in ln.pwk:
                            out.append(f"PWK{e}{code}{e}EL")
    return Transaction("HI", version, close_se(out, d, st_control), d)


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
