"""Run a batch: read every file, build the model, run the rules, order findings.

bytes -> reader -> envelope tracker -> 837P/278 builders -> claim/TAR rules
(streaming, per object) -> batch facts -> batch rules -> filtered, sorted findings.
"""
from __future__ import annotations

import gc
import os

from .batch import Batch
from .errors import UsageError  # re-exported: API users import it from here
from .findings import Finding, shown_id, sort_findings, without_spill
from .model.common import Pos
from .model.read import FileRead
# re-exported: API users import them from here
from .options import IG_MODES, Options  # noqa: F401
from .payer_scope import covered, run_scope, scope_finding, scope_note
from .results import FileSummary, Result
from .rules.registry import all_rules
from .selection import Selection, UnknownEntry
# the inputs, re-exported (``edi_lint.engine.expand_paths`` is API)
from .x12.files import DEFAULT_EXTENSIONS, expand_paths, open_input  # noqa: F401
from .x12 import stdin as stdin_copy


class Context:
    """What rules see: the profile, options, the batch, history, and finding helpers."""

    def __init__(self, profile, options: Options, rules):
        self.profile = profile
        self.options = options
        self.rules = rules
        # claim digests serve the ledger only (a recorded twin is left out of history)
        self.batch = Batch(profile, keep_all_lines=bool(options.roster),
                           keep_digests=bool(options.ledger))
        self.roster = None
        self.ledger = None
        self.path = ""
        # a new token for each file (or part of a file) read: rules that count per file
        # (X111, B509) start again when it changes
        self.stream = None

    # -- finding helpers -----------------------------------------------------
    def member_label(self, member) -> str:
        """'member X' with --show-phi, else 'this member' (no PHI by default)."""
        return f"member {member}" if self.options.show_phi and member else "this member"

    def at(self, rule, pos: Pos, message, *, path=None, tip=None, severity=None, claim_id=None,
           service_line=None, trace=None, data=None) -> Finding:
        """A finding of ``rule`` at a segment position (``data``: its acknowledgment codes)."""
        return Finding(rule=rule.code, message=message, path=path or self.path, line=pos.line,
                       col=pos.col, segment_index=pos.index, segment_id=pos.segment_id,
                       offset=pos.offset, tip=tip or rule.tip, severity=severity or rule.severity,
                       loop=pos.loop, claim_id=claim_id, service_line=service_line, trace=trace,
                       content=pos.text, data=data)

    def line_finding(self, rule, line, message, *, tip=None, severity=None, at_dtp=False):
        """A finding on a service line: its SV1 (or its DTP*472 with at_dtp)."""
        pos = (line.dtp_pos if at_dtp and line.dtp_pos else line.where)
        return self.at(rule, pos, message, tip=tip, severity=severity, claim_id=line.claim.clm01,
                       service_line=line.number)

    def claim_finding(self, rule, claim, message, *, tip=None, severity=None):
        return self.at(rule, claim.pos, message, tip=tip, severity=severity, claim_id=claim.clm01)

    def fact_finding(self, rule, fact, message, *, tip=None, severity=None, at_dtp=False):
        """A finding on a batch line known only by its fact (batch-wide rules)."""
        loc = fact.loc
        pos = loc.dtp if at_dtp else loc.sv1
        return self.at(rule, pos, message, path=loc.path, tip=tip, severity=severity,
                       claim_id=loc.claim_id, service_line=loc.service_line)

    def tar_finding(self, rule, tar, message, *, service=None, tip=None, severity=None,
                    data=None):
        """A finding on a TAR (its UM, else HL) or on one of its service lines (SV1)."""
        pos = service.where if service is not None else tar.where
        return self.at(rule, pos, message, path=tar.tx.path, tip=tip, severity=severity,
                       trace=tar.trace, data=data)


AUTO_JOBS_MIN_BYTES = 4 << 20  # ``jobs="auto"``: a smaller batch is checked in one process


