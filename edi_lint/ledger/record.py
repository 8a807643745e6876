"""Files -> ledger records, and ledger records -> the objects rules read.

``read_files`` reads with the project's one reading service (``edi_lint.model.read``:
reader, envelopes, 837P/278 builders; no rule runs) and keeps, per claim and per
278 response in the payer scope, the compact record the ledger stores. ``history_response`` turns
stored rows back into ``TarResponse`` objects, so GEN-07 and ECM-05 read history
responses exactly as they read the batch's own.
"""
from __future__ import annotations

import json
import sys
from datetime import date
from typing import NamedTuple

from ..errors import UsageError
from ..model.common import Transaction
from ..model.read import read_objects
from ..model.tars import TarResponse, TarService
from ..payer_scope import covered, run_scope
from ..x12.files import DEFAULT_EXTENSIONS, expand_paths, open_input
from .digest import certification_of, claim_digest, response_digest

SEP = "\x1f"  # joins REF*G1 numbers in one column
MOD_SEP = ":"  # joins modifiers (as billed) in one column


# A recorded service line is a plain tuple (hot: one per line of every add), in the column
# order of the ``lines`` table after (claim_id, member):
LINE_FIELDS = ("n", "code", "modifiers", "grp", "dos_from", "dos_to", "unit_basis", "units",
               "charge_cents", "g1")
# n: 1-based position in the claim; modifiers: as billed, ':'-joined (limits compare the set);
# grp: profile group at recording time (informative: check re-matches with its own profile);
# dos_from/dos_to: ISO dates or None; g1: the line's own REF*G1 numbers, SEP-joined.


class ClaimRecord(NamedTuple):
    billing_npi: str
    clm01: str
    digest: str
    frequency: str
    member: str | None
    charge_cents: int | None
    g1: str  # claim-level REF*G1, SEP-joined
    lines: list  # tuples of LINE_FIELDS


class ServiceRecord(NamedTuple):
    n: int
    code: str
    modifiers: str
    hcr01: str | None
    hcr02: str | None
    um01: str | None  # 2000F UM (situational)
    um02: str | None
    dates: str  # JSON {qualifier: [from, to]}
    unit_basis: str
    units: float | None
    hsd_quantity: float | None
    amount_cents: int | None


class ResponseRecord(NamedTuple):
    certification: str
    digest: str
    member: str | None
    um01: str | None
    um02: str | None
    hcr01: str | None
    hcr02: str | None
    trace: str | None
    dates: str  # JSON {qualifier: [from, to]}
    hsd_quantity: float | None  # 2000E HSD02
    services: list


class ReadResult(NamedTuple):
    files: int
    claims: list
    responses: list
    unrecorded: list  # paths that held no 837P claim and no 278 response


def _dates_json(dates: dict) -> str:
    return json.dumps({q: [a.isoformat(), b.isoformat()] for q, (a, b) in sorted(dates.items())},
                      separators=(",", ":"))


def claim_record(claim, profile, cache: dict | None = None) -> ClaimRecord:
    """The record of one claim; ``cache`` memoizes profile groups across claims."""
    if cache is None:
        cache = {}
    match = profile.match
    lines = []
    for line in claim.lines:
        d_from, mods = line.dos_from, line.modifier_set
        key = (line.code, mods, d_from)
        group = cache.get(key, False)
        if group is False:
            entry = match(line.code, mods, d_from) if d_from else None
            group = cache[key] = entry.group if entry is not None else None
        d_to = line.dos_to
        lines.append((line.number, line.code, MOD_SEP.join(line.modifiers), group,
                       None if d_from is None else d_from.isoformat(),
                       None if d_to is None else d_to.isoformat(), line.unit_basis,
                       line.units, line.charge_cents, SEP.join(line.g1)))
    return ClaimRecord(claim.billing_npi or "", claim.clm01 or "", claim_digest(claim),
                       claim.frequency or "", claim.member, claim.charge_cents,
                       SEP.join(claim.g1), lines)


def response_record(response) -> ResponseRecord:
    services = [
        ServiceRecord(n, s.code, MOD_SEP.join(s.modifiers), s.hcr01, s.hcr02,
                      getattr(s, "um01", None), getattr(s, "um02", None),
                      _dates_json(s.dates), s.unit_basis, s.units, s.hsd_quantity,
                      s.amount_cents)
        for n, s in enumerate(response.services, 1)]
    return ResponseRecord(certification_of(response), response_digest(response), response.member,
                          response.um01, response.um02, response.hcr01, response.hcr02,
                          response.trace, _dates_json(response.dates),
                          getattr(response, "hsd_quantity", None), services)


