"""The streaming reader: every delimiter style, exact positions, chunk boundaries.

Positions are checked against an oracle (``structhelp.where``) that finds each segment in
the bytes by itself, so a reader that drifts by one line or byte fails here.
"""
from __future__ import annotations

import io

import pytest

from edi_lint.testing import x12build as xb
from edi_lint.x12.reader import SegmentReader
from structhelp import CORPUS, FIXTURES, as_bytes, lint, model, read, where

CLAIMS = [
    xb.Claim("C1", [xb.Line("G9008", ["U1"], charge="400.00"),
                    xb.Line("99213", ["25", "GT"], charge="100.50", dos=("20250601", "20250603"))],
             member="M1", g1="AUTH1"),
    xb.Claim("C2", [xb.Line("H0043", ["U6"], charge="75.00")], member="M2", patient="P2"),
]

LAYOUTS = {
    "lf": xb.Delims(),
    "one-line": xb.Delims(newline=""),
    "crlf": xb.Delims(newline="\r\n"),
    "lf-terminator": xb.Delims(segment="\n", newline=""),
    "cr-terminator": xb.Delims(segment="\r", newline=""),
    "cr-terminator-crlf": xb.Delims(segment="\r", newline="\n"),
    "control-bytes": xb.Delims(element="\x1d", component="\x1f", repetition="\x1e",
                               segment="\x1c", newline=""),
    "pipe-bang": xb.Delims(element="|", component="!", repetition=">", segment="~"),
}


def _built(delims, bom=False) -> bytes:
    text = xb.build_837(CLAIMS, delims=delims)
    data = text.encode("latin-1")
    return b"\xef\xbb\xbf" + data if bom else data


def _content(segs):
    return [(s[0], s[1]) for s in segs]


BASELINE = _content(read(_built(xb.Delims()))[0])


@pytest.mark.parametrize("layout", sorted(LAYOUTS))
@pytest.mark.parametrize("bom", [False, True], ids=["no-bom", "bom"])
def test_every_delimiter_style_reads_the_same_segments(layout, bom):
    delims = LAYOUTS[layout]
    data = _built(delims, bom)
    segs, found = read(data)
    assert found == []
    assert len(segs) == len(BASELINE)
    e = delims.element
    # Same ids and same element values (the separators differ, the data does not).
    assert [s[0] for s in segs] == [b[0] for b in BASELINE]
    for (tag, els), base in zip(_content(segs), BASELINE):
        if tag != "ISA":
            assert [x.replace(delims.component, ":") for x in els] == base[1]
    # Positions: index, line, column and byte offset of every segment, from the oracle.
    text = data.decode("latin-1")
    for tag, els, index, line, col, offset, seg_text in segs:
        assert seg_text == e.join(els)
        assert text[offset:offset + len(seg_text)] == seg_text
    for needle, nth in (("GS", 1), ("CLM", 2), ("SV1", 3), ("IEA", 1)):
        idx, line, col = where(data, needle.replace("*", e), nth, delims.segment)
        seg = [s for s in segs if s[0] == needle][nth - 1]
        assert (seg[2], seg[3], seg[4]) == (idx, line, col), (layout, needle)


def test_model_is_the_same_in_every_style():
    def summary(claims):
        return [(c.clm01, c.charge_cents, c.member, [(ln.code, ln.modifier_set, ln.charge_cents)
                                                     for ln in c.lines]) for c in claims]
    base = summary(model(_built(xb.Delims()))[0])
    for name, delims in LAYOUTS.items():
        claims, _, findings = model(_built(delims, bom=True))
        assert summary(claims) == base, name
        assert findings == [], name


def test_positions_are_exact_with_indentation_blank_lines_and_bom():
    isa = xb.build_837(CLAIMS).split("\n", 1)[0]
    data = ("\ufeff".encode("utf-8") + (isa + "\r\n  GS*HC*S*R*20250701*1200*1*X*005010X222A1~\r\n"
            "\r\n\t\tST*837*0001*005010X222A1~   BHT*0019*00*1*20250701*1200*CH~\r\n"
            "\r\n\r\n    SE*3*0001~GE*1*1~\nIEA*1*000000001~\n\n").encode("latin-1"))
    segs, found = read(data)
    assert found == []
    got = [(s[0], s[2], s[3], s[4], s[5]) for s in segs]
    # (id, index, line, column, byte offset); the BOM counts in offsets, not in columns.
    assert got == [
        ("ISA", 1, 1, 1, 3),
        ("GS", 2, 2, 3, 3 + 106 + 2 + 2),
        ("ST", 3, 4, 3, data.index(b"ST*")),
        ("BHT", 4, 4, 31, data.index(b"BHT")),
        ("SE", 5, 7, 5, data.index(b"SE*")),
        ("GE", 6, 7, 15, data.index(b"GE*")),
        ("IEA", 7, 8, 1, data.index(b"IEA")),
    ]


