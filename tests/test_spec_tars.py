"""Black-box acceptance scenarios for the TAR side of billing-rules.md and the ledger.

Built only from ``shared/spec/billing-rules.md`` (and its seed): ECMTAR-01..04, CSTAR-01..09,
GEN-07, the TAR part of ECM-05, and the history (ledger) semantics of §1 / §9. Every scenario
writes X12 files built with ``edi_lint.testing.x12build``, runs the real CLI in process
(``edi-lint check --format json``, ``ledger add``, through ``tests/clirun.py``) and asserts on the JSON contract:
tip, severity, segment_id, loop, claim_id / service_line, the physical line of the finding, and
the absence of findings where the spec says there are none.
"""
from __future__ import annotations

import itertools
import json

import pytest
from clirun import run_cli

from edi_lint.testing.x12build import (
    Claim,
    Event,
    Line,
    TarLine,
    build_278_request,
    build_278_response,
    build_837,
    interchange,
    npi,
    transaction_278_request,
)

TAR_TIPS = {f"ECMTAR-0{i}" for i in range(1, 5)} | {f"CSTAR-0{i}" for i in range(1, 10)}
_counter = itertools.count()


# --------------------------------------------------------------------------- helpers


def _write(tmp_path, text: str, stem: str = "f") -> str:
    path = tmp_path / f"{next(_counter):03d}_{stem}.x12"
    path.write_text(text, encoding="utf-8", newline="")
    return str(path)


def _cli(*args):
    """``edi-lint *args`` in process: an escaped exception fails the test."""
    return run_cli(*args)


def lint(tmp_path, *texts, ledger: str | None = None) -> dict:
    """Check ``texts`` as one batch (command-line order = argument order); the JSON report."""
    paths = [_write(tmp_path, t) for t in texts]
    args = ["check", "--format", "json"]
    if ledger:
        args += ["--ledger", ledger]
    proc = _cli(*args, *paths)
    assert proc.returncode in (0, 1), proc.stderr
    out = json.loads(proc.stdout)
    out["_paths"] = paths
    return out


def ledger_add(tmp_path, ledger: str, *texts) -> None:
    paths = [_write(tmp_path, t, "hist") for t in texts]
    proc = _cli("ledger", "add", "--ledger", ledger, *paths)
    assert proc.returncode == 0, proc.stderr


def tip(out: dict, tip_id: str) -> list[dict]:
    return [f for f in out["findings"] if f["tip"] == tip_id]


def problems(out: dict) -> list[dict]:
    """Error and warning findings: what a rule is judged by (spec, severity words)."""
    return [f for f in out["findings"] if f["severity"] in ("error", "warning")]


def seg_line(text: str, prefix: str, nth: int = 1) -> int:
    """Physical line (1-based) of the nth segment starting with ``prefix`` (one per line)."""
    n = 0
    for i, seg in enumerate(text.split("~\n"), 1):
        if seg.startswith(prefix):
            n += 1
            if n == nth:
                return i
    raise AssertionError(f"no segment #{nth} starting {prefix!r}")


def drop_segments(text: str, prefix: str) -> str:
    """Remove every segment starting with ``prefix`` and fix the SE01 counts."""
    out, count = [], 0
    for seg in text.split("~\n"):
        if seg.startswith(prefix):
            continue
        if seg.startswith("ST*"):
            count = 0
        count += 1
        if seg.startswith("SE*"):
            parts = seg.split("*")
            parts[1] = str(count)
            seg = "*".join(parts)
        out.append(seg)
    return "~\n".join(out)


def assert_tar_finding(f: dict, tip_id: str, severity: str, where: str, text: str | None = None,
                       nth: int = 1) -> None:
    """A 278 finding: TAR rule -> 2000E UM, TAR-line rule -> 2000F SV1; no claim fields."""
    assert f["tip"] == tip_id
    assert f["severity"] == severity
    assert isinstance(f["rule"], str) and f["rule"]
    assert f["claim_id"] is None and f["service_line"] is None
    if where == "UM":
        assert (f["segment_id"], f["loop"]) == ("UM", "2000E"), f
    else:
        assert (f["segment_id"], f["loop"]) == ("SV1", "2000F"), f
    if text is not None:
        assert f["line"] == seg_line(text, where + "*", nth), f


def only(out: dict, tip_id: str, n: int = 1) -> list[dict]:
    found = tip(out, tip_id)
    assert len(found) == n, json.dumps(out["findings"], indent=1)
    return found


# TAR builders ---------------------------------------------------------------------------


def ecm_request(um02="I", period=("20250601", "20251231"), lines=None, **kw) -> str:
    if lines is None:
        lines = [TarLine("G9008", ["U1"], units="6", period=period)]
        if um02 == "I":
            lines.append(TarLine("G9012", [], units="1", period=(period[0], period[0])))
    return build_278_request(member="M1", um02=um02, lines=lines, **kw)


def cs_request(code, mods, period=("20250601", "20251231"), pwk=("B4",), um02="I", units="1",
               **line_kw) -> str:
    return build_278_request(member="M1", um02=um02, pwk=list(pwk),
                             lines=[TarLine(code, list(mods), units=units, period=period,
                                            **line_kw)])


def clean_or_fail(out: dict):
    assert problems(out) == [], json.dumps(out["findings"], indent=1)


# =========================================================================== ECMTAR-01


@pytest.mark.parametrize("start,end", [
    ("20250601", "20260630"),   # N=12 from a June start: last day of June 2026
    ("20250615", "20260630"),   # spec example: start 2025-06-15, N=12 -> 2026-06-30
    ("20250601", "20260531"),   # a plain year
])
def test_ecmtar01_initial_within_12_months_passes(tmp_path, start, end):
    out = lint(tmp_path, ecm_request("I", (start, end)))
    clean_or_fail(out)


@pytest.mark.parametrize("start,end", [("20250615", "20260701"), ("20250601", "20260701")])
def test_ecmtar01_initial_one_day_more_fails(tmp_path, start, end):
    text = ecm_request("I", (start, end))
    out = lint(tmp_path, text)
    f, = only(out, "ECMTAR-01")
    assert_tar_finding(f, "ECMTAR-01", "error", "UM", text)


@pytest.mark.parametrize("um02", ["R", "4", "S"])
def test_ecmtar01_reauth_six_months_seed_example_passes(tmp_path, um02):
    out = lint(tmp_path, ecm_request(um02, ("20250601", "20251231")))
    clean_or_fail(out)


@pytest.mark.parametrize("um02", ["R", "4", "S"])
def test_ecmtar01_reauth_mid_month_start_to_end_of_sixth_month_passes(tmp_path, um02):
    out = lint(tmp_path, ecm_request(um02, ("20250615", "20251231")))
    clean_or_fail(out)


@pytest.mark.parametrize("um02", ["R", "4", "S"])
def test_ecmtar01_reauth_one_day_more_fails(tmp_path, um02):
    text = ecm_request(um02, ("20250601", "20260101"))
    out = lint(tmp_path, text)
    f, = only(out, "ECMTAR-01")
    assert_tar_finding(f, "ECMTAR-01", "error", "UM", text)


def test_ecmtar01_reauth_of_12_months_fails_where_initial_passes(tmp_path):
    text = ecm_request("R", ("20250601", "20260531"))
    out = lint(tmp_path, text)
    only(out, "ECMTAR-01")


def test_ecmtar01_um02_e_is_invalid(tmp_path):
    text = ecm_request("E", ("20250601", "20251231"),
                       lines=[TarLine("G9008", ["U1"], units="6", period=("20250601", "20251231"))])
    out = lint(tmp_path, text)
    f, = only(out, "ECMTAR-01")
    assert_tar_finding(f, "ECMTAR-01", "error", "UM", text)


def test_ecmtar01_period_runs_from_earliest_to_latest_line(tmp_path):
    # each line alone is short; together 2025-06-01..2026-01-31 is 8 months for a renewal
    text = ecm_request("R", lines=[
        TarLine("G9008", ["U1"], units="4", period=("20250601", "20250930")),
        TarLine("G9012", ["U2"], units="4", period=("20251001", "20260131")),
    ])
    out = lint(tmp_path, text)
    f, = only(out, "ECMTAR-01")
    assert_tar_finding(f, "ECMTAR-01", "error", "UM", text)


def test_ecmtar01_without_line_dates_uses_event_aah(tmp_path):
    bad = drop_segments(ecm_request("R", lines=[TarLine("G9008", ["U1"], units="6")],
                                    event_period=("20250601", "20260131")), "DTP*472")
    good = drop_segments(ecm_request("R", lines=[TarLine("G9008", ["U1"], units="6")],
                                     event_period=("20250601", "20251231")), "DTP*472")
    assert "DTP*472" not in bad and "DTP*AAH" in bad
    only(lint(tmp_path, bad), "ECMTAR-01")
    assert tip(lint(tmp_path, good), "ECMTAR-01") == []


def test_ecmtar01_line_dates_win_over_event_aah(tmp_path):
    # the 2000F dates are 6 months; a long DTP*AAH does not matter
    text = ecm_request("R", lines=[TarLine("G9008", ["U1"], units="6",
                                           period=("20250601", "20251231"))],
                       event_period=("20250601", "20260531"))
    assert tip(lint(tmp_path, text), "ECMTAR-01") == []


# =========================================================================== ECMTAR-02


def test_ecmtar02_initial_without_engagement_line_fails(tmp_path):
    text = ecm_request("I", lines=[TarLine("G9008", ["U1"], units="6",
                                           period=("20250601", "20251231"))])
    out = lint(tmp_path, text)
    f, = only(out, "ECMTAR-02")
    assert_tar_finding(f, "ECMTAR-02", "error", "UM", text)


