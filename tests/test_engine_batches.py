"""Events answered in batches (one transaction, one statement per kind of write) behave exactly as one at a time."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from db.models import Conversation, InboundEvent, Unanswered, User
from tests.conftest import Bot
from tests.line_fake import text_event, text_of

STRANGER = "U" + "e" * 32


def _post_together(bot: Bot, *events: dict[str, Any]) -> list[str]:
    """All the events in one webhook body, answered in one batch; what each one's sender read."""
    assert bot.post(*events).status_code == 200
    assert bot.engine.settings.events_per_transaction >= len(events)
    bot.engine.drain()
    return [text_of(bot.line.reply_for(e["replyToken"]) or {}) for e in events]


def test_steps_of_one_flow_in_one_batch_see_each_other(bot: Bot):
    """The second message continues the flow the first one started, though both are in one transaction."""
    started, named, other = _post_together(
        bot, text_event("ลงทะเบียน", STRANGER), text_event("สมหญิง รักงาน", STRANGER), text_event("หมวด 1"))
    assert "ชื่อและนามสกุล" in started
    assert "หน่วยงาน" in named and "สมหญิง รักงาน" in named
    assert "การนำองค์การ" in other
    with bot.engine.sessions() as s:
        conv = s.get(Conversation, STRANGER)
        assert conv is not None and conv.data.get("name") == "สมหญิง รักงาน"
    with bot.engine.inbox_sessions() as s:
        assert set(s.scalars(select(InboundEvent.status))) == {"done"}
    # ... and a flow ended in a batch is over for the next message in the same batch.
    cancelled, after = _post_together(bot, text_event("ยกเลิก", STRANGER), text_event("หมวด 2", STRANGER))
    assert "ยกเลิก" in cancelled and "ยุทธศาสตร์" in after
    with bot.engine.sessions() as s:
        assert s.get(Conversation, STRANGER) is None


def test_new_people_are_answered_first_and_their_line_names_looked_up_when_idle(bot: Bot):
    bot.line.profiles[STRANGER] = "น้องอี"
    event = text_event("หมวด 3", STRANGER)
    bot.post(event)
    assert bot.engine.process_next()  # answered without a profile call
    assert not [c for c in bot.line.calls if "/profile/" in c["path"]]
    with bot.engine.sessions() as s:
        person = s.scalar(select(User).where(User.line_user_id == STRANGER))
        assert person.status == "guest" and person.display_name == "" and not person.profile_checked
    bot.engine.drain()  # idle work: the name
    with bot.engine.sessions() as s:
        person = s.scalar(select(User).where(User.line_user_id == STRANGER))
        assert person.display_name == "น้องอี" and person.profile_checked
    calls = len([c for c in bot.line.calls if "/profile/" in c["path"]])
    bot.say("หมวด 4", STRANGER)
    assert len([c for c in bot.line.calls if "/profile/" in c["path"]]) == calls  # looked up once


def test_a_profile_that_cannot_be_fetched_is_not_asked_for_again(bot: Bot):
    bot.line.fail_profiles = True
    bot.say("หมวด 5", STRANGER)
    with bot.engine.sessions() as s:
        person = s.scalar(select(User).where(User.line_user_id == STRANGER))
        assert person.display_name == "" and person.profile_checked
    assert len([c for c in bot.line.calls if "/profile/" in c["path"]]) == 1


def test_the_fake_line_api_refuses_bodies_line_would_refuse(bot: Bot):
    """The check every test relies on: a misspelt field or a wrong type gets LINE's 400."""
    import json
    import urllib.error
    import urllib.request

    from tests.line_fake import TOKEN

    for body in ({"replyToken": "t", "messages": [{"type": "text", "txt": "hi"}]},
                 {"replyToken": "t", "messages": [{"type": "text", "text": "hi", "quickReply": {"items": "x"}}]},
                 {"replyToken": "t", "message": [{"type": "text", "text": "hi"}]}):
        request = urllib.request.Request(
            bot.line.base_url + "/v2/bot/message/reply", data=json.dumps(body).encode(),
            headers={"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"}, method="POST")
        try:
            urllib.request.urlopen(request, timeout=5)
            raise AssertionError(f"accepted {body}")
        except urllib.error.HTTPError as exc:
            assert exc.code == 400
    assert len(bot.line.malformed) == 3
    bot.line.malformed.clear()  # (the fixture fails a test whose bot sent any)


def test_a_handler_failing_mid_batch_leaves_the_others_done_once(bot: Bot):
    """A batch runs without per-event savepoints until a handler fails; then it is rolled back whole and run
    again with them. The effects and replies of the events around the failing one must exist exactly once."""
    from sqlalchemy import func

    from tests.test_webhook import _Exploding

    bot.engine.dispatcher.handlers.insert(0, _Exploding())
    events = [text_event("ลงทะเบียน", STRANGER), text_event("boom", "U" + "2" * 32),
              text_event("สมหญิง รักงาน", STRANGER), text_event("หมวด 1")]
    started, exploded, named, answered = _post_together(bot, *events)
    assert "ชื่อและนามสกุล" in started and "หน่วยงาน" in named and "การนำองค์การ" in answered
    assert exploded == ""  # retried later with backoff
    for event in (events[0], events[2], events[3]):
        assert sum(r.get("replyToken") == event["replyToken"] for r in bot.line.replies()) == 1
    with bot.engine.sessions() as s:
        assert s.get(Conversation, STRANGER).data.get("name") == "สมหญิง รักงาน"
        assert s.scalar(select(func.count()).select_from(User).where(User.line_user_id == STRANGER)) == 1
        assert s.scalar(select(func.count()).select_from(Unanswered).where(Unanswered.text == "must-not-survive")) == 0
    with bot.engine.inbox_sessions() as s:
        statuses = dict(s.execute(select(InboundEvent.webhook_event_id, InboundEvent.status)).all())
        assert [statuses[e["webhookEventId"]] for e in events] == ["done", "pending", "done", "done"]
