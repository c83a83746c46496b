"""Locust users for bench/load.py: each user is one person holding one conversation at a time over REST.

Runs in the load venv (bench/.venv-load), not in .venv: it reads its conversations from the JSON file named by
SIGNPOST_LOAD_SCRIPTS ([{"metadata": {...}, "turns": [...]}, ...]) and imports nothing of signpost. A user says
each line, waits for the whole reply, then says the next (no think time: the figures are the server's); then
starts a new conversation with a new sender id. Every turn is one request named "turn" in Locust's statistics;
a reply that is not a non-empty JSON list counts as a failure.
"""
from __future__ import annotations

import itertools
import json
import os
import uuid

from locust import HttpUser, task

SCRIPTS = json.loads(open(os.environ["SIGNPOST_LOAD_SCRIPTS"], encoding="utf-8").read())
_next_script = itertools.count()


class Person(HttpUser):
    wait_time = staticmethod(lambda: 0)

    @task
    def conversation(self) -> None:
        script = SCRIPTS[next(_next_script) % len(SCRIPTS)]
        sender = f"load-{uuid.uuid4().hex[:16]}"
        for text in script["turns"]:
            body = {"sender": sender, "message": text, "metadata": script.get("metadata", {})}
            with self.client.post("/webhooks/rest/webhook", json=body, name="turn", catch_response=True,
                                  timeout=120) as response:
                try:
                    replies = response.json()
                except ValueError:
                    replies = None
                if response.status_code != 200 or not isinstance(replies, list) or not replies:
                    response.failure(f"HTTP {response.status_code}, {'no reply' if not replies else 'bad body'}")
