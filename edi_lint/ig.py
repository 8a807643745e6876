"""The optional implementation-guide pass (``--ig``, SNIP 2): pyx12 on each 837P transaction.

pyx12 (4.0) has the 005010X222A1 map but validates at about 0.2 MB/s, so the pass is off
by default and pyx12 is imported only here, only when ``--ig`` is on. 278s need no pass:
their implementation-guide checks run always (``rules/structure278.py``), since pyx12 has
no 5010 278 map.

How a file reaches pyx12. Rather than handing pyx12 the raw bytes (it rejects a BOM, text
before the ISA, an ISA whose padding was collapsed, indentation, and it silently stops at
an empty segment), :class:`IgPass` watches the segments edi-lint's own reader yields and,
for each interchange, writes one clean document holding only its 837P transaction sets:
a fixed-width ISA (with ISA12 ``00501``), each transaction's own GS (GS08
``005010X222A1``, the only 837P map pyx12 ships), its ST..SE exactly as read, and GE/IEA
with computed counts. So layout quirks never reach pyx12 (they are the reader's findings);
what pyx12 reports is about the content. The n-th segment of that document is a known
segment of the file, so every pyx12 error gets the file position, and the map node that
pyx12's callback hands over for each segment gives its loop id (pyx12's errors carry none).

pyx12 loads its maps (the control map, the 837P map, its map index) in every call of
``x12n_document``, and this pass calls it once per interchange: a file of 300 small
interchanges spent nearly all its time parsing XML. :func:`_maps_loaded_once` keeps each
map, once parsed, for the rest of the run (pyx12 4 keeps its loop and segment counts in
the walker, not in the map, so a map is read-only once loaded).

pyx12 errors that the fast checks already report (SE01/SE02, a missing SE, a repeated ST02
or GS06, HL and LX numbering) are dropped. Any exception inside pyx12, an unreadable ISA or an unknown map
becomes an X202 finding, never a crash.
"""
from __future__ import annotations

import contextlib
import io
import json
import logging
import re

from .findings import shown_id
from .x12.delimiters import ISA_WIDTHS as _ISA_WIDTHS
from .x12.envelope import IMPLEMENTED

# Run pyx12 early when the collected 837P text grows beyond this (characters).
FLUSH_SIZE = 4 << 20
_REPETITION_CANDIDATES = "^`|\\!{}<>~+"
# pyx12 errors the fast checks report already: (level, code).
_DUPLICATES = {("st", "2"), ("st", "3"), ("st", "4"), ("st", "23"), ("gs", "6"),
               ("seg", "HL1"), ("seg", "HL2"), ("seg", "LX")}
# Loops of pyx12's maps that are envelopes or tables, not 837P loops.
_NOT_LOOPS = {"ISA_LOOP": None, "GS_LOOP": None, "ST_LOOP": None, "HEADER": "header",
              "DETAIL": None, "FOOTER": None}


