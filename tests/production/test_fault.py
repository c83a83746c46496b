"""The production set-up survives losing one of each part under load (issue 10, "Never down").

Two Rasa servers and two action servers behind the shipped nginx config, conversations in a PostgreSQL schema of
this run's own reached through a TCP relay the test can cut, locks in a redis-server of the test's own with no
persistence (tests/production/cluster.py, outages.py: the machine's PostgreSQL and its shared Redis are never
stopped). First every script is played once against one Rasa server alone: the reference. Then three copies of
every script are played through the proxy, several conversations at a time, and while they run, in turn: one Rasa
server is killed (SIGKILL), then one action server, then an nginx worker; Redis is killed and started again empty
a second later; PostgreSQL is cut for three seconds. Afterwards (docs/production.md, "While PostgreSQL or Redis
is down"):

* every message got a reply (a client that got none sent the same message again, with the same message_id, as
  traffic.py's client does);
* the store holds each conversation's user messages at most once each, in the order they were said; a message
  missing from it was answered with the channel's fallback (the emergency guidance, or "Sorry, I can't look up
  services just now" with the lines that are always open), never with an answer that pretends it was taken in;
  and such turns are few: an outage shorter than the stores' wait (6 s) is waited out;
* each stored turn ran the same actions as in the one-server reference run, except turns hit by a fault (a turn
  whose action server died mid-call is answered by the Rasa server's fallback), and those are few;
* each outage really met load: turns were in flight while it lasted, and the Rasa servers' logs show they waited
  for the store that was away.

It takes about two to three minutes (two Rasa servers load the model), so it is marked slow.
"""
from __future__ import annotations

import asyncio
import threading
import time
from pathlib import Path
from typing import Callable

import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, UserUttered

from bot import settings
from bot.tracker_store import PrivateSQLTrackerStore
from channels.fallback import fallback_messages
from tests.production.cluster import Cluster, nginx_binary
from tests.production.conftest import service_unreachable
from tests.production.outages import REDIS_SERVER, OwnRedis
from tests.production.traffic import SCRIPTS, Played, Turn, play, play_all
from tests.support.relay import Relay

pytestmark = pytest.mark.slow

COPIES = 3
CONCURRENCY = 8
#: Redis is down this long before it is started again (empty); PostgreSQL is cut this long.
REDIS_DOWN_SECONDS = 1.0
POSTGRES_CUT_SECONDS = 3.0
FAULTS = ["rasa server killed", "action server killed", "nginx worker killed", "redis killed and restarted",
          "postgresql cut"]


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
    """Runs each fault once, when the given number of turns have been answered; an outage ends by itself later."""

    def __init__(self, schedule: list[tuple[int, str, Callable[[], None]]]) -> None:
        self.schedule = sorted(schedule, key=lambda item: item[0])
        self.done: list[str] = []
        self.turns = 0
        self.lock = threading.Lock()
        self.endings: list[threading.Timer] = []
        #: When each outage began and ended (time.monotonic()).
        self.windows: dict[str, list[float]] = {}

    def after_turn(self) -> None:
        with self.lock:
            self.turns += 1
            while self.schedule and self.turns >= self.schedule[0][0]:
                _, name, fault = self.schedule.pop(0)
                fault()
                self.done.append(name)

    def for_a_while(self, name: str, begin: Callable[[], None], end: Callable[[], None],
                    seconds: float) -> Callable[[], None]:
        """A fault that ``begin``s now and ``end``s ``seconds`` later, while the clients go on."""

        def ended() -> None:
            end()
            self.windows[name].append(time.monotonic())

        def fault() -> None:
            begin()
            self.windows[name] = [time.monotonic()]
            timer = threading.Timer(seconds, ended)
            timer.start()
            self.endings.append(timer)

        return fault

    def wait_for_endings(self) -> None:
        for timer in self.endings:
            timer.join(timeout=30)


