"""The `edi-lint` command line (click). Exit codes live here, and only here.

0: no finding at or above the fail level; 1: such findings; 2: usage,
configuration or I/O error (one line on stderr, never a traceback).
"""
from __future__ import annotations

import dataclasses
import os
import sys

import click

from . import __version__
from .engine import DEFAULT_EXTENSIONS, Options, UsageError

EXIT_CLEAN, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2
FORMAT_CHOICES = ("text", "json", "sarif", "junit", "github", "html", "999", "277ca")


class _Check(click.Command):
    """``check``: ``--ig=pyx12`` is the documented spelling of the ``--ig`` flag."""

    def parse_args(self, ctx, args):
        out = []
        for arg in args:
            if arg.startswith("--ig="):
                if arg != "--ig=pyx12":
                    raise click.UsageError(f"{arg}: the only value of --ig is pyx12", ctx)
                arg = "--ig"
            out.append(arg)
        return super().parse_args(ctx, out)


class _Group(click.Group):
    """Turn any escaped error into one line and exit 2, never a traceback."""

    def main(self, *args, **kwargs):
        kwargs.setdefault("standalone_mode", True)
        try:
            return super().main(*args, **kwargs)
        except UsageError as exc:
            click.echo(f"edi-lint: {exc}", err=True)
            sys.exit(EXIT_USAGE)

    def make_context(self, info_name, args, parent=None, **extra):
        try:
            return super().make_context(info_name, args, parent=parent, **extra)
        except click.UsageError as exc:  # a bad option of the group itself
            _usage_exit(exc)

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except UsageError as exc:
            click.echo(f"edi-lint: {exc}", err=True)
            ctx.exit(EXIT_USAGE)
        except click.UsageError as exc:  # a bad command, option or value: one line too
            _usage_exit(exc)
        except BrokenPipeError:
            ctx.exit(EXIT_USAGE)


def _usage_exit(exc: click.UsageError):
    """Click's usage error as one line on stderr (not its usage block), exit 2; a group
    named without its command still prints its help."""
    if type(exc).__name__ == "NoArgsIsHelpError":
        exc.show()
        sys.exit(EXIT_USAGE)
    where = exc.ctx.command_path if exc.ctx is not None else "edi-lint"
    click.echo(f"edi-lint: {exc.format_message().rstrip('.')} (see '{where} -h')", err=True)
    sys.exit(EXIT_USAGE)


class _Jobs(click.ParamType):
    """``-j``: 'auto' or a whole number of at least 1."""

    name = "N|auto"

    def convert(self, value, param, ctx):
        from .config import parse_jobs
        jobs = parse_jobs(value)
        if jobs is None:
            self.fail(f"{value!r} is not 'auto' or a whole number of at least 1", param, ctx)
        return jobs


_IS_COMMAND = False  # True in the ``edi-lint`` process itself (``run``)


def run() -> None:
    """The ``edi-lint`` command (and ``python -m edi_lint``): ``main`` in a process of its own."""
    global _IS_COMMAND
    _IS_COMMAND = True
    main(prog_name="edi-lint")  # so under ``python -m edi_lint`` too


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="edi-lint")
def main():
    """A fast pre-flight linter for X12 837P claims and 278 TARs."""


def _split(values):
    out = []
    for v in values:
        out.extend(p.strip() for p in v.split(",") if p.strip())
    return tuple(out)


def _payers(values):
    """``--payer`` values, stripped; an empty one is a usage error (it would match all)."""
    out = tuple(v.strip() for v in values)
    if any(not v for v in out):
        raise click.BadParameter("an empty payer id or name", param_hint="'--payer'")
    return out


@main.command(cls=_Check)
@click.argument("paths", nargs=-1, required=True)
@click.option("--format", "fmt", type=click.Choice(FORMAT_CHOICES), default=None,
              help="Output format (default text).")
@click.option("--output", "-o", type=click.Path(dir_okay=False), default=None,
              help="Write the report to this file instead of stdout.")
