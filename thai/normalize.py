"""Unicode and Thai-script clean-up applied to every message before anything else.

Staff paste text from PDFs, Word and other chats into LINE, so the same word arrives with
zero-width characters, decomposed SARA AM, Thai digits or doubled marks. Matching (regexes,
BM25, command words) only works if all of those collapse to one spelling first.
"""

from __future__ import annotations

import re
import unicodedata

from pythainlp.util import normalize as _thai_normalize

from thai._cache import text_cache

#: Invisible characters that break string matching: ZWSP, ZWNJ, ZWJ, LRM/RLM, bidi embeddings,
#: WORD JOINER and the invisible operators, BOM, soft hyphen, Mongolian vowel separator.
INVISIBLE = (
    "\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2060\u2061\u2062\u2063\u2064\ufeff\u00ad\u180e"
)

_DROP_INVISIBLE = {ord(ch): None for ch in INVISIBLE}
_THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
_THAI_CHAR = re.compile("[\u0e01-\u0e5b]")
#: Three or more of the same Thai consonant never occur in a word: "ครับบบบ" is "ครับ" said loudly.
_CONSONANT_RUN = re.compile(r"([\u0e01-\u0e2e])\1{2,}")
_DANGLING = "\u0e31\u0e34-\u0e3a\u0e47-\u0e4e"  # above/below vowels, tone marks and signs
#: Anything ``pythainlp.util.normalize`` would change (its rules, written as one search) — most
#: messages have none, and skipping its forty regex passes then saves most of the time.
_THAI_FIXABLE = re.compile(
    "\u0e40\u0e40"  # เเ → แ
    "|[\u0e48-\u0e4c][\u0e31\u0e34-\u0e3a\u0e47]"  # tone mark before a vowel sign
    "|[\u0e30\u0e32\u0e33\u0e45][\u0e48-\u0e4b]"  # follow vowel before a tone mark
    "|[\u0e45\u0e4d]"  # LAKKHANGYAO, NIKHAHIT
    "|([\u0e30-\u0e33\u0e40-\u0e45\u0e31\u0e34-\u0e3a\u0e47\u0e4c-\u0e4e]) *\\1"  # repeated vowel/sign
    "|[\u0e48-\u0e4b]{2}"  # repeated tone marks
    f"|(?:^| )[{_DANGLING}]"  # dangling mark at the start or after a space
)
#: A vowel or mark typed over and over ("ค่าาาาา"): PyThaiNLP keeps one too, but its regexes take
#: quadratic time on long runs, so collapse them first. Lead vowels are left for "เเ" → "แ".
_MARK_RUN = re.compile("([\u0e30-\u0e3a\u0e45\u0e47-\u0e4e])\\1+")
#: NFKC splits SARA AM into NIKHAHIT + SARA AA; put it back (a tone mark may sit between them).
_SPLIT_SARA_AM = re.compile("\u0e4d([\u0e48-\u0e4b]?)\u0e32")


def _one_pass(text: str) -> str:
    text = unicodedata.normalize("NFKC", text.translate(_DROP_INVISIBLE))
    text = _SPLIT_SARA_AM.sub("\\1\u0e33", text).translate(_THAI_DIGITS)
    text = " ".join(text.split())
    if _THAI_CHAR.search(text):
        text = _MARK_RUN.sub(r"\1", text)
        if _THAI_FIXABLE.search(text):
            text = " ".join(_thai_normalize(text).split())
        text = _CONSONANT_RUN.sub(r"\1", text)
    return text


@text_cache()
def normalize(text: str) -> str:
    """One canonical spelling of ``text`` so that regexes and the retriever see the same string.

    NFKC (with SARA AM recomposed), no invisible characters, ASCII digits instead of Thai ones,
    single spaces, Thai marks de-duplicated and reordered by PyThaiNLP, and shouted repeats
    ("ค่าาาา", "ครับบบบ") reduced. "ๆ" is kept. Idempotent: repeated until nothing changes, which
    in practice is one pass.
    """
    for _ in range(4):
        out = _one_pass(text)
        if out == text:
            break
        text = out
    return text


@text_cache()
def fold(text: str) -> str:
    """``normalize`` plus casefold: the key for comparing a message with a command word."""
    return normalize(text).casefold()


__all__ = ["INVISIBLE", "fold", "normalize"]
