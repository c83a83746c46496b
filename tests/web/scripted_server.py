"""A Sanic server with our real web channels and a scripted bot in place of Rasa's agent.

Run as a separate process by the tests (Sanic 21.12 wants the main thread):
    python tests/web/scripted_server.py --port 5123

The channels are wired by Rasa's own ``rasa.core.channels.channel.register``, which
hands every message to ``app.ctx.agent.handle_message`` - the one hook we replace, with
``ScriptedAgent``.  Rasa's ``configure_cors`` is applied as ``rasa run --cors "*"`` does,
so council pages on other origins can talk to it.

``GET /test/received`` lists what the agent received (sender, text, input channel,
metadata), so tests can check what really reached ``on_new_message``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import sys
from pathlib import Path
from typing import Any, Dict, List

REPO_ROOT = Path(__file__).resolve().parents[2]
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from rasa.core.channels.channel import UserMessage, register  # noqa: E402
from rasa.server import configure_cors  # noqa: E402
from sanic import Sanic, response  # noqa: E402
from sanic.request import Request  # noqa: E402

from channels.rest import MetadataRestInput  # noqa: E402
from channels.widget import WidgetInput  # noqa: E402

# Contact details below are fictional on purpose: 01632 960xxx is Ofcom's drama range.
GREETING_BUTTONS = [
    {"title": "Find support near me", "payload": "/help_alcohol"},
    {"title": "I'm worried about someone", "payload": "/worried_about_someone"},
]
HOSTILE_TEXT = (
    '<img src=x onerror="window.__xss=1"> <script>window.__xss=2</script> '
    '<a href="javascript:window.__xss=3">click</a> javascript:alert(1)'
)


class ScriptedAgent:
    """Stands in for ``rasa.core.agent.Agent``: replies through the message's output channel."""

    def __init__(self) -> None:
        self.received: List[Dict[str, Any]] = []

    async def handle_message(self, message: UserMessage) -> None:
        self.received.append(
            {
                "sender": message.sender_id,
                "text": message.text,
                "input_channel": message.input_channel,
                "metadata": message.metadata,
                "message_id": message.message_id,
            }
        )
        out = message.output_channel
        sender = message.sender_id
        text = (message.text or "").strip()
        lowered = text.lower()
        if lowered in {"hello", "hi"}:
            await out.send_text_with_buttons(
                sender, "Hello. What would you like help with?", GREETING_BUTTONS
            )
        elif text == "/help_alcohol":
            await out.send_text_message(
                sender,
                "Example Recovery Service (test data) is open now.\n"
                "Call 01632 960 123 or visit https://example.org/help.",
            )
        elif text == "/worried_about_someone":
            await out.send_text_message(
                sender, "That sounds hard. You can message any time."
            )
        elif lowered == "xss":
            await out.send_text_with_buttons(
                sender,
                HOSTILE_TEXT,
                [{"title": '<img src=x onerror="window.__xss=4">', "payload": "/xss_button"}],
            )
        elif text == "/ask_plan":
            from tests.web.plan_fixture import sample_plan_view

            await out.send_text_message(sender, "Here is your plan. It is not saved on this device.")
            await out.send_custom_json(sender, {"signpost_plan": sample_plan_view()})
        elif lowered == "slow":
            await asyncio.sleep(1.5)
            await out.send_text_message(sender, "Sorry for the wait.")
        elif lowered.startswith("boom"):
            raise RuntimeError(f"scripted failure for {text}")
        else:
            await out.send_text_message(sender, "I heard you. You can message any time.")


def build_app() -> Sanic:
    app = Sanic("signpost_web_test")
    agent = ScriptedAgent()
    app.ctx.agent = agent
    register([MetadataRestInput(), WidgetInput()], app, route="/webhooks/")
    configure_cors(app, "*")

    @app.get("/test/received")
    async def received(_: Request) -> response.HTTPResponse:
        return response.json(agent.received)

    @app.get("/")
    async def root(_: Request) -> response.HTTPResponse:
        return response.text("scripted signpost test server")

    return app


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    # DEBUG everywhere, so the privacy test sees everything any logger could write.
    logging.basicConfig(level=logging.DEBUG, stream=sys.stderr)
    app = build_app()
    app.run(host="127.0.0.1", port=args.port, access_log=True, workers=1, debug=False)
    print(json.dumps({"stopped": True}))


if __name__ == "__main__":
    main()
