"""Thai number words after a reference word become digits: "ตัวชี้วัดที่สาม" → "ตัวชี้วัดที่ 3".

The reference regexes downstream ("หมวด 3", "ตัวชี้วัดที่ 3", "kpi 12") only read digits, but staff
often spell the number out. Only numbers right after a reference word (or a whole message that is
just a number) are converted, so ordinary words that start like a number ("สามารถ", "ห้าม",
"เก้าอี้", "สี่แยก") stay as they are.
"""

from __future__ import annotations

import re
from functools import lru_cache

from pythainlp.corpus import thai_words

from thai._cache import text_cache

_UNITS = {
    "หนึ่ง": 1, "นึง": 1, "สอง": 2, "สาม": 3, "สี่": 4, "ห้า": 5,
    "หก": 6, "เจ็ด": 7, "แปด": 8, "เก้า": 9,
}  # fmt: skip
#: Reference words after which a number is expected, longest first so "ตัวชี้วัดที่" wins over "ที่".
TRIGGERS = (
    "ตัวชี้วัดตัวที่", "ตัวชี้วัดที่", "ตัวชี้วัด", "ประเด็นที่", "ประเด็น", "หมวดที่", "หมวด",
    "ข้อที่", "ข้อ", "กิจกรรมที่", "กิจกรรม", "ขั้นตอนที่", "ขั้นตอน", "ขั้นที่", "ขั้น",
    "ปัจจัยที่", "ปัจจัย", "ประการที่", "ลำดับที่", "ระดับที่", "ตัวที่", "ที่", "ที", "kpi",
)  # fmt: skip

_UNIT = "|".join(sorted(_UNITS, key=len, reverse=True))
_TENS = rf"(?:(?:ยี่|{_UNIT})?สิบ)"
#: 1–99: [tens] สิบ [unit | เอ็ด], or a unit alone; optionally "จุด" + more numbers ("สี่จุดสอง" = 4.2).
_NUMBER = rf"(?:{_TENS}(?:เอ็ด|{_UNIT})?|{_UNIT}|ศูนย์)"
_DOTTED = rf"{_NUMBER}(?:จุด{_NUMBER})*"
_TRIGGER = "|".join(re.escape(t) for t in TRIGGERS)
_AFTER_TRIGGER = re.compile(rf"(?P<trigger>{_TRIGGER})(?P<space> ?)(?P<number>{_DOTTED})", re.IGNORECASE)
_WHOLE = re.compile(rf"(?P<number>{_DOTTED})")
_PART = re.compile(rf"(?P<tens>(?:ยี่|{_UNIT})?สิบ)?(?P<unit>เอ็ด|{_UNIT}|ศูนย์)?")
_FOLLOWS_WORD = re.compile(r"[^\W_]", re.UNICODE)
_THAI_MARK = re.compile("[\u0e30-\u0e3a\u0e45\u0e47-\u0e4e]")
#: "ที่" mistyped without its tone mark; only repaired when a number follows a real reference.
_TEE = ("ที",)


def _value(part: str) -> int:
    m = _PART.fullmatch(part)
    if not m or not m.group(0):
        raise ValueError(part)
    tens, unit = m.group("tens"), m.group("unit")
    total = 0
    if tens is not None:
        head = tens[: -len("สิบ")]
        total += 20 if head == "ยี่" else 10 * _UNITS.get(head, 1)
    if unit:
        total += 1 if unit == "เอ็ด" else 0 if unit == "ศูนย์" else _UNITS[unit]
    return total


def _to_digits(words: str) -> str:
    """Digits for number words: "สิบสอง" → "12", "สี่จุดสอง" → "4.2"."""
    return ".".join(str(_value(p)) for p in words.split("จุด"))


@lru_cache(maxsize=1)
def _words_after_number_heads() -> frozenset[str]:
    """Dictionary words that begin with a number word ("สามารถ", "ห้าม"): no number is inside them."""
    heads = ("ยี่", "ศูนย์", "เอ็ด", "สิบ", *_UNITS)
    exact = frozenset(heads)
    # One C-level startswith per word (a tuple of prefixes): this runs over ~62,000 words at start-up.
    return frozenset(w for w in thai_words() if w.startswith(heads) and w not in exact)


@lru_cache(maxsize=1)
def _longest_such_word() -> int:
    return max(map(len, _words_after_number_heads()), default=0)


def _inside_word(text: str, start: int, end: int) -> bool:
    """True when the number word at ``text[start:end]`` is really the start of a longer word."""
    if end < len(text) and _THAI_MARK.match(text, end):
        return True  # "สามารถ" without dictionary help: a vowel/mark can't start a new word
    words = _words_after_number_heads()
    # A dictionary word beginning here and running past the number ("สามารถ", "ห้าม", "เก้าอี้").
    for stop in range(min(len(text), start + _longest_such_word()), end, -1):
        # ... unless that word would end inside a syllable: "ห้าว" in "หมวดห้าวันไหน" leaves "ัน".
        if text[start:stop] in words and not _is_number(text[start:stop]) and not _THAI_MARK.match(text, stop):
            return True
    return False


def _is_number(words: str) -> bool:
    return _WHOLE.fullmatch(words) is not None


def _replace(m: re.Match[str]) -> str:
    text = m.string
    if _inside_word(text, m.start("number"), m.end("number")):
        return m.group(0)
    trigger = m.group("trigger")
    if trigger in _TEE:
        # "ที" alone is a real word ("ทีละ", "ทีม"); only repair it right after a reference word.
        before = text[: m.start()]
        if not any(before.casefold().endswith(t) for t in TRIGGERS if t not in ("ที่", "ที")):
            return m.group(0)
        trigger = "ที่"
    after = text[m.end() :]
    tail = " " if after and _FOLLOWS_WORD.match(after) else ""
    return f"{trigger} {_to_digits(m.group('number'))}{tail}"


@text_cache()
def number_words_to_digits(text: str) -> str:
    """Spelled-out numbers after a reference word (or a message that is only a number) → digits.

    "ตัวชี้วัดที่สาม" → "ตัวชี้วัดที่ 3", "หมวดห้า" → "หมวด 5", "kpi สิบสอง" → "kpi 12",
    "ประเด็นสี่จุดสอง" → "ประเด็น 4.2". Text without such a number is returned unchanged.
    """
    stripped = text.strip()
    if stripped and _WHOLE.fullmatch(stripped):
        return text.replace(stripped, _to_digits(stripped))
    if not any(w in text for w in ("สิบ", "ศูนย์", *_UNITS)):
        return text
    return _AFTER_TRIGGER.sub(_replace, text)


__all__ = ["TRIGGERS", "number_words_to_digits"]
