"""The bench's own virtualenv for the load tool and the profiler (bench/.venv-load).

Locust brings gevent, Flask and others, whose pins may clash with Rasa 3.6's in .venv, so they live apart, made
from the pinned bench/load-requirements.txt with the same Python as .venv (3.10), and made again when that file
changes. Only package registries are used (pip).
"""
from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent
VENV = BENCH / ".venv-load"
REQUIREMENTS = BENCH / "load-requirements.txt"


def ensure_load_venv() -> Path:
    """The load venv, created or updated from load-requirements.txt when needed; returns its folder."""
    digest = hashlib.sha256(REQUIREMENTS.read_bytes()).hexdigest()
    stamp = VENV / ".requirements-sha256"
    if stamp.exists() and stamp.read_text().strip() == digest and (VENV / "bin" / "locust").exists():
        return VENV
    base = Path(getattr(sys, "_base_executable", sys.executable))
    if not (VENV / "bin" / "python").exists():
        subprocess.run([str(base), "-m", "venv", str(VENV)], check=True)
    subprocess.run([str(VENV / "bin" / "pip"), "install", "--quiet", "-r", str(REQUIREMENTS)], check=True)
    stamp.write_text(digest)
    return VENV
