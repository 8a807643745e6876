"""Table-driven cases of the TAR (278 request) rules: ECMTAR-01..04 (B401-B404), CSTAR-01..09
(B501-B509). Cases live in ``tests/cases/tar_ecm.toml`` and ``tests/cases/tar_cs.toml``.

The runner here is shared by ``test_gen07.py`` and ``test_structure278.py``. Besides the
keys of ``rulecase.py`` it understands, in a file table:

* ``replace = [["old", "new"], ["old", "new", count]]``: text edits of the built X12
  (to write what the builder cannot: a missing segment, a bad code);
* ``kind = "278_multi"`` with ``transactions = [{request or response keys, "kind": ...}]``:
  several 278 transaction sets in one functional group of one file;

and, in an ``[[case.expect]]`` table, where a 278 finding points:

* ``event = n``: the UM of the n-th 2000E of the file (its HL with ``segment = "HL"``);
* ``service = n``: the SV1 of the n-th 2000F of the file;
* ``at = "segment text prefix"`` (+ ``nth``): the n-th segment starting with that text;
* ``file = n``: the file of the case (default 1).

Findings are compared exactly: rule, tip, severity, file, segment id, segment index (278),
claim id and service line (837P); 278 findings must have no claim id and no service line.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from rulecase import _tar_kw, build_file, lint_paths, load_cases

from edi_lint.rules import all_rules
from edi_lint.testing import x12build as xb

# --------------------------------------------------------------------------- the runner


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
    spec = dict(spec)
    edits = spec.pop("replace", ())
    if spec.get("kind") == "278_multi":
        txs = []
        for n, t in enumerate(spec.pop("transactions"), 1):
            t = dict(t)
            t.setdefault("st_control", f"{n:04d}")
            txs.append(_tx(t))
        text = xb.interchange([txs])
    else:
        text = build_file(spec)
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


def run_tar_case(case: dict, tmp_path):
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


def case_id(case):
    return f"{(case.get('select') or ['all'])[0]}:{case['name']}"


# --------------------------------------------------------------------------- the tests

CASES = load_cases("tar_ecm.toml") + load_cases("tar_cs.toml")


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_tar_case(case, tmp_path):
    run_tar_case(case, tmp_path)


TAR_TIPS = {**{f"ECMTAR-{i:02d}": f"B40{i}" for i in range(1, 5)},
            **{f"CSTAR-{i:02d}": f"B50{i}" for i in range(1, 10)}}


@pytest.mark.parametrize("tip", sorted(TAR_TIPS))
def test_each_tar_tip_has_its_rule_and_cases(tip):
    code = TAR_TIPS[tip]
    rules = [r for r in all_rules() if r.code == code]
    assert rules and rules[0].tips == (tip,) and rules[0].scope == "tar"
    assert getattr(rules[0], "tar_kinds", ("request",)) == ("request",)
    doc = type(rules[0]).doc()
    for part in ("What it does:", "Why it matters:", "Example that fails:",
                 "Example that passes:"):
        assert part in doc, f"{code} docstring lacks {part!r}"
    selected = [c for c in CASES if code in c.get("select", ())]
    assert any(any(e["rule"] == code for e in c.get("expect", ())) for c in selected), \
        f"{code}: no failing case"
    assert any(not any(e["rule"] == code for e in c.get("expect", ())) for c in selected), \
        f"{code}: no passing case"


def test_tar_rules_ignore_responses(tmp_path):
    """The TAR tips judge requests only: a response with the same mistakes gets none."""
    text = xb.build_278_response(member="M1", um02="E", cert="C1", lines=[
        xb.TarLine("G9008", ["U8"], units="5", period=("20250615", "20260731")),
        xb.TarLine("H0043", [], units="6", period=("20250601", "20251215")),
        xb.TarLine("S5170", ["U6"], units="2", period=("20250601", "20251215")),
        xb.TarLine("S9977", ["U6"], units="2.5", period=("20250601", "20251215")),
    ])
    path = tmp_path / "resp.x12"
    path.write_text(text, encoding="utf-8", newline="")
    findings = lint_paths([path]).findings
    assert [f.rule for f in findings if f.tip] == []
    # UM02 E of a response is still a structure error (no tip)
    assert [(f.rule, f.segment_id) for f in findings] == [("S211", "UM")]


# --------------------------------------------------------------------------- fixtures/278

FIXTURES_278 = Path(__file__).resolve().parents[1] / "fixtures" / "278"
_ROW = re.compile(r"^\|\s*(\d{4})\s*\|\s*(\S+)\s*\|(.*)\|\s*$")
_TIP = re.compile(r"\b([A-Z]+-\d{2}) \((error|warning)\)")


def _fixture_files():
    return sorted(FIXTURES_278.glob("*.x12")) if FIXTURES_278.is_dir() else []


@pytest.mark.parametrize("path", _fixture_files(), ids=lambda p: p.name)
def test_fixture_278(path):
    """Clean 278 fixtures get no error or warning; mistake fixtures get what their .md maps."""
    findings = lint_paths([path]).findings
    notes = path.with_suffix(".md")
    if not notes.exists():
        bad = [f"{f.rule} {f.tip} {f.message}" for f in findings
               if f.severity in ("error", "warning")]
        assert bad == []
        return
    assert not [f for f in findings if f.rule.startswith(("S", "X"))]
    by_trace: dict = {}
    for f in findings:
        by_trace.setdefault(f.trace, set()).add((f.tip, f.severity))
    for line in notes.read_text(encoding="utf-8").splitlines():
        row = _ROW.match(line)
        if not row or not row.group(1).isdigit():
            continue
        trace, text = row.group(2), row.group(3)
        want = set(_TIP.findall(text))
        got = by_trace.get(trace, set())
        assert want <= got, f"{path.name} {trace}: expected {want}, got {got}"
        # bulk submission (CSTAR-09) comes on top where the notes say so in their preamble
        assert got - want <= {("CSTAR-09", "warning")}, f"{path.name} {trace}: got {got}"
