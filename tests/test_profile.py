"""edi_lint.profiles: the default payer profile (billing-rules.md §2) and profile validation."""

from datetime import date
from pathlib import Path

import pytest

from edi_lint.profiles import Entry, Group, Limit, ProfileError, load_profile

DATA = Path(__file__).parent / "data" / "profiles"
DOS = date(2025, 6, 15)
FS = frozenset


@pytest.fixture(scope="module")
def default():
    return load_profile()


def test_default_is_cached(default):
    assert load_profile() is default
    assert load_profile(None) is default
    assert default.name == "default"
    assert default.path.endswith("default.toml")


# --------------------------------------------------------------------- the code table, row by row

CODE_TABLE = [
    # code, modifier set, group, rate in cents, rate_type
    ("G9008", {"U1"}, "ecm-monthly", 40000, "per_unit"),
    ("G9008", {"U1", "GQ"}, "ecm-monthly", 40000, "per_unit"),
    ("G9012", {"U2"}, "ecm-monthly", 40000, "per_unit"),
    ("G9012", {"GQ", "U2"}, "ecm-monthly", 40000, "per_unit"),
    ("G9012", set(), "ecm-engagement", 15000, "per_unit"),
    ("G9008", {"U8"}, "ecm-outreach", 500, "per_unit"),
    ("G9008", {"U8", "GQ"}, "ecm-outreach", 500, "per_unit"),
    ("G9012", {"U8"}, "ecm-outreach", 500, "per_unit"),
    ("G9012", {"GQ", "U8"}, "ecm-outreach", 500, "per_unit"),
    ("G9007", set(), "ecm-team-conference", 1, "per_unit"),
    ("H0043", {"U6"}, "cs-housing-navigation", 38600, "per_unit"),
    ("H2016", {"U6"}, "cs-housing-navigation", 38600, "per_unit"),
    ("T2040", {"U6"}, "cs-housing-tenancy", 22200, "per_unit"),
    ("T2041", {"U6"}, "cs-housing-tenancy", 22200, "per_unit"),
    ("H0044", {"U2"}, "cs-housing-deposit", None, "billed"),
    ("H0044", {"U3"}, "cs-post-hospitalization", 10800, "per_unit"),
    ("T2033", {"U6"}, "cs-recuperative-care", 20400, "per_unit"),
    ("S5170", {"U6"}, "cs-meals", None, "none"),
    ("S9470", {"U6"}, "cs-nutritional-counseling", 4100, "per_unit"),
    ("S9977", {"U6"}, "cs-grocery-box", 6600, "per_unit"),
    ("T2020", {"U6"}, "cs-day-habilitation", 700, "per_unit"),
    ("H0014", {"U6"}, "cs-sobering-center", 17000, "per_unit"),
    ("S5130", {"U6"}, "cs-15-minute", 825, "per_unit"),
    ("T1019", {"U6"}, "cs-15-minute", 825, "per_unit"),
    ("H0045", {"U6"}, "cs-15-minute", 825, "per_unit"),
    ("S5151", {"U6"}, "cs-15-minute", 825, "per_unit"),
    ("S9125", {"U6"}, "cs-15-minute", 825, "per_unit"),
]


@pytest.mark.parametrize(
    ("code", "mods", "group", "rate_cents", "rate_type"),
    CODE_TABLE,
    ids=[f"{c}-{'-'.join(sorted(m)) or 'none'}" for c, m, *_ in CODE_TABLE],
)
def test_code_table_row(default, code, mods, group, rate_cents, rate_type):
    e = default.match(code, FS(mods), DOS)
    assert e is not None
    assert (e.code, e.group, e.rate_cents, e.rate_type) == (code, group, rate_cents, rate_type)
    assert FS(mods) in e.modifier_sets
    assert (e.effective_from, e.effective_to) == (date(1900, 1, 1), date(9999, 12, 31))


def test_every_entry_is_in_the_table(default):
    listed = {(c, FS(m)) for c, m, *_ in CODE_TABLE}
    in_profile = {(e.code, m) for e in default.entries for m in e.modifier_sets}
    assert in_profile == listed
    assert len(default.entries) == 23


def test_engagement_and_monthly_g9012(default):
    engagement = default.match("G9012", FS(), DOS)
    monthly = default.match("G9012", FS({"GQ", "U2"}), DOS)
    assert engagement.group == "ecm-engagement" and engagement.rate_cents == 15000
    assert monthly.group == "ecm-monthly" and monthly.rate_cents == 40000
    assert monthly.modifier_sets == (FS({"U2"}), FS({"U2", "GQ"}))


