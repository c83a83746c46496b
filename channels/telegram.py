"""Telegram, for family members on messaging apps: ``credentials.yml`` key ``channels.telegram.TelegramInput``.

Built on python-telegram-bot 22 (async): updates are parsed with ``telegram.Update.de_json`` and replies are
sent with ``telegram.Bot`` through its own ``HTTPXRequest`` layer. The Bot is created and initialised lazily
inside Sanic's running event loop (its HTTP connections belong to that loop).

Why not Rasa's built-in Telegram channel: it uses aiogram, never checks Telegram's secret token (anyone who
knows the URL can post updates) and calls ``getMe`` on every update. Here every request must carry
``X-Telegram-Bot-Api-Secret-Token`` (compared in constant time) or gets 403.

Chat ids are replaced by keyed pseudonyms before anything reaches Rasa; the raw id is held only by the output
channel object for the turn. Only private chats are answered: a bot that talks about drugs and alcohol in a
group would tell the group about the person asking.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import logging
import os
from typing import Any, Awaitable, Callable, Dict, List, Optional, Text

from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import TelegramError
from telegram.request import HTTPXRequest

from channels.commands import neutralise
from channels.dedup import DuplicateStillRunning, IdempotencyStore, KeyValueStore, store_from_env, tolerant
from channels.fallback import (
    after_silent_turn,
    count_channel_crisis,
    count_crisis_when_done,
    emergency_messages,
    fallback_messages,
    missing_emergency,
    run_turn,
    turn_deadline,
)
from channels.identity import pseudonymise
from channels.limits import TOO_MANY_REQUESTS, RateLimiter
from channels.render import choices_from_buttons, split_for_telegram

logger = logging.getLogger(__name__)

# PTB logs every API call *with its parameters* (chat id, text) at DEBUG, and httpx logs request URLs, which
# contain the bot token, at INFO. Our privacy rule is "no message text or chat ids in logs at any level", so
# these loggers are capped here, where the dependency is introduced, whatever the app's log level.
for _noisy, _floor in (("telegram", logging.INFO), ("httpx", logging.WARNING), ("httpcore", logging.WARNING)):
    _library_logger = logging.getLogger(_noisy)
    if _library_logger.level < _floor:
        _library_logger.setLevel(_floor)

CHANNEL_NAME = "telegram"
DEFAULT_BASE_URL = "https://api.telegram.org/bot"
MAX_UPDATE_BYTES = 1024 * 1024
CALLBACK_DATA_MAX_BYTES = 64  # Telegram's limit for InlineKeyboardButton.callback_data
CALLBACK_TTL_SECONDS = 30 * 24 * 3600
ALLOWED_UPDATES = ["message", "edited_message", "callback_query"]

# Facts here (999; Samaritans 116 123, free, 24 hours) are VERIFIED in shared/research/helplines.md.
HELP_REPLY = (
    "I'm signpost. I help people find drug and alcohol support in England, including for a family member "
    "or friend. Just tell me what's going on in your own words.\n\n"
    "If someone is in danger, call 999. Samaritans: 116 123, free, any time."
)
STOP_REPLY = (
    "OK, I'll stop here and won't message you. If someone is in danger, call 999. "
    "Samaritans: 116 123, free, any time.\n\nYou can message me again whenever you want."
)
ONLY_TEXT_REPLY = (
    "I can only read text messages. Please type what you'd like to say, in your own words. "
    "You can message any time."
)
EDITED_REPLY = (
    "I can't read edited messages. Please send what you meant as a new message. You can message any time."
)
EXPIRED_BUTTON_REPLY = "That button has expired. Please type your answer instead."


def _setting(env_name: str, credentials: Dict[str, Any], key: str) -> Optional[str]:
    """Environment first, then credentials.yml; empty values count as unset."""
    value = os.environ.get(env_name) or credentials.get(key)
    return str(value).strip() if value else None


def make_bot(token: str, base_url: Optional[str] = None) -> Bot:
    """A PTB Bot using its real HTTPX request layer; ``base_url`` points it at another Bot API server."""
    return Bot(
        token=token,
        base_url=base_url or DEFAULT_BASE_URL,
        request=HTTPXRequest(connection_pool_size=8, read_timeout=10.0, write_timeout=10.0),
    )


async def set_webhook(url: str, token: str, secret: str, base_url: Optional[str] = None) -> bool:
    """Tell Telegram to post updates to ``url`` with ``secret`` as the secret token. For ``signpost telegram
    set-webhook URL``; returns Telegram's answer (True on success), raises ``telegram.error.TelegramError``."""
    async with make_bot(token, base_url) as bot:
        return await bot.set_webhook(url=url, secret_token=secret, allowed_updates=ALLOWED_UPDATES)


