"""Load and validate a payer profile: the TOML data file of codes, rates, limits and TAR numbers.

The schema is documented in the comments of ``default.toml``. Every problem found at load is a
:class:`ProfileError` whose one-line message names the file and the section or entry, e.g.
``profile.toml: entries[3] (H0044): unknown key 'rat'``. Array tables are numbered from 1, in
file order (``entries[1]`` is the first ``[[entries]]``).
"""

from __future__ import annotations

import functools
import os
import re
import tomllib
from importlib import resources
from types import MappingProxyType
from typing import Any

from .fields import FieldReader, kind_of
from .model import (  # re-exported: ``edi_lint.profiles.loader`` keeps its public names
    DAYS_PERIODS,
    MEASURES,
    PERIODS,
    PROGRAMS,
    RATE_TYPES,
    SEVERITIES,
    UNITS,
    Entry,
    Group,
    Limit,
    PayerScope,
    Profile,
    ProfileError,
    ScopeEntry,
    TarExclusive,
    TarGroup,
    TarSettings,
)

__all__ = [
    "Entry",
    "Group",
    "Limit",
    "PayerScope",
    "Profile",
    "ProfileError",
    "ScopeEntry",
    "TarExclusive",
    "TarGroup",
    "TarSettings",
    "load_profile",
]

_CODE = re.compile(r"[A-Z0-9]{5}")
_MODIFIER = re.compile(r"[A-Z0-9]{2}")
_FILING_CODE = re.compile(r"[A-Z0-9]{1,2}")


# --------------------------------------------------------------------------- loading


def load_profile(path: str | os.PathLike[str] | None = None) -> Profile:
    """Load and validate the profile at ``path``; ``None`` is the packaged default (cached)."""
    if path is None:
        return _default_profile()
    name = os.fspath(path)
    try:
        with open(name, "rb") as fh:
            raw = fh.read()
    except OSError as exc:
        raise ProfileError(f"{name}: cannot read profile: {exc.strerror or exc}") from None
    return _parse(raw, name)


@functools.cache
def _default_profile() -> Profile:
    ref = resources.files(__package__) / "default.toml"
    return _parse(ref.read_bytes(), str(ref))


