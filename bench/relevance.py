"""Ranking quality on the relevance set: top-1 accuracy, NDCG@3 and "wrong for the person" in the first answer.

    .venv/bin/python bench/relevance.py [--misses] [--json out.json]

The directory is the generated fictional county (tests/relevance/county.py) plus the bundled national lines, in a
fresh SQLite file. Each case in tests/relevance/cases.yml runs through the real search (knowledge/search) and the
reply's choice of what to show first (replies/services.first_answer): the services in the order the person reads
them. Scores are reported for the tuning part and the held-out fifth apart; tune only on the first.

* top-1: the first service shown is the case's ideal one.
* NDCG@3: graded gain over the first three shown (ideal 2, acceptable 1), normalised by the best possible order.
* wrong for the person: services in the first answer that are not active, have no way to contact them, exclude
  the person's age, serve a special group the person is not in (people leaving prison, young people, families,
  rough sleepers, people who inject, older people, women, students, hospital patients), are claimed open on a
  bank holiday when their record says nothing about bank holidays, or are on the case's "never" list.
"""
from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
import math
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import yaml  # noqa: E402

from knowledge.bundled.loader import load_bundled  # noqa: E402
from knowledge.formats.importer import import_hsds  # noqa: E402
from knowledge.hours.engine import LONDON, is_bank_holiday  # noqa: E402
from knowledge.needs.catalogue import need_by_code  # noqa: E402
from knowledge.places.areas import AreaIndex  # noqa: E402
from knowledge.search.finder import Person, find_services  # noqa: E402
from knowledge.store.db import create_schema, make_engine, session_scope  # noqa: E402
from tests.relevance.county import build, specs_by_name  # noqa: E402

CASES = ROOT / "tests" / "relevance" / "cases.yml"

#: The special group a person is in because of what they ask for.
_NEED_GROUPS = {
    "criminal_justice": "prison",
    "young_people": "young_people",
    "family": "family",
    "housing": "rough_sleepers",
    "harm_reduction": "injecting",
}


def revision() -> str:
    def git(*args: str) -> str:
        return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True).stdout.strip()

    dirty = git("status", "--porcelain", "--", "knowledge", "replies", "actions", "tests/relevance")
    return git("rev-parse", "--short", "HEAD") + (" plus uncommitted changes" if dirty else "")


def load_cases() -> list[dict]:
    return yaml.safe_load(CASES.read_text(encoding="utf-8"))


def person_for(case: dict) -> Person:
    """The case's person, with only the fields this revision's Person has (so the bench runs before and after)."""
    known = {f.name for f in dataclasses.fields(Person)}
    values = dict(case.get("person") or {})
    if "groups" in values:
        values["groups"] = tuple(values["groups"])
    return Person(**{k: v for k, v in values.items() if k in known})


def person_groups(case: dict) -> set[str]:
    person = case.get("person") or {}
    groups = set(person.get("groups") or ())
    if case["need"] in _NEED_GROUPS:
        groups.add(_NEED_GROUPS[case["need"]])
    if person.get("for_whom") == "someone_else":
        groups.add("family")
    for key in ("age", "writer_age"):
        age = person.get(key)
        if age is not None and age < 18:
            groups.add("young_people")
        if age is not None and age >= 55 and key == "age":
            groups.add("older")
    return groups


def first_answer(result) -> list:
    """What the person reads, in order. Uses replies.services.first_answer when this revision has it."""
    import replies.services as replies

    if hasattr(replies, "first_answer"):
        return list(replies.first_answer(result))
    # Before issue 8: the order describe_result used.
    local = replies._local_to_show(result.local)
    if local and result.any_local_open:
        shown = [*local, *result.out_of_hours]
    else:
        shown = [*result.out_of_hours, *local]
    return [*shown, *result.for_family]


def _age_allows(match, age: int | None) -> bool:
    if age is None:
        return True
    return (match.minimum_age is None or age >= match.minimum_age) and (
        match.maximum_age is None or age <= match.maximum_age
    )


