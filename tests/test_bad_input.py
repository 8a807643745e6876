"""Bad input never escapes as a traceback, and every finding points inside the file.

A hypothesis fuzz (random bytes, and random edits of a valid file) and deterministic
mutations of corpus files, fixtures and built files (flipped bytes, truncation, dropped
and duplicated slices, shuffled segments, swapped delimiters, garbage, a 2 MB element,
NUL and non-UTF-8 bytes, empty segments) go through the in-process engine; a sample of
them goes through the real CLI (exit 0 or 1, valid JSON, nothing on stderr). Named
cases each get their named finding at the right position.
"""
from __future__ import annotations

import io
import json
import random
import subprocess
import sys

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from edi_lint.engine import Linter, Options
from edi_lint.profiles import load_profile
from edi_lint.testing import x12build as xb
from structhelp import CORPUS, FIXTURES, where

PROFILE = load_profile(None)
CLAIMS = [xb.Claim("C1", [xb.Line("G9008", ["U1"], charge="400.00"),
                          xb.Line("99213", ["25"], charge="100.00")], member="M1"),
          xb.Claim("C2", [xb.Line("H0043", ["U6"], charge="75.00")], member="M2", patient="P2")]
VALID = xb.build_837(CLAIMS).encode("latin-1")
TAR = xb.build_278_request(member="M1", lines=[xb.TarLine("G9008", ["U1"])]).encode("latin-1")


def check(data: bytes, **options) -> dict:
    """Lint ``data`` in-process; assert the invariants; return the JSON contract."""
    linter = Linter(Options(**options), profile=PROFILE)
    linter.lint_stream(io.BytesIO(data), "f.x12", 0)
    result = linter.finish()
    doc = json.loads(json.dumps(result.as_dict()))
    lines = data.count(b"\n") + data.count(b"\r") + 1
    for f in result.findings:
        where_ = (f.rule, f.line, f.col, f.segment_index, f.offset)
        assert 1 <= f.line <= lines, where_
        assert f.col >= 1 and f.segment_index >= 0, where_
        assert 0 <= f.offset <= len(data), where_
        assert f.severity in ("error", "warning", "info")
    return doc


def _segments(data: bytes, term: bytes = b"~") -> list[bytes]:
    return [s for s in data.split(term)]


def mutations(data: bytes, seed: int):
    """(name, mutated bytes) pairs, deterministic for a seed."""
    rng = random.Random(seed)
    n = len(data)
    for k in range(4):
        b = bytearray(data)
        for _ in range(1 + k * 3):
            i = rng.randrange(n)
            b[i] ^= rng.randrange(1, 256)
        yield f"flip{k}", bytes(b)
    for k in range(3):
        yield f"truncate{k}", data[:rng.randrange(n)]
    i, j = sorted(rng.sample(range(n), 2))
    yield "drop-slice", data[:i] + data[j:]
    yield "duplicate-slice", data[:j] + data[i:j] + data[j:]
    segs = _segments(data)
    body = segs[3:-4]
    rng.shuffle(body)
    yield "shuffle-segments", b"~".join(segs[:3] + body + segs[-4:])
    yield "swap-star-tilde", data.translate(bytes.maketrans(b"*~", b"~*"))
    yield "swap-star-colon", data.translate(bytes.maketrans(b"*:", b":*"))
    yield "garbage-front", bytes(rng.randrange(256) for _ in range(200)) + data
    yield "garbage-middle", data[:n // 2] + bytes(rng.randrange(256) for _ in range(300)) \
        + data[n // 2:]
    yield "nul-bytes", data.replace(b"*", b"*\x00", 5)
    yield "non-utf8", data.replace(b"N3*", b"N3*\xff\xfe\xc3(\x80", 3)
    yield "empty-segments", data.replace(b"~", b"~~~", 10)
    yield "only-terminators", b"~" * 500
    yield "isa-only", data[:106]
    yield "isa-cut", data[:50]


def _sources():
    out = [("built-837", VALID), ("built-278", TAR)]
    out += [(p.name, p.read_bytes()) for p in sorted(FIXTURES.glob("**/*.x12"))][:6]
    if CORPUS.exists():
        out += [(p.name, p.read_bytes()) for p in sorted(CORPUS.glob("*/*.x12"))
                if p.stat().st_size < 20_000]
    return out


SOURCES = _sources()


@pytest.mark.parametrize("name,data", SOURCES, ids=[s[0] for s in SOURCES])
def test_mutations_never_crash_and_stay_positioned(name, data):
    for seed in (1, 2):
        for what, mutated in mutations(data, seed):
            try:
                check(mutated)
            except AssertionError as exc:
                raise AssertionError(f"{name} / {what} / seed {seed}: {exc}") from None


def test_a_2mb_element():
    big = VALID.replace(b"NM1*IL*1*DOE", b"NM1*IL*1*" + b"A" * (2 << 20), 1)
    doc = check(big)
    assert doc["summary"]["claims"] == 2
    assert doc["findings"]  # too long for the guide, said somewhere, and read on


@settings(max_examples=150, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=3000))
def test_fuzz_random_bytes(data):
    check(data)
    check(b"ISA" + data)


@settings(max_examples=150, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.integers(0, len(VALID)), st.integers(0, 40),
                          st.binary(max_size=12)), min_size=1, max_size=6))
