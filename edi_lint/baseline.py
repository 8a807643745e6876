"""Baselines: record today's findings, then report only new ones.

X12 has no comments, so there is no ``noqa``. A baseline entry is keyed on what
survives edits elsewhere in the file, never on line numbers:

- the file's path (relative to the baseline file's directory, '/'-separated),
- the claim id (CLM01) or the TAR's trace number, when the finding has one,
- the tip id, else the rule code,
- the sha256 of the offending segment's text (never the text: it may hold PHI).

Equal keys are counted: a baseline that recorded one finding hides one, and a
second identical finding shows as new. The file is JSON in a stable order::

    {"edi_lint_baseline": 1,
     "entries": [{"path": "claims/june.x12", "claim_id": "C200", "trace": null,
                  "code": "ECM-01", "rule": "E001", "segment_id": "SV1",
                  "segment_sha256": "9f2c...", "count": 1}]}
"""
from __future__ import annotations

import hashlib
import json
import os
from collections import Counter

from .errors import UsageError

FORMAT_VERSION = 1


class BaselineError(UsageError):
    """A missing or malformed baseline file (exit 2)."""


def segment_hash(content: str) -> str:
    """sha256 of a segment's text, whitespace around it ignored."""
    return hashlib.sha256(content.strip().encode("utf-8", "surrogateescape")).hexdigest()


def _path_key(path: str, base_dir: str) -> str:
    if path == "-" or not path:
        return path
    rel = os.path.relpath(os.path.abspath(path), base_dir)
    return rel.replace(os.sep, "/")


def finding_key(finding, base_dir: str = ".") -> tuple:
    """(path, claim_id, trace, tip-or-rule, segment sha256) of one finding."""
    return (_path_key(finding.path, os.path.abspath(base_dir)), finding.claim_id or None,
            finding.trace or None, finding.tip or finding.rule, segment_hash(finding.content))


def _entry_key(entry: dict) -> tuple:
    return (entry["path"], entry.get("claim_id"), entry.get("trace"), entry["code"],
            entry["segment_sha256"])


def build(findings, base_dir: str) -> dict:
    """The baseline document for ``findings`` (paths relative to ``base_dir``)."""
    counts: Counter = Counter()
    extra: dict[tuple, tuple] = {}
    for f in findings:
        key = finding_key(f, base_dir)
        counts[key] += 1
        extra.setdefault(key, (f.rule, f.segment_id))
    entries = []
    for key in sorted(counts, key=lambda k: tuple("" if v is None else v for v in k)):
        path, claim_id, trace, code, digest = key
        rule, segment_id = extra[key]
        entries.append({"path": path, "claim_id": claim_id, "trace": trace, "code": code,
                        "rule": rule, "segment_id": segment_id, "segment_sha256": digest,
                        "count": counts[key]})
    return {"edi_lint_baseline": FORMAT_VERSION, "entries": entries}


def write(findings, path: str) -> int:
    """Write the baseline of ``findings`` to ``path``; returns the number of findings."""
    doc = build(findings, os.path.dirname(os.path.abspath(path)))
    try:
        with open(path, "w", encoding="utf-8") as fh:
            json.dump(doc, fh, indent=2, sort_keys=False)
            fh.write("\n")
    except OSError as exc:
        raise BaselineError(f"{path}: cannot write baseline: {exc.strerror or exc}") from None
    return sum(e["count"] for e in doc["entries"])


def load(path: str) -> Counter:
    """The entries of a baseline file, as a Counter of keys."""
    try:
        with open(path, encoding="utf-8") as fh:
            doc = json.load(fh)
    except OSError as exc:
        raise BaselineError(f"{path}: cannot read baseline: {exc.strerror or exc}") from None
    except (ValueError, UnicodeDecodeError) as exc:
        raise BaselineError(f"{path}: baseline is not valid JSON: {exc}") from None
    if not isinstance(doc, dict) or doc.get("edi_lint_baseline") != FORMAT_VERSION \
            or not isinstance(doc.get("entries"), list):
        raise BaselineError(f"{path}: not an edi-lint baseline (version {FORMAT_VERSION})")
    counts: Counter = Counter()
    for n, entry in enumerate(doc["entries"], 1):
        try:
            count = entry.get("count", 1)
            if not isinstance(count, int) or count < 1:
                raise ValueError
            counts[_entry_key(entry)] += count
        except (AttributeError, KeyError, TypeError, ValueError):
            raise BaselineError(f"{path}: baseline entry {n} is malformed") from None
    return counts


def filter_new(findings, path: str) -> tuple[list, int]:
    """The findings not recorded in the baseline at ``path``, and how many were hidden."""
    remaining = load(path)
    base_dir = os.path.dirname(os.path.abspath(path))
    new, hidden = [], 0
    for f in findings:
        key = finding_key(f, base_dir)
        if remaining[key] > 0:
            remaining[key] -= 1
            hidden += 1
        else:
            new.append(f)
    return new, hidden
