"""The report's figures as CSV and as an ODS workbook, with the same small-number rule as the page.

CSV: one long table (``figure, row, column, value``) so every figure fits one file. ODS (OpenDocument, opened
by LibreOffice, Excel and Google Sheets): a sheet per figure, numbers as numbers, "1 to 7" as words.
Neither holds a raw count, message text, or any id: only the labels and shown values of the report's tables.
"""
from __future__ import annotations

import csv
from pathlib import Path

from odf.opendocument import OpenDocumentSpreadsheet
from odf.table import Table as OdsTable
from odf.table import TableCell, TableRow
from odf.text import P

from insight.figures import Count, Figures, Percent
from insight.suppression import share, show

CSV_HEADER = ["period", "provisional", "figure", "row", "column", "value"]


def shown_cells(value) -> tuple[str, float | None, str]:
    """(text, number or None, ODS value type) for a table value as published."""
    if isinstance(value, Count):
        s = show(value.n)
        return s.csv_value, (None if s.suppressed else float(s.value)), "float"
    if isinstance(value, Percent):
        p = share(value.part, value.whole)
        return (p.text, None if p.percent is None else p.percent / 100, "percentage")
    return str(value), None, "string"


def rows_for_csv(figures: Figures):
    for table in figures.tables:
        for row in table.rows:
            for header, value in zip(table.headers[1:], row[1:]):
                if value == "":
                    continue
                text, _, _ = shown_cells(value)
                yield [figures.period.code, "yes" if figures.provisional else "no", table.title, row[0], header,
                       text]


def write_csv(figures: Figures, path: Path) -> None:
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(CSV_HEADER)
        writer.writerows(rows_for_csv(figures))


def _text_cell(text: str) -> TableCell:
    cell = TableCell(valuetype="string")
    cell.addElement(P(text=text))
    return cell


def write_ods(figures: Figures, path: Path) -> None:
    document = OpenDocumentSpreadsheet()
    about = OdsTable(name="About")
    for line in (
        f"signpost report for {figures.period.title} ({figures.period.code})",
        (f"Provisional: the period has not ended; figures count to the end of {figures.counted_to:%-d %B %Y} "
         "and will change.") if figures.provisional else "Final.",
        "Counts of 1 to 7 are shown as '1 to 7'; other counts are rounded to the nearest 5.",
        "Shares are worked out from the rounded counts. A chat is not a referral or a treatment start.",
    ):
        row = TableRow()
        row.addElement(_text_cell(line))
        about.addElement(row)
    document.spreadsheet.addElement(about)
    for table in figures.tables:
        sheet = OdsTable(name=table.key)
        header = TableRow()
        for title in table.headers:
            header.addElement(_text_cell(title))
        sheet.addElement(header)
        for values in table.rows:
            row = TableRow()
            row.addElement(_text_cell(str(values[0])))
            for value in values[1:]:
                text, number, kind = shown_cells(value)
                if number is None:
                    row.addElement(_text_cell(text))
                else:
                    cell = TableCell(valuetype=kind, value=number)
                    cell.addElement(P(text=text))
                    row.addElement(cell)
            sheet.addElement(row)
        document.spreadsheet.addElement(sheet)
    document.save(str(path))
