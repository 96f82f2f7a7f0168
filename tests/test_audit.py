"""The audit of issue #14, item 5: crafted postbacks for every handler, odd numbers and odd Unicode, many events in
one body, the same event from many threads. Each: a polite Thai answer, nothing stored that should not be, nothing
lost or doubled."""

from __future__ import annotations

import threading
import unicodedata
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from db.activities import Participation
from db.kpi import KpiChange, KpiResult
from db.models import Conversation, InboundEvent, User
from tests.conftest import Bot
from tests.line_fake import body_of, postback_event, sign, text_event, text_of
from tests.test_activities_support import ADMIN, MANAGER, OTHER, STAFF, action, register, use_clock

POLITE = ("ค่ะ", "คะ")


def _state(bot: Bot) -> dict:
    """Everything a crafted tap could change."""
    with bot.engine.sessions() as s:
        return {
            "records": sorted((p.user_key, p.activity_code, p.item_no, str(p.day))
                              for p in s.scalars(select(Participation))),
            "users": sorted((u.line_user_id, u.status, u.role, u.full_name) for u in s.scalars(select(User))),
            "kpi": sorted((r.indicator_no, r.round_months, str(r.result)) for r in s.scalars(select(KpiResult))),
            "changes": s.scalar(select(func.count()).select_from(KpiChange)),
            "flows": sorted((c.line_user_id, c.flow, c.step) for c in s.scalars(select(Conversation))),
        }


def test_crafted_postbacks_for_every_handler_change_nothing(bot: Bot):
    use_clock(bot)
    register(bot, STAFF)
    register(bot, OTHER)
    # STAFF has a record and three confirmations waiting: log, withdraw, forget (their keys are the targets).
    for step in ("บันทึกกิจกรรม", "Better ADG", "ทำบุญตักบาตร", "เมื่อวาน", "ไม่มี"):
        bot.say(step, STAFF)
    log_key = action(bot, "ยืนยัน")["data"]
    bot.say("ยกเลิก", STAFF)
    for step in ("บันทึกกิจกรรม", "Better ADG", "ทำบุญตักบาตร", "วันนี้", "ไม่มี"):
        bot.say(step, STAFF)
    bot.tap(action(bot, "ยืนยัน")["data"], STAFF)
    bot.say("ลบรายการล่าสุด", STAFF)
    withdraw_key = action(bot, "ยืนยันลบ")["data"]
    bot.say("ลบข้อมูลของฉัน", STAFF)
    forget_key = action(bot, "ยืนยันลบข้อมูล")["data"]
    stranger = "U" + "8" * 32
    bot.say("ลงทะเบียน", stranger)
    bot.say("สมศรี มีสุข", stranger)
    bot.say("พส.", stranger)  # a request waiting for an admin
    for someone in (ADMIN, MANAGER):
        bot.say("เมนู", someone)  # known to the bot (a first message adds a guest row, which is not the point here)
    before = _state(bot)
    long = "x" * 320
    crafted = [
        # Another user's ids and keys.
        (OTHER, log_key), (OTHER, withdraw_key), (OTHER, forget_key), (OTHER, f"reg:approve|{stranger}"),
        (OTHER, f"reg:reject|{stranger}"), (STAFF, f"reg:approve|{STAFF}"),
        (OTHER, "kpi:set|2567|6|3|5|2028405"), (STAFF, "kpi:set|2567|6|3|5|2028405"),
        # Stale and malformed.
        (STAFF, "act:ok|" + "0" * 16), (STAFF, "act:ok|"), (STAFF, "act:"), (STAFF, "act:date"),
        (STAFF, "act:withdraw|"), (STAFF, "act:forget|"), (STAFF, "act:nothing|1|2|3"), (STAFF, "act:cancel|x"),
        (ADMIN, "reg:approve|"), (ADMIN, "reg:approve|U" + "0" * 32), (ADMIN, "reg:maybe|" + stranger),
        (ADMIN, "reg:"), (MANAGER, "kpi:set|2567|6|3|abc|"), (ADMIN, "kpi:set|x|y|z|1|2"),
        (ADMIN, "kpi:set|2567|6|99|5|"), (ADMIN, "kpi:set|2567|12|10|5|"), (ADMIN, "kpi:"),
        (STAFF, "kb:"), (STAFF, "kb:does-not-exist"), (STAFF, "kb:../../etc/passwd"), (STAFF, "|||"),
        (STAFF, "\x00act:ok|\x00"), (STAFF, "act:ok|" + "\u202e" * 10),
        # Beyond LINE's 300 characters (LINE would refuse such a button; a forged request may still carry it).
        *((STAFF, prefix + long) for prefix in ("act:ok|", "act:forget|", "reg:approve|", "kpi:set|", "kb:", "")),
    ]
    for user, data in crafted:
        said = bot.tap(data, user)
        assert any(p in said for p in POLITE), (data[:40], said)
        assert "เรียบร้อย" not in said and "อนุมัติ " not in said.replace("อนุมัติได้", ""), (data[:40], said)
    # Date pickers with odd dates, at STAFF's forget step: nothing moves.
    for picked in ("2024-02-30", "9999-12-31", "", "x" * 320, "2024-04-05T10:00"):
        assert any(p in bot.tap("act:date", STAFF, params={"date": picked}) for p in POLITE)
    assert _state(bot) == before