def test_deposit_and_team_conference_details(default):
    deposit = default.match("H0044", FS({"U2"}), DOS)
    assert (deposit.rate_cents, deposit.max_amount_cents, deposit.reimbursable) == (None, 500000, True)
    g9007 = default.match("G9007", FS(), DOS)
    assert (g9007.rate_cents, g9007.reimbursable, g9007.max_amount_cents) == (1, False, None)
    assert [e.reimbursable for e in default.entries].count(False) == 1


@pytest.mark.parametrize(
    ("code", "mods"),
    [
        ("G9008", {"U2"}),  # ECM-07 examples
        ("G9012", {"U1"}),
        ("G9008", set()),
        ("G9008", {"U1", "U8"}),
        ("G9012", {"GQ"}),
        ("G9007", {"U6"}),
        ("H0043", set()),  # CS-12 examples
        ("T2033", {"U2"}),
        ("H0044", set()),
        ("H0043", {"U6", "GQ"}),  # CSTAR-06: the set must be equal
        ("99213", set()),  # unknown code
    ],
)
def test_no_match(default, code, mods):
    assert default.match(code, FS(mods), DOS) is None


def test_default_profile_applies_to_every_date(default):
    """The seed gives no dates: the default code table holds from 1900-01-01 on."""
    assert default.match("T2040", FS({"U6"}), date(1899, 12, 31)) is None
    assert default.match("T2040", FS({"U6"}), date(1900, 1, 1)).rate_cents == 22200
    assert default.match("T2040", FS({"U6"}), date(2023, 12, 31)).rate_cents == 22200


@pytest.mark.parametrize(
    ("code", "programs"),
    [
        ("G9008", {"ECM"}),
        ("G9012", {"ECM"}),
        ("G9007", {"ECM"}),
        ("H0043", {"CS"}),
        ("H0044", {"CS"}),
        ("S9125", {"CS"}),
        ("99213", set()),
    ],
)
def test_program_of_code(default, code, programs):
    assert default.program_of_code(code) == FS(programs)


def test_entries_for_code(default):
    assert [(e.group, e.modifier_sets) for e in default.entries_for_code("H0044")] == [
        ("cs-housing-deposit", (FS({"U2"}),)),
        ("cs-post-hospitalization", (FS({"U3"}),)),
    ]
    assert [e.group for e in default.entries_for_code("G9012", DOS)] == [
        "ecm-monthly",
        "ecm-engagement",
        "ecm-outreach",
    ]
    assert default.entries_for_code("G9012", date(1899, 1, 1)) == ()
    assert default.entries_for_code("99213") == ()


GROUPS = [
    # name, program, tar_required, no_span, unit, units_per_line
    ("ecm-monthly", "ECM", True, True, "month", 1),
    ("ecm-engagement", "ECM", True, True, "service", 1),
    ("ecm-outreach", "ECM", False, False, "service", 1),
    ("ecm-team-conference", "ECM", False, False, "15min", None),
    ("cs-housing-navigation", "CS", True, True, "month", 1),
    ("cs-housing-tenancy", "CS", True, False, "service", None),
    ("cs-housing-deposit", "CS", True, False, "service", None),
    ("cs-post-hospitalization", "CS", True, False, "day", None),
    ("cs-recuperative-care", "CS", True, False, "day", None),
    ("cs-meals", "CS", True, False, "meal", None),
    ("cs-nutritional-counseling", "CS", True, False, "assessment", None),
    ("cs-grocery-box", "CS", True, False, "box", None),
    ("cs-day-habilitation", "CS", True, False, "service", None),
    ("cs-sobering-center", "CS", True, False, "day", None),
    ("cs-15-minute", "CS", True, False, "15min", None),
]


def test_groups(default):
    assert list(default.groups) == [g[0] for g in GROUPS]
    for name, program, tar_required, no_span, unit, per_line in GROUPS:
        g = default.groups[name]
        assert isinstance(g, Group)
        assert (g.name, g.program, g.tar_required, g.no_span, g.unit, g.units_per_line) == (
            name, program, tar_required, no_span, unit, per_line,
        )
    assert default.groups["ecm-monthly"].label == "ECM monthly"


LIMITS = [
    # tip, groups, measure, period, days, max, severity
    ("ECM-01", ("ecm-monthly",), "lines", "month", None, 1, "error"),
    ("ECM-03", ("ecm-engagement",), "lines", "lifetime", None, 1, "error"),
    ("ECM-04", ("ecm-outreach",), "lines", "window", 30, 5, "error"),
    ("CS-01", ("cs-housing-navigation",), "lines", "month", None, 1, "error"),
    ("CS-02", ("cs-housing-tenancy",), "units", "month", None, 2, "error"),
    ("CS-03", ("cs-housing-deposit",), "amount", "lifetime", None, 500000, "warning"),
    ("CS-04", ("cs-post-hospitalization",), "days", "lifetime", None, 180, "error"),
    ("CS-04", ("cs-post-hospitalization",), "days", "stay", 180, 180, "error"),
    ("CS-05", ("cs-recuperative-care",), "days", "run", 90, 90, "error"),
    ("CS-06", ("cs-meals",), "units", "day", None, 2, "error"),
    ("CS-07", ("cs-grocery-box",), "units", "window", 7, 1, "error"),
    ("CS-08", ("cs-day-habilitation",), "units", "day", None, 8, "error"),
    ("CS-09", ("cs-sobering-center",), "units", "day", None, 1, "error"),
]


