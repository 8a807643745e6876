"""B001: a file whose claims and TARs all belong to payers outside the payer scope.

The engine decides, claim by claim and TAR by TAR, whether the payer is in scope
(``engine.Linter.lint_stream``; the scope is the profile's ``[[scope]]`` or ``--payer``)
and emits B001 once the file is read; this module registers its code and documentation.
"""
from __future__ import annotations

from .base import Rule
from .registry import register


@register
class NoClaimInPayerScope(Rule):
    """A file none of whose claims and TARs is in the payer scope.

    What it does: the billing rules govern the claims (837P 2010BB payer) and TARs (278
    2010A UMO) of the payers in scope: every payer by default, those of ``--payer`` (config
    ``payers``) or of the profile's ``[[scope]]`` entries otherwise. Claims and TARs of
    other payers get structural findings only. When a file holds claims or TARs and none is
    in scope, one info finding says so, at the first one's payer NM1 (its CLM, UM or HL when
    it names no payer), with that payer's name and id (no member data).

    Why it matters: a file checked clean because no billing rule applied to it is not a
    clean file: it was sent to the wrong payer, or the scope is wrong.

    Example that fails: with ``--payer "PARTNERSHIP HEALTH"``, a file whose claims all carry
    ``NM1*PR*2*KEY INSURANCE COMPANY*****PI*999996666~`` in 2010BB.

    Example that passes: the same file with ``--payer 999996666`` or ``--payer KEY``, or
    without ``--payer`` (the default profile governs every payer).
    """

    code = "B001"
    name = "no-claim-in-payer-scope"
    summary = "A file none of whose claims and TARs is in the payer scope (--payer, [[scope]])."
    severity = "info"
    scope = "structure"