@pytest.mark.parametrize("value", ["1e309", "NaN", "nan", "Infinity", "-1", "−1", "1" + "0" * 30, "๑" + "๐" * 30,
                                   "0.00001", "1e6", "1,000,000,000,000,000", "99999999999999999999.5"])
def test_odd_kpi_numbers_are_refused_typed_or_tapped(sqlite_bot: Bot, value: str):
    bot = sqlite_bot
    register(bot, MANAGER, role="manager")
    before = _state(bot)
    typed = bot.say(f"บันทึกผล ตัวชี้วัดที่ 3 {value}", MANAGER)
    assert "ยังไม่ได้บันทึก" in typed and "ยืนยันบันทึกผล" not in typed, typed
    tapped = bot.tap(f"kpi:set|2567|6|3|{value}|2028405", MANAGER)
    assert "ไม่ถูกต้อง" in tapped, tapped
    assert _state(bot) == before
    assert "70.00 / 70" in bot.say("สถานะ KPI", MANAGER)  # and the KPI views still work


def test_the_largest_result_the_column_holds_is_stored_exactly(sqlite_bot: Bot):
    bot = sqlite_bot
    register(bot, MANAGER, role="manager")
    assert "ยืนยันบันทึกผล" in bot.say("บันทึกผล ตัวชี้วัดที่ 3 999,999,999,999,999.5", MANAGER)
    assert "บันทึกเรียบร้อย" in bot.say("ยืนยัน", MANAGER)
    with bot.engine.sessions() as s:
        stored = s.scalar(select(KpiResult.result).where(KpiResult.indicator_no == 3, KpiResult.round_months == 6))
    assert Decimal(stored) == Decimal("999999999999999.5")


ODD = ["ก" + "\u0e48\u0e49\u0e4a\u0e4b" * 300, "\u200b" * 4000 + "หมวด 1", "\u202eหมวด 1\u202c", "\u2066\u2067" * 500,
       "ยก\u200bเลิก", "\ufeff\u200d" * 2000, "a\u0301\u0302\u0303" * 500, "\u202e" * 5000]


def _controls(text: str) -> list[str]:
    return [ch for ch in text if unicodedata.category(ch) in ("Cf", "Cc")]


