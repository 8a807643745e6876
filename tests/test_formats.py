"""The CI formats (sarif, junit, github, html) and --output, through the real CLI."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from lxml import etree
from lxml import html as lxml_html

from edi_lint.cli import main
from edi_lint.report.github_format import escape_data, escape_property
from edi_lint.report.html_format import mask_segment

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE / "data" / "plugin_pkg"))
from edi_lint_example_plugin.testing import PHI, registered, write_batch  # noqa: E402

SCHEMA = HERE / "data" / "sarif-schema-2.1.0.json"
SELECT = ["--select", "ZX,X025"]


@pytest.fixture
def batch(tmp_path, monkeypatch):
    """The example batch in a temp working directory, with the example rules registered."""
    write_batch(tmp_path)
    monkeypatch.chdir(tmp_path)
    with registered():
        yield tmp_path


def run(*args):
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result


def check(*args):
    return run("check", *SELECT, *args)


# -- SARIF -----------------------------------------------------------------------

def test_sarif_validates_against_the_oasis_schema(batch):
    jsonschema = pytest.importorskip("jsonschema")
    result = check("--format", "sarif", "claims", "tars")
    assert result.exit_code == 1, result.output
    doc = json.loads(result.stdout)
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft7Validator(schema).validate(doc)
    assert doc["version"] == "2.1.0"


def test_sarif_driver_lists_every_rule_with_descriptions(batch):
    from edi_lint.rules.registry import all_rules
    doc = json.loads(check("--format", "sarif", "claims").stdout)
    driver = doc["runs"][0]["tool"]["driver"]
    assert driver["name"] == "edi-lint"
    import edi_lint
    assert driver["version"] == edi_lint.__version__
    rules = {r["id"]: r for r in driver["rules"]}
    assert sorted(rules) == sorted(r.code for r in all_rules())
    zx1 = rules["ZX001"]
    assert zx1["shortDescription"]["text"] == "A claim over $1,000.00 is reviewed by hand."
    assert zx1["fullDescription"]["text"].startswith("What it does: compares CLM02")
    assert "Example that fails" in zx1["help"]["text"]
    assert zx1["defaultConfiguration"]["level"] == "warning"
    assert rules["ZX002"]["defaultConfiguration"]["level"] == "note"
    assert rules["X025"]["defaultConfiguration"]["level"] == "error"


def test_sarif_results_levels_locations_and_tip(batch):
    doc = json.loads(check("--format", "sarif", "claims", "tars").stdout)
    run_ = doc["runs"][0]
    results = run_["results"]
    by_rule = {}
    for r in results:
        by_rule.setdefault(r["ruleId"], []).append(r)
    big = by_rule["ZX001"][0]
    assert big["level"] == "warning"
    assert big["message"]["text"] == "claim C1 totals $1,200.00, over $1,000.00"
    loc = big["locations"][0]["physicalLocation"]
    assert loc["artifactLocation"] == {"uri": "claims/june.x12", "uriBaseId": "%SRCROOT%"}
    assert loc["region"] == {"startLine": 20, "startColumn": 1}
    assert big["properties"]["tip"] == "ZX-01"
    assert big["properties"]["claimId"] == "C1"
    assert run_["tool"]["driver"]["rules"][big["ruleIndex"]]["id"] == "ZX001"
    assert [r["level"] for r in by_rule["ZX002"]] == ["note", "note"]
    assert "tip" not in by_rule["ZX002"][0]["properties"]
    se = by_rule["X025"][0]
    assert se["level"] == "error"
    assert se["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "claims/broken.837"
    tar = by_rule["ZX004"][0]
    assert tar["properties"]["trace"] == "TRN0001"
    assert tar["locations"][0]["physicalLocation"]["region"]["startLine"] == 13


def test_sarif_uri_inside_the_working_directory_is_relative_outside_a_file_uri(batch, monkeypatch):
    """Under the cwd: relative to %SRCROOT% (the cwd, in originalUriBaseIds); elsewhere, given
    absolute or with '..': an absolute file:// URI, never '../../..'."""
    jsonschema = pytest.importorskip("jsonschema")
    absolute = str(batch / "claims" / "june.x12")
    monkeypatch.chdir(batch / "claims")
    doc = json.loads(check("--format", "sarif", absolute, "./broken.837", "../tars/./request.278",
                           str(batch / "tars" / "request.278")).stdout)
    run_ = doc["runs"][0]
    locations = {json.dumps(r["locations"][0]["physicalLocation"]["artifactLocation"],
                            sort_keys=True) for r in run_["results"]}
    assert {json.loads(loc)["uri"]: json.loads(loc).get("uriBaseId") for loc in locations} == {
        "june.x12": "%SRCROOT%", "broken.837": "%SRCROOT%",
        (batch / "tars" / "request.278").as_uri(): None}
    assert (batch / "tars" / "request.278").as_uri().startswith("file:///")
    assert run_["originalUriBaseIds"] == {"%SRCROOT%": {"uri": Path.cwd().as_uri() + "/"}}
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft7Validator(schema).validate(doc)


