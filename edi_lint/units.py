"""The units of ``-j``: checking one on its own, and merging their results in file order."""
from __future__ import annotations

from .engine import Linter, open_input
from .errors import UsageError
from .payer_scope import scope_finding
from .results import FileSummary
from .rules.base import Rule


def merge(linter: Linter, files, work, results) -> None:
    """Add every unit's results to ``linter``, file by file, in file order.

    A file's parts merge into one summary when they prove their plan (each ended
    where the next began); else the file is checked again here, whole.
    """
    by_file: list[list] = [[] for _ in files]  # (part number, part, result) a unit
    for (file_nos, part_no, part, _size), found in zip(work, results):
        for file_no, result in zip(file_nos, found):
            by_file[file_no].append((part_no, part, result))
    for file_no, entries in enumerate(by_file):
        entries.sort(key=lambda entry: entry[0])
        units = [result for _, _, result in entries]
        for _summary, _findings, _facts, error, _reached in units:
            if error is not None:
                raise UsageError(error)
        if len(units) > 1:
            units = _joined(linter, files[file_no], file_no,
                            [part for _, part, _ in entries], units)
        for summary, findings, facts, _error, _reached in units:
            linter.files.append(summary)
            linter.findings.extend(findings)
            for part in facts:
                linter.ctx.batch.merge(part)


def _joined(linter: Linter, path, file_no, parts, units) -> list:
    """The parts' results of one file as one unit's, or the file checked again whole.

    The file is checked again when the layout misled the plan, or when 278 requests
    came in more than one part: B509 numbers a file's request sets, and a part knows
    only its own.
    """
    from .x12.parts import proves
    for part, unit in zip(parts, units):
        part.reached = unit[4]
    with_requests = sum(1 for unit in units if unit[0].tar_requests)
    if not proves(parts) or with_requests > 1:
        result = check(linter, path, file_no)
        if result[3] is not None:
            raise UsageError(result[3])
        return [result]
    summary = FileSummary(path)
    findings, seen_x107, facts = [], set(), []
    per_file = {rule.code: rule for rule in linter.rules
                if type(rule).join_parts is not Rule.join_parts}
    capped: dict[str, list] = {code: [] for code in per_file}  # code -> findings a part
    for part_summary, part_findings, part_facts, _error, _reached in units:
        for found in capped.values():
            found.append([])
        facts.extend(part_facts)
        for name in ("transactions", "claims", "tar_requests", "tar_responses",
                     "out_of_scope_claims", "out_of_scope_tars"):
            setattr(summary, name, getattr(summary, name) + getattr(part_summary, name))
        summary.sets.extend(part_summary.sets)
        if summary.scope_note is None:
            summary.scope_note = part_summary.scope_note
        for finding in part_findings:
            # ISA12 (X107) is checked at an interchange's first checked ST, once: a part
            # that began inside the interchange checked it again
            if finding.rule == "X107":
                if finding.offset in seen_x107:
                    continue
                seen_x107.add(finding.offset)
            if finding.rule in capped:  # a rule that counts per file joins them itself
                capped[finding.rule][-1].append(finding)
                continue
            findings.append(finding)
    for code, found in capped.items():
        findings.extend(per_file[code].join_parts(found))
    findings.extend(_count_checks(path, parts))
    if summary.all_out_of_scope:  # B001 needs the whole file: no part knew it
        findings.append(scope_finding(summary))
    summary.scope_note = None
    return [(summary, findings, facts, None, None)]


def _count_checks(path, parts) -> list:
    """X021 and X023 for the IEA and GE whose ISA or GS began in an earlier part: a part
    counts groups and sets from its own start (``EnvelopeTracker.deferred``), so each
    count is the part's plus what the parts before it counted in the same ISA or GS. And
    X026-X028 for a control number whose first use lay in an earlier part (the parts hand
    over the control numbers of the scopes they share, in file order)."""
    from .engine import segment_finding
    from .x12.envelope import EnvelopeTracker, ack
    found = []
    sets = groups = 0  # in the open GS and ISA when the part begins
    first = {}  # (code, scope, control number) -> its first use (X026-X028)
    for part in parts:
        _state, _index, _delims, counts, deferred = part.reached
        for code, seg, count in deferred:
            if code in ("X026", "X027", "X028"):  # count: the scope's segment index
                key = (code, count, EnvelopeTracker.control_value(code, seg))
                if key in first:
                    found.append(segment_finding(
                        code, EnvelopeTracker.duplicate_problem(code, seg, first[key]), path,
                        seg, data=ack(code)))
                else:
                    first[key] = seg
                continue
            count += sets if code == "X023" else groups
            message = EnvelopeTracker.count_problem(code, seg, count)
            if message:
                found.append(segment_finding(code, message, path, seg, data=ack(code)))
        part_sets, sets_known, part_groups, groups_known = counts
        sets = part_sets if sets_known else sets + part_sets
        groups = part_groups if groups_known else groups + part_groups
    return found


def check_unit(linter: Linter, files, unit, progress=None) -> list:
    """The results of one unit of work: a list of ``check``'s, a file each."""
    file_nos, _part_no, part, _size = unit
    return [check(linter, files[file_no], file_no, progress, part) for file_no in file_nos]


def check(linter: Linter, path: str, file_no: int, progress=None, part=None):
    """Check one file, or one part of it, on its own:
    (summary, findings, [batch contribution], error, where the part ended).

    The file gets fresh findings and a fresh batch, so its results can be merged in
    file order later; ``linter`` is left as it was.
    """
    saved = linter.files, linter.findings, linter.ctx.batch
    linter.files, linter.findings = [], []
    batch = linter.ctx.batch = saved[2].empty_like()
    try:
        stream = open_input(path) if part is None else _PartStream(path, part)
        try:
            if progress is not None:
                from .progress import CountingStream
                stream = CountingStream(stream, progress)
            summary = linter.lint_stream(stream, path, file_no, part)
        finally:
            stream.close()
    except UsageError as exc:
        return None, None, None, str(exc), None
    except OSError as exc:
        return None, None, None, f"{path}: read error: {exc.strerror or exc}", None
    finally:
        findings = linter.findings
        linter.files, linter.findings, linter.ctx.batch = saved
    return summary, findings, [batch.contribution()], None, part.reached if part else None


class _PartStream:
    """Bytes ``part.start:part.end`` of a file, read like a whole file."""

    def __init__(self, path, part):
        self.raw = open_input(path)
        self.raw.seek(part.start)
        self.left = part.end - part.start

    def read(self, size=-1) -> bytes:
        size = self.left if size < 0 else min(size, self.left)
        data = self.raw.read(size)
        self.left -= len(data)
        return data

    def close(self) -> None:
        self.raw.close()
