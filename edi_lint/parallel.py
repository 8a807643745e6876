"""``-j N`` / ``--jobs N``: check the files of a batch in N processes, finish once.

Each worker process builds the same ``Linter`` (same options, profile, roster and
ledger) and checks whole files, one at a time, biggest first. For each file it
sends back what ``-j 1`` would have kept of it: the ``FileSummary``, the file's
findings and what the file added to the batch (``Batch.contribution``: line and
claim facts, TAR responses, the request count). The parent merges them **in file
order** and runs the batch-wide rules once (``Linter.finish``), so findings and
their order are those of ``-j 1``.

What makes that true: claim, TAR and segment rules see one file at a time and keep
no state across files; whatever spans files goes through the batch facts, which
only batch rules read (in ``finish``).

Spawn-safe: workers get their work through picklable arguments only (module-level
functions, ``Options``), so the same code runs under fork, forkserver and spawn.
A single file, stdin, or a profile given as an object that cannot be pickled is
checked in this process.
"""
from __future__ import annotations

import gc
import multiprocessing
import os
import pickle

from .engine import Linter, UsageError, open_input

_LINTER: Linter | None = None  # the worker's own linter


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
    """Check ``files`` in ``linter.options.jobs`` processes into ``linter``'s batch."""
    sizes = [_size(path) for path in files]
    tasks = sorted(range(len(files)), key=lambda i: (-sizes[i], i))  # big files first
    jobs = min(linter.options.jobs, len(files))
    profile = linter.profile if linter.profile_given else None
    results: list = [None] * len(files)
    context = multiprocessing.get_context(os.environ.get("EDI_LINT_START_METHOD") or None)
    # The facts arriving from the workers only pile up (no cycles): with the collector
    # on, each full collection would walk all of them again.
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        with context.Pool(jobs, initializer=_start_worker,
                          initargs=(linter.options, profile)) as pool:
            for file_no, result in pool.imap_unordered(
                    _check_file, [(i, files[i]) for i in tasks], chunksize=1):
                results[file_no] = result
                if progress is not None:
                    progress.file_done()
                    progress.advance(sizes[file_no])
    finally:
        if gc_was_enabled:
            gc.enable()
    for file_no, (summary, findings, part, error) in enumerate(results):
        if error is not None:
            raise UsageError(error)
        linter.files.append(summary)
        linter.findings.extend(findings)
        linter.ctx.batch.merge(part)


def _size(path: str) -> int:
    try:
        return os.path.getsize(path)
    except OSError:
        return 0


# -- in the worker ------------------------------------------------------------------------

def _start_worker(options, profile) -> None:
    global _LINTER
    _LINTER = Linter(options, profile=profile)
    _LINTER._attach_history()


def _check_file(task):
    """Check one file; return (file_no, (summary, findings, batch part, error))."""
    file_no, path = task
    linter = _LINTER
    linter.files, linter.findings = [], []
    batch = linter.ctx.batch = linter.ctx.batch.empty_like()
    try:
        stream = open_input(path)
        try:
            summary = linter.lint_stream(stream, path, file_no)
        finally:
            stream.close()
    except UsageError as exc:
        return file_no, (None, None, None, str(exc))
    except OSError as exc:
        return file_no, (None, None, None, f"{path}: read error: {exc.strerror or exc}")
    return file_no, (summary, linter.findings, batch.contribution(), None)
