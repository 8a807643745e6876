"""Content digests: what makes a recorded claim or TAR response "the same" as another.

A claim is identified in the ledger by (billing NPI, CLM01, digest) and a 278
response by (certification, digest). The digest covers the recorded fields,
normalized (modifiers as a set, money in cents, dates parsed), so that a claim
re-sent byte-for-byte differently but with the same content is still the same
claim. ``edi_lint.batch`` computes the digest of each checked claim with the
same function, so ``check`` can leave a batch claim's recorded twin out of the
history (a claim is never its own duplicate).

The digests are part of the ledger's on-disk format: changing what they cover, or
how, needs a schema migration that recomputes them (else re-added files double).

Stdlib only, no other edi_lint import: cheap to import from any layer.
"""
from __future__ import annotations

from hashlib import blake2b

_UNIT = "\x1f"
_RECORD = "\x1e"


def _num(value, raw) -> str:
    return raw if value is None else repr(value)


def _opt(value) -> str:
    return "" if value is None else repr(value)


def _day(value, raw="") -> str:
    return raw if value is None else value.isoformat()


def claim_digest(claim) -> str:
    """32 hex digits over a claim's recorded content (an ``edi_lint.model.claims.Claim``).

    Hot (every claim of a checked batch, every claim of an add): one f-string per line.
    """
    charge = claim.charge_cents
    parts = [claim.billing_npi or "", claim.clm01 or "", claim.frequency or "",
             claim.member or "", claim.charge_raw if charge is None else str(charge),
             _UNIT.join(claim.g1)]
    append = parts.append
    for line in claim.lines:
        mods = line.modifier_set
        units, cents = line.units, line.charge_cents
        append(f"{line.code}\x1f{':'.join(sorted(mods)) if len(mods) > 1 else ''.join(mods)}"
               f"\x1f{line.dos_from or line.dos_raw}\x1f{line.dos_to or line.dos_raw}"
               f"\x1f{line.unit_basis}\x1f{line.units_raw if units is None else units}"
               f"\x1f{line.charge_raw if cents is None else cents}\x1f{'^'.join(line.g1)}")
    return blake2b(_RECORD.join(parts).encode("utf-8", "surrogatepass"),
                   digest_size=16).hexdigest()


def _dates(dates) -> str:
    return ",".join(f"{q}={_day(a)}/{_day(b)}" for q, (a, b) in sorted(dates.items()))


def response_digest(response) -> str:
    """32 hex digits over a 278 response's recorded content (a ``TarResponse``)."""
    parts = [response.member or "", response.um01 or "", response.um02 or "",
             response.hcr01 or "", response.hcr02 or "", response.trace or "",
             _dates(response.dates), _opt(getattr(response, "hsd_quantity", None))]
    for s in response.services:
        parts.append(_UNIT.join((
            s.code, ":".join(sorted(s.modifier_set)), s.hcr01 or "", s.hcr02 or "",
            _dates(s.dates), s.unit_basis, _num(s.units, s.units_raw), _opt(s.hsd_quantity),
            _num(s.amount_cents, s.amount_raw), getattr(s, "um01", None) or "",
            getattr(s, "um02", None) or "")))
    return blake2b(_RECORD.join(parts).encode("utf-8", "surrogatepass"),
                   digest_size=16).hexdigest()


def certification_of(response) -> str:
    """The response's certification number: the 2000E HCR02, else the first 2000F HCR02."""
    if response.hcr02:
        return response.hcr02
    for s in response.services:
        if s.hcr02:
            return s.hcr02
    return ""