def test_ecmtar02_initial_engagement_quantity_two_fails(tmp_path):
    text = ecm_request("I", lines=[
        TarLine("G9008", ["U1"], units="6", period=("20250601", "20251231")),
        TarLine("G9012", [], units="2", period=("20250601", "20250601")),
    ])
    out = lint(tmp_path, text)
    f, = only(out, "ECMTAR-02")
    assert f["severity"] == "error" and f["claim_id"] is None


def test_ecmtar02_g9012_with_u2_is_not_engagement(tmp_path):
    text = ecm_request("I", lines=[TarLine("G9012", ["U2"], units="6",
                                           period=("20250601", "20251231"))])
    only(lint(tmp_path, text), "ECMTAR-02")


def test_ecmtar02_initial_with_engagement_passes(tmp_path):
    text = ecm_request("I", lines=[
        TarLine("G9012", ["U2"], units="6", period=("20250601", "20251231")),
        TarLine("G9012", [], units="1", period=("20250601", "20250601")),
    ])
    clean_or_fail(lint(tmp_path, text))


@pytest.mark.parametrize("um02", ["R", "4", "S"])
def test_ecmtar02_not_asked_of_reauthorizations(tmp_path, um02):
    text = ecm_request(um02, lines=[TarLine("G9008", ["U1"], units="6",
                                            period=("20250601", "20251231"))])
    assert tip(lint(tmp_path, text), "ECMTAR-02") == []


# =========================================================================== ECMTAR-03


@pytest.mark.parametrize("mods", [["U1", "GQ"], ["U8"], ["GQ", "U2"]])
def test_ecmtar03_u8_or_gq_on_tar_line_fails_at_sv1(tmp_path, mods):
    code = "G9012" if "U2" in mods else "G9008"
    text = ecm_request("R", lines=[
        TarLine("G9008", ["U1"], units="6", period=("20250601", "20251231")),
        TarLine(code, mods, units="1", period=("20250601", "20251231")),
    ])
    out = lint(tmp_path, text)
    f, = only(out, "ECMTAR-03")
    assert_tar_finding(f, "ECMTAR-03", "error", "SV1", text, nth=2)


def test_ecmtar03_two_bad_lines_two_findings(tmp_path):
    text = ecm_request("R", lines=[
        TarLine("G9008", ["U8"], units="1", period=("20250601", "20251231")),
        TarLine("G9012", ["U8", "GQ"], units="1", period=("20250601", "20251231")),
    ])
    found = only(lint(tmp_path, text), "ECMTAR-03", 2)
    assert sorted(f["line"] for f in found) == [seg_line(text, "SV1*", 1),
                                                 seg_line(text, "SV1*", 2)]


# =========================================================================== ECMTAR-04


@pytest.mark.parametrize("um02", ["R", "4", "S"])
def test_ecmtar04_six_month_reauth_not_ending_month_end_warns(tmp_path, um02):
    text = ecm_request(um02, ("20250601", "20251230"))
    out = lint(tmp_path, text)
    assert tip(out, "ECMTAR-01") == []
    f, = only(out, "ECMTAR-04")
    assert_tar_finding(f, "ECMTAR-04", "warning", "UM", text)


def test_ecmtar04_151_days_is_six_month(tmp_path):
    # 2025-06-01..2025-10-29 = 151 days inclusive: longer than 150
    only(lint(tmp_path, ecm_request("R", ("20250601", "20251029"))), "ECMTAR-04")


def test_ecmtar04_150_days_is_not_six_month(tmp_path):
    # 2025-06-01..2025-10-28 = 150 days inclusive: not longer than 150
    assert tip(lint(tmp_path, ecm_request("R", ("20250601", "20251028"))), "ECMTAR-04") == []


def test_ecmtar04_mid_month_start_ending_month_end_passes(tmp_path):
    clean_or_fail(lint(tmp_path, ecm_request("R", ("20250615", "20251130"))))


def test_ecmtar04_not_for_initial_tars(tmp_path):
    assert tip(lint(tmp_path, ecm_request("I", ("20250601", "20251215"))), "ECMTAR-04") == []


# =========================================================================== CSTAR-01


@pytest.mark.parametrize("code,mods", [("H0043", ["U6"]), ("H2016", ["U6"]), ("T2040", ["U6"]),
                                       ("T2041", ["U6"]), ("H0044", ["U3"])])
def test_cstar01_six_month_groups_seed_example_passes(tmp_path, code, mods):
    # the seed's "180 days (six months)" example 6/1/26-12/31/26 (214 days) passes
    out = lint(tmp_path, cs_request(code, mods, ("20260601", "20261231")))
    clean_or_fail(out)


@pytest.mark.parametrize("code,mods", [("H0043", ["U6"]), ("T2041", ["U6"]), ("H0044", ["U3"])])
def test_cstar01_six_month_groups_one_day_more_fails(tmp_path, code, mods):
    text = cs_request(code, mods, ("20260601", "20270101"))
    out = lint(tmp_path, text)
    f, = only(out, "CSTAR-01")
    assert_tar_finding(f, "CSTAR-01", "error", "UM", text)


def test_cstar01_mid_month_start_month_arithmetic(tmp_path):
    assert tip(lint(tmp_path, cs_request("T2040", ["U6"], ("20250615", "20251231"))),
               "CSTAR-01") == []
    only(lint(tmp_path, cs_request("T2040", ["U6"], ("20250615", "20260101"))), "CSTAR-01")


def test_cstar01_recuperative_care_90_days_passes_91_fails(tmp_path):
    # 2025-06-01..2025-08-29 = 90 days inclusive
    clean_or_fail(lint(tmp_path, cs_request("T2033", ["U6"], ("20250601", "20250829"), units="90")))
    text = cs_request("T2033", ["U6"], ("20250601", "20250830"), units="91")
    f, = only(lint(tmp_path, text), "CSTAR-01")
    assert_tar_finding(f, "CSTAR-01", "error", "UM", text)


@pytest.mark.parametrize("code", ["S5170", "S9977"])
def test_cstar01_meals_and_grocery_84_days_pass_85_fail(tmp_path, code):
    # 2025-06-01..2025-08-23 = 84 days (12 weeks) inclusive
    clean_or_fail(lint(tmp_path, cs_request(code, ["U6"], ("20250601", "20250823"), units="12")))
    text = cs_request(code, ["U6"], ("20250601", "20250824"), units="12")
    f, = only(lint(tmp_path, text), "CSTAR-01")
    assert_tar_finding(f, "CSTAR-01", "error", "UM", text)


@pytest.mark.parametrize("code,mods", [("T2020", ["U6"]), ("H0014", ["U6"]), ("S9470", ["U6"])])
def test_cstar01_no_period_limit_for_other_cs_groups(tmp_path, code, mods):
    out = lint(tmp_path, cs_request(code, mods, ("20250601", "20260531")))
    assert tip(out, "CSTAR-01") == []


# =========================================================================== CSTAR-02


@pytest.mark.parametrize("pair", [
    (("H0043", ["U6"]), ("T2040", ["U6"])),
    (("H2016", ["U6"]), ("H0044", ["U2"])),
    (("T2041", ["U6"]), ("H0044", ["U2"])),
])
def test_cstar02_two_housing_groups_on_one_tar_fails(tmp_path, pair):
    lines = [TarLine(c, m, amount="1000.00" if c == "H0044" else "", units="1",
                     period=("20250601", "20251130")) for c, m in pair]
    text = build_278_request(member="M1", pwk=["B4", "08", "55", "77"], lines=lines)
    out = lint(tmp_path, text)
    f, = only(out, "CSTAR-02")
    assert_tar_finding(f, "CSTAR-02", "error", "UM", text)


def test_cstar02_three_groups_one_finding(tmp_path):
    lines = [TarLine("H0043", ["U6"], period=("20250601", "20251130")),
             TarLine("T2040", ["U6"], period=("20250601", "20251130")),
             TarLine("H0044", ["U2"], amount="900.00", period=("20250601", "20251130"))]
    text = build_278_request(member="M1", pwk=["B4", "08", "55", "77"], lines=lines)
    only(lint(tmp_path, text), "CSTAR-02")


@pytest.mark.parametrize("pair", [
    (("H0043", ["U6"]), ("H2016", ["U6"])),      # one group (navigation)
    (("T2040", ["U6"]), ("T2041", ["U6"])),      # one group (tenancy)
    (("H0043", ["U6"]), ("H0044", ["U3"])),      # post-hospitalization is not housing deposit
])
def test_cstar02_same_group_or_other_service_passes(tmp_path, pair):
    lines = [TarLine(c, m, period=("20250601", "20251130")) for c, m in pair]
    text = build_278_request(member="M1", pwk=["B4"], lines=lines)
    clean_or_fail(lint(tmp_path, text))


def test_cstar02_groups_on_separate_events_are_not_the_same_tar(tmp_path):
    events = [Event([TarLine("H0043", ["U6"], period=("20250601", "20251130"))], pwk=["B4"],
                    trace="T1"),
              Event([TarLine("T2040", ["U6"], period=("20250601", "20251130"))], pwk=["B4"],
                    trace="T2")]
    out = lint(tmp_path, build_278_request(member="M1", events=events))
    assert tip(out, "CSTAR-02") == []


# =========================================================================== CSTAR-03


def _deposit(pwk, amount="5000.00", line_pwk=()):
    return build_278_request(member="M1", pwk=list(pwk), lines=[
        TarLine("H0044", ["U2"], amount=amount, period=("20250601", "20250630"),
                pwk=list(line_pwk))])


