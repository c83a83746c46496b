"""A plan view as the bot sends it to the widget (replies.plan.plan_view), built from fictional services
(Ofcom drama numbers), for the scripted server and the plan view's browser tests."""
from __future__ import annotations

import datetime as dt

from knowledge.hours.engine import LONDON, OpeningStatus
from knowledge.search.finder import Contact, Match
from replies.plan import build_plan, plan_view

NOW = dt.datetime(2026, 11, 29, 2, 0, tzinfo=LONDON)


def _match(name, number, *, opens=None, always=False, address=None, national=False):
    status = OpeningStatus(known=True, open_now=always, always_open=always, closes_at=None, next_opens_at=opens)
    return Match(
        service_id=name.lower().replace(" ", "-"), name=name, organisation=None, reasons=(), status=status,
        contacts=(Contact("phone", number),), has_verified_contact=True, assured_date=NOW.date(),
        source="tests (fictional)", is_national=national, is_crisis_line=always, description="", address=address,
    )


def sample_plan_view() -> dict:
    matches = [
        _match("Oakhaven Alcohol Service", "01632 960101", opens=NOW.replace(hour=9) + dt.timedelta(days=1),
               address="1 Mill Lane, Oakhaven XX1 1AA"),
        _match("Oakhaven Recovery Hub", "01632 960102", opens=NOW.replace(hour=10) + dt.timedelta(days=1)),
        _match("Night Line (test)", "01632 960199", always=True, national=True),
    ]
    return plan_view(build_plan(matches, NOW, "Hi, I'd like to refer myself for help with drinking."))
