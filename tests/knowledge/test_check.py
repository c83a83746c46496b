"""The directory check: UK phone numbers, provenance, readable schedules and freshness."""
from __future__ import annotations

import datetime as dt

import pytest

from knowledge.quality.check import (
    BAD_PHONE,
    BAD_SCHEDULE,
    MISSING_ASSURED_DATE,
    MISSING_SOURCE,
    STALE,
    STALE_NO_CONTACT,
    check_directory,
    is_valid_uk_number,
    normalise_uk_number,
)
from knowledge.store.db import session_scope
from knowledge.store.models import Phone, Schedule, Service

TODAY = dt.date(2026, 11, 25)


@pytest.mark.parametrize(
    "number",
    ["999", "111", "101", "116 123", "116123", "85258", "82111", "0800 1111", "0300 123 6600", "0300 123 1110",
     "0800 358 3456", "0808 800 4444", "020 7946 0000", "01632 960123", "016977 4123", "07700 900123",
     "+44 300 123 6600", "+44 (0) 300 123 6600", "0044 20 7946 0000", "0800 123 456"],
)
def test_valid_uk_numbers(number):
    assert is_valid_uk_number(number)


@pytest.mark.parametrize(
    "number",
    ["", None, "12345", "998", "0300 123 660", "0300 123 66000", "07700 90012", "0909 879 0000", "0845 1234",
     "+1 212 555 0100", "0808 800 444", "call us", "116 12", "95258"],
)
def test_invalid_uk_numbers(number):
    assert not is_valid_uk_number(number)


def test_normalise_uk_number():
    assert normalise_uk_number("+44 (0)300-123.6600") == "03001236600"


def _service(session, service_id, **values):
    defaults = dict(name=service_id.title(), status="active", source="test", assured_date=dt.date(2026, 11, 1))
    defaults.update(values)
    service = Service(id=service_id, **defaults)
    session.add(service)
    return service


def test_clean_directory_passes(engine):
    with session_scope(engine) as session:
        service = _service(session, "fine")
        service.phones.append(Phone(number="0300 123 6600"))
        service.schedules.append(Schedule(byday="MO,TU", opens_at=dt.time(9), closes_at=dt.time(17)))
    with session_scope(engine) as session:
        assert check_directory(session, max_age_days=365, today=TODAY) == []


def test_each_kind_of_problem_is_reported(engine):
    with session_scope(engine) as session:
        _service(session, "no-source", source=None)
        _service(session, "no-date", assured_date=None)
        _service(session, "stale", assured_date=dt.date(2025, 11, 24)).phones.append(Phone(number="0300 123 1110"))
        _service(session, "stale-no-contact", assured_date=dt.date(2017, 1, 1))
        _service(session, "just-in-time", assured_date=dt.date(2025, 11, 25))
        _service(session, "bad-phone").phones.append(Phone(number="0300 123"))
        _service(session, "bad-byday").schedules.append(Schedule(byday="MON", opens_at=dt.time(9), closes_at=dt.time(17)))
        _service(session, "no-times").schedules.append(Schedule(byday="MO", opens_at=dt.time(9)))
        _service(session, "no-days").schedules.append(Schedule(byday=None, opens_at=dt.time(9), closes_at=dt.time(17)))
        # Not offered to anyone, so not checked.
        _service(session, "closed", status="defunct", source=None, assured_date=dt.date(2001, 1, 1))
    with session_scope(engine) as session:
        problems = check_directory(session, max_age_days=365, today=TODAY)
    found = sorted((p.service_id, p.kind) for p in problems)
    assert found == [
        ("bad-byday", BAD_SCHEDULE),
        ("bad-phone", BAD_PHONE),
        ("no-date", MISSING_ASSURED_DATE),
        ("no-days", BAD_SCHEDULE),
        ("no-source", MISSING_SOURCE),
        ("no-times", BAD_SCHEDULE),
        ("stale", STALE),
        ("stale-no-contact", STALE_NO_CONTACT),
    ]
    stale = next(p for p in problems if p.kind == STALE)
    assert stale.service_name == "Stale" and "366 days ago" in stale.detail


# ---- bundled directory against a council's own data ---------------------------------------------------------------


def test_bundled_problems_fail_and_a_councils_own_are_warnings(engine):
    from knowledge.quality.verdict import grouped, judge

    with session_scope(engine) as session:
        _service(session, "national-line", assured_date=dt.date(2024, 1, 1)).phones.append(Phone(number="116 123"))
        _service(session, "seed-old", assured_date=dt.date(2017, 1, 1))
        for number in range(30):
            _service(session, f"council:old-{number}", assured_date=dt.date(2019, 1, 1)).phones.append(
                Phone(number="0300 123 4567"))
        _service(session, "council:bad-phone").phones.append(Phone(number="0909 879 0000"))
    with session_scope(engine) as session:
        problems = check_directory(session, max_age_days=365, today=TODAY)
    bundled = {"national-line", "seed-old"}
    verdict = judge(problems, bundled_ids=bundled)
    assert [(p.service_id, p.kind) for p in verdict.failing] == [("national-line", STALE)]
    assert [(p.service_id, p.kind) for p in verdict.noted] == [("seed-old", STALE_NO_CONTACT)]
    assert len(verdict.warnings) == 31 and not verdict.passed
    # Strict: the council's numbers fail, its age never does.
    strict = judge(problems, bundled_ids=bundled, strict=True)
    assert {p.service_id for p in strict.failing} == {"national-line", "council:bad-phone"}
    assert judge([p for p in problems if p.service_id.startswith("council:")], bundled_ids=bundled).passed
    # Thirty old records are one line, not thirty.
    lines = grouped(verdict.warnings)
    assert len(lines) == 2 and lines[0].startswith("stale: 30 services were not checked within the age limit")
    assert lines[0].endswith("and 27 more")


def test_a_month_day_schedule_is_readable_and_a_weekly_one_with_month_days_is_not(engine):
    with session_scope(engine) as session:
        _service(session, "monthly").schedules.append(
            Schedule(freq="MONTHLY", bymonthday="1,-1", opens_at=dt.time(9), closes_at=dt.time(12)))
        _service(session, "weekly-with-days").schedules.append(
            Schedule(freq="WEEKLY", byday="MO", bymonthday="1", opens_at=dt.time(9), closes_at=dt.time(12)))
    with session_scope(engine) as session:
        problems = check_directory(session, max_age_days=365, today=TODAY)
    assert [(p.service_id, p.kind) for p in problems] == [("weekly-with-days", BAD_SCHEDULE)]