def test_cstar03_complete_deposit_tar_at_5000_passes(tmp_path):
    clean_or_fail(lint(tmp_path, _deposit(["B4", "08", "55", "77"])))


def test_cstar03_documents_on_the_service_line_count(tmp_path):
    clean_or_fail(lint(tmp_path, _deposit([], line_pwk=["B4", "08", "55", "77"])))


_DOC_WORDS = {"B4": "referral", "08": "plan", "55": "lease", "77": "items"}


@pytest.mark.parametrize("missing", [["55"], ["08", "77"], ["B4"], ["08", "55", "77"]])
def test_cstar03_each_missing_document_named(tmp_path, missing):
    present = [c for c in ("B4", "08", "55", "77") if c not in missing]
    text = _deposit(present)
    f, = only(lint(tmp_path, text), "CSTAR-03")
    assert_tar_finding(f, "CSTAR-03", "error", "UM", text)
    msg = f["message"].lower()
    for code in missing:
        assert _DOC_WORDS[code] in msg, msg
    for code in present:
        assert f"pwk01 {code.lower()}" not in msg and _DOC_WORDS[code] not in msg, msg


def test_cstar03_amount_over_5000_fails(tmp_path):
    text = _deposit(["B4", "08", "55", "77"], amount="5000.01")
    f, = only(lint(tmp_path, text), "CSTAR-03")
    assert f["severity"] == "error" and f["claim_id"] is None and f["service_line"] is None
    assert f["segment_id"] in ("SV1", "UM")


def test_cstar03_not_asked_of_other_cs_tars(tmp_path):
    out = lint(tmp_path, cs_request("H0044", ["U3"], ("20250601", "20251130")))
    assert tip(out, "CSTAR-03") == []


# =========================================================================== CSTAR-04


@pytest.mark.parametrize("code", ["S5130", "T1019", "H0045", "S5151", "S9125"])
def test_cstar04_minutes_basis_fails_at_sv1(tmp_path, code):
    text = cs_request(code, ["U6"], ("20250601", "20250831"), units="120", basis="MJ")
    f, = only(lint(tmp_path, text), "CSTAR-04")
    assert_tar_finding(f, "CSTAR-04", "error", "SV1", text)


def test_cstar04_fractional_units_fail(tmp_path):
    text = cs_request("T1019", ["U6"], ("20250601", "20250831"), units="10.5")
    f, = only(lint(tmp_path, text), "CSTAR-04")
    assert_tar_finding(f, "CSTAR-04", "error", "SV1", text)


@pytest.mark.parametrize("units", ["40", "40.0"])
def test_cstar04_whole_units_pass(tmp_path, units):
    out = lint(tmp_path, cs_request("S9125", ["U6"], ("20250601", "20250831"), units=units))
    assert tip(out, "CSTAR-04") == []


def test_cstar04_other_cs_codes_are_not_concerned(tmp_path):
    out = lint(tmp_path, cs_request("T2020", ["U6"], ("20250601", "20250831"), units="10.5"))
    assert tip(out, "CSTAR-04") == []


# =========================================================================== CSTAR-05


def test_cstar05_meals_and_grocery_on_one_tar_fail(tmp_path):
    text = build_278_request(member="M1", pwk=["B4"], lines=[
        TarLine("S5170", ["U6"], units="100", period=("20250601", "20250731")),
        TarLine("S9977", ["U6"], units="8", period=("20250601", "20250731"))])
    f, = only(lint(tmp_path, text), "CSTAR-05")
    assert_tar_finding(f, "CSTAR-05", "error", "UM", text)


def test_cstar05_meals_and_grocery_on_separate_tars_pass(tmp_path):
    a = cs_request("S5170", ["U6"], ("20250601", "20250731"), units="100")
    b = cs_request("S9977", ["U6"], ("20250601", "20250731"), units="8")
    clean_or_fail(lint(tmp_path, a, b))


# =========================================================================== CSTAR-06


@pytest.mark.parametrize("code,mods", [("H0043", []), ("H0043", ["U6", "GQ"]), ("H0044", []),
                                       ("H0044", ["U6"]), ("T2033", ["U2"]), ("S9470", ["U1"])])
def test_cstar06_wrong_modifier_set_fails_at_sv1(tmp_path, code, mods):
    text = build_278_request(member="M1", pwk=["B4"], lines=[
        TarLine("S9470", ["U6"], period=("20250601", "20250731")),
        TarLine(code, mods, period=("20250601", "20250731"))])
    out = lint(tmp_path, text)
    f, = only(out, "CSTAR-06")
    assert_tar_finding(f, "CSTAR-06", "error", "SV1", text, nth=2)


@pytest.mark.parametrize("code,mods", [("H0044", ["U2"]), ("H0044", ["U3"]), ("H2016", ["U6"]),
                                       ("S9470", ["U6"]), ("H0014", ["U6"])])
def test_cstar06_table_modifier_passes(tmp_path, code, mods):
    amount = "1000.00" if mods == ["U2"] else ""
    pwk = ["B4", "08", "55", "77"] if mods == ["U2"] else ["B4"]
    text = build_278_request(member="M1", pwk=pwk, lines=[
        TarLine(code, mods, amount=amount, period=("20250601", "20250731"))])
    clean_or_fail(lint(tmp_path, text))


# =========================================================================== CSTAR-07


def test_cstar07_cs_tar_without_referral_fails(tmp_path):
    text = cs_request("T2040", ["U6"], pwk=())
    f, = only(lint(tmp_path, text), "CSTAR-07")
    assert_tar_finding(f, "CSTAR-07", "error", "UM", text)


def test_cstar07_other_pwk_is_not_the_referral(tmp_path):
    only(lint(tmp_path, cs_request("T2040", ["U6"], pwk=("08",))), "CSTAR-07")


def test_cstar07_referral_on_the_service_line_passes(tmp_path):
    text = build_278_request(member="M1", lines=[
        TarLine("T2040", ["U6"], period=("20250601", "20251231"), pwk=["B4"])])
    clean_or_fail(lint(tmp_path, text))


def test_cstar07_a_missing_modifier_still_makes_a_cs_tar(tmp_path):
    # "a CS TAR is a TAR with a 2000F line whose code is in a CS row, whatever its modifiers"
    out = lint(tmp_path, cs_request("H0043", [], pwk=()))
    only(out, "CSTAR-07")
    only(out, "CSTAR-06")


def test_cstar07_not_asked_of_ecm_tars(tmp_path):
    out = lint(tmp_path, ecm_request("I"))
    assert tip(out, "CSTAR-07") == []


# =========================================================================== CSTAR-08


@pytest.mark.parametrize("code,mods", [("H0043", ["U6"]), ("T2040", ["U6"]), ("H0044", ["U3"])])
def test_cstar08_six_month_cs_tar_not_ending_month_end_warns(tmp_path, code, mods):
    text = cs_request(code, mods, ("20260601", "20261230"))
    out = lint(tmp_path, text)
    assert tip(out, "CSTAR-01") == []
    f, = only(out, "CSTAR-08")
    assert_tar_finding(f, "CSTAR-08", "warning", "UM", text)


def test_cstar08_mid_month_start(tmp_path):
    only(lint(tmp_path, cs_request("H2016", ["U6"], ("20250615", "20251215"))), "CSTAR-08")
    clean_or_fail(lint(tmp_path, cs_request("H2016", ["U6"], ("20250615", "20251130"))))


def test_cstar08_150_vs_151_days(tmp_path):
    assert tip(lint(tmp_path, cs_request("T2041", ["U6"], ("20260601", "20261028"))),
               "CSTAR-08") == []
    only(lint(tmp_path, cs_request("T2041", ["U6"], ("20260601", "20261029"))), "CSTAR-08")


@pytest.mark.parametrize("code,mods,amount", [("H0044", ["U2"], "1000.00"),
                                              ("T2020", ["U6"], ""), ("S9470", ["U6"], "")])
def test_cstar08_other_groups_not_concerned(tmp_path, code, mods, amount):
    text = build_278_request(member="M1", pwk=["B4", "08", "55", "77"], lines=[
        TarLine(code, mods, amount=amount, period=("20250601", "20251215"))])
    assert tip(lint(tmp_path, text), "CSTAR-08") == []


# =========================================================================== CSTAR-09


def _cs_event(code, trace, **kw):
    return Event([TarLine(code, ["U6"], period=("20250601", "20251130"))], pwk=["B4"],
                 trace=trace, **kw)


def test_cstar09_second_and_third_event_of_a_set_warn(tmp_path):
    text = build_278_request(member="M1", events=[_cs_event("H0043", "A"),
                                                  _cs_event("T2033", "B"),
                                                  _cs_event("S9470", "C")])
    found = only(lint(tmp_path, text), "CSTAR-09", 2)
    for f, nth in zip(sorted(found, key=lambda f: f["line"]), (2, 3)):
        assert_tar_finding(f, "CSTAR-09", "warning", "UM", text, nth=nth)


def test_cstar09_second_transaction_set_of_a_file_warns(tmp_path):
    tx1 = transaction_278_request(member="M1", pwk=["B4"], st_control="0001",
                                  lines=[TarLine("H0043", ["U6"], period=("20250601", "20251130"))])
    tx2 = transaction_278_request(member="M2", pwk=["B4"], st_control="0002",
                                  lines=[TarLine("T2040", ["U6"], period=("20250601", "20251130"))])
    text = interchange([[tx1, tx2]])
    f, = only(lint(tmp_path, text), "CSTAR-09")
    assert f["severity"] == "warning" and f["claim_id"] is None
    assert f["line"] >= seg_line(text, "ST*", 2)


