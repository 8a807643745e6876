"""Compare edi-lint's 999 with pyx12's own 999 for the same input (tests and docs).

``compare(text)`` lints ``text`` as a file, writes edi-lint's 999 and pyx12's (pyx12
validates the same segments, ``normalized``, with its 837 map and writes a 999 through
``x12n_document``'s ``fd_997``), and returns for each acknowledged transaction set (AK1
group control, AK2 set control) the IK3, IK4 and IK5 of both: ``(IK301, IK302, IK304)``,
``(IK302, IK401, IK403)`` and ``(IK501, IK502s)``. IK303 (pyx12 leaves it empty: 837 and
278 have no LS loops), IK402 and IK404 are not compared. Which differences are expected is listed in
docs/acknowledgments.md.
"""
from __future__ import annotations

import contextlib
import io
import logging
import os
import tempfile


def normalized(text: str) -> str:
    """``text`` as pyx12 can read it: the segments edi-lint's reader finds, one a line,
    with a fixed-width ISA (a BOM, indentation, wrapped lines or a collapsed ISA stop
    pyx12 before its first segment). The segments of each set, so their positions, are
    the same."""
    from ..ig import isa_text
    from ..x12.reader import SegmentReader
    reader = SegmentReader(io.BytesIO(text.encode("utf-8")), "-")
    lines = []
    try:
        for seg in reader:
            lines.append(isa_text(seg, reader.delimiters, []) if seg.tag == "ISA" else seg.text)
    except Exception:  # an ISA pyx12 could not read either: the text as it is
        return text
    if reader.delimiters is None:
        return text
    return "".join(line + reader.delimiters.segment + "\n" for line in lines)


def pyx12_999(text: str) -> str:
    """The 999 pyx12 writes for ``text`` ('' when it writes none)."""
    from pyx12.params import ParamsBase
    from pyx12.x12n_document import x12n_document
    out = io.StringIO()
    logger = logging.getLogger("pyx12")
    saved = logger.level, logger.propagate
    logger.setLevel(logging.CRITICAL)
    logger.propagate = False
    try:
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            x12n_document(ParamsBase(), io.StringIO(text), out, None)
    except Exception:  # pyx12 gave up on the file: no 999 of its own
        return ""
    finally:
        logger.setLevel(saved[0])
        logger.propagate = saved[1]
    return out.getvalue()


def edi_lint_999(text: str, options=None) -> str:
    """edi-lint's 999 for ``text`` linted as one file (with ``options``: an Options)."""
    from ..ack import write_999
    from ..engine import Options, lint
    options = options or Options(ack=True, ack_date="20250101")
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "input.x12")
        with open(path, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
        return write_999(lint([path], options))


def ack_sets(ack: str) -> dict:
    """(AK102, AK202) -> {"ik3": {(IK301, IK302, IK304)}, "ik4": {(IK302, IK401, IK403)},
    "ik5": (IK501, IK502..)} of a 999 text (any delimiters; ISA fixed width)."""
    if not ack.startswith("ISA") or len(ack) < 106:
        return {}
    element, component, terminator = ack[3], ack[104], ack[105]
    out: dict = {}
    group = current = None
    ik3 = ("", "")
    for raw in ack.split(terminator):
        els = raw.strip().split(element)
        tag = els[0]
        get = (lambda i: els[i] if i < len(els) else "")
        if tag == "AK1":
            group = get(2)
        elif tag == "AK2":
            current = out.setdefault((group, get(2)), {"ik3": set(), "ik4": set(), "ik5": ""})
        elif tag == "IK3" and current is not None:
            ik3 = (get(1), get(2))
            if get(4) and get(4) != "8":
                current["ik3"].add((get(1), get(2), get(4)))
            elif get(4) == "8":
                current["ik3"].add((get(1), get(2), "8"))
        elif tag == "IK4" and current is not None:
            position = get(1).split(component)
            ref = ":".join(p for p in position if p)
            current["ik4"].add((ik3[1], ref, get(3)))
        elif tag == "IK5" and current is not None:
            current["ik5"] = (get(1), tuple(sorted(e for e in els[2:] if e)))
    return out


def compare(text: str, options=None) -> dict:
    """For each set either 999 acknowledges: {"edi_lint": sets, "pyx12": sets}."""
    ours = ack_sets(edi_lint_999(text, options))
    theirs = ack_sets(pyx12_999(normalized(text)))
    return {key: {"edi_lint": ours.get(key), "pyx12": theirs.get(key)}
            for key in sorted(set(ours) | set(theirs), key=str)}