def test_sarif_fingerprints_survive_edits_elsewhere(batch):
    first = json.loads(check("--format", "sarif", "claims/june.x12").stdout)
    text = (batch / "claims" / "june.x12").read_text()
    # two blank lines after the ISA: every line number below moves
    (batch / "claims" / "june.x12").write_text(text.replace("~\n", "~\n\n\n", 1), newline="")
    second = json.loads(check("--format", "sarif", "claims/june.x12").stdout)

    def prints(doc):
        return [(r["ruleId"], r["partialFingerprints"]["ediLintBaselineKey/v1"],
                 r["locations"][0]["physicalLocation"]["region"]["startLine"])
                for r in doc["runs"][0]["results"]]
    a, b = prints(first), prints(second)
    assert [x[:2] for x in a] == [x[:2] for x in b]
    assert all(y[2] == x[2] + 2 for x, y in zip(a, b))


# -- JUnit -----------------------------------------------------------------------

def test_junit_one_suite_per_file_one_case_per_claim_or_tar(batch):
    result = check("--format", "junit", "claims", "tars")
    assert result.exit_code == 1
    root = etree.fromstring(result.stdout.encode("utf-8"))
    assert root.tag == "testsuites"
    suites = root.findall("testsuite")
    assert [s.get("name") for s in suites] == ["claims/broken.837", "claims/june.x12",
                                               "tars/request.278"]
    cases = {s.get("name"): [(c.get("name"), [f.get("type") for f in c.findall("failure")])
                             for c in s.findall("testcase")] for s in suites}
    assert cases["claims/broken.837"] == [("claims/broken.837", ["ZX-03", "ZX-03", "X025"])]
    assert cases["claims/june.x12"] == [("claims/june.x12", ["ZX-03", "ZX-03"]),
                                        ("claim C1", []), ("claim C2", [])]
    assert cases["tars/request.278"] == [("tars/request.278", ["ZX-03"]),
                                         ("TAR TRN0001", ["ZX-04"])]
    june = suites[1]
    assert (june.get("tests"), june.get("failures"), june.get("errors")) == ("3", "1", "0")
    assert root.get("tests") == "6" and root.get("failures") == "4"
    c1 = june.findall("testcase")[1]
    assert "warning: claims/june.x12:20:1: ZX001 [ZX-01] claim C1" in c1.findtext("system-out")
    failure = suites[0].findall("testcase")[0].findall("failure")[2]
    assert failure.get("message") == "X025 SE01 says '99' segments; the transaction set has 24"
    assert failure.text.startswith("claims/broken.837:26:1: X025 ")


def test_junit_clean_file_is_one_passing_case(batch):
    root = etree.fromstring(run("check", "--select", "X025", "--format", "junit",
                                "claims/june.x12").stdout.encode())
    suite = root.find("testsuite")
    assert suite.get("tests") == "1" and suite.get("failures") == "0"
    assert suite.find("testcase").get("name") == "claims/june.x12"
    assert suite.find("testcase/failure") is None


def test_junit_control_characters_are_made_xml_safe():
    from edi_lint.report.junit_format import _clean
    assert _clean("a\x1db\x1fc\td") == "a\\x1db\\x1fc\td"
    etree.fromstring(f"<a>{_clean(chr(0x1c))}</a>".encode())


