"""Rendering bot replies for SMS and Telegram: GSM-7, segments, numbered menus, careful splitting."""

from __future__ import annotations

import asyncio
import re

import pytest

from channels.dedup import InMemoryStore
from channels.render import (
    Choice,
    ChoiceMemory,
    chosen_number,
    is_gsm7,
    render_sms,
    sms_segments,
    split_for_telegram,
    split_text,
    to_gsm7,
    utf16_length,
)


def test_typographic_characters_become_gsm7() -> None:
    text = "You\u2019re not alone \u2014 it\u2019s \u201cnormal\u201d\u2026\u00a0call\u00a0116\u00a0123"
    plain = to_gsm7(text)
    assert plain == "You're not alone - it's \"normal\"... call 116 123"
    assert is_gsm7(plain)
    assert not is_gsm7(text)


def test_segment_counts_follow_gsm7_and_ucs2_limits() -> None:
    assert sms_segments("a" * 160) == 1
    assert sms_segments("a" * 161) == 2
    assert sms_segments("a" * 306) == 2
    assert sms_segments("a" * 307) == 3
    assert sms_segments("€" * 80) == 1  # extension characters cost two septets
    assert sms_segments("€" * 81) == 2
    assert sms_segments("😊" * 35) == 1  # emoji forces UCS-2; each is two UTF-16 units
    assert sms_segments("😊" * 36) == 2


def test_buttons_become_a_numbered_list_and_choices() -> None:
    rendered = render_sms(
        [
            {"text": "What would you like help with?", "buttons": [
                {"title": "Drugs", "payload": "/topic_drugs"},
                {"title": "Alcohol", "payload": "/topic_alcohol"},
            ]},
        ]
    )
    assert rendered.messages == ["What would you like help with?\nReply 1 for Drugs\nReply 2 for Alcohol"]
    assert rendered.choices == [Choice("Drugs", "/topic_drugs"), Choice("Alcohol", "/topic_alcohol")]
    assert "/topic" not in rendered.messages[0]  # payloads never leak to the person


def test_choices_are_numbered_across_the_whole_turn() -> None:
    rendered = render_sms(
        [
            {"text": "First", "buttons": [{"title": "A", "payload": "/a"}]},
            {"text": "Second", "buttons": [{"title": "B", "payload": "/b"}]},
        ]
    )
    joined = "\n\n".join(rendered.messages)
    assert "Reply 1 for A" in joined and "Reply 2 for B" in joined
    assert [choice.payload for choice in rendered.choices] == ["/a", "/b"]


def test_long_replies_are_split_into_short_messages_without_breaking_phone_numbers() -> None:
    filler = "We can help you find support near you tonight. "
    text = (filler * 8) + "Samaritans: 116 123, free, any time. FRANK: 0300 123 6600. " + (filler * 8)
    for max_segments in (1, 2, 3):
        rendered = render_sms([{"text": text}], max_segments=max_segments)
        assert len(rendered.messages) > 1
        for body in rendered.messages:
            assert sms_segments(body) <= max_segments
        joined = " ".join(rendered.messages)
        assert "116 123" in joined and "0300 123 6600" in joined
        for body in rendered.messages:
            # a number either appears whole in a message or not at all
            assert not re.search(r"(^|\D)(116|0300|0300 123)$", body.strip())
            assert not re.match(r"^(123|6600|123 6600)\b", body.strip())


def test_phone_number_is_never_split_even_at_the_exact_boundary() -> None:
    # Put a space-separated number where a naive word-wrap would cut it.
    for padding in range(140, 160):
        text = "x" * padding + " 0300 123 6600 end"
        parts = split_text(text, lambda candidate: len(candidate) <= 160)
        assert any("0300 123 6600" in part for part in parts), (padding, parts)


def test_split_prefers_paragraphs_then_lines() -> None:
    text = "para one line\n\npara two line\n\npara three"
    assert split_text(text, lambda c: len(c) <= 30) == ["para one line\n\npara two line", "para three"]


