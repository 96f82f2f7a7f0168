"""fix_layout: wrong-layout words are converted back; English, numbers and codes never are."""

from __future__ import annotations

import string

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pythainlp.util import eng_to_thai, thai_to_eng
from pythainlp.util.keyboard import EN_TH_KEYB_PAIRS, TH_EN_KEYB_PAIRS

from thai import ENGLISH_WORDS, fix_layout
from thai.keyboard import EN_TO_TH, TH_TO_EN


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("s,;f 6", "หมวด 6"),
        ("s,;f 3", "หมวด 3"),
        ("s,;f6", "หมวด6"),
        ("8iy[", "ครับ"),
        ("s,;f 6 คืออะไร", "หมวด 6 คืออะไร"),
        ("-hv 4.2", "ข้อ 4.2"),
        ("-hv4", "ข้อ4"),
        ("w,j", "ไม่"),
        ("ws,", "ไหม"),
        ("gxHo", "เป็น"),
        ("xitgmL", "ประเทศ"),
        ("Tok8kicsj'xitgmLwmp", "ธนาคารแห่งประเทศไทย"),
        ("grikt", "เพราะ"),
        ("ตัวชี้วัด 8iy[", "ตัวชี้วัด ครับ"),
    ],
)
def test_thai_typed_on_english_layout(typed: str, meant: str) -> None:
    assert fix_layout(typed) == meant


def test_thai_words_for_8iy_kf_come_back() -> None:
    out = fix_layout("8iy[kf")
    assert out is not None and out.startswith("ครับ")


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("ยทๆฟ", "PMQA"),
        ("ฟกพ", "ADR"),
        ("ยทๆฟ คืออะไร", "PMQA คืออะไร"),
        ("ยทๆฟคืออะไร", "PMQAคืออะไร"),
        ("้ำสสน", "hello"),
    ],
)
def test_english_typed_on_thai_layout(typed: str, meant: str) -> None:
    out = fix_layout(typed)
    assert out is not None and out.casefold() == meant.casefold()


@pytest.mark.parametrize(
    "text",
    [
        "PMQA",
        "pmqa",
        "KPI",
        "ADR",
        "Better ADG Better Me",
        "Hall of Fame",
        "No Gift Policy",
        "hello",
        "basic",
        "advance",
        "Advance",
        "4.2",
        "3.1.1",
        "C4",
        "c4",
        "kpi 12",
        "PMQA 4.0",
        "A&D",
        "meeting zoom link",
        "email me at staff@example.go.th",
        "https://www.opdc.go.th",
        "ok",
        "ทำงาน",
        "ทำ",
        "ตัวชี้วัดที่ 3 มีอะไรบ้าง",
        "ประเด็น 4.2 ระดับ advance",
        "",
        "   ",
        ";;;",
        "...",
    ],
)
def test_leaves_real_text_alone(text: str) -> None:
    assert fix_layout(text) is None


COMMON_ENGLISH = """module must read root mode split close left remove some loop most rest sort full zero load
work wait rule sure itself software memo shell look fill move give did levels visible audio walk
void divide world rows live cat lot com time size words side fold floor fork world todo soft""".split()


@pytest.mark.parametrize("word", COMMON_ENGLISH)
def test_common_english_outside_the_list_is_kept(word: str) -> None:
    assert fix_layout(word) is None
    assert fix_layout(word.capitalize()) is None
    assert fix_layout(word.upper()) is None


@given(st.text(alphabet=string.digits + string.punctuation + " ", max_size=30))
def test_none_on_digits_and_punctuation(text: str) -> None:
    assert fix_layout(text) is None


english = st.sampled_from(sorted(set(ENGLISH_WORDS.values())))


@given(st.lists(english, min_size=1, max_size=5), st.sampled_from([str, str.lower, str.upper]))
def test_none_on_listed_english(words: list[str], case) -> None:  # noqa: ANN001
    assert fix_layout(" ".join(case(w) for w in words)) is None


@given(st.text(alphabet="".join(TH_EN_KEYB_PAIRS), max_size=30))
def test_thai_to_english_layout_round_trips(text: str) -> None:
    assert text.translate(TH_TO_EN).translate(EN_TO_TH) == text
    assert eng_to_thai(thai_to_eng(text)) == text


@given(st.text(alphabet="".join(EN_TH_KEYB_PAIRS), max_size=30))
def test_english_to_thai_layout_round_trips(text: str) -> None:
    assert text.translate(EN_TO_TH).translate(TH_TO_EN) == text


@given(st.text(max_size=60))
def test_never_raises_and_output_differs(text: str) -> None:
    out = fix_layout(text)
    assert out is None or out != text


@given(st.from_regex(r"[0-9]{1,3}(\.[0-9]{1,2}){0,2}", fullmatch=True))
def test_numbers_are_not_converted(number: str) -> None:
    assert fix_layout(number) is None
    out = fix_layout(f"s,;f {number}")
    assert out == f"หมวด {number}"
