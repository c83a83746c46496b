"""`signpost run` starts the call-back delivery worker exactly when call-backs are switched on."""
from __future__ import annotations

from pathlib import Path

from bot.cli.serve import _parts


def _names(monkeypatch, key):
    if key is None:
        monkeypatch.delenv("SIGNPOST_OUTBOX_KEY", raising=False)
    else:
        monkeypatch.setenv("SIGNPOST_OUTBOX_KEY", key)
    parts = _parts(5005, 5055, Path("m.tar.gz"), Path("e.yml"), Path("c.yml"), False)
    return {p.name: p.argv for p in parts}


def test_delivery_runs_beside_the_assistant_when_an_outbox_key_is_set(monkeypatch):
    parts = _names(monkeypatch, "a-key")
    assert parts["call-back delivery"][-3:] == ["bot.cli", "referrals", "deliver"][-3:]
    assert "action server" in parts and "Rasa server" in parts


def test_no_delivery_worker_without_a_key(monkeypatch):
    assert "call-back delivery" not in _names(monkeypatch, None)
