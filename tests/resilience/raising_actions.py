"""An action package for the fault tests: every custom action our domain declares, and each one raises.

Started with the real rasa-sdk server (``python -m bot.rasa_entry rasa_sdk --actions tests.resilience.raising_actions``),
so Rasa gets what it gets from a broken action in production: an HTTP 500 from the action server.
"""
from __future__ import annotations

from pathlib import Path

import yaml
from rasa_sdk import Action

DOMAIN_DIR = Path(__file__).resolve().parents[2] / "bot" / "domain"


def _action_names() -> list[str]:
    names: list[str] = []
    for path in sorted(DOMAIN_DIR.glob("*.yml")):
        document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        names += [a if isinstance(a, str) else next(iter(a)) for a in document.get("actions") or []]
    return names


def _raising(action_name: str) -> type:
    async def run(self, dispatcher, tracker, domain):
        raise RuntimeError(f"{action_name} is broken on purpose")

    return type(f"Raising_{action_name}", (Action,), {"name": lambda self: action_name, "run": run})


RAISING_ACTIONS = [_raising(name) for name in _action_names()]