def test_killing_one_of_each_part_and_cutting_the_stores_loses_doubles_and_silences_no_turn(
    tmp_path, monkeypatch, pg_schema_url
):
    if nginx_binary() is None:
        service_unreachable("nginx", RuntimeError("not installed: `make proxy-deps` installs Debian's nginx-light"))
    if not Path(REDIS_SERVER).exists():
        service_unreachable("redis-server", RuntimeError(f"not installed at {REDIS_SERVER}"))
    if not settings.MODEL_FILE.exists():
        pytest.fail(f"No trained model at {settings.MODEL_FILE}: `make test` trains it (or `signpost train`).")
    redis = OwnRedis(tmp_path / "redis").start()
    relay = Relay().start()
    cluster = Cluster(tmp_path / "cluster", relay.url(pg_schema_url), redis.url, "signpost-fault-test:")
    monkeypatch.setenv("SIGNPOST_PSEUDONYM_KEY", cluster.env()["SIGNPOST_PSEUDONYM_KEY"])
    try:
        cluster.start()
        reference = [play(cluster.rasa[0].url, script) for script in SCRIPTS]

        scripts = [script for script in SCRIPTS for _ in range(COPIES)]
        total = sum(len(script.turns) for script in scripts)
        faults = Faults([])
        faults.schedule = [
            (total // 7, FAULTS[0], lambda: cluster.kill(cluster.rasa[0])),
            (2 * total // 7, FAULTS[1], lambda: cluster.kill(cluster.actions[0])),
            (3 * total // 7, FAULTS[2], cluster.kill_proxy_worker),
            (4 * total // 7, FAULTS[3], faults.for_a_while(FAULTS[3], redis.kill, redis.start, REDIS_DOWN_SECONDS)),
            (5 * total // 7, FAULTS[4], faults.for_a_while(FAULTS[4], relay.cut, relay.start, POSTGRES_CUT_SECONDS)),
        ]
        played = play_all(cluster.url, scripts, CONCURRENCY, after_turn=faults.after_turn)
        faults.wait_for_endings()

        assert faults.done == FAULTS
        assert cluster.rasa[1].alive() and cluster.actions[1].alive() and cluster.nginx.poll() is None
        try:
            check_outages_met_load(played, faults.windows, [server.log for server in cluster.rasa])
            check(played, reference, pg_schema_url)
        except AssertionError as failure:
            raise AssertionError(f"{failure}\n(server and proxy logs kept in {cluster.keep_logs()})") from None
    finally:
        cluster.stop()
        relay.stop()
        redis.stop()


def check_outages_met_load(played: list[Played], windows: dict[str, list[float]], logs: list[Path]) -> None:
    """Each outage hit turns in flight, and the servers waited for the store (else the fault proved nothing)."""
    for name, (began, ended) in windows.items():
        hit = [t for p in played for t in p.turns if t.started < ended and t.started + t.seconds > began]
        print(f"\n{name} for {ended - began:.1f} s: {len(hit)} turns in flight, the slowest took "
              f"{max((t.seconds for t in hit), default=0):.1f} s")
        assert hit, f"no turn was in flight while {name}"
    text = "".join(log.read_text(errors="replace") for log in logs)
    waits = {what: text.count(what) for what in ("Redis unreachable for a conversation lock",
                                                  "Conversation store unreachable")}
    print(f"the Rasa servers waited for a store: {waits}")
    assert all(waits.values()), f"a store outage that no turn waited for: {waits}"


def is_fallback(turn: Turn) -> bool:
    """The reply is the channel's own (channels/fallback.py): emergency guidance, or the look-up failed."""
    texts = [reply.get("text") for reply in turn.replies]
    return bool(texts) and texts[0] == fallback_messages(turn.text)[0]


def stored_in_order(stored: list[str], said: list[str]) -> bool:
    """True when ``stored`` is ``said`` with some turns left out: none twice, none out of order."""
    remaining = iter(said)
    return all(any(text == line for line in remaining) for text in stored)


def check(played: list[Played], reference: list[Played], tracker_url: str) -> None:
    assert len(played) == COPIES * len(SCRIPTS)
    silent = [(p.sender, t.text, t.failures) for p in played for t in p.turns if not t.replies]
    assert not silent, f"messages that never got a reply: {silent}"

    store = PrivateSQLTrackerStore(domain=Domain.load(str(settings.DOMAIN)), host=tracker_url)
    try:
        expected = {id(r.script): dict(turns_of(store, r.sender)) for r in reference}
        differing, missing = [], []
        for conversation in played:
            stored = turns_of(store, conversation.sender)
            texts = [text for text, _ in stored]
            assert stored_in_order(texts, list(conversation.script.turns)), (
                f"each user message stored at most once, in order: {texts}"
            )
            want = expected[id(conversation.script)]
            assert list(want) == list(conversation.script.turns)
            for turn in conversation.turns:
                if turn.text not in texts:
                    missing.append(turn)
            differing += [(text, got, want[text]) for text, got in stored if got != want[text]]
    finally:
        store.engine.dispose()
    retried = sum(1 for p in played for t in p.turns if t.attempts > 1)
    turns = sum(len(p.turns) for p in played)
    print(f"\n{turns} turns; {retried} needed a retry by the client; {len(missing)} not stored: "
          f"{[(t.text, t.replies[0].get('text')) for t in missing]}; {len(differing)} ran other actions than the "
          f"one-server run: {differing}")
    pretending = [(t.text, [r.get("text") for r in t.replies]) for t in missing if not is_fallback(t)]
    assert not pretending, f"turns not stored but answered as if they had been: {pretending}"
    # The outages are shorter than the stores' wait, so at most the turns in flight at one fault are lost.
    assert len(missing) <= CONCURRENCY
    # Only turns in flight when a server died may differ (answered by the fallback): at most one per conversation
    # running at that moment, for each fault.
    assert len(differing) <= len(FAULTS) * CONCURRENCY