def test_limits(default):
    got = [(lim.tip, lim.groups, lim.measure, lim.period, lim.days, lim.max, lim.severity) for lim in default.limits]
    assert got == LIMITS
    assert all(isinstance(lim, Limit) for lim in default.limits)


def test_limits_for(default):
    assert [lim.period for lim in default.limits_for("CS-04")] == ["lifetime", "stay"]
    assert [lim.period for lim in default.limits_for("CS-04", DOS)] == ["lifetime", "stay"]
    assert default.limits_for("GEN-05") == ()


def test_tar_settings(default):
    tar = default.tar
    assert tar.six_month_threshold_days == 150
    assert tar.approved_hcr01 == FS({"A1", "A2", "A6"})
    assert tar.referral_document == "B4"
    assert (tar.ecm_initial_max_months, tar.ecm_reauth_max_months) == (12, 6)
    assert tar.ecm_forbidden_modifiers == FS({"U8", "GQ"})
    periods = {g: (t.max_months, t.max_days) for g, t in tar.groups.items() if t.max_months or t.max_days}
    assert periods == {
        "cs-housing-navigation": (6, None),
        "cs-housing-tenancy": (6, None),
        "cs-post-hospitalization": (6, None),
        "cs-recuperative-care": (None, 90),
        "cs-meals": (None, 84),
        "cs-grocery-box": (None, 84),
    }
    deposit = tar.groups["cs-housing-deposit"]
    assert deposit.max_amount_cents == 500000
    assert list(deposit.documents.items()) == [
        ("B4", "CS referral form"),
        ("08", "housing support plan"),
        ("55", "copy of the lease"),
        ("77", "list of items included in the requested amount"),
    ]
    assert [(x.tip, x.groups) for x in tar.exclusive] == [
        ("CSTAR-02", ("cs-housing-navigation", "cs-housing-deposit", "cs-housing-tenancy")),
        ("CSTAR-05", ("cs-meals", "cs-grocery-box")),
    ]


@pytest.mark.parametrize(
    ("name", "payer_id", "expected"),
    [
        ("KAISER FOUNDATION HEALTH PLAN", None, True),
        ("Kaiser Permanente", "", True),
        ("kaiser", "12345", True),
        (None, "94134", True),
        ("MEDI-CAL", "94135", True),
        ("ANY PLAN", " 94320 ", True),
        ("BLUE SHIELD", "94036", False),
        (None, None, False),
        ("", "", False),
    ],
)
def test_is_kaiser(default, name, payer_id, expected):
    assert default.is_kaiser(name, payer_id) is expected
    assert default.kaiser_payer_ids == FS({"94134", "94135", "94320"})


def test_profile_is_read_only(default):
    with pytest.raises(TypeError):
        default.groups["x"] = default.groups["cs-meals"]
    with pytest.raises(AttributeError):
        default.match("G9012", FS(), DOS).rate_cents = 1


# --------------------------------------------------------------------- a rate change mid-year


def test_rate_change():
    p = load_profile(DATA / "rate_change.toml")
    u6 = FS({"U6"})
    before = p.match("T2040", u6, date(2025, 6, 30))
    after = p.match("T2040", u6, date(2025, 7, 1))
    assert isinstance(before, Entry) and isinstance(after, Entry)
    assert (before.rate_cents, before.effective_from, before.effective_to) == (
        22200, date(2025, 1, 1), date(2025, 6, 30),
    )
    assert (after.rate_cents, after.effective_from, after.effective_to) == (
        23000, date(2025, 7, 1), date(9999, 12, 31),
    )
    assert p.match("T2040", u6, date(2024, 12, 31)) is None
    assert p.entries_for_code("T2040", date(2025, 7, 1)) == (after,)
    assert p.entries_for_code("T2040") == (before, after)
    # absent dates mean "always"
    deposit = p.match("H0044", FS({"U2"}), date(1990, 1, 1))
    assert (deposit.effective_from, deposit.effective_to) == (date.min, date.max)
    # a limit's effective range
    assert p.limits_for("CS-02", date(2024, 12, 31)) == ()
    assert [lim.max for lim in p.limits_for("CS-02", date(2025, 1, 1))] == [2]
    assert p.limits_for("CS-03")[0].max == 500000
    assert p.is_kaiser("kaiser foundation", None) is True
    assert p.tar.approved_hcr01 == FS({"A1"})


