"""SARIF 2.1.0 for code scanning (GitHub, GitLab, Azure DevOps).

One run: ``tool.driver`` lists every registered rule (id, name, short and full
description, help text, default level); each result has ``ruleId``, ``level``,
a message and a physical location: a file inside the working directory as a relative
URI with ``uriBaseId`` ``%SRCROOT%`` (the working directory, in the run's
``originalUriBaseIds``), any other file as an absolute ``file://`` URI. The tip id,
claim id, segment id and loop go in ``properties``; ``partialFingerprints`` carry
the baseline key (path, claim/TAR, tip or rule, segment hash), which does not move
when lines are added elsewhere. No segment text (it may hold PHI) and no timestamps.
With a payer scope (``--payer``, the profile's ``[[scope]]``), the run's ``properties``
count the claims and TARs outside it (``payerScope``).
"""
from __future__ import annotations

import hashlib
import inspect
import json
import os
from pathlib import Path
from urllib.parse import quote

from .. import __version__
from ..baseline import finding_key
from ..rules.registry import all_rules

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
LEVELS = {"error": "error", "warning": "warning", "info": "note"}
SRCROOT = "%SRCROOT%"


def artifact_location(path: str) -> dict:
    """The file's ``artifactLocation``: relative to ``%SRCROOT%`` (the working directory)
    when it lies inside it, else an absolute ``file://`` URI; stdin is ``stdin``."""
    if path == "-" or not path:
        return {"uri": "stdin"}
    absolute = os.path.abspath(path)
    try:
        rel = os.path.relpath(absolute)
    except ValueError:  # another drive (Windows)
        rel = os.pardir
    if rel == os.pardir or rel.startswith(os.pardir + os.sep) or os.path.isabs(rel):
        return {"uri": Path(absolute).as_uri()}
    uri = quote(rel.replace(os.sep, "/"), safe="/-._~", errors="surrogateescape")
    return {"uri": uri, "uriBaseId": SRCROOT}


def _rule_descriptor(rule) -> dict:
    doc = inspect.cleandoc(rule.doc())
    paragraphs = [" ".join(p.split()) for p in doc.split("\n\n") if p.strip()]
    full = " ".join(p for p in paragraphs if p.startswith(("What it does", "Why it matters")))
    properties = {"scope": rule.scope}
    if rule.tips:
        properties["tips"] = list(rule.tips)
    return {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": full or rule.summary},
        "help": {"text": f"{doc}\n\nRun 'edi-lint explain {rule.code}' for this text."},
        "defaultConfiguration": {"level": LEVELS[rule.severity]},
        "properties": properties,
    }


def _fingerprint(finding) -> str:
    key = "\x1f".join("" if v is None else str(v) for v in finding_key(finding))
    return hashlib.sha256(key.encode("utf-8", "surrogateescape")).hexdigest()


def build(result) -> dict:
    rules = all_rules()
    descriptors = [_rule_descriptor(r) for r in rules]
    index = {r.code: i for i, r in enumerate(rules)}
    results = []
    for f in result.findings:
        props = {"tip": f.tip, "claimId": f.claim_id, "trace": f.trace,
                 "serviceLine": f.service_line, "segmentId": f.segment_id, "loop": f.loop,
                 "segmentIndex": f.segment_index, "x12": f.data}
        entry = {
            "ruleId": f.rule,
            "level": LEVELS.get(f.severity, "warning"),
            "message": {"text": f.message},
            "locations": [{"physicalLocation": {
                "artifactLocation": artifact_location(f.path),
                "region": {"startLine": max(1, f.line), "startColumn": max(1, f.col)},
            }}],
            "partialFingerprints": {"ediLintBaselineKey/v1": _fingerprint(f)},
            "properties": {k: v for k, v in props.items() if v is not None},
        }
        if f.rule in index:
            entry["ruleIndex"] = index[f.rule]
        results.append(entry)
    run = {
        "tool": {"driver": {"name": "edi-lint", "version": __version__,
                            "semanticVersion": __version__,
                            "rules": descriptors}},
        "originalUriBaseIds": {SRCROOT: {"uri": Path(os.getcwd()).as_uri().rstrip("/") + "/"}},
        "columnKind": "unicodeCodePoints",
        "results": results,
    }
    source = getattr(result, "payer_scope", None)
    if source is not None:  # the billing rules governed only some payers
        claims, tars = result.out_of_scope
        run["properties"] = {"payerScope": {"source": source, "claimsOutOfScope": claims,
                                            "tarsOutOfScope": tars}}
    return {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}


def render(result) -> str:
    return json.dumps(build(result), indent=2, ensure_ascii=False) + "\n"
