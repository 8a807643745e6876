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
from dataclasses import dataclass
from datetime import date, datetime
from importlib import resources
from types import MappingProxyType
from typing import Any, Mapping, NoReturn

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

PROGRAMS = frozenset({"ECM", "CS"})
UNITS = frozenset({"month", "service", "15min", "day", "meal", "box", "assessment"})
RATE_TYPES = frozenset({"per_unit", "billed", "none"})
MEASURES = frozenset({"lines", "units", "days", "amount"})
PERIODS = frozenset({"month", "day", "window", "lifetime", "run", "stay"})
DAYS_PERIODS = frozenset({"window", "run", "stay"})  # periods that need `days`
SEVERITIES = frozenset({"error", "warning", "info"})

ALWAYS_FROM = date.min
ALWAYS_TO = date.max  # 9999-12-31

_MONEY = re.compile(r"[0-9]+(?:\.[0-9]{1,2})?")
_CODE = re.compile(r"[A-Z0-9]{5}")
_MODIFIER = re.compile(r"[A-Z0-9]{2}")
_FILING_CODE = re.compile(r"[A-Z0-9]{1,2}")


class ProfileError(Exception):
    """A profile file that cannot be read or does not follow the schema."""


@dataclass(frozen=True, slots=True)
class Group:
    """A row group of the code table: what a line of the group is."""

    name: str
    program: str  # "ECM" | "CS"
    label: str
    tar_required: bool
    no_span: bool
    unit: str
    units_per_line: int | None


@dataclass(frozen=True, slots=True)
class Entry:
    """One (group, code) of the code table, with its valid modifier sets and rate."""

    group: str
    code: str
    modifier_sets: tuple[frozenset[str], ...]
    rate_cents: int | None
    rate_type: str  # "per_unit" | "billed" | "none"
    max_amount_cents: int | None
    reimbursable: bool
    effective_from: date
    effective_to: date

    def effective_at(self, dos: date) -> bool:
        return self.effective_from <= dos <= self.effective_to


@dataclass(frozen=True, slots=True)
class Limit:
    """A frequency limit: at most ``max`` of ``measure`` per ``period`` over ``groups``.

    ``max`` is in cents when ``measure == "amount"``; for ``run`` and ``stay`` it equals ``days``.
    """

    tip: str
    groups: tuple[str, ...]
    measure: str  # "lines" | "units" | "days" | "amount"
    period: str  # "month" | "day" | "window" | "lifetime" | "run" | "stay"
    days: int | None
    max: int | float
    severity: str
    effective_from: date
    effective_to: date

    def effective_at(self, dos: date) -> bool:
        return self.effective_from <= dos <= self.effective_to


@dataclass(frozen=True, slots=True)
class TarGroup:
    """TAR settings of one CS group (``[tar.groups.<name>]``)."""

    group: str
    max_months: int | None
    max_days: int | None
    max_amount_cents: int | None
    documents: Mapping[str, str]  # required PWK01 code -> human name, in file order


@dataclass(frozen=True, slots=True)
class TarExclusive:
    """Groups of which at most one may appear on one TAR."""

    tip: str
    groups: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class TarSettings:
    """The numbers of the TAR (278) rules (``[tar]``)."""

    six_month_threshold_days: int
    approved_hcr01: frozenset[str]
    referral_document: str
    ecm_initial_max_months: int
    ecm_reauth_max_months: int
    ecm_forbidden_modifiers: frozenset[str]
    groups: Mapping[str, TarGroup]  # group name -> settings; groups without settings are absent
    exclusive: tuple[TarExclusive, ...]


@dataclass(frozen=True, slots=True)
class ScopeEntry:
    """One ``[[scope]]`` entry: payers the profile's billing rules govern.

    A payer matches when its id (837P 2010BB NM109, 278 2010A NM109) is one of
    ``payer_ids`` or its name (NM103) contains one of ``payer_names`` (upper-cased
    here, compared case-insensitively); with neither list, any payer does. With
    ``filing_codes``, an 837P claim's 2000B SBR09 must be one of them too (a 278 has
    no SBR09: such an entry governs no TAR).
    """

    payer_ids: frozenset[str]
    payer_names: tuple[str, ...]
    filing_codes: frozenset[str]
    effective_from: date
    effective_to: date

    def covers(self, payer_id: str, payer_name: str, filing_code: str | None,
               dos: date | None) -> bool:
        """``filing_code`` None: a TAR (no SBR09); ``dos`` None: no date to check."""
        if dos is not None and not self.effective_from <= dos <= self.effective_to:
            return False
        if self.filing_codes and (filing_code is None or filing_code not in self.filing_codes):
            return False
        if not self.payer_ids and not self.payer_names:
            return True
        if payer_id in self.payer_ids:
            return True
        name = payer_name.upper()
        return any(n in name for n in self.payer_names)


