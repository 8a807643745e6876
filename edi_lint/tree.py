"""`edi-lint parse`: the loop tree of a file, one segment a line, with positions."""
from __future__ import annotations

from .findings import shown_id, without_spill
from .model.codes278 import HL_LEVELS as HL_278
from .model.build837 import HL_LEVELS as HL_837, NM1_LOOPS
from .x12.files import open_input
from .x12.reader import SegmentReader

_DEPTH = {"ISA": 0, "IEA": 0, "GS": 1, "GE": 1, "ST": 2, "SE": 2}


def render_tree(path: str) -> str:
    """Indent by loop; show line:col, segment index and loop id for each segment."""
    out = []
    stream = open_input(path)
    try:
        reader = SegmentReader(stream, path)
        kind, region, loop, depth = None, "header", "header", 3
        for seg in reader:
            tag = seg.tag
            if tag in _DEPTH:
                depth_now, loop_now = _DEPTH[tag], tag
                if tag == "ST":
                    kind, region, loop = seg.get(1), "header", "header"
                out.append(_row(seg, depth_now, loop_now))
                continue
            if tag == "HL":
                level = seg.get(3)
                loop = region = (HL_837 if kind == "837" else HL_278).get(level, "HL?")
                depth = 3 + {"2000A": 0, "2000B": 1, "2000C": 2, "2000D": 3, "2000E": 3,
                             "2000F": 4}.get(loop, 0)
            elif kind == "837" and tag == "CLM":
                region = loop = "2300"
                depth += 1
            elif kind == "837" and tag == "LX":
                region = loop = "2400"
            elif kind == "837" and tag == "SBR" and region in ("2300", "2320"):
                region = loop = "2320"
            elif tag == "NM1":
                if kind == "837":
                    loop = NM1_LOOPS.get(region, {}).get(seg.get(1), loop)
                else:
                    loop = region.replace("2000", "2010")
            out.append(_row(seg, depth + (1 if loop != region else 0), loop))
        for f in reader.findings:
            out.append(f"! {f.line}:{f.col} {f.rule} {without_spill(f.message)}")
    finally:
        if path != "-":
            stream.close()
    return "\n".join(out) + "\n"


def _row(seg, depth, loop):
    return (f"{seg.line:>6}:{seg.col:<4} #{seg.index:<6} {'  ' * depth}{loop:<7}"
            f" {shown_id(seg.tag)}")
