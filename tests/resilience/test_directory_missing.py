"""A moved or deleted directory file is an error that says what to do, never a new empty directory. Only the
commands that write services may make one: `signpost kb init` (the bundled directory), `kb import` and `kb sync`."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from bot import settings
from knowledge.store.db import DirectoryMissing, create_schema, make_engine


def signpost(*args: str, database: Path) -> subprocess.CompletedProcess:
    env = {**settings.rasa_environment(), "SIGNPOST_DATABASE_URL": f"sqlite:///{database}"}
    return subprocess.run([sys.executable, "-m", "bot.cli", *args], cwd=settings.PROJECT_ROOT, env=env,
                          capture_output=True, text=True, timeout=300)


@pytest.mark.parametrize("command", [["kb", "export", "out.json"], ["kb", "check"]])
def test_commands_on_a_missing_directory_say_what_to_do_and_create_nothing(tmp_path, command) -> None:
    database = tmp_path / "moved-away.db"
    result = signpost(*[str(tmp_path / a) if a.endswith(".json") else a for a in command], database=database)
    assert result.returncode != 0
    assert "is missing" in result.stderr and "signpost kb init" in result.stderr
    assert "Traceback" not in result.stderr
    assert not database.exists()


def test_kb_init_makes_the_directory(tmp_path) -> None:
    database = tmp_path / "new.db"
    assert signpost("kb", "init", database=database).returncode == 0
    assert database.exists()


def test_a_file_moved_while_in_use_is_an_error_not_a_new_empty_file(tmp_path, monkeypatch) -> None:
    database = tmp_path / "directory.db"
    monkeypatch.setenv("SIGNPOST_DATABASE_URL", f"sqlite:///{database}")
    creating = make_engine(create=True)
    create_schema(creating)
    creating.dispose()
    engine = make_engine()
    with engine.connect() as connection:
        connection.execute(text("SELECT 1")).all()
    database.rename(tmp_path / "elsewhere.db")
    with pytest.raises(OperationalError):
        with engine.connect() as connection:
            connection.execute(text("SELECT 1")).all()
    assert not database.exists()
    with pytest.raises(DirectoryMissing, match="signpost kb init"):
        make_engine()
    assert not database.exists()


def test_the_actions_answer_kindly_when_the_directory_is_missing(tmp_path, monkeypatch) -> None:
    from actions import directory

    monkeypatch.setenv("SIGNPOST_DATABASE_URL", f"sqlite:///{tmp_path / 'gone.db'}")
    directory.reset()
    try:
        with pytest.raises(directory.DirectoryUnavailable):
            with directory.directory_session():
                pass
    finally:
        directory.reset()
    assert not (tmp_path / "gone.db").exists()


def test_signpost_run_refuses_to_start_without_its_directory(tmp_path, monkeypatch, capsys) -> None:
    from bot.cli import serve

    monkeypatch.setenv("SIGNPOST_DATABASE_URL", f"sqlite:///{tmp_path / 'gone.db'}")
    monkeypatch.setenv("SIGNPOST_PSEUDONYM_KEY", "r" * 40)
    model = tmp_path / "model.tar.gz"
    model.write_bytes(b"not loaded: run stops before starting anything")
    assert serve.run(free_port(), free_port(), model=model) != 0
    assert "signpost kb init" in capsys.readouterr().err
    assert not (tmp_path / "gone.db").exists()


def free_port() -> int:
    from tests.support.server import free_port as port

    return port()