def segment_finding(code, message, path, seg, **fields) -> Finding:
    """A finding of rule ``code`` at segment ``seg`` of ``path`` (reader and envelope
    problems; ``fields``: loop, tip, claim_id, data)."""
    return Finding(rule=code, message=message, path=path, line=seg.line, col=seg.col,
                   segment_index=seg.index, segment_id=shown_id(seg.tag), offset=seg.offset,
                   content=seg.text, **fields)


def unreadable_finding(path, why) -> Finding:
    """X005 for a walked file or directory that could not be read (the rest is checked)."""
    return Finding(rule="X005", message=f"{why}; the rest of the batch was checked", path=path,
                   line=1, col=1, segment_index=0, offset=0)


def jobs_for(jobs, files) -> int:
    """Processes for ``files``: ``jobs``, or for "auto" one a usable core when the
    batch holds at least ``AUTO_JOBS_MIN_BYTES`` (below that, starting processes
    costs more than it saves)."""
    if jobs != "auto":
        return jobs
    try:
        cores = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # not on Linux
        cores = os.cpu_count() or 1
    if cores < 2 or "-" in files:
        return 1
    total = 0
    for path in files:
        try:
            total += os.path.getsize(path)
        except OSError:
            continue
        if total >= AUTO_JOBS_MIN_BYTES:
            return cores
    return 1


# -- the run ------------------------------------------------------------------

