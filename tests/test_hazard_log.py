"""The hazard log names the tests that show each control works: every one it names must exist."""
from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HAZARD_LOG = ROOT / "docs" / "hazard-log.md"

#: `tests/x.py`, `tests/x.py::test_name`, or `::test_name` (in the last file named before it).
_REFERENCE = re.compile(r"`(tests/[\w/]+\.py)(?:::(\w+))?`|`::(\w+)`")


def _references() -> list[tuple[str, str | None]]:
    found, current = [], None
    for match in _REFERENCE.finditer(HAZARD_LOG.read_text(encoding="utf-8")):
        path, name, relative = match.groups()
        current = path or current
        found.append((current, name or relative))
    return found


def test_every_test_the_hazard_log_names_exists():
    references = _references()
    assert len(references) > 40
    missing = []
    for path, name in references:
        file = ROOT / path
        if not file.exists() or (name and not re.search(rf"^\s*(async )?def {name}\(", file.read_text(), re.M)):
            missing.append(f"{path}::{name}" if name else path)
    assert missing == []


def test_every_hazard_in_the_table_has_a_section_with_controls():
    text = HAZARD_LOG.read_text(encoding="utf-8")
    ids = re.findall(r"^\| (H\d+) \|", text, re.M)
    assert ids == [f"H{i}" for i in range(1, len(ids) + 1)]
    for hazard in ids:
        section = re.search(rf"^## {hazard} —(.*?)(?=^## |\Z)", text, re.M | re.S)
        assert section and "**Controls" in section.group(1), hazard
