"""One call from a raw LINE message to the text the reference regexes read and the tokens BM25 ranks."""

from __future__ import annotations

from thai._cache import text_cache
from thai.keyboard import fix_layout
from thai.normalize import normalize
from thai.numbers import number_words_to_digits
from thai.spelling import correct_domain
from thai.tokenize import tokenize

#: Rounds of the steps at most; a text that changed is read again, almost always settling in two.
MAX_ROUNDS = 4


@text_cache()
def prepare(text: str) -> str:
    """The message cleaned for matching: normalize → fix_layout → number words → domain spelling.

    Why this order:

    1. ``normalize`` first: every later step compares strings, and zero-width characters,
       Thai digits, decomposed SARA AM or doubled marks would make them miss.
    2. ``fix_layout`` next, on clean text: a word typed on the wrong layout is not Thai yet, so
       neither the number words nor the spelling table could recognise anything in it.
    3. ``number_words_to_digits`` before the spelling repair, so the fuzzy matcher never sees a
       number word glued to a reference word ("หมวดสาม") and the reference regexes get digits.
    4. ``correct_domain`` last, on text that is otherwise final. If it repaired something, the
       number step runs once more: "หมวทห้า" only has a reference word once "หมวท" is "หมวด".
    5. A text that changed goes through the steps again until it settles (``MAX_ROUNDS``).

    Never raises on any ``str``; the result is stable under a second ``prepare``.
    """
    text = normalize(text)
    for _ in range(MAX_ROUNDS):
        before = text
        fixed = fix_layout(text)
        if fixed is not None:
            text = fixed
        text = number_words_to_digits(text)
        corrected = correct_domain(text)
        if corrected != text:
            text = number_words_to_digits(corrected)
        if text == before:
            break
        # A repaired word can make a neighbour readable in another way ("ยทๆฟตัวชีวัด": "ยทๆฟ" is PMQA only once
        # "ตัวชีวัด" is "ตัวชี้วัด"), so the steps run again until nothing changes: prepare is stable.
    return text


def analyze(text: str) -> list[str]:
    """Tokens of the prepared message: what the retriever indexes and searches with."""
    return tokenize(prepare(text))


__all__ = ["analyze", "prepare"]
