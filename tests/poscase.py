"""Positioned cases (``tests/cases/tar_*.toml``, ``x12_*.toml``): files edited as text,
findings compared with their file and segment index.

Besides the keys of ``rulecase.py``, a file table may hold ``replace = [["old", "new"],
["old", "new", count]]`` (text edits of the built X12: a missing segment, a bad code),
``repeat = n`` (the built text n times, edited after), ``text = "..."`` (the file as it
is) or ``kind = "278_multi"`` with ``transactions = [...]`` (several 278 sets in one
group). An expected finding may point with ``event = n`` (the UM of the n-th 2000E;
``segment = "HL"`` for its HL), ``service = n`` (the SV1 of the n-th 2000F),
``at = "segment text prefix"`` (+ ``nth``), ``segment_index = n`` (as the reader counts,
empty segments too; no ``segment``: a finding on no segment) and ``file = n`` (default 1).
Findings are compared exactly: rule, tip, severity, file, segment id, segment index
(outside a claim), claim id and service line; 278 findings have no claim id and no line.
"""
from __future__ import annotations

from rulecase import build_file, lint_paths, tar_kwargs

from edi_lint.testing import x12build as xb


def _segments(text: str) -> list[str]:
    """The segments of a built file (terminator '~'), in order; index 0 is segment 1."""
    return [s.strip() for s in text.split("~") if s.strip()]


def _tx(spec: dict):
    kw = dict(spec)
    kind = kw.pop("kind")
    kw = tar_kwargs(kw)
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
