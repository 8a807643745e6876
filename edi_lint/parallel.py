"""``-j N`` / ``--jobs N``: check the files of a batch in N processes, finish once.

The units of work are whole files, small files in groups (a result crossing the
process boundary costs about a millisecond whatever its size), and the parts of big
files (``x12.parts``: cut between transaction sets, groups or interchanges, each
proving at the merge that it began where the previous one ended). The parent process
and ``N - 1`` worker processes take them one at a time, biggest first, from one shared
counter: no core idles while another has work, and the parent, which would otherwise
only wait for results, checks too.
The parent takes the first (biggest) unit before the workers start, so it begins at
once, and that unit's facts never cross a process boundary.

For each unit a process keeps what ``-j 1`` would have kept of it: the
``FileSummary``, the findings and what it added to the batch
(``Batch.contribution``: line and claim facts, TAR responses, the request count).
A worker pickles its results into a spool file and sends the pool only the file's
name: a result sent through the pool's pipe (0.6 MB a 1.5 MB file) blocked the
worker until the parent's result thread had read it, and that thread waits for the
GIL while the parent checks a file (tens of ms a result). The parent merges them
**in file order** (a file's parts joined first: ``units.merge``) and runs the batch-wide
rules once (``Linter.finish``), so findings and their order are those of ``-j 1``.

What makes that true: claim, TAR and segment rules see one file at a time and keep
no state across files; whatever spans files goes through the batch facts, which
only batch rules read (in ``finish``). Within a file, what spans transaction sets
(envelope counts, X107, X111's cap, B509's numbering) is joined or checked whole.

Spawn-safe: workers get their work through picklable arguments only (module-level
functions, ``Options``, the file list, a shared counter), so the same code runs under
fork, forkserver and spawn. A single file, stdin, or a profile given as an object
that cannot be pickled is checked in this process.
"""
from __future__ import annotations

import gc
import multiprocessing
import os
import pickle
import tempfile

from .engine import Linter, jobs_for
from .units import check_unit, merge

_WORKER = None  # in a worker: (its own linter, files, the work, its order, the counter, spool)

SPLIT_MIN = 8 << 20  # a file this big or bigger is cut into parts (``x12.parts``)
PART_MIN = 2 << 20  # no part smaller than this
GROUP_BYTES = 256 << 10  # smaller files travel in groups of about this many bytes


def can_run(linter: Linter, files: list[str]) -> bool:
    """Whether ``files`` are worth (and able to be) checked in several processes."""
    if jobs_for(linter.options.jobs, files) < 2 or not files or "-" in files:
        return False
    if len(files) < 2 and (_size(files[0]) < SPLIT_MIN or _whole_files(linter.options)):
        return False
    if linter.profile_given:
        try:
            pickle.dumps(linter.profile)
        except Exception:  # a profile object built in code: check in this process
            return False
    return True


