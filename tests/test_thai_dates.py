"""Thai dates in every common form are read right or refused clearly, never turned into another date, and the
days a person may log are those of the plan the bot offers (issue #14, item 6). Also: "ยืนยัน" / "ยกเลิก" typed at
the KPI confirmation work like its buttons."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from db.activity_store import MONTHS_SHORT
from db.kpi import KpiResult
from handlers.activities.language import _MONTH_NAMES as MONTH_NAMES
from handlers.activities.language import _MONTH_SPOKEN as MONTH_SPOKEN
from handlers.activities.language import date_example, day_problem, parse_day
from tests.conftest import Bot
from tests.test_activities_support import STAFF, labels, records, register, use_clock

TODAY = date(2026, 11, 24)  # the pinned clock of tests/test_activities_support.py: fiscal year 2570


@pytest.mark.parametrize("text", [
    "5 เม.ย. 67", "5 เม.ย. 2567", "5 เมษา 67", "5 เมษา 2567", "5 เมษายน 2567", "5 เมษายน พ.ศ. 2567", "5/4/67",
    "5/4/2567", "5-4-2567", "5.4.67", "2567-04-05", "2024-04-05", "5 เม.ย. 2024", "5 เมย 67", "วันที่ 5 เมษา 67",
    "ไปตักบาตรมาเมื่อวันที่ 5 เมษา 67 ครับ", "๕ เมษา ๖๗",
])
def test_the_fifth_of_april_2567_in_every_common_form(text: str):
    day, why = parse_day(text, TODAY)
    assert (day, why) == (date(2024, 4, 5), ""), text


@pytest.mark.parametrize(("text", "expected"), [
    ("1 มกรา 67", date(2024, 1, 1)), ("29 กุมภา 67", date(2024, 2, 29)), ("3 มีนา 67", date(2024, 3, 3)),
    ("3 พฤษภา 67", date(2024, 5, 3)), ("3 มิถุนา 67", date(2024, 6, 3)), ("3 กรกฎา 67", date(2024, 7, 3)),
    ("3 สิงหา 67", date(2024, 8, 3)), ("3 กันยา 67", date(2024, 9, 3)), ("3 ตุลา 66", date(2023, 10, 3)),
    ("3 พฤศจิกา 66", date(2023, 11, 3)), ("3 ธันวา 66", date(2023, 12, 3)),
])
def test_spoken_month_names(text: str, expected: date):
    assert parse_day(text, TODAY) == (expected, "")


@pytest.mark.parametrize("text", ["31/02", "31/2/2567", "30 ก.พ. 67", "29 กุมภา 66", "31 เมษา 67", "5/13/67",
                                  "5 เมษ 67", "วันที่ 5 ตลา 67"])
def test_impossible_or_unreadable_dates_are_refused_with_a_reason(text: str):
    day, why = parse_day(text, TODAY)
    assert day is None and why, text
    assert "ค่ะ" in why or "ไม่ได้" in why or "ไม่มี" in why


@pytest.mark.parametrize(("text", "expected"), [
    ("วันที่ 5 ไป 10 โมง", date(2026, 11, 5)), ("วันที่ 3 ไปกัน 12 คน", date(2026, 11, 3)),
    ("บริจาค 5 ครั้ง 20 บาท", None),
])
def test_numbers_that_are_not_years_leave_the_day_alone(text: str, expected: date | None):
    assert parse_day(text, TODAY)[0] == expected


def test_the_days_of_the_plan_offered_are_accepted():
    # Today is in fiscal year 2570 and the plan offered is FY2567's (the newest imported): its year is loggable.
    assert day_problem(date(2024, 5, 3), TODAY, 2567) == ""
    assert day_problem(date(2023, 10, 1), TODAY, 2567) == ""
    refusal = day_problem(date(2023, 9, 30), TODAY, 2567)
    assert "ปีงบประมาณ 2567" in refusal and "1 ต.ค. 2566" in refusal
    assert "ยังมาไม่ถึง" in day_problem(date(2026, 11, 25), TODAY, 2567)
    # The bot's own example is a date it accepts.
    example = date_example(TODAY)
    day, _ = parse_day(example, TODAY)
    assert day is not None and day_problem(day, TODAY, 2567) == "" and day_problem(day, TODAY) == ""


def test_a_plain_sentence_is_stored_with_its_own_date(bot: Bot):
    use_clock(bot)
    register(bot, STAFF)
    summary = bot.say("ไปตักบาตรมาเมื่อวันที่ 5 เมษา 67 ครับ", STAFF)
    assert "5 เม.ย. 2567" in summary and "พ.ย." not in summary
    assert "บันทึกเรียบร้อย" in bot.say("ยืนยัน", STAFF)
    [rec] = records(bot, user_key=STAFF)
    assert rec.day == date(2024, 4, 5) and rec.fiscal_year == 2567


def test_the_example_the_bot_gives_is_accepted(bot: Bot):
    use_clock(bot)
    register(bot, STAFF)
    for step in ("บันทึกกิจกรรม", "Better ADG"):
        bot.say(step, STAFF)
    asked = bot.say("ทำบุญตักบาตร", STAFF)
    example = asked.split("เช่น “", 1)[1].split("”", 1)[0]
    assert "หมายเหตุ" in bot.say(example, STAFF), example
    bot.say("ยกเลิก", STAFF)
    for step in ("บันทึกกิจกรรม", "Better ADG", "ทำบุญตักบาตร"):
        bot.say(step, STAFF)
    assert "หมายเหตุ" in bot.say("3 พ.ค. 2567", STAFF)  # FY2567's own day, with FY2567's plan


def test_an_impossible_date_is_refused_at_the_date_step(bot: Bot):
    use_clock(bot)
    register(bot, STAFF)
    for step in ("บันทึกกิจกรรม", "Better ADG", "ทำบุญตักบาตร"):
        bot.say(step, STAFF)
    said = bot.say("31/02", STAFF)
    assert "ไม่มีวันที่ 31 ก.พ." in said and "เข้าร่วมวันไหน" in said
    assert "เลือกวันที่" in labels(bot)


# ----- the KPI confirmation, typed -----------------------------------------------------------------------

MANAGER = "U" + "2" * 32


def _result(bot: Bot, number: int) -> str | None:
    with bot.engine.sessions() as s:
        row = s.scalar(select(KpiResult).where(KpiResult.indicator_no == number, KpiResult.round_months == 6))
        return None if row is None else str(row.result)


def test_typed_confirm_and_cancel_work_like_the_buttons(bot: Bot):
    register(bot, MANAGER, role="manager")
    before = _result(bot, 3)
    assert "ยืนยันบันทึกผล" in bot.say("บันทึกผล ตัวชี้วัดที่ 3 1000", MANAGER)
    cancelled = bot.say("ยกเลิก", MANAGER)
    assert "ยกเลิกแล้ว" in cancelled and "ไม่มีการบันทึก" in cancelled
    assert _result(bot, 3) == before
    assert "บันทึกเรียบร้อย" not in bot.say("ยืนยัน", MANAGER)  # nothing pending any more
    assert _result(bot, 3) == before
    assert "ยืนยันบันทึกผล" in bot.say("บันทึกผล ตัวชี้วัดที่ 3 1000", MANAGER)
    assert "บันทึกเรียบร้อย" in bot.say("ยืนยัน", MANAGER)
    assert float(_result(bot, 3) or 0) == 1000
    assert "บันทึกเรียบร้อย" not in bot.say("ยืนยัน", MANAGER)  # said again: recorded once


_FORMS = [
    lambda d: f"{d.day} {MONTHS_SHORT[d.month - 1]} {d.year + 543}",
    lambda d: f"{d.day} {MONTHS_SHORT[d.month - 1]} {(d.year + 543) % 100:02d}",
    lambda d: f"{d.day} {MONTH_NAMES[d.month - 1]} {d.year + 543}",
    lambda d: f"{d.day} {MONTH_SPOKEN[d.month - 1]} {(d.year + 543) % 100:02d}",
    lambda d: f"{d.day}/{d.month}/{d.year + 543}",
    lambda d: f"{d.day}/{d.month}/{(d.year + 543) % 100:02d}",
    lambda d: f"{d.year}-{d.month:02d}-{d.day:02d}",
    lambda d: f"ไปทำบุญมาเมื่อวันที่ {d.day} {MONTH_SPOKEN[d.month - 1]} {(d.year + 543) % 100:02d} ค่ะ",
]


@settings(max_examples=400, deadline=None)
@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2042, 12, 31)), st.sampled_from(range(len(_FORMS))))
def test_every_common_form_of_every_date_reads_back(day: date, form: int):
    assert parse_day(_FORMS[form](day), TODAY) == (day, "")