def test_fuzz_edits_of_a_valid_file(edits):
    data = VALID
    for at, cut, insert in edits:
        at = min(at, len(data))
        data = data[:at] + insert + data[at + cut:]
    check(data)


def test_ig_pass_on_mutations_never_crashes():
    for what, mutated in list(mutations(VALID, 3))[:10]:
        doc = check(mutated, ig=True)
        assert doc["files"][0]["path"] == "f.x12", what


# --------------------------------------------------------------------------- the real CLI

def _cli(data: bytes, tmp_path, *args):
    path = tmp_path / "bad.x12"
    path.write_bytes(data)
    out = subprocess.run([sys.executable, "-m", "edi_lint", "check", "--format", "json",
                          *args, str(path)], capture_output=True)
    assert out.returncode in (0, 1), out.stderr.decode(errors="replace")
    assert b"Traceback" not in out.stderr and out.stderr == b""
    return out.returncode, json.loads(out.stdout)


def test_cli_on_broken_inputs(tmp_path):
    samples = [b"", b"\xef\xbb\xbf", b"~~~~", b"ISA", b"hello\x00\xff", VALID[:300],
               VALID.replace(b"~", b"~~", 50), dict(mutations(VALID, 7))["garbage-middle"],
               dict(mutations(VALID, 7))["swap-star-tilde"]]
    for data in samples:
        code, doc = _cli(data, tmp_path)
        assert set(doc) == {"tool", "files", "findings", "summary"}
        assert code == (1 if doc["summary"]["error"] else 0)
    code, doc = _cli(VALID[:700], tmp_path, "--ig")
    assert code == 1


# --------------------------------------------------------------------------- named cases

def _only(doc, rule):
    return [(f["line"], f["segment_index"], f["segment_id"]) for f in doc["findings"]
            if f["rule"] == rule]


def test_named_empty_file():
    doc = check(b"")
    assert [(f["rule"], f["line"], f["segment_index"]) for f in doc["findings"]] == [
        ("X001", 1, 0)]


def test_named_text_before_the_isa():
    data = b"Batch of claims for June\nprinted by the clinic\n" + VALID
    doc = check(data)
    assert _only(doc, "X002") == [(1, 0, None)]
    assert doc["summary"]["claims"] == 2 and _only(doc, "X025") == []


