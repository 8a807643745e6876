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

One runner (``tests/test_cases.py``) runs every case file; ``run_and_check`` picks how:

* ``tar_*`` and ``x12_*`` files are *positioned* cases (``run_positioned_case``): a file
  table may also hold ``replace = [["old", "new"], ["old", "new", count]]`` (text edits of
  the built X12: a missing segment, a bad code), ``repeat = n`` (the built text n times,
  edited after), ``text = "..."`` (the file as it is) or ``kind = "278_multi"`` with
  ``transactions = [...]`` (several 278 sets in one group); an expected finding may point
  with ``event = n`` (the UM of the n-th 2000E; ``segment = "HL"`` for its HL),
  ``service = n`` (the SV1 of the n-th 2000F), ``at = "segment text prefix"`` (+ ``nth``),
  ``segment_index = n`` (as the reader counts, empty segments too; no ``segment``: a
  finding on no segment) and ``file = n`` (default 1). Findings are compared with their file and, outside a
  claim, their segment index; 278 findings must have no claim id and no service line.
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


def _tar_kw(d: dict[str, Any]) -> dict[str, Any]:
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
        return xb.build_278_request(**_tar_kw(spec))
    if kind == "278_response":
        return xb.build_278_response(**_tar_kw(spec))
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


# --------------------------------------------------------------------------- positioned cases (tar_*, x12_*)


def _segments(text: str) -> list[str]:
    """The segments of a built file (terminator '~'), in order; index 0 is segment 1."""
    return [s.strip() for s in text.split("~") if s.strip()]


def _tx(spec: dict):
    kw = dict(spec)
    kind = kw.pop("kind")
    kw = _tar_kw(kw)
    if kind == "278_request":
        return xb.transaction_278_request(**kw)
    return xb.transaction_278_response(**kw)


def build_case_file(spec: dict) -> str:
    """The text of a positioned case's file: built (``text`` as it is, ``repeat`` times),
    then edited by ``replace``."""
    spec = dict(spec)
    edits = spec.pop("replace", ())
    repeat = spec.pop("repeat", 1)
    if "text" in spec:
        text = spec["text"]
    elif spec.get("kind") == "278_multi":
        txs = []
        for n, t in enumerate(spec.pop("transactions"), 1):
            t = dict(t)
            t.setdefault("st_control", f"{n:04d}")
            txs.append(_tx(t))
        text = xb.interchange([txs])
    else:
        text = build_file(spec)
    text *= repeat
    for edit in edits:
        old, new = edit[0], edit[1]
        count = edit[2] if len(edit) > 2 else -1
        assert old in text, f"replace: {old!r} is not in the built file"
        text = text.replace(old, new, count)
    return text


def _nth_after(segs, opener, target, n):
    """Index (1-based) of the first ``target`` segment after the n-th ``opener`` HL."""
    seen = 0
    for i, s in enumerate(segs):
        parts = s.split("*")
        if parts[0] == "HL" and len(parts) > 3 and parts[3] == opener:
            seen += 1
            if seen == n:
                if target == "HL":
                    return i + 1
                for j in range(i + 1, len(segs)):
                    if segs[j].startswith("HL*"):
                        break
                    if segs[j].split("*")[0] == target:
                        return j + 1
                raise AssertionError(f"no {target} in the {n}th HL {opener}")
    raise AssertionError(f"no {n}th HL {opener}")


def _expected(e: dict, texts: list[str]) -> tuple:
    file_no = e.get("file", 1)
    segs = _segments(texts[file_no - 1])
    index = None
    if "event" in e:
        segment = e.get("segment", "UM")
        index = _nth_after(segs, "EV", segment, e["event"])
    elif "service" in e:
        segment = e.get("segment", "SV1")
        index = _nth_after(segs, "SS", segment, e["service"])
    elif "segment_index" in e:  # a finding on no segment (before the ISA, an empty one)
        index = e["segment_index"]
        segment = e.get("segment") or None
    elif "at" in e:
        hits = [i + 1 for i, s in enumerate(segs) if s.startswith(e["at"])]
        nth = e.get("nth", 1)
        assert len(hits) >= nth, f"expected segment {e['at']!r} #{nth} not in file {file_no}"
        index = hits[nth - 1]
        segment = e["at"].split("*")[0]
    else:
        line = e.get("line")
        segment = e.get("segment") or ("SV1" if line is not None else "CLM")
    return (e["rule"], e.get("tip"), e.get("severity", "error"), file_no, segment, index,
            e.get("claim"), e.get("line"))


def _got(f, paths) -> tuple:
    file_no = paths.index(f.path) + 1
    index = f.segment_index if f.claim_id is None else None
    return (f.rule, f.tip, f.severity, file_no, f.segment_id, index, f.claim_id, f.service_line)


def run_positioned_case(case: dict, tmp_path):
    """Build, lint and compare one case; returns the findings."""
    texts, paths = [], []
    for n, spec in enumerate(case["files"], 1):
        text = build_case_file(spec)
        path = tmp_path / f"case{n}.x12"
        path.write_text(text, encoding="utf-8", newline="")
        texts.append(text)
        paths.append(str(path))
    result = lint_paths(paths, select=tuple(case.get("select", ())),
                        ignore=tuple(case.get("ignore", ())))
    findings = result.findings
    got = sorted((_got(f, paths) for f in findings), key=repr)
    want = sorted((_expected(e, texts) for e in case.get("expect", ())), key=repr)
    detail = "\n".join(f"  {f.rule} {f.tip} {f.severity} {f.path} #{f.segment_index} "
                       f"{f.segment_id} {f.claim_id}/{f.service_line}: {f.message}"
                       for f in findings)
    assert got == want, f"case {case['name']} ({case['source']}):\nfindings:\n{detail}"
    for e in case.get("expect", ()):
        if "message" not in e:
            continue
        key = _expected(e, texts)
        messages = [f.message for f in findings if _got(f, paths) == key]
        assert any(e["message"] in m for m in messages), \
            f"case {case['name']}: no {key} message contains {e['message']!r}: {messages}"
    for f in findings:
        if f.segment_id in ("UM", "HL", "SV1", "HCR", "DTP", "PWK") and f.claim_id is None:
            assert f.service_line is None
    return findings


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


# --------------------------------------------------------------------------- one entry point

POSITIONED = ("tar_", "x12_")


def run_and_check(case: dict[str, Any], tmp_path: Path):
    """Run a case the way its file asks (see the module docstring), assert; the findings."""
    if case["source"].startswith(POSITIONED):
        return run_positioned_case(case, tmp_path)
    if "history" in case or "history_responses" in case:
        findings = run_history_case(case, tmp_path)
    else:
        findings = run_case(case, tmp_path)
    check_case(case, findings)
    return findings


def case_rules(case: dict[str, Any]) -> list[str]:
    """The rule codes a case is about: its ``rule``, else the codes it expects, else its
    selection."""
    if case.get("rule"):
        return [case["rule"]]
    expected = sorted({e["rule"] for e in case.get("expect", ())})
    return expected or list(case.get("select") or ["all"])


def case_id(case: dict[str, Any]) -> str:
    """``<RULE or TIP>-<case name>``: ``pytest -k B101`` selects a rule's cases."""
    return f"{'+'.join(case_rules(case))}-{case['name']}"
