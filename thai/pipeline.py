"""One call from a raw LINE message to the text the reference regexes read and the tokens BM25 ranks."""

from __future__ import annotations

from thai._cache import text_cache
from thai._stored import fingerprint
from thai.keyboard import fix_layout
from thai.normalize import normalize
from thai.numbers import number_words_to_digits
from thai.omissions import restore_omissions, restore_swapped_marks
from thai.spelling import correct_domain
from thai.tokenize import tokenize

#: Rounds of the steps at most; a text that changed is read again, almost always settling in two.
MAX_ROUNDS = 4


@text_cache()
def prepare(text: str) -> str:
    """The message cleaned for matching: normalize → fix_layout → number words → domain spelling → what was left out.

    Why this order:

    1. ``normalize`` first: every later step compares strings, and zero-width characters,
       Thai digits, decomposed SARA AM or doubled marks would make them miss.
    2. ``fix_layout`` next, on clean text: a word typed on the wrong layout is not Thai yet, so
       neither the number words nor the spelling table could recognise anything in it.
    3. ``number_words_to_digits`` before the spelling repair, so the fuzzy matcher never sees a
       number word glued to a reference word ("หมวดสาม") and the reference regexes get digits.
    4. ``correct_domain`` on text that is otherwise final, then ``restore_omissions`` ("ทีไหน" → "ที่ไหน",
       "ที 3" → "ที่ 3"): the domain words are whole first ("หมวท" is "หมวด", not "ห่ม" + …). Between the two, a
       mark typed a letter late is put back (``restore_swapped_marks``: "วนั" → "วัน"), so the omissions model reads
       the word, not two guesses. If they repaired something, the number step runs once more: "หมวทห้า" only has a
       reference word once "หมวท" is "หมวด".
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
        corrected = restore_omissions(restore_swapped_marks(correct_domain(text)))
        if corrected != text:
            text = number_words_to_digits(corrected)
        if text == before:
            break
        # A repaired word can make a neighbour readable in another way ("ยทๆฟตัวชีวัด": "ยทๆฟ" is PMQA only once
        # "ตัวชีวัด" is "ตัวชี้วัด"), so the steps run again until nothing changes: prepare is stable.
    return text


#: Tokens of texts known in advance (the knowledge base's own texts, read back from disk at start-up).
_KNOWN: dict[str, tuple[str, ...]] = {}
#: While a knowledge base is built: every text analysed, to be saved for the next start.
_RECORDING: list[dict[str, tuple[str, ...]]] = []


def analyze(text: str) -> list[str]:
    """Tokens of the prepared message: what the retriever indexes and searches with."""
    known = _KNOWN.get(text)
    tokens = list(known) if known is not None else tokenize(prepare(text))
    if _RECORDING:
        _RECORDING[-1][text] = tuple(tokens)
    return tokens


def preload(tokens: dict[str, tuple[str, ...]]) -> None:
    """Use these tokens for these texts (saved by an earlier start with the same ``fingerprint``)."""
    _KNOWN.update(tokens)


class recording:  # noqa: N801 - used as a context manager, like contextlib's helpers
    """Collect the tokens of every text analysed inside ``with recording() as seen:``."""

    def __enter__(self) -> dict[str, tuple[str, ...]]:
        _RECORDING.append({})
        return _RECORDING[-1]

    def __exit__(self, *exc: object) -> None:
        _RECORDING.pop()


__all__ = ["analyze", "fingerprint", "preload", "prepare", "recording"]
