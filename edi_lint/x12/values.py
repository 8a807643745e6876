"""Element values read leniently: a malformed number is None, never an exception."""
from __future__ import annotations

import math


def to_int(raw) -> int | None:
    """'12' -> 12; '', 'A', None -> None."""
    try:
        return int(raw)
    except (TypeError, ValueError):
        return None


def is_decimal(raw: str) -> bool:
    """X12 type R: an optional minus, digits, at most one decimal point, nothing else."""
    if raw[:1] == "-":
        raw = raw[1:]
    digits = raw.replace(".", "", 1)
    return digits.isdigit() and digits.isascii()


def to_number(raw) -> float | None:
    """An X12 type R value as a float; None when it is not one ('', '1e5', 'inf', ' 1')
    or too big for a float (the guides allow 15 to 18 characters)."""
    if not raw or not is_decimal(raw):
        return None
    value = float(raw)
    return value if math.isfinite(value) else None
