"""Logging a participation through the webhook: tap by tap, from a sentence, cancel, expiry, restarts,
strangers, bad input — asserting on what LINE receives and on the database."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from bot import create_app
from db.activities import Participation
from db.models import Conversation, InboundEvent
from tests.conftest import Bot, make_settings
from tests.line_fake import postback_event, text_event, text_of
from tests.test_activities_support import (
    STAFF,
    STRANGER,
    action,
    conversation,
    count,
    labels,
    quick_replies,
    records,
    register,
    use_clock,
)

ACTIVITY_BUTTONS = ["Better ADG", "Hall of Fame", "No Gift Policy", "พอเพียงสร้างสุข", "ชาติ ศาสนา กษัตริย์",
                    "To share is to care", "ยกเลิก"]


def handler_of(bot: Bot, event: dict) -> str:
    with bot.engine.inbox_sessions() as s:
        return s.scalar(select(InboundEvent.handler).where(InboundEvent.webhook_event_id == event["webhookEventId"]))


def test_tap_through_flow(bot: Bot):
    use_clock(bot)
    register(bot, STAFF, unit="บส.")
    first = bot.say("บันทึกกิจกรรม", STAFF)
    assert "เลือกกิจกรรม" in first and "จิตอาสาสร้างความสุขด้วยความดี" in first
    assert labels(bot) == ACTIVITY_BUTTONS
    items = bot.say("No Gift Policy", STAFF)
    assert "สื่อ NSO โปร่งใส" in items and "อบรม No Gift Policy" in items
    assert labels(bot) == ["สื่อ NSO โปร่งใส", "อบรม No Gift Policy", "ยกเลิก"]
    assert "วันไหน" in bot.say("อบรม No Gift Policy", STAFF)
    picker = action(bot, "เลือกวันที่")
    assert picker["type"] == "datetimepicker" and picker["mode"] == "date" and picker["data"] == "act:date"
    assert labels(bot)[:2] == ["วันนี้", "เมื่อวาน"]
    note = bot.tap(picker["data"], STAFF, params={"date": "2026-11-20"})
    assert "หมายเหตุ" in note and labels(bot) == ["ไม่มี", "ยกเลิก"]
    summary = bot.say("ห้องประชุม 301", STAFF)
    for phrase in ("ส่งเสริม No Gift Policy", "กิจกรรมที่ 2 อบรม No Gift Policy", "วันศุกร์ที่ 20 พ.ย. 2569",
                   "ห้องประชุม 301"):
        assert phrase in summary, phrase
    assert records(bot) == []  # nothing stored before the confirmation
    confirm = action(bot, "ยืนยัน")
    assert confirm["type"] == "postback" and confirm["data"].startswith("act:ok|")
    receipt = bot.tap(confirm["data"], STAFF)
    assert "บันทึกเรียบร้อย" in receipt and "20 พ.ย. 2569" in receipt and "1 รายการ" in receipt
    [rec] = records(bot)
    assert (rec.user_key, rec.activity_code, rec.item_no, rec.day, rec.fiscal_year, rec.unit, rec.note, rec.source) \
        == (STAFF, "no-gift-policy", 2, date(2026, 11, 20), 2570, "บส.", "ห้องประชุม 301", "tap")
    assert conversation(bot, STAFF) is None


def test_typed_answers_and_quick_dates(bot: Bot):
    use_clock(bot)
    register(bot, STAFF)
    bot.say("บันทึกกิจกรรม", STAFF)
    bot.say("6", STAFF)  # the activity's number
    assert "วันไหน" in bot.say("กิจกรรมที่ 2", STAFF)  # the item's number
    bot.say("เมื่อวาน", STAFF)
    summary = bot.say("ไม่มี", STAFF)
    assert "บริจาคโลหิต" in summary and "23 พ.ย. 2569" in summary and "หมายเหตุ: -" in summary
    assert "บันทึกเรียบร้อย" in bot.say("ยืนยัน", STAFF)  # typing ยืนยัน works like the button
    assert [(r.activity_code, r.item_no, r.day, r.note) for r in records(bot)] == \
        [("to-share-is-to-care", 2, date(2026, 11, 23), "")]


def test_free_text_proposes_what_it_understood(bot: Bot):
    use_clock(bot)
    register(bot, STAFF)
    proposal = bot.say("เมื่อวานเข้าอบรม No Gift Policy มาค่ะ", STAFF)
    for phrase in ("เข้าใจว่า", "ส่งเสริม No Gift Policy", "กิจกรรมที่ 2 อบรม No Gift Policy", "23 พ.ย. 2569"):
        assert phrase in proposal, phrase
    assert labels(bot) == ["ยืนยัน", "ยกเลิก"]
    assert "บันทึกเรียบร้อย" in bot.tap(action(bot, "ยืนยัน")["data"], STAFF)
    # Only the date is missing: only the date is asked.
    asked = bot.say("ไปบริจาคเลือดมาค่ะ", STAFF)
    assert "บริจาคโลหิต" in asked and "วันไหน" in asked and "เลือกวันที่" in labels(bot)
    assert "3 พ.ย. 2569" in bot.say("3 พ.ย.", STAFF)
    bot.tap(action(bot, "ยืนยัน")["data"], STAFF)
    # Only the item is missing: only the item is asked.
    asked = bot.say("ร่วมกิจกรรมจิตอาสาเมื่อวานซืน", STAFF)
    assert "รายการไหน" in asked and labels(bot) == ["บริจาคเงินมูลนิธิ", "บริจาคโลหิต", "ยกเลิก"]
    assert "22 พ.ย. 2569" in bot.say("บริจาคเงินมูลนิธิ", STAFF)
    bot.tap(action(bot, "ยืนยัน")["data"], STAFF)
    # Two activities named: the person picks one of them.
    bot.say("ไปทำบุญตักบาตรแล้วก็ลงนามถวายพระพรวันนี้", STAFF)
    assert labels(bot) == ["Better ADG", "ชาติ ศาสนา กษัตริย์", "ยกเลิก"]
    assert "ลงนามถวายพระพร" in bot.say("ชาติ ศาสนา กษัตริย์", STAFF)
    bot.say("ลงนามถวายพระพร", STAFF)
    assert "24 พ.ย. 2569" in bot.last_reply()["messages"][0]["text"]
    bot.tap(action(bot, "ยืนยัน")["data"], STAFF)
    got = [(r.activity_code, r.item_no, r.day, r.source) for r in records(bot)]
    assert got == [("no-gift-policy", 2, date(2026, 11, 23), "text"),
                   ("to-share-is-to-care", 2, date(2026, 11, 3), "text"),
                   ("to-share-is-to-care", 1, date(2026, 11, 22), "text"),
                   ("nation-religion-king", 1, date(2026, 11, 24), "text")]


def test_free_text_leaves_questions_to_the_other_handlers(bot: Bot):
    use_clock(bot)
    register(bot, STAFF)
    for question, owner in (("PMQA คืออะไร", "pmqa"), ("กิจกรรม Hall of Fame คืออะไร", "pmqa"),
                            ("บริจาคเลือดได้ที่ไหน", "pmqa"), ("ตัวชี้วัดที่ 3", "kpi"),
                            ("บันทึกผล ตัวชี้วัดที่ 3 5", "kpi"), ("เมนู", "help")):
        event = text_event(question, STAFF)
        bot.post(event)
        bot.engine.drain()
        assert handler_of(bot, event) == owner, question
    assert records(bot) == [] and conversation(bot, STAFF) is None


def test_cancel_works_at_every_step(bot: Bot):
    use_clock(bot)
    register(bot, STAFF)
    steps = ["บันทึกกิจกรรม", "Better ADG", "ทำบุญตักบาตร", "วันนี้", "ไม่มี"]
    for depth in range(1, len(steps) + 1):
        for text in steps[:depth]:
            bot.say(text, STAFF)
        assert conversation(bot, STAFF) is not None
        assert "ยกเลิก" in labels(bot)
        answer = bot.say("ยกเลิก", STAFF)
        assert "ยกเลิกแล้ว" in answer, depth
        assert conversation(bot, STAFF) is None
    # At the summary, the ยกเลิก button (a postback) cancels too, and the old ยืนยัน is then refused.
    bot.say("เมื่อวานเข้าอบรม No Gift Policy", STAFF)
    stale = action(bot, "ยืนยัน")["data"]
    assert "ยกเลิกแล้ว" in bot.tap(action(bot, "ยกเลิก")["data"], STAFF)
    assert "หมดอายุ" in bot.tap(stale, STAFF)
    assert records(bot) == []
    assert "ไม่มีรายการที่ค้างอยู่" in bot.say("ยกเลิก", STAFF)


def test_conversation_expires_after_ten_minutes(bot: Bot):
    clock = use_clock(bot)
    register(bot, STAFF)
    bot.say("บันทึกกิจกรรม", STAFF)
    clock.advance(minutes=9)  # each answer gives ten more minutes
    bot.say("No Gift Policy", STAFF)
    clock.advance(minutes=9)
    assert "วันไหน" in bot.say("อบรม No Gift Policy", STAFF)
    clock.advance(minutes=11)
    late = bot.say("เมื่อวาน", STAFF)
    assert "หมดเวลา" in late and "ยังไม่ได้บันทึก" in late and "บันทึกกิจกรรม" in labels(bot)
    assert conversation(bot, STAFF) is None and records(bot) == []
    # A confirmation tapped after the timeout says so, and stores nothing.
    bot.say("เมื่อวานเข้าอบรม No Gift Policy", STAFF)
    stale = action(bot, "ยืนยัน")["data"]
    clock.advance(minutes=11)
    assert "หมดเวลา" in bot.tap(stale, STAFF)
    assert records(bot) == []
    # Coming back with a new sentence: the note, then the new proposal.
    bot.say("บันทึกกิจกรรม", STAFF)
    clock.advance(minutes=30)
    answer = bot.say("เมื่อวานเข้าอบรม No Gift Policy", STAFF)
    assert "หมดเวลา" in answer and "เข้าใจว่า" in answer
    # Coming back with a question or another command: it is answered by its own handler.
    for other, owner in (("PMQA คืออะไร", "pmqa"), ("สถานะ KPI", "kpi")):
        bot.say("บันทึกกิจกรรม", STAFF)
        clock.advance(minutes=30)
        event = text_event(other, STAFF)
        bot.post(event)
        bot.engine.drain()
        assert handler_of(bot, event) == owner, other
        assert conversation(bot, STAFF) is None


def test_state_is_in_the_database_and_survives_a_restart(bot: Bot, fake_line, db_url):
    clock = use_clock(bot)
    register(bot, STAFF)
    bot.say("บันทึกกิจกรรม", STAFF)
    bot.say("พอเพียงสร้างสุข", STAFF)
    with bot.engine.sessions() as s:
        row = s.get(Conversation, STAFF)
        assert (row.flow, row.step, row.data["act"]) == ("activity", "item", "sufficiency")
    # A second process (a restart, or another gunicorn worker) continues the same conversation.
    other = Bot(create_app(make_settings(db_url, fake_line), start_workers=False), fake_line)
    other.engine.clock = clock
    try:
        assert "วันไหน" in other.say("ใช้ถุงผ้า ลดพลาสติก", STAFF)
        bot.say("วันนี้", STAFF)
        other.say("ไม่มี", STAFF)
        assert "บันทึกเรียบร้อย" in bot.tap(action(bot, "ยืนยัน")["data"], STAFF)
    finally:
        other.engine.db.dispose()
    assert [(r.activity_code, r.item_no) for r in records(bot)] == [("sufficiency", 2)]


def test_strangers_and_pending_people_store_nothing(bot: Bot):
    use_clock(bot)
    for text in ("บันทึกกิจกรรม", "เมื่อวานเข้าอบรม No Gift Policy มาค่ะ", "กิจกรรมของฉัน"):
        answer = bot.say(text, STRANGER)
        assert "ลงทะเบียน" in answer and "บันทึกเรียบร้อย" not in answer, text
        assert "ลงทะเบียน" in labels(bot)
    forged = postback_event("act:ok|0123456789abcdef", STRANGER)
    bot.post(forged)
    bot.engine.drain()
    assert "บันทึกเรียบร้อย" not in text_of(bot.line.reply_for(forged["replyToken"]))
    bot.say("ลงทะเบียน", STRANGER)
    bot.say("สมหญิง รักดี", STRANGER)
    bot.say("สม.", STRANGER)
    assert "รอผู้ดูแลระบบอนุมัติ" in bot.say("บันทึกกิจกรรม", STRANGER)
    assert records(bot) == [] and conversation(bot, STRANGER) is None


def test_bad_input_gets_a_polite_answer_and_stores_nothing(bot: Bot):
    use_clock(bot)
    register(bot, STAFF)
    bot.say("บันทึกกิจกรรม", STAFF)
    assert "ไม่พบกิจกรรม" in bot.say("ฟุตบอล", STAFF) and labels(bot) == ACTIVITY_BUTTONS
    assert "ไม่พบกิจกรรม" in bot.say("9", STAFF)
    bot.say("Hall of Fame", STAFF)
    assert "ไม่พบรายการ" in bot.say("กิจกรรมที่ 7", STAFF)
    bot.say("ข้าราชการต้นแบบ", STAFF)
    assert "อ่านวันที่" in bot.say("ไม่แน่ใจ", STAFF)
    assert "ไม่มีวันที่ 31 ก.พ." in bot.say("31 ก.พ.", STAFF)
    assert "ยังมาไม่ถึง" in bot.tap("act:date", STAFF, params={"date": "2026-12-01"})
    # Before the fiscal year of the plan in force (FY2567's: the newest imported) — issue #14, item 6.
    assert "นอกปีงบประมาณ 2567" in bot.tap("act:date", STAFF, params={"date": "2023-09-30"})
    assert "ไม่ได้รับวันที่" in bot.tap("act:date", STAFF, params={"date": "not-a-date"})
    assert "ไม่ได้รับวันที่" in bot.tap("act:date", STAFF)
    bot.say("1 ต.ค.", STAFF)
    assert "ยาวเกิน" in bot.say("ได้รับเกียรติบัตร " * 30, STAFF)
    summary = bot.say("ได้รับเกียรติบัตร", STAFF)
    assert "1 ต.ค. 2569" in summary and "ได้รับเกียรติบัตร" in summary
    assert "กรุณาแตะ" in bot.say("โอเคมั้ง", STAFF)
    for junk in ("act:ok|", "act:ok|zzz", "act:nothing", "act:", "act:withdraw|x", "act:forget|x"):
        answer = bot.tap(junk, STAFF)
        assert answer and "บันทึกเรียบร้อย" not in answer, junk
    assert records(bot) == []
    assert "บันทึกเรียบร้อย" in bot.say("ยืนยัน", STAFF)
    assert len(records(bot)) == 1


def test_the_same_record_is_never_stored_twice(bot: Bot):
    use_clock(bot)
    register(bot, STAFF)
    bot.say("เมื่อวานเข้าอบรม No Gift Policy มาค่ะ", STAFF)
    data = action(bot, "ยืนยัน")["data"]
    # LINE redelivers the confirmation (same webhookEventId): one answer, one record.
    confirm = postback_event(data, STAFF)
    bot.post(confirm)
    bot.post(confirm)
    bot.engine.drain()
    assert "บันทึกเรียบร้อย" in text_of(bot.line.reply_for(confirm["replyToken"]))
    assert len(records(bot)) == 1
    # A double tap (a second event with the same button): "already saved".
    assert "บันทึกไว้แล้ว" in bot.tap(data, STAFF)
    # The same sentence sent again: already there, so no confirmation is offered at all.
    again = bot.say("เมื่อวานเข้าอบรม No Gift Policy มาค่ะ", STAFF)
    assert "บันทึกไว้แล้ว" in again and "ยืนยัน" not in labels(bot)
    assert len(records(bot)) == 1 and conversation(bot, STAFF) is None
    assert count(bot, Participation) == 1


def test_a_duplicate_committed_meanwhile_is_caught_by_the_unique_key(bot: Bot):
    """Another worker stores the same record between the summary and the tap: the savepoint rolls back
    only the insert; the answer (and the rest of the transaction) still goes out."""
    use_clock(bot)
    register(bot, STAFF)
    bot.say("วันนี้ร่วมลงนามถวายพระพร", STAFF)
    data = action(bot, "ยืนยัน")["data"]
    with bot.engine.sessions() as s, s.begin():
        s.add(Participation(user_key=STAFF, fiscal_year=2570, activity_code="nation-religion-king", item_no=1,
                            day=date(2026, 11, 24), unit="พส."))
    answer = bot.tap(data, STAFF)
    assert "บันทึกไว้แล้ว" in answer
    assert len(records(bot)) == 1 and conversation(bot, STAFF) is None
    assert quick_replies(bot)  # the reply was rendered and sent normally


def test_a_question_while_a_confirmation_waits_is_answered_and_the_confirmation_still_waits(bot: Bot):
    use_clock(bot)
    register(bot, STAFF, unit="บส.")
    bot.say("บันทึกกิจกรรม", STAFF)
    bot.say("No Gift Policy", STAFF)
    bot.say("อบรม No Gift Policy", STAFF)
    bot.tap("act:date", STAFF, params={"date": "2026-11-20"})
    assert "ถูกต้องไหม" in bot.say("ไม่มี", STAFF)
    answer = bot.say("ตัวชีวัดที่ ๑๑ นำหนักเท่ไหร่", STAFF)
    assert "ตัวชี้วัดที่ 11" in answer and "กรุณาแตะ" not in answer
    assert "กรุณาแตะ" in bot.say("โอเคมั้ง", STAFF)
    assert "บันทึกเรียบร้อย" in bot.say("ยืนยัน", STAFF)
