"""``-j N`` gives the findings of ``-j 1``, in the same order; the progress bar stays off stdout."""
from __future__ import annotations

import io
import os
import pickle

import pytest

from edi_lint import parallel, progress, units
from edi_lint.batch import Batch
from edi_lint.engine import Linter, Options, lint
from edi_lint.testing.x12build import (
    Claim,
    Event,
    Line,
    OtherPayer,
    TarLine,
    build_278_request,
    build_278_response,
    build_837,
)


def _write(folder, name, text):
    path = folder / name
    path.write_text(text, encoding="latin-1", newline="")
    return path


@pytest.fixture()
def batch_dir(tmp_path):
    """Five files whose limits only break across files, a void, a replacement, TARs."""
    folder = tmp_path / "batch"
    folder.mkdir()
    # M1: ECM monthly in June in two files (ECM-01), engagement twice (ECM-03).
    _write(folder, "a_june.x12", build_837([
        Claim("A100", [Line("G9008", ["U1"], dos="20250603", g1=["ECM25M1"]),
                       Line("G9012", [], charge="150.00", dos="20250602", g1=["ECM25M1"])],
              member="M1"),
        Claim("A101", [Line("T2040", ["U6"], charge="222.00", dos="20250610", g1=["CS25M2"])],
              member="M2"),
        Claim("A102", [Line("S9977", ["U6"], charge="66.00", dos="20250601", g1=["CS25M3"])],
              member="M3"),
    ], control="000000101"))
    _write(folder, "b_june_again.x12", build_837([
        Claim("B200", [Line("G9012", ["U2"], dos="20250620", g1=["ECM25M1"])], member="M1"),
        Claim("B201", [Line("G9012", [], charge="150.00", dos="20250721", g1=["ECM25M1"])],
              member="M1"),
        # tenancy: 1 unit here, 2 units in the next file: 3 in the month (CS-02)
        Claim("B202", [Line("T2041", ["U6"], charge="444.00", units="2", dos="20250615",
                            g1=["CS25M2"])], member="M2"),
        # a second grocery box within 7 days of file a's (CS-07)
        Claim("B203", [Line("S9977", ["U6"], charge="66.00", dos="20250605", g1=["CS25M3"])],
              member="M3"),
    ], control="000000102"))
    # A void of A101 and a replacement of A102 in a later file: their lines count nowhere.
    _write(folder, "c_corrections.x12", build_837([
        Claim("A101", [Line("T2040", ["U6"], charge="222.00", dos="20250610", g1=["CS25M2"])],
              member="M2", freq="8", f8="ICN101"),
        Claim("A102", [Line("S9977", ["U6"], charge="66.00", dos="20250601", g1=["CS25M3"])],
              member="M3", freq="7", f8="ICN102"),
        Claim("C300", [Line("G9008", ["U1"], dos="20250801", g1=["ECM25M1"])], member="M1",
              other_payers=[OtherPayer("P", "CI", "KAISER FOUNDATION HEALTH PLAN", "94134")]),
    ], control="000000103"))
    _write(folder, "d_tar_request.x12", build_278_request(
        member="M4", lines=[TarLine("G9008", ["U1"], period=("20250601", "20251231")),
                            TarLine("G9012", [], period=("20250601", "20251231"))],
        control="000000104"))
    _write(folder, "e_tar_responses.x12", build_278_response(
        member="M1", events=[Event(lines=[TarLine("G9008", ["U1"], units="6",
                                                  period=("20250601", "20251130"))],
                                   cert="ECM25M1", hcr01="A1",
                                   event_period=("20250601", "20251130"))],
        control="000000105"))
    # what the two-group sequences of the limit index serve: outreach after M1's enrollment
    # (ECM-05) and meals in the month of M3's grocery box (CS-11); and members for both shards
    _write(folder, "f_more.x12", build_837([
        Claim("F600", [Line("G9008", ["U8"], charge="5.00", dos="20250625")], member="M1"),
        Claim("F601", [Line("S5170", ["U6"], charge="20.00", units="2", dos="20250612",
                            g1=["CS25M3"])], member="M3"),
    ] + [Claim(f"F7{m:02d}", [Line("G9008", ["U8"], charge="5.00", dos="20250501"),
                              Line("G9012", ["U2"], dos="20250601", g1=["ECM25M1"])],
               member=f"M{m + 10}") for m in range(12)], control="000000106"))
    return folder


