"""Twenty colleagues logging at the same moment make exactly twenty records — with double taps, through the
engine from many threads and through the webhook with several workers, on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
import time
from dataclasses import replace
from datetime import timedelta

from sqlalchemy import select

from core.messages import Request
from db.models import User
from tests.conftest import Bot
from tests.line_fake import postback_event, text_of
from tests.test_activities_support import records, use_clock

PEOPLE = [f"U{i:032d}" for i in range(1, 21)]
SENTENCE = "เมื่อวานเข้าอบรม No Gift Policy มาค่ะ"


def _register_all(bot: Bot) -> None:
    with bot.engine.sessions() as s, s.begin():
        for i, user in enumerate(PEOPLE):
            s.add(User(line_user_id=user, full_name=f"คนที่ {i + 1}", unit="พส." if i % 2 else "บส.", status="active"))


def _confirm_data(bot: Bot, user: str) -> str:
    reply = bot.engine.answer(Request(user_id=user, text=SENTENCE))
    return next(c.data for c in reply.choices if c.label == "ยืนยัน")


def test_twenty_at_once_through_the_engine(bot: Bot):
    use_clock(bot)
    _register_all(bot)
    confirms = {user: _confirm_data(bot, user) for user in PEOPLE}
    barrier = threading.Barrier(len(PEOPLE) * 2)
    answers: list[str] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def tap(user: str) -> None:
        try:
            barrier.wait(timeout=30)
            reply = bot.engine.answer(Request(user_id=user, kind="postback", data=confirms[user]))
            with lock:
                answers.append(reply.visible_text())
        except BaseException as exc:  # reported below, not lost in the thread
            errors.append(exc)

    # Each person taps ยืนยัน twice at the same moment as everyone else.
    threads = [threading.Thread(target=tap, args=(u,)) for u in PEOPLE for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not errors, errors
    saved = [a for a in answers if "บันทึกเรียบร้อย" in a]
    again = [a for a in answers if "บันทึกไว้แล้ว" in a]
    assert len(saved) == 20 and len(again) == 20, answers
    rows = records(bot)
    assert len(rows) == 20 and {r.user_key for r in rows} == set(PEOPLE)
    assert {(r.activity_code, r.item_no, str(r.day)) for r in rows} == {("no-gift-policy", 2, "2026-11-23")}


def test_twenty_at_once_through_the_webhook_with_workers(bot: Bot):
    use_clock(bot, tick=timedelta(0))  # a still clock: reply tokens must not look a minute old
    _register_all(bot)
    confirms = {user: _confirm_data(bot, user) for user in PEOPLE}
    # Every confirmation arrives twice (a double tap), plus a redelivery of the first copy.
    events = [postback_event(confirms[u], u) for u in PEOPLE for _ in range(2)]
    bot.engine.settings = replace(bot.engine.settings, worker_threads=6)
    bot.engine.start_workers()
    try:
        assert bot.post(*events).status_code == 200
        assert bot.post(*events[::2]).status_code == 200
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and len(bot.line.replies()) < len(events):
            time.sleep(0.05)
    finally:
        bot.engine.stop_workers()
    texts = [text_of(bot.line.reply_for(e["replyToken"]) or {}) for e in events]
    assert sum("บันทึกเรียบร้อย" in t for t in texts) == 20
    assert sum("บันทึกไว้แล้ว" in t for t in texts) == 20
    assert len(records(bot)) == 20
    with bot.engine.sessions() as s:
        assert len(s.scalars(select(User).where(User.status == "active")).all()) == 20
