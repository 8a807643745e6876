"""A big file cut into parts at transaction sets (``-j``) gives the findings of one run.

Each layout below is checked whole and in parts (the parts one after another in this
process, then merged as ``-j`` merges them): findings, their order and the file
summaries must be equal. Layouts the plan cannot read (whitespace after some
terminators) must fall back to checking the file whole.
"""
from __future__ import annotations

import os
import random
import re
from pathlib import Path

import pytest

from edi_lint import parallel, units
from edi_lint.engine import Linter, Options, jobs_for, lint
from edi_lint.x12 import parts as file_parts
from edi_lint.x12.reader import SegmentReader

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus"
BASES = {
    "multi": FIXTURES / "837" / "multi_isa_gs_st.x12",  # 2 ISAs, 3 GSs, 5 STs
    "responses": FIXTURES / "278" / "cs_tar_response_approved.x12",
    "requests": FIXTURES / "278" / "cs_tar_mistakes_request.x12",
}


def _segments(text):
    return [s.strip() for s in text.split("~") if s.strip()]


def _join(segs, glue="~\n"):
    return glue.join(segs) + glue


def _layouts(text):
    """name -> text: the base file in the layouts and with the envelope faults that
    make parts depend on what came before them."""
    segs = _segments(text)
    rnd = random.Random(7)
    ses = [i for i, s in enumerate(segs) if s.startswith("SE*")]
    out = {
        "lf": _join(segs),
        "crlf": _join(segs, "~\r\n"),
        "one_line": _join(segs, "~"),
        "bom_and_junk": "\xef\xbb\xbfhello~junk\n" + _join(segs),
        "bom_one_line": "\xef\xbb\xbf" + _join(segs, "~"),  # columns count from byte 3
        "isa12_not_00501": _join([s.replace("*00501*", "*00401*") if s.startswith("ISA") else s
                                  for s in segs]),
        "wrong_ge01_iea01": _join([re.sub(r"^GE\*\d+", "GE*9", re.sub(r"^IEA\*\d+", "IEA*7", s))
                                   for s in segs]),
        "first_se_missing": _join([s for i, s in enumerate(segs) if i not in ses[:1]]),
        "no_ge": _join([s for s in segs if not s.startswith("GE*")]),
        "empty_segments": "".join(s + ("~~\n" if rnd.random() < 0.1 else "~\n") for s in segs),
        "twice": _join(segs + segs),
        # X111 reports 20 segments a file: parts must share that count
        "non_ascii_names": _join([s.replace("*SAMPLE", "*S\xdcMPLE") for s in segs] * 2),
        # X026-X028: every ISA13, GS06 and ST02 the same, repeated across parts
        "same_control_numbers": _join([re.sub(r"^(ST\*\d+)\*[^*~]*", r"\1*0001",
                                      re.sub(r"^(GS(?:\*[^*]*){5})\*[^*]*", r"\1*7",
                                             re.sub(r"^SE\*(\d+)\*.*", r"SE*\1*0001",
                                                    re.sub(r"^GE\*(\d+)\*.*", r"GE*\1*7", s))))
                                       for s in segs] * 2),
        "stray_after_se": _join([s + "~\nNTE*STRAY" if s.startswith("SE*") else s
                                 for s in segs]),
        "no_final_terminator": _join(segs)[:-2],
        "whitespace_noise": "".join(s + "~" + rnd.choice(["\n", "\n", " \n", "\r\n", "", "\n\n"])
                                    for s in segs),
    }
    isas = [m.start() for m in re.finditer(r"(?m)^ISA", out["lf"])]
    if len(isas) > 1:  # the second interchange with other delimiters
        first, second = out["lf"][:isas[1]], out["lf"][isas[1]:].replace("*", "|")
        out["other_delimiters"] = first + second
        out["other_terminator"] = first + second.replace("~", "!")
    return out


CASES = [(base, name) for base, path in BASES.items()
         for name in _layouts(path.read_text(encoding="latin-1"))]


def _write(tmp_path, base, name):
    text = _layouts(BASES[base].read_text(encoding="latin-1"))[name]
    path = tmp_path / f"{base}_{name}.x12"
    path.write_bytes(text.encode("latin-1"))
    return str(path)


