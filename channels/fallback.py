"""Never silent: every turn ends with at least one message, whatever part of the system failed.

Rasa swallows a failed custom action (the action server down, slow, or raising: "the action's events are lost")
and ends the turn with nothing said; a tracker store that cannot be reached makes the whole turn raise. For a
person texting "my son isnt breathing" at 2am, silence is the worst possible answer. So every channel runs its
turn through ``run_turn`` and, when the bot said nothing, answers here, on the Rasa server, from plain Python that
needs neither the action server nor the directory:

* if the crisis rules (``safety.crisis``, the same rule layer the NLU pipeline runs) see danger in the message,
  the emergency guidance for that kind of danger (``safety.guidance``): "Call 999 now" first;
* otherwise a kind apology that says the look-up failed, with 999 and the national lines that are always open
  (``replies.services.describe_unavailable``: only lines verified in research).

Emergency guidance also comes first when the bot said *something* but not the guidance (e.g. only the privacy
notice survived a failed action): ``missing_emergency`` gives it to put in front.

Guidance the channel gives this way is counted like the guidance ``action_emergency`` gives (``insight``, the
crisis type and hour only): ``count_crisis_when_done`` counts it once the turn has ended, unless the bot said
guidance itself, since the action then counted it.

A turn that failed can leave a question half-asked (the area form still active), so the person's next, unrelated
message would be taken as the answer. ``close_open_form`` ends such a form after a failed turn.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Awaitable, Callable, List, Optional, Sequence

from replies.services import describe_unavailable
from safety.crisis import CrisisType, detect
from safety.guidance import emergency_guidance

logger = logging.getLogger(__name__)

try:  # the wall clock of the people we serve; zoneinfo is in the standard library
    from zoneinfo import ZoneInfo

    _LONDON: Any = ZoneInfo("Europe/London")
except Exception:  # noqa: BLE001 - a missing tz database must never cost a reply
    _LONDON = None


def emergency_messages(text: str) -> Optional[List[str]]:
    """The emergency guidance when the crisis rules fire on ``text``, else None."""
    try:
        signal = detect(text or "")
    except Exception as error:  # noqa: BLE001 - the rules must never stop a reply
        logger.error("fallback: crisis rules failed (%s)", type(error).__name__)
        return None
    return emergency_guidance(signal.crisis_type) if signal else None


def safety_net_messages(now: Optional[datetime] = None) -> List[str]:
    """"Sorry, I can't look that up", 999 and the always-open national lines, with an open door."""
    return describe_unavailable(now or datetime.now(_LONDON))


def fallback_messages(text: str, now: Optional[datetime] = None) -> List[str]:
    """What to say when the bot said nothing: emergency guidance if the message is about danger, else the safety net."""
    return emergency_messages(text) or safety_net_messages(now)


#: The first line of every kind of emergency guidance: a bot that said one ran action_emergency.
_GUIDANCE_OPENINGS = frozenset(emergency_guidance(kind)[0] for kind in [*CrisisType, None])


def bot_gave_guidance(said: Sequence[Optional[str]]) -> bool:
    return any(line in _GUIDANCE_OPENINGS for line in said)


def count_channel_crisis(text: str, bot_said: Sequence[Optional[str]], input_channel: str) -> None:
    """Count a crisis the channel answered from safety/ (anonymous: its type and hour, ``insight``), unless the bot
    said guidance itself: action_emergency has counted that one. Never raises."""
    if bot_gave_guidance(bot_said):
        return
    try:
        signal = detect(text or "")
        if signal:
            from insight.recorder import record_crisis  # here, so a broken insight import never costs a reply

            record_crisis(signal.crisis_type, datetime.now(_LONDON), input_channel)
    except Exception as error:  # noqa: BLE001 - a lost count is better than a lost reply
        logger.error("fallback: could not count a crisis (%s)", type(error).__name__)


def count_crisis_when_done(
    turn: "asyncio.Future[Any]", bot_said: Callable[[], Sequence[Optional[str]]], text: str, input_channel: str
) -> None:
    """``count_channel_crisis`` once ``turn`` has ended: a turn that timed out may still run action_emergency."""
    if emergency_messages(text):
        turn.add_done_callback(lambda _: count_channel_crisis(text, bot_said(), input_channel))


def missing_emergency(text: str, said: List[str]) -> List[str]:
    """The emergency guidance to put in front of ``said`` when the message is about danger and the bot left it
    out (an action failed but something else was said); else nothing."""
    guidance = emergency_messages(text)
    if not guidance or guidance[0] in said:
        return []
    return guidance


@dataclass
class TurnOutcome:
    """How a turn ended: ``failed`` when the bot raised or timed out, ``silent`` when it said nothing."""

    failed: bool = False
    timed_out: bool = False

    @property
    def ok(self) -> bool:
        return not (self.failed or self.timed_out)


#: An emergency is answered within this many seconds: if the bot is slower (the action server hung, the server
#: overloaded), the channel sends the guidance from safety/ now and lets the turn finish in the background.
EMERGENCY_DEADLINE_SECONDS = 2.0


def turn_deadline(text: str, otherwise: Optional[float] = None) -> Optional[float]:
    """How long to wait for the bot: ``EMERGENCY_DEADLINE_SECONDS`` for an emergency, else ``otherwise``."""
    if emergency_messages(text):
        return EMERGENCY_DEADLINE_SECONDS if otherwise is None else min(otherwise, EMERGENCY_DEADLINE_SECONDS)
    return otherwise


async def run_turn(turn: Awaitable[Any], timeout: Optional[float] = None) -> TurnOutcome:
    """Await the bot's turn; an exception or a timeout is logged (its type only) and reported, never raised.

    On a timeout the turn keeps running (shielded), so the conversation stays whole; the caller answers now.
    The exception's text is not logged: Rasa's errors can quote the person's message.
    """
    task = asyncio.ensure_future(turn)
    try:
        if timeout is None:
            await task
        else:
            await asyncio.wait_for(asyncio.shield(task), timeout)
    except asyncio.TimeoutError:
        logger.warning("fallback: the bot did not answer within %.1f s; answering now", timeout or 0)
        task.add_done_callback(_log_late_failure)
        return TurnOutcome(timed_out=True)
    except asyncio.CancelledError:
        logger.error("fallback: the bot's turn was cancelled")
        return TurnOutcome(failed=True)
    except Exception as error:  # noqa: BLE001 - the person still gets an answer
        logger.error("fallback: the bot failed to handle a message (%s)", type(error).__name__)
        return TurnOutcome(failed=True)
    return TurnOutcome()


def _log_late_failure(task: "asyncio.Future[Any]") -> None:
    if not task.cancelled() and task.exception() is not None:
        logger.error("fallback: a late turn failed (%s)", type(task.exception()).__name__)


async def close_open_form(agent: Any, sender_id: str) -> bool:
    """End a form left active by a failed turn, so the next message is read afresh. True if one was closed.

    Runs under the conversation's lock, like a turn. Does nothing (and never raises) when the agent has no
    tracker store (tests play the agent with a scripted bot) or the store is down.
    """
    tracker_store = getattr(agent, "tracker_store", None)
    lock_store = getattr(agent, "lock_store", None)
    if tracker_store is None or lock_store is None:
        return False
    try:
        from rasa.shared.core.constants import REQUESTED_SLOT
        from rasa.shared.core.events import ActiveLoop, SlotSet

        async with lock_store.lock(sender_id):
            tracker = await tracker_store.retrieve(sender_id)
            if tracker is None or not tracker.active_loop_name:
                return False
            tracker.update(ActiveLoop(None))
            tracker.update(SlotSet(REQUESTED_SLOT, None))
            await tracker_store.save(tracker)
        logger.info("fallback: closed a form left open by a failed turn")
        return True
    except Exception as error:  # noqa: BLE001 - best effort: the reply has already been decided
        logger.warning("fallback: could not close the open form (%s)", type(error).__name__)
        return False


def agent_of(request: Any) -> Any:
    """Rasa's agent for this app (``app.ctx.agent``), or None."""
    return getattr(getattr(getattr(request, "app", None), "ctx", None), "agent", None)


async def after_silent_turn(request: Any, sender_id: str, outcome: TurnOutcome, said_anything: bool) -> None:
    """Clean-up after a turn that failed or said nothing: close any half-done form."""
    if (outcome.ok and said_anything) or outcome.timed_out:
        return  # a turn still running holds the conversation's lock, and may yet finish its form
    await close_open_form(agent_of(request), sender_id)

