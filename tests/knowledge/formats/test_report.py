"""Schema validation in plain English, and the grouped report an officer can act on."""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from knowledge.formats import detect, validation
from knowledge.formats.importer import import_hsds, read_hsds_file
from knowledge.formats.report import as_csv, as_html, as_text, build_summary, write_report
from knowledge.store.db import session_scope

SAMPLES = Path(__file__).resolve().parents[4] / "shared" / "directory-samples"
TODAY = dt.date(2026, 12, 1)


def test_oruk1_records_are_checked_against_the_official_schema_in_plain_english():
    records = read_hsds_file(SAMPLES / "oruk1-bristol-council-services.json")[:40]
    variant = dict(records[1], status="open", attending_type="", email="not an email")
    variant.pop("organization", None)
    findings = validation.validate_records([variant], "oruk-1.0")
    problems = sorted(f.problem for f in findings)
    assert "organization is missing (the standard requires it)" in problems
    assert any(p.startswith('status is "open"; the standard allows only: active, inactive, defunct') for p in problems)
    assert 'email is not a valid email: "not an email"' in problems
    # An empty optional field is "not given", not an error 800 times over.
    assert not any(f.path == "attending_type" for f in findings)


def test_a_3_0_record_with_wrong_types_is_explained():
    record = json.loads((SAMPLES / "oruk3-service-full.json").read_text())
    record["minimum_age"] = "eighteen"
    del record["status"]
    findings = validation.validate_records([record], "oruk-3.0")
    assert {f.problem for f in findings} >= {"status is missing (the standard requires it)",
                                             "minimum_age should be number but is text"}
    assert validation.validate_records([json.loads((SAMPLES / "oruk3-service-full.json").read_text())],
                                       "hsds-3.0") == []


def test_outpost_has_no_official_schema():
    feed = detect.recognise(read_hsds_file(SAMPLES / "outpost-buckinghamshire-services-page.json"))
    assert validation.schema_for(feed.format) is None


def _summary(session, name, **kwargs):
    data = read_hsds_file(SAMPLES / name)
    feed = detect.recognise(data)
    report = import_hsds(session, data, source="Report test", today=TODAY, **kwargs)
    schema = validation.schema_for(feed.format)
    findings = validation.validate_records(feed.records, schema) if schema else []
    names = {str(r["id"]): r.get("name") or "" for r in feed.records if isinstance(r, dict) and "id" in r}
    return build_summary(name, report, findings, names=names, schema=validation.describe_schema(schema))


def test_repeats_are_grouped_so_the_printed_report_stays_short(sqlite_engine):
    with session_scope(sqlite_engine) as session:
        summary = _summary(session, "oruk1-bristol-council-services.json")
    text = as_text(summary)
    assert len(text.splitlines()) < 40 and len(text) < 6000
    assert "rejected def5ccd4-f121-df4d-60d2-4dc0d69ff555: missing name" in text
    assert "what signpost does: Not loaded: nothing of this record was stored." in text
    assert "warning in 15 records" in text and "and 12 more" in text
    # The CSV keeps every record's row, with how many records share the problem.
    rows = as_csv(summary).splitlines()
    assert len(rows) > 100 and rows[0].startswith("record id,service name,kind")
    no_date = [row for row in rows if "no assured_date" in row]
    assert len(no_date) == 15 and all(row.endswith(",15") for row in no_date)


def test_html_report_is_escaped_and_lists_every_record_of_a_group(sqlite_engine, tmp_path):
    with session_scope(sqlite_engine) as session:
        summary = _summary(session, "outpost-buckinghamshire-services-page.json")
    page = as_html(summary)
    assert page.startswith("<!DOCTYPE html>") and '<html lang="en-GB">' in page
    # The 10 records whose organisation has no name are one group, every record listed in it.
    assert "page 1 of 141" in page and "<summary>10 records</summary>" in page
    summary.rows[0].problem = "<script>alert(1)</script>"
    assert "<script>alert" not in as_html(summary)
    write_report(summary, tmp_path / "r.csv")
    assert (tmp_path / "r.csv").read_text().startswith("record id")
    with pytest.raises(ValueError):
        write_report(summary, tmp_path / "r.pdf")
