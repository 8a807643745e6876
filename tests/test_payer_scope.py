"""The payer scope: the billing rules govern the claims and TARs of some payers only
(``--payer``, config ``payers``, the profile's ``[[scope]]``); B001 when a file has none."""
from __future__ import annotations

import pytest



# --------------------------------------------------------------------------- helpers

import json  # noqa: E402
from datetime import date  # noqa: E402
from pathlib import Path  # noqa: E402

from click.testing import CliRunner  # noqa: E402

from edi_lint import parallel  # noqa: E402
from edi_lint.cli import main  # noqa: E402
from edi_lint.engine import Options, lint  # noqa: E402
from edi_lint.profiles import ProfileError, load_profile  # noqa: E402
from edi_lint.profiles import loader  # noqa: E402
from edi_lint.testing.x12build import Claim, Line, build_278_request, build_837  # noqa: E402

KEY = {"payer_name": "KEY INSURANCE COMPANY", "payer_id": "999996666", "filing_code": "CI"}
PLAN = {"payer_name": "PARTNERSHIP HEALTHPLAN OF CALIFORNIA"}
DEFAULT_TOML = (Path(loader.__file__).parent / "default.toml").read_text(encoding="utf-8")


def _claims(prefix="K", n=2, charge=None):
    return [Claim(f"{prefix}{i}", [Line("T1019", [], charge="33.00", units="4", dos="20250603")],
                  charge=charge) for i in range(1, n + 1)]


