"""``-j N`` / ``--jobs N``: check the files of a batch in N processes, finish once.

The parent process and ``N - 1`` worker processes check whole files, taking them one
at a time, biggest first, from one shared counter: no core idles while another has
work, and the parent, which would otherwise only wait for results, checks files too.
The parent takes the first (biggest) file before the workers start, so it begins at
once, and the biggest file's facts (often a 278 response file: its responses pickle
slowly) never cross a process boundary.

For each file a process keeps what ``-j 1`` would have kept of it: the
``FileSummary``, the file's findings and what the file added to the batch
(``Batch.contribution``: line and claim facts, TAR responses, the request count).
A worker pickles its results into a spool file and sends the pool only the file's
name: a result sent through the pool's pipe (0.6 MB a 1.5 MB file) blocked the
worker until the parent's result thread had read it, and that thread waits for the
GIL while the parent checks a file (tens of ms a result). The parent merges them
**in file order** and runs the batch-wide rules once (``Linter.finish``), so findings
and their order are those of ``-j 1``.

What makes that true: claim, TAR and segment rules see one file at a time and keep
no state across files; whatever spans files goes through the batch facts, which
only batch rules read (in ``finish``).

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

from .engine import Linter, UsageError, open_input

_WORKER = None  # in a worker: (its own linter, files, their order, the shared counter, spool)


def can_run(linter: Linter, files: list[str]) -> bool:
    """Whether ``files`` are worth (and able to be) checked in several processes."""
    if linter.options.jobs < 2 or len(files) < 2 or "-" in files:
        return False
    if linter.profile_given:
        try:
            pickle.dumps(linter.profile)
        except Exception:  # a profile object built in code: check in this process
            return False
    return True


def lint_files(linter: Linter, files: list[str], progress=None) -> None:
    """Check ``files`` in this process and ``jobs - 1`` workers into ``linter``'s batch."""
    sizes = [_size(path) for path in files]
    order = sorted(range(len(files)), key=lambda i: (-sizes[i], i))  # big files first
    workers = min(linter.options.jobs, len(files)) - 1
    profile = linter.profile if linter.profile_given else None
    context = multiprocessing.get_context(os.environ.get("EDI_LINT_START_METHOD") or None)
    next_task = context.Value("q", 1)  # position in ``order`` of the next file to take
    results: list = [None] * len(files)
    # The facts arriving from the workers only pile up (no cycles): with the collector
    # on, each full collection would walk all of them again. With it off they all count
    # as young, and the first allocation after it is back on would walk them once more
    # (0.2 s on the benchmark batch, with both cores but one idle): they are frozen
    # first, out of the collector's sight; reference counting still frees them.
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        with tempfile.TemporaryDirectory(prefix="edi-lint-j") as spool, \
                context.Pool(workers, initializer=_start_worker,
                             initargs=(linter.options, profile, files, order, next_task, spool)
                             ) as pool:
            # one ticket per file: a worker takes the next file, if any is left, per ticket
            received = pool.imap_unordered(_check_next, range(len(files)), chunksize=1)
            file_no = order[0]
            while file_no is not None:
                results[file_no] = _check(linter, files[file_no], file_no, progress)
                if progress is not None:
                    progress.file_done()
                _collect(received, results, sizes, progress, wait=False)
                file_no = _take(next_task, order)
            _collect(received, results, sizes, progress, wait=True)
    finally:
        gc.freeze()
        if gc_was_enabled:
            gc.enable()
    for summary, findings, part, error in results:
        if error is not None:
            raise UsageError(error)
        linter.files.append(summary)
        linter.findings.extend(findings)
        linter.ctx.batch.merge(part)


def _collect(received, results, sizes, progress, wait: bool) -> None:
    """Load the workers' results that are ready (all of them when ``wait``)."""
    while True:
        try:
            file_no, spooled = received.next(timeout=None if wait else 0)
        except (StopIteration, multiprocessing.TimeoutError):
            return
        if file_no is None:  # the ticket found every file taken
            continue
        with open(spooled, "rb") as spool_file:
            results[file_no] = pickle.load(spool_file)
        os.remove(spooled)
        if progress is not None:
            progress.file_done()
            progress.advance(sizes[file_no])


