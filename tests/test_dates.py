"""edi_lint.dates: X12 date parsing and the spec's date arithmetic (billing-rules.md §1)."""

from datetime import date

import pytest

from edi_lint.dates import (
    inclusive_days,
    is_last_day_of_month,
    latest_end,
    month_key,
    parse_d8,
    parse_period,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("20250601", date(2025, 6, 1)),
        ("20251231", date(2025, 12, 31)),
        ("20240229", date(2024, 2, 29)),  # leap year
        ("20000229", date(2000, 2, 29)),  # divisible by 400: leap
        ("00010101", date(1, 1, 1)),
        ("20250230", None),  # not a calendar date
        ("20250229", None),  # 2025 is not a leap year
        ("19000229", None),  # divisible by 100, not 400: not leap
        ("20251301", None),
        ("20250001", None),
        ("20250100", None),
        ("00000101", None),  # year 0
        ("2025013", None),  # 7 characters
        ("202506010", None),  # 9 characters
        ("", None),
        ("abcdefgh", None),
        ("2025-6-1", None),
        (" 2025060", None),
        ("+2025060", None),
        ("2025_601", None),
        ("2025０601", None),  # full-width digit: str.isdigit() is true, but not ASCII
        ("２０２５０６０１", None),
    ],
)
def test_parse_d8(text, expected):
    assert parse_d8(text) == expected


@pytest.mark.parametrize(
    ("qualifier", "value", "expected"),
    [
        ("D8", "20250601", (date(2025, 6, 1), date(2025, 6, 1))),
        ("RD8", "20250601-20250630", (date(2025, 6, 1), date(2025, 6, 30))),
        ("RD8", "20250601-20250601", (date(2025, 6, 1), date(2025, 6, 1))),  # one day, not a span
        ("RD8", "20250630-20250601", (date(2025, 6, 30), date(2025, 6, 1))),  # from > to: as is
        ("RD8", "20240201-20240229", (date(2024, 2, 1), date(2024, 2, 29))),
        ("D8", "20250230", None),
        ("D8", "20250601-20250630", None),
        ("RD8", "20250601", None),
        ("RD8", "20250601 20250630", None),
        ("RD8", "20250601-2025063", None),
        ("RD8", "20250601-202506300", None),
        ("RD8", "20250230-20250301", None),
        ("RD8", "20250201-20250230", None),
        ("RD8", "", None),
        ("DT", "202506011200", None),
        ("d8", "20250601", None),
        ("", "20250601", None),
    ],
)
def test_parse_period(qualifier, value, expected):
    assert parse_period(qualifier, value) == expected


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (date(2025, 6, 1), 6, date(2025, 12, 31)),  # the seed's ECM example 6/1/25-12/31/25
        (date(2026, 6, 1), 6, date(2026, 12, 31)),  # the seed's CS example 6/1/26-12/31/26
        (date(2025, 6, 15), 12, date(2026, 6, 30)),
        (date(2025, 1, 31), 1, date(2025, 2, 28)),
        (date(2023, 8, 31), 6, date(2024, 2, 29)),  # into a leap February
        (date(2025, 12, 1), 1, date(2026, 1, 31)),
        (date(2025, 7, 1), 6, date(2026, 1, 31)),
        (date(2025, 6, 10), 0, date(2025, 6, 30)),
        (date(2025, 1, 1), 24, date(2027, 1, 31)),
    ],
)
def test_latest_end(start, months, expected):
    assert latest_end(start, months) == expected


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        (date(2025, 6, 1), date(2025, 6, 30), 30),
        (date(2025, 6, 1), date(2025, 6, 1), 1),
        (date(2025, 6, 1), date(2025, 12, 31), 214),  # a six-month TAR: > 150 days
        (date(2024, 2, 1), date(2024, 3, 1), 30),  # leap February
        (date(2025, 2, 1), date(2025, 3, 1), 29),
        (date(2025, 1, 1), date(2025, 3, 25), 84),  # 12 weeks
        (date(2025, 6, 2), date(2025, 6, 1), 0),
    ],
)
def test_inclusive_days(a, b, expected):
    assert inclusive_days(a, b) == expected


@pytest.mark.parametrize(
    ("d", "expected"),
    [
        (date(2025, 6, 1), "2025-06"),
        (date(2025, 12, 31), "2025-12"),
        (date(999, 1, 5), "0999-01"),
    ],
)
def test_month_key(d, expected):
    assert month_key(d) == expected


@pytest.mark.parametrize(
    ("d", "expected"),
    [
        (date(2025, 12, 31), True),
        (date(2025, 6, 30), True),
        (date(2025, 6, 29), False),
        (date(2024, 2, 29), True),
        (date(2024, 2, 28), False),
        (date(2025, 2, 28), True),
        (date(2025, 1, 1), False),
        (date(9999, 12, 31), True),
    ],
)
def test_is_last_day_of_month(d, expected):
    assert is_last_day_of_month(d) is expected