class PayerScope:
    """The payers whose claims and TARs get billing findings: every payer when ``entries``
    is empty (``everyone``), else those some entry covers at the date of service."""

    __slots__ = ("entries", "everyone", "source")

    def __init__(self, entries: tuple[ScopeEntry, ...] = (), source: str = "profile") -> None:
        self.entries = entries
        self.everyone = not entries
        self.source = source  # "profile" ([scope]) or "--payer" (options.payers)

    @classmethod
    def of_values(cls, values) -> "PayerScope":
        """``--payer`` / ``payers``: each value a payer id (exact) or part of a name."""
        values = [v.strip() for v in values if v and v.strip()]
        if not values:
            return cls()
        entry = ScopeEntry(frozenset(values), tuple(v.upper() for v in values), frozenset(),
                           ALWAYS_FROM, ALWAYS_TO)
        return cls((entry,), source="--payer")

    def covers(self, payer_id: str | None, payer_name: str | None, filing_code: str | None,
               dos: date | None) -> bool:
        if self.everyone:
            return True
        pid, pname = (payer_id or "").strip(), payer_name or ""
        return any(e.covers(pid, pname, filing_code, dos) for e in self.entries)


_EMPTY: tuple[Any, ...] = ()


class Profile:
    """A loaded, validated payer profile. Read-only; build it with :func:`load_profile`."""

    __slots__ = (
        "name",
        "description",
        "path",
        "groups",
        "entries",
        "limits",
        "tar",
        "kaiser_payer_ids",
        "kaiser_payer_names",
        "ig_not_used_allowed",
        "scope",
        "_by_code",
        "_by_code_mods",
        "_programs",
        "_limits_by_tip",
    )

    def __init__(
        self,
        *,
        name: str,
        description: str,
        path: str,
        groups: Mapping[str, Group],
        entries: tuple[Entry, ...],
        limits: tuple[Limit, ...],
        tar: TarSettings,
        kaiser_payer_ids: frozenset[str],
        kaiser_payer_names: tuple[str, ...],
        ig_not_used_allowed: frozenset[tuple[str, str]] = frozenset(),
        scope: PayerScope | None = None,
    ) -> None:
        self.name = name
        self.description = description
        self.path = path
        self.groups = MappingProxyType(dict(groups))
        self.entries = entries
        self.limits = limits
        self.tar = tar
        self.kaiser_payer_ids = kaiser_payer_ids
        self.kaiser_payer_names = tuple(n.upper() for n in kaiser_payer_names)
        # (loop id, element) pairs the TR3 marks not used that this payer's data fills
        self.ig_not_used_allowed = ig_not_used_allowed
        self.scope = scope if scope is not None else PayerScope()

        by_code: dict[str, list[Entry]] = {}
        by_code_mods: dict[str, dict[frozenset[str], list[Entry]]] = {}
        programs: dict[str, set[str]] = {}
        for e in entries:
            by_code.setdefault(e.code, []).append(e)
            programs.setdefault(e.code, set()).add(groups[e.group].program)
            per_code = by_code_mods.setdefault(e.code, {})
            for mods in e.modifier_sets:
                per_code.setdefault(mods, []).append(e)
        self._by_code = {c: tuple(es) for c, es in by_code.items()}
        self._by_code_mods = {
            c: {m: tuple(sorted(es, key=lambda e: e.effective_from)) for m, es in d.items()}
            for c, d in by_code_mods.items()
        }
        self._programs = {c: frozenset(p) for c, p in programs.items()}
        by_tip: dict[str, list[Limit]] = {}
        for lim in limits:
            by_tip.setdefault(lim.tip, []).append(lim)
        self._limits_by_tip = {t: tuple(ls) for t, ls in by_tip.items()}

    def __repr__(self) -> str:
        return f"Profile(name={self.name!r}, path={self.path!r}, entries={len(self.entries)})"

    def match(self, code: str, modifiers: frozenset[str], dos: date) -> Entry | None:
        """The entry of ``code`` with exactly this modifier set (a frozenset) effective at ``dos``."""
        per_code = self._by_code_mods.get(code)
        if per_code is None:
            return None
        for e in per_code.get(modifiers, _EMPTY):
            if e.effective_from <= dos <= e.effective_to:
                return e
        return None

    def entries_for_code(self, code: str, dos: date | None = None) -> tuple[Entry, ...]:
        """Every entry of ``code`` (any modifier set), optionally only those effective at ``dos``."""
        found = self._by_code.get(code, _EMPTY)
        if dos is None:
            return found
        return tuple(e for e in found if e.effective_from <= dos <= e.effective_to)

    def program_of_code(self, code: str) -> frozenset[str]:
        """The programs ({"ECM"}, {"CS"}) that know ``code`` under any modifier set and date."""
        return self._programs.get(code, frozenset())

    def limits_for(self, tip: str, dos: date | None = None) -> tuple[Limit, ...]:
        """The limits of tip id ``tip``, optionally only those effective at ``dos``."""
        found = self._limits_by_tip.get(tip, _EMPTY)
        if dos is None:
            return found
        return tuple(lim for lim in found if lim.effective_from <= dos <= lim.effective_to)

    def is_kaiser(self, payer_name: str | None, payer_id: str | None) -> bool:
        """True when the payer id is a Kaiser id or the name contains a Kaiser name."""
        if payer_id and payer_id.strip() in self.kaiser_payer_ids:
            return True
        if payer_name:
            upper = payer_name.upper()
            return any(n in upper for n in self.kaiser_payer_names)
        return False


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


