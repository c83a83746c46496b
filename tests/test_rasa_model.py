"""The trained assistant as Rasa sees it: valid data, every test story passes, held-out messages understood.

These use the model `make test` trains once per run (models/signpost.tar.gz); they never train.
"""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from bot import settings

pytestmark = pytest.mark.slow


def rasa(*args: str, cwd: Path = settings.PROJECT_ROOT) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "rasa", *args],
        cwd=cwd, env=settings.rasa_environment(), capture_output=True, text=True, timeout=900,
    )


@pytest.fixture(scope="module")
def model() -> Path:
    if not settings.MODEL_FILE.exists():
        pytest.fail(f"No trained model at {settings.MODEL_FILE}: `make test` trains it (or run `signpost train`).")
    return settings.MODEL_FILE


def test_training_data_validates_without_warnings() -> None:
    result = rasa(
        "data", "validate", "--fail-on-warnings",
        "--domain", str(settings.DOMAIN), "--data", str(settings.DATA), "--config", str(settings.CONFIG),
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]


def test_every_test_story_is_predicted(model: Path, tmp_path: Path) -> None:
    result = rasa(
        "test", "core", "--model", str(model), "--stories", "tests/stories",
        "--fail-on-prediction-errors", "--out", str(tmp_path),
    )
    failed = tmp_path / "failed_test_stories.yml"
    details = failed.read_text() if failed.exists() else ""
    assert result.returncode == 0, details[-4000:] or (result.stdout[-3000:] + result.stderr[-3000:])


def test_held_out_messages_are_understood(model: Path, tmp_path: Path) -> None:
    """Messages never seen in training: most intents right, and no emergency missed."""
    result = rasa("test", "nlu", "--model", str(model), "--nlu", "tests/nlu_holdout", "--out", str(tmp_path))
    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads((tmp_path / "intent_report.json").read_text())
    assert report["accuracy"] >= 0.80, f"held-out intent accuracy {report['accuracy']:.2f}"
    assert report["emergency"]["recall"] == 1.0, "an emergency message in the held-out set was missed"
