"""The built-in 837P implementation-guide pass (I1xx, edi_lint/igcheck.py), on by default.

Each miss of issue 17 gets a case with its exact code, segment and 999 data; the agreement
tests hold the pass to pyx12's verdict on the corpus and on generated mutations (the few
cases where pyx12 is wrong are listed in docs/ig.md and named here).
"""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from edi_lint import igcheck, igmap
from edi_lint.testing import x12build as xb
from igagree import BASE, canonical, fast_errors, join, mutations, pyx12_errors
from structhelp import CORPUS, FIXTURES, lint, where


def ig(text, **kw):
    return [f for f in lint(text, select=("I1",), **kw).findings]


def one(text, **kw):
    found = ig(text, **kw)
    assert len(found) == 1, [(f.rule, f.segment_index, f.message) for f in found]
    return found[0]


def test_built_claims_are_clean():
    assert ig(BASE) == []


@pytest.mark.parametrize("path", sorted((FIXTURES / "837").glob("*.x12")), ids=lambda p: p.name)
def test_the_project_fixtures_are_clean(path):
    assert [(f.rule, f.segment_index) for f in ig(path.read_bytes())] == []


def test_missing_st03():
    f = one(BASE.replace("ST*837*0001*005010X222A1~", "ST*837*0001~"))
    assert (f.rule, f.segment_id, f.segment_index) == ("I110", "ST", 3)
    assert f.data == {"ik304": "8", "ik403": "1", "element": "ST03", "element_position": 3,
                      "data_element": "1705"}


def test_subscriber_name_missing_in_one_subscriber_only():
    # the second subscriber's 2010BA NM1*IL (and its N3, N4, DMG) left out
    text = BASE.replace("NM1*IL*1*DOE*JANE****MI*M2~N3*1 SAMPLE WAY~N4*SANTA ROSA*CA*95401~"
                        "DMG*D8*19800101*U~", "")
    found = ig(text)
    idx = where(text, "NM1*PR", 3)[0]  # the second subscriber's payer name
    assert [(f.rule, f.segment_index, f.loop) for f in found][0] == ("I104", idx, "2000B")
    assert "2010BA" in found[0].message
    assert found[0].data == {"ik304": "3", "missing_segment": "NM1"}  # 2010BA's first
    assert {f.rule for f in found} == {"I104"}


def test_other_payer_name_missing_under_one_2320():
    text = BASE.replace("NM1*PR*2*KAISER FOUNDATION HEALTH PLAN*****PI*94134~", "")
    f = one(text)
    assert (f.rule, f.segment_index) == ("I104", where(text, "LX*1")[0])
    assert "2330B" in f.message


@pytest.mark.parametrize("drop, before, missing", [
    ("N3*100 MAIN ST~", "N4*SANTA ROSA*CA*954010000", "N3"),
    ("PER*IC*BILLING OFFICE*TE*7075550100~", "NM1*40", "PER"),
    ("N4*SANTA ROSA*CA*954010000~", "REF*EI", "N4"),
    ("HI*ABK:Z029~", "SBR*P*18", "HI"),
])
def test_required_segment_missing(drop, before, missing):
    text = BASE.replace(drop, "", 1)
    f = one(text)
    assert (f.rule, f.segment_index) == ("I103", where(text, before)[0])
    assert f"required segment {missing} " in f.message
    assert f.data == {"ik304": "3", "missing_segment": missing}


def test_ref_ei_twice():
    text = BASE.replace("REF*EI*123456789~", "REF*EI*123456789~REF*EI*123456789~")
    f = one(text)
    assert (f.rule, f.segment_index, f.loop) == ("I106", where(text, "REF*EI", 2)[0], "2010AA")
    assert f.data == {"ik304": "5"}


def test_billing_provider_name_twice():
    nm1 = "NM1*85*2*SAMPLE COMMUNITY CARE PARTNERS*****XX*1234567893~"
    text = BASE.replace(nm1, nm1 + "N3*100 MAIN ST~N4*SANTA ROSA*CA*954010000~" + nm1)
    found = [(f.rule, f.segment_index) for f in ig(text)]
    assert ("I105", where(text, "NM1*85", 2)[0]) in found


