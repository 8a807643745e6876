"""One self-contained HTML page for a batch (inline CSS, no scripts, no external assets).

Totals by severity and by tip (or rule, for findings without a tip), the files of
the batch, then the findings by file (in the files table's order) and by claim (CLM01,
in its transaction set) or TAR (trace number), each with its offending segment.

PHI: segment text can hold member ids, names, birth dates and addresses. Unless
``--show-phi``, a segment is shown in clear only when its id carries no PHI
(CLM, SV1, DTP, HL, LX, UM, HCR, SE...), an NM1 names a provider or payer, or a
REF carries a claim/authorization/provider number; elsewhere (NM1 of a member,
N3, N4, DMG, PER, REF*1W, REF*SY, SBR03-04, NTE, unknown ids) the elements that
may identify someone are replaced by a mask.
"""
from __future__ import annotations

import html
import re
from bisect import bisect_right
from collections import Counter
from importlib import resources
from string import Template

from .. import __version__
from ..rules.registry import all_rules

SEVERITY_ORDER = ("error", "warning", "info")
MASK = "\u2022\u2022\u2022"  # •••

# Segments whose elements never identify a person.
SAFE_SEGMENTS = frozenset({
    "ISA", "IEA", "GS", "GE", "ST", "SE", "BHT", "HL", "PRV", "CLM", "SV1", "SV2", "SV5", "LX",
    "DTP", "UM", "HCR", "HSD", "PWK", "CL1", "CR1", "CR3", "CR6", "HI", "AMT", "QTY", "TRN",
    "OI", "CAS", "SVD", "LQ", "CRC", "MEA", "PS1", "HSI", "SV3", "CN1", "K1",
})
# NM101 entity codes of providers, payers, submitters and receivers (not members).
PROVIDER_ENTITIES = frozenset({
    "85", "87", "82", "DN", "DK", "DQ", "77", "PR", "41", "40", "FA", "1P", "X3", "SJ", "PW",
    "45", "71", "72", "73", "FS", "QB", "QV", "2B", "TT", "ZZ", "31", "36",
})
# Loops of members (837P subscriber and patient, 278 subscriber and dependent): an NM1 in
# one is a member's whatever its NM101 says (a wrong entity code does not make it a provider).
MEMBER_LOOPS = frozenset({"2000B", "2010BA", "2000C", "2010CA", "2010C", "2000D", "2010D"})
# NM108 qualifiers of member ids: an NM1 that holds one is a member's.
MEMBER_ID_QUALIFIERS = frozenset({"MI", "II", "34"})  # member id, standard unique id, SSN
# REF01 qualifiers of claim, authorization and provider numbers (not member ids).
SAFE_REF = frozenset({"G1", "F8", "9F", "D9", "EI", "0B", "1G", "G2", "LU", "X4", "BB", "NT",
                      "4N", "F5", "EW", "P4"})
# Elements (1-based) that stay in clear in a masked segment, with the longest value each
# code element takes (X12 ID lengths); the rest, and a longer value (a segment missing an
# element shifts a name or id into a code's place), are masked.
KEEP = {"NM1": {1: 3, 2: 1, 8: 2}, "N3": {}, "N4": {}, "DMG": {1: 3},
        "PER": {1: 2, 3: 2, 5: 2, 7: 2}, "REF": {1: 3},
        "SBR": {1: 1, 2: 2, 5: 3, 6: 1, 7: 1, 8: 2, 9: 2}, "NTE": {1: 3}}
_KEEP_OTHER = {1: 3}  # any other segment: its first element, if a code
_TAG = re.compile(r"[A-Z0-9]{2,3}")
# a line break or '~' then what starts a segment (an id and a delimiter): another segment
_SPILL = re.compile(r"[\r\n~]\s*[A-Z][A-Z0-9]{1,2}[^A-Za-z0-9\s]")
_CONTROL = re.compile("[\x00-\x1f\x7f]")


def _visible(text: str) -> str:
    """Control characters as Unicode control pictures (X12 may use 0x1C-0x1F as delimiters)."""
    return _CONTROL.sub(lambda m: chr(0x2400 + ord(m.group())) if m.group() != "\x7f"
                        else "\u2421", text)