def test_cstar09_one_tar_per_file_in_several_files_passes(tmp_path):
    a = cs_request("H0043", ["U6"], ("20250601", "20251130"))
    b = cs_request("T2040", ["U6"], ("20250601", "20251130"))
    clean_or_fail(lint(tmp_path, a, b))


def test_cstar09_concerns_cs_tars_only(tmp_path):
    events = [Event([TarLine("G9008", ["U1"], units="6", period=("20250601", "20251231"))],
                    um02="R", trace="A"),
              Event([TarLine("G9012", ["U2"], units="6", period=("20250601", "20251231"))],
                    um02="R", trace="B", member="M2")]
    out = lint(tmp_path, build_278_request(member="M1", events=events))
    assert tip(out, "CSTAR-09") == []


# =========================================================================== responses


def test_tar_rules_never_fire_on_responses(tmp_path):
    events = [
        # 12-month renewal, U8/GQ lines, no engagement, not on month end
        Event([TarLine("G9008", ["U1", "GQ"], units="6", period=("20250601", "20260615")),
               TarLine("G9012", ["U8"], units="1", period=("20250601", "20260615"))],
              um02="R", trace="A", cert="C1"),
        Event([TarLine("G9008", ["U1"], units="6", period=("20250601", "20260615"))],
              um02="E", trace="B", cert="C2"),
        # CS: three housing groups, no documents, meals + grocery, bad modifiers, minutes
        Event([TarLine("H0043", [], period=("20250601", "20261215")),
               TarLine("T2040", ["U6"], period=("20250601", "20261215")),
               TarLine("H0044", ["U2"], amount="9000.00", period=("20250601", "20261215")),
               TarLine("S5170", ["U6"], period=("20250601", "20261215")),
               TarLine("S9977", ["U6"], period=("20250601", "20261215")),
               TarLine("T1019", ["U6"], basis="MJ", units="30.5",
                       period=("20250601", "20261215"))],
              trace="C", cert="C3"),
    ]
    out = lint(tmp_path, build_278_response(member="M1", events=events))
    assert [f for f in out["findings"] if f["tip"] in TAR_TIPS] == []
    assert out["summary"]["tar_responses"] == 3 and out["summary"]["tar_requests"] == 0


# =========================================================================== GEN-07


def _resp(lines=None, member="M1", cert="AUTH1", hcr01="A1", **kw):
    if lines is None:
        lines = [TarLine("G9008", ["U1"], units="6", period=("20250601", "20251231"))]
    return build_278_response(member=member, cert=cert, hcr01=hcr01, lines=lines, **kw)


def _claim(lines, member="M1", clm01="C1", **kw):
    return build_837([Claim(clm01, lines, member=member, **kw)])


def _ecm_line(dos="20250603", g1=("AUTH1",), mods=("U1",), code="G9008", **kw):
    return Line(code, list(mods), charge="400.00", dos=dos, g1=list(g1), **kw)


def _gen07(out):
    return tip(out, "GEN-07")


def _assert_gen07(f, clm01="C1", line=1):
    assert f["tip"] == "GEN-07" and f["severity"] == "error" and f["rule"]
    assert (f["segment_id"], f["loop"]) == ("SV1", "2400")
    assert f["claim_id"] == clm01 and f["service_line"] == line


def test_gen07_matching_claim_is_clean(tmp_path):
    out = lint(tmp_path, _resp(), _claim([_ecm_line()]))
    clean_or_fail(out)


def test_gen07_response_after_claim_on_command_line_still_known(tmp_path):
    out = lint(tmp_path, _claim([_ecm_line(g1=("NOPE",))]), _resp())
    f, = _gen07(out)
    _assert_gen07(f)


def test_gen07_certification_missing(tmp_path):
    claim = _claim([_ecm_line(g1=("NOPE",))])
    out = lint(tmp_path, _resp(), claim)
    f, = _gen07(out)
    _assert_gen07(f)
    assert f["line"] == seg_line(claim, "SV1*")


@pytest.mark.parametrize("hcr01", ["A3", "A4", "C", "CT"])
def test_gen07_not_approved(tmp_path, hcr01):
    out = lint(tmp_path, _resp(hcr01=hcr01), _claim([_ecm_line()]))
    f, = _gen07(out)
    _assert_gen07(f)


@pytest.mark.parametrize("hcr01", ["A1", "A2", "A6"])
def test_gen07_approved_codes_pass(tmp_path, hcr01):
    out = lint(tmp_path, _resp(hcr01=hcr01), _claim([_ecm_line()]))
    assert _gen07(out) == []


def test_gen07_wrong_code(tmp_path):
    out = lint(tmp_path, _resp(), _claim([_ecm_line(code="G9012", mods=("U2",))]))
    f, = _gen07(out)
    _assert_gen07(f)


def test_gen07_wrong_modifier_set(tmp_path):
    resp = _resp(lines=[TarLine("T2040", ["U6"], units="6", period=("20250601", "20251231"))])
    line = Line("T2041", ["U6"], charge="222.00", dos="20250603", g1=["AUTH1"])
    f, = _gen07(lint(tmp_path, resp, _claim([line])))
    _assert_gen07(f)


@pytest.mark.parametrize("mods", [("U1", "GQ"), ("GQ", "U1")])
def test_gen07_gq_is_ignored(tmp_path, mods):
    out = lint(tmp_path, _resp(), _claim([_ecm_line(mods=mods)]))
    assert _gen07(out) == []


def test_gen07_gq_ignored_on_the_tar_side_too(tmp_path):
    resp = _resp(lines=[TarLine("G9008", ["U1", "GQ"], units="6",
                                period=("20250601", "20251231"))])
    assert _gen07(lint(tmp_path, resp, _claim([_ecm_line()]))) == []


@pytest.mark.parametrize("dos", ["20250531", "20260101"])
def test_gen07_dos_outside_period(tmp_path, dos):
    f, = _gen07(lint(tmp_path, _resp(), _claim([_ecm_line(dos=dos)])))
    _assert_gen07(f)


@pytest.mark.parametrize("dos", ["20250601", "20251231"])
def test_gen07_period_edges_covered(tmp_path, dos):
    assert _gen07(lint(tmp_path, _resp(), _claim([_ecm_line(dos=dos)]))) == []


def test_gen07_units_cumulative_over_approved_quantity(tmp_path):
    resp = _resp(lines=[TarLine("H0043", ["U6"], units="2", period=("20250601", "20251231"))])
    claims = build_837([
        Claim("C3", [Line("H0043", ["U6"], charge="386.00", dos="20250805", g1=["AUTH1"])],
              member="M1"),
        Claim("C1", [Line("H0043", ["U6"], charge="386.00", dos="20250605", g1=["AUTH1"])],
              member="M1"),
        Claim("C2", [Line("H0043", ["U6"], charge="386.00", dos="20250705", g1=["AUTH1"])],
              member="M1"),
    ])
    f, = _gen07(lint(tmp_path, resp, claims))
    _assert_gen07(f, "C3", 1)


def test_gen07_units_cumulative_across_files(tmp_path):
    resp = _resp(lines=[TarLine("T2040", ["U6"], units="3", period=("20250601", "20251231"))])
    a = _claim([Line("T2040", ["U6"], charge="444.00", units="2", dos="20250605", g1=["AUTH1"])],
               clm01="A1")
    b = _claim([Line("T2040", ["U6"], charge="444.00", units="2", dos="20250705", g1=["AUTH1"])],
               clm01="B1")
    out = lint(tmp_path, resp, a, b)
    f, = _gen07(out)
    _assert_gen07(f, "B1", 1)


def test_gen07_units_of_another_member_do_not_count(tmp_path):
    resp = build_278_response(member="M1", events=[
        Event([TarLine("H0043", ["U6"], units="1", period=("20250601", "20251231"))],
              cert="AUTH1", trace="A"),
        Event([TarLine("H0043", ["U6"], units="1", period=("20250601", "20251231"))],
              cert="AUTH2", trace="B", member="M2"),
    ])
    claims = build_837([
        Claim("C1", [Line("H0043", ["U6"], charge="386.00", dos="20250605", g1=["AUTH1"])],
              member="M1"),
        Claim("C2", [Line("H0043", ["U6"], charge="386.00", dos="20250605", g1=["AUTH2"])],
              member="M2"),
    ])
    assert _gen07(lint(tmp_path, resp, claims)) == []


def test_gen07_several_ref_g1_one_passes(tmp_path):
    out = lint(tmp_path, _resp(), _claim([_ecm_line(g1=("NOPE", "AUTH1"))]))
    assert _gen07(out) == []


def test_gen07_several_ref_g1_none_passes_one_finding(tmp_path):
    out = lint(tmp_path, _resp(), _claim([_ecm_line(g1=("NOPE", "NADA"))]))
    f, = _gen07(out)
    _assert_gen07(f)


def test_gen07_claim_level_ref_g1(tmp_path):
    ok = lint(tmp_path, _resp(), _claim([_ecm_line(g1=())], g1="AUTH1"))
    assert problems(ok) == []
    bad = lint(tmp_path, _resp(), _claim([_ecm_line(g1=())], g1="NOPE"))
    f, = _gen07(bad)
    _assert_gen07(f)


def test_gen07_line_ref_g1_wins_over_claim_ref(tmp_path):
    # REF*G1 "2400 line, else 2300": the line's own citation is the one checked
    out = lint(tmp_path, _resp(), _claim([_ecm_line(g1=("NOPE",))], g1="AUTH1"))
    f, = _gen07(out)
    _assert_gen07(f)


