"""Payer profiles: codes, modifier sets, rates, limits and TAR numbers as data (default.toml)."""

from edi_lint.profiles.loader import (
    Entry,
    Group,
    Limit,
    PayerScope,
    Profile,
    ProfileError,
    TarExclusive,
    TarGroup,
    TarSettings,
    load_profile,
)

__all__ = [
    "Entry",
    "Group",
    "Limit",
    "PayerScope",
    "Profile",
    "ProfileError",
    "TarExclusive",
    "TarGroup",
    "TarSettings",
    "load_profile",
]
