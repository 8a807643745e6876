"""Test helpers for edi-lint and for users' own test suites.

:mod:`edi_lint.testing.x12build` builds valid 837P and 278 X12 text (envelopes, counts,
control numbers and HL trees computed) from a few keyword-friendly values.
"""

from edi_lint.testing.x12build import (
    CRLF,
    ONE_LINE,
    Claim,
    Delims,
    Event,
    Line,
    OtherPayer,
    TarLine,
    Transaction,
    build_278_request,
    build_278_response,
    build_837,
    interchange,
    iter_837,
    npi,
    transaction_278_request,
    transaction_278_response,
    transaction_837,
    wrap_claims,
    wrap_lines,
    write_837,
)

__all__ = [
    "CRLF",
    "ONE_LINE",
    "Claim",
    "Delims",
    "Event",
    "Line",
    "OtherPayer",
    "TarLine",
    "Transaction",
    "build_278_request",
    "build_278_response",
    "build_837",
    "interchange",
    "iter_837",
    "npi",
    "transaction_278_request",
    "transaction_278_response",
    "transaction_837",
    "wrap_claims",
    "wrap_lines",
    "write_837",
]