def test_gen07_2000f_hcr01_overrides_event(tmp_path):
    resp = _resp(hcr01="A1", lines=[
        TarLine("G9008", ["U1"], units="6", period=("20250601", "20251231"), hcr01="A3"),
        TarLine("G9012", ["U2"], units="6", period=("20250601", "20251231")),
    ])
    claims = build_837([Claim("C1", [_ecm_line(), _ecm_line(code="G9012", mods=("U2",),
                                                            dos="20250703")], member="M1")])
    f, = _gen07(lint(tmp_path, resp, claims))
    _assert_gen07(f, "C1", 1)


def test_gen07_2000f_approval_overrides_denied_event(tmp_path):
    resp = _resp(hcr01="A3", lines=[
        TarLine("G9008", ["U1"], units="6", period=("20250601", "20251231"), hcr01="A1"),
        TarLine("G9012", ["U2"], units="6", period=("20250601", "20251231")),
    ])
    claims = build_837([Claim("C1", [_ecm_line(), _ecm_line(code="G9012", mods=("U2",),
                                                            dos="20250703")], member="M1")])
    f, = _gen07(lint(tmp_path, resp, claims))
    _assert_gen07(f, "C1", 2)


def test_gen07_certification_number_at_2000f(tmp_path):
    resp = _resp(cert="EVT1", lines=[
        TarLine("G9008", ["U1"], units="6", period=("20250601", "20251231"), cert="LINE1")])
    assert _gen07(lint(tmp_path, resp, _claim([_ecm_line(g1=("LINE1",))]))) == []


def test_gen07_2000f_inherits_event_certification(tmp_path):
    resp = _resp(cert="EVT1", lines=[
        TarLine("G9008", ["U1"], units="6", period=("20250601", "20251231"), cert="")])
    assert _gen07(lint(tmp_path, resp, _claim([_ecm_line(g1=("EVT1",))]))) == []


def test_gen07_covered_dates_2000f_over_event_aah(tmp_path):
    resp = _resp(event_period=("20250601", "20251231"), lines=[
        TarLine("G9008", ["U1"], units="6", period=("20250601", "20250630"))])
    f, = _gen07(lint(tmp_path, resp, _claim([_ecm_line(dos="20250703")])))
    _assert_gen07(f)


@pytest.mark.parametrize("qualifier", ["AAH", "007"])
def test_gen07_covered_dates_from_event_without_2000f_dates(tmp_path, qualifier):
    resp = drop_segments(_resp(event_period=("20250601", "20250831"), date_qualifier=qualifier,
                               lines=[TarLine("G9008", ["U1"], units="6")]), "DTP*472")
    assert f"DTP*{qualifier}*RD8*20250601-20250831" in resp and "DTP*472" not in resp
    assert _gen07(lint(tmp_path, resp, _claim([_ecm_line(dos="20250703")]))) == []
    f, = _gen07(lint(tmp_path, resp, _claim([_ecm_line(dos="20250903")])))
    _assert_gen07(f)


def test_gen07_quantity_from_hsd_when_sv104_empty(tmp_path):
    resp = _resp(lines=[TarLine("H0043", ["U6"], units="", hsd="2",
                                period=("20250601", "20251231"))])
    assert "HSD*FL*2" in resp
    claims = build_837([Claim(f"C{m}", [Line("H0043", ["U6"], charge="386.00",
                                             dos=f"2025{m:02d}05", g1=["AUTH1"])], member="M1")
                        for m in (6, 7, 8)])
    f, = _gen07(lint(tmp_path, resp, claims))
    _assert_gen07(f, "C8", 1)


def test_gen07_sv104_wins_over_hsd(tmp_path):
    resp = _resp(lines=[TarLine("H0043", ["U6"], units="3", hsd="1",
                                period=("20250601", "20251231"))])
    claims = build_837([Claim(f"C{m}", [Line("H0043", ["U6"], charge="386.00",
                                             dos=f"2025{m:02d}05", g1=["AUTH1"])], member="M1")
                        for m in (6, 7, 8)])
    assert _gen07(lint(tmp_path, resp, claims)) == []


def test_gen07_member_without_tar_data_gets_none(tmp_path):
    out = lint(tmp_path, _resp(member="M1"),
               _claim([_ecm_line(g1=("WHATEVER",))], member="M2"))
    assert _gen07(out) == []


def test_gen07_no_responses_no_finding(tmp_path):
    out = lint(tmp_path, ecm_request("I"), _claim([_ecm_line(g1=("WHATEVER",))]))
    assert _gen07(out) == []


def test_gen07_member_of_278_is_the_dependent(tmp_path):
    resp = build_278_response(member="SUB1", dependent="DEP1", cert="AUTH1", lines=[
        TarLine("G9008", ["U1"], units="6", period=("20250601", "20251231"))])
    # the subscriber has no TAR data of their own: no GEN-07
    assert _gen07(lint(tmp_path, resp, _claim([_ecm_line(g1=("XX",))], member="SUB1"))) == []
    # the dependent as the 837P patient (2010CA) does
    dep_ok = build_837([Claim("C1", [_ecm_line()], member="SUB1", patient="DEP1")])
    assert _gen07(lint(tmp_path, resp, dep_ok)) == []
    dep_bad = build_837([Claim("C1", [_ecm_line(dos="20260105")], member="SUB1",
                               patient="DEP1")])
    f, = _gen07(lint(tmp_path, resp, dep_bad))
    _assert_gen07(f)


def test_gen07_cert_of_another_member_is_missing_for_this_one(tmp_path):
    resp = build_278_response(member="M1", events=[
        Event([TarLine("G9008", ["U1"], units="6", period=("20250601", "20251231"))],
              cert="AUTH1", trace="A"),
        Event([TarLine("G9008", ["U1"], units="6", period=("20250601", "20251231"))],
              cert="AUTH2", trace="B", member="M2"),
    ])
    f, = _gen07(lint(tmp_path, resp, _claim([_ecm_line(g1=("AUTH2",))], member="M1")))
    _assert_gen07(f)


def test_gen07_void_claim_gets_no_finding_and_uses_no_units(tmp_path):
    resp = _resp(lines=[TarLine("H0043", ["U6"], units="1", period=("20250601", "20251231"))])
    claims = build_837([
        Claim("C1", [Line("H0043", ["U6"], charge="386.00", dos="20250605", g1=["AUTH1"])],
              member="M1"),
        Claim("C1", [Line("H0043", ["U6"], charge="386.00", dos="20250605", g1=["AUTH1"])],
              member="M1", freq="8", f8="PAYER1"),
        Claim("C2", [Line("H0043", ["U6"], charge="386.00", dos="20250705", g1=["AUTH1"])],
              member="M1"),
    ])
    assert _gen07(lint(tmp_path, resp, claims)) == []


def test_gen07_against_responses_in_the_ledger(tmp_path):
    ledger = str(tmp_path / "hist.ledger")
    ledger_add(tmp_path, ledger, _resp())
    ok = lint(tmp_path, _claim([_ecm_line()]), ledger=ledger)
    assert problems(ok) == []
    bad = lint(tmp_path, _claim([_ecm_line(g1=("NOPE",))], clm01="C9"), ledger=ledger)
    f, = _gen07(bad)
    _assert_gen07(f, "C9", 1)
    outside = lint(tmp_path, _claim([_ecm_line(dos="20260110")], clm01="C8"), ledger=ledger)
    f, = _gen07(outside)
    _assert_gen07(f, "C8", 1)


def test_gen07_units_billed_in_the_ledger_count_first(tmp_path):
    ledger = str(tmp_path / "hist.ledger")
    resp = _resp(lines=[TarLine("H0043", ["U6"], units="2", period=("20250601", "20251231"))])
    ledger_add(tmp_path, ledger, resp, build_837([
        Claim(f"H{m}", [Line("H0043", ["U6"], charge="386.00", dos=f"2025{m:02d}05",
                             g1=["AUTH1"])], member="M1") for m in (7, 8)]))
    out = lint(tmp_path, _claim([Line("H0043", ["U6"], charge="386.00", dos="20250605",
                                      g1=["AUTH1"])]), ledger=ledger)
    f, = _gen07(out)
    _assert_gen07(f)


# =========================================================================== ECM-05 (TARs)


def _outreach(dos, code="G9008"):
    return Line(code, ["U8"], charge="5.00", dos=dos)


def _ecm_approval(member="M1", start="20250701", hcr01="A1"):
    return build_278_response(member=member, cert="AUTH1", hcr01=hcr01, lines=[
        TarLine("G9008", ["U1"], units="6", period=(start, "20251231")),
        TarLine("G9012", [], units="1", period=(start, start))])


def test_ecm05_outreach_before_approved_tar_start_passes(tmp_path):
    out = lint(tmp_path, _ecm_approval(), _claim([_outreach("20250620"), _outreach("20250630")]))
    assert tip(out, "ECM-05") == []


def test_ecm05_outreach_on_or_after_approved_tar_start_fails(tmp_path):
    claim = _claim([_outreach("20250620"), _outreach("20250701"), _outreach("20250705")])
    out = lint(tmp_path, _ecm_approval(), claim)
    found = only(out, "ECM-05", 2)
    assert sorted(f["service_line"] for f in found) == [2, 3]
    for f in found:
        assert f["severity"] == "error" and f["segment_id"] == "SV1" and f["claim_id"] == "C1"


def test_ecm05_denied_tar_is_no_enrollment(tmp_path):
    out = lint(tmp_path, _ecm_approval(hcr01="A3"), _claim([_outreach("20250705")]))
    assert tip(out, "ECM-05") == []


def test_ecm05_a_request_is_not_an_approved_tar(tmp_path):
    out = lint(tmp_path, ecm_request("I", ("20250601", "20251231")),
               _claim([_outreach("20250705")]))
    assert tip(out, "ECM-05") == []


