"""Registration in chat: name, unit, an admin's approval by button, the outcome by push."""

from __future__ import annotations

import json

from tests.conftest import Bot
from tests.line_fake import text_of
from tests.test_activities_support import (
    ADMIN,
    MANAGER,
    STAFF,
    STRANGER,
    conversation,
    labels,
    register,
    use_clock,
    user_row,
)

SECOND_ADMIN = "U" + "b" * 32


def pushes_to(bot: Bot, user: str) -> list[dict]:
    return [p["body"] for p in bot.line.pushes() if p["body"]["to"] == user]


def postbacks_in(body: dict) -> list[str]:
    """Every postback ``data`` in a pushed message (flex buttons and quick replies)."""
    found: list[str] = []

    def walk(node: object) -> None:
        if isinstance(node, dict):
            if node.get("type") == "postback":
                found.append(node["data"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(body)
    return found


def request_registration(bot: Bot, user: str = STRANGER, name: str = "สมหญิง รักงาน", unit: str = "สค.") -> str:
    assert "ชื่อและนามสกุล" in bot.say("ลงทะเบียน", user)
    assert "หน่วยงาน" in bot.say(name, user)
    return bot.say(unit, user)


def test_registration_is_approved_by_an_admin(bot: Bot):
    use_clock(bot)
    register(bot, SECOND_ADMIN, role="admin")
    bot.say("สวัสดี", ADMIN)  # the admin from BOT_ADMIN_IDS has talked to the bot once
    assert "ชื่อและนามสกุล" in bot.say("ลงทะเบียน", STRANGER)
    units = bot.say("สมหญิง  รักงาน", STRANGER)
    assert "สมหญิง รักงาน" in units and labels(bot) == ["ศย.", "พท.", "บส.", "สม.", "สค.", "ศท.", "พส.", "สล.", "กพร.",
                                                         "ยกเลิก"]
    sent = bot.say("สค", STRANGER)  # typed without the dot
    assert "ส่งคำขอลงทะเบียนแล้ว" in sent and "สค." in sent
    row = user_row(bot, STRANGER)
    assert (row.full_name, row.unit, row.status, row.role) == ("สมหญิง รักงาน", "สค.", "pending", "staff")
    assert conversation(bot, STRANGER) is None
    bot.engine.drain()
    # Both admins (the configured one and the one in the database) get the request with the two buttons.
    for admin in (ADMIN, SECOND_ADMIN):
        [push] = pushes_to(bot, admin)
        assert "สมหญิง รักงาน" in json.dumps(push, ensure_ascii=False)
        assert postbacks_in(push) == [f"reg:approve|{STRANGER}", f"reg:reject|{STRANGER}"]
    assert "รอผู้ดูแลระบบอนุมัติ" in bot.say("ลงทะเบียน", STRANGER)  # already asked
    approved = bot.tap(f"reg:approve|{STRANGER}", ADMIN)
    assert "อนุมัติ สมหญิง รักงาน (สค.) แล้ว" in approved
    bot.engine.drain()
    [told] = pushes_to(bot, STRANGER)
    assert "อนุมัติการลงทะเบียนของคุณแล้ว" in text_of(told)
    assert user_row(bot, STRANGER).status == "active"
    # The other admin taps a moment later: nothing happens twice.
    assert "ดำเนินการไปแล้ว" in bot.tap(f"reg:approve|{STRANGER}", SECOND_ADMIN)
    bot.engine.drain()
    assert len(pushes_to(bot, STRANGER)) == 1
    assert "ลงทะเบียนไว้แล้ว" in bot.say("ลงทะเบียน", STRANGER)
    assert "เลือกกิจกรรม" in bot.say("บันทึกกิจกรรม", STRANGER)


def test_rejected_requests_are_told_and_can_try_again(bot: Bot):
    use_clock(bot)
    request_registration(bot)
    assert "ไม่อนุมัติคำขอของ สมหญิง รักงาน" in bot.tap(f"reg:reject|{STRANGER}", ADMIN)
    bot.engine.drain()
    [told] = pushes_to(bot, STRANGER)
    assert "ยังไม่ได้รับการอนุมัติ" in text_of(told)
    assert user_row(bot, STRANGER).status == "guest"
    assert "ลงทะเบียน" in bot.say("บันทึกกิจกรรม", STRANGER)
    assert "ส่งคำขอลงทะเบียนแล้ว" in request_registration(bot, name="สมหญิง รักงานดี")
    assert user_row(bot, STRANGER).status == "pending"


def test_only_admins_decide(bot: Bot):
    use_clock(bot)
    register(bot, STAFF)
    register(bot, MANAGER, role="manager")
    request_registration(bot)
    for person in (STAFF, MANAGER, "U" + "c" * 32):
        assert "เฉพาะผู้ดูแลระบบ" in bot.tap(f"reg:approve|{STRANGER}", person)
    assert user_row(bot, STRANGER).status == "pending"
    for junk in ("reg:approve|", "reg:promote|" + STRANGER, "reg:", "reg:approve|Unobody"):
        answer = bot.tap(junk, ADMIN)
        assert answer and "อนุมัติ " not in answer, junk
    bot.engine.drain()
    assert pushes_to(bot, STRANGER) == []


def test_registered_people_are_told_so(bot: Bot):
    use_clock(bot)
    register(bot, STAFF, name="สมชาย ใจดี", unit="บส.")
    answer = bot.say("ลงทะเบียน", STAFF)
    assert "ลงทะเบียนไว้แล้ว" in answer and "สมชาย ใจดี (บส.)" in answer
    assert conversation(bot, STAFF) is None


def test_bad_answers_cancel_and_expiry(bot: Bot):
    clock = use_clock(bot)
    bot.say("ลงทะเบียน", STRANGER)
    for bad in ("สมหญิง", "1234 5678", "a", "ก" * 60 + " " + "ข" * 60):
        assert "ขออภัย" in bot.say(bad, STRANGER), bad
    bot.say("สมหญิง รักงาน", STRANGER)
    assert "ไม่พบหน่วยงาน" in bot.say("ฝ่ายไอที", STRANGER) and "กพร." in labels(bot)
    assert "ยกเลิกการลงทะเบียนแล้ว" in bot.say("ยกเลิก", STRANGER)
    assert conversation(bot, STRANGER) is None and user_row(bot, STRANGER).status == "guest"
    bot.say("ลงทะเบียน", STRANGER)
    assert "ยกเลิกการลงทะเบียนแล้ว" in bot.say("ยกเลิก", STRANGER)  # at the first step too
    bot.say("ลงทะเบียน", STRANGER)
    bot.say("สมหญิง รักงาน", STRANGER)
    clock.advance(minutes=11)
    late = bot.say("สค.", STRANGER)
    assert "หมดเวลา" in late and "ลงทะเบียน" in labels(bot)
    assert user_row(bot, STRANGER).status == "guest"
    bot.engine.drain()
    assert bot.line.pushes() == []


def test_a_question_mid_way_is_answered_and_the_request_waits(bot: Bot):
    use_clock(bot)
    bot.say("ลงทะเบียน", STRANGER)
    answer = bot.say("PMQA คืออะไร", STRANGER)
    assert "Public Sector Management Quality Award" in answer and "ขั้นที่ 2/2" not in answer
    assert "หน่วยงาน" in bot.say("ไหมแก้ว ใจดี", STRANGER)  # a name with a question word in it is a name
    assert "ส่งคำขอลงทะเบียนแล้ว" in bot.say("สค.", STRANGER)
    assert user_row(bot, STRANGER).full_name == "ไหมแก้ว ใจดี"
