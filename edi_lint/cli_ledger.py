"""`edi-lint ledger ...`: record billed claims and TAR decisions, and look at what is recorded.

add    records the 837P claims and 278 responses of files (creates the ledger, mode 0600)
init   creates a ledger, or migrates an older one to this edi-lint's schema
show   one member's or one claim's recorded history (member ids shown: an explicit query)
stats  counts and date ranges, no PHI

Errors are ``UsageError``s: the main group prints one line and exits 2.
"""
from __future__ import annotations

import json

import click

from .errors import UsageError

LEDGER_HELP = ("The ledger: an SQLite file path, or a postgresql:// URL (add ?schema=NAME for"
               " a schema of its own).")


def _ledger_option(fn):
    return click.option("--ledger", "target", required=True, metavar="PATH|URL",
                        help=LEDGER_HELP)(fn)


@click.group("ledger")
def ledger():
    """Record billed claims and TAR decisions (the history limits count), and inspect them."""


@ledger.command("add")
@_ledger_option
@click.option("--profile", type=click.Path(dir_okay=False), default=None,
              help="Payer profile TOML (default: the packaged ECM/CS profile).")
@click.option("--payer", "payers", multiple=True, metavar="ID_OR_NAME",
              help="Record only claims and TAR responses of this payer (id or part of its"
                   " name; repeatable; as 'check --payer').")
@click.argument("paths", nargs=-1, required=True)
def add(target, profile, payers, paths):
    """Record the 837P claims and 278 responses of files and directories.

    Creates the ledger when it does not exist. Adding a file twice records nothing new;
    a replacement (CLM05-3 7) or void (8) supersedes or cancels the recorded claim with the
    same billing NPI and CLM01. Prints counts only.
    """
    from .cli import payer_values
    from .engine import DEFAULT_EXTENSIONS, expand_paths
    from .ledger import open_ledger

    payers = payer_values(payers)
    expand_paths(paths, DEFAULT_EXTENSIONS)  # a missing input fails before the ledger is touched
    with open_ledger(target, create=True) as led:
        report = led.add_files(list(paths), profile, payers)
    for path in report.unrecorded:
        click.echo(f"edi-lint: warning: {path}: no 837P claim or 278 response to record",
                   err=True)
    click.echo(report.summary())


@ledger.command("init")
@_ledger_option
def init(target):
    """Create an empty ledger, or migrate an older ledger to this edi-lint's schema."""
    from .ledger import open_ledger

    with open_ledger(target, create=True) as led:
        click.echo(f"ledger {led.display} ready (schema version {led.schema_version})")


