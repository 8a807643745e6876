"""Agreement harness: pyx12's errors and the fast IG pass's, as (segment position, code) sets.

pyx12 validates a document in-process with its maps loaded once per process (its own
``load_map_file`` reads the XML on every call). A position is the segment's 1-based index
in the document, which is edi-lint's ``segment_index`` for a document starting with ISA.
Codes are ``("seg", IK304)`` or ``("ele", IK403)`` as pyx12 reports them.
"""
from __future__ import annotations

import contextlib
import io
import json
import logging

from edi_lint.engine import Linter, Options
from edi_lint.testing import x12build as xb

# fast-pass rules pyx12 reports at segment level as IK304 8 (no element to point at)
SEG8 = {"I108", "I112", "I113", "I120", "I121", "I122", "I123", "I124", "I125", "I126"}
# pyx12 errors that are not the implementation guide's (reader and envelope checks
# edi-lint makes elsewhere): HL and LX numbering, counts, control numbers
OTHER = {("seg", "HL1"), ("seg", "HL2"), ("seg", "LX")}

# A built 837P of two claims (one with another payer), on one line: segments replace simply.
BASE = xb.build_837([
    xb.Claim("C1", [xb.Line("99213", charge="100.00")], other_payers=[xb.OtherPayer()]),
    xb.Claim("C2", [xb.Line("G9008", ["U1"], charge="400.00")], member="M2"),
]).replace("~\n", "~")

_MAPS: dict = {}
_INDEX: list = []


@contextlib.contextmanager
def _maps_loaded_once():
    """pyx12's map loaders, cached, for the time of one validation (restored after, so
    other tests patch pyx12 as they please)."""
    import pyx12.map_if
    import pyx12.map_index
    load, index = pyx12.map_if.load_map_file, pyx12.map_index.map_index

    def cached_load(name, param, path=None):
        if name not in _MAPS:
            _MAPS[name] = load(name, param, path)
        return _MAPS[name]

    def cached_index(path=None):
        if not _INDEX:
            _INDEX.append(index(path))
        return _INDEX[0]
    pyx12.map_if.load_map_file, pyx12.map_index.map_index = cached_load, cached_index
    try:
        yield
    finally:
        pyx12.map_if.load_map_file, pyx12.map_index.map_index = load, index


_PARAM = None


def pyx12_errors(text: str) -> set:
    """{(position, level, code)} pyx12 reports for ``text`` (ST..SE errors only)."""
    global _PARAM
    from pyx12.params import ParamsBase
    from pyx12.x12n_document import x12n_document
    if _PARAM is None:
        _PARAM = ParamsBase()
    out = io.StringIO()
    logger = logging.getLogger("pyx12")
    logger.setLevel(logging.CRITICAL)
    logger.propagate = False
    with contextlib.redirect_stdout(io.StringIO()), _maps_loaded_once():
        x12n_document(_PARAM, io.StringIO(text), None, None, fd_json=out)
    data = json.loads(out.getvalue() or '{"interchanges": []}')
    found = set()
    for isa in data.get("interchanges", ()):
        for group in isa.get("groups", ()):
            for st in group.get("transactions", ()):
                for seg in st.get("segments", ()):
                    line = seg.get("cur_line")
                    for err in seg.get("errors", ()):
                        found.add((line, "seg", err.get("err_cde")))
                    for ele in seg.get("elements", ()):
                        for err in ele.get("errors", ()):
                            found.add((line, "ele", err.get("err_cde")))
    return {f for f in found if (f[1], f[2]) not in OTHER}


def fast_errors(text: str, path="doc.x12") -> set:
    """{(position, level, code)} of the fast pass's findings, in pyx12's terms."""
    linter = Linter(Options(select=("I1",)))
    import copy
    linter.profile = copy.copy(linter.profile)  # pyx12 knows no payer: the guide as written
    linter.profile.ig_not_used_allowed = frozenset()
    import tempfile, os
    with tempfile.TemporaryDirectory() as tmp:
        file = os.path.join(tmp, path)
        with open(file, "w", encoding="latin-1", newline="") as fh:
            fh.write(text)
        result = linter.run([file])
    return {key(f) for f in result.findings}


def key(f):
    data = f.data or {}
    if f.rule == "I107":
        return (f.segment_index, "seg", "SEG1")
    if f.rule in SEG8:
        return (f.segment_index, "seg", "8")
    if "ik403" in data:
        return (f.segment_index, "ele", data["ik403"])
    return (f.segment_index, "seg", data.get("ik304"))


# --------------------------------------------------------------------------- documents

def canonical(data: bytes):
    """The segments of an X12 file as (texts, delimiters): one clean document, or None."""
    from edi_lint.x12.reader import SegmentReader
    reader = SegmentReader(io.BytesIO(data), "doc")
    texts = [seg.text for seg in reader]
    if reader.findings or not texts or reader.delimiters is None:
        return None
    return texts, reader.delimiters


def join(texts, delims) -> str:
    end = delims.segment if delims.segment in "\r\n" else delims.segment + "\n"
    return "".join(t + end for t in texts)


def mutations(texts, delims, seed: int):
    """Deterministic implementation-guide mutations of one document's segments:
    (name, texts). Drop, repeat, reorder, move to another loop, bad code, bad length,
    bad type, syntax-rule breaks; envelope segments are left alone."""
    import random
    rng = random.Random(seed)
    sep, comp = delims.element, delims.component
    body = [i for i, t in enumerate(texts) if t[:3].rstrip(sep) not in
            ("ISA", "GS", "ST", "SE", "GE", "IEA")]
    out = []

    def put(name, new):
        out.append((name, new))

    for i in body:
        put(f"drop-{i}", texts[:i] + texts[i + 1:])
        put(f"repeat-{i}", texts[:i + 1] + [texts[i]] + texts[i + 1:])
    for i in body:
        if i + 1 not in body:
            continue
        put(f"swap-{i}", texts[:i] + [texts[i + 1], texts[i]] + texts[i + 2:])
    for _ in range(len(body) // 2):
        i, j = rng.sample(body, 2)
        new = texts[:]
        seg = new.pop(i)
        new.insert(j, seg)
        put(f"move-{i}-{j}", new)
    for i in body:
        els = texts[i].split(sep)
        for k in range(1, len(els)):
            value = els[k]
            if not value:
                continue
            variants = {"code": "QQ", "long": value + "9" * 80, "short": value[:1] if
                        len(value) > 1 else "", "type": "X" + value[1:], "empty": "",
                        "comp": value + comp + "Z"}
            if k < len(els) - 1:  # before the terminator a space is layout (docs/ig.md)
                variants["trail"] = value + " "
            for kind, v in variants.items():
                if rng.random() < 0.25:
                    new_els = els[:]
                    new_els[k] = v
                    put(f"{kind}-{i}-{k}", texts[:i] + [sep.join(new_els)] + texts[i + 1:])
        if rng.random() < 0.3:
            put(f"extra-{i}", texts[:i] + [texts[i] + sep + "X"] + texts[i + 1:])
    return out
