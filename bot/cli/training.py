"""`signpost train`: train the assistant when its inputs changed, otherwise reuse the model (a fingerprint says)."""
from __future__ import annotations

import argparse
import fcntl
import hashlib
import os
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from bot import settings
from bot.cli.common import EXIT_OK, EXIT_PROBLEMS


def _training_inputs() -> list[Path]:
    files = [settings.CONFIG, settings.ENDPOINTS]
    for folder in (settings.DOMAIN, settings.DATA):
        files.extend(sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix in {".yml", ".yaml"}))
    # The crisis component runs inside the model's pipeline.
    files.extend(sorted((settings.BOT_DIR / "components").glob("*.py")))
    return files


def training_fingerprint() -> str:
    """A hash of everything the model is trained from; equal fingerprints mean the model can be reused."""
    import bot.spacy_model as spacy_model

    digest = hashlib.sha256()
    for path in _training_inputs():
        digest.update(os.path.relpath(path, settings.PROJECT_ROOT).encode())
        digest.update(path.read_bytes())
    digest.update(Path(spacy_model.__file__).read_bytes())
    digest.update(sys.version.encode())
    return digest.hexdigest()


def ensure_spacy_model() -> None:
    from bot.spacy_model import build

    build(settings.SPACY_MODEL_DIR)


def model_is_current() -> bool:
    return (
        settings.MODEL_FILE.exists()
        and settings.MODEL_FINGERPRINT.exists()
        and settings.MODEL_FINGERPRINT.read_text().strip() == training_fingerprint()
    )


def train(force: bool = False) -> int:
    """Train unless the model is current.

    Two trainings at once (two terminals, or a test run beside `make run`) must never leave a half-written model:
    a lock makes the second wait and then find the model current, and the new model is written beside the old one
    and renamed over it, so a server loading the model never reads a partial file. The fingerprint is taken from
    the inputs *before* training, so an edit made during training makes the next `train` run again.
    """
    ensure_spacy_model()
    settings.MODELS_DIR.mkdir(parents=True, exist_ok=True)
    with _training_lock():
        if not force and model_is_current():
            print(f"Model is up to date: {settings.MODEL_FILE.relative_to(settings.PROJECT_ROOT)}")
            return EXIT_OK
        return _train_now()


@contextmanager
def _training_lock() -> Iterator[None]:
    with open(settings.MODELS_DIR / ".train.lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _train_now() -> int:
    started = time.monotonic()
    fingerprint = training_fingerprint()
    with tempfile.TemporaryDirectory(dir=settings.MODELS_DIR, prefix=".training-") as scratch:
        command = [
            sys.executable, "-m", "rasa", "train",
            "--config", str(settings.CONFIG),
            "--domain", str(settings.DOMAIN),
            "--data", str(settings.DATA),
            "--out", scratch,
            "--fixed-model-name", settings.MODEL_NAME,
        ]
        result = subprocess.run(command, cwd=settings.PROJECT_ROOT, env=settings.rasa_environment())
        trained = Path(scratch) / settings.MODEL_FILE.name
        if result.returncode != 0 or not trained.exists():
            print("Training failed.", file=sys.stderr)
            return EXIT_PROBLEMS
        os.replace(trained, settings.MODEL_FILE)
    settings.MODEL_FINGERPRINT.write_text(fingerprint)
    print(f"Trained {settings.MODEL_FILE.name} in {time.monotonic() - started:.0f} s.")
    return EXIT_OK


def _train(args: argparse.Namespace) -> int:
    return train(force=args.force)


def register(commands: argparse._SubParsersAction) -> None:
    tr = commands.add_parser("train", help="train when the data changed, otherwise reuse the model")
    tr.add_argument("--force", action="store_true")
    tr.set_defaults(handler=_train)