def test_dtp_472_at_the_claim_level():
    text = BASE.replace("HI*ABK:Z029~SBR*P", "HI*ABK:Z029~DTP*472*D8*20250603~SBR*P")
    f = one(text)
    assert (f.rule, f.segment_index, f.loop) == ("I101", where(text, "DTP*472")[0], "2300")
    assert f.data == {"ik304": "1"}


def test_segments_out_of_order():
    text = BASE.replace("N3*100 MAIN ST~N4*SANTA ROSA*CA*954010000~",
                        "N4*SANTA ROSA*CA*954010000~N3*100 MAIN ST~")
    found = [(f.rule, f.segment_index) for f in ig(text)]
    assert ("I101", where(text, "N3*100")[0]) in found


@pytest.mark.parametrize("old, new, needle, element", [
    ("HL*1**20*1~", "HL*1**20*1~PRV*BI*ZZ*207Q00000X~", "PRV*BI", "PRV02"),
    ("HI*ABK:Z029~", "PWK*OZ*AD~HI*ABK:Z029~", "PWK*OZ", "PWK02"),
    ("DTP*472*D8*20250603~", "DTP*472*RD9*20250603~", "DTP*472", "DTP02"),
])
def test_invalid_code(old, new, needle, element):
    text = BASE.replace(old, new, 1)
    f = one(text)
    assert (f.rule, f.segment_index, f.data["element"], f.data["ik403"]) == (
        "I117", where(text, needle)[0], element, "7")


def test_an_id_in_nm108_is_an_invalid_code_not_shown_without_show_phi():
    text = BASE.replace("NM1*IL*1*DOE*JANE****MI*MBR0001~", "NM1*IL*1*DOE*JANE****MBR0001*M~", 1)
    idx = where(text, "NM1*IL")[0]
    found = sorted((f.rule, f.segment_index, f.data["element"]) for f in ig(text))
    assert found == [("I114", idx, "NM109"), ("I115", idx, "NM108"), ("I117", idx, "NM108")]
    assert not any("MBR0001" in f.message for f in ig(text))
    assert any("MBR0001" in f.message for f in ig(text, show_phi=True))


def test_component_reference_and_position():
    text = BASE.replace("SV1*HC:99213*", "SV1*HC:*", 1)
    f = one(text)
    assert (f.rule, f.segment_index, f.loop) == ("I110", where(text, "SV1*HC:*")[0], "2400")
    assert f.data == {"ik304": "8", "ik403": "1", "element": "SV101-2", "element_position": 1,
                      "component_position": 2, "data_element": "234"}
    assert f.claim_id == "C1"


def test_syntax_rule_paired():
    text = BASE.replace("NM1*85*2*SAMPLE COMMUNITY CARE PARTNERS*****XX*1234567893~",
                        "NM1*85*2*SAMPLE COMMUNITY CARE PARTNERS*****XX~")
    rules = sorted((f.rule, f.segment_index) for f in ig(text))
    idx = where(text, "NM1*85")[0]
    assert ("I120", idx) in rules


def test_bad_length_type_and_date():
    text = BASE.replace("LX*1~SV1*HC:99213*100.00", "LX*1234567~SV1*HC:99213*1O0.00", 1)
    text = text.replace("DTP*472*D8*20250603~", "DTP*472*D8*20250631~", 1)
    found = sorted((f.rule, f.segment_id) for f in ig(text))
    assert found == [("I115", "LX"), ("I116", "SV1"), ("I118", "DTP")]


def test_invalid_time():
    text = BASE.replace("*20250701*1200*CH~", "*20250701*2561*CH~", 1)
    f = one(text)
    assert (f.rule, f.segment_index, f.data["element"], f.data["ik403"]) == (
        "I119", where(text, "BHT")[0], "BHT05", "9")


