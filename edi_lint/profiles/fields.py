"""Typed reads of TOML tables that fail with one positioned ``ProfileError`` line each.

``FieldReader.fail`` names the file and the table (``profile.toml: entries[3]: ...``);
the profile loader builds on these reads.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any, NoReturn

from .model import ALWAYS_FROM, ALWAYS_TO, ProfileError

MONEY = re.compile(r"[0-9]+(?:\.[0-9]{1,2})?")


class FieldReader:
    """Reads keys of the tables of one file, named ``name`` in every error."""

    def __init__(self, name: str) -> None:
        self.name = name

    def fail(self, where: str, msg: str) -> NoReturn:
        raise ProfileError(f"{self.name}: {where}: {msg}")

    # --- generic checks

    def keys(
        self, tbl: Any, where: str, required: tuple[str, ...], optional: tuple[str, ...] = ()
    ) -> dict[str, Any]:
        if not isinstance(tbl, dict):
            self.fail(where, f"must be a table, not {kind_of(tbl)}")
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
            self.fail(where, f"'{key}' must be a non-empty string, not {kind_of(v)}")
        return v

    def boolean(self, tbl: dict[str, Any], key: str, where: str) -> bool:
        v = tbl[key]
        if not isinstance(v, bool):
            self.fail(where, f"'{key}' must be true or false, not {kind_of(v)}")
        return v

    def integer(self, tbl: dict[str, Any], key: str, where: str, minimum: int = 1) -> int:
        v = tbl[key]
        if isinstance(v, bool) or not isinstance(v, int):
            self.fail(where, f"'{key}' must be an integer, not {kind_of(v)}")
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
        if isinstance(v, str) and MONEY.fullmatch(v):
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


def kind_of(v: Any) -> str:
    """How an error message names a TOML value of the wrong type."""
    if isinstance(v, bool):
        return "a boolean"
    if isinstance(v, dict):
        return "a table"
    if isinstance(v, list):
        return "a list"
    return f"{type(v).__name__} {v!r}"


def _quote(keys: list[str]) -> str:
    return ", ".join(f"'{k}'" for k in keys)