def test_named_isa_of_the_wrong_length_is_read_leniently_and_said():
    isa = VALID.split(b"~", 1)[0]
    collapsed = isa.replace(b"          *", b" *").replace(b"SENDER         ", b"SENDER")
    data = collapsed + VALID[len(isa):]
    doc = check(data)
    [f] = [f for f in doc["findings"] if f["rule"] == "X003"]
    assert (f["line"], f["segment_index"], f["segment_id"]) == (1, 1, "ISA")
    assert "read leniently" in f["message"] and f"{len(collapsed) + 1} characters" in f["message"]
    assert doc["summary"]["claims"] == 2


def test_named_component_separator_the_body_does_not_use():
    data = xb.build_837(CLAIMS, delims=xb.Delims(component=">")).encode()
    data = data.replace(b">~\nGS", b":~\nGS", 1)
    doc = check(data)
    index, line, _ = where(data, "CLM")
    assert _only(doc, "X110") == [(line, index, "CLM")]


def test_named_truncation_in_the_middle_of_a_claim():
    data = VALID[:VALID.index(b"SV1*HC:99213")]
    doc = check(data)
    index, line, _ = where(data, "LX*2")
    assert _only(doc, "X030") == [(line, index, "LX")]
    assert doc["summary"]["claims"] == 1


def test_named_second_isa_inside_a_file():
    data = VALID[:VALID.index(b"SE*")] + VALID
    doc = check(data)
    index, line, _ = where(data, "ISA", 2)
    assert _only(doc, "X030") == [(line, index, "ISA")] * 3  # no SE, no GE, no IEA
    messages = sorted(f["message"] for f in doc["findings"] if f["rule"] == "X030")
    assert messages == ["functional group '1' ends without GE",
                        "interchange ends without IEA before the next ISA",
                        "transaction set '0001' ends without SE"]
    assert doc["summary"]["claims"] == 4


def test_named_windows_1252_bytes_in_names():
    data = VALID.replace(b"NM1*IL*1*DOE*JANE", b"NM1*IL*1*M\xdcLLER*REN\xc9E", 1)
    doc = check(data)
    index, line, _ = where(data, "NM1*IL")
    assert _only(doc, "X111") == [(line, index, "NM1")]
    [f] = [f for f in doc["findings"] if f["rule"] == "X111"]
    assert "0xDC" in f["message"] and "LLER" not in f["message"]


@pytest.mark.parametrize("old,new", [
    (b"SV1*HC:G9008:U1*400.00*UN*1*", b"SV1*HC:G9008:U1*1E400*UN*1*"),  # SV102 beyond a float
    (b"SV1*HC:G9008:U1*400.00*UN*1*", b"SV1*HC:G9008:U1*400.00*UN*1E400*"),  # SV104
    (b"SV1*HC:G9008:U1*400.00*UN*1*", b"SV1*HC:G9008:U1*400.00*UN*nan*"),
    (b"CLM*C1*500.00*", b"CLM*C1*1E400*"),
])
def test_named_numbers_a_float_cannot_hold_are_not_numbers(old, new):
    data = VALID.replace(old, new, 1)
    doc = check(data)
    segment = new.split(b"*", 1)[0].decode()
    index, line, _ = where(data, segment)
    assert _only(doc, "X102") == [(line, index, segment)]
    # an amount that is not a number is not priced (GEN-05): only VALID's own H0043 finding
    assert _only(doc, "B305") == _only(check(VALID), "B305")
    assert doc["summary"]["claims"] == 2


def test_named_digits_beyond_a_float_are_not_priced():
    digits = b"9" * 400  # a decimal to X12 (no X102), but no float holds it
    for old, new in ((b"*400.00*UN*1*", b"*" + digits + b"*UN*1*"),
                     (b"*400.00*UN*1*", b"*400.00*UN*" + digits + b"*")):
        doc = check(VALID.replace(old, new, 1))
        assert _only(doc, "X102") == []
        assert _only(doc, "B305") == _only(check(VALID), "B305")
        assert doc["summary"]["claims"] == 2


