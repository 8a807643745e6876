"""The ledger (edi_lint/ledger): history recorded by `ledger add`, counted by `check --ledger`.

Every limit across files: the first file is recorded with `edi-lint ledger add`, the second
is checked against the ledger; the finding lands on the second file's line (exact rule, claim,
service line, segment) and does not without the ledger. Then what ``load_into`` hands the
rules (history facts and responses), idempotency, voids and replacements in the ledger and
in the batch, bulk look-ups, one snapshot per check, schema versions.

Every test runs on both backends (``ledger_target`` in conftest.py: an SQLite file, and a
PostgreSQL schema when a server answers): the rules must not tell which one they read.
"""
from __future__ import annotations

import sqlite3
from datetime import date

import pytest
from click.testing import CliRunner

from edi_lint.cli import main
from edi_lint.engine import Linter, Options, UsageError, lint
from edi_lint.ledger import open_ledger, pg_schema, schema
from edi_lint.ledger.record import HistoryTarResponse
from edi_lint.model.tars import TarResponse
from edi_lint.rules.registry import get
from edi_lint.testing import x12build as xb

NPI = xb.DEFAULT_NPI


# --------------------------------------------------------------------------- helpers


def claim(clm01, code, mods=(), dos="20250603", member="M1", units="1", charge=None, g1=None,
          freq="1", **kw):
    rates = {"G9008": "400.00", "G9012": "400.00" if mods else "150.00", "T2040": "222.00",
             "T2041": "222.00", "H0043": "386.00", "H2016": "386.00", "S9977": "66.00"}
    if mods and "U8" in mods:
        rates["G9008"] = rates["G9012"] = "5.00"
    if charge is None:
        charge = f"{float(rates.get(code, '1.00')) * float(units):.2f}"
    return xb.Claim(clm01, [xb.Line(code, mods, charge=charge, units=units, dos=dos,
                                    g1=[g1] if g1 else [])], member=member, freq=freq, **kw)


@pytest.fixture
def files(tmp_path):
    """files("a", claims...) -> path of an 837P file holding the claims."""
    def make(name, *claims, text=None):
        path = tmp_path / f"{name}.x12"
        path.write_text(text if text is not None else xb.build_837(list(claims)))
        return str(path)
    return make


@pytest.fixture
def ledger(ledger_target):
    """The test's ledger: an SQLite path or a PostgreSQL URL (conftest.py)."""
    return ledger_target


def is_pg(target) -> bool:
    return target.startswith("postgresql://")


class Traced:
    """Stands in for a ledger's connection: logs every statement its cursors run and calls
    ``after(statement)`` once each has run (both backends use ``conn.cursor()``)."""

    def __init__(self, conn, after=None):
        self._conn, self.after, self.statements = conn, after, []

    def cursor(self, *args, **kwargs):
        return _TracedCursor(self._conn.cursor(*args, **kwargs), self)

    def __getattr__(self, name):
        return getattr(self._conn, name)


class _TracedCursor:
    def __init__(self, cursor, owner):
        self._cursor, self._owner = cursor, owner

    def execute(self, statement, *args, **kwargs):
        result = self._cursor.execute(statement, *args, **kwargs)
        self._owner.statements.append(str(statement))
        if self._owner.after is not None:
            self._owner.after(str(statement))
        return result

    def __getattr__(self, name):
        return getattr(self._cursor, name)


def record(ledger_path, *paths):
    result = CliRunner().invoke(main, ["ledger", "add", "--ledger", ledger_path, *paths])
    assert result.exit_code == 0, result.output
    return result.output


def findings(paths, ledger_path=None, codes=None):
    result = lint(list(paths), Options(ledger=ledger_path))
    return [(f.rule, f.claim_id, f.service_line, f.segment_id) for f in result.findings
            if codes is None or f.rule in codes]


def loaded(paths, ledger_path):
    """The batch of a check of ``paths`` against the ledger, after ``load_into``."""
    linter = Linter(Options(ledger=ledger_path))
    linter.run(list(paths))
    return linter.ctx.batch


# --------------------------------------------------------------------------- limits across files


def test_ecm01_second_monthly_line_of_the_month_in_a_later_file(files, ledger):
    first = files("june1", claim("C100", "G9008", ["U1"], "20250603", g1="ECM1"))
    second = files("june2", claim("C200", "G9012", ["U2"], "20250620", g1="ECM1"))
    record(ledger, first)
    assert findings([second], codes={"B101"}) == []
    assert findings([second], ledger, codes={"B101"}) == [("B101", "C200", 1, "SV1")]


def test_ecm01_message_names_the_ledger_line_not_the_member(files, ledger):
    record(ledger, files("a", claim("C100", "G9008", ["U1"], "20250603", member="MBRSECRET")))
    second = files("b", claim("C200", "G9012", ["U2"], "20250620", member="MBRSECRET"))
    result = lint([second], Options(ledger=ledger))
    messages = [f.message for f in result.findings if f.rule == "B101"]
    assert len(messages) == 1 and "MBRSECRET" not in messages[0]