def set_webhook_from_environment(url: str) -> bool:
    """Blocking helper for the CLI: ``set_webhook`` with TELEGRAM_TOKEN, TELEGRAM_WEBHOOK_SECRET and the optional
    TELEGRAM_API_BASE_URL from the environment. Raises ValueError if the token or secret is missing."""
    token = os.environ.get("TELEGRAM_TOKEN", "").strip()
    secret = os.environ.get("TELEGRAM_WEBHOOK_SECRET", "").strip()
    if not token or not secret:
        raise ValueError("Set TELEGRAM_TOKEN and TELEGRAM_WEBHOOK_SECRET first.")
    base_url = os.environ.get("TELEGRAM_API_BASE_URL", "").strip() or None
    return asyncio.run(set_webhook(url, token, secret, base_url))


class TelegramOutput(OutputChannel):
    """Sends one turn's replies to one chat. Rasa's ``recipient_id`` is a pseudonym, so the raw chat id is held
    here instead, for the life of this object only."""

    def __init__(self, channel: "TelegramInput", bot: Bot, chat_id: int, sender_id: str) -> None:
        self._channel = channel
        self._bot = bot
        self._chat_id = chat_id
        self._sender_id = sender_id
        #: The texts sent this turn, so the channel can tell a silent turn (channels/fallback.py).
        self.said: List[str] = []
        #: The texts the bot itself gave, whether or not sent again: did action_emergency run?
        self.bot_said: List[str] = []

    @classmethod
    def name(cls) -> Text:
        return CHANNEL_NAME

    async def _send(self, text: str, keyboard: Optional[InlineKeyboardMarkup] = None) -> None:
        if await self._channel.is_stopped(self._sender_id):
            # After /stop nothing goes out (e.g. a Rasa reminder firing later) until they write again.
            return
        if text in self.said and not keyboard:
            # Already sent this turn: emergency guidance sent before a slow bot finished (channels/fallback.py).
            return
        parts = split_for_telegram(text) or (["Please choose:"] if keyboard else [])
        self.said.append(text)
        for index, part in enumerate(parts):
            last = index == len(parts) - 1
            try:
                await self._bot.send_message(
                    chat_id=self._chat_id, text=part, reply_markup=keyboard if last else None
                )
            except TelegramError as error:
                logger.error("telegram: sendMessage failed (%s)", type(error).__name__)
                return

    async def send_text_message(self, recipient_id: Text, text: Text, **kwargs: Any) -> None:
        self.bot_said.append(text)
        await self._send(text)

    async def send_own(self, text: str) -> None:
        """A line from the channel itself (channels/fallback.py), not from the bot."""
        await self._send(text)

    async def send_text_with_buttons(
        self, recipient_id: Text, text: Text, buttons: List[Dict[Text, Any]], **kwargs: Any
    ) -> None:
        self.bot_said.append(text)
        rows = []
        for choice in choices_from_buttons(buttons):
            data = await self._channel.callback_data_for(choice.payload)
            rows.append([InlineKeyboardButton(text=choice.title, callback_data=data)])
        await self._send(text, InlineKeyboardMarkup(rows) if rows else None)

    async def send_image_url(self, recipient_id: Text, image: Text, **kwargs: Any) -> None:
        await self._send(image)

    async def send_attachment(self, recipient_id: Text, attachment: Text, **kwargs: Any) -> None:
        await self._send(str(attachment))

    async def send_custom_json(self, recipient_id: Text, json_message: Dict[Text, Any], **kwargs: Any) -> None:
        # Custom payloads are for the web widget; on Telegram they would show as raw JSON.
        logger.debug("telegram: dropped a custom payload")