def _file(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8", newline="")
    return str(path)


def _profile(tmp_path, extra):
    """The default profile with ``extra`` TOML: ``[[scope]]`` tables at the end, a top-level
    ``scope = ...`` key at the start (before the first table)."""
    path = tmp_path / "profile.toml"
    text = extra + DEFAULT_TOML if extra.startswith("scope =") else DEFAULT_TOML + "\n" + extra
    path.write_text(text, encoding="utf-8")
    return str(path)


# --------------------------------------------------------------------------- engine

def test_b001_sits_on_the_2010bb_payer_nm1_and_structure_still_applies(tmp_path):
    # K1's CLM02 is not the sum of its lines: X301 (structural) stays
    path = _file(tmp_path, "key.x12", build_837(_claims(charge="1.00"), **KEY))
    result = lint([path], Options(payers=("PARTNERSHIP HEALTH",)))
    assert [(f.rule, f.claim_id, f.segment_id, f.segment_index, f.line, f.loop, f.severity)
            for f in result.findings] == [
        ("B001", None, "NM1", 19, 19, "2010BB", "info"),
        ("X301", "K1", "CLM", 20, 20, "2300", "error"),
        ("X301", "K2", "CLM", 25, 25, "2300", "error"),
    ]
    assert result.findings[0].content == "NM1*PR*2*KEY INSURANCE COMPANY*****PI*999996666"
    assert result.out_of_scope == (2, 0) and result.payer_scope == "--payer"
    assert result.summary["claims"] == 2
    # the default: every payer, no count, the billing rules fire
    default = lint([path])
    assert default.payer_scope is None and default.out_of_scope == (0, 0)
    assert [(f.rule, f.claim_id) for f in default.findings if f.rule.startswith("B")] == [
        ("B212", "K1"), ("B212", "K2")]


def test_b001_on_a_278_sits_on_the_2010a_umo(tmp_path):
    text = build_278_request(member="M1", umo_name="KEY INSURANCE COMPANY", umo_id="999996666")
    path = _file(tmp_path, "tar.x12", text)
    result = lint([path], Options(payers=("PARTNERSHIP",)))
    assert [(f.rule, f.segment_index, f.loop) for f in result.findings] == [("B001", 6, "2010A")]
    assert result.out_of_scope == (0, 1)


def test_a_claim_without_a_payer_is_out_of_a_narrowed_scope(tmp_path):
    text = build_837(_claims(n=1), **KEY).replace("NM1*PR*2*KEY INSURANCE COMPANY*****PI*999996666~",
                                                  "")
    path = _file(tmp_path, "nopayer.x12", text)
    found = [f for f in lint([path], Options(payers=("KEY",))).findings if f.rule == "B001"]
    assert [(f.segment_id, f.message.split("; ")[-1]) for f in found] == [
        ("CLM", "the first claim names no payer")]


def test_json_keys_do_not_change_with_a_payer_scope(tmp_path):
    path = _file(tmp_path, "key.x12", build_837(_claims(), **KEY))
    narrowed = lint([path], Options(payers=("PARTNERSHIP",))).as_dict()
    plain = lint([path]).as_dict()
    assert narrowed.keys() == plain.keys()
    assert narrowed["summary"].keys() == plain["summary"].keys()
    assert narrowed["files"][0].keys() == plain["files"][0].keys()


def test_jobs_2_gives_b001_once_for_a_file_cut_into_parts(tmp_path, monkeypatch):
    """A part knows only its own claims: B001 waits for the merge, which knows the file."""
    monkeypatch.setattr(parallel, "SPLIT_MIN", 1000)
    monkeypatch.setattr(parallel, "PART_MIN", 1500)
    out = "".join(build_837(_claims(f"K{n}_", 3), control=f"{n:09d}", **KEY) for n in range(1, 9))
    mixed = out + build_837(_claims("P", 1), control="000000009", **PLAN)
    for name, text, b001 in (("out.x12", out, 1), ("mixed.x12", mixed, 0)):
        path = _file(tmp_path, name, text)
        assert len(parallel.plan_work([path], 2)) > 2
        options = dict(payers=("PARTNERSHIP",))
        one, two = lint([path], Options(jobs=1, **options)), lint([path], Options(jobs=2, **options))
        assert [f.as_dict() for f in two.findings] == [f.as_dict() for f in one.findings]
        assert [f.segment_index for f in one.findings if f.rule == "B001"] == [19] * b001
        assert two.out_of_scope == one.out_of_scope == (24, 0)


def test_ledger_records_no_claim_outside_the_scope(tmp_path):
    from edi_lint.ledger.record import read_files
    key = _file(tmp_path, "key.x12", build_837(_claims(), **KEY))
    plan = _file(tmp_path, "plan.x12", build_837(_claims("P", 1), **PLAN))
    read = read_files([key, plan], payers=("PARTNERSHIP",))
    assert [c.clm01 for c in read.claims] == ["P1"]
    assert read.unrecorded == [key]
    scoped = _profile(tmp_path, '[[scope]]\npayer_ids = ["999996666"]\n')
    assert [c.clm01 for c in read_files([key, plan], scoped).claims] == ["K1", "K2"]
    assert [c.clm01 for c in read_files([key, plan]).claims] == ["K1", "K2", "P1"]


# --------------------------------------------------------------------------- profile

def test_default_profile_governs_every_payer():
    scope = load_profile().scope
    assert scope.everyone and scope.entries == ()
    assert scope.covers("999996666", "KEY INSURANCE COMPANY", "CI", date(2025, 6, 3))


def test_profile_scope_entries(tmp_path):
    scope = load_profile(_profile(tmp_path, """
[[scope]]
payer_names = ["partnership health"]
payer_ids = ["P0001"]
effective_from = 2025-01-01
effective_to = "2025-12-31"

[[scope]]
filing_codes = ["MC"]
""")).scope
    assert not scope.everyone and len(scope.entries) == 2
    june = date(2025, 6, 3)
    assert scope.covers("", "Partnership HealthPlan of California", "CI", june)
    assert scope.covers("P0001", "", None, june)
    assert not scope.covers("P0001", "", "CI", date(2026, 1, 1))
    assert scope.covers("", "ANY PAYER", "MC", date(2026, 1, 1))  # the second entry
    assert not scope.covers("", "ANY PAYER", None, june)  # a TAR has no SBR09
    assert scope.covers("", "PARTNERSHIP HEALTH", None, None)  # no date: dates not checked


def test_empty_scope_list_governs_every_payer(tmp_path):
    assert load_profile(_profile(tmp_path, "scope = []\n")).scope.everyone


BAD_SCOPES = [
    ('scope = "PARTNERSHIP"\n', "scope: must be an array of tables ([[scope]])"),
    ('[[scope]]\npayer_name = ["X"]\n', "scope[1]: unknown key 'payer_name'"),
    ('[[scope]]\neffective_from = 2025-01-01\n',
     "scope[1]: needs 'payer_ids', 'payer_names' or 'filing_codes' (an entry naming no payer"
     " would govern every payer)"),
    ('[[scope]]\npayer_ids = []\n', "scope[1]: 'payer_ids' must be a non-empty list of strings"),
    ('[[scope]]\npayer_names = [" "]\n',
     "scope[1]: 'payer_names' must be a non-empty list of strings"),
    ('[[scope]]\npayer_ids = ["A"]\n[[scope]]\nfiling_codes = ["Medicaid"]\n',
     "scope[2]: filing code 'Medicaid' must be an SBR09 code of 1 or 2 upper-case letters or"
     " digits (MC, CI, 16...)"),
    ('[[scope]]\npayer_ids = ["A"]\neffective_from = 2025-07-01\neffective_to = 2025-06-30\n',
     "scope[1]: effective_from 2025-07-01 is after effective_to 2025-06-30"),
    ('[[scope]]\npayer_ids = ["A"]\neffective_to = "2025-02-30"\n',
     "scope[1]: 'effective_to' must be a date like 2025-07-01, not '2025-02-30'"),
]


@pytest.mark.parametrize(("extra", "message"), BAD_SCOPES, ids=[m.split(":")[0] + str(i)
                                                               for i, (_, m) in
                                                               enumerate(BAD_SCOPES)])
def test_bad_profile_scope(tmp_path, extra, message):
    path = _profile(tmp_path, extra)
    with pytest.raises(ProfileError) as exc:
        load_profile(path)
    assert str(exc.value) == f"{path}: {message}"


# --------------------------------------------------------------------------- CLI and config

def test_cli_payer_option_text_summary_and_sarif(tmp_path):
    path = _file(tmp_path, "key.x12", build_837(_claims(), **KEY))
    run = CliRunner().invoke(main, ["check", path, "--payer", "PARTNERSHIP HEALTH",
                                    "--payer", "P0001", "-j", "1"])
    assert run.exit_code == 0, run.output
    assert run.output.splitlines() == [
        f"{path}:19:1: info B001 none of the file's 2 claims is in the payer scope (--payer, or the"
        " profile's [[scope]]): no billing rule checked them; the first claim's payer is"
        " 'KEY INSURANCE COMPANY' (999996666)",
        "0 errors, 0 warnings, 1 info in 1 file (2 claims, 0 TAR requests, 0 TAR responses);"
        " 2 claims and 0 TARs outside the payer scope (--payer)",
    ]
    run = CliRunner().invoke(main, ["check", path, "--payer", "key", "--format", "sarif"])
    assert run.exit_code == 1
    sarif = json.loads(run.output)
    assert sarif["runs"][0]["properties"] == {"payerScope": {
        "source": "--payer", "claimsOutOfScope": 0, "tarsOutOfScope": 0}}
    import jsonschema
    schema = Path(__file__).parent / "data" / "sarif-schema-2.1.0.json"
    jsonschema.validate(sarif, json.loads(schema.read_text(encoding="utf-8")))
    run = CliRunner().invoke(main, ["check", path, "--format", "sarif"])
    assert "properties" not in json.loads(run.output)["runs"][0]
    run = CliRunner().invoke(main, ["check", path])
    assert run.output.splitlines()[-1] == ("2 errors, 0 warnings, 0 info in 1 file (2 claims,"
                                           " 0 TAR requests, 0 TAR responses)")


def test_cli_empty_payer_is_a_usage_error(tmp_path):
    path = _file(tmp_path, "key.x12", build_837(_claims(), **KEY))
    run = CliRunner().invoke(main, ["check", path, "--payer", " "])
    assert run.exit_code == 2
    assert "an empty payer id or name" in run.output


def test_profile_scope_in_the_text_summary(tmp_path):
    path = _file(tmp_path, "key.x12", build_837(_claims(), **KEY))
    profile = _profile(tmp_path, '[[scope]]\npayer_names = ["PARTNERSHIP HEALTH"]\n')
    run = CliRunner().invoke(main, ["check", path, "--profile", profile])
    assert run.output.splitlines()[-1].endswith(
        "; 2 claims and 0 TARs outside the payer scope (the profile's [[scope]])")


@pytest.mark.parametrize("name,section", [
    ("setup.cfg", "[edi_lint]\npayers = PARTNERSHIP HEALTH,\n  P0001\n"),
    ("pyproject.toml", '[tool.edi-lint]\npayers = ["PARTNERSHIP HEALTH", "P0001"]\n'),
])
def test_config_payers_key(tmp_path, name, section):
    from edi_lint.config import load_config, merge
    cfg_path = tmp_path / name
    cfg_path.write_text(section, encoding="utf-8")
    cfg = load_config(str(cfg_path))
    assert cfg.payers == ("PARTNERSHIP HEALTH", "P0001")
    assert merge(cfg)["payers"] == ("PARTNERSHIP HEALTH", "P0001")
    assert merge(cfg, payers=("KEY",))["payers"] == ("KEY",)  # the command line wins
    path = _file(tmp_path, "key.x12", build_837(_claims(), **KEY))
    run = CliRunner().invoke(main, ["check", path, "--config", str(cfg_path)])
    assert [line.split(": ")[1].split()[1] for line in run.output.splitlines()[:-1]] == ["B001"]
    run = CliRunner().invoke(main, ["check", path, "--config", str(cfg_path), "--payer", "KEY"])
    assert run.exit_code == 1 and "B212" in run.output


def test_config_payers_bad_value(tmp_path):
    from edi_lint.config import ConfigError, load_config
    cfg_path = tmp_path / "pyproject.toml"
    cfg_path.write_text("[tool.edi-lint]\npayers = 7\n", encoding="utf-8")
    with pytest.raises(ConfigError) as exc:
        load_config(str(cfg_path))
    assert str(exc.value) == (f"{cfg_path}: [tool.edi-lint] payers: expected a comma-separated"
                              " string or a list of strings")


def test_options_payers_must_be_strings():
    from edi_lint.engine import UsageError
    assert Options(payers="KEY").payers == ("KEY",)
    with pytest.raises(UsageError, match="payers takes payer ids or names"):
        Options(payers=(7,))


def test_ledger_add_payer_option(tmp_path):
    key = _file(tmp_path, "key.x12", build_837(_claims(), **KEY))
    ledger = str(tmp_path / "history.sqlite")
    run = CliRunner().invoke(main, ["ledger", "add", "--ledger", ledger, "--payer", "PARTNERSHIP",
                                    key])
    assert run.exit_code == 0, run.output
    assert "recorded 0 lines of 0 claims and 0 TAR responses from 1 file" in run.output
    run = CliRunner().invoke(main, ["ledger", "add", "--ledger", ledger, "--payer", "KEY", key])
    assert "recorded 2 lines of 2 claims and 0 TAR responses from 1 file" in run.output
    run = CliRunner().invoke(main, ["ledger", "add", "--ledger", ledger, "--payer", "", key])
    assert run.exit_code == 2 and "an empty payer id or name" in run.output
