"""restore_omissions: words typed without their tone marks, or with a letter left out, get them back; correct text,
and real words that are another word's bare form, stay as typed."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from thai import prepare
from thai.omissions import MAX_RUN, bare, restore_omissions, restore_swapped_marks


@pytest.mark.parametrize(("typed", "meant"), [
    ("ตัวชีวัดที 3 นำหนักเทาไหร", "ตัวชี้วัดที่ 3 น้ำหนักเท่าไหร่"),
    ("ขอรองเรียนกับขอรองทุกขตางกันยังไง", "ข้อร้องเรียนกับข้อร้องทุกข์ต่างกันยังไง"),
    ("ถาความเสียงระดับมาก หนวยงานตองทำไง", "ถ้าความเสี่ยงระดับมาก หน่วยงานต้องทำไง"),
    ("pmqa 4.0 มีทังหมดกีหมวด", "pmqa 4.0 มีทั้งหมดกี่หมวด"),
    ("หองไหน", "ห้องไหน"),
    ("เปลียนชือรางวัลตังแตปีไหน", "เปลี่ยนชื่อรางวัลตั้งแต่ปีไหน"),
    ("ยกตัอย่างให้หน่อย", "ยกตัวอย่างให้หน่อย"),  # a letter left out
    ("ประเมิความพึงพอใจ", "ประเมินความพึงพอใจ"),
    ("ความผูกพันในงนคือ", "ความผูกพันในงานคือ"),  # a short word ("งาน"), a piece no corpus saw ("ทำงน")
    ("คณะทำงนหมวด 3", "คณะทำงานหมวด 3"),
    ("แผนรองรับ 3 ชั้นของมวด 6", "แผนรองรับ 3 ชั้นของหมวด 6"),  # the first letter of a domain word
    ("KM สิ่งสำคัญคือะไรคะ", "KM สิ่งสำคัญคืออะไรคะ"),
    ("คณะทำงานหมวด 5 ปะชุมเมื่อไหร่", "คณะทำงานหมวด 5 ประชุมเมื่อไหร่"),  # the slip reads as two real words
    ("PMQA Mechanism ขันสุดทายคืออะไร", "PMQA Mechanism ขั้นสุดท้ายคืออะไร"),  # …or as three, without marks
])
def test_marks_are_restored(typed: str, meant: str) -> None:
    assert restore_omissions(typed) == meant


@pytest.mark.parametrize("text", [
    "ทีมงาน ขอดู เสือ",  # real words: "ทีม" is no "ที่ม", "ขอ" (ask) is no "ข้อ", a tiger is no shirt
    "คลินิกหมวด 2 ห้องไหน",
    "ขอบคุณครับ",
    "ไรเดอร์",
    "สวัสดีค่ะ มีคำถามคะ",
    "PMQA 4.0 ADR",
    "นายกิตติณัฐ พนมฤทธิ์",  # a name is typed as its owner writes it
    "สำนักงานเลขานุกรม",
    "บส. พท. สป.ดศ.",  # abbreviations
])
def test_correct_text_is_left_alone(text: str) -> None:
    assert restore_omissions(text) == text


def test_the_reference_patterns_read_a_toneless_reference() -> None:
    assert "ที่ 3" in prepare("ตัวชีวัดที 3 คืออะไร")


def test_a_long_stretch_is_left_as_typed() -> None:
    run = "ทีไหน" * (MAX_RUN // 5 + 1)
    assert restore_omissions(run) == run


thai_text = st.text(alphabet=st.sampled_from("กขคงจดตทนบปมยรลวสหอะาิีึืุูเแโใไ่้๊๋์ั็ำ "), max_size=40)


@settings(max_examples=200, deadline=None)
@given(thai_text)
def test_only_what_was_left_out_is_added_and_a_second_pass_changes_nothing(text: str) -> None:
    restored = restore_omissions(text)
    rest = iter(restored)
    assert all(ch in rest for ch in text)  # what was typed is all still there, in order
    assert len(restored) - len(text) <= len(bare(text))
    assert restore_omissions(restored) == restored


@settings(max_examples=200, deadline=None)
@given(thai_text)
def test_a_mark_typed_late_is_only_moved_and_a_second_pass_changes_nothing(text: str) -> None:
    swapped = restore_swapped_marks(text)
    assert sorted(swapped) == sorted(text)  # the same characters, only reordered
    assert restore_swapped_marks(swapped) == swapped


def test_a_mark_typed_a_letter_late_is_put_back():
    assert restore_swapped_marks("ประชุมวนัไหน") == "ประชุมวันไหน"
    assert restore_swapped_marks("หมวด 3 คืออะไร") == "หมวด 3 คืออะไร"