def test_ecm03_engagement_recorded_earlier(files, ledger):
    record(ledger, files("a", claim("C100", "G9012", [], "20250301", g1="ECM1")))
    second = files("b", claim("C200", "G9012", [], "20250610", g1="ECM1"))
    assert findings([second], codes={"B103"}) == []
    assert findings([second], ledger, codes={"B103"}) == [("B103", "C200", 1, "SV1")]


def test_ecm04_outreach_window_spans_files(files, ledger):
    first = files("a", *[claim(f"C10{d}", "G9008", ["U8"], f"2025060{d}") for d in range(1, 5)])
    second = files("b", claim("C205", "G9012", ["U8"], "20250605"),
                   claim("C206", "G9008", ["U8"], "20250606"))
    record(ledger, first)
    assert findings([second], codes={"B104"}) == []
    assert findings([second], ledger, codes={"B104"}) == [("B104", "C206", 1, "SV1")]


def test_ecm04_ledger_lines_dated_after_the_batch_count_too(files, ledger):
    # History counts first whatever its dates (billing-rules.md §9).
    record(ledger, files("a", *[claim(f"C1{d}", "G9008", ["U8"], f"2025061{d}")
                               for d in range(0, 5)]))
    second = files("b", claim("C200", "G9008", ["U8"], "20250601"))
    assert findings([second], ledger, codes={"B104"}) == [("B104", "C200", 1, "SV1")]


def test_ecm05_enrollment_from_the_ledger(files, ledger):
    record(ledger, files("a", claim("C100", "G9008", ["U1"], "20250501", g1="ECM1")))
    second = files("b", claim("C200", "G9008", ["U8"], "20250610"))
    assert findings([second], codes={"B105"}) == []
    assert findings([second], ledger, codes={"B105"}) == [("B105", "C200", 1, "SV1")]


def test_cs01_housing_navigation_once_a_month_across_files(files, ledger):
    record(ledger, files("a", claim("C100", "H0043", ["U6"], "20250602", g1="CS1")))
    second = files("b", claim("C200", "H2016", ["U6"], "20250616", g1="CS1"))
    assert findings([second], codes={"B201"}) == []
    assert findings([second], ledger, codes={"B201"}) == [("B201", "C200", 1, "SV1")]


def test_cs02_tenancy_units_across_files(files, ledger):
    record(ledger, files("a", claim("C100", "T2040", ["U6"], "20250603", units="2", g1="CS1")))
    second = files("b", claim("C200", "T2041", ["U6"], "20250615", g1="CS1"),
                   claim("C201", "T2041", ["U6"], "20250715", g1="CS1"))
    assert findings([second], codes={"B202"}) == []
    assert findings([second], ledger, codes={"B202"}) == [("B202", "C200", 1, "SV1")]


def test_cs07_grocery_box_window_spans_files(files, ledger):
    record(ledger, files("a", claim("C100", "S9977", ["U6"], "20250603", g1="CS1")))
    second = files("b", claim("C200", "S9977", ["U6"], "20250606", g1="CS1"),
                   claim("C201", "S9977", ["U6"], "20250613", g1="CS1"))
    assert findings([second], ledger, codes={"B207"}) == [("B207", "C200", 1, "SV1")]


def test_gen07_tar_recorded_earlier(files, ledger, tmp_path):
    tar = tmp_path / "tar.x12"
    tar.write_text(xb.build_278_response(
        member="M1", cert="CS1", event_period=("20250601", "20251130"),
        lines=[xb.TarLine("T2040", ["U6"], units="2", period=("20250601", "20251130"))]))
    record(ledger, str(tar))
    ok = files("ok", claim("C200", "T2040", ["U6"], "20250605", g1="CS1"))
    unknown = files("unknown", claim("C201", "T2040", ["U6"], "20250605", g1="CS9"))
    late = files("late", claim("C202", "T2040", ["U6"], "20251215", g1="CS1"))
    # without the ledger no TAR data is known for the member: GEN-07 is silent
    assert findings([unknown], codes={"B307"}) == []
    assert findings([ok], ledger, codes={"B307"}) == []
    assert findings([unknown], ledger, codes={"B307"}) == [("B307", "C201", 1, "SV1")]
    assert findings([late], ledger, codes={"B307"}) == [("B307", "C202", 1, "SV1")]


def test_gen07_units_billed_earlier_count_against_the_approved_quantity(files, ledger, tmp_path):
    tar = tmp_path / "tar.x12"
    tar.write_text(xb.build_278_response(
        member="M1", cert="CS1",
        lines=[xb.TarLine("T2040", ["U6"], units="2", period=("20250601", "20251130"))]))
    record(ledger, str(tar), files("may", claim("C100", "T2040", ["U6"], "20250605", units="2",
                                               g1="CS1")))
    second = files("b", claim("C200", "T2040", ["U6"], "20250705", g1="CS1"))
    assert findings([second], ledger, codes={"B307"}) == [("B307", "C200", 1, "SV1")]