def wrong_for_person(case: dict, shown: list, now: dt.datetime) -> list[str]:
    specs = specs_by_name()
    person = case.get("person") or {}
    groups = person_groups(case)
    writer_age = person.get("writer_age")
    young_writer = writer_age is not None and writer_age < 18
    bank_holiday = is_bank_holiday(now.date())
    problems = []
    for match in shown:
        spec = specs.get(match.name)
        why = []
        if spec is not None and spec.status != "active":
            why.append("not active")
        if not match.contacts and not match.address:
            why.append("no way to contact")
        is_family_help = spec is not None and spec.group == "family"
        age = writer_age if (young_writer or is_family_help) else person.get("age")
        if not _age_allows(match, age):
            why.append("age")
        if spec is not None and spec.group and spec.group not in groups:
            why.append(f"group {spec.group}")
        if (
            bank_holiday
            and match.status.open_now
            and not match.status.always_open
            and not (spec is not None and spec.open_bank_holidays)
        ):
            why.append("claimed open on a bank holiday")
        if match.name in (case.get("never") or ()):
            why.append("on the never list")
        if why:
            problems.append(f"{match.name} ({', '.join(why)})")
    return problems


def ndcg3(names: list[str], case: dict) -> float:
    def gain(name: str) -> int:
        return 2 if name == case["ideal"] else (1 if name in case.get("acceptable", ()) else 0)

    dcg = sum(gain(name) / math.log2(rank + 2) for rank, name in enumerate(names[:3]))
    ideal_gains = sorted([2] + [1] * len(case.get("acceptable", ())), reverse=True)[:3]
    idcg = sum(g / math.log2(rank + 2) for rank, g in enumerate(ideal_gains))
    return dcg / idcg


def evaluate(session, cases: list[dict]) -> list[dict]:
    index = AreaIndex.build(session)
    rows = []
    for case in cases:
        now = dt.datetime.fromisoformat(str(case["now"])).replace(tzinfo=LONDON)
        area = index.resolve(case["area"]) if case.get("area") else None
        result = find_services(
            session, need=need_by_code(case["need"]), area=area, now=now, person=person_for(case), area_index=index
        )
        shown = first_answer(result)
        names = [m.name for m in shown]
        rows.append({
            "id": case["id"],
            "held_out": bool(case.get("held_out")),
            "top1": bool(names) and names[0] == case["ideal"],
            "ndcg3": ndcg3(names, case),
            "wrong": wrong_for_person(case, shown, now),
            "shown": names[:4],
            "ideal": case["ideal"],
            "area_resolved": area.name if area else None,
        })
    return rows


def summarise(rows: list[dict]) -> dict:
    def part(selected: list[dict]) -> dict:
        n = len(selected)
        return {
            "cases": n,
            "top1": round(sum(r["top1"] for r in selected) / n, 3) if n else None,
            "ndcg3": round(sum(r["ndcg3"] for r in selected) / n, 3) if n else None,
            "cases_with_wrong": sum(1 for r in selected if r["wrong"]),
            "wrong_services": sum(len(r["wrong"]) for r in selected),
        }

    return {
        "tuning": part([r for r in rows if not r["held_out"]]),
        "held_out": part([r for r in rows if r["held_out"]]),
        "all": part(rows),
    }


def run() -> tuple[dict, list[dict]]:
    with tempfile.TemporaryDirectory() as folder:
        engine = make_engine(f"sqlite:///{Path(folder) / 'relevance.db'}")
        create_schema(engine)
        with session_scope(engine) as session:
            load_bundled(session, include_seeds=False)
            report = import_hsds(session, build(), today=dt.date(2026, 11, 20))
            if report.rejected:
                raise SystemExit(f"the generated county did not import: {report.rejected}")
        with session_scope(engine) as session:
            rows = evaluate(session, load_cases())
        engine.dispose()
    return summarise(rows), rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--misses", action="store_true", help="list every case whose first service is not ideal")
    parser.add_argument("--json", help="also write the figures and every case's result to this file")
    args = parser.parse_args(argv)
    summary, rows = run()
    print(f"relevance set: {CASES.relative_to(ROOT)} ({len(rows)} cases), revision {revision()}")
    print(f"{'part':<10} {'cases':>5} {'top-1':>6} {'NDCG@3':>7} {'cases with wrong':>17} {'wrong services':>15}")
    for name, part in summary.items():
        print(
            f"{name:<10} {part['cases']:>5} {part['top1']:>6.3f} {part['ndcg3']:>7.3f} "
            f"{part['cases_with_wrong']:>17} {part['wrong_services']:>15}"
        )
    if args.misses:
        for row in rows:
            if not row["top1"] or row["wrong"]:
                mark = "H" if row["held_out"] else " "
                print(f"{mark} {row['id']} ideal={row['ideal']!r} shown={row['shown']} wrong={row['wrong']}")
    if args.json:
        Path(args.json).write_text(json.dumps({"revision": revision(), "summary": summary, "cases": rows}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
