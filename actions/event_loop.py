"""Every action runs in a worker thread, never on the action server's event loop.

The actions read the directory with SQLAlchemy and work out opening hours: ordinary blocking Python, written
inside ``async def run`` (that is how rasa-sdk calls them). Run on the server's one event loop, each such call
stops every other conversation's action until it finishes, so under load the action server answers one call at a
time however many are waiting (issue 10, "Fast under load").

Rather than ask every action to wrap its own database work, this is done once, here, for all of them: rasa-sdk
imports every module of the ``actions`` package when it starts, and this module makes its ``ActionExecutor.run``
hand each call to a worker thread, where the action's coroutine runs to the end in an event loop of its own. The
server's loop stays free to accept and answer other calls meanwhile. What the actions share across calls is
thread-safe already: the directory engine and area index are behind a lock (actions/directory.py), SQLite
connections are not pooled (NullPool) and PostgreSQL's pool is thread-safe.
"""
from __future__ import annotations

import asyncio
import functools
from typing import Any

from rasa_sdk.executor import ActionExecutor

_MARK = "_signpost_off_the_loop"


def _run_to_the_end(run: Any, executor: ActionExecutor, action_call: Any) -> Any:
    return asyncio.run(run(executor, action_call))


def move_actions_off_the_loop() -> None:
    """Makes ``ActionExecutor.run`` run each action call in a worker thread (once, however often called)."""
    original = ActionExecutor.run
    if getattr(original, _MARK, False):
        return

    @functools.wraps(original)
    async def run_in_a_worker_thread(self: ActionExecutor, action_call: Any) -> Any:
        return await asyncio.to_thread(_run_to_the_end, original, self, action_call)

    setattr(run_in_a_worker_thread, _MARK, True)
    ActionExecutor.run = run_in_a_worker_thread


move_actions_off_the_loop()