@click.option("--fail-on", type=click.Choice(["error", "warning", "info"]), default=None,
              help="Lowest severity that makes the exit code 1 (default error).")
@click.option("--min-severity", type=click.Choice(["error", "warning", "info"]), default=None,
              help="Lowest severity the report shows (default info); the summary and the"
                   " exit code still count every finding.")
@click.option("--exit-zero", is_flag=True, help="Exit 0 even when findings are reported.")
@click.option("--ledger", type=str, default=None,
              help="History ledger (SQLite path or postgresql:// URL).")
@click.option("--roster", type=click.Path(dir_okay=False), default=None,
              help="Eligibility roster CSV (member_id,month,status,other_coverage).")
@click.option("--profile", type=click.Path(dir_okay=False), default=None,
              help="Payer profile TOML (default: the packaged ECM/CS profile).")
@click.option("--payer", "payers", multiple=True, metavar="ID_OR_NAME",
              help="Billing rules only for claims and TARs of this payer: its id (NM109) or a"
                   " part of its name, case-insensitive (repeatable; replaces the profile's"
                   " [[scope]]; default: every payer).")
@click.option("--select", multiple=True, help="Only these rule codes or tip ids (prefixes).")
@click.option("--ignore", multiple=True, help="Drop these rule codes or tip ids (prefixes).")
@click.option("--show-phi", is_flag=True, help="Allow member ids in messages.")
@click.option("--config", "config_path", type=click.Path(dir_okay=False), default=None,
              help="Configuration file (default: found by walking up from the working directory).")
@click.option("--baseline", type=click.Path(dir_okay=False), default=None,
              help="Hide the findings recorded in this baseline file.")
@click.option("--write-baseline", type=click.Path(dir_okay=False), default=None,
              help="Record the current findings in this baseline file.")
@click.option("-j", "--jobs", type=_Jobs(), default=None, metavar="N|auto",
              help="Processes: N, or 'auto' (the default: one a core for a batch of 4 MB or"
                   " more, big files cut between transaction sets or interchanges).")
@click.option("--ig", "ig", is_flag=True,
              help="The 837P implementation-guide pass (SNIP 2) runs by default, built in;"
                   " --ig=pyx12 (or --ig) runs pyx12 itself instead (slow).")
@click.option("--no-ig", is_flag=True, help="Skip the 837P implementation-guide pass.")
@click.option("--sniff-txt", is_flag=True,
              help="Skip a named .txt file that does not start with an ISA, as the directory"
                   " walk does (the pre-commit hook passes this).")
@click.option("--ack-date", default=None, metavar="YYYYMMDD[HHMM]",
              help="Date (and time) written in --format 999/277ca acknowledgments"
                   " (default: the clock's).")
def check(paths, fmt, output, fail_on, min_severity, exit_zero, ledger, roster, profile, select,
          ignore, show_phi, config_path, baseline, write_baseline, jobs, ig, no_ig, sniff_txt,
          payers, ack_date):
    """Lint X12 files and directories as one batch ('-' reads stdin)."""
    from . import baseline as baselines
    from .config import load_config, merge
    from .engine import lint
    settings = merge(load_config(config_path), select=_split(select), ignore=_split(ignore),
                     profile=profile, ledger=ledger, roster=roster, fail_on=fail_on,
                     min_severity=min_severity, format=fmt, jobs=jobs,
                     payers=_payers(payers))
    fmt = settings.pop("format")
    if no_ig and ig:
        raise UsageError("--no-ig and --ig exclude each other")
    options = Options(show_phi=show_phi, extensions=DEFAULT_EXTENSIONS,
                      ig="off" if no_ig else "pyx12" if ig else "fast",
                      sniff_txt=sniff_txt, ack=fmt in ("999", "277ca"), ack_date=ack_date,
                      **settings)
    result = lint(list(paths), options)
    if write_baseline:
        count = baselines.write(result.findings, write_baseline)
        click.echo(f"edi-lint: wrote {count} finding(s) to baseline {write_baseline}", err=True)
        baseline = write_baseline
    if baseline:
        new, _hidden = baselines.filter_new(result.findings, baseline)
        result = dataclasses.replace(result, findings=new)
    _write_report(result, fmt, output)
    _exit(EXIT_CLEAN if exit_zero or not result.failed else EXIT_FINDINGS)


