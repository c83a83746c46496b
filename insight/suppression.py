"""How counts are shown: the small-number rule of NHS England's published statistics.

A count of 1 to 7 is shown as the words "1 to 7" (read the same by a screen reader as it looks); every other count
is rounded to the nearest 5 (0 stays 0). Shares are worked out from the *rounded* counts, and a share whose part
or whole is 1 to 7 is not shown, so a share can never give back a suppressed count.
Nothing else in a report (tables, charts, CSV, ODS) shows a raw count.
"""
from __future__ import annotations

from dataclasses import dataclass

SUPPRESSED_TEXT = "1 to 7"
SHARE_NOT_SHOWN = "not shown (small numbers)"
SMALL_MAX = 7


@dataclass(frozen=True)
class Shown:
    """A count as published: either suppressed, or a multiple of 5."""

    suppressed: bool
    value: int  # the rounded count; 0 when suppressed (never the raw count)

    @property
    def text(self) -> str:
        return SUPPRESSED_TEXT if self.suppressed else f"{self.value:,}"

    @property
    def csv_value(self) -> str:
        return SUPPRESSED_TEXT if self.suppressed else str(self.value)


def round_to_five(count: int) -> int:
    """Nearest multiple of 5, halves up (8 -> 10, 12 -> 10, 13 -> 15)."""
    return (count + 2) // 5 * 5


def show(count: int) -> Shown:
    if count < 0:
        raise ValueError("counts are never negative")
    if 1 <= count <= SMALL_MAX:
        return Shown(True, 0)
    return Shown(False, round_to_five(count))


@dataclass(frozen=True)
class Share:
    percent: int | None  # whole per cent, None when not shown

    @property
    def text(self) -> str:
        return SHARE_NOT_SHOWN if self.percent is None else f"{self.percent}%"


def share(part: int, whole: int) -> Share:
    """``part`` of ``whole`` in whole per cent, from the rounded counts; not shown when either is 1 to 7 or 0."""
    shown_part, shown_whole = show(part), show(whole)
    if shown_part.suppressed or shown_whole.suppressed or shown_whole.value == 0:
        return Share(None)
    return Share(int(shown_part.value * 100 / shown_whole.value + 0.5))