def test_named_278_amount_beyond_a_float():
    data = TAR.replace(b"SV1*HC:G9008:U1**UN*1", b"SV1*HC:G9008:U1*1E400*UN*1", 1)
    doc = check(data)
    index, line, _ = where(data, "SV1")
    assert _only(doc, "X102") == [(line, index, "SV1")]
    assert doc["summary"]["tar_requests"] == 1


def test_named_second_bht_keeps_the_first_purpose():
    # a second BHT saying "response" inside a request: the TAR stays a request
    data = TAR.replace(b"HL*5*4*SS*0~", b"BHT*0007*11*TRN0001*20250701*1200~HL*5*4*SS*0~", 1)
    doc = check(data)
    index, line, _ = where(data, "BHT", 2)
    assert _only(doc, "S020") == [(line, index, "BHT")]
    [f] = [f for f in doc["findings"] if f["rule"] == "S020"]
    assert "purpose stays the first BHT's (request)" in f["message"]
    assert (doc["summary"]["tar_requests"], doc["summary"]["tar_responses"]) == (1, 0)


def test_named_segment_with_another_element_separator_shows_none_of_its_data():
    # after the IEA and inside a claim, a segment whose "id" is its whole text: the
    # findings show its first 3 characters only (it holds a name and a member id)
    data = (VALID.replace(b"SV1*HC:99213", b"JANE DOE 19800101~SV1*HC:99213", 1)
            + b"NM1|IL|1|DOE|JANE||||MI|MBR000101~")
    doc = check(data)
    index, line, _ = where(data, "NM1|IL")
    assert _only(doc, "X011") == [(line, index, "NM1...")]
    index, line, _ = where(data, "JANE DOE")
    assert _only(doc, "X104") == [(line, index, "JAN...")]
    text = json.dumps(doc)
    assert "DOE" not in text and "MBR000101" not in text and "19800101" not in text


def test_named_bad_birth_date_stays_out_of_the_message():
    data = VALID.replace(b"DMG*D8*19800101", b"DMG*D8*19800231", 1)
    index, line, _ = where(data, "DMG")
    for show_phi, shown in ((False, False), (True, True)):
        doc = check(data, show_phi=show_phi)
        assert _only(doc, "X504") == [(line, index, "DMG")]
        [f] = [f for f in doc["findings"] if f["rule"] == "X504"]
        assert ("19800231" in f["message"]) is shown, f["message"]


def test_named_value_that_runs_on_into_the_next_segment_is_cut():
    # ST lost its terminator: ST03 runs on past the line break into the next segment
    data = VALID.replace(b"ST*837*0001*005010X222A1~\n",
                         b"ST*837*0001*0050\nNM1*IL*1*DOE*JANE****MI*MBR9~\n", 1)
    doc = check(data)
    index, line, _ = where(data, "ST")
    assert _only(doc, "X040") == [(line, index, "ST")] and _only(doc, "X042") == [(line, index, "ST")]
    messages = {f["rule"]: f["message"] for f in doc["findings"]}
    assert messages["X040"] == ("transaction set 837 0050... is not an 837P or 278 5010"
                                " transaction; not checked")
    assert messages["X042"] == ("ST03 '0050...' differs from GS08 '005010X222A1'; read as"
                                " 0050...")


def test_without_spill_cuts_quoted_values_at_another_segment_only():
    from edi_lint.findings import without_spill
    assert without_spill("ST03 '0050\\nNM1*IL*1*DOE' differs") == "ST03 '0050...' differs"
    assert without_spill("REF02 'ECM1~NM1*IL*1*DOE' is") == "REF02 'ECM1...' is"
    assert without_spill('CLM01 "O\'NEIL\\r\\nNM1*IL" is') == 'CLM01 "O\'NEIL..." is'
    for kept in ("terminator '~' is used", "value 'A\\x1dB' is", "SE01 '5\\n' says", "plain"):
        assert without_spill(kept) == kept
