"""Contacts: their phones are the service's phones (tested in test_samples.py); a service with no email of its own
gets its first contact's email, shown as a contact of kind email; contacts' names and titles are not stored, and
the import report says so. From the Buckinghamshire Outpost page and tests/knowledge/fixtures/oruk1_full.json."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from knowledge.formats.ids import scope_for, scoped
from knowledge.formats.importer import import_hsds, read_hsds_file
from knowledge.search.snapshot import read_active_records
from knowledge.store.db import session_scope
from knowledge.store.models import Service

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
SAMPLES = Path(__file__).resolve().parents[4] / "shared" / "directory-samples"
TODAY = dt.date(2026, 12, 1)
SOURCE = "Sample feed"
SCOPE = scope_for(SOURCE)
FIRST = "b1f7c0de-0000-4000-8000-000000000001"


def load(engine, data):
    with session_scope(engine) as session:
        return import_hsds(session, data, source=SOURCE, today=TODAY)


def test_outpost_services_with_no_email_get_their_contacts_and_the_report_names_what_is_not_kept(engine):
    report = load(engine, read_hsds_file(SAMPLES / "outpost-buckinghamshire-services-page.json"))
    assert report.rejected == []
    # Services 7, 20, 21 and 23 name a contact (Jamie Spencer, Outreach Manager; ...).
    assert any(note.startswith("Contacts' names and titles are not stored (4 records name a contact)")
               for note in report.notes)
    with session_scope(engine) as session:
        def email(record_id):
            return session.get(Service, scoped(SCOPE, record_id)).email

        # 7 and 19 give no email of their own but their contacts do (as the sample has it); 23's contact's is
        # blank; 1 has no contacts.
        assert (email("7"), email("19"), email("23"), email("1")) == (
            "email@email.com", "email@email.com", None, None)
        [record] = [r for r in read_active_records(session) if r.id == scoped(SCOPE, "7")]
        assert ("email", "email@email.com") in [(c.kind, c.value) for c in record.contacts]


def test_a_contacts_email_is_used_only_when_the_service_has_none_of_its_own(engine):
    records = read_hsds_file(FIXTURES / "oruk1_full.json")
    records[0]["contacts"][1]["email"] = "duty@example.org"
    without_own = {**records[0], "id": "no-email-of-its-own", "email": None}
    report = load(engine, records + [without_own])
    assert report.rejected == []
    assert any("(2 records name a contact)" in note for note in report.notes)
    with session_scope(engine) as session:
        assert session.get(Service, scoped(SCOPE, FIRST)).email == "help@example.org"
        assert session.get(Service, scoped(SCOPE, "no-email-of-its-own")).email == "duty@example.org"


def test_a_contact_email_that_is_not_an_address_is_not_used(engine):
    records = read_hsds_file(FIXTURES / "oruk1_full.json")
    records[0]["email"] = ""
    records[0]["contacts"][0]["email"] = "ask at reception"
    assert load(engine, records).rejected == []
    with session_scope(engine) as session:
        assert session.get(Service, scoped(SCOPE, FIRST)).email is None
