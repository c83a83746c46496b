"""The report as a commissioner sees it: opened in Debian's Chromium, charts drawn, axe-core finds no violations.

Skipped (with the reason) only when /usr/bin/chromium, node_modules/axe-core or Playwright is missing, as the
widget's browser tests are.
"""
from __future__ import annotations

import os
import shutil
from datetime import date
from pathlib import Path

import pytest

from insight import store
from insight.figures import build_figures
from insight.html import render_report
from insight.periods import parse_period
from knowledge.store.db import make_engine, session_scope
from tests.insight.traffic import traffic
from tests.support.services import unavailable

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path(os.environ.get("SIGNPOST_CHROMIUM", "/usr/bin/chromium"))
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists() or shutil.which(str(CHROMIUM)) is None:
        unavailable(f"Chromium not found at {CHROMIUM} (apt-get install chromium)")
    if not AXE_JS.exists():
        unavailable(f"axe-core not found at {AXE_JS} (npm ci at the repo root)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"])
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture(scope="module")
def report_file(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("report")
    engine = make_engine(f"sqlite:///{folder / 'events.db'}")
    store.ensure_schema(engine)
    with session_scope(engine) as session:
        store.add_events(session, traffic(date(2026, 11, 1), 30, 1400))
        figures = build_figures(session, parse_period("2026-11"), date(2026, 11, 20))  # provisional
    engine.dispose()
    path = folder / "report.html"
    path.write_text(render_report(figures, date(2026, 11, 20)), encoding="utf-8")
    return path


@pytest.fixture
def page(browser, report_file):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    requested: list[str] = []

    def local_only(route) -> None:
        requested.append(route.request.url)
        if route.request.url.startswith("file://"):
            route.continue_()
        else:
            route.abort()

    context.route("**/*", local_only)
    new_page = context.new_page()
    errors: list[str] = []
    new_page.on("pageerror", lambda error: errors.append(str(error)))
    new_page.goto(report_file.as_uri())
    new_page.requested, new_page.errors = requested, errors  # type: ignore[attr-defined]
    try:
        yield new_page
    finally:
        context.close()


def test_the_charts_render_with_their_tables(page):
    charts = page.locator("svg.chart")
    assert charts.count() == 6
    for index in range(charts.count()):
        chart = charts.nth(index)
        box = chart.bounding_box()
        assert box and box["width"] > 400 and box["height"] > 150
        assert chart.get_attribute("role") == "img" and chart.get_attribute("aria-label")
        assert chart.locator("path").count() >= 8  # bars or cells, and axes: drawn, not empty
        # Each chart is followed by the table of its numbers.
        assert page.locator("figure").nth(index).locator("xpath=following-sibling::div[1]//table").count() == 1
    assert "Asks by need" in charts.nth(1).text_content()
    assert page.get_by_role("heading", level=1).count() == 1
    assert page.get_by_text("Provisional.").is_visible()
    assert page.get_by_role("heading", name="What this counts and what it cannot").is_visible()
    assert page.errors == []
    assert all(url.startswith("file://") for url in page.requested)  # no external assets


def test_axe_core_finds_no_violations(page):
    page.add_script_tag(path=str(AXE_JS))
    results = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
        WCAG_TAGS,
    )
    violations = [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["html"][:160] for n in v["nodes"][:3]]}
        for v in results["violations"]
    ]
    assert violations == []


def test_the_page_reads_at_mobile_width_without_sideways_scrolling(browser, report_file):
    context = browser.new_context(viewport={"width": 360, "height": 740})
    try:
        page = context.new_page()
        page.goto(report_file.as_uri())
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 360  # wide tables scroll inside their own box
    finally:
        context.close()
