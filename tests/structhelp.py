"""Shared helpers of the reader, envelope, corpus, SNIP, IG and bad-input tests.

``read`` runs the streaming reader alone; ``model`` runs reader + envelope tracker +
builders (what the engine does, minus rules) and returns claims, TARs and structural
findings; ``lint`` runs the real engine in-process on bytes; ``where`` locates a segment
of a built file by its text, with an oracle independent of the reader.
"""
from __future__ import annotations

import io
import tempfile
from pathlib import Path

from edi_lint.engine import Linter, Options
from edi_lint.model.build278 import Tar278Builder
from edi_lint.model.build837 import Claim837Builder
from edi_lint.model.common import Pos, Transaction
from edi_lint.x12.envelope import EnvelopeTracker
from edi_lint.x12.reader import SegmentReader

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
CORPUS = SHARED / "corpus"
FIXTURES = ROOT / "fixtures"


def as_bytes(data) -> bytes:
    return data if isinstance(data, bytes) else data.encode("latin-1")


def read(data, chunk_size: int = 1 << 20):
    """(segments as tuples, reader findings as tuples) of ``data``."""
    r = SegmentReader(io.BytesIO(as_bytes(data)), "t.x12", chunk_size=chunk_size)
    segs = [(s.tag, s.elements, s.index, s.line, s.col, s.offset, s.text) for s in r]
    found = [(f.rule, f.line, f.col, f.offset, f.segment_index, f.segment_id) for f in r.findings]
    return segs, found


def model(data):
    """Run reader, envelope tracker and builders: (claims, tars, findings as dicts)."""
    claims, tars, findings = [], [], []
    reader = SegmentReader(io.BytesIO(as_bytes(data)), "t.x12")

    def report(code, message, seg, loop=None, claim=None, tip=None, data=None):
        findings.append({"rule": code, "message": message, "index": seg.index, "line": seg.line,
                         "segment": seg.tag, "loop": loop, "data": data,
                         "claim": claim.clm01 if claim is not None else None})

    def open_transaction(kind, version, st, gs):
        d = reader.delimiters
        tx = Transaction("t.x12", 0, kind, version, st.get(2), Pos.of(st, "header"),
                         d.component, d.repetition)
        if kind == "837P":
            return Claim837Builder(tx, claims.append, report)
        return Tar278Builder(tx, tars.append, report)

    tracker = EnvelopeTracker(report, open_transaction)
    for seg in reader:
        tracker.feed(seg)
    tracker.finish()
    for f in reader.findings:
        findings.append({"rule": f.rule, "message": f.message, "index": f.segment_index,
                         "line": f.line, "segment": f.segment_id, "loop": None, "claim": None})
    return claims, tars, findings


def lint(data, name: str = "t.x12", **options):
    """Lint ``data`` (bytes or str) with the real engine; returns the Result."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / name
        path.write_bytes(as_bytes(data))
        result = Linter(Options(**options)).run([str(path)])
    for f in result.findings:
        f.path = name
    for s in result.files:
        s.path = name
    return result


def codes(findings, prefix: str = "") -> list[str]:
    return sorted(f.rule for f in findings if f.rule.startswith(prefix))


def where(data, needle: str, nth: int = 1, terminator: str = "~") -> tuple[int, int, int]:
    """(segment index, line, column) of the ``nth`` segment that starts with ``needle``.

    An oracle independent of the reader: segments are cut at ``terminator`` and stripped
    of surrounding whitespace; lines count LF (CR LF counts once, a lone CR counts too).
    """
    text = as_bytes(data).decode("latin-1")
    if text.startswith("\xef\xbb\xbf"):
        text = text[3:]  # columns do not count the BOM
    start = text.find("ISA")
    index, pos, seen = 0, start, 0
    while pos < len(text):
        end = text.find(terminator, pos)
        end = len(text) if end < 0 else end
        raw = text[pos:end]
        seg = raw.strip(" \t\r\n")
        if seg:
            index += 1
            if seg.startswith(needle):
                seen += 1
                if seen == nth:
                    offset = pos + (len(raw) - len(raw.lstrip(" \t\r\n")))
                    before = text[:offset]
                    line = before.count("\n") + before.replace("\r\n", "").count("\r") + 1
                    col = offset - max(before.rfind("\n"), before.rfind("\r"))
                    return index, line, col
        pos = end + 1
    raise LookupError(f"no segment {needle!r} #{nth}")
