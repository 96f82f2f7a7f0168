"""Put back tone marks a hurried typist left out ("ทีไหน" → "ที่ไหน", "เทาไหร" → "เท่าไหร่", "ตองทำ" → "ต้องทำ").

Many staff type without tone marks (่ ้ ๊ ๋ ์) altogether. A word without them is often no word, or a rare
one, so it matches nothing in the knowledge base, and "ที 3" is not "ที่ 3" to the reference patterns.

How: a stretch of Thai that newmm cannot read as common words is read again as the most probable
sequence of words, where a word may also be one typed without its marks (a unigram model over the Thai
National Corpus frequencies bundled in PyThaiNLP; a restored word pays a penalty, so a real word that
happens to be another word's bare form, "ขอ" beside "ข้อ", stays as typed). Correct text is never
touched: a stretch that reads as dictionary words, none of them a rare bare form of a much more common
word, is left alone without being scored.
"""

from __future__ import annotations

import math
import re
from functools import lru_cache

from thai._cache import text_cache
from thai.vocabulary import DOMAIN_WORDS, segment, thai_dictionary, thai_word_counts

#: The marks that go missing: the four tone marks and the silent-letter mark.
MARKS = "\u0e48\u0e49\u0e4a\u0e4b\u0e4c"
_STRIP = str.maketrans("", "", MARKS)
_THAI_RUN = re.compile(r"[\u0e01-\u0e4e]+")
#: How much more probable a restored word must be than the bare form typed (log scale): ×20.
PENALTY = math.log(20)
#: An unreadable character costs more than any word.
_UNKNOWN = 30.0
#: Words of asking and of chat, which the written corpus under-counts: as probable as its ~100th word.
CHAT_WORDS = frozenset("""กี่ ที่ ไหน ไหม ได้ ไม่ ต้อง เท่าไหร่ เท่าไร ไหร่ ใช่ บ้าง ด้วย ห้อง ช่วย ยังไง อย่างไร
    ล่ะ หน่อย แล้ว เมื่อไหร่ เมื่อไร ตั้งแต่ ถึง ก่อน ต่อ เรื่อง ข้อ ครั้ง ใคร ผู้ เข้า ร่วม ให้ ว่า""".split())
CHAT_RANK = 100
#: …and the domain's words as probable as its ~500th.
DOMAIN_RANK = 500
#: Stretches longer than this are left as typed (a pasted document is not a chat message).
MAX_RUN = 120


def bare(word: str) -> str:
    return word.translate(_STRIP)


class _Model:
    """Word costs (−log p) and, per bare form, the marked word it most probably is."""

    def __init__(self) -> None:
        self.counts = thai_word_counts()
        self.words = thai_dictionary()
        self.log_total = math.log(sum(self.counts.values()) or 1)
        self.unseen = self.log_total - math.log(min(self.counts.values(), default=1) / 2)
        # Written Thai is not chat: here the domain's words are common, and the words of asking most common of all.
        self.known = {w: min(self.cost(w), math.log(rank)) for words, rank in
                      ((DOMAIN_WORDS, DOMAIN_RANK), (CHAT_WORDS, CHAT_RANK)) for w in words}
        self.best: dict[str, str] = {}
        for w in self.words:
            b = w.translate(_STRIP)
            if b != w and len(b) >= 2 and (b not in self.best or self.cost(w) < self.cost(self.best[b])):
                self.best[b] = w
        self.longest = max(map(len, self.words))

    def cost(self, word: str) -> float:
        known = getattr(self, "known", {}).get(word)
        if known is not None:
            return known
        count = self.counts.get(word)
        return self.log_total - math.log(count) if count else self.unseen


@lru_cache(maxsize=1)
def _model() -> _Model:
    return _Model()


def _suspicious(run: str) -> bool:
    """Whether the stretch has a word newmm cannot read, or a bare form far rarer than its marked word."""
    model = _model()
    for token in segment(run):
        if token not in model.words:
            return True
        marked = model.best.get(token)
        if marked is not None and model.cost(token) - model.cost(marked) > PENALTY:
            return True
    return False


def _most_probable(run: str) -> str:
    """The run read as its most probable words, restoring marks where that is more probable (Viterbi)."""
    model = _model()
    n = len(run)
    score = [0.0] + [math.inf] * n
    back: list[tuple[int, str]] = [(0, "")] * (n + 1)
    for i in range(n):
        if score[i] == math.inf:
            continue
        for j in range(i + 1, min(n, i + model.longest) + 1):
            piece = run[i:j]
            options = []
            if piece in model.words:
                options.append((model.cost(piece), piece))
            if (marked := model.best.get(piece)) is not None:
                options.append((model.cost(marked) + PENALTY, marked))
            if j == i + 1 and not options:
                options.append((_UNKNOWN, piece))
            for c, word in options:
                if score[i] + c < score[j]:
                    score[j], back[j] = score[i] + c, (i, word)
    out: list[str] = []
    j = n
    while j > 0:
        i, word = back[j]
        out.append(word)
        j = i
    return "".join(reversed(out))


@text_cache()
def restore_tones(text: str) -> str:
    """``text`` with words typed without their tone marks restored; correct text unchanged. Idempotent."""

    def fix(m: re.Match[str]) -> str:
        run = m.group(0)
        if len(run) > MAX_RUN or not _suspicious(run):
            return run
        restored = _most_probable(run)
        return restored if bare(restored) == bare(run) else run

    return _THAI_RUN.sub(fix, text)


def warm_up() -> None:
    _model()


__all__ = ["MARKS", "restore_tones", "warm_up"]