def read_files(paths, profile_path: str | None = None, payers=()) -> ReadResult:
    """Read 837P claims and 278 responses of ``paths`` (files or directories, '-' stdin).

    No rule runs. Claims and responses of payers outside the payer scope (``payers``
    as ``--payer``, else the profile's ``[[scope]]``) are not kept: they would count
    toward limits as history. Raises UsageError for missing or unreadable files.
    """
    from ..profiles import ProfileError, load_profile

    try:
        profile = load_profile(profile_path)
    except ProfileError as exc:
        raise UsageError(str(exc)) from None
    scope = run_scope(profile, _payer_values(payers))
    covers = scope.covers if scope is not None else None
    groups: dict = {}
    claims: list[ClaimRecord] = []
    responses: list[ResponseRecord] = []

    def on_claim(claim):
        if covers is None or covered(covers, claim.payer, claim.filing_code, claim.first_dos):
            claims.append(claim_record(claim, profile, groups))

    def on_tar(event):
        if event.tx.purpose != "request" and (
                covers is None or covered(covers, event.payer, None, event.first_day)):
            responses.append(response_record(event))

    files = expand_paths(paths, DEFAULT_EXTENSIONS)
    unrecorded = []
    for file_no, path in enumerate(files):
        before = len(claims) + len(responses)
        stream = open_input(path)
        try:
            read_objects(stream, path, file_no, on_claim, on_tar)
        except OSError as exc:
            raise UsageError(f"{path}: read error: {exc.strerror or exc}") from None
        finally:
            if stream is not sys.stdin.buffer:
                stream.close()
        if len(claims) + len(responses) == before:
            unrecorded.append(path)
    return ReadResult(len(files), claims, responses, unrecorded)


def _payer_values(payers) -> tuple[str, ...]:
    """``payers`` as ``Options.payers`` takes them (strings; one string is one value)."""
    values = (payers,) if isinstance(payers, str) else tuple(payers)
    if not all(isinstance(p, str) for p in values):
        raise UsageError(f"payers takes payer ids or names (strings), not {values!r}")
    return values


# -- rows -> the objects rules read -------------------------------------------------------

_LEDGER_TX = Transaction("<ledger>", -1, "278", "005010X217", "", None, purpose="response")


class HistoryTarResponse(TarResponse):
    """A 278 response recorded in the ledger: a TarResponse with no position in any file."""

    __slots__ = ()
    from_ledger = True


def _dates_of(text: str | None) -> dict:
    if not text:
        return {}
    return {q: (date.fromisoformat(a), date.fromisoformat(b))
            for q, (a, b) in json.loads(text).items()}


def _mods(text: str | None) -> tuple[str, ...]:
    return tuple(m for m in (text or "").split(MOD_SEP) if m)


def _set(obj, name, value) -> None:
    """Set an attribute the model may not have yet (slots differ across model versions)."""
    try:
        setattr(obj, name, value)
    except AttributeError:
        pass


def history_response(row, services, ordinal: int) -> HistoryTarResponse:
    """A HistoryTarResponse from a response row and its service rows.

    ``row``: (id, member, um01, um02, hcr01, hcr02, trace, dates, hsd_quantity);
    ``services``: rows of (code, modifiers, hcr01, hcr02, um01, um02, dates, unit_basis,
    units, hsd_quantity, amount_cents) in 2000F order.
    """
    _rid, member, um01, um02, hcr01, hcr02, trace, dates, event_hsd = row
    response = HistoryTarResponse(_LEDGER_TX, None, member, ordinal)
    response.um01, response.um02 = um01, um02
    response.hcr01, response.hcr02 = hcr01, hcr02
    response.trace = trace
    response.dates = _dates_of(dates)
    response.event_period = response.dates.get("AAH")
    _set(response, "hsd_quantity", event_hsd)
    for n, (code, mods, s_hcr01, s_hcr02, s_um01, s_um02, s_dates, basis, units, hsd,
            amount) in enumerate(services, 1):
        service = TarService(None)
        _set(service, "ordinal", n)
        _set(service, "um01", s_um01)
        _set(service, "um02", s_um02)
        service.code = code
        service.modifiers = _mods(mods)
        service.modifier_set = frozenset(service.modifiers)
        service.hcr01, service.hcr02 = s_hcr01, s_hcr02
        service.dates = _dates_of(s_dates)
        service.period = service.dates.get("472")
        service.unit_basis = basis or ""
        service.units = units
        service.units_raw = "" if units is None else format(units, "g")
        service.hsd_quantity = hsd
        service.amount_cents = amount
        response.services.append(service)
    return response
