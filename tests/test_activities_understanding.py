"""Reading participations from what staff type: which activity and item, which day, and when not to."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from db import activity_store as store
from handlers.activities.language import day_problem, parse_day, reports_participation, understand
from knowledge.activities import load_activities

PLAN = load_activities(Path(__file__).resolve().parent.parent / "knowledge" / "activities" / "fy2567.yaml")
TODAY = date(2026, 11, 24)  # Tuesday 24 พ.ย. 2569


@pytest.mark.parametrize(("text", "activity", "item"), [
    ("เมื่อวานเข้าอบรม No Gift Policy มาค่ะ", "no-gift-policy", 2),
    ("ไปร่วมทำบุญตักบาตรมาเมื่อวานซืน", "better-adg", 1),
    ("ร่วมพับเหรียญโปรยทาน 3/5/2567", "better-adg", 2),
    ("บริจาคเลือดที่ศูนย์ราชการ", "to-share-is-to-care", 2),
    ("บริจาคเงินให้ศิริราชมูลนิธิ", "to-share-is-to-care", 1),
    ("ร่วมลงนามถวายพระพร", "nation-religion-king", 1),
    ("เข้าอบรมเศรษฐกิจพอเพียง", "sufficiency", 3),
    ("ช่วยกันปิดไฟประหยัดไฟฟ้า", "sufficiency", 1),
    ("เข้าร่วมกิจกรรมจิตอาสา", "to-share-is-to-care", 0),
    ("ไปร่วมงาน hall of fame", "hall-of-fame", 0),
])
def test_activity_and_item_from_a_sentence(text: str, activity: str, item: int):
    assert reports_participation(text)
    got = understand(PLAN, text)
    assert (got.activity, got.item) == (activity, item)


@pytest.mark.parametrize("text", [
    "PMQA คืออะไร", "กิจกรรม Hall of Fame คืออะไร", "กิจกรรมพอเพียงสร้างสุขมีอะไรบ้าง", "บริจาคเลือดได้ที่ไหน",
    "อบรม No Gift Policy วันไหนคะ", "การมีส่วนร่วมของบุคลากรในหมวด 5", "สร้างความร่วมมือกับเครือข่าย",
    "ใครไปทำบุญบ้าง", "ตัวชี้วัดที่ 3", "หมวด 3 คืออะไร",
])
def test_questions_and_other_topics_are_not_reports(text: str):
    assert not reports_participation(text) or not understand(PLAN, text).named


def test_a_sentence_naming_nothing_is_not_taken():
    assert reports_participation("เข้าร่วมกิจกรรมเมื่อวาน")
    assert not understand(PLAN, "เข้าร่วมกิจกรรมเมื่อวาน").named


def test_a_sentence_naming_two_activities_offers_both():
    got = understand(PLAN, "ไปทำบุญตักบาตรแล้วก็ลงนามถวายพระพร")
    assert got.activity == "" and set(got.candidates) == {"better-adg", "nation-religion-king"}


@pytest.mark.parametrize(("text", "expected"), [
    ("วันนี้", date(2026, 11, 24)),
    ("เมื่อวาน", date(2026, 11, 23)),
    ("เมื่อวานซืนไปมา", date(2026, 11, 22)),
    ("วันที่ 3", date(2026, 11, 3)),
    ("วันที่สาม", date(2026, 11, 3)),
    ("วันที่ 30", date(2026, 10, 30)),  # the 30th of this month has not come yet
    ("3 พ.ค.", date(2026, 5, 3)),
    ("3 พค", date(2026, 5, 3)),
    ("3 พ.ค. 2567", date(2024, 5, 3)),
    ("3 พฤษภาคม 67", date(2024, 5, 3)),
    ("วันศุกร์ที่ 20 พ.ย.", date(2026, 11, 20)),
    ("20 พ.ย. 2569", date(2026, 11, 20)),
    ("3/5/2567", date(2024, 5, 3)),
    ("3/5/67", date(2024, 5, 3)),
    ("๓/๕/๒๕๖๗", date(2024, 5, 3)),
    ("1/11", date(2026, 11, 1)),
    ("2024-05-03", date(2024, 5, 3)),
    ("2567-05-03", date(2024, 5, 3)),
    ("เมื่อวันศุกร์", date(2026, 11, 20)),
    ("ไปบริจาคเลือดมา", None),
])
def test_dates_in_thai(text: str, expected: date | None):
    day, _why = parse_day(text, TODAY)
    assert day == expected


def test_impossible_dates_are_explained():
    for text in ("31 ก.พ.", "30/2/2567", "3/13/2567"):
        day, why = parse_day(text, TODAY)
        assert day is None and why, text


def test_future_and_previous_fiscal_year_dates_are_refused_politely():
    assert day_problem(TODAY, TODAY) == ""
    assert day_problem(date(2026, 10, 1), TODAY) == ""
    assert "ยังมาไม่ถึง" in day_problem(date(2026, 11, 25), TODAY)
    refusal = day_problem(date(2026, 9, 30), TODAY)
    assert "ปีงบประมาณ 2570" in refusal and "1 ต.ค. 2569" in refusal


def test_fiscal_calendar():
    assert store.fiscal_year_of(date(2026, 9, 30)) == 2569 and store.fiscal_year_of(date(2026, 10, 1)) == 2570
    first = store.current_period(date(2027, 3, 31))
    assert (first.fiscal_year, first.months, first.start, first.end) == (2570, 6, date(2026, 10, 1), date(2027, 3, 31))
    second = store.current_period(date(2027, 4, 1))
    assert (second.months, second.start, second.end) == (12, date(2026, 10, 1), date(2027, 9, 30))
    assert store.thai_date(date(2026, 11, 24)) == "24 พ.ย. 2569"
    assert store.thai_date(date(2026, 11, 24), weekday=True) == "วันอังคารที่ 24 พ.ย. 2569"


@given(st.sampled_from(["บันทึกกิจกรรม", "กิจกรรมของฉัน", "ลงกิจกรรม", "ลบรายการล่าสุด"]),
       st.sampled_from(["", "ขอ", "อยาก", "ช่วย", "รบกวน", "ขอดู"]),
       st.sampled_from(["", "ค่ะ", "ครับ", "หน่อย", "หน่อยค่ะ", "ให้หน่อยนะคะ", "ได้ไหมคะ"]))
def test_a_command_wrapped_in_polite_words_is_the_command(word: str, lead: str, tail: str):
    from handlers.activities.common import command_name

    assert command_name(lead + word + tail) == command_name(word) != ""


def test_polite_words_alone_or_around_no_command_are_no_command():
    from handlers.activities.common import command_name
    from handlers.common import is_command

    for text in ("ขอบคุณค่ะ", "ขอหน่อย", "ค่ะ", "อยากรู้เรื่องหมวด 3", "ช่วยด้วย"):
        assert command_name(text) == "", text
    assert is_command("ยืนยันค่ะ", "ยืนยัน") and is_command("ยกเลิกครับ", "ยกเลิก")
    assert not is_command("ยืนยันไม่ได้", "ยืนยัน")
