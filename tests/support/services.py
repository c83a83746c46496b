"""What a test does when a real service it needs (PostgreSQL, Redis, Chromium, axe-core) is not there.

On a developer's machine it skips with the reason, so the rest of the suite still runs. Under CI (``CI=true``) it
fails: CI promises the production setup was tested for real, and a skip would hide a missing install step.
"""
from __future__ import annotations

import os
from typing import NoReturn

import pytest


def under_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() == "true"


def unavailable(reason: str) -> NoReturn:
    """Skip (or fail under CI) because a real service the test needs is missing."""
    if under_ci():
        pytest.fail(f"{reason} (CI=true: a missing service is a failure)", pytrace=False)
    pytest.skip(reason)
