"""normalize / fold: one canonical spelling for every way the same Thai text can arrive."""

from __future__ import annotations

import importlib
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from thai import fold, normalize

# ``thai.normalize`` is also the name of the function re-exported by the package.
norm = importlib.import_module("thai.normalize")

THAI_ALPHABET = "".join(chr(c) for c in range(0x0E01, 0x0E5C)) + " \u200b\u00a0\t\n" + "abcABC123.,"
thai_text = st.text(alphabet=THAI_ALPHABET, max_size=60)
any_text = st.one_of(st.text(max_size=80), thai_text)

ZERO_WIDTH = re.compile("[\u200b-\u200d\u2060\ufeff\u00ad]")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("ค่าาาา", "ค่า"),
        ("เเปลก", "แปลก"),
        ("ค่่่า", "ค่า"),
        ("ตัวชี้\u200bวัด", "ตัวชี้วัด"),
        ("\ufeffหมวด\u2060 3\u00ad", "หมวด 3"),
        ("หมวด ๓", "หมวด 3"),
        ("ประเด็น ๔.๒", "ประเด็น 4.2"),
        ("  หมวด \t\n  6  ", "หมวด 6"),
        ("ครับบบบบ", "ครับ"),
        ("ดีๆ", "ดีๆ"),
        ("ไปๆมาๆ", "ไปๆมาๆ"),
        ("น\u0e49\u0e4d\u0e32", "น้ำ"),  # NFKC-style decomposed SARA AM with the tone mark between
        ("\u0e19\u0e4d\u0e32", "นำ"),
        ("ＰＭＱＡ　４．０", "PMQA 4.0"),  # full-width forms and ideographic space
        ("C4", "C4"),
        ("", ""),
        ("   ", ""),
    ],
)
def test_examples(raw: str, expected: str) -> None:
    assert normalize(raw) == expected


def test_sara_am_survives_nfkc() -> None:
    assert "\u0e33" in normalize("น้ำหนัก")
    assert normalize("น้ำหนัก") == "น้ำหนัก"
    assert "\u0e4d" not in normalize("การนำองค์การ")


def test_fold_casefolds_after_normalizing() -> None:
    assert fold("  PMQA\u200b  คืออะไร ") == "pmqa คืออะไร"
    assert fold("ＫＰＩ") == "kpi"


@given(any_text)
def test_idempotent(text: str) -> None:
    once = normalize(text)
    assert normalize(once) == once


@given(any_text)
def test_clean_output(text: str) -> None:
    out = normalize(text)
    assert not ZERO_WIDTH.search(out)
    assert not re.search("[๐-๙]", out)
    assert "  " not in out
    assert out == out.strip()
    assert not re.search(r"\s", out.replace(" ", ""))


@given(thai_text)
def test_fast_path_matches_always_running_pythainlp(text: str) -> None:
    """Skipping pythainlp.util.normalize when nothing needs it must change nothing."""
    fast = norm._one_pass(text)
    saved = norm._THAI_FIXABLE
    norm._THAI_FIXABLE = re.compile("")  # matches everywhere: always run PyThaiNLP's rules
    try:
        full = norm._one_pass(text)
    finally:
        norm._THAI_FIXABLE = saved
    assert fast == full


@given(thai_text)
def test_keeps_mai_yamok(text: str) -> None:
    assert ("ๆ" in normalize(text + " ดีๆ")) is True
