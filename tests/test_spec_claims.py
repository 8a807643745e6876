"""Black-box acceptance scenarios for the claim-side billing tips of billing-rules.md.

Covers ECM-01..07, CS-01..12 and GEN-01..06 (GEN-02/03/04 roster parts with ``--roster``).
Every scenario builds 837P text with ``edi_lint.testing.x12build``, writes it to files, runs
the real CLI in process (``edi-lint check --format json`` through ``tests/clirun.py``) and asserts on the JSON contract:
tip, severity, claim_id, service_line and segment_id (§9: line rules point at SV1, GEN-01 at
the line's DTP*472), plus the absence of findings where the spec says there are none.
"""
from __future__ import annotations

import json
import re
import tomllib
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

import edi_lint
from clirun import run_cli
from edi_lint.testing.x12build import (
    Claim,
    Line,
    OtherPayer,
    TarLine,
    build_278_response,
    build_837,
    npi,
)

# --------------------------------------------------------------------------- constants

ECM_TIPS = {f"ECM-0{i}" for i in range(1, 8)}
CS_TIPS = {f"CS-{i:02d}" for i in range(1, 13)}
GEN_TIPS = {f"GEN-0{i}" for i in range(1, 7)}
LINE_TIPS = ECM_TIPS | CS_TIPS | GEN_TIPS  # all claim-side tips here are line rules (§9)

M1 = "MBR0001"
M2 = "MBR0002"
TAR = ("TAR0001",)
OTHER_NPI = npi("987654321")

_PROFILE = tomllib.loads(
    (Path(edi_lint.__file__).parent / "profiles" / "default.toml").read_text()
)
KAISER_IDS = _PROFILE["profile"]["kaiser_payer_ids"]


# --------------------------------------------------------------------------- running the CLI


class Result:
    def __init__(self, data: dict, stdout: str, rc: int):
        self.data = data
        self.stdout = stdout
        self.rc = rc
        self.findings = data["findings"]

    def of(self, tip: str, severity: str | None = None) -> list[dict]:
        return [
            f for f in self.findings
            if f["tip"] == tip and (severity is None or f["severity"] == severity)
        ]

    def at(self, tip: str, severity: str | None = None) -> list[tuple[str, int]]:
        """(claim_id, service_line) of the findings of a tip, in output order."""
        return [(f["claim_id"], f["service_line"]) for f in self.of(tip, severity)]

    def where(self, tip: str, severity: str | None = None) -> set[tuple[str, str, int]]:
        return {(f["path"], f["claim_id"], f["service_line"]) for f in self.of(tip, severity)}

    def one(self, tip: str, severity: str | None = None) -> dict:
        found = self.of(tip, severity)
        assert len(found) == 1, found
        return found[0]

    def blocking(self) -> list[dict]:
        return [f for f in self.findings if f["severity"] in ("error", "warning")]


_TIP_RULE: dict[str, str] = {}


def _check_shape(f: dict) -> None:
    """§9 'Where a finding points' and the JSON contract, for every claim-side tip."""
    tip = f["tip"]
    if tip not in LINE_TIPS:
        return
    assert isinstance(f["rule"], str) and f["rule"], f
    # one tip, one rule code: every finding of a tip carries the same rule
    assert _TIP_RULE.setdefault(tip, f["rule"]) == f["rule"], (f, _TIP_RULE[tip])
    assert f["severity"] in ("error", "warning", "info"), f
    assert isinstance(f["claim_id"], str) and f["claim_id"], f
    assert isinstance(f["service_line"], int) and f["service_line"] >= 1, f
    expected_seg = "DTP" if tip == "GEN-01" else "SV1"
    assert f["segment_id"] == expected_seg, f
    assert f["loop"] == "2400", f


def write(tmp_path: Path, name: str, text: str) -> str:
    p = tmp_path / name
    p.parent.mkdir(parents=True, exist_ok=True)
    with open(p, "w", newline="") as fh:
        fh.write(text)
    return name


def lint(tmp_path: Path, *docs, roster: str | None = None, ledger: str | None = None,
         show_phi: bool = False, fmt: str = "json", extra=()) -> Result:
    """Write docs (text, or (name, text)) and lint them as one batch, in the given order."""
    names = []
    for i, d in enumerate(docs):
        name, text = d if isinstance(d, tuple) else (f"f{i:02d}.x12", d)
        names.append(write(tmp_path, name, text))
    cmd = ["check", "--format", fmt]
    if roster is not None:
        cmd += ["--roster", write(tmp_path, "roster.csv", roster)]
    if ledger is not None:
        cmd += ["--ledger", ledger]
    if show_phi:
        cmd.append("--show-phi")
    cmd += list(extra) + names
    cp = run_cli(*cmd, cwd=tmp_path)
    assert cp.returncode in (0, 1), cp.stderr
    if fmt != "json":
        return Result({"findings": []}, cp.stdout, cp.returncode)
    data = json.loads(cp.stdout)
    for f in data["findings"]:
        _check_shape(f)
    res = Result(data, cp.stdout, cp.returncode)
    has_error = any(f["severity"] == "error" for f in data["findings"])
    assert (cp.returncode == 1) == has_error, (cp.returncode, data["summary"])
    return res


def make_ledger(tmp_path: Path, *claims: Claim, extra_docs=()) -> str:
    """Record history (claims, and 278 responses given as text) into a fresh ledger."""
    hist = tmp_path / "hist"
    hist.mkdir(exist_ok=True)
    files = []
    if claims:
        files.append(str(write(tmp_path, "hist/h837.x12", build_837(list(claims)))))
    for i, text in enumerate(extra_docs):
        files.append(str(write(tmp_path, f"hist/h278_{i}.x12", text)))
    ledger = str(tmp_path / "ledger.sqlite")
    cp = run_cli("ledger", "add", "--ledger", ledger, *files, cwd=tmp_path)
    assert cp.returncode == 0, cp.stderr + cp.stdout
    return ledger


def x837(*claims: Claim, **kw) -> str:
    return build_837(list(claims), **kw)


def roster(*rows: tuple) -> str:
    return "member_id,month,status,other_coverage\n" + "".join(
        ",".join(r) + "\n" for r in rows
    )


# --------------------------------------------------------------------------- messages


def _date_forms(d: str) -> list[str]:
    y, m, dd = d[:4], d[4:6], d[6:]
    return [f"{y}-{m}-{dd}", d, f"{m}/{dd}/{y}", f"{int(m)}/{int(dd)}/{y}",
            f"{int(m)}/{int(dd)}/{y[2:]}"]


def mentions_date(msg: str, d: str) -> bool:
    return any(form in msg for form in _date_forms(d))


def mentions_number(msg: str, n) -> bool:
    return re.search(rf"(?<![\d.]){re.escape(str(n))}(?![\d])", msg) is not None


def mentions_money(msg: str, amount: str) -> bool:
    a = Decimal(amount)
    forms = {f"{a:.2f}", f"{a:,.2f}"}
    if a == a.to_integral():
        forms.add(str(int(a)))
        forms.add(f"{int(a):,}")
    return any(mentions_number(msg, f) for f in forms)


def mentions_month(msg: str, d: str) -> bool:
    y, m = d[:4], d[4:6]
    names = ["January", "February", "March", "April", "May", "June", "July", "August",
             "September", "October", "November", "December"]
    forms = [f"{y}-{m}", f"{m}/{y}", f"{int(m)}/{y}", f"{names[int(m) - 1]} {y}",
             f"{names[int(m) - 1][:3]} {y}"]
    return any(f in msg for f in forms) or mentions_date(msg, d)


# --------------------------------------------------------------------------- line builders


def ymd(d: date) -> str:
    return d.strftime("%Y%m%d")


def plus(d: str, days: int) -> str:
    return ymd(date(int(d[:4]), int(d[4:6]), int(d[6:])) + timedelta(days=days))


def monthly(dos, code="G9008", mods=("U1",), g1=TAR, **kw) -> Line:
    return Line(code, mods, charge=kw.pop("charge", "400.00"), dos=dos, g1=g1, **kw)


def engagement(dos, g1=TAR, **kw) -> Line:
    return Line("G9012", (), charge=kw.pop("charge", "150.00"), dos=dos, g1=g1, **kw)


def outreach(dos, code="G9008", mods=("U8",), **kw) -> Line:
    return Line(code, mods, charge=kw.pop("charge", "5.00"), dos=dos, **kw)


def cs(code, dos, units=1, charge=None, mods=("U6",), rate=None, g1=TAR, **kw) -> Line:
    if charge is None:
        charge = f"{Decimal(rate or '10.00') * Decimal(str(units)):.2f}"
    return Line(code, mods, charge=charge, units=str(units), dos=dos, g1=g1, **kw)


def nav(dos, code="H0043", units=1, **kw) -> Line:
    return cs(code, dos, units, rate="386.00", **kw)


def tenancy(dos, code="T2040", units=1, **kw) -> Line:
    return cs(code, dos, units, rate="222.00", **kw)


def deposit(dos, charge, **kw) -> Line:
    return cs("H0044", dos, 1, charge=charge, mods=("U2",), **kw)


def posthosp(dos, units, **kw) -> Line:
    return cs("H0044", dos, units, rate="108.00", mods=("U3",), **kw)


def recup(dos, units, **kw) -> Line:
    return cs("T2033", dos, units, rate="204.00", **kw)


def meals(dos, units, **kw) -> Line:
    return cs("S5170", dos, units, charge=kw.pop("charge", "20.00"), **kw)


def grocery(dos, **kw) -> Line:
    return cs("S9977", dos, 1, rate="66.00", **kw)


def dayhab(dos, units, **kw) -> Line:
    return cs("T2020", dos, units, rate="7.00", **kw)


def sobering(dos, units=1, **kw) -> Line:
    return cs("H0014", dos, units, rate="170.00", **kw)


def days_incl(a: str, b: str) -> int:
    da = date(int(a[:4]), int(a[4:6]), int(a[6:]))
    db = date(int(b[:4]), int(b[4:6]), int(b[6:]))
    return (db - da).days + 1


def one_claim_per_line(lines, member=M1, prefix="C") -> list[Claim]:
    return [Claim(f"{prefix}{i + 1}", [ln], member=member) for i, ln in enumerate(lines)]


# =========================================================================== clean file


def test_correctly_billed_file_has_no_error_or_warning(tmp_path):
    claims = [
        Claim("OK1", [monthly("20250603"), engagement("20250603"),
                      Line("G9007", (), charge="0.04", units="4", dos="20250610")]),
        Claim("OK2", [monthly("20250701", code="G9012", mods=("U2", "GQ"))]),
        Claim("OK3", [outreach("20250501"), outreach("20250502", "G9012", ("U8", "GQ"))]),
        Claim("OK4", [nav("20250601"), tenancy("20250602"), tenancy("20250603", "T2041"),
                      deposit("20250604", "1234.56"), posthosp(("20250605", "20250607"), 3),
                      recup("20250610", 1), meals(("20250611", "20250612"), 4),
                      cs("S9470", "20250613", 1, rate="41.00"),
                      dayhab("20250614", 8), sobering("20250615"),
                      cs("T1019", "20250616", 4, rate="8.25")], member=M2),
        Claim("OK5", [grocery("20250701"), grocery("20250708")], member=M2, g1="TAR0002"),
    ]
    res = lint(tmp_path, x837(*claims), extra=["--fail-on", "warning"])
    assert res.blocking() == []
    assert res.rc == 0
    # the only info expected is G9007's "not reimbursable"
    assert {f["tip"] for f in res.findings} <= {"ECM-06"}


