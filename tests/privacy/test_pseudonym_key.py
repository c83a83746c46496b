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


# --- several servers: one shared key, never the examples' placeholder ------------------------------------------

SHARED_STORE = "postgresql://signpost@127.0.0.1:5432/test"


def _placeholders_in_deploy() -> set[str]:
    """The pseudonym key values the example files in deploy/ ship with."""
    import yaml

    deploy = settings.PROJECT_ROOT / "deploy"
    secret = yaml.safe_load((deploy / "kubernetes" / "secret.example.yaml").read_text())["stringData"]
    env_file = dict(line.split("=", 1) for line in (deploy / "signpost.env.example").read_text().splitlines()
                    if line and not line.startswith("#"))
    return {secret["SIGNPOST_PSEUDONYM_KEY"], env_file["SIGNPOST_PSEUDONYM_KEY"]}


def test_a_shared_conversation_store_without_a_key_refuses_to_start_and_says_how_to_make_one(
    monkeypatch, tmp_path
) -> None:
    """Two servers on one PostgreSQL store, each with its own var/pseudonym.key, would never find each other's
    conversations: refuse rather than make a key file nobody else has."""
    from channels.identity import ensure_pseudonym_key

    key_file = tmp_path / "pseudonym.key"
    monkeypatch.delenv("SIGNPOST_PSEUDONYM_KEY", raising=False)
    monkeypatch.setenv("SIGNPOST_PSEUDONYM_KEY_FILE", str(key_file))
    monkeypatch.setenv("SIGNPOST_TRACKER_URL", SHARED_STORE)
    with pytest.raises(ValueError) as refused:
        ensure_pseudonym_key()
    assert "SIGNPOST_PSEUDONYM_KEY" in str(refused.value) and "openssl rand -hex 32" in str(refused.value)
    assert not key_file.exists(), "no key file made for one server alone"

    monkeypatch.setenv("SIGNPOST_PSEUDONYM_KEY", "s" * 64)
    assert ensure_pseudonym_key() == "from SIGNPOST_PSEUDONYM_KEY"
    monkeypatch.delenv("SIGNPOST_PSEUDONYM_KEY")
    monkeypatch.setenv("SIGNPOST_TRACKER_URL", f"sqlite:///{tmp_path / 'conversations.db'}")
    assert ensure_pseudonym_key() == f"kept in {key_file}"  # one machine: the kept file is right


@pytest.mark.parametrize("tracker_url", ["", SHARED_STORE])
def test_the_placeholder_from_the_deploy_examples_is_refused_though_it_is_long_enough(
    monkeypatch, tmp_path, tracker_url
) -> None:
    from channels.identity import _MIN_KEY_LENGTH, ensure_pseudonym_key

    placeholders = _placeholders_in_deploy()
    assert placeholders and all(len(value) >= _MIN_KEY_LENGTH for value in placeholders)
    monkeypatch.setenv("SIGNPOST_TRACKER_URL", tracker_url)
    monkeypatch.setenv("SIGNPOST_PSEUDONYM_KEY_FILE", str(tmp_path / "pseudonym.key"))
    for placeholder in placeholders:
        monkeypatch.setenv("SIGNPOST_PSEUDONYM_KEY", placeholder)
        with pytest.raises(ValueError, match="placeholder"):
            ensure_pseudonym_key()


def test_signpost_run_stops_before_starting_anything_without_a_shared_key(monkeypatch, tmp_path, capsys) -> None:
    from bot.cli.common import EXIT_USAGE
    from bot.cli.serve import run

    model = tmp_path / "signpost.tar.gz"
    model.write_bytes(b"")  # never loaded: the key is checked first
    monkeypatch.delenv("SIGNPOST_PSEUDONYM_KEY", raising=False)
    monkeypatch.setenv("SIGNPOST_PSEUDONYM_KEY_FILE", str(tmp_path / "pseudonym.key"))
    monkeypatch.setenv("SIGNPOST_TRACKER_URL", SHARED_STORE)
    assert run(0, 0, model=model) == EXIT_USAGE
    assert "Set SIGNPOST_PSEUDONYM_KEY" in capsys.readouterr().err


@pytest.mark.parametrize("key", [None, "change-me-to-64-random-characters"])
def test_a_rasa_server_started_directly_as_the_deploy_files_do_refuses_too(env_without_key, key) -> None:
    """Kubernetes and compose start `python -m bot.rasa_entry rasa run`, not `signpost run`."""
    env = {**env_without_key, "SIGNPOST_TRACKER_URL": SHARED_STORE}
    if key:
        env["SIGNPOST_PSEUDONYM_KEY"] = key
    result = subprocess.run([sys.executable, "-m", "bot.rasa_entry", "rasa", "run", "--port", "1"], env=env,
                            cwd=settings.PROJECT_ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode != 0
    assert "SIGNPOST_PSEUDONYM_KEY" in result.stderr
    assert not os.path.exists(env["SIGNPOST_PSEUDONYM_KEY_FILE"])