def _exit(code: int) -> None:
    """End ``check`` with ``code``.

    In the ``edi-lint`` process itself (``run``), once the report is flushed, the
    process ends at once: the interpreter's own teardown would free every fact of the
    batch one by one and walk them all with the collector, for nothing (0.6 s after a
    100 MB file in one process, 0.2 s with ``-j``). mypy ends the same way. Called
    from Python (``main``, click's test runner), it is ``sys.exit``.
    """
    if not _IS_COMMAND:
        sys.exit(code)
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except OSError:  # a closed pipe: what the report could not be written to
        code = EXIT_USAGE
    os._exit(code)


def _write_report(result, fmt, output):
    """The report on stdout or in ``output``, written as it is encoded (``report.write``)."""
    from .report import write
    if output:
        try:
            with open(output, "w", encoding="utf-8") as fh:
                write(result, fmt, fh)
        except OSError as exc:
            raise UsageError(f"{output}: cannot write: {exc.strerror or exc}") from None
    else:
        write(result, fmt, sys.stdout)
        sys.stdout.flush()


def _write(text):
    """Text on stdout (the ledger and profile commands; reports go through ``_write_report``)."""
    sys.stdout.write(text)
    sys.stdout.flush()


@main.command()
@click.argument("path")
def parse(path):
    """Print the loop tree of one file with positions (for people writing rules)."""
    from .tree import render_tree
    _write(render_tree(path))


@main.command("rules")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "markdown"]),
              default="text", help="Output format (default text).")
def rules_command(fmt):
    """List every rule: code, tip ids, severity, summary."""
    from .rules.registry import all_rules
    rules = all_rules()
    if fmt == "markdown":
        from .report.rules_table import rules_markdown
        _write(rules_markdown(rules))
        return
    if fmt == "json":
        import json
        data = [{"code": r.code, "name": r.name, "tips": list(r.tips), "severity": r.severity,
                 "scope": r.scope, "summary": r.summary} for r in rules]
        _write(json.dumps(data, indent=2) + "\n")
        return
    rows = [(r.code, ",".join(r.tips) or "-", r.severity, r.summary) for r in rules]
    widths = [max([len(h)] + [len(row[i]) for row in rows])
              for i, h in enumerate(("CODE", "TIPS", "SEVERITY"))]
    lines = []
    for row in [("CODE", "TIPS", "SEVERITY", "SUMMARY")] + rows:
        lines.append("  ".join(v.ljust(w) for v, w in zip(row[:3], widths)) + "  " + row[3])
    _write("\n".join(lines) + "\n")


@main.command()
@click.argument("code_or_tip")
def explain(code_or_tip):
    """Print a rule's documentation, by rule code (X025) or tip id (ECM-01)."""
    import inspect

    from .rules.registry import all_rules
    wanted = code_or_tip.strip().upper()
    rules = all_rules()
    found = [r for r in rules if r.code == wanted] or [r for r in rules if wanted in r.tips]
    if not found:
        raise UsageError(f"unknown rule code or tip id '{code_or_tip}' "
                         "(run 'edi-lint rules' to list them)")
    blocks = []
    for rule in found:
        tips = f"  tips: {', '.join(rule.tips)}" if rule.tips else ""
        doc = inspect.cleandoc(rule.doc())
        blocks.append(f"{rule.code} {rule.name} ({rule.severity}){tips}\n\n{doc}\n")
    _write("\n".join(blocks))


from .cli_ledger import ledger as _ledger; main.add_command(_ledger)  # noqa: E402,E702

if __name__ == "__main__":  # pragma: no cover
    main()
