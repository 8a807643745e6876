"""The payer profile as values: code-table groups and entries, limits, TAR settings, payer scope.

``loader.py`` builds a ``Profile`` from the TOML data file; rules read it. Nothing here
parses or validates a file.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from types import MappingProxyType
from typing import Mapping

PROGRAMS = frozenset({"ECM", "CS"})
UNITS = frozenset({"month", "service", "15min", "day", "meal", "box", "assessment"})
RATE_TYPES = frozenset({"per_unit", "billed", "none"})
MEASURES = frozenset({"lines", "units", "days", "amount"})
PERIODS = frozenset({"month", "day", "window", "lifetime", "run", "stay"})
DAYS_PERIODS = frozenset({"window", "run", "stay"})  # periods that need `days`
SEVERITIES = frozenset({"error", "warning", "info"})

ALWAYS_FROM = date.min
ALWAYS_TO = date.max  # 9999-12-31

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
