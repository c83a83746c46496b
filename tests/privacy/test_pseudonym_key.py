"""The pseudonym key survives restarts: made once in a 0600 file when SIGNPOST_PSEUDONYM_KEY is not set, read by
every later process, never replaced; the environment wins when set."""
from __future__ import annotations

import os
import stat
import subprocess
import sys

import pytest

from bot import settings

_PSEUDONYM_OF = "from channels.identity import pseudonymise; print(pseudonymise('sms', '+447700900123'))"


def _in_new_process(env: dict) -> str:
    """A fresh process, as after a restart."""
    result = subprocess.run([sys.executable, "-c", _PSEUDONYM_OF], env=env, cwd=settings.PROJECT_ROOT,
                            capture_output=True, text=True, check=True)
    return result.stdout.strip()


@pytest.fixture
def env_without_key(tmp_path) -> dict:
    env = dict(os.environ)
    env.pop("SIGNPOST_PSEUDONYM_KEY", None)
    env["SIGNPOST_PSEUDONYM_KEY_FILE"] = str(tmp_path / "var" / "pseudonym.key")
    env["PYTHONPATH"] = str(settings.PROJECT_ROOT)
    return env


def test_without_the_variable_a_key_is_made_once_kept_0600_and_reused_after_a_restart(env_without_key) -> None:
    key_file = env_without_key["SIGNPOST_PSEUDONYM_KEY_FILE"]
    first = _in_new_process(env_without_key)
    assert stat.S_IMODE(os.stat(key_file).st_mode) == 0o600
    kept = open(key_file).read()
    assert _in_new_process(env_without_key) == first  # a restart finds the same conversation
    assert open(key_file).read() == kept
    assert first.startswith("sms:") and "447700900123" not in first


def test_the_environment_wins_over_the_file(env_without_key) -> None:
    from_file = _in_new_process(env_without_key)
    with_env = _in_new_process({**env_without_key, "SIGNPOST_PSEUDONYM_KEY": "e" * 64})
    assert with_env != from_file
    assert _in_new_process({**env_without_key, "SIGNPOST_PSEUDONYM_KEY": "e" * 64}) == with_env


def test_a_key_file_readable_by_others_is_made_private(env_without_key) -> None:
    key_file = env_without_key["SIGNPOST_PSEUDONYM_KEY_FILE"]
    first = _in_new_process(env_without_key)
    os.chmod(key_file, 0o644)
    assert _in_new_process(env_without_key) == first
    assert stat.S_IMODE(os.stat(key_file).st_mode) == 0o600


def test_ensure_says_where_the_key_comes_from_and_fails_clearly_when_it_cannot(monkeypatch, tmp_path) -> None:
    from channels.identity import ensure_pseudonym_key

    monkeypatch.delenv("SIGNPOST_PSEUDONYM_KEY", raising=False)
    monkeypatch.setenv("SIGNPOST_PSEUDONYM_KEY_FILE", str(tmp_path / "k" / "pseudonym.key"))
    assert ensure_pseudonym_key() == f"kept in {tmp_path / 'k' / 'pseudonym.key'}"
    blocked = tmp_path / "file-not-dir"
    blocked.write_text("x")
    monkeypatch.setenv("SIGNPOST_PSEUDONYM_KEY_FILE", str(blocked / "pseudonym.key"))
    with pytest.raises(ValueError, match="SIGNPOST_PSEUDONYM_KEY"):
        ensure_pseudonym_key()
    monkeypatch.setenv("SIGNPOST_PSEUDONYM_KEY", "z" * 40)
    assert ensure_pseudonym_key() == "from SIGNPOST_PSEUDONYM_KEY"