class _Builder:
    """Validates the parsed TOML document and builds the Profile."""

    def __init__(self, name: str) -> None:
        self.name = name

    def fail(self, where: str, msg: str) -> NoReturn:
        raise ProfileError(f"{self.name}: {where}: {msg}")

    # --- generic checks

    def keys(
        self, tbl: Any, where: str, required: tuple[str, ...], optional: tuple[str, ...] = ()
    ) -> dict[str, Any]:
        if not isinstance(tbl, dict):
            self.fail(where, f"must be a table, not {_kind(tbl)}")
        allowed = set(required) | set(optional)
        unknown = [k for k in tbl if k not in allowed]
        if unknown:
            self.fail(where, f"unknown key{'s' if len(unknown) > 1 else ''} {_quote(unknown)}")
        missing = [k for k in required if k not in tbl]
        if missing:
            self.fail(where, f"missing required key{'s' if len(missing) > 1 else ''} {_quote(missing)}")
        return tbl

    def string(self, tbl: dict[str, Any], key: str, where: str) -> str:
        v = tbl[key]
        if not isinstance(v, str) or not v.strip():
            self.fail(where, f"'{key}' must be a non-empty string, not {_kind(v)}")
        return v

    def boolean(self, tbl: dict[str, Any], key: str, where: str) -> bool:
        v = tbl[key]
        if not isinstance(v, bool):
            self.fail(where, f"'{key}' must be true or false, not {_kind(v)}")
        return v

    def integer(self, tbl: dict[str, Any], key: str, where: str, minimum: int = 1) -> int:
        v = tbl[key]
        if isinstance(v, bool) or not isinstance(v, int):
            self.fail(where, f"'{key}' must be an integer, not {_kind(v)}")
        if v < minimum:
            self.fail(where, f"'{key}' must be at least {minimum}, not {v}")
        return v

    def strings(self, tbl: dict[str, Any], key: str, where: str) -> list[str]:
        v = tbl[key]
        if not isinstance(v, list) or not v or not all(isinstance(s, str) and s.strip() for s in v):
            self.fail(where, f"'{key}' must be a non-empty list of strings")
        return v

    def money(self, tbl: dict[str, Any], key: str, where: str) -> int:
        """Decimal string ("400.00") or integer dollars -> cents."""
        v = tbl[key]
        if isinstance(v, int) and not isinstance(v, bool) and v >= 0:
            return v * 100
        if isinstance(v, str) and _MONEY.fullmatch(v):
            whole, _, frac = v.partition(".")
            return int(whole) * 100 + int(frac.ljust(2, "0"))
        self.fail(where, f"'{key}' must be an amount written as a string like \"400.00\", not {v!r}")

    def day(self, tbl: dict[str, Any], key: str, where: str, default: date) -> date:
        if key not in tbl:
            return default
        v = tbl[key]
        if isinstance(v, datetime):
            self.fail(where, f"'{key}' must be a date without a time, not {v.isoformat()}")
        if isinstance(v, date):
            return v
        if isinstance(v, str) and len(v) == 10 and v[4] == "-" and v[7] == "-":
            try:
                return date.fromisoformat(v)
            except ValueError:
                pass
        self.fail(where, f"'{key}' must be a date like 2025-07-01, not {v!r}")

    def date_range(self, tbl: dict[str, Any], where: str) -> tuple[date, date]:
        start = self.day(tbl, "effective_from", where, ALWAYS_FROM)
        end = self.day(tbl, "effective_to", where, ALWAYS_TO)
        if start > end:
            self.fail(where, f"effective_from {start.isoformat()} is after effective_to {end.isoformat()}")
        return start, end

    def array(self, data: dict[str, Any], key: str, where: str) -> list[dict[str, Any]]:
        v = data.get(key, [])
        if not isinstance(v, list) or not all(isinstance(t, dict) for t in v):
            self.fail(where, f"must be an array of tables ([[{where}]])")
        return v

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
            self.fail("profile", f"'description' must be a string, not {_kind(description)}")
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
            self.fail("tar.groups", f"must be a table, not {_kind(gtbl)}")
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


def _kind(v: Any) -> str:
    if isinstance(v, bool):
        return "a boolean"
    if isinstance(v, dict):
        return "a table"
    if isinstance(v, list):
        return "a list"
    return f"{type(v).__name__} {v!r}"


def _quote(keys: list[str]) -> str:
    return ", ".join(f"'{k}'" for k in keys)


def _alts(values: frozenset[str]) -> str:
    return " | ".join(sorted(values))


def _fmt_mods(mods: frozenset[str]) -> str:
    return "{" + ",".join(sorted(mods)) + "}"


def _fmt_range(e: Entry) -> str:
    return f"{e.effective_from.isoformat()}..{e.effective_to.isoformat()}"
