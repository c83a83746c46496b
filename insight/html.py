"""The report as one self-contained, accessible HTML page (GOV.UK Design System habits, no external assets).

One h1, a contents list, sections with h2, tables with captions and header scopes, each chart beside the table of
its numbers, a provisional warning while the period is still running, and a "what this counts and what it
cannot" box near the top.
"""
from __future__ import annotations

from datetime import date
from html import escape

from insight import charts
from insight.figures import DAYS, Count, Figures, Percent, Table
from insight.suppression import SMALL_MAX, share, show

STYLE = """
*{box-sizing:border-box}
body{margin:0;font-family:Arial,Helvetica,sans-serif;font-size:19px;line-height:1.32;color:#0b0c0c;background:#fff}
a{color:#1d70b8}a:visited{color:#4c2c92}a:focus{outline:3px solid transparent;background:#fd0;color:#0b0c0c;box-shadow:0 -2px #fd0,0 4px #0b0c0c;text-decoration:none}
.skip-link{position:absolute;left:-9999px}.skip-link:focus{position:static;display:block;padding:10px 15px}
header.banner{background:#0b0c0c;color:#fff;padding:12px 15px;font-weight:bold;font-size:24px}
main{max-width:1020px;margin:0 auto;padding:20px 15px 40px}
h1{font-size:36px;margin:10px 0 20px}h2{font-size:27px;margin:45px 0 15px}
.caption{display:block;color:#505a5f;font-size:19px;margin-bottom:5px}
.warning{border-left:10px solid #0b0c0c;padding:10px 15px;margin:20px 0;font-weight:bold}
.inset{border-left:10px solid #b1b4b6;padding:15px;margin:20px 0;background:#f3f2f1}
.inset h2{margin-top:0;font-size:24px}
table{border-collapse:collapse;width:100%;margin:10px 0 20px;font-size:16px}
caption{text-align:left;font-weight:bold;font-size:19px;margin-bottom:10px}
th,td{border-bottom:1px solid #b1b4b6;padding:8px 10px 8px 0;text-align:left;vertical-align:top}
td.num,th.num{text-align:right}
figure{margin:10px 0 5px}svg.chart{width:100%;height:auto;max-width:980px}
.scroll{overflow-x:auto}
.note{color:#505a5f;font-size:16px}
footer{border-top:1px solid #b1b4b6;margin-top:40px;padding-top:15px;font-size:16px}
"""

COUNTS_BOX = """
<div class="inset" role="region" aria-labelledby="counts-heading">
<h2 id="counts-heading">What this counts and what it cannot</h2>
<ul>
<li>Each ask is one time signpost answered &ldquo;what can help?&rdquo; with a list of services. One person can ask
more than once, so asks are not people.</li>
<li>A chat is not a referral, an assessment or the start of treatment. We cannot tell whether anyone contacted a
service afterwards.</li>
<li>&ldquo;No fitting local service&rdquo; means the directory held nothing local that signpost could offer (one that fits
the need and age, with a way to get in touch) in that area;
&ldquo;nothing fitting was open&rdquo; means what fitted was shut at that hour. Both depend on how complete the
directory is. Neither is the official &ldquo;unmet need&rdquo; estimate of people not in treatment.</li>
<li>Crises are the times emergency guidance was given. A message can be caught by mistake, and a real crisis can
be missed.</li>
<li>No message text, names, numbers or ids are kept; only the hour, the need, the council area and a few counts.
Counts of 1 to 7 are shown as &ldquo;1 to 7&rdquo; and every other count is rounded to the nearest 5, as in NHS
England&rsquo;s published statistics. Shares are worked out from the rounded counts.</li>
</ul>
</div>
"""


def _cell(value) -> tuple[str, bool]:
    """(text, is a number) for one table cell."""
    if isinstance(value, Count):
        return show(value.n).text, True
    if isinstance(value, Percent):
        return share(value.part, value.whole).text, True
    return str(value), False


def render_table(table: Table) -> str:
    head = "".join(
        f'<th scope="col"{" class=num" if i else ""}>{escape(h)}</th>' for i, h in enumerate(table.headers)
    )
    body = []
    for row in table.rows:
        cells = [f'<th scope="row">{escape(str(row[0]))}</th>']
        for value in row[1:]:
            text, numeric = _cell(value)
            cells.append(f'<td{" class=num" if numeric else ""}>{escape(text)}</td>')
        body.append("<tr>" + "".join(cells) + "</tr>")
    note = f'<p class="note">{escape(table.note)}</p>' if table.note else ""
    return (f'<div class="scroll"><table id="table-{table.key}"><caption>{escape(table.title)}</caption>'
            f"<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table></div>{note}")