def _as_tuples(result):
    return [(f.rule, f.message, f.path, f.line, f.col, f.segment_index, f.segment_id, f.offset,
             f.tip, f.severity, f.loop, f.claim_id, f.service_line, f.trace, f.content)
            for f in result.findings]


def test_jobs_2_gives_the_findings_of_jobs_1(batch_dir):
    one = lint([str(batch_dir)], Options(jobs=1))
    two = lint([str(batch_dir)], Options(jobs=2))
    assert _as_tuples(two) == _as_tuples(one)
    assert two.as_dict() == one.as_dict()
    # the batch-wide limits did fire across files
    codes = {f.rule for f in one.findings}
    tips = {f.tip for f in one.findings}
    assert {"ECM-01", "ECM-03", "CS-07"} <= tips, (codes, tips)
    assert "CS-02" not in tips  # the void in a later file takes A101's unit out of June


def test_jobs_under_spawn(batch_dir, monkeypatch):
    monkeypatch.setenv("EDI_LINT_START_METHOD", "spawn")
    one = lint([str(batch_dir)], Options(jobs=1))
    three = lint([str(batch_dir)], Options(jobs=3))
    assert _as_tuples(three) == _as_tuples(one)


def test_more_jobs_than_files_and_a_worker_batch_per_file(batch_dir):
    one = lint([str(batch_dir)], Options(jobs=1))
    many = lint([str(batch_dir)], Options(jobs=8))
    assert _as_tuples(many) == _as_tuples(one)


def test_batch_rules_in_a_forked_child_give_the_same_findings(batch_dir, monkeypatch):
    """``finish`` runs half the members' batch rules in a forked child (big batches only)."""
    monkeypatch.setattr(parallel, "FORK_FINISH_LINES", 0)
    one = lint([str(batch_dir)], Options(jobs=1))
    assert {"GEN-07", "ECM-05", "CS-11"} <= {f.tip for f in one.findings}
    assert _as_tuples(lint([str(batch_dir)], Options(jobs=2))) == _as_tuples(one)
    # a child that dies leaves its rules to the parent: still the same findings
    monkeypatch.setattr(parallel, "_run_half", lambda *args: None)
    assert _as_tuples(lint([str(batch_dir)], Options(jobs=2))) == _as_tuples(one)


def test_single_file_and_stdin_stay_in_process(batch_dir):
    linter = Linter(Options(jobs=4))
    files = sorted(str(p) for p in batch_dir.iterdir())
    assert parallel.can_run(linter, files)
    assert not parallel.can_run(linter, files[:1])
    assert not parallel.can_run(linter, files + ["-"])
    assert not parallel.can_run(Linter(Options(jobs=1)), files)


def test_unpicklable_profile_object_stays_in_process(batch_dir):
    from edi_lint.profiles import load_profile
    linter = Linter(Options(jobs=2), profile=load_profile())
    files = sorted(str(p) for p in batch_dir.iterdir())
    try:
        pickle.dumps(linter.profile)
    except Exception:
        assert not parallel.can_run(linter, files)
    result = linter.run([str(batch_dir)])
    assert _as_tuples(result) == _as_tuples(lint([str(batch_dir)], Options()))


def test_batch_merges_every_collection_it_keeps(batch_dir):
    """A new list or counter on Batch must be listed in MERGED (or -j loses it)."""
    linter = Linter(Options())
    linter.run([str(batch_dir)])
    batch = linter.ctx.batch
    not_merged = {"profile", "keep_all_lines", "keep_digests", "history", "history_responses"}
    for name, value in vars(batch).items():
        if name.startswith("_") or name in not_merged:
            continue
        if isinstance(value, (list, int)) and not isinstance(value, bool):
            assert name in Batch.MERGED, f"Batch.{name} is not merged by -j"