def plan_work(files: list[str], jobs: int, split: bool = True) -> list[tuple]:
    """The units of work: ``(file numbers, part number, part, bytes)``: whole files (one,
    or a group of consecutive small ones) with ``part`` None, or one ``x12.parts.Part``
    of a file cut between envelopes (unless ``split`` is false: ``--ig`` hands pyx12
    whole files)."""
    from .x12 import parts as file_parts
    sizes = [_size(path) for path in files]
    # groups small enough that even a small batch makes a few units a process
    group_target = min(GROUP_BYTES, sum(sizes) // (jobs * 4))
    work: list[tuple] = []
    group: list[int] = []
    group_bytes = 0
    for file_no, (path, size) in enumerate(zip(files, sizes)):
        cut = None
        if split and size >= SPLIT_MIN:
            cut = file_parts.plan(path, jobs, PART_MIN)
        if cut is not None:
            work.extend(((file_no,), n, part, part.end - part.start)
                        for n, part in enumerate(cut))
        elif size >= group_target:
            work.append(((file_no,), 0, None, size))
        else:
            group.append(file_no)
            group_bytes += size
            if group_bytes >= group_target:
                work.append((tuple(group), 0, None, group_bytes))
                group, group_bytes = [], 0
    if group:
        work.append((tuple(group), 0, None, group_bytes))
    return work


def _whole_files(options) -> bool:
    """Whether files are checked whole, never cut into parts: ``--ig`` hands pyx12 whole
    interchanges, and acknowledgments (``ack``) collect their facts file by file."""
    return options.ig == "pyx12" or options.ack


class Unavailable(Exception):
    """This system cannot start worker processes (no semaphores, no fork...): the run
    goes on in one process."""


def lint_files(linter: Linter, files: list[str], progress=None) -> None:
    """Check ``files`` in this process and ``jobs - 1`` workers into ``linter``'s batch;
    ``Unavailable`` (before anything was checked) when the workers cannot start."""
    work = plan_work(files, linter.jobs, split=not _whole_files(linter.options))
    order = sorted(range(len(work)), key=lambda i: (-work[i][3], i))  # big ones first
    workers = min(linter.jobs, len(work)) - 1
    profile = linter.profile if linter.profile_given else None
    try:
        context = multiprocessing.get_context(os.environ.get("EDI_LINT_START_METHOD") or None)
        next_task = context.Value("q", 1)  # position in ``order`` of the next unit to take
    except (OSError, ImportError, ValueError) as exc:  # e.g. no /dev/shm for a semaphore
        raise Unavailable(str(exc)) from None
    results: list = [None] * len(work)
    left = [0] * len(files)  # units of each file not done yet
    for file_nos, *_ in work:
        for file_no in file_nos:
            left[file_no] += 1

    def done(unit, worker=False):
        """Count ``unit`` as done on the progress bar (a file, once its last part is)."""
        if progress is None:
            return
        for file_no in work[unit][0]:
            left[file_no] -= 1
            if not left[file_no]:
                progress.file_done()
        if worker:  # this process's own reads were counted as they went
            progress.advance(work[unit][3])

    # The facts arriving from the workers only pile up (no cycles): with the collector
    # on, each full collection would walk all of them again. With it off they all count
    # as young, and the first allocation after it is back on would walk them once more
    # (0.2 s on the benchmark batch, with both cores but one idle): they are frozen
    # first, out of the collector's sight; reference counting still frees them.
    if linter.ig_fast:  # the 837P map, loaded once here, is the forked workers' too
        from .igcheck import preload_map
        preload_map()
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        with tempfile.TemporaryDirectory(prefix="edi-lint-j") as spool, \
                _pool(context, workers, (linter.options, profile, files, work, order,
                                         next_task, spool)) as pool:
            # one ticket per unit: a worker takes the next unit, if any is left, per ticket
            received = pool.imap_unordered(_check_next, range(len(work)), chunksize=1)
            unit = order[0]
            while unit is not None:
                results[unit] = check_unit(linter, files, work[unit], progress)
                done(unit)
                _collect(received, results, False, linter.ctx.batch, done)
                unit = _take(next_task, order)
            _collect(received, results, True, linter.ctx.batch, done)
        merge(linter, files, work, results)
    finally:
        gc.freeze()
        if gc_was_enabled:
            gc.enable()


def _pool(context, workers, initargs):
    """The workers' pool, or ``Unavailable`` when they cannot start."""
    try:
        return context.Pool(workers, initializer=_start_worker, initargs=initargs)
    except (OSError, ImportError, ValueError) as exc:
        raise Unavailable(str(exc)) from None


def _collect(received, results, wait: bool, batch, done) -> None:
    """Load the workers' results that are ready (all of them when ``wait``), make
    their facts share values with ``batch``'s, and report each unit ``done``."""
    while True:
        try:
            unit, spooled = received.next(timeout=None if wait else 0)
        except (StopIteration, multiprocessing.TimeoutError):
            return
        if unit is None:  # the ticket found every unit taken
            continue
        with open(spooled, "rb") as spool_file:
            results[unit] = pickle.load(spool_file)
        os.remove(spooled)
        for result in results[unit]:
            for part in result[2] or ():
                batch.share_values(part)
        done(unit, worker=True)


def _take(next_task, order):
    """The number of the next unit to check, or None when every unit is taken."""
    with next_task.get_lock():
        position = next_task.value
        if position >= len(order):
            return None
        next_task.value = position + 1
    return order[position]


def _size(path: str) -> int:
    try:
        return os.path.getsize(path)
    except OSError:
        return 0


# -- in the worker ------------------------------------------------------------------------

def _start_worker(options, profile, files, work, order, next_task, spool) -> None:
    global _WORKER
    linter = Linter(options, profile=profile)
    linter._attach_history()
    _WORKER = (linter, files, work, order, next_task, spool)


def _check_next(_ticket):
    """Check the next unit not taken yet: (unit, spool file of its result), or (None, None)."""
    linter, files, work, order, next_task, spool = _WORKER
    unit = _take(next_task, order)
    if unit is None:
        return None, None
    result = check_unit(linter, files, work[unit])
    spooled = os.path.join(spool, f"{unit}.pickle")
    with open(spooled, "wb") as spool_file:
        pickle.dump(result, spool_file, protocol=pickle.HIGHEST_PROTOCOL)
    return unit, spooled


# -- finish: the batch rules in two processes ------------------------------------------------

FORK_FINISH_LINES = 20_000  # below this the batch rules take less than a fork and a pipe
SHARDS = 2  # the parent and one forked child


def batch_findings(rules, batch, ctx) -> list:
    """Each batch rule's findings (a list per rule, in rule order), for ``Linter.finish``.

    Two processes share the work: a forked child, which sees the merged facts without
    copying them and sends back only its findings, and this one. The rules marked
    ``by_member`` (the limit rules and GEN-07, which read the batch one member at a time)
    run in both, each on half of the members (``Batch.shard``); the others run here.
    Without fork (spawn, forkserver) or on a small batch they all run here. If the child
    fails, its half runs here too: the same findings, or the same error, as in one process.
    """
    halved = [rule for rule in rules if rule.by_member]
    start_method = os.environ.get("EDI_LINT_START_METHOD") or None
    if not halved or len(batch.lines) < FORK_FINISH_LINES \
            or multiprocessing.get_context(start_method).get_start_method() != "fork":
        return [list(rule.check_batch(batch, ctx)) for rule in rules]
    batch.counted_lines(copy=False)  # sorted once, before the fork: both sides read it
    context = multiprocessing.get_context("fork")
    reader, writer = context.Pipe(duplex=False)
    child = context.Process(target=_run_half, args=(halved, batch, ctx, writer), daemon=True)
    try:
        child.start()
    except OSError:  # no process to be had (EAGAIN, ENOMEM): all of them here
        reader.close()
        writer.close()
        return [list(rule.check_batch(batch, ctx)) for rule in rules]
    writer.close()
    found = {id(rule): list(rule.check_batch(batch, ctx)) for rule in rules
             if rule not in halved}
    found.update(zip(map(id, halved), _shard(halved, batch, ctx, 0)))
    try:
        child_found = reader.recv()
    except EOFError:  # the child died: run its half here
        child_found = _shard(halved, batch, ctx, 1)
    finally:
        reader.close()
        child.join()
    for rule, findings in zip(halved, child_found):
        found[id(rule)] += findings
    return [found[id(rule)] for rule in rules]


def _shard(rules, batch, ctx, k: int) -> list:
    """The findings of ``rules`` for the members of shard ``k`` (a list per rule)."""
    batch.shard = (k, SHARDS)
    try:
        return [list(rule.check_batch(batch, ctx)) for rule in rules]
    finally:
        batch.shard = None


def _run_half(halved, batch, ctx, writer) -> None:
    """In the forked child: the findings of shard 1, sent through ``writer``."""
    try:
        found = _shard(halved, batch, ctx, 1)
    except Exception:  # no traceback from here: the parent runs them again and reports it
        return
    writer.send(found)
    writer.close()
