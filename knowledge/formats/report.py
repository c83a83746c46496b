"""The import report a council officer can act on: per record, what is wrong and what signpost does about it.

It joins three things: the importer's outcome (rejected records and warnings), the schema findings
(:mod:`knowledge.formats.validation`) and notes about the whole file (page 1 of N, fields not stored). Problems
that repeat are grouped ("the same in 127 records: …"), so the printed report stays short however big the file;
the CSV keeps one row per record and problem for working through in a spreadsheet; the HTML groups the same way
as the printout and lists every record of a group under it.
"""
from __future__ import annotations

import csv
import html
import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

from knowledge.formats.validation import Finding

#: What signpost does about each kind of importer warning, matched on words in the warning (first match wins).
WARNING_ACTIONS: Sequence[Tuple[str, str]] = (
    ("hours not known", "Loaded without any opening hours: people are told the hours are not known."),
    ("appears", "Loaded one copy only (named in the message); the other copies are left out."),
    ("replaced the copy stored before", "Updated: the copy stored by an older signpost is replaced."),
    ("no assured_date", "Loaded, with the import date as the date it was last checked."),
    ("does not look like a UK number", "Loaded; the number is stored as it is. Check it can be dialled in the UK."),
    ("has no number", "That phone entry is left out; the rest of the record is loaded."),
    ("unknown type", "Loaded; the phone is treated as a voice line."),
    ("organisation has no", "Loaded without its organisation."),
    ("not in the directory", "Loaded without that link."),
    ("coordinates are left out", "Loaded; the place is found by its address instead of its map position."),
    ("parent is not in the directory", "Loaded; the taxonomy term is kept without its parent."),
    ("location left out", "Loaded without that place; its phone numbers are kept as the service's own."),
    ("asked for its exact address to be hidden", "Loaded without that address: signpost keeps only the town of a "
                                                 "place whose address is hidden, and this one names none. Add its "
                                                 "town; its street and postcode stay hidden."),
    ("address left out", "Loaded without that address: with no town or postcode it says nothing about where."),
    ("address kept without it", "Loaded; the address is kept without the missing part. Its town still matches "
                                "the place people name, its postcode their postcode district."),
    ("has no id; kept under the id", "Loaded; the location is stored under an id signpost made from the "
                                     "service's. Give it an id of its own so it stays the same if the order changes."),
)
REJECTED_ACTION = "Not loaded: nothing of this record was stored. Fix it and import again."
SCHEMA_ACTION_LOADED = "Loaded as far as signpost needs it; other tools reading your feed may refuse it."

#: How many record ids a grouped line names before saying "and N more".
SHOWN_IDS = 3


@dataclass
class Row:
    record: str
    name: str
    problem: str
    action: str
    kind: str      # "rejected", "warning" or "schema"
    pattern: str   # the problem without record-specific details, for grouping


@dataclass
class ImportSummary:
    """Everything the report says about one file."""

    file: str
    format: Optional[str]
    schema: str
    created: int
    updated: int
    rejected: int
    notes: List[str] = field(default_factory=list)
    rows: List[Row] = field(default_factory=list)

    def groups(self) -> List[Tuple[str, str, str, List[Row]]]:
        """(kind, pattern, action, rows) for each distinct problem, biggest first, rejections first."""
        grouped: Dict[Tuple[str, str, str], List[Row]] = {}
        for row in self.rows:
            grouped.setdefault((row.kind, row.pattern, row.action), []).append(row)
        order = {"rejected": 0, "warning": 1, "schema": 2}
        return [(kind, pattern, action, rows) for (kind, pattern, action), rows in
                sorted(grouped.items(), key=lambda kv: (order[kv[0][0]], -len(kv[1]), kv[0][1]))]


def build_summary(file: str, report, findings: List[Finding], *, names: Dict[str, str], schema: str) -> ImportSummary:
    """``report`` is the importer's :class:`~knowledge.formats.importer.ImportReport`; ``names`` maps record ids
    to service names (for people who do not think in UUIDs)."""
    rejected_ids = {record for record, _ in report.rejected}
    rows = [Row(record, names.get(record, ""), reason, REJECTED_ACTION, "rejected", _pattern(reason))
            for record, reason in report.rejected]
    rows += [Row(record, names.get(record, ""), message, _warning_action(message), "warning", _pattern(message))
             for record, message in report.warnings]
    rows += [Row(f.record, names.get(f.record, ""), f.problem,
                 REJECTED_ACTION if f.record in rejected_ids else SCHEMA_ACTION_LOADED, "schema", f.pattern)
             for f in findings]
    return ImportSummary(file=file, format=report.format, schema=schema, created=len(report.created),
                         updated=len(report.updated), rejected=len(report.rejected), notes=list(report.notes),
                         rows=rows)


def _warning_action(message: str) -> str:
    for words, action in WARNING_ACTIONS:
        if words in message:
            return action
    return "Loaded; see the message."