# =========================================================================== ECM-01


def test_ecm01_second_monthly_line_any_mix_is_flagged(tmp_path):
    res = lint(tmp_path, x837(
        Claim("C1", [monthly("20250603")]),
        Claim("C2", [monthly("20250620", code="G9012", mods=("U2",))]),
    ))
    f = res.one("ECM-01")
    assert (f["severity"], f["claim_id"], f["service_line"]) == ("error", "C2", 1)
    assert mentions_date(f["message"], "20250620")
    assert mentions_month(f["message"], "20250601")
    assert mentions_number(f["message"], 1)


@pytest.mark.parametrize("first,second", [
    (("G9008", ("U1", "GQ")), ("G9008", ("GQ", "U1"))),
    (("G9012", ("GQ", "U2")), ("G9008", ("U1",))),
    (("G9012", ("U2", "GQ")), ("G9012", ("U2",))),
])
def test_ecm01_modifier_slot_order_does_not_matter(tmp_path, first, second):
    res = lint(tmp_path, x837(
        Claim("C1", [monthly("20250603", *first)]),
        Claim("C2", [monthly("20250604", *second)]),
    ))
    assert res.at("ECM-01") == [("C2", 1)]
    assert res.of("ECM-07") == []


@pytest.mark.parametrize("d1,d2,flagged", [
    ("20250630", "20250701", False),   # month boundary
    ("20250601", "20250630", True),
    ("20241231", "20250101", False),   # year boundary
    ("20240201", "20240229", True),    # leap day inside February
    ("20240229", "20240301", False),   # leap day vs March
])
def test_ecm01_calendar_month_boundaries(tmp_path, d1, d2, flagged):
    res = lint(tmp_path, x837(Claim("C1", [monthly(d1)]), Claim("C2", [monthly(d2)])))
    assert res.at("ECM-01") == ([("C2", 1)] if flagged else [])


def test_ecm01_rd8_from_equals_to_is_one_day_counted(tmp_path):
    res = lint(tmp_path, x837(
        Claim("C1", [monthly(("20250603", "20250603"))]),
        Claim("C2", [monthly("20250610")]),
    ))
    assert res.of("GEN-01") == []
    assert res.at("ECM-01") == [("C2", 1)]


def test_ecm01_three_lines_in_a_month_flag_second_and_third(tmp_path):
    res = lint(tmp_path, x837(Claim("C1", [
        monthly("20250603"), monthly("20250610", "G9012", ("U2",)), monthly("20250617"),
    ])))
    assert sorted(res.at("ECM-01")) == [("C1", 2), ("C1", 3)]


def test_ecm01_members_counted_separately(tmp_path):
    res = lint(tmp_path, x837(
        Claim("C1", [monthly("20250603")], member=M1),
        Claim("C2", [monthly("20250604")], member=M2),
    ))
    assert res.of("ECM-01") == []


def test_ecm01_member_is_patient_loop_nm109_when_present(tmp_path):
    # §1: the member is 2010CA NM109 when a 2000C patient loop exists, else 2010BA.
    res = lint(tmp_path, x837(
        Claim("C1", [monthly("20250603")], member="SUB0001", patient="DEP0001"),
        Claim("C2", [monthly("20250604")], member="SUB0001"),            # the subscriber
        Claim("C3", [monthly("20250605")], member="DEP0001"),            # the dependent
    ))
    assert res.at("ECM-01") == [("C3", 1)]


def test_ecm01_later_dos_flagged_even_when_first_in_file(tmp_path):
    res = lint(tmp_path, x837(
        Claim("C1", [monthly("20250620", "G9012", ("U2",))]),
        Claim("C2", [monthly("20250603")]),
    ))
    f = res.one("ECM-01")
    assert (f["claim_id"], f["service_line"]) == ("C1", 1)
    assert mentions_date(f["message"], "20250620")


def test_ecm01_later_dos_flagged_within_one_claim(tmp_path):
    res = lint(tmp_path, x837(Claim("C1", [monthly("20250625"), monthly("20250602")])))
    assert res.at("ECM-01") == [("C1", 1)]


def test_ecm01_ties_by_command_line_file_order_not_name(tmp_path):
    # same DOS in three files: 'z' given first, then 'm', then 'a'; the first one counts.
    res = lint(
        tmp_path,
        ("z_first.x12", x837(Claim("CZ", [monthly("20250610")]))),
        ("m_second.x12", x837(Claim("CM", [monthly("20250610")]))),
        ("a_third.x12", x837(Claim("CA", [monthly("20250610")]))),
    )
    assert res.where("ECM-01") == {("m_second.x12", "CM", 1), ("a_third.x12", "CA", 1)}


def test_ecm01_ties_by_command_line_file_order_reversed(tmp_path):
    res = lint(
        tmp_path,
        ("a_first.x12", x837(Claim("CA", [monthly("20250610")]))),
        ("z_second.x12", x837(Claim("CZ", [monthly("20250610")]))),
    )
    assert res.where("ECM-01") == {("z_second.x12", "CZ", 1)}


def test_ecm01_ties_within_file_by_segment_order(tmp_path):
    res = lint(tmp_path, x837(
        Claim("CB", [monthly("20250610")]),
        Claim("CA", [monthly("20250610", "G9012", ("U2",))]),
    ))
    assert res.at("ECM-01") == [("CA", 1)]


def test_ecm01_dos_order_beats_file_order_across_files(tmp_path):
    res = lint(
        tmp_path,
        ("one.x12", x837(Claim("C1", [monthly("20250620")]))),
        ("two.x12", x837(Claim("C2", [monthly("20250605")]))),
    )
    assert res.where("ECM-01") == {("one.x12", "C1", 1)}


def test_ecm01_void_counts_nowhere_and_gets_no_findings(tmp_path):
    res = lint(
        tmp_path,
        ("orig.x12", x837(Claim("C1", [monthly("20250603")]))),
        ("void.x12", x837(
            # the void repeats the original; a bad modifier and no TAR must not be reported
            Claim("C1", [monthly("20250603"), Line("G9008", ("U2",), dos="20250603")],
                  freq="8", f8="PAYERICN1"),
            Claim("C2", [monthly("20250620", "G9012", ("U2",))]),
        )),
    )
    assert res.of("ECM-01") == []
    assert [f for f in res.findings if f["path"] == "void.x12" and f["claim_id"] == "C1"
            and f["tip"]] == []


def test_ecm01_void_from_other_billing_npi_cancels_nothing(tmp_path):
    res = lint(
        tmp_path,
        ("orig.x12", x837(Claim("C1", [monthly("20250603")]))),
        ("void.x12", x837(
            Claim("C1", [monthly("20250603")], freq="8", f8="PAYERICN1",
                  billing_npi=OTHER_NPI),
            Claim("C2", [monthly("20250620")]),
        )),
    )
    assert res.where("ECM-01") == {("void.x12", "C2", 1)}


def test_ecm01_replacement_in_later_file_supersedes(tmp_path):
    res = lint(
        tmp_path,
        ("orig.x12", x837(Claim("C1", [monthly("20250603")]))),
        ("repl.x12", x837(Claim("C1", [monthly("20250605")], freq="7", f8="PAYERICN1"))),
    )
    assert res.of("ECM-01") == []


def test_ecm01_replacement_from_other_npi_supersedes_nothing(tmp_path):
    res = lint(
        tmp_path,
        ("orig.x12", x837(Claim("C1", [monthly("20250603")]))),
        ("repl.x12", x837(Claim("C1", [monthly("20250605")], freq="7", f8="PAYERICN1",
                                billing_npi=OTHER_NPI))),
    )
    assert res.where("ECM-01") == {("repl.x12", "C1", 1)}


def test_superseded_lines_keep_line_findings_but_do_not_count(tmp_path):
    res = lint(
        tmp_path,
        ("orig.x12", x837(Claim("C1", [
            monthly("20250603"),
            Line("G9008", ("U2",), charge="400.00", dos="20250603", g1=TAR),   # ECM-07
            monthly(("20250610", "20250612"), "G9012", ("U2",)),               # GEN-01 span
            nav("20250603", units=2),                                          # CS-01 units
        ]))),
        ("repl.x12", x837(Claim("C1", [monthly("20250604"), nav("20250605")],
                                freq="7", f8="PAYERICN1"))),
    )
    assert res.where("ECM-07") == {("orig.x12", "C1", 2)}
    assert res.where("GEN-01") == {("orig.x12", "C1", 3)}
    assert res.where("CS-01") == {("orig.x12", "C1", 4)}
    # the superseded lines count toward no limit: the replacement is not a second line
    assert res.of("ECM-01") == []
    assert not any(f["path"] == "repl.x12" for f in res.findings if f["tip"])


def test_ecm01_ledger_history_counts_first_whatever_its_date(tmp_path):
    ledger = make_ledger(tmp_path, Claim("H1", [monthly("20250625")]))
    res = lint(tmp_path, x837(Claim("C1", [monthly("20250603")])), ledger=ledger)
    assert res.at("ECM-01") == [("C1", 1)]
    assert all(f["claim_id"] != "H1" for f in res.findings)


def test_ecm01_ledger_other_month_no_finding(tmp_path):
    ledger = make_ledger(tmp_path, Claim("H1", [monthly("20250531")]))
    res = lint(tmp_path, x837(Claim("C1", [monthly("20250601")])), ledger=ledger)
    assert res.of("ECM-01") == []


def test_ecm01_invalid_modifier_set_is_not_a_monthly_line(tmp_path):
    res = lint(tmp_path, x837(Claim("C1", [
        Line("G9008", ("U2",), charge="400.00", dos="20250603", g1=TAR),
        monthly("20250610"),
    ])))
    assert res.of("ECM-01") == []
    assert res.at("ECM-07") == [("C1", 1)]


def test_ecm01_engagement_is_not_a_monthly_line(tmp_path):
    res = lint(tmp_path, x837(Claim("C1", [monthly("20250603"), engagement("20250603")])))
    assert res.of("ECM-01") == []


# =========================================================================== ECM-02


@pytest.mark.parametrize("line", [
    monthly("20250603", units="2", charge="800.00"),
    monthly("20250603", "G9012", ("U2", "GQ"), units="2", charge="800.00"),
    monthly("20250603", basis="MJ"),
    engagement("20250603", units="2", charge="300.00"),
    outreach("20250603", units="2", charge="10.00"),
    outreach("20250603", "G9012", ("GQ", "U8"), basis="MJ"),
], ids=["monthly-2u", "monthly-u2gq-2u", "monthly-MJ", "engagement-2u", "outreach-2u",
        "outreach-MJ"])
def test_ecm02_exactly_one_unit_un(tmp_path, line):
    res = lint(tmp_path, x837(Claim("C1", [line])))
    f = res.one("ECM-02")
    assert (f["severity"], f["claim_id"], f["service_line"]) == ("error", "C1", 1)


def test_ecm02_one_unit_passes_and_g9007_is_not_concerned(tmp_path):
    res = lint(tmp_path, x837(Claim("C1", [
        monthly("20250603"), engagement("20250603"), outreach("20250501"),
        Line("G9007", (), charge="0.04", units="4", dos="20250603"),
    ])))
    assert res.of("ECM-02") == []


