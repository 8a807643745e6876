"""Every file of ../shared/corpus is read without a crash, with the counts SOURCES.md gives.

837p/: the number of claims (CLM) and service lines (SV1) read equals the Count column.
278/: one TAR request or one response per file, as the Count column says. other/: not
837P or 278 5010, so X040 is reported and nothing is counted, never a crash. The test
skips cleanly when the corpus is not beside the checkout.
"""
from __future__ import annotations

import re

import pytest

from structhelp import CORPUS, lint, model

SOURCES = CORPUS / "SOURCES.md"


def _table() -> dict[str, str]:
    """file name -> its Count column, from SOURCES.md's tables."""
    if not SOURCES.exists():
        return {}
    rows = {}
    for line in SOURCES.read_text(encoding="utf-8").splitlines():
        if not line.startswith("| `"):
            continue
        cells = [c.strip() for c in line.strip("|").split(" | ")]
        name = cells[0].strip("`")
        if name.endswith(".x12") and len(cells) > 4:
            rows[name] = cells[4]
    return rows


TABLE = _table()
FILES = sorted(CORPUS.glob("*/*.x12")) if CORPUS.exists() else []
pytestmark = pytest.mark.skipif(not FILES, reason="../shared/corpus is not beside the checkout")


def _ids(paths):
    return [f"{p.parent.name}/{p.name}" for p in paths]


def test_sources_lists_every_file():
    assert sorted(p.name for p in FILES) == sorted(TABLE)


@pytest.mark.parametrize("path", [p for p in FILES if p.parent.name == "837p"],
                         ids=_ids([p for p in FILES if p.parent.name == "837p"]))
def test_837p_claim_and_line_counts(path):
    count = TABLE[path.name]
    clm = int(re.search(r"CLM=(\d+)", count).group(1))
    sv1 = int(re.search(r"SV1=(\d+)", count).group(1))
    result = lint(path.read_bytes(), path.name)
    assert result.files[0].claims == clm
    assert result.summary["tar_requests"] == result.summary["tar_responses"] == 0
    claims, _, _ = model(path.read_bytes())
    assert sum(len(c.lines) for c in claims) == sv1
    st = re.search(r"ST=(\d+)", count)
    assert result.files[0].transactions == (int(st.group(1)) if st else 1)


@pytest.mark.parametrize("path", [p for p in FILES if p.parent.name == "278"],
                         ids=_ids([p for p in FILES if p.parent.name == "278"]))
def test_278_one_request_or_response(path):
    count = TABLE[path.name]
    result = lint(path.read_bytes(), path.name)
    s = result.summary
    if count.startswith("request"):
        assert (s["tar_requests"], s["tar_responses"]) == (1, 0)
    else:
        assert count.startswith("response")
        assert (s["tar_requests"], s["tar_responses"]) == (0, 1)
    assert s["claims"] == 0
    _, tars, _ = model(path.read_bytes())
    um = int(re.search(r"UM=(\d+)", count).group(1))
    assert len(tars) == 1 and tars[0].um01 is not None and um >= 1


@pytest.mark.parametrize("path", [p for p in FILES if p.parent.name == "other"],
                         ids=_ids([p for p in FILES if p.parent.name == "other"]))
def test_other_files_are_reported_not_checked(path):
    result = lint(path.read_bytes(), path.name)
    assert "X040" in {f.rule for f in result.findings}
    assert result.summary["claims"] == 0
    assert result.summary["tar_requests"] == result.summary["tar_responses"] == 0
    st = re.search(r"ST=(\d+)", TABLE[path.name])
    x040 = [f for f in result.findings if f.rule == "X040"]
    assert len(x040) == (int(st.group(1)) if st else 1)
    assert all(f.segment_id == "ST" for f in x040)


def test_known_defects_are_found():
    """SOURCES.md's 'KNOWN ERROR' notes, each seen by the linter."""
    def rules(name):
        return {f.rule for f in lint((CORPUS / name).read_bytes(), name.split("/")[1]).findings}
    assert {"X023", "X025"} <= rules("837p/imsweb_x222a1_complex_two_st_cob.x12")
    assert "X021" in rules("837p/imsweb_x222a1_three_gs_in_one_isa.x12")
    assert {"X110", "X041"} <= rules("837p/lfh_x222a2_NEG_anesthesia_isa16_colon_body_gt.x12")
    assert "X101" in rules("837p/oopfactory_x222a1_NEG_missing_nm101_bom_crlf.x12")
    assert "X030" in rules("837p/queryfarm_x222a1_NEG_truncated_no_trailers.x12")
    assert {"X104", "X105"} <= rules("837p/staedi_x222a1_NEG_header_only_no_hl.x12")
    assert "X002" in rules("837p/stupidedi_x222_NEG_narrative_prefix_dotted_isa.x12")
    assert "X003" in rules("837p/imsweb_x222a1_NEG_bad_isa_first_line.x12")
    assert "X042" in rules("837p/x12types_x222a1_NEG_gs08_st03_mismatch.x12")
    assert "X025" in rules("278/stupidedi_x217_admission_request_oneline.x12")
    assert {"X107", "X042"} <= rules("278/oopfactory_x217_ex3_1_1_request_bom_crlf.x12")
    assert {"X003", "X040"} <= rules("other/tigershark_4010_x098a1_837p_t1018_collapsed_isa.x12")
    assert {"X030", "X040"} <= rules("other/silvenga_x223a2_837i_pipe_elem_bang_comp.x12")