# Every other limit of the spec, the same way: (rule, recorded claims, checked claims, expected
# findings on the checked file). Units and dates chosen so that the checked file alone passes.
CROSS_FILE = [
    ("B203", [claim("C100", "H0044", ["U2"], "20250301", charge="3000.00", g1="CS1")],
     [claim("C200", "H0044", ["U2"], "20250610", charge="2500.00", g1="CS1")],
     [("B203", "C200", 1, "SV1")]),
    ("B204", [claim("C100", "H0044", ["U3"], "20250101", charge="108.00", g1="CS1")],
     [claim("C200", "H0044", ["U3"], "20250701", charge="108.00", g1="CS1")],
     [("B204", "C200", 1, "SV1")]),
    ("B205", [xb.Claim("C100", [xb.Line("T2033", ["U6"], charge="18360.00", units="90",
                                        dos=("20250601", "20250829"), g1=["CS1"])],
                       member="M1")],
     [claim("C200", "T2033", ["U6"], "20250830", charge="204.00", g1="CS1")],
     [("B205", "C200", 1, "SV1")]),
    ("B206", [claim("C100", "S5170", ["U6"], "20250603", units="2", charge="20.00", g1="CS1")],
     [claim("C200", "S5170", ["U6"], "20250603", charge="10.00", g1="CS1")],
     [("B206", "C200", 1, "SV1")]),
    ("B208", [claim("C100", "T2020", ["U6"], "20250603", units="8", charge="56.00", g1="CS1")],
     [claim("C200", "T2020", ["U6"], "20250603", charge="7.00", g1="CS1")],
     [("B208", "C200", 1, "SV1")]),
    ("B209", [claim("C100", "H0014", ["U6"], "20250603", charge="170.00", g1="CS1")],
     [claim("C200", "H0014", ["U6"], "20250603", charge="170.00", g1="CS1")],
     [("B209", "C200", 1, "SV1")]),
    ("B211", [claim("C100", "S5170", ["U6"], "20250603", units="2", charge="20.00", g1="CS1")],
     [claim("C200", "S9977", ["U6"], "20250620", g1="CS1")],
     [("B211", "C200", 1, "SV1")]),
]


@pytest.mark.parametrize("rule, recorded, checked, expected", CROSS_FILE,
                         ids=[case[0] for case in CROSS_FILE])
def test_limit_counts_the_ledger(files, ledger, rule, recorded, checked, expected):
    assert get(rule) is not None, f"rule {rule} is not registered"
    record(ledger, files("recorded", *recorded))
    second = files("checked", *checked)
    assert findings([second], codes={rule}) == []
    assert findings([second], ledger, codes={rule}) == expected


# --------------------------------------------------------------------------- what load_into gives


def test_history_facts_are_the_recorded_lines(files, ledger):
    first = files("a", xb.Claim("C100", [
        xb.Line("G9008", ["GQ", "U1"], dos="20250603", g1=["L1"]),
        xb.Line("T2040", ["U6"], charge="444.00", units="2", dos=("20250610", "20250611")),
        xb.Line("99213", [], charge="80.00", dos="20250603"),  # not in the profile: left out
    ], member="M1", g1="CLAIMG1"))
    record(ledger, first)
    batch = loaded([files("b", claim("C200", "G9012", ["U2"], "20250720", member="M1"))], ledger)
    assert [(f.member, f.code, f.modifier_set, f.label, f.group, f.dos_from, f.dos_to, f.units,
             f.charge_cents, f.unit_basis, f.claim_key, f.claim_id, f.frequency, f.order,
             f.authorizations, f.loc, f.status, f.service_line, f.from_ledger)
            for f in batch.history] == [
        ("M1", "G9008", frozenset({"U1", "GQ"}), "G9008-GQ-U1", "ecm-monthly", date(2025, 6, 3),
         date(2025, 6, 3), 1.0, 40000, "UN", (NPI, "C100"), "C100", "1", (-1, 0), ("L1",), None,
         "active", 1, True),
        ("M1", "T2040", frozenset({"U6"}), "T2040-U6", "cs-housing-tenancy", date(2025, 6, 10),
         date(2025, 6, 11), 2.0, 44400, "UN", (NPI, "C100"), "C100", "1", (-1, 1), ("CLAIMG1",),
         None, "active", 2, True),
    ]


def test_history_only_for_the_batch_members(files, ledger):
    record(ledger, files("a", claim("C1", "G9008", ["U1"], member="M1"),
                         claim("C2", "G9008", ["U1"], member="M2"),
                         claim("C3", "G9008", ["U1"], member="M3")))
    batch = loaded([files("b", claim("C9", "G9012", ["U2"], "20250720", member="M2"))], ledger)
    assert [(f.member, f.claim_id) for f in batch.history] == [("M2", "C2")]


