"""Write the bundled directory files (``data/national.json``, ``data/local_seeds.json``) from :mod:`.facts`.

The JSON files are generated, never edited by hand: change :mod:`knowledge.bundled.facts` and run

    .venv/bin/python -m knowledge.bundled.generate          # rewrite the files
    .venv/bin/python -m knowledge.bundled.generate --check  # exit 1 if the files differ from the facts

``tests/knowledge/test_bundled.py`` fails when the files and the facts disagree. ``data/places.json`` is not
generated here.
"""
from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path
from typing import Dict, List

from knowledge.bundled.facts import NATIONAL, NATIONAL_CHECKED, NATIONAL_RECORDED, NEEDS, SEEDS, Json

DATA_DIR = Path(__file__).resolve().parent / "data"
FILES = {"national.json": lambda: [national_service(facts) for facts in NATIONAL],
         "local_seeds.json": lambda: [seed_service(facts) for facts in SEEDS]}

NEEDS_TAXONOMY = {
    "id": "signpost-needs",
    "name": "signpost-needs",
    "description": "Signpost's small local taxonomy of needs, used to match what a person asks for to services.",
    "version": "1",
}
_ENGLAND = "Available anywhere in England."
#: Fields copied as they are, in this order, after the ones every service has.
_OPTIONAL = ("url", "email", "application_process", "eligibility_description", "minimum_age", "maximum_age")


def national_service(facts: Json) -> Json:
    service = _head(facts, source=f"{facts['source']} ({NATIONAL_RECORDED})", checked=NATIONAL_CHECKED,
                    national=True)
    service["service_areas"] = [_area(facts["id"], name, _ENGLAND) for name in facts["areas"]]
    service["phones"] = [_phone(facts["id"], phone) for phone in facts.get("phones", ())]
    service["schedules"] = [_schedule(facts["id"], schedule) for schedule in facts.get("schedules", ())]
    service["attributes"] = [_need(facts["id"], code) for code in facts["needs"]]
    return _with_optional(service, facts)


def seed_service(facts: Json) -> Json:
    service = _head(facts, source=facts["source"], checked=facts["assured_date"], national=False)
    service["service_areas"] = [_area(facts["id"], name, None) for name in facts["areas"]]
    service["attributes"] = [_need(facts["id"], code) for code in facts["needs"]]
    return _with_optional(service, facts)


def _head(facts: Json, *, source: str, checked: str, national: bool) -> Json:
    head = {
        "id": facts["id"],
        "name": facts["name"],
        "status": facts.get("status", "active"),
        "description": facts["description"],
        "is_national": national,
        "is_crisis_line": bool(facts.get("is_crisis_line", False)),
        "source": source,
        "assured_date": checked,
    }
    if "organization" in facts:
        head["organization"] = dict(facts["organization"])
    return head


def _with_optional(service: Json, facts: Json) -> Json:
    for key in _OPTIONAL:
        if key in facts:
            service[key] = facts[key]
    return service


def _slug(text: str) -> str:
    return "-".join(re.findall(r"[a-z0-9]+", text.lower()))


def _area(service_id: str, name: str, description) -> Json:
    area = {"id": f"{service_id}--{_slug(name)}", "name": name}
    if description:
        area["description"] = description
    return area


def _phone(service_id: str, phone: Json) -> Json:
    return {**phone, "id": f"{service_id}--{phone['id']}"}


def _schedule(service_id: str, schedule: Json) -> Json:
    out = {"id": f"{service_id}--{schedule['id']}", "freq": "WEEKLY"}
    out.update((key, value) for key, value in schedule.items() if key != "id")
    out["closes_on_bank_holidays"] = bool(schedule.get("closes_on_bank_holidays", False))
    return out


def _need(service_id: str, code: str) -> Json:
    name, description = NEEDS[code]
    return {
        "id": f"{service_id}--{code}",
        "link_id": service_id,
        "link_type": "need",
        "link_entity": "service",
        "taxonomy_term_id": f"need-{code}",
        "taxonomy_term": {
            "id": f"need-{code}",
            "code": code,
            "name": name,
            "description": description,
            "taxonomy": NEEDS_TAXONOMY["id"],
            "taxonomy_id": NEEDS_TAXONOMY["id"],
            "taxonomy_detail": dict(NEEDS_TAXONOMY),
        },
    }


def rendered() -> Dict[str, str]:
    """Each generated file's name and exact text."""
    return {name: json.dumps(build(), indent=2, ensure_ascii=False) + "\n" for name, build in FILES.items()}


def differing(data_dir: Path = DATA_DIR) -> List[str]:
    """Names of the bundled files whose text is not what the facts generate."""
    return [name for name, text in rendered().items()
            if not (data_dir / name).exists() or (data_dir / name).read_text(encoding="utf-8") != text]


def main(argv: List[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only check that the files match the facts")
    args = parser.parse_args(argv)
    if args.check:
        stale = differing()
        for name in stale:
            print(f"{name} differs from knowledge/bundled/facts.py: run python -m knowledge.bundled.generate")
        return 1 if stale else 0
    for name, text in rendered().items():
        (DATA_DIR / name).write_text(text, encoding="utf-8")
        print(f"wrote {DATA_DIR / name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
