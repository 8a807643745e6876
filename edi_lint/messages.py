"""How findings' messages write amounts, ordinals, quantities and dates (one of each).

'$1,234.56', '3rd', '2.5', '2025-06-01..2025-06-05': every rule words these alike.
"""
from __future__ import annotations


def money(cents) -> str:
    """4 -> '$0.04'; 500000 -> '$5,000.00'; -5 -> '-$0.05'; None -> '(no amount)'."""
    if cents is None:
        return "(no amount)"
    sign = "-" if cents < 0 else ""
    cents = abs(round(cents))
    return f"{sign}${cents // 100:,}.{cents % 100:02d}"


def ordinal(n: int) -> str:
    """1 -> '1st', 2 -> '2nd', 11 -> '11th', 23 -> '23rd'."""
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def quantity(value) -> str:
    """A quantity without needless decimals: 4.0 -> '4', 2.5 -> '2.5'; None -> 'none'."""
    if value is None:
        return "none"
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def span(start, end) -> str:
    """Two dates as a period: '2025-06-01..2025-06-30' (both, even when equal)."""
    return f"{start.isoformat()}..{end.isoformat()}"


def days(start, end=None) -> str:
    """One day, '2025-06-03', or a span when ``end`` is another day."""
    if end is None or end == start:
        return start.isoformat()
    return span(start, end)


def dos_text(item) -> str:
    """The date(s) of service of a service line or a line fact ('DOS <raw>' unread)."""
    if item.dos_from is None:
        return f"DOS {getattr(item, 'dos_raw', None) or '(none)'}"
    return days(item.dos_from, item.dos_to)
