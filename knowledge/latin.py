"""The Latin words of the knowledge: which names the source uses ("ITA" is not one), and the word pairs it writes
apart that staff type as one ("checklist" for the source's "Check list"). Pure: built once from the texts."""

from __future__ import annotations

import re
from collections.abc import Iterable

_LATIN = re.compile(r"[a-z][a-z0-9&\-]{1,}")
#: Latin words of everyday chat that are not names of things ("ok", "pmqa" is in the source anyway).
_COMMON_LATIN = frozenset({"ok", "okay", "hi", "hello", "thanks", "thank", "you", "line", "bot", "what", "is", "the",
                           "and", "or", "of", "to", "in", "a", "an", "how", "who", "when", "where", "kpi", "pdpa",
                           "adr", "level", "basic", "advance", "advanced", "significance", "significant", "menu",
                           "help", "faq", "no", "yes", "gift", "policy", "fy", "q", "excel", "pdf", "app"})
_PAIR = re.compile(r"(?=\b([a-z]{2,})\s+([a-z]{2,})\b)")


class LatinWords:
    def __init__(self, texts: Iterable[str]) -> None:
        text = " ".join(texts).casefold()
        self.words = frozenset(_LATIN.findall(text)) | _COMMON_LATIN
        self.compounds = {a + b: f"{a} {b}" for a, b in _PAIR.findall(text) if a + b not in self.words}

    def knows(self, word: str) -> bool:
        """Whether the knowledge (or everyday chat English) uses this word, or one a typo away ("off")."""
        word = word.casefold()
        if word in self.words or len(word) < 3:
            return True
        return any(_one_edit(word, known) for known in self.words if abs(len(known) - len(word)) <= 1)

    def split_compounds(self, text: str) -> str:
        """"checklist" → "check list", where the knowledge writes the two words apart."""
        if not self.compounds:
            return text
        return re.sub(r"[A-Za-z]{4,}", lambda m: self.compounds.get(m.group(0).casefold(), m.group(0)), text)


def _one_edit(a: str, b: str) -> bool:
    """``a`` and ``b`` differ by one typed character at most (added, dropped or changed)."""
    if a == b:
        return True
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b, strict=True)) == 1
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    return any(long_[:i] + long_[i + 1:] == short for i in range(len(long_)))


__all__ = ["LatinWords"]