def test_history_in_dos_order_then_recording_order(files, ledger):
    record(ledger, files("a", claim("C1", "G9008", ["U8"], "20250610"),
                         claim("C2", "G9008", ["U8"], "20250601")))
    record(ledger, files("b", claim("C3", "G9008", ["U8"], "20250605"),
                         claim("C4", "G9008", ["U8"], "20250601")))
    batch = loaded([files("c", claim("C9", "G9012", ["U8"], "20250720"))], ledger)
    assert [f.claim_id for f in batch.history] == ["C2", "C4", "C3", "C1"]
    assert [f.order for f in batch.history] == [(-1, 0), (-1, 1), (-1, 2), (-1, 3)]


def test_history_responses_offer_the_tar_response_attributes(files, ledger, tmp_path):
    tar = tmp_path / "tar.x12"
    tar.write_text(xb.build_278_response(
        member="M1", cert="ECM1", hcr01="A1", um02="R", event_period=("20250601", "20251231"),
        lines=[xb.TarLine("G9008", ["U1"], units="6", period=("20250601", "20251231")),
               xb.TarLine("G9012", [], units="", hsd="1", hcr01="A3", cert="ECM1X",
                          period="20250601")]))
    record(ledger, str(tar))
    batch = loaded([files("b", claim("C9", "G9008", ["U1"], "20250720", g1="ECM1"))], ledger)
    [r] = batch.history_responses
    assert isinstance(r, TarResponse) and isinstance(r, HistoryTarResponse) and r.from_ledger
    assert (r.member, r.hcr01, r.hcr02, r.um01, r.um02) == ("M1", "A1", "ECM1", "HS", "R")
    assert r.covered_period == (date(2025, 6, 1), date(2025, 12, 31))
    assert r.dates == {"AAH": (date(2025, 6, 1), date(2025, 12, 31))}
    s1, s2 = r.services
    assert (s1.code, s1.modifier_set, s1.label, s1.hcr01, s1.hcr02, s1.units, s1.hsd_quantity,
            s1.quantity, s1.period) == (
        "G9008", frozenset({"U1"}), "G9008-U1", "A1", "ECM1", 6.0, None, 6.0,
        (date(2025, 6, 1), date(2025, 12, 31)))
    assert (s2.code, s2.modifier_set, s2.hcr01, s2.hcr02, s2.units, s2.hsd_quantity, s2.quantity,
            s2.period) == ("G9012", frozenset(), "A3", "ECM1X", None, 1.0, 1.0,
                           (date(2025, 6, 1), date(2025, 6, 1)))
    if hasattr(r, "authorizations"):
        assert [(a.cert, a.hcr01, a.quantity) for a in r.authorizations()] == [
            ("ECM1", "A1", 6.0), ("ECM1X", "A3", 1.0)]


def test_a_batch_response_already_recorded_is_not_history_too(ledger, tmp_path):
    tar = tmp_path / "tar.x12"
    tar.write_text(xb.build_278_response(member="M1", cert="CS1", lines=[
        xb.TarLine("T2040", ["U6"], units="2")]))
    record(ledger, str(tar))
    claim_file = tmp_path / "c.x12"
    claim_file.write_text(xb.build_837([claim("C1", "T2040", ["U6"], g1="CS1")]))
    assert len(loaded([str(claim_file)], ledger).history_responses) == 1
    assert loaded([str(tar), str(claim_file)], ledger).history_responses == []


# --------------------------------------------------------------------------- idempotency


def test_adding_the_same_file_twice_records_nothing_new(files, ledger):
    first = files("a", claim("C1", "G9008", ["U1"]), claim("C2", "T2040", ["U6"], units="2"))
    assert record(ledger, first).strip() == (
        "recorded 2 lines of 2 claims and 0 TAR responses from 1 file (0 already recorded)")
    assert record(ledger, first).strip() == (
        "recorded 0 lines of 0 claims and 0 TAR responses from 1 file (2 already recorded)")
    with open_ledger(ledger) as led:
        stats = led.stats()
    assert (stats["claims"], stats["lines"], stats["adds"]) == (2, 2, 1)


def test_same_content_written_differently_is_the_same_claim(files, ledger):
    record(ledger, files("a", claim("C1", "G9008", ["GQ", "U1"], charge="400.00")))
    again = files("b", text=xb.build_837([claim("C1", "G9008", ["U1", "GQ"], charge="400")],
                                         delims=xb.Delims("|", ">", "^", "~", "\r\n")))
    assert "(1 already recorded)" in record(ledger, again)


def test_same_clm01_other_content_is_another_claim(files, ledger):
    record(ledger, files("a", claim("C1", "G9008", ["U1"], "20250603")))
    assert "recorded 1 line of 1 claim" in record(ledger, files("b", claim("C1", "G9008", ["U1"],
                                                                           "20250703")))