@pytest.mark.parametrize("chunk", [7, 64])
def test_chunk_boundaries_do_not_change_anything(chunk):
    samples = [_built(d, bom) for d in LAYOUTS.values() for bom in (False, True)]
    samples += [p.read_bytes() for p in sorted(FIXTURES.glob("**/*.x12"))]
    samples += [p.read_bytes() for p in sorted(CORPUS.glob("**/*.x12"))
                if p.stat().st_size < 100_000]
    samples.append(b"Some narrative\nbefore the ISA\n" + _built(xb.Delims()))
    samples.append(_built(xb.Delims()).replace(b"~\nLX", b"~~\nLX"))  # empty segments
    for data in samples:
        assert read(data, chunk_size=chunk) == read(data), data[:60]


def test_several_isa_gs_st_and_a_second_isa_with_other_delimiters():
    first = xb.build_837(CLAIMS, st_per_transaction=1)
    tx1 = xb.transaction_837([CLAIMS[0]], delims=LAYOUTS["pipe-bang"], st_control="0007")
    tx2 = xb.transaction_837([CLAIMS[1]], delims=LAYOUTS["pipe-bang"], st_control="0008")
    second = xb.interchange([[tx1], [tx2]], delims=LAYOUTS["pipe-bang"], control="000000002")
    data = (first + second).encode("latin-1")
    segs, found = read(data)
    assert found == []
    assert [s[0] for s in segs].count("ISA") == 2
    assert [s[0] for s in segs].count("GS") == 3
    assert [s[0] for s in segs].count("ST") == 4
    isa2 = [s for s in segs if s[0] == "ISA"][1]
    assert isa2[1][16] == "!" and isa2[2] == where(data, "ISA", 2)[0]
    claims, _, findings = model(data)
    assert findings == []
    assert [(c.clm01, c.lines[0].code, c.lines[0].modifier_set) for c in claims] == [
        ("C1", "G9008", {"U1"}), ("C2", "H0043", {"U6"}),
        ("C1", "G9008", {"U1"}), ("C2", "H0043", {"U6"})]


def test_text_before_the_isa_is_reported_then_read_on():
    data = b"Claim batch for June\r\nsent by the clinic\r\n\r\n" + _built(xb.Delims())
    segs, found = read(data)
    assert found == [("X002", 1, 1, 0, 0, None)]
    assert segs[0][0] == "ISA" and segs[0][3] == 4 and segs[0][5] == data.index(b"ISA")
    assert _content(segs) == BASELINE


def test_text_before_the_isa_on_later_lines_points_at_the_text():
    data = b"\n\n   -- header --\nISA" + _built(xb.Delims())[3:]
    _, found = read(data)
    assert found == [("X002", 3, 4, 5, 0, None)]


def test_non_utf8_bytes_do_not_crash_and_are_read_as_single_characters():
    data = _built(xb.Delims()).replace(b"DOE*JANE", b"M\xdcLLER*\xff\xfe\x80")
    segs, found = read(data)
    assert found == []
    nm1 = [s for s in segs if s[0] == "NM1" and s[1][1] == "IL"][0]
    assert nm1[1][3:5] == ["M\xdcLLER", "\xff\xfe\x80"]
    # Offsets stay byte offsets.
    assert data[nm1[5]:nm1[5] + 3] == b"NM1"


@pytest.mark.parametrize("data,rule,line", [
    (b"", "X001", 1),
    (b"   \r\n\n\t ", "X001", 1),
    (b"this is not an X12 file\nat all\n", "X001", 1),
    (b"ISA*00*~", "X004", 1),
    (b"\n\nISA", "X001", 1),
])
def test_unreadable_files(data, rule, line):
    segs, found = read(data)
    assert segs == []
    assert [(f[0], f[1]) for f in found] == [(rule, line)]


def test_collapsed_isa_is_read_leniently_and_said():
    isa = ("ISA*00* *00* *ZZ*SENDER *ZZ*MEDICAL *250701*1200*^*00501*000000001*0*T*:~")
    data = (isa + "\n" + _built(xb.Delims()).decode("latin-1").split("\n", 1)[1]).encode()
    segs, found = read(data)
    assert [f[0] for f in found] == ["X003"]
    assert found[0][1:5] == (1, 1, 0, 1)
    assert _content(segs)[1:] == BASELINE[1:]


def test_empty_segment_is_reported_at_its_real_position():
    data = _built(xb.Delims()).replace(b"~\nLX*1~", b"~\n~LX*1~", 1)
    segs, found = read(data)
    lx = [s for s in segs if s[0] == "LX"][0]
    assert found == [("X010", lx[3], 1, data.index(b"~LX*1") , lx[2] - 1, None)]


@pytest.mark.parametrize("layout", ["pipe-bang", "lf-terminator", "cr-terminator-crlf",
                                    "control-bytes"])
