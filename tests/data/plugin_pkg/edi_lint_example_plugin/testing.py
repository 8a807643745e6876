"""For edi-lint's own tests: register the example rules in-process, then remove them."""
import re
from contextlib import contextmanager


@contextmanager
def registered():
    from edi_lint.rules import registry

    from . import extra, rules
    registry.all_rules()  # built-in rules first
    classes = (rules.BigClaim,) + extra.CLASSES
    for cls in classes:
        if cls.code not in registry._RULES:
            registry.register(cls)
    try:
        yield classes
    finally:
        for cls in classes:
            registry._RULES.pop(cls.code, None)


# What the example batch's files hold that must never leave edi-lint without --show-phi.
PHI = ("ZEBRAFISH", "QUINTESSA", "MBRZQ77", "19800101", "1 SAMPLE WAY", "95401")


def write_batch(root):
    """Write a small batch under ``root`` (a pathlib.Path); returns the relative paths.

    claims/june.x12   claims C1 ($1,200.00: ZX001 warning) and C2 ($400.00: ZX002 info),
                      the member's NM1*IL and DMG (ZX003 errors, PHI in the segment)
    claims/broken.837 one claim whose SE01 is wrong (X025 error, file level)
    tars/request.278  a TAR request, trace TRN0001, without PWK (ZX004 error)
    """
    from edi_lint.testing import Claim, Line, TarLine, build_278_request, build_837

    name = ("ZEBRAFISH", "QUINTESSA")
    (root / "claims").mkdir(parents=True, exist_ok=True)
    (root / "tars").mkdir(parents=True, exist_ok=True)
    june = build_837([
        Claim("C1", [Line("G9008", ["U1"], charge="1200.00", dos="20250603", g1=["ECM1"])],
              member="MBRZQ77", name=name),
        Claim("C2", [Line("G9008", ["U1"], charge="400.00", dos="20250703", g1=["ECM1"])],
              member="MBRZQ77", name=name),
    ])
    broken = build_837([Claim("C9", [Line("G9008", ["U1"], charge="401.50", g1=["ECM1"])],
                              member="MBRZQ77", name=name)])
    broken = re.sub(r"SE\*\d+\*0001~", "SE*99*0001~", broken)
    request = build_278_request(member="MBRZQ77", lines=[TarLine("G9008", ["U1"])],
                                trace="TRN0001", member_name=name)
    paths = {"claims/june.x12": june, "claims/broken.837": broken, "tars/request.278": request}
    for rel, text in paths.items():
        (root / rel).write_text(text, encoding="utf-8", newline="")
    return sorted(paths)