def test_trailing_separator_and_empty_segment():
    text = BASE.replace("XX*1234567893~", "XX*1234567893*~", 1)
    f = one(text)
    assert (f.rule, f.segment_index) == ("I107", where(text, "NM1*85")[0])
    text = BASE.replace("N3*100 MAIN ST~", "N3*~", 1)
    found = sorted((f.rule, f.segment_index) for f in ig(text))
    idx = where(text, "N3*")[0]
    assert found == [("I107", idx), ("I108", idx), ("I110", idx)]


def test_patient_id_allowed_by_the_profile_only():
    text = xb.build_837([xb.Claim("C1", [xb.Line("99213", charge="100.00")],
                                  patient="DEP1")])
    assert ig(text) == []  # the default profile allows 2010CA NM108/NM109 (billing-rules §1)
    strict = [(f.rule, f.data["element"]) for f in ig(text, profile=str(_strict_profile()))]
    assert strict == [("I111", "NM108"), ("I111", "NM109")]


def _strict_profile():
    from importlib import resources
    text = resources.files("edi_lint.profiles").joinpath("default.toml").read_text("utf-8")
    path = Path(os.environ.get("TMPDIR", "/tmp")) / f"strict-ig-{os.getpid()}.toml"
    path.write_text(text.replace('ig_not_used_allowed = ["2010CA NM108", "2010CA NM109"]', ""),
                    encoding="utf-8")
    return path


def test_old_checks_keep_their_code_where_they_overlap():
    # X101 (required element) reports NM101 missing; I110 at the same segment is dropped
    text = BASE.replace("NM1*40*2*", "NM1**2*", 1)
    found = [(f.rule, f.segment_index) for f in lint(text).findings
             if f.segment_index == where(text, "NM1**2")[0]]
    assert ("X101", where(text, "NM1**2")[0]) in found
    assert not any(rule == "I110" for rule, _ in found)


def test_no_ig_and_pyx12_modes():
    text = BASE.replace("HL*1**20*1~", "HL*1**20*1~PRV*BI*ZZ*207Q00000X~", 1)
    assert [f.rule for f in lint(text, ig="off").findings if f.rule.startswith("I")] == []
    assert "X201" in [f.rule for f in lint(text, ig="pyx12").findings]
    assert not [f for f in lint(text, ig="pyx12").findings if f.rule.startswith("I1")]


def test_cli_no_ig(tmp_path):
    path = tmp_path / "c.x12"
    path.write_text(BASE.replace("ST*837*0001*005010X222A1~", "ST*837*0001~"))
    run = [sys.executable, "-m", "edi_lint", "check", "--select", "I1"]
    on = subprocess.run(run + [str(path)], capture_output=True, text=True)
    off = subprocess.run(run + ["--no-ig", str(path)], capture_output=True, text=True)
    assert on.returncode == 1 and " I110 " in on.stdout
    assert off.returncode == 0 and " I110 " not in off.stdout
    both = subprocess.run(run + ["--no-ig", "--ig=pyx12", str(path)], capture_output=True,
                          text=True)
    assert both.returncode == 2 and both.stderr.count("\n") == 1


def test_without_pyx12_one_warning(monkeypatch):
    def unavailable():
        raise igmap.MapUnavailable("pyx12 is not installed")
    monkeypatch.setattr(igcheck, "get_map", unavailable)
    text = BASE + BASE.replace("000000001", "000000002")
    found = [(f.rule, f.severity, f.segment_index) for f in lint(text).findings
             if f.rule.startswith("I")]
    assert found == [("I100", "warning", 3)]


def test_preload_loads_the_map_and_leaves_a_missing_one_to_the_pass(monkeypatch):
    from edi_lint import igwalk
    monkeypatch.setattr(igwalk, "_MAP", None)
    igcheck.preload_map()  # what -j does before it forks its workers
    assert igwalk._MAP is not None

    def unavailable():
        raise igmap.MapUnavailable("pyx12 is not installed")
    monkeypatch.setattr(igcheck, "get_map", unavailable)
    igcheck.preload_map()  # no error here: the pass reports I100 where it meets an 837P
    found = [(f.rule, f.segment_index) for f in lint(BASE).findings if f.rule.startswith("I")]
    assert found == [("I100", 3)]


