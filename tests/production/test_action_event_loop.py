"""Actions run in a worker thread (actions/event_loop.py), so the action server's event loop stays free for other
calls while one action does blocking work (a directory query, opening hours)."""
from __future__ import annotations

import asyncio
import threading

from rasa_sdk import Action
from rasa_sdk.executor import ActionExecutor

RELEASE = threading.Event()


class BlockingAction(Action):
    """Blocks as a database query does; only something else running on the server's loop can release it."""

    def name(self) -> str:
        return "action_test_blocking"

    async def run(self, dispatcher, tracker, domain):
        released = RELEASE.wait(timeout=5)
        dispatcher.utter_message(text="released" if released else "the server's loop was blocked")
        return []


def action_call() -> dict:
    tracker = {"sender_id": "rest:test", "slots": {}, "latest_message": {}, "events": [], "paused": False,
               "followup_action": None, "active_loop": {}, "latest_action_name": None}
    return {"next_action": "action_test_blocking", "tracker": tracker, "domain": {}}


def test_rasa_sdk_loads_the_change_with_the_actions_package():
    executor = ActionExecutor()
    executor.register_package("actions")
    assert getattr(ActionExecutor.run, "_signpost_off_the_loop", False)
    assert "action_find_services" in executor.actions


def test_the_server_loop_keeps_running_while_an_action_blocks():
    import actions.event_loop  # noqa: F401 - the change under test

    RELEASE.clear()
    executor = ActionExecutor()
    executor.register_action(BlockingAction)

    async def server() -> dict:
        running = asyncio.create_task(executor.run(action_call()))
        await asyncio.sleep(0.05)
        RELEASE.set()  # the loop is free to do this while the action waits
        return await running

    result = asyncio.run(server())
    assert [message["text"] for message in result["responses"]] == ["released"]