def _as_tuples(result):
    return [(f.rule, f.message, f.path, f.line, f.col, f.segment_index, f.segment_id, f.offset,
             f.tip, f.severity, f.loop, f.claim_id, f.service_line, f.trace, f.content, f.data)
            for f in result.findings]


def _in_parts(path, plan):
    """Check ``plan``'s parts one by one in this process and merge them as ``-j`` does."""
    linter = Linter(Options())
    work = [((0,), n, part, part.end - part.start) for n, part in enumerate(plan)]
    results = [units.check_unit(linter, [path], unit) for unit in work]
    units.merge(linter, [path], work, results)
    return linter.finish(), [found[0][4] for found in results]


@pytest.mark.parametrize("base,name", CASES)
@pytest.mark.parametrize("parts", [2, 3, 50])
def test_parts_give_the_findings_of_the_whole_file(tmp_path, base, name, parts, monkeypatch):
    monkeypatch.setattr(file_parts, "SCAN_CHUNK", 37)  # counts cross many chunk edges
    path = _write(tmp_path, base, name)
    whole = lint([path])
    plan = file_parts.plan(path, parts, 1)
    if plan is None:
        # fewer parts may find no ST after an SE near their targets; with no ST right
        # after an SE (stray), or the first glue not the file's (noise), there is none
        assert parts < 50 or name in ("stray_after_se", "whitespace_noise"), "a cut exists"
        return
    split, reached = _in_parts(path, plan)
    assert _as_tuples(split) == _as_tuples(whole)
    assert [f.as_dict() for f in split.files] == [f.as_dict() for f in whole.files]
    assert split.summary == whole.summary
    for part, ended in zip(plan, reached):
        part.reached = ended
    if name != "whitespace_noise":  # noise may hide an envelope from the plan: no proof
        assert file_parts.proves(plan)


def test_a_part_begins_at_an_st_gs_or_isa_after_its_closer_with_the_whole_files_positions(
        tmp_path):
    path = _write(tmp_path, "multi", "crlf")
    plan = file_parts.plan(path, 50, 1)
    with open(path, "rb") as stream:
        segments = {seg.offset: seg for seg in SegmentReader(stream, path)}
    by_index = {seg.index: seg for seg in segments.values()}
    # 2 ISAs, 3 GSs, 5 STs: an ST after an SE, the 2nd GS after a GE, the 2nd ISA after
    # the IEA; the 3rd and 4th STs follow a GS, not an SE
    starts = [segments[p.start] for p in plan[1:]]
    assert [(seg.tag, seg.index) for seg in starts] == [("ST", 27), ("GS", 52), ("ISA", 79),
                                                         ("ST", 105)]
    assert [by_index[seg.index - 1].tag for seg in starts] == ["SE", "GE", "IEA", "SE"]
    for part, seg in zip(plan[1:], starts):
        assert (part.resume.index + 1, part.resume.line, part.start - part.resume.line_start + 1) \
            == (seg.index, seg.line, seg.col)
    envelopes = [tuple(s.index if s is not None else None for s in p.envelope) for p in plan[1:]]
    assert envelopes == [(1, 2), (1, None), (None, None), (79, 80)]
    for part in plan[1:]:
        for seg in part.envelope:
            if seg is not None:
                assert (seg.text, seg.offset) == (by_index[seg.index].text,
                                                   by_index[seg.index].offset)
    assert [p.end for p in plan] == [p.start for p in plan[1:]] + [os.path.getsize(path)]
    assert [p.last for p in plan] == [False, False, False, False, True]