def mask_segment(content: str, show_phi: bool = False, loop: str | None = None
                 ) -> tuple[str, bool]:
    """The segment text to show, and whether anything was masked. ``loop``: the loop the
    finding names (an NM1 in a member's loop is masked whatever its entity code)."""
    content = content.strip()
    if show_phi or not content:
        return content, False
    spill = _SPILL.search(content)
    if spill:  # it lost its terminator and holds the segments after it: those are masked
        shown, _ = mask_segment(content[:spill.start()], loop=loop)
        return shown + MASK, True
    m = _TAG.match(content)
    if m is None:
        return MASK, True  # no segment id we can read ('N 3', a NUL first): show nothing
    if len(content) == m.end():
        return content, False
    tag, sep = m.group(), content[m.end()]
    if sep.isalnum() or sep == " ":
        return MASK, True  # not a segment we can read: show nothing
    elements = content.split(sep)
    first = elements[1] if len(elements) > 1 else ""
    if tag in SAFE_SEGMENTS or (tag == "NM1" and _provider(elements, loop)) \
            or (tag == "REF" and first in SAFE_REF):
        return content, False
    keep = KEEP.get(tag, _KEEP_OTHER)
    masked = False
    for i in range(1, len(elements)):
        if elements[i] and len(elements[i]) > keep.get(i, 0):
            elements[i] = MASK
            masked = True
    return sep.join(elements), masked


def _provider(elements: list[str], loop: str | None) -> bool:
    """Whether an NM1 names a provider, payer, submitter or receiver (shown in clear): its
    entity code says so, and neither its loop nor its id qualifier is a member's."""
    return (elements[1] in PROVIDER_ENTITIES and loop not in MEMBER_LOOPS
            and (len(elements) <= 8 or elements[8] not in MEMBER_ID_QUALIFIERS))


def _e(text) -> str:
    return html.escape(str(text), quote=True)


def _sev(severity: str) -> str:
    return f'<span class="sev {_e(severity)}">{_e(severity)}</span>'


def _group_of(f, sets) -> tuple:
    """The heading a finding goes under: its claim (in its transaction set: one CLM01 may
    come again in another), its TAR, or the file; the key sorts file-level first."""
    if f.claim_id:
        n = bisect_right(sets, (f.segment_index, "\uffff")) - 1 if sets else -1
        return 1, n, f"Claim {f.claim_id}"
    if f.trace:
        return 1, 0, f"TAR {f.trace}"
    return 0, 0, "File and envelope"


def _headings(groups, sets) -> dict:
    """Each group's heading, naming the transaction set when a CLM01 heads claims of
    several sets: by ST02, or by its number in the file when ST02 repeats (interchanges)."""
    names = Counter(key[2] for key in groups)
    controls = Counter(st02 for _index, st02 in sets)

    def where(n):
        st02 = sets[n][1]
        return (f"transaction set {st02}" if st02 and controls[st02] == 1
                else f"transaction set {n + 1} of the file")
    return {key: (f"{key[2]} ({where(key[1])})" if key[0] and names[key[2]] > 1 and key[1] >= 0
                  else key[2])
            for key in groups}


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


def _totals_by_tip(findings, rules) -> str:
    counts: dict[str, Counter] = {}
    for f in findings:
        counts.setdefault(f.tip or f.rule, Counter())[f.severity] += 1
    if not counts:
        return ""
    by_code = {r.code: r for r in rules}
    rows = []
    for key in sorted(counts, key=lambda k: (-sum(counts[k].values()), k)):
        rule = by_code.get(key)
        summary = rule.summary if rule else "; ".join(r.summary for r in rules if key in r.tips)
        c = counts[key]
        rows.append(f"<tr><td>{_e(key)}</td><td>{_e(summary)}</td>"
                    + "".join(f'<td class="num">{c[s]}</td>' for s in SEVERITY_ORDER)
                    + f'<td class="num">{sum(c.values())}</td></tr>')
    head = ("<tr><th>Tip or rule</th><th>What it checks</th>"
            + "".join(f'<th class="num">{s}</th>' for s in SEVERITY_ORDER)
            + '<th class="num">total</th></tr>')
    return ("<h2>Totals by tip</h2>\n<table>\n" + head + "\n" + "\n".join(rows)
            + "\n</table>")


