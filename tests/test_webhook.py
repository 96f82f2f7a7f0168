"""The webhook as the LINE platform sees it: signed requests in, Messaging API calls out."""

from __future__ import annotations

import json
import threading

from sqlalchemy import func, select

from core.config import Settings
from db.models import InboundEvent, Outbox, Unanswered
from tests.conftest import Bot, make_settings
from tests.line_fake import SECRET, body_of, sign, simple_event, text_event, text_of

USER = "U" + "1" * 32


def count(bot: Bot, model: type) -> int:
    with (bot.engine.inbox_sessions if model is InboundEvent else bot.engine.sessions)() as s:
        return s.scalar(select(func.count()).select_from(model))


# ----- signature -------------------------------------------------------------------------------

def test_published_signature_vector_is_accepted(fake_line, sqlite_url):
    """LINE SDK's published vector: secret 'channel_secret', body 'bodybodybodybody'."""
    from bot import create_app

    settings = make_settings(sqlite_url, fake_line, line_channel_secret="channel_secret")
    client = create_app(settings, start_workers=False).test_client()
    good = client.post("/callback", data=b"bodybodybodybody",
                       headers={"X-Line-Signature": "/gg9a+LvFevTH1sd7XCQycD7tsWclCsInj7MhBHxN7k="})
    # The signature is right, so the body is read — and refused as malformed, not as unsigned.
    assert good.status_code == 400 and b"malformed" in good.data
    bad = client.post("/callback", data=b"bodybodybodybody", headers={"X-Line-Signature": "invalid_signature"})
    assert bad.status_code == 400 and b"signature" in bad.data


def test_missing_or_wrong_signature_is_refused_and_nothing_stored(bot: Bot):
    event = text_event("หมวด 1")
    assert bot.post(event, signature="").status_code == 400
    assert bot.post(event, signature=sign(body_of(event), "another-secret")).status_code == 400
    tampered = body_of(event)
    assert bot.post(body=tampered.replace("หมวด 1".encode(), "หมวด 2".encode()),
                    signature=sign(tampered)).status_code == 400
    assert count(bot, InboundEvent) == 0
    bot.engine.drain()
    assert bot.line.calls == []


def test_verify_request_with_no_events(bot: Bot):
    response = bot.post(body=json.dumps({"destination": "U0", "events": []}).encode())
    assert response.status_code == 200
    assert count(bot, InboundEvent) == 0


# ----- answering ------------------------------------------------------------------------------

def test_text_message_is_answered_through_the_sdk_client(bot: Bot):
    event = text_event("หมวด 1 คืออะไร")
    assert bot.post(event).status_code == 200
    bot.engine.drain()
    [call] = [c for c in bot.line.calls if c["path"] == "/v2/bot/message/reply"]
    assert call["headers"]["Authorization"] == "Bearer test-channel-access-token"
    assert call["body"]["replyToken"] == event["replyToken"]
    assert "การนำองค์การ" in text_of(call["body"])
    assert 1 <= len(call["body"]["messages"]) <= 5


def test_redelivered_event_is_processed_once(bot: Bot):
    event = text_event("หมวด 2 เรื่องอะไร")
    assert bot.post(event).status_code == 200
    again = dict(event, deliveryContext={"isRedelivery": True})
    assert bot.post(again).status_code == 200
    assert bot.post(event, event).status_code == 200  # the same event twice in one body
    bot.engine.drain()
    assert count(bot, InboundEvent) == 1
    assert len(bot.line.replies()) == 1


def test_standby_mode_sends_nothing(bot: Bot):
    assert bot.post(text_event("หมวด 1", mode="standby")).status_code == 200
    bot.engine.drain()
    assert bot.line.replies() == []


def test_groups_answer_only_when_the_bot_is_mentioned(bot: Bot):
    quiet = text_event("หมวด 1 คืออะไร", chat="group")
    mentioned = text_event("หมวด 1 คืออะไร", chat="group", mention_self=True)
    assert bot.post(quiet, mentioned).status_code == 200
    bot.engine.drain()
    assert bot.line.reply_for(quiet["replyToken"]) is None
    reply = bot.line.reply_for(mentioned["replyToken"])
    assert reply is not None and "การนำองค์การ" in text_of(reply)


