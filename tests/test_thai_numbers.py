"""number_words_to_digits: spelled-out numbers after reference words become digits, nothing else."""

from __future__ import annotations

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from pythainlp.util import num_to_thaiword

from thai import number_words_to_digits

NUMBER_WORDS = ("หนึ่ง", "นึง", "สอง", "สาม", "สี่", "ห้า", "หก", "เจ็ด", "แปด", "เก้า", "สิบ", "ศูนย์")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ตัวชี้วัดที่สาม", "ตัวชี้วัดที่ 3"),
        ("ตัวชี้วัดทีสาม", "ตัวชี้วัดที่ 3"),
        ("หมวดห้า", "หมวด 5"),
        ("หมวด ห้า", "หมวด 5"),
        ("ข้อที่สอง", "ข้อที่ 2"),
        ("kpi สิบสอง", "kpi 12"),
        ("KPI สิบสอง", "KPI 12"),
        ("หมวดห้าคืออะไร", "หมวด 5 คืออะไร"),
        ("ประเด็นสี่จุดสอง", "ประเด็น 4.2"),
        ("ตัวชี้วัดที่สิบเอ็ด", "ตัวชี้วัดที่ 11"),
        ("ตัวชี้วัดที่ยี่สิบ", "ตัวชี้วัดที่ 20"),
        ("ตัวชี้วัดที่ยี่สิบเอ็ด", "ตัวชี้วัดที่ 21"),
        ("ตัวชี้วัดที่เก้าสิบเก้า", "ตัวชี้วัดที่ 99"),
        ("กิจกรรมสิบ", "กิจกรรม 10"),
        ("ขั้นที่หก", "ขั้นที่ 6"),
        ("ขั้นหก", "ขั้น 6"),
        ("ปัจจัยข้อที่สอง", "ปัจจัยข้อที่ 2"),
        ("ปัจจัยสาม", "ปัจจัย 3"),
        ("ที่หนึ่ง", "ที่ 1"),
        ("สิบสอง", "12"),
        ("สาม", "3"),
    ],
)
def test_converts_after_reference_words(text: str, expected: str) -> None:
    assert number_words_to_digits(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "สามารถ",
        "ที่สามารถ",
        "หน่วยงานที่สามารถทำได้",
        "ข้อห้าม",
        "นั่งเก้าอี้",
        "ที่เก้าอี้",
        "ที่สี่แยก",
        "หกล้ม",
        "นาทีสาม",  # "ที" alone is only repaired right after a reference word
        "สองคนไปด้วยกัน",  # no reference word before the number
        "หมวด 3",
        "",
    ],
)
def test_leaves_ordinary_words_alone(text: str) -> None:
    assert number_words_to_digits(text) == text


@given(st.integers(min_value=1, max_value=99))
def test_every_number_up_to_99(n: int) -> None:
    word = num_to_thaiword(n)
    assert number_words_to_digits(f"ตัวชี้วัดที่{word}") == f"ตัวชี้วัดที่ {n}"
    assert number_words_to_digits(f"หมวด{word}") == f"หมวด {n}"
    assert number_words_to_digits(word) == str(n)


@given(st.text(alphabet="".join(chr(c) for c in range(0x0E01, 0x0E5C)) + " kpiKPI0123456789", max_size=40))
def test_unchanged_without_number_words(text: str) -> None:
    assume(not any(w in text for w in NUMBER_WORDS))
    assert number_words_to_digits(text) == text


@given(st.text(max_size=60))
def test_never_raises_and_idempotent(text: str) -> None:
    once = number_words_to_digits(text)
    assert number_words_to_digits(once) == once


def test_a_number_word_before_a_word_it_could_start_is_still_a_number() -> None:
    from thai import prepare

    assert "หมวด 5 วันไหน" in prepare("คลินิกหมวดห้าวันไหน")  # not "ห้าว" + "ัน"
    assert prepare("หมวดสามารถ") == "หมวดสามารถ"