# -- GitHub ----------------------------------------------------------------------

def test_github_workflow_commands(batch):
    result = check("--format", "github", "claims/june.x12", "tars")
    lines = result.stdout.splitlines()
    assert lines[:3] == [
        "::error file=claims/june.x12,line=15,col=1,title=ZX003 ZX-03::NM1 segment of this member",
        "::error file=claims/june.x12,line=18,col=1,title=ZX003 ZX-03::DMG segment of this member",
        "::warning file=claims/june.x12,line=20,col=1,title=ZX001 ZX-01::"
        "claim C1 totals $1,200.00, over $1,000.00",
    ]
    assert lines[3] == ("::notice file=claims/june.x12,line=23,col=1,title=ZX002::"
                        "G9008-U1 is charged a round $1,200.00")
    assert "::error file=tars/request.278,line=13,col=1,title=ZX004 ZX-04::" \
           "TAR request has no PWK attachment" in lines
    assert lines[-1].startswith("4 errors, 1 warning, 2 info in 2 files")


def test_github_escapes_properties_and_data(batch):
    odd = batch / "a,b:c%.x12"
    odd.write_text((batch / "claims" / "broken.837").read_text(), newline="")
    out = run("check", "--select", "X025", "--format", "github", odd.name).stdout
    assert out.splitlines()[0] == ("::error file=a%2Cb%3Ac%25.x12,line=26,col=1,title=X025::"
                                   "SE01 says '99' segments; the transaction set has 24")
    assert escape_data("50% done\r\nnext: a,b") == "50%25 done%0D%0Anext: a,b"
    assert escape_property("x:y,z%\n") == "x%3Ay%2Cz%25%0A"


# -- HTML ------------------------------------------------------------------------

def _page(text):
    return lxml_html.document_fromstring(text)


def test_html_is_one_self_contained_page(batch):
    result = check("--format", "html", "claims", "tars")
    assert result.exit_code == 1
    text = result.stdout
    assert text.startswith("<!DOCTYPE html>")
    doc = _page(text)
    assert doc.findall(".//script") == [] and doc.findall(".//link") == []
    assert doc.findall(".//img") == [] and doc.findall(".//iframe") == []
    for el in doc.iter():
        for attr in ("src", "href", "action", "data"):
            value = el.get(attr)
            assert value is None or value.startswith("#"), (el.tag, attr, value)
    assert "http://" not in text and "https://" not in text and "@import" not in text
    assert "url(" not in text
    assert doc.find(".//style") is not None


def test_html_totals_and_findings_by_file_and_claim(batch):
    doc = _page(check("--format", "html", "claims", "tars").stdout)
    cards = {c.text_content().strip().lstrip("0123456789"): c.find("span").text
             for c in doc.find_class("card")}
    assert cards == {"error": "7", "warning": "1", "info": "2"}
    tables = doc.findall(".//table")
    tips = {r[0].text_content(): [td.text_content() for td in r[2:]]
            for r in tables[0].findall("tr")[1:]}
    assert tips == {"ZX-03": ["5", "0", "0", "5"], "ZX002": ["0", "0", "2", "2"],
                    "X025": ["1", "0", "0", "1"], "ZX-01": ["0", "1", "0", "1"],
                    "ZX-04": ["1", "0", "0", "1"]}
    sections = doc.findall(".//section")
    assert [s.find("h2").text for s in sections] == ["claims/broken.837", "claims/june.x12",
                                                     "tars/request.278"]
    assert [h.text for h in sections[1].findall("h3")] == ["File and envelope", "Claim C1",
                                                          "Claim C2"]
    assert [h.text for h in sections[2].findall("h3")] == ["File and envelope", "TAR TRN0001"]
    segs = [c.text for c in sections[1].find_class("seg")]
    assert "SV1*HC:G9008:U1*1200.00*UN*1***1" in segs  # SV1 is shown in clear
    assert "NM1*IL*1*\u2022\u2022\u2022*\u2022\u2022\u2022****MI*\u2022\u2022\u2022" in segs
    assert "DMG*D8*\u2022\u2022\u2022*\u2022\u2022\u2022" in segs
    assert "--show-phi" in doc.text_content()


