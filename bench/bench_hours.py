"""How fast is the opening-hours engine? Prints microseconds per call for typical and worst-case rule sets.

The bot answers "what's open now?" for every matching service in a reply, so this must stay well under a
millisecond per service. The worst case is a 24/7 service: proving "always open" walks the whole horizon.

Run: .venv/bin/python bench/bench_hours.py
"""

from __future__ import annotations

import timeit
from datetime import date, datetime, time, timezone

from knowledge.hours.engine import WeeklyHours, opening_status

NOW = datetime(2026, 3, 28, 23, 30, tzinfo=timezone.utc)  # the night before the spring clock change

RULE_SETS = {
    "office hours (Mon-Fri 9-5, Sat 10-2)": [
        WeeklyHours(time(9), time(17), "MO,TU,WE,TH,FR", closes_on_bank_holidays=True),
        WeeklyHours(time(10), time(14), "SA"),
    ],
    "night service (Fri/Sat 20:00-08:00)": [WeeklyHours(time(20), time(8), "FR,SA")],
    "24/7 (00:00-23:59 every day)": [WeeklyHours(time(0), time(23, 59))],
    "first Saturday of the month": [WeeklyHours(time(10), time(14), freq="MONTHLY", byday="1SA")],
    "fortnightly Tuesday": [WeeklyHours(time(9), time(17), "TU", interval=2, dtstart=date(2026, 1, 6))],
    "no rules (unknown)": [],
}


def main() -> None:
    for name, rules in RULE_SETS.items():
        runs = 2000
        seconds = timeit.timeit(lambda: opening_status(rules, NOW), number=runs)
        print(f"{name:42s} {seconds / runs * 1e6:8.1f} us per opening_status call")


if __name__ == "__main__":
    main()
