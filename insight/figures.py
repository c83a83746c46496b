"""The figures of a report, counted from the event table for one whole period.

Figures hold *raw* counts; they are never shown as they are. Every way out (HTML, charts, CSV, ODS) goes through
:mod:`insight.suppression`, so one rule applies everywhere: 1 to 7 in words, everything else to the nearest 5,
shares worked out from the rounded counts.

"Out of hours" means outside 09:00–17:00 Monday to Friday, or on an English bank holiday: when most local
services are shut ("support is available from 9am to 5pm – ie not when it is most urgently needed", seeds §8.5).
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy.orm import Session

from insight import store
from insight.areas import NOT_GIVEN, area_label
from insight.event import AGE_BANDS, AGE_UNKNOWN, CHANNEL_ORDER
from insight.periods import Period, iso_weeks
from knowledge.hours.engine import is_bank_holiday
from knowledge.needs.catalogue import NEEDS

DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
CHANNEL_LABELS = {"web": "Web chat", "sms": "SMS", "telegram": "Telegram", "other": "Other"}
FOR_WHOM_LABELS = {"self": "For themselves", "someone_else": "For someone else (family or friends)"}
CRISIS_LABELS = {
    "not_breathing": "Not breathing", "unconscious": "Unconscious", "overdose": "Overdose", "poisoning": "Poisoning",
    "seizure": "Seizure", "suicidal": "Suicidal thoughts", "self_harm": "Self-harm", "violence": "Violence",
    "child_at_risk": "A child at risk", "unspecified": "Type not recognised",
}


@dataclass(frozen=True)
class Count:
    """A raw count, shown through the small-number rule."""

    n: int


@dataclass(frozen=True)
class Percent:
    """A share, worked out from the rounded counts of its part and whole."""

    part: int
    whole: int


@dataclass
class Table:
    key: str  # a short name for sheets and CSV rows, e.g. "by_need"
    title: str
    headers: list[str]  # the first is the label column
    rows: list[list] = field(default_factory=list)  # [label, Count | Percent, ...]
    note: str = ""


@dataclass
class Figures:
    period: Period
    provisional: bool
    counted_to: date  # the last day counted (yesterday, while the period runs)
    asks: int
    out_of_hours: int
    for_someone_else: int
    with_area: int
    no_fitting_local: int
    nothing_fitting_open: int
    crises: int
    heat: list[list[int]]  # [day 0..6][hour 0..23]
    tables: list[Table]

    def table(self, key: str) -> Table:
        return next(t for t in self.tables if t.key == key)


def in_hours(day: date, hour: int) -> bool:
    return day.weekday() < 5 and 9 <= hour < 17 and not is_bank_holiday(day)


def need_label(code: str | None) -> str:
    need = NEEDS.get(code or "")
    return need.label[0].upper() + need.label[1:] if need else (code or "Not known")


def _by_share(title: str, key: str, label: str, counts: Counter, total: int, labels=None, order=None) -> Table:
    keys = list(order) if order else sorted(counts, key=lambda k: (-counts[k], str(k)))
    table = Table(key, title, [label, "Asks", "Share of all asks"])
    for k in keys:
        if k in counts or order:
            name = labels(k) if callable(labels) else (labels or {}).get(k, k)
            table.rows.append([name, Count(counts.get(k, 0)), Percent(counts.get(k, 0), total)])
    return table


def build_figures(session: Session, period: Period, today: date) -> Figures:
    # A period still running is counted to the end of yesterday only: running the report twice in one day gives the
    # same figures, so two runs an hour apart cannot be subtracted to show the conversations of that hour.
    start, end = period.start, min(period.end, today)
    day_hours = store.asks_by_day_and_hour(session, start, end)
    heat = [[0] * 24 for _ in range(7)]
    out_of_hours = 0
    weekly: Counter = Counter()
    for day, hour, count in day_hours:
        heat[day.weekday()][hour] += count
        if not in_hours(day, hour):
            out_of_hours += count
    asks = sum(count for _, _, count in day_hours)

    by_need, by_channel, by_whom, by_age = Counter(), Counter(), Counter(), Counter()
    for need, channel, for_whom, band, count in store.asks_by_need_channel_and_person(session, start, end):
        by_need[need] += count
        by_channel[channel] += count
        by_whom[for_whom] += count
        by_age[band] += count
    by_area, by_hour = Counter(), Counter()
    none_area, none_hour, shut_area, shut_hour = Counter(), Counter(), Counter(), Counter()
    for code, hour, found, count in store.asks_by_area_hour_and_gap(session, start, end):
        by_area[code] += count
        by_hour[hour] += count
        if found == store.NO_FITTING_LOCAL:
            none_area[code] += count
            none_hour[hour] += count
        elif found == store.NOTHING_FITTING_OPEN:
            shut_area[code] += count
            shut_hour[hour] += count
    with_area = asks - by_area.get(NOT_GIVEN, 0)

    crises_rows = store.crises_by_day(session, start, end)
    crisis_types: Counter = Counter()
    for day, kind, count in crises_rows:
        year, week, _ = day.isocalendar()
        weekly[f"{year}-W{week:02d}"] += count
        crisis_types[kind] += count
    crises = sum(crisis_types.values())

    summary = Table("summary", "Summary", ["Measure", "Count", "Share"])
    summary.rows = [
        ["Asks for help answered", Count(asks), ""],
        ["Asks out of hours (outside 9am to 5pm, Monday to Friday, and bank holidays)", Count(out_of_hours),
         Percent(out_of_hours, asks)],
        ["Asks by family members or friends, for someone else", Count(by_whom.get("someone_else", 0)),
         Percent(by_whom.get("someone_else", 0), asks)],
        ["Asks that named an area", Count(with_area), Percent(with_area, asks)],
        ["Asks with no fitting local service (share of asks that named an area)",
         Count(sum(none_area.values())), Percent(sum(none_area.values()), with_area)],
        ["Asks when nothing fitting was open (share of asks that named an area)",
         Count(sum(shut_area.values())), Percent(sum(shut_area.values()), with_area)],
        ["Emergency guidance given (crises)", Count(crises), ""],
    ]

    heat_table = Table("hour_of_week", "Asks by hour of the week", ["Hour", *DAYS])
    for hour in range(24):
        heat_table.rows.append([f"{hour:02d}:00 to {hour:02d}:59", *(Count(heat[d][hour]) for d in range(7))])

    area_codes = sorted(set(by_area) | set(none_area) | set(shut_area),
                        key=lambda c: (c == NOT_GIVEN, c == "unknown", -by_area.get(c, 0), c))
    area_table = Table("by_area", "Asks by area", ["Area", "Asks", "No fitting local service",
                                                   "Nothing fitting was open"])
    for code in area_codes:
        area_table.rows.append([area_label(code), Count(by_area.get(code, 0)), Count(none_area.get(code, 0)),
                                Count(shut_area.get(code, 0))])
    area_table.note = ("Areas are council areas by their ONS code. Asks that named no area are not counted in the "
                       "last two columns: nothing local could be looked for.")

    hour_table = Table("by_hour", "Asks by hour of the day", ["Hour", "Asks", "No fitting local service",
                                                              "Nothing fitting was open"])
    for hour in range(24):
        hour_table.rows.append([f"{hour:02d}:00 to {hour:02d}:59", Count(by_hour.get(hour, 0)),
                                Count(none_hour.get(hour, 0)), Count(shut_hour.get(hour, 0))])

    week_table = Table("crises_by_week", "Emergency guidance given, by week", ["Week (ISO)", "Crises"])
    for code, monday in iso_weeks(period):
        week_table.rows.append([f"{code} (from {monday:%-d %b %Y})", Count(weekly.get(code, 0))])
    if period.kind != "week":
        week_table.note = "The first and last weeks may be only partly inside the period; only days inside it count."

    tables = [
        summary,
        heat_table,
        _by_share("Asks by need", "by_need", "Need", by_need, asks, labels=need_label),
        area_table,
        _by_share("Asks by channel", "by_channel", "Channel", by_channel, asks, labels=CHANNEL_LABELS,
                  order=CHANNEL_ORDER),
        _by_share("Who the help was for", "by_whom", "For", by_whom, asks, labels=FOR_WHOM_LABELS,
                  order=("self", "someone_else")),
        _by_share("Age of the person the help was for", "by_age", "Age", by_age, asks,
                  order=[label for _, label in AGE_BANDS] + [AGE_UNKNOWN]),
        hour_table,
        week_table,
        _by_share("Emergency guidance given, by type", "crises_by_type", "Type", crisis_types, crises,
                  labels=lambda k: CRISIS_LABELS.get(k, k)),
    ]
    tables[-1].headers = ["Type", "Crises", "Share of all crises"]
    return Figures(
        period=period, provisional=period.is_provisional(today), counted_to=end - timedelta(days=1), asks=asks, out_of_hours=out_of_hours,
        for_someone_else=by_whom.get("someone_else", 0), with_area=with_area,
        no_fitting_local=sum(none_area.values()), nothing_fitting_open=sum(shut_area.values()), crises=crises,
        heat=heat, tables=tables,
    )
