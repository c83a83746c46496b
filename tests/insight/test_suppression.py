"""NHS England's small-number rule: 1 to 7 in words, others to the nearest 5, shares from rounded counts."""
from __future__ import annotations

import pytest

from insight.suppression import SHARE_NOT_SHOWN, SUPPRESSED_TEXT, round_to_five, share, show


@pytest.mark.parametrize("count, text", [
    (0, "0"), (1, "1 to 7"), (7, "1 to 7"), (8, "10"), (10, "10"), (12, "10"), (13, "15"), (17, "15"),
    (18, "20"), (1234, "1,235"), (1232, "1,230"),
])
def test_counts(count, text):
    assert show(count).text == text


def test_no_shown_value_gives_back_the_raw_count():
    for n in range(0, 500):
        shown = show(n)
        assert shown.suppressed == (1 <= n <= 7)
        assert shown.value % 5 == 0 and abs(shown.value - n) <= 2 or shown.suppressed
        assert SUPPRESSED_TEXT == "1 to 7"


def test_shares_use_rounded_counts_and_hide_small_parts():
    assert share(12, 98).text == "10%"  # 10 of 100, not 12.2%
    assert share(3, 100).text == SHARE_NOT_SHOWN
    assert share(0, 100).text == "0%"
    assert share(5, 6).text == SHARE_NOT_SHOWN
    assert share(0, 0).text == SHARE_NOT_SHOWN
    assert share(33, 33).text == "100%"


def test_rounding_halves_go_up():
    assert [round_to_five(n) for n in (2, 3, 7, 8)] == [0, 5, 5, 10]
    with pytest.raises(ValueError):
        show(-1)
