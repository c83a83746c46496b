"""Conversations as people have them (the same ones bench/latency.py times), played over the REST channel.

A client that gets no answer (a connection cut, a 5xx) sends the same message again, with the same
``message_id``, at most a few times; every attempt is recorded, so a test can tell a reply that came at once
from one that needed a retry.
"""
from __future__ import annotations

import threading
import time
import urllib.error
import uuid
from dataclasses import dataclass, field
from typing import Callable, Optional

from tests.production.cluster import post_json

SUNDAY_2AM = "2026-11-29T02:00:00"
TUESDAY_11AM = "2026-11-24T11:00:00"
FRIDAY_11PM = "2026-11-27T23:00:00"


@dataclass(frozen=True)
class Script:
    metadata: dict[str, str]
    turns: tuple[str, ...]


SCRIPTS: tuple[Script, ...] = (
    Script({"now": SUNDAY_2AM}, ("need help with my drinkin its getting bad", "cheltenham", "whats open now",
                                 "thanks")),
    Script({"now": TUESDAY_11AM, "area": "Coventry"}, ("im really worried about my sons drinking",
                                                        "is this confidential", "thank you x")),
    Script({"now": TUESDAY_11AM}, ("help with drugs please", "leicester", "are there any groups i can go to",
                                   "bye")),
    Script({"now": SUNDAY_2AM}, ("need help with heroin", "my mate took too many pills and is fitting",
                                 "coventry")),
    Script({"now": FRIDAY_11PM, "area": "Blackburn"}, ("whats open now", "when is drinkline open", "ok ta")),
    Script({"now": TUESDAY_11AM}, ("just got out of jail and need help with drugs", "gloucester",
                                   "are you a real person")),
    Script({"now": SUNDAY_2AM}, ("hi", "i dont want to be here anymore")),
)


@dataclass
class Turn:
    text: str
    replies: list[dict] = field(default_factory=list)
    attempts: int = 0
    #: When the first attempt was sent (time.monotonic()) and how long until the reply.
    started: float = 0.0
    seconds: float = 0.0
    failures: list[str] = field(default_factory=list)


@dataclass
class Played:
    """One conversation as the client saw it."""

    sender: str
    script: Script
    turns: list[Turn] = field(default_factory=list)


def play(base_url: str, script: Script, sender: Optional[str] = None, attempts: int = 4,
         after_turn: Optional[Callable[[], None]] = None) -> Played:
    """Say each line of ``script`` in order, waiting for each answer; retry a turn that got no answer."""
    played = Played(sender or f"prod-{uuid.uuid4().hex[:12]}", script)
    for text in script.turns:
        turn = Turn(text, started=time.monotonic())
        # One id per message, the same on every attempt: a retry after a lost reply is stored once.
        body = {"sender": played.sender, "message": text, "metadata": dict(script.metadata),
                "message_id": uuid.uuid4().hex}
        while turn.attempts < attempts and not turn.replies:
            turn.attempts += 1
            try:
                status, replies = post_json(base_url + "/webhooks/rest/webhook", body)
            except (urllib.error.URLError, OSError) as error:
                turn.failures.append(type(error).__name__)
                time.sleep(0.5)
                continue
            if status == 200 and isinstance(replies, list) and replies:
                turn.replies = replies
            else:
                turn.failures.append(f"HTTP {status}" + ("" if status != 200 else " with no reply"))
                time.sleep(0.5)
        turn.seconds = time.monotonic() - turn.started
        played.turns.append(turn)
        if after_turn:
            after_turn()
    return played


def play_all(base_url: str, scripts: list[Script], concurrency: int,
             after_turn: Optional[Callable[[], None]] = None) -> list[Played]:
    """Play every script, ``concurrency`` conversations at a time (bounded: each script once)."""
    results: list[Played] = []
    pending = list(enumerate(scripts))
    lock = threading.Lock()

    def worker() -> None:
        while True:
            with lock:
                if not pending:
                    return
                _, script = pending.pop(0)
            played = play(base_url, script, after_turn=after_turn)
            with lock:
                results.append(played)

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=900)
    return results
