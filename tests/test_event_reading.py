"""The webhook's events are read from their JSON by ``channels.line.event_to_request`` (the SDK's pydantic models
cost more than an answer). The SDK's models, generated from LINE's webhook OpenAPI spec, are the oracle: for every
well-formed event both readings must agree."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from linebot.v3.webhooks import (
    Event,
    FollowEvent,
    GroupSource,
    LocationMessageContent,
    MessageEvent,
    PostbackEvent,
    RoomSource,
    StickerMessageContent,
    TextMessageContent,
    UserSource,
)

from channels.line import event_to_request
from core.messages import Request
from tests.line_fake import postback_event, simple_event, text_event


def read_with_the_sdk(payload: dict) -> Request | None:
    """What the bot must understand of an event, read through the SDK's models."""
    event = Event.from_dict(payload)
    if event is None or getattr(event, "mode", "active") == "standby":
        return None
    source = event.source
    chat_type = {UserSource: "user", GroupSource: "group", RoomSource: "room"}.get(type(source))
    user_id = getattr(source, "user_id", None) or ""
    if chat_type is None or not user_id:
        return None
    chat_id = getattr(source, "group_id", None) or getattr(source, "room_id", None) or ""
    common: dict[str, Any] = {"user_id": user_id, "chat_type": chat_type, "chat_id": chat_id,
                              "event_id": payload.get("webhookEventId", "")}
    if isinstance(event, FollowEvent):
        return Request(kind="follow", **common)
    if isinstance(event, PostbackEvent):
        params = {k: str(v) for k, v in (event.postback.params or {}).items() if v is not None}
        return Request(kind="postback", data=event.postback.data.replace("\x00", ""), params=params, **common)
    if not isinstance(event, MessageEvent):
        return None
    message = event.message
    if isinstance(message, TextMessageContent):
        text = message.text
        if chat_type != "user":
            mine = [m for m in (message.mention.mentionees if message.mention else []) if getattr(m, "is_self", False)]
            if not mine:
                return None
            for m in sorted(mine, key=lambda m: m.index, reverse=True):
                text = text[: m.index] + text[m.index + m.length:]
        return Request(kind="text", text=text.replace("\x00", "").strip(), **common)
    if chat_type != "user":
        return None
    if isinstance(message, StickerMessageContent):
        return Request(kind="sticker", **common)
    if isinstance(message, LocationMessageContent):
        return Request(kind="location", **common)
    return Request(kind="media", **common)


users = st.sampled_from(["U" + "1" * 32, "U" + "a" * 32, "Ub" + "0" * 31])
texts = st.text(max_size=60)


@st.composite
def events(draw: st.DrawFn) -> dict:
    kind = draw(st.sampled_from(["text", "postback", "follow", "sticker", "location", "image", "unfollow"]))
    user = draw(users)
    if kind == "text":
        return text_event(draw(texts), user, chat=draw(st.sampled_from(["user", "group", "room"])),
                          mention_self=draw(st.booleans()), mode=draw(st.sampled_from(["active", "standby"])))
    if kind == "postback":
        params = draw(st.none() | st.fixed_dictionaries({"date": st.sampled_from(["2026-12-01", "2024-02-29"])}))
        return postback_event(draw(texts), user, params)
    if kind == "sticker":
        sticker = {"type": "sticker", "id": "1", "quoteToken": "q", "packageId": "1", "stickerId": "2",
                   "stickerResourceType": "STATIC"}
        return simple_event("message", user, message=sticker)
    if kind == "location":
        return simple_event("message", user, message={"type": "location", "id": "1", "latitude": 13.7,
                                                      "longitude": 100.5})
    if kind == "image":
        return simple_event("message", user, message={"type": "image", "id": "1", "quoteToken": "q",
                                                      "contentProvider": {"type": "line"}})
    if kind == "follow":
        return simple_event(kind, user, follow={"isUnblocked": draw(st.booleans())})
    return simple_event(kind, user)


@settings(max_examples=300, deadline=None)
@given(event=events())
def test_reading_the_json_agrees_with_the_sdk_models(event: dict) -> None:
    assert event_to_request(event) == read_with_the_sdk(event)


def test_mentions_of_others_are_not_for_the_bot_and_the_bot_mention_is_removed() -> None:
    event = text_event("หมวด 1", chat="group", mention_self=True)
    assert event_to_request(event).text == "หมวด 1"
    event["message"]["mention"]["mentionees"][0]["isSelf"] = False
    assert event_to_request(event) is None is read_with_the_sdk(event)