# =========================================================================== ECM-03


def test_ecm03_second_engagement_ever_is_flagged(tmp_path):
    res = lint(tmp_path, x837(
        Claim("C1", [engagement("20260115")]),
        Claim("C2", [engagement("20250603")]),
    ))
    f = res.one("ECM-03")
    assert (f["severity"], f["claim_id"], f["service_line"]) == ("error", "C1", 1)
    assert mentions_date(f["message"], "20260115")


def test_ecm03_other_member_and_modified_g9012_do_not_count(tmp_path):
    res = lint(tmp_path, x837(
        Claim("C1", [engagement("20250603")], member=M1),
        Claim("C2", [engagement("20250703")], member=M2),
        Claim("C3", [monthly("20250801", "G9012", ("U2",)),
                     outreach("20250501", "G9012", ("U8",))], member=M1),
    ))
    assert res.of("ECM-03") == []


def test_ecm03_ledger_engagement_counts(tmp_path):
    ledger = make_ledger(tmp_path, Claim("H1", [engagement("20240110")]))
    res = lint(tmp_path, x837(Claim("C1", [engagement("20250603")])), ledger=ledger)
    assert res.at("ECM-03") == [("C1", 1)]


def test_ecm03_voided_engagement_counts_nowhere(tmp_path):
    res = lint(
        tmp_path,
        ("a.x12", x837(Claim("C1", [engagement("20250603")]))),
        ("b.x12", x837(Claim("C1", [engagement("20250603")], freq="8", f8="ICN1"),
                       Claim("C2", [engagement("20250701")]))),
    )
    assert res.of("ECM-03") == []


# =========================================================================== ECM-04


def _outreach_claim(dates, member=M1, clm="C1", codes=None):
    lines = []
    variants = codes or [("G9008", ("U8",))]
    for i, d in enumerate(dates):
        code, mods = variants[i % len(variants)]
        lines.append(outreach(d, code, mods))
    return Claim(clm, lines, member=member)


def test_ecm04_five_in_window_pass_sixth_flagged(tmp_path):
    dates = [f"202506{d:02d}" for d in range(1, 7)]
    res = lint(tmp_path, x837(_outreach_claim(dates)))
    f = res.one("ECM-04")
    assert (f["severity"], f["claim_id"], f["service_line"]) == ("error", "C1", 6)
    assert mentions_date(f["message"], "20250606")
    assert mentions_number(f["message"], 5)


def test_ecm04_five_pass(tmp_path):
    res = lint(tmp_path, x837(_outreach_claim([f"202506{d:02d}" for d in range(1, 6)])))
    assert res.of("ECM-04") == []


def test_ecm04_all_outreach_variants_count_together(tmp_path):
    variants = [("G9008", ("U8",)), ("G9008", ("GQ", "U8")), ("G9012", ("U8",)),
                ("G9012", ("U8", "GQ")), ("G9008", ("U8", "GQ")), ("G9012", ("GQ", "U8"))]
    res = lint(tmp_path, x837(_outreach_claim(
        [f"202506{d:02d}" for d in (2, 4, 6, 8, 10, 12)], codes=variants)))
    assert res.at("ECM-04") == [("C1", 6)]
    assert res.of("ECM-07") == []


def test_ecm04_flagged_lines_still_count_for_later_windows(tmp_path):
    # §9: six outreach on days 1-6 and one on day 31 flag day 6 and day 31.
    dates = [f"202506{d:02d}" for d in range(1, 7)] + [plus("20250601", 30)]
    assert dates[-1] == "20250701"
    res = lint(tmp_path, x837(_outreach_claim(dates)))
    assert sorted(res.at("ECM-04")) == [("C1", 6), ("C1", 7)]


@pytest.mark.parametrize("last,flagged", [
    ("20250630", True),    # DOS-29 = 06-01: window holds all five earlier lines
    ("20250701", False),   # DOS-29 = 06-02: 06-01 dropped out
])
def test_ecm04_window_is_dos_minus_29(tmp_path, last, flagged):
    dates = ["20250601", "20250610", "20250611", "20250612", "20250613", last]
    res = lint(tmp_path, x837(_outreach_claim(dates)))
    assert res.at("ECM-04") == ([("C1", 6)] if flagged else [])


@pytest.mark.parametrize("last,flagged", [
    ("20240301", True),    # leap year: 03-01 - 29 days = 02-01
    ("20240302", False),
])
def test_ecm04_window_across_leap_day(tmp_path, last, flagged):
    dates = ["20240201", "20240210", "20240215", "20240220", "20240229", last]
    res = lint(tmp_path, x837(_outreach_claim(dates)))
    assert res.at("ECM-04") == ([("C1", 6)] if flagged else [])


@pytest.mark.parametrize("last,flagged", [
    ("20250302", True),    # non-leap: 03-02 - 29 days = 02-01
    ("20250303", False),
])
def test_ecm04_window_across_february_non_leap(tmp_path, last, flagged):
    dates = ["20250201", "20250210", "20250215", "20250220", "20250228", last]
    res = lint(tmp_path, x837(_outreach_claim(dates)))
    assert res.at("ECM-04") == ([("C1", 6)] if flagged else [])


def test_ecm04_later_dos_flagged_even_when_first_in_file(tmp_path):
    dates = ["20250606", "20250605", "20250604", "20250603", "20250602", "20250601"]
    res = lint(tmp_path, x837(_outreach_claim(dates)))
    assert res.at("ECM-04") == [("C1", 1)]


def test_ecm04_same_day_ties_by_file_then_segment_order(tmp_path):
    res = lint(
        tmp_path,
        ("z.x12", x837(_outreach_claim(["20250605"] * 3, clm="CZ"))),
        ("a.x12", x837(_outreach_claim(["20250605"] * 3, clm="CA"))),
    )
    assert res.where("ECM-04") == {("a.x12", "CA", 3)}


def test_ecm04_members_counted_separately(tmp_path):
    res = lint(tmp_path, x837(
        _outreach_claim([f"202506{d:02d}" for d in range(1, 4)], member=M1, clm="C1"),
        _outreach_claim([f"202506{d:02d}" for d in range(1, 4)], member=M2, clm="C2"),
    ))
    assert res.of("ECM-04") == []


def test_ecm04_ledger_counts(tmp_path):
    ledger = make_ledger(tmp_path, _outreach_claim(
        [f"202506{d:02d}" for d in range(1, 6)], clm="H1"))
    res = lint(tmp_path, x837(_outreach_claim(["20250610", "20250710"])), ledger=ledger)
    assert res.at("ECM-04") == [("C1", 1)]


def test_ecm04_voided_outreach_counts_nowhere(tmp_path):
    res = lint(
        tmp_path,
        ("a.x12", x837(_outreach_claim(["20250601", "20250602", "20250603"], clm="C1"))),
        ("b.x12", x837(
            Claim("C1", _outreach_claim(["20250601", "20250602", "20250603"]).lines,
                  freq="8", f8="ICN1"),
            _outreach_claim(["20250604", "20250605", "20250606"], clm="C2"))),
    )
    assert res.of("ECM-04") == []


# =========================================================================== ECM-05


@pytest.mark.parametrize("out_dos,flagged", [
    ("20250609", False),
    ("20250610", True),    # on the enrollment date
    ("20250611", True),
    ("20250901", True),
])
def test_ecm05_outreach_on_or_after_first_monthly_line(tmp_path, out_dos, flagged):
    res = lint(tmp_path, x837(
        Claim("C1", [outreach(out_dos)]),           # first in the file
        Claim("C2", [monthly("20250610")]),
    ))
    assert res.at("ECM-05") == ([("C1", 1)] if flagged else [])
    if flagged:
        f = res.one("ECM-05")
        assert f["severity"] == "error"
        assert mentions_date(f["message"], out_dos)
        assert mentions_date(f["message"], "20250610")


def test_ecm05_engagement_sets_enrollment(tmp_path):
    res = lint(tmp_path, x837(Claim("C1", [
        engagement("20250610"), outreach("20250609", "G9012", ("U8",)),
        outreach("20250610", "G9012", ("U8", "GQ")),
    ])))
    assert res.at("ECM-05") == [("C1", 3)]


def test_ecm05_earliest_of_monthly_and_engagement(tmp_path):
    res = lint(tmp_path, x837(Claim("C1", [
        monthly("20250801"), engagement("20250715"), outreach("20250714"),
        outreach("20250720"),
    ])))
    assert res.at("ECM-05") == [("C1", 4)]


def test_ecm05_other_members_enrollment_does_not_matter(tmp_path):
    res = lint(tmp_path, x837(
        Claim("C1", [monthly("20250601")], member=M2),
        Claim("C2", [outreach("20250615")], member=M1),
    ))
    assert res.of("ECM-05") == []


def test_ecm05_ledger_monthly_line_sets_enrollment(tmp_path):
    ledger = make_ledger(tmp_path, Claim("H1", [monthly("20250115")]))
    res = lint(tmp_path, x837(Claim("C1", [outreach("20250114"), outreach("20250603")])),
               ledger=ledger)
    assert res.at("ECM-05") == [("C1", 2)]


@pytest.mark.parametrize("out_dos,flagged", [("20250531", False), ("20250601", True)])
def test_ecm05_approved_ecm_tar_start_sets_enrollment(tmp_path, out_dos, flagged):
    tar = build_278_response(member=M1, hcr01="A1", cert="ECMTAR1", lines=[
        TarLine("G9012", (), units="1", period=("20250601", "20251130")),
        TarLine("G9008", ("U1",), units="6", period=("20250601", "20251130")),
    ])
    res = lint(tmp_path, ("tar.x12", tar), ("claims.x12", x837(Claim("C1", [outreach(out_dos)]))))
    assert res.at("ECM-05") == ([("C1", 1)] if flagged else [])


def test_ecm05_denied_tar_is_no_enrollment(tmp_path):
    tar = build_278_response(member=M1, hcr01="A3", cert="ECMTAR1", lines=[
        TarLine("G9008", ("U1",), units="6", period=("20250601", "20251130")),
    ])
    res = lint(tmp_path, ("tar.x12", tar),
               ("claims.x12", x837(Claim("C1", [outreach("20250615")]))))
    assert res.of("ECM-05") == []


# =========================================================================== ECM-06


def test_ecm06_g9007_four_units_four_cents_only_info(tmp_path):
    res = lint(tmp_path, x837(Claim("C1", [Line("G9007", (), charge="0.04", units="4",
                                                  dos="20250603")])))
    f = res.one("ECM-06")
    assert (f["severity"], f["claim_id"], f["service_line"]) == ("info", "C1", 1)
    assert res.of("GEN-05") == [] and res.of("GEN-06") == []
    assert res.blocking() == []


def test_ecm06_zero_charge_is_error_and_info_separately(tmp_path):
    res = lint(tmp_path, x837(Claim("C1", [
        monthly("20250603"),
        Line("G9007", (), charge="0", units="4", dos="20250603"),
    ])))
    err = res.one("ECM-06", "error")
    info = res.one("ECM-06", "info")
    assert (err["claim_id"], err["service_line"]) == ("C1", 2)
    assert (info["claim_id"], info["service_line"]) == ("C1", 2)
    # $0.01 x 4 = $0.04 is GEN-05's
    g = res.one("GEN-05")
    assert (g["severity"], g["service_line"]) == ("warning", 2)
    assert mentions_money(g["message"], "0.04")