def test_responses_are_idempotent_too(ledger, tmp_path):
    tar = tmp_path / "tar.x12"
    tar.write_text(xb.build_278_response(member="M1", cert="CS1", lines=[
        xb.TarLine("T2040", ["U6"], units="2")]))
    assert "and 1 TAR response from 1 file (0 already" in record(ledger, str(tar))
    assert "and 0 TAR responses from 1 file (1 already" in record(ledger, str(tar))


def test_rechecking_a_recorded_file_gives_no_new_findings(files, ledger):
    first = files("a", claim("C100", "G9008", ["U1"], "20250603", g1="ECM1"),
                  claim("C101", "G9012", [], "20250604", g1="ECM1"),
                  *[claim(f"C11{d}", "G9008", ["U8"], f"2025050{d}") for d in range(1, 8)])
    second = files("b", claim("C200", "G9012", ["U2"], "20250620", g1="ECM1"))
    alone = findings([first])
    assert any(code == "B104" for code, *_ in alone)
    record(ledger, first)
    assert findings([first], ledger) == alone
    assert "(9 already recorded)" in record(ledger, first, second)
    # both files recorded: checking them again as one batch is checking them without history
    assert findings([first, second], ledger) == findings([first, second])
    # the later file alone: the first file's June line is history
    assert findings([second], ledger, codes={"B101"}) == [("B101", "C200", 1, "SV1")]


# --------------------------------------------------------------------------- voids and replacements


def test_void_recorded_in_the_ledger_cancels_the_recorded_claim(files, ledger):
    record(ledger, files("a", claim("C100", "G9008", ["U1"], "20250603")))
    out = record(ledger, files("void", claim("C100", "G9008", ["U1"], "20250603", freq="8")))
    assert out.strip().endswith("; 0 earlier claims superseded, 1 voided")
    second = files("b", claim("C200", "G9012", ["U2"], "20250620"))
    batch = loaded([second], ledger)
    assert sorted((f.claim_id, f.frequency, f.status) for f in batch.history) == [
        ("C100", "1", "void"), ("C100", "8", "void")]
    assert findings([second], ledger, codes={"B101"}) == []
    with open_ledger(ledger) as led:
        assert {c["frequency"]: c["status"] for c in led.find_claims(clm01="C100")} == {
            "1": "void", "8": "void"}


def test_replacement_recorded_in_the_ledger_supersedes_the_recorded_claim(files, ledger):
    record(ledger, files("a", claim("C100", "G9008", ["U1"], "20250603")))
    out = record(ledger, files("repl", claim("C100", "G9008", ["U1"], "20250703", freq="7")))
    assert out.strip().endswith("; 1 earlier claim superseded, 0 voided")
    june = files("june", claim("C200", "G9012", ["U2"], "20250620"))
    july = files("july", claim("C201", "G9012", ["U2"], "20250720"))
    assert sorted((f.frequency, f.status) for f in loaded([june], ledger).history) == [
        ("1", "superseded"), ("7", "active")]
    assert findings([june], ledger, codes={"B101"}) == []
    assert findings([july], ledger, codes={"B101"}) == [("B101", "C201", 1, "SV1")]


def test_one_add_holding_a_claim_its_replacement_and_a_duplicate(files, ledger):
    original = claim("C100", "G9008", ["U1"], "20250603")
    out = record(ledger, files("a", original, original),
                 files("b", claim("C100", "G9008", ["U1"], "20250605", freq="7")))
    assert out.strip() == ("recorded 2 lines of 2 claims and 0 TAR responses from 2 files"
                           " (1 already recorded); 1 earlier claim superseded, 0 voided")
    with open_ledger(ledger) as led:
        assert [(c["frequency"], c["status"], c["status_by"])
                for c in led.find_claims(clm01="C100")] == [("1", "superseded", 2),
                                                            ("7", "active", None)]


def test_replacement_only_touches_the_same_billing_npi(files, ledger):
    other = xb.npi("987654321")
    record(ledger, files("a", claim("C100", "G9008", ["U1"], "20250603", billing_npi=other)))
    record(ledger, files("repl", claim("C100", "G9008", ["U1"], "20250703", freq="7")))
    with open_ledger(ledger) as led:
        assert [c["status"] for c in led.find_claims(clm01="C100")] == ["active", "active"]


def test_void_in_the_batch_cancels_the_recorded_claim(files, ledger):
    record(ledger, files("a", claim("C100", "G9008", ["U1"], "20250603")))
    batch_file = files("b", claim("C100", "G9008", ["U1"], "20250603", freq="8"),
                       claim("C200", "G9012", ["U2"], "20250620"))
    assert [(f.claim_id, f.status) for f in loaded([batch_file], ledger).history] == [
        ("C100", "void")]
    assert findings([batch_file], ledger, codes={"B101"}) == []