class IgPass:
    """Collect the 837P transaction sets of a file as they stream past; validate with pyx12."""

    def __init__(self, report, reader, show_phi=False):
        self.report = report  # report(code, message, seg, loop=None, claim=None)
        self.reader = reader
        self.show_phi = show_phi
        self.isa = None
        self.delims = None
        self.gs = None
        self.tx: list | None = None  # segments of the open 837P transaction set
        self.pending: list[tuple] = []  # (isa, delims, gs, segments) awaiting pyx12
        self.size = 0

    # -- watching the stream ---------------------------------------------------------
    def watch(self, segments):
        """Yield ``segments`` unchanged, remembering those of 837P transaction sets."""
        feed = self.feed
        for seg in segments:
            feed(seg)
            yield seg

    def feed(self, seg) -> None:
        tag = seg.tag
        tx = self.tx
        if tx is not None and tag not in _ENVELOPE:
            tx.append(seg)
            self.size += len(seg.text) + 1
            return
        if tag == "ST":
            self._close_tx()
            st01, st03 = seg.get(1), seg.get(3)
            version = st03 or (self.gs.get(8) if self.gs is not None else "")
            kind, _ = IMPLEMENTED.get((st01, version), (None, None))
            if kind == "837P" and self.isa is not None:
                self.tx = [seg]
        elif tag == "SE":
            if tx is not None:
                tx.append(seg)
                self._close_tx()
                if self.size > FLUSH_SIZE:
                    self.flush()
        elif tag == "ISA":
            self._close_tx()
            self.flush()
            self.isa, self.delims, self.gs = seg, self.reader.delimiters, None
        elif tag == "GS":
            self._close_tx()
            self.gs = seg
        elif tag == "GE":
            self._close_tx()
            self.gs = None
        elif tag == "IEA":
            self._close_tx()
            self.flush()

    def _close_tx(self):
        if self.tx is not None:
            self.pending.append((self.isa, self.delims, self.gs, self.tx))
            self.tx = None

    def finish(self) -> None:
        """End of file: validate what is still collected."""
        self._close_tx()
        self.flush()

    # -- running pyx12 -----------------------------------------------------------------
    def flush(self) -> None:
        pending, self.pending, self.size = self.pending, [], 0
        if not pending:
            return
        try:
            document, where = _document(pending)
        except _Unreadable as exc:
            self.report("X202", f"pyx12 not run: {exc}", exc.seg, loop=None)
            return
        try:
            self._validate(document, where)
        except Exception as exc:  # anything pyx12 raises is a finding, never a crash
            first = pending[0][3][0]
            self.report("X202", f"pyx12 stopped on this interchange: {_describe(exc)};"
                        " its 837P transaction sets were not (fully) validated", first, loop=None)

    def _validate(self, document: str, where: list) -> None:
        from pyx12.x12n_document import x12n_document

        loops: dict[int, str | None] = {}

        def callback(seg, src, node, valid):
            loops[src.get_cur_line()] = _loop_of(node)

        out = io.StringIO()
        envelope_errors = _EnvelopeErrors({i + 1 for i, s in enumerate(where)
                                           if s.tag in ("ISA", "GS")})
        logger = logging.getLogger("pyx12")
        saved = logger.level, logger.propagate
        logger.setLevel(logging.ERROR)  # pyx12 logs every error: keep them off stderr
        logger.propagate = False
        logger.addHandler(envelope_errors)
        try:
            with contextlib.redirect_stdout(io.StringIO()), _maps_loaded_once():
                valid = x12n_document(_params(), io.StringIO(document), None, None,
                                      fd_json=out, callback=callback)
        finally:
            logger.removeHandler(envelope_errors)
            logger.setLevel(saved[0])
            logger.propagate = saved[1]
        reported = set()
        dropped = []  # errors left to the fast checks: pyx12's verdict is explained
        last = len(where)

        def emit(level_, code, text, line, loop=None):
            if (level_, code) in _DUPLICATES:
                dropped.append(code)
                return
            k = min(max(line, 1), last) - 1
            if level_ in ("gs", "st"):  # pyx12 counts them at GE/SE: point at GS/ST instead
                opener = "GS" if level_ == "gs" else "ST"
                j = k
                while j > 0 and where[j].tag != opener:
                    j -= 1
                k = j if where[j].tag == opener else k
            seg = where[k]
            if loop is None:
                loop = loops.get(line)
            key = (seg.index, code, text)
            if key in reported:
                return
            reported.add(key)
            claim = claims.get(seg.index)
            self.report("X201", f"pyx12: {text} (IG error {code})", seg, loop=loop,
                        claim=_ClaimRef(claim) if claim else None)

        claims = _claim_ids(where)

        for line, code, text in envelope_errors.found:  # not in pyx12's JSON: ISA/GS elements
            emit("ele", code, text, line)
        data = json.loads(out.getvalue() or '{"interchanges": []}')
        for isa in data.get("interchanges", ()):
            for err in isa.get("errors", ()):
                emit("isa", err.get("err_cde"), err.get("err_str"), 1)
            for group in isa.get("groups", ()):
                for err in group.get("errors", ()):
                    if err.get("err_cde") in ("3", "4", "5"):
                        dropped.append(err.get("err_cde"))
                        continue  # GE is ours: its count and control number are computed
                    emit("gs", err.get("err_cde"), err.get("err_str"), group.get("cur_line", 1))
                for st in group.get("transactions", ()):
                    for err in st.get("errors", ()):
                        emit("st", err.get("err_cde"), err.get("err_str"), st.get("cur_line", 1))
                    for seg in st.get("segments", ()):
                        line = seg.get("cur_line", 1)
                        for err in seg.get("errors", ()):
                            emit("seg", err.get("err_cde"), self._text(err, "seg"), line)
                        for ele in seg.get("elements", ()):
                            for err in ele.get("errors", ()):
                                emit("ele", err.get("err_cde"), self._text(err, "ele"), line)
        if not valid and not reported and not dropped:
            st = next((s for s in where if s.tag == "ST"), where[0])
            self.report("X201", "pyx12 rejected the transaction set without a detailed error"
                        " (an ISA or GS element error)", st, loop=None)

    def _text(self, err: dict, level: str) -> str:
        """pyx12's message; without --show-phi, data values that may be PHI are hidden."""
        text = err.get("err_str") or ""
        value = err.get("err_val")
        if self.show_phi:
            if value and value not in text:
                text += f" ({str(value)[:30]!r})"
            return text
        if level == "ele" and value and err.get("err_cde") != "7":  # 7: a bad code value
            text = text.replace(str(value), "...")
        elif level == "seg" and text.startswith("Segment ") and " not found" in text:
            head, _, tail = text.partition(" not found")
            tag, _, first = head[8:].partition("*")
            if first and (tag in _FREE_TEXT or len(tag) > 3):
                text = f"Segment {shown_id(tag)}*... not found{tail}"
        if level == "seg":  # a quoted segment ('"N31 SAMPLE WAY*~" is empty'): its id only
            text = _PYX12_QUOTED.sub(_quoted_id, text)
        return text


