"""Rule subclasses named by entry points themselves (not decorated: the loader registers them)."""
from edi_lint.model.common import Pos
from edi_lint.rules import Rule


class RoundCharge(Rule):
    """A service line charged a round hundred dollars.

    What it does: flags SV102 amounts that are a multiple of $100.00.

    Why it matters: this example payer wants to see them.

    Example that fails: ``SV1*HC:G9008:U1*400.00*UN*1***1~``

    Example that passes: ``SV1*HC:G9008:U1*401.50*UN*1***1~``
    """

    code = "ZX002"
    name = "round-charge"
    summary = "A service line charged a round hundred dollars."
    severity = "info"
    tips = ()
    scope = "claim"

    def check_claim(self, claim, ctx):
        for line in claim.lines:
            if line.charge_cents and line.charge_cents % 10_000 == 0:
                yield ctx.line_finding(self, line, f"{line.label} is charged a round "
                                                   f"${line.charge_cents / 100:,.2f}")


class MemberSegment(Rule):
    """A subscriber NM1 or DMG segment (its text holds PHI: the finding must not show it).

    What it does: flags each NM1*IL and DMG segment.

    Why it matters: it gives the tests findings whose segment holds a member's name,
    id and birth date.

    Example that fails: ``NM1*IL*1*DOE*JANE****MI*MBR0001~``

    Example that passes: ``NM1*85*2*CLINIC*****XX*1234567893~``
    """

    code = "ZX003"
    name = "member-segment"
    summary = "A subscriber NM1 or DMG segment (example rule)."
    severity = "error"
    tips = ("ZX-03",)
    scope = "segment"
    segment_ids = ("NM1", "DMG")

    def check_segment(self, seg, state, ctx):
        if seg.tag == "DMG" or seg.get(1) == "IL":
            yield ctx.at(self, Pos.of(seg, None), f"{seg.tag} segment of this member")


class TarWithoutAttachment(Rule):
    """A TAR request without a PWK attachment on its patient event.

    What it does: flags 278 requests whose 2000E has no PWK.

    Why it matters: this example payer wants a care plan with every TAR.

    Example that fails: ``UM*HS*I~`` with no ``PWK``.

    Example that passes: ``UM*HS*I~PWK*OZ*EL~``
    """

    code = "ZX004"
    name = "tar-without-attachment"
    summary = "A TAR request without a PWK attachment (example rule)."
    severity = "error"
    tips = ("ZX-04",)
    scope = "tar"

    def check_tar(self, tar, ctx):
        if not tar.pwk:
            yield ctx.tar_finding(self, tar, "TAR request has no PWK attachment")


CLASSES = (RoundCharge, MemberSegment, TarWithoutAttachment)