_SPECIFICS = re.compile(r"'[^']*'|\"[^\"]*\"|#\d+|\b[0-9a-f]{8}-[0-9a-f-]{27}\b|\b\d[\d-]*\b")


def _pattern(message: str) -> str:
    """The message with quoted values, ids and numbers replaced by "…", so repeats group together."""
    return _SPECIFICS.sub("…", message)


# ---- rendering -------------------------------------------------------------------------------------------------


def as_text(summary: ImportSummary) -> str:
    """The printed report: a headline, file notes, then one short block per distinct problem."""
    lines = [f"Loaded {summary.file} ({summary.format or 'unknown format'}; checked against {summary.schema}): "
             f"{summary.created} new, {summary.updated} updated, {summary.rejected} rejected."]
    lines += [f"  note: {note}" for note in summary.notes]
    for kind, pattern, action, rows in summary.groups():
        if len(rows) == 1:
            row = rows[0]
            label = "rejected" if kind == "rejected" else ("warning" if kind == "warning" else "schema")
            lines.append(f"  {label} {row.record}{_named(row)}: {row.problem}")
        else:
            ids = ", ".join(row.record for row in rows[:SHOWN_IDS])
            more = f" and {len(rows) - SHOWN_IDS} more" if len(rows) > SHOWN_IDS else ""
            lines.append(f"  {kind} in {len(rows)} records ({ids}{more}): {rows[0].problem if _same(rows) else pattern}")
        lines.append(f"    what signpost does: {action}")
    return "\n".join(lines)


def _named(row: Row) -> str:
    return f" ({row.name})" if row.name else ""


def _same(rows: List[Row]) -> bool:
    return len({row.problem for row in rows}) == 1


def as_csv(summary: ImportSummary) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["record id", "service name", "kind", "what is wrong", "what signpost does",
                     "records in this file with the same problem"])
    counts: Dict[Tuple[str, str], int] = {}
    for row in summary.rows:
        counts[(row.kind, row.pattern)] = counts.get((row.kind, row.pattern), 0) + 1
    for note in summary.notes:
        writer.writerow(["(whole file)", "", "note", note, "", ""])
    for row in summary.rows:
        writer.writerow([row.record, row.name, row.kind, row.problem, row.action, counts[(row.kind, row.pattern)]])
    return out.getvalue()


def as_html(summary: ImportSummary) -> str:
    esc = html.escape
    parts = [
        "<!DOCTYPE html>", '<html lang="en-GB">', "<head>", '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>Import report: {esc(summary.file)}</title>",
        "<style>body{font-family:Arial,sans-serif;max-width:60em;margin:1em auto;padding:0 1em;line-height:1.4}"
        "table{border-collapse:collapse;width:100%}th,td{border-bottom:1px solid #b1b4b6;padding:.4em;"
        "text-align:left;vertical-align:top}.rejected{border-left:5px solid #d4351c;padding-left:.5em}</style>",
        "</head>", "<body>", "<main>",
        f"<h1>Import report: {esc(summary.file)}</h1>",
        f"<p>{summary.created} new, {summary.updated} updated, {summary.rejected} rejected. "
        f"Format: {esc(summary.format or 'unknown')}. Checked against: {esc(summary.schema)}.</p>",
    ]
    if summary.notes:
        parts.append("<h2>About the whole file</h2><ul>" + "".join(f"<li>{esc(n)}</li>" for n in summary.notes)
                     + "</ul>")
    groups = summary.groups()
    if groups:
        parts.append("<h2>Problems, by kind</h2>")
        parts.append('<table><thead><tr><th scope="col">What is wrong</th><th scope="col">Records</th>'
                     '<th scope="col">What signpost does</th></tr></thead><tbody>')
        for kind, pattern, action, rows in groups:
            title = rows[0].problem if _same(rows) else pattern
            records = "".join(f"<li>{esc(r.record)}{esc(_named(r))}: {esc(r.problem)}</li>" for r in rows)
            parts.append(
                f'<tr class="{esc(kind)}"><td>{esc(title)}</td><td><details><summary>{len(rows)} '
                f"record{'s' if len(rows) != 1 else ''}</summary><ul>{records}</ul></details></td>"
                f"<td>{esc(action)}</td></tr>")
        parts.append("</tbody></table>")
    else:
        parts.append("<p>No problems found.</p>")
    parts += ["</main>", "</body>", "</html>", ""]
    return "\n".join(parts)


def write_report(summary: ImportSummary, path: Path) -> None:
    """Write ``path`` as HTML or CSV, chosen by its extension; anything else is a ValueError."""
    suffix = path.suffix.lower()
    if suffix in (".html", ".htm"):
        path.write_text(as_html(summary), encoding="utf-8")
    elif suffix == ".csv":
        path.write_text(as_csv(summary), encoding="utf-8", newline="")
    else:
        raise ValueError(f"the report must end in .html or .csv, not {path.name!r}")
