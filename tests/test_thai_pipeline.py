"""prepare / analyze: the whole clean-up, end to end, as the retriever and reference regexes see it."""

from __future__ import annotations

import random
import statistics
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import thai
from thai import analyze, prepare


@pytest.mark.parametrize(
    ("message", "prepared"),
    [
        ("s,;f 6 คืออะไร", "หมวด 6 คืออะไร"),
        ("s,;f 3", "หมวด 3"),
        ("ตัวชีวัดทีสาม", "ตัวชี้วัดที่ 3"),
        ("ตัวชี้วัดที่สาม มีอะไรบ้างคะ", "ตัวชี้วัดที่ 3 มีอะไรบ้างคะ"),
        ("หมวทห้า", "หมวด 5"),
        ("ประเด้นสี่จุดสอง", "ประเด็น 4.2"),
        ("kpi สิบสอง", "kpi 12"),
        ("\u200bตัวชี้วัด\u00a0ที่ ๓", "ตัวชี้วัด ที่ 3"),
        ("ผู้มีส่วนไดส่วนเสีย หมายถึงใคร", "ผู้มีส่วนได้ส่วนเสีย หมายถึงใคร"),
        ("ยทๆฟ คืออะไร", "PMQA คืออะไร"),
        ("เจตนารมของหมวดสอง ค่าาาา", "เจตนารมณ์ของหมวด 2 ค่า"),
        ("Hall of Fame", "Hall of Fame"),
        ("สามารถดู C4 ได้ไหม", "สามารถดู C4 ได้ไหม"),
        ("ประเด็น 4.2 ระดับ advance", "ประเด็น 4.2 ระดับ advance"),
    ],
)
def test_prepare_examples(message: str, prepared: str) -> None:
    assert prepare(message) == prepared


def test_analyze_examples() -> None:
    assert analyze("ตัวชีวัดที่สาม มีค่าเป้าหมายเท่าไหร่") == [
        "ตัวชี้วัด", "ที่", "3", "มี", "ค่าเป้าหมาย", "เท่าไหร่",
    ]  # fmt: skip
    assert analyze("s,;f 6 คืออะไร") == ["หมวด", "6", "คือ", "อะไร"]
    assert analyze("ยทๆฟ") == ["pmqa"]


def test_public_api() -> None:
    for name in ("normalize", "fold", "fix_layout", "number_words_to_digits", "correct_domain", "tokenize",
                 "warm_up", "prepare", "analyze", "DOMAIN_WORDS", "ENGLISH_WORDS"):  # fmt: skip
        assert hasattr(thai, name)


@given(st.text())
def test_prepare_never_raises(text: str) -> None:
    out = prepare(text)
    assert isinstance(out, str)
    assert all(isinstance(t, str) and t.strip() for t in analyze(text))


words = st.sampled_from(
    "ตัวชีวัด ตัวชี้วัด ที่ ที สาม สอง สิบ หมวด หมวท ห้า ประเด็น ประเด้น 4.2 kpi C4 s,;f 6 ยทๆฟ ค่าาา ครับ "
    "คืออะไร สามารถ ข้อ บุคคลากร ผลลัพท์ ดีๆ PMQA hello ๓ เเ".split()
)


@given(st.lists(words, max_size=8).map(" ".join), st.lists(words, max_size=4).map("".join))
def test_prepare_is_stable(spaced: str, glued: str) -> None:
    for text in (spaced, glued):
        once = prepare(text)
        assert prepare(once) == once


def _big_inputs() -> list[str]:
    rng = random.Random(7)
    thai_chars = [chr(c) for c in range(0x0E01, 0x0E5C)]
    return [
        "".join(rng.choice(thai_chars) for _ in range(10_000)),
        ("ตัวชีวัดที่สามของหมวทห้า s,;f 6 " * 400)[:10_000],
        "ตัวชี้วัด" * 1_200,
        "".join(rng.choice(thai_chars + [" ", "a", "1", ";", "."]) for _ in range(10_000)),
        "".join(chr(rng.randrange(32, 0x3000)) for _ in range(10_000)),
        "ค่า" + "า" * 10_000,
    ]


@pytest.mark.parametrize("text", _big_inputs(), ids=["thai-noise", "repeated", "one-run", "mixed", "unicode", "aaa"])
def test_handles_10000_characters(text: str) -> None:
    start = time.perf_counter()
    out = prepare(text)
    tokens = analyze(text)
    assert isinstance(out, str) and all(t.strip() for t in tokens)
    assert time.perf_counter() - start < 20


@settings(max_examples=10, deadline=None)
@given(st.text(min_size=1, max_size=300), st.integers(min_value=0, max_value=2**32))
def test_prepare_on_random_10000_characters(seed_text: str, seed: int) -> None:
    """Hypothesis cannot draw 10,000 characters at once: stretch and shuffle a drawn text instead."""
    chars = list((seed_text * (10_000 // len(seed_text) + 1))[:10_000])
    random.Random(seed).shuffle(chars)
    text = "".join(chars)
    assert len(text) == 10_000
    assert isinstance(prepare(text), str)
    assert all(t.strip() for t in analyze(text))


def test_typical_question_is_fast() -> None:
    thai.warm_up()
    questions = [f"ตัวชี้วัดที่ {i} มีค่าเป้าหมายเท่าไหร่ครับ" if i % 2 else f"ขอดูเจตนารมณ์ของหมวด {i} หน่อยค่ะ" for i in range(300)]
    times = []
    for q in questions:  # each question is new, so no cache helps
        start = time.perf_counter()
        analyze(q)
        times.append(time.perf_counter() - start)
    assert statistics.median(times) < 0.003  # ~0.1 ms measured; generous for slow CI machines