def _files_table(result, by_file) -> str:
    rows = []
    for n, fs in enumerate(result.files):
        found = by_file.get(fs.path, [])
        c = Counter(f.severity for f in found)
        name = (f'<a href="#file-{n}">{_e(fs.path)}</a>' if found else _e(fs.path))
        status = ("".join(f'<td class="num">{c[s]}</td>' for s in SEVERITY_ORDER) if found else
                  '<td colspan="3" class="clean">clean</td>')
        rows.append(f'<tr><td class="path">{name}</td><td class="num">{fs.claims}</td>'
                    f'<td class="num">{fs.tar_requests}</td><td class="num">{fs.tar_responses}</td>'
                    f"{status}</tr>")
    head = ('<tr><th>File</th><th class="num">claims</th><th class="num">TAR requests</th>'
            '<th class="num">TAR responses</th>'
            + "".join(f'<th class="num">{s}</th>' for s in SEVERITY_ORDER) + "</tr>")
    return "<h2>Files</h2>\n<table>\n" + head + "\n" + "\n".join(rows) + "\n</table>"


def _findings_section(n, path, findings, show_phi, sets) -> tuple[str, bool]:
    groups: dict[tuple, list] = {}
    for f in findings:
        groups.setdefault(_group_of(f, sets), []).append(f)
    headings = _headings(groups, sets)
    parts = [f'<section id="file-{n}">', f"<h2>{_e(path)}</h2>"]
    any_masked = False
    for key in sorted(groups, key=lambda k: k[0]):  # file-level first, then in file order
        parts.append(f"<h3>{_e(headings[key])}</h3>")
        parts.append('<table class="findings">\n<colgroup><col class="w-pos"><col class="w-sev">'
                     '<col class="w-rule"><col class="w-tip"><col></colgroup>\n'
                     "<tr><th>Line:col</th><th>Severity</th><th>Rule</th><th>Tip</th>"
                     "<th>Message and segment</th></tr>")
        for f in groups[key]:
            shown, masked = mask_segment(f.content or "", show_phi, f.loop)
            any_masked |= masked
            seg = (f'<code class="seg{" mask" if masked else ""}">{_e(_visible(shown))}</code>'
                   if shown else "")
            line = f" (service line {f.service_line})" if f.service_line else ""
            parts.append(f'<tr><td class="pos">{f.line}:{f.col}</td><td>{_sev(f.severity)}</td>'
                         f'<td class="code">{_e(f.rule)}</td>'
                         f'<td class="code">{_e(f.tip or "")}</td>'
                         f"<td>{_e(f.message)}{_e(line)}{seg}</td></tr>")
        parts.append("</table>")
    parts.append("</section>")
    return "\n".join(parts), any_masked


def render(result) -> str:
    show_phi = bool(getattr(result.options, "show_phi", False))
    rules = all_rules()
    s = result.summary
    by_file: dict[str, list] = {}
    for f in result.findings:
        by_file.setdefault(f.path, []).append(f)

    body = ["<h1>edi-lint report</h1>",
            f'<p class="meta">edi-lint {_e(__version__)}: {_plural(s["files"], "file")}, '
            f'{_plural(s["claims"], "claim")}, {_plural(s["tar_requests"], "TAR request")}, '
            f'{_plural(s["tar_responses"], "TAR response")}.</p>',
            '<h2>Totals by severity</h2>\n<div class="cards">']
    for sev in SEVERITY_ORDER:
        body.append(f'<div class="card {sev}"><span class="n">{s[sev]}</span>{sev}</div>')
    body.append("</div>")
    if result.counted is not None:
        hidden = len(result.counted) - len(result.findings)
        body.append(f'<p class="note">{hidden} finding{"" if hidden == 1 else "s"} below'
                    f" {_e(result.options.min_severity)} not shown (--min-severity).</p>")
    if result.findings:
        body.append(_totals_by_tip(result.findings, rules))
    else:
        body.append('<p class="clean">No findings.</p>')
    body.append(_files_table(result, by_file))
    # the sections in the Files table's order (batch order), then any other path's
    files = {fs.path: (n, fs.sets) for n, fs in enumerate(result.files)}
    others = [path for path in by_file if path not in files]
    files.update((path, (len(result.files) + i, [])) for i, path in enumerate(others))
    any_masked = False
    for path, (n, sets) in files.items():
        if path in by_file:
            section, masked = _findings_section(n, path, by_file[path], show_phi, sets)
            any_masked |= masked
            body.append(section)
    if any_masked:
        body.append(f'<p class="note">{MASK} marks segment elements that may identify a member '
                    "(names, ids, birth dates, addresses); run with --show-phi to show them.</p>")
    template = Template(resources.files(__package__).joinpath("report.html")
                        .read_text(encoding="utf-8"))
    return template.substitute(version=_e(__version__), title="edi-lint report",
                               body="\n".join(body))