def test_combining_stacks_zero_width_floods_and_rtl_overrides(sqlite_bot: Bot):
    bot = sqlite_bot
    use_clock(bot)
    for i, text in enumerate(ODD):
        event = text_event(text, "U" + f"{i:032x}")
        assert bot.post(event).status_code == 200
        bot.engine.drain()
        said = text_of(bot.line.reply_for(event["replyToken"]) or {})
        assert said and not _controls(said.replace("\n", "")), ascii(text[:12])
    # In a registration name and an activity note: stored without the invisible characters, or refused.
    newcomer = "U" + "9" * 32
    bot.say("ลงทะเบียน", newcomer)
    bot.say("\u202eสมชาย\u200b ใจดี\u202c", newcomer)
    bot.say("พส.", newcomer)
    register(bot, STAFF)
    for step in ("บันทึกกิจกรรม", "Better ADG", "ทำบุญตักบาตร", "เมื่อวาน", "\u202eที่วัด\u200b\u0e48\u0e48\u0e48\u202c"):
        bot.say(step, STAFF)
    bot.say("ยืนยัน", STAFF)
    with bot.engine.sessions() as s:
        name = s.scalar(select(User.full_name).where(User.line_user_id == newcomer))
        notes = list(s.scalars(select(Participation.note)))
    assert name == "สมชาย ใจดี"
    assert notes and all(not _controls(n) and "\u0e48\u0e48" not in n for n in notes)


def test_two_hundred_events_in_one_body(sqlite_bot: Bot):
    bot = sqlite_bot
    events = [text_event(f"หมวด {i % 7 + 1}", "U" + f"{i:032x}") for i in range(200)]
    raw = body_of(*events)
    assert len(raw) < bot.engine.settings.max_body_bytes
    assert bot.post(*events).status_code == 200
    bot.engine.drain(timeout=60)
    tokens = [r["replyToken"] for r in bot.line.replies()]
    assert sorted(tokens) == sorted(e["replyToken"] for e in events)  # each answered, once
    with bot.engine.inbox_sessions() as s:
        assert set(s.scalars(select(InboundEvent.status))) == {"done"}


def test_the_same_webhook_event_from_ten_threads_at_once(sqlite_bot: Bot):
    bot = sqlite_bot
    event = text_event("หมวด 3 คืออะไร", STAFF)
    raw = body_of(event)
    start = threading.Barrier(10)
    statuses: list[int] = []

    def deliver() -> None:
        client = bot.app.test_client()
        start.wait()
        statuses.append(client.post("/callback", data=raw, headers={"X-Line-Signature": sign(raw)}).status_code)

    threads = [threading.Thread(target=deliver) for _ in range(10)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert statuses == [200] * 10
    bot.engine.drain()
    with bot.engine.inbox_sessions() as s:
        assert s.scalar(select(func.count()).select_from(InboundEvent)) == 1
    assert [r["replyToken"] for r in bot.line.replies()] == [event["replyToken"]]


def test_a_postback_with_another_persons_forget_key_erases_nobody(bot: Bot):
    use_clock(bot)
    register(bot, STAFF)
    bot.say("ลบข้อมูลของฉัน", STAFF)
    key = action(bot, "ยืนยันลบข้อมูล")["data"]
    event = postback_event(key, OTHER)
    assert bot.post(event).status_code == 200
    bot.engine.drain()
    assert "ไม่มีคำขอลบข้อมูล" in text_of(bot.line.reply_for(event["replyToken"]))
    with bot.engine.sessions() as s:
        assert s.scalar(select(User.status).where(User.line_user_id == STAFF)) == "active"


@settings(max_examples=300, deadline=None)
@given(st.decimals(min_value=0, max_value=Decimal(10) ** 15 - 1, places=4, allow_nan=False, allow_infinity=False))
def test_every_storable_result_reads_back_and_nothing_else_is_storable(value: Decimal):
    from scoring.numbers import MAX_RESULT, format_number, read_number, result_problem

    assert result_problem(value) is None and read_number(format_number(value)).value == value
    for bad in (value + MAX_RESULT, -value - 1, value + Decimal("0.00001"), Decimal("NaN"), Decimal("Infinity")):
        assert result_problem(bad) is not None
