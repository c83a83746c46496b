"""The plain libraries never import Rasa: the actions, the CLI, the benches and the tests use them as they are, and
a council's tools (import, check, report) must not need the assistant's 1 GB of machine learning to run.

Every module of each package is imported in a fresh interpreter, so a Rasa import hidden in any one of them fails.
"""
from __future__ import annotations

import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
PLAIN_PACKAGES = ("knowledge", "replies", "safety", "insight", "referrals")


def _modules(package: str) -> list[str]:
    root = REPO_ROOT / package
    names = [package]
    for info in pkgutil.walk_packages([str(root)], prefix=f"{package}."):
        if ".migrations" in info.name:  # Alembic's env.py runs only under Alembic
            continue
        names.append(info.name)
    return names


@pytest.mark.parametrize("package", PLAIN_PACKAGES)
def test_no_module_of_a_plain_library_imports_rasa(package: str) -> None:
    modules = _modules(package)
    assert len(modules) > 1
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('rasa', 'rasa_sdk'))\n"
        "print(bad[:5]); sys.exit(1 if bad else 0)\n"
    )
    completed = subprocess.run([sys.executable, "-c", code], cwd=REPO_ROOT, capture_output=True, text=True)
    assert completed.returncode == 0, completed.stdout + completed.stderr[-2000:]