def test_ecm05_another_members_tar_does_not_enroll(tmp_path):
    out = lint(tmp_path, _ecm_approval(member="M2"), _claim([_outreach("20250705")]))
    assert tip(out, "ECM-05") == []


def test_ecm05_tar_start_earlier_than_first_monthly_line_wins(tmp_path):
    claim = _claim([_outreach("20250710"), Line("G9008", ["U1"], dos="20250801", g1=["AUTH1"])])
    out = lint(tmp_path, _ecm_approval(), claim)
    f, = only(out, "ECM-05")
    assert f["service_line"] == 1


def test_ecm05_approved_tar_in_the_ledger(tmp_path):
    ledger = str(tmp_path / "hist.ledger")
    ledger_add(tmp_path, ledger, _ecm_approval())
    out = lint(tmp_path, _claim([_outreach("20250615"), _outreach("20250702")]), ledger=ledger)
    f, = only(out, "ECM-05")
    assert f["service_line"] == 2


def test_ecm05_monthly_line_in_the_ledger(tmp_path):
    ledger = str(tmp_path / "hist.ledger")
    ledger_add(tmp_path, ledger, _claim([Line("G9008", ["U1"], dos="20250603", g1=["A"])],
                                        clm01="H1"))
    out = lint(tmp_path, _claim([_outreach("20250520"), _outreach("20250610")]), ledger=ledger)
    f, = only(out, "ECM-05")
    assert f["service_line"] == 2


# =========================================================================== ledger


def _ecm_monthly(dos, code="G9008", mods=("U1",), **kw):
    return Line(code, list(mods), charge="400.00", dos=dos, g1=["ECM1"], **kw)


@pytest.fixture
def ledger(tmp_path):
    return str(tmp_path / "history.ledger")


def _assert_line_finding(f, tip_id, clm01, line, severity="error"):
    assert (f["tip"], f["severity"], f["segment_id"]) == (tip_id, severity, "SV1")
    assert (f["claim_id"], f["service_line"]) == (clm01, line)


def test_ledger_ecm01_second_monthly_line_of_the_month(tmp_path, ledger):
    ledger_add(tmp_path, ledger, _claim([_ecm_monthly("20250603")], clm01="H1"))
    out = lint(tmp_path, _claim([_ecm_monthly("20250620", "G9012", ("U2",)),
                                 _ecm_monthly("20250703")], clm01="B1"), ledger=ledger)
    f, = only(out, "ECM-01")
    _assert_line_finding(f, "ECM-01", "B1", 1)
    assert all(f["path"] in out["_paths"] for f in out["findings"])


def test_ledger_without_ledger_same_batch_is_clean(tmp_path):
    out = lint(tmp_path, _claim([_ecm_monthly("20250620", "G9012", ("U2",))], clm01="B1"))
    assert tip(out, "ECM-01") == []


def test_ledger_history_is_never_reported(tmp_path, ledger):
    # the history itself breaks ECM-01 twice; only the batch line is reported
    ledger_add(tmp_path, ledger, _claim([_ecm_monthly("20250603"), _ecm_monthly("20250610")],
                                        clm01="H1"))
    out = lint(tmp_path, _claim([_ecm_monthly("20250615")], clm01="B1"), ledger=ledger)
    f, = only(out, "ECM-01")
    _assert_line_finding(f, "ECM-01", "B1", 1)


def test_ledger_history_counts_first_whatever_its_date(tmp_path, ledger):
    ledger_add(tmp_path, ledger, _claim([_ecm_monthly("20250625")], clm01="H1"))
    out = lint(tmp_path, _claim([_ecm_monthly("20250602")], clm01="B1"), ledger=ledger)
    f, = only(out, "ECM-01")
    _assert_line_finding(f, "ECM-01", "B1", 1)


def test_ledger_ecm03_engagement_once_per_lifetime(tmp_path, ledger):
    ledger_add(tmp_path, ledger, _claim([Line("G9012", [], charge="150.00", dos="20240105",
                                              g1=["E1"])], clm01="H1"))
    out = lint(tmp_path, _claim([Line("G9012", [], charge="150.00", dos="20250605",
                                      g1=["E1"])], clm01="B1"), ledger=ledger)
    f, = only(out, "ECM-03")
    _assert_line_finding(f, "ECM-03", "B1", 1)


def test_ledger_ecm03_other_member_not_counted(tmp_path, ledger):
    ledger_add(tmp_path, ledger, _claim([Line("G9012", [], charge="150.00", dos="20240105",
                                              g1=["E1"])], clm01="H1", member="M2"))
    out = lint(tmp_path, _claim([Line("G9012", [], charge="150.00", dos="20250605",
                                      g1=["E1"])], clm01="B1"), ledger=ledger)
    assert tip(out, "ECM-03") == []


def test_ledger_ecm04_outreach_window(tmp_path, ledger):
    ledger_add(tmp_path, ledger, _claim([_outreach(f"202506{d:02d}") for d in range(1, 6)],
                                        clm01="H1"))
    out = lint(tmp_path, _claim([_outreach("20250610"), _outreach("20250630", "G9012"),
                                 _outreach("20250706")], clm01="B1"), ledger=ledger)
    found = only(out, "ECM-04", 2)
    assert sorted(f["service_line"] for f in found) == [1, 2]
    for f in found:
        _assert_line_finding(f, "ECM-04", "B1", f["service_line"])


def test_ledger_ecm04_history_dated_after_the_batch_line(tmp_path, ledger):
    ledger_add(tmp_path, ledger, _claim([_outreach(f"202506{d:02d}") for d in range(10, 15)],
                                        clm01="H1"))
    out = lint(tmp_path, _claim([_outreach("20250601")], clm01="B1"), ledger=ledger)
    f, = only(out, "ECM-04")
    _assert_line_finding(f, "ECM-04", "B1", 1)


def test_ledger_cs01_housing_navigation_month(tmp_path, ledger):
    ledger_add(tmp_path, ledger, _claim([Line("H0043", ["U6"], charge="386.00", dos="20250603",
                                              g1=["N1"])], clm01="H1"))
    out = lint(tmp_path, _claim([Line("H2016", ["U6"], charge="386.00", dos="20250617",
                                      g1=["N1"])], clm01="B1"), ledger=ledger)
    f, = only(out, "CS-01")
    _assert_line_finding(f, "CS-01", "B1", 1)


def test_ledger_cs02_tenancy_units_per_month(tmp_path, ledger):
    ledger_add(tmp_path, ledger, _claim([Line("T2040", ["U6"], charge="444.00", units="2",
                                              dos="20250603", g1=["T1"])], clm01="H1"))
    out = lint(tmp_path, _claim([Line("T2041", ["U6"], charge="222.00", dos="20250620",
                                      g1=["T1"]),
                                 Line("T2041", ["U6"], charge="222.00", dos="20250720",
                                      g1=["T1"])], clm01="B1"), ledger=ledger)
    f, = only(out, "CS-02")
    _assert_line_finding(f, "CS-02", "B1", 1)


def test_ledger_cs03_deposit_total_warning(tmp_path, ledger):
    ledger_add(tmp_path, ledger, _claim([Line("H0044", ["U2"], charge="4000.00",
                                              dos="20250603", g1=["D1"])], clm01="H1"))
    out = lint(tmp_path, _claim([Line("H0044", ["U2"], charge="1500.00", dos="20250703",
                                      g1=["D1"])], clm01="B1"), ledger=ledger)
    f, = only(out, "CS-03")
    _assert_line_finding(f, "CS-03", "B1", 1, severity="warning")


def test_ledger_cs04_stay_starts_at_first_history_dos(tmp_path, ledger):
    ledger_add(tmp_path, ledger, _claim([Line("H0044", ["U3"], charge="108.00",
                                              dos="20250101", g1=["P1"])], clm01="H1"))
    # 2025-06-29 is 179 days after 2025-01-01 (allowed); 2025-06-30 is 180 days after
    out = lint(tmp_path, _claim([Line("H0044", ["U3"], charge="108.00", dos="20250629",
                                      g1=["P1"]),
                                 Line("H0044", ["U3"], charge="108.00", dos="20250630",
                                      g1=["P1"])], clm01="B1"), ledger=ledger)
    f, = only(out, "CS-04")
    _assert_line_finding(f, "CS-04", "B1", 2)


def test_ledger_void_in_batch_cancels_history_claim(tmp_path, ledger):
    ledger_add(tmp_path, ledger, _claim([_ecm_monthly("20250603")], clm01="H1"))
    void = Claim("H1", [_ecm_monthly("20250603")], member="M1", freq="8", f8="PCN1")
    new = Claim("B1", [_ecm_monthly("20250620", "G9012", ("U2",))], member="M1")
    out = lint(tmp_path, build_837([void, new]), ledger=ledger)
    assert tip(out, "ECM-01") == []
    assert [f for f in problems(out) if f["claim_id"] == "H1"] == []


def test_ledger_replacement_in_batch_supersedes_history_claim(tmp_path, ledger):
    ledger_add(tmp_path, ledger, _claim([_ecm_monthly("20250603")], clm01="H1"))
    repl = Claim("H1", [_ecm_monthly("20250605")], member="M1", freq="7", f8="PCN1")
    out = lint(tmp_path, build_837([repl]), ledger=ledger)
    assert tip(out, "ECM-01") == []