def test_contribution_round_trips_through_pickle(batch_dir):
    linter = Linter(Options())
    linter.run([str(batch_dir)])
    batch = linter.ctx.batch
    part = pickle.loads(pickle.dumps(batch.contribution()))
    fresh = batch.empty_like()
    fresh.merge(part)
    assert len(fresh.lines) == len(batch.lines) and len(fresh.claims) == len(batch.claims)
    for a, b in zip(fresh.lines, batch.lines):
        assert (a.member, a.code, a.modifier_set, a.label, a.group, a.dos_from, a.dos_to,
                a.units, a.charge_cents, a.unit_basis, a.claim_key, a.claim_id, a.frequency,
                a.order, a.authorizations, a.status, a.service_line) == \
               (b.member, b.code, b.modifier_set, b.label, b.group, b.dos_from, b.dos_to,
                b.units, b.charge_cents, b.unit_basis, b.claim_key, b.claim_id, b.frequency,
                b.order, b.authorizations, b.status, b.service_line)
        assert (a.loc.path, a.loc.sv1, a.loc.dtp) == (b.loc.path, b.loc.sv1, b.loc.dtp)
    assert [tuple(c) for c in fresh.claims] == [tuple(c) for c in batch.claims]


# -- progress bar -----------------------------------------------------------------------------

class _Tty(io.StringIO):
    def isatty(self):
        return True


def test_progress_only_on_a_terminal(monkeypatch):
    monkeypatch.delenv("EDI_LINT_NO_PROGRESS", raising=False)
    monkeypatch.setenv("TERM", "xterm")
    assert progress.wanted(_Tty())
    assert not progress.wanted(io.StringIO())  # piped or redirected
    monkeypatch.setenv("EDI_LINT_NO_PROGRESS", "1")
    assert not progress.wanted(_Tty())


def test_progress_waits_then_draws_and_erases():
    now = [0.0]
    out = _Tty()
    bar = progress.Progress(10_000_000, 3, stream=out, clock=lambda: now[0])
    bar.advance(1_000_000)
    assert out.getvalue() == ""  # a short run never sees a bar
    now[0] = progress.DELAY + 0.1
    bar.file_done()
    bar.advance(4_000_000)
    drawn = out.getvalue()
    assert "50%" in drawn and "5.0/10.0 MB" in drawn and "1 of 3 files" in drawn
    assert "\n" not in drawn
    bar.close()
    assert out.getvalue().endswith("\r")


def test_progress_never_reaches_stdout(batch_dir, capsys, monkeypatch):
    monkeypatch.setattr(progress, "wanted", lambda stream=None: True)
    monkeypatch.setattr(progress, "DELAY", 0.0)
    result = lint([str(batch_dir)], Options())
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "MB" in captured.err  # drawn on stderr, then erased
    assert result.findings


def _many_members(tmp_path, members=40):
    """One file: each member billed the ECM monthly twice in June 2025 (ECM-01)."""
    claims = [Claim(f"C{m}{n}", [Line("G9008", ["U1"], dos=f"2025060{n + 1}", g1=["ECM25M1"])],
                    member=f"M{m}") for m in range(members) for n in range(2)]
    return _write(tmp_path, "many.x12", build_837(claims, control="000000201"))


def test_by_member_rules_split_the_members_between_two_processes(tmp_path):
    """``Batch.shard`` halves the limit index: the two halves hold every finding once."""
    path = _many_members(tmp_path)
    linter = Linter(Options(select=("ECM-01",)))
    linter.run([str(path)])
    batch, ctx = linter.ctx.batch, linter.ctx
    rules = [rule for rule in linter.batch_rules if rule.by_member]
    assert rules and all(rule.by_member for rule in rules)
    whole = [list(rule.check_batch(batch, ctx)) for rule in rules]
    halves = [parallel._shard(rules, batch, ctx, k) for k in (0, 1)]
    assert batch.shard is None  # restored after each half
    for n, found in enumerate(whole):
        key = _finding_keys
        assert sorted(key(halves[0][n] + halves[1][n])) == sorted(key(found))
    ecm01 = [f for found in whole for f in found if f.tip == "ECM-01"]
    assert len(ecm01) == 40  # the second line of each member
    assert all(halves[k][0] for k in (0, 1))  # 40 members: both halves hold some


