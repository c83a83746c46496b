"""Reports from a generated week of realistic traffic, on SQLite and PostgreSQL: the right counts for the
period only, every number shown through the small-number rule, CSV and ODS with no text or id columns."""
from __future__ import annotations

import csv
import re
from collections import Counter
from datetime import date, timedelta

import pytest
from bs4 import BeautifulSoup
from odf.opendocument import load
from odf.table import Table, TableCell, TableRow

from bot.cli import COMMAND_MODULES, main, report
from insight import store
from insight.exports import CSV_HEADER
from insight.figures import build_figures, in_hours
from insight.periods import parse_period
from insight.suppression import show
from knowledge.store.db import session_scope
from tests.insight.traffic import traffic, week_of_traffic

WEEK = parse_period("2026-W47")  # Monday 16 to Sunday 22 November 2026
AFTER = date(2026, 12, 1)
SHOWN_VALUE = re.compile(r"^(?:|0|[1-9]\d{0,2}(?:,\d{3})*|1 to 7|\d{1,3}%|not shown \(small numbers\))$")


@pytest.fixture
def week(insight_engine):
    """The engine, with a week of traffic in W47 and a few days either side that must not be counted."""
    events = list(week_of_traffic(WEEK.start, asks_per_week=1400, seed=11))
    around = list(traffic(WEEK.start - timedelta(days=3), 3, 700, seed=5)) + list(
        traffic(WEEK.end, 3, 700, seed=6))
    with session_scope(insight_engine) as session:
        store.add_events(session, events + around)
    return insight_engine, events


def _figures(engine, period=WEEK, today=AFTER):
    with session_scope(engine) as session:
        return build_figures(session, period, today)


def test_the_figures_count_the_period_only(week):
    engine, events = week
    figures = _figures(engine)
    asks = [e for e in events if e.kind == "ask"]
    crises = [e for e in events if e.kind == "crisis"]
    assert figures.asks == len(asks) > 1000
    assert figures.crises == len(crises) > 10
    assert figures.out_of_hours == sum(1 for e in asks if not in_hours(e.day, e.hour))
    assert figures.for_someone_else == sum(1 for e in asks if e.for_whom == "someone_else")
    assert figures.no_fitting_local == sum(1 for e in asks if e.local_fitted == 0 and e.area_code != "not_given")
    assert figures.nothing_fitting_open == sum(1 for e in asks if e.local_fitted > 0 and e.local_open == 0)
    assert sum(map(sum, figures.heat)) == len(asks)
    assert figures.heat[6][23] == sum(1 for e in asks if e.day.weekday() == 6 and e.hour == 23)
    needs = Counter(e.need for e in asks)
    by_need = {row[0]: row[1].n for row in figures.table("by_need").rows}
    assert by_need["Help with drinking"] == needs["alcohol"]
    assert sum(by_need.values()) == len(asks)
    weeks = figures.table("crises_by_week").rows
    assert [(row[0][:8], row[1].n) for row in weeks] == [("2026-W47", len(crises))]
    assert not figures.provisional


def test_the_current_period_is_provisional_and_counted_to_yesterday(week):
    engine, events = week
    thursday = WEEK.start + timedelta(days=3)
    figures = _figures(engine, today=thursday)
    assert figures.provisional and figures.counted_to == thursday - timedelta(days=1)
    assert figures.asks == sum(1 for e in events if e.kind == "ask" and e.day < thursday)
    assert sum(1 for e in events if e.kind == "ask" and e.day == thursday) > 0  # today's are there, not counted
    from insight.html import render_report

    page = render_report(_figures(engine, today=WEEK.start + timedelta(days=3)), WEEK.start)
    assert "Provisional" in page and "(provisional)" in page and "count to the end of 18 November 2026" in page
    assert "Provisional" not in render_report(_figures(engine), AFTER)


