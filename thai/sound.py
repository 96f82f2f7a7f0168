"""Words typed as they sound: "บริจาก" for the source's "บริจาค", "เกณ" for "เกณฑ์", "กิตติณัด" for "กิตติณัฐ".

The domain-word table (``thai.spelling``) knows a hundred-odd words by heart; a newsletter has hundreds more
(names, activities, places). Those are read by sound instead: a word's *sound key* drops what is not heard
(tone marks, ็, a silent letter with its ์) and writes each group of letters that sound alike as one
(ค/ก, ณ/น, a final ด/ฐ/ท), so a word typed by ear has the key of the word meant. Pure: the vocabulary in,
a repaired text out; a text is only ever changed where newmm could not read it as words.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from thai.pipeline import analyze
from thai.spelling import _FINAL_ALIKE, _SOUND_ALIKE, _is_final
from thai.vocabulary import thai_dictionary

#: Marks nobody hears the lack of: tone marks, ็, ั and ํ.
_UNHEARD = frozenset("\u0e48\u0e49\u0e4a\u0e4b\u0e47\u0e31\u0e4d")
#: Long vowels written as the short ones ("ปี"/"ปิ" are one slip of the thumb).
_VOWEL_LENGTH = {"\u0e35": "\u0e34", "\u0e37": "\u0e36", "\u0e39": "\u0e38"}
_KARAN = "\u0e4c"
#: A vocabulary word shorter than this is never a repair: short keys fit too many words.
MIN_WORD = 4
#: A run of Thai letters written between spaces or punctuation, short enough to be one word or name.
_RUN = re.compile(r"(?<![\u0e01-\u0e5b])[\u0e01-\u0e5b]{4,12}(?![\u0e01-\u0e5b])")
#: Pieces of a message read together at most, to find one word typed by ear.
MAX_PIECES = 3


def _first_of(ch: str, groups: tuple[str, ...]) -> str:
    return next((g[0] for g in groups if ch in g), ch)


def sound_key(word: str) -> str:
    """``word`` as it sounds: unheard marks and silent letters gone, sound-alike letters as one, doubles once."""
    out: list[str] = []
    i, n = 0, len(word)
    while i < n:
        ch = word[i]
        if i + 1 < n and word[i + 1] == _KARAN:
            i += 2  # a silent letter: "เกณฑ์" sounds "เกณ"
            continue
        if i + 2 < n and word[i + 1] in "\u0e34\u0e38" and word[i + 2] == _KARAN:
            i += 3  # "สิทธิ์"
            continue
        if ch in _UNHEARD or ch == _KARAN:
            i += 1
            continue
        ch = _VOWEL_LENGTH.get(ch, ch)
        if "\u0e01" <= ch <= "\u0e2e":
            ch = _first_of(ch, _FINAL_ALIKE if _is_final(word, i) else _SOUND_ALIKE)
        if not (out and out[-1] == ch and "\u0e01" <= ch <= "\u0e2e"):
            out.append(ch)
        i += 1
    return "".join(out)


def _thai(piece: str) -> bool:
    return bool(piece) and all("\u0e01" <= ch <= "\u0e5b" for ch in piece)


class SoundAlikeWords:
    """A vocabulary (the knowledge's words) that a message's unreadable pieces are matched against by sound."""

    def __init__(self, words: Iterable[str], texts: Iterable[str] = ()) -> None:
        """``words``: the knowledge's tokens; ``texts``: its texts, whose short runs of Thai between spaces are
        words too (a name the tokenizer cuts in two: "กิตติณัฐ")."""
        self.dictionary = thai_dictionary()
        runs = {run for text in texts for run in _RUN.findall(text)}
        self.words = frozenset(w for w in [*words, *runs] if _thai(w))
        by_key: dict[str, set[str]] = {}
        for word in self.words:
            if len(word) >= MIN_WORD:
                by_key.setdefault(sound_key(word), set()).add(word)
        #: Only keys of one word: two words that sound alike are not guessed between.
        self.by_key = {k: next(iter(v)) for k, v in by_key.items() if len(v) == 1 and len(k) >= 3}

    def _weak(self, piece: str) -> bool:
        """A piece newmm cut off because it knew no word there: one letter, or no word at all."""
        return len(piece) == 1 or piece not in self.dictionary and piece not in self.words

    def repair(self, text: str) -> str:
        """``text`` (prepared) with each run of unreadable pieces that sounds like one vocabulary word replaced by
        that word ("บริจากโลหิต" → "บริจาคโลหิต"); unchanged where every piece is a word."""
        spans = _spans(text, analyze(text))
        if not any(_thai(p) and self._weak(p) for p, _ in spans):
            return text
        out: list[str] = []
        last, i = 0, 0
        while i < len(spans):
            found = None
            for n in range(min(MAX_PIECES, len(spans) - i), 0, -1):
                window = spans[i:i + n]
                pieces = [p for p, _ in window]
                glued = all(window[k][1] + len(window[k][0]) == window[k + 1][1] for k in range(n - 1))
                if not glued or not all(_thai(p) for p in pieces) or not any(self._weak(p) for p in pieces):
                    continue
                typed = "".join(pieces)
                if len(typed) < 3 or typed in self.dictionary or typed in self.words:
                    continue
                word = self.by_key.get(sound_key(typed))
                if word is not None and word != typed:
                    found = (n, word)
                    break
            if found is None:
                i += 1
                continue
            n, word = found
            start, end = spans[i][1], spans[i + n - 1][1] + len(spans[i + n - 1][0])
            out += [text[last:start], word]
            last, i = end, i + n
        return "".join(out) + text[last:] if out else text


def _spans(text: str, pieces: list[str]) -> list[tuple[str, int]]:
    """Each piece with where it starts in ``text`` (the tokenizer drops the spaces); none if one is not found."""
    spans, at = [], 0
    for piece in pieces:
        where = text.find(piece, at)
        if where < 0:
            return []
        spans.append((piece, where))
        at = where + len(piece)
    return spans


__all__ = ["SoundAlikeWords", "sound_key"]