def _parse(raw: bytes, name: str) -> Profile:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ProfileError(f"{name}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ProfileError(f"{name}: invalid TOML: {exc}") from None
    return _Builder(name).build(data)


class _Builder(FieldReader):
    """Validates the parsed TOML document and builds the Profile."""

    # --- sections

    def build(self, data: dict[str, Any]) -> Profile:
        self.keys(data, "top level", ("profile", "groups", "entries", "tar"), ("limits", "scope"))
        prof = self.keys(
            data["profile"], "profile", ("name",),
            ("description", "kaiser_payer_ids", "kaiser_payer_names", "ig_not_used_allowed")
        )
        name = self.string(prof, "name", "profile")
        description = prof.get("description", "")
        if not isinstance(description, str):
            self.fail("profile", f"'description' must be a string, not {kind_of(description)}")
        kaiser_ids = self.strings(prof, "kaiser_payer_ids", "profile") if "kaiser_payer_ids" in prof else []
        kaiser_names = (
            self.strings(prof, "kaiser_payer_names", "profile") if "kaiser_payer_names" in prof else []
        )

        allowed = set()
        for item in (self.strings(prof, "ig_not_used_allowed", "profile")
                     if "ig_not_used_allowed" in prof else []):
            loop, _, element = item.strip().partition(" ")
            if not loop or not re.fullmatch(r"[A-Z0-9]{2,3}[0-9]{2}(-[0-9]{1,2})?", element.strip()):
                self.fail("profile", f"'ig_not_used_allowed' item {item!r} is not 'LOOP ELEMENT'"
                          " (such as '2010CA NM109')")
            allowed.add((loop, element.strip()))

        groups = self.groups(data["groups"])
        entries = self.entries(self.array(data, "entries", "entries"), groups)
        limits = self.limits(self.array(data, "limits", "limits"), groups)
        tar = self.tar(data["tar"], groups)
        scope = self.scope(data.get("scope", []))
        return Profile(
            name=name,
            description=description,
            path=self.name,
            groups=groups,
            entries=entries,
            limits=limits,
            tar=tar,
            kaiser_payer_ids=frozenset(s.strip() for s in kaiser_ids),
            kaiser_payer_names=tuple(kaiser_names),
            ig_not_used_allowed=frozenset(allowed),
            scope=scope,
        )

    def scope(self, tables: Any) -> PayerScope:
        """``[[scope]]``: none (or ``scope = []``) governs every payer."""
        if not isinstance(tables, list) or not all(isinstance(t, dict) for t in tables):
            self.fail("scope", "must be an array of tables ([[scope]])")
        out: list[ScopeEntry] = []
        for i, t in enumerate(tables, 1):
            where = f"scope[{i}]"
            self.keys(t, where, (), ("payer_ids", "payer_names", "filing_codes",
                                     "effective_from", "effective_to"))
            if not any(k in t for k in ("payer_ids", "payer_names", "filing_codes")):
                self.fail(where, "needs 'payer_ids', 'payer_names' or 'filing_codes'"
                          " (an entry naming no payer would govern every payer)")
            ids = self.strings(t, "payer_ids", where) if "payer_ids" in t else []
            names = self.strings(t, "payer_names", where) if "payer_names" in t else []
            codes = self.strings(t, "filing_codes", where) if "filing_codes" in t else []
            for code in codes:
                if not _FILING_CODE.fullmatch(code):
                    self.fail(where, f"filing code {code!r} must be an SBR09 code of 1 or 2"
                              " upper-case letters or digits (MC, CI, 16...)")
            start, end = self.date_range(t, where)
            out.append(ScopeEntry(frozenset(v.strip() for v in ids),
                                  tuple(v.strip().upper() for v in names), frozenset(codes),
                                  start, end))
        return PayerScope(tuple(out))

    def groups(self, tbl: Any) -> dict[str, Group]:
        if not isinstance(tbl, dict) or not tbl:
            self.fail("groups", "must hold at least one [groups.<name>] table")
        out: dict[str, Group] = {}
        for gname, g in tbl.items():
            where = f"groups.{gname}"
            self.keys(g, where, ("program", "label", "tar_required", "no_span", "unit"), ("units_per_line",))
            program = self.string(g, "program", where)
            if program not in PROGRAMS:
                self.fail(where, f"unknown program {program!r} (expected {_alts(PROGRAMS)})")
            unit = self.string(g, "unit", where)
            if unit not in UNITS:
                self.fail(where, f"unknown unit {unit!r} (expected {_alts(UNITS)})")
            out[gname] = Group(
                name=gname,
                program=program,
                label=self.string(g, "label", where),
                tar_required=self.boolean(g, "tar_required", where),
                no_span=self.boolean(g, "no_span", where),
                unit=unit,
                units_per_line=self.integer(g, "units_per_line", where) if "units_per_line" in g else None,
            )
        return out

    def entries(self, tables: list[dict[str, Any]], groups: dict[str, Group]) -> tuple[Entry, ...]:
        if not tables:
            self.fail("entries", "must hold at least one [[entries]] table")
        out: list[Entry] = []
        where_of: list[str] = []
        for i, t in enumerate(tables, 1):
            code = t.get("code")
            where = f"entries[{i}] ({code})" if isinstance(code, str) else f"entries[{i}]"
            self.keys(
                t,
                where,
                ("group", "code", "modifier_sets", "rate_type"),
                ("rate", "max_amount", "reimbursable", "effective_from", "effective_to"),
            )
            group = self.string(t, "group", where)
            if group not in groups:
                self.fail(where, f"unknown group {group!r}")
            code = self.string(t, "code", where)
            if not _CODE.fullmatch(code):
                self.fail(where, f"code {code!r} must be 5 upper-case letters or digits (HCPCS/CPT)")
            mod_sets = self.modifier_sets(t, where)
            rate_type = self.string(t, "rate_type", where)
            if rate_type not in RATE_TYPES:
                self.fail(where, f"unknown rate_type {rate_type!r} (expected {_alts(RATE_TYPES)})")
            rate = self.money(t, "rate", where) if "rate" in t else None
            if rate_type == "per_unit" and rate is None:
                self.fail(where, "rate_type 'per_unit' needs a 'rate'")
            if rate_type != "per_unit" and rate is not None:
                self.fail(where, f"rate_type {rate_type!r} takes no 'rate' (use 'per_unit')")
            reimbursable = self.boolean(t, "reimbursable", where) if "reimbursable" in t else True
            start, end = self.date_range(t, where)
            out.append(
                Entry(
                    group=group,
                    code=code,
                    modifier_sets=mod_sets,
                    rate_cents=rate,
                    rate_type=rate_type,
                    max_amount_cents=self.money(t, "max_amount", where) if "max_amount" in t else None,
                    reimbursable=reimbursable,
                    effective_from=start,
                    effective_to=end,
                )
            )
            where_of.append(where)
        self.check_overlaps(out, where_of)
        return tuple(out)

    def modifier_sets(self, t: dict[str, Any], where: str) -> tuple[frozenset[str], ...]:
        v = t["modifier_sets"]
        if not isinstance(v, list) or not v or not all(isinstance(s, list) for s in v):
            self.fail(
                where,
                "'modifier_sets' must be a non-empty list of lists, e.g. [[\"U1\"], [\"U1\", \"GQ\"]] or [[]]",
            )
        sets: list[frozenset[str]] = []
        for s in v:
            for m in s:
                if not isinstance(m, str) or not _MODIFIER.fullmatch(m):
                    self.fail(where, f"modifier {m!r} must be exactly 2 upper-case letters or digits")
            fs = frozenset(s)
            if len(fs) != len(s):
                self.fail(where, f"modifier set {s!r} repeats a modifier")
            if len(s) > 4:
                self.fail(where, f"modifier set {s!r} has more than 4 modifiers (SV101-3..6)")
            if fs in sets:
                self.fail(where, f"modifier set {_fmt_mods(fs)} is listed twice")
            sets.append(fs)
        return tuple(sets)

    def check_overlaps(self, entries: list[Entry], where_of: list[str]) -> None:
        seen: dict[tuple[str, frozenset[str]], list[int]] = {}
        for i, e in enumerate(entries):
            for mods in e.modifier_sets:
                for j in seen.setdefault((e.code, mods), []):
                    o = entries[j]
                    if e.effective_from <= o.effective_to and o.effective_from <= e.effective_to:
                        self.fail(
                            where_of[i],
                            f"{e.code} {_fmt_mods(mods)} effective {_fmt_range(e)} overlaps "
                            f"{where_of[j]} effective {_fmt_range(o)}",
                        )
                seen[(e.code, mods)].append(i)

    def limits(self, tables: list[dict[str, Any]], groups: dict[str, Group]) -> tuple[Limit, ...]:
        out: list[Limit] = []
        for i, t in enumerate(tables, 1):
            tip = t.get("tip")
            where = f"limits[{i}] ({tip})" if isinstance(tip, str) else f"limits[{i}]"
            self.keys(
                t,
                where,
                ("tip", "groups", "measure", "period", "severity"),
                ("days", "max", "effective_from", "effective_to"),
            )
            tip = self.string(t, "tip", where)
            lgroups = self.strings(t, "groups", where)
            for g in lgroups:
                if g not in groups:
                    self.fail(where, f"unknown group {g!r}")
            measure = self.string(t, "measure", where)
            if measure not in MEASURES:
                self.fail(where, f"unknown measure {measure!r} (expected {_alts(MEASURES)})")
            period = self.string(t, "period", where)
            if period not in PERIODS:
                self.fail(where, f"unknown period {period!r} (expected {_alts(PERIODS)})")
            severity = self.string(t, "severity", where)
            if severity not in SEVERITIES:
                self.fail(where, f"unknown severity {severity!r} (expected {_alts(SEVERITIES)})")
            days: int | None = None
            if period in DAYS_PERIODS:
                if "days" not in t:
                    self.fail(where, f"period {period!r} needs 'days'")
                days = self.integer(t, "days", where)
            elif "days" in t:
                self.fail(where, f"'days' applies only to periods {_alts(DAYS_PERIODS)}, not {period!r}")
            if period in ("run", "stay"):
                if measure != "days":
                    self.fail(where, f"period {period!r} needs measure 'days', not {measure!r}")
                if "max" in t and self.integer(t, "max", where) != days:
                    self.fail(where, f"period {period!r}: 'max' must equal 'days' ({days}) or be left out")
                maximum: int | float = days  # type: ignore[assignment]
            elif "max" not in t:
                self.fail(where, "missing required key 'max'")
            elif measure == "amount":
                maximum = self.money(t, "max", where)
            elif measure == "lines":
                maximum = self.integer(t, "max", where, minimum=0)
            else:
                maximum = t["max"]
                if isinstance(maximum, bool) or not isinstance(maximum, (int, float)) or maximum < 0:
                    self.fail(where, f"'max' must be a number of at least 0, not {maximum!r}")
            start, end = self.date_range(t, where)
            out.append(
                Limit(
                    tip=tip,
                    groups=tuple(lgroups),
                    measure=measure,
                    period=period,
                    days=days,
                    max=maximum,
                    severity=severity,
                    effective_from=start,
                    effective_to=end,
                )
            )
        return tuple(out)

    def tar(self, tbl: Any, groups: dict[str, Group]) -> TarSettings:
        t = self.keys(
            tbl,
            "tar",
            ("six_month_threshold_days", "approved_hcr01", "referral_document", "ecm"),
            ("groups", "exclusive"),
        )
        ecm = self.keys(
            t["ecm"], "tar.ecm", ("initial_max_months", "reauth_max_months"), ("forbidden_modifiers",)
        )
        forbidden: list[str] = []
        if "forbidden_modifiers" in ecm:
            forbidden = self.strings(ecm, "forbidden_modifiers", "tar.ecm")
        for m in forbidden:
            if not _MODIFIER.fullmatch(m):
                self.fail("tar.ecm", f"modifier {m!r} must be exactly 2 upper-case letters or digits")

        tgroups: dict[str, TarGroup] = {}
        gtbl = t.get("groups", {})
        if not isinstance(gtbl, dict):
            self.fail("tar.groups", f"must be a table, not {kind_of(gtbl)}")
        for gname, g in gtbl.items():
            where = f"tar.groups.{gname}"
            self.keys(g, where, (), ("max_months", "max_days", "max_amount", "documents"))
            if gname not in groups:
                self.fail(where, f"unknown group {gname!r}")
            docs = g.get("documents", {})
            if not isinstance(docs, dict) or not all(isinstance(v, str) and v.strip() for v in docs.values()):
                self.fail(where, "'documents' must be a table of PWK01 code = \"human name\"")
            tgroups[gname] = TarGroup(
                group=gname,
                max_months=self.integer(g, "max_months", where) if "max_months" in g else None,
                max_days=self.integer(g, "max_days", where) if "max_days" in g else None,
                max_amount_cents=self.money(g, "max_amount", where) if "max_amount" in g else None,
                documents=MappingProxyType(dict(docs)),
            )

        exclusive: list[TarExclusive] = []
        for i, x in enumerate(self.array(t, "exclusive", "tar.exclusive"), 1):
            tip = x.get("tip")
            where = f"tar.exclusive[{i}] ({tip})" if isinstance(tip, str) else f"tar.exclusive[{i}]"
            self.keys(x, where, ("tip", "groups"))
            xgroups = self.strings(x, "groups", where)
            for g in xgroups:
                if g not in groups:
                    self.fail(where, f"unknown group {g!r}")
            exclusive.append(TarExclusive(tip=self.string(x, "tip", where), groups=tuple(xgroups)))

        return TarSettings(
            six_month_threshold_days=self.integer(t, "six_month_threshold_days", "tar"),
            approved_hcr01=frozenset(self.strings(t, "approved_hcr01", "tar")),
            referral_document=self.string(t, "referral_document", "tar"),
            ecm_initial_max_months=self.integer(ecm, "initial_max_months", "tar.ecm"),
            ecm_reauth_max_months=self.integer(ecm, "reauth_max_months", "tar.ecm"),
            ecm_forbidden_modifiers=frozenset(forbidden),
            groups=MappingProxyType(tgroups),
            exclusive=tuple(exclusive),
        )


def _alts(values: frozenset[str]) -> str:
    return " | ".join(sorted(values))


def _fmt_mods(mods: frozenset[str]) -> str:
    return "{" + ",".join(sorted(mods)) + "}"


def _fmt_range(e: Entry) -> str:
    return f"{e.effective_from.isoformat()}..{e.effective_to.isoformat()}"
