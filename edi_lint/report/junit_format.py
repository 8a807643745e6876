"""JUnit XML (built with lxml) for CI test reports.

One ``<testsuite>`` per file of the batch, in batch order. Inside it, one
``<testcase>`` for the file itself (file-level and envelope findings) and one per
claim (named by CLM01) or TAR (named by its trace number) that has findings; each
error finding is a ``<failure>`` (``failures`` counts failed testcases); warnings and
info go to the testcase's ``<system-out>`` (they do not fail it). Clean claims are not
listed: a Result carries findings and counts, not every claim id. Messages only, never
segment text: no PHI.
"""
from __future__ import annotations

import re

from lxml import etree

# XML 1.0 cannot carry most control characters (X12 files may use 0x1C-0x1F as delimiters)
_INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def _clean(text) -> str:
    return _INVALID_XML.sub(lambda m: f"\\x{ord(m.group()):02x}", str(text))


def _case_of(finding) -> tuple[int, str]:
    if finding.claim_id:
        return 1, f"claim {finding.claim_id}"
    if finding.trace:
        return 1, f"TAR {finding.trace}"
    return 0, ""


def _line(f) -> str:
    tip = f" [{f.tip}]" if f.tip else ""
    return f"{f.path}:{f.line}:{f.col}: {f.rule}{tip} {f.message}"


def build(result):
    by_file: dict[str, dict[tuple[int, str], list]] = {}
    order = [fs.path for fs in result.files]
    for f in result.findings:
        if f.path not in by_file and f.path not in order:
            order.append(f.path)
        by_file.setdefault(f.path, {}).setdefault(_case_of(f), []).append(f)

    root = etree.Element("testsuites", name="edi-lint")
    total_tests = total_failures = 0
    for path in order:
        found = by_file.get(path, {})
        # the file's own testcase first (always present), then claims/TARs in file order
        cases = {(0, ""): found.get((0, ""), [])}
        cases.update(found)
        suite = etree.SubElement(root, "testsuite", name=_clean(path))
        failures = 0
        for key, findings in cases.items():
            name = key[1] or path
            case = etree.SubElement(suite, "testcase", name=_clean(name), classname=_clean(path))
            out = []
            if any(f.severity == "error" for f in findings):
                failures += 1  # failed testcases (each may hold several <failure>)
            for f in findings:
                if f.severity == "error":
                    tip = f" [{f.tip}]" if f.tip else ""
                    failure = etree.SubElement(case, "failure", type=_clean(f.tip or f.rule),
                                               message=_clean(f"{f.rule}{tip} {f.message}"))
                    failure.text = _clean(_line(f))
                else:
                    out.append(f"{f.severity}: {_line(f)}")
            if out:
                etree.SubElement(case, "system-out").text = _clean("\n".join(out))
        tests = len(suite)
        suite.set("tests", str(tests))
        suite.set("failures", str(failures))
        suite.set("errors", "0")
        suite.set("skipped", "0")
        total_tests += tests
        total_failures += failures
    root.set("tests", str(total_tests))
    root.set("failures", str(total_failures))
    root.set("errors", "0")
    return root


def render(result) -> str:
    data = etree.tostring(build(result), xml_declaration=True, encoding="UTF-8",
                          pretty_print=True)
    return data.decode("utf-8")