def test_ledger_replacement_from_another_npi_does_not_supersede(tmp_path, ledger):
    ledger_add(tmp_path, ledger, _claim([_ecm_monthly("20250603")], clm01="H1"))
    repl = Claim("H1", [_ecm_monthly("20250605")], member="M1", freq="7", f8="PCN1",
                 billing_npi=npi("111111111"))
    out = lint(tmp_path, build_837([repl]), ledger=ledger)
    f, = only(out, "ECM-01")
    _assert_line_finding(f, "ECM-01", "H1", 1)


def test_ledger_void_recorded_in_history_cancels_history(tmp_path, ledger):
    ledger_add(tmp_path, ledger, _claim([_ecm_monthly("20250603")], clm01="H1"))
    ledger_add(tmp_path, ledger, build_837([Claim("H1", [_ecm_monthly("20250603")],
                                                  member="M1", freq="8", f8="PCN1")]))
    out = lint(tmp_path, _claim([_ecm_monthly("20250620")], clm01="B1"), ledger=ledger)
    assert tip(out, "ECM-01") == []


# =========================================================================== more edges


@pytest.mark.parametrize("um02,start,ok_end,bad_end", [
    ("R", "20250831", "20260228", "20260301"),   # month-end start: last day of February
    ("I", "20240229", "20250228", "20250301"),   # leap-day start, 12 months
    ("I", "20250131", "20260131", "20260201"),
])
def test_ecmtar01_month_arithmetic_month_end_starts(tmp_path, um02, start, ok_end, bad_end):
    assert tip(lint(tmp_path, ecm_request(um02, (start, ok_end))), "ECMTAR-01") == []
    only(lint(tmp_path, ecm_request(um02, (start, bad_end))), "ECMTAR-01")


def test_cstar01_84_days_across_a_leap_february(tmp_path):
    # 2028-02-01..2028-04-24 = 29 + 31 + 24 = 84 days
    assert tip(lint(tmp_path, cs_request("S9977", ["U6"], ("20280201", "20280424"))),
               "CSTAR-01") == []
    only(lint(tmp_path, cs_request("S9977", ["U6"], ("20280201", "20280425"))), "CSTAR-01")


def test_cstar01_period_spans_all_lines(tmp_path):
    text = build_278_request(member="M1", pwk=["B4"], lines=[
        TarLine("H0043", ["U6"], period=("20250601", "20250930")),
        TarLine("H0043", ["U6"], period=("20251001", "20260131"))])
    only(lint(tmp_path, text), "CSTAR-01")


def test_ecmtar02_engagement_quantity_written_1_0_is_one(tmp_path):
    text = ecm_request("I", lines=[
        TarLine("G9008", ["U1"], units="6", period=("20250601", "20251231")),
        TarLine("G9012", [], units="1.0", period=("20250601", "20250601"))])
    assert tip(lint(tmp_path, text), "ECMTAR-02") == []


def test_ecmtar02_engagement_with_gq_is_not_engagement(tmp_path):
    text = ecm_request("I", lines=[
        TarLine("G9008", ["U1"], units="6", period=("20250601", "20251231")),
        TarLine("G9012", ["GQ"], units="1", period=("20250601", "20250601"))])
    out = lint(tmp_path, text)
    only(out, "ECMTAR-02")
    f, = only(out, "ECMTAR-03")
    assert_tar_finding(f, "ECMTAR-03", "error", "SV1", text, nth=2)


def test_ecm_tar_rules_not_asked_of_cs_tars(tmp_path):
    out = lint(tmp_path, cs_request("T2040", ["U6"], ("20250601", "20260531"), um02="E"))
    assert [f for f in out["findings"] if f["tip"] and f["tip"].startswith("ECMTAR")] == []


def test_cstar03_docs_split_between_event_and_line(tmp_path):
    clean_or_fail(lint(tmp_path, _deposit(["B4"], line_pwk=["08", "55", "77"])))


def test_cstar03_missing_docs_and_amount_are_two_findings(tmp_path):
    text = _deposit(["B4", "08"], amount="6000.00")
    found = only(lint(tmp_path, text), "CSTAR-03", 2)
    assert sorted(f["segment_id"] for f in found) == ["SV1", "UM"]
    um = next(f for f in found if f["segment_id"] == "UM")
    assert_tar_finding(um, "CSTAR-03", "error", "UM", text)
    sv1 = next(f for f in found if f["segment_id"] == "SV1")
    assert_tar_finding(sv1, "CSTAR-03", "error", "SV1", text)


def test_cstar07_referral_of_another_event_does_not_count(tmp_path):
    events = [Event([TarLine("T2040", ["U6"], period=("20250601", "20251130"))], pwk=["B4"],
                    trace="A"),
              Event([TarLine("T2040", ["U6"], period=("20250601", "20251130"))], trace="B")]
    text = build_278_request(member="M1", events=events)
    f, = only(lint(tmp_path, text), "CSTAR-07")
    assert_tar_finding(f, "CSTAR-07", "error", "UM", text, nth=2)


def test_tar_rule_without_um_points_at_the_2000e_hl(tmp_path):
    text = drop_segments(build_278_request(member="M1", lines=[
        TarLine("H0043", ["U6"], period=("20250601", "20260131"))]), "UM*")
    out = lint(tmp_path, text)
    for t in ("CSTAR-01", "CSTAR-07"):
        f, = only(out, t)
        assert (f["segment_id"], f["loop"]) == ("HL", "2000E")
        assert f["line"] == seg_line(text, "HL*", 4)


def test_cstar09_second_set_with_two_events(tmp_path):
    tx1 = transaction_278_request(member="M1", pwk=["B4"], st_control="0001",
                                  lines=[TarLine("H0043", ["U6"], period=("20250601", "20251130"))])
    tx2 = transaction_278_request(member="M2", st_control="0002", events=[
        _cs_event("T2040", "B"), _cs_event("S9470", "C")])
    text = interchange([[tx1, tx2]])
    out = lint(tmp_path, text)
    found = only(out, "CSTAR-09", 2)
    assert all(f["severity"] == "warning" for f in found)
    assert out["summary"]["tar_requests"] == 3


def test_cstar09_two_interchanges_in_one_file(tmp_path):
    a = cs_request("H0043", ["U6"], ("20250601", "20251130"))
    b = build_278_request(member="M2", pwk=["B4"], control="000000002", lines=[
        TarLine("T2040", ["U6"], period=("20250601", "20251130"))])
    f, = only(lint(tmp_path, a + b), "CSTAR-09")
    assert f["severity"] == "warning"


def test_tar_findings_point_at_their_own_file(tmp_path):
    good = cs_request("H0043", ["U6"], ("20250601", "20251130"))
    bad = cs_request("H0043", ["U6"], ("20250601", "20251130"), pwk=())
    out = lint(tmp_path, good, bad)
    f, = only(out, "CSTAR-07")
    assert f["path"] == out["_paths"][1]


@pytest.mark.parametrize("kind,claim_line,resp_kw,words", [
    ("missing", dict(g1=("NOPE",)), {}, ["NOPE"]),
    ("not-approved", {}, dict(hcr01="A3"), ["approved"]),
    ("code", dict(code="G9012", mods=("U2",)), {}, ["G9012"]),
    ("dos", dict(dos="20260303"), {}, ["2026-03-03"]),
])
def test_gen07_message_says_what_failed(tmp_path, kind, claim_line, resp_kw, words):
    f, = _gen07(lint(tmp_path, _resp(**resp_kw), _claim([_ecm_line(**claim_line)])))
    for w in words:
        assert w.lower() in f["message"].lower(), f["message"]


def test_gen07_units_per_approved_line_not_per_certification(tmp_path):
    resp = _resp(lines=[TarLine("H0043", ["U6"], units="1", period=("20250601", "20251231")),
                        TarLine("T2040", ["U6"], units="2", period=("20250601", "20251231"))])
    claim = _claim([Line("H0043", ["U6"], charge="386.00", dos="20250605", g1=["AUTH1"]),
                    Line("T2040", ["U6"], charge="444.00", units="2", dos="20250605",
                         g1=["AUTH1"])])
    assert _gen07(lint(tmp_path, resp, claim)) == []


def test_gen07_single_line_above_quantity(tmp_path):
    resp = _resp(lines=[TarLine("T2040", ["U6"], units="1", period=("20250601", "20251231"))])
    claim = _claim([Line("T2040", ["U6"], charge="444.00", units="2", dos="20250605",
                         g1=["AUTH1"])])
    f, = _gen07(lint(tmp_path, resp, claim))
    _assert_gen07(f)


def test_gen07_span_partly_outside_the_period(tmp_path):
    resp = _resp(lines=[TarLine("T2033", ["U6"], units="90", period=("20250601", "20251231"))])
    out_ = _claim([Line("T2033", ["U6"], charge="1428.00", units="7",
                        dos=("20251228", "20260103"), g1=["AUTH1"])])
    f, = _gen07(lint(tmp_path, resp, out_))
    _assert_gen07(f)
    in_ = _claim([Line("T2033", ["U6"], charge="1428.00", units="7",
                       dos=("20251220", "20251226"), g1=["AUTH1"])])
    assert _gen07(lint(tmp_path, resp, in_)) == []


def test_gen07_lines_needing_no_tar_get_none(tmp_path):
    claim = _claim([Line("G9008", ["U8"], charge="5.00", dos="20250505"),
                    Line("G9007", [], charge="0.04", units="4", dos="20250605")])
    assert _gen07(lint(tmp_path, _resp(), claim)) == []


def test_ecm05_earliest_line_of_the_approved_tar_is_its_start(tmp_path):
    resp = build_278_response(member="M1", cert="AUTH1", lines=[
        TarLine("G9008", ["U1"], units="6", period=("20250701", "20251231")),
        TarLine("G9012", [], units="1", period=("20250620", "20250620"))])
    out = lint(tmp_path, resp, _claim([_outreach("20250619"), _outreach("20250625")]))
    f, = only(out, "ECM-05")
    assert f["service_line"] == 2