# =========================================================================== ECM-07


@pytest.mark.parametrize("code,mods", [
    ("G9008", ("U2",)), ("G9012", ("U1",)), ("G9008", ()), ("G9008", ("U1", "U8")),
    ("G9008", ("GQ",)), ("G9012", ("GQ",)), ("G9007", ("U1",)), ("G9007", ("GQ",)),
    ("G9012", ("U2", "U8")), ("G9008", ("U6",)),
])
def test_ecm07_invalid_modifier_sets_flagged_and_match_no_rate(tmp_path, code, mods):
    res = lint(tmp_path, x837(Claim("C1", [Line(code, mods, charge="123.45",
                                                  dos="20250603", g1=TAR)])))
    f = res.one("ECM-07")
    assert (f["severity"], f["claim_id"], f["service_line"]) == ("error", "C1", 1)
    assert res.of("GEN-05") == []


@pytest.mark.parametrize("code,mods", [
    ("G9008", ("U1",)), ("G9008", ("U1", "GQ")), ("G9008", ("GQ", "U1")),
    ("G9008", ("U8",)), ("G9008", ("U8", "GQ")), ("G9008", ("GQ", "U8")),
    ("G9012", ()), ("G9012", ("U2",)), ("G9012", ("GQ", "U2")), ("G9012", ("U8",)),
    ("G9012", ("GQ", "U8")), ("G9007", ()),
])
def test_ecm07_valid_sets_pass(tmp_path, code, mods):
    res = lint(tmp_path, x837(Claim("C1", [Line(code, mods, dos="20250603", g1=TAR)])))
    assert res.of("ECM-07") == []


# =========================================================================== CS-01


def test_cs01_second_navigation_line_in_month_flagged(tmp_path):
    res = lint(tmp_path, x837(Claim("C1", [nav("20250601"), nav("20250615", "H2016")])))
    f = res.one("CS-01")
    assert (f["severity"], f["claim_id"], f["service_line"]) == ("error", "C1", 2)
    assert mentions_date(f["message"], "20250615")


def test_cs01_units_other_than_one_flagged(tmp_path):
    res = lint(tmp_path, x837(Claim("C1", [nav("20250601", units=2)])))
    f = res.one("CS-01")
    assert (f["severity"], f["service_line"]) == ("error", 1)
    assert mentions_number(f["message"], 2)


def test_cs01_units_and_second_line_give_one_finding(tmp_path):
    res = lint(tmp_path, x837(Claim("C1", [nav("20250601"), nav("20250615", "H2016", units=2)])))
    f = res.one("CS-01")
    assert f["service_line"] == 2
    msg = f["message"].lower()
    assert "unit" in msg and mentions_number(msg, 2)
    assert mentions_date(f["message"], "20250601") or mentions_month(f["message"], "20250601")


@pytest.mark.parametrize("d1,d2,flagged", [
    ("20250630", "20250701", False), ("20250701", "20250731", True),
    ("20240229", "20240301", False),
])
def test_cs01_month_boundaries(tmp_path, d1, d2, flagged):
    res = lint(tmp_path, x837(Claim("C1", [nav(d1, "H2016"), nav(d2)])))
    assert res.at("CS-01") == ([("C1", 2)] if flagged else [])


def test_cs01_h0043_without_modifier_is_cs12_and_counts_nowhere(tmp_path):
    res = lint(tmp_path, x837(Claim("C1", [
        Line("H0043", (), charge="386.00", dos="20250601", g1=TAR), nav("20250615"),
    ])))
    assert res.of("CS-01") == []
    assert res.at("CS-12") == [("C1", 1)]


def test_cs01_later_dos_first_in_file_and_ledger(tmp_path):
    ledger = make_ledger(tmp_path, Claim("H1", [nav("20250520")]))
    res = lint(tmp_path, x837(Claim("C1", [nav("20250620"), nav("20250602", "H2016"),
                                           nav("20250525")])), ledger=ledger)
    assert sorted(res.at("CS-01")) == [("C1", 1), ("C1", 3)]


# =========================================================================== CS-02


def test_cs02_two_units_together_pass(tmp_path):
    res = lint(tmp_path, x837(Claim("C1", [tenancy("20250601"), tenancy("20250615", "T2041")]),
                              Claim("C2", [tenancy("20250701", units=2)])))
    assert res.of("CS-02") == []


def test_cs02_third_unit_flagged_on_the_exceeding_line(tmp_path):
    res = lint(tmp_path, x837(Claim("C1", [
        tenancy("20250620", "T2041"),           # later DOS, first in the file
        tenancy("20250601", units=2),
    ])))
    f = res.one("CS-02")
    assert (f["severity"], f["claim_id"], f["service_line"]) == ("error", "C1", 1)
    assert mentions_number(f["message"], 2) and mentions_number(f["message"], 3)


def test_cs02_one_line_of_three_units(tmp_path):
    res = lint(tmp_path, x837(Claim("C1", [tenancy("20250601", "T2041", units=3)])))
    assert res.at("CS-02") == [("C1", 1)]


def test_cs02_each_exceeding_line_flagged(tmp_path):
    res = lint(tmp_path, x837(Claim("C1", [
        tenancy("20250601", "T2041"), tenancy("20250602"), tenancy("20250603", "T2041"),
        tenancy("20250630"), tenancy("20250701"), tenancy("20250702", "T2041"),
    ])))
    assert sorted(res.at("CS-02")) == [("C1", 3), ("C1", 4)]


def test_cs02_ledger_counts(tmp_path):
    ledger = make_ledger(tmp_path, Claim("H1", [tenancy("20250610", units=2)]))
    res = lint(tmp_path, x837(Claim("C1", [tenancy("20250601", "T2041")])), ledger=ledger)
    assert res.at("CS-02") == [("C1", 1)]


# =========================================================================== CS-03


@pytest.mark.parametrize("charge,error", [("5000.00", False), ("5000.01", True),
                                          ("5000", False), ("7500.00", True)])
def test_cs03_line_charge_limit(tmp_path, charge, error):
    res = lint(tmp_path, x837(Claim("C1", [deposit("20250601", charge)])))
    assert res.at("CS-03", "error") == ([("C1", 1)] if error else [])
    if error:
        assert mentions_money(res.one("CS-03", "error")["message"], "5000.00")
    assert res.of("GEN-05") == []   # the deposit's rate is the billed amount


def test_cs03_single_line_over_limit_breaks_both_severities_separately(tmp_path):
    # one line of $5,000.01 breaks the per-line limit (error) and the member total (warning):
    # §9 "Different severities of one tip (CS-03, ECM-06) stay separate findings".
    res = lint(tmp_path, x837(Claim("C1", [deposit("20250601", "5000.01")])))
    assert res.at("CS-03", "error") == [("C1", 1)]
    assert res.at("CS-03", "warning") == [("C1", 1)]


@pytest.mark.parametrize("second,warn", [("2000.00", False), ("2000.01", True)])
def test_cs03_member_total_warning(tmp_path, second, warn):
    res = lint(tmp_path, x837(Claim("C1", [deposit("20250601", "3000.00")]),
                              Claim("C2", [deposit("20251101", second)])))
    assert res.of("CS-03", "error") == []
    assert res.at("CS-03", "warning") == ([("C2", 1)] if warn else [])
    if warn:
        msg = res.one("CS-03", "warning")["message"]
        assert mentions_money(msg, "5000.00") and mentions_money(msg, "5000.01")


def test_cs03_member_total_includes_ledger_and_skips_other_members(tmp_path):
    ledger = make_ledger(tmp_path, Claim("H1", [deposit("20250101", "4000.00")]))
    res = lint(tmp_path, x837(Claim("C1", [deposit("20250601", "1500.00")]),
                              Claim("C2", [deposit("20250601", "4999.00")], member=M2)),
               ledger=ledger)
    assert res.at("CS-03", "warning") == [("C1", 1)]


def test_cs03_voided_deposit_counts_nowhere(tmp_path):
    res = lint(
        tmp_path,
        ("a.x12", x837(Claim("C1", [deposit("20250601", "4000.00")]))),
        ("b.x12", x837(Claim("C1", [deposit("20250601", "4000.00")], freq="8", f8="ICN1"),
                       Claim("C2", [deposit("20250701", "4000.00")]))),
    )
    assert res.of("CS-03") == []


# =========================================================================== CS-04


def test_cs04_180_days_pass_181_fail_in_one_span(tmp_path):
    ok = ("20250101", "20250629")
    bad = ("20250101", "20250630")
    assert days_incl(*ok) == 180 and days_incl(*bad) == 181
    res = lint(tmp_path, x837(
        Claim("C1", [posthosp(ok, 180)], member=M1),
        Claim("C2", [posthosp(bad, 181)], member=M2),
    ))
    f = res.one("CS-04")
    assert (f["severity"], f["claim_id"], f["service_line"]) == ("error", "C2", 1)
    assert mentions_number(f["message"], 180)


@pytest.mark.parametrize("first,last,flagged", [
    ("20250101", "20250629", False),   # first + 179
    ("20250101", "20250630", True),    # first + 180
    ("20240101", "20240628", False),   # leap year: first + 179
    ("20240101", "20240629", True),
])
def test_cs04_one_stay_no_dos_later_than_179_days_after_first(tmp_path, first, last, flagged):
    assert (plus(first, 179) == last) != flagged
    res = lint(tmp_path, x837(Claim("C1", [posthosp(last, 1), posthosp(first, 1)])))
    assert res.at("CS-04", "error") == ([("C1", 1)] if flagged else [])
    if flagged:
        msg = res.one("CS-04", "error")["message"]
        assert mentions_date(msg, last) and mentions_date(msg, first)


def test_cs04_days_sum_over_lines(tmp_path):
    span = ("20250101", "20250410")
    assert days_incl(*span) == 100
    res = lint(tmp_path, x837(Claim("C1", [posthosp(span, 100)]),
                              Claim("C2", [posthosp(span, 100)])))
    assert res.at("CS-04", "error") == [("C2", 1)]


def test_cs04_ledger_first_dos_starts_the_stay(tmp_path):
    ledger = make_ledger(tmp_path, Claim("H1", [posthosp("20240101", 1)]))
    res = lint(tmp_path, x837(Claim("C1", [posthosp("20250601", 1)])), ledger=ledger)
    assert res.at("CS-04", "error") == [("C1", 1)]


@pytest.mark.parametrize("dos,units", [(("20250601", "20250610"), 9),
                                       (("20250601", "20250610"), 11), ("20250601", 2)])
def test_cs04_units_must_equal_days_warning(tmp_path, dos, units):
    res = lint(tmp_path, x837(Claim("C1", [posthosp(dos, units)])))
    assert res.at("CS-04", "warning") == [("C1", 1)]
    assert res.of("CS-04", "error") == []


def test_cs04_units_equal_days_pass(tmp_path):
    res = lint(tmp_path, x837(Claim("C1", [posthosp(("20250601", "20250610"), 10),
                                           posthosp(("20250611", "20250611"), 1)])))
    assert res.of("CS-04") == []


# =========================================================================== CS-05