@pytest.mark.parametrize("glue", ["", "\n", "\r\n\r\n  "], ids=["joined", "lf", "blank-lines"])
def test_second_isa_with_other_delimiters_at_any_chunk_size(layout, glue):
    data = (xb.build_837(CLAIMS) + glue
            + xb.build_837(CLAIMS, delims=LAYOUTS[layout], control="000000002")).encode("latin-1")
    whole = read(data)
    assert whole[1] == []
    assert [s[0] for s in whole[0]].count("ISA") == 2
    isa2 = [s for s in whole[0] if s[0] == "ISA"][1]
    assert data[isa2[5]:isa2[5] + 3] == b"ISA"
    assert read(data, 7) == whole and read(data, 64) == whole
    claims, _, findings = model(data)
    assert findings == []
    assert [(c.clm01, c.lines[0].code, c.lines[-1].modifier_set) for c in claims] == [
        ("C1", "G9008", {"25", "GT"}), ("C2", "H0043", {"U6"})] * 2


# ------------------------------------------------------------------ X003 and X001 hints

def _isa_and_rest():
    text = _built(xb.Delims()).decode("latin-1")
    isa = text.split("~", 1)[0]
    return isa, text[len(isa):]


@pytest.mark.parametrize("change,message", [
    (lambda i: i.replace("*SENDER         *", "*SENDER        *"),
     "ISA is 105 characters, not 106 (ISA06 is 14 characters, not 15)"),
    (lambda i: i.replace("*SENDER         *", "*SENDER          *"),
     "ISA is 107 characters, not 106 (ISA06 is 16 characters, not 15)"),
    (lambda i: i.replace("*SENDER         *", "*SENDER          *").replace(
        "*MEDICAL        *", "*MEDICAL       *"),
     "ISA is 106 characters but not fixed width (ISA06 is 16 characters, not 15; ISA08 is 14"
     " characters, not 15)"),
])
def test_an_isa_not_of_fixed_width_is_an_error_naming_the_fields(change, message):
    isa, rest = _isa_and_rest()
    data = (change(isa) + rest).encode("latin-1")
    segs, found = read(data)
    assert found == [("X003", 1, 1, 0, 1, "ISA")]
    assert _content(segs)[1:] == BASELINE[1:]  # read on, leniently
    [f] = [f for f in lint(data).findings if f.rule == "X003"]
    assert (f.severity, f.message) == ("error", message + ": receivers read its delimiters by"
                                       " position and reject it; delimiters read leniently")


def test_a_later_isa_not_of_fixed_width_is_said_too():
    isa, rest = _isa_and_rest()
    second = isa.replace("*SENDER         *", "*SENDER        *").replace(
        "000000001", "000000002") + rest.replace("IEA*1*000000001", "IEA*1*000000002")
    data = (isa + rest + second).encode("latin-1")
    n = len(BASELINE)
    [f] = [f for f in lint(data).findings if f.rule == "X003"]
    assert (f.segment_index, f.line, f.col) == (n + 1, n + 1, 1)
    assert f.message.startswith("ISA is 105 characters, not 106 (ISA06 is 14 characters, not 15)")


def _x001(data):
    r = SegmentReader(io.BytesIO(as_bytes(data)), "t.x12")
    assert list(r) == []
    [f] = r.findings
    return f.rule, f.line, f.col, f.offset, f.message


@pytest.mark.parametrize("encoding,how", [("utf-16", "a UTF-16 byte order mark"),
                                          ("utf-16-le", "a NUL byte every other byte"),
                                          ("utf-16-be", "a NUL byte every other byte")])
def test_a_utf16_file_gets_a_hint(encoding, how):
    data = _built(xb.Delims()).decode("latin-1").encode(encoding)
    assert _x001(data) == ("X001", 1, 1, 0, f"no ISA segment found: the file is UTF-16 encoded"
                           f" ({how}); X12 is single-byte text: save it as ASCII or UTF-8")


def test_an_isa_with_blanks_before_its_separator_gets_a_hint():
    data = b"\n" + _built(xb.Delims()).replace(b"ISA*", b"ISA  *", 1)
    assert _x001(data) == ("X001", 2, 1, 1, "no ISA segment found: 'ISA' is followed by 2"
                           " blank(s) before its element separator '*': an ISA begins 'ISA*'"
                           " and each field has its fixed width (106 characters in all)")
    data = _built(xb.Delims()).replace(b"ISA*", b"isa*", 1)
    assert _x001(data)[4] == ("no ISA segment found: 'isa' is not upper case: the interchange"
                              " header is 'ISA', then fixed-width fields")


def test_bare_transaction_sets_say_the_envelope_is_missing():
    text = _built(xb.Delims()).decode("latin-1")
    bare = "Claims\n" + text[text.index("ST*"):text.index("GE*")]
    assert _x001(bare) == ("X001", 2, 1, 7, "no ISA segment found: the file holds transaction"
                           " sets (ST*837) without their envelope: the ISA and GS before them"
                           " (and GE and IEA after) are missing")
    assert _x001(b"this is not an X12 file\n")[4] == ("no ISA segment found: not an X12"
                                                     " interchange")