def test_follow_sticker_and_image_get_helpful_replies(bot: Bot):
    follow = simple_event("follow", USER, follow={"isUnblocked": False})
    sticker = simple_event("message", USER, message={"type": "sticker", "id": "1", "packageId": "1",
                                                     "stickerId": "1", "stickerResourceType": "STATIC",
                                                     "quoteToken": "q"})
    image = simple_event("message", USER, message={"type": "image", "id": "2", "quoteToken": "q",
                                                   "contentProvider": {"type": "line"}})
    assert bot.post(follow, sticker, image).status_code == 200
    bot.engine.drain()
    assert "PMQA" in text_of(bot.line.reply_for(follow["replyToken"]))
    assert "สติกเกอร์" in text_of(bot.line.reply_for(sticker["replyToken"]))
    assert "ข้อความ" in text_of(bot.line.reply_for(image["replyToken"]))


def test_unknown_event_types_and_fields_are_acknowledged_and_ignored(bot: Bot):
    future = simple_event("somethingNew", USER, surprise={"nested": [1, 2]})
    extra = text_event("หมวด 3")
    extra["brandNewField"] = {"x": 1}
    extra["message"]["anotherNewField"] = True
    assert bot.post(future, extra).status_code == 200
    bot.engine.drain()
    assert bot.line.reply_for(future["replyToken"]) is None
    assert "ผู้รับบริการ" in text_of(bot.line.reply_for(extra["replyToken"]))


def test_malformed_bodies_with_valid_signatures_get_400(bot: Bot):
    for raw in [b"not json", b"[]", b'{"events": {}}', b'{"events": [1, 2]}', b"\xff\xfe", b'{"events": [null]}',
                b'{"events": [{"type": "message", "x": NaN}]}', b'{"events": [{"x": Infinity}]}']:
        assert bot.post(body=raw).status_code == 400, raw
    # Shapes the SDK cannot parse inside a well-formed body are stored and ignored, never a 5xx.
    weird = {"type": "message", "webhookEventId": "weird-1", "message": "not an object", "source": 7}
    assert bot.post(weird).status_code == 200
    bot.engine.drain()
    assert bot.line.replies() == []


def test_oversize_body_gets_413(bot: Bot):
    big = text_event("ก" * 10)
    big["padding"] = "x" * 1_100_000
    assert bot.post(big).status_code == 413
    assert count(bot, InboundEvent) == 0


def test_health(bot: Bot):
    response = bot.app.test_client().get("/healthz")
    assert response.status_code == 200
    assert response.get_json()["knowledge_entries"] > 50


# ----- acknowledging fast, never losing, never doubling ----------------------------------------

def test_ack_does_not_wait_for_a_slow_line_api(bot: Bot):
    bot.line.delay = 1.5  # slow, but within the client's 3 s timeout: one call, no retry
    bot.engine.start_workers()
    event = text_event("หมวด 4 คืออะไร")
    response = bot.post(event)
    # The 200 is out before the (slow) reply call can have finished.
    assert response.status_code == 200
    assert bot.line.reply_for(event["replyToken"]) is None
    replies = bot.line.wait_for_replies(1, timeout=15)
    assert replies and replies[0]["replyToken"] == event["replyToken"]