def test_tar_match_splits_the_members_between_two_processes(tmp_path):
    """GEN-07 counts a member's units under the member's own certifications: each half of
    the members is checked on its own, and the two halves hold every finding once."""
    claims, responses = [], []
    for m in range(40):
        cert = f"ECM25{m:02d}"
        # two monthly lines under a certification approving 1 unit: the second is over it;
        # an engagement line the certification does not cover
        claims.append(Claim(f"T{m}", [Line("G9008", ["U1"], dos="20250603", g1=[cert]),
                                      Line("G9008", ["U1"], dos="20250703", g1=[cert]),
                                      Line("G9012", [], charge="150.00", dos="20250604",
                                           g1=[cert])], member=f"M{m}"))
        responses.append(_write(tmp_path, f"r{m}.x12", build_278_response(
            member=f"M{m}", events=[Event(lines=[TarLine("G9008", ["U1"], units="1",
                                                         period=("20250601", "20251130"))],
                                          cert=cert, hcr01="A1",
                                          event_period=("20250601", "20251130"))],
            control=f"0000003{m:02d}")))
    path = _write(tmp_path, "tars.x12", build_837(claims, control="000000301"))
    linter = Linter(Options(select=("GEN-07",)))
    linter.run([str(path)] + [str(r) for r in responses])
    batch, ctx = linter.ctx.batch, linter.ctx
    [rule] = [rule for rule in linter.batch_rules if rule.tips == ("GEN-07",)]
    assert rule.by_member
    whole = list(rule.check_batch(batch, ctx))
    halves = [parallel._shard([rule], batch, ctx, k)[0] for k in (0, 1)]
    assert sorted(_finding_keys(halves[0] + halves[1])) == sorted(_finding_keys(whole))
    assert len(whole) == 80 and {f.tip for f in whole} == {"GEN-07"}
    assert sum("above the approved quantity 1" in f.message for f in whole) == 40
    assert sum("does not cover G9012" in f.message for f in whole) == 40
    assert halves[0] and halves[1]  # 40 members: both halves hold some


def _finding_keys(findings):
    return [(f.rule, f.segment_index, f.message) for f in findings]


def test_lines_in_batch_order_are_only_bucketed_by_dos(tmp_path):
    """The engine adds claims in batch order (file, then segment): ``counted_lines`` then
    skips the sort; a claim added out of order brings the sort back, same result."""
    path = _many_members(tmp_path, members=5)
    linter = Linter(Options())
    linter.run([str(path)])
    batch = linter.ctx.batch
    assert batch.in_order and batch.span[0] < batch.span[1]
    by_key = sorted((f for f in batch.lines if f.status == "active"), key=lambda f: f.sort_key())
    assert batch.counted_lines() == by_key
    # the same facts, merged in reverse: out of order, sorted again
    reverse = batch.empty_like()
    for fact in reversed(batch.claims):
        part = batch.empty_like()
        part.claims = [fact]
        part.lines = [f for f in batch.lines if f.claim is fact]
        part.span = (fact.order, fact.order)
        reverse.merge(part.contribution())
    assert not reverse.in_order
    assert reverse.counted_lines() == by_key


def test_counted_lines_are_built_once_until_statuses_change(tmp_path):
    path = _many_members(tmp_path, members=3)
    linter = Linter(Options())
    linter.run([str(path)])
    batch = linter.ctx.batch
    first = batch.counted_lines(copy=False)
    assert batch.counted_lines(copy=False) is first  # asked again: no pass over the lines
    batch.claims[0].status = "void"
    batch.statuses_changed()
    again = batch.counted_lines(copy=False)
    assert len(again) == len(first) - 1 and batch.claims[0] not in [f.claim for f in again]


def test_no_worker_processes_means_one_process(batch_dir, monkeypatch):
    """A system without semaphores or fork (no /dev/shm, a process limit) still gets its
    report: the run, or its batch rules, go on in one process."""
    import multiprocessing.context as mp_context
    one = lint([str(batch_dir)], Options(jobs=1))

    refused = []

    def no_semaphores(self, *args, **kwargs):
        refused.append(args)
        raise OSError(38, "Function not implemented")

    for name in ("Value", "Pool"):
        with monkeypatch.context() as patch:
            patch.setattr(mp_context.BaseContext, name, no_semaphores)
            assert _as_tuples(lint([str(batch_dir)], Options(jobs=2))) == _as_tuples(one)
    assert len(refused) == 2
    # the batch rules: no child to fork, all of them here
    linter = Linter(Options())
    linter.run([str(batch_dir)])
    batch, ctx, rules = linter.ctx.batch, linter.ctx, linter.batch_rules
    expected = [_finding_keys(rule.check_batch(batch, ctx)) for rule in rules]
    import multiprocessing.process as mp_process
    tried = []

    def no_process(self):
        tried.append(self)
        raise OSError(11, "Resource temporarily unavailable")

    monkeypatch.setattr(parallel, "FORK_FINISH_LINES", 0)
    monkeypatch.setattr(mp_process.BaseProcess, "start", no_process)
    assert [_finding_keys(found) for found in parallel.batch_findings(rules, batch, ctx)] \
        == expected
    assert tried and any(expected)


