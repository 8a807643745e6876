"""Build one 837P transaction set (ST..SE) from :class:`Claim` values."""

from __future__ import annotations

from typing import Iterable

from edi_lint.testing.x12values import (
    DEFAULT_EIN,
    PLAN_ID,
    PLAN_NAME,
    PROVIDER_NAME,
    Claim,
    Delims,
    Transaction,
    close_se,
    join_elements,
)


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
        out.append(join_elements(e, "SBR", op.sbr01, op.sbr02, "", "", "", "", "", "", op.sbr09))
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
            out.append(join_elements(e, "SBR", sbr01, "18" if own else "", "", "", "", "", "", "",
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
    return Transaction("HC", version, close_se(out, d, st_control), d)