@pytest.mark.parametrize("span,flagged", [
    (("20250101", "20250331"), False),    # 90 days
    (("20250101", "20250401"), True),     # 91 days
    (("20240101", "20240330"), False),    # leap year: 90 days
    (("20240101", "20240331"), True),
])
def test_cs05_one_span_90_days(tmp_path, span, flagged):
    n = days_incl(*span)
    res = lint(tmp_path, x837(Claim("C1", [recup(span, n)])))
    assert res.at("CS-05", "error") == ([("C1", 1)] if flagged else [])
    if flagged:
        assert mentions_number(res.one("CS-05", "error")["message"], 90)


@pytest.mark.parametrize("second_start,flagged", [
    ("20250301", True),     # next DOS one day after the previous end: continuous
    ("20250302", False),    # one day gap: a new run
])
def test_cs05_continuity_across_lines(tmp_path, second_start, flagged):
    first = ("20250101", "20250228")      # 59 days
    second = (second_start, plus(second_start, 31))   # 32 days
    res = lint(tmp_path, x837(Claim("C1", [recup(second, 32), recup(first, 59)])))
    assert res.at("CS-05", "error") == ([("C1", 1)] if flagged else [])


def test_cs05_daily_lines_91st_day_flagged(tmp_path):
    days = [plus("20250101", i) for i in range(92)]
    res = lint(tmp_path, x837(Claim("C1", [recup(d, 1) for d in days])))
    assert sorted(res.at("CS-05", "error")) == [("C1", 91), ("C1", 92)]


@pytest.mark.parametrize("dos,units", [(("20250601", "20250605"), 4), ("20250601", 2)])
def test_cs05_units_must_equal_days_warning(tmp_path, dos, units):
    res = lint(tmp_path, x837(Claim("C1", [recup(dos, units)])))
    assert res.at("CS-05", "warning") == [("C1", 1)]
    assert res.of("CS-05", "error") == []


# =========================================================================== CS-06


@pytest.mark.parametrize("dos,units,flagged", [
    ("20250601", 2, False), ("20250601", 3, True),
    (("20250601", "20250601"), 3, True),          # RD8 from = to is one day
    (("20250601", "20250605"), 10, False), (("20250601", "20250605"), 11, True),
])
def test_cs06_two_meals_per_day(tmp_path, dos, units, flagged):
    res = lint(tmp_path, x837(Claim("C1", [meals(dos, units)])))
    assert res.at("CS-06") == ([("C1", 1)] if flagged else [])


def test_cs06_lines_add_up_per_day_with_spans_spread(tmp_path):
    res = lint(tmp_path, x837(Claim("C1", [
        meals("20250603", 1),                          # later DOS, first in the file
        meals(("20250601", "20250605"), 10),
        meals("20250606", 2),
    ])))
    f = res.one("CS-06")
    assert (f["severity"], f["service_line"]) == ("error", 1)
    assert mentions_date(f["message"], "20250603") and mentions_number(f["message"], 2)


def test_cs06_no_gen05_for_meals_any_charge(tmp_path):
    res = lint(tmp_path, x837(Claim("C1", [meals("20250601", 2, charge="12.34")])))
    assert res.of("GEN-05") == [] and res.of("CS-06") == []


# =========================================================================== CS-07


@pytest.mark.parametrize("d2,flagged", [
    ("20250607", True), ("20250608", False), ("20250601", True),
])
def test_cs07_one_box_in_any_seven_days(tmp_path, d2, flagged):
    res = lint(tmp_path, x837(Claim("C1", [grocery("20250601"), grocery(d2)])))
    assert res.at("CS-07") == ([("C1", 2)] if flagged else [])


@pytest.mark.parametrize("d2,flagged", [("20250103", True), ("20250104", False)])
def test_cs07_across_year_boundary(tmp_path, d2, flagged):
    res = lint(tmp_path, x837(Claim("C1", [grocery("20241228")]), Claim("C2", [grocery(d2)])))
    assert res.at("CS-07") == ([("C2", 1)] if flagged else [])


def test_cs07_later_dos_flagged_even_when_first_and_flagged_still_count(tmp_path):
    res = lint(tmp_path, x837(Claim("C1", [
        grocery("20250610"), grocery("20250605"), grocery("20250601"),
    ])))
    # 06-01 counts; 06-05 exceeds (06-01 in window); 06-10 exceeds (06-05 in its window)
    assert sorted(res.at("CS-07")) == [("C1", 1), ("C1", 2)]


def test_cs07_ledger(tmp_path):
    ledger = make_ledger(tmp_path, Claim("H1", [grocery("20250604")]))
    res = lint(tmp_path, x837(Claim("C1", [grocery("20250601"), grocery("20250611")])),
               ledger=ledger)
    assert res.at("CS-07") == [("C1", 1)]


# =========================================================================== CS-08


@pytest.mark.parametrize("lines,flagged", [
    ([("20250601", 8)], []),
    ([("20250601", 9)], [1]),
    ([("20250601", 5), ("20250601", 4)], [2]),
    ([("20250601", 5), ("20250602", 4)], []),
    ([(("20250601", "20250602"), 16)], []),
    ([(("20250601", "20250602"), 17)], [1]),
    ([("20250602", 1), (("20250601", "20250602"), 16)], [1]),
])
def test_cs08_eight_units_per_day(tmp_path, lines, flagged):
    res = lint(tmp_path, x837(Claim("C1", [dayhab(d, u) for d, u in lines])))
    assert sorted(res.at("CS-08")) == [("C1", n) for n in flagged]
    if flagged:
        assert mentions_number(res.of("CS-08")[0]["message"], 8)


# =========================================================================== CS-09


@pytest.mark.parametrize("lines,flagged", [
    ([("20250601", 1), ("20250602", 1)], []),
    ([("20250601", 1), ("20250601", 1)], [2]),
    ([("20250601", 2)], [1]),
    ([(("20250601", "20250603"), 3)], []),
    ([("20250602", 1), (("20250601", "20250603"), 3)], [1]),
])
def test_cs09_one_sobering_day_per_day(tmp_path, lines, flagged):
    res = lint(tmp_path, x837(Claim("C1", [sobering(d, u) for d, u in lines])))
    assert sorted(res.at("CS-09")) == [("C1", n) for n in flagged]


def test_cs09_across_claims_and_files(tmp_path):
    res = lint(tmp_path,
               ("z.x12", x837(Claim("CZ", [sobering("20250601")]))),
               ("a.x12", x837(Claim("CA", [sobering("20250601")]))))
    assert res.where("CS-09") == {("a.x12", "CA", 1)}


# =========================================================================== CS-10


@pytest.mark.parametrize("code", ["S5130", "T1019", "H0045", "S5151", "S9125"])
def test_cs10_minutes_flagged_without_gen05(tmp_path, code):
    res = lint(tmp_path, x837(Claim("C1", [cs(code, "20250601", 60, charge="33.00",
                                              basis="MJ")])))
    assert res.at("CS-10") == [("C1", 1)]
    assert res.one("CS-10")["severity"] == "error"
    assert res.of("GEN-05") == []


@pytest.mark.parametrize("code", ["S5130", "T1019", "H0045", "S5151", "S9125"])
def test_cs10_fractional_units_flagged(tmp_path, code):
    res = lint(tmp_path, x837(Claim("C1", [cs(code, "20250601", "1.5", rate="8.25")])))
    assert res.at("CS-10") == [("C1", 1)]


@pytest.mark.parametrize("code", ["S5130", "T1019", "H0045", "S5151", "S9125"])
def test_cs10_whole_units_pass(tmp_path, code):
    res = lint(tmp_path, x837(Claim("C1", [cs(code, "20250601", 4, rate="8.25")])))
    assert res.of("CS-10") == [] and res.of("GEN-05") == []


# =========================================================================== CS-11


def test_cs11_meals_and_grocery_same_month_flags_every_line(tmp_path):
    res = lint(tmp_path, x837(
        Claim("C1", [meals("20250602", 2), meals("20250603", 2)]),
        Claim("C2", [grocery("20250620"), cs("S9470", "20250620", 1, rate="41.00")]),
    ))
    assert sorted(res.at("CS-11")) == [("C1", 1), ("C1", 2), ("C2", 1)]
    assert {f["severity"] for f in res.of("CS-11")} == {"warning"}


@pytest.mark.parametrize("grocery_dos,flagged", [("20250701", False), ("20250630", True)])
def test_cs11_service_month_is_month_of_from_date(tmp_path, grocery_dos, flagged):
    res = lint(tmp_path, x837(Claim("C1", [meals(("20250625", "20250705"), 22),
                                           grocery(grocery_dos)])))
    assert bool(res.of("CS-11")) == flagged


def test_cs11_other_member_or_non_cs_grocery_not_flagged(tmp_path):
    res = lint(tmp_path, x837(
        Claim("C1", [meals("20250602", 2)], member=M1),
        Claim("C2", [grocery("20250603")], member=M2),
        Claim("C3", [Line("S9977", (), charge="66.00", dos="20250604", g1=TAR)], member=M1),
    ))
    assert res.of("CS-11") == []
    assert res.at("CS-12") == [("C3", 1)]


# =========================================================================== CS-12


@pytest.mark.parametrize("code,mods", [
    ("H0043", ()), ("H0043", ("U6", "GQ")), ("T2033", ("U2",)), ("H0044", ()),
    ("H0044", ("U6",)), ("H0044", ("U2", "U3")), ("S5170", ()), ("T2040", ("U2",)),
    ("T1019", ("U8",)), ("H2016", ("U1",)), ("S9470", ()),
])
def test_cs12_known_code_wrong_modifier_set(tmp_path, code, mods):
    res = lint(tmp_path, x837(Claim("C1", [Line(code, mods, charge="1.00", dos="20250601",
                                                  g1=TAR)])))
    f = res.one("CS-12")
    assert (f["severity"], f["claim_id"], f["service_line"]) == ("error", "C1", 1)
    assert res.of("GEN-05") == []


@pytest.mark.parametrize("code,mods", [
    ("H0043", ("U6",)), ("H2016", ("U6",)), ("H0044", ("U2",)), ("H0044", ("U3",)),
    ("T2033", ("U6",)), ("S9977", ("U6",)), ("T2041", ("U6",)),
])
def test_cs12_valid_sets_pass(tmp_path, code, mods):
    res = lint(tmp_path, x837(Claim("C1", [Line(code, mods, charge="1.00", dos="20250601",
                                                  g1=TAR)])))
    assert res.of("CS-12") == []


def test_cs12_line_counts_for_no_cs_limit(tmp_path):
    res = lint(tmp_path, x837(Claim("C1", [
        Line("H0014", (), charge="170.00", dos="20250601", g1=TAR), sobering("20250601"),
        Line("T2040", (), charge="222.00", units="2", dos="20250601", g1=TAR),
        tenancy("20250602", units=2),
    ])))
    assert res.of("CS-09") == [] and res.of("CS-02") == []
    assert sorted(res.at("CS-12")) == [("C1", 1), ("C1", 3)]


# =========================================================================== GEN-01


@pytest.mark.parametrize("line", [
    monthly(("20250601", "20250630")),
    monthly(("20250601", "20250602"), "G9012", ("U2", "GQ")),
    engagement(("20250601", "20250602")),
    nav(("20250601", "20250630")),
    nav(("20250601", "20250630"), "H2016"),
], ids=["G9008-U1", "G9012-U2-GQ", "G9012", "H0043-U6", "H2016-U6"])
def test_gen01_span_on_pmpm_and_once_only_lines_points_at_dtp(tmp_path, line):
    res = lint(tmp_path, x837(Claim("C1", [outreach("20250501"), line])))
    f = res.one("GEN-01")
    assert (f["severity"], f["claim_id"], f["service_line"], f["segment_id"]) == \
        ("error", "C1", 2, "DTP")
    assert mentions_date(f["message"], line.dos[0]) and mentions_date(f["message"], line.dos[1])


