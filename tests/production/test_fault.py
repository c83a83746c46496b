"""The production set-up survives losing one of each part under load (issue 10, "Never down").

Two Rasa servers and two action servers behind the shipped nginx config, conversations in a PostgreSQL schema of
this run's own, locks in Redis under this run's own prefix (tests/production/cluster.py). First every script is
played once against one Rasa server alone: the reference. Then three copies of every script are played through
the proxy, several conversations at a time, and while they run one Rasa server is killed (SIGKILL), then one
action server, then an nginx worker. Afterwards:

* every message got a reply (a client that got none sent the same message again, as the widget does);
* the store holds each conversation's user messages exactly once each, in the order they were said;
* each turn ran the same actions as in the one-server reference run, except turns hit by a fault (a turn whose
  action server died mid-call is answered by the Rasa server's fallback), and those are few.

It takes about three minutes (two Rasa servers load the model), so it is marked slow.
"""
from __future__ import annotations

import asyncio
import threading
from typing import Callable

import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, UserUttered

from bot import settings
from bot.tracker_store import PrivateSQLTrackerStore
from tests.production.cluster import Cluster, nginx_binary
from tests.production.conftest import REDIS_URL, service_unreachable
from tests.production.traffic import SCRIPTS, Played, play, play_all

pytestmark = pytest.mark.slow

COPIES = 3
CONCURRENCY = 8


def turns_of(store: PrivateSQLTrackerStore, sender: str) -> list[tuple[str, tuple[str, ...]]]:
    """(user text, actions the assistant ran for it) for every stored turn of a REST sender, in stored order."""
    from channels.identity import pseudonymise

    tracker = asyncio.run(store.retrieve_full_tracker(pseudonymise("rest", sender)))
    turns: list[tuple[str, list[str]]] = []
    for event in tracker.events if tracker else []:
        if isinstance(event, UserUttered):
            turns.append((event.text, []))
        elif isinstance(event, ActionExecuted) and turns and event.action_name != "action_listen":
            turns[-1][1].append(event.action_name)
    return [(text, tuple(actions)) for text, actions in turns]


class Faults:
    """Runs each fault once, when the given number of turns have been answered."""

    def __init__(self, schedule: list[tuple[int, str, Callable[[], None]]]) -> None:
        self.schedule = sorted(schedule, key=lambda item: item[0])
        self.done: list[str] = []
        self.turns = 0
        self.lock = threading.Lock()

    def after_turn(self) -> None:
        with self.lock:
            self.turns += 1
            while self.schedule and self.turns >= self.schedule[0][0]:
                _, name, fault = self.schedule.pop(0)
                fault()
                self.done.append(name)


def test_killing_a_rasa_server_an_action_server_and_a_proxy_worker_loses_and_doubles_no_turn(
    tmp_path, monkeypatch, redis_prefix, pg_schema_url
):
    if nginx_binary() is None:
        service_unreachable("nginx", RuntimeError("not installed: `make proxy-deps` installs Debian's nginx-light"))
    if not settings.MODEL_FILE.exists():
        pytest.fail(f"No trained model at {settings.MODEL_FILE}: `make test` trains it (or `signpost train`).")
    cluster = Cluster(tmp_path / "cluster", pg_schema_url, REDIS_URL, redis_prefix)
    monkeypatch.setenv("SIGNPOST_PSEUDONYM_KEY", cluster.env()["SIGNPOST_PSEUDONYM_KEY"])
    try:
        cluster.start()
        reference = [play(cluster.rasa[0].url, script) for script in SCRIPTS]

        scripts = [script for script in SCRIPTS for _ in range(COPIES)]
        total = sum(len(script.turns) for script in scripts)
        faults = Faults([
            (total // 5, "rasa server killed", lambda: cluster.kill(cluster.rasa[0])),
            (2 * total // 5, "action server killed", lambda: cluster.kill(cluster.actions[0])),
            (3 * total // 5, "nginx worker killed", cluster.kill_proxy_worker),
        ])
        played = play_all(cluster.url, scripts, CONCURRENCY, after_turn=faults.after_turn)

        assert faults.done == ["rasa server killed", "action server killed", "nginx worker killed"]
        assert cluster.rasa[1].alive() and cluster.actions[1].alive() and cluster.nginx.poll() is None
        try:
            check(played, reference, pg_schema_url)
        except AssertionError as failure:
            raise AssertionError(f"{failure}\n(server and proxy logs kept in {cluster.keep_logs()})") from None
    finally:
        cluster.stop()


def check(played: list[Played], reference: list[Played], tracker_url: str) -> None:
    assert len(played) == COPIES * len(SCRIPTS)
    silent = [(p.sender, t.text, t.failures) for p in played for t in p.turns if not t.replies]
    assert not silent, f"messages that never got a reply: {silent}"

    store = PrivateSQLTrackerStore(domain=Domain.load(str(settings.DOMAIN)), host=tracker_url)
    try:
        expected = {id(r.script): turns_of(store, r.sender) for r in reference}
        differing = []
        for conversation in played:
            stored = turns_of(store, conversation.sender)
            assert [text for text, _ in stored] == list(conversation.script.turns), (
                "each user message stored once, in order"
            )
            want = expected[id(conversation.script)]
            assert [text for text, _ in want] == list(conversation.script.turns)
            differing += [(text, got, wanted) for (text, got), (_, wanted) in zip(stored, want) if got != wanted]
    finally:
        store.engine.dispose()
    retried = sum(1 for p in played for t in p.turns if t.attempts > 1)
    turns = sum(len(p.turns) for p in played)
    print(f"\n{turns} turns; {retried} needed a retry by the client; {len(differing)} ran other actions than the "
          f"one-server run: {differing}")
    # Only turns in flight when a server died may differ (answered by the fallback): at most one per conversation
    # running at that moment, for each of the three faults.
    assert len(differing) <= 3 * CONCURRENCY