def test_an_isa_cut_takes_its_own_delimiters_and_proves_with_any(tmp_path):
    """The second interchange ends its segments with '!' (and its composites with '^'):
    the part at its ISA reads them there, and the part before it ends with the first
    interchange's delimiters."""
    segs = _segments(BASES["multi"].read_text(encoding="latin-1"))
    isa2 = [i for i, s in enumerate(segs) if s.startswith("ISA")][1]
    assert segs[isa2].endswith("*:")
    second = [segs[isa2][:-1] + "^"] + [s.replace(":", "^") for s in segs[isa2 + 1:]]
    path = tmp_path / "other_delims.x12"
    path.write_bytes((_join(segs[:isa2]) + _join(second, "!\n")).encode("latin-1"))
    plan = file_parts.plan(str(path), 50, 1)
    isa_parts = [p for p in plan if p.envelope == (None, None)]
    assert [(p.resume.index, p.resume.delimiters.segment, p.resume.delimiters.component)
            for p in isa_parts] == [(78, "!", "^")]
    split, reached = _in_parts(str(path), plan)
    for part, ended in zip(plan, reached):
        part.reached = ended
    assert reached[plan.index(isa_parts[0]) - 1][2].segment == "~"
    assert file_parts.proves(plan)
    whole = lint([str(path)])
    assert _as_tuples(split) == _as_tuples(whole)
    assert split.summary == whole.summary


def _hidden_gs(tmp_path):
    """The first interchange's second GS follows "~ \n", not the file's "~\n", and holds
    two sets: the plan, which finds envelopes by the glue, takes the first GS as the one
    open at the cut before the second set."""
    segs = _segments(BASES["multi"].read_text(encoding="latin-1"))
    gs2 = [i for i, s in enumerate(segs) if s.startswith("GS*")][1]
    se = next(i for i in range(gs2, len(segs)) if segs[i].startswith("SE*"))
    block = segs[gs2 + 1:se + 1]  # ST..SE of the second GS, twice
    segs = segs[:gs2] + [" \n" + segs[gs2]] + block + block + segs[se + 1:]
    path = tmp_path / "hidden_gs.x12"
    path.write_bytes(_join(segs).replace("~\n \n", "~ \n").encode("latin-1"))
    return str(path)


def test_a_misleading_layout_is_checked_whole_again(tmp_path):
    path = _hidden_gs(tmp_path)
    plan = file_parts.plan(path, 50, 1)
    misled = [p for p in plan[1:]  # the first GS, closed there
              if p.envelope[1] is not None and p.envelope[1].index == 2]
    assert len(misled) >= 2  # the cut in the first GS (right) and the one in the second
    split, reached = _in_parts(path, plan)
    for part, ended in zip(plan, reached):
        part.reached = ended
    assert not file_parts.proves(plan)
    assert _as_tuples(split) == _as_tuples(lint([path]))
    assert len(split.files) == 1


def test_no_plan_for_small_or_odd_files(tmp_path):
    path = _write(tmp_path, "multi", "lf")
    assert file_parts.plan(path, 1, 1) is None  # one part
    assert file_parts.plan(path, 4, os.path.getsize(path)) is None  # parts would be too small
    breaks = tmp_path / "breaks.x12"  # line breaks as segment terminators
    text = Path(path).read_text(encoding="latin-1")
    breaks.write_text(text.replace("~\n", "\n").replace(":\n", ":~"), encoding="latin-1")
    assert file_parts.plan(str(breaks), 4, 1) is None
    empty = tmp_path / "empty.x12"
    empty.write_bytes(b"")
    assert file_parts.plan(str(empty), 4, 1) is None
    assert file_parts.plan(str(tmp_path / "missing.x12"), 4, 1) is None


def test_jobs_2_cuts_a_big_file_and_gives_the_findings_of_jobs_1(tmp_path, monkeypatch):
    monkeypatch.setattr(parallel, "SPLIT_MIN", 1000)
    monkeypatch.setattr(parallel, "PART_MIN", 500)
    path = _write(tmp_path, "multi", "isa12_not_00501")
    work = parallel.plan_work([path], 2)
    assert len(work) == 4 and all(unit[2] is not None for unit in work)
    assert _as_tuples(lint([path], Options(jobs=2))) == _as_tuples(lint([path], Options(jobs=1)))
    other = _write(tmp_path, "requests", "wrong_ge01_iea01")
    both = [path, other]
    assert _as_tuples(lint(both, Options(jobs=3))) == _as_tuples(lint(both, Options(jobs=1)))