def test_a_broken_or_unwritable_cache_never_fails(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.setattr(igmap, "_TABLES", None)
    tables = igmap.load_tables()
    [cached] = list((tmp_path / "edi-lint").iterdir())
    assert cached.name.startswith(f"ig837-{igmap.FORMAT}-")
    cached.write_bytes(b"not a pickle")
    monkeypatch.setattr(igmap, "_TABLES", None)
    assert igmap.load_tables()["root"] == tables["root"]  # compiled again, cache rewritten
    blocked = tmp_path / "blocked"
    blocked.write_text("a file where the cache folder would be")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocked))
    monkeypatch.setattr(igmap, "_TABLES", None)
    assert igmap.load_tables()["root"] == tables["root"]  # kept in memory only


# --------------------------------------------------------------------------- agreement

# Differences with pyx12 that docs/ig.md explains (pyx12 is wrong there):
# - "comp": a component added past the composite's last: pyx12 raises IndexError.
# - reader problems (I107/I108) of a segment pyx12 cannot place: pyx12 files them under
#   the next segment it places.
PYX12_CRASHES = ("comp",)


def _agree(text):
    p = pyx12_errors(text)
    f = fast_errors(text)
    # ST03 is required by the guide, situational in pyx12's map (igwalk.CORRECTIONS)
    segs = [s.strip() for s in text.replace("\r", "\n").split("\n") if s.strip()]
    if len(segs) < 5:
        segs = text.split(text[105])
    for pos, s in enumerate(segs, 1):
        if s.startswith("ST") and len(s.rstrip(s[-1]).split(s[2])) < 4:
            f.discard((pos, "ele", "1"))
    unplaced = {pos for pos, level, code in f if (level, code) == ("seg", "1")}
    moved = set()
    for pos, level, code in f:  # pyx12's position for reader problems of unplaced segments
        if code in ("SEG1", "8") and level == "seg" and pos in unplaced:
            moved.add((pos + 1, level, code))
        else:
            moved.add((pos, level, code))
    return p, moved


def _documents():
    if not CORPUS.joinpath("837p").is_dir():
        return []
    return sorted(CORPUS.joinpath("837p").glob("*.x12"))


@pytest.mark.parametrize("path", _documents(), ids=lambda p: p.name)
def test_agreement_on_the_corpus(path):
    found = canonical(path.read_bytes())
    if found is None:
        pytest.skip("the reader reports this file's layout: pyx12 cannot read it as is")
    texts, d = found
    e = d.element  # pyx12 has one 837P map, X222A1 (as the --ig pass hands it every 837P)
    texts = [t if not t.startswith("GS" + e) else e.join(t.split(e)[:8] + ["005010X222A1"])
             for t in texts]
    p, f = _agree(join(texts, d))
    assert p == f


def test_agreement_on_implementation_guide_mutations():
    documents = [canonical(BASE.encode())]
    for name in ("cob_kaiser_dsnp.x12", "replacement_void.x12"):
        documents.append(canonical((FIXTURES / "837" / name).read_bytes()))
    checked, kinds, differ = 0, set(), []
    for n, (texts, d) in enumerate(documents):
        for name, new in mutations(texts, d, seed=n)[: 400 if n == 0 else 150]:
            kind = name.split("-")[0]
            text = join(new, d)
            try:
                p, f = _agree(text)
            except IndexError:
                assert kind in PYX12_CRASHES, name
                continue
            checked += 1
            kinds.add(kind)
            if p != f:
                differ.append((n, name, sorted(p - f), sorted(f - p)))
    assert differ == []
    assert checked >= 300
    assert {"drop", "repeat", "swap", "move", "code", "long", "short", "type", "empty",
            "extra"} <= kinds