# --------------------------------------------------------------------- validation

BAD = [
    ("bad_unknown_key_entry", "entries[3] (H0044): unknown key 'rat'"),
    ("bad_unknown_key_group", "groups.tenancy: unknown key 'colour'"),
    ("bad_unknown_key_top", "top level: unknown key 'extras'"),
    ("bad_unknown_key_tar", "tar.ecm: unknown key 'renewal_max_months'"),
    ("bad_unknown_key_limit", "limits[1] (CS-02): unknown key 'maximum'"),
    ("bad_missing_code", "entries[3]: missing required key 'code'"),
    ("bad_missing_tar", "top level: missing required key 'tar'"),
    ("bad_missing_group_key", "groups.tenancy: missing required key 'no_span'"),
    ("bad_limit_no_max", "limits[1] (CS-02): missing required key 'max'"),
    ("bad_date", "entries[2] (T2040): 'effective_from' must be a date like 2025-07-01, not '2025-02-30'"),
    ("bad_date_time", "entries[1] (T2040): 'effective_to' must be a date without a time, not 2025-06-30T12:00:00"),
    ("bad_range", "entries[1] (T2040): effective_from 2025-01-01 is after effective_to 2024-12-31"),
    ("bad_limit_range", "limits[1] (CS-02): effective_from 2025-01-01 is after effective_to 2024-01-01"),
    ("bad_entry_group", "entries[3] (H0044): unknown group 'deposits'"),
    ("bad_limit_group", "limits[3] (X-01): unknown group 'navigation'"),
    ("bad_tar_group", "tar.groups.tenancies: unknown group 'tenancies'"),
    ("bad_rate_type", "entries[3] (H0044): unknown rate_type 'flat' (expected billed | none | per_unit)"),
    ("bad_measure", "limits[2] (CS-03): unknown measure 'dollars' (expected amount | days | lines | units)"),
    ("bad_period", "limits[2] (CS-03): unknown period 'year' (expected day | lifetime | month | run | stay | window)"),
    ("bad_severity", "limits[2] (CS-03): unknown severity 'fatal' (expected error | info | warning)"),
    ("bad_per_unit_no_rate", "entries[1] (T2040): rate_type 'per_unit' needs a 'rate'"),
    ("bad_billed_with_rate", "entries[3] (H0044): rate_type 'billed' takes no 'rate' (use 'per_unit')"),
    ("bad_float_rate", "entries[2] (T2040): 'rate' must be an amount written as a string like \"400.00\", not 230.0"),
    ("bad_window_no_days", "limits[3] (X-01): period 'window' needs 'days'"),
    ("bad_days_on_month", "limits[1] (CS-02): 'days' applies only to periods run | stay | window, not 'month'"),
    ("bad_modifier_long", "entries[3] (H0044): modifier 'U2X' must be exactly 2 upper-case letters or digits"),
    ("bad_modifier_short", "entries[1] (T2040): modifier 'G' must be exactly 2 upper-case letters or digits"),
    (
        "bad_modifier_sets_shape",
        "entries[3] (H0044): 'modifier_sets' must be a non-empty list of lists, "
        'e.g. [["U1"], ["U1", "GQ"]] or [[]]',
    ),
    (
        "bad_overlap",
        "entries[2] (T2040): T2040 {U6} effective 2025-06-30..9999-12-31 overlaps "
        "entries[1] (T2040) effective 2025-01-01..2025-06-30",
    ),
    ("bad_exclusive_not_array", "tar.exclusive: must be an array of tables ([[tar.exclusive]])"),
    ("bad_toml", "invalid TOML: Illegal character '\\n' (at line 37, column 15)"),
]


@pytest.mark.parametrize(("name", "message"), BAD, ids=[b[0] for b in BAD])
def test_bad_profile(name, message):
    path = str(DATA / f"{name}.toml")
    with pytest.raises(ProfileError) as exc:
        load_profile(path)
    assert str(exc.value) == f"{path}: {message}"


def test_every_bad_file_is_tested():
    assert sorted(p.stem for p in DATA.glob("bad_*.toml")) == sorted(b[0] for b in BAD)


def test_missing_file():
    path = DATA / "no_such_profile.toml"
    with pytest.raises(ProfileError) as exc:
        load_profile(path)
    assert str(exc.value) == f"{path}: cannot read profile: No such file or directory"


def test_bad_toml_is_not_a_traceback():
    with pytest.raises(ProfileError) as exc:
        load_profile(DATA / "bad_toml.toml")
    assert exc.value.__cause__ is None and exc.value.__suppress_context__
