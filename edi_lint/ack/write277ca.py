"""The 277CA claim acknowledgment (005010X214) of a run.

One 277CA interchange answers each input interchange holding 837P claims: one ST*277
per 837P transaction set that its 999 accepts (a rejected set is not acknowledged claim
by claim), with the information source (2000A), the receiver (2000B,
the 837's submitter, with the set's accepted and rejected counts and amounts), each
billing provider (2000C) and each claim (2000D). A claim with a finding at or above
``--fail-on`` is rejected (STC A7 with the claim status code of each finding's rule,
``codes.STATUS``; U), every other claim accepted (A2:20, WQ); a finding on a service
line adds the line (2220D SVC) with its own A7. Without ``--show-phi`` the patient's
name and id (2100D NM1*QC) are the placeholder MASKED.
"""
from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from ..findings import SEVERITY_RANK
from . import codes, write999
from .x12out import Segments, clean, close_interchange, open_interchange

VERSION = "005010X214"
MASKED = "MASKED"
_NONE = ([], [])
_DATE = re.compile(r"\d{8}")


def write(result, stream, when, facts_of) -> None:
    """Write the 277CAs of ``result`` to ``stream`` (see ``write999.write``)."""
    fail = SEVERITY_RANK[result.options.fail_on]
    show_phi = result.options.show_phi
    by_path: dict = {}
    for f in result.findings:
        if SEVERITY_RANK[f.severity] >= fail:
            by_path.setdefault(f.path, []).append(f)
    every = write999.findings_by_path(result.findings)
    out = Segments(stream)
    for summary in result.files:
        found = by_path.get(summary.path, ())
        for ic in facts_of(summary):
            # a set its 999 rejects is not acknowledged claim by claim
            sets = [tx for group in ic.groups
                    for tx in write999.accepted_sets(group, every.get(summary.path, _NONE), fail)
                    if tx.st01 == "837" and tx.claims]
            if not sets:
                continue
            control = open_interchange(out, ic, when, "HN", VERSION)
            for number, tx in enumerate(sets, 1):
                rejections = _rejections(tx, [f for f in found
                                              if tx.index <= f.segment_index <= tx.end])
                _set(out, number, tx, rejections, when, show_phi)
            close_interchange(out, len(sets), control)


def _rejections(tx, found) -> dict:
    """id(claim) -> {line number or 0: [(STC01-2, STC01-3)]} for the rejected claims."""
    by_id: dict[str, list] = {}
    for claim in tx.claims:
        by_id.setdefault(claim.clm01, []).append(claim)
    out: dict = {}
    for f in found:
        claim = _claim_of(f, tx, by_id)
        if claim is None:
            continue
        status = codes.status_of(f.rule)
        where = out.setdefault(id(claim), {0: []})
        for key in {0, f.service_line or 0}:
            if status not in where.setdefault(key, []):
                where[key].append(status)
    return out


def _claim_of(f, tx, by_id):
    """The claim a finding is about: by its CLM01 (the nearest such claim before it),
    else the claim whose segments hold it."""
    if f.claim_id is not None and f.claim_id in by_id:
        candidates = by_id[f.claim_id]
        before = [c for c in candidates if c.index <= f.segment_index]
        return before[-1] if before else candidates[0]
    for claim in tx.claims:
        if claim.index <= f.segment_index <= claim.end:
            return claim
    return None


def _set(out, number, tx, rejections, when, show_phi) -> None:
    date, time = when
    start = out.count
    trace = _safe(tx.bht[0] or tx.control, 50) or "0"
    out.seg("ST", "277", f"{number:04d}", VERSION)
    out.seg("BHT", "0085", "08", trace, date, time, "TH")
    out.seg("HL", "1", "", "20", "1")
    receiver_name, receiver_id = tx.receiver
    out.seg("NM1", "AY", "2", _safe(receiver_name, 60) or "EDI-LINT", "", "", "", "", "46",
            _safe(receiver_id, 80) or "EDI-LINT")
    out.seg("TRN", "1", trace)
    out.seg("DTP", "050", "D8", date)
    out.seg("DTP", "009", "D8", date)
    out.seg("HL", "2", "1", "21", "1")
    submitter_name, submitter_id = tx.submitter
    out.seg("NM1", "41", "2", _safe(submitter_name, 60) or "NOT GIVEN", "", "", "", "", "46",
            _safe(submitter_id, 80) or "NOT GIVEN")
    out.seg("TRN", "2", trace)
    totals = _totals(tx.claims, rejections)
    out.seg("STC", "A1:19:AY", date, "WQ", _amount(totals[0] + totals[2]))
    _counts(out, "90", "AA", totals)
    hl = 2
    providers: list[tuple] = []  # (billing, [claims]) in file order
    for claim in tx.claims:
        if providers and providers[-1][0] == claim.billing:
            providers[-1][1].append(claim)
        else:
            providers.append((claim.billing, [claim]))
    for (name, npi), claims in providers:
        hl += 1
        provider_hl = hl
        totals = _totals(claims, rejections)
        out.seg("HL", str(provider_hl), "2", "19", "1")
        out.seg("NM1", "85", "2", _safe(name, 60) or "NOT GIVEN", "", "", "", "", "XX",
                _safe(npi, 80) or "0000000000")
        out.seg("TRN", "1", "0")
        out.seg("STC", "A1:19:85", "", "WQ", _amount(totals[0] + totals[2]))
        _counts(out, "QA", "QC", totals)
        for claim in claims:
            hl += 1
            out.seg("HL", str(hl), str(provider_hl), "PT")
            _claim(out, claim, rejections.get(id(claim)), date, show_phi)
    out.seg("SE", str(out.count - start + 1), f"{number:04d}")