_MAPS: dict = {}  # (map file, map path) -> a parsed pyx12 map, for the run
_CACHE: dict = {}  # "params" and (the map index, its path), made once


def _params():
    """pyx12's parameters (its defaults), made once: the cached maps were built with them."""
    params = _CACHE.get("params")
    if params is None:
        from pyx12.params import ParamsBase
        params = _CACHE["params"] = ParamsBase()
    return params


@contextlib.contextmanager
def _maps_loaded_once():
    """Within the block, pyx12 loads each map file and its map index once a run, not once a
    call of ``x12n_document`` (that is, once an interchange)."""
    import pyx12.map_if
    import pyx12.map_index

    load, index_class = pyx12.map_if.load_map_file, pyx12.map_index.map_index

    def load_once(map_file, param, map_path=None):
        key = (map_file, map_path)
        found = _MAPS.get(key)
        if found is None or param is not _params():
            found = load(map_file, param, map_path)
            if param is _params():
                _MAPS[key] = found
        return found

    def index_once(map_path=None):
        key = ("index", map_path)
        found = _CACHE.get(key)
        if found is None:
            found = _CACHE[key] = index_class(map_path)
        return found

    pyx12.map_if.load_map_file, pyx12.map_index.map_index = load_once, index_once
    try:
        yield
    finally:
        pyx12.map_if.load_map_file, pyx12.map_index.map_index = load, index_class


class _ClaimRef:
    """What ``report`` needs of a claim: its CLM01."""

    __slots__ = ("clm01",)

    def __init__(self, clm01):
        self.clm01 = clm01


def _claim_ids(where) -> dict[int, str]:
    """Segment index -> CLM01 of the claim it belongs to (CLM up to the next HL, CLM or SE)."""
    out, current = {}, None
    for seg in where:
        tag = seg.tag
        if tag == "CLM":
            current = seg.get(1)
        elif tag in ("HL", "ST", "SE", "GS", "ISA"):
            current = None
        if current:
            out[seg.index] = current
    return out


class _EnvelopeErrors(logging.Handler):
    """Catch pyx12's log lines for ISA and GS element errors, which its JSON output omits."""

    def __init__(self, lines):
        super().__init__(logging.ERROR)
        self.lines = lines
        self.found: list[tuple[int, str, str]] = []

    def emit(self, record):
        try:
            text = record.getMessage()
        except Exception:
            return
        if not text.startswith("Line:") or " ELE:" not in text:
            return
        head, _, message = text.partition(" - ")
        line_text, _, code = head.partition(" ELE:")
        try:
            line = int(line_text[5:])
        except ValueError:
            return
        if line in self.lines:
            self.found.append((line, code, message))


class _Unreadable(Exception):
    def __init__(self, message, seg):
        super().__init__(message)
        self.seg = seg