def test_every_number_on_the_page_is_shown_by_the_rule(week):
    from insight.html import render_report

    engine, _ = week
    page = render_report(_figures(engine), AFTER)
    soup = BeautifulSoup(page, "html.parser")
    cells = [td.get_text() for td in soup.find_all("td")]  # "" where a measure has no share
    assert len(cells) > 300
    for text in cells:
        assert SHOWN_VALUE.match(text), text
        if text and text[0].isdigit() and not text.endswith("%") and text != "1 to 7":
            assert int(text.replace(",", "")) % 5 == 0
    assert "1 to 7" in cells  # a week has quiet hours
    assert "unmet need" not in page.replace("official &ldquo;unmet need&rdquo;", "")
    assert "What this counts and what it cannot" in page
    assert len(soup.find_all("svg")) == 6 and len(soup.find_all("h1")) == 1
    assert not re.search(r"(src|href)=\"https?://", page)  # no external assets


def _check_values(values):
    for value in values:
        assert value == "" or value == "1 to 7" or value.endswith("%") or value.startswith("not shown") or int(value) % 5 == 0


def test_csv_holds_shown_values_and_no_text_or_id_columns(week, tmp_path):
    engine, _ = week
    from insight.exports import write_csv

    path = tmp_path / "figures.csv"
    write_csv(_figures(engine), path)
    with open(path, newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == CSV_HEADER
    assert not {"id", "text", "message", "sender", "sender_id", "conversation"} & set(rows[0])
    body = rows[1:]
    assert {row[0] for row in body} == {"2026-W47"} and {row[1] for row in body} == {"no"}
    assert {row[2] for row in body} >= {"Summary", "Asks by hour of the week", "Asks by need", "Asks by area",
                                        "Asks by channel", "Emergency guidance given, by week"}
    _check_values(row[5] for row in body)
    asks = next(row for row in body if row[3] == "Asks for help answered")
    assert asks[5] == str(show(_figures(engine).asks).value)


def _ods_sheets(path):
    document = load(str(path))
    sheets = {}
    for sheet in document.spreadsheet.getElementsByType(Table):
        rows = []
        for row in sheet.getElementsByType(TableRow):
            rows.append([(str(cell), cell.getAttribute("valuetype"), cell.getAttribute("value"))
                         for cell in row.getElementsByType(TableCell)])
        sheets[sheet.getAttribute("name")] = rows
    return sheets


def test_ods_has_a_sheet_per_figure_with_numbers_as_numbers(week, tmp_path):
    engine, _ = week
    from insight.exports import write_ods

    path = tmp_path / "figures.ods"
    figures = _figures(engine)
    write_ods(figures, path)
    sheets = _ods_sheets(path)
    assert list(sheets) == ["About"] + [t.key for t in figures.tables]
    need = sheets["by_need"]
    assert [c[0] for c in need[0]] == ["Need", "Asks", "Share of all asks"]
    for row in need[1:]:
        text, kind, value = row[1]
        if text == "1 to 7":
            assert kind == "string"
        else:
            assert kind == "float" and float(value) % 5 == 0
    _check_values(c[0].replace(",", "") for sheet in list(sheets.values())[1:] for row in sheet[1:] for c in row[1:])
    headers = {c[0].lower() for sheet in sheets.values() for c in sheet[0]}
    assert not {"id", "text", "message", "sender"} & headers


def test_the_command_writes_all_three_and_refuses_ranges(week, tmp_path, monkeypatch, capsys):
    engine, _ = week
    monkeypatch.setenv("SIGNPOST_DATABASE_URL", engine.url.render_as_string(hide_password=False))
    assert report in COMMAND_MODULES
    out, csv_path, ods = tmp_path / "r.html", tmp_path / "r.csv", tmp_path / "r.ods"
    assert main(["report", "--period", "2026-W47", "--out", str(out), "--csv", str(csv_path),
                 "--ods", str(ods)]) == 0
    assert out.read_text().startswith("<!DOCTYPE html>") and csv_path.stat().st_size and ods.stat().st_size
    assert "final" in capsys.readouterr().out
    for bad in ("2026-11-16..2026-11-20", "2026-11-16", "2099-01"):
        assert main(["report", "--period", bad, "--out", str(tmp_path / "x.html")]) == 2
    assert "two reports can never be subtracted" in capsys.readouterr().err
    assert not (tmp_path / "x.html").exists()


def test_an_empty_period_still_makes_a_page(insight_engine):
    from insight.html import render_report

    page = render_report(_figures(insight_engine, parse_period("2026-Q3")), AFTER)
    assert "Asks for help answered" in page
