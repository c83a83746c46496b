"""The generated fictional county: deterministic, complete, and readable by the ordinary importer."""
from __future__ import annotations

import datetime as dt
import re

from knowledge.formats.importer import import_hsds
from tests.relevance.county import SOURCE, SPECS, build

KINDS = {
    "adult treatment hub": "hub", "family support": "families", "24/7 local line": "nightline",
    "young people's service": "junction", "prison-release team": "gate", "needle exchange": "nsp",
    "night shelter": "shelter", "recovery café": "cafe", "GP-led clinic": "gp_alcohol",
    "pharmacy without a needle exchange": "pharm_ollerby", "mental health crisis line": "mh_line",
    "housing advice": "housing", "peer support": "mentors", "food larder": "larder", "swimming": "swim",
    "domestic abuse": "abuse",
}


def test_the_feed_is_the_same_on_every_run():
    assert build() == build()


def test_it_has_forty_services_of_every_kind_with_fictional_numbers():
    assert len(SPECS) >= 40
    keys = {spec.key for spec in SPECS}
    assert set(KINDS.values()) <= keys
    assert "<strong>not</strong> run a needle exchange" in next(s for s in SPECS if s.key == "pharm_ollerby").description
    for record in build():
        assert record["source"] == SOURCE
        for phone in record["phones"]:
            assert re.fullmatch(r"01632 960\d{3}|07700 900\d{3}", phone["number"]), phone["number"]


def test_every_record_imports(db_session):
    report = import_hsds(db_session, build(), today=dt.date(2026, 11, 20))
    assert report.rejected == []
    assert len(report.created) == len(SPECS)