class TelegramInput(InputChannel):
    """Rasa input channel for a Telegram bot (webhook mode) with secret-token check and inline keyboards."""

    def __init__(
        self,
        token: str,
        secret_token: str,
        base_url: Optional[str] = None,
        start_payload: str = "/greet",
        store: Optional[KeyValueStore] = None,
    ) -> None:
        if not token or not secret_token:
            # An unauthenticated webhook lets anyone write into anyone's conversation: refuse to start.
            raise ValueError(
                "Telegram channel needs TELEGRAM_TOKEN and TELEGRAM_WEBHOOK_SECRET "
                "(or access_token and secret_token in credentials.yml)."
            )
        self._token = token
        self._secret = secret_token.encode("utf-8")
        self._base_url = base_url
        self._start_payload = start_payload
        self._store = store if store is not None else store_from_env()
        self._once = IdempotencyStore(self._store, prefix="telegram:update:", wait_timeout_seconds=50.0)
        # Per chat only: every update comes from Telegram's own servers, so an address says nothing about who wrote.
        self._limiter = RateLimiter.from_env(self._store)
        self._bot: Optional[Bot] = None
        self._bot_lock: Optional[asyncio.Lock] = None

    @classmethod
    def name(cls) -> Text:
        return CHANNEL_NAME

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> "TelegramInput":
        credentials = credentials or {}
        return cls(
            token=_setting("TELEGRAM_TOKEN", credentials, "access_token") or "",
            secret_token=_setting("TELEGRAM_WEBHOOK_SECRET", credentials, "secret_token") or "",
            base_url=_setting("TELEGRAM_API_BASE_URL", credentials, "base_url"),
            start_payload=str(credentials.get("start_payload") or "/greet"),
        )

    def get_metadata(self, request: Request) -> Optional[Dict[Text, Any]]:
        return {"channel": CHANNEL_NAME}

    # --- state -----------------------------------------------------------------------------------------------------

    async def is_stopped(self, sender_id: str) -> bool:
        """Whether this chat sent /stop. With the store down we cannot tell: a reply to what they just wrote is
        better than silence."""
        flag = await tolerant(self._store.get(f"telegram:stopped:{sender_id}"), None, "reading /stop")
        return flag is not None

    async def _set_stopped(self, sender_id: str, stopped: bool) -> None:
        key = f"telegram:stopped:{sender_id}"
        if stopped:
            await tolerant(self._store.set(key, "1", CALLBACK_TTL_SECONDS), None, "recording /stop")
        else:
            await tolerant(self._store.delete(key), None, "clearing /stop")

    async def callback_data_for(self, payload: str) -> str:
        """Button data for a payload: the payload itself when it fits Telegram's 64 bytes, else a short id."""
        direct = "p:" + payload
        if len(direct.encode("utf-8")) <= CALLBACK_DATA_MAX_BYTES:
            return direct
        short_id = hashlib.sha256(payload.encode("utf-8")).hexdigest()[:32]
        # With the store down the button still shows; pressing it asks the person to type instead.
        await tolerant(
            self._store.set(f"telegram:callback:{short_id}", payload, CALLBACK_TTL_SECONDS), None, "keeping a button"
        )
        return "h:" + short_id

    async def payload_for(self, callback_data: Optional[str]) -> Optional[str]:
        if not callback_data:
            return None
        kind, _, value = callback_data.partition(":")
        if kind == "p":
            return value
        if kind == "h":
            return await tolerant(self._store.get(f"telegram:callback:{value}"), None, "reading a button")
        return None

    # --- bot -------------------------------------------------------------------------------------------------------

    async def ready_bot(self) -> Bot:
        if self._bot_lock is None:
            self._bot_lock = asyncio.Lock()
        async with self._bot_lock:
            if self._bot is None:
                bot = make_bot(self._token, self._base_url)
                await bot.initialize()
                self._bot = bot
        return self._bot

    async def shutdown(self) -> None:
        if self._bot is not None:
            await self._bot.shutdown()
            self._bot = None

    # --- the turn --------------------------------------------------------------------------------------------------

    async def _say(self, bot: Bot, chat_id: int, text: str) -> None:
        try:
            await bot.send_message(chat_id=chat_id, text=text)
        except TelegramError as error:
            logger.error("telegram: sendMessage failed (%s)", type(error).__name__)

    async def _over_limit(self, sender_id: str) -> bool:
        """A chat sending faster than SIGNPOST_LIMIT_PER_SENDER allows gets a short answer instead of a turn, so one
        flood cannot slow everyone else's replies; it still gets an answer (never silent): the emergency guidance
        when the text is about danger. (A 429 would make Telegram redeliver the update for hours.)"""
        return await self._limiter.check_request(CHANNEL_NAME, None, sender_id) is not None

    async def _process(
        self, update: Update, bot: Bot, request: Request, on_new_message: Callable[[UserMessage], Awaitable[Any]]
    ) -> str:
        chat = update.effective_chat
        if chat is not None:
            if chat.type != "private":
                return "ignored"  # groups and channels: answering there would tell others about the person
            chat_id = chat.id
        elif update.callback_query is not None:
            # A button on a message too old for Telegram to include: in a private chat the chat id is the user id.
            chat_id = update.callback_query.from_user.id
        else:
            return "ignored"
        if update.effective_message is None and update.callback_query is None:
            return "ignored"  # membership changes and the like: nothing to answer
        sender_id = pseudonymise(CHANNEL_NAME, str(chat_id))
        text: Optional[str] = None

        if update.callback_query is not None:
            query = update.callback_query
            try:
                await bot.answer_callback_query(query.id)
            except TelegramError as error:
                logger.warning("telegram: answerCallbackQuery failed (%s)", type(error).__name__)
            if query.message is not None:
                try:  # the choice is made: remove the buttons so an old menu can't be pressed again
                    await bot.edit_message_reply_markup(
                        chat_id=chat_id, message_id=query.message.message_id, reply_markup=None
                    )
                except TelegramError as error:
                    logger.info("telegram: could not remove old buttons (%s)", type(error).__name__)
            text = await self.payload_for(query.data)
            if text is None:
                await self._say(bot, chat_id, EXPIRED_BUTTON_REPLY)
                return "expired button"
        elif update.message is not None and update.message.text:
            words = update.message.text.split()
            command = words[0].split("@")[0].lower() if words else ""
            if command == "/stop":
                await self._say(bot, chat_id, STOP_REPLY)
                await self._set_stopped(sender_id, True)
                logger.info("telegram: sender stopped the conversation")
                return "stopped"
            if command == "/help":
                await self._say(bot, chat_id, HELP_REPLY)
                return "help"
            text = self._start_payload if command == "/start" else update.message.text
        else:
            # Edited messages, stickers, photos, voice notes…: answer kindly instead of failing.
            await self._set_stopped(sender_id, False)
            logger.info("telegram: answered a non-text update")
            await self._say(bot, chat_id, EDITED_REPLY if update.edited_message else ONLY_TEXT_REPLY)
            return "not text"

        await self._set_stopped(sender_id, False)  # they wrote again
        if await self._over_limit(sender_id):
            # Emergency words do not buy a flooder full turns, but danger still gets its guidance at once.
            for line in emergency_messages(text) or [TOO_MANY_REQUESTS]:
                await self._say(bot, chat_id, line)
            count_channel_crisis(text, [], CHANNEL_NAME)
            return "limited"
        output = TelegramOutput(self, bot, chat_id, sender_id)
        turn = asyncio.ensure_future(
            on_new_message(
                UserMessage(
                    text=neutralise(text, extra_allowed=(self._start_payload,)),
                    output_channel=output,
                    sender_id=sender_id,
                    input_channel=CHANNEL_NAME,
                    message_id=str(update.update_id),
                    metadata=self.get_metadata(request),
                )
            )
        )
        outcome = await run_turn(turn, timeout=turn_deadline(text))
        count_crisis_when_done(turn, lambda: output.bot_said, text, CHANNEL_NAME)
        # Never silent (channels/fallback.py): answer from safety/ when the bot said nothing, and make sure
        # emergency guidance went out when the message was about danger.
        said_anything = bool(output.said)
        if outcome.timed_out or not said_anything:
            # A timeout only happens to an emergency: its guidance now, the rest of the reply when the bot is done.
            extra = fallback_messages(text)
        else:
            extra = missing_emergency(text, output.said)
        for reply in extra:
            await output.send_own(reply)
        await after_silent_turn(request, sender_id, outcome, said_anything)
        return "handled"

    # --- Sanic -------------------------------------------------------------------------------------------------------

    def _secret_ok(self, request: Request) -> bool:
        given = (request.headers.get("x-telegram-bot-api-secret-token") or "").encode("utf-8")
        return hmac.compare_digest(given, self._secret)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        telegram_webhook = Blueprint(f"signpost_telegram_{id(self)}", __name__)

        @telegram_webhook.listener("after_server_stop")
        async def close_bot(*_: Any) -> None:
            await self.shutdown()

        @telegram_webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @telegram_webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            if not self._secret_ok(request):
                logger.warning("telegram: rejected request with missing or wrong secret token")
                return response.text("forbidden", status=403)
            media_type = (request.headers.get("content-type") or "").split(";")[0].strip().lower()
            if media_type != "application/json":
                logger.warning("telegram: rejected request (415: not JSON)")
                return response.text("expected application/json", status=415)
            if len(request.body or b"") > MAX_UPDATE_BYTES:
                logger.warning("telegram: rejected request (413: too large)")
                return response.text("update too large", status=413)
            try:
                bot = await self.ready_bot()
            except TelegramError as error:
                # Can't reach the Bot API (or the token is wrong): let Telegram retry later.
                logger.error("telegram: bot could not start (%s)", type(error).__name__)
                return response.text("bot unavailable", status=503)
            try:
                data = json.loads((request.body or b"").decode("utf-8"))
                if not isinstance(data, dict):
                    raise ValueError("update is not an object")
                update = Update.de_json(data, bot)
                if update is None:
                    raise ValueError("empty update")
            except Exception as error:  # noqa: BLE001 - PTB trusts Telegram's shapes; any parse failure is a 400
                # (ValueError, RecursionError on deep nesting, AttributeError/TypeError/KeyError on odd shapes)
                logger.warning("telegram: rejected malformed update (%s)", type(error).__name__)
                return response.text("malformed update", status=400)
            try:
                await self._once.run_once(
                    str(update.update_id), lambda: self._process(update, bot, request, on_new_message)
                )
            except DuplicateStillRunning:
                pass
            except Exception as error:
                # Telegram retries non-2xx answers for hours; one failed turn must not become a retry storm.
                logger.error("telegram: failed to handle an update (%s)", type(error).__name__)
            return response.json({"ok": True})

        return telegram_webhook
