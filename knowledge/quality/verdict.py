"""What `signpost kb check` makes of the problems :func:`~knowledge.quality.check.check_directory` finds.

Two kinds of data live in one directory and deserve different policies:

* **The bundled directory** (the national helplines and seed records that ship with signpost) is ours: a problem
  in it fails the check, so our CI goes red and the facts are re-checked before a release. Old seed records that
  show no contact details are only noted (:data:`~knowledge.quality.check.TOLERATED_KINDS`).
* **A council's own data** is theirs: real feeds carry ``assured_date`` s years old, so its problems are a report
  of warnings a council officer can act on, never a red CI for the data's age. ``strict`` makes its other
  problems (numbers, hours, sources) fail too, for a council that wants that gate; its age still never does.

Repeats are grouped: a report about 800 old records is a few lines, not 800.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Collection, Dict, List

from knowledge.quality.check import STALE, STALE_NO_CONTACT, TOLERATED_KINDS, Problem

#: Kinds that never fail a check of a council's own data, even when strict.
AGE_KINDS = frozenset({STALE, STALE_NO_CONTACT})

#: Plain-English headings per problem kind, for the grouped report.
KIND_HEADINGS = {
    "missing-source": "have no source recorded",
    "missing-assured-date": "have no date they were last checked",
    "bad-phone": "have a phone number that is not a valid UK number",
    "bad-schedule": "have opening hours that cannot be read",
    STALE: "were not checked within the age limit and show contact details",
    STALE_NO_CONTACT: "were not checked within the age limit (they show no contact details)",
}


@dataclass
class Verdict:
    failing: List[Problem] = field(default_factory=list)
    warnings: List[Problem] = field(default_factory=list)
    noted: List[Problem] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return not self.failing


def judge(problems: List[Problem], *, bundled_ids: Collection[str], strict: bool = False) -> Verdict:
    """Sort problems into failing, warnings (a council's data) and noted (tolerated bundled records)."""
    verdict = Verdict()
    for problem in problems:
        if problem.service_id in bundled_ids:
            (verdict.noted if problem.kind in TOLERATED_KINDS else verdict.failing).append(problem)
        elif strict and problem.kind not in AGE_KINDS:
            verdict.failing.append(problem)
        else:
            verdict.warnings.append(problem)
    return verdict


def grouped(problems: List[Problem], *, examples: int = 3) -> List[str]:
    """One line per kind of problem: how many services, and a few of them by name."""
    by_kind: Dict[str, List[Problem]] = defaultdict(list)
    for problem in problems:
        by_kind[problem.kind].append(problem)
    lines = []
    for kind, items in sorted(by_kind.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        heading = KIND_HEADINGS.get(kind, kind)
        if len(items) == 1:
            lines.append(f"{kind}: {items[0].service_name} ({items[0].service_id}): {items[0].detail}")
            continue
        named = ", ".join(f"{p.service_name} ({p.service_id})" for p in items[:examples])
        more = f" and {len(items) - examples} more" if len(items) > examples else ""
        lines.append(f"{kind}: {len(items)} services {heading}, e.g. {named}{more}")
    return lines