@ledger.command("show")
@_ledger_option
@click.option("--member", default=None, help="Member id (shown: this is an explicit query).")
@click.option("--claim", "claim", default=None, help="Claim id (CLM01).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
def show(target, member, claim, fmt):
    """Show the recorded claims (and, with --member, TAR responses) of a member or claim id."""
    from .ledger import open_ledger

    if member is None and claim is None:
        raise UsageError("ledger show: give --member ID and/or --claim ID")
    with open_ledger(target, create=False) as led:
        claims = led.find_claims(member=member, clm01=claim)
        responses = led.find_responses(member=member) if member is not None else []
    if fmt == "json":
        for r in responses:
            r["dates"] = json.loads(r["dates"])
            for s in r["services"]:
                s["dates"] = json.loads(s["dates"])
        for c in claims:
            c["g1"] = _split(c["g1"])
            for ln in c["lines"]:
                ln["g1"] = _split(ln["g1"])
        click.echo(json.dumps({"claims": claims, "tar_responses": responses}, indent=2))
        return
    click.echo(render_show(claims, responses), nl=False)


@ledger.command("stats")
@_ledger_option
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
def stats(target, fmt):
    """Counts and date ranges of the ledger (no member ids)."""
    from .ledger import open_ledger

    with open_ledger(target, create=False) as led:
        data = led.stats()
        display = led.display
    if fmt == "json":
        click.echo(json.dumps(data, indent=2))
        return
    click.echo(render_stats(display, data), nl=False)


# -- text output ------------------------------------------------------------------------------

def _split(text: str | None) -> list[str]:
    from .ledger.record import SEP
    return [v for v in (text or "").split(SEP) if v]


def _money(cents) -> str:
    return "-" if cents is None else f"{cents / 100:.2f}"


def _qty(value) -> str:
    return "-" if value is None else format(value, "g")


def _label(code, mods) -> str:
    return "-".join([code] + [m for m in (mods or "").split(":") if m])


def _span(a, b) -> str:
    if a is None:
        return "(no DOS)"
    return a if b in (None, a) else f"{a}..{b}"


def render_show(claims, responses) -> str:
    if not claims and not responses:
        return "nothing recorded for this query\n"
    out = []
    for c in claims:
        state = c["status"] if c["status_by"] is None else \
            f"{c['status']} by ledger claim #{c['status_by']}"
        g1 = ", ".join(_split(c["g1"]))
        out.append(f"claim {c['clm01']} (ledger claim #{c['id']}): billing NPI {c['billing_npi']},"
                   f" frequency {c['frequency'] or '-'}, member {c['member'] or '-'},"
                   f" charge {_money(c['charge_cents'])}{', REF*G1 ' + g1 if g1 else ''};"
                   f" {state}; recorded {c['recorded_at']}")
        for ln in c["lines"]:
            g1 = ", ".join(_split(ln["g1"]))
            out.append(f"  line {ln['n']}: {_label(ln['code'], ln['modifiers'])}"
                       f" {_span(ln['dos_from'], ln['dos_to'])}, {_qty(ln['units'])}"
                       f" {ln['unit_basis'] or '-'}, charge {_money(ln['charge_cents'])}"
                       f"{', REF*G1 ' + g1 if g1 else ''}"
                       f"{', group ' + ln['group'] if ln['group'] else ''}")
    for r in responses:
        dates = json.loads(r["dates"])
        out.append(f"TAR response {r['certification'] or '(no certification)'} (ledger response"
                   f" #{r['id']}): member {r['member'] or '-'}, UM {r['um01'] or '-'}/"
                   f"{r['um02'] or '-'}, HCR {r['hcr01'] or '-'}"
                   + "".join(f", DTP*{q} {_span(a, b)}" for q, (a, b) in dates.items())
                   + (f", HSD {_qty(r['hsd_quantity'])}" if r["hsd_quantity"] is not None else "")
                   + f"; recorded {r['recorded_at']}")
        for s in r["services"]:
            sdates = json.loads(s["dates"])
            quantity = s["units"] if s["units"] is not None else s["hsd_quantity"]
            out.append(f"  service {s['n']}: {_label(s['code'], s['modifiers'])}"
                       + (f", HCR {s['hcr01']} {s['hcr02'] or ''}".rstrip() if s["hcr01"] else "")
                       + "".join(f", DTP*{q} {_span(a, b)}" for q, (a, b) in sdates.items())
                       + f", quantity {_qty(quantity)}")
    return "\n".join(out) + "\n"


def render_stats(display, d) -> str:
    lines = [
        f"ledger {display} ({d['backend']}, schema version {d['schema_version']})",
        f"claims: {d['claims']} ({d['claims_active']} active, {d['claims_superseded']}"
        f" superseded, {d['claims_void']} void)",
        f"lines: {d['lines']} ({d['lines_counted']} counted) of {d['members']} members,"
        f" DOS {d['dos_first'] or '-'} to {d['dos_last'] or '-'}",
        f"TAR responses: {d['tar_responses']} ({d['tar_responses_approved']} approved)",
        f"adds: {d['adds']}, last {d['last_add'] or '-'}",
    ]
    if d["lines_by_group"]:
        lines.append("lines by profile group:")
        width = max(len(g) for g in d["lines_by_group"])
        lines.extend(f"  {g:<{width}}  {n}" for g, n in d["lines_by_group"].items())
    return "\n".join(lines) + "\n"