def _take(next_task, order):
    """The number of the next file to check, or None when every file is taken."""
    with next_task.get_lock():
        position = next_task.value
        if position >= len(order):
            return None
        next_task.value = position + 1
    return order[position]


def _check(linter: Linter, path: str, file_no: int, progress=None):
    """Check one file on its own: (summary, findings, batch part, error).

    The file gets fresh findings and a fresh batch, so its results can be merged in
    file order later; ``linter`` is left as it was.
    """
    saved = linter.files, linter.findings, linter.ctx.batch
    linter.files, linter.findings = [], []
    batch = linter.ctx.batch = saved[2].empty_like()
    try:
        stream = open_input(path)
        try:
            if progress is not None:
                from .progress import CountingStream
                stream = CountingStream(stream, progress)
            summary = linter.lint_stream(stream, path, file_no)
        finally:
            stream.close()
    except UsageError as exc:
        return None, None, None, str(exc)
    except OSError as exc:
        return None, None, None, f"{path}: read error: {exc.strerror or exc}"
    finally:
        findings = linter.findings
        linter.files, linter.findings, linter.ctx.batch = saved
    return summary, findings, batch.contribution(), None


def _size(path: str) -> int:
    try:
        return os.path.getsize(path)
    except OSError:
        return 0


# -- in the worker ------------------------------------------------------------------------

def _start_worker(options, profile, files, order, next_task, spool) -> None:
    global _WORKER
    linter = Linter(options, profile=profile)
    linter._attach_history()
    _WORKER = (linter, files, order, next_task, spool)


def _check_next(_ticket):
    """Check the next file not taken yet: (file_no, spool file of its result), or (None, None)."""
    linter, files, order, next_task, spool = _WORKER
    file_no = _take(next_task, order)
    if file_no is None:
        return None, None
    result = _check(linter, files[file_no], file_no)
    spooled = os.path.join(spool, f"{file_no}.pickle")
    with open(spooled, "wb") as spool_file:
        pickle.dump(result, spool_file, protocol=pickle.HIGHEST_PROTOCOL)
    return file_no, spooled


# -- finish: the batch rules in two processes ------------------------------------------------

FORK_FINISH_LINES = 20_000  # below this the batch rules take less than a fork and a pipe


def batch_findings(rules, batch, ctx) -> list:
    """Each batch rule's findings (a list per rule, in rule order), for ``Linter.finish``.

    The limit rules share one index and run here; the rules marked ``own_process``
    (GEN-07: as costly as all the limit rules together) run at the same time in a
    forked child, which sees the merged facts without copying them and sends back
    only its findings. Without fork (spawn, forkserver) or on a small batch they all
    run here. If the child fails, its rules run here too: the same findings, or the
    same error, as in one process.
    """
    apart = [rule for rule in rules if getattr(rule, "own_process", False)]
    start_method = os.environ.get("EDI_LINT_START_METHOD") or None
    if not apart or len(apart) == len(rules) or len(batch.lines) < FORK_FINISH_LINES \
            or multiprocessing.get_context(start_method).get_start_method() != "fork":
        return [list(rule.check_batch(batch, ctx)) for rule in rules]
    batch.counted_lines(copy=False)  # sorted once, before the fork: both sides read it
    context = multiprocessing.get_context("fork")
    reader, writer = context.Pipe(duplex=False)
    child = context.Process(target=_run_apart, args=(apart, batch, ctx, writer), daemon=True)
    child.start()
    writer.close()
    found = {id(rule): list(rule.check_batch(batch, ctx)) for rule in rules if rule not in apart}
    try:
        found.update(zip(map(id, apart), reader.recv()))
    except EOFError:  # the child died: run its rules here
        found.update((id(rule), list(rule.check_batch(batch, ctx))) for rule in apart)
    finally:
        reader.close()
        child.join()
    return [found[id(rule)] for rule in rules]


def _run_apart(rules, batch, ctx, writer) -> None:
    """In the forked child: the findings of ``rules``, sent through ``writer``."""
    try:
        found = [list(rule.check_batch(batch, ctx)) for rule in rules]
    except Exception:  # no traceback from here: the parent runs them again and reports it
        return
    writer.send(found)
    writer.close()