@pytest.mark.parametrize("line", [
    monthly(("20250601", "20250601")), engagement(("20250601", "20250601")),
    nav(("20250601", "20250601")), outreach(("20250501", "20250502")),
    recup(("20250601", "20250610"), 10), meals(("20250601", "20250602"), 4),
    Line("G9007", (), charge="0.04", units="4", dos=("20250601", "20250602")),
], ids=["monthly-rd8-same", "engagement-rd8-same", "nav-rd8-same", "outreach-span",
        "recup-span", "meals-span", "g9007-span"])
def test_gen01_no_finding_for_one_day_rd8_or_other_codes(tmp_path, line):
    res = lint(tmp_path, x837(Claim("C1", [line])))
    assert res.of("GEN-01") == []


# =========================================================================== GEN-02


def _ecm_cs_claim(clm="C1", member=M1, other_payers=(), dos="20250603"):
    return Claim(clm, [
        monthly(dos), Line("G9007", (), charge="0.04", units="4", dos=dos),
        Line("G9008", ("U2",), charge="400.00", dos=dos, g1=TAR),   # ECM, any modifiers
        nav(dos), Line("99213", (), charge="100.00", dos=dos),      # not ECM/CS
        Line("H0043", (), charge="386.00", dos=dos, g1=TAR),         # not a CS line
    ], member=member, other_payers=tuple(other_payers))


@pytest.mark.parametrize("payer", [
    OtherPayer(sbr01="P", name="KAISER FOUNDATION HEALTH PLAN", payer_id="94134"),
    OtherPayer(sbr01="P", name="KAISER PERMANENTE NORTHERN CA", payer_id="99999"),
    OtherPayer(sbr01="P", name="SOME HEALTH PLAN", payer_id=KAISER_IDS[0]),
], ids=["name-and-id", "name-only", "id-only"])
def test_gen02_kaiser_primary_flags_each_ecm_and_cs_line(tmp_path, payer):
    res = lint(tmp_path, x837(_ecm_cs_claim(other_payers=[payer])))
    assert sorted(res.at("GEN-02")) == [("C1", 1), ("C1", 2), ("C1", 3), ("C1", 4)]
    assert {f["severity"] for f in res.of("GEN-02")} == {"error"}


@pytest.mark.parametrize("payer", [
    OtherPayer(sbr01="S", name="KAISER FOUNDATION HEALTH PLAN", payer_id="94134"),
    OtherPayer(sbr01="T", name="KAISER FOUNDATION HEALTH PLAN", payer_id="94134"),
    OtherPayer(sbr01="P", name="BLUE SHIELD OF CALIFORNIA", payer_id="12345"),
], ids=["secondary", "tertiary", "not-kaiser"])
def test_gen02_no_finding_unless_kaiser_is_primary(tmp_path, payer):
    res = lint(tmp_path, x837(_ecm_cs_claim(other_payers=[payer])))
    assert res.of("GEN-02") == []


def test_gen02_only_on_the_claim_with_the_2320(tmp_path):
    res = lint(tmp_path, x837(
        Claim("C1", [monthly("20250603")], other_payers=[OtherPayer()]),
        Claim("C2", [nav("20250603")]),
    ))
    assert res.at("GEN-02") == [("C1", 1)]


def test_gen02_roster_kaiser_flags_lines_of_that_member_month(tmp_path):
    res = lint(tmp_path, x837(
        _ecm_cs_claim("C1", dos="20250603"),
        Claim("C2", [monthly("20250703"), nav("20250703")]),
        Claim("C3", [monthly("20250603")], member=M2),
    ), roster=roster((M1, "2025-06", "eligible", "kaiser"), (M1, "2025-07", "eligible", ""),
                     (M2, "2025-06", "eligible", "")))
    assert sorted(res.at("GEN-02")) == [("C1", 1), ("C1", 2), ("C1", 3), ("C1", 4)]
    assert res.of("GEN-04") == []


# =========================================================================== GEN-03


def test_gen03_sbr09_16_warns_on_each_ecm_line_only(tmp_path):
    dsnp = OtherPayer(sbr01="P", sbr09="16", name="SAMPLE MEDICARE ADVANTAGE DSNP",
                      payer_id="55555")
    res = lint(tmp_path, x837(_ecm_cs_claim(other_payers=[dsnp]),
                              Claim("C2", [monthly("20250703")])))
    assert sorted(res.at("GEN-03")) == [("C1", 1), ("C1", 2), ("C1", 3)]
    assert {f["severity"] for f in res.of("GEN-03")} == {"warning"}
    assert res.of("GEN-02") == []


def test_gen03_secondary_dsnp_also_flagged(tmp_path):
    dsnp = OtherPayer(sbr01="S", sbr09="16", name="SAMPLE DSNP", payer_id="55555")
    res = lint(tmp_path, x837(Claim("C1", [outreach("20250601")], other_payers=[dsnp])))
    assert res.at("GEN-03", "warning") == [("C1", 1)]


@pytest.mark.parametrize("sbr09", ["MB", "MA", "CI", "HM"])
def test_gen03_other_sbr09_not_flagged(tmp_path, sbr09):
    op = OtherPayer(sbr01="P", sbr09=sbr09, name="SAMPLE MEDICARE", payer_id="55555")
    res = lint(tmp_path, x837(_ecm_cs_claim(other_payers=[op])))
    assert res.of("GEN-03") == []


def test_gen03_roster_dsnp_is_error_on_ecm_lines_of_member_month(tmp_path):
    res = lint(tmp_path, x837(
        _ecm_cs_claim("C1", dos="20250603"),
        Claim("C2", [monthly("20250703")]),
    ), roster=roster((M1, "2025-06", "eligible", "dsnp"), (M1, "2025-07", "eligible", "")))
    assert sorted(res.at("GEN-03", "error")) == [("C1", 1), ("C1", 2), ("C1", 3)]
    assert res.of("GEN-03", "warning") == []


# =========================================================================== GEN-04


def test_gen04_no_roster_no_finding(tmp_path):
    res = lint(tmp_path, x837(_ecm_cs_claim()))
    assert res.of("GEN-04") == []


def test_gen04_ineligible_or_absent_member_month_flags_every_line(tmp_path):
    res = lint(tmp_path, x837(
        Claim("C1", [monthly("20250603"), outreach("20250501"), nav("20250603")], member=M1),
        Claim("C2", [monthly("20250703")], member=M1),       # 2025-07 absent for M1
        Claim("C3", [monthly("20250603")], member=M2),       # eligible
        Claim("C4", [monthly("20250603")], member="MBR0009"),  # absent from roster
    ), roster=roster((M1, "2025-06", "ineligible", ""), (M1, "2025-05", "eligible", ""),
                     (M2, "2025-06", "eligible", "")))
    assert sorted(res.at("GEN-04")) == [("C1", 1), ("C1", 3), ("C2", 1), ("C4", 1)]
    assert {f["severity"] for f in res.of("GEN-04")} == {"error"}


def test_gen04_applies_to_every_line(tmp_path):
    # §9: "It applies to every line." (not only ECM and CS lines)
    res = lint(tmp_path, x837(Claim("C1", [Line("99213", (), charge="100.00",
                                                  dos="20250603")])),
               roster=roster((M1, "2025-06", "ineligible", ""), (M2, "2025-06", "eligible", "")))
    assert res.at("GEN-04") == [("C1", 1)]


def test_gen04_service_month_is_from_date_month(tmp_path):
    res = lint(tmp_path, x837(Claim("C1", [recup(("20250625", "20250705"), 11)])),
               roster=roster((M1, "2025-06", "eligible", ""), (M1, "2025-07", "ineligible", "")))
    assert res.of("GEN-04") == []


def test_gen04_message_has_month_no_member_id(tmp_path):
    res = lint(tmp_path, x837(Claim("C1", [monthly("20250603")], member="SECRETMBR77")),
               roster=roster(("SECRETMBR77", "2025-06", "ineligible", ""),))
    f = res.one("GEN-04")
    assert mentions_month(f["message"], "20250603")
    assert "SECRETMBR77" not in res.stdout


# =========================================================================== GEN-05


RATED = [
    # code, modifiers, units, dos, correct charge
    ("G9008", ("U1",), 1, "20250603", "400.00"),
    ("G9008", ("U1", "GQ"), 1, "20250603", "400.00"),
    ("G9008", ("GQ", "U1"), 1, "20250603", "400.00"),
    ("G9012", ("U2",), 1, "20250603", "400.00"),
    ("G9012", ("U2", "GQ"), 1, "20250603", "400.00"),
    ("G9012", (), 1, "20250603", "150.00"),
    ("G9008", ("U8",), 1, "20250603", "5.00"),
    ("G9008", ("U8", "GQ"), 1, "20250603", "5.00"),
    ("G9012", ("U8",), 1, "20250603", "5.00"),
    ("G9012", ("GQ", "U8"), 1, "20250603", "5.00"),
    ("G9007", (), 4, "20250603", "0.04"),
    ("G9007", (), 1, "20250603", "0.01"),
    ("G9007", (), 10, "20250603", "0.10"),
    ("H0043", ("U6",), 1, "20250603", "386.00"),
    ("H2016", ("U6",), 1, "20250603", "386.00"),
    ("T2040", ("U6",), 1, "20250603", "222.00"),
    ("T2040", ("U6",), 2, "20250603", "444.00"),
    ("T2041", ("U6",), 2, "20250603", "444.00"),
    ("H0044", ("U3",), 1, "20250603", "108.00"),
    ("H0044", ("U3",), 3, ("20250603", "20250605"), "324.00"),
    ("T2033", ("U6",), 1, "20250603", "204.00"),
    ("T2033", ("U6",), 2, ("20250603", "20250604"), "408.00"),
    ("S9470", ("U6",), 1, "20250603", "41.00"),
    ("S9977", ("U6",), 1, "20250603", "66.00"),
    ("T2020", ("U6",), 1, "20250603", "7.00"),
    ("T2020", ("U6",), 8, "20250603", "56.00"),
    ("H0014", ("U6",), 1, "20250603", "170.00"),
    ("S5130", ("U6",), 4, "20250603", "33.00"),
    ("T1019", ("U6",), 1, "20250603", "8.25"),
    ("H0045", ("U6",), 3, "20250603", "24.75"),
    ("S5151", ("U6",), 2, "20250603", "16.50"),
    ("S9125", ("U6",), 5, "20250603", "41.25"),
]
RATED_IDS = [f"{c}-{'-'.join(m) or 'none'}x{u}" for c, m, u, _, _ in RATED]


@pytest.mark.parametrize("code,mods,units,dos,charge", RATED, ids=RATED_IDS)
def test_gen05_exact_contract_rate_passes(tmp_path, code, mods, units, dos, charge):
    res = lint(tmp_path, x837(Claim("C1", [Line(code, mods, charge=charge, units=str(units),
                                                  dos=dos, g1=TAR)])))
    assert res.of("GEN-05") == []