def test_html_sections_follow_the_files_table(batch):
    doc = _page(check("--format", "html", "tars", "claims/june.x12", "claims/broken.837").stdout)
    files = [r[0].text_content() for r in doc.findall(".//table")[1].findall("tr")[1:]]
    assert files == ["tars/request.278", "claims/june.x12", "claims/broken.837"]
    assert [s.find("h2").text for s in doc.findall(".//section")] == files
    assert [s.get("id") for s in doc.findall(".//section")] == ["file-0", "file-1", "file-2"]
    assert doc.findall(".//table")[1].findall("tr")[1][0].get("class") == "path"  # wraps


def test_html_one_clm01_in_two_transaction_sets_gets_two_headings(batch):
    from edi_lint.testing import x12build as xb
    claim = xb.Claim("C1", [xb.Line("G9008", ["U1"], charge="1200.00", g1=["ECM1"])])
    other = xb.Claim("C7", [xb.Line("G9008", ["U1"], charge="1200.00", g1=["ECM1"])])
    text = xb.interchange([[xb.transaction_837([claim, other], st_control="0001"),
                            xb.transaction_837([claim], st_control="0002")]])
    (batch / "claims" / "twice.x12").write_text(text, newline="")
    doc = _page(run("check", "--select", "ZX001", "--format", "html",
                    "claims/twice.x12").stdout)
    [section] = doc.findall(".//section")
    assert [h.text for h in section.findall("h3")] == [
        "Claim C1 (transaction set 0001)", "Claim C7", "Claim C1 (transaction set 0002)"]
    rows = [t.findall("tr")[1:] for t in section.findall("table")]
    assert [len(r) for r in rows] == [1, 1, 1]
    # the segment sits under the message, on one line (white-space: pre), not in a column
    cell = rows[0][0][4]
    assert cell.find("code").text.startswith("CLM*C1*1200")
    assert "white-space: pre" in doc.find(".//style").text
    # two interchanges, each with its ST 0001: the sets are told apart by their number
    again = xb.interchange([[xb.transaction_837([claim], st_control="0001")]], control="000000002")
    (batch / "claims" / "twice.x12").write_text(text + again, newline="")
    doc = _page(run("check", "--select", "ZX001", "--format", "html",
                    "claims/twice.x12").stdout)
    assert [h.text for h in doc.find(".//section").findall("h3")] == [
        "Claim C1 (transaction set 1 of the file)", "Claim C7",
        "Claim C1 (transaction set 0002)", "Claim C1 (transaction set 3 of the file)"]


def test_html_shows_provider_names_and_masks_members(batch):
    from edi_lint.testing import x12build as xb
    text = xb.build_837([xb.Claim("C1", [xb.Line("G9008", ["U1"], charge="1200.00",
                                                 g1=["ECM1"])], member="MBRZQ77",
                                  name=("ZEBRAFISH", "QUINTESSA"))])
    (batch / "claims" / "one.x12").write_text(text, newline="")
    assert mask_segment("NM1*82*1*RIVERA*ANA****XX*1234567893") == (
        "NM1*82*1*RIVERA*ANA****XX*1234567893", False)  # a rendering provider: in clear
    assert mask_segment("NM1*74*1*DOE*JANE")[0] == "NM1*74*1*•••*•••"
    html_text = run("check", "--select", "ZX003", "--format", "html", "claims/one.x12").stdout
    assert "ZEBRAFISH" not in html_text and "MBRZQ77" not in html_text
    assert "NM1*IL*1*\u2022\u2022\u2022*\u2022\u2022\u2022****MI*\u2022\u2022\u2022" in html_text


def test_html_show_phi_shows_segments(batch):
    text = check("--format", "html", "--show-phi", "claims").stdout
    assert "NM1*IL*1*ZEBRAFISH*QUINTESSA****MI*MBRZQ77" in text
    assert "DMG*D8*19800101*U" in text


def test_html_clean_batch(batch):
    result = run("check", "--select", "X025", "--format", "html", "tars")
    assert result.exit_code == 0
    doc = _page(result.stdout)
    assert "No findings." in doc.text_content()
    assert doc.find_class("clean")