def test_crash_between_commit_and_send_is_delivered_once_after_restart(db_url, fake_line):
    from bot import create_app

    settings = make_settings(db_url, fake_line, events_per_transaction=4)
    first = create_app(settings, start_workers=False)
    events = [text_event(f"หมวด {n}", f"U{n:032d}") for n in range(1, 5)]
    raw = body_of(*events)
    assert first.test_client().post("/callback", data=raw, headers={"X-Line-Signature": sign(raw)}).status_code == 200
    events.append(text_event("หมวด 5", "U" + "5" * 32))
    raw = body_of(events[-1])
    assert first.test_client().post("/callback", data=raw, headers={"X-Line-Signature": sign(raw)}).status_code == 200
    # A batch of events is answered and committed, then the process dies before sending the replies.
    leased = first.config["BOT_ENGINE"].process_next()
    assert leased and len(leased) < len(events)
    with first.config["BOT_ENGINE"].sessions() as s:
        assert set(s.scalars(select(Outbox.status).where(Outbox.id.in_([r.id for r in leased])))) == {"sending"}
    first.config["BOT_ENGINE"].dispose()
    assert fake_line.replies() == []

    second = create_app(settings, start_workers=False)
    second.config["BOT_ENGINE"].drain()  # the untouched events; the leased replies wait for their lease
    assert len(fake_line.replies()) == len(events) - len(leased)
    second.config["BOT_ENGINE"].clock = _in_the_future(seconds=25)  # lease over, reply token still valid
    second.config["BOT_ENGINE"].drain()
    tokens = sorted(r["replyToken"] for r in fake_line.replies())
    assert tokens == sorted(e["replyToken"] for e in events)
    with second.config["BOT_ENGINE"].inbox_sessions() as s:
        assert set(s.scalars(select(InboundEvent.status))) == {"done"}
    second.config["BOT_ENGINE"].dispose()


def test_reply_whose_token_expired_during_an_outage_is_not_sent(sqlite_bot: Bot):
    event = text_event("หมวด 1")
    sqlite_bot.post(event)
    leased = sqlite_bot.engine.process_next()
    assert leased
    sqlite_bot.engine.clock = _in_the_future(seconds=120)
    sqlite_bot.engine.drain()
    assert sqlite_bot.line.replies() == []
    with sqlite_bot.engine.sessions() as s:
        assert s.scalars(select(Outbox.status)).one() == "expired"


def _in_the_future(seconds: float):  # type: ignore[no-untyped-def]
    from datetime import timedelta

    from db.models import utcnow

    return lambda: utcnow() + timedelta(seconds=seconds)


def test_restart_soon_after_crash_replies_to_everything_once(db_url, fake_line):
    from bot import create_app

    settings = make_settings(db_url, fake_line)
    first = create_app(settings, start_workers=False)
    events = [text_event(f"หมวด {n} คืออะไร", f"U{n:032d}") for n in range(1, 6)]
    assert first.test_client().post("/callback", data=body_of(*events),
                                    headers={"X-Line-Signature": sign(body_of(*events))}).status_code == 200
    first.config["BOT_ENGINE"].dispose()
    second = create_app(settings, start_workers=False)
    second.config["BOT_ENGINE"].drain()
    assert sorted(r["replyToken"] for r in fake_line.replies()) == sorted(e["replyToken"] for e in events)
    second.config["BOT_ENGINE"].dispose()


def test_failed_reply_is_retried_with_the_same_token_once(bot: Bot):
    bot.line.fail_status = [500]
    event = text_event("หมวด 5")
    bot.post(event)
    bot.engine.drain()
    with bot.engine.sessions() as s:
        row = s.scalars(select(Outbox)).one()
        assert row.status == "pending" and row.attempts == 1 and row.lease_until is not None
    # After the backoff the same reply is sent again and succeeds once.
    bot.engine.clock = _in_the_future(seconds=5)
    bot.engine.drain()
    ok = [r for r in bot.line.replies() if r["replyToken"] == event["replyToken"]]
    assert len(ok) == 2  # one failed call, one successful call
    with bot.engine.sessions() as s:
        assert s.scalars(select(Outbox)).one().status == "sent"


def test_rejected_reply_is_not_retried(bot: Bot):
    bot.line.fail_status = [400]
    bot.post(text_event("หมวด 6"))
    bot.engine.drain()
    bot.engine.clock = _in_the_future(seconds=40)
    bot.engine.drain()
    assert len(bot.line.replies()) == 1
    with bot.engine.sessions() as s:
        assert s.scalars(select(Outbox)).one().status == "failed"