def test_an_unbreakable_run_is_cut_hard_rather_than_lost() -> None:
    url = "https://example.org/" + "a" * 300
    parts = split_text(url, lambda c: len(c) <= 100)
    assert "".join(parts) == url
    assert all(len(part) <= 100 for part in parts)


def test_telegram_split_respects_4096_utf16_units() -> None:
    paragraph = "Some support services are open late. " * 20
    text = "\n\n".join([paragraph.strip()] * 12) + " 😊" * 50
    parts = split_for_telegram(text)
    assert len(parts) > 1
    assert all(utf16_length(part) <= 4096 for part in parts)
    assert re.sub(r"\s+", "", "".join(parts)) == re.sub(r"\s+", "", text)


@pytest.mark.parametrize("reply,number", [("1", 1), (" 2 ", 2), ("3.", 3), ("#4", 4), ("12", 12)])
def test_number_replies_are_recognised(reply: str, number: int) -> None:
    assert chosen_number(reply) == number


@pytest.mark.parametrize("reply", ["one", "1 2", "2 kids", "", "100", "-1"])
def test_other_replies_are_not_numbers(reply: str) -> None:
    assert chosen_number(reply) is None


def test_choice_memory_maps_numbers_back_and_forgets_on_a_menu_less_reply() -> None:
    async def scenario() -> None:
        memory = ChoiceMemory(InMemoryStore())
        await memory.remember("sms:abc", [Choice("Drugs", "/drugs"), Choice("Alcohol", "/alcohol")])
        assert (await memory.resolve("sms:abc", "2")) == Choice("Alcohol", "/alcohol")
        assert await memory.resolve("sms:abc", "3") is None
        assert await memory.resolve("sms:other", "1") is None
        await memory.remember("sms:abc", [])
        assert await memory.resolve("sms:abc", "1") is None

    asyncio.run(scenario())


def test_idempotency_runs_once_and_retries_after_a_failure() -> None:
    from channels.dedup import DuplicateStillRunning, IdempotencyStore

    async def scenario() -> None:
        once = IdempotencyStore(InMemoryStore(), prefix="t:", wait_timeout_seconds=0.2)
        calls = []

        async def produce() -> str:
            calls.append(1)
            await asyncio.sleep(0.05)
            return f"reply {len(calls)}"

        results = await asyncio.gather(*[once.run_once("sid-1", produce) for _ in range(5)])
        assert results == ["reply 1"] * 5 and len(calls) == 1
        assert await once.run_once("sid-1", produce) == "reply 1"

        async def failing() -> str:
            raise RuntimeError("boom")

        with pytest.raises(RuntimeError):
            await once.run_once("sid-2", failing)
        assert await once.run_once("sid-2", produce) == "reply 2"  # a retry after a failure runs again

        async def slow() -> str:
            await asyncio.sleep(1)
            return "late"

        first = asyncio.ensure_future(once.run_once("sid-3", slow))
        await asyncio.sleep(0.01)
        with pytest.raises(DuplicateStillRunning):
            await once.run_once("sid-3", slow)
        assert await first == "late"

    asyncio.run(scenario())


def test_idempotency_with_the_store_unreachable_runs_the_turn_once_and_never_hides_its_own_failure() -> None:
    from channels.dedup import IdempotencyStore, RedisStore

    async def scenario() -> None:
        once = IdempotencyStore(RedisStore("redis://127.0.0.1:1/0", "test:down:"), prefix="t:")
        calls = []

        async def produce() -> str:
            calls.append(1)
            return "reply"

        assert await once.run_once("sid-1", produce) == "reply" and len(calls) == 1

        async def failing() -> str:
            calls.append(1)
            raise RuntimeError("the turn failed")

        with pytest.raises(RuntimeError):
            await once.run_once("sid-2", failing)
        assert len(calls) == 2  # run once, not again as if the store had failed

    asyncio.run(scenario())
