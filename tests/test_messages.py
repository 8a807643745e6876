"""edi_lint.messages: the one wording of amounts, ordinals, quantities and dates."""
from datetime import date
from types import SimpleNamespace

import pytest

from edi_lint.messages import days, dos_text, money, ordinal, quantity, span


@pytest.mark.parametrize(("cents", "text"), [
    (4, "$0.04"), (500000, "$5,000.00"), (12345678, "$123,456.78"), (0, "$0.00"),
    (-5, "-$0.05"), (45000.0, "$450.00"), (None, "(no amount)"),
])
def test_money(cents, text):
    assert money(cents) == text


@pytest.mark.parametrize(("n", "text"), [
    (1, "1st"), (2, "2nd"), (3, "3rd"), (4, "4th"), (11, "11th"), (12, "12th"), (13, "13th"),
    (20, "20th"), (21, "21st"), (22, "22nd"), (101, "101st"), (111, "111th"), (112, "112th"),
])
def test_ordinal(n, text):
    assert ordinal(n) == text


@pytest.mark.parametrize(("value", "text"), [
    (4.0, "4"), (4, "4"), (2.5, "2.5"), (0.25, "0.25"), (None, "none"),
])
def test_quantity(value, text):
    assert quantity(value) == text


def test_dates():
    a, b = date(2025, 6, 1), date(2025, 6, 5)
    assert span(a, b) == "2025-06-01..2025-06-05"
    assert span(a, a) == "2025-06-01..2025-06-01"  # a period names both ends
    assert days(a) == days(a, a) == "2025-06-01"
    assert days(a, b) == "2025-06-01..2025-06-05"
    assert dos_text(SimpleNamespace(dos_from=a, dos_to=b)) == "2025-06-01..2025-06-05"
    assert dos_text(SimpleNamespace(dos_from=a, dos_to=None)) == "2025-06-01"
    assert dos_text(SimpleNamespace(dos_from=None, dos_to=None, dos_raw="2025")) == "DOS 2025"
    assert dos_text(SimpleNamespace(dos_from=None, dos_to=None, dos_raw="")) == "DOS (none)"
