"""Hypothesis-driven fuzzing of the webhook: whatever a signed body holds, never a 5xx and never a dead
worker; odd text (huge, odd Unicode, beyond LINE's 5,000 characters) still gets a well-formed reply."""

from __future__ import annotations

import json
import uuid

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from linebot.v3.messaging import ReplyMessageRequest

from channels.line import MAX_TEXT_UNITS, render, utf16_units
from core.messages import Reply
from tests.conftest import Bot
from tests.line_fake import postback_event, sign, survives_round_trip, text_event

json_leaf = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30)
json_value = st.recursive(json_leaf, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(
    st.text(max_size=12), inner, max_size=4), max_leaves=20)
event_keys = st.sampled_from(["type", "mode", "timestamp", "source", "webhookEventId", "deliveryContext",
                              "replyToken", "message", "postback", "follow", "joined", "left", "unsend", "things"])
odd_text = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=300) | st.sampled_from([
    "ก" * 6000, "🙂" * 3000, "\u200b\ufeff\u0e33\u0e4d\u0e32", "หมวด ๕" * 900, "\x00\x01", "ยทๆฟ " * 200, "",
    "เ" * 5001, "s,;f 6" * 1000,
])
FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                       HealthCheck.too_slow])


def _post_raw(bot: Bot, payload: object) -> int:
    raw = json.dumps(payload, ensure_ascii=False).encode()
    return bot.app.test_client().post("/callback", data=raw, headers={"X-Line-Signature": sign(raw)}).status_code


@FUZZ
@given(body=st.dictionaries(st.sampled_from(["events", "destination", "other"]), json_value, max_size=3))
def test_random_json_bodies(sqlite_bot: Bot, body: dict) -> None:
    assert _post_raw(sqlite_bot, body) in {200, 400}
    sqlite_bot.engine.drain()


@FUZZ
@given(events=st.lists(st.dictionaries(event_keys, json_value, max_size=8), max_size=4))
def test_random_event_shapes(sqlite_bot: Bot, events: list[dict]) -> None:
    assert _post_raw(sqlite_bot, {"destination": "U0", "events": events}) in {200, 400}
    sqlite_bot.engine.drain()


@FUZZ
@given(text=odd_text)
def test_odd_text_gets_a_reply_within_limits(sqlite_bot: Bot, text: str) -> None:
    event = text_event(text, f"U{uuid.uuid4().hex}")  # a new person each time: no rate limit
    assert sqlite_bot.post(event).status_code == 200
    sqlite_bot.engine.drain()
    reply = sqlite_bot.line.reply_for(event["replyToken"])
    assert reply is not None
    assert 1 <= len(reply["messages"]) <= 5
    for m in reply["messages"]:
        if m["type"] == "text":
            assert 0 < utf16_units(m["text"]) <= MAX_TEXT_UNITS


@FUZZ
@given(data=st.text(max_size=400), params=st.dictionaries(st.sampled_from(["date", "time", "datetime", "x"]),
                                                           st.text(max_size=20), max_size=2))
def test_random_postback_data(sqlite_bot: Bot, data: str, params: dict) -> None:
    event = postback_event(data, f"U{uuid.uuid4().hex}", params=params)
    assert sqlite_bot.post(event).status_code == 200
    sqlite_bot.engine.drain()
    with sqlite_bot.engine.inbox_sessions() as s:
        from sqlalchemy import select

        from db.models import InboundEvent

        status = s.scalar(select(InboundEvent.status).where(InboundEvent.webhook_event_id == event["webhookEventId"]))
    assert status == "done"


@settings(max_examples=80, deadline=None)
@given(text=st.text(max_size=12000))
def test_render_respects_line_limits(text: str) -> None:
    from core.messages import Choice

    choices = [Choice(label="ป้ายยาวมาก" * 5, text="t" * 400, data="d" * 400, action="postback")] * 20
    messages = render(Reply.text(text.strip() or "ว่าง", choices))
    assert 1 <= len(messages) <= 5
    for m in messages:
        assert utf16_units(m["text"]) <= MAX_TEXT_UNITS
    items = messages[-1]["quickReply"]["items"]
    assert len(items) <= 13
    assert all(len(i["action"]["label"]) <= 20 for i in items)
    # The shapes are LINE's: the SDK's models (generated from LINE's OpenAPI spec) accept them unchanged.
    body = {"replyToken": "t", "messages": messages}
    assert survives_round_trip(body, ReplyMessageRequest.from_dict(body).to_dict())


def test_odd_text_on_every_backend(bot: Bot) -> None:
    """The same odd inputs on PostgreSQL too (NUL, lone marks, 6,000 characters, emoji)."""
    for text in ["\x00\x01 หมวด 1", "ก" * 6000, "🙂" * 3000, "\u0e33\u0e4d", "\ufeff"]:
        event = text_event(text, f"U{uuid.uuid4().hex}")
        assert bot.post(event).status_code == 200
        bot.engine.drain()
        assert bot.line.reply_for(event["replyToken"]) is not None, repr(text[:10])
