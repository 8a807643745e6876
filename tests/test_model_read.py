"""edi_lint.model.read: the one reading service (the engine checks, the ledger records)."""
import io

from edi_lint.model.read import FileRead, read_objects
from edi_lint.testing import Claim, Line, TarLine, build_278_response, build_837


def _bytes(text: str) -> io.BytesIO:
    return io.BytesIO(text.encode("latin-1"))


def test_read_objects_hands_over_claims_and_frees_them():
    text = build_837([Claim("C1", [Line("G9008", ["U1"]), Line("G9008", ["U1"])]),
                      Claim("C2", [Line("G9012")])], st_per_transaction=1)
    seen, lines = [], []

    def on_claim(claim):
        seen.append((claim.clm01, claim.pos.segment_id, claim.tx.control))
        assert all(line.claim is claim for line in claim.lines)
        lines.extend(claim.lines)

    read_objects(_bytes(text), "a.x12", 0, on_claim, lambda event: None)
    assert seen == [("C1", "CLM", "0001"), ("C2", "CLM", "0002")]
    assert [line.number for line in lines] == [1, 2, 1]
    assert all(line.claim is None for line in lines)  # the claim-line cycle is broken


def test_read_objects_hands_over_278_responses():
    text = build_278_response(member="M1", cert="AUTH9", lines=[TarLine("G9008", ["U1"])])
    events = []
    read_objects(_bytes(text), "r.x12", 3, lambda claim: None, events.append)
    assert [(e.tx.purpose, e.tx.file_no, e.hcr02, len(e.services)) for e in events] == [
        ("response", 3, "AUTH9", 1)]


def test_file_read_reports_envelope_and_builder_problems():
    text = build_837([Claim("C1", [Line("G9008", ["U1"])])]).replace("SE*", "XX*", 1)
    problems = []
    read = FileRead(_bytes(text), "a.x12", 0,
                    lambda code, message, seg, **kw: problems.append((code, seg.tag, seg.index)),
                    lambda claim: None, lambda event: None)
    read.tracker.run(read.reader, None)
    read.tracker.finish()
    assert read.sets == [(3, "0001")]
    assert problems == [("X104", "XX", 25), ("X030", "GE", 26)]  # builder, then envelope