@pytest.mark.parametrize("segment, shown", [
    ("NM1*IL*1*DOE*JANE****MI*MBR1", "NM1*IL*1*•••*•••****MI*•••"),
    ("NM1*QC*1*DOE*JAMIE", "NM1*QC*1*•••*•••"),
    ("NM1*85*2*CLINIC*****XX*1234567893", "NM1*85*2*CLINIC*****XX*1234567893"),
    ("NM1*82*1*RIVERA*ANA****XX*1234567893", "NM1*82*1*RIVERA*ANA****XX*1234567893"),
    ("NM1*PR*2*MEDI-CAL PLAN*****PI*55555", "NM1*PR*2*MEDI-CAL PLAN*****PI*55555"),
    ("N3*1 SAMPLE WAY", "N3*•••"),
    ("N4*SANTA ROSA*CA*95401", "N4*•••*•••*•••"),
    ("DMG*D8*19800101*F", "DMG*D8*•••*•••"),
    ("PER*IC*JANE DOE*TE*7075550100", "PER*IC*•••*TE*•••"),
    ("REF*1W*MBR1", "REF*1W*•••"),
    ("REF*SY*123456789", "REF*SY*•••"),
    ("REF*G1*ECM250601", "REF*G1*ECM250601"),
    ("REF*F8*PAYER123", "REF*F8*PAYER123"),
    ("SBR*P*18*GRP55*ACME GROUP****MC", "SBR*P*18*•••*•••****MC"),
    ("CLM*C1*400.00***11:B:1*Y*A*Y*Y", "CLM*C1*400.00***11:B:1*Y*A*Y*Y"),
    ("DTP*472*D8*20250603", "DTP*472*D8*20250603"),
    ("HL*2*1*22*0", "HL*2*1*22*0"),
    ("UM*HS*I", "UM*HS*I"),
    ("HCR*A1*AUTH1", "HCR*A1*AUTH1"),
    ("SE*23*0001", "SE*23*0001"),
    ("NTE*ADD*CALL JANE AT HOME", "NTE*ADD*•••"),
    ("QQQ*AB*SECRET", "QQQ*AB*•••"),
    ("NM1\x1dIL\x1d1\x1dDOE", "NM1\x1dIL\x1d1\x1d•••"),
    # an element missing shifts a name, id or birth date into a code's place: masked too
    ("NM1*IL*1*DOE*JANE***MI*MBR1", "NM1*IL*1*•••*•••***•••*•••"),
    ("NM1*IL*DOE*JANE", "NM1*IL*•••*•••"),
    ("DMG*19800101*F", "DMG*•••*•••"),
    ("QQQ*SECRET", "QQQ*•••"),
    # an id that is no id, or a segment that ran on into the next ones (lost terminator)
    ("N 3*1 SAMPLE WAY", "•••"),
    ("\x00DMG*D8*19800101*U", "•••"),
    ("GS*HC*SENDER*MEDICAL*2025070\nNM1*IL*1*POE*ALEX****MI*MBR3", "GS*HC*SENDER*MEDICAL*2025070•••"),
    ("REF*G1*ECM1~NM1*IL*1*DOE", "REF*G1*ECM1•••"),
    ("NM1*IL*1*DOE*JANE\r\nN3*1 MAIN", "NM1*IL*1*•••*••••••"),
])
def test_mask_segment(segment, shown):
    assert mask_segment(segment)[0] == shown
    assert mask_segment(segment, show_phi=True)[0] == segment