def test_ecm05_cs_tar_is_not_ecm_enrollment(tmp_path):
    resp = build_278_response(member="M1", cert="AUTH1", lines=[
        TarLine("H0043", ["U6"], units="6", period=("20250601", "20251231"))])
    assert tip(lint(tmp_path, resp, _claim([_outreach("20250705")])), "ECM-05") == []


def test_ecm05_tar_from_event_dates_when_lines_have_none(tmp_path):
    resp = drop_segments(build_278_response(
        member="M1", cert="AUTH1", event_period=("20250701", "20251231"),
        lines=[TarLine("G9008", ["U1"], units="6")]), "DTP*472")
    f, = only(lint(tmp_path, resp, _claim([_outreach("20250620"), _outreach("20250705")])),
              "ECM-05")
    assert f["service_line"] == 2


def test_ecm05_history_outreach_is_never_reported(tmp_path, ledger):
    ledger_add(tmp_path, ledger, _claim([_outreach("20250705")], clm01="H1"))
    out = lint(tmp_path, _ecm_approval(), ledger=ledger)
    assert problems(out) == []


def test_ledger_ecm04_spec_example_day_6_and_day_31(tmp_path, ledger):
    ledger_add(tmp_path, ledger, _claim([_outreach(f"202506{d:02d}") for d in range(1, 6)],
                                        clm01="H1"))
    out = lint(tmp_path, _claim([_outreach("20250606"), _outreach("20250701")], clm01="B1"),
               ledger=ledger)
    found = only(out, "ECM-04", 2)
    assert sorted(f["service_line"] for f in found) == [1, 2]


def test_ledger_cs05_run_continues_from_history(tmp_path, ledger):
    ledger_add(tmp_path, ledger, _claim([Line("T2033", ["U6"], charge="17340.00", units="85",
                                              dos=("20250601", "20250824"), g1=["R1"])],
                                        clm01="H1"))

    def batch(frm, to, n):
        return _claim([Line("T2033", ["U6"], charge=f"{204 * n}.00", units=str(n),
                            dos=(frm, to), g1=["R1"])], clm01="B1")
    f, = only(lint(tmp_path, batch("20250825", "20250830", 6), ledger=ledger), "CS-05")
    _assert_line_finding(f, "CS-05", "B1", 1)
    assert tip(lint(tmp_path, batch("20250825", "20250829", 5), ledger=ledger), "CS-05") == []
    assert tip(lint(tmp_path, batch("20250826", "20250831", 6), ledger=ledger), "CS-05") == []


@pytest.mark.parametrize("code,units,charge,tip_id", [
    ("H0014", "1", "170.00", "CS-09"), ("T2020", "3", "21.00", "CS-08"),
    ("S5170", "2", "0.00", "CS-06")])
def test_ledger_per_day_caps(tmp_path, ledger, code, units, charge, tip_id):
    hist_units = {"H0014": "1", "T2020": "6", "S5170": "1"}[code]
    ledger_add(tmp_path, ledger, _claim([Line(code, ["U6"], charge=charge,
                                              units=hist_units, dos="20250603", g1=["S1"])],
                                        clm01="H1"))
    out = lint(tmp_path, _claim([Line(code, ["U6"], charge=charge, units=units, dos="20250603",
                                      g1=["S1"]),
                                 Line(code, ["U6"], charge=charge, units=units, dos="20250604",
                                      g1=["S1"])], clm01="B1"), ledger=ledger)
    f, = only(out, tip_id)
    _assert_line_finding(f, tip_id, "B1", 1)


def test_ledger_cs07_grocery_window_with_history(tmp_path, ledger):
    ledger_add(tmp_path, ledger, _claim([Line("S9977", ["U6"], charge="66.00", dos="20250610",
                                              g1=["G1"])], clm01="H1"))
    out = lint(tmp_path, _claim([Line("S9977", ["U6"], charge="66.00", dos="20250604",
                                      g1=["G1"]),
                                 Line("S9977", ["U6"], charge="66.00", dos="20250617",
                                      g1=["G1"])], clm01="B1"), ledger=ledger)
    f, = only(out, "CS-07")
    _assert_line_finding(f, "CS-07", "B1", 1)


def test_ledger_replacement_recorded_in_history(tmp_path, ledger):
    ledger_add(tmp_path, ledger, _claim([_ecm_monthly("20250603")], clm01="H1"))
    ledger_add(tmp_path, ledger, build_837([Claim("H1", [_ecm_monthly("20250703")],
                                                  member="M1", freq="7", f8="PCN1")]))
    assert tip(lint(tmp_path, _claim([_ecm_monthly("20250620")], clm01="B1"), ledger=ledger),
               "ECM-01") == []
    f, = only(lint(tmp_path, _claim([_ecm_monthly("20250720")], clm01="B2"), ledger=ledger),
              "ECM-01")
    _assert_line_finding(f, "ECM-01", "B2", 1)


def test_ledger_batch_replacement_moving_into_a_taken_month(tmp_path, ledger):
    ledger_add(tmp_path, ledger, build_837([Claim("H1", [_ecm_monthly("20250603")], member="M1"),
                                            Claim("H2", [_ecm_monthly("20250703")], member="M1")]))
    repl = Claim("H1", [_ecm_monthly("20250710")], member="M1", freq="7", f8="PCN1")
    f, = only(lint(tmp_path, build_837([repl]), ledger=ledger), "ECM-01")
    _assert_line_finding(f, "ECM-01", "H1", 1)


def test_batch_superseded_claim_keeps_line_findings_but_counts_nowhere(tmp_path):
    orig = Claim("C1", [Line("G9008", ["U1"], charge="800.00", units="2", dos="20250603",
                             g1=["E"])], member="M1")
    repl = Claim("C1", [_ecm_monthly("20250610")], member="M1", freq="7", f8="PCN1")
    out = lint(tmp_path, build_837([orig, repl]))
    assert tip(out, "ECM-01") == []
    f, = only(out, "ECM-02")
    _assert_line_finding(f, "ECM-02", "C1", 1)


def test_ledger_void_in_batch_gets_no_findings(tmp_path, ledger):
    ledger_add(tmp_path, ledger, _claim([_ecm_monthly("20250603")], clm01="H1"))
    void = Claim("H1", [Line("G9008", ["U1"], charge="1.00", units="2",
                             dos=("20250603", "20250605"))], member="M1", freq="8", f8="PCN1")
    out = lint(tmp_path, build_837([void]), ledger=ledger)
    assert [f for f in out["findings"] if f["tip"]] == []


def _nav(dos, clm01="C1", **kw):
    return Claim(clm01, [Line("H0043", ["U6"], charge="386.00", dos=dos, g1=["AUTH1"])],
                 member="M1", **kw)


def _nav_resp(qty="1"):
    return _resp(lines=[TarLine("H0043", ["U6"], units=qty, period=("20250601", "20251231"))])


@pytest.mark.parametrize("order", ["ab", "ba"])
def test_gen07_same_dos_ties_follow_command_line_order(tmp_path, order):
    files = {"a": build_837([_nav("20250605", "A1")]), "b": build_837([_nav("20250605", "B1")])}
    out = lint(tmp_path, _nav_resp(), files[order[0]], files[order[1]])
    f, = _gen07(out)
    _assert_gen07(f, order[1].upper() + "1", 1)
    assert f["path"] == out["_paths"][2]


def test_gen07_superseded_line_uses_no_quantity(tmp_path):
    claims = build_837([_nav("20250605"), _nav("20250606", freq="7", f8="PCN1")])
    assert _gen07(lint(tmp_path, _nav_resp(), claims)) == []


def test_gen07_ledger_claim_replaced_in_batch_uses_no_quantity(tmp_path, ledger):
    ledger_add(tmp_path, ledger, _nav_resp(), build_837([_nav("20250605")]))
    out = lint(tmp_path, build_837([_nav("20250606", freq="7", f8="PCN1")]), ledger=ledger)
    assert _gen07(out) == []
    out = lint(tmp_path, build_837([_nav("20250706", "C2")]), ledger=ledger)
    f, = _gen07(out)
    _assert_gen07(f, "C2", 1)


def test_gen07_ledger_claim_voided_in_batch_frees_the_quantity(tmp_path, ledger):
    ledger_add(tmp_path, ledger, _nav_resp(), build_837([_nav("20250605")]))
    out = lint(tmp_path, build_837([_nav("20250605", freq="8", f8="PCN1"),
                                    _nav("20250705", "C2")]), ledger=ledger)
    assert problems(out) == []


def test_ecm05_void_and_superseded_monthly_lines_do_not_enroll(tmp_path):
    monthly = Line("G9008", ["U1"], dos="20250601", g1=["E"])
    void = build_837([Claim("C1", [monthly], member="M1", freq="8", f8="P"),
                      Claim("C2", [_outreach("20250610")], member="M1")])
    assert tip(lint(tmp_path, void), "ECM-05") == []


def test_gen07_code_table_has_no_start_date(tmp_path):
    resp = _resp(lines=[TarLine("G9008", ["U1"], units="6", period=("20230601", "20231231"))])
    f, = _gen07(lint(tmp_path, resp, _claim([_ecm_line(dos="20230603", g1=("NOPE",))])))
    _assert_gen07(f)


def test_ecm05_code_table_has_no_start_date(tmp_path):
    out = lint(tmp_path, _ecm_approval(start="20230701").replace("20251231", "20231231"),
               _claim([_outreach("20230705")]))
    only(out, "ECM-05")
