"""The words of "forget me", shared by the action that says them and the channels that act on them.

The channels (channels/sms.py) recognise this reply to erase what they keep per sender (the numbered choices and
the replies kept for provider retries): the action server cannot reach that state, and the reply is the one sign
of an erasure that reaches the channel on every path.
"""
from __future__ import annotations

from replies.services import OPEN_DOOR

FORGOTTEN = (
    "Done. I've deleted this chat, and nothing you wrote here is kept. "
    "It may still show on your phone or screen, so you can delete it there too. "
    "You can start again whenever you like: just send a message. " + OPEN_DOOR
)
