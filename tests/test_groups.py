"""Groups and rooms: every member reads the bot's answer, so the bot answers there as it would a stranger and
offers what is personal in a one-on-one chat (issue #14, item 1) — through the webhook and the fake LINE API."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import select

from db.models import Conversation
from tests.conftest import Bot, make_settings
from tests.line_fake import FakeLine, postback_event, source, text_event, text_of

MANAGER = "U" + "2" * 32
BASIC_ID = "@nsobot"


@pytest.fixture
def group_bot(sqlite_url: str, fake_line: FakeLine) -> Iterator[Bot]:
    from bot import create_app

    app = create_app(make_settings(sqlite_url, fake_line, line_bot_basic_id=BASIC_ID), start_workers=False)
    yield Bot(app, fake_line)
    app.config["BOT_ENGINE"].stop_workers()
    app.config["BOT_ENGINE"].dispose()


def register(bot: Bot, user: str, role: str) -> None:
    result = bot.app.test_cli_runner().invoke(
        args=["users", "add", user, "--name", f"ผู้ทดสอบ {role}", "--unit", "พส.", "--role", role])
    assert result.exit_code == 0, result.output


def in_chat(bot: Bot, text: str, chat: str, user: str = MANAGER) -> dict:
    event = text_event(text, user, chat=chat, mention_self=chat != "user")
    assert bot.post(event).status_code == 200
    bot.engine.drain()
    reply = bot.line.reply_for(event["replyToken"])
    assert reply is not None, f"no answer to {text!r} in a {chat}"
    return reply


def actions(reply: dict) -> list[dict]:
    return [i["action"] for m in reply["messages"] for i in m.get("quickReply", {}).get("items", [])]


def opens_private_chat(reply: dict) -> bool:
    return any(a["type"] == "uri" and a["uri"] == "https://line.me/R/ti/p/%40nsobot" for a in actions(reply))


@pytest.mark.parametrize("chat", ["group", "room"])
def test_kpi_results_stay_out_of_groups(group_bot: Bot, chat: str):
    register(group_bot, MANAGER, "manager")
    private = text_of(in_chat(group_bot, "สถานะ KPI", "user"))
    assert "70.00 / 70" in private  # the manager sees the card one-on-one
    shared = in_chat(group_bot, "สถานะ KPI", chat)
    said = text_of(shared)
    assert "70.00" not in said and "คะแนน" not in said.replace("คะแนนตัวชี้วัด", "")
    assert "แชตส่วนตัว" in said and opens_private_chat(shared)
    assert all(m["type"] == "text" for m in shared["messages"])  # no card


def test_indicator_in_a_group_shows_targets_but_not_results(group_bot: Bot):
    register(group_bot, MANAGER, "manager")
    assert "100.00 คะแนน" in text_of(in_chat(group_bot, "ตัวชี้วัดที่ 3", "user"))
    shared = in_chat(group_bot, "ตัวชี้วัดที่ 3", "group")
    said = text_of(shared)
    assert "758,574" in said and "1,996,633" in said  # the targets: what a stranger may see
    assert "2,028,405" not in said and "100.00 คะแนน" not in said and "ถึงเป้าหมายขั้นสูง" not in said
    assert opens_private_chat(shared)
    history = text_of(in_chat(group_bot, "ประวัติ ตัวชี้วัดที่ 3", "group"))
    assert "ประวัติการแก้ไข" not in history and "แชตส่วนตัว" in history
    record = text_of(in_chat(group_bot, "บันทึกผล ตัวชี้วัดที่ 3 1000", "group"))
    assert "ยืนยันบันทึกผล" not in record and "แชตส่วนตัว" in record


@pytest.mark.parametrize("text", ["กิจกรรมของฉัน", "ลงทะเบียน", "ลบข้อมูลของฉัน", "บันทึกกิจกรรม",
                                  "สรุปกิจกรรม", "ลบรายการล่าสุด", "เมื่อวานไปทำบุญตักบาตรมาค่ะ"])
def test_personal_commands_in_a_group_point_to_a_private_chat(group_bot: Bot, text: str):
    register(group_bot, MANAGER, "admin")
    shared = in_chat(group_bot, text, "group")
    said = text_of(shared)
    assert "แชตส่วนตัว" in said and opens_private_chat(shared), said
    with group_bot.engine.sessions() as s:
        assert s.get(Conversation, MANAGER) is None  # no flow started from the group


def test_a_private_flow_is_neither_seen_nor_changed_from_a_group(group_bot: Bot):
    register(group_bot, MANAGER, "manager")
    asked = in_chat(group_bot, "ลบข้อมูลของฉัน", "user")
    confirm = next(a["data"] for a in actions(asked) if a["type"] == "postback" and a["data"].startswith("act:forget|"))
    # "ยืนยัน" typed in the group is not the private confirmation, and the same button's data sent from the group
    # erases nothing.
    in_chat(group_bot, "ยืนยัน", "group")
    event = postback_event(confirm, MANAGER)
    event["source"] = source(MANAGER, "group")
    assert group_bot.post(event).status_code == 200
    group_bot.engine.drain()
    assert "เรียบร้อย" not in text_of(group_bot.line.reply_for(event["replyToken"]))
    with group_bot.engine.sessions() as s:
        conv = s.get(Conversation, MANAGER)
        assert conv is not None and conv.flow == "activity" and conv.step == "forget"
        assert s.scalar(select(Conversation.line_user_id)) == MANAGER
    # One-on-one, the same button still works.
    assert "ลบข้อมูลส่วนบุคคลของคุณเรียบร้อยแล้ว" in group_bot.tap(confirm, MANAGER)


def test_questions_are_still_answered_in_a_group(group_bot: Bot):
    said = text_of(in_chat(group_bot, "หมวด 1 คืออะไร", "group"))
    assert "การนำองค์การ" in said


def test_without_a_basic_id_the_group_is_told_how_to_open_the_chat(sqlite_bot: Bot):
    register(sqlite_bot, MANAGER, "manager")
    shared = in_chat(sqlite_bot, "สถานะ KPI", "group")
    assert "70.00" not in text_of(shared)
    assert "แตะชื่อบอท" in text_of(shared) and not any(a["type"] == "uri" for a in actions(shared))