# a cent off each rate, up and down; a zero charge (G9007 at 0.01 less) is ECM-06's case
OFF_BY_A_CENT = [pytest.param(*rated, delta, id=f"{rid}[{delta}]")
                 for rated, rid in zip(RATED, RATED_IDS) for delta in ("0.01", "-0.01")
                 if Decimal(rated[4]) + Decimal(delta) > 0]


@pytest.mark.parametrize("code,mods,units,dos,charge,delta", OFF_BY_A_CENT)
def test_gen05_one_cent_off_warns(tmp_path, code, mods, units, dos, charge, delta):
    billed = Decimal(charge) + Decimal(delta)
    res = lint(tmp_path, x837(Claim("C1", [Line(code, mods, charge=f"{billed:.2f}",
                                                  units=str(units), dos=dos, g1=TAR)])))
    f = res.one("GEN-05")
    assert (f["severity"], f["claim_id"], f["service_line"]) == ("warning", "C1", 1)
    assert mentions_money(f["message"], charge)
    assert mentions_money(f["message"], f"{billed:.2f}")


@pytest.mark.parametrize("line", [
    Line("S5170", ("U6",), charge="99.99", units="2", dos="20250603", g1=TAR),
    Line("H0044", ("U2",), charge="1234.56", dos="20250603", g1=TAR),
    Line("T1019", ("U6",), charge="33.00", units="60", basis="MJ", dos="20250603", g1=TAR),
    Line("S5130", ("U6",), charge="8.25", units="15", basis="MJ", dos="20250603", g1=TAR),
    Line("99213", (), charge="100.00", dos="20250603"),
], ids=["meals-no-rate", "deposit-billed-amount", "T1019-MJ", "S5130-MJ", "not-in-table"])
def test_gen05_no_finding_without_rate_or_for_minutes(tmp_path, line):
    res = lint(tmp_path, x837(Claim("C1", [line])))
    assert res.of("GEN-05") == []


def test_gen05_each_line_of_a_claim_separately(tmp_path):
    res = lint(tmp_path, x837(Claim("C1", [
        monthly("20250603", charge="450.00"), nav("20250603"),
        cs("T2020", "20250603", 8, charge="64.00"),
    ])))
    assert sorted(res.at("GEN-05")) == [("C1", 1), ("C1", 3)]


# =========================================================================== GEN-06


@pytest.mark.parametrize("line", [
    monthly("20250603", g1=()), monthly("20250603", "G9012", ("GQ", "U2"), g1=()),
    engagement("20250603", g1=()), nav("20250603", g1=()), tenancy("20250603", g1=()),
    deposit("20250603", "100.00", g1=()), posthosp("20250603", 1, g1=()),
    recup("20250603", 1, g1=()), meals("20250603", 2, g1=()), grocery("20250603", g1=()),
    cs("S9470", "20250603", 1, rate="41.00", g1=()), dayhab("20250603", 1, g1=()),
    sobering("20250603", g1=()), cs("S9125", "20250603", 2, rate="8.25", g1=()),
], ids=lambda ln: f"{ln.code}-{'-'.join(ln.modifiers) or 'none'}")
def test_gen06_line_needing_tar_without_ref_g1(tmp_path, line):
    res = lint(tmp_path, x837(Claim("C1", [outreach("20250501"), line])))
    f = res.one("GEN-06")
    assert (f["severity"], f["claim_id"], f["service_line"]) == ("error", "C1", 2)


def test_gen06_claim_level_ref_g1_covers_every_line(tmp_path):
    res = lint(tmp_path, x837(Claim("C1", [monthly("20250603", g1=()), nav("20250603", g1=()),
                                           meals("20250604", 2, g1=())], g1="TAR0009")))
    assert res.of("GEN-06") == []


def test_gen06_line_level_ref_g1_only_covers_its_line(tmp_path):
    res = lint(tmp_path, x837(Claim("C1", [monthly("20250603"), nav("20250603", g1=())])))
    assert res.at("GEN-06") == [("C1", 2)]


def test_gen06_outreach_and_team_conference_need_no_tar(tmp_path):
    res = lint(tmp_path, x837(Claim("C1", [
        outreach("20250501"), outreach("20250502", "G9012", ("U8", "GQ")),
        Line("G9007", (), charge="0.04", units="4", dos="20250603"),
    ])))
    assert res.of("GEN-06") == []


# =========================================================================== PHI


def test_no_member_id_in_any_output_without_show_phi(tmp_path):
    secret, dep = "SECRETMBR01", "SECRETDEP02"
    claims = [
        Claim("C1", [monthly("20250603", g1=()), monthly("20250610", units="2"),
                     outreach("20250615"), Line("G9008", ("U2",), dos="20250603"),
                     nav(("20250601", "20250630"), units=2), deposit("20250601", "6000.00"),
                     meals("20250603", 3), grocery("20250605"),
                     Line("G9007", (), charge="0", units="4", dos="20250603")],
              member=secret, other_payers=[OtherPayer(), OtherPayer(sbr01="S", sbr09="16",
                                                                     name="DSNP",
                                                                     payer_id="55555")]),
        Claim("C2", [engagement("20250603"), engagement("20250703")], member=secret,
              patient=dep),
    ]
    doc = x837(*claims)
    rost = roster((secret, "2025-06", "ineligible", "kaiser"), (dep, "2025-06", "eligible", "dsnp"))
    res = lint(tmp_path, doc, roster=rost)
    tips = {f["tip"] for f in res.findings}
    assert {"ECM-01", "ECM-02", "ECM-05", "ECM-07", "GEN-01", "GEN-02", "GEN-04",
            "CS-03", "CS-11"} <= tips
    assert secret not in res.stdout and dep not in res.stdout
    text = lint(tmp_path, doc, roster=rost, fmt="text")
    assert secret not in text.stdout and dep not in text.stdout


# =========================================================================== history and batch
# §9 "History first, then the batch": ledger lines count first whatever their dates; a batch
# line is flagged when it breaks a limit in ANY period that contains it.


@pytest.mark.parametrize("batch_dos,flagged", [
    ("20250601", True),    # window 06-01..06-30 holds it and the five ledger lines
    ("20250526", True),    # window 05-26..06-24 holds all five ledger lines
    ("20250525", False),   # any 30-day window around it holds at most four ledger lines
])
def test_ecm04_ledger_lines_later_than_the_batch_line_count_first(tmp_path, batch_dos,
                                                                   flagged):
    ledger = make_ledger(tmp_path, _outreach_claim(
        [f"202506{d}" for d in (20, 21, 22, 23, 24)], clm="H1"))
    res = lint(tmp_path, x837(_outreach_claim([batch_dos])), ledger=ledger)
    assert res.at("ECM-04") == ([("C1", 1)] if flagged else [])


def test_cs05_ledger_run_after_the_batch_line_counts_first(tmp_path):
    ledger = make_ledger(tmp_path, Claim("H1", [recup(("20250201", "20250401"), 60)]))
    res = lint(tmp_path, x837(Claim("C1", [recup(("20250101", "20250131"), 31)]),
                              Claim("C2", [recup(("20250601", "20250610"), 10)])),
               ledger=ledger)
    assert res.at("CS-05", "error") == [("C1", 1)]


def test_cs05_ledger_run_continued_by_the_batch(tmp_path):
    ledger = make_ledger(tmp_path, Claim("H1", [recup(("20250101", "20250301"), 60)]))
    res = lint(tmp_path, x837(Claim("C1", [recup(("20250302", "20250331"), 30)]),
                              Claim("C2", [recup(("20250401", "20250401"), 1)])),
               ledger=ledger)
    assert res.at("CS-05", "error") == [("C2", 1)]


def test_cs06_ledger_meals_same_day(tmp_path):
    ledger = make_ledger(tmp_path, Claim("H1", [meals("20250601", 2)]))
    res = lint(tmp_path, x837(Claim("C1", [meals("20250601", 1), meals("20250602", 2)])),
               ledger=ledger)
    assert res.at("CS-06") == [("C1", 1)]


def test_ecm01_replacement_supersedes_ledger_claim(tmp_path):
    ledger = make_ledger(tmp_path, Claim("C1", [monthly("20250603")]))
    res = lint(tmp_path, x837(Claim("C1", [monthly("20250620")], freq="7", f8="ICN1")),
               ledger=ledger)
    assert res.of("ECM-01") == []


def test_ecm01_void_cancels_ledger_claim(tmp_path):
    ledger = make_ledger(tmp_path, Claim("C1", [monthly("20250603")]))
    res = lint(tmp_path, x837(Claim("C1", [monthly("20250603")], freq="8", f8="ICN1"),
                              Claim("C2", [monthly("20250620")])), ledger=ledger)
    assert res.of("ECM-01") == []


def test_ecm01_replacement_in_same_file_supersedes(tmp_path):
    res = lint(tmp_path, x837(Claim("C1", [monthly("20250603")]),
                              Claim("C1", [monthly("20250605")], freq="7", f8="ICN1")))
    assert res.of("ECM-01") == []


def test_ecm01_chain_of_replacements_only_last_counts(tmp_path):
    res = lint(
        tmp_path,
        ("1.x12", x837(Claim("C1", [monthly("20250603")]))),
        ("2.x12", x837(Claim("C1", [monthly("20250604")], freq="7", f8="ICN1"))),
        ("3.x12", x837(Claim("C1", [monthly("20250605")], freq="7", f8="ICN2"),
                       Claim("C2", [monthly("20250701")]))),
    )
    assert res.of("ECM-01") == []


def test_ecm03_superseded_engagement_does_not_count(tmp_path):
    res = lint(
        tmp_path,
        ("a.x12", x837(Claim("C1", [engagement("20250603")]))),
        ("b.x12", x837(Claim("C1", [engagement("20250605")], freq="7", f8="ICN1"))),
    )
    assert res.of("ECM-03") == []


def test_ecm05_voided_monthly_line_sets_no_enrollment(tmp_path):
    res = lint(
        tmp_path,
        ("a.x12", x837(Claim("C1", [monthly("20250601")]))),
        ("b.x12", x837(Claim("C1", [monthly("20250601")], freq="8", f8="ICN1"),
                       Claim("C2", [outreach("20250615")]))),
    )
    assert res.of("ECM-05") == []


def test_cs04_ledger_stay_later_than_the_batch_line(tmp_path):
    # the ledger's H0044-U3 of 2025-07-01 counts first: a batch day 181 days earlier is
    # not within one 180-day stay with it
    ledger = make_ledger(tmp_path, Claim("H1", [posthosp("20250701", 1)]))
    res = lint(tmp_path, x837(Claim("C1", [posthosp("20250101", 1)]),
                              Claim("C2", [posthosp("20250105", 1)], member=M2)),
               ledger=ledger)
    assert res.at("CS-04", "error") == [("C1", 1)]


# =========================================================================== one finding per tip


def test_one_finding_per_tip_per_segment_for_per_day_caps(tmp_path):
    res = lint(tmp_path, x837(Claim("C1", [
        meals(("20250601", "20250605"), 15), dayhab(("20250601", "20250603"), 30),
        sobering(("20250601", "20250604"), 8),
    ])))
    assert res.at("CS-06") == [("C1", 1)]
    assert res.at("CS-08") == [("C1", 2)]
    assert res.at("CS-09") == [("C1", 3)]


def test_one_finding_per_line_in_several_windows(tmp_path):
    # 06-07 exceeds both the window ending 06-07 and later windows: still one finding
    res = lint(tmp_path, x837(_outreach_claim([f"202506{d:02d}" for d in range(1, 8)])))
    assert sorted(res.at("ECM-04")) == [("C1", 6), ("C1", 7)]