@pytest.mark.parametrize("segment, loop, shown", [
    # a member's NM1 with a provider's entity code: its loop, or its id qualifier, says whose
    ("NM1*85*1*DOE*JANE****MI*MBR1", "2000B", "NM1*85*1*•••*•••****MI*•••"),
    ("NM1*ZZ*1*DOE*JANE****MI*MBR1", "2010BA", "NM1*ZZ*1*•••*•••****MI*•••"),
    ("NM1*ZZ*1*DOE*JAMIE", "2000C", "NM1*ZZ*1*•••*•••"),
    ("NM1*ZZ*1*DOE*JAMIE", "2010CA", "NM1*ZZ*1*•••*•••"),
    ("NM1*1P*1*DOE*JANE****MI*MBR1", "2010C", "NM1*1P*1*•••*•••****MI*•••"),
    ("NM1*ZZ*1*DOE*JAMIE****MI*DEP1", "2010D", "NM1*ZZ*1*•••*•••****MI*•••"),
    ("NM1*85*1*DOE*JANE****MI*MBR1", None, "NM1*85*1*•••*•••****MI*•••"),
    ("NM1*82*1*RIVERA*ANA****34*123456789", "2310B", "NM1*82*1*•••*•••****34*•••"),
    # providers stay in clear in their own loops
    ("NM1*85*2*CLINIC*****XX*1234567893", "2010AA", "NM1*85*2*CLINIC*****XX*1234567893"),
    ("NM1*PR*2*MEDI-CAL PLAN*****PI*55555", "2010BB", "NM1*PR*2*MEDI-CAL PLAN*****PI*55555"),
])
def test_mask_segment_member_loops(segment, loop, shown):
    assert mask_segment(segment, loop=loop)[0] == shown


def test_html_masks_a_member_nm1_with_a_provider_entity_code(batch):
    from edi_lint.testing import x12build as xb
    text = xb.build_837([xb.Claim("C1", [xb.Line("G9008", ["U1"], charge="1200.00",
                                                 g1=["ECM1"])], member="MBRZQ77",
                                  name=("ZEBRAFISH", "QUINTESSA"), patient="PATQ88",
                                  patient_name=("YAKFISH", "XENA"))])
    for old, new in (("NM1*IL*1*ZEBRAFISH", "NM1*85*1*ZEBRAFISH"),
                     ("NM1*QC*1*YAKFISH", "NM1*ZZ*1*YAKFISH")):
        (batch / "claims" / "one.x12").write_text(text.replace(old, new), newline="")
        html_text = run("check", "--format", "html", "claims/one.x12").stdout
        assert "NM1*" + new[4:6] + "*1*\u2022\u2022\u2022" in html_text
        for phi in ("ZEBRAFISH", "QUINTESSA", "MBRZQ77", "YAKFISH", "XENA", "PATQ88"):
            assert phi not in html_text, (new, phi)


# -- every format: --output, no PHI ------------------------------------------------

FORMATS = ["text", "json", "sarif", "junit", "github", "html"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_output_writes_the_report_to_a_file(batch, fmt):
    out = batch / "report" / f"report.{fmt}"
    out.parent.mkdir()
    result = check("--format", fmt, "--output", str(out), "claims", "tars")
    assert result.exit_code == 1
    assert result.stdout == ""
    written = out.read_text(encoding="utf-8")
    assert written == check("--format", fmt, "claims", "tars").stdout
    assert "ZX001" in written


def test_output_to_an_unwritable_place_is_exit_2(batch):
    result = check("--format", "sarif", "--output", str(batch / "nodir" / "x.sarif"), "claims")
    assert result.exit_code == 2
    assert "cannot write" in result.stderr


@pytest.mark.parametrize("fmt", FORMATS)
def test_no_phi_in_any_format(batch, fmt):
    out = run("check", "--format", fmt, "claims", "tars").stdout  # every rule, built-in too
    out += check("--format", fmt, "claims", "tars").stdout
    for value in PHI:
        assert value not in out, (fmt, value)


@pytest.mark.parametrize("fmt", FORMATS)
def test_formats_are_deterministic(batch, fmt):
    first = check("--format", fmt, "claims", "tars").stdout
    assert first == check("--format", fmt, "claims", "tars").stdout


def test_unknown_format_is_exit_2(batch):
    result = check("--format", "yaml", "claims")
    assert result.exit_code == 2
    assert "yaml" in result.stderr


def test_sarif_paths_of_stdin(batch):
    data = (batch / "claims" / "broken.837").read_bytes()
    result = CliRunner().invoke(main, ["check", "--select", "X025", "--format", "sarif", "-"],
                                input=data)
    doc = json.loads(result.stdout)
    assert doc["runs"][0]["results"][0]["locations"][0]["physicalLocation"][
        "artifactLocation"]["uri"] == "stdin"

