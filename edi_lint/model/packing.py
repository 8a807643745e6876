"""The bit layouts that make a batch's facts small: where a claim and a line sit, as ints.

Pure arithmetic, no I/O: ``facts.py`` stores these ints in its facts and reads the
segment texts back from the file when a finding needs them.
"""
from __future__ import annotations

import struct

# -- where a claim sits -----------------------------------------------------------------
# A batch claim's ``where``: the CLM's offset (40 bits), column, line (32 bits each), index
# (40 bits, < 2**32), file number (24 bits), then CLM01's Latin-1 bytes and a 1 byte on top
# (so that its length is known): 64 bytes for a CLM01 of up to 12 characters, where a str
# and an int of their own took 96. Other claims (ledger, hand-made) keep the plain tuple
# (claim_id, file_no, index).
M24, M32, M40, M64 = (1 << 24) - 1, (1 << 32) - 1, (1 << 40) - 1, (1 << 64) - 1
ORDER_SHIFT = 104  # (file number << 40 | CLM index) is ``where >> 104 & M64``
TEXT_SHIFT = 168


def pack_claim(claim_id, file_no, pos) -> int | None:
    """A claim's CLM01, file number and CLM position as one int, or None if they do not fit."""
    index, line, col, offset = pos[:4]
    if not (type(claim_id) is str and 0 <= file_no <= M24 and 0 <= index <= M32
            and 0 <= line <= M32 and 0 <= col <= M32 and 0 <= offset <= M40):
        return None
    try:
        text = claim_text_bits(claim_id)
    except UnicodeEncodeError:
        return None
    return (text << TEXT_SHIFT | file_no << 144 | index << ORDER_SHIFT | line << 72
            | col << 40 | offset)


def claim_text(where: int) -> str:
    """The CLM01 of a packed claim."""
    text = where >> TEXT_SHIFT
    return text.to_bytes((text.bit_length() + 7) // 8, "little")[:-1].decode("latin-1")


def claim_text_bits(claim_id: str) -> int:
    """The bits a packed claim keeps of ``claim_id`` (``where >> TEXT_SHIFT``).

    Raises UnicodeEncodeError (not Latin-1) or AttributeError (not a str).
    """
    return int.from_bytes(claim_id.encode("latin-1") + b"\x01", "little")



# -- where a line sits ------------------------------------------------------------------
# Compact (bit 0 clear; at most 59 bits), from the low bits: 0, layout (1 bit), the SV1 and
# DTP (segment id, loop) numbers (2 bits each), the line number (6), SV1 index minus CLM
# index (9), SV1 offset minus CLM offset (16), SV1 text length (8), DTP index minus SV1
# index (3), DTP offset minus the end of SV1's text (5), DTP text length (6). Lines and
# columns follow from the layout: 0, all three on the CLM's physical line (columns move
# with offsets); 1, one segment a line (column 1, lines move with indexes).
# Wide (bit 0 set), when a compact field does not fit: the line number (16 bits) above it,
# then the little-endian bytes of SV1 and DTP text lengths, the two (segment id, loop)
# numbers, SV1 index, line, column (32 bits each), DTP minus SV1 index, line, column,
# offset (16 bits each), then the SV1 offset (64 bits) on top.
# Positions that fit neither keep their ``Pos`` objects (``where`` a tuple).
_TAG_NO = {("SV1", "2400"): 0, ("DTP", "2400"): 1, ("LX", "2400"): 2, ("CLM", "2300"): 3}
_TAGS = sorted(_TAG_NO, key=_TAG_NO.get)
_TAG_PAIRS = {t1 + t2: n2 << 2 | n1 for t1, n1 in _TAG_NO.items() for t2, n2 in _TAG_NO.items()}
DI1_SHIFT = 12
_PACK = struct.Struct("<IIBIIIHHHHQ")
WIDE_INDEX_SHIFT = 17 + 9 * 8  # where SV1's index sits in a wide int


def claim_base(claim_where: int) -> tuple:
    """(index, line, column, offset) of the CLM of a packed claim."""
    return (claim_where >> ORDER_SHIFT & M32, claim_where >> 72 & M32,
            claim_where >> 40 & M32, claim_where & M40)


def pack_location(sv1, dtp, number, base=None) -> int | None:
    """A line's SV1 and DTP positions and number as one int, or None when they do not fit.

    ``base`` is its claim's ``claim_base`` (None: only the wide form).
    """
    i1, l1, c1, o1, s1, p1, t1 = sv1
    i2, l2, c2, o2, s2, p2, t2 = dtp
    tags = _TAG_PAIRS.get((s1, p1, s2, p2))
    if tags is None or type(number) is not int:
        return None
    n1, n2 = len(t1), len(t2)
    if base is not None:
        i0, l0, c0, o0 = base
        di1, do1, di2, gap = i1 - i0, o1 - o0, i2 - i1, o2 - o1 - n1
        if l1 == l0 + di1 and l2 == l1 + di2 and c1 == c2 == 1:
            layout = 2  # one segment a line
        elif l1 == l0 == l2 and c1 == c0 + do1 and c2 == c1 + o2 - o1:
            layout = 0  # all on the CLM's line
        else:
            layout = -1
        # x >> w is 0 exactly when 0 <= x < 2**w: every field fits its width
        if layout >= 0 and not (number >> 6 | di1 >> 9 | do1 >> 16 | n1 >> 8 | di2 >> 3
                                | gap >> 5 | n2 >> 6):
            return (layout | tags << 2 | number << 6 | di1 << DI1_SHIFT | do1 << 21 | n1 << 37
                    | di2 << 45 | gap << 48 | n2 << 53)
    if not 0 <= number <= 0xFFFF:
        return None
    try:
        data = _PACK.pack(n1, n2, tags, i1, l1, c1, i2 - i1, l2 - l1, c2 - c1, o2 - o1, o1)
    except struct.error:  # a negative delta, or a number too big for its field
        return None
    return (int.from_bytes(data, "little") << 16 | number) << 1 | 1


def unpack_position(bits, which, claim_where) -> tuple:
    """(index, line, column, offset, segment id, loop, text length) of a packed line's SV1
    (``which`` 0) or DTP (1); ``claim_where`` is its claim's packed ``where``."""
    if bits & 1:
        n1, n2, tags, i1, l1, c1, di, dl, dc, do, o1 = _PACK.unpack(
            (bits >> 17).to_bytes(_PACK.size, "little"))
        if which == 0:
            return (i1, l1, c1, o1, *_TAGS[tags & 3], n1)
        return (i1 + di, l1 + dl, c1 + dc, o1 + do, *_TAGS[tags >> 2], n2)
    i0, l0, c0, o0 = claim_base(claim_where)
    one_a_line = bits >> 1 & 1
    di1, do1, n1 = bits >> DI1_SHIFT & 511, bits >> 21 & 0xFFFF, bits >> 37 & 255
    i1, o1 = i0 + di1, o0 + do1
    l1, c1 = (l0 + di1, 1) if one_a_line else (l0, c0 + do1)
    if which == 0:
        return (i1, l1, c1, o1, *_TAGS[bits >> 2 & 3], n1)
    di2, gap, n2 = bits >> 45 & 7, bits >> 48 & 31, bits >> 53 & 63
    o2 = o1 + n1 + gap
    l2, c2 = (l1 + di2, 1) if one_a_line else (l1, c1 + o2 - o1)
    return (i1 + di2, l2, c2, o2, *_TAGS[bits >> 4 & 3], n2)
