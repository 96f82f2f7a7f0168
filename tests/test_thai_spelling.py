"""correct_domain: misspelt domain words are repaired; correct text, and other real words, are not."""

from __future__ import annotations

import importlib
import time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.config import PROJECT_ROOT
from thai import DOMAIN_WORDS, correct_domain

spelling = importlib.import_module("thai.spelling")

REQUIRED = {
    "ตัวชี้วัด", "ผู้มีส่วนได้ส่วนเสีย", "ผู้รับบริการ", "ระบบราชการ", "ยุทธศาสตร์", "เจตนารมณ์", "เป้าหมาย",
    "บุคลากร", "นวัตกรรม", "ผลลัพธ์", "ประเด็น", "หมวด", "คลินิก", "ข้อร้องเรียน", "ข้อร้องทุกข์", "การนำองค์การ",
    "ความผูกพัน", "สมรรถนะ", "ดิจิทัล", "กิจกรรม", "คุณธรรม", "ลงทะเบียน", "ค่าเป้าหมาย", "น้ำหนัก",
    "ผลการดำเนินงาน", "หน่วยงาน",
}  # fmt: skip


def test_vocabulary() -> None:
    assert REQUIRED <= DOMAIN_WORDS
    assert len(DOMAIN_WORDS) >= 60


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("ตัวชีวัด", "ตัวชี้วัด"),
        ("ตัวชิ้วัด", "ตัวชี้วัด"),
        ("ตัวชี้วัค", "ตัวชี้วัด"),
        ("ผู้มีส่วนไดส่วนเสีย", "ผู้มีส่วนได้ส่วนเสีย"),
        ("ผู้มีส่วนได้เสีย", "ผู้มีส่วนได้ส่วนเสีย"),
        ("ยุทธศาสตร", "ยุทธศาสตร์"),
        ("ยุทศาสตร์", "ยุทธศาสตร์"),
        ("บุคคลากร", "บุคลากร"),
        ("ผลลัพท์", "ผลลัพธ์"),
        ("นวตกรรม", "นวัตกรรม"),
        ("เจตนารม", "เจตนารมณ์"),
        ("คลีนิก", "คลินิก"),
        ("คลินิค", "คลินิก"),
        ("ประเด้น", "ประเด็น"),
        ("หมวท", "หมวด"),
        ("ระบบราชกา", "ระบบราชการ"),
        ("ข้อร้องเรียญ", "ข้อร้องเรียน"),
        ("ข้อร้องทุก", "ข้อร้องทุกข์"),
        ("การนำองค์กา", "การนำองค์การ"),
        ("ประเมิณผล", "ประเมินผล"),
        ("สมรรถณะ", "สมรรถนะ"),
    ],
)
def test_repairs(typed: str, meant: str) -> None:
    assert correct_domain(typed) == meant


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("ผมอยากทราบตัวชีวัดที่ 3 ครับ", "ผมอยากทราบตัวชี้วัดที่ 3 ครับ"),
        ("ขอดูเจตนารมของหมวด 1", "ขอดูเจตนารมณ์ของหมวด 1"),
        ("ผลลัพท์ของหน่วยงาน", "ผลลัพธ์ของหน่วยงาน"),
        ("บุคคลากรทุกคนต้องลงทะเบียน", "บุคลากรทุกคนต้องลงทะเบียน"),
        ("คลีนิกหมวด 2 วันไหน", "คลินิกหมวด 2 วันไหน"),
    ],
)
def test_repairs_inside_sentences(typed: str, meant: str) -> None:
    assert correct_domain(typed) == meant


@pytest.mark.parametrize(
    "text",
    [
        "หมวก",  # a real word one letter from หมวด
        "หมวดหมู่",
        "ของการทำงาน",  # "องการ" looks like a slip for "องค์การ" but spans two words
        "เป็นระบบราชการ",
        "เลือกกิจกรรม",
        "ความต้องการของผู้รับบริการ",
        "องค์กร",  # a domain word close to another (องค์การ) stays itself
        "องค์การ",
        "เป้าหมายและค่าเป้าหมาย",
        "ประเมิน",
        "PMQA 4.0 หมวด 3",
        "",
    ],
)
def test_leaves_correct_text_alone(text: str) -> None:
    assert correct_domain(text) == text


@pytest.mark.parametrize("word", sorted(DOMAIN_WORDS))
def test_every_domain_word_is_unchanged(word: str) -> None:
    assert correct_domain(word) == word
    assert correct_domain(f"ขอถามเรื่อง{word}ครับ") == f"ขอถามเรื่อง{word}ครับ"
    assert correct_domain(f"{word} {word}") == f"{word} {word}"


def test_budget_follows_word_length() -> None:
    assert spelling.budget("หมวด") == 0.5
    assert spelling.budget("ประเด็น") == 1.0
    assert spelling.budget("ตัวชี้วัด") == 2.0


domain_text = st.lists(
    st.one_of(st.sampled_from(sorted(DOMAIN_WORDS)), st.sampled_from(["ที่", "ของ", "ครับ", " ", "3", "การ", "ตัว"])),
    max_size=8,
).map("".join)
thai_text = st.text(alphabet="".join(chr(c) for c in range(0x0E01, 0x0E4F)) + " ", max_size=40)


@given(domain_text)
def test_sentences_of_correct_domain_words_are_unchanged(text: str) -> None:
    assert correct_domain(text) == text


@given(st.one_of(thai_text, domain_text, st.text(max_size=40)))
def test_idempotent(text: str) -> None:
    once = correct_domain(text)
    assert correct_domain(once) == once


def test_speed_of_a_30_character_message() -> None:
    spelling.warm_up()
    messages = [f"ขอดูตัวชีวัดที่ {i} ของหน่วยงานครับ" for i in range(200)]
    messages += [f"ผลลัพธ์การดำเนินงานปี {i} เป็นยังไง" for i in range(200)]
    start = time.perf_counter()
    for m in messages:
        spelling._correct_once(m)  # uncached
    per_message = (time.perf_counter() - start) / len(messages)
    assert per_message < 0.002  # ~0.02 ms measured; generous for slow CI machines


def test_english_terms_typed_in_thai_letters_are_read_as_the_english() -> None:
    assert correct_domain("โนกิฟโพลิซี่ มีกิจกรรมไรบ้าง") == "No Gift Policy มีกิจกรรมไรบ้าง"
    assert correct_domain("เคพีไอ ตัวที่ 3") == "KPI ตัวที่ 3"
    assert correct_domain("ฮอลออฟเฟม") == "Hall of Fame"


def test_a_word_typed_with_several_marks_missing_is_repaired_from_its_skeleton() -> None:
    assert correct_domain("ตวชีวด 9") == "ตัวชี้วัด 9"
    assert correct_domain("ผูมีสวนไดสวนเสีย") == "ผู้มีส่วนได้ส่วนเสีย"
    # Two right words whose letters could be read as one domain word with marks missing stay as they are.
    assert correct_domain("เสียสละเพื่อสังคมส่วนรวม") == "เสียสละเพื่อสังคมส่วนรวม"


def test_the_source_itself_is_left_alone_by_the_skeleton_repair() -> None:
    from thai.spelling import _repair_skeletons

    source = next((PROJECT_ROOT / "knowledge" / "sources").glob("*.txt")).read_text(encoding="utf-8")
    assert _repair_skeletons(source) == source
