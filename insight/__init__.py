"""What commissioners learn: anonymous signpost events, and the reports made from them.

A plain library (no Rasa). At answer time the actions hand it what was asked and what was found; it keeps only
coarse facts (need, council area by ONS code, hour, channel, counts) and never message text, ids or exact times.
Reports cover whole calendar periods only and show small numbers the way NHS England's statistics do.

- ``areas``: the ONS GSS code of the council area a place lies in.
- ``event``: what one anonymous event holds, made from a search result or an emergency.
- ``models`` / ``store``: its table, and every query on it.
- ``recorder``: writes events off the reply's path, so a failure never breaks or delays an answer.
- ``periods``, ``suppression``, ``figures``: whole periods, small-number rules, the figures of a report.
- ``charts``, ``html``, ``exports``: the report as accessible HTML with SVG charts, CSV and ODS.
"""