def test_two_workers_racing_process_each_event_once(bot: Bot):
    events = [text_event(f"หมวด {1 + n % 7}", f"U{n:032d}") for n in range(12)]
    bot.post(*events)
    threads = [threading.Thread(target=bot.engine.drain) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    tokens = [r["replyToken"] for r in bot.line.replies()]
    assert sorted(tokens) == sorted(e["replyToken"] for e in events)


def test_postback_and_quick_reply_round_trip(bot: Bot):
    event = text_event("หมวด 3")
    bot.post(event)
    bot.engine.drain()
    reply = bot.line.reply_for(event["replyToken"])
    items = reply["messages"][-1]["quickReply"]["items"]
    assert 1 <= len(items) <= 13
    postbacks = [i["action"] for i in items if i["action"]["type"] == "postback"]
    assert postbacks and all(len(a["label"]) <= 20 and len(a["data"]) <= 300 for a in postbacks)
    text = bot.tap(postbacks[0]["data"])
    assert "3." in text


def test_chat_page_is_off_with_line_credentials_unless_enabled(sqlite_url, fake_line):
    from bot import create_app

    with_line = create_app(make_settings(sqlite_url, fake_line), start_workers=False)
    assert with_line.test_client().get("/").status_code == 404
    local = create_app(Settings.from_env({"DATABASE_URL": sqlite_url}), start_workers=False)
    client = local.test_client()
    assert client.get("/").status_code == 200
    answer = client.post("/chat/api/message", json={"user": "Ulocal", "text": "หมวด 1 คืออะไร"}).get_json()
    assert "การนำองค์การ" in answer["messages"][0]["text"]
    assert local.test_client().post("/callback", data=b"{}").status_code == 503


def test_secret_is_not_in_settings_repr():
    settings = Settings.from_env({"LINE_CHANNEL_SECRET": SECRET, "LINE_CHANNEL_ACCESS_TOKEN": "tok-123"})
    assert SECRET not in repr(settings) and "tok-123" not in repr(settings)


def test_postback_for_removed_topic_is_polite(bot: Bot):
    assert "ไม่พบหัวข้อ" in bot.tap("kb:no-such-entry")


def test_rate_limit_answers_politely_once_then_recovers(bot: Bot):
    flood = [text_event("หมวด 1", USER) for _ in range(33)]
    bot.post(*flood)
    bot.engine.drain()
    texts = [text_of(bot.line.reply_for(e["replyToken"]) or {}) for e in flood]
    assert all("การนำองค์การ" in t for t in texts[:30])
    assert "ถี่เกินไป" in texts[30]
    assert texts[31:] == ["", ""]  # said once; the rest of the minute is quiet
    other = text_event("หมวด 2", "U" + "9" * 32)
    bot.post(other)
    bot.engine.drain()
    assert "ยุทธศาสตร์" in text_of(bot.line.reply_for(other["replyToken"]))
    later = text_event("หมวด 2", USER)
    bot.engine.clock = _in_the_future(seconds=61)
    bot.post(later)
    bot.engine.drain()
    assert "ยุทธศาสตร์" in text_of(bot.line.reply_for(later["replyToken"]))


def test_metrics_and_structured_logs(bot: Bot, caplog):
    import logging

    with caplog.at_level(logging.INFO, logger="bot.events"):
        bot.say("หมวด 1", USER)
        bot.say("ผลบอลเมื่อคืน", USER)
    lines = [json.loads(r.getMessage()) for r in caplog.records if r.name == "bot.events"]
    assert [line["handler"] for line in lines] == ["pmqa", "pmqa-unsure"]
    assert all(USER not in json.dumps(line) and len(line["user"]) == 12 for line in lines)
    assert all(line["outcome"] == "answered" and line["latency_ms"] >= 0 for line in lines)
    body = bot.app.test_client().get("/metrics").get_data(as_text=True)
    assert "bot_events_total" in body and "bot_unanswered_questions_total" in body
    assert "bot_webhook_ack_seconds_bucket" in body


def test_no_secret_or_token_in_any_log_line(bot: Bot, caplog):
    import logging

    with caplog.at_level(logging.DEBUG):
        bot.say("หมวด 1", USER)
        bot.post(text_event("x"), signature="wrong")
        bot.line.fail_status = [500]
        bot.say("หมวด 2", USER)
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert logged  # something was logged at all
    assert SECRET not in logged and "test-channel-access-token" not in logged
    assert USER not in "\n".join(r.getMessage() for r in caplog.records if r.name == "bot.events")


def test_chat_page_with_line_credentials_needs_enabling_and_a_password(sqlite_url, fake_line):
    from base64 import b64encode

    from bot import create_app

    settings = Settings.from_env({"DATABASE_URL": sqlite_url, "LINE_CHANNEL_SECRET": SECRET,
                                  "LINE_CHANNEL_ACCESS_TOKEN": "tok", "CHAT_PAGE_ENABLED": "1"})
    assert not settings.chat_page  # enabled without a password: still off
    settings = Settings.from_env({"DATABASE_URL": sqlite_url, "LINE_CHANNEL_SECRET": SECRET,
                                  "LINE_CHANNEL_ACCESS_TOKEN": "tok", "CHAT_PAGE_ENABLED": "1",
                                  "CHAT_PAGE_PASSWORD": "s3cret", "LINE_API_BASE_URL": fake_line.base_url})
    client = create_app(settings, start_workers=False).test_client()
    assert client.get("/").status_code == 401
    wrong = {"Authorization": "Basic " + b64encode(b"staff:nope").decode()}
    assert client.get("/", headers=wrong).status_code == 401
    right = {"Authorization": "Basic " + b64encode(b"staff:s3cret").decode()}
    assert client.get("/", headers=right).status_code == 200
    answer = client.post("/chat/api/message", json={"user": "Upage", "text": "หมวด 1"}, headers=right)
    assert "การนำองค์การ" in answer.get_json()["messages"][0]["text"]
    assert "s3cret" not in repr(settings)


class _Exploding:
    """A handler with a bug, for the test below."""

    name = "exploding"

    def check(self, req, ctx):  # type: ignore[no-untyped-def]
        return req.text == "boom"

    def handle(self, req, ctx):  # type: ignore[no-untyped-def]
        ctx.session.add(Unanswered(text="must-not-survive"))
        raise RuntimeError("bug")


def test_a_failing_handler_spoils_only_its_own_event_and_is_apologised_for(bot: Bot):
    bot.engine.dispatcher.handlers.insert(0, _Exploding())
    events = [text_event("หมวด 1", "U" + "1" * 32), text_event("boom", "U" + "2" * 32),
              text_event("หมวด 2", "U" + "3" * 32)]
    bot.post(*events)
    bot.engine.drain()
    assert bot.line.reply_for(events[0]["replyToken"]) and bot.line.reply_for(events[2]["replyToken"])
    assert bot.line.reply_for(events[1]["replyToken"]) is None
    for seconds in (3, 7, 15, 31):  # retried with backoff until MAX_ATTEMPTS
        bot.engine.clock = _in_the_future(seconds=seconds)
        bot.engine.drain()
    with bot.engine.inbox_sessions() as s:
        row = s.scalar(select(InboundEvent).where(InboundEvent.webhook_event_id == events[1]["webhookEventId"]))
        assert row.status == "failed" and row.attempts == 5
    with bot.engine.sessions() as s:
        assert s.scalar(select(func.count()).select_from(Unanswered).where(Unanswered.text == "must-not-survive")) == 0
    assert "ขออภัย" in text_of(bot.line.reply_for(events[1]["replyToken"]))


def test_chat_page_apologises_instead_of_a_500_when_a_handler_breaks(sqlite_url):
    from bot import create_app

    app = create_app(Settings.from_env({"DATABASE_URL": sqlite_url}), start_workers=False)
    app.config["BOT_ENGINE"].dispatcher.handlers.insert(0, _Exploding())
    response = app.test_client().post("/chat/api/message", json={"user": "Upage", "text": "boom"})
    assert response.status_code == 200
    assert "ขออภัย" in response.get_json()["messages"][0]["text"]
    assert app.test_client().post("/chat/api/message", data=b"not json").status_code == 400
