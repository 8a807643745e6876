"""Shared helper of the table-driven rule tests: a compact case -> X12 files -> findings.

A case file (``tests/cases/*.toml`` or ``*.json``) holds an optional ``[defaults]`` table
(keys any case may set) and a list of ``[[case]]`` tables::

    [defaults]
    select = ["B102"]                    # Options.select (codes or tip prefixes); () = all

    [[case]]
    name = "ecm02-two-units-fails"       # test id (the rule code is added by the test)
    roster = "member_id,month,...\\n"     # optional: roster CSV text (--roster)
    show_phi = false                     # optional
    [[case.claims]]                      # one 837P file holding these claims
    clm01 = "C1"
    member = "M1"
    g1 = "ECM1"                          # claim REF*G1
    other_payers = [{ sbr01 = "P", name = "KAISER", payer_id = "94134" }]
    lines = [{ code = "G9008", modifiers = ["U1"], charge = "400.00", units = "2",
               dos = "20250603", g1 = ["T1"] }]   # dos: "CCYYMMDD" or ["from", "to"] (RD8)
    [[case.expect]]                      # exactly these findings, in any order
    rule = "B102"
    tip = "ECM-02"
    severity = "error"                   # default "error"
    claim = "C1"                         # claim_id (CLM01)
    line = 1                             # service_line; absent = claim-level finding
    segment = "SV1"                      # default SV1 for a line, CLM otherwise
    message = "2 units"                  # optional: a substring of the message

Options a case may set: ``payers = ["KEY"]`` (``--payer``) and ``profile_append`` (TOML
text added to the end of the default profile, e.g. ``[[scope]]`` entries, loaded with
``--profile``). An expected finding may also give ``segment_index`` (its exact position).

``case.files`` instead of ``case.claims`` gives several files, each either
``{ claims = [...] }`` (837P) or ``{ kind = "278_request" | "278_response", ... }`` whose other
keys go to ``build_278_request`` / ``build_278_response`` (``lines`` as TarLine tables,
``events`` as Event tables).

One runner (``tests/test_cases.py``) runs every case file; ``run_and_check`` there picks how:

* ``tar_*`` and ``x12_*`` files are *positioned* cases (``poscase.py``): files edited as
  text, findings compared with their file and segment index;
* a case with ``history`` (ledger lines: code, modifiers, dos, units, charge, member,
  clm01, freq, status) or ``history_responses`` (278 response tables) runs with that
  history injected into the batch as a ledger would (``run_history_case``);
* any other case runs with ``run_case`` and ``check_case``.
"""
from __future__ import annotations

import json
import tomllib
from pathlib import Path
from typing import Any

from edi_lint.dates import parse_period
from edi_lint.engine import Linter, Options
from edi_lint.model.common import money_cents
from edi_lint.model.facts import LineFact
from edi_lint.testing import x12build as xb

CASES_DIR = Path(__file__).resolve().parent / "cases"


# --------------------------------------------------------------------------- loading


def load_cases(pattern: str) -> list[dict[str, Any]]:
    """Every case of the files of ``tests/cases`` matching ``pattern``, defaults applied."""
    out: list[dict[str, Any]] = []
    files = sorted(CASES_DIR.glob(pattern))
    if not files:
        raise FileNotFoundError(f"no case file matches tests/cases/{pattern}")
    for path in files:
        if path.suffix == ".toml":
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        elif path.suffix == ".json":
            data = json.loads(path.read_text(encoding="utf-8"))
        else:
            continue
        defaults = data.get("defaults", {})
        for case in data.get("case", []):
            merged = {**defaults, **case, "source": path.name}
            out.append(merged)
    names = [c["name"] for c in out]
    dupes = {n for n in names if names.count(n) > 1}
    if dupes:
        raise ValueError(f"duplicate case names: {sorted(dupes)}")
    return out


# --------------------------------------------------------------------------- building


def _dos(value):
    if isinstance(value, (list, tuple)):
        return tuple(value)
    return value


def make_line(d: dict[str, Any]) -> xb.Line:
    d = dict(d)
    if "dos" in d:
        d["dos"] = _dos(d["dos"])
    return xb.Line(**d)


def make_claim(d: dict[str, Any]) -> xb.Claim:
    d = dict(d)
    d["lines"] = [make_line(ln) for ln in d.get("lines", ())]
    d["other_payers"] = [xb.OtherPayer(**op) for op in d.get("other_payers", ())]
    for key in ("name", "patient_name"):
        if key in d:
            d[key] = tuple(d[key])
    return xb.Claim(**d)


def tar_kwargs(d: dict[str, Any]) -> dict[str, Any]:
    d = dict(d)
    d.pop("kind", None)
    if "lines" in d:
        d["lines"] = [xb.TarLine(**{k: (_dos(v) if k == "period" else v) for k, v in ln.items()})
                      for ln in d["lines"]]
    if "events" in d:
        events = []
        for ev in d["events"]:
            ev = dict(ev)
            ev["lines"] = [xb.TarLine(**{k: (_dos(v) if k == "period" else v)
                                         for k, v in ln.items()}) for ln in ev.get("lines", ())]
            if "event_period" in ev:
                ev["event_period"] = _dos(ev["event_period"])
            events.append(xb.Event(**ev))
        d["events"] = events
    if "event_period" in d:
        d["event_period"] = _dos(d["event_period"])
    return d


def build_file(spec: dict[str, Any]) -> str:
    """The X12 text of one file of a case."""
    kind = spec.get("kind", "837P")
    if kind == "837P":
        kw = {k: v for k, v in spec.items() if k not in ("kind", "claims")}
        return xb.build_837([make_claim(c) for c in spec["claims"]], **kw)
    if kind == "278_request":
        return xb.build_278_request(**tar_kwargs(spec))
    if kind == "278_response":
        return xb.build_278_response(**tar_kwargs(spec))
    raise ValueError(f"unknown file kind {kind!r}")


