"""Element values read leniently: a malformed number is None, never an exception."""
from __future__ import annotations


def to_int(raw) -> int | None:
    """'12' -> 12; '', 'A', None -> None."""
    try:
        return int(raw)
    except (TypeError, ValueError):
        return None