def test_gen02_from_claim_and_roster_is_one_finding_per_line(tmp_path):
    res = lint(tmp_path, x837(Claim("C1", [monthly("20250603"), nav("20250603")],
                                    other_payers=[OtherPayer()])),
               roster=roster((M1, "2025-06", "eligible", "kaiser")))
    assert sorted(res.at("GEN-02")) == [("C1", 1), ("C1", 2)]


def test_gen03_claim_warning_and_roster_error_stay_separate(tmp_path):
    dsnp = OtherPayer(sbr01="P", sbr09="16", name="SAMPLE DSNP", payer_id="55555")
    res = lint(tmp_path, x837(Claim("C1", [monthly("20250603")], other_payers=[dsnp])),
               roster=roster((M1, "2025-06", "eligible", "dsnp")))
    assert res.at("GEN-03", "warning") == [("C1", 1)]
    assert res.at("GEN-03", "error") == [("C1", 1)]


def test_gen02_second_2320_loop_primary_kaiser(tmp_path):
    res = lint(tmp_path, x837(Claim("C1", [monthly("20250603")], other_payers=[
        OtherPayer(sbr01="S", name="BLUE SHIELD OF CALIFORNIA", payer_id="12345"),
        OtherPayer(sbr01="P", name="KAISER FOUNDATION HEALTH PLAN", payer_id="94134"),
    ])))
    assert res.at("GEN-02") == [("C1", 1)]


# =========================================================================== more edges


@pytest.mark.parametrize("hcr01", ["A1", "A2", "A6"])
def test_ecm05_approved_tar_codes(tmp_path, hcr01):
    tar = build_278_response(member=M1, hcr01=hcr01, cert="ECMTAR1", lines=[
        TarLine("G9012", ("U2",), units="6", period=("20250601", "20251130")),
    ])
    res = lint(tmp_path, ("tar.x12", tar),
               ("claims.x12", x837(Claim("C1", [outreach("20250531"), outreach("20250601")]))))
    assert res.at("ECM-05") == [("C1", 2)]


def test_ecm05_cs_tar_or_other_members_tar_is_no_ecm_enrollment(tmp_path):
    tar_cs = build_278_response(member=M1, hcr01="A1", cert="CSTAR1", lines=[
        TarLine("H0043", ("U6",), units="6", period=("20250601", "20251130")),
    ])
    tar_other = build_278_response(member=M2, hcr01="A1", cert="ECMTAR2", lines=[
        TarLine("G9008", ("U1",), units="6", period=("20250601", "20251130")),
    ])
    res = lint(tmp_path, ("t1.x12", tar_cs), ("t2.x12", tar_other),
               ("claims.x12", x837(Claim("C1", [outreach("20250615")]))))
    assert res.of("ECM-05") == []


def test_ecm05_ledger_tar_sets_enrollment(tmp_path):
    tar = build_278_response(member=M1, hcr01="A1", cert="ECMTAR1", lines=[
        TarLine("G9008", ("U1",), units="12", period=("20250101", "20251231")),
    ])
    ledger = make_ledger(tmp_path, extra_docs=[tar])
    res = lint(tmp_path, x837(Claim("C1", [outreach("20241231"), outreach("20250101")])),
               ledger=ledger)
    assert res.at("ECM-05") == [("C1", 2)]


@pytest.mark.parametrize("charge", ["400", "400.0", "400.00"])
def test_gen05_charge_text_forms_compare_as_amounts(tmp_path, charge):
    res = lint(tmp_path, x837(Claim("C1", [monthly("20250603", charge=charge)])))
    assert res.of("GEN-05") == []


def test_roster_member_is_the_patient_when_a_patient_loop_exists(tmp_path):
    res = lint(tmp_path, x837(Claim("C1", [monthly("20250603")], member="SUB0001",
                                    patient="DEP0001")),
               roster=roster(("SUB0001", "2025-06", "ineligible", "kaiser"),
                             ("DEP0001", "2025-06", "eligible", "")))
    assert res.of("GEN-04") == [] and res.of("GEN-02") == []


def test_ties_by_segment_order_across_transaction_sets_in_one_file(tmp_path):
    text = build_837([Claim("CB", [monthly("20250610")]),
                      Claim("CA", [monthly("20250610")])], st_per_transaction=1)
    res = lint(tmp_path, text)
    assert res.at("ECM-01") == [("CA", 1)]


def test_ties_by_segment_order_across_interchanges_in_one_file(tmp_path):
    text = x837(Claim("CB", [sobering("20250610")]), control="000000001") + \
        x837(Claim("CA", [sobering("20250610")]), control="000000002")
    res = lint(tmp_path, text)
    assert res.at("CS-09") == [("CA", 1)]


def test_ecm01_counts_across_billing_providers(tmp_path):
    res = lint(tmp_path, x837(Claim("C1", [monthly("20250603")]),
                              Claim("C2", [monthly("20250610")], billing_npi=OTHER_NPI)))
    assert res.at("ECM-01") == [("C2", 1)]


def test_replacement_without_original_counts_and_void_without_original_is_silent(tmp_path):
    res = lint(tmp_path, x837(
        Claim("C1", [monthly("20250603")], freq="7", f8="ICN1"),
        Claim("C2", [monthly("20250610")]),
        Claim("C9", [Line("G9008", ("U2",), charge="1.00", dos="20250603"),
                     monthly("20250604", g1=())], freq="8", f8="ICN9"),
    ))
    assert res.at("ECM-01") == [("C2", 1)]
    assert [f for f in res.findings if f["claim_id"] == "C9" and f["tip"]] == []


@pytest.mark.parametrize("charge", ["-0.04", "0.00"])
def test_ecm06_charge_not_above_zero_is_error(tmp_path, charge):
    res = lint(tmp_path, x837(Claim("C1", [Line("G9007", (), charge=charge, units="4",
                                                  dos="20250603")], charge="0.00")))
    assert res.at("ECM-06", "error") == [("C1", 1)]
    assert res.at("ECM-06", "info") == [("C1", 1)]


def test_cs04_limit_error_and_units_warning_stay_separate(tmp_path):
    res = lint(tmp_path, x837(Claim("C1", [posthosp(("20250101", "20250630"), 100)])))
    assert res.at("CS-04", "error") == [("C1", 1)]
    assert res.at("CS-04", "warning") == [("C1", 1)]


def test_cs01_and_ecm02_zero_units_flagged(tmp_path):
    res = lint(tmp_path, x837(Claim("C1", [nav("20250601", units=0),
                                           monthly("20250601", units="0", charge="0.00")])))
    assert res.at("CS-01") == [("C1", 1)]
    assert res.at("ECM-02") == [("C1", 2)]


@pytest.mark.parametrize("lines,flagged", [
    # a span bills in the month of its from-date (GEN-01 flags the span itself)
    ([monthly(("20250525", "20250605")), monthly("20250610")], []),
    ([monthly(("20250525", "20250605")), monthly("20250503")], [1]),
])
def test_ecm01_span_counts_in_month_of_from_date(tmp_path, lines, flagged):
    res = lint(tmp_path, x837(Claim("C1", lines)))
    assert res.at("ECM-01") == [("C1", n) for n in flagged]


def test_cs02_span_counts_in_month_of_from_date(tmp_path):
    res = lint(tmp_path, x837(Claim("C1", [tenancy(("20250630", "20250701"), units=2),
                                           tenancy("20250705", "T2041", units=2)])))
    assert res.of("CS-02") == []


def test_gen06_lines_matching_no_table_row_need_no_tar(tmp_path):
    res = lint(tmp_path, x837(Claim("C1", [
        Line("G9008", ("U2",), charge="400.00", dos="20250603"),
        Line("H0043", (), charge="386.00", dos="20250603"),
    ])))
    assert res.of("GEN-06") == []
    assert res.at("ECM-07") == [("C1", 1)] and res.at("CS-12") == [("C1", 2)]


def test_superseded_outreach_and_deposit_count_nowhere(tmp_path):
    res = lint(
        tmp_path,
        ("a.x12", x837(Claim("C1", [outreach("20250601"), outreach("20250602"),
                                    outreach("20250603"), deposit("20250601", "4000.00")]))),
        ("b.x12", x837(Claim("C1", [outreach("20250601"), outreach("20250602"),
                                    outreach("20250603"), deposit("20250601", "4000.00")],
                             freq="7", f8="ICN1"),
                       Claim("C2", [outreach("20250604"), outreach("20250605")]))),
    )
    assert res.of("ECM-04") == [] and res.of("CS-03") == []


def test_superseded_lines_keep_rate_and_unit_findings(tmp_path):
    res = lint(
        tmp_path,
        ("a.x12", x837(Claim("C1", [monthly("20250603", charge="450.00"),
                                    outreach("20250501", units="2", charge="10.00")]))),
        ("b.x12", x837(Claim("C1", [monthly("20250603")], freq="7", f8="ICN1"))),
    )
    assert res.where("GEN-05") == {("a.x12", "C1", 1)}
    assert res.where("ECM-02") == {("a.x12", "C1", 2)}


def test_void_claim_gets_no_finding_of_any_claim_tip(tmp_path):
    res = lint(
        tmp_path,
        ("a.x12", x837(Claim("C1", [monthly("20250603")]))),
        ("b.x12", x837(Claim("C1", [
            monthly(("20250601", "20250630"), charge="1.00", units="2", g1=()),
            Line("G9008", ("U2",), dos="20250603"), nav("20250603", units=2, g1=()),
            deposit("20250603", "9000.00"), meals("20250603", 5), cs("T1019", "20250603", 60,
                                                                     basis="MJ"),
            Line("G9007", (), charge="0", units="4", dos="20250603"),
        ], freq="8", f8="ICN1", other_payers=[OtherPayer()]))),
        roster=roster((M1, "2025-05", "eligible", "")),
    )
    assert [f for f in res.findings if f["path"] == "b.x12" and f["tip"]] == []


def test_gen05_no_finding_for_any_minutes_line(tmp_path):
    res = lint(tmp_path, x837(Claim("C1", [
        outreach("20250501", basis="MJ", charge="7.00"),
        Line("G9007", (), charge="0.04", units="60", basis="MJ", dos="20250603"),
    ])))
    assert res.of("GEN-05") == []
    assert res.at("ECM-02") == [("C1", 1)]


def test_cs10_minutes_and_fraction_is_one_finding(tmp_path):
    res = lint(tmp_path, x837(Claim("C1", [cs("S9125", "20250601", "7.5", charge="10.00",
                                              basis="MJ")])))
    assert res.at("CS-10") == [("C1", 1)]


@pytest.mark.parametrize("out_dos,flagged", [("20250614", False), ("20250615", True)])
def test_ecm05_tar_start_is_earliest_2000f_start(tmp_path, out_dos, flagged):
    tar = build_278_response(member=M1, hcr01="A1", cert="ECMTAR1", lines=[
        TarLine("G9008", ("U1",), units="5", period=("20250701", "20251130")),
        TarLine("G9012", (), units="1", period=("20250615", "20250715")),
    ])
    res = lint(tmp_path, ("tar.x12", tar), ("c.x12", x837(Claim("C1", [outreach(out_dos)]))))
    assert res.at("ECM-05") == ([("C1", 1)] if flagged else [])