def test_replacement_in_the_batch_supersedes_the_recorded_claim(files, ledger):
    record(ledger, files("a", claim("C100", "G9008", ["U1"], "20250603")))
    batch_file = files("b", claim("C100", "G9012", ["U2"], "20250620", freq="7"))
    assert [(f.claim_id, f.status) for f in loaded([batch_file], ledger).history] == [
        ("C100", "superseded")]
    assert findings([batch_file], ledger, codes={"B101"}) == []
    # the replacement counts: a second monthly line in June is flagged
    both = files("c", claim("C100", "G9012", ["U2"], "20250620", freq="7"),
                 claim("C300", "G9008", ["U1"], "20250625"))
    assert findings([both], ledger, codes={"B101"}) == [("B101", "C300", 1, "SV1")]


def test_replacement_in_the_batch_leaves_other_billing_npis_alone(files, ledger):
    other = xb.npi("987654321")
    record(ledger, files("a", claim("C100", "G9008", ["U1"], "20250603", billing_npi=other)))
    batch_file = files("b", claim("C100", "G9012", ["U2"], "20250620", freq="7"))
    assert [f.status for f in loaded([batch_file], ledger).history] == ["active"]


def test_rechecking_an_original_the_ledger_knows_as_replaced(files, ledger):
    original = files("a", claim("C100", "G9008", ["U1"], "20250603"))
    record(ledger, original)
    record(ledger, files("repl", claim("C100", "G9008", ["U1"], "20250605", freq="7")))
    batch = loaded([original], ledger)
    # the recorded original is the batch claim itself (left out); its replacement counts
    assert [(f.frequency, f.status) for f in batch.history] == [("7", "active")]
    # and the batch's copy of the original is superseded, as the ledger knows
    assert [(f.claim_id, f.status) for f in batch.lines] == [("C100", "superseded")]
    assert findings([original], ledger, codes={"B101"}) == []


def test_rechecking_a_recorded_replacement_does_not_supersede_later_ones(files, ledger):
    record(ledger, files("a", claim("C100", "G9008", ["U1"], "20250603")))
    first_repl = files("r1", claim("C100", "G9008", ["U1"], "20250604", freq="7"))
    record(ledger, first_repl)
    record(ledger, files("r2", claim("C100", "G9008", ["U1"], "20250605", freq="7")))
    batch = loaded([first_repl], ledger)
    assert sorted((f.dos_from.day, f.status) for f in batch.history) == [
        (3, "superseded"), (5, "active")]
    assert [f.status for f in batch.lines] == ["superseded"]


def test_a_replacement_recorded_before_its_original(files, ledger):
    """Defined outcome: a replacement or void acts on the claims of its billing NPI and CLM01
    recorded BEFORE it (recording order is the ledger's only clock). An original recorded
    after its replacement stays active until a later replacement or void of that key."""
    out = record(ledger, files("repl", claim("C100", "G9008", ["U1"], "20250605", freq="7")))
    assert out.strip().endswith("(0 already recorded)")  # nothing earlier to supersede
    out = record(ledger, files("orig", claim("C100", "G9008", ["U1"], "20250603")))
    assert out.strip().endswith("(0 already recorded)")
    with open_ledger(ledger) as led:
        assert [(c["frequency"], c["status"], c["status_by"])
                for c in led.find_claims(clm01="C100")] == [("7", "active", None),
                                                            ("1", "active", None)]
    out = record(ledger, files("void", claim("C100", "G9008", ["U1"], "20250605", freq="8")))
    assert out.strip().endswith("; 0 earlier claims superseded, 2 voided")
    with open_ledger(ledger) as led:
        assert [(c["frequency"], c["status"], c["status_by"])
                for c in led.find_claims(clm01="C100")] == [("7", "void", 3), ("1", "void", 3),
                                                            ("8", "void", None)]


def test_changes_in_one_add_apply_in_file_order(files, ledger):
    record(ledger, files("a", claim("C1", "G9008", ["U1"], "20250601"),
                         claim("C2", "G9008", ["U1"], "20250601")))
    out = record(ledger, files("b", claim("C1", "G9008", ["U1"], "20250602", freq="7"),
                               claim("C1", "G9008", ["U1"], "20250603", freq="8"),
                               claim("C2", "G9008", ["U1"], "20250604", freq="8"),
                               claim("C2", "G9008", ["U1"], "20250605", freq="7")))
    assert out.strip().endswith("; 1 earlier claim superseded, 2 voided")
    with open_ledger(ledger) as led:
        assert [(c["clm01"], c["frequency"], c["status"], c["status_by"])
                for c in led.find_claims()] == [
            ("C1", "1", "superseded", 3), ("C2", "1", "void", 5), ("C1", "7", "void", 4),
            ("C1", "8", "void", None), ("C2", "8", "void", None), ("C2", "7", "active", None)]


# --------------------------------------------------------------------------- bulk and snapshot


