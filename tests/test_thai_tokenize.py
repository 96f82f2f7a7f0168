"""tokenize: Thai split by newmm with domain words whole; numbers and codes intact; no junk tokens."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from thai import DOMAIN_WORDS, tokenize, warm_up


@pytest.mark.parametrize(
    ("text", "tokens"),
    [
        ("ประเด็น 4.2 ระดับ advance คืออะไร", ["ประเด็น", "4.2", "ระดับ", "advance", "คือ", "อะไร"]),
        ("ขอดู 3.1.1 ครับ", ["ขอ", "ดู", "3.1.1", "ครับ"]),
        ("C4 คือ", ["c4", "คือ"]),
        ("PMQA 4.0 ภาพรวม", ["pmqa", "4.0", "ภาพรวม"]),
        ("PMQA4.0", ["pmqa", "4.0"]),
        ("A&D คืออะไร", ["a&d", "คือ", "อะไร"]),
        ("ดีๆ ครับ!! 😀", ["ดี", "ครับ"]),
        ("ตัวชี้วัดที่3", ["ตัวชี้วัด", "ที่", "3"]),
        ("หมวด ๓", ["หมวด", "3"]),
        ("ราคา 100 ฿ ฯลฯ", ["ราคา", "100", "ฯลฯ"]),
        ("kpi3 6Cs", ["kpi", "3", "6", "cs"]),
        # Entries of the bundled list that are no words (NOT_WORDS) would make these วัน/ไห/นคะ and แล้/วจะ.
        ("ห้องไหนคะ", ["ห้อง", "ไหน", "คะ"]),
        ("แล้วจะไปไหน", ["แล้ว", "จะ", "ไป", "ไหน"]),
        ("ที่ไหนล่ะ", ["ที่ไหน", "ล่ะ"]),
        ("", []),
    ],
)
def test_examples(text: str, tokens: list[str]) -> None:
    assert tokenize(text) == tokens


@pytest.mark.parametrize("word", ["ตัวชี้วัด", "ผู้มีส่วนได้ส่วนเสีย", "ระบบราชการ", "การนำองค์การ", "ค่าเป้าหมาย"])
def test_domain_words_stay_whole(word: str) -> None:
    assert tokenize(f"อยากทราบเรื่อง{word}ครับ") == ["อยาก", "ทราบ", "เรื่อง", word, "ครับ"]


@pytest.mark.parametrize("word", sorted(DOMAIN_WORDS))
def test_every_domain_word_is_one_token(word: str) -> None:
    assert tokenize(word) == [word]


def test_returns_a_fresh_list() -> None:
    first = tokenize("หมวด 3")
    first.append("x")
    assert tokenize("หมวด 3") == ["หมวด", "3"]


def test_warm_up_is_repeatable() -> None:
    warm_up()
    warm_up()


@given(st.text(max_size=80))
def test_no_empty_or_whitespace_tokens(text: str) -> None:
    for tok in tokenize(text):
        assert tok and tok.strip() == tok and not tok.isspace()


@given(st.text(alphabet="ABCabcxyz0123456789 .&-", max_size=40))
def test_latin_tokens_are_casefolded(text: str) -> None:
    assert all(tok == tok.casefold() for tok in tokenize(text))