def test_small_files_travel_in_groups(tmp_path, monkeypatch):
    """Consecutive small files make one unit of work (one result to pickle, not one a
    file); each file is in exactly one unit; the findings are those of -j 1."""
    import shutil
    from pathlib import Path
    fixtures = Path(__file__).resolve().parent.parent / "fixtures"
    sources = sorted(fixtures.rglob("*.x12"))
    folder = tmp_path / "many"
    folder.mkdir()
    for n in range(3):
        for source in sources:
            shutil.copy(source, folder / f"{n}_{source.name}")
    files = sorted(str(p) for p in folder.iterdir())
    monkeypatch.setattr(parallel, "GROUP_BYTES", 6000)
    work = parallel.plan_work(files, 2)
    units = [file_nos for file_nos, _part_no, part, _size in work]
    assert sorted(n for file_nos in units for n in file_nos) == list(range(len(files)))
    assert all(list(u) == list(range(u[0], u[-1] + 1)) for u in units)  # consecutive
    assert any(len(u) > 1 for u in units) and len(units) > 2
    for file_nos, _part_no, _part, size in work:
        assert size == sum(os.path.getsize(files[n]) for n in file_nos)
        assert len(file_nos) == 1 or size - os.path.getsize(files[file_nos[-1]]) < 6000
    one = lint([str(folder)], Options(jobs=1))
    assert _as_tuples(lint([str(folder)], Options(jobs=2))) == _as_tuples(one)
    assert len(one.files) == len(files)


def test_a_file_of_many_one_set_interchanges_is_cut_and_gives_the_findings_of_jobs_1(
        tmp_path, monkeypatch):
    """Cuts at an ISA after an IEA (and a GS after a GE): a file of interchanges of one
    transaction set each splits; one interchange has the wrong IEA01, another the
    wrong GE01, one lacks its IEA (no cut there), two use other delimiters (composites
    '^', then segments ending with '!'); the findings are those of -j 1."""
    from edi_lint.testing.x12build import Delims
    texts = []
    for n in range(1, 41):
        delims = (Delims(component="^", repetition="{") if n == 17 else
                  Delims(segment="!", component="^", repetition="{") if n == 40 else Delims())
        text = build_837([Claim(f"C{n}", [Line("G9008", ["U1"], dos="20250603",
                                                g1=["ECM25M1"])], member=f"M{n % 7}")],
                         control=f"{n:09d}", delims=delims)
        if n == 11:
            text = text.replace("IEA*1*", "IEA*3*")
        elif n == 23:
            text = text.replace("GE*1*", "GE*2*")
        elif n == 31:
            text = text[:text.index("IEA*")]
        texts.append(text)
    path = _write(tmp_path, "many_isa.x12", "".join(texts))
    monkeypatch.setattr(parallel, "SPLIT_MIN", 1000)
    monkeypatch.setattr(parallel, "PART_MIN", 2000)
    work = parallel.plan_work([str(path)], 2)
    assert len(work) > 3 and all(unit[2] is not None for unit in work)
    with open(path, "rb") as fh:
        data = fh.read()
    assert {data[unit[2].start:unit[2].start + 4] for unit in work[1:]} == {b"ISA*"}
    monkeypatch.setattr(parallel, "PART_MIN", 300)  # a cut at every interchange or so
    work = parallel.plan_work([str(path)], 2)
    components = {unit[2].resume.delimiters.component for unit in work[1:]}
    assert components == {":", "^"} and work[-1][2].resume.delimiters.segment == "!"
    from edi_lint.x12.parts import proves
    linter = Linter(Options())
    for unit in work:  # each part ends where the next begins: no file checked again whole
        unit[2].reached = units.check_unit(linter, [str(path)], unit)[0][4]
    assert proves([unit[2] for unit in work])
    one = lint([str(path)], Options(jobs=1))
    assert {f.rule for f in one.findings} >= {"X021", "X023", "X030", "B101"}
    assert _as_tuples(lint([str(path)], Options(jobs=2))) == _as_tuples(one)