def test_history_is_looked_up_in_bulk(files, ledger):
    members = [f"M{i:05d}" for i in range(2500)]
    record(ledger, files("a", *[claim(f"C{i}", "G9008", ["U1"], "20250603", member=m)
                               for i, m in enumerate(members)]))
    batch_file = files("b", *[claim(f"D{i}", "G9012", ["U2"], "20250620", member=m)
                              for i, m in enumerate(members)])
    linter = Linter(Options(ledger=ledger))
    original_attach = linter._attach_history
    traced = []

    def attach():
        original_attach()
        traced.append(Traced(linter.ctx.ledger.conn))
        linter.ctx.ledger.conn = traced[0]
    linter._attach_history = attach
    linter.run([batch_file])
    selects = [s for s in traced[0].statements if s.lstrip().upper().startswith("SELECT")]
    assert len(linter.ctx.batch.history) == 2500
    if is_pg(ledger):  # one = ANY(array) query per table for the whole member set
        assert len(selects) == 4 and all("ANY(" in s for s in selects), selects
    else:
        assert len(selects) <= 4 * 3  # 4 tables x ceil(2500 / 900) chunks, not one per member


def test_show_reads_the_lines_of_many_claims_in_bulk(files, ledger):
    record(ledger, files("a", *[claim(f"C{i}", "G9008", ["U1"], f"202506{i % 28 + 1:02d}",
                                      member=f"M{i:04d}") for i in range(1000)]))
    with open_ledger(ledger) as led:
        led.conn = traced = Traced(led.conn)
        found = led.find_claims()
    selects = [s for s in traced.statements if s.lstrip().upper().startswith("SELECT")]
    # the claims, then their lines: one = ANY(array) query, or IN lists of 900 ids
    assert len(selects) == (2 if is_pg(ledger) else 3), selects
    assert [c["clm01"] for c in found] == [f"C{i}" for i in range(1000)]
    assert [(c["member"], [(x["n"], x["code"], x["modifiers"], str(x["dos_from"]))
                           for x in c["lines"]]) for c in (found[0], found[901], found[999])] == [
        ("M0000", [(1, "G9008", "U1", "2025-06-01")]),
        ("M0901", [(1, "G9008", "U1", "2025-06-06")]),
        ("M0999", [(1, "G9008", "U1", "2025-06-20")])]


def test_a_check_reads_one_snapshot_while_an_add_commits(files, ledger):
    """An add committing between the history queries of a check is not seen by any of them:
    the check sees the ledger before that add (and the next check sees it after)."""
    record(ledger, files("a", *[claim(f"C{i}", "G9008", ["U1"], "20250603", member=f"M{i}")
                               for i in range(20)]))
    later = files("later", *[claim(f"D{i}", "G9012", ["U2"], "20250604", member=f"M{i}")
                             for i in range(20)])
    members = [f"M{i}" for i in range(20)]
    landed = []

    def add_between(statement):
        if statement.lstrip().upper().startswith("SELECT") and not landed:
            with open_ledger(ledger, create=True) as writer:
                landed.append(writer.add_files([later]))

    with open_ledger(ledger) as reader:
        reader.conn = Traced(reader.conn, after=add_between)
        claims, lines, _, _ = reader._fetch_history(members)
        assert landed and landed[0].claims == 20  # the add committed mid-read
        assert (len(claims), len(lines)) == (20, 20)  # ... and no query saw it
        assert {r[0] for r in claims} == {r[1] for r in lines}
        reader.conn = reader.conn._conn
        claims, lines, _, _ = reader._fetch_history(members)
        assert (len(claims), len(lines)) == (40, 40)


def test_check_never_writes_the_ledger(files, ledger, ledger_sql):
    import hashlib
    import os

    def fingerprint():
        if is_pg(ledger):  # every row of every table, and where the id sequences stand
            return [ledger_sql(f"SELECT md5(string_agg(t::text, ',' ORDER BY t::text)) FROM"
                               f" {table} t") for table in ("adds", "claims", "lines",
                                                             "responses", "response_services",
                                                             "ledger_schema")] + [
                ledger_sql("SELECT last_value, is_called FROM claims_id_seq"),
                ledger_sql("SELECT last_value, is_called FROM responses_id_seq")]
        return hashlib.sha256(open(ledger, "rb").read()).hexdigest(), os.stat(ledger).st_mtime_ns
    record(ledger, files("a", claim("C1", "G9008", ["U1"])))
    before = fingerprint()
    lint([files("b", claim("C2", "G9012", ["U2"], "20250620"))], Options(ledger=ledger))
    assert fingerprint() == before
    with pytest.raises(UsageError, match="read-only"):
        with open_ledger(ledger) as led:
            led.record([], [])


# --------------------------------------------------------------------------- opening and schema


def ledger_exists(target, ledger_sql) -> bool:
    if is_pg(target):
        from conftest import schema_of
        return bool(ledger_sql("SELECT 1 FROM pg_namespace WHERE nspname = ?",
                               (schema_of(target),)))
    import os
    return os.path.exists(target)


def test_missing_ledger_is_a_usage_error_and_is_not_created(ledger, ledger_sql):
    with pytest.raises(UsageError, match="no such ledger"):
        open_ledger(ledger)
    assert not ledger_exists(ledger, ledger_sql)


