"""A generator of realistic signpost traffic for tests and the benchmark: anonymous events, seeded, no text.

The shape follows what the seed reports describe: asks all day but heaviest in the evening and small hours,
more at weekends; most people ask for themselves, about three in ten for a family member; local services fit in
the council areas the directory covers and are mostly shut at night.
"""
from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Iterator

from insight.event import ASK, CRISIS, SignpostEvent

#: Relative demand by hour of the day (0..23).
HOUR_WEIGHTS = (8, 7, 6, 4, 3, 2, 2, 3, 4, 5, 5, 5, 5, 5, 5, 5, 6, 6, 7, 8, 9, 10, 10, 9)
DAY_WEIGHTS = (1.0, 0.9, 0.9, 1.0, 1.2, 1.4, 1.3)  # Monday..Sunday
NEEDS = (("alcohol", 35), ("drugs", 15), ("family", 15), ("cut_down", 8), ("out_of_hours", 6), ("general", 6),
         ("mental_health", 5), ("harm_reduction", 4), ("young_people", 3), ("criminal_justice", 2), ("housing", 1))
#: Area code -> (weight, chance that a local service fits).
AREAS = {"E07000078": (20, 0.9), "E06000008": (15, 0.8), "E06000016": (18, 0.85), "E08000026": (14, 0.7),
         "E07000130": (6, 0.3), "E10000013": (3, 0.9), "unknown": (9, 0.0), "not_given": (15, 0.0)}
CHANNELS = (("web", 55), ("sms", 30), ("telegram", 15))
AGES = (("not said", 60), ("under 18", 6), ("18 to 24", 9), ("25 to 49", 17), ("50 to 64", 6), ("65 and over", 2))
CRISES = (("overdose", 30), ("suicidal", 35), ("not_breathing", 8), ("violence", 10), ("child_at_risk", 7),
          ("self_harm", 10))


def _pick(rng: random.Random, weighted) -> str:
    names, weights = zip(*weighted)
    return rng.choices(names, weights=weights)[0]


def _ask(rng: random.Random, day: date, hour: int) -> SignpostEvent:
    area = rng.choices(list(AREAS), weights=[w for w, _ in AREAS.values()])[0]
    fits = rng.random() < AREAS[area][1]
    fitted = rng.randint(1, 4) if fits else 0
    in_hours = day.weekday() < 5 and 9 <= hour < 17
    open_count = sum(rng.random() < (0.8 if in_hours else 0.1) for _ in range(fitted))
    return SignpostEvent(
        kind=ASK, day=day, hour=hour, channel=_pick(rng, CHANNELS), need=_pick(rng, NEEDS), area_code=area,
        for_whom="someone_else" if rng.random() < 0.3 else "self", age_band=_pick(rng, AGES),
        local_fitted=fitted, local_open=open_count, out_of_hours_only=open_count == 0,
    )


def week_of_traffic(monday: date, asks_per_week: int = 1400, crisis_share: float = 0.03,
                    seed: int = 7) -> Iterator[SignpostEvent]:
    """About ``asks_per_week`` asks (and a few crises) spread over the week starting ``monday``."""
    rng = random.Random(seed)
    slots = [(d, h) for d in range(7) for h in range(24)]
    weights = [DAY_WEIGHTS[d] * HOUR_WEIGHTS[h] for d, h in slots]
    for d, h in rng.choices(slots, weights=weights, k=asks_per_week):
        day = monday + timedelta(days=d)
        if rng.random() < crisis_share:
            yield SignpostEvent(kind=CRISIS, day=day, hour=h, channel=_pick(rng, CHANNELS),
                                crisis_type=_pick(rng, CRISES))
        else:
            yield _ask(rng, day, h)


def traffic(first_day: date, days: int, asks_per_week: int, seed: int = 7) -> Iterator[SignpostEvent]:
    """Whole weeks of traffic from the Monday on or before ``first_day``, kept to the ``days`` from it."""
    monday = first_day - timedelta(days=first_day.weekday())
    end = first_day + timedelta(days=days)
    week = 0
    while monday + timedelta(days=7 * week) < end:
        for event in week_of_traffic(monday + timedelta(days=7 * week), asks_per_week, seed=seed + week):
            if first_day <= event.day < end:
                yield event
        week += 1