def case_files(case: dict[str, Any]) -> list[dict[str, Any]]:
    if "files" in case:
        return list(case["files"])
    return [{"claims": case["claims"]}]


# --------------------------------------------------------------------------- running


def lint_paths(paths, **options):
    """Run the real engine over ``paths``; returns the Result."""
    return Linter(Options(**options)).run([str(p) for p in paths])


def run_case(case: dict[str, Any], tmp_path: Path):
    """Write the case's files (and roster) under ``tmp_path``, lint them; returns the findings."""
    paths = []
    for n, spec in enumerate(case_files(case), 1):
        path = tmp_path / f"case{n}.x12"
        path.write_text(build_file(spec), encoding="utf-8", newline="")
        paths.append(path)
    options: dict[str, Any] = {"select": tuple(case.get("select", ())),
                               "ignore": tuple(case.get("ignore", ())),
                               "show_phi": bool(case.get("show_phi", False))}
    if "payers" in case:
        options["payers"] = tuple(case["payers"])
    if "profile_append" in case:
        from edi_lint.profiles import loader
        default = (Path(loader.__file__).parent / "default.toml").read_text(encoding="utf-8")
        profile = tmp_path / "profile.toml"
        profile.write_text(default + "\n" + case["profile_append"], encoding="utf-8")
        options["profile"] = str(profile)
    if "roster" in case:
        roster = tmp_path / "roster.csv"
        roster.write_text(case["roster"], encoding="utf-8", newline="")
        options["roster"] = str(roster)
    return lint_paths(paths, **options).findings


def finding_key(f) -> tuple:
    return (f.rule, f.tip, f.severity, f.claim_id, f.service_line, f.segment_id)


def expected_key(e: dict[str, Any]) -> tuple:
    line = e.get("line")
    segment = e.get("segment") or ("SV1" if line is not None else "CLM")
    return (e["rule"], e.get("tip"), e.get("severity", "error"), e.get("claim"), line, segment)


def check_case(case: dict[str, Any], findings) -> None:
    """Assert the findings are exactly the expected ones (codes, tips, claims, lines, segments)."""
    got = sorted(finding_key(f) for f in findings)
    want = sorted(expected_key(e) for e in case.get("expect", ()))
    detail = "\n".join(f"  {f.rule} {f.tip} {f.severity} {f.claim_id}/{f.service_line} "
                       f"{f.segment_id}: {f.message}" for f in findings)
    assert got == want, f"case {case['name']} ({case['source']}):\nfindings:\n{detail}"
    for e in case.get("expect", ()):
        if "message" not in e:
            continue
        key = expected_key(e)
        messages = [f.message for f in findings if finding_key(f) == key]
        assert any(e["message"] in m for m in messages), (
            f"case {case['name']}: no {key} message contains {e['message']!r}: {messages}")
    for e in case.get("expect", ()):
        if "segment_index" in e:
            key = expected_key(e)
            places = [f.segment_index for f in findings if finding_key(f) == key]
            assert e["segment_index"] in places, (
                f"case {case['name']}: no {key} at segment {e['segment_index']}: {places}")
    for text in case.get("absent_in_messages", ()):
        for f in findings:
            assert text not in f.message, f"case {case['name']}: {text!r} in {f.message!r}"


# --------------------------------------------------------------------------- history cases (ledger lines and responses)


def _period(value):
    if isinstance(value, (list, tuple)):
        return parse_period("RD8", f"{value[0]}-{value[1]}")
    return parse_period("D8", value)


def history_facts(specs, profile) -> list[LineFact]:
    """Ledger lines as the ledger returns them: loc None, order (-1, i)."""
    out = []
    for i, h in enumerate(specs):
        code, mods = h["code"], tuple(h.get("modifiers", ()))
        d_from, d_to = _period(h["dos"])
        entry = profile.match(code, frozenset(mods), d_from)
        clm01 = h.get("clm01", f"H{i}")
        fact = LineFact(h.get("member", "MBR0001"), code, frozenset(mods), "-".join((code,) + mods),
                        entry.group if entry else None, d_from, d_to, float(h.get("units", 1)),
                        money_cents(h.get("charge", "400.00")), "UN", (xb.DEFAULT_NPI, clm01),
                        clm01, h.get("freq", "1"), (-1, i), (), None, 1)
        fact.status = h.get("status", "active")
        out.append(fact)
    return out


def history_responses(specs, tmp_path) -> list:
    """TarResponse objects of 278 responses, read by the engine, as ledger history."""
    out = []
    for n, spec in enumerate(specs, 1):
        path = tmp_path / f"history{n}.x12"
        path.write_text(build_file({"kind": "278_response", **spec}), encoding="utf-8")
        linter = Linter(Options())
        linter.run([str(path)])
        out.extend(linter.ctx.batch.responses)
    return out


def run_history_case(case, tmp_path):
    paths = []
    for n, spec in enumerate(case_files(case), 1):
        path = tmp_path / f"case{n}.x12"
        path.write_text(build_file(spec), encoding="utf-8", newline="")
        paths.append(str(path))
    responses = history_responses(case.get("history_responses", ()), tmp_path)
    linter = Linter(Options(select=tuple(case.get("select", ())),
                            show_phi=bool(case.get("show_phi", False))))
    linter.ctx.batch.history = history_facts(case.get("history", ()), linter.profile)
    linter.ctx.batch.history_responses = responses
    return linter.run(paths).findings
