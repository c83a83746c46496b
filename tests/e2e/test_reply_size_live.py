"""Issue 8 through the running server, by SMS: a worried family member's "blackburn" (the bundled Blackburn records
have no contact details) fits three GSM-7 segments and offers more options; an emergency starts with 999 alone."""
from __future__ import annotations

import pytest

from channels.render import sms_segments, turn_segments
from tests.e2e.test_channels_live import Texter

pytestmark = pytest.mark.slow


def test_sms_blackburn_from_a_worried_family_member_fits_three_segments_and_offers_more(signpost_server):
    phone = Texter(signpost_server)
    status, asked = phone.text("im worried about my sons drinking")
    assert status == 200 and asked
    status, options = phone.text("blackburn")
    reply = "\n".join(options)
    assert status == 200 and turn_segments(options) <= 3, options
    assert "Blackburn" in reply and "More options" in reply
    assert "2013" not in reply  # the old report's records, with no way to contact them, are not offered
    number = next(line.split()[1] for line in reply.splitlines() if line.endswith("for More options"))
    status, more = phone.text(number)
    assert status == 200 and turn_segments(more) <= 3, more
    assert "More options" in "\n".join(more) or "That's all I have" in "\n".join(more)


def test_sms_emergency_first_text_is_the_999_line_alone(signpost_server):
    status, replies = Texter(signpost_server).text("my boyfriend isnt breathing")
    assert status == 200 and "999" in replies[0]
    assert "\n" not in replies[0].strip() and sms_segments(replies[0]) == 1