class Linter:
    """One run over a batch of files."""

    def __init__(self, options: Options | None = None, profile=None):
        from .profiles import ProfileError, load_profile
        self.options = options or Options()
        self.profile_given = profile is not None  # -j: workers load the same profile
        try:
            self.profile = profile or load_profile(self.options.profile)
        except ProfileError as exc:
            raise UsageError(str(exc)) from None
        self.rules = all_rules()
        try:
            self.selection = Selection(self.options, self.rules)
        except UnknownEntry as exc:
            raise UsageError(str(exc)) from None
        active = [r for r in self.rules if self.selection.rule_may_fire(r)]
        self.claim_rules = [r for r in active if r.scope == "claim"]
        self.tar_rules = [r for r in active if r.scope == "tar"]
        self.batch_rules = [r for r in active if r.scope == "batch"]
        self.segment_rules: dict[str, list] = {}
        for rule in active:
            if rule.scope == "segment":
                for tag in rule.segment_ids:
                    self.segment_rules.setdefault(tag, []).append(rule)
        # None: every payer's claims and TARs get the billing rules (no check a claim)
        self.scope = run_scope(self.profile, self.options.payers)
        self.ctx = Context(self.profile, self.options, self.rules)
        # the fast IG pass runs when one of its codes may be reported (I1xx)
        self.ig_fast = self.options.ig == "fast" and any(
            r.code.startswith("I1") for r in active)
        self.files: list[FileSummary] = []
        self.findings: list[Finding] = []
        # processes for this run: ``options.jobs``, with "auto" resolved by ``run``
        self.jobs = self.options.jobs if isinstance(self.options.jobs, int) else 1

    def run(self, paths) -> Result:
        from . import progress as progress_bar
        unreadable: list[tuple[str, str]] = []
        files = expand_paths(paths, self.options.extensions, unreadable=unreadable,
                             sniff_named=self.options.sniff_txt)
        self.findings.extend(unreadable_finding(path, why) for path, why in unreadable)
        self._attach_history()
        progress = progress_bar.for_files(files)  # None unless stderr is a terminal
        try:
            self.jobs = jobs_for(self.options.jobs, files)
            if self.jobs > 1:
                from . import parallel
                if parallel.can_run(self, files):
                    try:
                        parallel.lint_files(self, files, progress)
                    except parallel.Unavailable:  # no worker processes here: one process
                        self.jobs = 1
                    else:
                        if progress is not None:
                            progress.files_read()
                        return self.finish()
            for file_no, path in enumerate(files):
                stream = open_input(path)
                if path == "-":  # read in chunks, copied to a temporary file (x12.stdin)
                    stream = stdin_copy.open_copy(stream)
                try:
                    self.lint_stream(stream if progress is None or path == "-"
                                     else progress_bar.CountingStream(stream, progress),
                                     path, file_no)
                except OSError as exc:
                    raise UsageError(f"{path}: read error: {exc.strerror or exc}") from None
                finally:
                    if path != "-":
                        stream.close()
                if progress is not None:
                    progress.file_done()
            if progress is not None:
                progress.files_read()
            return self.finish()
        finally:
            stdin_copy.close_copy()  # the findings hold their segment texts by now
            if progress is not None:
                progress.close()
            if self.ctx.ledger is not None:  # its history is loaded: release the connection
                self.ctx.ledger.close()

    def _attach_history(self):
        """Load the ledger's history and the roster into the context (when given)."""
        from .history import attach
        attach(self.ctx, self.options)

    def lint_stream(self, stream, path: str, file_no: int, part=None) -> FileSummary:
        """Check one file's bytes from ``stream`` (with ``part``, a ``x12.parts.Part``
        of it: the stream holds that part's bytes, and ``part.reached`` is set)."""
        summary = FileSummary(path)
        self.files.append(summary)
        ctx, findings = self.ctx, self.findings
        ctx.path = path
        ctx.stream = object()
        claim_rules, tar_rules, batch = self.claim_rules, self.tar_rules, ctx.batch

        def report(code, message, seg, loop=None, claim=None, tip=None, data=None):
            findings.append(segment_finding(code, message, path, seg, loop=loop, tip=tip,
                                            claim_id=claim.clm01 if claim is not None else None,
                                            data=data))

        claim_checks = tuple(rule.check_claim for rule in claim_rules)
        # a void claim's lines get no billing findings: only rules without tips see it
        void_checks = tuple(rule.check_claim for rule in claim_rules if not rule.tips)
        extend = findings.extend
        scope = self.scope
        if scope is not None:
            covers = scope.covers
            structural_tar_rules = [rule for rule in tar_rules if not rule.tips]

        def on_claim(claim):
            summary.claims += 1
            if scope is not None and not covered(covers, claim.payer, claim.filing_code,
                                                  claim.first_dos):
                # another payer's claim: structural checks only; it enters no batch fact
                # (no limit counts it) and no ledger record
                summary.out_of_scope_claims += 1
                if summary.scope_note is None:
                    summary.scope_note = scope_note(claim.payer, claim.pos, path, "claim")
                for check in void_checks:
                    extend(check(claim, ctx))
                for line in claim.lines:
                    line.claim = None
                return
            for check in (void_checks if claim.is_void else claim_checks):
                extend(check(claim, ctx))
            batch.add_claim(claim, path, file_no)
            # The claim is done: rules yielded their findings, the batch kept its facts.
            # A claim and its lines refer to each other, and the collector is off in the
            # hot loop: break the cycle so that the claim is freed now, not piled up.
            for line in claim.lines:
                line.claim = None
            if not summary.claims % 10000:
                gc.collect(1)  # any other cycle: young objects only, each looked at once

        def on_tar(event):
            purpose = event.tx.purpose
            if scope is not None and not covered(covers, event.payer, None, event.first_day):
                # another payer's TAR: no billing finding, no GEN-07 authorization, not
                # numbered by B509
                if purpose == "request":
                    summary.tar_requests += 1
                else:
                    summary.tar_responses += 1
                summary.out_of_scope_tars += 1
                if summary.scope_note is None:
                    summary.scope_note = scope_note(event.payer, event.where, path, "TAR")
                for rule in structural_tar_rules:
                    if purpose in rule.tar_kinds:
                        findings.extend(rule.check_tar(event, ctx))
                return
            if purpose == "request":
                summary.tar_requests += 1
            else:
                summary.tar_responses += 1
                batch.add_response(event)
            for rule in tar_rules:
                if purpose in rule.tar_kinds:
                    findings.extend(rule.check_tar(event, ctx))

        read = FileRead(stream, path, file_no, report, on_claim, on_tar,
                        resume=part.resume if part is not None else None)
        reader, tracker = read.reader, read.tracker
        summary.sets = read.sets
        if part is not None:
            tracker.in_part = True
            if part.envelope is not None:
                tracker.resume(*part.envelope)

        def segment_hook(tag, rules):
            """(guard, check) for the tracker: one predicate for all the rules of ``tag``
            (when they share one) that lets a clean segment skip their calls."""
            checks = tuple(rule.check_segment for rule in rules)
            guards = {rule.segment_guard(tag) for rule in rules}
            guard = guards.pop() if len(guards) == 1 else None
            if len(checks) == 1:
                check = checks[0]

                def run_one(seg, handler):
                    found = check(seg, handler, ctx)
                    if found:  # the usual empty tuple costs no extend
                        extend(found)
                return guard, run_one

            def run_checks(seg, handler):
                for check in checks:
                    found = check(seg, handler, ctx)
                    if found:
                        extend(found)
            return guard, run_checks

        after = {tag: segment_hook(tag, rules) for tag, rules in self.segment_rules.items()} or None
        ig = None
        stream = reader
        if self.options.ig == "pyx12":  # pyx12's own 837P implementation-guide pass (ig.py)
            from .ig import IgPass
            ig = IgPass(report, reader, self.options.show_phi)
            stream = ig.watch(reader)
        elif self.ig_fast:  # the built-in 837P implementation-guide pass (igcheck.py)
            from .igcheck import IgFeed

            def report_ig(code, message, seg, loop, claim_id, data):
                finding = segment_finding(code, message, path, seg, loop=loop, claim_id=claim_id)
                finding.data = data
                findings.append(finding)
            gs = part.envelope[1] if part is not None and part.envelope is not None else None
            stream = IgFeed(report_ig, reader, self.options.show_phi, gs,
                            self.profile.ig_not_used_allowed).watch(reader)
        segments = stream
        collector = None
        if self.options.ack:  # facts for the 999 and 277CA writers (edi_lint/ack)
            from .ack.model import Collector
            collector = Collector(reader, self.options.show_phi)
            segments = collector.watch(segments)
        gc_was_enabled = gc.isenabled()
        gc.disable()  # the hot loop allocates millions of short-lived objects, no cycles
        try:
            tracker.run(segments, after)
            if part is not None:  # where this part ended, for the next one and the merge
                part.reached = (tracker.state(), reader.segment_count, reader.delimiters,
                                tracker.counts(), tracker.handover())
            if part is None or part.last:
                tracker.finish()
            if ig is not None:
                ig.finish()
        finally:
            if gc_was_enabled:
                gc.enable()
        summary.transactions = tracker.transactions
        if collector is not None:
            summary.ack = collector.facts()
        findings.extend(reader.findings)
        if summary.scope_note is not None and part is None:
            # B001 when none of the file's claims and TARs is in scope (a part of a file
            # keeps its note for the merge, which knows the whole file)
            if summary.all_out_of_scope:
                findings.append(scope_finding(summary))
            summary.scope_note = None
        return summary

    def finish(self) -> Result:
        ctx = self.ctx
        ctx.batch.resolve_frequencies()
        if ctx.ledger is not None:
            from .history import load_batch_history
            load_batch_history(ctx)
        # the batch rules allocate much and free it again, no cycles: a full collection
        # would walk every fact of the batch (about 0.3 s on the benchmark batch)
        gc_was_enabled = gc.isenabled()
        gc.disable()
        try:
            if self.jobs > 1:  # -j: the batch rules in two processes too
                from . import parallel
                for found in parallel.batch_findings(self.batch_rules, ctx.batch, ctx):
                    self.findings.extend(found)
            else:
                for rule in self.batch_rules:
                    self.findings.extend(rule.check_batch(ctx.batch, ctx))
        finally:
            if gc_was_enabled:
                gc.enable()
        findings = self.selection.apply(self.findings, {r.code: r for r in self.rules})
        if self.ig_fast:
            from .igcheck import drop_twins
            findings = drop_twins(findings)
        for f in findings:  # no quoted value runs on into another segment's data (PHI)
            f.message = without_spill(f.message)
        return Result(self.files, sort_findings(findings), self.options,
                      None if self.scope is None else self.scope.source)


def lint(paths, options: Options | None = None) -> Result:
    """Lint files and directories as one batch; see ``Result``."""
    return Linter(options).run(paths)
