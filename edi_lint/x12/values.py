"""Element values read leniently: a malformed number is None, never an exception."""
from __future__ import annotations


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
    """An X12 type R value as a float; None when it is not one ('', '1E5', 'nan', ' 1')
    or too big for a float (the guides allow 15 to 18 characters)."""
    if not raw:
        return None
    digits = raw.replace(".", "", 1)  # is_decimal, inlined: the builders call this a line
    if not (digits.isdigit() and digits.isascii()):
        if raw[0] != "-" or not (digits[1:].isdigit() and digits.isascii()):
            return None
    value = float(raw)
    return value if -_INF < value < _INF else None


_INF = float("inf")