_ENVELOPE = frozenset(("ISA", "IEA", "GS", "GE", "ST", "SE"))


def _describe(exc: Exception) -> str:
    text = str(exc).strip().splitlines()[0][:200] if str(exc).strip() else ""
    if "Map not found" in text:
        return f"pyx12 has no map for this transaction ({text})"
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


# Segments whose first element is free text (names, addresses, notes), hidden without PHI.
_FREE_TEXT = frozenset(("N2", "N3", "N4", "NTE", "MSG", "K3"))
_PYX12_QUOTED = re.compile(r'"([^"]*)"')  # pyx12 quotes segments in double quotes


def _quoted_id(match) -> str:
    """A segment pyx12 quotes, as its id: a lost separator makes the "id" its data."""
    tag, star, _ = match.group(1).partition("*")
    return f'"{shown_id(tag)}{"*..." if star else ""}"'


def _loop_of(node) -> str | None:
    """The loop id of a pyx12 map node: its nearest enclosing loop."""
    while node is not None:
        is_loop = getattr(node, "is_loop", None)
        if is_loop is not None and is_loop():
            loop_id = node.id
            return _NOT_LOOPS.get(loop_id, loop_id)
        node = getattr(node, "parent", None)
    return None


def _document(pending):
    """One X12 document of the pending 837P transaction sets, and the file segment of each line.

    ``pending`` holds (isa, delimiters, gs, segments) in file order, all of one interchange
    (or of one file's interchanges with the same ISA when flushed early).
    """
    isa, delims = pending[0][0], pending[0][1]
    if isa is None or delims is None:
        raise _Unreadable("no readable ISA before the transaction set", pending[0][3][0])
    sep, term = delims.element, delims.segment
    body = [s for _, _, _, segs in pending for s in segs]
    lines, where = [isa_text(isa, delims, body)], [isa]
    groups: list[tuple] = []
    for _, _, gs, segs in pending:
        if groups and groups[-1][0] is gs:
            groups[-1][1].append(segs)
        else:
            groups.append((gs, [segs]))
    for n, (gs, transactions) in enumerate(groups, 1):
        first = transactions[0][0]
        if gs is not None:
            fields = gs.elements[:]
            while len(fields) < 9:
                fields.append("")
            fields[8] = "005010X222A1"  # the only 837P map pyx12 has (X041 reports variants)
            lines.append(sep.join(fields))
            where.append(gs)
            gs06 = fields[6]
        else:
            gs06 = str(n)
            lines.append(sep.join(("GS", "HC", "SENDER", "RECEIVER", "20000101", "0000", gs06,
                                   "X", "005010X222A1")))
            where.append(first)
        for segs in transactions:
            for s in segs:
                lines.append(s.text)
                where.append(s)
        lines.append(sep.join(("GE", str(len(transactions)), gs06)))
        where.append(transactions[-1][-1])
    lines.append(sep.join(("IEA", str(len(groups)), isa.get(13).strip() or "000000001")))
    where.append(where[-1])
    return term.join(lines) + term, where


def isa_text(isa, delims, body) -> str:
    """A fixed-width ISA with ISA12 00501 and a repetition separator the body does not use."""
    fields = isa.elements[1:]
    if len(fields) < 16:
        raise _Unreadable(f"the ISA has {len(fields)} elements, not 16", isa)
    fields = list(fields[:16])
    fields[15] = delims.component
    rep = delims.repetition
    if rep is None:
        used = {delims.element, delims.component, delims.segment}
        text = "".join(s.text for s in body)
        rep = next((c for c in _REPETITION_CANDIDATES if c not in used and c not in text), None)
        if rep is None:
            raise _Unreadable("no character is free for ISA11 (repetition separator)", isa)
    fields[10] = rep
    fields[11] = "00501"
    out = []
    for i, (value, width) in enumerate(zip(fields, _ISA_WIDTHS)):
        if i == 12:  # ISA13 control number: digits, zero-padded
            value = value.strip().rjust(width, "0")
        elif len(value) < width:
            value = value.ljust(width)
        if len(value) != width:
            raise _Unreadable(f"ISA{i + 1:02d} is {len(value)} characters, not {width}", isa)
        out.append(value)
    return delims.element.join(["ISA"] + out)