def _claim(out, claim, rejected, date, show_phi) -> None:
    last, first, member = claim.patient if show_phi and claim.patient else (MASKED, "", MASKED)
    out.seg("NM1", "QC", "1", _safe(last, 60) or MASKED, _safe(first, 35), "", "", "", "MI",
            _safe(member, 80) or MASKED)
    out.seg("TRN", "2", _safe(claim.clm01, 50) or "0")
    charge = _amount(_money(claim.charge))
    if rejected is None:
        out.seg("STC", "A2:20", date, "WQ", charge)
    else:
        for status in rejected[0]:
            out.seg("STC", _status(status), date, "U", charge)
    out.seg("DTP", "472", *_service_dates(claim, date))
    if rejected is None:
        return
    for line in claim.lines:
        statuses = rejected.get(line.number)
        if not statuses:
            continue
        procedure = [_safe(p, 48) for p in line.procedure[:6]]
        if len(procedure) < 2 or not procedure[1]:
            procedure = ["HC", "99499"]  # a line whose code cannot be read: "unlisted"
        out.seg("SVC", ":".join(procedure).rstrip(":"), _amount(_money(line.charge)), "", "",
                "", "", _units(line.units))
        extra = [_status(s) for s in statuses[1:3]]
        out.seg("STC", _status(statuses[0]), date, "U", "", "", "", "", "", "", *extra)
        if clean(line.control, 50):
            out.seg("REF", "FJ", clean(line.control, 50))
        dates = _dates(line.dos)
        if dates:
            out.seg("DTP", "472", *dates)


def _status(status) -> str:
    code, entity = status
    return f"A7:{code}:{entity}" if entity else f"A7:{code}"


def _totals(claims, rejections) -> tuple:
    """(accepted amount, accepted count, rejected amount, rejected count)."""
    amounts = [Decimal(0), Decimal(0)]
    counts = [0, 0]
    for claim in claims:
        k = 1 if id(claim) in rejections else 0
        amounts[k] += _money(claim.charge)
        counts[k] += 1
    return amounts[0], counts[0], amounts[1], counts[1]


def _counts(out, accepted_q, rejected_q, totals) -> None:
    accepted, n_accepted, rejected, n_rejected = totals
    if n_accepted:
        out.seg("QTY", accepted_q, str(n_accepted))
    if n_rejected:
        out.seg("QTY", rejected_q, str(n_rejected))
    if n_accepted:
        out.seg("AMT", "YU", _amount(accepted))
    if n_rejected:
        out.seg("AMT", "YY", _amount(rejected))


def _service_dates(claim, date) -> tuple[str, str]:
    """DTP*472 of the claim: its own, else its lines' span, else the acknowledgment's date."""
    found = _dates(claim.dos)
    if found:
        return found
    spans = [d for d in (_dates(line.dos) for line in claim.lines) if d]
    if not spans:
        return "D8", date
    starts = [d[1][:8] for d in spans]
    ends = [d[1][-8:] for d in spans]
    first, last = min(starts), max(ends)
    return ("D8", first) if first == last else ("RD8", f"{first}-{last}")


def _dates(raw: str):
    """('D8', date) or ('RD8', range) of a DTP03 as read, None when it is neither."""
    parts = raw.split("-")
    if len(parts) == 1 and _DATE.fullmatch(parts[0]):
        return "D8", parts[0]
    if len(parts) == 2 and all(_DATE.fullmatch(p) for p in parts):
        return ("D8", parts[0]) if parts[0] == parts[1] else ("RD8", raw)
    return None


def _money(raw: str) -> Decimal:
    try:
        value = Decimal(raw)
    except (InvalidOperation, ValueError):
        return Decimal(0)
    # not an amount X12 can carry (X102 reports the element): counted as 0
    return value if value.is_finite() and abs(value) < _MAX_AMOUNT else Decimal(0)


_MAX_AMOUNT = Decimal(10) ** 15


def _amount(value: Decimal) -> str:
    """An X12 R amount: no trailing zeros after the point, no exponent."""
    text = f"{value.quantize(Decimal('0.01')):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _units(raw: str) -> str:
    try:
        value = Decimal(raw)
    except (InvalidOperation, ValueError):
        return ""
    return _amount(value) if value.is_finite() and 0 < value < _MAX_AMOUNT else ""


_safe = clean