def _counts(table: Table, column: int = 1) -> list[int]:
    return [row[column].n for row in table.rows]


def _labels(table: Table) -> list[str]:
    return [str(row[0]) for row in table.rows]


def _section(anchor: str, heading: str, intro: str, chart: str | None, table: Table) -> str:
    figure = f"<figure>{chart}</figure>" if chart else ""
    return (f'<section aria-labelledby="{anchor}"><h2 id="{anchor}">{escape(heading)}</h2>'
            f"<p>{escape(intro)}</p>{figure}{render_table(table)}</section>")


def render_report(figures: Figures, made_on: date) -> str:
    period = figures.period
    t = figures.table
    heat = t("hour_of_week")
    by_need, by_area, by_channel = t("by_need"), t("by_area"), t("by_channel")
    by_hour, weeks = t("by_hour"), t("crises_by_week")
    hours = [f"{h:02d}:00" for h in range(24)]
    sections = [
        ("when", "When people ask", "Asks for each hour of each day of the week, in UK time. The share out of hours is "
         f"{share(figures.out_of_hours, figures.asks).text}.",
         charts.heat_map("c1", "Asks by hour of the week", figures.heat, DAYS), heat),
        ("need", "What people ask for", "The need signpost answered, as it understood it.",
         charts.bar_chart("c2", "Asks by need", _labels(by_need), _counts(by_need)), by_need),
        ("area", "Where people are", "Council areas by ONS code, with the asks that found no fitting local service "
         "and the asks made when nothing fitting was open.",
         charts.grouped_bars("c3", "Asks by area", _labels(by_area),
                             {h: _counts(by_area, i) for i, h in enumerate(by_area.headers[1:], 1)}), by_area),
        ("gaps", "Hours with no fitting local service, or nothing open",
         "By hour of the day: the asks that found no fitting local service, and the asks made when nothing that "
         "fitted was open.",
         charts.grouped_bars("c4", "No fitting local service, and nothing fitting open, by hour", hours,
                             {h: _counts(by_hour, i) for i, h in enumerate(by_hour.headers[2:], 2)},
                             vertical=True, first_style=1), by_hour),
        ("channel", "How people reach signpost", "Asks by channel. The web chat includes the widget on council pages.",
         charts.bar_chart("c5", "Asks by channel", _labels(by_channel), _counts(by_channel)), by_channel),
        ("family", "Family members and friends",
         "Asks made for someone else, by a family member or friend. Their share of all asks is "
         f"{share(figures.for_someone_else, figures.asks).text}.", None, t("by_whom")),
        ("age", "Age", "The age of the person the help was for, when it was said.", None, t("by_age")),
        ("crises", "Crises", "Times emergency guidance was given, by week, and by type.",
         charts.bar_chart("c6", "Emergency guidance given, by week", _labels(weeks), _counts(weeks),
                          xlabel="Crises"), weeks),
    ]
    contents = "".join(f'<li><a href="#{a}">{escape(h)}</a></li>' for a, h, *_ in sections)
    body = "".join(_section(*s) for s in sections) + render_table(t("crises_by_type"))
    provisional = (
        '<div class="warning" role="note"><strong>Provisional.</strong> This period has not ended yet '
        f"(it runs to {period.last_day:%-d %B %Y}). These figures count to the end of "
        f"{figures.counted_to:%-d %B %Y} and will change.</div>"
        if figures.provisional else ""
    )
    return f"""<!DOCTYPE html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>What people asked signpost for: {escape(period.title)}{" (provisional)" if figures.provisional else ""}</title>
<style>{STYLE}</style>
</head>
<body>
<a class="skip-link" href="#main">Skip to main content</a>
<header class="banner">signpost</header>
<main id="main">
<span class="caption">Report for commissioners, {escape(period.code)}</span>
<h1>What people asked signpost for: {escape(period.title)}</h1>
{provisional}
{COUNTS_BOX}
{render_table(t("summary"))}
<nav aria-labelledby="contents-heading"><h2 id="contents-heading">Contents</h2><ul>{contents}</ul></nav>
{body}
<footer><p>Made on {made_on:%-d %B %Y} by <code>signpost report --period {escape(period.code)}</code>.
Counts of 1 to {SMALL_MAX} are shown as &ldquo;1 to {SMALL_MAX}&rdquo;; other counts are rounded to the nearest 5.
Reports cover whole periods only.</p></footer>
</main>
</body>
</html>
"""