def test_jobs_auto_uses_every_core_for_a_big_batch_only(tmp_path, monkeypatch):
    small = _write(tmp_path, "multi", "lf")
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 1, 2}, raising=False)
    assert jobs_for("auto", [small]) == 1
    assert jobs_for(4, [small]) == 4
    import edi_lint.engine as engine
    monkeypatch.setattr(engine, "AUTO_JOBS_MIN_BYTES", os.path.getsize(small))
    assert jobs_for("auto", [small]) == 3
    assert jobs_for("auto", ["-"]) == 1
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0}, raising=False)
    assert jobs_for("auto", [small]) == 1


@pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus is not beside the checkout")
def test_corpus_files_in_parts(tmp_path):
    checked = 0
    for path in sorted(p for p in CORPUS.rglob("*") if p.is_file() and p.suffix != ".md"):
        plan = file_parts.plan(str(path), 50, 1)
        if plan is None:
            continue
        split, _ = _in_parts(str(path), plan)
        assert _as_tuples(split) == _as_tuples(lint([str(path)])), path.name
        checked += 1
    assert checked >= 1


def test_ig_checks_whole_files(tmp_path, monkeypatch):
    """``--ig`` hands pyx12 whole interchanges: no parts, and one big file stays here."""
    monkeypatch.setattr(parallel, "SPLIT_MIN", 1000)
    monkeypatch.setattr(parallel, "PART_MIN", 500)
    path = _write(tmp_path, "multi", "lf")
    assert [unit[2] for unit in parallel.plan_work([path], 2, split=False)] == [None]
    assert parallel.can_run(Linter(Options(jobs=2)), [path])
    assert not parallel.can_run(Linter(Options(jobs=2, ig=True)), [path])


def test_parts_under_spawn(tmp_path, monkeypatch):
    """Parts cross to spawned workers by pickle (no fork): same findings."""
    monkeypatch.setenv("EDI_LINT_START_METHOD", "spawn")
    monkeypatch.setattr(parallel, "SPLIT_MIN", 1000)
    monkeypatch.setattr(parallel, "PART_MIN", 300)
    path = _write(tmp_path, "responses", "twice")
    assert len(parallel.plan_work([path], 2)) > 2
    assert _as_tuples(lint([path], Options(jobs=2))) == _as_tuples(lint([path]))


def test_progress_counts_a_cut_file_once(tmp_path, monkeypatch):
    from edi_lint import progress
    monkeypatch.setattr(parallel, "SPLIT_MIN", 1000)
    monkeypatch.setattr(parallel, "PART_MIN", 300)
    bars = []

    class Bar(progress.Progress):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            bars.append(self)

    monkeypatch.setattr(progress, "wanted", lambda stream=None: True)
    monkeypatch.setattr(progress, "Progress", Bar)
    big = _write(tmp_path, "multi", "twice")
    small = _write(tmp_path, "requests", "lf")
    assert len(parallel.plan_work([big, small], 2)) > 2
    lint([big, small], Options(jobs=2))
    (bar,) = bars
    assert (bar.files, bar.files_done) == (2, 2)
    assert bar.done == os.path.getsize(big) + os.path.getsize(small)


@pytest.mark.parametrize("base,name", [(b, n) for b, n in CASES if n in (
    "lf", "one_line", "twice", "no_ge", "first_se_missing", "stray_after_se", "other_delimiters")])
def test_the_search_window_does_not_change_the_plan(tmp_path, base, name, monkeypatch):
    """Each kind of cut point is searched in a window that doubles from ``_WINDOW``
    bytes, remembering what it searched: a tiny window (many doublings, many searches
    resumed where the last stopped) plans the same cuts as a window holding the file."""
    path = _write(tmp_path, base, name)
    for parts in (2, 3, 50):
        monkeypatch.setattr(file_parts, "_WINDOW", 1 << 30)
        wide = file_parts.plan(path, parts, 1)
        monkeypatch.setattr(file_parts, "_WINDOW", 7)
        narrow = file_parts.plan(path, parts, 1)
        assert [(p.start, p.end) for p in narrow or ()] == [(p.start, p.end) for p in wide or ()]
        assert wide is None or len(wide) > 1