def test_schema_version_table_and_identity(ledger, ledger_sql):
    with open_ledger(ledger, create=True) as led:
        assert led.schema_version == schema.LATEST
    assert [r[0] for r in ledger_sql("SELECT version FROM ledger_schema ORDER BY version")] == [
        m[0] for m in schema.MIGRATIONS]
    if is_pg(ledger):
        assert ledger_sql("SELECT obj_description('ledger_schema'::regclass, 'pg_class')") == [
            (pg_schema.MARK,)]
        assert {r[0] for r in ledger_sql(
            "SELECT indexname FROM pg_indexes WHERE schemaname = current_schema()")} >= {
            "claims_member", "claims_clm01", "lines_member_dos", "responses_member"}
    else:
        assert ledger_sql("PRAGMA application_id") == [(schema.APPLICATION_ID,)]
        assert ledger_sql("PRAGMA journal_mode") == [("wal",)]


def test_both_backends_have_the_same_migrations():
    assert [(m[0], m[1]) for m in pg_schema.MIGRATIONS] == [
        (m[0], m[1]) for m in schema.MIGRATIONS]
    assert pg_schema.LATEST == schema.LATEST


def test_newer_schema_is_refused(ledger, ledger_sql):
    open_ledger(ledger, create=True).close()
    ledger_sql("INSERT INTO ledger_schema VALUES (?, 'from the future', 'x')",
               (schema.LATEST + 1,))
    for create in (False, True):
        with pytest.raises(UsageError, match="newer than this edi-lint"):
            open_ledger(ledger, create=create)


def test_older_schema_migrates_forward(ledger, ledger_sql, monkeypatch):
    open_ledger(ledger, create=True).close()
    future = schema.LATEST + 1
    for module in (schema, pg_schema):
        monkeypatch.setattr(module, "MIGRATIONS", module.MIGRATIONS + [
            (future, "a test column", ("ALTER TABLE claims ADD COLUMN note TEXT",))])
        monkeypatch.setattr(module, "LATEST", future)
    with pytest.raises(UsageError, match=r"older than this edi-lint's .*ledger init"):
        open_ledger(ledger)  # read-only: never migrates
    with open_ledger(ledger, create=True) as led:
        assert led.schema_version == future
    assert [r[0] for r in ledger_sql("SELECT version FROM ledger_schema ORDER BY version")] \
        == list(range(1, future + 1))
    if is_pg(ledger):
        columns = [r[0] for r in ledger_sql(
            "SELECT column_name FROM information_schema.columns WHERE table_schema ="
            " current_schema() AND table_name = 'claims'")]
    else:
        columns = [r[1] for r in ledger_sql("PRAGMA table_info(claims)")]
    assert "note" in columns
    with open_ledger(ledger) as led:
        assert led.schema_version == future


def test_an_unknown_url_scheme_is_a_clear_usage_error():
    with pytest.raises(UsageError, match="unsupported ledger URL scheme 'mysql'") as err:
        open_ledger("mysql://user:secret@db/ledger")
    assert "secret" not in str(err.value)


def test_a_check_releases_the_ledger_once_its_history_is_loaded(files, ledger, monkeypatch):
    """``check --ledger`` closes its connection itself: the command ends with ``os._exit``
    (``cli._exit``), which would otherwise drop a PostgreSQL connection unannounced."""
    import edi_lint.ledger as ledgers
    path = files("a", xb.Claim("C1", [xb.Line("G9008", ["U1"], dos="20250603")]))
    record(ledger, path)
    opened = []

    def tracked(target, **kwargs):
        opened.append(open_ledger(target, **kwargs))
        return opened[-1]
    monkeypatch.setattr(ledgers, "open_ledger", tracked)
    lint([path], Options(ledger=ledger))
    assert len(opened) == 1 and opened[0].conn is None


class _LockedOnce:
    """A connection whose first switch to WAL meets another first writer (SQLite then
    answers "database is locked" at once: deadlock avoidance, no busy handler)."""

    def __init__(self, conn, error="database is locked", times=1):
        self.conn, self.error, self.times = conn, error, times

    def execute(self, sql):
        if sql == "PRAGMA journal_mode = WAL" and self.times:
            self.times -= 1
            raise sqlite3.OperationalError(self.error)
        return self.conn.execute(sql)


def test_the_switch_to_wal_waits_out_a_concurrent_first_writer(tmp_path):
    from edi_lint.ledger.sqlite import _switch_to_wal
    conn = sqlite3.connect(tmp_path / "l.sqlite", isolation_level=None)
    _switch_to_wal(_LockedOnce(conn, times=3), "l.sqlite")
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    other = sqlite3.connect(tmp_path / "m.sqlite", isolation_level=None)
    with pytest.raises(sqlite3.OperationalError, match="disk I/O error"):
        _switch_to_wal(_LockedOnce(other, error="disk I/O error"), "m.sqlite")
